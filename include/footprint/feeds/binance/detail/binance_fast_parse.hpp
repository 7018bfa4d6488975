/// @file feeds/binance/detail/binance_fast_parse.hpp
/// @brief Private to `binance_reader`: a fast, allocation-free reader of the well-formed
/// Binance messages (depth updates, bookTickers, trades, depth snapshots and the unused
/// streams), about 15 times faster than a nlohmann-json DOM parse of the same lines.
///
/// It accepts a strict subset of JSON and extracts values only; every check on them stays
/// with `binance_reader`. The subset: one object with printable-ASCII strings without
/// escapes, the expected type for every key it reads (non-negative integers without sign,
/// fraction or exponent; decimal strings as `std::from_chars` reads them, finite; booleans;
/// [price, quantity] pair arrays), each key it reads at most once, `stream` before `data`,
/// any other key holding a scalar (a string as above, `true`, `false`, `null`, or a number
/// without exponent of at most 40 characters), nothing but JSON whitespace after the
/// object. Anything else (escapes, non-ASCII bytes, nesting, duplicate keys, another type,
/// exponents, an unknown stream, malformed JSON) makes `parse` return false and the reader
/// parses the line with nlohmann-json, which then decides and words the error: a line
/// accepted here is valid JSON and reads the same in both.
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

namespace footprint::detail::binance {

/// What a combined-stream message is, from its stream name (`<symbol>@<kind>`).
enum class stream_kind : std::uint8_t { depth, book_ticker, trade, unused, unsupported };

/// The kind of the stream named `stream`: the text after its first '@' is `depth` or
/// `depth@<speed>`, `bookTicker`, `trade`, or one of the streams the reader skips
/// (markPrice, aggTrade, kline, miniTicker, ticker, forceOrder, before any '@' or '_').
[[nodiscard]] inline stream_kind classify_stream(std::string_view stream) noexcept {
  const std::size_t at = stream.find('@');
  const std::string_view kind = at == std::string_view::npos ? std::string_view{} : stream.substr(at + 1);
  if (kind == "depth" || kind.substr(0, 6) == "depth@") return stream_kind::depth;
  if (kind == "bookTicker") return stream_kind::book_ticker;
  if (kind == "trade") return stream_kind::trade;
  const std::string_view name = kind.substr(0, kind.find_first_of("@_"));
  for (const std::string_view s : {"markPrice", "aggTrade", "kline", "miniTicker", "ticker", "forceOrder"})
    if (name == s) return stream_kind::unused;
  return stream_kind::unsupported;
}

/// The values of one message, as read (unchecked beyond their type). Integers are -1 and
/// strings empty when absent; `symbol` and the ticker strings point into the line.
struct fast_message {
  enum class type : std::uint8_t { depth, book_ticker, trade, snapshot, unused };
  type kind = type::unused;
  std::string_view symbol;                                     ///< `s`
  std::int64_t first_id = -1, last_id = -1, previous_id = -1;  ///< `U`, `u` (ticker `u`, snapshot `lastUpdateId`), `pu`
  std::int64_t event_ms = -1, trade_ms = -1, trade_id = -1;    ///< `E`, `T` (trade), `t` (trade)
  std::string_view bid, bid_qty, ask, ask_qty;                 ///< ticker `b`, `B`, `a`, `A`
  std::string_view price, qty;                                 ///< trade `p`, `q`
  int maker = -1;                                              ///< trade `m`: 1 true, 0 false, -1 absent
};

/// The parser: one per reader (no state between lines).
class fast_parser {
 public:
  /// Reads one message (the JSON text of a line).
  /// @param text the JSON text
  /// @param out receives the values; meaningful only when true is returned
  /// @param bids, asks receive the depth levels (`b`/`a`, or `bids`/`asks`), as read
  /// @return true when the line is in the subset above; false: parse it with nlohmann-json
  /// Complexity: O(text size), no allocation beyond the level vectors' growth.
  bool parse(std::string_view text, fast_message& out, std::vector<price_level>& bids,
             std::vector<price_level>& asks) noexcept {
    p_ = text.data();
    end_ = text.data() + text.size();
    out = fast_message{};
    ws();
    if (!eat('{')) return false;
    std::string_view key;
    ws();
    if (!string(key)) return false;
    if (key == "stream") {
      if (!combined(out, bids, asks)) return false;
    } else if (!snapshot(key, out, bids, asks)) {
      return false;
    }
    ws();
    return p_ == end_;
  }

