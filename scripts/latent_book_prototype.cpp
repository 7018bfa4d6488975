// latent_book_prototype: the throwaway experiment behind docs/simulation.md's "A latent order
// book of its own" (issue 17, impact emergence). Not part of the library, nor built by it: a
// reaction-diffusion latent order book (Mastromatteo, Toth and Bouchaud 2014; Donier, Bonart,
// Mastromatteo and Bouchaud 2015) on a grid of G = 4096 ticks, with an optional second
// population of orders and optional background metaorders (Toth et al. 2011; Lillo, Mike and
// Farmer 2005), and a harness that measures the peak impact of TWAPs and its decay.
//
// Model (Gillespie's direct method, one std::mt19937_64 per path):
// - orders are particles: buys below the price, sells above; each hops one tick either way at
//   rate D, is cancelled at its population's rate nu, and new ones are deposited at rate
//   lambda per tick uniformly within W ticks of the opposite best (of `--fast-width` ticks for
//   the second population when given); a buy hopping onto a sell (or the reverse) trades;
// - background metaorders arrive at rate rho, buy or sell with probability 1/2, with
//   floor(U^(-1/alpha)) children (at most 1e5), each child a one-lot market order, sent at
//   rate `--child-rate` per active metaorder;
// - the book starts from a mean-field profile, lambda / nu x tanh(d / xi0) at d ticks from
//   the price, xi0 = sqrt(D / nu) unless `--xi0` says.
// Harness: per size Q and path p, two copies with seed 1000 + p run `--warmup` seconds, then
// one buys Q lots in 20 equal market children over T = 300 s; impact = the mid's move less
// the copy's without the order, at T and at 2T, averaged over the paths; the exponent is the
// least-squares slope of log peak impact on log Q. The first line describes the market
// without the order (seed 1): lots traded a second, the variance of 1 s mid moves, the spread.
//
// Build and run (the rows of the table in docs/simulation.md):
//   g++ -O2 -std=c++20 scripts/latent_book_prototype.cpp -o latent_book_prototype
//   ./latent_book_prototype --nu 3e-4 --lambda 1.5e-3 --d 0.1 --width 150 --paths 60 --sizes 10 20 40 80 160
//   ./latent_book_prototype --nu 3e-4 --lambda 1.5e-3 --d 0.02 --width 150 --paths 60 --sizes 10 20 40 80 160
//   ./latent_book_prototype --nu 1e-5 --lambda 5e-5 --d 0.02 --width 400 --paths 60 --sizes 10 20 40 80 160
//   ./latent_book_prototype --nu 3e-4 --lambda 1.5e-3 --fast-nu 2 --fast-lambda 2 --d 0.1 --width 150 --paths 60 --sizes 10 20 40 80 160
//   ./latent_book_prototype --nu 1e-5 --lambda 5e-5 --fast-nu 0.01 --fast-lambda 0.05 --d 0.1 --width 400 --paths 60 --sizes 10 20 40 80 160
//   ./latent_book_prototype --nu 1e-4 --lambda 3e-4 --fast-nu 0.1 --fast-lambda 0.1 --d 1 --width 300 --paths 40 --sizes 10 20 40 80 160
//   ./latent_book_prototype --nu 1e-4 --lambda 3e-3 --d 0 --width 200 --rho 0.05 --warmup 10000 --xi0 10 --paths 200 --sizes 2 4 8 16 32 64
//   ./latent_book_prototype --nu 3.3e-4 --lambda 3e-2 --d 0 --width 200 --rho 0.05 --warmup 3000 --xi0 10 --paths 200 --sizes 2 4 8 16 32 64
//   ./latent_book_prototype --nu 3.3e-4 --lambda 3e-3 --d 0 --width 1500 --rho 0.05 --warmup 3000 --xi0 100 --paths 100 --sizes 2 4 8 16 32 64
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

struct population {
  double nu;      // cancellation rate per order, 1/s
  double lambda;  // deposition rate per tick, 1/s
  int width;      // deposits within this many ticks of the opposite best
};

struct settings {
  double d = 1.0;  // hop rate per order, each way together, 1/s
  std::vector<population> populations;
  double rho = 0.0;         // background metaorders per second
  double child_rate = 0.1;  // children per second per active metaorder
  double alpha = 1.5;       // Pareto exponent of the metaorders' lengths
  double warmup = 300.0;    // seconds before the order
  double xi0 = -1.0;        // width of the initial profile, ticks (< 0: sqrt(D / nu))
};

