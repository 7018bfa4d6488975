// The hostile-input catalogue of the market-data readers (issue 22): one table per reader
// family (LOBSTER, Binance raw capture, Binance CSV, Bitstamp trades and snapshots), each
// row a name, an input built here and the exact outcome: a data_error whose message names
// file, line, column and field; a skip counted in parse_report under the lenient policy; a
// documented counter (duplicate ids, stale updates); or the rows read, for inputs that are
// valid (CRLF, BOM). Compressed bombs (a few KB that inflate to GBs) are built in memory
// and stop at the line reader's documented 64 MiB line limit, or at binance_options::
// max_line_bytes, so every case runs in bounded time and memory. The model loaders' cases are
// in tests/models/hostile_models.cpp. The catalogue's findings in the Binance readers, fixed
// since, are at the end.
#include "footprint/book/order_level_book.hpp"
#include "footprint/feeds/binance/binance_csv_reader.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_snapshot_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_trade_reader.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"

#include <doctest/doctest.h>

#include <bzlib.h>
#include <zlib.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_hostile_catalogue {

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

// ---- outcomes

enum class got { data_error, invalid_argument, skipped, counted, accepted };

const char* name_of(got g) {
  switch (g) {
    case got::data_error: return "data_error";
    case got::invalid_argument: return "invalid_argument";
    case got::skipped: return "skipped";
    case got::counted: return "counted";
    case got::accepted: return "accepted";
  }
  return "?";
}

// What reading an input gave: the exception's message, or the first skipped row's message
// and the number of rows skipped, or a documented counter, or the number of rows read.
struct outcome {
  got kind = got::accepted;
  std::string message;
  std::size_t count = 0;
};

// One row of a table: `needle` must occur in the message (data_error, invalid_argument, the
// first skipped row); `count` is the rows skipped (skipped), the counter (counted) or the
// rows read (accepted).
struct hostile_case {
  std::string name;
  std::function<outcome()> run;
  got expected;
  std::string needle;
  std::size_t count = 0;
};

outcome guarded(const std::function<outcome()>& run) {
  try {
    return run();
  } catch (const fp::data_error& e) {
    return {got::data_error, e.what(), 0};
  } catch (const fp::invalid_argument& e) {
    return {got::invalid_argument, e.what(), 0};
  }
}

outcome from_report(const fp::parse_report& r, std::size_t rows) {
  if (r.rows_skipped > 0) return {got::skipped, r.first_errors.empty() ? "" : r.first_errors.front(), r.rows_skipped};
  return {got::accepted, "", rows};
}

void run_table(const std::vector<hostile_case>& table) {
  for (const hostile_case& c : table) {
    INFO("case: ", c.name);
    const outcome o = guarded(c.run);
    INFO("got ", std::string(name_of(o.kind)), ": ", o.message);
    CHECK(std::string(name_of(o.kind)) == name_of(c.expected));
    CHECK(o.message.find(c.needle) != std::string::npos);
    if (c.expected != got::data_error && c.expected != got::invalid_argument) CHECK(o.count == c.count);
  }
}

