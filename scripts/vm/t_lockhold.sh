# zone->lock hold times of /proc/mmlens/pagetypeinfo against the kernel's
# /proc/pagetypeinfo, from lockdep's lock statistics: only the debug
# kernel has them (CONFIG_LOCK_STAT). A benchmark like t_bench.sh: it
# asserts that the program ran, not the numbers (scripts/lockhold.sh
# prints the table; docs/perf.md explains it). Two states: as booted,
# where the free lists are short, and under the fragment workload, where
# one free list per zone runs to tens of thousands of entries and the
# list walks are the long holds on both sides.
rounds=${MMLENS_VM_BENCH_ROUNDS:-7}
reads=${MMLENS_VM_LOCKHOLD_READS:-20}

if [ -w /proc/sys/kernel/lock_stat ]; then
	echo 1 > /proc/sys/kernel/lock_stat
fi
check "lockhold: lockhold_bench ran, as booted ($rounds rounds)" \
	lockhold_bench booted "$rounds" "$reads"
grep '^TAP #' /tmp/check.out

if fragment_start; then
	diag "lockhold: fragment: $(cat /tmp/fragment.out)"
	check "lockhold: lockhold_bench ran, fragmented ($rounds rounds)" \
		lockhold_bench fragmented "$rounds" "$reads"
	grep '^TAP #' /tmp/check.out
else
	nok "lockhold: fragment workload ready"
fi
fragment_stop
