#include "extractor/parsed_html.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "extractor/nesting_cap.h"

namespace kuzet::extractor {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUseArena = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUseArena = false;
#else
constexpr bool kUseArena = true;
#endif
#else
constexpr bool kUseArena = true;
#endif

constexpr size_t kAlignment = 16;  // as malloc's: Gumbo's structs need 8, strings 1
constexpr size_t kMinChunkBytes = 64u << 10;
constexpr size_t kMaxChunkBytes = 64u << 20;  // growth stops doubling here

// Gumbo allocates 4–8 bytes per input byte on news pages: a first chunk of eight times the input
// holds most trees whole. Pages of it that Gumbo never touches cost address space, not memory.
size_t FirstChunkBytes(size_t input_bytes) {
  return std::clamp(input_bytes * 8, kMinChunkBytes, kMaxChunkBytes);
}

}  // namespace

void ParsedHtml::Arena::FreeDeleter::operator()(std::byte* p) const { std::free(p); }

void ParsedHtml::Arena::AddChunk(size_t at_least) {
  const size_t bytes = std::max(next_chunk_bytes_, at_least);
  auto* chunk = static_cast<std::byte*>(std::malloc(bytes));
  // Gumbo never checks an allocation (its default is unchecked malloc) and an exception must not
  // unwind through its C frames: out of memory ends the process, as it would under malloc.
  if (chunk == nullptr) std::abort();
  chunks_.emplace_back(chunk);
  next_ = chunk;
  end_ = chunk + bytes;
  reserved_bytes_ += bytes;
  next_chunk_bytes_ = std::min(next_chunk_bytes_ * 2, kMaxChunkBytes);
}

void* ParsedHtml::Arena::Allocate(size_t bytes) {
  bytes = (std::max<size_t>(bytes, 1) + kAlignment - 1) & ~(kAlignment - 1);
  if (static_cast<size_t>(end_ - next_) < bytes) AddChunk(bytes);
  void* block = next_;
  next_ += bytes;
  used_bytes_ += bytes;
  return block;
}

void* ParsedHtml::GumboAllocate(void* arena, size_t bytes) {
  if constexpr (!kUseArena) {
    void* block = std::malloc(bytes);
    if (block == nullptr) std::abort();  // as in AddChunk
    return block;
  }
  return static_cast<Arena*>(arena)->Allocate(bytes);
}

void ParsedHtml::GumboFree(void* /*arena*/, void* block) {
  if constexpr (!kUseArena) std::free(block);
  // Otherwise released with the arena.
}

ParsedHtml::ParsedHtml(std::string_view utf8, size_t max_bytes)
    : arena_(kUseArena ? FirstChunkBytes(utf8.size()) : 0), options_(kGumboDefaultOptions) {
  options_.allocator = &ParsedHtml::GumboAllocate;
  options_.deallocator = &ParsedHtml::GumboFree;
  options_.userdata = &arena_;
  options_.max_errors = 0;  // error records cost time and we never read them
  NestingScan scan = ScanNesting(utf8);
  estimated_bytes_ = EstimateParseBytes(utf8.size(), scan);
  if (estimated_bytes_ > max_bytes) {
    over_memory_budget_ = true;
    return;
  }
  capped_ = std::move(scan.capped);
  if (capped_) utf8 = *capped_;  // Gumbo's tree points into the copy, which lives as long
  output_ = gumbo_parse_with_options(&options_, utf8.data(), utf8.size());
}

bool ParsedHtml::UsesArena() { return kUseArena; }

ParsedHtml::~ParsedHtml() {
  // The arena's chunks go with it; only malloc'ed trees need Gumbo's walk.
  if (!kUseArena && output_ != nullptr) gumbo_destroy_output(&options_, output_);
}

}  // namespace kuzet::extractor
