# The numa report (debugfs and /proc/mmlens) against /proc/PID/numa_maps:
# numa_check (userspace/tests/numa_check.c) builds a process with every
# kind of memory policy and compares each VMA's policy and node counts
# while its page mover is stopped; then the file rules the other report
# files follow (modes, access, per-fd pid). Sourced by /init.
W=/sys/kernel/debug/mmlens
NODES=$(cat /sys/devices/system/node/has_memory 2>/dev/null || echo 0)

numa_files() {
	local f m
	for f in $W/numa /proc/mmlens/numa; do
		m=$(stat -c %a "$f") || return 1
		echo "$f $m"
		[ "$m" = 600 ] || return 1
	done
}

# numa_rules PID: CAP_SYS_ADMIN and CAP_SYS_PTRACE at open (EPERM
# without either, debugfs EACCES for a non-root user), a pid bound once
# per fd (EBUSY), ESRCH for none.
numa_rules() {
	local f
	for f in $W/numa /proc/mmlens/numa; do
		expect_line "EPERM open" runas -c 21 ioprobe rdwr "$f" "$1" ||
			return 1
		expect_line "EPERM open" runas -c 19 ioprobe rdwr "$f" "$1" ||
			return 1
		expect_line "fresh=EPERM passed=ok" pt_probe passfd "$f" "$1" ||
			return 1
		expect_line "ESRCH write" ioprobe rdwr "$f" 2147483647 ||
			return 1
		expect_line "EINVAL write" ioprobe rdwr "$f" "x" || return 1
	done
	expect_line "EACCES open" runas 65534 ioprobe rdwr $W/numa "$1"
}

# numa_huge_set N: N free 2 MiB huge pages on every node with memory (the
# old pool sizes are restored by numa_huge_restore).
numa_huge_set() {
	local d
	numa_huge_old=
	for d in /sys/devices/system/node/node*/hugepages/hugepages-2048kB; do
		[ -d "$d" ] || continue
		numa_huge_old="$numa_huge_old $d=$(cat "$d/nr_hugepages")"
		echo "$1" > "$d/nr_hugepages"
		diag "numa: $d: $(cat "$d/free_hugepages") free"
	done
}

numa_huge_restore() {
	local kv
	for kv in $numa_huge_old; do
		echo "${kv#*=}" > "${kv%=*}/nr_hugepages"
	done
}

# ---- capture mode (scripts/capture-fixtures.sh, two-node cells) ----

numa_put() {
	echo "MMLENS-FILE-BEGIN $1"
	if [ -n "${2:-}" ]; then cat "$2"; else cat; fi
	echo "MMLENS-FILE-END"
}

# The frag files, and vmas, pagetable and numa of numa_check's workload
# (without its mover) as a snapshot for `mmlens --root`, and the tool's
# --numa output in the VM.
numa_capture() {
	local _hp _pid f
	numa_huge_set 2
	rm -f /tmp/numa.hold
	numa_check hold > /tmp/numa.hold 2>&1 &
	_hp=$!
	if ! wait_until $_hp 600 0.1 grep -q '^ready' /tmp/numa.hold; then
		nok "numa: capture: workload ready"
		return
	fi
	_pid=$(awk '/^ready/ { print $2 }' /tmp/numa.hold)
	# With the cli capture in the same boot, its frag files (taken under
	# the fragment workload) are the snapshot's.
	[ -n "${MMLENS_CLI_CAPTURE:-}" ] ||
		for f in version buddyinfo pagetypeinfo extfrag_index \
			unusable_index fraginfo watermarks compaction pageblocks; do
			[ -e "/proc/mmlens/$f" ] &&
				numa_put "a/proc/mmlens/$f" "/proc/mmlens/$f"
		done
	for f in vmas pagetable numa; do
		: | numa_put "a/sys/kernel/debug/mmlens/$f"
		ioprobe rdwr $W/$f "$_pid" 2> "/tmp/cap.$f" > /dev/null
		numa_put "a/sys/kernel/debug/mmlens/pids/$_pid/$f" "/tmp/cap.$f"
	done
	export NO_COLOR=1 COLUMNS=100
	uname -r | numa_put out/uname.txt
	mmlens vmas --numa "$_pid" 2>&1 | numa_put out/vmas-numa.txt
	mmlens map --numa "$_pid" --width 100 2>&1 | numa_put out/map-numa.txt
	unset NO_COLOR COLUMNS
	kill "$_pid"
	wait $_hp 2>/dev/null
	numa_huge_restore
	ok "numa: capture done"
}

if [ -n "${MMLENS_NUMA_CAPTURE:-}" ]; then
	numa_capture
	return 0
fi

diag "numa: nodes with memory: $NODES"
check "numa: files are 0600 in debugfs and /proc/mmlens" numa_files
sleep 600 &
numa_sp=$!
check "numa: open needs CAP_SYS_ADMIN and CAP_SYS_PTRACE; bad pids EINVAL/ESRCH" numa_rules $numa_sp
kill $numa_sp
wait $numa_sp 2>/dev/null

# khugepaged would collapse (and so move) pages between the two reads a
# comparison takes; the other movers /init already stopped.
khp=$THP_DIR/khugepaged/scan_sleep_millisecs
khp_old=$(cat $khp 2>/dev/null)
[ -n "$khp_old" ] && echo 3600000 > $khp
numa_huge_set 2
tap_program "numa" numa_check 3
numa_huge_restore
[ -n "$khp_old" ] && echo "$khp_old" > $khp
