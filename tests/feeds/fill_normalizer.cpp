// The FIX fills normalizer (feeds/fix/fill_normalizer.hpp) on messages built with the writer
// (no public recording has partial fills, busts or corrections): a FIX 4.4 partial-fill
// progression, FIX 4.2 semantics (ExecType 1/2 with ExecTransType 0; status, cancel and
// correct), busts and corrections through ExecRefID, duplicates and PossDup resends,
// out-of-order messages, a cancel/replace of OrderQty, the final fill with OrdStatus 1 and
// LeavesQty 0, and the checks against CumQty and AvgPx that report, never drop.
#include "footprint/feeds/fix/fill_normalizer.hpp"
#include "footprint/feeds/fix/fix_reader.hpp"
#include "footprint/feeds/fix/fix_writer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_fill_normalizer {

namespace fp = footprint;

// One ExecutionReport of parent order O1 (buy GOOG 5,000).
struct er {
  std::string begin = "FIX.4.4";
  std::string exec_id;
  char exec_type = 'F';
  char exec_trans_type = '\0';  // FIX 4.2 only
  char ord_status = '1';
  double last_qty = 0.0, last_px = 0.0, cum_qty = 0.0, avg_px = 0.0, leaves_qty = 5000.0;
  std::string time = "20240102-14:30:00.000";
  std::string exec_ref_id;
  bool poss_dup = false;
  double commission = -1.0;  // < 0: none
  double order_qty = 5000.0;
};

// Writes, frames, reads and decodes the report, then adds it.
void add(fp::fill_normalizer& n, const er& e) {
  fp::fix_writer w(e.begin);
  w.field(35, '8');
  if (e.poss_dup) w.field(43, 'Y');
  w.field(37, "O1").field(11, "C1").field(17, e.exec_id).field(150, e.exec_type).field(39, e.ord_status);
  if (e.exec_trans_type != '\0') w.field(20, e.exec_trans_type);
  if (!e.exec_ref_id.empty()) w.field(19, e.exec_ref_id);
  w.field(54, '1')
      .field(55, "GOOG")
      .field(38, e.order_qty)
      .field(14, e.cum_qty)
      .field(6, e.avg_px)
      .field(151, e.leaves_qty);
  if (e.last_qty > 0.0) w.field(32, e.last_qty).field(31, e.last_px);
  if (e.commission >= 0.0) w.field(12, e.commission).field(13, '3');
  w.field(60, e.time);
  const std::string s = w.finish();
  fp::fix_reader r(s, "t.fix");
  fp::fix_message m;
  REQUIRE(r.next(m));
  n.add(fp::decode_execution_report(m));
}

std::vector<std::string> ids(const fp::order_fills& o) {
  std::vector<std::string> out;
  for (const fp::fill& f : o.fills) out.push_back(f.exec_id);
  return out;
}

TEST_CASE("fill_normalizer: a FIX 4.4 partial-fill progression adds up to CumQty and AvgPx") {
  fp::fill_normalizer n;
  add(n, {.exec_id = "A", .exec_type = '0', .ord_status = '0'});  // acknowledged, no fill
  add(n, {.exec_id = "E1",
          .last_qty = 1000,
          .last_px = 10.0,
          .cum_qty = 1000,
          .avg_px = 10.0,
          .leaves_qty = 4000,
          .time = "20240102-14:30:01",
          .commission = 2.0});
  add(n, {.exec_id = "E2",
          .last_qty = 3000,
          .last_px = 10.5,
          .cum_qty = 4000,
          .avg_px = 10.375,
          .leaves_qty = 1000,
          .time = "20240102-14:30:02",
          .commission = 6.0});
  add(n, {.exec_id = "E3",
          .ord_status = '2',
          .last_qty = 1000,
          .last_px = 11.0,
          .cum_qty = 5000,
          .avg_px = 10.5,
          .leaves_qty = 0,
          .time = "20240102-14:30:03",
          .commission = 2.0});
  const std::vector<fp::order_fills> out = n.finish();
  REQUIRE(out.size() == 1);
  const fp::order_fills& o = out[0];
  CHECK(o.order_id == "O1");
  CHECK(o.symbol == "GOOG");
  CHECK(o.side == fp::side::buy);
  CHECK(o.order_qty == 5000.0);
  CHECK(ids(o) == std::vector<std::string>{"E1", "E2", "E3"});
  CHECK(o.filled_quantity() == 5000.0);
  CHECK(o.vwap() == doctest::Approx(10.5).epsilon(1e-15));
  CHECK(o.fees() == 10.0);
  CHECK(o.complete);
  CHECK(o.issues.empty());
  CHECK(n.summary().reports == 4);
  CHECK(n.summary().fills == 3);
  CHECK(n.summary().orders_with_issues == 0);
}

