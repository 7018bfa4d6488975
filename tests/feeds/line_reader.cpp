// line_reader: plain, gzip and bzip2 files and memory buffers; truncated streams throw.
#include "footprint/feeds/line_reader.hpp"

#include "feeds/crypto_test_data.hpp"

#include <doctest/doctest.h>

#include <bzlib.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_line_reader {

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

const std::string sample = "a,1\r\nb,2\n\nlast line without newline";

fs::path temp_file(const std::string& name) { return fs::temp_directory_path() / ("footprint_line_reader_" + name); }

void write_plain(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

void write_gzip(const fs::path& p, const std::string& s) {
  gzFile f = gzopen(p.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, s.data(), static_cast<unsigned>(s.size())) == static_cast<int>(s.size()));
  gzclose(f);
}

void write_bzip2(const fs::path& p, const std::string& s) {
  std::FILE* f = std::fopen(p.c_str(), "wb");
  int err = BZ_OK;
  BZFILE* b = BZ2_bzWriteOpen(&err, f, 9, 0, 0);
  REQUIRE(err == BZ_OK);
  BZ2_bzWrite(&err, b, const_cast<char*>(s.data()), static_cast<int>(s.size()));
  BZ2_bzWriteClose(&err, b, 0, nullptr, nullptr);
  std::fclose(f);
}

std::vector<std::string> read_all(fp::line_reader& r) {
  std::vector<std::string> out;
  std::string_view line;
  while (r.next(line)) out.emplace_back(line);
  return out;
}

const std::vector<std::string> expected{"a,1", "b,2", "", "last line without newline"};

void truncate_file(const fs::path& p) { fs::resize_file(p, fs::file_size(p) * 2 / 3); }

// The gzip decoders of this build: zlib, and ISA-L where footprint is built with it.
std::vector<fp::inflater> inflaters() {
  std::vector<fp::inflater> v{fp::inflater::zlib};
  if (fp::isal_available) v.push_back(fp::inflater::isal);
  return v;
}
const char* name_of(fp::inflater i) { return i == fp::inflater::isal ? "isal" : "zlib"; }

}  // namespace

TEST_CASE("plain, gzip and bzip2 files give the same lines") {
  const fs::path plain = temp_file("plain.txt"), gz = temp_file("data.gz"), bz = temp_file("data.bz2");
  write_plain(plain, sample);
  write_gzip(gz, sample);
  write_bzip2(bz, sample);
  fp::line_reader r1(plain.string()), r3(bz.string());
  CHECK(r1.kind() == fp::compression::none);
  CHECK(r3.kind() == fp::compression::bzip2);
  CHECK(read_all(r1) == expected);
  CHECK(read_all(r3) == expected);
  CHECK(r3.line_number() == 4);
  for (const fp::inflater inf : inflaters()) {
    INFO(name_of(inf));
    fp::line_reader r2(gz.string(), std::size_t{1} << 20, inf);
    CHECK(r2.kind() == fp::compression::gzip);
    CHECK(r2.gzip_inflater() == inf);
    CHECK(read_all(r2) == expected);
  }
  // automatic: ISA-L where built with it.
  CHECK(fp::line_reader(gz.string()).gzip_inflater() == (fp::isal_available ? fp::inflater::isal : fp::inflater::zlib));
  if (!fp::isal_available) {
    CHECK_THROWS_WITH_AS(fp::line_reader(gz.string(), 64, fp::inflater::isal),
                         doctest::Contains("needs footprint built with ISA-L"), fp::invalid_argument);
  }
}

