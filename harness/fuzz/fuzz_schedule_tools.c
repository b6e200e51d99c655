/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_schedule_tools.c - `fuzz_schedule --tool ...` (rt_fuzz_tool,
 * fuzz.h): describe inputs, list the targets byte 0 picks from, make an
 * input from scenario knobs, and encode a repro file as the input that
 * replays it (docs/fuzzing.md). */
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_schedule.h"

#include "base/config.h"
#include "base/util.h"
#include "sched/repro.h"
#include "sched/sched_ctl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
