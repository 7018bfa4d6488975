/// @file feeds/fix/fix_message.hpp
/// @brief `fix_message`: one framed FIX message (tag=value, SOH-delimited) as a view into the
/// stream's bytes, with allocation-free iteration over its fields, lookup by tag and a safe
/// walk of repeating groups. `fix_reader` (fix_reader.hpp) finds the messages and checks
/// their framing, BodyLength (9) and CheckSum (10). See docs/fix.md.
#pragma once

#include "footprint/feeds/fix/fix_error.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace footprint {

/// The FIX field delimiter, SOH (0x01).
inline constexpr char fix_soh = '\x01';

/// One field of a message: its tag, its value (a view into the stream) and the byte offset of
/// the tag's first digit from the start of the stream.
struct fix_field {
  int tag = 0;
  std::string_view value;
  std::size_t offset = 0;
};

/// One framed message: `8=BeginString SOH 9=BodyLength SOH` then the body (MsgType 35 first)
/// and `10=CheckSum SOH`. A view: the stream's bytes must outlive it.
///
/// The framing was checked when the message was read; the fields of the body are checked as
/// they are walked (`for_each_field`, `find`): a field without '=', a tag that is not a
/// positive number of at most 9 digits without a leading zero, or an empty value throws
/// `fix_error` naming the byte offset and the tag. Every walk is O(body length) and allocates
/// nothing.
class fix_message {
 public:
  fix_message() = default;

  /// A message framed by `fix_reader` (which checked everything this assumes).
  /// @param stream   the whole stream (offsets count from its start)
  /// @param begin    offset of "8=" in the stream
  /// @param begin_string_end offset of the SOH after BeginString
  /// @param body     offset of the first body field (35=)
  /// @param msg_type_end offset of the SOH after MsgType
  /// @param trailer  offset of "10=" (the body is [body, trailer))
  /// @param index    1-based number of the message in the stream
  /// @param source   the stream's name, for errors (must outlive the message)
  fix_message(std::string_view stream, std::size_t begin, std::size_t begin_string_end, std::size_t body,
              std::size_t msg_type_end, std::size_t trailer, std::size_t index, std::string_view source) noexcept
      : stream_(stream),
        begin_(begin),
        body_(body),
        trailer_(trailer),
        end_(trailer + 7),
        index_(index),
        source_(source),
        begin_string_(stream.substr(begin + 2, begin_string_end - begin - 2)),
        msg_type_(stream.substr(body + 3, msg_type_end - body - 3)) {}

  /// The whole message, "8=" through the trailer's SOH.
  [[nodiscard]] std::string_view bytes() const noexcept { return stream_.substr(begin_, end_ - begin_); }
  /// BeginString (8): "FIX.4.0" to "FIX.4.4", or "FIXT.1.1" (FIX 5.0 and later).
  [[nodiscard]] std::string_view begin_string() const noexcept { return begin_string_; }
  /// MsgType (35), e.g. "8" (ExecutionReport), "D" (NewOrderSingle), "X".
  [[nodiscard]] std::string_view msg_type() const noexcept { return msg_type_; }
  /// The body, [35=, 10=): BodyLength (9) bytes.
  [[nodiscard]] std::string_view body() const noexcept { return stream_.substr(body_, trailer_ - body_); }
  /// Byte offset of "8=" from the start of the stream.
  [[nodiscard]] std::size_t offset() const noexcept { return begin_; }
  /// 1-based number of the message in the stream.
  [[nodiscard]] std::size_t index() const noexcept { return index_; }
  /// The stream's name (for errors).
  [[nodiscard]] std::string_view source() const noexcept { return source_; }

  /// Calls f(const fix_field&) for each body field in order (35 first); f may return bool,
  /// false to stop. @throws fix_error for a malformed field
  template <class F>
  void for_each_field(F&& f) const {
    std::size_t pos = body_;
    while (pos < trailer_) {
      const fix_field field = parse_field(pos);
      pos = std::size_t(field.value.data() - stream_.data()) + field.value.size() + 1;
      if constexpr (std::is_same_v<decltype(f(field)), bool>) {
        if (!f(field)) return;
      } else {
        f(field);
      }
    }
  }

  /// The value of the first body field with this tag, if any.
  /// @throws fix_error for a malformed field before it
  [[nodiscard]] std::optional<std::string_view> find(int tag) const {
    std::optional<std::string_view> out;
    for_each_field([&](const fix_field& f) {
      if (f.tag != tag) return true;
      out = f.value;
      return false;
    });
    return out;
  }

