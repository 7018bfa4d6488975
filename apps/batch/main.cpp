// footprint-batch: the calibration over many (instrument, day) shards (docs/distributed.md).
//
// Reads a manifest (one JSON object per line: a shard's id, source and files; relative paths
// are resolved against the manifest's folder), fits each shard (footprint::load_shard_data, fit_shard,
// simulate_shard, backtest_shard: impact laws, the pooled regression's sufficient statistics,
// a simulated TWAP, the backtest), writes
// DIR/<id>.json per shard and DIR/summary.json (footprint::pool_shards: the exact merge and
// the per-shard laws). `--shard K` runs the K-th shard only (a Slurm array task, a GNU
// parallel job); `--merge` pools the results already in DIR. The output is the same byte
// for byte whether the shards run in one process, one per process, or in any order.
#include "../common/program.hpp"

#include <footprint/error.hpp>
#include <footprint/io/shard_json.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/pretrade/pooled_fit.hpp>
#include <footprint/pretrade/shard_backtest.hpp>
#include <footprint/pretrade/shard_data.hpp>
#include <footprint/pretrade/shard_fit.hpp>
#include <footprint/pretrade/shard_simulation.hpp>
#include <footprint/version.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fp = footprint;
namespace fs = std::filesystem;

struct options {
  std::string manifest;
  std::string out;
  std::optional<std::size_t> shard;
  bool merge = false;
  std::size_t episodes = 200;
  bool no_backtest = false;
  std::uint64_t seed = 0;
  std::vector<std::string> features;
  bool quiet = false;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fp::data_error(path.string(), 0, 0, "", "cannot be opened");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
  // written next to the target and renamed, so that a reader never sees half a file
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text << '\n';
    if (!out) throw fp::data_error(tmp.string(), 0, 0, "", "cannot be written");
  }
  fs::rename(tmp, path);
}

// A relative path of the manifest, against the manifest's folder.
std::string resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

std::vector<fp::shard> read_manifest(const options& o) {
  std::vector<fp::shard> shards = fp::read_shard_manifest(read_text(o.manifest), o.manifest);
  const fs::path base = fs::absolute(o.manifest).parent_path();
  for (fp::shard& s : shards) {
    s.message = resolve(base, s.message);
    s.orderbook = resolve(base, s.orderbook);
    s.folder = resolve(base, s.folder);
    for (std::string& f : s.files) f = resolve(base, f);
  }
  return shards;
}

fs::path result_path(const options& o, const std::string& id) { return fs::path(o.out) / (id + ".json"); }

// Fits one shard and writes DIR/<id>.json; returns the JSON text written.
std::string run_shard(const options& o, const fp::shard& s, const fp::shard_params& p) {
  const auto t0 = std::chrono::steady_clock::now();
  // the shard's four steps (footprint/pretrade/shard_fit.hpp)
  const fp::impact_pipeline_result data = fp::load_shard_data(s, 20);
  fp::shard_fit fit = fp::fit_shard(s, data, p);
  fp::simulate_shard(fit, s, p, data, [&] { return fp::load_shard_order_flow(s); });
  fp::backtest_shard<fp::bayesian_linear>(fit, data, p);
  const std::string text = fp::shard_fit_to_json(fit);
  write_text(result_path(o, s.id), text);
  if (!o.quiet) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "footprint-batch: shard %s done in %.1f s -> %s\n", s.id.c_str(), seconds,
                 result_path(o, s.id).string().c_str());
  }
  return text;
}

// Pools the shards' results (their JSON texts, in manifest order) into DIR/summary.json.
void pool(const options& o, const std::vector<fp::shard>& shards, const std::vector<std::string>& texts) {
  std::vector<fp::shard_fit> fits;
  for (std::size_t k = 0; k < shards.size(); ++k) {
    fp::shard_fit f = fp::shard_fit_from_json(texts[k], result_path(o, shards[k].id).string());
    if (f.id != shards[k].id)
      throw fp::data_error(result_path(o, shards[k].id).string(), 0, 0, "id",
                           "holds the result of shard \"" + f.id + "\", not \"" + shards[k].id + "\"");
    fits.push_back(std::move(f));
  }
  const fp::pooled_fit pooled = fp::pool_shards(std::span<const fp::shard_fit>(fits));
  write_text(fs::path(o.out) / "summary.json", fp::pooled_fit_to_json(pooled));
  if (!o.quiet)
    std::fprintf(stderr, "footprint-batch: %zu shards pooled (%ld rows in the pooled regression) -> %s\n",
                 shards.size(), static_cast<long>(pooled.linear_rows),
                 (fs::path(o.out) / "summary.json").string().c_str());
}

int run(const options& o) {
  const std::vector<fp::shard> shards = read_manifest(o);
  fs::create_directories(o.out);
  const fp::shard_params p{.features = o.features, .seed = o.seed, .episodes = o.episodes, .backtest = !o.no_backtest};
  if (o.shard) {
    if (*o.shard >= shards.size())
      throw fp::invalid_argument(fp::detail::concat("--shard ", *o.shard, ": the manifest ", o.manifest, " has ",
                                                    shards.size(), " shards (0 to ", shards.size() - 1, ")"));
    (void)run_shard(o, shards[*o.shard], p);
    return 0;
  }
  std::vector<std::string> texts;
  for (const fp::shard& s : shards) {
    if (o.merge) {
      const fs::path path = result_path(o, s.id);
      if (!fs::exists(path))
        throw fp::data_error(path.string(), 0, 0, "",
                             "missing: shard \"" + s.id + "\" has no result yet (run it with --shard)");
      texts.push_back(read_text(path));
    } else {
      texts.push_back(run_shard(o, s, p));
    }
  }
  pool(o, shards, texts);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "footprint-batch: the calibration over many (instrument, day) shards. Fits every shard of MANIFEST (one JSON "
      "object per line: id, source and files), writes DIR/<id>.json per shard and DIR/summary.json (the pooled "
      "regression merged exactly from the shards' sufficient statistics, and each shard's impact laws). --shard K "
      "runs one shard (for Slurm arrays and GNU parallel); --merge pools the results already in DIR.",
      "footprint-batch"};
  options o;
  app.add_option("manifest", o.manifest, "manifest: one JSON object per line (docs/distributed.md)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out", o.out, "folder of the results")->required();
  auto* shard =
      app.add_option("--shard", o.shard, "run only the K-th shard of the manifest (0-based) and write its result");
  app.add_flag("--merge", o.merge, "pool the results already in --out, without running shards")->excludes(shard);
  app.add_option("--episodes", o.episodes, "simulated TWAP executions per shard (0: no simulation)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}))
      ->check(CLI::Validator(
          [](const std::string& v) {
            return v == "1" ? std::string("must be 0 (no simulation) or >= 2") : std::string();
          },
          "0 or >= 2"))
      ->capture_default_str();
  app.add_flag("--no-backtest", o.no_backtest, "skip the walk-forward backtest of the pre-trade report per shard");
  app.add_option("--seed", o.seed, "mixed with the hash of each shard's id into its seed")->capture_default_str();
  app.add_option("--features", o.features, "metaorder features of the pooled regression (default: all)")
      ->delimiter(',');
  app.add_flag("--quiet", o.quiet, "no progress on stderr");
  app.set_version_flag("--version", std::string(fp::version_string));
  return apps::parse_and_run(app, argc, argv, "footprint-batch", [&] { return run(o); });
}
