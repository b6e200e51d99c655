/* fuzz.h - what the fuzz targets under harness/fuzz/ share with the
 * standalone replay main (fuzz_main.c).
 *
 * Every fuzz target is one source with one LLVMFuzzerTestOneInput, built
 * three ways (see harness/fuzz/CMakeLists.txt): with libFuzzer, with AFL++'s
 * libFuzzer-compatible driver (persistent mode), and with fuzz_main.c, which
 * runs files or directories of inputs in the ordinary test build. */
#ifndef RT_FUZZ_H
#define RT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional, defined by fuzz targets whose findings have a report signature
 * (fuzz_schedule): run one input without aborting.  Returns -1 if the input
 * is rejected (not a valid case), else the harness exit code (0 = clean);
 * sig gets the finding's signature ("" if clean).  With repro_dir set, a
 * finding also writes its repro file there (its path in repro, if given). */
int rt_fuzz_outcome(const uint8_t *data, size_t size, const char *repro_dir, char *sig,
		    size_t sig_len, char *repro, size_t repro_len) __attribute__((weak));

/* Optional: target-specific subcommands of the standalone main
 * (`fuzz_schedule --tool encode REPRO OUT`).  Returns the exit code. */
int rt_fuzz_tool(int argc, char **argv) __attribute__((weak));

#endif
