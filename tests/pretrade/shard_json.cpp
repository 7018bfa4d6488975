// The readers of io/shard_json.hpp on hostile text: shard_params_from_json refuses a horizon
// its nanoseconds cannot hold (found with extreme values run through
// tests/fuzz/fuzz_shard_json.cpp: 1e300 s overflowed the conversion, undefined behaviour;
// 1e-12 s became 0 ns).
#include "footprint/io/shard_json.hpp"

#include <doctest/doctest.h>

#include <chrono>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_shard_json {

namespace fp = footprint;

TEST_CASE("shard_params_from_json: a horizon from 1 ns to int64 nanoseconds, else data_error naming it") {
  CHECK(fp::shard_params_from_json(R"({"horizon_seconds": 60})").horizon == std::chrono::seconds{60});
  CHECK(fp::shard_params_from_json(R"({"horizon_seconds": 1e-9})").horizon == std::chrono::nanoseconds{1});
  for (const char* bad : {R"({"horizon_seconds": 1e300})", R"({"horizon_seconds": 1e-12})", R"({"horizon_seconds": 0})",
                          R"({"horizon_seconds": -5})"}) {
    INFO(bad);
    CHECK_THROWS_WITH_AS((void)fp::shard_params_from_json(bad, "params.json"),
                         doctest::Contains("field 'horizon_seconds': must be in [1e-9, 9e9] seconds"), fp::data_error);
  }
}

}  // namespace unity_shard_json
