# SPDX-License-Identifier: Apache-2.0
# cmake --install BUILD --prefix P (GNUInstallDirs; P/ below is the prefix):
#   P/bin/redirtorture                         the program
#   P/lib/redirtorture/redirtorture_py.so      the embedded-Python plugin (if built)
#   P/share/redirtorture/py/                   its Python glue (targets/py)
#   P/share/redirtorture/scenarios/            scenario files and CFLIST
#   P/include/redirtorture/                    the target API: rt.h and its parts
#   P/share/pkgconfig/redirtorture.pc          for target plugins built out of tree
#   P/share/doc/redirtorture/                  README, LICENSE, CHANGELOG, docs/
# The program finds its files relative to its own location (harness/base/
# paths.c), so the prefix can be moved; the relative paths are compiled in
# here.  Run from the build tree, it uses the source and build trees instead.
set(REDIRTORTURE_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/redirtorture)
set(REDIRTORTURE_INSTALL_PKGLIBDIR ${CMAKE_INSTALL_LIBDIR}/redirtorture)
set(REDIRTORTURE_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/redirtorture)
foreach(_d BINDIR DATADIR PKGLIBDIR)
  if(_d STREQUAL "BINDIR")
    set(_v ${CMAKE_INSTALL_BINDIR})
  else()
    set(_v ${REDIRTORTURE_INSTALL_${_d}})
  endif()
  if(IS_ABSOLUTE "${_v}")
    message(FATAL_ERROR "redirtorture: install directories must be relative to the prefix "
                        "(the installed program finds its files from its own location): ${_v}")
  endif()
endforeach()
file(RELATIVE_PATH _rt_rel_datadir /prefix/${CMAKE_INSTALL_BINDIR}
     /prefix/${REDIRTORTURE_INSTALL_DATADIR})
file(RELATIVE_PATH _rt_rel_pkglibdir /prefix/${CMAKE_INSTALL_BINDIR}
     /prefix/${REDIRTORTURE_INSTALL_PKGLIBDIR})
if(NOT DEFINED _rt_build_py_plugin)
  set(_rt_build_py_plugin "")
endif()
set_source_files_properties(harness/base/paths.c PROPERTIES COMPILE_DEFINITIONS
  "RT_SOURCE_DIR=\"${CMAKE_CURRENT_SOURCE_DIR}\";RT_BUILD_BIN_DIR=\"$<TARGET_FILE_DIR:redirtorture>\";RT_BUILD_PY_PLUGIN=\"${_rt_build_py_plugin}\";RT_REL_DATADIR=\"${_rt_rel_datadir}\";RT_REL_PKGLIBDIR=\"${_rt_rel_pkglibdir}\"")

install(TARGETS redirtorture RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET redirtorture_py)
  install(TARGETS redirtorture_py LIBRARY DESTINATION ${REDIRTORTURE_INSTALL_PKGLIBDIR})
endif()
install(DIRECTORY targets/py/ DESTINATION ${REDIRTORTURE_INSTALL_DATADIR}/py
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
install(DIRECTORY scenarios/ DESTINATION ${REDIRTORTURE_INSTALL_DATADIR}/scenarios)
install(FILES harness/runtime/rt.h harness/runtime/site.h harness/runtime/lock.h
              harness/runtime/sink.h harness/runtime/hooks.h harness/runtime/target.h
              harness/runtime/target_plugin.h
        DESTINATION ${REDIRTORTURE_INSTALL_INCLUDEDIR})

# pkg-config file for out-of-tree target plugins: header-only, so in
# share/pkgconfig; its prefix is relative to where it is installed.
file(STRINGS harness/runtime/target_plugin.h _rt_api REGEX "^#define RT_TARGET_API_VERSION ")
string(REGEX REPLACE ".*VERSION ([0-9]+)u.*" "\\1" RT_TARGET_API_VERSION "${_rt_api}")
file(RELATIVE_PATH RT_PC_REL_PREFIX /prefix/${CMAKE_INSTALL_DATADIR}/pkgconfig /prefix)
set(RT_PC_VERSION "${PROJECT_VERSION}")
if(NOT RT_PC_VERSION)
  set(RT_PC_VERSION 0.0.0)
endif()
configure_file(cmake/redirtorture.pc.in ${CMAKE_CURRENT_BINARY_DIR}/redirtorture.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/redirtorture.pc
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
install(FILES README.md LICENSE CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
