// libFuzzer target: line_reader over files (plain, gzip, bzip2), the path every reader's file
// overload takes. line_reader decompresses only from a file (its memory constructor takes
// plain text), so each input is written to a temporary file first. The first byte chooses
// the mode and the reader's block size (64 << (bits 2..4), so refills and line growth happen
// on small inputs); the rest is the payload:
// - mode 0: the payload is the file, as is (gzip/bzip2 magic and all): the reader may throw
//   only footprint::data_error; when it detects no compression, its lines equal the
//   in-memory reader's over the same bytes; a gzip file is read by both gzip decoders (zlib
//   and, where built with it, ISA-L), which must both read it whole or both refuse it, with
//   the same lines (the lines before a refusal: one's a prefix of the other's); and a gzip or
//   bzip2 file is read again with the decompression on a worker thread (read_ahead::on),
//   which must read it whole or refuse it alike, with the same lines, or before a refusal
//   one's lines a prefix of the other's (ISA-L loses what it decoded into its own buffer
//   when it meets corrupt data, more or less of it with the size of the output asked for)
//   and the same error past its line number;
// - mode 1, 2: the payload compressed with zlib (gzip format) or libbzip2, then read back:
//   the lines equal the in-memory reader's over the payload, bit for bit;
// - mode 3: the payload cut in two at its first 0 byte (or half-way), each half compressed
//   as its own member (gzip when the payload's length is even, else bzip2), the members
//   concatenated (`cat a.gz b.gz`), and the first payload byte chooses a tail: nothing, one
//   garbage byte, or the first half's member again, truncated. Without a tail the lines equal
//   the in-memory reader's over the two halves joined; with one, the read ends in data_error
//   and the lines before it are the first lines of the bytes decompressed.
// Any other exception, a crash, a hang or a sanitizer report is a finding.
#include "footprint/error.hpp"
#include "footprint/feeds/line_reader.hpp"

#include <bzlib.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace fp = footprint;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// One file per process (libFuzzer's -jobs and -fork run several), removed at exit.
struct temp_file {
  std::string path = "/tmp/footprint_fuzz_compressed_" + std::to_string(::getpid()) + ".bin";
  temp_file() = default;
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file() { std::remove(path.c_str()); }
};

const std::string& temp_path() {
  static const temp_file file;
  return file.path;
}

void write_file(const std::string& bytes) {
  std::FILE* f = std::fopen(temp_path().c_str(), "wb");
  require(f != nullptr);
  require(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  require(std::fclose(f) == 0);
}

std::string gzip(std::string_view text) {
  z_stream z{};
  require(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  require(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string bzip2(std::string_view text) {
  auto n = static_cast<unsigned int>(text.size() + text.size() / 100 + 700);
  std::string out(n, '\0');
  require(BZ2_bzBuffToBuffCompress(out.data(), &n, const_cast<char*>(text.data()),
                                   static_cast<unsigned int>(text.size()), 1, 0, 30) == BZ_OK);
  out.resize(n);
  return out;
}

std::vector<std::string> memory_lines(std::string_view text) {
  fp::line_reader r("memory", text);
  std::vector<std::string> out;
  std::string_view line;
  while (r.next(line)) out.emplace_back(line);
  return out;
}

// Reads the temporary file; `complete` is false when a data_error stopped the read.
// `error` receives the data_error's message.
std::vector<std::string> file_lines(std::size_t block, bool& complete, fp::compression& kind,
                                    fp::inflater gzip = fp::inflater::automatic,
                                    fp::read_ahead ahead = fp::read_ahead::off, std::string* error = nullptr) {
  std::vector<std::string> out;
  complete = false;
  try {
    fp::line_reader r(temp_path(), block, gzip, ahead);
    kind = r.kind();
    std::string_view line;
    while (r.next(line)) {
      require(r.line_number() == out.size() + 1);
      out.emplace_back(line);
    }
    require(r.members() >= 1);
    complete = true;
  } catch (const fp::data_error& e) {
    if (error != nullptr) *error = e.what();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned mode = data[0] & 3U;
  const std::size_t block = std::size_t{64} << ((data[0] >> 2) & 7U);
  const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool complete = false;
  fp::compression kind = fp::compression::none;
  switch (mode) {
    case 0: {
      write_file(std::string(payload));
      std::string error;
      const std::vector<std::string> got =
          file_lines(block, complete, kind, fp::inflater::automatic, fp::read_ahead::off, &error);
      if (kind == fp::compression::none) require(complete && got == memory_lines(payload));
      if (kind != fp::compression::none) {
        bool ahead_complete = false;
        std::string ahead_error;
        const std::vector<std::string> ahead =
            file_lines(block, ahead_complete, kind, fp::inflater::automatic, fp::read_ahead::on, &ahead_error);
        require(ahead_complete == complete);
        if (complete) require(ahead == got);
        const std::size_t n = std::min(got.size(), ahead.size());
        for (std::size_t i = 0; i < n; ++i) require(got[i] == ahead[i]);
        const auto detail = [](const std::string& e) { return e.substr(std::min(e.find(": "), e.size())); };
        require(detail(ahead_error) == detail(error));
      }
      if (kind == fp::compression::gzip && fp::isal_available) {
        bool zlib_complete = false;
        const std::vector<std::string> by_zlib = file_lines(block, zlib_complete, kind, fp::inflater::zlib);
        require(zlib_complete == complete);
        if (complete) require(got == by_zlib);
        const std::size_t n = std::min(got.size(), by_zlib.size());
        for (std::size_t i = 0; i < n; ++i) require(got[i] == by_zlib[i]);
      }
      break;
    }
    case 1:
    case 2: {
      write_file(mode == 1 ? gzip(payload) : bzip2(payload));
      const std::vector<std::string> got = file_lines(block, complete, kind);
      require(complete && kind == (mode == 1 ? fp::compression::gzip : fp::compression::bzip2));
      require(got == memory_lines(payload));
      break;
    }
    default: {
      const std::size_t zero = payload.find('\0');
      const std::size_t cut = zero == std::string_view::npos ? payload.size() / 2 : zero;
      const std::string_view a = payload.substr(0, cut);
      const std::string_view b = payload.substr(zero == std::string_view::npos ? cut : cut + 1);
      const bool gz = payload.size() % 2 == 0;
      const auto pack = [gz](std::string_view s) { return gz ? gzip(s) : bzip2(s); };
      std::string file = pack(a) + pack(b);
      const unsigned tail = payload.empty() ? 0U : static_cast<unsigned char>(payload[0]) % 3U;
      if (tail == 1) file += 'x';
      if (tail == 2) {
        const std::string third = pack(a);
        file += third.substr(0, third.size() / 2);
      }
      write_file(file);
      const std::vector<std::string> got = file_lines(block, complete, kind);
      const std::string joined = std::string(a) + std::string(b);
      if (tail == 0) {
        require(complete && got == memory_lines(joined));
      } else {
        // The garbage or the truncated member raises data_error; the lines handed out before
        // it are the first lines of what was decompressed (a truncated member's decoded start
        // included).
        const std::vector<std::string> want = memory_lines(tail == 1 ? joined : joined + std::string(a));
        require(!complete && got.size() <= want.size());
        for (std::size_t i = 0; i < got.size(); ++i) require(got[i] == want[i]);
      }
      break;
    }
  }
  return 0;
}
