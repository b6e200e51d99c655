/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_main.c - standalone main for the fuzz targets: runs files or
 * directories of inputs through LLVMFuzzerTestOneInput without a fuzzing
 * engine, with any compiler.  The ordinary test build links one per fuzz
 * target, and the corpus tests use it:
 *
 *   fuzz_X FILE|DIR...                 every input as the fuzzer would run it
 *                                      (a finding aborts, printing its report)
 *   fuzz_X --expect-findings FILE|DIR...
 *                                      every input must produce the signature
 *                                      in its sidecar FILE.expected
 *   fuzz_X --triage [--repro-dir D] FILE|DIR...
 *                                      one line per input: file, verdict,
 *                                      signature, repro (never aborts)
 *   fuzz_X --write-expected FILE...    record each input's finding in FILE.expected
 *   fuzz_X --tool ARGS...              target-specific tools
 *
 * Directories are walked in name order; hidden files, *.expected and
 * README* are skipped. */
#include "fuzz/fuzz.h"

#include "base/report.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

enum mode { M_RUN, M_EXPECT, M_TRIAGE, M_WRITE };

static const char *prog = "fuzz";
static enum mode mode = M_RUN;
static const char *repro_dir;
static int ninputs, nrejected, nfailed;

static int skipped(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || !strncmp(name, "README", 6) ||
	       (n > 9 && !strcmp(name + n - 9, ".expected"));
}

/* The first line of FILE.expected that is not empty or a comment. */
static int read_expected(const char *path, char *out, size_t n)
{
	char side[4096];
	snprintf(side, sizeof side, "%s.expected", path);
	struct rt_buf b = { 0 };
	char err[512];
	if (rt_read_input(side, "expected-signature file", "FILE.expected", 1u << 20, &b, err,
			  sizeof err))
		return -1;
	out[0] = 0;
	for (char *line = b.p ? b.p : ""; *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (*line && *line != '#') {
			snprintf(out, n, "%s", line);
			break;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	rt_buf_free(&b);
	return out[0] ? 0 : -1;
}

static void one(const char *path)
{
	struct rt_buf in = { 0 };
	char err[1024];
	if (rt_read_input(path, "fuzz input", "a file of input bytes", 64u << 20, &in, err,
			  sizeof err)) {
		fprintf(stderr, "%s: %s\n", prog, err);
		nfailed++;
		return;
	}
	const uint8_t *d = (const uint8_t *)(in.p ? in.p : "");
	ninputs++;
	if (mode == M_RUN) {
		nrejected += LLVMFuzzerTestOneInput(d, in.len) == -1;
		rt_buf_free(&in);
		return;
	}
	char sig[1024], repro[2048], want[1024];
	int code = rt_fuzz_outcome(d, in.len, mode == M_TRIAGE ? repro_dir : NULL, sig, sizeof sig,
				   repro, sizeof repro);
	rt_buf_free(&in);
	if (mode == M_TRIAGE) {
		printf("%s\t%s\t%s\t%s\n", path, code < 0 ? "REJECTED" : rt_verdict_name(code),
		       sig[0] ? sig : "-", repro[0] ? repro : "-");
		fflush(stdout);
	} else if (mode == M_WRITE) {
		char side[4096];
		snprintf(side, sizeof side, "%s.expected", path);
		struct rt_buf b = { 0 };
		rt_buf_printf(&b, "# %s of %s (fuzz_main --write-expected)\n%s\n",
			      rt_verdict_name(code), rt_basename(path), sig);
		if (code <= 0 || !sig[0]) {
			fprintf(stderr, "%s: %s: no finding (%s): not a regression input\n", prog, path,
				code < 0 ? "rejected" : "clean");
			nfailed++;
		} else if (rt_write_file_atomic(side, b.p, b.len)) {
			fprintf(stderr, "%s: cannot write %s\n", prog, side);
			nfailed++;
		} else {
			printf("%s: %s\n", side, sig);
		}
		rt_buf_free(&b);
	} else if (read_expected(path, want, sizeof want)) {
		fprintf(stderr, "FAIL %s: no %s.expected with the expected signature\n", path, path);
		nfailed++;
	} else if (strcmp(sig, want)) {
		fprintf(stderr, "FAIL %s: expected %s\n     got %s (%s)\n", path, want,
			sig[0] ? sig : "no finding", code < 0 ? "rejected" : rt_verdict_name(code));
		nfailed++;
	} else {
		printf("ok   %s: %s\n", path, sig);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		nfailed++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		one(path);
		return;
	}
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, strerror(errno));
		nfailed++;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (skipped(e->d_name))
			continue;
		if (n == cap)
			names = rt_xrealloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
		names[n++] = rt_xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/%s", path, names[i]);
		walk(sub);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	prog = rt_basename(argv[0]);
	if (argc >= 2 && !strcmp(argv[1], "--tool")) {
		if (!rt_fuzz_tool) {
			fprintf(stderr, "%s: this fuzz target has no tools\n", prog);
			return 64;
		}
		return rt_fuzz_tool(argc - 2, argv + 2);
	}
	int first = 1;
	for (; first < argc && argv[first][0] == '-' && argv[first][1] == '-'; first++) {
		const char *a = argv[first];
		if (!strcmp(a, "--expect-findings"))
			mode = M_EXPECT;
		else if (!strcmp(a, "--triage"))
			mode = M_TRIAGE;
		else if (!strcmp(a, "--write-expected"))
			mode = M_WRITE;
		else if (!strcmp(a, "--repro-dir") && first + 1 < argc)
			repro_dir = argv[++first];
		else {
			first = argc + 1;
			break;
		}
	}
	if (first >= argc) {
		fprintf(stderr, "usage: %s [--expect-findings | --triage [--repro-dir DIR] | "
			"--write-expected] FILE|DIR...\n       %s --tool ARGS...\n", prog, prog);
		return 64;
	}
	if (mode != M_RUN && !rt_fuzz_outcome) {
		fprintf(stderr, "%s: this fuzz target has no findings with signatures: only plain runs\n",
			prog);
		return 64;
	}
	if (mode == M_TRIAGE && !repro_dir)
		repro_dir = getenv("REDIRTORTURE_REPRO_DIR");
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	uint64_t t0 = rt_now_ns();
	for (int i = first; i < argc; i++)
		walk(argv[i]);
	double el = (double)(rt_now_ns() - t0) / 1e9;
	if (ninputs != 1 || nfailed)
		fprintf(stderr, "%s: %d inputs (%d rejected) in %.2f s, %d failed\n", prog, ninputs,
			nrejected, el, nfailed);
	if (!ninputs && !nfailed) {
		fprintf(stderr, "%s: no inputs found\n", prog);
		return 1;
	}
	return nfailed ? 1 : 0;
}
