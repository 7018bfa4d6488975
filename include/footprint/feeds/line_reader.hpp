/// @file feeds/line_reader.hpp
/// @brief Streams the lines of a text file that may be gzip- or bzip2-compressed, or of a
/// buffer in memory, in constant memory.
///
/// Compression is detected from the file's first bytes (gzip: 1f 8b; bzip2: "BZh"), not its
/// name. Decompression is libbzip2's, and for gzip zlib's or, where footprint is built with
/// it (`FOOTPRINT_HAVE_ISAL`, CMake's FOOTPRINT_USE_ISAL), ISA-L's, the same bytes several
/// times faster (`inflater`). Lines are returned without their "\n" or
/// "\r\n" (or "\r", below); a last line without a newline is returned too. A truncated or corrupt compressed
/// stream raises `data_error` naming the file, never a crash or a silent end. A file whose
/// first line ends with a lone "\r" (classic Mac OS line ends, some exporters) is read with
/// "\r" as its line end throughout. A file of
/// several compressed members (multi-member gzip, multi-stream bzip2: what pigz, pbzip2 and
/// lbzip2 write, and `cat a.gz b.gz` makes) is read whole; bytes after the last member that
/// are not another member raise `data_error` (they are never ignored), after every line
/// before them. A compressed file is decompressed on a worker thread ahead of the lines
/// read where the machine has two cores or more (`read_ahead`): the same lines and errors.
#pragma once

#include "footprint/error.hpp"
#include "footprint/feeds/detail/compressed_source.hpp"
#include "footprint/feeds/detail/read_ahead.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace footprint {

namespace detail {

/// Private to `line_reader`: the first byte `c` in [p, end), or nullptr. The first 64 bytes
/// are searched inline, 16 at a time (a market-data row is often shorter: a LOBSTER message
/// row is about 40 bytes, and a call to `memchr` cost as much as the search), the rest by
/// `memchr`. Reads nothing outside [p, end).
[[nodiscard, gnu::always_inline]] inline const char* find_byte(const char* p, const char* end, char c) noexcept {
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  for (int k = 0; k < 4 && end - p >= 16; ++k, p += 16) {
    const auto hits = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), needle)));
    if (hits != 0) return p + std::countr_zero(hits);
  }
#endif
  return static_cast<const char*>(std::memchr(p, c, static_cast<std::size_t>(end - p)));
}

}  // namespace detail

/// The gzip decoder of a `line_reader`: both give the same bytes and the same checks (each
/// member's CRC-32 and length). `isal` (Intel's ISA-L, Debian's libisal-dev) is several
/// times faster than `zlib` on x86-64 (docs/market-data.md) and exists only where footprint
/// is built with it (`FOOTPRINT_HAVE_ISAL`); `automatic` takes it there, zlib elsewhere.
enum class inflater : std::uint8_t { automatic, zlib, isal };

/// True where footprint is built with ISA-L (`inflater::isal` is available).
inline constexpr bool isal_available =
#if defined(FOOTPRINT_HAVE_ISAL)
    true;
#else
    false;
#endif

/// Where a `line_reader` decompresses a gzip or bzip2 file. `on`: on a worker thread of its
/// own, up to 4 MiB ahead of the lines read (four chunks of 1 MiB), so that decompressing
/// and parsing run on two cores (the Bitstamp log's event reader 1.9x faster;
/// docs/market-data.md); the same lines and the same errors, at the same lines, as `off` (on
/// the caller's thread), but for one case: before a corrupt-data error, ISA-L may give a few
/// lines more on one than on the other (it drops what it decoded into a buffer of its own
/// when it meets the damage, more or less with the room it is given, as between block
/// sizes). `automatic`: `on` where the machine has more than one hardware thread. Plain files
/// and memory buffers are read on the caller's thread either way.
enum class read_ahead : std::uint8_t { automatic, off, on };

