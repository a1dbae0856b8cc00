#include "base/hex.h"

#include <gtest/gtest.h>

#include <string>

namespace kuzet::base {
namespace {

TEST(HexTest, DigitValues) {
  struct Case {
    char c;
    int value;
  };
  const Case cases[] = {{'0', 0},  {'9', 9},  {'a', 10}, {'f', 15}, {'A', 10}, {'F', 15},
                        {'g', -1}, {'G', -1}, {'/', -1}, {':', -1}, {'@', -1}, {'\xC0', -1}};
  for (const Case& c : cases) EXPECT_EQ(HexDigitValue(c.c), c.value) << c.c;
}

TEST(HexTest, EncodesEveryByte) {
  struct Case {
    std::string bytes;
    HexCase letter_case;
    std::string hex;
  };
  const Case cases[] = {
      {"", HexCase::kLower, ""},
      {std::string("\x00\x01\x7f\x80\xff", 5), HexCase::kLower, "00017f80ff"},
      {std::string("\x00\xab\xff", 3), HexCase::kUpper, "00ABFF"},
      {"Ж", HexCase::kLower, "d096"},
  };
  for (const Case& c : cases) EXPECT_EQ(HexEncode(c.bytes, c.letter_case), c.hex) << c.hex;
  for (int byte = 0; byte < 256; ++byte) {
    std::string hex;
    AppendHexByte(static_cast<uint8_t>(byte), hex);
    ASSERT_EQ(hex.size(), 2u);
    EXPECT_EQ(HexDigitValue(hex[0]) * 16 + HexDigitValue(hex[1]), byte);
  }
}

TEST(HexTest, PercentEncodesWithUppercaseDigits) {
  std::string out;
  AppendPercentEncoded(0xD0, out);
  AppendPercentEncoded(0x20, out);
  AppendPercentEncoded(0x0a, out);
  EXPECT_EQ(out, "%D0%20%0A");
}

}  // namespace
}  // namespace kuzet::base
