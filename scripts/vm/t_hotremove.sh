# Memory hot-remove under the readers (issue 13, docs/hotremove.md).
# mmlens reads pageblock flags through mem_section; section_deactivate()
# frees a removed section's usage map (kfree_rcu) and clears the pointer.
# Readers of /proc/mmlens/{pagetypeinfo,pageblocks,buddyinfo} (and the
# kernel's /proc/pagetypeinfo, for comparison), and of vmas, numa and
# pagetable of a target whose THPs live in the DIMM, loop while a DIMM is
# hot-added, onlined, offlined and removed several times through the
# QEMU monitor. The cell's kernel-log scan (matrix.sh BAD_LOG) is the
# "0 reports" half; this checks that the memory really came and went and
# that every reader kept reading.
#
# Handshake: this script prints "MMLENS-HOTPLUG <seq> add|del" on the
# console; the host's hotplug-watch.sh does object_add + device_add
# pc-dimm, or device_del (an ACPI eject: the guest kernel offlines and
# removes the memory). Every wait here is bounded; a request without
# effect is printed again (the watcher ignores a seq it has seen).
hr_mb=${MMLENS_HOTPLUG_MB:-}
hr_node=${MMLENS_HOTPLUG_NODE:-0}
hr_cycles=${MMLENS_VM_HOTREMOVE_CYCLES:-3}
hr_sys=/sys/devices/system/memory
hr_seq=0

# hr_blocks: the memory block directories, one per line.
hr_blocks() {
	local _d
	for _d in "$hr_sys"/memory[0-9]*; do
		[ -d "$_d" ] && echo "${_d##*/}"
	done | sort
}

# hr_new_blocks: blocks not there at boot (hr_base_blocks).
hr_new_blocks() {
	hr_blocks | grep -vxF -f /tmp/hr.base.blocks
}

# hr_huge_in_dimm BLOCK_SIZE: how many PMD leaves of the global target's
# pagetable report have their frame in the hot-added blocks
# (hr_new_blocks: memory<N> spans N * BLOCK_SIZE for BLOCK_SIZE bytes).
hr_huge_in_dimm() {
	local _lo _hi
	hr_new_blocks | sed 's/^memory//' | sort -n |
		awk -v bs="$1" 'NR == 1 { lo = $1 } { hi = $1 }
		END { printf "%d %d\n", lo * bs / 4096, (hi + 1) * bs / 4096 }' | {
		read -r _lo _hi
		awk -v lo="$_lo" -v hi="$_hi" '
		$2 == "pmd" && match($0, / pfn=[0-9a-f]+/) {
			p = substr($0, RSTART + 5, RLENGTH - 5)
			v = 0
			for (i = 1; i <= length(p); i++)
				v = v * 16 + index("0123456789abcdef", substr(p, i, 1)) - 1
			if (v >= lo && v < hi) n += $3
		}
		END { print n + 0 }' /proc/mmlens/pagetable
	}
}

hr_memtotal() {
	awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo
}

# hr_zones: "zone spanned present" of every zone of the DIMM's node.
hr_zones() {
	awk -v n="$hr_node," '
		/^Node / { z = ($2 == n) ? $4 : "" }
		z != "" && $1 == "spanned" { s[z] = $2 }
		z != "" && $1 == "present" { p[z] = $2 }
		END { for (z in s) print z, s[z], p[z] }' /proc/zoneinfo | sort
}

# hr_request OP TRIES CMD...: ask the host for OP, then wait, checking
# CMD every half second, at most TRIES times; the request is printed
# again every 20 s without effect. Sets hr_took to how long it took.
# (Not in a subshell: the marker must reach the console, hr_seq must
# count.)
hr_request() {
	local _op _tries _n
	_op=$1
	_tries=$2
	shift 2
	hr_seq=$((hr_seq + 1))
	_n=0
	echo "MMLENS-HOTPLUG $hr_seq $_op"
	while ! "$@"; do
		_n=$((_n + 1))
		if [ $_n -ge "$_tries" ]; then
			hr_took="no effect after $((_n / 2)) s"
			return 1
		fi
		[ $((_n % 40)) -eq 0 ] && echo "MMLENS-HOTPLUG $hr_seq $_op"
		sleep 0.5
	done
	hr_took="$((_n / 2)) s"
}

# hr_mark: prints the seconds since the last hr_mark (a timestamp file:
# hr_mark runs in command substitutions).
hr_mark() {
	local _hm
	_hm=$(date +%s)
	[ -f /tmp/hr.mark ] && echo $((_hm - $(cat /tmp/hr.mark)))
	echo "$_hm" > /tmp/hr.mark
}