  /// Walks a repeating group: the count field `count_tag` (NoXXX), then `count` entries, each
  /// starting with `delimiter_tag`; the group ends at the first field after it that is
  /// neither the delimiter nor a member (`is_member(tag)`), or at the end of the body.
  /// Calls on_entry_field(entry, field) for each field of entry 0, 1, ... (the delimiter
  /// included). Returns the number of entries (0 when the count field is absent).
  /// @throws fix_error when the count is not a number, or the entries found differ from it,
  ///         or the first field after the count is not the delimiter, or a field is malformed
  template <class IsMember, class OnEntryField>
  std::size_t walk_group(int count_tag, int delimiter_tag, IsMember&& is_member, OnEntryField&& on_entry_field) const {
    enum class state { before, in_group, after };
    state s = state::before;
    std::size_t count = 0, entries = 0, count_offset = 0;
    for_each_field([&](const fix_field& f) {
      if (s == state::before) {
        if (f.tag != count_tag) return true;
        count = parse_count(f);
        count_offset = f.offset;
        s = count == 0 ? state::after : state::in_group;
        return s != state::after;
      }
      if (f.tag == delimiter_tag) {
        ++entries;
      } else if (!is_member(f.tag)) {
        return false;
      } else if (entries == 0) {
        throw error_at(
            f.offset, f.tag,
            detail::concat("the first field of group ", count_tag, " must be its delimiter tag ", delimiter_tag));
      }
      if (entries > count) return false;
      on_entry_field(entries - 1, f);
      return true;
    });
    if (s != state::before && entries != count)
      throw error_at(count_offset, count_tag,
                     detail::concat("the group announces ", count, " entries, ", entries, " were found"));
    return entries;
  }

  /// A fix_error about this message at a byte offset and tag.
  [[nodiscard]] fix_error error_at(std::size_t offset, int tag, const std::string& detail) const {
    return fix_error(std::string(source_), index_, offset, tag, detail);
  }

 private:
  // The first SOH in [p, end), or end. Values are short, so instead of memchr's call, eight
  // bytes at a time: a byte of x ^ 0x0101... is zero where x holds SOH, and
  // (y - 0x01...) & ~y & 0x80... marks the first zero byte exactly (Mycroft's test).
  static const char* find_soh(const char* p, const char* end) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (end - p >= 8) {
      std::uint64_t x = 0;
      std::memcpy(&x, p, 8);
      if constexpr (std::endian::native == std::endian::big) x = byteswap64(x);
      const std::uint64_t y = x ^ ones;
      const std::uint64_t t = (y - ones) & ~y & highs;
      if (t != 0) return p + (std::countr_zero(t) >> 3);
      p += 8;
    }
    while (p < end && *p != fix_soh) ++p;
    return p;
  }

  static constexpr std::uint64_t byteswap64(std::uint64_t x) noexcept {
    std::uint64_t out = 0;
    for (int i = 0; i < 8; ++i) out = (out << 8) | ((x >> (8 * i)) & 0xFF);
    return out;
  }

  // The field starting at pos (pos < trailer_).
  [[nodiscard]] fix_field parse_field(std::size_t pos) const {
    const char* p = stream_.data() + pos;
    const char* end = stream_.data() + trailer_;
    int tag = 0;
    const char* q = p;
    // At most 9 digits accumulate (no overflow); a tenth digit stops the loop at a digit.
    while (q < end && *q >= '0' && *q <= '9' && q - p < 9) tag = tag * 10 + (*q++ - '0');
    if (q == p || *p == '0' || q == end || *q != '=')
      throw error_at(pos, 0,
                     detail::concat("expected a tag (1 to 9 digits, no leading zero) and '=', got '",
                                    std::string_view(p, std::min<std::size_t>(std::size_t(end - p), 16)), "'"));
    const char* v = q + 1;
    const char* soh = find_soh(v, end);
    if (soh == end) throw error_at(pos, tag, "the field has no SOH before the trailer");
    if (soh == v) throw error_at(pos, tag, "empty value");
    return {tag, std::string_view(v, std::size_t(soh - v)), pos};
  }

  [[nodiscard]] std::size_t parse_count(const fix_field& f) const {
    std::size_t n = 0;
    bool too_large = false;
    for (const char c : f.value) {
      if (c < '0' || c > '9')
        throw error_at(f.offset, f.tag, detail::concat("not a group count (got '", f.value, "')"));
      if (n > body().size()) too_large = true;  // no overflow: stop growing
      if (!too_large) n = n * 10 + std::size_t(c - '0');
    }
    // An entry takes at least 4 bytes ("t=v" SOH): a larger count cannot be in the body.
    if (too_large || n > body().size() / 4)
      throw error_at(
          f.offset, f.tag,
          detail::concat("a count of ", f.value, " entries cannot fit in a body of ", body().size(), " bytes"));
    return n;
  }

  std::string_view stream_;
  std::size_t begin_ = 0, body_ = 0, trailer_ = 0, end_ = 0, index_ = 0;
  std::string_view source_;
  std::string_view begin_string_, msg_type_;
};

}  // namespace footprint