/// Reads lines from a file (plain, .gz or .bz2) or from memory.
///
/// Usage: `line_reader r("trades.csv.gz"); std::string_view line; while (r.next(line)) {...}`.
/// The view returned by `next` is valid until the following call. Memory use is constant
/// (one block buffer, 1 MiB by default, grown only for a single longer line; and 4 MiB of
/// read-ahead for a compressed file decompressed on a worker thread, `read_ahead`).
/// Not copyable; movable.
class line_reader {
 public:
  /// Opens a file. @param path file to read (plain, gzip or bzip2)
  /// @param block_size bytes read per refill; >= 64
  /// @param gzip the gzip decoder (`automatic`: ISA-L where built with it, else zlib)
  /// @param ahead where a compressed file is decompressed (`read_ahead`)
  /// @throws invalid_argument for `inflater::isal` where footprint is built without ISA-L
  /// @throws data_error when the file cannot be opened or read
  explicit line_reader(const std::string& path, std::size_t block_size = std::size_t{1} << 20,
                       inflater gzip = inflater::automatic, read_ahead ahead = read_ahead::automatic)
      : name_(path), buffer_(block_size < 64 ? 64 : block_size) {
    if (gzip == inflater::isal && !isal_available)
      throw invalid_argument(
          "footprint::line_reader: inflater::isal needs footprint built with ISA-L (FOOTPRINT_HAVE_ISAL)");
    gzip_ = gzip == inflater::zlib || !isal_available ? inflater::zlib : inflater::isal;
    source_ = std::make_unique<detail::compressed_source>(path, gzip_ == inflater::isal);
    kind_ = source_->kind();
    const bool threaded =
        ahead == read_ahead::on || (ahead == read_ahead::automatic && std::thread::hardware_concurrency() > 1);
    if (threaded && kind_ != compression::none) {
      try {
        ahead_ = std::make_unique<detail::read_ahead_source>(source_, std::size_t{1} << 20);
      } catch (const std::system_error&) {
        // no thread to be had: the file is read on the caller's thread (source_ is kept)
      }
    }
  }

  /// Reads lines from memory (no copy: `text` must outlive the reader).
  /// @param name name used in error messages (e.g. the file the buffer came from)
  /// @param text the whole content
  line_reader(std::string name, std::string_view text) : name_(std::move(name)), memory_(text), in_memory_(true) {}

  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;
  line_reader(line_reader&& o) noexcept { swap(o); }
  line_reader& operator=(line_reader&& o) noexcept {
    if (this != &o) {
      close();
      swap(o);
    }
    return *this;
  }
  ~line_reader() { close(); }

  /// Advances to the next line. @param line receives the line (no end-of-line characters)
  /// @return false at the end of the input
  /// @throws data_error on a read error or a truncated/corrupt compressed stream
  bool next(std::string_view& line) {
    // The usual case inline: after the first line, a whole line in the bytes at hand.
    if (line_number_ > 0) [[likely]] {
      const char* begin = (in_memory_ ? memory_.data() : buffer_.data()) + pos_;
      const char* stop = in_memory_ ? memory_.data() + memory_.size() : buffer_.data() + end_;
      if (const char* nl = detail::find_byte(begin, stop, static_cast<char>(eol_))) [[likely]] {
        take_line(begin, nl, line);
        return true;
      }
    }
    return next_slow(line);
  }

  /// Longest line accepted, in bytes; a longer one raises `data_error` (hostile input).
  static constexpr std::size_t max_line_length = std::size_t{64} << 20;

  /// 1-based number of the line last returned by `next` (0 before the first).
  [[nodiscard]] std::size_t line_number() const noexcept { return line_number_; }
  /// The file name (or the name given for a memory buffer).
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// The compression detected.
  [[nodiscard]] compression kind() const noexcept { return kind_; }
  /// The gzip decoder in use (`zlib` or `isal`; for gzip files only).
  [[nodiscard]] inflater gzip_inflater() const noexcept { return gzip_; }
  /// Compressed members (gzip) or streams (bzip2) read so far: a file from pigz, pbzip2,
  /// lbzip2 or `cat a.gz b.gz` has several, all read.
  [[nodiscard]] std::size_t members() const noexcept {
    if (ahead_) return ahead_->members();
    return source_ ? source_->members() : 1;
  }
  /// True when a worker thread decompresses the file (`read_ahead`).
  [[nodiscard]] bool reads_ahead() const noexcept { return ahead_ != nullptr; }

