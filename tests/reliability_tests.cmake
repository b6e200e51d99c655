# Reliability (issue 11): the harness never hangs, never lies, never loses its
# evidence.  Included from tests/CMakeLists.txt; rt_sh_test scales TIMEOUTs.
rt_sh_test(reliab_ctl_threads     reliab_ctl_threads.sh     300 "reliability;controlled")
