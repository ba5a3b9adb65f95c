# Page-table walker files (debugfs target, vmas, pagetable, vtop) against
# the kernel's own views (/proc/PID/maps, smaps, pagemap), scenario by
# scenario; then bad inputs, lifetimes, pid namespaces and access.
# Sourced by /init. See docs/walk-tests.md.
W=/sys/kernel/debug/mmlens
LEVELS=4
grep -q ' la57' /proc/cpuinfo && LEVELS=5
MEM_KB=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)
H1G=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages

# The same four files in /proc/mmlens (for kernels in lockdown): same
# modes, and for a sleeping process the same vmas, pagetable and vtop as
# debugfs.
walk_proc_files() {
	local f m _sp _a _r _in
	for f in target vmas pagetable vtop; do
		m=$(stat -c %a "/proc/mmlens/$f") || return 1
		[ "$m" = 600 ] || { echo "/proc/mmlens/$f mode $m"; return 1; }
	done
	sleep 600 &
	_sp=$!
	_a=$(sed -n '1s/-.*//p' /proc/$_sp/maps)
	_r=0
	for f in vmas pagetable "vtop $_a"; do
		_in="$_sp${f#"${f%% *}"}"
		ioprobe rdwr "/proc/mmlens/${f%% *}" "$_in" \
			> /dev/null 2> /tmp/wp.proc &&
		ioprobe rdwr "$W/${f%% *}" "$_in" > /dev/null 2> /tmp/wp.dbg &&
		[ -s /tmp/wp.proc ] && cmp /tmp/wp.proc /tmp/wp.dbg || _r=1
	done
	{ echo $_sp > /proc/mmlens/target && grep -q "^$_sp " $W/target; } || _r=1
	kill $_sp
	wait $_sp 2>/dev/null
	return $_r
}

walk_files() {
	local f m
	for f in target vmas pagetable vtop; do
		m=$(stat -c %a "$W/$f") || return 1
		echo "$f $m"
		[ "$m" = 600 ] || return 1
	done
}

# zram swap (zram_swap_on: scripts/vm/lib.sh).
walk_swap_on() {
	zram_swap_on 64M && grep zram0 /proc/swaps
}

walk_swap_off() {
	swapoff /dev/zram0 2>/dev/null
	zram_unload
}

# walk_run OUTFILE CMD...: run a checker, turn its lines into TAP lines;
# a checker that dies (rather than reporting failures) is a failure too.
walk_run() {
	local _out _rc
	_out=$1
	shift
	"$@" > "$_out" 2>&1
	_rc=$?
	sed 's/^/TAP /' "$_out"
	if [ $_rc -gt 1 ]; then
		nok "walk: $* exited with $_rc"
	fi
}

# walk_scen SCENARIO LABEL: build it with pt_scen, check every process.
walk_scen() {
	local _s _label _f _sp _pid _child
	_s=$1
	_label="walk: $2"
	_f=/tmp/scen.$_s
	rm -f "$_f"	# the last run's "ready" would pass for this one's
	pt_scen "$_s" > "$_f" 2>&1 &
	_sp=$!
	if ! wait_until $_sp 600 0.1 grep -q '^ready' "$_f"; then
		nok "$_label: scenario built"
		sed 's/^/TAP #   /' "$_f" | head -n 20
		kill $_sp 2>/dev/null
		wait $_sp 2>/dev/null
		return
	fi
	grep '^note' "$_f" | sed "s/^note/TAP # $_s:/"
	_pid=$(awk '$1 == "pid" { print $2 }' "$_f")
	_child=$(awk '$1 == "child" { print $2 }' "$_f")
	if [ -n "$_child" ]; then
		walk_run /tmp/ptc.out pt_check full "$_label parent" "$_pid" \
			"$LEVELS" "$_f"
		walk_run /tmp/ptc.out pt_check full "$_label child" "$_child" \
			"$LEVELS" "$_f"
		walk_run /tmp/ptc.out pt_check pair "$_label" "$_f"
	else
		walk_run /tmp/ptc.out pt_check full "$_label" "$_pid" \
			"$LEVELS" "$_f"
	fi
	# the same runs through the binary interface, 7 records a call
	[ "$3" != mutate ] && tap_program "$_label: binary runs" pt_runs same \
		"$_label: binary runs" "$_pid" 7
	[ "$3" = time ] && walk_run /tmp/ptc.out pt_check time "$_label" "$_pid"
	[ "$3" = mutate ] && check "walk: pt_check catches planted errors" \
		walk_mutations "$_pid" "$_f"
	kill $_sp
	wait $_sp 2>/dev/null
}

