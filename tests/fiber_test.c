/* SPDX-License-Identifier: Apache-2.0 */
/* fiber_test.c - user-level contexts (sched/fiber.c): 16 fibers run round
 * robin from the thread's own context, 200 turns each; the order of their
 * turns is exactly the schedule, each keeps its own stack contents across
 * switches, an exited fiber is freed by another, and (in the tsan and
 * asan-ubsan presets) the sanitizers see no race and no bad stack access
 * across the switches. */
#include "sched/fiber.h"

#include <stdio.h>
#include <string.h>

enum { NF = 16, TURNS = 200 };

static struct rt_fiber *fib[NF], *sched_fiber;
static int order[NF * TURNS], norder;
static int shared_counter;   /* touched by every fiber, no lock: the switches order it */
static int fail;

static void worker(void *arg)
{
	int id = (int)(long)arg;
	char mine[512];   /* this fiber's stack: must survive every switch */
	memset(mine, 'a' + id, sizeof mine);
	for (int t = 0; t < TURNS; t++) {
		order[norder++] = id;
		shared_counter++;
		for (size_t i = 0; i < sizeof mine; i++)
			if (mine[i] != 'a' + id) {
				fprintf(stderr, "FAIL [fiber_unit]: fiber %d's stack changed at turn %d\n",
					id, t);
				fail = 1;
				break;
			}
		if (t + 1 < TURNS)
			rt_fiber_switch(sched_fiber);
	}
	rt_fiber_exit(sched_fiber);
}

int main(void)
{
	sched_fiber = rt_fiber_main();
	for (int i = 0; i < NF; i++)
		fib[i] = rt_fiber_new(worker, (void *)(long)i, 64 * 1024);
	for (int t = 0; t < TURNS; t++)
		for (int i = NF - 1; i >= 0; i--)   /* reverse order: not creation order */
			rt_fiber_switch(fib[i]);
	for (int i = 0; i < NF; i++)
		rt_fiber_free(fib[i]);
	if (rt_fiber_current() != sched_fiber) {
		fprintf(stderr, "FAIL [fiber_unit]: not back on the thread's own context\n");
		fail = 1;
	}
	for (int k = 0; k < norder && !fail; k++)
		if (order[k] != NF - 1 - k % NF) {
			fprintf(stderr, "FAIL [fiber_unit]: turn %d ran fiber %d, scheduled %d\n", k,
				order[k], NF - 1 - k % NF);
			fail = 1;
		}
	if (!fail && (norder != NF * TURNS || shared_counter != NF * TURNS)) {
		fprintf(stderr, "FAIL [fiber_unit]: %d turns, counter %d, expected %d\n", norder,
			shared_counter, NF * TURNS);
		fail = 1;
	}
	if (!fail)
		printf("PASS [fiber_unit]: %d fibers x %d turns in the scheduled order\n", NF, TURNS);
	return fail;
}
