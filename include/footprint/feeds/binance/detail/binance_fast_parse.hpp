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
#include "footprint/feeds/binance/detail/json_cursor.hpp"

#include <cstddef>
#include <cstdint>
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
class fast_parser : private json_cursor {
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
    if (templates && depth_update(out, bids, asks)) return true;
    p_ = text.data();
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

  /// Whether the usual depth update is first matched against its literal form (on by
  /// default; the tests turn it off to compare with the general path).
  bool templates = true;

 private:
  // A depth update exactly as Binance writes it, keys in its order and no whitespace:
  // {"stream":"<s>@depth..","data":{"e":"depthUpdate","E":<n>,["T":<n>,]"s":"<s>","U":<n>,
  // "u":<n>,["pu":<n>,]"b":[..],"a":[..]}} (a USD-M update has T and pu). The literal parts
  // are compared as such, not parsed key by key. A strict subset of what `combined` accepts,
  // with the same values; false for anything else, which the general path then reads.
  bool depth_update(fast_message& out, std::vector<price_level>& bids, std::vector<price_level>& asks) noexcept {
    std::string_view stream;
    std::int64_t ignored = 0;
    if (!literal("{\"stream\":") || !string(stream) || classify_stream(stream) != stream_kind::depth) return false;
    if (!literal(",\"data\":{\"e\":\"depthUpdate\",\"E\":") || !integer(out.event_ms)) return false;
    if (literal(",\"T\":") && !integer(ignored)) return false;
    if (!literal(",\"s\":") || !string(out.symbol)) return false;
    if (!literal(",\"U\":") || !integer(out.first_id) || !literal(",\"u\":") || !integer(out.last_id)) return false;
    if (literal(",\"pu\":") && !integer(out.previous_id)) return false;
    if (!literal(",\"b\":") || !levels(bids) || !literal(",\"a\":") || !levels(asks) || !literal("}}")) return false;
    ws();
    out.kind = fast_message::type::depth;
    return p_ == end_;
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
