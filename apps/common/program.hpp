// What the programs share around their work: parsing the command line with the same error
// conventions (exit 2 on a usage error, 1 on a failure, the message on stderr prefixed with
// the program's name) and writing the JSON document to a file or stdout. Used by
// footprint-execute and footprint-simulate; footprint-pretrade reads its --horizon with
// `parse_duration` too.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace apps {

/// Parses the command line into `app`'s options and runs `run`: --help and --version exit 0,
/// a usage error prints "<program>: error: <what> (see --help)" and returns 2, an exception
/// from `run` prints "<program>: error: <what>" (on one line) and returns 1.
int parse_and_run(CLI::App& app, int argc, char** argv, const std::string& program, const std::function<int()>& run);

/// A CLI11 check: the option's text is a finite number (not nan or inf).
CLI::Validator finite_number();

/// A CLI11 check: the option's text is a finite number > `low` (`strict`) or >= `low`, and the
/// message states the bound plainly.
CLI::Validator at_least(double low, bool strict);

/// A duration in seconds from an option's text: a number of seconds ("600", "90s"), minutes
/// ("30m", "30min") or hours ("2h"); finite and > 0.
/// @throws footprint::invalid_argument naming `option` and the text (unknown unit, not a
/// number, not > 0)
double parse_duration(const std::string& text, const std::string& option);

/// A CLI11 transform for a duration option (see `parse_duration`): the text becomes its
/// seconds, so that "30m" reads as 1800; a bad text is a usage error naming the units.
CLI::Validator duration(const std::string& option);

/// A number of a text table, right-aligned in `width` with `decimals` places, or "-" in its
/// place where there is none (NaN or infinite: a figure that does not exist).
std::string text_cell(double v, int width, int decimals);

/// The options of the simulators fitted to a data set's order flow, which footprint-simulate,
/// footprint-pretrade --simulate and footprint-execute share.
struct simulator_options {
  CLI::Option* lot_quantity = nullptr;  ///< --lot-quantity: the simulators' lot, instrument units
  CLI::Option* max_queue = nullptr;     ///< --max-queue: Q of the queue-reactive tables, lots
};

/// Adds --match-occupancy, --lot-quantity and --max-queue into the given fields. `qr_when`
/// starts the help of the queue-reactive model's two (e.g. "with --env qr: "), `fit_when` that
/// of the lot (e.g. "with --simulate: "); the lot's and Q's options are returned, so that a
/// program can refuse them where no fitted simulator runs (--match-occupancy sets a flag that
/// says it).
simulator_options add_simulator_options(CLI::App& app, bool& match_occupancy, double& lot_quantity,
                                        std::ptrdiff_t& max_queue, const std::string& qr_when,
                                        const std::string& fit_when);

/// Adds --json FILE ('-' for stdout), --quiet and --version.
void add_output_options(CLI::App& app, std::string& json_path, bool& quiet);

/// The text report's stream: stdout, or a sink when the JSON goes to stdout (`json_path` "-").
std::FILE* report_stream(const std::string& json_path);

/// Writes `doc` (indented by 1) to `path`, or to stdout when `path` is "-".
/// @throws footprint::data_error when it cannot be written
void write_json(const nlohmann::ordered_json& doc, const std::string& path);

/// Ends a report: the notes go to doc["notes"] and after the text ("note: ..."), the text is
/// flushed, and the JSON is written to `json_path` when it is set.
/// @throws footprint::data_error when the text or the JSON cannot be written
void finish_report(nlohmann::ordered_json& doc, const std::vector<std::string>& notes, std::FILE* text,
                   const std::string& json_path);

}  // namespace apps
