/* SPDX-License-Identifier: Apache-2.0 */
/* oracle_line_test.c - the line tag rt_make_line writes by hand
 * (engine/oracle.c) is byte for byte what snprintf("@%c%d:%llu@ ") wrote,
 * truncated the same way when the line is shorter than its tag: lines of
 * earlier builds and of Python programs read the same.  Ids and sequence
 * numbers from 0 to the type's limits, line lengths from 0 to 80. */
#include "engine/oracle.h"

#include "base/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int fail, checked;

static void one(int len, char kind, int id, uint64_t seq)
{
	char got[128], want[160];
	rt_make_line(got, len, kind, id, seq);
	int n = snprintf(want, sizeof want, "@%c%d:%" PRIu64 "@ ", kind, id, seq);
	if (n > len)
		n = len;
	checked++;
	if ((int)strlen(got) != len || memcmp(got, want, (size_t)n)) {
		if (!fail)
			fprintf(stderr, "FAIL [oracle_line]: len %d, @%c%d:%" PRIu64 "@: got \"%s\"\n",
				len, kind, id, seq, got);
		fail = 1;
	}
}

int main(void)
{
	static const uint64_t seqs[] = { 0, 1, 9, 10, 99, 100, 12345, 4294967295ULL,
					 4294967296ULL, 18446744073709551615ULL };
	static const int ids[] = { 0, 1, 9, 10, 63, 64, 255, 1000, 65535, 2147483647 };
	for (int len = 0; len <= 80; len++)
		for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
			for (size_t j = 0; j < sizeof seqs / sizeof *seqs; j++) {
				one(len, 'T', ids[i], seqs[j]);
				one(len, 'F', ids[i], seqs[j]);
			}
	struct rt_rng r = { 7 };
	for (int k = 0; k < 20000; k++)
		one(48, 'T', (int)rt_rng_below(&r, 100000), rt_rng_next(&r) >> rt_rng_below(&r, 64));
	if (!fail)
		printf("PASS [oracle_line]: %d tags as snprintf wrote them\n", checked);
	return fail;
}
