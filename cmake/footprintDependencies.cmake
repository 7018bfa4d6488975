# Finds footprint's dependencies. Used by the build tree and, installed, by
# footprintConfig.cmake, so that consumers and footprint check the same things.
# footprint::core needs Eigen and Boost.Math; footprint::footprint adds xtensor, nlohmann-json,
# zlib and libbzip2, which are not looked for when _footprint_core_only is true
# (footprintConfig.cmake sets it for find_package(footprint COMPONENTS core)).
include(CMakeFindDependencyMacro)

# Eigen: no version in the request (Debian ships 3.4, vcpkg 5.x: a versioned request fails
# on one of them because Eigen's version file demands the same major); check >= 3.4 by hand.
find_dependency(Eigen3 CONFIG)
if(NOT TARGET Eigen3::Eigen)
  message(FATAL_ERROR "footprint needs Eigen >= 3.4 (Eigen3::Eigen not found; Debian: libeigen3-dev)")
endif()
if(DEFINED Eigen3_VERSION AND NOT "${Eigen3_VERSION}" STREQUAL "" AND Eigen3_VERSION VERSION_LESS 3.4)
  message(FATAL_ERROR "footprint needs Eigen >= 3.4 (found ${Eigen3_VERSION})")
endif()

# Boost.Math (header-only) from Boost >= 1.74, in CONFIG mode.
find_dependency(Boost 1.74 CONFIG)
if(NOT TARGET Boost::headers)
  message(FATAL_ERROR "footprint needs Boost >= 1.74 headers (Boost::headers not found; Debian: libboost-dev)")
endif()

# The readers: footprint::footprint only.
if(NOT _footprint_core_only)
  # xtensor >= 0.24. Its headers moved in 0.26: footprint includes them only through
  # include/footprint/detail/xtensor.hpp.
  find_dependency(xtensor CONFIG)
  if(DEFINED xtensor_VERSION AND xtensor_VERSION VERSION_LESS 0.24)
    message(FATAL_ERROR "footprint needs xtensor >= 0.24 (found ${xtensor_VERSION})")
  endif()

  # JSON (nlohmann-json, header-only): Binance captures, model persistence, reports.
  find_dependency(nlohmann_json 3.10 CONFIG)

  # Compressed market data (.gz, .bz2): zlib and libbzip2, through CMake's find modules.
  # Market data comes compressed; footprint reads it without writing a decompressor.
  find_dependency(ZLIB)
  find_dependency(BZip2)
  # line_reader decompresses a file on a worker thread (std::thread): Threads::Threads.
  set(THREADS_PREFER_PTHREAD_FLAG ON)
  find_dependency(Threads)

  # ISA-L's inflate (optional, the consumer's choice like OpenMP below): gzip files are then
  # decompressed by Intel's ISA-L (Debian: libisal-dev; found through pkg-config, libisal >=
  # 2.25), the same bytes several times faster than zlib. Off unless the consumer sets
  # FOOTPRINT_USE_ISAL; footprint's own top-level builds set it ON in CMakeLists.txt.
  # FOOTPRINT_ISAL_FOUND says whether footprint::footprint uses it (it then defines
  # FOOTPRINT_HAVE_ISAL and links libisal).
  if(NOT DEFINED FOOTPRINT_USE_ISAL)
    option(FOOTPRINT_USE_ISAL "Decompress gzip market data with ISA-L where found" OFF)
  endif()
  set(FOOTPRINT_ISAL_FOUND FALSE)
  if(FOOTPRINT_USE_ISAL)
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
      pkg_check_modules(FOOTPRINT_LIBISAL QUIET IMPORTED_TARGET GLOBAL libisal>=2.25)
    endif()
    if(TARGET PkgConfig::FOOTPRINT_LIBISAL)
      set(FOOTPRINT_ISAL_FOUND TRUE)
    else()
      message(STATUS "footprint: ISA-L (libisal) not found; gzip files are decompressed by zlib")
    endif()
  endif()
endif()

# OpenMP (optional, the consumer's choice): model training (tree ensembles, MLP ensembles)
# uses all cores through OpenMP when FOOTPRINT_USE_OPENMP is ON and a compiler OpenMP runtime
# is found (g++: libgomp; clang: Debian libomp-dev). Results are identical for any thread
# count. Off unless the consumer sets it (a variable before find_package(footprint) or
# add_subdirectory, or -DFOOTPRINT_USE_OPENMP=ON); footprint's own top-level builds set it ON
# in CMakeLists.txt. FOOTPRINT_OPENMP_FOUND says whether footprint::core links OpenMP.
if(NOT DEFINED FOOTPRINT_USE_OPENMP)
  option(FOOTPRINT_USE_OPENMP "Let footprint train models on all cores through OpenMP" OFF)
endif()
set(FOOTPRINT_OPENMP_FOUND FALSE)
if(FOOTPRINT_USE_OPENMP)
  find_package(OpenMP COMPONENTS CXX)
  if(OpenMP_CXX_FOUND)
    set(FOOTPRINT_OPENMP_FOUND TRUE)
  else()
    message(STATUS "footprint: OpenMP not found; training runs single-threaded")
  endif()
endif()
