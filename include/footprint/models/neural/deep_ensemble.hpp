/// @file models/neural/deep_ensemble.hpp
/// @brief `deep_ensemble`: K `mlp_regressor` networks trained from different seeds and
/// combined into an equally weighted Gaussian mixture (Lakshminarayanan, Pritzel & Blundell
/// 2017, "Simple and scalable predictive uncertainty estimation using deep ensembles").
/// See docs/mlp.md.
///
/// Members train in parallel through OpenMP when it is enabled; the result is identical for
/// any thread count. Its fitted state is the public aggregate `deep_ensemble_state`.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/parallel.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/distributions/normal_mixture.hpp"
#include "footprint/error.hpp"
#include "footprint/models/detail/where.hpp"
#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/types.hpp"

#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Hyper-parameters of `deep_ensemble`, validated by its constructor.
struct deep_ensemble_params {
  index n_estimators = 5;  ///< K, the number of networks, >= 1 (the paper uses 5)
  /// Parameters of every member (their `seed` and `progress` are ignored: member k gets a
  /// seed derived from `seed` and k). Default: mlp_regressor_params with the Gaussian head,
  /// the paper's proper-scoring-rule training.
  mlp_regressor_params member{.head = mlp_head::gaussian};
  std::uint64_t seed = 0;          ///< seed of the ensemble; member seeds derive from it
  bool parallel = true;            ///< train members on OpenMP threads (when compiled with OpenMP)
  mlp_progress_callback progress;  ///< called after every epoch of every member (serialised)
};

/// The fitted state of a `deep_ensemble`: everything it predicts from (and everything
/// io/mlp_json.hpp saves). `deep_ensemble::from_state` validates it.
struct deep_ensemble_state {
  deep_ensemble_params
      params;  ///< hyper-parameters, as the constructor validates them (the progress callback is not state)
  /// params.n_estimators members (member k trained with seed member_seed(params.seed, k)),
  /// with the same n_features and the architecture of params.member (hidden_layers,
  /// activation, head).
  std::vector<mlp_regressor_state> members;
};

/// A deep ensemble: a `ProbabilisticRegressor` and a `WeightedRegressor`.
///
/// Each of the K members is an `mlp_regressor` with the member parameters and its own seed
/// (its own initialisation, validation split and mini-batch order; no bootstrap, as in the
/// paper). Member k predicts N(mu_k(x), sigma_k^2(x)) (the Gaussian head's variance, or its
/// residual sd with the mse head); the ensemble's predictive distribution is the mixture
/// (1/K) sum_k N(mu_k, sigma_k^2) (`normal_mixture`), whose mean is the average of the
/// member means (`predict`) and whose variance adds the spread of the member means
/// (epistemic) to their average variance (aleatoric) (Lakshminarayanan et al. 2017, sec. 2.4).
/// The paper's optional adversarial training is not implemented.
///
/// Determinism: members are independent given their seeds, so the ensemble is identical
/// for any number of threads. Thread safety: const member functions may run concurrently.
class deep_ensemble {
 public:
  /// The predictive distribution of a row: an equally weighted mixture of K normals.
  using distribution_type = normal_mixture;

  /// An ensemble with the default parameters (5 Gaussian-head members).
  deep_ensemble() : deep_ensemble(deep_ensemble_params{}) {}

  /// @param params hyper-parameters
  /// @throws footprint::invalid_argument when n_estimators < 1 or a member parameter is out of
  ///         range, e.g. `footprint::deep_ensemble: n_estimators must be >= 1 (got 0)`
  explicit deep_ensemble(deep_ensemble_params params) : params_(std::move(params)) { validate(params_, name, ""); }

  /// A fitted ensemble from its state (e.g. one read from a file), validating every field:
  /// the parameters, the member count, every member's state (as mlp_regressor::from_state),
  /// and that the members share n_features and the architecture of params.member.
  /// @throws footprint::invalid_argument naming the field, e.g.
  ///         `footprint::deep_ensemble::from_state: members[2].x_scale[1] must be finite and > 0 (got 0)`
  template <class = void>
  [[nodiscard]] static deep_ensemble from_state(deep_ensemble_state state) {
    constexpr const char* where = "footprint::deep_ensemble::from_state";
    check_state(state, where);
    deep_ensemble e(state.params);
    std::vector<mlp_regressor> members;
    members.reserve(state.members.size());
    for (mlp_regressor_state& m : state.members) {
      members.emplace_back(m.params);
      members.back().load_state(std::move(m));
    }
    e.members_ = std::move(members);
    return e;
  }

  /// The fitted state (a copy: every member's state). @throws footprint::not_fitted before fit
  template <class = void>
  [[nodiscard]] deep_ensemble_state state() const {
    check_fitted("state");
    deep_ensemble_state s{params_, {}};
    s.params.progress = nullptr;
    for (const mlp_regressor& m : members_) s.members.push_back(m.state());
    return s;
  }

