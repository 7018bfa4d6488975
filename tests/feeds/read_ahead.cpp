// line_reader's read-ahead (a compressed file decompressed on a worker thread): the same
// lines, members and errors as on the caller's thread, every line decoded before a damage
// read before its error, and a reader moved or destroyed mid-file. CI also runs this file
// under ThreadSanitizer (scripts/test.sh, clang suite).
#include "footprint/feeds/line_reader.hpp"

#include <doctest/doctest.h>

#include <bzlib.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_read_ahead {

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

fs::path temp_file(const std::string& name) { return fs::temp_directory_path() / ("footprint_read_ahead_" + name); }

void write_bytes(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::string gzip_bytes(const std::string& s) {
  uLongf n = compressBound(static_cast<uLong>(s.size())) + 64;
  std::string out(n, '\0');
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(n);
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string bzip2_bytes(const std::string& s) {
  unsigned n = static_cast<unsigned>(s.size() + s.size() / 100 + 1000);
  std::string out(n, '\0');
  REQUIRE(BZ2_bzBuffToBuffCompress(out.data(), &n, const_cast<char*>(s.data()), static_cast<unsigned>(s.size()), 1, 0,
                                   0) == BZ_OK);
  out.resize(n);
  return out;
}

// The bytes zlib decodes from a (damaged) gzip member before it stops.
std::string gunzip_prefix(const std::string& gz) {
  std::string out;
  z_stream z{};
  REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  char buf[65536];
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc != Z_OK || (z.avail_out != 0 && z.avail_in == 0)) break;
  }
  inflateEnd(&z);
  return out;
}

// The bytes libbzip2 decodes from a (damaged) bzip2 stream before it stops.
std::string bunzip_prefix(const std::string& bz) {
  std::string out;
  bz_stream b{};
  REQUIRE(BZ2_bzDecompressInit(&b, 0, 0) == BZ_OK);
  b.next_in = const_cast<char*>(bz.data());
  b.avail_in = static_cast<unsigned>(bz.size());
  char buf[65536];
  for (;;) {
    b.next_out = buf;
    b.avail_out = sizeof buf;
    const int rc = BZ2_bzDecompress(&b);
    out.append(buf, sizeof buf - b.avail_out);
    if (rc != BZ_OK || (b.avail_out != 0 && b.avail_in == 0)) break;
  }
  BZ2_bzDecompressEnd(&b);
  return out;
}

// Everything a reader gives: its lines, its members at the end, and the error that ended it.
struct outcome {
  std::vector<std::string> lines;
  std::size_t members = 0;
  std::string error;
  bool operator==(const outcome&) const = default;
};

outcome read_whole(const fs::path& p, fp::read_ahead ahead, fp::inflater inf, std::size_t block) {
  outcome o;
  fp::line_reader r(p.string(), block, inf, ahead);
  CHECK(r.reads_ahead() == (ahead == fp::read_ahead::on && r.kind() != fp::compression::none));
  std::string_view line;
  try {
    while (r.next(line)) o.lines.emplace_back(line);
  } catch (const fp::data_error& e) {
    o.error = e.what();
  }
  o.members = r.members();
  return o;
}

std::string numbered_lines(int n, const std::string& tag) {
  std::string s;
  for (int i = 0; i < n; ++i) s += tag + "," + std::to_string(static_cast<long long>(i) * 7919 % 100003) + ",x\n";
  return s;
}

std::vector<fp::inflater> inflaters() {
  std::vector<fp::inflater> v{fp::inflater::zlib};
  if (fp::isal_available) v.push_back(fp::inflater::isal);
  return v;
}

}  // namespace

TEST_CASE("a worker thread and the caller's thread give the same lines, members and errors") {
  const std::string a = numbered_lines(60000, "a"), b = numbered_lines(3, "b"), c = numbered_lines(40000, "c");
  const std::string gz = gzip_bytes(a), bz = bzip2_bytes(a);
  std::vector<std::pair<std::string, std::string>> files{
      {"plain.txt", a},
      {"whole.gz", gz},
      {"whole.bz2", bz},
      {"members.gz", gz + gzip_bytes(b) + gzip_bytes(c)},
      {"streams.bz2", bz + bzip2_bytes(b) + bzip2_bytes(c)},
      {"truncated.gz", gz.substr(0, gz.size() * 2 / 3)},
      {"truncated.bz2", bz.substr(0, bz.size() * 2 / 3)},
      {"padded.gz", gz + "GARBAGE!!"},
      {"padded.bz2", bz + "GARBAGE!!"},
      {"empty.gz", gzip_bytes("")},
  };
  for (const std::size_t at : {std::size_t{20}, gz.size() / 3, gz.size() / 2, gz.size() - 8, gz.size() - 2}) {
    std::string damaged = gz;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x41);
    files.emplace_back("damaged" + std::to_string(at) + ".gz", damaged);
  }
  std::size_t with_error = 0;
  for (const auto& file : files) {
    const std::string& name = file.first;  // not a structured binding: INFO captures it
    const fs::path p = temp_file(name);
    write_bytes(p, file.second);
    for (const fp::inflater inf : inflaters()) {
      for (const std::size_t block : {std::size_t{64}, std::size_t{1} << 20}) {
        INFO(name, " inflater ", static_cast<int>(inf), " block ", block);
        const outcome here = read_whole(p, fp::read_ahead::off, inf, block);
        const outcome worker = read_whole(p, fp::read_ahead::on, inf, block);
        if (!here.error.empty()) ++with_error;
        if (inf == fp::inflater::isal && name.starts_with("damaged")) {
          // ISA-L drops what it decoded into its own buffer when it meets corrupt data, more
          // or less of it with the room it is given: the lines before the error may differ
          // by that much, never their content, and the error is the same past its line.
          const std::size_t n = std::min(here.lines.size(), worker.lines.size());
          CHECK(std::equal(here.lines.begin(), here.lines.begin() + static_cast<std::ptrdiff_t>(n),
                           worker.lines.begin()));
          CHECK(!here.error.empty());
          CHECK(here.error.substr(here.error.find(": ")) == worker.error.substr(worker.error.find(": ")));
          continue;
        }
        CHECK(here.lines.size() == worker.lines.size());
        CHECK(here.error == worker.error);
        CHECK(here.members == worker.members);
        CHECK(here == worker);
      }
    }
    fs::remove(p);
  }
  CHECK(with_error >= 9 * 2 * inflaters().size());  // truncated, padded and damaged: each refused
}

