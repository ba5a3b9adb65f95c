# Races of the page-table walker (issue 10): pt_race reads vmas, pagetable
# and vtop while shared hugetlb PMD tables are unshared and freed, THPs
# split, MGLRU ages, the target dies mid-read; and measures how long the
# target's own mmap_lock writers stall under a walk. Each mode is bounded:
# 15 s on the debug kernel (KASAN and lockdep watch what the races touch),
# 5 s elsewhere; the churn soak 30 s on the debug kernel (issue 12 asks
# for at least that), 5 s elsewhere. MMLENS_VM_RACE_SECONDS overrides
# both. The host fails the cell on any kernel warning. Sourced by /init.
# See docs/walk-tests.md.
case $(uname -r) in
*-mmlens-debug) RACE_SECS=15 CHURN_SECS=30 ;;
*) RACE_SECS=5 CHURN_SECS=5 ;;
esac
RACE_SECS=${MMLENS_VM_RACE_SECONDS:-$RACE_SECS}
CHURN_SECS=${MMLENS_VM_RACE_SECONDS:-$CHURN_SECS}
RACE_HP=/sys/kernel/mm/hugepages/hugepages-2048kB
RACE_HUGE=/tmp/huge

# race_run MODE [ARG]: one pt_race mode, its lines as TAP results. A
# pt_race that dies, or hangs past four times its bound (set-up included),
# is a failure of its own.
race_run() {
	local _mode _rc
	_mode=$1
	shift
	timeout -s KILL $((RACE_SECS * 4 + 60)) \
		pt_race "$_mode" "$RACE_SECS" "$@" > /tmp/race.out 2>&1
	_rc=$?
	sed 's/^/TAP /' /tmp/race.out
	if [ $_rc -gt 1 ]; then
		nok "race: $_mode: pt_race ran to the end (exit status $_rc)"
	fi
}

# race_huge_on: a 2 MiB hugetlbfs at $RACE_HUGE and at least 8 free huge
# pages (the test touches 4, and the pool refills after punched holes).
race_huge_on() {
	local _free
	RACE_OLD_HP=$(cat $RACE_HP/nr_hugepages) || return 1
	mkdir -p $RACE_HUGE &&
		mount -t hugetlbfs -o pagesize=2M none $RACE_HUGE || return 1
	_free=$(cat $RACE_HP/free_hugepages)
	if [ "$_free" -lt 8 ]; then
		echo $((RACE_OLD_HP + 8 - _free)) > $RACE_HP/nr_hugepages
	fi
	_free=$(cat $RACE_HP/free_hugepages)
	echo "2 MiB huge pages: $(cat $RACE_HP/nr_hugepages), $_free free"
	[ "$_free" -ge 4 ]
}

race_huge_off() {
	umount $RACE_HUGE 2>/dev/null
	rmdir $RACE_HUGE 2>/dev/null
	[ -n "$RACE_OLD_HP" ] && echo "$RACE_OLD_HP" > $RACE_HP/nr_hugepages
}

diag "race: $RACE_SECS s per mode, $CHURN_SECS s of churn"
if race_huge_on > /tmp/race.huge 2>&1; then
	diag "race: $(tail -n 1 /tmp/race.huge)"
	race_run hugetlb-share $RACE_HUGE
else
	_why="no 2 MiB hugetlbfs with free pages: $(tail -n 1 /tmp/race.huge)"
	skip "race: hugetlb-share: reads succeed while PMD tables are shared, unshared and freed" \
		"$_why"
	skip "race: hugetlb-share: the hugetlb VMA only ever shows 2 MiB leaves" \
		"$_why"
fi
race_huge_off
# THP and MGLRU are checked by pt_race itself (skips with the reason).
race_run thp-split
race_run lru-age
race_run exit
race_run stall

# The churn soak (pt_churn, issue 12): khugepaged scanning at full speed
# and a small pid_max (so a held pid number is soon handed out again),
# both put back after; zram swap when the kernel has it, so MADV_PAGEOUT
# really swaps.
race_churn() {
	local _kh _old_scan _old_alloc _old_pages _old_pidmax _top _swap _khs _rc
	_kh=$THP_DIR/khugepaged
	_old_scan=$(cat $_kh/scan_sleep_millisecs 2>/dev/null)
	_old_alloc=$(cat $_kh/alloc_sleep_millisecs 2>/dev/null)
	_old_pages=$(cat $_kh/pages_to_scan 2>/dev/null)
	_old_pidmax=$(cat /proc/sys/kernel/pid_max)
	if [ -d $_kh ]; then
		echo 0 > $_kh/scan_sleep_millisecs
		echo 0 > $_kh/alloc_sleep_millisecs
		echo 4096 > $_kh/pages_to_scan
	fi
	# Above the pids in use, so that forks wrap soon.
	_top=$(ls -d /proc/[0-9]* | sed 's|/proc/||' | sort -n | tail -n 1)
	echo $((_top + 2000)) > /proc/sys/kernel/pid_max
	_swap=
	if zram_swap_on 64M > /dev/null 2>&1; then
		_swap=1
	fi
	_khs="khugepaged sleep 0"
	[ -d $_kh ] || _khs="no khugepaged (no THP)"
	diag "race: churn: pid_max $(cat /proc/sys/kernel/pid_max), $_khs, swap ${_swap:-off}"
	timeout -s KILL $((CHURN_SECS * 4 + 60)) pt_churn "$CHURN_SECS" \
		> /tmp/race.out 2>&1
	_rc=$?
	sed 's/^/TAP /' /tmp/race.out
	[ $_rc -gt 1 ] && nok "race: churn: pt_churn ran to the end (exit status $_rc)"
	[ -n "$_swap" ] && swapoff /dev/zram0
	zram_unload
	echo "$_old_pidmax" > /proc/sys/kernel/pid_max
	[ -n "$_old_scan" ] && echo "$_old_scan" > $_kh/scan_sleep_millisecs
	[ -n "$_old_alloc" ] && echo "$_old_alloc" > $_kh/alloc_sleep_millisecs
	[ -n "$_old_pages" ] && echo "$_old_pages" > $_kh/pages_to_scan
}
race_churn

# A VMA replaced and split under the walker (vmareplace): every report
# holds together across lock drops. On the debug kernels the module drops
# mmap_lock before every walk step (debug_drop_lock), so each resume path
# runs; elsewhere the target's mmap calls contend the lock. Two free
# 2 MiB huge pages for its hugetlb state.
race_vmareplace() {
	local _knob _hp_old _rc
	_knob=/sys/module/mmlens/parameters/debug_drop_lock
	_hp_old=$(cat $RACE_HP/nr_hugepages)
	echo $((_hp_old + 2)) > $RACE_HP/nr_hugepages
	[ -e $_knob ] && echo Y > $_knob
	diag "race: vmareplace: lock drop at every step: $(cat $_knob 2>/dev/null || echo 'no knob (not a debug kernel)')"
	timeout -s KILL $((RACE_SECS * 4 + 60)) vmareplace "$RACE_SECS" \
		> /tmp/race.out 2>&1
	_rc=$?
	[ -e $_knob ] && echo N > $_knob
	echo "$_hp_old" > $RACE_HP/nr_hugepages
	cat /tmp/race.out
	if [ $_rc -gt 1 ] || ! tail -n 1 /tmp/race.out |
		grep -q '^TAP # vmareplace: done$'; then
		nok "race: vmareplace ran to the end (exit status $_rc)"
	fi
}
race_vmareplace
