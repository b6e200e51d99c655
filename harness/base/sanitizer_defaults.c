/* SPDX-License-Identifier: Apache-2.0 */
/* sanitizer_defaults.c - one exit code for every sanitizer report (66, see
 * README), so a sanitizer error never looks like a harness verdict; TSan
 * keeps both stacks of a lock-order inversion. */
#include "base/sanitizer_defaults.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define RT_HAVE_SAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define RT_HAVE_SAN 1
#endif

#ifdef RT_HAVE_SAN
const char *__tsan_default_options(void);
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "exitcode=66:second_deadlock_stack=1:history_size=4";
}
const char *__asan_default_options(void) { return "exitcode=66:detect_leaks=1"; }
#endif
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:exitcode=66:print_stacktrace=1";
}

/* Sanitizer reports to fd instead of fd 2, which a target under test may
 * have dup2-ed onto one of its pipes (a full one, even).  Also start the
 * external symbolizer now: started lazily at the first report, its pipes
 * would get descriptor numbers such a target used before, and its stale
 * dup2/close of those numbers would cut the sanitizer off mid-report. */
void rt_sanitizer_report_fd(int fd);
#ifdef RT_HAVE_SAN
#include <sanitizer/common_interface_defs.h>
#include <stdint.h>
void rt_sanitizer_report_fd(int fd)
{
	char buf[256];
	__sanitizer_set_report_fd((void *)(intptr_t)fd);
	__sanitizer_symbolize_pc(__builtin_return_address(0), "%p %F %L", buf, sizeof buf);
}
#else
void rt_sanitizer_report_fd(int fd) { (void)fd; }
#endif

int rt_sanitizer_is_tsan(void)
{
#if defined(__SANITIZE_THREAD__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
	return 1;
#endif
#endif
	return 0;
}

#include <sys/syscall.h>
#include <unistd.h>

void rt_exit_child(int code)
{
	if (rt_sanitizer_is_tsan())
		syscall(SYS_exit_group, code);
	_exit(code);
}
