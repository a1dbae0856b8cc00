// The crawler's names for the URL module's functions (url/url.h). Kept so crawler code written
// before the URL module moved out of crawler/ still compiles; new code includes "url/url.h".
#pragma once

#include "url/url.h"

namespace kuzet::crawler {

using url::Canonicalize;
using url::HostOf;
using url::IsTrackingParameter;
using url::OriginOf;
using url::PathAndQueryOf;
using url::Resolve;
using url::WithAsciiHost;

}  // namespace kuzet::crawler
