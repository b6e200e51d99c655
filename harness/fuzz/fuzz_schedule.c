/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_schedule.c - fuzz target over scenarios and schedules.
 *
 * The input chooses a small scenario (target, thread counts, operation mix,
 * finalizer points, seed) and then every scheduling choice of one
 * controlled execution (strategy RT_STRAT_BYTES: choice i runs
 * enabled[byte i % n]; past the end of the input the running thread goes
 * on).  Nothing comes from the clock, so an input is one execution, the
 * same every time.  Any finding - deadlock (exact, at once, no timeout),
 * potential deadlock (lock-order), integrity violation, livelock - prints
 * its full report, writes a repro file that `redirtorture replay` accepts
 * and aborts, so the fuzzer keeps the input as a crash.
 *
 * Input (docs/fuzzing.md; every byte value is valid, short inputs are
 * zero-padded):
 *   0  target (% n, see fs_targets)     7  stderr_pct (% 101)
 *   1  print_workers (1 + % 6)            8  max_ops (1 + % 8)
 *   2  log_workers (% 4)                  9  live_rows (1 + % 24)
 *   3  refresh: bit 0 on, bits 1-2 rate  10  gc_threshold (1 + % 4)
 *   4  finalizer_every (% 5, 0 = never)  11-14 seed (u32 little endian)
 *   5  finalizer_action (% 3)            15... one byte per scheduling choice
 *   6  partial_pct (% 101)
 *
 * Environment: REDIRTORTURE_REPRO_DIR (where repros go, default "."),
 * REDIRTORTURE_FUZZ_TARGETS (comma list: fuzz only these targets),
 * REDIRTORTURE_FUZZ_KINDS (comma list of finding kinds that abort, default
 * all: deadlock, lock-order, integrity, hang), REDIRTORTURE_FUZZ_MATCH (only
 * findings whose signature contains this text abort: hunt one bug),
 * REDIRTORTURE_FUZZ_HANG_MS (wall-time guard per input, default 5000, 0 = off),
 * REDIRTORTURE_FUZZ_PLANT (tests only: test_clean's inputs run this test
 * target instead, e.g. test_planted, a bug no list knows).  A build
 * configured with REDIRTORTURE_FUZZ_KNOWN (ClusterFuzzLite's) does not abort
 * on findings that list names (fs_known). */
#include "fuzz/fuzz.h"
#include "targets.h"

#include "base/config.h"
#include "engine/drivers.h"
#include "sched/exec.h"
#include "runtime/lockgraph.h"
#include "engine/oracle.h"
#include "runtime/registry.h"
#include "base/report.h"
#include "sched/repro.h"
#include "sched/sched_ctl.h"
#include "base/util.h"
#include "engine/hangreport.h"
#include "engine/watchdog.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define FS_HEADER 15

/* The targets an input can choose: the registry's RT_TARGET_FUZZ targets
 * (runtime/target.h), in rt_targets[] order, so byte 0 = 3 means the fourth
 * of them in every build; fs_setup fills this. */
#define FS_MAX_TARGETS 256
static const char *fs_targets[FS_MAX_TARGETS];
static int fs_ntargets;
static const int fs_refresh_hz[4] = { 50, 10, 100, 1000 };

struct fs_case {
	struct rt_config cfg;
	const uint8_t *sched;
	size_t nsched;
};

static struct rt_config fs_cfg;   /* the report keeps a pointer to it */
static const char *fs_only_targets, *fs_only_kinds, *fs_match, *fs_plant, *fs_repro_dir = ".";
static uint64_t fs_hang_ms = 5000;
static int fs_ready;

static int in_list(const char *list, const char *name)
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

static int fs_decode(const uint8_t *d, size_t n, struct fs_case *k)
{
	uint8_t h[FS_HEADER] = { 0 };
	memcpy(h, d, n < FS_HEADER ? n : FS_HEADER);
	const char *name = fs_ntargets ? fs_targets[h[0] % fs_ntargets] : NULL;
	if (name && fs_plant && *fs_plant && !strcmp(name, "test_clean"))
		name = fs_plant;   /* tests only: a bug no list knows */
	if (!name || !in_list(fs_only_targets, name))
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

static void fs_params(const struct fs_case *k, struct rt_ctl_params *p)
{
	rt_ctl_params_from_config(&k->cfg, p);
	p->strategy = RT_STRAT_BYTES;
	p->seed = k->cfg.seed;
	p->bytes = k->sched;
	p->nbytes = k->nsched;
	/* past the virtual duration (10 s = 100000 steps) only a livelock */
	p->max_steps = 200000;
}

/* ---- wall-time guard ----------------------------------------------------
 * Controlled deadlocks are exact and immediate; this only catches a target
 * that blocks outside the scheduler's control (a real syscall, a foreign
 * lock), so the fuzzer gets a crash with a hang report instead of a bare
 * timeout.  Started lazily by the first input (threads started before
 * AFL++'s fork point would not exist in the children).  Its code is kept
 * out of the coverage map where the compiler allows (libFuzzer honors
 * no_sanitize("coverage"), AFL++ 4.04c's pass does not: it is off under
 * AFL++, see fs_setup). */
static _Atomic uint64_t guard_t0;   /* CLOCK_MONOTONIC ns at input start; 0 = idle */

#if defined(__clang__)
#define FS_NO_COVERAGE __attribute__((no_sanitize("coverage"), noinline))
#else
#define FS_NO_COVERAGE
#endif

FS_NO_COVERAGE static uint64_t guard_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void guard_fire(uint64_t ms)
{
	char why[128];
	snprintf(why, sizeof why, "one fuzz input ran longer than %" PRIu64 " ms of wall time "
		 "(REDIRTORTURE_FUZZ_HANG_MS): a wait outside the controlled scheduler", ms);
	rt_report_set_quiet(0);
	rt_report_set_replay("run the same input again: fuzz_schedule FILE");
	rt_hang_report_now(why, 0);
	rt_fdprintf(rt_err_fd(), "fuzz_schedule: wall-time guard fired; aborting\n");
	abort();
}

FS_NO_COVERAGE static void *guard_main(void *arg)
{
	(void)arg;
	const struct timespec tick = { 0, 50 * 1000000L };
	for (;;) {
		nanosleep(&tick, NULL);
		uint64_t t0 = atomic_load(&guard_t0);
		if (t0 && guard_now() - t0 > fs_hang_ms * 1000000ULL)
			guard_fire(fs_hang_ms);
	}
	return NULL;
}

/* The guard thread: started by the first input of each process, after
 * AFL++'s fork point. */
FS_NO_COVERAGE static void guard_start_once(void)
{
	static int started;
	if (started || !fs_hang_ms)
		return;
	started = 1;
	pthread_t t;
	if (pthread_create(&t, NULL, guard_main, NULL) == 0)
		pthread_detach(t);
}

/* The registry's fuzzable targets.  A target flagged RT_TARGET_FUZZ that
 * cannot run controlled is a mistake in its flags: said once, and left out. */
static void fs_find_targets(void)
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

/* Environment and report setup (no threads); idempotent. */
static void fs_setup(void)
{
	if (fs_ready)
		return;
	fs_ready = 1;
	fs_find_targets();
	const char *e;
	if ((e = getenv("REDIRTORTURE_REPRO_DIR")) && *e)
		fs_repro_dir = e;
	fs_only_targets = getenv("REDIRTORTURE_FUZZ_TARGETS");
	fs_only_kinds = getenv("REDIRTORTURE_FUZZ_KINDS");
	fs_match = getenv("REDIRTORTURE_FUZZ_MATCH");
	fs_plant = getenv("REDIRTORTURE_FUZZ_PLANT");
	/* Under AFL++ its own -t timeout catches hangs (the nightly script
	 * replays them with the standalone build, guard on, for a report): a
	 * thread started in every forked child would make the first input of
	 * each child cover edges the others do not. */
	if (getenv("__AFL_SHM_ID"))
		fs_hang_ms = 0;
	if ((e = getenv("REDIRTORTURE_FUZZ_HANG_MS")))
		fs_hang_ms = strtoull(e, NULL, 10);
	rt_config_defaults(&fs_cfg);
	rt_report_init(&fs_cfg, "", NULL);
	rt_report_set_quiet(1);
}

static void fs_exec(const struct fs_case *k, struct rt_exec_result *r)
{
	struct rt_ctl_params p;
	fs_params(k, &p);
	fs_cfg = k->cfg;
	char *cmd = rt_xstrdup(rt_report_replay());
	rt_report_init(&fs_cfg, cmd, NULL);   /* the context line: target, seed */
	free(cmd);
	atomic_store(&guard_t0, guard_now());
	rt_exec_controlled(rt_target_find(fs_cfg.target), &fs_cfg, &p, r);
	atomic_store(&guard_t0, 0);
	/* Free this run's tables now (r keeps copies of what it needs), not at
	 * the start of the next run: then how much a reset frees never depends
	 * on the previous input, and neither does an input's coverage. */
	rt_report_reset();
	rt_sinks_reset();
	rt_drivers_reset();
	rt_lockgraph_reset();
	rt_registry_reset();
}

/* Before AFL++'s fork point (LLVMFuzzerInitialize): one execution per
 * target at the largest shape, so every process starts with the harness's
 * tables grown and lock classes interned.  Otherwise the first input of each
 * process covers growth paths that later runs do not, which AFL++ counts as
 * instability.  rt_exec_controlled joins its threads before returning. */
static void fs_warmup(void)
{
	for (int s = 0; s < fs_ntargets; s++) {
		uint8_t h[FS_HEADER] = { (uint8_t)s, 5, 3, 1 | 3 << 1, 1, 2, 50, 50, 7, 23, 0, 1 };
		struct fs_case k;
		if (fs_decode(h, sizeof h, &k))
			continue;
		struct rt_exec_result r;
		fs_exec(&k, &r);
		rt_exec_result_free(&r);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	rt_config_use_catalog(&rt_target_catalog);
	(void)argc;
	(void)argv;
	fs_setup();
	fs_warmup();
	return 0;
}

/* The compiled-in known list ("TARGET SIGNATURE" lines, TARGET or *; empty
 * unless REDIRTORTURE_FUZZ_KNOWN was set) names known bugs of the model
 * targets: not crashes for ClusterFuzzLite.  The rule of
 * scripts/known-signatures.py: the line itself, or, for the kinds that name
 * a set of symptoms ("INTEGRITY:h lost+dup"), any line of that kind for the
 * target.  An input is judged by its most severe finding. */
static int fs_known(const char *target, const char *sig)
{
	static const char *const set_kinds[] = { "INTEGRITY:", "LOSS:", "RESTORE:", "RESOURCES:" };
	size_t tl = strlen(target), kl = strcspn(sig, ":") + 1;
	int set = 0;
	for (size_t i = 0; i < sizeof set_kinds / sizeof *set_kinds; i++)
		set |= !strncmp(sig, set_kinds[i], kl) && strlen(set_kinds[i]) == kl;
	for (const char *const *k = rt_fuzz_known; *k; k++) {
		const char *p = *k;
		if (!strncmp(p, "* ", 2))
			p += 2;
		else if (!strncmp(p, target, tl) && p[tl] == ' ')
			p += tl + 1;
		else
			continue;
		if (!strcmp(p, sig) || (set && !strncmp(p, sig, kl)))
			return 1;
	}
	return 0;
}

static int fs_counts(const struct rt_exec_result *r)
{
	return r->code != RT_EXIT_SUCCESS && r->code != RT_EXIT_NOSTART &&
	       in_list(fs_only_kinds, r->kind) &&
	       (!fs_match || !*fs_match || strstr(r->signature, fs_match)) &&
	       !fs_known(fs_cfg.target, r->signature);
}

/* "<dir>/fuzz_schedule-deadlock-c529ee2a3de8d9df.repro": one file per
 * signature, so the same finding found twice overwrites itself. */
static void fs_repro_path(char *out, size_t n, const char *dir, const struct rt_exec_result *r)
{
	const char *colon = strchr(r->signature, ':');
	char hash[17];
	size_t hl = colon ? strspn(colon + 1, "0123456789abcdef") : 0;
	if (hl == 16) {
		memcpy(hash, colon + 1, 16);
		hash[16] = 0;
	} else {
		snprintf(hash, sizeof hash, "%016" PRIx64,
			 rt_fnv1a(r->signature, strlen(r->signature), RT_FNV_INIT));
	}
	snprintf(out, n, "%s/fuzz_schedule-%s-%s.repro", dir, r->kind[0] ? r->kind : "finding", hash);
}

/* A finding: run the input again with the repro's path in the report (an
 * input is one execution, so this is the same run), write the repro. */
static void fs_finding(const struct fs_case *k, struct rt_exec_result *r, const char *dir,
		       char *path, size_t path_len)
{
	char first[sizeof r->signature];
	snprintf(first, sizeof first, "%s", r->signature);
	fs_repro_path(path, path_len, dir, r);
	rt_exec_result_free(r);
	char cmd[2200];
	snprintf(cmd, sizeof cmd, "redirtorture replay %s", path);
	rt_report_set_replay(cmd);
	fs_exec(k, r);
	rt_report_set_replay("");
	if (strcmp(first, r->signature))
		rt_fdprintf(rt_err_fd(), "fuzz_schedule: NONDETERMINISTIC: the same input gave '%s', "
			    "then '%s'\n", first, r->signature[0] ? r->signature : "no finding");
	mkdir(dir, 0755);
	struct rt_ctl_params p;
	fs_params(k, &p);
	struct rt_repro rp;
	rt_repro_from(&rp, &k->cfg, &p, r);
	int rc = rt_repro_write(path, &rp, r->ctl.thread_names);
	if (rc) {
		rt_fdprintf(rt_err_fd(), "fuzz_schedule: cannot write repro %s: %s\n", path, strerror(-rc));
		path[0] = 0;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fs_setup();
	guard_start_once();
	struct fs_case k;
	if (fs_decode(data, size, &k))
		return -1;   /* libFuzzer: do not keep it in the corpus */
	struct rt_exec_result r;
	fs_exec(&k, &r);
	if (!fs_counts(&r)) {
		rt_exec_result_free(&r);
		return 0;
	}
	char path[2048];
	fs_finding(&k, &r, fs_repro_dir, path, sizeof path);
	rt_report_print(r.text ? r.text : "(no report text)\n");
	rt_fdprintf(rt_err_fd(), "fuzz_schedule: %s finding: %s\nfuzz_schedule: repro: %s\n",
		    rt_verdict_name(r.code), r.signature, path[0] ? path : "(not written)");
	abort();
}

int rt_fuzz_outcome(const uint8_t *data, size_t size, const char *repro_dir, char *sig,
		    size_t sig_len, char *repro, size_t repro_len)
{
	fs_setup();
	guard_start_once();
	struct fs_case k;
	if (sig_len)
		sig[0] = 0;
	if (repro_len)
		repro[0] = 0;
	if (fs_decode(data, size, &k))
		return -1;
	struct rt_exec_result r;
	fs_exec(&k, &r);
	if (r.code != RT_EXIT_SUCCESS && r.code != RT_EXIT_NOSTART && repro_dir) {
		char path[2048];
		fs_finding(&k, &r, repro_dir, path, sizeof path);
		if (repro_len)
			snprintf(repro, repro_len, "%s", path);
	}
	if (sig_len)
		snprintf(sig, sig_len, "%s", r.signature);
	int code = r.code;
	rt_exec_result_free(&r);
	return code;
}

/* ---- tools: describe an input, encode a repro file as an input ---------- */

static void fs_describe(const struct fs_case *k, struct rt_buf *b)
{
	const struct rt_config *c = &k->cfg;
	rt_buf_printf(b, "target=%s print_workers=%d log_workers=%d refresh_hz=%d finalizer_every=%d "
		      "finalizer_action=%s partial_pct=%d stderr_pct=%d max_ops=%" PRId64
		      " live_rows=%d gc_threshold=%d seed=%" PRIu64 " choices=%zu\n",
		      c->target, c->print_workers, c->log_workers, c->refresh_hz, c->finalizer_every,
		      rt_fin_action_name(c->finalizer_action), c->partial_pct, c->stderr_pct,
		      c->max_ops, c->live_rows, c->gc_threshold, c->seed, k->nsched);
}

static int fs_header_of(const struct rt_config *c, uint8_t h[FS_HEADER], char *why, size_t n)
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

/* Greedy: the enabled set at choice i depends only on choices before i, so
 * the byte for choice i is the first that picks the recorded thread. */
static int fs_encode(const char *repro_path, const char *out)
{
	struct rt_repro rp;
	char err[RT_CONFIG_ERRLEN], why[64];
	if (rt_repro_read(repro_path, &rp, err)) {
		rt_fdprintf(2, "fuzz_schedule: %s\n", err);
		return 65;
	}
	size_t n = FS_HEADER + rp.nchoices;
	uint8_t *in = rt_xcalloc(n, 1);
	struct rt_ctl_params dflt;
	rt_ctl_params_from_config(&rp.cfg, &dflt);
	/* an input has no clock: its executions run at the default time per step */
	int clocked = rp.vstep_ns && rp.vstep_ns != dflt.vstep_ns;
	if (clocked)
		snprintf(why, sizeof why, "vstep_ns not %" PRIu64 " (minimize --keep-clock)",
			 dflt.vstep_ns);
	if (clocked || fs_header_of(&rp.cfg, in, why, sizeof why)) {
		rt_fdprintf(2, "fuzz_schedule: %s cannot be an input: %s\n", repro_path, why);
		rt_repro_free(&rp);
		free(in);
		return 65;
	}
	struct fs_case k;
	struct rt_exec_result r;
	int ok = 1;
	for (size_t i = 0; i < rp.nchoices && ok; i++) {
		ok = 0;
		for (int b = 0; b < 64 && !ok; b++) {
			in[FS_HEADER + i] = (uint8_t)b;
			if (fs_decode(in, FS_HEADER + i + 1, &k))
				break;
			fs_exec(&k, &r);
			ok = r.ctl.nchoices > i && r.ctl.choices[i].tid == rp.choices[i].tid;
			rt_exec_result_free(&r);
		}
		if (!ok)
			rt_fdprintf(2, "fuzz_schedule: choice %zu (thread %u) cannot be reproduced\n", i,
				    rp.choices[i].tid);
	}
	if (ok && !fs_decode(in, n, &k)) {
		fs_exec(&k, &r);
		ok = !strcmp(r.signature, rp.signature);
		if (!ok)
			rt_fdprintf(2, "fuzz_schedule: the encoded input gives '%s', the repro '%s'\n",
				    r.signature, rp.signature);
		rt_exec_result_free(&r);
	}
	int rc = ok ? rt_write_file_atomic(out, (const char *)in, n) : -1;
	if (ok && rc)
		rt_fdprintf(2, "fuzz_schedule: cannot write %s: %s\n", out, strerror(-rc));
	if (ok && !rc)
		rt_fdprintf(1, "fuzz_schedule: wrote %s (%zu bytes; expected %s)\n", out, n,
			    rp.signature[0] ? rp.signature : "no finding");
	rt_repro_free(&rp);
	free(in);
	return ok && !rc ? 0 : 1;
}

/* `make OUT KEY=VALUE...`: an input from scenario knobs (defaults: those
 * of an all-zero header) and schedule=HEX (the choice bytes). */
static int fs_make(int argc, char **argv)
{
	static const uint8_t zero[FS_HEADER];
	struct fs_case k;
	fs_only_targets = NULL;
	fs_decode(zero, sizeof zero, &k);
	struct rt_buf sched = { 0 };
	char err[RT_CONFIG_ERRLEN], why[64];
	for (int i = 1; i < argc; i++) {
		char kv[1024];
		snprintf(kv, sizeof kv, "%s", argv[i]);
		char *eq = strchr(kv, '=');
		if (!eq) {
			rt_fdprintf(2, "fuzz_schedule: '%s' is not KEY=VALUE\n", argv[i]);
			return 64;
		}
		*eq = 0;
		if (!strcmp(kv, "schedule")) {
			for (const char *h = eq + 1; h[0] && h[1]; h += 2) {
				unsigned x;
				if (sscanf(h, "%2x", &x) != 1)
					break;
				char c = (char)x;
				rt_buf_add(&sched, &c, 1);
			}
		} else if (rt_config_set(&k.cfg, kv, eq + 1, "--tool make", 0, err)) {
			rt_fdprintf(2, "fuzz_schedule: %s\n", err);
			return 64;
		}
	}
	uint8_t h[FS_HEADER];
	if (fs_header_of(&k.cfg, h, why, sizeof why)) {
		rt_fdprintf(2, "fuzz_schedule: cannot encode: %s\n", why);
		rt_buf_free(&sched);
		return 64;
	}
	struct rt_buf out = { 0 };
	rt_buf_add(&out, (const char *)h, FS_HEADER);
	if (sched.len)
		rt_buf_add(&out, sched.p, sched.len);
	int rc = rt_write_file_atomic(argv[0], out.p, out.len);
	if (rc)
		rt_fdprintf(2, "fuzz_schedule: cannot write %s: %s\n", argv[0], strerror(-rc));
	rt_buf_free(&out);
	rt_buf_free(&sched);
	return rc ? 1 : 0;
}

int rt_fuzz_tool(int argc, char **argv)
{
	fs_setup();
	if (argc == 3 && !strcmp(argv[0], "encode"))
		return fs_encode(argv[1], argv[2]);
	if (argc >= 1 && !strcmp(argv[0], "make"))
		return argc >= 2 ? fs_make(argc - 1, argv + 1) : 64;
	if (argc >= 2 && !strcmp(argv[0], "describe")) {
		for (int i = 1; i < argc; i++) {
			struct rt_buf f = { 0 }, b = { 0 };
			char err[1024];
			int rc = rt_read_input(argv[i], "fuzz input", "a fuzz_schedule input", 64u << 20, &f,
					       err, sizeof err);
			struct fs_case k;
			if (rc) {
				rt_buf_printf(&b, "%s\n", err);
			} else {
				rt_buf_printf(&b, "%s: ", argv[i]);
				if (fs_decode((const uint8_t *)(f.p ? f.p : ""), f.len, &k))
					rt_buf_printf(&b, "rejected (target not in REDIRTORTURE_FUZZ_TARGETS)\n");
				else
					fs_describe(&k, &b);
			}
			rt_write_all(1, b.p, b.len);
			rt_buf_free(&b);
			rt_buf_free(&f);
		}
		return 0;
	}
	if (argc == 1 && !strcmp(argv[0], "targets")) {
		for (int i = 0; i < fs_ntargets; i++)
			rt_fdprintf(1, "%d %s\n", i, fs_targets[i]);
		return 0;
	}
	rt_fdprintf(2, "usage: fuzz_schedule --tool encode REPRO OUT\n"
		    "       fuzz_schedule --tool make OUT [KEY=VALUE...] [schedule=HEX]\n"
		    "       fuzz_schedule --tool describe FILE...\n"
		    "       fuzz_schedule --tool targets   (byte 0 of an input, %% n: its target)\n");
	return 64;
}