# walk_mutations PID SCENFILE: each error planted in mmlens's answers
# (pt_check's PT_CHECK_MUTATE) fails the check that should catch it.
walk_mutations() {
	local _m _what
	while IFS='|' read -r _m _what; do
		[ "$_m" = swap ] && [ "$SWAP" != 1 ] && continue
		PT_CHECK_MUTATE=$_m pt_check full "mut $_m" "$1" "$LEVELS" \
			"$2" > /tmp/mut.out 2>&1
		if ! grep -q "^not ok mut $_m: $_what" /tmp/mut.out; then
			echo "planted '$_m' not caught by '$_what':"
			cat /tmp/mut.out
			return 1
		fi
		echo "planted '$_m' caught by '$_what'"
	done <<-EOF
	pfn|pagetable present/pfn/swap == pagemap
	swap|pagetable present/pfn/swap == pagemap
	hole|pagetable present/pfn/swap == pagemap
	nx|pagetable flags consistent with VMA perms
	rw|scenario pages as built
	split|pagetable runs well-formed, maximal
	ptables|vmas ptables exact
	runs|vmas runs == pfn-contiguous
	present|vmas present/swap == pagemap
	dirty|vmas dirty/young == pagetable flags
	pmd|vmas pmd/pud == smaps
	name|vmas list == /proc/PID/maps
	pgoff|vmas list == /proc/PID/maps
	vtop|vtop == pagemap
	EOF
}

walk_bad_pids() {
	local f op bad
	for f in target vmas pagetable; do
		if [ $f = target ]; then op="write"; else op="rdwr"; fi
		for bad in abc -5 0 2147483648 99999999999999999999 "1 2" \
			"0x10" 2; do
			expect_line "EINVAL write" ioprobe $op $W/$f "$bad" || return 1
		done
		expect_line "ESRCH write" ioprobe $op $W/$f 2147483647 || return 1
	done
	for bad in zzz "0 1000" "2 1000" "-1 1000" "1 2 3"; do
		expect_line "EINVAL write" ioprobe rdwr $W/vtop "$bad" || return 1
	done
	expect_line "ESRCH write" ioprobe rdwr $W/vtop "2147483647 1000"
}

walk_target_rw() {
	local sp comm got pid
	sleep 1000 &
	sp=$!
	sleep 0.2
	# busybox may run the applet through /proc/self/exe: comm "exe"
	comm=$(cat /proc/$sp/comm)
	echo "$sp" > $W/target || return 1
	got=$(cat $W/target)
	echo "target: $got (comm $comm)"
	[ "$got" = "$sp $comm" ] || return 1
	# with a newline, as echo writes it, and without
	printf '%s' "$sp" > $W/target || return 1
	[ "$(cat $W/target)" = "$sp $comm" ] || return 1
	# a refused write leaves the target as it was
	echo 0 > $W/target 2>/dev/null && return 1
	[ "$(cat $W/target)" = "$sp $comm" ] || return 1
	# the global target drives vmas, pagetable and vtop
	cat $W/vmas > /tmp/g.vmas && ioprobe rdwr $W/vmas "$sp" \
		2> /tmp/f.vmas > /dev/null || return 1
	cmp /tmp/g.vmas /tmp/f.vmas || return 1
	# a pid written on the fd wins over the global target
	ioprobe rdwr $W/pagetable "$1" 2>&1 > /dev/null | head -n 1 |
		grep -q "^# pid=$1 comm=pt_scen " || return 1
	head -n 1 $W/pagetable |
		grep -q "^# pid=$sp comm=$comm levels=$LEVELS\$" || return 1
	kill $sp
	wait $sp 2>/dev/null
	return 0
}

