// The extractor's name for the URL module's href resolver (url/resolver.h). Kept so extractor
// code written before the URL module moved out of extractor/ still compiles.
#pragma once

#include "url/resolver.h"

namespace kuzet::extractor {

using url::UrlResolver;

}  // namespace kuzet::extractor
