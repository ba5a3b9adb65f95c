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
	frag_deep_all "$1"
}

# The files beyond what the kernel prints, against the kernel's numbers
# (userspace/tests/fragdeep.c says how each is checked).
frag_deep_all() {
	check "watermarks == /proc/zoneinfo (free, marks, boost, managed, present, spanned, protection)$1" \
		fragdeep zoneinfo
	check "watermarks verdicts == __zone_watermark_ok() over pagetypeinfo's lists$1" \
		fragdeep verdicts
	check "compaction counters == /proc/vmstat compact_*$1" fragdeep vmstat
	check "compaction score from buddyinfo, zoneinfo$1" \
		fragdeep score
	check "pageblocks: blocks per type == pagetypeinfo, free == buddyinfo$1" \
		fragdeep pageblocks
}

# compact_stall as our compaction file prints it (== /proc/vmstat's).
compact_stall() {
	awk '$1 == "compact_stall" { print $2 }' $M/compaction
}

# order9_low NODE: "ok" when a zone of NODE would give a 2 MiB hugetlb
# page on the allocator's fast path, "fail" otherwise. A verdict line is
# for an allocation whose highest zone is the zone itself; hugetlb's is
# ZONE_MOVABLE, so a zone that passes must also keep its protection
# against Movable (its 4th protection value) to count.
order9_low() {
	awk -v node="$1," '$2 != node { next }
		$5 ~ /^free=/ {
			for (i = 5; i <= NF; i++) {
				split($i, kv, "=")
				f[kv[1]] = kv[2]
			}
			split(f["protection"], prot, ",")
			room[$4] = f["free"] - 511 - f["highatomic"] - f["low"] - prot[4]
		}
		$5 == "order=9" && $7 == "low=ok" && room[$4] > 0 { ok = 1 }
		END { print ok ? "ok" : "fail" }' $M/watermarks
}

