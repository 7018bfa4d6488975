// Trading in a book that reacts: the zero-intelligence simulator of Cont, Stoikov and Talreja
// (2010) with the paper's estimates, one resting order followed through its queue, then a
// 20-lot buy executed 200 times with market-order children and as passive limit orders.
#include <footprint/execution/schedules.hpp>
#include <footprint/execution/simulated_execution.hpp>
#include <footprint/simulation/zero_intelligence_model.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

int main() {
  namespace fp = footprint;

  // 1. One passive order: post 2 lots at the best bid and let the market work the queue.
  fp::zero_intelligence_model book(fp::zero_intelligence_params::cont_stoikov_talreja_2010());
  book.advance(60.0);  // a minute of background order flow
  const std::uint64_t id = book.submit_limit(fp::side::buy, book.best_bid(), 2.0);
  std::printf("posted 2 lots at %.2f behind %.0f lots\n", book.best_bid(), book.quantity_ahead(id));
  while (book.resting_quantity(id) > 0.0 && book.seconds() < 3600.0) book.advance(book.seconds() + 1.0);
  for (const fp::simulated_fill& f : book.fills())
    std::printf("  filled %.0f at %.2f after %.1f s\n", f.quantity, f.price,
                std::chrono::duration<double>(f.time).count() - 60.0);

  // 2. A 20-lot buy over 5 minutes: market-order TWAP against passive limit orders at the
  //    touch, 200 paths each with common random numbers.
  const fp::child_schedule twap = fp::twap_schedule(20.0, 300.0, 20);
  const fp::simulated_execution_params settings{.n_paths = 200, .threshold_bps = 5.0, .seed = 7};
  const auto params = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  for (const fp::child_order_type type : {fp::child_order_type::market, fp::child_order_type::passive_limit}) {
    const fp::simulated_execution r = fp::simulate_execution<fp::zero_intelligence_model>(params, twap, type, settings);
    std::printf(
        "%-14s cost %5.2f bps (sd %5.2f, 5%%-95%% %5.2f..%5.2f), P(cost > 5 bps) %.2f, passive %.0f%%, "
        "impact at the end %.2f bps\n",
        std::string(fp::to_string(type)).c_str(), r.expected_bps, r.std_bps, r.q05_bps, r.q95_bps, r.p_exceed,
        100.0 * r.passive_share.mean(), r.mean_path_bps[20]);
  }
  return 0;
}
