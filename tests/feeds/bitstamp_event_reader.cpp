// bitstamp_event_reader: the 2015-05-01 websocket log read whole and checked against the
// upstream-parsed order events (raw/orders.csv.bz2), the derived trades.csv and
// depth20_snapshots.csv.gz of the same recording; malformed lines give located errors.
#include "footprint/feeds/bitstamp/bitstamp_event_reader.hpp"

#include "footprint/feeds/line_reader.hpp"

#include "feeds/crypto_test_data.hpp"

#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_bitstamp_event_reader {

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

const fs::path bitstamp_dir = fs::path(FOOTPRINT_TEST_DATA_DIR) / "bitstamp";

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t c = s.find(',', start);
    out.push_back(s.substr(start, c == std::string_view::npos ? c : c - start));
    if (c == std::string_view::npos) return out;
    start = c + 1;
  }
}

double to_double(std::string_view s) {
  double x = std::nan("");
  std::from_chars(s.data(), s.data() + s.size(), x);
  return x;
}

std::int64_t to_int(std::string_view s) {
  std::int64_t x = -1;
  std::from_chars(s.data(), s.data() + s.size(), x);
  return x;
}

// The first error message of one line read under the strict policy ("" when it reads).
std::string error_of(const std::string& text) {
  fp::bitstamp_event_reader r("log", text);
  fp::bitstamp_event ev;
  try {
    while (r.next(ev)) {}
  } catch (const fp::data_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the 2015-05-01 log: every event, equal to the upstream parse and the derived files" *
          doctest::test_suite("real-data")) {
  const fs::path log = bitstamp_dir / "raw" / "2015-05-01.log.bz2";
  if (!fs::exists(log)) {
    MESSAGE("skipped: ", log.string(), " not found");
    return;
  }
  fp::bitstamp_event_reader r(log.string());
  fp::line_reader orders((bitstamp_dir / "raw" / "orders.csv.bz2").string());
  fp::line_reader trades((bitstamp_dir / "trades.csv").string());
  fp::line_reader snapshots((bitstamp_dir / "depth20_snapshots.csv.gz").string());
  std::string_view row;
  REQUIRE(orders.next(row));  // headers
  REQUIRE(trades.next(row));
  REQUIRE(snapshots.next(row));
  std::size_t order_mismatches = 0, trade_mismatches = 0, snapshot_mismatches = 0;
  fp::bitstamp_event ev;
  std::chrono::nanoseconds first{0}, last{0};
  // The whole day in optimised builds; its first 20,000 events in unoptimised or sanitized
  // ones (78 s under ASan for the day), unless FOOTPRINT_TEST_FULL_DATA=1.
  const std::size_t limit = footprint_test::line_limit() == 0 ? 0 : 20'000;
  while ((limit == 0 || r.report().lines_read < limit) && r.next(ev)) {
    if (ev.line == 1) first = ev.local_time;
    last = ev.local_time;
    switch (ev.kind) {
      case fp::bitstamp_event_kind::order_created:
      case fp::bitstamp_event_kind::order_changed:
      case fp::bitstamp_event_kind::order_deleted: {
        // id,timestamp,exchange.timestamp,price,volume,action,direction (volume in satoshi,
        // truncated by the upstream parser: 8.65238172 BTC is 865238171 there)
        REQUIRE(orders.next(row));
        const auto f = split(row);
        REQUIRE(f.size() == 7);
        const std::string_view action = ev.kind == fp::bitstamp_event_kind::order_created   ? "created"
                                        : ev.kind == fp::bitstamp_event_kind::order_changed ? "changed"
                                                                                            : "deleted";
        const bool same = to_int(f[0]) == ev.order_id && to_int(f[1]) * 1'000'000 == ev.local_time.count() &&
                          to_double(f[3]) == ev.price &&
                          (to_int(f[4]) == std::llround(ev.amount * 1e8) ||
                           to_int(f[4]) == static_cast<std::int64_t>(ev.amount * 1e8)) &&
                          f[5] == action && f[6] == (ev.side == fp::side::buy ? "bid" : "ask");
        if (!same) ++order_mismatches;
        break;
      }
      case fp::bitstamp_event_kind::trade: {
        // local_ts_ms,trade_id,price,amount_btc,...
        REQUIRE(trades.next(row));
        const auto f = split(row);
        const bool same = to_int(f[0]) * 1'000'000 == ev.local_time.count() && to_int(f[1]) == ev.trade.id &&
                          to_double(f[2]) == ev.trade.price && to_double(f[3]) == ev.trade.quantity &&
                          ev.trade.sign == 0 && ev.trade.time == ev.local_time;
        if (!same) ++trade_mismatches;
        break;
      }
      case fp::bitstamp_event_kind::order_book: {
        // local_ts_ms, then (ask_px, ask_qty, bid_px, bid_qty) for levels 1..20
        REQUIRE(snapshots.next(row));
        const auto f = split(row);
        bool same = f.size() == 81 && to_int(f[0]) * 1'000'000 == ev.local_time.count() && ev.bids.size() == 20 &&
                    ev.asks.size() == 20;
        for (std::size_t k = 0; same && k < 20; ++k) {
          same = to_double(f[1 + 4 * k]) == ev.asks[k].price && to_double(f[2 + 4 * k]) == ev.asks[k].quantity &&
                 to_double(f[3 + 4 * k]) == ev.bids[k].price && to_double(f[4 + 4 * k]) == ev.bids[k].quantity;
        }
        if (!same) ++snapshot_mismatches;
        break;
      }
    }
  }
  CHECK(order_mismatches == 0);
  CHECK(trade_mismatches == 0);
  CHECK(snapshot_mismatches == 0);
  if (limit != 0) {
    MESSAGE("read the first ", limit, " events only (unoptimised or sanitized build)");
    CHECK(r.report().lines_read == limit);
    return;
  }
  // The counts of the data README: 29,992 order_book, 118,960 order_created, 4,516
  // order_changed, 119,048 order_deleted, 4,251 trade.
  CHECK(r.report().lines_read == 276767);
  CHECK(r.report().rows_skipped == 0);
  CHECK(r.counts().snapshots == 29992);
  CHECK(r.counts().created == 118960);
  CHECK(r.counts().changed == 4516);
  CHECK(r.counts().deleted == 119048);
  CHECK(r.counts().trades == 4251);
  CHECK_FALSE(orders.next(row));
  CHECK_FALSE(trades.next(row));
  CHECK_FALSE(snapshots.next(row));
  // A day: 2015-05-01 00:00:04.518 UTC to the last event before midnight.
  CHECK(first.count() == 1430438404518LL * 1'000'000);
  CHECK(last - first > std::chrono::hours{23});
  CHECK(last - first < std::chrono::hours{24});
}

TEST_CASE("events of each kind are read with their fields") {
  const std::string text =
      "1430438404518 order_created {\"price\": \"236.47\", \"amount\": \"2.00000000\", \"datetime\": "
      "\"1430438404\", \"id\": 65595247, \"order_type\": 0}\n"
      "1430438404637 order_deleted {\"price\": \"236.50\", \"amount\": \"0.00000000\", \"datetime\": "
      "\"1430438340\", \"id\": 65595187, \"order_type\": 1}\n"
      "1430438404645 trade {\"price\": 236.47, \"amount\": 0.21144331, \"id\": 8111041}\n"
      "1430438405885 order_book {\"bids\": [[\"236.47\", \"1.5\"], [\"236.20\", \"0.1\"]], \"asks\": [[\"236.64\", "
      "\"3.7952\"]]}\n";
  fp::bitstamp_event_reader r("log", text);
  fp::bitstamp_event ev;
  REQUIRE(r.next(ev));
  CHECK(ev.kind == fp::bitstamp_event_kind::order_created);
  CHECK(ev.order_id == 65595247);
  CHECK(ev.side == fp::side::buy);
  CHECK(ev.price == 236.47);
  CHECK(ev.amount == 2.0);
  CHECK(ev.order_time == std::chrono::seconds{1430438404});
  CHECK(ev.local_time.count() == 1430438404518LL * 1'000'000);
  REQUIRE(r.next(ev));
  CHECK(ev.kind == fp::bitstamp_event_kind::order_deleted);
  CHECK(ev.side == fp::side::sell);
  CHECK(ev.amount == 0.0);
  CHECK(ev.line == 2);
  REQUIRE(r.next(ev));
  CHECK(ev.kind == fp::bitstamp_event_kind::trade);
  CHECK(ev.trade.id == 8111041);
  CHECK(ev.trade.quantity == 0.21144331);
  REQUIRE(r.next(ev));
  CHECK(ev.kind == fp::bitstamp_event_kind::order_book);
  REQUIRE(ev.bids.size() == 2);
  REQUIRE(ev.asks.size() == 1);
  CHECK(ev.bids[1].price == 236.20);
  CHECK(ev.asks[0].quantity == 3.7952);
  CHECK_FALSE(r.next(ev));
}

TEST_CASE("malformed lines give located errors, or counted skips under the lenient policy") {
  const std::string good =
      "1430438404518 order_created {\"price\": \"236.47\", \"amount\": \"2.0\", \"datetime\": \"1430438404\", "
      "\"id\": 1, \"order_type\": 0}\n";
  const auto order = [](const std::string& fields) { return "1430438404600 order_changed {" + fields + "}\n"; };
  const std::string rest = "\"datetime\": \"1430438404\", \"id\": 1, \"order_type\": 0";
  struct bad_case {
    std::string line;
    std::string message;
  };
  const std::vector<bad_case> cases{
      {"1430438404000 trade {\"price\": 1, \"amount\": 1, \"id\": 1}\n", "log:2:1: field 'local_ms': time goes back"},
      {"abc trade {}\n", "log:2:1: field 'local_ms': not a time in ms"},
      {"1430438404600 order_moved {}\n", "log:2:2: field 'kind': unknown event kind 'order_moved'"},
      {"1430438404600 trade\n", "log:2:3: missing JSON message"},
      {"1430438404600 trade {\"price\": 1, \"amount\": 1\n", "log:2:3: invalid JSON"},
      {"1430438404600 trade [1, 2]\n", "log:2:3: expected a JSON object (got an array of 2 entries)"},
      {"1430438404600 trade {\"price\": 1, \"amount\": 1}\n", "log:2:3: field 'id': missing key"},
      {"1430438404600 trade {\"price\": -1, \"amount\": 1, \"id\": 1}\n", "field 'price': must be > 0 (got -1)"},
      {"1430438404600 trade {\"price\": 1, \"amount\": 1e400, \"id\": 1}\n", "log:2:3: invalid JSON"},
      {order("\"price\": \"nan\", \"amount\": \"1\", " + rest), "field 'price': not a finite number (got \"nan\")"},
      {order("\"price\": \"1\", \"amount\": \"-1\", " + rest), "field 'amount': must be >= 0"},
      {order("\"price\": \"1\", \"amount\": \"1\", \"datetime\": \"x\", \"id\": 1, \"order_type\": 0"),
       "field 'datetime': expected a time in seconds"},
      {order("\"price\": \"1\", \"amount\": \"1\", \"datetime\": \"1\", \"id\": 1, \"order_type\": 2"),
       "field 'order_type': expected 0 (buy) or 1 (sell) (got 2)"},
      {order("\"price\": \"1\", \"amount\": \"1\", \"datetime\": \"1\", \"id\": -5, \"order_type\": 1"),
       "field 'id': expected an integer >= 0 (got -5)"},
      {"1430438404600 order_book {\"bids\": [[\"2\", \"1\"], [\"3\", \"1\"]], \"asks\": []}\n",
       "field 'bids[1]': levels must be strictly decreasing (price 3 after 2)"},
      {"1430438404600 order_book {\"bids\": [[\"3\", \"1\"]], \"asks\": [[\"2\", \"1\"]]}\n",
       "field 'bids[0][0]': crossed snapshot (best bid 3 >= best ask 2)"},
      {"1430438404600 order_book {\"bids\": " + std::string(100000, '[') + "}\n", "log:2:3: invalid JSON"},
      {"1430438404600 trade {\"x\": \"" + std::string(2 << 20, 'a') + "\"}\n", "longer than max_line_bytes"},
  };
  for (const bad_case& c : cases) {
    const std::string message = error_of(good + c.line);
    INFO("line: ", c.line.substr(0, 120));
    INFO("message: ", message);
    CHECK(message.find(c.message) != std::string::npos);
  }
  // Lenient: each bad line is skipped and counted; the good lines are read.
  std::string text = good;
  for (const bad_case& c : cases) text += c.line;
  text += "1430438404700 trade {\"price\": 1, \"amount\": 1, \"id\": 9}\n";
  fp::bitstamp_event_reader r("log", text, fp::parse_policy::lenient);
  fp::bitstamp_event ev;
  std::size_t read = 0;
  while (r.next(ev)) ++read;
  CHECK(read == 2);
  CHECK(r.report().rows_skipped == cases.size());
  CHECK(r.report().lines_read == cases.size() + 2);
  CHECK(r.counts().trades == 1);
  CHECK(r.counts().created == 1);
}

}  // namespace unity_bitstamp_event_reader
