/// @file detail/xtensor.hpp
/// @brief The one place footprint includes xtensor (handles the 0.26 header move).
///
/// xtensor 0.26 moved `xtensor/xarray.hpp` to `xtensor/containers/xarray.hpp`,
/// `xtensor/xview.hpp` to `xtensor/views/xview.hpp`, and so on. Include xtensor only through
/// this shim so that footprint builds with Debian's 0.24 and vcpkg's 0.26+.
#pragma once

#if __has_include(<xtensor/containers/xtensor.hpp>)
#include <xtensor/containers/xadapt.hpp>
#include <xtensor/containers/xarray.hpp>
#include <xtensor/containers/xtensor.hpp>
#include <xtensor/views/xview.hpp>
#else
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>
#endif
