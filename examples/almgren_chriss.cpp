// almgren_chriss: optimal execution of the Almgren-Chriss (2000) example (Section 3.4, Table 1).
// Prints kappa, the half-life, the optimal trajectory and its cost for several risk
// aversions, a pre-trade forecast in bps, and the risk aversion that meets a target; writes
// the efficient frontier and the trajectories as CSV and SVG into argv[1] (default: the
// current directory).
#include <footprint/execution/almgren_chriss.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// A tiny SVG line chart: linear axes with ticks, polylines, markers and labels. Enough for
// the two figures of this example, with nothing to install.
class svg_chart {
 public:
  svg_chart(std::string title, std::string x_label, std::string y_label, double x_min, double x_max, double y_min,
            double y_max)
      : x_min_(x_min), x_max_(x_max), y_min_(y_min), y_max_(y_max) {
    body_ << "<text x=\"" << width / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">" << title
          << "</text>\n";
    body_ << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << height - 12 << "\" text-anchor=\"middle\">" << x_label
          << "</text>\n";
    body_ << "<text transform=\"translate(18," << top + plot_h / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
          << y_label << "</text>\n";
    body_ << "<clipPath id=\"plot\"><rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\""
          << plot_h << "\"/></clipPath>\n";
    axis_ticks();
    body_ << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\"" << plot_h
          << "\" fill=\"none\" stroke=\"#444\"/>\n";
  }

  void line(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& color,
            bool dashed = false) {
    body_ << "<polyline clip-path=\"url(#plot)\" fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\""
          << (dashed ? " stroke-dasharray=\"6 4\"" : "") << " points=\"";
    for (std::size_t i = 0; i < xs.size(); ++i) body_ << fmt(px(xs[i])) << ',' << fmt(py(ys[i])) << ' ';
    body_ << "\"/>\n";
  }

  void points(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& color) {
    for (std::size_t i = 0; i < xs.size(); ++i) {
      body_ << "<circle cx=\"" << fmt(px(xs[i])) << "\" cy=\"" << fmt(py(ys[i])) << "\" r=\"4\" fill=\"" << color
            << "\"/>\n";
    }
  }

  void label(double x, double y, const std::string& text, bool left_of = false) {
    body_ << "<text x=\"" << fmt(px(x) + (left_of ? -8 : 8)) << "\" y=\"" << fmt(py(y) - 8) << "\" text-anchor=\""
          << (left_of ? "end" : "start") << "\">" << text << "</text>\n";
  }

  void legend(int row, const std::string& text, const std::string& color, bool dashed = false) {
    const double y = top + 20.0 + 20.0 * row;
    const double x = left + plot_w - 290.0;
    body_ << "<line x1=\"" << x << "\" y1=\"" << y - 4 << "\" x2=\"" << x + 30 << "\" y2=\"" << y - 4 << "\" stroke=\""
          << color << "\" stroke-width=\"2\"" << (dashed ? " stroke-dasharray=\"6 4\"" : "") << "/>\n";
    body_ << "<text x=\"" << x + 38 << "\" y=\"" << y << "\">" << text << "</text>\n";
  }

  bool save(const std::filesystem::path& file) const {
    std::ofstream out(file);
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" font-family=\"sans-serif\" font-size=\"13\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        << body_.str() << "</svg>\n";
    return static_cast<bool>(out);
  }

 private:
  static constexpr double width = 720, height = 460, left = 80, top = 40, plot_w = 610, plot_h = 360;

