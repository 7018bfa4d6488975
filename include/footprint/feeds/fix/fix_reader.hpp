/// @file feeds/fix/fix_reader.hpp
/// @brief `fix_reader`: splits a FIX tag=value stream held in memory into messages, checking
/// each one's framing, BodyLength (9) and CheckSum (10), without allocating. See docs/fix.md.
#pragma once

#include "footprint/feeds/fix/fix_error.hpp"
#include "footprint/feeds/fix/fix_message.hpp"
#include "footprint/feeds/parse_report.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace footprint {

/// Settings of `fix_reader`.
struct fix_reader_options {
  /// strict: the first malformed message throws `fix_error`; lenient: it is counted in
  /// `report()` (with its message) and the reader resumes at the next "8=FIX" after it.
  parse_policy policy = parse_policy::strict;
  /// The largest BodyLength accepted, bytes (> 0): a hostile length must not make the reader
  /// look past the stream.
  std::size_t max_body_length = std::size_t{1} << 20;
};

/// Reads the FIX messages of a stream held in memory (a session log: messages back to back,
/// with no separator or with line breaks and spaces between them; no newline is needed).
///
/// Each message must be `8=<BeginString> SOH 9=<BodyLength> SOH 35=<MsgType> SOH ...
/// 10=<CheckSum> SOH`:
/// - BeginString one of FIX.4.0, FIX.4.1, FIX.4.2, FIX.4.3, FIX.4.4, FIXT.1.1 (FIX 5.0 SP2
///   sessions run over FIXT.1.1);
/// - BodyLength the number of bytes from the first byte after its SOH to the SOH before
///   "10=", inclusive; at most `max_body_length`;
/// - MsgType (35) the first field of the body;
/// - CheckSum three digits, the sum of every byte before "10=" modulo 256 (FIX 4.4 vol. 2,
///   "CheckSum calculation").
/// The body's fields are checked when they are walked (`fix_message`). hffix, a header-only
/// peer, does not check CheckSum on decode; this reader always does.
///
/// Allocation-free: `next` fills a `fix_message` view into the stream. O(message length)
/// per message. The stream's bytes and `source` must outlive the messages.
class fix_reader {
 public:
  /// @param stream  the bytes (e.g. a whole session log read into a string)
  /// @param source  the stream's name for errors (a file name)
  /// @throws invalid_argument when max_body_length is 0
  explicit fix_reader(std::string_view stream, std::string source = "<fix>", fix_reader_options options = {})
      : stream_(stream), source_(std::move(source)), options_(options) {
    if (options_.max_body_length == 0)
      throw invalid_argument("footprint::fix_reader: max_body_length must be > 0 (got 0)");
  }

  /// The next message, into `out`; false at the end of the stream.
  /// @throws fix_error (strict policy) for a malformed message: no "8=" where a message
  ///         should start, an unknown BeginString, a BodyLength that is not a number, too
  ///         large or past the end, MsgType not first, a trailer that is not "10=NNN" SOH at
  ///         the end of the body, or a wrong CheckSum (the error names the byte offset and tag)
  bool next(fix_message& out) {
    while (true) {
      skip_separators();
      if (pos_ >= stream_.size()) return false;
      ++index_;
      ++report_.lines_read;
      try {
        out = frame(pos_);
        pos_ = out.offset() + out.bytes().size();
        return true;
      } catch (const fix_error& e) {
        if (options_.policy == parse_policy::strict) throw;  // as fix_error (skip_or_throw would slice it)
        report_.skip_or_throw(options_.policy, e);
        resync();
      }
    }
  }

