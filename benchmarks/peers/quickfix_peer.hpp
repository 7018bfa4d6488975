// The QuickFIX/C++ peer of benchmarks/fix.cpp behind a plain C++ interface: QuickFIX 1.15.1's
// headers use dynamic exception specifications, which C++17 removed, so the peer is compiled
// alone as C++14 (benchmarks/CMakeLists.txt) and linked with the C++20 benchmark.
#pragma once

#include <string>

namespace quickfix_peer {

/// Parses one ExecutionReport with QuickFIX (FIX::Message::setString, which checks BodyLength
/// and CheckSum) and reads the same 15 fields as footprint's decoder, the numbers through
/// QuickFIX's typed fields: ClOrdID (11), OrderID (37), ExecID (17), ExecType (150),
/// OrdStatus (39), Side (54), Symbol (55), OrderQty (38), Price (44), LastPx (31), LastQty (32),
/// CumQty (14), LeavesQty (151), AvgPx (6), TransactTime (60).
/// @return a sum of what was read (for the benchmark's DoNotOptimize)
double parse_execution_report(const std::string& message);

}  // namespace quickfix_peer
