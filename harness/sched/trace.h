/* SPDX-License-Identifier: Apache-2.0 */
/* trace.h - pictures of a controlled execution: Chrome trace-event JSON
 * (Perfetto, chrome://tracing) and a standalone SVG timeline.  Both draw one
 * track per thread with lock-hold and lock-wait spans, mark the deadlock step,
 * and highlight spans of the lock classes in the reported cycle. */
#ifndef RT_TRACE_H
#define RT_TRACE_H

#include "sched/sched_ctl.h"

/* cycle_classes may be NULL (ncycle 0).  title may be NULL.  Files are
 * written atomically.  Return 0 or -errno. */
int rt_trace_write_chrome(const char *path, const struct rt_ctl_result *r, const char *title,
			  const char *const *cycle_classes, int ncycle);
int rt_trace_write_svg(const char *path, const struct rt_ctl_result *r, const char *title,
		       const char *const *cycle_classes, int ncycle);

#endif
