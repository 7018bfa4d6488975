// Support shared by the benchmarks that compare footprint with Python peers on the peer data
// set (bench_bayesian_linear, bench_trees, bench_mlp): the bench_peers.py CSV reader, the
// data set from $FOOTPRINT_PEER_DATA, the Python peer runner, a reporter that keeps each
// benchmark's median and the time format of the summary tables. Not part of the library.
#pragma once

#include <footprint/detail/csv.hpp>
#include <footprint/types.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace footprint_bench {

/// Rows are observations: `X` is (n_samples, n_features), `y` is (n_samples).
struct data_set {
  footprint::matrix X;
  footprint::vector y;
};

/// Reads a bench_peers.py CSV: a header, then the label (impact_bps) and the features per row.
/// @param path  the CSV file
/// @return X (n_rows, n_columns - 1) and y (n_rows), the label column
/// @throws std::runtime_error when the file does not open; footprint::data_error on a
///         malformed field
inline data_set read_peer_csv(const std::string& path) {
  namespace fp = footprint;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  std::vector<double> values;
  const std::size_t n_cols = 1 + static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    fp::detail::csv_cursor cur(path, line_no, line);
    for (std::size_t j = 0; j < n_cols; ++j) values.push_back(cur.next_double(""));
    cur.expect_end();
  }
  const auto rows = static_cast<fp::index>(values.size() / n_cols);
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> all(
      values.data(), rows, static_cast<fp::index>(n_cols));
  return {all.rightCols(static_cast<fp::index>(n_cols) - 1), all.col(0)};
}

/// The peer data set: impact_train.csv and impact_test.csv from one folder.
struct peer_data {
  bool loaded = false;  ///< false when `dir`/impact_train.csv is absent
  std::string dir;      ///< the folder read
  data_set train, test;
  int threads = 2;  ///< $FOOTPRINT_BENCH_THREADS (at least 1), for the programs that use threads
};

/// Loads the peer data set from $FOOTPRINT_PEER_DATA (default build/peer-data, relative to the
/// working directory) and the thread count from $FOOTPRINT_BENCH_THREADS (default 2).
/// @return the data set, with `loaded` false (and no rows) when impact_train.csv is absent
/// @throws as read_peer_csv when a file is present but unreadable or malformed
inline peer_data load_peer_data() {
  peer_data p;
  const char* env = std::getenv("FOOTPRINT_PEER_DATA");
  p.dir = env != nullptr ? env : "build/peer-data";
  if (const char* t = std::getenv("FOOTPRINT_BENCH_THREADS")) p.threads = std::max(1, std::atoi(t));
  std::ifstream probe(p.dir + "/impact_train.csv");
  if (!probe) return p;
  p.train = read_peer_csv(p.dir + "/impact_train.csv");
  p.test = read_peer_csv(p.dir + "/impact_test.csv");
  p.loaded = true;
  return p;
}

/// When the data set is missing, prints to std::cout that `program` is skipped and how to
/// generate the data.
/// @return true when `d` is not loaded (the program should stop)
inline bool skipped_without_data(const peer_data& d, std::string_view program) {
  if (d.loaded) return false;
  std::cout << program << ": skipped, no " << d.dir << "/impact_train.csv (generate it with\n"
            << "  /usr/bin/python3 ../shared/peers/bench_peers.py gen --out build/peer-data\n"
            << "from the repository root, or set FOOTPRINT_PEER_DATA)\n";
  return true;
}

/// The first words of a program's description of the data: "peer data: DIR (R x C train,
/// N test)", with no line end.
inline std::string peer_data_summary(const peer_data& d) {
  std::ostringstream os;
  os << "peer data: " << d.dir << " (" << d.train.X.rows() << " x " << d.train.X.cols() << " train, " << d.test.X.rows()
     << " test)";
  return os.str();
}

/// What a peer printed, one "key value" pair per line, by key.
using peer_results = std::map<std::string, std::string>;

/// The shell command that runs a Python peer: "$FOOTPRINT_PYTHON SCRIPT ARGS 2>&1" (default
/// interpreter /usr/bin/python3).
/// @param script_path  the script; @param args  its arguments, separated by spaces
inline std::string python_command(const std::string& script_path, const std::string& args) {
  const char* env = std::getenv("FOOTPRINT_PYTHON");
  const std::string python = env != nullptr ? env : "/usr/bin/python3";
  return python + " " + script_path + " " + args + " 2>&1";
}

/// Runs a peer's shell command and reads the "key value" pairs it prints.
/// @param command    as from python_command
/// @param peer_name  names the peer in the failure message, e.g. "scikit-learn peer"
/// @return the pairs; empty when the command does not start or exits non-zero (then its
///         output goes to std::cerr as "PEER_NAME failed (COMMAND):")
inline peer_results run_peer_command(const std::string& command, std::string_view peer_name) {
  peer_results out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 512> buf{};
  std::string text;
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) text += buf.data();
  if (pclose(pipe) != 0) {
    std::cerr << peer_name << " failed (" << command << "):\n" << text << '\n';
    return out;
  }
  std::istringstream lines(text);
  for (std::string key, value; lines >> key >> value;) out[key] = value;
  return out;
}

/// Writes an embedded Python `script` to `script_path`, runs it with `args` (as
/// run_peer_command) and removes the file.
/// @return the "key value" pairs it printed; empty on failure
inline peer_results run_python_peer(std::string_view script, const std::string& script_path, const std::string& args,
                                    std::string_view peer_name) {
  {
    std::ofstream file(script_path);
    file << script;
  }
  peer_results out = run_peer_command(python_command(script_path, args), peer_name);
  std::remove(script_path.c_str());
  return out;
}

/// A console reporter that also keeps, per benchmark name ("function" or "function/args"),
/// the median of the repetitions (with --benchmark_repetitions) or the single run.
class recording_reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> seconds;      ///< wall time per iteration, s
  std::map<std::string, double> cpu_seconds;  ///< CPU time per iteration (this thread), s

  /// Records the runs' times, then prints them as the console reporter does.
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      const double scale = r.time_unit == benchmark::kMillisecond   ? 1e-3
                           : r.time_unit == benchmark::kMicrosecond ? 1e-6
                           : r.time_unit == benchmark::kNanosecond  ? 1e-9
                                                                    : 1.0;
      const std::string name = r.run_name.function_name + (r.run_name.args.empty() ? "" : "/" + r.run_name.args);
      if (r.run_type == Run::RT_Aggregate || seconds.count(name) == 0) {
        seconds[name] = r.GetAdjustedRealTime() * scale;
        cpu_seconds[name] = r.GetAdjustedCPUTime() * scale;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

/// The units format_time may choose from.
enum class time_units {
  s_to_ns,  ///< s, ms, us or ns
  ms_us,    ///< ms from 1 ms up, us below
};

/// A duration for the summary tables, 3 significant digits: "12.3 ms".
/// @param s  seconds; @param units  the units to choose from
inline std::string format_time(double s, time_units units = time_units::s_to_ns) {
  std::ostringstream os;
  os.precision(3);
  if (s >= 1.0 && units == time_units::s_to_ns) {
    os << s << " s";
  } else if (s >= 1e-3) {
    os << s * 1e3 << " ms";
  } else if (s >= 1e-6 || units == time_units::ms_us) {
    os << s * 1e6 << " us";
  } else {
    os << s * 1e9 << " ns";
  }
  return os.str();
}

}  // namespace footprint_bench
