/// @file data/order_design.hpp
/// @brief Model inputs for the cost of one market order: the arrival features of an
/// `impact_dataset` oriented to the order's side, plus its size features, for the dataset's
/// rows and for hypothetical orders (the child orders of a schedule).
///
/// Impact labels are cost-signed (positive = adverse, for buys and sells alike), so buys
/// and sells pool into one regression. The features must then be seen from the order's
/// side too: a bid-heavy book (queue imbalance +0.6) predicts an up-tick, a cost for a buy
/// and a gain for a sell. `order_design` multiplies the directional features by the order's
/// sign and renames the per-side depths to the side the order takes and the opposite side:
///
/// | dataset feature | design column | for a sell |
/// |---|---|---|
/// | `mid` | dropped (a price level, not a state) | |
/// | `weighted_mid_offset_bps`, `queue_imbalance`, `depth_imbalance_*`, `ofi_norm_*`, `signed_volume_*`, `trade_sign_imbalance_*` | same name | times -1 |
/// | `ask_depth_<x>`, `bid_depth_<x>` | `taken_depth_<x>`, `opposite_depth_<x>` | bid and ask swap |
/// | other arrival features | same name | unchanged |
/// | `quantity`, `log_quantity`, `size_to_depth`, `participation` | same name | unchanged |
///
/// The dataset's metaorder columns (`duration_s`, `n_children`) are not used: the design
/// describes one market order.
#pragma once

#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/size_features.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// Builds the design matrix of an order-cost model from an `impact_dataset`'s columns.
class order_design {
 public:
  /// A design for datasets with these feature columns.
  /// @param dataset_features the dataset's `feature_names`: arrival features, then the four
  ///        `size_feature_names` (then, for metaorders, `duration_s` and `n_children`, ignored)
  /// @throws invalid_argument when a size feature is missing, or an `ask_depth_<x>` has no
  ///         `bid_depth_<x>` partner (or the reverse)
  explicit order_design(std::span<const std::string> dataset_features) {
    constexpr const char* where = "footprint::order_design::order_design";
    index first_size = -1;
    for (std::size_t j = 0; j < dataset_features.size(); ++j) {
      if (dataset_features[j] == size_feature_names[0]) {
        first_size = static_cast<index>(j);
        break;
      }
    }
    if (first_size < 0) throw invalid_argument(detail::concat(where, ": the dataset has no feature 'quantity'"));
    for (std::size_t k = 0; k < 4; ++k) {
      const auto j = static_cast<std::size_t>(first_size) + k;
      if (j >= dataset_features.size() || dataset_features[j] != size_feature_names[k]) {
        throw invalid_argument(
            detail::concat(where, ": expected the size feature '", size_feature_names[k], "' at column ", j));
      }
    }
    n_arrival_ = first_size;
    for (index j = 0; j < n_arrival_; ++j) {
      const std::string& name = dataset_features[static_cast<std::size_t>(j)];
      if (name == "mid") continue;
      column c{.source = j};
      if (name.starts_with("ask_depth_") || name.starts_with("bid_depth_")) {
        const bool ask = name.starts_with("ask_");
        const std::string suffix = name.substr(10);
        const std::string partner = (ask ? "bid_depth_" : "ask_depth_") + suffix;
        index p = -1;
        for (index k = 0; k < n_arrival_; ++k) {
          if (dataset_features[static_cast<std::size_t>(k)] == partner) p = k;
        }
        if (p < 0) throw invalid_argument(detail::concat(where, ": '", name, "' has no partner '", partner, "'"));
        // For a buy the taken side is the ask; a sell takes the bid: the partner.
        c.role = ask ? column_role::taken : column_role::opposite;
        c.partner = p;
        names_.push_back((ask ? "taken_depth_" : "opposite_depth_") + suffix);
      } else {
        c.role = is_directional(name) ? column_role::directional : column_role::plain;
        names_.push_back(name);
      }
      columns_.push_back(c);
    }
    for (index k = 0; k < 4; ++k) {
      columns_.push_back(column{.source = n_arrival_ + k, .role = column_role::plain});
      names_.emplace_back(size_feature_names[static_cast<std::size_t>(k)]);
    }
  }

  /// Names of the design columns; `size()` of them.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  /// Number of design columns.
  [[nodiscard]] index size() const noexcept { return static_cast<index>(names_.size()); }
  /// Number of arrival features the dataset has before its size features.
  [[nodiscard]] index arrival_features() const noexcept { return n_arrival_; }

