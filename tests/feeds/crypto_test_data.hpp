// Shared by the crypto reader tests: where the real crypto captures are, and how much of them
// to read in this build.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace footprint_test {

/// The shared data folder (FOOTPRINT_TEST_DATA_DIR), or empty when the build has none.
inline std::filesystem::path data_dir() {
#ifdef FOOTPRINT_TEST_DATA_DIR
  return std::filesystem::path(FOOTPRINT_TEST_DATA_DIR);
#else
  return {};
#endif
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FOOTPRINT_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FOOTPRINT_TEST_ASAN 1
#endif

/// Lines read from each Binance capture when not the whole file.
inline constexpr std::size_t debug_line_limit = 3000;

/// How many lines of each Binance capture to read: 0 (all) in optimised builds; in
/// unoptimised or sanitized builds (where nlohmann-json runs ~50x slower and the three raw
/// captures would take minutes) the first `debug_line_limit`, unless the environment sets
/// FOOTPRINT_TEST_FULL_DATA=1.
inline std::size_t line_limit() {
#if defined(NDEBUG) && !defined(FOOTPRINT_TEST_ASAN)
  return 0;
#else
  const char* full = std::getenv("FOOTPRINT_TEST_FULL_DATA");
  return full != nullptr && std::string(full) == "1" ? 0 : debug_line_limit;
#endif
}

}  // namespace footprint_test
