// Training speed of the execution agents, tabular Q-learning (execution/tabular_q_learning.hpp)
// and the double DQN (execution/double_dqn.hpp), episodes per second (items_per_second), 10
// decisions per episode (the execution issue's target for the tabular agent: >= 1,000
// episodes/s in the zero-intelligence simulator, on one core):
// - BM_tabular_q_learning_ac_world_10_decisions: the Almgren-Chriss world with the paper's
//   example; each iteration trains a new agent for 10,000 episodes (21 sizes x 1 kind, 50
//   inventory buckets, a stability check every 1,000 episodes of 64 greedy evaluation
//   episodes);
// - BM_tabular_q_learning_zero_intelligence: the zero-intelligence simulator with Cont,
//   Stoikov and Talreja's (2010) Tokyo estimates (execution/simulated_environment.hpp): a buy
//   of 10 lots over 60 s after 60 s of warmup, 6 sizes x 2 kinds (market, passive at the
//   touch), 10 x 2 x 3 inventory, spread and imbalance buckets; 1,000 episodes per iteration,
//   the simulator rebuilt and warmed up every episode;
// - BM_double_dqn_ac_world_10_decisions and BM_double_dqn_zero_intelligence: the double DQN
//   (32 x 32 tanh units, a gradient step of 32 transitions every 4 decisions) in the same two
//   environments, 2,000 episodes per iteration of which the first 1,000 are the random warm-up
//   (so half the episodes train).
// After them, the peer: benchmarks/peers/dqn_peer.py, the same double DQN written in PyTorch
// (one thread, float32), run once by $FOOTPRINT_PYTHON (default /usr/bin/python3) for
// $FOOTPRINT_BENCH_DQN_EPISODES episodes (default 20,000) of the paper's example (5
// decisions), and footprint's double DQN trained once on the same for the ratio of times and
// both greedy trajectories' E + lambda V against the optimum (skipped with a message when torch
// does not import; `install-deps.sh peers` installs it). The tabular agent's peers (Qlib's and ABIDES' agents, which
// train for hours) are not installed here (no pip): no peer runs in the same process.
//
// Build and run (by hand; benchmarks are off by default in CMake):
//   nice g++ -std=c++20 -O2 -DNDEBUG -I include -isystem /usr/include/eigen3 benchmarks/q_learning.cpp -o /tmp/bq -lbenchmark -lpthread
//   /tmp/bq --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "footprint/execution/almgren_chriss.hpp"
#include "footprint/execution/almgren_chriss_world.hpp"
#include "footprint/execution/double_dqn.hpp"
#include "footprint/execution/simulated_environment.hpp"
#include "footprint/execution/tabular_q_learning.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"

#include "peer_support.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

namespace fp = footprint;

namespace {

void BM_tabular_q_learning_ac_world_10_decisions(benchmark::State& state) {
  const fp::almgren_chriss_params model{
      .gamma = 2.5e-7, .eta = 2.5e-6, .epsilon = 0.0625, .sigma = 0.95, .lambda = 2e-6, .n_intervals = 10};
  fp::almgren_chriss_world world({.model = model, .quantity = 1e6, .horizon = 5.0, .initial_price = 50.0});
  fp::tabular_q_learning_params p;
  p.risk_aversion = 2e-6;
  p.variance_rate = 0.95 * 0.95;
  p.episodes = 10'000;
  for (auto _ : state) {
    fp::tabular_q_learning agent(p);
    benchmark::DoNotOptimize(agent.train(world));
  }
  state.SetItemsProcessed(state.iterations() * p.episodes);
}

void BM_tabular_q_learning_zero_intelligence(benchmark::State& state) {
  fp::simulated_environment<fp::zero_intelligence_model> env(
      fp::zero_intelligence_params::cont_stoikov_talreja_2010(),
      {.side = fp::side::buy, .quantity = 10.0, .horizon_seconds = 60.0, .n_steps = 10, .warmup_seconds = 60.0});
  fp::tabular_q_learning_params p = fp::tabular_q_learning_params::order_book();
  p.episodes = 1'000;
  for (auto _ : state) {
    fp::tabular_q_learning agent(p);
    benchmark::DoNotOptimize(agent.train(env));
  }
  state.SetItemsProcessed(state.iterations() * p.episodes);
}

void BM_double_dqn_ac_world_10_decisions(benchmark::State& state) {
  const fp::almgren_chriss_params model{
      .gamma = 2.5e-7, .eta = 2.5e-6, .epsilon = 0.0625, .sigma = 0.95, .lambda = 2e-6, .n_intervals = 10};
  fp::almgren_chriss_world world({.model = model, .quantity = 1e6, .horizon = 5.0, .initial_price = 50.0});
  fp::double_dqn_params p;
  p.risk_aversion = 2e-6;
  p.variance_rate = 0.95 * 0.95;
  p.episodes = 2'000;
  for (auto _ : state) {
    fp::double_dqn agent(p);
    benchmark::DoNotOptimize(agent.train(world));
  }
  state.SetItemsProcessed(state.iterations() * p.episodes);
}

void BM_double_dqn_zero_intelligence(benchmark::State& state) {
  fp::simulated_environment<fp::zero_intelligence_model> env(
      fp::zero_intelligence_params::cont_stoikov_talreja_2010(),
      {.side = fp::side::buy, .quantity = 10.0, .horizon_seconds = 60.0, .n_steps = 10, .warmup_seconds = 60.0});
  fp::double_dqn_params p = fp::double_dqn_params::order_book();
  p.episodes = 2'000;
  for (auto _ : state) {
    fp::double_dqn agent(p);
    benchmark::DoNotOptimize(agent.train(env));
  }
  state.SetItemsProcessed(state.iterations() * p.episodes);
}

}  // namespace

