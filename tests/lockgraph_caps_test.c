/* SPDX-License-Identifier: Apache-2.0 */
/* lockgraph_caps_test.c - no caps a real program hits: one thread holding
 * 300 locks, a 70-lock cycle across 70 threads (TSan stops at 64 held locks
 * and drops cycles longer than 20; we must not). */
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "base/report.h"
#include "runtime/rt.h"

#include "test_threads.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NHELD 300
#define NRING 70

static rt_lock *held_locks[NHELD], *ring[NRING];
static int max_held;

static void *hold_all(void *arg)
{
	(void)arg;
	rt_thread_register("holder", "test");
	for (int i = 0; i < NHELD; i++)
		rt_lock_acquire(held_locks[i]);
	max_held = rt_self()->nheld;
	for (int i = NHELD - 1; i >= 0; i--)
		rt_lock_release(held_locks[i]);
	return NULL;
}

static void *reverse_pair(void *arg)
{
	(void)arg;
	rt_thread_register("reverser", "test");
	rt_lock_acquire(held_locks[NHELD - 1]);
	rt_lock_acquire(held_locks[0]);
	rt_lock_release(held_locks[0]);
	rt_lock_release(held_locks[NHELD - 1]);
	return NULL;
}

static void *ring_step(void *arg)
{
	int i = (int)(long)arg;
	char name[32];
	snprintf(name, sizeof name, "ring-%d", i);
	rt_thread_register(name, "test");
	rt_lock_acquire(ring[i]);
	rt_lock_acquire(ring[(i + 1) % NRING]);
	rt_lock_release(ring[(i + 1) % NRING]);
	rt_lock_release(ring[i]);
	return NULL;
}

static int find_sig(const char *needle)
{
	int code;
	const char *kind, *sig, *text;
	for (int i = 0; rt_report_get(i, &code, &kind, &sig, &text) == 0; i++)
		if (strstr(sig, needle))
			return 1;
	return 0;
}

int main(void)
{
	rt_test_init("lockgraph_caps_test");
	rt_test_new_locks(held_locks, NHELD, "Cap.L%03d");
	rt_test_new_locks(ring, NRING, "Ring.R%02d");
	int fails = 0;
	rt_test_run(hold_all, NULL);
	if (max_held != NHELD) {
		fprintf(stderr, "FAIL: one thread held %d locks, expected %d\n", max_held, NHELD);
		fails++;
	}
	rt_test_run(reverse_pair, NULL);
	/* edges only from the most recent held lock (lockdep): the cycle is the
	 * whole chain L000 -> L001 -> ... -> L299 -> L000 */
	if (!find_sig("Cap.L000 -> Cap.L001 -> Cap.L002") || !find_sig("Cap.L298 -> Cap.L299 -> Cap.L000")) {
		fprintf(stderr, "FAIL: inversion under %d held locks not reported\n", NHELD);
		fails++;
	}
	for (int i = 0; i < NRING; i++)
		rt_test_run(ring_step, (void *)(long)i);
	/* the canonical cycle starts at the smallest name and walks all 70 */
	char want[64];
	snprintf(want, sizeof want, "Ring.R68 -> Ring.R69 -> Ring.R00");
	if (!find_sig("LOCKORDER:") || !find_sig("Ring.R00 -> Ring.R01 -> Ring.R02") || !find_sig(want)) {
		fprintf(stderr, "FAIL: the %d-lock cycle across %d threads was not reported whole\n", NRING,
			NRING);
		fails++;
	}
	if (rt_registry_count() < NRING + 2) {
		fprintf(stderr, "FAIL: registry has %d threads\n", rt_registry_count());
		fails++;
	}
	if (!fails)
		printf("PASS: %d held locks, a %d-lock cycle across %d threads, %d threads registered\n",
		       max_held, NRING, NRING, rt_registry_count());
	return fails ? 1 : 0;
}