// ---- inputs

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// One gzip member holding `s`.
std::string gzip_bytes(std::string_view s) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(s.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

// One bzip2 stream holding `s`.
std::string bzip2_bytes(std::string_view s) {
  std::string out(s.size() + s.size() / 100 + 600, '\0');
  auto n = static_cast<unsigned>(out.size());
  REQUIRE(BZ2_bzBuffToBuffCompress(out.data(), &n, const_cast<char*>(s.data()), static_cast<unsigned>(s.size()), 9, 0,
                                   0) == BZ_OK);
  out.resize(n);
  return out;
}

// 1 MiB of NUL bytes as one gzip member (about 1 KB: deflate's ratio is at most ~1000:1).
const std::string& gzip_mib_of_zeros() {
  static const std::string bytes = gzip_bytes(std::string(std::size_t{1} << 20, '\0'));
  return bytes;
}

// 4 MiB of NUL bytes as one bzip2 stream (tens of bytes: bzip2's run-length stage).
const std::string& bzip2_4mib_of_zeros() {
  static const std::string bytes = bzip2_bytes(std::string(std::size_t{4} << 20, '\0'));
  return bytes;
}

// 4 MiB as two lines of 2 MiB of NUL bytes, as one bzip2 stream.
const std::string& bzip2_4mib_of_long_lines() {
  static const std::string bytes = bzip2_bytes(repeat(std::string(std::size_t{2} << 20, '\0') + "\n", 2));
  return bytes;
}

// A scratch folder of the test case, removed with everything in it at the end.
class temp_dir {
 public:
  temp_dir()
      : path_(fs::temp_directory_path() / ("footprint_hostile_catalogue_" + std::to_string(std::random_device{}()))) {
    fs::create_directories(path_);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  // Writes `bytes` to the file `name` in the folder; returns its path.
  [[nodiscard]] std::string file(const std::string& name, std::string_view bytes) const {
    const fs::path p = path_ / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
    return p.string();
  }

 private:
  fs::path path_;
};

// The bombs: `first` (a valid line, so the line end is known), then `copies` compressed
// members of the same block. gzip: 80 x 1 MiB of NUL bytes without a newline (80 KB
// inflating to 80 MiB); bzip2: 1,024 x 4 MiB (about 40 KB inflating to 4 GiB).
std::string gzip_bomb(const std::string& first) { return gzip_bytes(first) + repeat(gzip_mib_of_zeros(), 80); }
std::string bzip2_bomb(const std::string& first) { return bzip2_bytes(first) + repeat(bzip2_4mib_of_zeros(), 1024); }
// bzip2, 4 GiB of 2 MiB lines of NUL bytes after `first`.
std::string bzip2_line_bomb(const std::string& first) {
  return bzip2_bytes(first) + repeat(bzip2_4mib_of_long_lines(), 1024);
}

// A sparse file: `first`, then a hole up to 256 MiB (NUL bytes on reading, no disk blocks).
std::string sparse_file(const temp_dir& dir, const std::string& name, const std::string& first) {
  const std::string p = dir.file(name, first);
  fs::resize_file(p, std::uintmax_t{256} << 20);
  return p;
}

constexpr std::string_view line_limit = "line longer than 67108864 bytes (no newline)";

// ---- LOBSTER

const std::string lob_msg = "34200.1,1,11,100,1000000,1\n";
const std::string lob_msg2 = "34200.2,1,12,50,1000100,-1\n";
const std::string lob_ob = "1000100,50,1000000,100\n";
const std::string lob_ob2 = "1000100,100,1000000,100\n";

outcome lobster_read(fp::lobster_reader& r) {
  fp::lobster_event ev;
  std::size_t n = 0;
  while (r.next(ev)) ++n;
  return from_report(r.report(), n);
}

std::function<outcome()> lobster_mem(std::string msg, std::string ob, fp::lobster_options o = {}) {
  return [msg = std::move(msg), ob = std::move(ob), o] {
    fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob, o, "m.csv", "o.csv");
    return lobster_read(r);
  };
}

std::function<outcome()> lobster_lenient(std::string msg, std::string ob) {
  return lobster_mem(std::move(msg), std::move(ob), {.policy = fp::parse_policy::lenient});
}

// A message file written by `make_message` next to an orderbook file with the text `ob`.
std::function<outcome()> lobster_files(const temp_dir& dir, std::function<std::string()> make_message,
                                       std::string ob_bytes, fp::lobster_options o = {}) {
  return [&dir, make_message = std::move(make_message), ob_bytes = std::move(ob_bytes), o] {
    const std::string m = make_message();
    fp::lobster_reader r(m, dir.file("o.csv", ob_bytes), o);
    return lobster_read(r);
  };
}

std::vector<hostile_case> lobster_cases(const temp_dir& dir) {
  const std::string two_ob = lob_ob + lob_ob2;
  return {
      {"lobster: NaN price", lobster_mem("34200.1,1,11,100,nan,1\n", lob_ob), got::data_error,
       "m.csv:1:5: field 'price': not an integer (got 'nan')"},
      {"lobster: inf size", lobster_mem("34200.1,1,11,inf,1000000,1\n", lob_ob), got::data_error,
       "m.csv:1:4: field 'size': not an integer (got 'inf')"},
      {"lobster: negative size", lobster_mem("34200.1,1,11,-5,1000000,1\n", lob_ob), got::data_error,
       "m.csv:1:4: field 'size': must be > 0 (got -5)"},
      {"lobster: negative time", lobster_mem("-34200.1,1,11,100,1000000,1\n", lob_ob), got::data_error,
       "m.csv:1:1: field 'time': not a time"},
      {"lobster: 1e400 as a price", lobster_mem("34200.1,1,11,100,1e400,1\n", lob_ob), got::data_error,
       "m.csv:1:5: field 'price': not an integer (got '1e400')"},
      {"lobster: a 19-digit size overflows nothing",
       lobster_mem("34200.1,1,11,9999999999999999999,1000000,1\n", lob_ob), got::data_error,
       "m.csv:1:4: field 'size': out of range (more than 18 digits)"},
      {"lobster: crossed book", lobster_mem(lob_msg, "1000000,50,1000000,100\n"), got::data_error,
       "o.csv:1:3: field 'bid_price_1': crossed book (best bid 1000000 >= best ask 1000000)"},
      {"lobster: empty ask level with a size", lobster_mem(lob_msg, "9999999999,5,1000000,100\n"), got::data_error,
       "o.csv:1:2: field 'ask_size_1': must be 0 at an empty level"},
      {"lobster: time goes back", lobster_mem(lob_msg2 + lob_msg, two_ob), got::data_error,
       "m.csv:2:1: field 'time': time goes back (34200.100000000 after 34200.200000000)"},
      {"lobster: time goes back, lenient", lobster_lenient(lob_msg2 + lob_msg + lob_msg2, two_ob + lob_ob2),
       got::skipped, "m.csv:2:1: field 'time': time goes back", 1},
      {"lobster: two days concatenated (time goes back at the join)",
       lobster_mem(lob_msg + lob_msg2 + lob_msg + lob_msg2, two_ob + two_ob), got::data_error,
       "m.csv:3:1: field 'time': time goes back"},
      // One well-formed row 31 years after midnight made the span and the ADV 40,000 times off.
      {"lobster: a time past the file's day", lobster_mem(lob_msg + "999999999.0,1,12,50,1000100,-1\n", two_ob),
       got::data_error, "m.csv:2:1: field 'time': not in the file's day (999999999.000000000 s after midnight"},
      {"lobster: 86400 s is the next day", lobster_mem("86400,1,11,100,1000000,1\n", lob_ob), got::data_error,
       "m.csv:1:1: field 'time': not in the file's day"},
      {"lobster: unknown event type", lobster_mem("34200.1,9,11,100,1000000,1\n", lob_ob), got::data_error,
       "m.csv:1:2: field 'type': unknown event type (got 9"},
      {"lobster: direction 0", lobster_mem("34200.1,1,11,100,1000000,0\n", lob_ob), got::data_error,
       "m.csv:1:6: field 'direction': must be 1 or -1 (got 0)"},
      {"lobster: duplicate order ids are counted by the order-level book",
       [] {
         const std::string msg = lob_msg + "34200.2,1,11,50,1000100,-1\n";  // the reader keeps views
         const std::string ob = lob_ob + "1000100,50,1000000,100\n";
         fp::lobster_reader r(fp::lobster_reader::in_memory, msg, ob, {}, "m.csv", "o.csv");
         fp::order_level_book book;
         fp::lobster_event ev;
         while (r.next(ev)) fp::apply(book, ev);
         return outcome{got::counted, "", book.stats().duplicate_ids};
       },
       got::counted, "", 1},
      {"lobster: a row cut in the middle (truncated file)", lobster_mem("34200.1,1,11,10", lob_ob), got::data_error,
       "m.csv:1:5: field 'price': missing field (the row is too short)"},
      {"lobster: message file longer than the orderbook file", lobster_mem(lob_msg + lob_msg2, lob_ob), got::data_error,
       "o.csv:2: the orderbook file ends before the message file"},
      {"lobster: an extra field", lobster_mem("34200.1,1,11,100,1000000,1,7\n", lob_ob), got::data_error,
       "m.csv:1:7: unexpected extra field (the row is too long)"},
      {"lobster: non-UTF-8 bytes", lobster_mem("34200.1,1,11,\xff\xfe,1000000,1\n", lob_ob), got::data_error,
       "m.csv:1:4: field 'size': not an integer"},
      {"lobster: NUL bytes", lobster_mem("34200.1,1,11,1" + std::string(2, '\0') + ",1000000,1\n", lob_ob),
       got::data_error, "m.csv:1:4: field 'size': not an integer (got '1\\x00\\x00')"},
      {"lobster: [[[[...]]]] nested 100,000 deep",
       lobster_mem(std::string(100000, '[') + std::string(100000, ']') + "\n", lob_ob), got::data_error,
       "m.csv:1:1: field 'time': not a time"},
      {"lobster: a 2 MiB field",
       lobster_mem("34200.1,1,11," + std::string(std::size_t{2} << 20, '7') + ",1000000,1\n", lob_ob), got::data_error,
       "m.csv:1:4: field 'size': out of range (more than 18 digits) (got "
       "'7777777777777777777777777777777777777777...')"},
      {"lobster: a file of only newlines", lobster_mem(std::string(1000, '\n'), std::string(1000, '\n')),
       got::data_error, "m.csv:1:1: field 'time': not a time"},
      {"lobster: a file of only newlines, lenient", lobster_lenient(std::string(1000, '\n'), std::string(1000, '\n')),
       got::skipped, "m.csv:1:1: field 'time': not a time", 1000},
      {"lobster: empty files", lobster_mem("", ""), got::accepted, "", 0},
      {"lobster: CRLF line ends",
       lobster_mem("34200.1,1,11,100,1000000,1\r\n34200.2,1,12,50,1000100,-1\r\n",
                   "1000100,50,1000000,100\r\n1000100,100,1000000,100\r\n"),
       got::accepted, "", 2},
      {"lobster: CR-only line ends",
       lobster_mem("34200.1,1,11,100,1000000,1\r34200.2,1,12,50,1000100,-1\r",
                   "1000100,50,1000000,100\r1000100,100,1000000,100\r"),
       got::accepted, "", 2},
      {"lobster: a UTF-8 byte-order mark", lobster_mem("\xEF\xBB\xBF" + lob_msg + lob_msg2, "\xEF\xBB\xBF" + two_ob),
       got::accepted, "", 2},
      {"lobster: levels = 2^40 with short rows allocates nothing",
       lobster_mem(lob_msg, lob_ob, {.levels = fp::index{1} << 40}), got::data_error,
       "o.csv:1:5: field 'ask_price_2': missing field (the row is too short)"},
      {"lobster: levels < 0", lobster_mem(lob_msg, lob_ob, {.levels = -1}), got::invalid_argument,
       "options.levels must be >= 0 (got -1)"},
      {"lobster: truncated gzip file",
       lobster_files(
           dir,
           [&dir] {
             std::string gz = gzip_bytes(repeat(lob_msg, 1000));
             gz.resize(gz.size() / 2);
             return dir.file("trunc.csv.gz", gz);
           },
           repeat(lob_ob, 1000)),
       got::data_error, "truncated gzip stream (unexpected end of file)"},
      {"lobster: truncated bzip2 file",
       lobster_files(
           dir,
           [&dir] {
             std::string bz = bzip2_bytes(repeat(lob_msg, 1000));
             bz.resize(bz.size() / 2);
             return dir.file("trunc.csv.bz2", bz);
           },
           repeat(lob_ob, 1000)),
       got::data_error, "truncated bzip2 stream"},
      {"lobster: a gzip member followed by garbage",
       lobster_files(
           dir, [&dir] { return dir.file("garbage.csv.gz", gzip_bytes(lob_msg) + "PK\x03\x04 trailing"); }, lob_ob),
       got::data_error, "13 bytes after the end of the gzip stream, not another gzip member"},
      {"lobster: gzip bomb (80 KB inflating to 80 MiB without a newline)",
       lobster_files(
           dir, [&dir] { return dir.file("bomb.csv.gz", gzip_bomb(lob_msg)); }, two_ob),
       got::data_error, std::string("bomb.csv.gz:2: ") + std::string(line_limit)},
      {"lobster: bzip2 bomb (40 KB inflating to 4 GiB without a newline)",
       lobster_files(
           dir, [&dir] { return dir.file("bomb.csv.bz2", bzip2_bomb(lob_msg)); }, two_ob),
       got::data_error, std::string("bomb.csv.bz2:2: ") + std::string(line_limit)},
      {"lobster: bzip2 bomb of 2 MiB lines",
       lobster_files(
           dir, [&dir] { return dir.file("lines.csv.bz2", bzip2_line_bomb(lob_msg)); }, two_ob),
       got::data_error, "lines.csv.bz2:2:1: field 'time': not a time"},
      {"lobster: sparse 256 MiB file",
       lobster_files(
           dir, [&dir] { return sparse_file(dir, "sparse.csv", lob_msg); }, two_ob),
       got::data_error, std::string("sparse.csv:2: ") + std::string(line_limit)},
  };
}

// ---- Binance raw capture

const std::string bn_trade =
    R"(3000 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161601438,"s":"BTCUSDT","t":7,"p":"99.80","q":"0.5","T":1723161601437,"m":true,"M":true}})";

// A trade line at local time `ts` with the fields `p`, `q` and `t` as given (JSON text).
std::string bn_trade_with(const std::string& ts, const std::string& p, const std::string& q,
                          const std::string& t = "7") {
  return ts + R"( {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161601438,"s":"BTCUSDT","t":)" + t +
         R"(,"p":)" + p + R"(,"q":)" + q + R"(,"T":1723161601437,"m":true,"M":true}})";
}

// `n` trade lines with distinct ids and rising times: a well-formed capture.
std::string bn_trades(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += bn_trade_with(std::to_string(3000 + i), "\"99.8\"", "\"0.5\"", std::to_string(7 + i)) + "\n";
  return s;
}

std::string bn_depth(const std::string& ts, int first, int last, const std::string& bids) {
  return ts + R"( {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161601273,"s":"BTCUSDT","U":)" +
         std::to_string(first) + R"(,"u":)" + std::to_string(last) + R"(,"b":)" + bids + R"(,"a":[["101.0","3"]]}})";
}

outcome binance_read(fp::binance_reader& r) {
  fp::binance_event ev;
  std::size_t n = 0;
  while (r.next(ev)) ++n;
  return from_report(r.report(), n);
}

std::function<outcome()> binance_mem(std::string text, fp::binance_options o = {}) {
  return [text = std::move(text), o] {
    fp::binance_reader r("m", text, o);
    return binance_read(r);
  };
}

std::function<outcome()> binance_file(std::function<std::string()> make, fp::binance_options o = {}) {
  return [make = std::move(make), o] {
    fp::binance_reader r(make(), o);
    return binance_read(r);
  };
}

std::vector<hostile_case> binance_cases(const temp_dir& dir) {
  const fp::binance_options lenient{.policy = fp::parse_policy::lenient};
  const std::string nested = std::string(100000, '[') + std::string(100000, ']');
  return {
      {"binance: NaN price", binance_mem(bn_trade_with("3000", "\"NaN\"", "\"0.5\"") + "\n"), got::data_error,
       "m:1:2: field 'data.p': not a number (got 'NaN')"},
      {"binance: inf quantity", binance_mem(bn_trade_with("3000", "\"99.8\"", "\"inf\"") + "\n"), got::data_error,
       "m:1:2: field 'data.q': not a number (got 'inf')"},
      {"binance: negative depth quantity", binance_mem(bn_depth("1000", 101, 105, R"([["100.0","-1"]])") + "\n"),
       got::data_error, "m:1:2: field 'data.b[0][1]': quantity must be >= 0 (got '-1')"},
      {"binance: 1e400 as a JSON number", binance_mem(bn_trade_with("3000", "\"99.8\"", "1e400") + "\n"),
       got::data_error, "m:1:2: invalid JSON: number overflow parsing '1e400'"},
      {"binance: 1e400 as a decimal string", binance_mem(bn_trade_with("3000", "\"1e400\"", "\"0.5\"") + "\n"),
       got::data_error, "m:1:2: field 'data.p': not a number (got '1e400')"},
      // Found by a 2026-12-06 fuzz campaign of the datasets: a trade of 1e300 x 1e300 made the
      // market order's notional infinite and the dataset builder threw invalid_argument.
      {"binance: a trade of 1e300 x 1e300 (its notional would overflow)",
       binance_mem(bn_trade_with("3000", "\"1e300\"", "\"1e300\"") + "\n"), got::data_error,
       "m:1:2: field 'data.p': out of range (more than 1e+18: the market order's notional would overflow; got "
       "'1e300')"},
      {"binance: a trade quantity of 2e18, lenient",
       binance_mem(bn_trade_with("3000", "\"99.8\"", "\"2000000000000000000\"") + "\n" + bn_trades(1), lenient),
       got::skipped, "m:1:2: field 'data.q': out of range (more than 1e+18", 1},
      {"binance: crossed snapshot",
       binance_mem(R"(1000 {"lastUpdateId":100,"bids":[["101.0","1"]],"asks":[["100.0","1"]]})"
                   "\n"),
       got::data_error, "m:1:2: field 'bids[0][0]': crossed snapshot (best bid 101 >= best ask 100)"},
      {"binance: local time goes back",
       binance_mem(bn_trade + "\n" + bn_trade_with("2999", "\"99.8\"", "\"0.5\"", "8") + "\n"), got::data_error,
       "m:2:1: field 'local_ts_ns': timestamp goes back (got 2999 after 3000)"},
      {"binance: local time goes back, lenient",
       binance_mem(bn_trade + "\n" + bn_trade_with("2999", "\"99.8\"", "\"0.5\"", "8") + "\n" +
                       bn_trade_with("3001", "\"99.8\"", "\"0.5\"", "9") + "\n",
                   lenient),
       got::skipped, "m:2:1: field 'local_ts_ns': timestamp goes back", 1},
      {"binance: a 20-digit local timestamp", binance_mem("99999999999999999999" + bn_trade.substr(4) + "\n"),
       got::data_error, "m:1:1: field 'local_ts_ns': not a timestamp in ns (got '99999999999999999999')"},
      {"binance: a duplicate depth update is counted as stale",
       [] {
         const std::string d = bn_depth("1000", 101, 105, R"([["100.0","1"]])");
         const std::string text = d + "\n" + d + "\n";  // the reader keeps a view
         fp::binance_reader r("m", text);
         fp::binance_event ev;
         while (r.next(ev)) {}
         return outcome{got::counted, "", r.depth().stats().updates_stale};
       },
       got::counted, "", 1},
      {"binance: U > u", binance_mem(bn_depth("1000", 106, 105, "[]") + "\n"), got::data_error,
       "m:1:2: field 'data.U': U must be <= u (got U 106, u 105)"},
      {"binance: [[[[...]]]] nested 100,000 deep", binance_mem("1000 " + nested + "\n"), got::data_error,
       "m:1:2: expected a JSON object (got an array of 1 entry)"},
      {"binance: data nested 100,000 deep", binance_mem(R"(1000 {"stream":"btcusdt@trade","data":)" + nested + "}\n"),
       got::data_error, "m:1:2: field 'data': expected an object (got an array of 1 entry)"},
      {"binance: 100,000 unclosed brackets", binance_mem("1000 " + std::string(100000, '[') + "\n"), got::data_error,
       "m:1:2: invalid JSON: parse error at line 1, column 100001: syntax error while parsing value - unexpected end "
       "of "
       "input"},
      {"binance: non-UTF-8 bytes in a string", binance_mem(bn_trade_with("3000", "\"99.8\xff\"", "\"0.5\"") + "\n"),
       got::data_error,
       "m:1:2: invalid JSON: parse error at line 1, column 94: syntax error while parsing value - invalid string: "
       "ill-formed UTF-8 byte"},
      {"binance: NUL bytes", binance_mem(std::string(100, '\0') + "\n"), got::data_error,
       "m:1:1: field 'local_ts_ns': not a timestamp in ns"},
      {"binance: a line cut in the middle (truncated)", binance_mem(bn_trade.substr(0, 60)), got::data_error,
       "m:1:2: invalid JSON: parse error at line 1, column 56: syntax error while parsing object - unexpected end of "
       "input; expected '}'"},
      {"binance: two messages concatenated on one line", binance_mem(bn_trade + bn_trade.substr(5) + "\n"),
       got::data_error,
       "m:1:2: invalid JSON: parse error at line 1, column 144: syntax error while parsing value - unexpected '{'; "
       "expected end of input"},
      {"binance: a line longer than max_line_bytes (lowered to 4 KiB)",
       binance_mem("1000 {\"x\":\"" + std::string(8192, 'a') + "\"}\n", {.max_line_bytes = 4096}), got::data_error,
       "m:1: line of 8205 bytes, longer than max_line_bytes (4096): not parsed"},
      {"binance: an empty line", binance_mem(bn_trade + "\n\n"), got::data_error,
       "m:2:1: field 'local_ts_ns': empty line"},
      {"binance: a file of only newlines, lenient", binance_mem(std::string(1000, '\n'), lenient), got::skipped,
       "m:1:1: field 'local_ts_ns': empty line", 1000},
      {"binance: CRLF line ends",
       binance_mem(bn_trade + "\r\n" + bn_trade_with("3001", "\"99.8\"", "\"0.5\"", "8") + "\r\n"), got::accepted, "",
       2},
      {"binance: CR-only line ends",
       binance_mem(bn_trade + "\r" + bn_trade_with("3001", "\"99.8\"", "\"0.5\"", "8") + "\r"), got::accepted, "", 2},
      {"binance: a UTF-8 byte-order mark", binance_mem("\xEF\xBB\xBF" + bn_trade + "\n"), got::accepted, "", 1},
      {"binance: truncated gzip capture", binance_file([&dir] {
         std::string gz = gzip_bytes(bn_trades(200));
         gz.resize(gz.size() - 20);
         return dir.file("trunc.gz", gz);
       }),
       got::data_error, "truncated gzip stream (unexpected end of file)"},
      {"binance: truncated gzip capture, lenient too",
       binance_file(
           [&dir] {
             std::string gz = gzip_bytes(bn_trades(200));
             gz.resize(gz.size() - 20);
             return dir.file("trunc2.gz", gz);
           },
           lenient),
       got::data_error, "truncated gzip stream (unexpected end of file)"},
      {"binance: gzip bomb (80 KB inflating to 80 MiB without a newline)",
       binance_file([&dir] { return dir.file("bomb.gz", gzip_bomb(bn_trade + "\n")); }), got::data_error,
       std::string("bomb.gz:2: ") + std::string(line_limit)},
      {"binance: bzip2 bomb of 2 MiB lines stops at max_line_bytes",
       binance_file([&dir] { return dir.file("lines.bz2", bzip2_line_bomb(bn_trade + "\n")); }), got::data_error,
       "lines.bz2:2: line of 2097152 bytes, longer than max_line_bytes (1048576): not parsed"},
  };
}

// ---- Binance CSV

const std::string depth_h = std::string(fp::binance_csv_reader::depth_header) + "\n";
const std::string ticker_h = std::string(fp::binance_csv_reader::book_ticker_header) + "\n";
const std::string trades_h = std::string(fp::binance_csv_reader::trades_header) + "\n";
const std::string csv_trade = "1000,1723161601438,1723161601437,7,99.80,0.5,1,sell\n";

std::function<outcome()> binance_csv_mem(std::string depth, std::string ticker, std::string trades,
                                         fp::binance_options o = {}) {
  return [depth = std::move(depth), ticker = std::move(ticker), trades = std::move(trades), o] {
    fp::binance_csv_reader r(fp::line_reader("depth.csv", depth), fp::line_reader("ticker.csv", ticker),
                             fp::line_reader("trades.csv", trades), o);
    fp::binance_event ev;
    std::size_t n = 0;
    while (r.next(ev)) ++n;
    return from_report(r.report(), n);
  };
}

std::vector<hostile_case> binance_csv_cases(const temp_dir& dir) {
  const fp::binance_options lenient{.policy = fp::parse_policy::lenient};
  return {
      {"binance csv: NaN price", binance_csv_mem(depth_h + "1000,1723161601273,101,105,,bid,nan,1.5\n", "", ""),
       got::data_error, "depth.csv:2:7: field 'price': not finite (got 'nan')"},
      {"binance csv: inf quantity", binance_csv_mem(depth_h + "1000,1723161601273,101,105,,bid,100,inf\n", "", ""),
       got::data_error, "depth.csv:2:8: field 'qty': not finite (got 'inf')"},
      {"binance csv: negative trade quantity",
       binance_csv_mem("", "", trades_h + "1000,1723161601438,1723161601437,7,99.80,-0.5,1,sell\n"), got::data_error,
       "trades.csv:2:6: field 'qty': quantity must be > 0 (got -0.5)"},
      {"binance csv: a trade price of 1e300 (its notional would overflow)",
       binance_csv_mem("", "", trades_h + "1000,1723161601438,1723161601437,7,1e300,0.5,1,sell\n"), got::data_error,
       "trades.csv:2:5: field 'price': out of range (more than 1e+18: the market order's notional would overflow; got "
       "1e+300)"},
      {"binance csv: 1e400", binance_csv_mem("", ticker_h + "1000,,110,1e400,4.0,100.50,1.0\n", ""), got::data_error,
       "ticker.csv:2:4: field 'bid_px': not a number (got '1e400')"},
      {"binance csv: local time goes back",
       binance_csv_mem("", "", trades_h + csv_trade + "999,1,1,8,99.80,0.5,1,sell\n"), got::data_error,
       "trades.csv:3:1: field 'local_ts_ns': timestamp goes back (got 999 after 1000)"},
      {"binance csv: a bad header", binance_csv_mem("local_ts_ns,price\n", "", ""), got::data_error,
       "depth.csv:1: bad header"},
      {"binance csv: a bad header under lenient still throws", binance_csv_mem("local_ts_ns,price\n", "", "", lenient),
       got::data_error, "depth.csv:1: bad header"},
      {"binance csv: aggressor contradicts buyer_is_maker",
       binance_csv_mem("", "", trades_h + "1000,1723161601438,1723161601437,7,99.80,0.5,1,buy\n"), got::data_error,
       "trades.csv:2:8: field 'aggressor': aggressor 'buy' contradicts buyer_is_maker 1"},
      {"binance csv: non-UTF-8 side", binance_csv_mem(depth_h + "1000,1723161601273,101,105,,\xff\xfe,100,1\n", "", ""),
       got::data_error, "depth.csv:2:6: field 'side': unknown side"},
      {"binance csv: a 2 MiB field",
       binance_csv_mem("", "", trades_h + "1000,1,1," + std::string(std::size_t{2} << 20, '9') + ",99.8,0.5,1,sell\n"),
       got::data_error,
       "trades.csv:2:4: field 'trade_id': not an integer (got '9999999999999999999999999999999999999999')"},
      {"binance csv: a file of only newlines after the header, lenient",
       binance_csv_mem("", "", trades_h + std::string(500, '\n'), lenient), got::skipped,
       "trades.csv:2:1: field 'local_ts_ns': not an integer (got '')", 500},
      {"binance csv: CRLF line ends",
       binance_csv_mem("", "",
                       std::string(fp::binance_csv_reader::trades_header) + "\r\n" +
                           "1000,1723161601438,1723161601437,7,99.80,0.5,1,sell\r\n"),
       got::accepted, "", 1},
      {"binance csv: a UTF-8 byte-order mark", binance_csv_mem("", "", "\xEF\xBB\xBF" + trades_h + csv_trade),
       got::accepted, "", 1},
      {"binance csv: gzip bomb",
       [&dir] {
         const std::string p = dir.file("trades.csv.gz", gzip_bomb(trades_h + csv_trade));
         fp::binance_csv_reader r("", "", p);
         fp::binance_event ev;
         std::size_t n = 0;
         while (r.next(ev)) ++n;
         return from_report(r.report(), n);
       },
       got::data_error, std::string("trades.csv.gz:3: ") + std::string(line_limit)},
  };
}

// ---- Bitstamp

const std::string bs_trade_h = std::string(fp::bitstamp_trade_reader::header) + "\n";
const std::string bs_trade = "1430438404645,8111041,236.47,0.21144331,sell,\n";
const std::string bs_trade2 = "1430438406348,8111042,236.47,1.78855669,sell,sell\n";
const std::string bs_snap_h =
    "local_ts_ms,ask_px_1,ask_qty_1,bid_px_1,bid_qty_1,ask_px_2,ask_qty_2,bid_px_2,bid_qty_2\n";
const std::string bs_snap = "1430438404645,236.5,1,236.4,2,236.6,3,236.3,4\n";

std::function<outcome()> bitstamp_trades_mem(std::string text, fp::parse_policy p = fp::parse_policy::strict) {
  return [text = std::move(text), p] {
    fp::bitstamp_trade_reader r("t.csv", text, p);
    fp::trade t;
    std::size_t n = 0;
    while (r.next(t)) ++n;
    return from_report(r.report(), n);
  };
}

std::function<outcome()> bitstamp_snapshots_mem(std::string text, fp::parse_policy p = fp::parse_policy::strict) {
  return [text = std::move(text), p] {
    fp::bitstamp_snapshot_reader r("s.csv", text, p);
    std::size_t n = 0;
    while (r.next()) ++n;
    return from_report(r.report(), n);
  };
}

std::function<outcome()> bitstamp_trades_file(std::function<std::string()> make) {
  return [make = std::move(make)] {
    fp::bitstamp_trade_reader r(make());
    fp::trade t;
    std::size_t n = 0;
    while (r.next(t)) ++n;
    return from_report(r.report(), n);
  };
}

std::vector<hostile_case> bitstamp_cases(const temp_dir& dir) {
  return {
      {"bitstamp trades: NaN price", bitstamp_trades_mem(bs_trade_h + "1430438404645,8111041,nan,0.2,sell,\n"),
       got::data_error, "t.csv:2:3: field 'price': not finite (got 'nan')"},
      {"bitstamp trades: inf amount", bitstamp_trades_mem(bs_trade_h + "1430438404645,8111041,236.47,inf,sell,\n"),
       got::data_error, "t.csv:2:4: field 'amount_btc': not finite (got 'inf')"},
      {"bitstamp trades: negative price", bitstamp_trades_mem(bs_trade_h + "1430438404645,8111041,-236.47,0.2,sell,\n"),
       got::data_error, "t.csv:2:3: field 'price': price must be > 0 (got -236.47)"},
      {"bitstamp trades: negative id", bitstamp_trades_mem(bs_trade_h + "1430438404645,-3,236.47,0.2,sell,\n"),
       got::data_error, "t.csv:2:2: field 'trade_id': must be >= 0 (got -3)"},
      // Found by a 2026-12-06 fuzz campaign of the datasets (its input is in the fuzz corpus):
      // 1.7881e308 BTC made the market order's notional infinite.
      {"bitstamp trades: an amount of 1.7881e308 (its notional would overflow)",
       bitstamp_trades_mem(bs_trade_h + "1430438404645,8111041,236.47,1.7881e308,sell,\n"), got::data_error,
       "t.csv:2:4: field 'amount_btc': out of range (more than 1e+18: the market order's notional would overflow; "
       "got 1.7881e+308)"},
      {"bitstamp trades: 1e400", bitstamp_trades_mem(bs_trade_h + "1430438404645,8111041,1e400,0.2,sell,\n"),
       got::data_error, "t.csv:2:3: field 'price': not a number (got '1e400')"},
      {"bitstamp trades: time goes back", bitstamp_trades_mem(bs_trade_h + bs_trade2 + bs_trade), got::data_error,
       "t.csv:3:1: field 'local_ts_ms': timestamp goes back (got 1430438404645 after 1430438406348)"},
      {"bitstamp trades: a repeated row (duplicate trade id)", bitstamp_trades_mem(bs_trade_h + bs_trade + bs_trade),
       got::data_error,
       "t.csv:3:2: field 'trade_id': duplicate trade id 8111041 (the previous row's: a repeated message)"},
      {"bitstamp trades: a repeated row, lenient",
       bitstamp_trades_mem(bs_trade_h + bs_trade + bs_trade + bs_trade2, fp::parse_policy::lenient), got::skipped,
       "t.csv:3:2: field 'trade_id': duplicate trade id", 1},
      {"bitstamp trades: non-UTF-8 aggressor",
       bitstamp_trades_mem(bs_trade_h + "1430438404645,8111041,236.47,0.2,\xff,\n"), got::data_error,
       "t.csv:2:5: field 'aggressor_by_resting_order': unknown aggressor"},
      {"bitstamp trades: empty file", bitstamp_trades_mem(""), got::data_error,
       "t.csv:1: empty file (expected a header line)"},
      {"bitstamp trades: a file of only newlines", bitstamp_trades_mem(std::string(1000, '\n')), got::data_error,
       "t.csv:1: bad header"},
      {"bitstamp trades: only newlines after the header, lenient",
       bitstamp_trades_mem(bs_trade_h + std::string(300, '\n'), fp::parse_policy::lenient), got::skipped,
       "t.csv:2:1: field 'local_ts_ms': not an integer (got '')", 300},
      {"bitstamp trades: CRLF line ends",
       bitstamp_trades_mem(std::string(fp::bitstamp_trade_reader::header) + "\r\n" +
                           "1430438404645,8111041,236.47,0.21144331,sell,\r\n"),
       got::accepted, "", 1},
      {"bitstamp trades: CR-only line ends",
       bitstamp_trades_mem(
           std::string(fp::bitstamp_trade_reader::header) + "\r" +
           "1430438404645,8111041,236.47,0.21144331,sell,\r1430438406348,8111042,236.47,1.7,sell,sell\r"),
       got::accepted, "", 2},
      {"bitstamp trades: a UTF-8 byte-order mark",
       bitstamp_trades_mem("\xEF\xBB\xBF" + bs_trade_h + bs_trade + bs_trade2), got::accepted, "", 2},
      {"bitstamp trades: a row cut in the middle (truncated)", bitstamp_trades_mem(bs_trade_h + "1430438404645,811"),
       got::data_error, "t.csv:2:3: field 'price': missing field (the row is too short)"},
      {"bitstamp trades: bzip2 bomb of 2 MiB lines",
       bitstamp_trades_file([&dir] { return dir.file("t.csv.bz2", bzip2_line_bomb(bs_trade_h + bs_trade)); }),
       got::data_error, "t.csv.bz2:3:1: field 'local_ts_ms': not an integer"},
      {"bitstamp trades: gzip bomb",
       bitstamp_trades_file([&dir] { return dir.file("t.csv.gz", gzip_bomb(bs_trade_h + bs_trade)); }), got::data_error,
       std::string("t.csv.gz:3: ") + std::string(line_limit)},
      {"bitstamp trades: truncated bzip2 file", bitstamp_trades_file([&dir] {
         std::string bz = bzip2_bytes(bs_trade_h + repeat(bs_trade, 1));
         bz.resize(bz.size() - 8);
         return dir.file("trunc.csv.bz2", bz);
       }),
       got::data_error, "truncated bzip2 stream"},
      {"bitstamp snapshots: crossed",
       bitstamp_snapshots_mem(bs_snap_h + "1430438404645,236.5,1,236.5,2,236.6,3,236.3,4\n"), got::data_error,
       "s.csv:2:4: field 'bid_px_1': crossed snapshot (best bid 236.5 >= best ask 236.5)"},
      {"bitstamp snapshots: NaN price",
       bitstamp_snapshots_mem(bs_snap_h + "1430438404645,nan,1,236.4,2,236.6,3,236.3,4\n"), got::data_error,
       "s.csv:2:2: field 'ask_px_1': not a number (got 'nan')"},
      {"bitstamp snapshots: inf quantity",
       bitstamp_snapshots_mem(bs_snap_h + "1430438404645,236.5,inf,236.4,2,236.6,3,236.3,4\n"), got::data_error,
       "s.csv:2:3: field 'ask_qty_1': not a number (got 'inf')"},
      {"bitstamp snapshots: negative quantity",
       bitstamp_snapshots_mem(bs_snap_h + "1430438404645,236.5,1,236.4,-2,236.6,3,236.3,4\n"), got::data_error,
       "s.csv:2:5: field 'bid_qty_1': quantity must be > 0 (got '-2')"},
      {"bitstamp snapshots: time goes back, lenient",
       bitstamp_snapshots_mem(bs_snap_h + bs_snap + "1430438404644,236.5,1,236.4,2,236.6,3,236.3,4\n" + bs_snap,
                              fp::parse_policy::lenient),
       got::skipped, "s.csv:3:1: field 'local_ts_ms': timestamp goes back", 1},
      {"bitstamp snapshots: a file of only newlines", bitstamp_snapshots_mem(std::string(1000, '\n')), got::data_error,
       "s.csv:1:1: bad header: expected 'local_ts_ms' (got '')"},
      {"bitstamp snapshots: a header of 10,000 levels and a short row",
       [] {
         std::string h = "local_ts_ms";
         for (int k = 1; k <= 10000; ++k)
           h += ",ask_px_" + std::to_string(k) + ",ask_qty_" + std::to_string(k) + ",bid_px_" + std::to_string(k) +
                ",bid_qty_" + std::to_string(k);
         const std::string text = h + "\n" + bs_snap;  // the reader keeps a view
         fp::bitstamp_snapshot_reader r("s.csv", text);
         while (r.next()) {}
         return outcome{};
       },
       got::data_error, "s.csv:2:10: field 'ask_px_3': missing field (the row is too short)"},
  };
}

}  // namespace