TEST_CASE("CR-only line ends (classic Mac OS exports) are read as line ends, in files and in memory") {
  // Before: the whole file came back as one line (and a long one failed the line limit).
  const std::string cr = "a,1\rb,2\r\rlast line without newline";
  const fs::path plain = temp_file("cr.txt"), gz = temp_file("cr.gz"), bz = temp_file("cr.bz2");
  write_plain(plain, cr);
  write_gzip(gz, cr);
  write_bzip2(bz, cr);
  fp::line_reader r1(plain.string()), r2(gz.string()), r3(bz.string());
  fp::line_reader r4("memory", cr);
  CHECK(read_all(r1) == expected);
  CHECK(read_all(r2) == expected);
  CHECK(read_all(r3) == expected);
  CHECK(read_all(r4) == expected);
  CHECK(r4.line_number() == 4);
  // The first line end at the edge of a 64-byte block: decided after reading on.
  const std::string edge = std::string(63, 'x') + "\r" + "y\rz\r";
  write_plain(plain, edge);
  fp::line_reader r5(plain.string(), 64);
  CHECK(read_all(r5) == std::vector<std::string>{std::string(63, 'x'), "y", "z"});
  // "\r\n" at the same edge stays one line end; a lone '\r' inside a LF file stays in its line.
  write_plain(plain, std::string(63, 'x') + "\r\ny\rz\n");
  fp::line_reader r6(plain.string(), 64);
  CHECK(read_all(r6) == std::vector<std::string>{std::string(63, 'x'), "y\rz"});
  // A file of one line ending with '\r' only.
  write_plain(plain, "only\r");
  fp::line_reader r7(plain.string());
  CHECK(read_all(r7) == std::vector<std::string>{"only"});
  fs::remove(plain);
  fs::remove(gz);
  fs::remove(bz);
}

TEST_CASE("lines longer than the block buffer are returned whole") {
  std::string big;
  for (int i = 0; i < 3; ++i) big += std::string(1000, char('x' + i)) + "\n";
  const fs::path gz = temp_file("big.gz");
  write_gzip(gz, big);
  for (const fp::inflater inf : inflaters()) {
    INFO(name_of(inf));
    fp::line_reader r(gz.string(), 64, inf);
    const auto lines = read_all(r);
    REQUIRE(lines.size() == 3);
    CHECK(lines[2] == std::string(1000, 'z'));
  }
}

TEST_CASE("every line length from 0 to 200 bytes is split where its line end is") {
  // The line end is searched 16 bytes at a time over a line's first 64 bytes, then by
  // memchr: lines of every length across those boundaries, in a buffer that ends exactly at
  // the last byte (no read past it), in memory and from a file read in 64-byte blocks, with
  // '\n' and '\r\n' ends, each line holding a '\r' and a comma that must not end it.
  std::vector<std::string> want;
  std::string text, text_crlf;
  for (std::size_t n = 0; n <= 200; ++n) {
    std::string line;
    for (std::size_t i = 0; i < n; ++i) line += static_cast<char>(i % 7 == 3 ? ',' : 'a' + (n + i) % 26);
    if (n > 5) line[n / 2] = '\r';
    want.push_back(line);
    text += line + "\n";
    text_crlf += line + "\r\n";
  }
  for (const std::string* t : {&text, &text_crlf}) {
    // The exact bytes on the heap, the last byte the buffer's last.
    const std::unique_ptr<char[]> exact(new char[t->size()]);
    std::memcpy(exact.get(), t->data(), t->size());
    fp::line_reader memory("memory", std::string_view(exact.get(), t->size()));
    CHECK(read_all(memory) == want);
    const fs::path plain = temp_file("lengths.txt");
    write_plain(plain, *t);
    fp::line_reader file(plain.string(), 64);
    CHECK(read_all(file) == want);
    fs::remove(plain);
  }
}

TEST_CASE("memory buffers are read without copies") {
  fp::line_reader r("memory", std::string_view(sample));
  CHECK(read_all(r) == expected);
}