 private:
  // `next` for the first line, a line the bytes at hand do not hold whole, and the end.
  [[gnu::noinline]] bool next_slow(std::string_view& line) {
    if (!next_line(line)) return false;
    // A UTF-8 byte-order mark (spreadsheet exports write one) is not part of the first line.
    if (line_number_ == 1 && line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    return true;
  }

  // The line from `begin` (the bytes at hand, at pos_) to its end `nl`, a CR before it
  // dropped; pos_ moves past the end.
  void take_line(const char* begin, const char* nl, std::string_view& line) noexcept {
    const auto len = static_cast<std::size_t>(nl - begin);
    line = trim_cr(std::string_view(begin, len));
    pos_ += len + 1;
    ++line_number_;
  }

  static std::string_view trim_cr(std::string_view s) noexcept {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }

  // The line end, from the first one in the input: '\r' when it is a lone "\r" (not followed
  // by '\n'), else '\n'. Decided once, with the bytes at hand (reading more only while the
  // first line end is not yet in the buffer, or is a '\r' at its end).
  // `from`: where to start looking (the bytes before it hold no line end).
  static int first_line_end(std::string_view s, bool at_end, std::size_t from = 0) noexcept {
    const std::size_t i = s.find_first_of("\r\n", from);
    if (i == std::string_view::npos) return at_end ? '\n' : -1;
    if (s[i] == '\n') return '\n';
    if (i + 1 < s.size()) return s[i + 1] == '\n' ? '\n' : '\r';
    return at_end ? '\r' : -1;
  }

  bool next_line(std::string_view& line) {
    if (in_memory_) {
      if (eol_ < 0) eol_ = first_line_end(memory_, true);
      return next_in_memory(line);
    }
    std::size_t scanned = 0;  // unread bytes already searched: each byte is searched once
    while (eol_ < 0) {
      const std::string_view unread(buffer_.data() + pos_, end_ - pos_);
      eol_ = first_line_end(unread, eof_, scanned);
      if (eol_ < 0) {
        scanned = unread.empty() || unread.back() != '\r' ? unread.size() : unread.size() - 1;
        refill();
      }
    }
    for (;;) {
      const char* begin = buffer_.data() + pos_;
      const std::size_t avail = end_ - pos_;
      if (const char* nl = detail::find_byte(begin, begin + avail, static_cast<char>(eol_))) {
        take_line(begin, nl, line);
        return true;
      }
      if (eof_) {
        if (avail == 0) return false;
        line = trim_cr(std::string_view(begin, avail));
        pos_ = end_;
        ++line_number_;
        return true;
      }
      refill();
    }
  }

  bool next_in_memory(std::string_view& line) {
    if (pos_ >= memory_.size()) return false;
    const char* begin = memory_.data() + pos_;
    if (const char* nl = detail::find_byte(begin, memory_.data() + memory_.size(), static_cast<char>(eol_))) {
      take_line(begin, nl, line);
      return true;
    }
    line = trim_cr(memory_.substr(pos_));  // the last line, without an end
    pos_ = memory_.size();
    ++line_number_;
    return true;
  }

  // Moves the unread tail to the front (growing the buffer if a line fills it) and reads more.
  void refill() {
    const std::size_t tail = end_ - pos_;
    if (pos_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + pos_, tail);
      pos_ = 0;
      end_ = tail;
    }
    if (end_ == buffer_.size()) {
      if (buffer_.size() >= max_line_length) {
        throw data_error(name_, line_number_ + 1, 0, "",
                         detail::concat("line longer than ", max_line_length, " bytes (no newline)"));
      }
      buffer_.resize(buffer_.size() * 2);
    }
    const std::size_t want = buffer_.size() - end_;
    char* dst = buffer_.data() + end_;
    try {
      end_ += ahead_ ? ahead_->read(dst, want) : source_->read(dst, want);
      eof_ = ahead_ ? ahead_->ended() : source_->ended();
    } catch (const detail::stream_error& e) {
      throw data_error(name_, e.at_line() ? line_number_ + 1 : 0, 0, "", e.what());
    }
  }

  void close() noexcept {
    ahead_.reset();
    source_.reset();
  }

  void swap(line_reader& o) noexcept {
    std::swap(name_, o.name_);
    std::swap(buffer_, o.buffer_);
    std::swap(gzip_, o.gzip_);
    std::swap(source_, o.source_);
    std::swap(ahead_, o.ahead_);
    std::swap(kind_, o.kind_);
    std::swap(memory_, o.memory_);
    std::swap(in_memory_, o.in_memory_);
    std::swap(pos_, o.pos_);
    std::swap(end_, o.end_);
    std::swap(eof_, o.eof_);
    std::swap(line_number_, o.line_number_);
    std::swap(eol_, o.eol_);
  }

  std::string name_;
  std::vector<char> buffer_;
  inflater gzip_ = inflater::zlib;                     // the gzip decoder in use
  std::unique_ptr<detail::compressed_source> source_;  // the file, read on this thread
  std::unique_ptr<detail::read_ahead_source> ahead_;   // or on a worker (source_ is then null)
  compression kind_ = compression::none;
  std::string_view memory_;
  bool in_memory_ = false;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::size_t line_number_ = 0;
  int eol_ = -1;  // the line end ('\n' or '\r'); -1 until the first one is seen
};

}  // namespace footprint