 private:
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
  // both numbers read by `quoted_plain_decimal`; false (p_ untouched) for anything else,
  // which `level` then reads. Needs 40 bytes from p_, enough for both 16-byte reads.
  [[gnu::always_inline]] bool packed_level(price_level& l) noexcept {
    const char* q = p_;
    if (end_ - q < 40 || q[0] != '[' || q[1] != '"') return false;
    q += 2;
    if (!quoted_plain_decimal(q, end_, l.price) || q[0] != ',' || q[1] != '"') return false;
    q += 2;
    if (!quoted_plain_decimal(q, end_, l.quantity) || *q != ']') return false;
    p_ = q + 1;
    return true;
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
  // Marks key `bit` as read; false when it was already.
  static bool once(std::uint32_t& seen, std::uint32_t bit) noexcept {
    if ((seen & bit) != 0) return false;
    seen |= bit;
    return true;
  }

  // {"stream": ..., "data": {...}, other scalars}, after the key "stream".
  bool combined(fast_message& out, std::vector<price_level>& bids, std::vector<price_level>& asks) noexcept {
    std::string_view stream;
    if (!colon() || !string(stream)) return false;
    stream_kind kind = classify_stream(stream);
    if (kind == stream_kind::unsupported) return false;
    bool data = false;
    for (bool more = true;;) {
      if (!next_member(more)) return false;
      if (!more) break;
      std::string_view key;
      if (!string(key) || !colon()) return false;
      if (key == "stream") return false;  // a duplicate
      if (key == "data") {
        if (data || !payload(kind, out, bids, asks)) return false;
        data = true;
      } else if (!scalar()) {
        return false;
      }
    }
    return data;
  }

  bool payload(stream_kind kind, fast_message& out, std::vector<price_level>& bids,
               std::vector<price_level>& asks) noexcept {
    using type = fast_message::type;
    out.kind = kind == stream_kind::depth         ? type::depth
               : kind == stream_kind::book_ticker ? type::book_ticker
               : kind == stream_kind::trade       ? type::trade
                                                  : type::unused;
    if (!eat('{')) return false;
    ws();
    if (eat('}')) return out.kind == type::unused;
    std::uint32_t seen = 0;
    for (bool more = true; more;) {
      std::string_view key;
      if (!string(key) || !colon()) return false;
      if (!member(out.kind, key, seen, out, bids, asks)) return false;
      if (!next_member(more)) return false;
    }
    switch (
        out.kind) {  // the keys the reader requires: s=1 U=2 u=4 E=8 b=16 a=32 B=64 A=128 t=256 p=512 q=1024 T=2048 m=4096
      case type::depth: return (seen & (1 | 2 | 4 | 8 | 16 | 32)) == (1 | 2 | 4 | 8 | 16 | 32);
      case type::book_ticker: return (seen & (1 | 4 | 16 | 32 | 64 | 128)) == (1 | 4 | 16 | 32 | 64 | 128);
      case type::trade:
        return (seen & (1 | 8 | 256 | 512 | 1024 | 2048 | 4096)) == (1 | 8 | 256 | 512 | 1024 | 2048 | 4096);
      default: return true;
    }
  }

  // One member of `data`, after its key.
  bool member(fast_message::type kind, std::string_view key, std::uint32_t& seen, fast_message& out,
              std::vector<price_level>& bids, std::vector<price_level>& asks) noexcept {
    using type = fast_message::type;
    if (kind == type::unused) return scalar();
    if (key.size() == 1) {
      switch (key[0]) {
        case 's': return once(seen, 1) && string(out.symbol);
        case 'E': return once(seen, 8) && integer(out.event_ms);
        case 'u':
          if (kind == type::trade) break;
          return once(seen, 4) && integer(out.last_id);
        case 'U':
          if (kind != type::depth) break;
          return once(seen, 2) && integer(out.first_id);
        case 'b':
          if (kind == type::trade) break;
          return once(seen, 16) && (kind == type::depth ? levels(bids) : string(out.bid));
        case 'a':
          if (kind == type::trade) break;
          return once(seen, 32) && (kind == type::depth ? levels(asks) : string(out.ask));
        case 'B':
          if (kind != type::book_ticker) break;
          return once(seen, 64) && string(out.bid_qty);
        case 'A':
          if (kind != type::book_ticker) break;
          return once(seen, 128) && string(out.ask_qty);
        case 't':
          if (kind != type::trade) break;
          return once(seen, 256) && integer(out.trade_id);
        case 'p':
          if (kind != type::trade) break;
          return once(seen, 512) && string(out.price);
        case 'q':
          if (kind != type::trade) break;
          return once(seen, 1024) && string(out.qty);
        case 'T':
          if (kind != type::trade) break;
          return once(seen, 2048) && integer(out.trade_ms);
        case 'm':
          if (kind != type::trade) break;
          if (!once(seen, 4096)) return false;
          if (static_cast<std::size_t>(end_ - p_) >= 4 && std::string_view(p_, 4) == "true") {
            out.maker = 1;
            p_ += 4;
            return true;
          }
          if (static_cast<std::size_t>(end_ - p_) >= 5 && std::string_view(p_, 5) == "false") {
            out.maker = 0;
            p_ += 5;
            return true;
          }
          return false;
        default: break;
      }
    } else if (key == "pu" && kind == type::depth) {
      return once(seen, 1u << 13) && integer(out.previous_id);
    }
    return scalar();
  }

  // {"lastUpdateId": .., "E": .., "bids": [..], "asks": [..], other scalars}, after the first key.
  bool snapshot(std::string_view key, fast_message& out, std::vector<price_level>& bids,
                std::vector<price_level>& asks) noexcept {
    out.kind = fast_message::type::snapshot;
    std::uint32_t seen = 0;
    for (bool more = true; more;) {
      if (!colon()) return false;
      bool ok = false;
      if (key == "lastUpdateId") {
        ok = once(seen, 1) && integer(out.last_id);
      } else if (key == "E") {
        ok = once(seen, 2) && integer(out.event_ms);
      } else if (key == "bids") {
        ok = once(seen, 4) && levels(bids);
      } else if (key == "asks") {
        ok = once(seen, 8) && levels(asks);
      } else if (key != "stream") {  // "stream" later on: a combined message, for nlohmann
        ok = scalar();
      }
      if (!ok || !next_member(more)) return false;
      if (more && !string(key)) return false;
    }
    return (seen & (1 | 4 | 8)) == (1 | 4 | 8);
  }
};

}  // namespace footprint::detail::binance
