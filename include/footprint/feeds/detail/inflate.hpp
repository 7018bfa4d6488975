/// @file feeds/detail/inflate.hpp
/// @brief Private to `line_reader`: the two gzip decoders behind one interface, zlib's
/// inflate and, where footprint is built with it (`FOOTPRINT_HAVE_ISAL`), the inflate of
/// Intel's Intelligent Storage Acceleration Library (ISA-L, Debian's libisal-dev), several
/// times faster on x86-64 (docs/market-data.md). Both decode one gzip member at a time and
/// check its CRC-32 and length; `line_reader` handles members, files and errors.
#pragma once

#include "footprint/detail/concat.hpp"

#include <zlib.h>
#if defined(FOOTPRINT_HAVE_ISAL)
#include <isa-l/igzip_lib.h>
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <string>

namespace footprint::detail {

/// What one call of a decoder's `step` did.
enum class inflate_status : std::uint8_t {
  ok,          ///< progress, or none because more input is needed
  member_end,  ///< the member's last byte (its trailer) has been read and checked
  error        ///< corrupt data; `message()` says what
};

// One step's buffers: [in, in + in_size) to read, [out, out + out_size) to fill; the step
// sets how many bytes it read and wrote. Sizes are capped at 4 GiB - 1 a call (both
// libraries count in 32 bits).
struct inflate_buffers {
  const unsigned char* in = nullptr;
  std::size_t in_size = 0;
  char* out = nullptr;
  std::size_t out_size = 0;
  std::size_t consumed = 0;
  std::size_t produced = 0;
};

inline unsigned inflate_chunk(std::size_t n) noexcept {
  return static_cast<unsigned>(std::min<std::size_t>(n, std::numeric_limits<unsigned>::max()));
}

/// zlib's inflate, gzip wrapper only.
class zlib_inflater {
 public:
  /// @throws std::bad_alloc when zlib cannot allocate its state
  zlib_inflater() : z_(std::make_unique<z_stream>()) {
    if (inflateInit2(z_.get(), 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  zlib_inflater(const zlib_inflater&) = delete;
  zlib_inflater& operator=(const zlib_inflater&) = delete;
  ~zlib_inflater() { inflateEnd(z_.get()); }

  inflate_status step(inflate_buffers& b) noexcept {
    z_stream& z = *z_;
    const unsigned in = inflate_chunk(b.in_size);
    const unsigned out = inflate_chunk(b.out_size);
    z.next_in = const_cast<Bytef*>(b.in);  // zlib's API is not const-correct; it only reads
    z.avail_in = in;
    z.next_out = reinterpret_cast<Bytef*>(b.out);
    z.avail_out = out;
    const int rc = inflate(&z, Z_NO_FLUSH);
    b.consumed = in - z.avail_in;
    b.produced = out - z.avail_out;
    if (rc == Z_STREAM_END) return inflate_status::member_end;
    if (rc == Z_OK || rc == Z_BUF_ERROR) return inflate_status::ok;  // Z_BUF_ERROR: no progress possible
    message_ = z.msg != nullptr ? z.msg : "zlib error";
    return inflate_status::error;
  }
  /// Ready for the next member.
  void reset() noexcept { inflateReset(z_.get()); }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  std::unique_ptr<z_stream> z_;
  std::string message_;
};

#if defined(FOOTPRINT_HAVE_ISAL)
/// ISA-L's inflate (`isal_inflate` with `ISAL_GZIP`: it reads the header and checks the trailer).
class isal_inflater {
 public:
  isal_inflater() : s_(std::make_unique<inflate_state>()) { reset(); }

  inflate_status step(inflate_buffers& b) noexcept {
    if (fresh_) {
      // RFC 1952: a decoder must refuse a member whose reserved header flags (FLG bits 5-7)
      // are set; zlib does, ISA-L 2.30 does not.
      b.consumed = b.produced = 0;
      if (b.in_size < 4) return inflate_status::ok;  // no progress: the caller reads more
      if ((b.in[3] & 0xE0) != 0) {
        message_ = "unknown header flags set";
        return inflate_status::error;
      }
      fresh_ = false;
    }
    inflate_state& s = *s_;
    const unsigned in = inflate_chunk(b.in_size);
    const unsigned out = inflate_chunk(b.out_size);
    s.next_in = const_cast<std::uint8_t*>(b.in);  // ISA-L's API is not const-correct; it only reads
    s.avail_in = in;
    s.next_out = reinterpret_cast<std::uint8_t*>(b.out);
    s.avail_out = out;
    const int rc = isal_inflate(&s);
    b.consumed = in - s.avail_in;
    b.produced = out - s.avail_out;
    if (rc < 0 || rc == ISAL_NEED_DICT) {
      message_ = describe(rc);
      return inflate_status::error;
    }
    return s.block_state == ISAL_BLOCK_FINISH ? inflate_status::member_end : inflate_status::ok;
  }
  /// Ready for the next member.
  void reset() noexcept {
    isal_inflate_init(s_.get());
    s_->crc_flag = ISAL_GZIP;
    fresh_ = true;
  }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  static std::string describe(int rc) {
    switch (rc) {
      case ISAL_INVALID_BLOCK: return "invalid deflate block";
      case ISAL_INVALID_SYMBOL: return "invalid deflate code";
      case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
      case ISAL_INVALID_WRAPPER: return "invalid gzip header";
      case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
      case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
      case ISAL_NEED_DICT: return "a preset dictionary is needed";
      default: return concat("ISA-L error ", rc);
    }
  }
  std::unique_ptr<inflate_state> s_;
  std::string message_;
  bool fresh_ = true;  // at the start of a member: its header not yet checked
};
#endif

/// The gzip decoder of a `line_reader`: ISA-L's or zlib's, chosen once.
class gzip_decoder {
 public:
  /// @param isal ISA-L's (only where footprint is built with it), else zlib's
  explicit gzip_decoder(bool isal) {
#if defined(FOOTPRINT_HAVE_ISAL)
    if (isal) {
      isal_ = std::make_unique<isal_inflater>();
      return;
    }
#else
    (void)isal;
#endif
    zlib_ = std::make_unique<zlib_inflater>();
  }
  inflate_status step(inflate_buffers& b) noexcept {
#if defined(FOOTPRINT_HAVE_ISAL)
    if (isal_ != nullptr) return isal_->step(b);
#endif
    return zlib_->step(b);
  }
  /// Ready for the next member.
  void reset() noexcept {
#if defined(FOOTPRINT_HAVE_ISAL)
    if (isal_ != nullptr) return isal_->reset();
#endif
    zlib_->reset();
  }
  [[nodiscard]] const std::string& message() const noexcept {
#if defined(FOOTPRINT_HAVE_ISAL)
    if (isal_ != nullptr) return isal_->message();
#endif
    return zlib_->message();
  }

 private:
  std::unique_ptr<zlib_inflater> zlib_;
#if defined(FOOTPRINT_HAVE_ISAL)
  std::unique_ptr<isal_inflater> isal_;
#endif
};

}  // namespace footprint::detail
