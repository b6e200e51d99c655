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
 * on findings that list names (fs_known).
 *
 * This file: the entry points, one execution per input, the wall-time
 * guard, findings and their repros.  What an input means (decoding, and
 * encoding knobs back into a header) is fuzz_schedule_input.c; the
 * `--tool` subcommands (encode a repro, make, describe, targets) are
 * fuzz_schedule_tools.c. */
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_schedule.h"
#include "targets.h"
#include "target_plugins.h"

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

static struct rt_config fs_cfg;   /* the report keeps a pointer to it */
static const char *fs_only_kinds, *fs_match, *fs_repro_dir = ".";
static uint64_t fs_hang_ms = 5000;
static int fs_ready;

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

/* Environment and report setup (no threads); idempotent. */
void fs_setup(void)
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

void fs_exec(const struct fs_case *k, struct rt_exec_result *r)
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
	       fs_in_list(fs_only_kinds, r->kind) &&
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
	char hdr[2400];
	rt_replay_repro_cmd(hdr, sizeof hdr, k->cfg.target, path);
	struct rt_repro rp;
	rt_repro_from(&rp, &k->cfg, &p, r);
	rp.replay_cmd = hdr;
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