  /// Trains the K members (unit weights).
  /// @param X (n_samples, n_features), finite; @param y (n_samples), finite
  /// @return status: the worst member status (max_iterations if any member ran out of
  ///         epochs, else early_stopped/converged); iterations: total epochs over members;
  ///         final_loss: the members' mean final training loss (scaled units)
  /// @throws as mlp_regressor::fit (the first failing member's exception, by member index);
  ///         the ensemble is left as it was
  /// Complexity: K times a member's fit, divided by the threads used.
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y) {
    return fit_impl(X, y, nullptr);
  }

  /// Trains with per-row sample weights (see mlp_regressor::fit(X, y, sample_weight)).
  template <class = void>
  fit_report fit(matrix_cref X, vector_cref y, vector_cref sample_weight) {
    return fit_impl(X, y, &sample_weight);
  }

  /// Ensemble means (average of member means), (n_samples), units of y.
  /// @throws footprint::not_fitted before fit; footprint::dimension_mismatch when
  ///         X.cols() != n_features(); footprint::invalid_argument on a non-finite entry
  template <class = void>
  [[nodiscard]] vector predict(matrix_cref X) const {
    return predict_rows(X);
  }

  /// Member means and standard deviations: two (n_samples, K) matrices, units of y.
  /// @throws as predict(X)
  template <class = void>
  void predict_members(matrix_cref X, matrix& means, matrix& sds) const {
    members_rows(X, means, sds);
  }

  /// Predictive mixtures, one per row, with `mean(d)` equal to `predict(X)` up to rounding.
  /// @throws as predict(X)
  template <class = void>
  [[nodiscard]] std::vector<normal_mixture> predict_distribution(matrix_cref X) const {
    return distribution_rows(X);
  }

  /// As predict(X) on row-major data (e.g. a C-ordered numpy array), read in place: the same
  /// predictions, bit for bit. @throws as predict(X)
  template <class = void>
  [[nodiscard]] vector predict(row_major_view X) const {
    return predict_rows(X);
  }
  /// As predict_members(X, means, sds) on row-major data, read in place.
  template <class = void>
  void predict_members(row_major_view X, matrix& means, matrix& sds) const {
    members_rows(X, means, sds);
  }
  /// As predict_distribution(X) on row-major data, read in place.
  template <class = void>
  [[nodiscard]] std::vector<normal_mixture> predict_distribution(row_major_view X) const {
    return distribution_rows(X);
  }

  /// A workspace for the single-row overloads. @throws not_fitted
  [[nodiscard]] mlp_workspace make_workspace() const {
    check_fitted("make_workspace");
    return members_.front().make_workspace();
  }

  /// Ensemble mean of one row, without allocating or throwing.
  /// @param x (n_features); @param ws from make_workspace()
  /// @return the mean (units of y), NaN when not fitted or on a size mismatch
  template <class = void>
  [[nodiscard]] double predict_row(std::span<const double> x, mlp_workspace& ws) const noexcept {
    if (members_.empty()) return nan;
    double sum = 0.0;
    for (const mlp_regressor& member : members_) sum += member.predict_row(x, ws);
    return sum / static_cast<double>(members_.size());
  }

  /// Member means and standard deviations of one row, without allocating or throwing: the
  /// mixture's components (combine them with normal_mixture::assign_equally_weighted).
  /// @param means, sds (K) outputs, units of y
  /// @return false (outputs untouched or NaN) when not fitted, on a size mismatch, or when
  ///         means/sds hold fewer than K entries
  template <class = void>
  bool predict_row(std::span<const double> x, mlp_workspace& ws, std::span<double> means,
                   std::span<double> sds) const noexcept {
    if (members_.empty() || means.size() < members_.size() || sds.size() < members_.size()) return false;
    bool ok = true;
    for (std::size_t k = 0; k < members_.size(); ++k) ok = members_[k].predict_row(x, ws, means[k], sds[k]) && ok;
    return ok;
  }

  /// Sets the progress callback (same as params().progress).
  void set_progress(mlp_progress_callback progress) { params_.progress = std::move(progress); }

  /// True after a successful fit.
  [[nodiscard]] bool is_fitted() const noexcept { return !members_.empty(); }
  /// Number of columns of the X of the last fit (0 before).
  [[nodiscard]] index n_features() const noexcept { return members_.empty() ? 0 : members_.front().n_features(); }
  /// The hyper-parameters.
  [[nodiscard]] const deep_ensemble_params& params() const noexcept { return params_; }
  /// The K trained members (empty before fit).
  [[nodiscard]] const std::vector<mlp_regressor>& members() const noexcept { return members_; }

 private:
  static constexpr const char* name = "footprint::deep_ensemble";

  /// Checks the parameters; messages name `where` and prefix + the parameter.
  static void validate(const deep_ensemble_params& p, std::string_view where, std::string_view prefix) {
    if (p.n_estimators < 1) {
      throw invalid_argument(
          detail::concat(where, ": ", prefix, "n_estimators must be >= 1 (got ", p.n_estimators, ")"));
    }
    mlp_regressor::validate(p.member, where, detail::concat(prefix, "member."));
  }

  /// Checks every field of a state (see from_state).
  template <class = void>
  static void check_state(const deep_ensemble_state& s, std::string_view where) {
    validate(s.params, where, "params.");
    const auto fail = [&](const std::string& field, const std::string& what) {
      throw invalid_argument(detail::concat(where, ": ", field, " ", what));
    };
    if (static_cast<index>(s.members.size()) != s.params.n_estimators) {
      fail("members", detail::concat("must have params.n_estimators = ", s.params.n_estimators, " entries (got ",
                                     s.members.size(), ")"));
    }
    const mlp_regressor_params& arch = s.params.member;
    for (std::size_t k = 0; k < s.members.size(); ++k) {
      const mlp_regressor_state& m = s.members[k];
      const std::string at = detail::concat("members[", k, "]");
      mlp_regressor::check_state(m, where, at + ".");
      if (m.n_features != s.members.front().n_features) {
        fail(at + ".n_features", detail::concat("must equal members[0].n_features = ", s.members.front().n_features,
                                                " (got ", m.n_features, ")"));
      }
      if (m.params.hidden_layers != arch.hidden_layers || m.params.activation != arch.activation ||
          m.params.head != arch.head) {
        fail(at + ".params", "must have the hidden_layers, activation and head of params.member");
      }
    }
  }

  void check_fitted(const char* fn) const {
    if (members_.empty()) throw not_fitted(detail::concat(name, "::", fn));
  }

  // The public predictions on either storage order (Matrix: matrix_cref or row_major_view).
  template <class Matrix>
  [[nodiscard]] vector predict_rows(const Matrix& X) const {
    check_input("predict", X);
    vector out = vector::Zero(X.rows());
    vector m(X.rows());
    for (const mlp_regressor& member : members_) {
      member.predict(X, m);
      out += m;
    }
    return out / static_cast<double>(members_.size());
  }
  template <class Matrix>
  void members_rows(const Matrix& X, matrix& means, matrix& sds) const {
    check_input("predict_members", X);
    const auto K = static_cast<index>(members_.size());
    means.resize(X.rows(), K);
    sds.resize(X.rows(), K);
    for (index k = 0; k < K; ++k) {
      vector_ref mk = means.col(k);
      vector_ref sk = sds.col(k);
      members_[static_cast<std::size_t>(k)].predict_mean_sd(X, mk, sk);
    }
  }
  template <class Matrix>
  [[nodiscard]] std::vector<normal_mixture> distribution_rows(const Matrix& X) const {
    check_input("predict_distribution", X);
    matrix means;
    matrix sds;
    members_rows(X, means, sds);
    std::vector<normal_mixture> out(static_cast<std::size_t>(X.rows()));
    const matrix mt = means.transpose();
    const matrix st = sds.transpose();
    for (index i = 0; i < X.rows(); ++i) {
      out[static_cast<std::size_t>(i)].assign_equally_weighted(
          std::span<const double>(mt.col(i).data(), members_.size()),
          std::span<const double>(st.col(i).data(), members_.size()));
    }
    return out;
  }

  /// The checks of every prediction: fitted, X.cols() == n_features(), X finite.
  template <class Matrix>
  void check_input(const char* fn, const Matrix& X) const {
    const detail::where_t where{name, fn};
    detail::check_predict(where, is_fitted(), X, n_features());
    detail::require_finite(X, where);
  }

  template <class = void>
  fit_report fit_impl(const matrix_cref& X, const vector_cref& y, const vector_cref* w) {
    detail::check_X_y(detail::where_t{name, "fit"}, X, y, w);  // once, before the members start
    const auto K = static_cast<std::size_t>(params_.n_estimators);
    std::vector<mlp_regressor> members;
    members.reserve(K);
    for (std::size_t k = 0; k < K; ++k) {
      mlp_regressor_params pk = params_.member;
      pk.seed = detail::member_seed(params_.seed, k);
      pk.progress = nullptr;
      members.emplace_back(std::move(pk));
    }
    std::vector<fit_report> reports(K);
    std::mutex progress_mutex;
    const mlp_progress_callback& user = params_.progress;
    mlp_progress_callback serialised;
    if (user) {
      serialised = [&](const mlp_progress& info) {
        const std::lock_guard<std::mutex> lock(progress_mutex);
        user(info);
      };
    }
    detail::parallel_for_each_rethrow(K, params_.parallel ? 0 : 1, [&](std::size_t k) {
      reports[k] = members[k].fit_impl(X, y, w, serialised, static_cast<index>(k));
    });
    fit_report out{.status = fit_status::converged, .iterations = 0, .final_loss = 0.0, .message = {}};
    for (std::size_t k = 0; k < K; ++k) {
      const fit_report& r = reports[k];
      out.iterations += r.iterations;
      out.final_loss += r.final_loss / static_cast<double>(K);
      if (r.status == fit_status::max_iterations) {
        out.status = fit_status::max_iterations;
      } else if (r.status == fit_status::early_stopped && out.status == fit_status::converged) {
        out.status = fit_status::early_stopped;
      }
      out.message += detail::concat(k == 0 ? "" : "; ", "member ", k, ": ", to_string(r.status), " after ",
                                    r.iterations, " epochs, ", r.message);
    }
    members_ = std::move(members);
    return out;
  }

  deep_ensemble_params params_;
  std::vector<mlp_regressor> members_;
};

}  // namespace footprint
