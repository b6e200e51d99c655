/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_schedule_input.c - what a fuzz_schedule input means: its 15-byte
 * header decoded into a small scenario and back (fs_header_of, for the
 * tools that turn a repro or knobs into an input), the choice bytes that
 * follow it, and the targets byte 0 picks from.  The layout is in
 * fuzz_schedule.c's opening comment and docs/fuzzing.md. */
#include "fuzz/fuzz_schedule_input.h"
#include "targets.h"

#include "base/report.h"
#include "sched/exec.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *fs_targets[FS_MAX_TARGETS];
int fs_ntargets;
const char *fs_only_targets, *fs_plant;
static const int fs_refresh_hz[4] = { 50, 10, 100, 1000 };

int fs_in_list(const char *list, const char *name)
{
	if (!list || !*list)
		return 1;
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

int fs_decode(const uint8_t *d, size_t n, struct fs_case *k)
{
	uint8_t h[FS_HEADER] = { 0 };
	memcpy(h, d, n < FS_HEADER ? n : FS_HEADER);
	const char *name = fs_ntargets ? fs_targets[h[0] % fs_ntargets] : NULL;
	if (name && fs_plant && *fs_plant && !strcmp(name, "test_clean"))
		name = fs_plant;   /* tests only: a bug no list knows */
	if (!name || !fs_in_list(fs_only_targets, name))
		return -1;
	struct rt_config *c = &k->cfg;
	rt_config_defaults(c);
	snprintf(c->scenario, sizeof c->scenario, "fuzz_schedule");
	snprintf(c->description, sizeof c->description, "fuzz_schedule input");
	snprintf(c->target, sizeof c->target, "%s", name);
	c->print_workers = 1 + h[1] % 6;
	c->log_workers = h[2] % 4;
	c->refresh_hz = (h[3] & 1) ? fs_refresh_hz[(h[3] >> 1) & 3] : 0;
	c->finalizer_every = h[4] % 5;
	c->finalizer_action = h[5] % 3;
	c->partial_pct = h[6] % 101;
	c->stderr_pct = h[7] % 101;
	c->max_ops = 1 + h[8] % 8;
	c->live_rows = 1 + h[9] % 24;
	c->gc_threshold = 1 + h[10] % 4;
	uint32_t seed = (uint32_t)h[11] | (uint32_t)h[12] << 8 | (uint32_t)h[13] << 16 |
			(uint32_t)h[14] << 24;
	c->seed = seed ? seed : 1;
	c->duration_ms = 10000;
	k->sched = n > FS_HEADER ? d + FS_HEADER : NULL;
	k->nsched = n > FS_HEADER ? n - FS_HEADER : 0;
	return 0;
}

void fs_params(const struct fs_case *k, struct rt_ctl_params *p)
{
	rt_ctl_params_from_config(&k->cfg, p);
	p->strategy = RT_STRAT_BYTES;
	p->seed = k->cfg.seed;
	p->bytes = k->sched;
	p->nbytes = k->nsched;
	/* past the virtual duration (10 s = 100000 steps) only a livelock */
	p->max_steps = 200000;
}

/* A target flagged RT_TARGET_FUZZ that
 * cannot run controlled is a mistake in its flags: said once, and left out. */
void fs_find_targets(void)
{
	for (int i = 0; rt_targets[i] && fs_ntargets < FS_MAX_TARGETS; i++) {
		const struct rt_target_ops *t = rt_targets[i];
		if (!(t->flags & RT_TARGET_FUZZ))
			continue;
		if ((t->flags & RT_TARGET_FREE_ONLY) || t->session_start)
			rt_fdprintf(rt_err_fd(), "fuzz_schedule: note: target %s is flagged RT_TARGET_FUZZ "
				    "but runs only free or has sessions; left out\n", t->name);
		else
			fs_targets[fs_ntargets++] = t->name;
	}
}

int fs_header_of(const struct rt_config *c, uint8_t h[FS_HEADER], char *why, size_t n)
{
	int slot = -1, rate = -1;
	for (int i = 0; i < fs_ntargets; i++)
		if (!strcmp(fs_targets[i], c->target))
			slot = i;
	for (int i = 0; i < 4; i++)
		if (fs_refresh_hz[i] == c->refresh_hz)
			rate = i;
	const char *bad = slot < 0				   ? "target not fuzzable (RT_TARGET_FUZZ)"
			  : c->print_workers < 1 || c->print_workers > 6 ? "print_workers not 1..6"
			  : c->log_workers > 3				   ? "log_workers not 0..3"
			  : c->refresh_hz && rate < 0			   ? "refresh_hz not 0/50/10/100/1000"
			  : c->finalizer_every > 4			   ? "finalizer_every not 0..4"
			  : c->max_ops < 1 || c->max_ops > 8		   ? "max_ops not 1..8"
			  : c->live_rows > 24				   ? "live_rows not 1..24"
			  : c->gc_threshold > 4				   ? "gc_threshold not 1..4"
			  : c->seed > UINT32_MAX || !c->seed		   ? "seed not 1..2^32-1"
									   : NULL;
	if (bad) {
		snprintf(why, n, "%s", bad);
		return -1;
	}
	uint32_t s = (uint32_t)c->seed;
	uint8_t v[FS_HEADER] = { (uint8_t)slot, (uint8_t)(c->print_workers - 1), (uint8_t)c->log_workers,
				 (uint8_t)(c->refresh_hz ? 1 | rate << 1 : 0), (uint8_t)c->finalizer_every,
				 (uint8_t)c->finalizer_action, (uint8_t)c->partial_pct,
				 (uint8_t)c->stderr_pct, (uint8_t)(c->max_ops - 1),
				 (uint8_t)(c->live_rows - 1), (uint8_t)(c->gc_threshold - 1),
				 (uint8_t)s, (uint8_t)(s >> 8), (uint8_t)(s >> 16), (uint8_t)(s >> 24) };
	memcpy(h, v, FS_HEADER);
	return 0;
}

void fs_describe(const struct fs_case *k, struct rt_buf *b)
{
	const struct rt_config *c = &k->cfg;
	rt_buf_printf(b, "target=%s print_workers=%d log_workers=%d refresh_hz=%d finalizer_every=%d "
		      "finalizer_action=%s partial_pct=%d stderr_pct=%d max_ops=%" PRId64
		      " live_rows=%d gc_threshold=%d seed=%" PRIu64 " choices=%zu\n",
		      c->target, c->print_workers, c->log_workers, c->refresh_hz, c->finalizer_every,
		      rt_fin_action_name(c->finalizer_action), c->partial_pct, c->stderr_pct,
		      c->max_ops, c->live_rows, c->gc_threshold, c->seed, k->nsched);
}
