/// @file feeds/detail/compressed_source.hpp
/// @brief Private to `line_reader`: the bytes of a file, decompressed (gzip through
/// `gzip_decoder`, bzip2 through libbzip2) or as they are, member after member, with every
/// damage reported; `read_ahead_source` (detail/read_ahead.hpp) runs one on a worker thread.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/detail/inflate.hpp"

#include <bzlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace footprint {

/// Compression of a market-data file, as detected from its first bytes.
enum class compression : std::uint8_t { none, gzip, bzip2 };

namespace detail {

/// Private: a damaged or unreadable stream. `line_reader` turns it into a `data_error` naming
/// its file and, when `at_line`, the line it was reading.
class stream_error : public std::runtime_error {
 public:
  stream_error(const std::string& what, bool at_line) : std::runtime_error(what), at_line_(at_line) {}
  [[nodiscard]] bool at_line() const noexcept { return at_line_; }

 private:
  bool at_line_;
};

/// Private: the decompressed bytes of one file. `read` gives them in order; every byte decoded
/// before a damage is given before the `stream_error` that reports it, which then repeats on
/// every later call. Not thread-safe (one reader at a time; `read_ahead_source` moves it to
/// its worker whole).
class compressed_source {
 public:
  /// Opens `path` and detects its compression from its first bytes.
  /// @param isal gzip through ISA-L (only where footprint is built with it), else zlib
  /// @throws data_error when the file cannot be opened, or a bzip2 stream cannot be started
  compressed_source(const std::string& path, bool isal) {
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) throw data_error(path, 0, 0, "", "cannot open file for reading");
    unsigned char magic[3] = {0, 0, 0};
    const std::size_t got = std::fread(magic, 1, 3, file_.get());
    std::rewind(file_.get());
    if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
      kind_ = compression::gzip;
      gz_ = std::make_unique<gzip_decoder>(isal);
      compressed_.resize(std::size_t{1} << 17);
    } else if (got == 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
      kind_ = compression::bzip2;
      compressed_.resize(std::size_t{1} << 17);
      bz_ = std::make_unique<bz_stream>();
      if (BZ2_bzDecompressInit(bz_.get(), 0, 0) != BZ_OK) {
        bz_.reset();
        throw data_error(path, 0, 0, "", "cannot open bzip2 stream");
      }
    }
  }
  compressed_source(const compressed_source&) = delete;
  compressed_source& operator=(const compressed_source&) = delete;
  ~compressed_source() {
    if (bz_open()) BZ2_bzDecompressEnd(bz_.get());
  }

  /// Writes up to `want` bytes to dst and returns how many; fewer only at the end of the file
  /// (`ended()`) or just before a damage, which the next call reports.
  /// @throws stream_error for a read error or a truncated, corrupt or padded stream
  std::size_t read(char* dst, std::size_t want) {
    if (error_) std::rethrow_exception(error_);
    std::size_t got = 0;
    try {
      switch (kind_) {
        case compression::none: got = read_plain(dst, want); break;
        case compression::gzip: inflate_some(dst, want, got); break;
        case compression::bzip2: bunzip_some(dst, want, got); break;
      }
    } catch (const stream_error&) {
      error_ = std::current_exception();
      if (got == 0) throw;
    }
    return got;
  }

  /// True once the last byte has been given.
  [[nodiscard]] bool ended() const noexcept { return ended_; }
  /// The compression detected.
  [[nodiscard]] compression kind() const noexcept { return kind_; }
  /// Compressed members (gzip) or streams (bzip2) read so far.
  [[nodiscard]] std::size_t members() const noexcept { return members_; }

 private:
  struct file_closer {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };

  std::size_t read_plain(char* dst, std::size_t want) {
    const std::size_t got = std::fread(dst, 1, want, file_.get());
    if (got < want) {
      if (std::ferror(file_.get())) throw stream_error("read error", true);
      ended_ = true;
    }
    return got;
  }

  // Reads more compressed bytes into compressed_ after the `keep` unread ones at its front;
  // false at the end of the file. @throws stream_error on a read error
  bool read_compressed(std::size_t keep) {
    if (file_eof_) return false;
    const std::size_t n = std::fread(compressed_.data() + keep, 1, compressed_.size() - keep, file_.get());
    if (n < compressed_.size() - keep) {
      if (std::ferror(file_.get())) throw stream_error("read error", true);
      file_eof_ = true;
    }
    in_begin_ = 0;
    in_end_ = keep + n;
    return n > 0;
  }

  // Moves the unread compressed bytes to the front and makes sure at least `need` are there
  // (fewer at the end of the file), reading only the missing bytes; returns how many there
  // are. @throws stream_error on a read error
  std::size_t lookahead(std::size_t need) {
    const std::size_t have = in_end_ - in_begin_;
    if (have >= need || file_eof_) return have;
    std::memmove(compressed_.data(), compressed_.data() + in_begin_, have);
    in_begin_ = 0;
    in_end_ = have;
    while (in_end_ < need && !file_eof_) {
      const std::size_t want = need - in_end_;
      const std::size_t n = std::fread(compressed_.data() + in_end_, 1, want, file_.get());
      if (n < want) {
        if (std::ferror(file_.get())) throw stream_error("read error", true);
        file_eof_ = true;
      }
      in_end_ += n;
    }
    return in_end_ - in_begin_;
  }

  // After the end of one compressed member: true when another member of the same format
  // follows (gzip: 1f 8b; bzip2: "BZh"), false at the end of the file. @throws stream_error
  // for bytes after the last member that are not one (trailing garbage is never ignored)
  bool next_member(const char* magic, std::size_t magic_size, const char* format) {
    const std::size_t have = lookahead(magic_size);
    if (have == 0) return false;
    if (have < magic_size || std::memcmp(compressed_.data() + in_begin_, magic, magic_size) != 0) {
      std::size_t trailing = have;
      while (!file_eof_ && read_compressed(0)) trailing += in_end_;
      throw stream_error(concat(trailing, " byte", trailing == 1 ? "" : "s", " after the end of the ", format,
                                " stream, not another ", format, " member (a damaged or padded file)"),
                         false);
    }
    ++members_;
    return true;
  }

  // Inflates up to `want` bytes into dst, member after member (pigz, `cat a.gz b.gz`);
  // `got` counts the bytes written, also when a stream_error leaves.
  void inflate_some(char* dst, std::size_t want, std::size_t& got) {
    while (got < want) {
      if (in_begin_ == in_end_ && !read_compressed(0) && !member_open_) break;
      inflate_buffers b{reinterpret_cast<const unsigned char*>(compressed_.data() + in_begin_), in_end_ - in_begin_,
                        dst + got, want - got};
      const inflate_status st = gz_->step(b);
      in_begin_ += b.consumed;
      got += b.produced;
      if (st == inflate_status::error) throw stream_error(concat("corrupt gzip stream (", gz_->message(), ")"), true);
      if (st == inflate_status::member_end) {
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
          throw stream_error("corrupt gzip stream (no progress)", true);
        if (lookahead(have + 1) == have) throw stream_error("truncated gzip stream (unexpected end of file)", true);
      }
    }
    if (got < want) ended_ = true;
  }

  // Decompresses up to `want` bytes into dst, stream after stream (pbzip2, lbzip2, `cat`),
  // through libbzip2's stream API (BZ2_bzRead would not say what it wrote before an error);
  // `got` as in inflate_some.
  void bunzip_some(char* dst, std::size_t want, std::size_t& got) {
    while (got < want) {
      if (in_begin_ == in_end_) read_compressed(0);  // none at the end of the file: checked below
      bz_stream& b = *bz_;
      const unsigned in = inflate_chunk(in_end_ - in_begin_);
      const unsigned out = inflate_chunk(want - got);
      b.next_in = compressed_.data() + in_begin_;
      b.avail_in = in;
      b.next_out = dst + got;
      b.avail_out = out;
      const int rc = BZ2_bzDecompress(&b);
      const std::size_t consumed = in - b.avail_in, produced = out - b.avail_out;
      in_begin_ += consumed;
      got += produced;
      if (rc == BZ_STREAM_END) {
        BZ2_bzDecompressEnd(&b);
        b.state = nullptr;
        if (!next_member("BZh", 3, "bzip2")) {
          ended_ = true;
          break;
        }
        if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
          b.state = nullptr;
          throw stream_error("cannot open the next bzip2 stream", true);
        }
        continue;
      }
      if (rc != BZ_OK) throw stream_error(concat("corrupt bzip2 stream (libbzip2 error ", rc, ")"), true);
      if (consumed == 0 && produced == 0) {  // no progress: more input is needed
        const std::size_t have = in_end_ - in_begin_;
        if (have == compressed_.size()) throw stream_error("corrupt bzip2 stream (no progress)", true);
        if (lookahead(have + 1) == have) throw stream_error("truncated bzip2 stream (unexpected end of file)", true);
      }
    }
  }

  [[nodiscard]] bool bz_open() const noexcept { return bz_ != nullptr && bz_->state != nullptr; }

  std::unique_ptr<std::FILE, file_closer> file_;
  compression kind_ = compression::none;
  std::unique_ptr<gzip_decoder> gz_;  // gzip: its decoder
  std::vector<char> compressed_;      // compressed bytes read, not yet decompressed
  std::size_t in_begin_ = 0;          // unread compressed bytes: [in_begin_, in_end_)
  std::size_t in_end_ = 0;
  bool file_eof_ = false;          // the compressed file is read to its end
  bool member_open_ = false;       // gzip: inside a member
  std::size_t members_ = 1;        // compressed members (gzip) or streams (bzip2) read
  std::unique_ptr<bz_stream> bz_;  // bzip2: libbzip2's stream (state null between streams)
  bool ended_ = false;             // the last byte has been given
  std::exception_ptr error_;       // the damage reported, repeated on every later read
};

}  // namespace detail
}  // namespace footprint