TEST_CASE("fill_normalizer: a cancel/replace that raises OrderQty: the order's size is the amended one") {
  // Acknowledged at 4,000, replaced to 5,000 (ExecType 5), then filled 5,000: whole, not
  // overfilled. A late copy of the acknowledgement (older TransactTime) does not undo the
  // amendment.
  fp::fill_normalizer n;
  add(n, {.exec_id = "A", .exec_type = '0', .ord_status = '0', .leaves_qty = 4000, .order_qty = 4000});
  add(n, {.exec_id = "R", .exec_type = '5', .ord_status = '0', .time = "20240102-14:30:00.500"});
  add(n, {.exec_id = "E1",
          .ord_status = '2',
          .last_qty = 5000,
          .last_px = 10.0,
          .cum_qty = 5000,
          .avg_px = 10.0,
          .leaves_qty = 0,
          .time = "20240102-14:30:01"});
  add(n, {.exec_id = "A2", .exec_type = '0', .ord_status = '0', .leaves_qty = 4000, .order_qty = 4000});
  const std::vector<fp::order_fills> out = n.finish();
  REQUIRE(out.size() == 1);
  CHECK(out[0].order_qty == 5000.0);
  CHECK(out[0].initial_order_qty == 4000.0);
  CHECK(out[0].filled_quantity() == 5000.0);
  CHECK(out[0].complete);
  CHECK(out[0].issues.empty());
}

TEST_CASE("fill_normalizer: FIX 4.2 semantics, ExecType 1 and 2 with ExecTransType 0, then cancel and correct") {
  fp::fill_normalizer n;
  const auto v42 = [](er e) {
    e.begin = "FIX.4.2";
    return e;
  };
  add(n, v42({.exec_id = "E1",
              .exec_type = '1',
              .exec_trans_type = '0',
              .last_qty = 1000,
              .last_px = 10.0,
              .cum_qty = 1000,
              .avg_px = 10.0,
              .leaves_qty = 4000,
              .time = "20240102-14:30:01"}));
  add(n, v42({.exec_id = "E2",
              .exec_type = '1',
              .exec_trans_type = '0',
              .last_qty = 2000,
              .last_px = 10.2,
              .cum_qty = 3000,
              .avg_px = 10.133333,
              .leaves_qty = 2000,
              .time = "20240102-14:30:02"}));
  // A status report (20=3) is not a fill.
  add(n, v42({.exec_id = "S1",
              .exec_type = '1',
              .exec_trans_type = '3',
              .last_qty = 2000,
              .last_px = 10.2,
              .cum_qty = 3000,
              .avg_px = 10.133333,
              .leaves_qty = 2000,
              .time = "20240102-14:30:03"}));
  // E2 corrected to 2,000 at 10.1 (20=2), then E1 busted (20=1).
  add(n, v42({.exec_id = "C1",
              .exec_type = '1',
              .exec_trans_type = '2',
              .last_qty = 2000,
              .last_px = 10.1,
              .cum_qty = 3000,
              .avg_px = 10.066667,
              .leaves_qty = 2000,
              .time = "20240102-14:30:04",
              .exec_ref_id = "E2"}));
  add(n, v42({.exec_id = "B1",
              .exec_type = '1',
              .exec_trans_type = '1',
              .cum_qty = 2000,
              .avg_px = 10.1,
              .leaves_qty = 3000,
              .time = "20240102-14:30:05",
              .exec_ref_id = "E1"}));
  add(n, v42({.exec_id = "E3",
              .exec_type = '2',
              .exec_trans_type = '0',
              .ord_status = '2',
              .last_qty = 3000,
              .last_px = 10.3,
              .cum_qty = 5000,
              .avg_px = 10.22,
              .leaves_qty = 0,
              .time = "20240102-14:30:06"}));
  const fp::order_fills o = n.finish().at(0);
  CHECK(ids(o) == std::vector<std::string>{"E2", "E3"});
  CHECK(o.fills[0].price == 10.1);  // corrected
  CHECK(o.filled_quantity() == 5000.0);
  CHECK(o.vwap() == doctest::Approx((2000 * 10.1 + 3000 * 10.3) / 5000.0).epsilon(1e-15));
  CHECK(o.complete);
  CHECK(o.issues.empty());
  CHECK(n.summary().busts == 1);
  CHECK(n.summary().corrections == 1);
}

