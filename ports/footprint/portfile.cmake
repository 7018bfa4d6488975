# vcpkg overlay port for footprint (header-only; the `tools` feature adds footprint-pretrade).
#
# As an overlay inside this repository it builds the checkout it sits in:
#   vcpkg install footprint --overlay-ports=<footprint>/ports
#   vcpkg install "footprint[tools]" --overlay-ports=<footprint>/ports
# For a registry, replace the SOURCE_PATH line with vcpkg_from_github(OUT_SOURCE_PATH
# SOURCE_PATH REPO footprint-quant/footprint REF "v${VERSION}" SHA512 <hash> HEAD_REF main).
set(VCPKG_BUILD_TYPE release)  # headers, and at most one program: one configuration is enough
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES
    tools FOOTPRINT_BUILD_APPS)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    ${FEATURE_OPTIONS}
    -DFOOTPRINT_BUILD_TESTS=OFF
    -DFOOTPRINT_BUILD_EXAMPLES=OFF
    -DFOOTPRINT_BUILD_BENCHMARKS=OFF
    -DFOOTPRINT_WERROR=OFF
    -DFOOTPRINT_INSTALL=ON
    -DFOOTPRINT_PKGCONFIG_REQUIRES_BZIP2=ON)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/footprint)
vcpkg_fixup_pkgconfig()
if("tools" IN_LIST FEATURES)
  vcpkg_copy_tools(TOOL_NAMES footprint-pretrade AUTO_CLEAN)
endif()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
