// How many times slower a sanitizer build (KUZET_SANITIZE, tests/README.md) runs CPU-bound code.
//
// A test that bounds the time of CPU-bound work multiplies its bound by this, so the sanitizer
// build still runs the code (a megabyte of hostile HTML is just what ASan should see) while the
// bound keeps its full strength in a normal build.
#ifndef KUZET_TESTS_SANITIZER_SLOWDOWN_H_
#define KUZET_TESTS_SANITIZER_SLOWDOWN_H_

namespace kuzet {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)  // GCC's; Clang defines both too
inline constexpr double kSanitizerSlowdown = 10;
#else
inline constexpr double kSanitizerSlowdown = 1;
#endif

}  // namespace kuzet

#endif  // KUZET_TESTS_SANITIZER_SLOWDOWN_H_
