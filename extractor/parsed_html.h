// An HTML document parsed by Gumbo into a per-document arena.
//
// Gumbo makes ~20 000 small allocations per news page and frees each of them again in
// gumbo_destroy_output's tree walk; with malloc/free that is about a sixth of the parse. The tree
// only lives as long as one Extract call, so its memory comes from a bump arena instead: an
// allocation is a pointer increment, a free is nothing, and the whole tree is released by
// dropping a few large chunks. Nodes allocated one after another also sit next to each other,
// which the later walks over the tree (metadata, content) read faster than scattered heap blocks.
//
// Under AddressSanitizer (the fuzz build) every block comes from malloc instead, so that a read
// past a node or string of the tree is still caught.
//
// Memory: everything Gumbo allocates while parsing stays until destruction. Measured on the
// development corpora that is 1.25–1.4× Gumbo's peak live memory under malloc (freed blocks are
// mostly the old buffers of grown strings and vectors), and less than malloc's per-block headers.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kuzet::extractor {

class ParsedHtml {
 public:
  // Parses utf8 (which must outlive this object: Gumbo's tree points into it). Gumbo's parse
  // errors are not recorded (max_errors = 0): nothing reads them. Nesting past
  // kMaxNestingDepth is flattened first (nesting_cap.h): Gumbo is quadratic in depth. When the
  // parse would need more than max_bytes (EstimateParseBytes), nothing is parsed: output() is
  // nullptr and over_memory_budget() true.
  explicit ParsedHtml(std::string_view utf8, size_t max_bytes = SIZE_MAX);
  ~ParsedHtml();
  ParsedHtml(const ParsedHtml&) = delete;
  ParsedHtml& operator=(const ParsedHtml&) = delete;

  // Gumbo's result, or nullptr if Gumbo gave none.
  const GumboOutput* output() const { return output_; }

  // False under AddressSanitizer, where blocks come from malloc and both counts stay 0.
  static bool UsesArena();

  // Whether the input nested too deep and was flattened before parsing.
  bool nesting_capped() const { return capped_.has_value(); }

  // The estimate of the parse's memory, and whether it exceeded max_bytes (then not parsed).
  size_t estimated_bytes() const { return estimated_bytes_; }
  bool over_memory_budget() const { return over_memory_budget_; }

  // Bytes handed to Gumbo (padding included, freed blocks not reused) and bytes reserved from the
  // system (whole chunks; the untouched tail of the last one is address space, not memory).
  size_t used_bytes() const { return arena_.used_bytes(); }
  size_t reserved_bytes() const { return arena_.reserved_bytes(); }

 private:
  // Bump allocator: 16-byte aligned blocks carved from chunks that double in size.
  class Arena {
   public:
    explicit Arena(size_t first_chunk_bytes) : next_chunk_bytes_(first_chunk_bytes) {}
    void* Allocate(size_t bytes);
    size_t used_bytes() const { return used_bytes_; }
    size_t reserved_bytes() const { return reserved_bytes_; }

   private:
    [[gnu::noinline]] void AddChunk(size_t at_least);  // keeps Allocate's fast path lean
    struct FreeDeleter {
      void operator()(std::byte* p) const;
    };
    std::vector<std::unique_ptr<std::byte, FreeDeleter>> chunks_;
    std::byte* next_ = nullptr;
    std::byte* end_ = nullptr;
    size_t next_chunk_bytes_;
    size_t reserved_bytes_ = 0;
    size_t used_bytes_ = 0;
  };

  static void* GumboAllocate(void* arena, size_t bytes);
  static void GumboFree(void* arena, void* block);

  Arena arena_;
  std::optional<std::string> capped_;  // the input with nesting capped, when it had to be
  size_t estimated_bytes_ = 0;
  bool over_memory_budget_ = false;
  GumboOptions options_;
  GumboOutput* output_ = nullptr;  // lives in arena_ (see kUseArena in parsed_html.cc)
};

}  // namespace kuzet::extractor