struct metaorder {
  int side;  // +1 buy, -1 sell
  int left;  // children still to send
};

constexpr int grid = 4096;

class latent_book {
 public:
  latent_book(const settings& s, unsigned long seed)
      : s_(s), site_sell_(grid), site_buy_(grid), count_(s.populations.size()), rng_(seed) {
    for (std::size_t c = 0; c < s_.populations.size(); ++c) {
      const population& p = s_.populations[c];
      double xi = s_.xi0 > 0 ? s_.xi0 : std::sqrt(s_.d / p.nu);
      if (xi <= 0) xi = 1e-9;
      const double far = p.lambda / p.nu;
      for (int d = 1; d <= s_.populations[0].width; ++d) {
        std::poisson_distribution<int> draw(far * std::tanh(d / xi));
        const int n_buy = draw(rng_);
        const int n_sell = draw(rng_);
        for (int k = 0; k < n_buy; ++k) add(grid / 2 - d, true, static_cast<int>(c));
        for (int k = 0; k < n_sell; ++k) add(grid / 2 - 1 + d, false, static_cast<int>(c));
      }
    }
    bid_ = -1;
    for (int x = grid - 1; x >= 0; --x)
      if (!site_buy_[x].empty()) {
        bid_ = x;
        break;
      }
    ask_ = grid;
    for (int x = 0; x < grid; ++x)
      if (!site_sell_[x].empty()) {
        ask_ = x;
        break;
      }
  }

  void advance(double until) {
    while (t_ < until) step();
  }
  // Market orders of q lots: buys take the lowest sells, sells the highest buys.
  void buy(int q) {
    for (int got = 0; got < q && ask_ < grid;) {
      std::vector<int>& v = site_sell_[ask_];
      while (!v.empty() && got < q) {
        remove(v.back());
        ++got;
      }
      fix_best();
    }
  }
  void sell(int q) {
    for (int got = 0; got < q && bid_ >= 0;) {
      std::vector<int>& v = site_buy_[bid_];
      while (!v.empty() && got < q) {
        remove(v.back());
        ++got;
      }
      fix_best();
    }
  }
  [[nodiscard]] double mid() const { return 0.5 * (bid_ + ask_); }
  [[nodiscard]] int spread() const { return ask_ - bid_; }
  [[nodiscard]] double traded() const { return traded_; }
  [[nodiscard]] std::size_t orders() const { return active_.size(); }

 private:
  double uniform() { return unit_(rng_); }

  int width(std::size_t c) const { return s_.populations[c].width; }