TEST_CASE("every line decoded before a damage is read before its error") {
  // A truncated file gives the lines its intact part holds, then the error: the reader's
  // refill keeps what was decoded before the damage (the earlier reader dropped the block it
  // was filling), on the caller's thread and on the worker alike.
  const std::string payload = numbered_lines(200000, "row");
  std::vector<std::string> want_all;
  {
    fp::line_reader r("payload", payload);
    std::string_view l;
    while (r.next(l)) want_all.emplace_back(l);
  }
  const std::string gz = gzip_bytes(payload), bz = bzip2_bytes(payload);
  const std::string gz_cut = gz.substr(0, gz.size() / 2), bz_cut = bz.substr(0, bz.size() / 2);
  struct damaged_file {
    std::string name, bytes, decoded, error;
  };
  const std::vector<damaged_file> cases{
      {"cut.gz", gz_cut, gunzip_prefix(gz_cut), "truncated gzip stream"},
      {"cut.bz2", bz_cut, bunzip_prefix(bz_cut), "truncated bzip2 stream"},
  };
  for (const damaged_file& d : cases) {
    const fs::path p = temp_file(d.name);
    write_bytes(p, d.bytes);
    std::size_t complete = 0;  // the whole lines in what the library decodes
    for (const char ch : d.decoded) complete += ch == '\n' ? 1 : 0;
    REQUIRE(complete > 1000);
    REQUIRE(complete < want_all.size());
    for (const fp::read_ahead ahead : {fp::read_ahead::off, fp::read_ahead::on}) {
      INFO(d.name, " read_ahead ", static_cast<int>(ahead));
      const outcome o = read_whole(p, ahead, fp::inflater::zlib, std::size_t{1} << 20);
      CHECK(o.lines.size() == complete);
      CHECK(std::equal(o.lines.begin(), o.lines.end(), want_all.begin()));
      CHECK(o.error.find(d.error) != std::string::npos);
      // the error names the line the reader was on: the one after the last line given
      CHECK(o.error.find(":" + std::to_string(complete + 1) + ":") != std::string::npos);
    }
    fs::remove(p);
  }
}

TEST_CASE("a reader moved or destroyed mid-file stops its worker and loses nothing") {
  const std::string payload = numbered_lines(300000, "m");
  const fs::path p = temp_file("big.gz");
  write_bytes(p, gzip_bytes(payload));
  std::vector<std::string> want;
  {
    fp::line_reader r("payload", payload);
    std::string_view l;
    while (r.next(l)) want.emplace_back(l);
  }
  {  // moved after 10 lines: the new reader goes on where the old one stopped
    fp::line_reader first(p.string(), std::size_t{1} << 20, fp::inflater::automatic, fp::read_ahead::on);
    std::vector<std::string> got;
    std::string_view l;
    for (int i = 0; i < 10 && first.next(l); ++i) got.emplace_back(l);
    fp::line_reader second(std::move(first));
    CHECK(second.reads_ahead());
    while (second.next(l)) got.emplace_back(l);
    CHECK(got == want);
    CHECK(second.line_number() == want.size());
    fp::line_reader third(p.string(), std::size_t{1} << 20, fp::inflater::automatic, fp::read_ahead::on);
    third = std::move(second);  // the assigned-to reader's worker stops; the finished one moves in
    CHECK(!third.next(l));
  }
  // Destroyed before reading, after one line (its worker waiting for room), and mid-file:
  // each returns (no deadlock) and the next reader reads the file whole.
  for (const int lines : {0, 1, 150000}) {
    fp::line_reader r(p.string(), std::size_t{1} << 20, fp::inflater::automatic, fp::read_ahead::on);
    std::string_view l;
    for (int i = 0; i < lines; ++i) REQUIRE(r.next(l));
  }
  const outcome o = read_whole(p, fp::read_ahead::on, fp::inflater::automatic, std::size_t{1} << 20);
  CHECK(o.lines == want);
  CHECK(o.error.empty());
  fs::remove(p);
}

TEST_CASE("read_ahead::automatic reads compressed files on a worker where there are two cores") {
  const fs::path gz = temp_file("auto.gz"), plain = temp_file("auto.txt");
  write_bytes(gz, gzip_bytes("x\ny\n"));
  write_bytes(plain, "x\ny\n");
  const fp::line_reader r(gz.string());
  CHECK(r.reads_ahead() == (std::thread::hardware_concurrency() > 1));
  CHECK(!fp::line_reader(plain.string()).reads_ahead());
  CHECK(!fp::line_reader(gz.string(), 64, fp::inflater::automatic, fp::read_ahead::off).reads_ahead());
  CHECK(!fp::line_reader("memory", std::string_view("x\n")).reads_ahead());
  fs::remove(gz);
  fs::remove(plain);
}

}  // namespace unity_read_ahead
