/* SPDX-License-Identifier: Apache-2.0 */
/* paths.h - where redirtorture's own files are.
 *
 * An installed binary (cmake --install) finds them relative to its own
 * location (/proc/self/exe), so a prefix can be moved or copied whole:
 *   BIN/../share/redirtorture/scenarios      scenario files
 *   BIN/../share/redirtorture/py             the Python glue (redirtorture_glue.py)
 *   BIN/../lib/redirtorture/redirtorture_py.so   the embedded-Python plugin
 * (the relative parts are CMake's GNUInstallDirs, compiled in).  Only when
 * the running binary is the one in its build tree are the source tree's
 * scenarios/ and targets/py and the build tree's plugin used instead. */
#ifndef RT_PATHS_H
#define RT_PATHS_H

const char *rt_path_scenarios(void);   /* the scenario directory */
const char *rt_path_py_dir(void);      /* the Python glue's directory */
const char *rt_path_py_plugin(void);   /* the plugin file; "" if built without Python */
int rt_path_in_build_tree(void);       /* 1: the binary runs from its build tree */

#endif