TEST_CASE("truncated compressed files raise data_error naming the file") {
  std::string payload;
  for (int i = 0; i < 20000; ++i) payload += std::to_string(i * 7919 % 100003) + ",x\n";
  const fs::path gz = temp_file("trunc.gz"), bz = temp_file("trunc.bz2");
  write_gzip(gz, payload);
  write_bzip2(bz, payload);
  truncate_file(gz);
  truncate_file(bz);
  for (const fp::inflater inf : inflaters()) {
    INFO(name_of(inf));
    fp::line_reader rg(gz.string(), std::size_t{1} << 20, inf);
    CHECK_THROWS_WITH_AS(read_all(rg), doctest::Contains("truncated gzip stream (unexpected end of file)"),
                         fp::data_error);
  }
  fp::line_reader rb(bz.string());
  try {
    read_all(rb);
    FAIL("a truncated bzip2 file was read to the end");
  } catch (const fp::data_error& e) {
    CHECK(e.file() == bz.string());
    CHECK(std::string(e.what()).find("truncated bzip2 stream") != std::string::npos);
  }
}

TEST_CASE("multi-member gzip and multi-stream bzip2 files are read whole") {
  // What pigz, pbzip2 and lbzip2 write, and `cat a.gz b.gz` makes (issue 22: only the first
  // bzip2 stream was read, silently). Three members, the middle one large enough to span
  // several refills and the boundary inside a buffer.
  std::vector<std::string> parts{"first,1\nfirst,2\n", "", "third,1\nthird without newline"};
  for (int i = 0; i < 30000; ++i) parts[1] += "middle," + std::to_string(i) + "\n";
  std::vector<std::string> want;
  for (const std::string& p : parts) {
    fp::line_reader r("m", p);
    for (const std::string& l : read_all(r)) want.push_back(l);
  }
  const auto concat = [](const std::vector<fs::path>& files, const fs::path& out) {
    std::ofstream o(out, std::ios::binary);
    for (const fs::path& f : files) o << std::ifstream(f, std::ios::binary).rdbuf();
  };
  std::vector<fs::path> gz, bz;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    gz.push_back(temp_file("member" + std::to_string(k) + ".gz"));
    bz.push_back(temp_file("member" + std::to_string(k) + ".bz2"));
    write_gzip(gz.back(), parts[k]);
    write_bzip2(bz.back(), parts[k]);
  }
  const fs::path all_gz = temp_file("multi.gz"), all_bz = temp_file("multi.bz2");
  concat(gz, all_gz);
  concat(bz, all_bz);
  for (const fs::path& p : {all_gz, all_bz}) {
    for (const fp::inflater inf : inflaters()) {
      INFO(p.string(), " ", name_of(inf));
      for (const std::size_t block : {std::size_t{64}, std::size_t{1} << 20}) {
        fp::line_reader r(p.string(), block, inf);
        CHECK(read_all(r) == want);
        CHECK(r.members() == 3);
      }
    }
  }
  // Bytes after the last member that are not another member: an error naming their count,
  // never silently ignored (zlib's gzread ignores them).
  for (const fs::path& p : {all_gz, all_bz}) {
    const fs::path padded = temp_file("padded" + p.extension().string());
    concat({p}, padded);
    std::ofstream(padded, std::ios::binary | std::ios::app) << "GARBAGE!!";
    for (const fp::inflater inf : inflaters()) {
      INFO(p.string(), " ", name_of(inf));
      fp::line_reader r(padded.string(), std::size_t{1} << 20, inf);
      CHECK_THROWS_WITH_AS(read_all(r), doctest::Contains("9 bytes after the end of the"), fp::data_error);
    }
    fs::remove(padded);
  }
  // A truncated second member is still a truncation.
  const fs::path cut = temp_file("cut.gz");
  concat({gz[0], gz[1]}, cut);
  fs::resize_file(cut, fs::file_size(cut) - 100);
  for (const fp::inflater inf : inflaters()) {
    INFO(name_of(inf));
    fp::line_reader rc(cut.string(), std::size_t{1} << 20, inf);
    CHECK_THROWS_WITH_AS(read_all(rc), doctest::Contains("truncated gzip stream"), fp::data_error);
  }
  for (const auto& f : gz) fs::remove(f);
  for (const auto& f : bz) fs::remove(f);
  fs::remove(all_gz);
  fs::remove(all_bz);
  fs::remove(cut);
}