walk_target_exit() {
	local sp
	sleep 1000 &
	sp=$!
	echo "$sp" > $W/target || return 1
	kill $sp
	wait $sp 2>/dev/null
	echo "target after exit: $(cat $W/target)"
	expect_line "ESRCH read" ioprobe read $W/vmas || return 1
	expect_line "ESRCH read" ioprobe read $W/pagetable || return 1
	expect_line "ESRCH read" ioprobe rdwr $W/vtop 400000
}

walk_vtop_forms() {
	local pid addr
	pid=$1 addr=$2
	echo "$$" > $W/target || return 1
	# "ADDR" after "PID ADDR" on one fd: that fd's pid, not the target
	expect_line same pt_probe vtop2 "$pid" "$addr" || return 1
	echo "$pid" > $W/target || return 1
	ioprobe rdwr $W/vtop "$addr" 2> /tmp/v1 > /dev/null || return 1
	ioprobe rdwr $W/vtop "0x$addr" 2> /tmp/v2 > /dev/null || return 1
	ioprobe rdwr $W/vtop "$pid $addr" 2> /tmp/v3 > /dev/null || return 1
	cat /tmp/v1
	grep -q '^pfn=' /tmp/v1 && cmp /tmp/v1 /tmp/v2 && cmp /tmp/v1 /tmp/v3
}

# Root without CAP_SYS_ADMIN (21) or without CAP_SYS_PTRACE (19): EPERM
# at open, in both homes; another user: EACCES (the mode).
walk_access() {
	local pid f cap
	pid=$1
	for f in $W/target $W/vmas $W/pagetable $W/vtop /proc/mmlens/target \
		/proc/mmlens/vmas /proc/mmlens/pagetable /proc/mmlens/vtop; do
		for cap in 21 19; do
			expect_line "EPERM open" runas -c $cap ioprobe rdwr \
				$f "$pid" || return 1
		done
		expect_line "EACCES open" runas 65534 ioprobe rdwr $f "$pid" ||
			return 1
	done
	expect_line "EPERM open" runas -c 21 ioprobe read $W/target &&
		expect_line "EPERM open" runas -c 19 ioprobe read $W/target
}

walk_passfd() {
	local pid addr
	pid=$1 addr=$2
	expect_line "fresh=EPERM passed=ok" pt_probe passfd $W/vmas "$pid" &&
	expect_line "fresh=EPERM passed=ok" pt_probe passfd $W/pagetable "$pid" &&
	expect_line "fresh=EPERM passed=ok" pt_probe passfd $W/vtop "$pid $addr" &&
	expect_line "fresh=EPERM passed=ok" pt_probe passfd $W/target "$pid"
}

# walk_dd_target PID: the target set, then a pid written a byte at a time.
walk_dd_target() {
	echo "$1" > $W/target || return 1
	if printf '1%s' "$1" | dd bs=1 of=$W/target 2> /tmp/dd.err; then
		echo "dd succeeded"
		return 1
	fi
	cat /tmp/dd.err
	grep -q 'Invalid argument' /tmp/dd.err &&
		[ "$(cut -d' ' -f1 $W/target)" = "$1" ]
}

