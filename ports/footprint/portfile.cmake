# vcpkg overlay port for footprint (header-only).
#
# As an overlay inside this repository it builds the checkout it sits in:
#   vcpkg install footprint --overlay-ports=<footprint>/ports
# For a registry, replace the SOURCE_PATH line with vcpkg_from_github(OUT_SOURCE_PATH
# SOURCE_PATH REPO footprint-quant/footprint REF "v${VERSION}" SHA512 <hash> HEAD_REF main).
set(VCPKG_BUILD_TYPE release)  # header-only: one configuration is enough
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DFOOTPRINT_BUILD_TESTS=OFF
    -DFOOTPRINT_BUILD_EXAMPLES=OFF
    -DFOOTPRINT_BUILD_BENCHMARKS=OFF)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/footprint)

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib" "${CURRENT_PACKAGES_DIR}/share/doc")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