  static std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
  }
  [[nodiscard]] double px(double x) const { return left + (x - x_min_) / (x_max_ - x_min_) * plot_w; }
  [[nodiscard]] double py(double y) const { return top + (y_max_ - y) / (y_max_ - y_min_) * plot_h; }

  static double nice_step(double span) {
    const double raw = span / 6.0;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 2.5, 5.0}) {
      if (m * mag >= raw) return m * mag;
    }
    return 10.0 * mag;
  }

  void axis_ticks() {
    char buf[32];
    const double sx = nice_step(x_max_ - x_min_);
    for (double x = std::ceil(x_min_ / sx) * sx; x <= x_max_ + 1e-9 * sx; x += sx) {
      std::snprintf(buf, sizeof buf, "%g", std::abs(x) < 1e-12 * sx ? 0.0 : x);
      body_ << "<line x1=\"" << fmt(px(x)) << "\" y1=\"" << top + plot_h << "\" x2=\"" << fmt(px(x)) << "\" y2=\""
            << top << "\" stroke=\"#ddd\"/>\n<text x=\"" << fmt(px(x)) << "\" y=\"" << top + plot_h + 18
            << "\" text-anchor=\"middle\">" << buf << "</text>\n";
    }
    const double sy = nice_step(y_max_ - y_min_);
    for (double y = std::ceil(y_min_ / sy) * sy; y <= y_max_ + 1e-9 * sy; y += sy) {
      std::snprintf(buf, sizeof buf, "%g", std::abs(y) < 1e-12 * sy ? 0.0 : y);
      body_ << "<line x1=\"" << left << "\" y1=\"" << fmt(py(y)) << "\" x2=\"" << left + plot_w << "\" y2=\""
            << fmt(py(y)) << "\" stroke=\"#ddd\"/>\n<text x=\"" << left - 8 << "\" y=\"" << fmt(py(y) + 4)
            << "\" text-anchor=\"end\">" << buf << "</text>\n";
    }
  }

  double x_min_, x_max_, y_min_, y_max_;
  std::ostringstream body_;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  const std::filesystem::path out_dir = argc > 1 ? argv[1] : ".";
  std::filesystem::create_directories(out_dir);

  // Table 1 of Almgren & Chriss (2000): 1M shares of a $50 stock, sold over 5 days in
  // 5 daily trades. Time unit: one trading day.
  const footprint::almgren_chriss model({
      .gamma = 2.5e-7,    // $/share per share: selling 10% of daily volume moves the price one spread
      .eta = 2.5e-6,      // ($/share) per (share/day): trading 1% of daily volume costs one spread
      .epsilon = 0.0625,  // $/share: half the 1/8 bid-ask spread
      .sigma = 0.95,      // $/share per day^1/2: 30% annual volatility at $50
      .lambda = 1e-6,     // 1/$: risk aversion
      .n_intervals = 5,
      .time_unit = 24h,
  });
  const double shares = 1e6;
  const double days = 5.0;

  std::printf("kappa = %.4f /day, kappa*T = %.3f, half-life = %.3f days (lambda = 1e-6)\n", model.kappa(days),
              model.kappa(days) * days, model.half_life(days));
  std::printf("%9s %8s %9s %12s %12s %12s   holdings x_0..x_5\n", "lambda", "kappa", "half-life", "E ($)",
              "sqrt(V) ($)", "E+lambda*V");
  for (const double lambda : {0.0, 2.5e-7, 1e-6, 2e-6, 1e-5}) {
    const footprint::almgren_chriss_schedule s = model.with_lambda(lambda).schedule(shares, days);
    std::printf("%9.2e %8.4f %9.3f %12.1f %12.1f %12.1f  ", lambda, s.kappa, 1.0 / s.kappa, s.cost.expected_currency,
                s.cost.std_currency(), s.cost.objective(lambda));
    for (const double x : s.holdings) std::printf(" %7.0f", x);
    std::printf("\n");
  }

  // Any trajectory can be priced, e.g. the linear one (TWAP), eqs. 9-11.
  const footprint::almgren_chriss_cost twap = model.evaluate(footprint::almgren_chriss::twap_holdings(shares, 5), days);
  std::printf("TWAP: E = %.1f $, sqrt(V) = %.1f $\n", twap.expected_currency, twap.std_currency());

  // Pre-trade forecast through the ImpactModel interface: bps of the arrival notional.
  const footprint::cost_estimate c =
      model.predict_cost({.side = footprint::side::sell, .quantity = shares, .horizon = 120h}, {.mid = 50.0});
  std::printf("sell 1M over 5 days: expected %.2f bps (permanent %.2f, temporary %.2f), std %.2f bps\n", c.expected_bps,
              c.permanent_bps, c.temporary_bps, c.std_bps);

  // The risk aversion that meets a target: a risk budget, a half-life, a completion profile.
  const double for_risk = model.lambda_for_variance(shares, days, 500'000.0 * 500'000.0);
  const double for_half_life = model.lambda_for_half_life(days, 1.0);
  const double for_half_done = model.lambda_for_completion(days, 1.0, 0.5);
  std::printf("lambda for sqrt(V) = $500k: %.4g; for a 1-day half-life: %.4g; for 50%% done after day 1: %.4g\n",
              for_risk, for_half_life, for_half_done);

  // The efficient frontier (Figure 1 of the paper) as CSV and SVG.
  const std::vector<footprint::almgren_chriss_frontier_point> frontier =
      model.efficient_frontier(shares, days, 1e-9, 1e-4, 400);
  std::ofstream csv(out_dir / "almgren-chriss-frontier.csv");
  csv.precision(10);
  csv << "lambda,kappa,expected_usd,variance_usd2,std_usd\n";
  for (const auto& p : frontier) {
    csv << p.lambda << ',' << p.kappa << ',' << p.expected_currency << ',' << p.variance << ',' << std::sqrt(p.variance)
        << '\n';
  }

  svg_chart fig1("Efficient frontier (Almgren-Chriss 2000, Table 1 parameters)", "variance V ($M^2)",
                 "expected cost E ($M)", 0.0, 1.2, 0.5, 2.7);
  std::vector<double> vs;
  std::vector<double> es;
  for (const auto& p : frontier) {
    vs.push_back(p.variance / 1e12);
    es.push_back(p.expected_currency / 1e6);
  }
  fig1.line(vs, es, "#1f77b4");
  const footprint::almgren_chriss_cost at_1e6 = model.optimal_cost(shares, days);
  const double level = at_1e6.objective(1e-6) / 1e6;  // E + lambda V is constant along the tangent
  fig1.line({0.0, 1.2}, {level, level - 1e-6 * 1.2e12 / 1e6}, "#888", true);
  const footprint::almgren_chriss_cost at_a = model.with_lambda(2e-6).optimal_cost(shares, days);
  fig1.points({at_a.variance / 1e12, at_1e6.variance / 1e12, twap.variance / 1e12},
              {at_a.expected_currency / 1e6, at_1e6.expected_currency / 1e6, twap.expected_currency / 1e6}, "#d62728");
  fig1.label(at_a.variance / 1e12, at_a.expected_currency / 1e6, "A: lambda = 2e-6");
  fig1.label(at_1e6.variance / 1e12, at_1e6.expected_currency / 1e6, "lambda = 1e-6");
  fig1.label(twap.variance / 1e12, twap.expected_currency / 1e6, "B: lambda = 0 (TWAP)", true);
  fig1.legend(0, "efficient frontier, lambda 1e-9 .. 1e-4", "#1f77b4");
  fig1.legend(1, "E + 1e-6 V = constant (tangent)", "#888", true);

  // Optimal trajectories (Figure 2): the discrete schedule and eq. 17 between the trades.
  std::ofstream traj(out_dir / "almgren-chriss-trajectories.csv");
  traj.precision(10);
  traj << "lambda,j,t_days,holdings,trade\n";
  svg_chart fig2("Optimal trajectories, X = 1M shares over T = 5 days", "time (days)", "holdings (% of X)", 0.0, 5.0,
                 0.0, 100.0);
  struct curve {
    double lambda;
    const char* name;
    const char* color;
  };
  const curve curves[] = {{0.0, "B: lambda = 0 (TWAP)", "#2ca02c"},
                          {1e-6, "lambda = 1e-6", "#1f77b4"},
                          {2e-6, "A: lambda = 2e-6", "#d62728"},
                          {1e-5, "lambda = 1e-5", "#9467bd"}};
  int row = 0;
  for (const auto& [lambda, name, color] : curves) {
    const footprint::almgren_chriss m = model.with_lambda(lambda);
    const footprint::almgren_chriss_schedule s = m.schedule(shares, days);
    std::vector<double> ts(s.times.begin(), s.times.end());
    std::vector<double> xs;
    for (footprint::index j = 0; j <= s.n_intervals(); ++j) {
      xs.push_back(100.0 * s.holdings[j] / shares);
      traj << lambda << ',' << j << ',' << s.times[j] << ',' << s.holdings[j] << ',' << (j == 0 ? 0.0 : s.trades[j - 1])
           << '\n';
    }
    std::vector<double> fine_t;
    std::vector<double> fine_x;
    for (int i = 0; i <= 200; ++i) {
      fine_t.push_back(days * i / 200.0);
      fine_x.push_back(100.0 * (1.0 - m.fraction_executed(days, fine_t.back())));
    }
    fig2.line(fine_t, fine_x, color, true);
    fig2.line(ts, xs, color);
    fig2.points(ts, xs, color);
    char text[80];
    std::snprintf(text, sizeof text, "%s, half-life %.2f d", name, 1.0 / s.kappa);
    fig2.legend(row++, lambda == 0.0 ? std::string(name) : std::string(text), color);
  }
  fig2.legend(row, "dashed: eq. 17 between the trades", "#888", true);

  const bool ok = fig1.save(out_dir / "almgren-chriss-frontier.svg") &&
                  fig2.save(out_dir / "almgren-chriss-trajectories.svg") && csv.good() && traj.good();
  std::printf("wrote almgren-chriss-{frontier,trajectories}.{csv,svg} to %s\n", out_dir.string().c_str());
  return ok ? 0 : 1;
}