walk_pidns() {
	local _nsp
	if ! unshare -p -f true 2>/dev/null; then
		skip "walk: pid namespace" "unshare -p -f does not work here"
		return
	fi
	# The global target and an fd bound to it (fd 5), set out here,
	# are a process the namespace cannot see.
	sleep 600 &
	_nsp=$!
	echo $_nsp > $W/target
	exec 5<> $W/vmas
	echo $_nsp >&5
	unshare -p -f pt_probe nsinit 5 > /tmp/ns.out 2>&1
	exec 5>&-
	kill $_nsp
	wait $_nsp 2>/dev/null
	sed 's/^/TAP /' /tmp/ns.out
	grep -q '^ok walk: pid namespace: helper is pid 1' /tmp/ns.out ||
		nok "walk: pid namespace: helper ran"
}

# ------------------------------------------------------------- setup
check "walk: debugfs files exist, mode 0600" walk_files
check "walk: /proc/mmlens target, vmas, pagetable, vtop 0600, same reports as debugfs" \
	walk_proc_files

if [ "$(cat $W/target 2>/dev/null)" = none ]; then
	ok "walk: target reads none before any write"
	check "walk: vmas with no target at all is ESRCH" \
		expect_line "ESRCH read" ioprobe read $W/vmas
	check "walk: pagetable with no target at all is ESRCH" \
		expect_line "ESRCH read" ioprobe read $W/pagetable
else
	skip "walk: target reads none before any write" \
		"target already set: $(cat $W/target)"
fi

if walk_swap_on > /tmp/swap.out 2>&1; then
	diag "walk: zram swap on: $(tail -n 1 /tmp/swap.out)"
	SWAP=1
else
	SWAP=0
	sed 's/^/TAP #   /' /tmp/swap.out
fi
OLD_HP=$(cat /proc/sys/vm/nr_hugepages)
[ "$OLD_HP" -ge 4 ] || echo 4 > /proc/sys/vm/nr_hugepages
diag "walk: levels=$LEVELS, 2 MiB huge pages $(cat /proc/sys/vm/nr_hugepages)," \
	"1 GiB huge pages $(cat $H1G 2>/dev/null)"

# ---------------------------------------------------------- scenarios
walk_run /tmp/ptc.out pt_check full "walk: pid 1 (/init)" 1 "$LEVELS"
walk_scen anon "anon private"
walk_scen zero "zero page"
walk_scen file "file private+shared (tmpfs)"
walk_scen shanon "shared anon"
walk_scen fork "fork cow"
walk_scen mprotect "mprotect splits"
if [ -d "$THP_DIR" ]; then
	walk_scen thp "thp"
else
	skip "walk: thp" "$NO_THP_WHY"
fi
walk_scen hugetlb "hugetlb 2M"
if [ "$SWAP" = 1 ]; then
	walk_scen swap "swap (zram, MADV_PAGEOUT)" mutate
else
	skip "walk: swap (zram, MADV_PAGEOUT)" "no zram swap device"
	walk_scen anon "anon private (planted errors)" mutate
fi
walk_scen resv "1 TiB PROT_NONE reservation"
walk_scen softdirty "soft-dirty after clear_refs"
walk_scen names "names: 300-byte file name and comm with a newline"
if overlay_load > /tmp/ovl.out 2>&1; then
	diag "walk: overlayfs: $(tail -n 1 /tmp/ovl.out)"
else
	sed 's/^/TAP #   /' /tmp/ovl.out
fi
walk_scen vmanames "names: a file through overlayfs, [anon:] and [anon_shmem:] VMAs"
umount /tmp/ovl 2>/dev/null

# 1 GiB pages: reserved at boot or, on a cell with room, now.
OLD_1G=$(cat $H1G 2>/dev/null || echo 0)
if [ -e $H1G ] && [ "$OLD_1G" -lt 1 ] && [ "$MEM_KB" -gt 4000000 ]; then
	echo 1 > $H1G
fi
if [ "$(cat $H1G 2>/dev/null || echo 0)" -ge 1 ]; then
	walk_scen hugetlb1g "hugetlb 1G"
	walk_scen hugetlb1g-protnone "hugetlb 1G PROT_NONE"