  /// The design rows of dataset rows.
  /// @param d    a dataset with the feature columns given to the constructor
  /// @param rows dataset rows, each in [0, d.rows())
  /// @return shape (rows.size(), size()); NaN where the dataset has NaN
  /// @throws dimension_mismatch when d has fewer feature columns than the design reads
  /// @throws invalid_argument for a row out of range
  [[nodiscard]] matrix rows(const impact_dataset& d, std::span<const index> rows) const {
    constexpr const char* where = "footprint::order_design::rows";
    if (d.X.cols() < n_arrival_ + 4) {
      throw dimension_mismatch(where, "the dataset's feature columns must include the arrival and size features",
                               n_arrival_ + 4, d.X.cols());
    }
    matrix out(static_cast<index>(rows.size()), size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const index i = rows[r];
      if (i < 0 || i >= d.rows()) {
        throw invalid_argument(detail::concat(where, ": row ", i, " is out of range [0, ", d.rows(), ")"));
      }
      const double s = footprint::sign(d.side[static_cast<std::size_t>(i)]);
      for (index c = 0; c < size(); ++c) out(static_cast<index>(r), c) = value(d.X.row(i), s, c);
    }
    return out;
  }

  /// The design row of a hypothetical market order in a given state.
  /// @param arrival   the arrival features, `arrival_features()` values in the dataset's
  ///                  order (e.g. `market_state::features` of `impact_pipeline_result::state`)
  /// @param side      buy or sell
  /// @param quantity  shares/contracts/coins, > 0
  /// @param taken_depth   quantity displayed at the best quote the order takes (the ask for a buy); > 0, or NaN
  /// @param daily_volume  the ADV of the dataset (`impact_dataset::daily_volume`), > 0
  /// @param out       shape (size()); receives the row
  /// @throws dimension_mismatch when `arrival` or `out` has the wrong size
  /// @throws invalid_argument when side is not buy or sell, or quantity or daily_volume is not > 0
  void order_row(std::span<const double> arrival, footprint::side side, double quantity, double taken_depth,
                 double daily_volume, std::span<double> out) const {
    constexpr const char* where = "footprint::order_design::order_row";
    if (static_cast<index>(arrival.size()) != n_arrival_) {
      throw dimension_mismatch(where, "arrival.size() must equal arrival_features()", n_arrival_,
                               static_cast<index>(arrival.size()));
    }
    if (static_cast<index>(out.size()) != size()) {
      throw dimension_mismatch(where, "out.size() must equal size()", size(), static_cast<index>(out.size()));
    }
    if (side != footprint::side::buy && side != footprint::side::sell) {
      throw invalid_argument(detail::concat(where, ": side must be buy or sell (got ", static_cast<int>(side), ")"));
    }
    const double s = footprint::sign(side);
    if (!(quantity > 0.0) || !std::isfinite(quantity)) {
      throw invalid_argument(detail::concat(where, ": quantity must be finite and > 0 (got ", quantity, ")"));
    }
    if (!(daily_volume > 0.0) || !std::isfinite(daily_volume)) {
      throw invalid_argument(detail::concat(where, ": daily_volume must be finite and > 0 (got ", daily_volume, ")"));
    }
    row_vector x(n_arrival_ + 4);
    for (index j = 0; j < n_arrival_; ++j) x[j] = arrival[static_cast<std::size_t>(j)];
    std::array<double, 4> sizes{};
    compute_size_features(quantity, taken_depth, daily_volume, sizes);  // as at training time
    for (index k = 0; k < 4; ++k) x[n_arrival_ + k] = sizes[static_cast<std::size_t>(k)];
    for (index c = 0; c < size(); ++c) out[static_cast<std::size_t>(c)] = value(x, s, c);
  }

 private:
  using row_vector = Eigen::Matrix<double, 1, Eigen::Dynamic>;
  enum class column_role : unsigned char { plain, directional, taken, opposite };
  struct column {
    index source = 0;  // dataset column
    column_role role = column_role::plain;
    index partner = -1;  // for depths: the other side's column
  };

  static bool is_directional(std::string_view name) {
    for (std::string_view p : {"weighted_mid_offset", "queue_imbalance", "depth_imbalance", "ofi_", "signed_volume",
                               "trade_sign_imbalance"}) {
      if (name.starts_with(p)) return true;
    }
    return false;
  }

  template <class Row>
  [[nodiscard]] double value(const Row& x, double sign, index c) const {
    const column& col = columns_[static_cast<std::size_t>(c)];
    switch (col.role) {
      case column_role::directional: return sign * x[col.source];
      case column_role::taken:  // source is the ask column
        return sign > 0 ? x[col.source] : x[col.partner];
      case column_role::opposite:  // source is the bid column
        return sign > 0 ? x[col.source] : x[col.partner];
      case column_role::plain: break;
    }
    return x[col.source];
  }

  index n_arrival_ = 0;
  std::vector<column> columns_;
  std::vector<std::string> names_;
};

}  // namespace footprint
