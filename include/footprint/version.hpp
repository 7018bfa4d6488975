/// @file version.hpp
/// @brief The footprint library version, as compile-time constants.
///
/// This header is the single source of the version number: the top-level CMakeLists.txt
/// reads it from here, so the CMake package version and these constants never disagree.
#pragma once

#include <string_view>

namespace footprint {

/// Major version: incremented on incompatible API changes.
inline constexpr int version_major = 0;
/// Minor version: incremented when functionality is added compatibly.
inline constexpr int version_minor = 2;
/// Patch version: incremented for compatible bug fixes.
inline constexpr int version_patch = 0;
/// The version as "major.minor.patch".
inline constexpr std::string_view version_string = "0.2.0";

/// The version as one comparable integer: major * 10000 + minor * 100 + patch.
inline constexpr int version_number = version_major * 10000 + version_minor * 100 + version_patch;

}  // namespace footprint