else
	for _what in "hugetlb 1G" "hugetlb 1G PROT_NONE"; do
		skip "walk: $_what" \
			"no 1 GiB huge page: none reserved at boot (hugepagesz=1G hugepages=1), none allocatable now (MemTotal ${MEM_KB} kB)"
	done
fi
[ -e $H1G ] && echo "$OLD_1G" > $H1G

if [ "$MEM_KB" -gt 3000000 ]; then
	walk_scen big "1 GiB touched, 1 GiB aligned" time
else
	skip "walk: 1 GiB touched, 1 GiB aligned" \
		"MemTotal ${MEM_KB} kB: not enough memory"
fi

# A report of many chunks (docs/walk.md: streamed in bounded memory):
# the scenario's oracle above, then the same bytes however it is read,
# the module's memory while a reader holds it, and a target that exits
# between two chunks.
walk_scen zeroscan "256 MiB only read (a zero-page run per page): streamed pagetable"

# zeroscan_start: the scenario as the global target; sets zs_pid. The
# output file goes first: the last run's "ready" in it, read before the
# new process truncates it, would pass for this one's.
zeroscan_start() {
	rm -f /tmp/zs.out
	pt_scen zeroscan > /tmp/zs.out 2>&1 &
	zs_pid=$!
	wait_until $zs_pid 600 0.1 grep -q '^ready' /tmp/zs.out &&
		echo $zs_pid > $W/target
}

zeroscan_stop() {
	kill $zs_pid 2>/dev/null
	wait $zs_pid 2>/dev/null
}

walk_stream_reads() {
	local rc bytes
	zeroscan_start || { zeroscan_stop; return 1; }
	dd if=/proc/mmlens/pagetable of=/tmp/zs.1m bs=1M 2>/dev/null &&
		dd if=/proc/mmlens/pagetable of=/tmp/zs.4k bs=4k 2>/dev/null &&
		dd if=/proc/mmlens/pagetable of=/tmp/zs.skip bs=1000 \
			skip=3000 count=2000 2>/dev/null
	rc=$?
	zeroscan_stop
	[ $rc = 0 ] || return 1
	bytes=$(wc -c < /tmp/zs.1m)
	echo "$bytes bytes, $(wc -l < /tmp/zs.1m) lines"
	[ "$bytes" -gt $((3 << 20)) ] ||
		{ echo "under 3 MiB: not a report of several chunks"; return 1; }
	cmp /tmp/zs.1m /tmp/zs.4k &&
		dd if=/tmp/zs.1m bs=1000 skip=3000 count=2000 2>/dev/null |
		cmp - /tmp/zs.skip
}

# zeroscan_hold: on stdin the target's pagetable, past its first line:
# the kernel memory before the read, after the first line and at the end
# (the fd still open), in kB.
zeroscan_hold() {
	local before mid line
	before=$(kernel_kb)
	read -r line
	mid=$(kernel_kb)
	cat > /dev/null
	echo "$before $mid $(kernel_kb) $line"
}

walk_stream_memory() {
	local before mid end line
	zeroscan_start || { zeroscan_stop; return 1; }
	zeroscan_hold < /proc/mmlens/pagetable > /tmp/zs.mem
	zeroscan_stop
	read -r before mid end line < /tmp/zs.mem
	echo "Slab+VmallocUsed: $before kB before, $mid kB after the first" \
		"line, $end kB at the end, the fd open ($line)" |
		tee /tmp/zs.memdiag
	[ $((mid - before)) -lt 2048 ] && [ $((end - before)) -lt 2048 ]
}

# zeroscan_cut: on stdin the target's pagetable; kills the target after
# the first line, then reads on (its errors in /tmp/zs.err).
zeroscan_cut() {
	local line
	read -r line
	zeroscan_stop
	echo "first line: $line"
	cat > /dev/null 2> /tmp/zs.err
	echo "read on after the kill: exit $?, $(cat /tmp/zs.err)"
}

