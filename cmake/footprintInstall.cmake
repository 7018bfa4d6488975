# Install rules: headers, the exported target and the CMake package files, under
# share/cmake/footprint (header-only: the package is architecture independent).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(FOOTPRINT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/footprint"
    CACHE STRING "Where to install footprint's CMake package files")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/footprint" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS footprint EXPORT footprintTargets)
install(EXPORT footprintTargets
  NAMESPACE footprint::
  DESTINATION "${FOOTPRINT_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/footprintConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/footprintConfig.cmake"
  INSTALL_DESTINATION "${FOOTPRINT_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/footprintConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion
  ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/footprintConfig.cmake"
  "${PROJECT_BINARY_DIR}/footprintConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/footprintDependencies.cmake"
  DESTINATION "${FOOTPRINT_INSTALL_CMAKEDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/footprint")
