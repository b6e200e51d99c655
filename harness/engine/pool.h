/* SPDX-License-Identifier: Apache-2.0 */
/* pool.h - reusable threads for driver jobs.  Controlled exploration runs
 * thousands of short executions per second; creating and tearing down 9
 * threads for each one cost more than the execution itself. */
#ifndef RT_POOL_H
#define RT_POOL_H

/* Run fn(arg) on an idle pool thread (started lazily, never before the
 * first job: AFL++ forks after initialization).  Returns a handle >= 0, or
 * -1 if no thread could be started. */
int rt_pool_run(void *(*fn)(void *), void *arg);
/* Wait until the job behind handle returned; the thread becomes idle. */
void rt_pool_join(int handle);

#endif
