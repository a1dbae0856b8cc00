// The WARC records of Kuzet's evidence archive (ISO 28500:2017, WARC 1.1 §6): the request and
// response of one fetch, a revisit for a page fetched again unchanged, the metadata record that
// ties a capture to the Kuzet document and its mentions, and the warcinfo that opens each file.
// Everything here builds records in memory; warc_writer.h puts them on disk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/warc/warc_record.h"

namespace kuzet::storage::warc {

// WARC 1.1 §6.7.2: the revisit profile for a payload identical to an earlier capture's.
inline constexpr std::string_view kIdenticalPayloadProfile =
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";
// WARC 1.1 §6.7.3: the revisit profile for a conditional request the server answered with 304 Not
// Modified (RFC 9110 §15.4.5): the content is that of an earlier capture, never sent again.
inline constexpr std::string_view kServerNotModifiedProfile =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";
// §6.3, §6.5 and RFC 9112 §10.1: the content type of an HTTP message block.
inline constexpr std::string_view kHttpRequestType = "application/http;msgtype=request";
inline constexpr std::string_view kHttpResponseType = "application/http;msgtype=response";
// §7 (Annex): the content type of a block of "name: value" lines.
inline constexpr std::string_view kWarcFieldsType = "application/warc-fields";
// The response head field a chunked Transfer-Encoding is renamed to (see FetchedExchange).
inline constexpr std::string_view kOriginalTransferEncodingField = "X-Kuzet-Orig-Transfer-Encoding";

// One HTTP fetch as it crossed the wire.
struct FetchedExchange {
  std::string target_uri;      // the URL requested; bytes outside printable ASCII are %-encoded
  std::string ip_address;      // the server's IPv4 or IPv6 address; empty when unknown
  int64_t fetched_micros = 0;  // when the response began, Unix microseconds (UTC)
  // The request line and header fields as sent, ending in the empty line (CRLF CRLF).
  std::string request_head;
  // The status line and header fields as received, ending in the empty line (CRLF CRLF).
  std::string response_head;
  // The message body AS TRANSFERRED with any Transfer-Encoding removed (RFC 9112 §6.1): a body
  // the server sent gzip- or br-encoded (Content-Encoding) stays compressed, byte for byte, but a
  // chunked framing does not, because libcurl always takes it off. The response head then still
  // says "Transfer-Encoding: chunked", which would make every reader de-chunk a body that is not
  // chunked, so that field is renamed to kOriginalTransferEncodingField in the record.
  std::string response_body;
};

// A request and its response, linked both ways by WARC-Concurrent-To (§5.7).
struct ExchangeRecords {
  WarcRecord request;
  WarcRecord response;
};

// The request (§6.5) and response (§6.3) records of `exchange`, with fresh record ids, the same
// WARC-Date (§5.4), WARC-Target-URI (§5.14), WARC-IP-Address when known (§5.10), and on the
// response WARC-Payload-Digest (§5.9, SHA-1 of response_body) and on both WARC-Block-Digest (§5.8).
// InvalidArgument for a head that does not end in CRLF CRLF or holds it before its end (the body
// boundary would be ambiguous), an address that is not an IP address, or an empty URI.
Result<ExchangeRecords> MakeExchangeRecords(const FetchedExchange& exchange);

// The earlier capture a revisit refers to (§5.11, §5.12, §5.13).
struct EarlierCapture {
  std::string record_id;       // its WARC-Record-ID, "<urn:uuid:...>"
  std::string target_uri;      // its WARC-Target-URI
  int64_t micros = 0;          // its WARC-Date
  std::string payload_digest;  // its WARC-Payload-Digest, which this fetch's body matched
};

// A revisit record (§6.7) of profile kIdenticalPayloadProfile for a fetch whose body has the
// earlier capture's payload digest: the block is the response head only (§6.7.2 allows the body
// to be left out), the WARC-Payload-Digest is the earlier one. `exchange.response_body` must have
// that digest; InvalidArgument otherwise, since a revisit would then claim what is not so.
Result<WarcRecord> MakeRevisitRecord(const FetchedExchange& exchange,
                                     const EarlierCapture& earlier);

// A revisit record (§6.7) of profile kServerNotModifiedProfile for a fetch answered 304 Not
// Modified: the block is the 304's head, as for any revisit, with no WARC-Payload-Digest (no
// payload crossed the wire). `earlier`, when known, is the capture whose content the 304 confirms
// (WARC-Refers-To, WARC-Refers-To-Target-URI, WARC-Refers-To-Date; §5.11-§5.13). InvalidArgument
// when the head's status is not 304 or the exchange has a body (a 304 has none).
Result<WarcRecord> MakeNotModifiedRecord(const FetchedExchange& exchange,
                                         const EarlierCapture* earlier);

// Whether an HTTP response head's status line says 304 ("HTTP/1.1 304 Not Modified").
bool IsNotModifiedHead(std::string_view response_head);

// What the metadata record of a capture says about it in Kuzet's terms.
struct CaptureLinks {
  std::string capture_record_id;  // the response or revisit record it describes (WARC-Refers-To)
  std::string target_uri;
  int64_t micros = 0;
  std::string document_id;               // the Kuzet document of the page
  std::vector<std::string> mention_ids;  // the mentions found in it
  // The 3xx responses of other origins that led to it, first first (EvidenceArchive::Archive).
  std::vector<std::string> redirect_record_ids;
};

// A metadata record (§6.6) with an application/warc-fields block (§7) of one
// "kuzet-document: ID" line, one "kuzet-mention: ID" line per mention and one
// "kuzet-redirected-from: RECORD-ID" line per redirect response, linked to the capture by
// WARC-Refers-To (§5.11) and WARC-Concurrent-To. Ids obey the same rules as field values.
Result<WarcRecord> MakeMetadataRecord(const CaptureLinks& links);

// The warcinfo record (§6.2) that opens a file: WARC-Filename (§5.17) and a warc-fields block
// naming the software and the format.
Result<WarcRecord> MakeWarcinfoRecord(std::string_view filename, int64_t micros,
                                      std::string_view software);

// "<urn:uuid:...>" of a random (version 4, RFC 9562 §5.4) UUID from OpenSSL's RAND_bytes (§5.2).
Result<std::string> NewWarcRecordId();

// "YYYY-MM-DDThh:mm:ss.ffffffZ" in UTC: W3C-ISO8601 with the fractional seconds 1.1 allows (§5.4).
std::string FormatWarcDate(int64_t unix_micros);

// `uri` with every byte that is not printable ASCII, and the space, as %XX (RFC 3986 §2.1), so a
// URL from the network can never break a header line.
std::string PercentEncodeForHeader(std::string_view uri);

}  // namespace kuzet::storage::warc
