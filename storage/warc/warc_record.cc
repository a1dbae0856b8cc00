#include "storage/warc/warc_record.h"

#include <charconv>
#include <cstdint>
#include <utility>

#include "base/strings.h"

namespace kuzet::storage::warc {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// RFC 9110 §5.6.2 tchar, the characters of a field name (WARC 1.1 §5.1 refers to it).
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Control characters other than HTAB (which §5.1 allows as white space inside a value).
bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7f) return true;
  }
  return false;
}

std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80)) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(byte < 0x20 || byte >= 0x7f ? '?' : c);
  }
  return out;
}

}  // namespace

std::optional<std::string_view> WarcRecord::Field(std::string_view name) const {
  for (const WarcField& field : fields) {
    if (base::EqualsIgnoreAsciiCase(field.name, name)) return field.value;
  }
  return std::nullopt;
}

std::string_view WarcRecord::type() const { return Field("WARC-Type").value_or(""); }

Status AddField(WarcRecord& record, std::string_view name, std::string_view value) {
  if (!IsToken(name)) {
    return Status::InvalidArgument("WARC field name is not a token: '" + Printable(name) + "'");
  }
  if (base::EqualsIgnoreAsciiCase(name, "Content-Length")) {
    return Status::InvalidArgument("WARC Content-Length is written from the block, not set");
  }
  if (HasControlCharacter(value)) {
    return Status::InvalidArgument("WARC field " + std::string(name) +
                                   " has a control character (CR, LF or other): '" +
                                   Printable(value) + "'");
  }
  if (value.size() > kMaxFieldValueBytes) {
    return Status::InvalidArgument("WARC field " + std::string(name) + " is " +
                                   std::to_string(value.size()) + " bytes, above the limit of " +
                                   std::to_string(kMaxFieldValueBytes));
  }
  if (record.fields.size() >= kMaxFields) {
    return Status::InvalidArgument("WARC record has more than " + std::to_string(kMaxFields) +
                                   " fields");
  }
  record.fields.push_back({std::string(name), std::string(value)});
  return Status::Ok();
}

std::string SerializeWarcRecord(const WarcRecord& record) {
  SerializedWarcRecord parts = SerializeWarcRecordParts(record);
  return std::move(parts.fields) + parts.rest;
}

SerializedWarcRecord SerializeWarcRecordParts(const WarcRecord& record) {
  SerializedWarcRecord out;
  out.fields = "WARC/1.1\r\n";
  for (const WarcField& field : record.fields) {
    if (base::EqualsIgnoreAsciiCase(field.name, "Content-Length")) continue;
    out.fields += field.name;
    out.fields += ": ";
    out.fields += field.value;
    out.fields += kCrlf;
  }
  out.rest = "Content-Length: " + std::to_string(record.block.size()) + "\r\n\r\n";
  out.rest += record.block;
  out.rest += "\r\n\r\n";
  return out;
}

Result<WarcRecord> ParseWarcRecord(std::string_view bytes) {
  const size_t header_end = bytes.substr(0, kMaxHeaderBytes).find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    return Status::Corruption(bytes.size() > kMaxHeaderBytes
                                  ? "WARC header longer than " + std::to_string(kMaxHeaderBytes) +
                                        " bytes"
                                  : "WARC header not ended by an empty line");
  }
  std::string_view header = bytes.substr(0, header_end + 2);  // each line keeps its CRLF
  size_t eol = header.find(kCrlf);
  const std::string_view version = header.substr(0, eol);
  if (version != "WARC/1.1" && version != "WARC/1.0") {
    return Status::Corruption("not a WARC/1.0 or WARC/1.1 record: '" + Printable(version) + "'");
  }
  header.remove_prefix(eol + 2);

  WarcRecord record;
  while (!header.empty()) {
    eol = header.find(kCrlf);
    const std::string_view line = header.substr(0, eol);
    header.remove_prefix(eol + 2);
    if (line.front() == ' ' || line.front() == '\t') {
      if (record.fields.empty())
        return Status::Corruption("WARC header starts with a continuation");
      const std::string_view more = base::TrimAsciiWhitespace(line);
      if (HasControlCharacter(more)) {
        return Status::Corruption("WARC continuation line has a control character");
      }
      record.fields.back().value += ' ';
      record.fields.back().value += more;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return Status::Corruption("malformed WARC field line: '" + Printable(line) + "'");
    }
    if (record.fields.size() >= kMaxFields) {
      return Status::Corruption("WARC record has more than " + std::to_string(kMaxFields) +
                                " fields");
    }
    const std::string_view value = base::TrimAsciiWhitespace(line.substr(colon + 1));
    // A bare CR or LF (or NUL) inside a line: what AddField refuses is refused here too, so a
    // parsed record never carries a value that would split into two lines when written again.
    if (HasControlCharacter(value)) {
      return Status::Corruption("WARC field " + Printable(line.substr(0, colon)) +
                                " has a control character");
    }
    record.fields.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }

  const std::optional<std::string_view> length_text = record.Field("Content-Length");
  uint64_t length = 0;
  if (!length_text || length_text->empty() ||
      std::from_chars(length_text->data(), length_text->data() + length_text->size(), length).ptr !=
          length_text->data() + length_text->size()) {
    return Status::Corruption("WARC record without a valid Content-Length");
  }
  const std::string_view rest = bytes.substr(header_end + 4);
  if (length > rest.size()) {
    return Status::Corruption("WARC block shorter than its Content-Length of " +
                              std::to_string(length) + " (" + std::to_string(rest.size()) +
                              " bytes)");
  }
  if (rest.substr(length) != "\r\n\r\n") {
    return Status::Corruption("WARC block of Content-Length " + std::to_string(length) +
                              " not followed by exactly CRLF CRLF");
  }
  record.block = std::string(rest.substr(0, length));
  return record;
}

}  // namespace kuzet::storage::warc