  /// Messages read (well-formed and skipped) and those skipped under the lenient policy.
  [[nodiscard]] const parse_report& report() const noexcept { return report_; }
  /// Byte offset where the next message is looked for.
  [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
  /// The stream's name.
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

 private:
  void skip_separators() noexcept {
    while (pos_ < stream_.size() &&
           (stream_[pos_] == '\n' || stream_[pos_] == '\r' || stream_[pos_] == ' ' || stream_[pos_] == '\t'))
      ++pos_;
  }

  // After a malformed message: the next "8=FIX" after the start of the bad one.
  void resync() noexcept {
    const std::size_t next = stream_.find("8=FIX", pos_ + 1);
    pos_ = next == std::string_view::npos ? stream_.size() : next;
  }

  [[nodiscard]] fix_error error(std::size_t offset, int tag, const std::string& detail) const {
    return fix_error(source_, index_, offset, tag, detail);
  }

  [[nodiscard]] std::string_view excerpt(std::size_t at) const {
    return stream_.substr(at, std::min<std::size_t>(16, stream_.size() - at));
  }

  // The message framed at `begin`.
  [[nodiscard]] fix_message frame(std::size_t begin) const {
    const std::string_view s = stream_;
    if (s.compare(begin, 2, "8=") != 0)
      throw error(begin, 8, detail::concat("a message must start with \"8=\" (got '", excerpt(begin), "')"));
    const std::size_t bs_end = s.find(fix_soh, begin + 2);
    const std::string_view begin_string =
        bs_end == std::string_view::npos ? s.substr(begin + 2, 16) : s.substr(begin + 2, bs_end - begin - 2);
    if (bs_end == std::string_view::npos || !known_begin_string(begin_string))
      throw error(begin, 8,
                  detail::concat("BeginString must be FIX.4.0 to FIX.4.4 or FIXT.1.1 (got '", begin_string, "')"));
    const std::size_t length_at = bs_end + 1;
    if (s.compare(length_at, 2, "9=") != 0)
      throw error(length_at, 9,
                  detail::concat("BodyLength (9) must follow BeginString (got '", excerpt(length_at), "')"));
    std::size_t length = 0, p = length_at + 2;
    const std::size_t digits_at = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9' && p - digits_at < 9)
      length = length * 10 + std::size_t(s[p++] - '0');
    if (p == digits_at || p >= s.size() || s[p] != fix_soh)
      throw error(length_at, 9,
                  detail::concat("BodyLength is not a number of at most 8 digits followed by SOH (got '",
                                 excerpt(digits_at), "')"));
    if (length > options_.max_body_length)
      throw error(length_at, 9,
                  detail::concat("BodyLength ", length, " is over the limit of ", options_.max_body_length, " bytes"));
    const std::size_t body = p + 1;
    // The body, then "10=NNN" SOH: 7 bytes.
    if (length + 7 > s.size() - body)
      throw error(
          length_at, 9,
          detail::concat("BodyLength ", length, " runs past the end of the stream (", s.size() - body, " bytes left)"));
    const std::size_t trailer = body + length;
    if (length < 5 || s[trailer - 1] != fix_soh)
      throw error(trailer, 9, detail::concat("BodyLength ", length, " does not end the body at a SOH"));
    std::size_t type_end = body + 3;
    while (type_end < trailer && s[type_end] != fix_soh) ++type_end;
    if (s.compare(body, 3, "35=") != 0 || type_end == body + 3 || type_end >= trailer)
      throw error(body, 35,
                  detail::concat("MsgType (35) must be the first field of the body (got '", excerpt(body), "')"));
    if (s.compare(trailer, 3, "10=") != 0 || !digit(s[trailer + 3]) || !digit(s[trailer + 4]) ||
        !digit(s[trailer + 5]) || s[trailer + 6] != fix_soh)
      throw error(trailer, 10,
                  detail::concat("expected the trailer \"10=NNN\" SOH where BodyLength ends the body (got '",
                                 excerpt(trailer), "')"));
    const int declared = (s[trailer + 3] - '0') * 100 + (s[trailer + 4] - '0') * 10 + (s[trailer + 5] - '0');
    const int actual = checksum(s.data() + begin, s.data() + trailer);
    if (declared != actual)
      throw error(trailer, 10,
                  detail::concat("CheckSum ", s.substr(trailer + 3, 3), " does not match the bytes (",
                                 actual < 100 ? (actual < 10 ? "00" : "0") : "", actual, ")"));
    return fix_message(s, begin, bs_end, body, type_end, trailer, index_, source_);
  }

  static bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

  static bool known_begin_string(std::string_view v) noexcept {
    return v == "FIX.4.4" || v == "FIX.4.2" || v == "FIXT.1.1" || v == "FIX.4.3" || v == "FIX.4.1" || v == "FIX.4.0";
  }

  // Sum of the bytes modulo 256. Eight bytes at a time in four 16-bit lanes (SWAR): each
  // lane gains at most 510 per word, so 128 words fit before the lanes are folded.
  static int checksum(const char* first, const char* last) noexcept {
    constexpr std::uint64_t low = 0x00FF00FF00FF00FFULL;
    std::uint64_t total = 0;
    const char* p = first;
    while (last - p >= 8) {
      std::uint64_t lanes = 0;
      for (int k = 0; k < 128 && last - p >= 8; ++k, p += 8) {
        std::uint64_t x = 0;
        std::memcpy(&x, p, 8);
        lanes += (x & low) + ((x >> 8) & low);
      }
      total += (lanes & 0xFFFF) + ((lanes >> 16) & 0xFFFF) + ((lanes >> 32) & 0xFFFF) + (lanes >> 48);
    }
    for (; p < last; ++p) total += static_cast<unsigned char>(*p);
    return static_cast<int>(total & 255U);
  }

  std::string_view stream_;
  std::string source_;
  fix_reader_options options_;
  std::size_t pos_ = 0, index_ = 0;
  parse_report report_;
};

}  // namespace footprint
