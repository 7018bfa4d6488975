// The public fitted state of every persisted model: state() gives it (not_fitted before fit),
// from_state rebuilds the model bit for bit and rejects an invalid state with
// invalid_argument naming the field; io/ reads through it, so data_error names the same field.
#include "footprint/io/mlp_json.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"

#include "footprint/data/synthetic/regression_problems.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_model_state {

namespace fp = footprint;

namespace {

const fp::problems::regression_problem& train() {
  static const auto d = fp::problems::wavy(300, 51, 0.05);
  return d;
}
const fp::problems::regression_problem& smooth() {
  static const auto d = fp::problems::smooth(200, 0.1, 52);
  return d;
}

const fp::random_forest& forest() {
  static const fp::random_forest rf = [] {
    fp::random_forest m({.n_estimators = 4, .max_depth = 4, .oob_score = true, .seed = 2});
    (void)m.fit(train().X, train().y);
    return m;
  }();
  return rf;
}

const fp::gradient_boosting& boosting() {
  static const fp::gradient_boosting gb = [] {
    fp::gradient_boosting m(
        {.n_estimators = 6, .max_depth = 3, .quantile_levels = {0.2, 0.8}, .validation_fraction = 0.2});
    (void)m.fit(train().X, train().y);
    return m;
  }();
  return gb;
}

const fp::mlp_regressor& network(fp::mlp_head head) {
  static const auto fit = [](fp::mlp_head h) {
    fp::mlp_regressor m({.hidden_layers = {5, 4}, .head = h, .max_epochs = 3, .seed = 5});
    (void)m.fit(smooth().X, smooth().y);
    return m;
  };
  static const fp::mlp_regressor mse = fit(fp::mlp_head::mse);
  static const fp::mlp_regressor gaussian = fit(fp::mlp_head::gaussian);
  return head == fp::mlp_head::mse ? mse : gaussian;
}

const fp::deep_ensemble& ensemble() {
  static const fp::deep_ensemble e = [] {
    fp::deep_ensemble m({.n_estimators = 2, .member = {.hidden_layers = {4}, .max_epochs = 2}, .seed = 8});
    (void)m.fit(smooth().X, smooth().y);
    return m;
  }();
  return e;
}

bool same_bits(const fp::vector& a, const fp::vector& b) {
  return a.size() == b.size() && (a.array() == b.array()).all();
}

/// The message of the invalid_argument that from_state throws for `state`.
template <class M, class S>
std::string rejection(S state) {
  try {
    (void)M::from_state(std::move(state));
  } catch (const fp::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("state: every model's state rebuilds it bit for bit") {
  const fp::matrix& X = train().X;
  const fp::tree_ensemble e = fp::tree_ensemble::from_state(forest().ensemble().state());
  CHECK(e == forest().ensemble());
  CHECK(same_bits(e.predict(X), forest().ensemble().predict(X)));

  const fp::random_forest rf = fp::random_forest::from_state(forest().state());
  CHECK(same_bits(rf.predict(X), forest().predict(X)));
  CHECK(rf.state().leaves == forest().state().leaves);
  CHECK(rf.oob_error() == forest().oob_error());
  CHECK(fp::model_to_json(rf) == fp::model_to_json(forest()));

  const fp::gradient_boosting gb = fp::gradient_boosting::from_state(boosting().state());
  CHECK(same_bits(gb.predict(X), boosting().predict(X)));
  CHECK(gb.predict_quantiles(X) == boosting().predict_quantiles(X));
  CHECK(gb.validation_history() == boosting().validation_history());
  CHECK(fp::model_to_json(gb) == fp::model_to_json(boosting()));

  const fp::matrix& S = smooth().X;
  for (const auto head : {fp::mlp_head::mse, fp::mlp_head::gaussian}) {
    CAPTURE(fp::to_string(head));
    const fp::mlp_regressor& m = network(head);
    const fp::mlp_regressor_state s = m.state();
    CHECK(s.n_features == 3);
    REQUIRE(s.layers.size() == 3);
    CHECK(s.layers[0].weights.rows() == 3);
    CHECK(s.layers[0].weights.cols() == 5);
    CHECK(s.layers[2].bias.size() == (head == fp::mlp_head::mse ? 1 : 2));
    CHECK(s.x_scale == m.x_scale());
    const fp::mlp_regressor back = fp::mlp_regressor::from_state(s);
    CHECK(same_bits(back.predict(S), m.predict(S)));
    CHECK(back.best_epoch() == m.best_epoch());
    CHECK(fp::model_to_json(back) == fp::model_to_json(m));
  }
  const fp::deep_ensemble de = fp::deep_ensemble::from_state(ensemble().state());
  CHECK(same_bits(de.predict(S), ensemble().predict(S)));
  CHECK(fp::model_to_json(de) == fp::model_to_json(ensemble()));
}

TEST_CASE("state: before fit, state() throws not_fitted") {
  CHECK_THROWS_WITH_AS((void)fp::tree_ensemble().state(),
                       "footprint::tree_ensemble::state: the model is not fitted; call fit() first", fp::not_fitted);
  CHECK_THROWS_AS((void)fp::random_forest().state(), fp::not_fitted);
  CHECK_THROWS_AS((void)fp::gradient_boosting().state(), fp::not_fitted);
  CHECK_THROWS_WITH_AS((void)fp::mlp_regressor().state(),
                       "footprint::mlp_regressor::state: the model is not fitted; call fit() first", fp::not_fitted);
  CHECK_THROWS_AS((void)fp::deep_ensemble().state(), fp::not_fitted);
}

TEST_CASE("from_state: an invalid tree ensemble or forest is rejected, naming the field") {
  fp::tree_ensemble_state te = forest().ensemble().state();
  te.n_features = 0;
  CHECK(rejection<fp::tree_ensemble>(te) ==
        "footprint::tree_ensemble::from_state: n_features must be in [1, 65535] (got 0)");
  te = forest().ensemble().state();
  te.n_features = 1;
  std::size_t t = 0;
  while (t < te.trees.size() && te.trees[t].min_features() <= 1) ++t;
  REQUIRE(t < te.trees.size());
  CHECK(rejection<fp::tree_ensemble>(te) == "footprint::tree_ensemble::from_state: trees[" + std::to_string(t) +
                                                "] must use features < n_features = 1 (got feature " +
                                                std::to_string(te.trees[t].min_features() - 1) + ")");
  te = forest().ensemble().state();
  te.base_score = fp::nan;
  CHECK(rejection<fp::tree_ensemble>(te) ==
        "footprint::tree_ensemble::from_state: base_score must be finite (got nan)");

  fp::random_forest_state s = forest().state();
  s.params.max_features = 0.0;
  CHECK(rejection<fp::random_forest>(s) ==
        "footprint::random_forest::from_state: params.max_features must be in (0, 1] (got 0)");
  s = forest().state();
  s.params.n_estimators = 5;
  CHECK(rejection<fp::random_forest>(s) ==
        "footprint::random_forest::from_state: ensemble must have params.n_estimators = 5 trees (got 4)");
  s = forest().state();
  s.leaves[1].row[0] = 1000;
  CHECK(rejection<fp::random_forest>(s) ==
        "footprint::random_forest::from_state: leaves[1].row[0] must be in [0, 300) (got 1000)");
  s = forest().state();
  s.leaves[0].begin.pop_back();
  CHECK(rejection<fp::random_forest>(s).starts_with(
      "footprint::random_forest::from_state: leaves[0].begin must have n_nodes + 1 = "));
  s = forest().state();
  s.leaves[2].weight[3] = -1.0;
  CHECK(rejection<fp::random_forest>(s) ==
        "footprint::random_forest::from_state: leaves[2].weight[3] must be finite and > 0 (got -1)");
  s = forest().state();
  s.y[7] = std::numeric_limits<double>::infinity();
  CHECK(rejection<fp::random_forest>(s) == "footprint::random_forest::from_state: y[7] must be finite (got inf)");
  s = forest().state();
  s.oob_prediction.conservativeResize(10);
  CHECK(rejection<fp::random_forest>(s) ==
        "footprint::random_forest::from_state: oob_prediction must have y.size() = 300 entries (got 10)");
  s = forest().state();
  s.oob_mse = -1.0;
  CHECK(rejection<fp::random_forest>(s) ==
        "footprint::random_forest::from_state: oob_mse must be finite and >= 0, or NaN (got -1)");
}

TEST_CASE("from_state: an invalid boosting state is rejected, naming the field") {
  fp::gradient_boosting_state s = boosting().state();
  s.params.learning_rate = 1.5;
  CHECK(rejection<fp::gradient_boosting>(s) ==
        "footprint::gradient_boosting::from_state: params.learning_rate must be in (0, 1] (got 1.5)");
  s = boosting().state();
  s.levels = {0.8, 0.2};
  CHECK(rejection<fp::gradient_boosting>(s) ==
        "footprint::gradient_boosting::from_state: levels must increase strictly in (0, 1) (got 0.2 after 0.8)");
  s = boosting().state();
  s.levels = {0.2, 0.9};
  CHECK(rejection<fp::gradient_boosting>(s) ==
        "footprint::gradient_boosting::from_state: levels must equal params.quantile_levels");
  s = boosting().state();
  s.quantile_models.pop_back();
  CHECK(rejection<fp::gradient_boosting>(s) ==
        "footprint::gradient_boosting::from_state: quantile_models must have one model per params.quantile_levels "
        "entry (2, got 1)");
  s = boosting().state();
  s.residual_quantiles = {0.0, 1.0};
  CHECK(rejection<fp::gradient_boosting>(s) ==
        "footprint::gradient_boosting::from_state: residual_quantiles must have 0 entries (got 2)");
  s = boosting().state();
  REQUIRE(!s.validation_history.empty());
  s.validation_history[0] = fp::nan;
  CHECK(rejection<fp::gradient_boosting>(s) ==
        "footprint::gradient_boosting::from_state: validation_history[0] must be finite (got nan)");
  s = boosting().state();
  s.params.monotone_constraints = {1, 0};
  CHECK(rejection<fp::gradient_boosting>(s) ==
        "footprint::gradient_boosting::from_state: params.monotone_constraints must have n_features = 4 entries or "
        "none (got 2)");
  s = boosting().state();
  s.mean = forest().ensemble();  // a forest's scale
  CHECK(rejection<fp::gradient_boosting>(s) ==
        "footprint::gradient_boosting::from_state: mean must have scale 1 and no float accumulation");
}

TEST_CASE("from_state: an invalid network or ensemble state is rejected, naming the field") {
  using M = fp::mlp_regressor;
  fp::mlp_regressor_state s = network(fp::mlp_head::mse).state();
  s.layers[1].bias[2] = fp::nan;
  CHECK(rejection<M>(s) == "footprint::mlp_regressor::from_state: layers[1].bias must be finite; row 2 is nan");
  s = network(fp::mlp_head::mse).state();
  s.x_scale[1] = 0.0;
  CHECK(rejection<M>(s) == "footprint::mlp_regressor::from_state: x_scale[1] must be finite and > 0 (got 0)");
  s = network(fp::mlp_head::mse).state();
  s.layers[0].weights.resize(4, 5);
  CHECK(rejection<M>(s) ==
        "footprint::mlp_regressor::from_state: layers[0].weights must have shape (3, 5) (got (4, 5))");
  s = network(fp::mlp_head::mse).state();
  s.params.hidden_layers = {5};
  CHECK(rejection<M>(s) ==
        "footprint::mlp_regressor::from_state: layers must have 2 entries for params.hidden_layers and params.head "
        "(got 3)");
  s = network(fp::mlp_head::mse).state();
  s.residual_sd = fp::nan;
  CHECK(rejection<M>(s) == "footprint::mlp_regressor::from_state: residual_sd must be finite and > 0 (got nan)");
  s = network(fp::mlp_head::gaussian).state();
  s.residual_sd = 1.0;
  CHECK(rejection<M>(s) ==
        "footprint::mlp_regressor::from_state: residual_sd must be NaN (null) for the gaussian head (got 1)");
  s = network(fp::mlp_head::mse).state();
  s.best_epoch = 4;
  CHECK(rejection<M>(s) ==
        "footprint::mlp_regressor::from_state: best_epoch must be in [0, params.max_epochs = 3] (got 4)");
  s = network(fp::mlp_head::mse).state();
  s.params.learning_rate = -1.0;
  CHECK(rejection<M>(s) == "footprint::mlp_regressor::from_state: params.learning_rate must be > 0 (got -1)");

  fp::deep_ensemble_state e = ensemble().state();
  e.members[1].x_scale[0] = -1.0;
  CHECK(rejection<fp::deep_ensemble>(e) ==
        "footprint::deep_ensemble::from_state: members[1].x_scale[0] must be finite and > 0 (got -1)");
  e = ensemble().state();
  e.members.pop_back();
  CHECK(rejection<fp::deep_ensemble>(e) ==
        "footprint::deep_ensemble::from_state: members must have params.n_estimators = 2 entries (got 1)");
  e = ensemble().state();
  e.members[1] = network(fp::mlp_head::mse).state();  // another architecture
  CHECK(rejection<fp::deep_ensemble>(e) ==
        "footprint::deep_ensemble::from_state: members[1].params must have the hidden_layers, activation and head of "
        "params.member");
}

TEST_CASE("persistence: data_error names the field from_state rejects, and follows one NaN policy") {
  // a state error read from a file: the field is the JSON path
  nlohmann::json j = nlohmann::json::parse(fp::model_to_json(forest()));
  j["leaves"][1]["row"][0] = 1000;
  try {
    (void)fp::model_from_json<fp::random_forest>(j.dump(), "rf.json");
    FAIL("accepted a row out of range");
  } catch (const fp::data_error& e) {
    CHECK(e.file() == "rf.json");
    CHECK(e.field() == "leaves[1].row[0]");
    CHECK(std::string(e.what()) ==
          "rf.json: field 'leaves[1].row[0]': footprint::random_forest::from_state: leaves[1].row[0] must be in [0, "
          "300) (got 1000)");
  }
  // a tree error inside an ensemble: the field is the tree
  j = nlohmann::json::parse(fp::model_to_json(boosting()));
  j["quantile_models"][1]["trees"][2]["left"][0] = 0;
  try {
    (void)fp::model_from_json<fp::gradient_boosting>(j.dump(), "gb.json");
    FAIL("accepted a cycle");
  } catch (const fp::data_error& e) {
    CHECK(e.field() == "quantile_models[1].trees[2]");
  }
  // null is read as NaN only where the format says so: out-of-bag fields, the gaussian head's residual_sd
  j = nlohmann::json::parse(fp::model_to_json(forest()));
  j["oob_prediction"][0] = nullptr;
  j["oob_r2"] = nullptr;
  const auto rf = fp::model_from_json<fp::random_forest>(j.dump());
  CHECK(std::isnan(rf.oob_prediction()[0]));
  CHECK(std::isnan(rf.oob_r2()));
  j["ensemble"]["trees"][0]["threshold"][0] = nullptr;
  CHECK_THROWS_WITH_AS((void)fp::model_from_json<fp::random_forest>(j.dump(), "rf.json"),
                       "rf.json: field 'ensemble.trees[0].threshold[0]': must be a finite number (got null)",
                       fp::data_error);
  j = nlohmann::json::parse(fp::model_to_json(network(fp::mlp_head::gaussian)));
  CHECK(j["residual_sd"].is_null());
  j["y_mean"] = nullptr;
  CHECK_THROWS_WITH_AS((void)fp::model_from_json<fp::mlp_regressor>(j.dump(), "m.json"),
                       "m.json: field 'y_mean': must be a finite number (got null)", fp::data_error);
  // an infinite threshold (only a hand-built or imported tree has one) cannot be written as JSON
  std::vector<fp::tree_node> nodes(3);
  nodes[0] = {.feature = 0, .threshold = -std::numeric_limits<double>::infinity(), .left = 1, .right = 2};
  nodes[1].value = 1.0;
  nodes[2].value = 2.0;
  const fp::tree_ensemble inf_tree({fp::regression_tree(nodes)}, 0.0, 1);
  CHECK_THROWS_WITH_AS(
      (void)fp::model_to_json(inf_tree),
      "footprint::model_to_json: ensemble.trees[0].threshold[0] is -inf, which a JSON number cannot hold",
      fp::invalid_argument);
}

}  // namespace unity_model_state