TEST_CASE("a UTF-8 byte-order mark is not part of the first line") {
  // Spreadsheet exports start with EF BB BF; a reader would see a header "\xEF\xBB\xBFtime".
  const std::string text = "\xEF\xBB\xBFtime,price\n1,2\n\xEF\xBB\xBFnot at the start\n";
  fp::line_reader r("bom", text);
  CHECK(read_all(r) == std::vector<std::string>{"time,price", "1,2", "\xEF\xBB\xBFnot at the start"});
  const fs::path gz = temp_file("bom.gz");
  write_gzip(gz, text);
  fp::line_reader rg(gz.string());
  CHECK(read_all(rg).front() == "time,price");
  fs::remove(gz);
}

TEST_CASE("zlib and ISA-L refuse the same damaged gzip files") {
  // A byte changed in the deflate data, in the CRC-32 or in the length of the trailer: each
  // decoder must refuse the file (a wrong byte in the output is caught by the CRC at the
  // latest), naming the file, never return different lines.
  std::string payload;
  for (int i = 0; i < 5000; ++i) payload += std::to_string(i * 7919 % 100003) + ",x\n";
  const fs::path gz = temp_file("damaged.gz");
  write_gzip(gz, payload);
  std::string bytes(fs::file_size(gz), '\0');
  std::ifstream(gz, std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const std::size_t n = bytes.size();
  for (const std::size_t at : {std::size_t{20}, n / 3, n / 2, n - 12, n - 8, n - 5, n - 1}) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x41);
    write_plain(gz, damaged);
    for (const fp::inflater inf : inflaters()) {
      INFO("byte ", at, " of ", n, ", ", name_of(inf));
      fp::line_reader r(gz.string(), std::size_t{1} << 20, inf);
      try {
        read_all(r);
        FAIL("a damaged gzip file was read to the end");
      } catch (const fp::data_error& e) {
        CHECK(e.file() == gz.string());
        CHECK(std::string(e.what()).find("gzip stream") != std::string::npos);
      }
    }
  }
  // Reserved header flags (RFC 1952: a decoder must refuse them; ISA-L alone does not).
  std::string flagged = bytes;
  flagged[3] = static_cast<char>(flagged[3] | 0x20);
  write_plain(gz, flagged);
  for (const fp::inflater inf : inflaters()) {
    INFO(name_of(inf));
    fp::line_reader r(gz.string(), std::size_t{1} << 20, inf);
    CHECK_THROWS_WITH_AS(read_all(r), doctest::Contains("corrupt gzip stream (unknown header flags set)"),
                         fp::data_error);
  }
  fs::remove(gz);
}

TEST_CASE("zlib and ISA-L read the real gzip captures to the same lines" * doctest::test_suite("real-data")) {
  const fs::path dir = footprint_test::data_dir();
  if (dir.empty() || !fs::is_directory(dir / "binance" / "raw")) {
    MESSAGE("skipped: the Binance captures are not at '", dir.string(), "'");
    return;
  }
  if (!fp::isal_available) {
    MESSAGE("skipped: footprint is built without ISA-L (FOOTPRINT_USE_ISAL)");
    return;
  }
  for (const char* f : {"spot/btcusdt_20240809.gz", "usdm/btcusdt_20230404.dat.gz"}) {
    INFO(f);
    const std::string path = (dir / "binance" / "raw" / f).string();
    fp::line_reader a(path, std::size_t{1} << 20, fp::inflater::zlib),
        b(path, std::size_t{1} << 20, fp::inflater::isal);
    std::string_view la, lb;
    std::size_t lines = 0, differ = 0;
    for (;;) {
      const bool ga = a.next(la), gb = b.next(lb);
      REQUIRE(ga == gb);
      if (!ga) break;
      ++lines;
      if (la != lb) ++differ;
    }
    CHECK(lines > 1000);
    CHECK(differ == 0);
  }
}

TEST_CASE("a missing file raises data_error") {
  CHECK_THROWS_WITH_AS(fp::line_reader("/nonexistent/footprint.csv"),
                       "/nonexistent/footprint.csv: cannot open file for reading", fp::data_error);
}

}  // namespace unity_line_reader
