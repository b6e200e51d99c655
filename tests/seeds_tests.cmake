# SPDX-License-Identifier: Apache-2.0
# The seeds' own code as released (issue 18): real Rich and marimo from the
# pinned virtual environments build/venvs/ENV (scripts/make-venvs.sh, lock
# files seeds/lock/ENV.txt), chosen with the knob py_venv.  Label "seeds".
# seeds_venvs makes the environments first (it needs PyPI; ~2 min on a fresh
# clone, < 1 s after); the others DEPEND on it and call make-venvs.sh for
# their own environment too, so each also runs alone.  Without network, or
# in builds without embedded Python, they exit 69 with one SKIPPED line and
# ctest reports them skipped (SKIP_RETURN_CODE), never passed.
#   ctest --preset default -L seeds
rt_sh_test(seeds_venvs                  seeds/seeds_venvs.sh  600 "seeds;python")
rt_sh_test(seeds_offline_skip           seeds/seeds_offline.sh 60 "seeds;parser")
rt_sh_test(seeds_rich_14_2_0_deadlocks  seeds/seeds_rich.sh   240 "seeds;python;stress;watchdog;lockorder"
           rich-14.2.0 deadlock)
rt_sh_test(seeds_rich_14_2_0_noredirect_clean seeds/seeds_rich.sh 240 "seeds;python;stress;clean"
           rich-14.2.0 clean)
rt_sh_test(seeds_rich_newest_deadlocks  seeds/seeds_rich.sh   240 "seeds;python;stress;watchdog;lockorder"
           rich-15.0.0 deadlock)
rt_sh_test(seeds_marimo_0_19_11_findings seeds/seeds_marimo.sh 240 "seeds;python;stress;oracle"
           0.19.11)
rt_sh_test(seeds_marimo_0_20_0_clean    seeds/seeds_marimo.sh 240 "seeds;python;stress;clean"
           0.20.0)
set(_seeds_tests seeds_rich_14_2_0_deadlocks seeds_rich_14_2_0_noredirect_clean
    seeds_rich_newest_deadlocks seeds_marimo_0_19_11_findings seeds_marimo_0_20_0_clean)
set_tests_properties(seeds_venvs ${_seeds_tests} PROPERTIES SKIP_RETURN_CODE 69)
set_tests_properties(${_seeds_tests} PROPERTIES DEPENDS seeds_venvs)