TEST_CASE("hostile catalogue: LOBSTER reader") {
  const temp_dir dir;
  run_table(lobster_cases(dir));
}

TEST_CASE("hostile catalogue: Binance capture reader") {
  const temp_dir dir;
  run_table(binance_cases(dir));
}

TEST_CASE("hostile catalogue: Binance CSV reader") {
  const temp_dir dir;
  run_table(binance_csv_cases(dir));
}

TEST_CASE("hostile catalogue: Bitstamp readers") {
  const temp_dir dir;
  run_table(bitstamp_cases(dir));
}

TEST_CASE("hostile catalogue: the bombs are small and inflate to what their names say") {
  // 80 KB -> 80 MiB and 40 KB -> 4 GiB: the reader stopped at its limit, not at the end.
  CHECK(gzip_bomb("x\n").size() < 100'000);
  CHECK(bzip2_bomb("x\n").size() < 100'000);
  CHECK(bzip2_line_bomb("x\n").size() < 200'000);
  std::string out(std::size_t{4} << 20, 'x');
  auto n = static_cast<unsigned>(out.size());
  REQUIRE(BZ2_bzBuffToBuffDecompress(out.data(), &n, const_cast<char*>(bzip2_4mib_of_zeros().data()),
                                     static_cast<unsigned>(bzip2_4mib_of_zeros().size()), 0, 0) == BZ_OK);
  CHECK(n == (std::size_t{4} << 20));
  CHECK(out.find_first_not_of('\0') == std::string::npos);
}

TEST_CASE("hostile catalogue: /dev/zero as a LOBSTER, Binance or Bitstamp file" * doctest::test_suite("slow")) {
  // Endless NUL bytes without a newline: each reader stops at the line reader's 64 MiB limit.
  // Slow (about 1 s at -O2): while the first line end is unknown, the line reader rescans
  // the whole buffer with find_first_of("\r\n") at every refill (line_reader::next_line).
  if (!fs::exists("/dev/zero")) return;
  const std::vector<hostile_case> table{
      {"lobster: /dev/zero",
       [] {
         fp::lobster_reader r("/dev/zero", "/dev/zero");
         return lobster_read(r);
       },
       got::data_error, std::string("/dev/zero:1: ") + std::string(line_limit)},
      {"binance: /dev/zero", binance_file([] { return std::string("/dev/zero"); }), got::data_error,
       std::string("/dev/zero:1: ") + std::string(line_limit)},
      {"bitstamp trades: /dev/zero", bitstamp_trades_file([] { return std::string("/dev/zero"); }), got::data_error,
       std::string("/dev/zero:1: ") + std::string(line_limit)},
  };
  run_table(table);
}

// ---- the catalogue's findings in the Binance readers (issue 22), each refused since

TEST_CASE("hostile catalogue: Binance readers refuse a repeated trade id") {
  // binance_reader::parse_trade and binance_csv_reader::advance_trade did not compare `t` /
  // trade_id with the previous trade's: a repeated message counted its volume twice.
  const std::string csv_trades = trades_h + csv_trade + csv_trade;
  const std::vector<hostile_case> table{
      {"binance: a repeated trade message", binance_mem(bn_trade + "\n" + bn_trade + "\n"), got::data_error,
       "m:2:2: field 'data.t': repeated trade id 7 (the trade was already read)"},
      {"binance: a trade id going back",
       binance_mem(bn_trade_with("3000", "\"99.8\"", "\"0.5\"", "8") + "\n" + bn_trade + "\n"), got::data_error,
       "m:2:2: field 'data.t': trade id goes back (got 7 after 8)"},
      {"binance: a repeated trade message, lenient: skipped",
       binance_mem(bn_trade + "\n" + bn_trade + "\n", {.policy = fp::parse_policy::lenient}), got::skipped,
       "repeated trade id", 1},
      {"binance csv: a repeated trade row", binance_csv_mem("", "", csv_trades), got::data_error,
       "trades.csv:3:4: field 'trade_id'"},
  };
  run_table(table);
}

TEST_CASE("hostile catalogue: Binance readers refuse a crossed bookTicker") {
  // binance_reader::parse_ticker and binance_csv_reader::ticker_side checked each side alone:
  // bid 101.80 >= ask 100.50 was returned as a ticker.
  const std::vector<hostile_case> table{
      {"binance: crossed bookTicker",
       binance_mem(
           R"(2500 {"stream":"btcusdt@bookTicker","data":{"u":110,"s":"BTCUSDT","b":"101.80","B":"4.0","a":"100.50","A":"1.0"}})"
           "\n"),
       got::data_error, "m:1:2: field 'data.b': crossed bookTicker (bid 101.8 >= ask 100.5)"},
      {"binance csv: crossed bookTicker", binance_csv_mem("", ticker_h + "1000,,110,101.80,4.0,100.50,1.0\n", ""),
       got::data_error, "ticker.csv:2:4: field 'bid_px': crossed bookTicker (bid 101.8 >= ask 100.5)"},
  };
  run_table(table);
}

TEST_CASE("hostile catalogue: a Binance diff may not list one price twice") {
  // binance_reader accepted [["100.0","1"],["100.0","2"]] in one side of one update, and the
  // book kept the last quantity; a price twice out of order is found too.
  const std::vector<hostile_case> table{
      {"binance: one price twice in a diff",
       binance_mem(bn_depth("1000", 101, 105, R"([["100.0","1"],["100.0","2"]])") + "\n"), got::data_error,
       "m:1:2: field 'data.b[1][0]'"},
      {"binance: one price twice, out of order",
       binance_mem(bn_depth("1000", 101, 105, R"([["99.0","1"],["100.0","2"],["98.0","0"],["100.0","0"]])") + "\n"),
       got::data_error, "m:1:2: field 'data.b[3][0]': price 100 listed twice in one update (also at [1])"},
      {"binance: prices in no order, each once",
       binance_mem(bn_depth("1000", 101, 105, R"([["99.0","1"],["100.0","2"],["98.0","0"]])") + "\n"), got::accepted,
       "", 1},
  };
  run_table(table);
}

}  // namespace unity_hostile_catalogue
