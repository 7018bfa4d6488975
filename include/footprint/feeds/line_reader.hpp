/// @file feeds/line_reader.hpp
/// @brief Streams the lines of a text file that may be gzip- or bzip2-compressed, or of a
/// buffer in memory, in constant memory.
///
/// Compression is detected from the file's first bytes (gzip: 1f 8b; bzip2: "BZh"), not its
/// name. Decompression is zlib's and libbzip2's. Lines are returned without their "\n" or
/// "\r\n"; a last line without a newline is returned too. A truncated or corrupt compressed
/// stream raises `data_error` naming the file, never a crash or a silent end.
#pragma once

#include "footprint/error.hpp"

#include <bzlib.h>
#include <zlib.h>

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
  /// @throws data_error when the file cannot be opened or read
  explicit line_reader(const std::string& path, std::size_t block_size = std::size_t{1} << 20)
      : name_(path), buffer_(block_size < 64 ? 64 : block_size) {
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) throw data_error(path, 0, 0, "", "cannot open file for reading");
    unsigned char magic[3] = {0, 0, 0};
    const std::size_t got = std::fread(magic, 1, 3, file_.get());
    std::rewind(file_.get());
    if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
      kind_ = compression::gzip;
      file_.reset();
      gz_ = gzopen(path.c_str(), "rb");
      if (gz_ == nullptr) throw data_error(path, 0, 0, "", "cannot open gzip stream");
      gzbuffer(gz_, 1u << 17);
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
    if (in_memory_) return next_in_memory(line);
    for (;;) {
      const char* begin = buffer_.data() + pos_;
      const std::size_t avail = end_ - pos_;
      if (const void* nl = std::memchr(begin, '\n', avail)) {
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

  /// Longest line accepted, in bytes; a longer one raises `data_error` (hostile input).
  static constexpr std::size_t max_line_length = std::size_t{64} << 20;

  /// 1-based number of the line last returned by `next` (0 before the first).
  [[nodiscard]] std::size_t line_number() const noexcept { return line_number_; }
  /// The file name (or the name given for a memory buffer).
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// The compression detected.
  [[nodiscard]] compression kind() const noexcept { return kind_; }

 private:
  struct file_closer {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };

  static std::string_view trim_cr(std::string_view s) noexcept {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }

  bool next_in_memory(std::string_view& line) {
    if (pos_ >= memory_.size()) return false;
    const std::size_t nl = memory_.find('\n', pos_);
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
      case compression::gzip: {
        const int n = gzread(gz_, dst, static_cast<unsigned>(want));
        if (n < 0) gz_fail();
        got = static_cast<std::size_t>(n);
        if (got < want) {
          int err = Z_OK;
          (void)gzerror(gz_, &err);
          if (err != Z_OK) gz_fail();
          eof_ = true;
        }
        break;
      }
      case compression::bzip2: {
        int err = BZ_OK;
        const int n = BZ2_bzRead(&err, bz_, dst, static_cast<int>(want));
        if (err == BZ_STREAM_END) {
          got = static_cast<std::size_t>(n);
          eof_ = true;
        } else if (err == BZ_OK) {
          got = static_cast<std::size_t>(n);
        } else {
          throw data_error(name_, line_number_ + 1, 0, "",
                           err == BZ_UNEXPECTED_EOF
                               ? "truncated bzip2 stream (unexpected end of file)"
                               : detail::concat("corrupt bzip2 stream (libbzip2 error ", err, ")"));
        }
        break;
      }
    }
    end_ += got;
  }

  [[noreturn]] void gz_fail() {
    int err = Z_OK;
    const char* msg = gzerror(gz_, &err);
    const bool truncated = err == Z_BUF_ERROR;
    throw data_error(name_, line_number_ + 1, 0, "",
                     truncated ? std::string("truncated gzip stream (unexpected end of file)")
                               : detail::concat("corrupt gzip stream (", msg ? msg : "zlib error", ")"));
  }

  void close() noexcept {
    if (gz_ != nullptr) gzclose(gz_);
    gz_ = nullptr;
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
    std::swap(gz_, o.gz_);
    std::swap(bz_, o.bz_);
    std::swap(kind_, o.kind_);
    std::swap(memory_, o.memory_);
    std::swap(in_memory_, o.in_memory_);
    std::swap(pos_, o.pos_);
    std::swap(end_, o.end_);
    std::swap(eof_, o.eof_);
    std::swap(line_number_, o.line_number_);
  }

  std::string name_;
  std::vector<char> buffer_;
  std::unique_ptr<std::FILE, file_closer> file_;
  gzFile gz_ = nullptr;
  BZFILE* bz_ = nullptr;
  compression kind_ = compression::none;
  std::string_view memory_;
  bool in_memory_ = false;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::size_t line_number_ = 0;
};

}  // namespace footprint