hr_have_dimm() { [ "$(hr_new_blocks | wc -l)" -eq "$hr_nblocks" ]; }
hr_no_dimm() { [ "$(hr_new_blocks | wc -l)" -eq 0 ]; }

# hr_reader ID FILE: cat FILE until /tmp/hr.stop exists; at the end
# /tmp/hr.r.ID holds "reads errors movable-seen isolate-seen". Few
# processes per read: under KASAN in TCG each fork costs, and the readers
# share the two vCPUs with the hotplug work they are meant to race.
hr_reader() {
	local _r _e _m _i
	_r=0 _e=0 _m=0 _i=0
	while [ ! -e /tmp/hr.stop ]; do
		if cat "$2" > "/tmp/hr.out.$1" 2> /dev/null; then
			_r=$((_r + 1))
		else
			_e=$((_e + 1))
		fi
		# The DIMM's memory, onlined movable, is node N's zone Movable
		# (grep only until it was seen once: a fork per read costs).
		if [ $_m -eq 0 ] &&
			grep -q "Node *$hr_node, *zone *Movable" "/tmp/hr.out.$1"; then
			_m=1
		fi
		# Offlining isolates the pageblocks first (pageblocks only).
		if [ $_i -eq 0 ] && [ "${2##*/}" = pageblocks ] &&
			grep -q type=Isolate "/tmp/hr.out.$1"; then
			_i=1
		fi
	done
	echo "$_r $_e $_m $_i" > "/tmp/hr.r.$1"
}

# hr_zones_verdict STATUS NAME LABEL FILE: ok NAME when STATUS is 0;
# else not ok, the zones at boot and LABEL's (FILE) as diagnostics, and
# hr_run's _fail set (the caller's local: shells scope dynamically).
hr_zones_verdict() {
	if [ "$1" = 0 ]; then
		ok "$2"
		return
	fi
	nok "$2"
	sed 's/^/TAP #   boot:  /' /tmp/hr.base.zones
	sed "s/^/TAP #   $3: /" "$4"
	_fail=1
}

