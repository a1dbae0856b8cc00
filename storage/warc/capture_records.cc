#include "storage/warc/capture_records.h"

#include <arpa/inet.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "base/hex.h"
#include "base/strings.h"
#include "storage/warc/payload_digest.h"

namespace kuzet::storage::warc {
namespace {

constexpr std::string_view kEmptyLine = "\r\n\r\n";
// An HTTP head larger than this is not one libcurl hands over (its own limit is 300 KiB in total
// and 100 KiB a header line); refusing it bounds every record's header part.
constexpr size_t kMaxHttpHeadBytes = 512 * 1024;

Status CheckHttpHead(std::string_view head, std::string_view what) {
  if (head.size() > kMaxHttpHeadBytes) {
    return Status::InvalidArgument("HTTP " + std::string(what) + " head of " +
                                   std::to_string(head.size()) + " bytes is above the limit of " +
                                   std::to_string(kMaxHttpHeadBytes));
  }
  if (head.size() < kEmptyLine.size() || head.find(kEmptyLine) != head.size() - kEmptyLine.size()) {
    return Status::InvalidArgument("HTTP " + std::string(what) +
                                   " head must end with its one empty line (CRLF CRLF)");
  }
  return Status::Ok();
}

// The response head with every Transfer-Encoding field renamed: the body it precedes has no
// transfer coding any more (see FetchedExchange::response_body).
std::string WithoutTransferEncoding(std::string_view head) {
  std::string out;
  out.reserve(head.size() + 32);
  while (!head.empty()) {
    size_t eol = head.find("\r\n");
    eol = eol == std::string_view::npos ? head.size() : eol + 2;
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos &&
        base::EqualsIgnoreAsciiCase(base::TrimAsciiWhitespace(line.substr(0, colon)),
                                    "Transfer-Encoding")) {
      out += kOriginalTransferEncodingField;
      line.remove_prefix(colon);
    }
    out += line;
  }
  return out;
}

Status CheckIpAddress(std::string_view address) {
  std::array<unsigned char, 16> buffer;
  const std::string text(address);
  if (inet_pton(AF_INET, text.c_str(), buffer.data()) == 1 ||
      inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1) {
    return Status::Ok();
  }
  return Status::InvalidArgument("WARC-IP-Address is not an IPv4 or IPv6 address: '" +
                                 PercentEncodeForHeader(address.substr(0, 80)) + "'");
}

// The fields every record of a capture starts with (§5.2, §5.4, §5.5, §5.14, §5.6), in the order
// tools print them.
Result<WarcRecord> StartRecord(std::string_view type, std::string_view target_uri, int64_t micros,
                               std::string_view content_type) {
  Result<std::string> id = NewWarcRecordId();
  if (!id.ok()) return id.status();
  WarcRecord record;
  for (const auto& [name, value] : std::initializer_list<std::pair<std::string_view, std::string>>{
           {"WARC-Type", std::string(type)},
           {"WARC-Record-ID", *id},
           {"WARC-Date", FormatWarcDate(micros)},
           {"WARC-Target-URI", PercentEncodeForHeader(target_uri)},
           {"Content-Type", std::string(content_type)}}) {
    if (name == "WARC-Target-URI" && value.empty()) continue;
    if (Status s = AddField(record, name, value); !s.ok()) return s;
  }
  return record;
}

Status AddFields(WarcRecord& record,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  for (const auto& [name, value] : fields) {
    if (Status s = AddField(record, name, value); !s.ok()) return s;
  }
  return Status::Ok();
}

// What a revisit needs of the exchange: a target URI, a response head, a valid IP if any.
Status CheckRevisitExchange(const FetchedExchange& exchange) {
  if (exchange.target_uri.empty()) return Status::InvalidArgument("WARC revisit without a URI");
  if (Status s = CheckHttpHead(exchange.response_head, "response"); !s.ok()) return s;
  if (!exchange.ip_address.empty()) return CheckIpAddress(exchange.ip_address);
  return Status::Ok();
}

// A revisit record of the exchange (§6.7): the response's head as block, and its IP address.
Result<WarcRecord> StartRevisit(const FetchedExchange& exchange) {
  Result<WarcRecord> revisit =
      StartRecord("revisit", exchange.target_uri, exchange.fetched_micros, kHttpResponseType);
  if (!revisit.ok()) return revisit.status();
  revisit->block = WithoutTransferEncoding(exchange.response_head);
  if (!exchange.ip_address.empty()) {
    if (Status s = AddFields(*revisit, {{"WARC-IP-Address", exchange.ip_address}}); !s.ok()) {
      return s;
    }
  }
  return revisit;
}

// The capture a revisit points at (§5.11, §6.7.2).
Status AddRefersTo(WarcRecord& revisit, const EarlierCapture& earlier) {
  const std::string earlier_uri = PercentEncodeForHeader(earlier.target_uri);
  const std::string earlier_date = FormatWarcDate(earlier.micros);
  return AddFields(revisit, {{"WARC-Refers-To", earlier.record_id},
                             {"WARC-Refers-To-Target-URI", earlier_uri},
                             {"WARC-Refers-To-Date", earlier_date}});
}

}  // namespace