BENCHMARK(BM_tabular_q_learning_ac_world_10_decisions)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_tabular_q_learning_zero_intelligence)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_double_dqn_ac_world_10_decisions)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_double_dqn_zero_intelligence)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  footprint_bench::recording_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  // The PyTorch peer, and footprint's double DQN on the same training (timed once).
  const char* env = std::getenv("FOOTPRINT_BENCH_DQN_EPISODES");
  const fp::index episodes = env != nullptr ? std::atol(env) : 20'000;
  const std::string script = (std::filesystem::path(__FILE__).parent_path() / "peers" / "dqn_peer.py").string();
  const std::string cmd = footprint_bench::python_command(script, std::to_string(episodes) + " 1");
  std::cout << "\nrunning the peer: " << cmd << '\n' << std::flush;
  const footprint_bench::peer_results peer = footprint_bench::run_peer_command(cmd, "PyTorch peer");
  if (peer.count("torch_skipped") != 0 || peer.count("seconds") == 0) {
    std::cout << "PyTorch peer skipped" << (peer.count("torch_skipped") ? ": " + peer.at("torch_skipped") : "") << '\n';
    return 0;
  }
  const fp::almgren_chriss_params model{
      .gamma = 2.5e-7, .eta = 2.5e-6, .epsilon = 0.0625, .sigma = 0.95, .lambda = 2e-6, .n_intervals = 5};
  fp::almgren_chriss_world world({.model = model, .quantity = 1e6, .horizon = 5.0, .initial_price = 50.0});
  fp::double_dqn_params p;
  p.risk_aversion = 2e-6;
  p.variance_rate = 0.95 * 0.95;
  p.episodes = episodes;
  p.seed = 1;
  fp::double_dqn agent(p);
  const auto t0 = std::chrono::steady_clock::now();
  (void)agent.train(world);
  const double ours = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fp::vector x(6);
  x[0] = 1e6;
  world.reset(0);
  for (fp::index k = 0; !world.done(); ++k) {
    (void)world.step(agent.act(world.observe()));
    x[k + 1] = world.remaining();
  }
  const fp::almgren_chriss ac(model);
  const double ratio = ac.evaluate(x, 5.0).objective(2e-6) / ac.optimal_cost(1e6, 5.0).objective(2e-6);
  const double theirs = std::stod(peer.at("seconds"));
  std::printf("\n| double DQN, paper's example, %ld episodes | footprint | PyTorch %s (float32) |\n|---|---:|---:|\n",
              static_cast<long>(episodes), peer.at("torch_version").c_str());
  std::printf("| training time | %.2f s | %.2f s |\n", ours, theirs);
  std::printf("| episodes per second | %.0f | %.0f |\n", double(episodes) / ours, double(episodes) / theirs);
  std::printf("| footprint speed-up | 1 | %.1fx |\n", theirs / ours);
  std::printf("| greedy E + lambda V / optimum | %.4f | %.4f |\n", ratio, std::stod(peer.at("ratio")));
  return 0;
}
