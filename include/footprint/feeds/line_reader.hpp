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
/// are not another member raise `data_error` (they are never ignored).
#pragma once

#include "footprint/error.hpp"
#include "footprint/feeds/detail/inflate.hpp"

#include <bzlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// Compression of a market-data file, as detected from its first bytes.
enum class compression : std::uint8_t { none, gzip, bzip2 };

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

/// Reads lines from a file (plain, .gz or .bz2) or from memory.
///
/// Usage: `line_reader r("trades.csv.gz"); std::string_view line; while (r.next(line)) {...}`.
/// The view returned by `next` is valid until the following call. Memory use is constant
/// (one block buffer, 1 MiB by default, grown only for a single longer line).
/// Not copyable; movable.
class line_reader {
 public:
  /// Opens a file. @param path file to read (plain, gzip or bzip2)
  /// @param block_size bytes read per refill; >= 64
  /// @param gzip the gzip decoder (`automatic`: ISA-L where built with it, else zlib)
  /// @throws invalid_argument for `inflater::isal` where footprint is built without ISA-L
  /// @throws data_error when the file cannot be opened or read
  explicit line_reader(const std::string& path, std::size_t block_size = std::size_t{1} << 20,
                       inflater gzip = inflater::automatic)
      : name_(path), buffer_(block_size < 64 ? 64 : block_size) {
    if (gzip == inflater::isal && !isal_available)
      throw invalid_argument(
          "footprint::line_reader: inflater::isal needs footprint built with ISA-L (FOOTPRINT_HAVE_ISAL)");
    gzip_ = gzip == inflater::zlib || !isal_available ? inflater::zlib : inflater::isal;
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) throw data_error(path, 0, 0, "", "cannot open file for reading");
    unsigned char magic[3] = {0, 0, 0};
    const std::size_t got = std::fread(magic, 1, 3, file_.get());
    std::rewind(file_.get());
    if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
      kind_ = compression::gzip;
      gz_ = std::make_unique<detail::gzip_decoder>(gzip_ == inflater::isal);
      compressed_.resize(std::size_t{1} << 17);
    } else if (got == 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
      kind_ = compression::bzip2;
      int err = BZ_OK;
      bz_ = BZ2_bzReadOpen(&err, file_.get(), 0, 0, nullptr, 0);
      if (err != BZ_OK) throw data_error(path, 0, 0, "", "cannot open bzip2 stream");
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
    if (!next_line(line)) return false;
    // A UTF-8 byte-order mark (spreadsheet exports write one) is not part of the first line.
    if (line_number_ == 1 && line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    return true;
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
  [[nodiscard]] std::size_t members() const noexcept { return members_; }

 private:
  struct file_closer {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };

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
      if (const void* nl = std::memchr(begin, eol_, avail)) {
        const std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - begin);
        line = trim_cr(std::string_view(begin, len));
        pos_ += len + 1;
        ++line_number_;
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
    const std::size_t nl = memory_.find(static_cast<char>(eol_), pos_);
    const std::size_t stop = nl == std::string_view::npos ? memory_.size() : nl;
    line = trim_cr(memory_.substr(pos_, stop - pos_));
    pos_ = nl == std::string_view::npos ? memory_.size() : nl + 1;
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
    std::size_t got = 0;
    switch (kind_) {
      case compression::none: {
        got = std::fread(dst, 1, want, file_.get());
        if (got < want) {
          if (std::ferror(file_.get())) throw data_error(name_, line_number_ + 1, 0, "", "read error");
          eof_ = true;
        }
        break;
      }
      case compression::gzip: got = inflate_some(dst, want); break;
      case compression::bzip2: got = bunzip_some(dst, want); break;
    }
    end_ += got;
  }

  // Reads more compressed bytes into compressed_ after the `keep` unread ones at its front;
  // false at the end of the file. @throws data_error on a read error
  bool read_compressed(std::size_t keep) {
    if (file_eof_) return false;
    const std::size_t n = std::fread(compressed_.data() + keep, 1, compressed_.size() - keep, file_.get());
    if (n < compressed_.size() - keep) {
      if (std::ferror(file_.get())) throw data_error(name_, line_number_ + 1, 0, "", "read error");
      file_eof_ = true;
    }
    in_begin_ = 0;
    in_end_ = keep + n;
    return n > 0;
  }

  // Moves the unread compressed bytes to the front and makes sure at least `need` are there
  // (fewer at the end of the file), reading only the missing bytes (libbzip2 takes at most
  // BZ_MAX_UNUSED bytes back); returns how many there are. @throws data_error on a read error
  std::size_t lookahead(std::size_t need) {
    std::size_t have = in_end_ - in_begin_;
    if (have >= need || file_eof_) return have;
    std::memmove(compressed_.data(), compressed_.data() + in_begin_, have);
    in_begin_ = 0;
    in_end_ = have;
    while (in_end_ < need && !file_eof_) {
      const std::size_t want = need - in_end_;
      const std::size_t n = std::fread(compressed_.data() + in_end_, 1, want, file_.get());
      if (n < want) {
        if (std::ferror(file_.get())) throw data_error(name_, line_number_ + 1, 0, "", "read error");
        file_eof_ = true;
      }
      in_end_ += n;
    }
    return in_end_ - in_begin_;
  }

  // After the end of one compressed member: true when another member of the same format
  // follows (gzip: 1f 8b; bzip2: "BZh"), false at the end of the file. @throws data_error
  // for bytes after the last member that are not one (trailing garbage is never ignored)
  bool next_member(const char* magic, std::size_t magic_size, const char* format) {
    const std::size_t have = lookahead(magic_size);
    if (have == 0) return false;
    if (have < magic_size || std::memcmp(compressed_.data() + in_begin_, magic, magic_size) != 0) {
      std::size_t trailing = have;
      while (!file_eof_ && read_compressed(0)) trailing += in_end_;
      throw data_error(name_, 0, 0, "",
                       detail::concat(trailing, " byte", trailing == 1 ? "" : "s", " after the end of the ", format,
                                      " stream, not another ", format, " member (a damaged or padded file)"));
    }
    ++members_;
    return true;
  }

  // Inflates up to `want` bytes into dst, member after member (pigz, `cat a.gz b.gz`).
  std::size_t inflate_some(char* dst, std::size_t want) {
    std::size_t got = 0;
    while (got < want) {
      if (in_begin_ == in_end_ && !read_compressed(0) && !member_open_) break;
      detail::inflate_buffers b{reinterpret_cast<const unsigned char*>(compressed_.data() + in_begin_),
                                in_end_ - in_begin_, dst + got, want - got};
      const detail::inflate_status st = gz_->step(b);
      in_begin_ += b.consumed;
      got += b.produced;
      if (st == detail::inflate_status::error)
        throw data_error(name_, line_number_ + 1, 0, "", detail::concat("corrupt gzip stream (", gz_->message(), ")"));
      if (st == detail::inflate_status::member_end) {
        member_open_ = false;
        if (!next_member("\x1f\x8b", 2, "gzip")) break;
        gz_->reset();
        member_open_ = true;
        continue;
      }
      member_open_ = true;
      if (b.consumed == 0 && b.produced == 0) {  // no progress: more input is needed
        const std::size_t have = in_end_ - in_begin_;
        if (have == compressed_.size())  // not reached by zlib or ISA-L: each reads what it is given
          throw data_error(name_, line_number_ + 1, 0, "", "corrupt gzip stream (no progress)");
        if (lookahead(have + 1) == have)
          throw data_error(name_, line_number_ + 1, 0, "", "truncated gzip stream (unexpected end of file)");
      }
    }
    if (got < want) eof_ = true;
    return got;
  }

  // Decompresses up to `want` bytes into dst, stream after stream (pbzip2, lbzip2, `cat`).
  std::size_t bunzip_some(char* dst, std::size_t want) {
    std::size_t got = 0;
    while (got < want) {
      int err = BZ_OK;
      const int n = BZ2_bzRead(&err, bz_, dst + got, static_cast<int>(want - got));
      if (err == BZ_OK) {
        got += static_cast<std::size_t>(n);
        continue;
      }
      if (err != BZ_STREAM_END) {
        throw data_error(name_, line_number_ + 1, 0, "",
                         err == BZ_UNEXPECTED_EOF ? std::string("truncated bzip2 stream (unexpected end of file)")
                                                  : detail::concat("corrupt bzip2 stream (libbzip2 error ", err, ")"));
      }
      got += static_cast<std::size_t>(n);
      // The bytes libbzip2 read past this stream: kept, then the file's rest decides.
      void* unused = nullptr;
      int n_unused = 0;
      BZ2_bzReadGetUnused(&err, bz_, &unused, &n_unused);
      compressed_.resize(std::max<std::size_t>(compressed_.size(), std::size_t{1} << 17));
      std::memcpy(compressed_.data(), unused, static_cast<std::size_t>(n_unused));
      in_begin_ = 0;
      in_end_ = static_cast<std::size_t>(n_unused);
      BZ2_bzReadClose(&err, bz_);
      bz_ = nullptr;
      if (!next_member("BZh", 3, "bzip2")) {
        eof_ = true;
        break;
      }
      // libbzip2 reads the file after the bytes it is handed: give it what is buffered.
      const std::size_t have = in_end_ - in_begin_;
      bz_ = BZ2_bzReadOpen(&err, file_.get(), 0, 0, compressed_.data() + in_begin_, static_cast<int>(have));
      if (err != BZ_OK) throw data_error(name_, line_number_ + 1, 0, "", "cannot open the next bzip2 stream");
      in_begin_ = in_end_ = 0;
    }
    return got;
  }

  void close() noexcept {
    gz_.reset();
    if (bz_ != nullptr) {
      int err = BZ_OK;
      BZ2_bzReadClose(&err, bz_);
    }
    bz_ = nullptr;
    file_.reset();
  }

  void swap(line_reader& o) noexcept {
    std::swap(name_, o.name_);
    std::swap(buffer_, o.buffer_);
    std::swap(file_, o.file_);
    std::swap(gzip_, o.gzip_);
    std::swap(gz_, o.gz_);
    std::swap(compressed_, o.compressed_);
    std::swap(in_begin_, o.in_begin_);
    std::swap(in_end_, o.in_end_);
    std::swap(file_eof_, o.file_eof_);
    std::swap(member_open_, o.member_open_);
    std::swap(members_, o.members_);
    std::swap(bz_, o.bz_);
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
  std::unique_ptr<std::FILE, file_closer> file_;
  inflater gzip_ = inflater::zlib;            // the gzip decoder in use
  std::unique_ptr<detail::gzip_decoder> gz_;  // gzip: its decoder
  std::vector<char> compressed_;              // compressed bytes read, not yet decompressed
  std::size_t in_begin_ = 0;                  // unread compressed bytes: [in_begin_, in_end_)
  std::size_t in_end_ = 0;
  bool file_eof_ = false;     // the compressed file is read to its end
  bool member_open_ = false;  // gzip: inside a member
  std::size_t members_ = 1;   // compressed members (gzip) or streams (bzip2) read
  BZFILE* bz_ = nullptr;
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
