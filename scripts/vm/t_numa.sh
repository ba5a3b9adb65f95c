# The numa report (debugfs and /proc/mmlens) against /proc/PID/numa_maps:
# numa_check (userspace/tests/numa_check.c) builds a process with every
# kind of memory policy and compares each VMA's policy and node counts
# while its page mover is stopped; then the file rules the other report
# files follow (modes, access, per-fd pid). Sourced by /init.
W=/sys/kernel/debug/mmlens
NODES=$(cat /sys/devices/system/node/has_memory 2>/dev/null || echo 0)

numa_files() {
	for f in $W/numa /proc/mmlens/numa; do
		m=$(stat -c %a "$f") || return 1
		echo "$f $m"
		[ "$m" = 600 ] || return 1
	done
}

# numa_rules PID: CAP_SYS_ADMIN at open (EPERM without, debugfs EACCES
# for a non-root user), a pid bound once per fd (EBUSY), ESRCH for none.
numa_rules() {
	for f in $W/numa /proc/mmlens/numa; do
		expect_line "EPERM open" runas -c 21 ioprobe rdwr "$f" "$1" ||
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
	numa_huge_old=
	for d in /sys/devices/system/node/node*/hugepages/hugepages-2048kB; do
		[ -d "$d" ] || continue
		numa_huge_old="$numa_huge_old $d=$(cat "$d/nr_hugepages")"
		echo "$1" > "$d/nr_hugepages"
		diag "numa: $d: $(cat "$d/free_hugepages") free"
	done
}

numa_huge_restore() {
	for kv in $numa_huge_old; do
		echo "${kv#*=}" > "${kv%=*}/nr_hugepages"
	done
}

diag "numa: nodes with memory: $NODES"
check "numa: files are 0600 in debugfs and /proc/mmlens" numa_files
sleep 600 &
numa_sp=$!
check "numa: open needs CAP_SYS_ADMIN; bad pids EINVAL/ESRCH" numa_rules $numa_sp
kill $numa_sp
wait $numa_sp 2>/dev/null

# khugepaged would collapse (and so move) pages between the two reads a
# comparison takes; the other movers /init already stopped.
khp=/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs
khp_old=$(cat $khp 2>/dev/null)
[ -n "$khp_old" ] && echo 3600000 > $khp
numa_huge_set 2
tap_program "numa" numa_check 3
numa_huge_restore
[ -n "$khp_old" ] && echo "$khp_old" > $khp