  void add(int x, bool buy_side, int c) {
    int id = 0;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
    } else {
      id = static_cast<int>(pos_.size());
      pos_.push_back(0);
      buy_.push_back(0);
      pop_.push_back(0);
      slot_.push_back(0);
      in_site_.push_back(0);
    }
    pos_[id] = x;
    buy_[id] = buy_side ? 1 : 0;
    pop_[id] = c;
    slot_[id] = static_cast<int>(active_.size());
    active_.push_back(id);
    std::vector<int>& v = buy_side ? site_buy_[x] : site_sell_[x];
    in_site_[id] = static_cast<int>(v.size());
    v.push_back(id);
    ++count_[c];
  }
  void leave_site(int id) {
    std::vector<int>& v = buy_[id] ? site_buy_[pos_[id]] : site_sell_[pos_[id]];
    const int last = v.back();
    v[in_site_[id]] = last;
    in_site_[last] = in_site_[id];
    v.pop_back();
  }
  void remove(int id) {
    leave_site(id);
    const int last = active_.back();
    active_[slot_[id]] = last;
    slot_[last] = slot_[id];
    active_.pop_back();
    --count_[pop_[id]];
    free_.push_back(id);
  }
  void fix_best() {
    while (bid_ >= 0 && site_buy_[bid_].empty()) --bid_;
    while (ask_ < grid && site_sell_[ask_].empty()) ++ask_;
  }
  // Moves order `id` to y, or trades it with an opposite order there.
  void hop(int id, int y) {
    std::vector<int>& opposite = buy_[id] ? site_sell_[y] : site_buy_[y];
    if (!opposite.empty()) {
      const int o = opposite[static_cast<std::size_t>(uniform() * opposite.size()) % opposite.size()];
      remove(o);
      remove(id);
      traded_ += 1;
      fix_best();
      return;
    }
    leave_site(id);
    pos_[id] = y;
    std::vector<int>& own = buy_[id] ? site_buy_[y] : site_sell_[y];
    in_site_[id] = static_cast<int>(own.size());
    own.push_back(id);
    if (buy_[id] && y > bid_) bid_ = y;
    if (!buy_[id] && y < ask_) ask_ = y;
    fix_best();
  }

  void step() {
    const auto n = static_cast<double>(active_.size());
    const double r_hop = s_.d * n;
    double r_cancel = 0;
    for (std::size_t c = 0; c < count_.size(); ++c) r_cancel += s_.populations[c].nu * count_[c];
    double r_deposit = 0;
    for (std::size_t c = 0; c < count_.size(); ++c) r_deposit += 2 * width(c) * s_.populations[c].lambda;
    const double r_arrival = s_.rho;
    const double r_child = s_.child_rate * static_cast<double>(metas_.size());
    const double total = r_hop + r_cancel + r_deposit + r_arrival + r_child;
    t_ += -std::log(1 - uniform()) / total;
    double u = uniform() * total;
    if (u < r_arrival) {
      metaorder m{};
      m.side = uniform() < 0.5 ? 1 : -1;
      const double x = std::pow(1 - uniform(), -1.0 / s_.alpha);
      m.left = static_cast<int>(std::min(1e5, std::floor(x)));
      metas_.push_back(m);
      return;
    }
    u -= r_arrival;
    if (u < r_child) {
      const std::size_t k = std::min(metas_.size() - 1, static_cast<std::size_t>(uniform() * metas_.size()));
      if (metas_[k].side > 0) {
        buy(1);
      } else {
        sell(1);
      }
      traded_ += 1;
      if (--metas_[k].left <= 0) {
        metas_[k] = metas_.back();
        metas_.pop_back();
      }
      return;
    }
    u -= r_child;
    if (u < r_hop) {
      const int id = active_[std::min<std::size_t>(active_.size() - 1, static_cast<std::size_t>(uniform() * n))];
      const int y = pos_[id] + (uniform() < 0.5 ? -1 : 1);
      if (y >= 0 && y < grid) hop(id, y);
      return;
    }
    u -= r_hop;
    if (u < r_cancel) {  // an order of population c with probability proportional to nu_c: by rejection
      double nu_max = 0;
      for (const population& p : s_.populations) nu_max = std::max(nu_max, p.nu);
      for (;;) {
        const int id = active_[std::min<std::size_t>(active_.size() - 1, static_cast<std::size_t>(uniform() * n))];
        if (uniform() * nu_max < s_.populations[pop_[id]].nu) {
          remove(id);
          fix_best();
          return;
        }
      }
    }
    u -= r_cancel;
    for (std::size_t c = 0; c < count_.size(); ++c) {
      const double r = 2 * width(c) * s_.populations[c].lambda;
      if (u < r) {
        const bool buy_side = u < r / 2;
        const int off = 1 + static_cast<int>(uniform() * width(c));
        if (buy_side) {
          const int x = ask_ - off;
          if (x >= 0) {
            add(x, true, static_cast<int>(c));
            if (x > bid_) bid_ = x;
          }
        } else {
          const int x = bid_ + off;
          if (x < grid) {
            add(x, false, static_cast<int>(c));
            if (x < ask_) ask_ = x;
          }
        }
        return;
      }
      u -= r;
    }
  }

  settings s_;
  std::vector<metaorder> metas_;
  std::vector<int> pos_, buy_, pop_, slot_, in_site_;   // per order
  std::vector<int> active_;                             // live orders' ids
  std::vector<int> free_;                               // ids to reuse
  std::vector<std::vector<int>> site_sell_, site_buy_;  // orders at each tick
  std::vector<int> count_;                              // live orders per population
  int bid_ = 0;
  int ask_ = 0;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0, 1};
  double t_ = 0;
  double traded_ = 0;
};

