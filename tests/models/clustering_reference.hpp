// Reader for the committed reference values of the regime models' tests
// (tests/models/clustering_*.cpp): data/clustering/expected.csv, one named vector per line
// (`name,v0,v1,...`, matrices row-major), written by make_clustering_reference.py.
#pragma once

#include "footprint/types.hpp"
#include "models/reference_data.hpp"

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace clustering_ref {

/// Rows are observations; the last column of mixture.csv and hmm.csv is the true regime.
struct labelled {
  footprint::matrix X;
  std::vector<int> truth;
};

inline labelled read_labelled(const std::string& file) {
  const ref::table t = ref::read_table("clustering/" + file);
  labelled out{t.features(), {}};
  const footprint::vector last = t.data.col(t.data.cols() - 1);
  for (footprint::index i = 0; i < last.size(); ++i) out.truth.push_back(static_cast<int>(last[i]));
  return out;
}

/// expected.csv of data/clustering.
class expected {
 public:
  expected() {
    const std::string path = ref::data_path("clustering/expected.csv");
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const std::size_t comma = line.find(',');
      values_[line.substr(0, comma)] = ref::parse_doubles(line, 1, "clustering/expected.csv");
    }
  }
  [[nodiscard]] const std::vector<double>& get(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) throw std::runtime_error("clustering/expected.csv has no " + name);
    return it->second;
  }
  [[nodiscard]] double scalar(const std::string& name) const { return get(name).at(0); }
  [[nodiscard]] footprint::vector vec(const std::string& name) const {
    const std::vector<double>& v = get(name);
    return Eigen::Map<const footprint::vector>(v.data(), static_cast<footprint::index>(v.size()));
  }
  /// A row-major (rows, size / rows) matrix.
  [[nodiscard]] footprint::matrix mat(const std::string& name, footprint::index rows) const {
    const std::vector<double>& v = get(name);
    const auto n = static_cast<footprint::index>(v.size());
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(v.data(), rows,
                                                                                                    n / rows);
  }
  /// Labels as ints.
  [[nodiscard]] std::vector<int> labels(const std::string& name) const {
    std::vector<int> out;
    for (const double v : get(name)) out.push_back(static_cast<int>(v));
    return out;
  }

 private:
  std::map<std::string, std::vector<double>> values_;
};

/// The shared reference values (read once).
inline const expected& ex() {
  static const expected e;
  return e;
}

/// Fraction of rows whose label equals the truth.
inline double accuracy(const std::vector<int>& got, const std::vector<int>& truth) {
  REQUIRE(got.size() == truth.size());
  std::size_t same = 0;
  for (std::size_t i = 0; i < got.size(); ++i) same += got[i] == truth[i] ? 1U : 0U;
  return static_cast<double>(same) / static_cast<double>(got.size());
}

}  // namespace clustering_ref