hr_run() {
	local _t0 _bs hr_base_total hr_panic_on_oops hr_proactiveness hr_thp
	local _files _id _pids _f _c _fail _ok _b _added _want _in _now
	local _p _r _e _m _i
	_t0=$(date +%s)
	_bs=$((0x$(cat $hr_sys/block_size_bytes)))
	hr_nblocks=$((hr_mb * 1024 * 1024 / _bs))
	hr_blocks > /tmp/hr.base.blocks
	hr_base_total=$(hr_memtotal)
	hr_zones > /tmp/hr.base.zones
	diag "hotremove: ${hr_mb} MiB DIMM on node $hr_node = $hr_nblocks blocks of $((_bs >> 20)) MiB;" \
		"boot blocks $(wc -l < /tmp/hr.base.blocks), MemTotal $hr_base_total kB"

	rm -f /tmp/hr.stop /tmp/hr.r.*
	# A reader that oopses dies inside a proc read and never releases
	# the file: /init's rmmod would then wait for it until the cell's
	# timeout (40 minutes on the debug cell). Panic instead: QEMU exits
	# at once and the cell fails on the log (and "ran to completion").
	# $(cat), not read: busybox read takes a byte at a time, and a sysctl
	# file answers a read past offset 0 with EOF.
	hr_panic_on_oops=$(cat /proc/sys/kernel/panic_on_oops)
	echo 1 > /proc/sys/kernel/panic_on_oops
	# kcompactd's proactive runs (every 500 ms at the default 20)
	# are not what this tests, and a 6.12 kcompactd page fault,
	# suspected to race memory offlining, has been reported
	# elsewhere. CI once lost this cell about here (going by the
	# results that were missing), with no log to tell whose oops it
	# was. So the readers race the removal with kcompactd quiet
	# (docs/hotremove.md).
	hr_proactiveness=$(cat /proc/sys/vm/compaction_proactiveness)
	echo 0 > /proc/sys/vm/compaction_proactiveness
	_files="/proc/mmlens/pagetypeinfo /proc/mmlens/pagetypeinfo
/proc/mmlens/buddyinfo /proc/pagetypeinfo"
	if [ -e /proc/mmlens/pageblocks ]; then
		_files="$_files
/proc/mmlens/pageblocks /proc/mmlens/pageblocks"
	else
		skip "hotremove: pageblocks readers" \
			"no /proc/mmlens/pageblocks in this module (issue 13 adds it)"
	fi
	# The walker's reports of a target whose THPs are allocated anew
	# every second on the DIMM's node: while the DIMM is online they
	# land in its zone Movable, and offlining migrates them out under
	# the readers (the walker reads the huge leaves' struct pages).
	hr_thp=
	if [ -d "$THP_DIR" ] && [ -e /proc/mmlens/vmas ]; then
		rm -f /tmp/hr.thp
		taskset "$(printf %x $((1 << hr_node)))" pt_scen thpchurn \
			> /tmp/hr.thp 2>&1 &
		hr_thp=$!
		if wait_until $hr_thp 100 0.1 grep -q '^ready' /tmp/hr.thp &&
			echo $hr_thp > /proc/mmlens/target; then
			diag "hotremove: THP target $hr_thp: $(grep '^note' /tmp/hr.thp)"
			_files="$_files
/proc/mmlens/vmas /proc/mmlens/numa /proc/mmlens/pagetable"
		else
			nok "hotremove: THP target for the walker's readers started"
			sed 's/^/TAP #   /' /tmp/hr.thp
		fi
	else
		skip "hotremove: walker readers on a THP target" "$NO_THP_WHY"
	fi
	_id=0
	_pids=
	for _f in $_files; do
		_id=$((_id + 1))
		echo "$_f" > "/tmp/hr.f.$_id"
		hr_reader $_id "$_f" &
		# Niced: the hotplug work in the kernel still has a vCPU to
		# race on, and the shell that drives the cycles does not wait
		# seconds for each of its forks.
		renice -n 5 -p $! > /dev/null
		_pids="$_pids $!"
	done

	_c=0
	_fail=0
	while [ $_c -lt "$hr_cycles" ]; do
		_c=$((_c + 1))
		if ! hr_request add 120 hr_have_dimm; then
			nok "hotremove $_c: DIMM hot-added ($hr_nblocks new memory blocks)"
			diag "hotremove $_c: $hr_took"
			_fail=1
			break
		fi
		ok "hotremove $_c: DIMM hot-added ($hr_nblocks new memory blocks)"
		diag "hotremove $_c: added in $hr_took"
		hr_mark > /dev/null
		_ok=1
		for _b in $(hr_new_blocks); do
			echo online_movable > "$hr_sys/$_b/state" 2>/tmp/hr.err ||
				{ _ok=0; cat /tmp/hr.err; }
			grep -qx online "$hr_sys/$_b/state" || _ok=0
			[ -e "$hr_sys/$_b/node$hr_node" ] || _ok=0
		done
		_added=$(hr_memtotal)
		hr_zones > /tmp/hr.add.zones
		diag "hotremove $_c: onlined in $(hr_mark) s, MemTotal" \
			"+$((_added - hr_base_total)) kB (want +$((hr_mb * 1024)))"
		if [ $_ok = 1 ] &&
			[ $((_added - hr_base_total)) -eq $((hr_mb * 1024)) ]; then
			ok "hotremove $_c: onlined movable on node $hr_node, MemTotal grew by the DIMM"
		else
			nok "hotremove $_c: onlined movable on node $hr_node, MemTotal grew by the DIMM"
			_fail=1
		fi
		# zone Movable of the node: spanned and present grew by the DIMM.
		_want=$((hr_mb * 256))
		awk -v w=$_want '$1 == "Movable" && $2 >= w && $3 >= w { f = 1 }
			END { exit !f }' /tmp/hr.add.zones &&
			! cmp -s /tmp/hr.base.zones /tmp/hr.add.zones
		hr_zones_verdict $? "hotremove $_c: node $hr_node zone Movable spans the DIMM in /proc/zoneinfo" \
			added /tmp/hr.add.zones
		# Pages the offlining must migrate: tmpfs from node N's CPU
		# (movable allocations try zone Movable first).
		taskset "$(printf %x $((1 << hr_node)))" dd if=/dev/zero \
			of=/tmp/hr.fill bs=1M count=16 2>/dev/null
		sleep 2
		diag "hotremove $_c: 16 MiB tmpfs written, 2 s of reading ($(hr_mark) s);" \
			"node $hr_node zone Movable: $(awk -v n="$hr_node," '
				/^Node / { z = ($2 == n && $4 == "Movable") }
				z && $1 == "pages" && $2 == "free" { print $3; exit }' \
				/proc/zoneinfo) of $((hr_mb * 256)) pages free"
		# The walker's readers only prove something if the target's
		# THPs sit in the DIMM when it goes: its PMD leaves' frames in
		# the new blocks (block number times block size).
		if [ -n "$hr_thp" ]; then
			_in=$(hr_huge_in_dimm "$_bs")
			diag "hotremove $_c: $_in of the THP target's huge pages in the DIMM"
			if [ "$_in" -gt 0 ]; then
				ok "hotremove $_c: the THP target's huge pages in the DIMM"
			else
				nok "hotremove $_c: the THP target's huge pages in the DIMM"
				# what it had instead: its leaves, its THP total
				grep ' pmd ' /proc/mmlens/pagetable | head -n 8 |
					sed 's/^/TAP #   /'
				grep AnonHugePages /proc/$hr_thp/smaps_rollup |
					sed 's/^/TAP #   /'
			fi
		fi
		# Cycle 1 offlines through sysfs first, the others leave it to
		# the ACPI eject (acpi_scan_try_to_offline).
		if [ $_c = 1 ]; then
			_ok=1
			for _b in $(hr_new_blocks); do
				echo offline > "$hr_sys/$_b/state" 2>/tmp/hr.err ||
					{ _ok=0; cat /tmp/hr.err; }
			done
			diag "hotremove $_c: offlined in $(hr_mark) s, MemTotal" \
				"$(hr_memtotal) kB (at boot $hr_base_total kB)"
			if [ $_ok = 1 ] && [ "$(hr_memtotal)" = "$hr_base_total" ]; then
				ok "hotremove $_c: offlined through sysfs, MemTotal back"
			else
				nok "hotremove $_c: offlined through sysfs, MemTotal back"
				_fail=1
			fi
		fi
		if ! hr_request del 180 hr_no_dimm; then
			nok "hotremove $_c: DIMM removed (memory blocks gone)"
			diag "hotremove $_c: $hr_took"
			hr_new_blocks | while read -r _b; do
				echo "TAP #   $_b $(cat "$hr_sys/$_b/state")"
			done
			_fail=1
			break
		fi
		rm -f /tmp/hr.fill
		diag "hotremove $_c: cycle done at $(($(date +%s) - _t0)) s"
		_now=$(hr_memtotal)
		hr_zones > /tmp/hr.del.zones
		diag "hotremove $_c: removed in $hr_took, MemTotal $_now kB" \
			"(at boot $hr_base_total kB)"
		[ "$_now" = "$hr_base_total" ] &&
			cmp -s /tmp/hr.base.zones /tmp/hr.del.zones
		hr_zones_verdict $? "hotremove $_c: DIMM removed: blocks gone, MemTotal and node $hr_node spanned/present as at boot" \
			now /tmp/hr.del.zones
	done

	touch /tmp/hr.stop
	for _p in $_pids; do
		wait "$_p"
	done
	_id=0
	for _f in $_files; do
		_id=$((_id + 1))
		read -r _r _e _m _i < "/tmp/hr.r.$_id" 2>/dev/null
		diag "hotremove: reader $_id $_f: ${_r:-?} reads, ${_e:-?} errors," \
			"saw node $hr_node zone Movable: ${_m:-?}, saw Isolate: ${_i:-?}"
		if [ "${_r:-0}" -gt 0 ] && [ "${_e:-1}" = 0 ]; then
			ok "hotremove: reader $_id of $_f read, no error"
		else
			nok "hotremove: reader $_id of $_f read, no error"
		fi
		# The readers that list zones must have met the DIMM's zone;
		# buddyinfo lists it too (the walker's reports list none).
		case ${_f##*/} in
		vmas | numa | pagetable) ;;
		*)
			if [ "$_fail" = 0 ] && [ "$_m" != 1 ]; then
				nok "hotremove: reader $_id of $_f saw node $hr_node zone Movable"
			fi
			;;
		esac
	done
	if [ -n "$hr_thp" ]; then
		kill $hr_thp
		wait $hr_thp 2>/dev/null
	fi
	echo "$hr_panic_on_oops" > /proc/sys/kernel/panic_on_oops
	echo "$hr_proactiveness" > /proc/sys/vm/compaction_proactiveness
	diag "hotremove: $_c cycles, $hr_seq monitor requests, $(($(date +%s) - _t0)) s"
	rm -f /tmp/hr.*
}

if [ -z "$hr_mb" ]; then
	skip "hotremove" "cell booted without DIMM slots and QEMU monitor (matrix.sh gives them to a cell whose tests include hotremove)"
elif [ ! -e $hr_sys/block_size_bytes ]; then
	skip "hotremove" "kernel without CONFIG_MEMORY_HOTPLUG ($hr_sys missing)"
else
	hr_run
fi