walk_stream_exit() {
	zeroscan_start || { zeroscan_stop; return 1; }
	zeroscan_cut < /proc/mmlens/pagetable
	grep -q 'No such process' /tmp/zs.err
}

check "walk: streamed pagetable: the same bytes in 1 MiB reads, 4 KiB reads and from an offset" \
	walk_stream_reads
check "walk: streamed pagetable: kernel memory while a reader holds it under 2 MiB" \
	walk_stream_memory
diag "walk: streamed pagetable: $(cat /tmp/zs.memdiag 2>/dev/null)"
check "walk: streamed pagetable: a target killed between two chunks is ESRCH" \
	walk_stream_exit
ZH_MB=${MMLENS_VM_HUGE_MB:-16384}
check "walk: ${ZH_MB} MiB only read: cat reads it in under 2 MiB of kernel memory; lines, records and pagemap's runs as many" \
	huge_report "$ZH_MB" "walk: ${ZH_MB} MiB only read"
sed -n -e 's/^TAP # walk: /TAP # walk: huge report: /p' \
	-e 's/^huge_report: /TAP # walk: huge report: /p' /tmp/check.out

# ---------------------------------------------- inputs and lifetimes
pt_scen anon > /tmp/scen.probe 2>&1 &
PSP=$!
wait_until $PSP 100 0.1 grep -q '^ready' /tmp/scen.probe
PPID_=$(awk '$1 == "pid" { print $2 }' /tmp/scen.probe)
PADDR=$(awk '$1 == "page" && $4 == "rw-dirty" { sub("^0x", "", $3);
	print $3; exit }' /tmp/scen.probe)

check "walk: bad pids: EINVAL (garbage, <= 0, > INT_MAX, kthread), ESRCH (none)" \
	walk_bad_pids
check "walk: target write/read, global target drives the reports" \
	walk_target_rw "$PPID_"
check "walk: target exited before the read: ESRCH" walk_target_exit
check "walk: vmas fd whose pid exited: ESRCH on read" \
	expect_line "ESRCH read" pt_probe exitread $W/vmas "%d"
check "walk: pagetable fd whose pid exited: ESRCH on read" \
	expect_line "ESRCH read" pt_probe exitread $W/pagetable "%d"
check "walk: vtop fd whose pid exited: ESRCH on read" \
	expect_line "ESRCH read" pt_probe exitread $W/vtop "%d 400000"
check "walk: vtop ADDR forms (fd pid, global target, 0x)" \
	walk_vtop_forms "$PPID_" "$PADDR"
check "walk: without CAP_SYS_ADMIN or CAP_SYS_PTRACE EPERM, as nobody EACCES" \
	walk_access "$PPID_"
check "walk: fd opened with CAP_SYS_ADMIN works after dropping it" \
	walk_passfd "$PPID_" "$PADDR"
walk_pidns
# Hostile and split input, offsets, rebinding, fd passing (the C table is
# docs/security.md's); then the issue's own example with dd.
tap_program walk inputcheck
tap_program "walk: binary runs" pt_runs args "walk: binary runs" "$PSP"
tap_program "walk: binary runs, fuzzed" pt_runs fuzz "walk: binary runs" \
	"$PSP" 20000
check "walk: printf PID | dd bs=1 of=target fails and leaves the target alone" \
	walk_dd_target "$PPID_"
for f in pagetable vmas; do
	pt_probe race $W/$f 30 > /tmp/race.out 2>&1
	diag "walk: race $f: $(head -n 1 /tmp/race.out)"
	check "walk: process exits during long $f reads (complete or ESRCH)" \
		sh -c "cat /tmp/race.out; grep -q '^ok' /tmp/race.out"
done
kill $PSP
wait $PSP 2>/dev/null

# ----------------------------------------------------------- cleanup
echo "$OLD_HP" > /proc/sys/vm/nr_hugepages
[ "$SWAP" = 1 ] && walk_swap_off