[[noreturn]] void usage(const char* what) {
  std::fprintf(stderr, "latent_book_prototype: %s (see the comment at the top of the source)\n", what);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  population slow{-1, -1, 400};
  population fast{-1, -1, -1};
  int paths = 40;
  int fast_width = -1;
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> double {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return std::atof(argv[++i]);
    };
    if (a == "--nu")
      slow.nu = value();
    else if (a == "--lambda")
      slow.lambda = value();
    else if (a == "--fast-nu")
      fast.nu = value();
    else if (a == "--fast-lambda")
      fast.lambda = value();
    else if (a == "--fast-width")
      fast_width = static_cast<int>(value());
    else if (a == "--d")
      s.d = value();
    else if (a == "--width")
      slow.width = static_cast<int>(value());
    else if (a == "--rho")
      s.rho = value();
    else if (a == "--child-rate")
      s.child_rate = value();
    else if (a == "--alpha")
      s.alpha = value();
    else if (a == "--warmup")
      s.warmup = value();
    else if (a == "--xi0")
      s.xi0 = value();
    else if (a == "--paths")
      paths = static_cast<int>(value());
    else if (a == "--sizes") {
      while (i + 1 < argc && argv[i + 1][0] != '-') sizes.push_back(std::atoi(argv[++i]));
    } else
      usage(("unknown option " + a).c_str());
  }
  if (!(slow.nu > 0) || !(slow.lambda > 0) || slow.width < 1 || paths < 1 || sizes.empty())
    usage("--nu, --lambda, --paths and --sizes are required and positive");
  s.populations.push_back(slow);
  if (fast.lambda > 0) {
    fast.width = fast_width > 0 ? fast_width : slow.width;
    s.populations.push_back(fast);
  }
  const double horizon = 300;
  const int children = 20;
  {
    latent_book b(s, 1);
    b.advance(s.warmup + 300);
    const double traded0 = b.traded();
    double sq = 0;
    double spread = 0;
    double last = b.mid();
    for (int k = 1; k <= 600; ++k) {
      b.advance(s.warmup + 300 + k);
      sq += (b.mid() - last) * (b.mid() - last);
      last = b.mid();
      spread += b.spread();
    }
    std::printf("orders %zu, traded %.3f lots/s, variance of 1 s mid moves %.3f ticks^2, spread %.2f ticks\n",
                b.orders(), (b.traded() - traded0) / 600, sq / 600, spread / 600);
  }
  std::vector<double> peaks;
  for (const int q : sizes) {
    double sum_t = 0, sum_2t = 0, sum_sq = 0;
    for (int p = 0; p < paths; ++p) {
      latent_book a(s, 1000 + p);
      latent_book b(s, 1000 + p);
      a.advance(s.warmup);
      b.advance(s.warmup);
      const double m0 = a.mid();
      int sent = 0;
      for (int k = 0; k < children; ++k) {
        const double tk = s.warmup + horizon * k / children;
        a.advance(tk);
        b.advance(tk);
        const int want = static_cast<int>(std::lround(static_cast<double>(q) * (k + 1) / children));
        a.buy(want - sent);
        sent = want;
      }
      a.advance(s.warmup + horizon);
      b.advance(s.warmup + horizon);
      const double at_t = (a.mid() - m0) - (b.mid() - m0);
      a.advance(s.warmup + 2 * horizon);
      b.advance(s.warmup + 2 * horizon);
      const double at_2t = (a.mid() - m0) - (b.mid() - m0);
      sum_t += at_t;
      sum_2t += at_2t;
      sum_sq += at_t * at_t;
    }
    const double mean_t = sum_t / paths;
    const double mean_2t = sum_2t / paths;
    const double se = std::sqrt(sum_sq / paths - mean_t * mean_t) / std::sqrt(paths);
    peaks.push_back(mean_t);
    std::printf("Q %4d: peak impact %.3f ticks (standard error %.3f), at 2T %.3f, remaining %.2f\n", q, mean_t, se,
                mean_2t, mean_2t / mean_t);
    std::fflush(stdout);
  }
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const auto n = static_cast<double>(sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const double x = std::log(sizes[i]);
    const double y = std::log(std::max(1e-9, peaks[i]));
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  std::printf("fitted exponent %.3f\n", (n * sxy - sx * sy) / (n * sxx - sx * sx));
}
