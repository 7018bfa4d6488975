#include "program.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/version.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

namespace apps {

int parse_and_run(CLI::App& app, int argc, char** argv, const std::string& program, const std::function<int()>& run) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: error: %s (see --help)\n", program.c_str(), e.what());
    return 2;
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    std::fprintf(stderr, "%s: error: %s\n", program.c_str(), what.c_str());
    return 1;
  }
}

namespace {

// The option's text as a finite number: the whole text read, not nan or inf.
std::optional<double> finite_value(const std::string& text) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {}
  return std::nullopt;
}

}  // namespace

std::string text_cell(double v, int width, int decimals) {
  if (!std::isfinite(v)) return std::string(static_cast<std::size_t>(std::max(width - 1, 0)), ' ') + "-";
  char text[64];
  std::snprintf(text, sizeof text, "%*.*f", width, decimals, v);
  return text;
}

CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (finite_value(text)) return {};
        return "must be a finite number (got '" + text + "')";
      },
      "NUMBER", "finite_number");
}

CLI::Validator at_least(double low, bool strict) {
  const std::string bound = footprint::detail::concat(strict ? "> " : ">= ", low);
  return CLI::Validator(
      [bound, low, strict](std::string& text) -> std::string {
        const std::optional<double> v = finite_value(text);
        if (v && (strict ? *v > low : *v >= low)) return {};
        return "must be a number " + bound + " (got '" + text + "')";
      },
      bound, "at_least");
}

double parse_duration(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw footprint::invalid_argument(
        footprint::detail::concat(option, ": expected seconds or a number with s, m, min or h (got '", text, "')"));
  }
  const std::string unit = text.substr(used);
  double scale = 0.0;
  if (unit.empty() || unit == "s") {
    scale = 1.0;
  } else if (unit == "m" || unit == "min") {
    scale = 60.0;
  } else if (unit == "h") {
    scale = 3600.0;
  }
  if (scale == 0.0)
    throw footprint::invalid_argument(
        footprint::detail::concat(option, ": unknown unit '", unit, "' in '", text, "' (use s, m, min or h)"));
  if (!(value > 0.0))
    throw footprint::invalid_argument(footprint::detail::concat(option, ": must be > 0 (got '", text, "')"));
  if (!std::isfinite(value * scale))
    throw footprint::invalid_argument(footprint::detail::concat(option, ": must be finite (got '", text, "')"));
  return value * scale;
}

CLI::Validator duration(const std::string& option) {
  return CLI::Validator(
      [option](std::string& text) -> std::string {
        try {
          char seconds[32];
          std::snprintf(seconds, sizeof seconds, "%.17g", parse_duration(text, option));
          text = seconds;
          return {};
        } catch (const footprint::invalid_argument& e) {
          // the message without the option's name, which CLI11 puts in front
          const std::string what = e.what();
          return what.substr(std::min(what.size(), option.size() + 2));
        }
      },
      "DURATION", "duration");
}

simulator_options add_simulator_options(CLI::App& app, bool& match_occupancy, double& lot_quantity,
                                        std::ptrdiff_t& max_queue, const std::string& qr_when,
                                        const std::string& fit_when) {
  simulator_options out;
  app.add_flag("--match-occupancy", match_occupancy,
               qr_when +
                   "limit rates from detailed balance with the tape's queue sizes "
                   "(footprint::match_occupancy), not HLR's events / time (docs/simulation.md)");
  out.lot_quantity = app.add_option("--lot-quantity", lot_quantity,
                                    fit_when +
                                        "the simulators' lot, instrument units (0, the default: the tape's mean "
                                        "limit-order size)")
                         ->check(at_least(0.0, false));
  out.max_queue = app.add_option("--max-queue", max_queue,
                                 qr_when + "largest tabulated queue size Q of the queue-reactive tables, lots")
                      ->check(CLI::Range(1, 10000))
                      ->capture_default_str();
  return out;
}

void add_output_options(CLI::App& app, std::string& json_path, bool& quiet) {
  app.add_option("--json", json_path, "write the report as JSON to this file ('-' for stdout)");
  app.add_flag("--quiet", quiet, "no progress messages");
  app.set_version_flag("--version", std::string(footprint::version_string));
}

std::FILE* report_stream(const std::string& json_path) {
  if (json_path != "-") return stdout;
  static std::FILE* const sink = std::fopen("/dev/null", "w");
  return sink != nullptr ? sink : stderr;
}

void write_json(const nlohmann::ordered_json& doc, const std::string& path) {
  const std::string text = doc.dump(1) + "\n";
  if (path == "-") {
    std::cout << text << std::flush;
    if (!std::cout) throw footprint::data_error("stdout", 0, 0, "", "cannot write the JSON document");
    return;
  }
  std::ofstream f(path);
  f << text;
  f.flush();
  if (!f) throw footprint::data_error(path, 0, 0, "", "cannot write the JSON document");
}

void finish_report(nlohmann::ordered_json& doc, const std::vector<std::string>& notes, std::FILE* text,
                   const std::string& json_path) {
  doc["notes"] = notes;
  for (const std::string& n : notes) std::fprintf(text, "note: %s\n", n.c_str());
  if (std::fflush(text) != 0 || std::ferror(text))
    throw footprint::data_error("stdout", 0, 0, "", "cannot write the report");
  if (!json_path.empty()) write_json(doc, json_path);
}

}  // namespace apps
