/* sanitizer_defaults.c - one exit code for every sanitizer report (66, see
 * README), so a sanitizer error never looks like a harness verdict; TSan
 * keeps both stacks of a lock-order inversion. */
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