TEST_CASE("fill_normalizer: FIX 4.4 busts and corrections through ExecRefID, also before their fill arrives") {
  fp::fill_normalizer n;
  add(n, {.exec_id = "E1",
          .last_qty = 1000,
          .last_px = 10.0,
          .cum_qty = 1000,
          .avg_px = 10.0,
          .leaves_qty = 4000,
          .time = "20240102-14:30:01"});
  // Out of order: the bust of E2 arrives before E2.
  add(n, {.exec_id = "H2",
          .exec_type = 'H',
          .cum_qty = 1000,
          .avg_px = 10.0,
          .leaves_qty = 4000,
          .time = "20240102-14:30:05",
          .exec_ref_id = "E2"});
  add(n, {.exec_id = "E2",
          .last_qty = 500,
          .last_px = 10.4,
          .cum_qty = 1500,
          .avg_px = 10.133333,
          .leaves_qty = 3500,
          .time = "20240102-14:30:02"});
  // E1 corrected to 1,000 at 9.9.
  add(n, {.exec_id = "G1",
          .exec_type = 'G',
          .last_qty = 1000,
          .last_px = 9.9,
          .cum_qty = 1000,
          .avg_px = 9.9,
          .leaves_qty = 4000,
          .time = "20240102-14:30:06",
          .exec_ref_id = "E1"});
  // A bust of an execution that never comes.
  add(n, {.exec_id = "H9",
          .exec_type = 'H',
          .cum_qty = 1000,
          .avg_px = 9.9,
          .leaves_qty = 4000,
          .time = "20240102-14:30:04",
          .exec_ref_id = "E9"});
  const fp::order_fills o = n.finish().at(0);
  CHECK(ids(o) == std::vector<std::string>{"E1"});
  CHECK(o.fills[0].price == 9.9);
  CHECK(o.reported_cum_qty == 1000.0);  // the last report by TransactTime: G1
  CHECK_FALSE(o.complete);
  REQUIRE(o.issues.size() == 1);
  CHECK(o.issues[0] == "bust ExecID H9 refers to ExecID E9, which never arrived");
  CHECK(n.summary().busts == 1);
  CHECK(n.summary().corrections == 1);
  CHECK(n.summary().unresolved == 1);
  CHECK(n.summary().orders_with_issues == 1);
}

TEST_CASE("fill_normalizer: duplicate ExecIDs and PossDup resends are dropped and counted, out-of-order fills sorted") {
  fp::fill_normalizer n;
  const er e2{.exec_id = "E2",
              .last_qty = 1000,
              .last_px = 10.2,
              .cum_qty = 2000,
              .avg_px = 10.1,
              .leaves_qty = 3000,
              .time = "20240102-14:30:02"};
  const er e1{.exec_id = "E1",
              .last_qty = 1000,
              .last_px = 10.0,
              .cum_qty = 1000,
              .avg_px = 10.0,
              .leaves_qty = 4000,
              .time = "20240102-14:30:01"};
  add(n, e2);  // arrives first
  add(n, e1);
  add(n, e2);  // a plain duplicate
  er resend = e1;
  resend.poss_dup = true;
  add(n, resend);
  er new_possdup{.exec_id = "E3",
                 .ord_status = '2',
                 .last_qty = 3000,
                 .last_px = 10.3,
                 .cum_qty = 5000,
                 .avg_px = 10.22,
                 .leaves_qty = 0,
                 .time = "20240102-14:30:03"};
  new_possdup.poss_dup = true;  // its original never arrived: kept
  add(n, new_possdup);
  const fp::order_fills o = n.finish().at(0);
  CHECK(ids(o) == std::vector<std::string>{"E1", "E2", "E3"});
  CHECK(o.filled_quantity() == 5000.0);
  CHECK(o.issues.empty());
  CHECK(n.summary().duplicates == 2);
  CHECK(n.summary().resends == 1);
  CHECK(n.summary().fills == 3);
}

TEST_CASE("fill_normalizer: the final fill with OrdStatus 1 and LeavesQty 0 completes the order") {
  fp::fill_normalizer n;
  add(n, {.exec_id = "E1",
          .last_qty = 2500,
          .last_px = 10.0,
          .cum_qty = 2500,
          .avg_px = 10.0,
          .leaves_qty = 2500,
          .time = "20240102-14:30:01"});
  add(n, {.exec_id = "E2",
          .ord_status = '1',
          .last_qty = 2500,
          .last_px = 10.0,
          .cum_qty = 5000,
          .avg_px = 10.0,
          .leaves_qty = 0,
          .time = "20240102-14:30:02"});
  const fp::order_fills o = n.finish().at(0);
  CHECK(o.complete);
  CHECK(o.issues.empty());
  CHECK(n.summary().final_status_1 == 1);
}

TEST_CASE("fill_normalizer: fills that do not add up to CumQty or AvgPx are reported, not dropped") {
  fp::fill_normalizer n({.tick_size = 0.01});
  add(n, {.exec_id = "E1",
          .last_qty = 1000,
          .last_px = 10.0,
          .cum_qty = 1000,
          .avg_px = 10.0,
          .leaves_qty = 4000,
          .time = "20240102-14:30:01"});
  // CumQty jumps by 1,500 but LastQty says 1,000; AvgPx 10.5 against a VWAP of 10.1.
  add(n, {.exec_id = "E2",
          .last_qty = 1000,
          .last_px = 10.2,
          .cum_qty = 2500,
          .avg_px = 10.5,
          .leaves_qty = 2500,
          .time = "20240102-14:30:02"});
  const fp::order_fills o = n.finish().at(0);
  CHECK(o.fills.size() == 2);
  REQUIRE(o.issues.size() == 2);
  CHECK(o.issues[0] == "the fills sum to 2000 but the last report's CumQty (14) is 2500");
  CHECK(o.issues[1].find("VWAP is 10.1 but the last report's AvgPx (6) is 10.5 (more than a tick apart)") !=
        std::string::npos);
  CHECK_THROWS_AS(fp::fill_normalizer({.tick_size = 0.0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::fill_normalizer({.quantity_tolerance = -1.0}), fp::invalid_argument);
}

}  // namespace unity_fill_normalizer
