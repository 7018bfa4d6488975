// libFuzzer target: the JSON of the distributed calibration (io/shard_json.hpp), what
// footprint-batch reads: the first byte chooses the reader (mod 4): the manifest
// (read_shard_manifest, one shard per line), one manifest line (shard_from_json),
// shard_params_from_json, or a shard's result (shard_fit_from_json, what --merge reads); the
// rest is the text. A read may throw only footprint::data_error. A manifest's shards have
// valid, unique ids and a known source; a shard_fit read must write back (shard_fit_to_json)
// to a text that reads again to the same text.
// Any other exception, a crash, a hang or a sanitizer report is a finding.
#include "footprint/error.hpp"
#include "footprint/io/shard_json.hpp"
#include "footprint/pretrade/shard.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fp = footprint;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_shard(const fp::shard& s) {
  require(fp::detail::shard_io::valid_id(s.id) && s.id != "summary");
  require(std::find(std::begin(fp::shard_sources), std::end(fp::shard_sources), s.source) !=
          std::end(fp::shard_sources));
}

void manifest(std::string_view text) {
  std::vector<fp::shard> shards;
  try {
    shards = fp::read_shard_manifest(text, "fuzz.jsonl");
  } catch (const fp::data_error&) {
    return;
  }
  require(!shards.empty());
  std::set<std::string> ids;
  for (const fp::shard& s : shards) {
    check_shard(s);
    require(ids.insert(s.id).second);
  }
}

void line(std::string_view text) {
  try {
    check_shard(fp::shard_from_json(text, "fuzz.jsonl", 1));
  } catch (const fp::data_error&) {}
}

void params(std::string_view text) {
  try {
    const fp::shard_params p = fp::shard_params_from_json(text, "fuzz.json");
    require(p.horizon.count() >= 0 && p.episodes != 1);
  } catch (const fp::data_error&) {}
}

void fit(std::string_view text) {
  fp::shard_fit f;
  try {
    f = fp::shard_fit_from_json(text, "fuzz.json");
  } catch (const fp::data_error&) {
    return;
  }
  const std::string saved = fp::shard_fit_to_json(f);
  require(fp::shard_fit_to_json(fp::shard_fit_from_json(saved, "again.json")) == saved);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4U) {
    case 0: manifest(text); break;
    case 1: line(text); break;
    case 2: params(text); break;
    default: fit(text); break;
  }
  return 0;
}