Result<ExchangeRecords> MakeExchangeRecords(const FetchedExchange& exchange) {
  if (exchange.target_uri.empty()) return Status::InvalidArgument("WARC capture without a URI");
  if (Status s = CheckHttpHead(exchange.request_head, "request"); !s.ok()) return s;
  if (Status s = CheckHttpHead(exchange.response_head, "response"); !s.ok()) return s;
  if (!exchange.ip_address.empty()) {
    if (Status s = CheckIpAddress(exchange.ip_address); !s.ok()) return s;
  }

  Result<WarcRecord> request =
      StartRecord("request", exchange.target_uri, exchange.fetched_micros, kHttpRequestType);
  if (!request.ok()) return request.status();
  Result<WarcRecord> response =
      StartRecord("response", exchange.target_uri, exchange.fetched_micros, kHttpResponseType);
  if (!response.ok()) return response.status();

  request->block = exchange.request_head;  // a GET has no body
  response->block = WithoutTransferEncoding(exchange.response_head) + exchange.response_body;

  const std::string request_id(*request->Field("WARC-Record-ID"));
  const std::string response_id(*response->Field("WARC-Record-ID"));
  if (!exchange.ip_address.empty()) {
    if (Status s = AddFields(*request, {{"WARC-IP-Address", exchange.ip_address}}); !s.ok()) {
      return s;
    }
    if (Status s = AddFields(*response, {{"WARC-IP-Address", exchange.ip_address}}); !s.ok()) {
      return s;
    }
  }
  if (Status s = AddFields(*request, {{"WARC-Concurrent-To", response_id},
                                      {"WARC-Block-Digest", WarcSha1Digest(request->block)}});
      !s.ok()) {
    return s;
  }
  if (Status s =
          AddFields(*response, {{"WARC-Concurrent-To", request_id},
                                {"WARC-Payload-Digest", WarcSha1Digest(exchange.response_body)},
                                {"WARC-Block-Digest", WarcSha1Digest(response->block)}});
      !s.ok()) {
    return s;
  }
  return ExchangeRecords{std::move(*request), std::move(*response)};
}

Result<WarcRecord> MakeRevisitRecord(const FetchedExchange& exchange,
                                     const EarlierCapture& earlier) {
  if (Status s = CheckRevisitExchange(exchange); !s.ok()) return s;
  Result<bool> same = MatchesWarcDigest(earlier.payload_digest, exchange.response_body);
  if (!same.ok()) return same.status();
  if (!*same) {
    return Status::InvalidArgument(
        "WARC revisit of " + PercentEncodeForHeader(exchange.target_uri) +
        ": the body does not have the earlier payload digest " + earlier.payload_digest);
  }
  Result<WarcRecord> revisit = StartRevisit(exchange);
  if (!revisit.ok()) return revisit.status();
  if (Status s = AddFields(*revisit, {{"WARC-Profile", kIdenticalPayloadProfile}}); !s.ok()) {
    return s;
  }
  if (Status s = AddRefersTo(*revisit, earlier); !s.ok()) return s;
  if (Status s = AddFields(*revisit, {{"WARC-Payload-Digest", earlier.payload_digest},
                                      {"WARC-Block-Digest", WarcSha1Digest(revisit->block)}});
      !s.ok()) {
    return s;
  }
  return revisit;
}

bool IsNotModifiedHead(std::string_view response_head) {
  // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
  const std::string_view line = response_head.substr(0, response_head.find("\r\n"));
  const size_t space = line.find(' ');
  if (!line.starts_with("HTTP/") || space == std::string_view::npos) return false;
  const std::string_view code = line.substr(space + 1, 4);
  return code == "304" || code == "304 ";
}

