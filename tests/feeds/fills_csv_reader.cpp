// The fills CSV reader (feeds/fills_csv_reader.hpp): the three time formats, grouping into parent
// orders sorted by time, the optional exec_id column, and bad rows named by line and field
// (strict) or skipped and counted (lenient).
#include "footprint/feeds/fills_csv_reader.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_fills_csv_reader {

namespace fp = footprint;
using namespace std::chrono_literals;

std::vector<fp::order_fills> read(const std::string& text, fp::parse_policy policy = fp::parse_policy::strict,
                                  fp::parse_report* report = nullptr) {
  fp::line_reader r("fills.csv", text);
  return fp::read_fills_csv(r, policy, report);
}

TEST_CASE("read_fills_csv: two parent orders, both time formats, sorted by time") {
  const std::vector<fp::order_fills> out = read(
      "time,order_id,side,quantity,price,fee,liquidity\n"
      "20240102-14:30:05.500,P1,buy,300,10.02,1.5,taker\n"
      "1704205800,P2,sell,100,10.00,,maker\n"
      "20240102-14:30:01,P1,buy,200,10.01,1,M\n");
  REQUIRE(out.size() == 2);
  const fp::order_fills& p1 = out[0];
  CHECK(p1.order_id == "P1");
  CHECK(p1.side == fp::side::buy);
  REQUIRE(p1.fills.size() == 2);
  CHECK(p1.fills[0].time == std::chrono::nanoseconds(1704205801s));  // sorted: the 14:30:01 fill first
  CHECK(p1.fills[0].liquidity == fp::liquidity::maker);
  CHECK(p1.fills[1].time == std::chrono::nanoseconds(1704205805s + 500ms));
  CHECK(p1.fills[1].fee == 1.5);
  CHECK(p1.filled_quantity() == 500.0);
  CHECK(p1.vwap() == doctest::Approx((200 * 10.01 + 300 * 10.02) / 500.0).epsilon(1e-15));
  CHECK(out[1].side == fp::side::sell);
  CHECK(out[1].fills[0].time == std::chrono::nanoseconds(1704205800s));
  CHECK(out[1].fills[0].fee == 0.0);
  const std::vector<fp::order_fills> ids =
      read("time,order_id,side,quantity,price,fee,liquidity,exec_id\n20240102-14:30:01,P1,B,1,10,0,,X7\n");
  CHECK(ids[0].fills[0].exec_id == "X7");
}

TEST_CASE("read_fills_csv: ISO 8601 times in UTC, as OMS exports and spreadsheets write them") {
  // 2024-01-02 14:30:01.25 UTC is 1704205801.25 s since the epoch, in every accepted spelling.
  const std::string head = "time,order_id,side,quantity,price,fee,liquidity\n";
  for (const char* t : {"2024-01-02T14:30:01.25", "2024-01-02 14:30:01.250", "2024-01-02T14:30:01.25Z",
                        "2024-01-02T14:30:01.250000000+00:00", "20240102-14:30:01.25", "1704205801.25"}) {
    CAPTURE(std::string(t));
    const std::vector<fp::order_fills> out = read(head + t + ",P1,buy,1,10,,\n");
    CHECK(out.at(0).fills.at(0).time == std::chrono::nanoseconds(1704205801s + 250ms));
  }
  // Epoch seconds keep their nanoseconds (through a double they would be 128 ns off).
  CHECK(read(head + "1704205801.000000001,P1,buy,1,10,,\n").at(0).fills.at(0).time ==
        std::chrono::nanoseconds(1704205801s + 1ns));
  // Another UTC offset, a date alone and impossible dates are refused, not shifted or guessed.
  for (const char* t :
       {"2024-01-02T14:30:01+01:00", "2024-01-02", "2024-13-02T14:30:01", "2024-02-30T14:30:01", "2024-01-02X14:30:01",
        "2024/01/02T14:30:01", "1704205801.1234567891", "1704205801.", "-1704205801", "1.7e9", "99999999999"}) {
    CAPTURE(std::string(t));
    CHECK_THROWS_AS((void)read(head + t + ",P1,buy,1,10,,\n"), fp::data_error);
  }
}

TEST_CASE("read_fills_csv: bad rows name their line and field, or are skipped and counted") {
  const auto error_of = [](const std::string& text) -> std::string {
    try {
      (void)read(text);
    } catch (const fp::data_error& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string head = "time,order_id,side,quantity,price,fee,liquidity\n";
  CHECK(error_of("time,qty\n").find("fills.csv:1: the header must be") == 0);
  CHECK(error_of(head + "20240102-14:30:01,P1,hold,1,10,0,\n").find("fills.csv:2:3: field 'side'") == 0);
  CHECK(error_of(head + "20240102-14:30:01,P1,buy,-1,10,0,\n").find("field 'quantity': must be > 0") !=
        std::string::npos);
  // Amounts above 10^18 (the trade readers' bound): a notional that cannot overflow.
  CHECK(
      error_of(head + "20240102-14:30:01,P1,buy,1e300,10,0,\n").find("fills.csv:2:4: field 'quantity': out of range") ==
      0);
  CHECK(error_of(head + "20240102-14:30:01,P1,buy,1,1e19,0,\n").find("fills.csv:2:5: field 'price': out of range") ==
        0);
  CHECK(error_of(head + "20240102-14:30:01,P1,buy,1,10,-1e300,\n").find("fills.csv:2:6: field 'fee': out of range") ==
        0);
  CHECK(error_of(head + "20240102-14:30:01,P1,buy,1e18,1e18,-1e18,\n") == "no error");
  CHECK(error_of(head + "yesterday,P1,buy,1,10,0,\n").find("field 'time'") != std::string::npos);
  CHECK(error_of(head + "20240102-14:30:01,P1,buy,1,10,0,maybe\n").find("field 'liquidity'") != std::string::npos);
  CHECK(error_of(head + "20240102-14:30:01,P1,buy,1,10,0,\n20240102-14:30:02,P1,sell,1,10,0,\n")
            .find("has fills on both sides") != std::string::npos);
  CHECK(error_of(head + "20240102-14:30:01,P1,buy,1,10,0,,extra\n").find("fills.csv:2") == 0);
  fp::parse_report rep;
  const std::vector<fp::order_fills> out =
      read(head + "20240102-14:30:01,P1,buy,1,10,0,\nbad\n20240102-14:30:02,P1,buy,2,11,0,\n",
           fp::parse_policy::lenient, &rep);
  CHECK(out.at(0).fills.size() == 2);
  CHECK(rep.rows_skipped == 1);
  CHECK(rep.lines_read == 4);
}

}  // namespace unity_fills_csv_reader
