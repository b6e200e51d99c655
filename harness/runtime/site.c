/* SPDX-License-Identifier: Apache-2.0 */
/* site.c - how a site reads in reports. */
#include "runtime/site.h"

#include "base/util.h"

#include <stdio.h>

void rt_site_str(char *out, size_t n, struct rt_site s)
{
	if (!s.file)
		snprintf(out, n, "?");
	else
		snprintf(out, n, "%s:%d %s()", rt_basename(s.file), s.line, s.func);
}