Result<WarcRecord> MakeNotModifiedRecord(const FetchedExchange& exchange,
                                         const EarlierCapture* earlier) {
  if (Status s = CheckRevisitExchange(exchange); !s.ok()) return s;
  if (!IsNotModifiedHead(exchange.response_head) || !exchange.response_body.empty()) {
    return Status::InvalidArgument("WARC server-not-modified revisit of " +
                                   PercentEncodeForHeader(exchange.target_uri) +
                                   ": the response is not a 304 without a body");
  }
  Result<WarcRecord> revisit = StartRevisit(exchange);
  if (!revisit.ok()) return revisit.status();
  if (Status s = AddFields(*revisit, {{"WARC-Profile", kServerNotModifiedProfile}}); !s.ok()) {
    return s;
  }
  if (earlier != nullptr) {
    if (Status s = AddRefersTo(*revisit, *earlier); !s.ok()) return s;
  }
  if (Status s = AddFields(*revisit, {{"WARC-Block-Digest", WarcSha1Digest(revisit->block)}});
      !s.ok()) {
    return s;
  }
  return revisit;
}

Result<WarcRecord> MakeMetadataRecord(const CaptureLinks& links) {
  Result<WarcRecord> metadata =
      StartRecord("metadata", links.target_uri, links.micros, kWarcFieldsType);
  if (!metadata.ok()) return metadata.status();
  // The block is itself warc-fields, so the ids must pass the rules of a field value: they are
  // checked by building them as fields of a scratch record.
  WarcRecord lines;
  if (Status s = AddField(lines, "kuzet-document", links.document_id); !s.ok()) return s;
  for (const std::string& mention : links.mention_ids) {
    if (Status s = AddField(lines, "kuzet-mention", mention); !s.ok()) return s;
  }
  for (const std::string& redirect : links.redirect_record_ids) {
    if (Status s = AddField(lines, "kuzet-redirected-from", redirect); !s.ok()) return s;
  }
  for (const WarcField& line : lines.fields) {
    metadata->block += line.name + ": " + line.value + "\r\n";
  }
  if (Status s = AddFields(*metadata, {{"WARC-Refers-To", links.capture_record_id},
                                       {"WARC-Concurrent-To", links.capture_record_id},
                                       {"WARC-Block-Digest", WarcSha1Digest(metadata->block)}});
      !s.ok()) {
    return s;
  }
  return metadata;
}

Result<WarcRecord> MakeWarcinfoRecord(std::string_view filename, int64_t micros,
                                      std::string_view software) {
  Result<WarcRecord> info = StartRecord("warcinfo", "", micros, kWarcFieldsType);
  if (!info.ok()) return info.status();
  WarcRecord lines;
  if (Status s = AddFields(lines, {{"software", software},
                                   {"format", "WARC File Format 1.1"},
                                   {"conformsTo",
                                    "http://iipc.github.io/warc-specifications/specifications/"
                                    "warc-format/warc-1.1/"}});
      !s.ok()) {
    return s;
  }
  for (const WarcField& line : lines.fields) {
    info->block += line.name + ": " + line.value + "\r\n";
  }
  if (Status s = AddFields(
          *info, {{"WARC-Filename", filename}, {"WARC-Block-Digest", WarcSha1Digest(info->block)}});
      !s.ok()) {
    return s;
  }
  return info;
}

Result<std::string> NewWarcRecordId() {
  std::array<unsigned char, 16> bytes;
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::Unavailable("RAND_bytes failed: no random WARC-Record-ID");
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // variant 10 (RFC 9562 §4.1)
  std::string id = "<urn:uuid:";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    base::AppendHexByte(bytes[i], id);
  }
  id.push_back('>');
  return id;
}

std::string FormatWarcDate(int64_t unix_micros) {
  int64_t seconds = unix_micros / 1'000'000;
  int64_t micros = unix_micros % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    --seconds;
  }
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  std::array<char, 64> text;  // room for any int year gmtime_r can give
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(micros));
  return text.data();
}

std::string PercentEncodeForHeader(std::string_view uri) {
  std::string out;
  out.reserve(uri.size());
  for (char c : uri) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      base::AppendPercentEncoded(byte, out);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace kuzet::storage::warc
