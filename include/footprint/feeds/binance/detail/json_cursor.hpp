/// @file feeds/binance/detail/json_cursor.hpp
/// @brief Private to `binance_reader`'s fast parser (binance_fast_parse.hpp): the cursor over
/// one line of JSON and the values it reads in place (whitespace, strings without escapes,
/// integers, the scalars the reader skips, decimal strings and [price, quantity] levels).
/// Each returns false, for the fast parser to give the line up, on anything else.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/detail/decimal.hpp"
#include "footprint/detail/digits.hpp"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace footprint::detail::binance {

/// A position in a line of JSON (`p_`, before `end_`) and the reads from it.
class json_cursor {
 protected:
  const char* p_ = nullptr;
  const char* end_ = nullptr;

  [[gnu::always_inline]] void ws() noexcept {
    while (p_ != end_ && static_cast<unsigned char>(*p_) <= ' ' &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
      ++p_;
  }
  [[gnu::always_inline]] bool eat(char c) noexcept {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  // ws ':' ws
  bool colon() noexcept {
    ws();
    if (!eat(':')) return false;
    ws();
    return true;
  }
  // After a member: ws, then ',' ws (true, more = true) or '}' (true, more = false).
  bool next_member(bool& more) noexcept {
    ws();
    if (p_ == end_) return false;
    if (*p_ == '}') {
      ++p_;
      more = false;
      return true;
    }
    if (*p_ != ',') return false;
    ++p_;
    ws();
    more = true;
    return true;
  }
  // A string of printable ASCII without escapes.
  bool string(std::string_view& s) noexcept {
    if (!eat('"')) return false;
    const char* first = p_;
    while (p_ != end_ && *p_ != '"') {
      const auto c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    s = std::string_view(first, static_cast<std::size_t>(p_ - first));
    ++p_;
    return true;
  }
  // A non-negative integer: "0" or [1-9][0-9]*, at most int64 max, not followed by '.', 'e'
  // or 'E' (a number that nlohmann would read as a float).
  bool integer(std::int64_t& v) noexcept {
    if (p_ == end_ || static_cast<unsigned char>(*p_ - '0') >= 10) return false;
    std::uint64_t x = 0;
    if (*p_ == '0') {
      ++p_;
    } else if (detail::digit_run(p_, end_, x) > 19) {  // eight digits at a time; 19 fit without wrapping
      return false;
    }
    if (p_ != end_ && (static_cast<unsigned char>(*p_ - '0') < 10 || *p_ == '.' || *p_ == 'e' || *p_ == 'E'))
      return false;
    if (x > static_cast<std::uint64_t>(INT64_MAX)) return false;
    v = static_cast<std::int64_t>(x);
    return true;
  }
  // A value the reader does not read: a string, true, false, null, or a JSON number without
  // exponent of at most 40 characters (no overflow to infinity).
  bool scalar() noexcept {
    if (p_ == end_) return false;
    if (*p_ == '"') {
      std::string_view s;
      return string(s);
    }
    for (const std::string_view w : {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
      if (static_cast<std::size_t>(end_ - p_) >= w.size() && std::string_view(p_, w.size()) == w) {
        p_ += w.size();
        return p_ == end_ || !is_word_char(*p_);
      }
    }
    const char* first = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || static_cast<unsigned char>(*p_ - '0') >= 10) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && static_cast<unsigned char>(*p_ - '0') < 10) ++p_;
    }
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || static_cast<unsigned char>(*p_ - '0') >= 10) return false;
      while (p_ != end_ && static_cast<unsigned char>(*p_ - '0') < 10) ++p_;
    }
    if (p_ - first > 40) return false;
    return p_ == end_ || !(is_word_char(*p_) || *p_ == '.' || *p_ == '-' || *p_ == '+');
  }
  static bool is_word_char(char c) noexcept {
    return static_cast<unsigned char>(c - '0') < 10 || static_cast<unsigned char>((c | 0x20) - 'a') < 26;
  }
  // 0x80 in each byte of v that is zero, 0 elsewhere (exact: no borrow between bytes).
  static constexpr std::uint64_t zero_bytes(std::uint64_t v) noexcept {
    constexpr std::uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
    return ~((((v & low7) + low7) | v) | low7);
  }
  // The first '"' at or after q, looking at 8 bytes at a time (SWAR); end_ when none.
  const char* find_quote(const char* q) const noexcept {
    for (; end_ - q >= 8; q += 8) {
      std::uint64_t w;
      std::memcpy(&w, q, 8);
      if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
      const std::uint64_t quotes = zero_bytes(w ^ 0x2222222222222222ULL);
      if (quotes != 0) return q + std::countr_zero(quotes) / 8;
    }
    while (q != end_ && *q != '"') ++q;
    return q;
  }
  // A decimal string, finite (as std::from_chars reads it). The text up to the first '"' is
  // not checked as a JSON string: what from_chars takes is printable ASCII without '"' or
  // '\\' (and anything else makes it fail).
  [[gnu::always_inline]] bool decimal(double& x) noexcept {
    if (!eat('"')) return false;
    const char* first = p_;
    const char* q = find_quote(first);
    if (q == end_) return false;
    p_ = q + 1;
    return parse_decimal(first, q, x) && std::isfinite(x);
  }
  // One level in the form the exchanges send, ["<decimal>","<decimal>"] without whitespace,
  // both numbers read by `quoted_plain_mantissa` and divided by their powers of ten in one
  // vector division (a profile had half of the levels' samples waiting on the two scalar
  // divisions; the parse alone is 1.01-1.09x faster so); false (p_ untouched) for anything
  // else, which `level` then reads. Needs 40 bytes from p_, enough for both 16-byte reads.
  [[gnu::always_inline]] bool packed_level(price_level& l) noexcept {
#if defined(__SSE2__)
    const char* q = p_;
    if (end_ - q < 40 || q[0] != '[' || q[1] != '"') return false;
    q += 2;
    std::uint64_t mp = 0, mq = 0;
    int fp = 0, fq = 0;
    if (!quoted_plain_mantissa(q, end_, mp, fp) || q[0] != ',' || q[1] != '"') return false;
    q += 2;
    if (!quoted_plain_mantissa(q, end_, mq, fq) || *q != ']') return false;
    // Each lane is the IEEE division of two exact doubles: the same as two scalar divisions.
    alignas(16) double v[2];
    _mm_store_pd(v, _mm_div_pd(_mm_set_pd(static_cast<double>(mq), static_cast<double>(mp)),
                               _mm_set_pd(exact_pow10[fq], exact_pow10[fp])));
    l.price = v[0];
    l.quantity = v[1];
    p_ = q + 1;
    return true;
#else
    (void)l;
    return false;
#endif
  }
  // One level, [price, quantity] of decimal strings, with any JSON whitespace.
  bool level(price_level& l) noexcept {
    if (!eat('[')) return false;
    ws();
    if (!decimal(l.price)) return false;
    ws();
    if (!eat(',')) return false;
    ws();
    if (!decimal(l.quantity)) return false;
    ws();
    return eat(']');
  }
  // [[price, quantity], ...] of decimal strings. Levels are gathered 32 at a time on the
  // stack and appended in bulk (a push_back per level, not inlined, cost 8% of the reader).
  bool levels(std::vector<price_level>& out) noexcept {
    out.clear();
    if (!eat('[')) return false;
    ws();
    if (eat(']')) return true;
    price_level chunk[32];
    std::size_t n = 0;
    for (;;) {
      if (!packed_level(chunk[n]) && !level(chunk[n])) return false;
      if (++n == std::size(chunk)) {
        out.insert(out.end(), chunk, chunk + n);
        n = 0;
      }
      if (p_ != end_ && *p_ == ',') {  // the usual separator, without whitespace
        ++p_;
        ws();
        continue;
      }
      ws();
      if (eat(']')) break;
      if (!eat(',')) return false;
      ws();
    }
    out.insert(out.end(), chunk, chunk + n);
    return true;
  }
  // The literal `s` (without its terminating NUL), consumed; false (p_ untouched) otherwise.
  template <std::size_t N>
  [[gnu::always_inline]] bool literal(const char (&s)[N]) noexcept {
    constexpr std::size_t n = N - 1;
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, s, n) != 0) return false;
    p_ += n;
    return true;
  }
};

}  // namespace footprint::detail::binance
