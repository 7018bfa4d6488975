// Writes the seeds of fuzz_pretrade_json and fuzz_q_learning_json (tests/fuzz/corpus/
// pretrade_json/, corpus/q_learning_json/): small fitted pre-trade analyses and trained
// execution agents, saved with analysis_to_json / model_to_json and prefixed with the byte that
// selects their loader. Not built by CMake; run by hand when a format changes:
//   g++ -std=c++20 -I include -isystem /usr/include/eigen3 tests/fuzz/make_json_seeds.cpp \
//     -o /tmp/make_json_seeds && /tmp/make_json_seeds tests/fuzz/corpus
// The analyses are fitted on an hour of the synthetic market (small forests and boosters)
// and price with 100 draws; each file stays under about 40 KB. The seeds of shard_json are
// footprint-batch's own files (see docs/distributed.md).
#include "footprint/data/synthetic/synthetic_dataset.hpp"
#include "footprint/execution/almgren_chriss_world.hpp"
#include "footprint/io/linear_model_json.hpp"
#include "footprint/io/pretrade_json.hpp"
#include "footprint/io/q_learning_json.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/pretrade/pretrade_analysis.hpp"

#include <cstdio>
#include <fstream>
#include <string>

namespace fp = footprint;

namespace {

void write(const std::string& path, char selector, const std::string& text) {
  std::ofstream(path, std::ios::binary) << selector << text;
  std::printf("%s: %zu bytes\n", path.c_str(), text.size() + 1);
}

template <class R>
void analysis(const std::string& dir, const std::string& name, char selector, R regressor,
              const fp::impact_pipeline_result& data) {
  fp::pretrade_params p;
  p.draws = 100;  // the fuzz target prices an analysis of at most 500 draws
  fp::pretrade_analysis<R> a(std::move(regressor), p);
  a.fit(data);
  write(dir + "/pretrade_json/" + name + ".json", selector, fp::analysis_to_json(a));
}

fp::almgren_chriss_world world(fp::index n) {
  return fp::almgren_chriss_world(
      {.model = {.gamma = 2.5e-7, .eta = 2.5e-6, .epsilon = 0.0625, .sigma = 0.95, .lambda = 2e-6, .n_intervals = n},
       .quantity = 1e6,
       .horizon = 5.0,
       .initial_price = 50.0,
       .side = fp::side::sell});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_json_seeds <tests/fuzz/corpus folder>\n");
    return 2;
  }
  const std::string dir = argv[1];

  const fp::impact_pipeline_result d = fp::synthetic_dataset(
      {.session_seconds = 3600, .volatility = 1e-5, .order_rate = 0.3, .levels = 5, .gamma = 1e-5, .beta = 2e-5},
      {.session_seconds = 3600,
       .session = {.session_open = std::chrono::nanoseconds{0}, .session_close = std::chrono::seconds{3600}}});
  analysis(dir, "bayesian_linear", '\0', fp::bayesian_linear{}, d);
  analysis(dir, "ols", '\1', fp::ols{}, d);
  analysis(dir, "random_forest", '\2',
           fp::random_forest({.n_estimators = 2, .max_depth = 3, .min_samples_leaf = 20, .seed = 1}), d);
  analysis(dir, "gradient_boosting", '\3', fp::gradient_boosting({.n_estimators = 3, .max_depth = 2, .seed = 2}), d);

  fp::tabular_q_learning_params tp;
  tp.inventory_buckets = 4;
  tp.size_fractions = {0.0, 0.5, 1.0};
  tp.order_kinds = {fp::child_order{},
                    fp::child_order{.type = fp::child_order_type::passive_limit, .price_offset_ticks = 1}};
  tp.risk_aversion = 2e-6;
  tp.variance_rate = 0.95 * 0.95;
  tp.episodes = 400;
  tp.stability_check = 200;
  tp.stability_episodes = 4;
  tp.seed = 3;
  fp::tabular_q_learning tabular(tp);
  fp::almgren_chriss_world w = world(3);
  (void)tabular.train(w);
  write(dir + "/q_learning_json/tabular_q_learning.json", '\0', fp::model_to_json(tabular));
  write(dir + "/q_learning_json/tabular_q_learning_untrained.json", '\0', fp::model_to_json(fp::tabular_q_learning{}));

  fp::double_dqn_params dp;
  dp.hidden_layers = {4};
  dp.size_fractions = {0.0, 0.25, 0.5, 1.0};
  dp.risk_aversion = 2e-6;
  dp.variance_rate = 0.95 * 0.95;
  dp.episodes = 60;
  dp.warmup_episodes = 20;
  dp.replay_capacity = 256;
  dp.batch_size = 8;
  dp.target_update = 20;
  dp.stability_check = 30;
  dp.stability_episodes = 4;
  dp.seed = 4;
  fp::double_dqn dqn(dp);
  fp::almgren_chriss_world w3 = world(3);
  (void)dqn.train(w3);
  write(dir + "/q_learning_json/double_dqn.json", '\1', fp::model_to_json(dqn));
  write(dir + "/q_learning_json/double_dqn_untrained.json", '\1', fp::model_to_json(fp::double_dqn{}));
  return 0;
}