# verdict_then_allocate WHEN: per node, read the order-9 verdict, then ask
# hugetlb for one 2 MiB page on that node and see what the allocator had
# to do. "ok" must mean the page came without direct compaction; "fail"
# that it needed compaction (compact_stall grew) or could not be had.
verdict_then_allocate() {
	local _bad _hp _node _v _stall _n _got _stall2 _what
	if [ -z "$(compact_stall)" ]; then
		skip "order-9 verdicts match the allocations ($1)" \
			"no compaction counters (kernel without CONFIG_VM_EVENT_COUNTERS)"
		return
	fi
	_bad=0
	for _hp in /sys/devices/system/node/node*/hugepages/hugepages-2048kB/nr_hugepages; do
		_node=${_hp#/sys/devices/system/node/node}
		_node=${_node%%/*}
		_v=$(order9_low "$_node")
		_stall=$(compact_stall)
		read -r _n < "$_hp"
		echo $((_n + 1)) > "$_hp"
		read -r _got < "$_hp"
		_stall2=$(compact_stall)
		echo "$_n" > "$_hp"
		_what="no compaction"
		[ "$_stall2" -gt "$_stall" ] && _what="direct compaction"
		[ "$_got" = "$_n" ] && _what="no page"
		diag "$1: node $_node order-9 low=$_v; allocation: $_what (compact_stall $_stall -> $_stall2)"
		case "$_v:$_what" in
		"ok:no compaction" | "fail:direct compaction" | "fail:no page") ;;
		*) _bad=1 ;;
		esac
	done
	check "order-9 verdicts match what a 2 MiB allocation on each node did ($1)" \
		test "$_bad" = 0
}

# frag_json_nodes: "node low high proactive" per node of mmlens frag
# --json (the tool computes the thresholds from the sysctl, the module
# gives only the score: docs/frag.md).
frag_json_nodes() {
	mmlens frag --json | tr -d ' \n' | grep -o '"node":[0-9]*,"compaction_score":[0-9]*,"compaction_low":[0-9a-z]*,"compaction_high":[0-9a-z]*,"proactive_compaction":[a-z]*' |
		sed 's/"[a-z_]*"://g; s/,/ /g' | awk '{ print $1, $3, $4, $5 }'
}

# The score recomputed, and the tool's thresholds as
# fragmentation_score_wmark() derives them, at three settings.
proactiveness_settings() {
	local _p _old _v _low _high l
	_p=/proc/sys/vm/compaction_proactiveness
	_old=$(cat $_p)
	for _v in 0 100 "$_old"; do
		echo "$_v" > $_p
		grep "^Node 0 score" $M/compaction
		_low=$((100 - _v))
		[ $_low -lt 5 ] && _low=5
		_high=$((_low + 10))
		[ $_high -gt 100 ] && _high=100
		frag_json_nodes > /tmp/fjn
		echo "p=$_v: $(tr '\n' ';' < /tmp/fjn) want low=$_low high=$_high"
		if ! fragdeep score || [ ! -s /tmp/fjn ] ||
			awk -v l=$_low -v h=$_high '$2 != l || $3 != h { bad = 1 }
				END { exit !bad }' /tmp/fjn; then
			echo "$_old" > $_p
			return 1
		fi
	done
}

# A hostile reader (uid 65534 in a user and mount namespace of its own)
# bind-mounts something over the sysctl the thresholds come from, in
# the hope that the module opens it (it once did): a file of 0, a FIFO
# that blocks whoever opens it, the compaction file itself. Each read
# returns at once (nsread gives up after 5 s) with what an ordinary read
# gives, just before or just after it. The sysctl is the kernel's
# default (20) meanwhile, not the 0 the tests run with, so that a module
# that read the attacker's "0" would print something else.
HOSTILE_OVER=/proc/sys/vm/compaction_proactiveness
hostile_read() {
	local _hr_old _hr_rc
	_hr_old=$(cat $HOSTILE_OVER)
	echo 20 > $HOSTILE_OVER
	hostile_read_at_20 "$1"
	_hr_rc=$?
	echo "$_hr_old" > $HOSTILE_OVER
	return $_hr_rc
}
hostile_read_at_20() {
	local _try
	for _try in 1 2 3 4 5; do
		cat $M/compaction > /tmp/hr.before
		if ! nsread "$1" $HOSTILE_OVER $M/compaction > /tmp/hr.out \
			2> /tmp/hr.err; then
			cat /tmp/hr.err
			return 1
		fi
		cat $M/compaction > /tmp/hr.after
		if cmp -s /tmp/hr.out /tmp/hr.before ||
			cmp -s /tmp/hr.out /tmp/hr.after; then
			return 0
		fi
	done
	diff /tmp/hr.before /tmp/hr.out
	return 1
}

# With the hostile reader's FIFO in place and its reads going on, root's
# rmmod finishes at once (it waits for reads in progress: a read blocked
# in the FIFO held it until the reader let go). The module is loaded
# again for the tests after this one.
hostile_rmmod() {
	local _hp _t0 _rc _t1
	nsread fifo $HOSTILE_OVER $M/compaction hold > /dev/null 2> /tmp/hr.err &
	_hp=$!
	# without the reader in place (it failed to set up) there is
	# nothing to prove: fail rather than time an ordinary rmmod. It
	# says "holding" once its bind mount is there, then reads; a module
	# that opened the FIFO would block rmmod until the reader's 10 s
	# are up.
	if ! wait_until $_hp 50 0.1 grep -q holding /tmp/hr.err; then
		kill $_hp 2>/dev/null
		wait $_hp 2>/dev/null
		cat /tmp/hr.err
		echo "the FIFO reader never held the file"
		return 1
	fi
	sleep 0.3	# its reads under way (or blocked)
	_t0=$(cut -d' ' -f1 /proc/uptime)
	rmmod mmlens
	_rc=$?
	_t1=$(cut -d' ' -f1 /proc/uptime)
	kill $_hp 2>/dev/null
	wait $_hp 2>/dev/null
	cat /tmp/hr.err
	echo "rmmod: exit $_rc after $(echo "$_t0 $_t1" | awk '{ print $2 - $1 }') s"
	[ -e $M ] || insmod /mmlens/mmlens.ko || return 1
	[ $_rc = 0 ] && echo "$_t0 $_t1" | awk '{ exit !($2 - $1 < 2) }'
}

file_modes() {
	local f m
	for f in buddyinfo:444 extfrag_index:444 unusable_index:444 \
		fraginfo:444 pagetypeinfo:400 watermarks:444 compaction:444 \
		pageblocks:400; do
		m=$(stat -c %a "$M/${f%%:*}")
		[ "$m" = "${f#*:}" ] || { echo "${f%%:*} mode $m"; return 1; }
	done
}

unprivileged() {
	local f
	for f in buddyinfo extfrag_index unusable_index fraginfo watermarks \
		compaction; do
		expect_probe ok runas 65534 ioprobe read $M/$f || return 1
	done
	expect_probe EACCES runas 65534 ioprobe read $KPT || return 1
	expect_probe EACCES runas 65534 ioprobe read $M/pagetypeinfo || return 1
	expect_probe EACCES runas 65534 ioprobe read $M/pageblocks || return 1
	# physical frame numbers: root without CAP_SYS_ADMIN gets none
	expect_probe EPERM runas -c 21 ioprobe read $M/pageblocks
}

writes_refused() {
	local f got
	for f in buddyinfo extfrag_index unusable_index fraginfo pagetypeinfo \
		watermarks compaction pageblocks; do
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
	local _pro_old stage hugepages_ok round units l
	# Proactive compaction (default 20) wakes kcompactd every 500 ms
	# once the workload's holes push a node's score above its high
	# threshold, and it can make free 2 MiB blocks out of them while
	# the steps below read, take and compare (the likely reason why
	# in CI every extfrag index once stayed -1.000 after nr_hugepages
	# had taken each free block). Quiet until proactive_compaction,
	# which turns it up on purpose.
	_pro_old=$(cat /proc/sys/vm/compaction_proactiveness)
	echo 0 > /proc/sys/vm/compaction_proactiveness
	if ! fragment_start; then
		nok "fragment workload started"
		sed 's/^/TAP #   /' /tmp/fragment.out
		fragment_stop
		echo "$_pro_old" > /proc/sys/vm/compaction_proactiveness
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
		# Blocks of order >= 9 can still form while the pool grows
		# (a request that misses the fast path wakes kswapd and
		# kcompactd): take what is left, at most three rounds, and
		# show the buddy lists whenever a round was not enough.
		for round in 1 2 3; do
			units=$(hugepages_take_free_2m)
			diag "round $round: nr_hugepages grew to $(cat /proc/sys/vm/nr_hugepages) ($units free 2 MiB blocks were left)"
			[ -n "$(extfrag_non_sentinel)" ] && break
			sed 's/^/TAP #   after it: /' /proc/buddyinfo
		done
		stage="fill+free+nr_hugepages"
	fi
	if [ -z "$stage" ]; then
		:
	elif [ -n "$(extfrag_non_sentinel)" ]; then
		diag "extfrag_index left -1.000 after: $stage"
		ok "workload drives extfrag_index off -1.000"
		extfrag_non_sentinel | head -n 5 | while read -r l; do
			diag "  zone order index: $l"
		done
	else
		diag "extfrag_index still -1.000 after: $stage"
		nok "workload drives extfrag_index off -1.000"
	fi

	frag_equal_all " (under workload)"
	if [ "$hugepages_ok" = 1 ]; then
		verdict_then_allocate "fragmented"
	fi

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
	# After compact_memory: kcompactd at proactiveness 100 compacts a
	# whole zone, and compact_memory would then find nothing to change
	# (seen on deb6.1-1node when the two were the other way round).
	proactive_compaction

	fragment_stop
	echo 0 > /proc/sys/vm/nr_hugepages
	echo "$_pro_old" > /proc/sys/vm/compaction_proactiveness
}

# With proactiveness 100 (high threshold 15), a node whose score is above
# it must be compacted by kcompactd in the background:
# compact_migrate_scanned grows within 40 s (kcompactd retries a node
# whose score did not go down after 32 s; 6.1 counts proactive work in no
# compact_daemon_* counter, both kernels count its scanning there).
proactive_compaction() {
	local _p _old _scan _line
	_p=/proc/sys/vm/compaction_proactiveness
	_old=$(cat $_p)
	# Before the write, which wakes kcompactd at once: read after it,
	# a compaction already done (the score fell below the threshold)
	# left the counter still: the check waited for kcompactd's retry
	# 32 s later, or failed (likely what happened once at 16 against 15).
	_scan=$(awk '$1 == "compact_migrate_scanned" { print $2 }' $M/compaction)
	echo 100 > $_p
	_line=$(frag_json_nodes | awk '$4 == "true"' | head -n 1)
	if [ -z "$(compact_stall)" ]; then
		skip "proactive=yes: kcompactd compacts" \
			"no compaction counters (kernel without CONFIG_VM_EVENT_COUNTERS)"
	elif [ -z "$_line" ]; then
		skip "proactive=yes: kcompactd compacts" \
			"no node above the high threshold: $(grep '^Node [0-9]* score=' $M/compaction | tr '\n' ';')"
	else
		diag "proactiveness 100: node low high proactive: $_line; compact_migrate_scanned $_scan"
		check "proactive=yes: kcompactd compacts" \
			wait_until $$ 80 0.5 sh -c "[ \$(awk '\$1 == \"compact_migrate_scanned\" { print \$2 }' $M/compaction) -gt $_scan ]"
	fi
	echo "$_old" > $_p
}

frag_equal_all ""
verdict_then_allocate "idle"
check "compaction score recomputed; the tool's thresholds follow vm.compaction_proactiveness (0, 100, default)" \
	proactiveness_settings
for _m in zero fifo self; do
	check "compaction read by uid 65534 with a $_m bind-mounted over the sysctl: at once, as an ordinary read" \
		hostile_read $_m
done
check "rmmod beside that reader's FIFO: done at once (< 2 s)" hostile_rmmod
check "file modes 0444/0400 as the kernel's (pageblocks, pagetypeinfo 0400)" file_modes
check "unprivileged: readable, pagetypeinfo and pageblocks EACCES; pageblocks EPERM without CAP_SYS_ADMIN" unprivileged
check "writes refused with EACCES/EIO" writes_refused
frag_equal_all " (after refused writes)"
frag_workload
