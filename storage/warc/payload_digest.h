// The digests of WARC records (ISO 28500:2017, WARC 1.1 §5.8 WARC-Block-Digest and §5.9
// WARC-Payload-Digest): "algorithm:value" labelled digests. Kuzet writes SHA-1 in RFC 4648 base32,
// the form every WARC tool (Heritrix, wget, warcio, pywb) writes and indexes as a CDX digest.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace kuzet::storage::warc {

// "sha1:" followed by the 32 base32 letters (RFC 4648 §6, upper case) of the SHA-1 of `data`.
std::string WarcSha1Digest(std::string_view data);

// Whether `labelled_digest` is the digest of `data`. Reads "sha1:" with base32 in either case
// (§5.8 leaves the encoding to the writer; base32 is what tools write) or with 40 hex digits.
// InvalidArgument when the label names another algorithm or the value is malformed: a digest
// that cannot be checked is never taken for one that matched.
Result<bool> MatchesWarcDigest(std::string_view labelled_digest, std::string_view data);

}  // namespace kuzet::storage::warc
