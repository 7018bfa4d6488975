/// @file feeds/fix/fix_writer.hpp
/// @brief `fix_writer`: builds FIX tag=value messages with a correct BodyLength (9) and
/// CheckSum (10), for tests, benchmarks and synthetic sessions (a FIX log of simulated or
/// synthesised fills). Not a session layer: no sequence numbers or resends of its own.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/fix/fix_message.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace footprint {

/// Builds one message at a time: `fields` of the body in order (MsgType 35 first), then
/// `finish` frames it as `8=<BeginString> SOH 9=<BodyLength> SOH <body> 10=<CheckSum> SOH`.
///
///     fix_writer w("FIX.4.4");
///     w.field(35, "8").field(17, "E1").field(32, 500.0);
///     const std::string message = w.finish();
class fix_writer {
 public:
  /// @param begin_string e.g. "FIX.4.2", "FIX.4.4", "FIXT.1.1"; not checked (a test may want a
  ///        wrong one), but it must not contain SOH
  /// @throws invalid_argument when begin_string is empty or holds SOH
  explicit fix_writer(std::string_view begin_string) : begin_string_(begin_string) {
    if (begin_string_.empty() || begin_string_.find(fix_soh) != std::string::npos)
      throw invalid_argument("footprint::fix_writer: begin_string must be non-empty without SOH");
  }

  /// Appends tag=value SOH to the body.
  /// @throws invalid_argument for a tag <= 0, or a value that is empty or holds SOH
  fix_writer& field(int tag, std::string_view value) {
    if (tag <= 0)
      throw invalid_argument(detail::concat("footprint::fix_writer::field: tag must be > 0 (got ", tag, ")"));
    if (value.empty() || value.find(fix_soh) != std::string_view::npos)
      throw invalid_argument(
          detail::concat("footprint::fix_writer::field: the value of tag ", tag, " must be non-empty without SOH"));
    return raw(tag, value);
  }
  /// Appends a number in its shortest round-trip form ("500", "10.25").
  fix_writer& field(int tag, double value) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return field(tag, std::string_view(buf, std::size_t(r.ptr - buf)));
  }
  /// Appends an integer.
  fix_writer& field(int tag, std::int64_t value) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return field(tag, std::string_view(buf, std::size_t(r.ptr - buf)));
  }
  fix_writer& field(int tag, int value) { return field(tag, std::int64_t{value}); }
  /// Appends a one-character value (Side, ExecType, OrdStatus).
  fix_writer& field(int tag, char value) { return field(tag, std::string_view(&value, 1)); }
  /// Appends bytes as they are (for tests of malformed input): "tag=" value SOH, unchecked.
  fix_writer& raw(int tag, std::string_view value) {
    char buf[16];
    const auto r = std::to_chars(buf, buf + sizeof buf, tag);
    body_.append(buf, r.ptr);
    body_ += '=';
    body_ += value;
    body_ += fix_soh;
    return *this;
  }

  /// The framed message; the body starts again empty.
  [[nodiscard]] std::string finish() {
    std::string out;
    finish_into(out);
    return out;
  }
  /// Appends the framed message to `out` (a stream of messages); the body starts again empty.
  void finish_into(std::string& out) {
    const std::size_t start = out.size();
    out += "8=";
    out += begin_string_;
    out += fix_soh;
    out += "9=";
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, body_.size());
    out.append(buf, r.ptr);
    out += fix_soh;
    out += body_;
    std::uint32_t sum = 0;
    for (std::size_t i = start; i < out.size(); ++i) sum += static_cast<unsigned char>(out[i]);
    const unsigned cs = sum & 255U;
    out += "10=";
    out += char('0' + cs / 100);
    out += char('0' + cs / 10 % 10);
    out += char('0' + cs % 10);
    out += fix_soh;
    body_.clear();
  }

 private:
  std::string begin_string_;
  std::string body_;
};

}  // namespace footprint
