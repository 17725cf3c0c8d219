# What an installed Tandem needs beside its binaries (the desktop entry, the icon, the AppStream
# metadata, the copyright file), and `cpack`, which turns the install into a Debian package.

set(tandem_linux ${PROJECT_SOURCE_DIR}/packaging/linux)
set(tandem_icons ${PROJECT_SOURCE_DIR}/resources/icons)

install(FILES ${tandem_linux}/dev.tandem.Tandem.desktop
    DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${tandem_linux}/dev.tandem.Tandem.metainfo.xml
    DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${tandem_icons}/dev.tandem.Tandem.svg
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 16 24 32 48 64 128 256 512)
    install(FILES ${tandem_icons}/dev.tandem.Tandem-${size}.png
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
        RENAME dev.tandem.Tandem.png)
endforeach()
install(FILES ${tandem_linux}/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tandem)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tandem)
set(CPACK_PACKAGE_VENDOR "The Tandem developers")
set(CPACK_PACKAGE_CONTACT "The Tandem developers <maintainers@tandem.dev>")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://tandem.dev/")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Chat with a coding model beside a live view of its work")
set(CPACK_PACKAGE_DESCRIPTION
    "Tandem pairs a chat with a coding model and a live artifact view. An agent reads and\
 changes a repository, runs code in a bubblewrap sandbox, and hands its work back as a review\
 branch; every action goes to a hash-chained audit log.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Shared libraries come from dpkg-shlibdeps; these are the programs Tandem starts: bwrap for
# the sandbox, git for credentials, python3 for scripts and the demo's tests.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "bubblewrap, git, python3, ca-certificates")
# The container backend's local engine (with runc: crun fails on hybrid cgroups), links opened
# in the browser, and a font for the window on a system that has none.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "podman, runc, xdg-utils, fonts-dejavu-core")

include(CPack)
