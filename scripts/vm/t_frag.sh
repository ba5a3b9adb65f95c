# Fragmentation files against the kernel's own. Sourced by /init.
KPT=/proc/pagetypeinfo
KEXT=/sys/kernel/debug/extfrag/extfrag_index
KUNU=/sys/kernel/debug/extfrag/unusable_index
M=/proc/mmlens

frag_equal_all() {
	check "buddyinfo == /proc/buddyinfo$1" \
		same_as_kernel /proc/buddyinfo $M/buddyinfo
	check "pagetypeinfo == /proc/pagetypeinfo$1" \
		same_as_kernel $KPT $M/pagetypeinfo
	check "extfrag_index == debugfs extfrag_index$1" \
		same_as_kernel $KEXT $M/extfrag_index
	check "unusable_index == debugfs unusable_index$1" \
		same_as_kernel $KUNU $M/unusable_index
	check "fraginfo consistent and == buddyinfo$1" fragcheck
}

file_modes() {
	for f in buddyinfo:444 extfrag_index:444 unusable_index:444 \
		fraginfo:444 pagetypeinfo:400; do
		m=$(stat -c %a "$M/${f%%:*}")
		[ "$m" = "${f#*:}" ] || { echo "${f%%:*} mode $m"; return 1; }
	done
}

unprivileged() {
	for f in buddyinfo extfrag_index unusable_index fraginfo; do
		expect_probe ok runas 65534 ioprobe read $M/$f || return 1
	done
	expect_probe EACCES runas 65534 ioprobe read $KPT || return 1
	expect_probe EACCES runas 65534 ioprobe read $M/pagetypeinfo
}

writes_refused() {
	for f in buddyinfo extfrag_index unusable_index fraginfo pagetypeinfo; do
		got=$(ioprobe write $M/$f 1 | head -n 1)
		echo "root write $f -> $got"
		case "${got%% *}" in EACCES|EIO) ;; *) return 1 ;; esac
		expect_probe EACCES runas 65534 ioprobe write $M/$f 1 ||
			return 1
	done
}

# Prints "zone order value" for every extfrag entry other than -1.000.
extfrag_non_sentinel() {
	awk '{ for (i = 5; i <= NF; i++) if ($i != "-1.000")
		print $4, i - 5, $i }' $M/extfrag_index
}

frag_workload() {
	if ! fragment_start; then
		nok "fragment workload started"
		sed 's/^/TAP #   /' /tmp/fragment.out
		fragment_stop
		return
	fi
	ok "fragment workload started"
	diag "fragment: $(cat /tmp/fragment.out)"
	stage="fill+free"
	# On the debug kernel, KASAN makes names_cache slabs order 1: with
	# the large blocks taken by huge pages and the rest of free memory
	# in order-0 holes, the next open() OOMs once compaction fails (seen
	# in 2 of 5 runs, even with 16 MiB given back). The distro cells
	# cover the step; here it is a counted skip.
	case $(uname -r) in
	*-mmlens-debug) hugepages_ok=0 ;;
	*) hugepages_ok=1 ;;
	esac
	if [ -z "$(extfrag_non_sentinel)" ] && [ "$hugepages_ok" = 0 ]; then
		skip "workload drives extfrag_index off -1.000" \
			"fill+free left every extfrag at -1.000; growing nr_hugepages OOMs the KASAN debug kernel"
		stage=
	elif [ -z "$(extfrag_non_sentinel)" ]; then
		diag "fill+free alone left every extfrag at -1.000; growing nr_hugepages"
		units=$(hugepages_take_free_2m)
		diag "nr_hugepages grew to $(cat /proc/sys/vm/nr_hugepages) ($units free 2 MiB blocks were left)"
		stage="fill+free+nr_hugepages"
	fi
	if [ -z "$stage" ]; then
		:
	elif [ -n "$(extfrag_non_sentinel)" ]; then
		ok "workload drives extfrag_index off -1.000 ($stage)"
		extfrag_non_sentinel | head -n 5 | while read -r l; do
			diag "  zone order index: $l"
		done
	else
		nok "workload drives extfrag_index off -1.000 ($stage)"
	fi

	frag_equal_all " (under workload)"

	cat $M/extfrag_index > /tmp/ef.before
	cat $M/buddyinfo > /tmp/bi.before
	echo 1 > /proc/sys/vm/compact_memory
	cat $M/extfrag_index > /tmp/ef.after
	cat $M/buddyinfo > /tmp/bi.after
	diag "compact_memory: buddyinfo before / after:"
	paste -d '\n' /tmp/bi.before /tmp/bi.after | sed 's/^/TAP #   /'
	check "compact_memory changes the buddy free lists" \
		sh -c '! cmp -s /tmp/bi.before /tmp/bi.after'
	frag_equal_all " (after compaction)"

	fragment_stop
	echo 0 > /proc/sys/vm/nr_hugepages
}

frag_equal_all ""
check "file modes 0444/0400 as the kernel's" file_modes
check "unprivileged: readable, pagetypeinfo EACCES" unprivileged
check "writes refused with EACCES/EIO" writes_refused
frag_equal_all " (after refused writes)"
frag_workload
