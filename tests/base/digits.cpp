// The SWAR digit readers of the hand-written parsers (detail/digits.hpp), against a
// digit-at-a-time loop.
#include "footprint/detail/digits.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_digits {

namespace fp = footprint;

// n random digits (0 <= n <= 8), the word digit_word makes of them (the digits as the top
// bytes, zeros below) and their value.
struct digits_word {
  std::uint64_t word = 0;
  std::uint64_t value = 0;
};
digits_word random_digits(std::mt19937_64& rng, int n) {
  char text[8] = {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'};
  digits_word d;
  for (int i = 0; i < n; ++i) {
    const auto digit = static_cast<int>(rng() % 10);
    text[i] = static_cast<char>('0' + digit);
    d.value = d.value * 10 + static_cast<std::uint64_t>(digit);
  }
  std::uint64_t w = 0;
  std::memcpy(&w, text, 8);
  d.word = n == 0 ? 0 : w << (8 * (8 - n));
  REQUIRE(fp::detail::digit_word(text, n) == d.word);
  return d;
}

TEST_CASE("two words' digits converted together equal each word's own conversion") {
  if constexpr (std::endian::native != std::endian::little) return;
  std::mt19937_64 rng(20261207);
  for (int trial = 0; trial < 200'000; ++trial) {
    const auto na = static_cast<int>(rng() % 9);
    const auto nb = static_cast<int>(rng() % 9);
    const digits_word a = random_digits(rng, na);
    const digits_word b = random_digits(rng, nb);
    const fp::detail::digit_pair p = fp::detail::swar_digits2(a.word, b.word);
    REQUIRE(fp::detail::swar_digits(a.word) == a.value);
    REQUIRE(fp::detail::swar_digits(b.word) == b.value);
    REQUIRE(p.first == a.value);
    REQUIRE(p.second == b.value);
  }
  // The extremes: all nines, and nothing.
  std::uint64_t nines = 0;
  std::memcpy(&nines, "99999999", 8);
  const fp::detail::digit_pair p = fp::detail::swar_digits2(nines, 0);
  CHECK(p.first == 99'999'999u);
  CHECK(p.second == 0u);
}

TEST_CASE("digit_run reads a run of digits as a digit-at-a-time loop does") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20'000; ++trial) {
    std::string s;
    const auto n = static_cast<int>(rng() % 25);
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
    if (rng() % 2 == 0) s.push_back(",.x-"[rng() % 4]);
    s += "123";
    std::uint64_t expected = 0;
    int digits = 0;
    while (digits < static_cast<int>(s.size()) && s[static_cast<std::size_t>(digits)] >= '0' &&
           s[static_cast<std::size_t>(digits)] <= '9') {
      expected = expected * 10 + static_cast<std::uint64_t>(s[static_cast<std::size_t>(digits)] - '0');
      ++digits;
    }
    const char* q = s.data();
    std::uint64_t v = 0;
    const std::ptrdiff_t run = fp::detail::digit_run(q, s.data() + s.size(), v);
    REQUIRE(run == digits);
    REQUIRE(q == s.data() + digits);
    REQUIRE(v == expected);
  }
}

}  // namespace unity_digits
