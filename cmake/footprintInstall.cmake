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

# pkg-config: footprint.pc (everything) and footprint-core.pc, in share/pkgconfig (header-only:
# architecture independent). The prefix is found from the file's own place (${pcfiledir}), so
# the files stay right after `cmake --install --prefix <elsewhere>` and when the tree moves
# (vcpkg); absolute CMAKE_INSTALL_DATADIR or CMAKE_INSTALL_INCLUDEDIR are used as given.
# libbzip2 is linked as -lbz2 (Debian's ships no bzip2.pc); where it has a bzip2.pc (vcpkg,
# Fedora), FOOTPRINT_PKGCONFIG_REQUIRES_BZIP2 requires that instead.
option(FOOTPRINT_PKGCONFIG_REQUIRES_BZIP2
  "footprint.pc requires bzip2 (bzip2.pc) instead of linking -lbz2" OFF)
if(IS_ABSOLUTE "${CMAKE_INSTALL_DATADIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(FOOTPRINT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(FOOTPRINT_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH _fp_pc_up "/${CMAKE_INSTALL_DATADIR}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" _fp_pc_up "${_fp_pc_up}")
  set(FOOTPRINT_PC_PREFIX "\${pcfiledir}/${_fp_pc_up}")
  set(FOOTPRINT_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
if(FOOTPRINT_PKGCONFIG_REQUIRES_BZIP2)
  set(FOOTPRINT_PC_REQUIRES_BZIP2 ", bzip2")
  set(FOOTPRINT_PC_LIBS_BZIP2 "")
else()
  set(FOOTPRINT_PC_REQUIRES_BZIP2 "")
  set(FOOTPRINT_PC_LIBS_BZIP2 "-lbz2")
endif()
foreach(_fp_pc IN ITEMS footprint footprint-core)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/${_fp_pc}.pc.in" "${PROJECT_BINARY_DIR}/${_fp_pc}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/${_fp_pc}.pc" DESTINATION "${CMAKE_INSTALL_DATADIR}/pkgconfig")
endforeach()
