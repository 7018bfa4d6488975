# Install rules (headers, the exported targets footprint::core and footprint::footprint, the
# CMake package files under share/cmake/footprint: header-only, the package is architecture
# independent) and the same package for the build tree (footprint_DIR=<build dir>).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(FOOTPRINT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/footprint"
    CACHE STRING "Where to install footprint's CMake package files")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/footprint" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS footprint_core footprint EXPORT footprintTargets)
install(EXPORT footprintTargets
  NAMESPACE footprint::
  DESTINATION "${FOOTPRINT_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/footprintConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/cmake/install/footprintConfig.cmake"
  INSTALL_DESTINATION "${FOOTPRINT_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/footprintConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion
  ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/cmake/install/footprintConfig.cmake"
  "${PROJECT_BINARY_DIR}/footprintConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/footprintDependencies.cmake"
  DESTINATION "${FOOTPRINT_INSTALL_CMAKEDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/footprint")

# The build tree as a package: find_package(footprint CONFIG) with footprint_DIR=<build dir>
# uses the headers in the source tree.
export(EXPORT footprintTargets
  NAMESPACE footprint::
  FILE "${PROJECT_BINARY_DIR}/footprintTargets.cmake")
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/footprintConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/footprintConfig.cmake"
  INSTALL_DESTINATION "${PROJECT_BINARY_DIR}"
  INSTALL_PREFIX "${PROJECT_BINARY_DIR}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/footprintDependencies.cmake"
  "${PROJECT_BINARY_DIR}/footprintDependencies.cmake" COPYONLY)
