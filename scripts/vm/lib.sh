# Helpers the in-VM tests share. Sourced by /init after tap.sh.

# fragment_start: start the fragment workload (userspace/tests/fragment.c)
# in the background and wait, at most 5 minutes, until it holds its
# memory. Sets frag_pid; returns non-zero when it never got ready.
fragment_start() {
	# a "ready" left by the last run must not pass for this one's
	rm -f /tmp/fragment.out
	fragment > /tmp/fragment.out 2>&1 &
	frag_pid=$!
	wait_until $frag_pid 600 0.5 grep -q ready /tmp/fragment.out
}

fragment_stop() {
	kill $frag_pid 2>/dev/null
	wait $frag_pid 2>/dev/null
}

# hugepages_take_free_2m: grow the 2 MiB hugetlb pool by exactly the free
# blocks of 2 MiB and up (orders 9 and 10 in /proc/buddyinfo, DMA aside:
# lowmem_reserve keeps huge pages out of it), so every order >= 9 fails
# from fragmentation. Growing the pool until it fails instead compacts the
# workload's holes away and leaves the guest at its min watermark: the
# next fault OOMs (seen once: 233 huge pages in a 1 GiB guest). Prints
# how many blocks it took.
hugepages_take_free_2m() {
	local _hp _units _have
	_hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	_units=$(awk '$4 != "DMA" { n += $14 + 2 * $15 } END { print n + 0 }' \
		/proc/buddyinfo)
	read -r _have < $_hp
	echo $((_have + _units)) > $_hp
	echo "$_units"
}

# probe_line CMD...: CMD's first line, and "CMD -> LINE" on stdout for
# the check's diagnostics (in the variable probe_got).
probe_line() {
	probe_got=$("$@" 2>/dev/null | head -n 1)
	echo "$* -> $probe_got"
}

# expect_probe WANT CMD...: the first word of CMD's first line is WANT
# (ioprobe prints "ok" or "ERRNO stage"). Prints what it saw.
expect_probe() {
	local want probe_got
	want=$1
	shift
	probe_line "$@"
	[ "${probe_got%% *}" = "$want" ]
}

# expect_line WANT CMD...: the whole first line of CMD's output is WANT
# (ioprobe and pt_probe: "ok", "ERRNO stage", "same", ...).
expect_line() {
	local want probe_got
	want=$1
	shift
	probe_line "$@"
	[ "$probe_got" = "$want" ]
}

# wait_until PID TRIES SECONDS CMD...: run CMD every SECONDS until it
# succeeds, at most TRIES times, or until PID is gone. Returns CMD's
# status at the end (a background helper that never got ready fails).
wait_until() {
	local _wpid _wtries _wsec _wn
	_wpid=$1
	_wtries=$2
	_wsec=$3
	shift 3
	_wn=0
	while ! "$@" && [ $_wn -lt "$_wtries" ]; do
		kill -0 "$_wpid" 2>/dev/null || break
		sleep "$_wsec"
		_wn=$((_wn + 1))
	done
	"$@"
}

# Transparent huge pages: absent on a kernel built without them (6.12's
# PREEMPT_RT excludes THP: mm/Kconfig). The THP checks skip, saying so.
# shellcheck disable=SC2034 # read by init and the t_*.sh files
THP_DIR=/sys/kernel/mm/transparent_hugepage
# shellcheck disable=SC2034
NO_THP_WHY="kernel without THP (CONFIG_TRANSPARENT_HUGEPAGE=n; PREEMPT_RT excludes it)"

# zram_load: /dev/zram0 from the kernel image's modules (copied by
# initramfs.sh), or built in (the debug kernel); busybox insmod resolves
# nothing, so dependencies go first. zram_unload resets the disk and
# removes what zram_load loaded (nothing when built in).
zram_load() {
	local _m _f
	for _m in lz4_compress lz4hc_compress lzo-rle zsmalloc zram; do
		# sysfs names lzo-rle.ko's module lzo_rle
		[ -d "/sys/module/$(echo "$_m" | tr - _)" ] && continue
		_f=$(find /lib/modules -name "$_m.ko" 2>/dev/null | head -n 1)
		[ -n "$_f" ] || continue
		insmod "$_f" || { echo "insmod $_f failed"; return 1; }
		echo "loaded $_f"
	done
	[ -e /sys/block/zram0 ] || { echo "no zram0 (zram.ko missing?)"; return 1; }
}

# overlay_load: overlayfs from the kernel image's modules (Debian builds
# it as one), or built in (the debug kernels).
overlay_load() {
	local _f
	grep -qw overlay /proc/filesystems && { echo "overlay built in or loaded"; return 0; }
	_f=$(find /lib/modules -name overlay.ko 2>/dev/null | head -n 1)
	[ -n "$_f" ] || { echo "no overlay.ko"; return 1; }
	insmod "$_f" && echo "loaded $_f"
}

# zram_swap_on SIZE: a zram disk of SIZE as swap (zram_load first).
zram_swap_on() {
	zram_load || return 1
	echo "$1" > /sys/block/zram0/disksize &&
		mkswap /dev/zram0 && swapon /dev/zram0
}

# memshape_spawn [--pageout]: start userspace/demo/memshape and wait,
# at most 10 s, for its "ready" line in /tmp/memshape.ready (its pid is
# that line's pid=, ms_field pid).
memshape_spawn() {
	local _pid
	rm -f /tmp/memshape.ready
	memshape "$@" /tmp/memshape.ready > /dev/null 2>&1 &
	_pid=$!
	wait_until $_pid 100 0.1 test -s /tmp/memshape.ready
}

# ms_field NAME: the address memshape gave for region NAME (hex, no 0x).
ms_field() {
	sed -n "s/.* $1=\([0-9a-f]*\).*/\1/p" /tmp/memshape.ready
}

zram_unload() {
	local _m
	echo 1 > /sys/block/zram0/reset 2>/dev/null
	for _m in zram zsmalloc lzo-rle lz4hc_compress lz4_compress; do
		rmmod "$_m" 2>/dev/null
	done
}

# Slab and vmalloc memory in kB (a large kmalloc counts as slab): where
# what the module allocates for a reader shows.
kernel_kb() {
	awk '/^(Slab|VmallocUsed):/ { n += $2 } END { print n }' /proc/meminfo
}

# uptime_ms: the time since boot in ms (/proc/uptime has centiseconds).
uptime_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# kernel_kb_max STOPFILE: the most kernel_kb says, sampled every 0.1 s
# until STOPFILE exists.
kernel_kb_max() {
	local _m _v
	_m=0
	while [ ! -e "$1" ]; do
		_v=$(kernel_kb)
		[ "$_v" -gt "$_m" ] && _m=$_v
		sleep 0.1
	done
	echo "$_m"
}

# huge_report MIB LABEL: a report of millions of lines, read whole. A
# process that only read MIB MiB (pt_scen zeroscan: the zero page, a run
# per page) is the global target; cat-like reads take its pagetable to
# the end while the kernel's memory is sampled, then pt_runs count LABEL
# counts the region's lines, its records and the runs pagemap implies.
# Prints what it saw, the last line
#   huge_report: mib=M build_ms=B cat_ms=C runs_ms=R before_kb=K
#     cat_peak_kb=P held_kb=H runs_peak_kb=Q
# (held: at the end of the text, its fd still open). Succeeds when the
# three counts agree and the kernel's memory stayed under 2 MiB above
# before throughout. t_walk (16 GiB, every cell) and t_bench (64 GiB).
huge_report() {
	local _pid _t0 _tcat _truns _before _cpeak _held _rpeak _range _rc
	rm -f /tmp/hr.out /tmp/hr.stop
	PT_SCEN_MB=$1 pt_scen zeroscan > /tmp/hr.out 2>&1 &
	_pid=$!
	_t0=$(uptime_ms)
	if ! wait_until $_pid 2400 0.1 grep -q '^ready' /tmp/hr.out; then
		cat /tmp/hr.out
		kill $_pid 2>/dev/null
		wait $_pid 2>/dev/null
		return 1
	fi
	echo $_pid > /sys/kernel/debug/mmlens/target
	_tcat=$(uptime_ms)
	_before=$(kernel_kb)
	kernel_kb_max /tmp/hr.stop > /tmp/hr.max &
	{ read -r _; cat > /dev/null; kernel_kb; } \
		< /sys/kernel/debug/mmlens/pagetable > /tmp/hr.cat
	touch /tmp/hr.stop
	wait $!
	read -r _cpeak < /tmp/hr.max
	read -r _held < /tmp/hr.cat
	_truns=$(uptime_ms)
	_range=$(awk '$1 == "exact" { sub(/^0x/, "", $3); sub(/^0x/, "", $4)
		print $3, $4 }' /tmp/hr.out)
	rm -f /tmp/hr.stop
	kernel_kb_max /tmp/hr.stop > /tmp/hr.max &
	# shellcheck disable=SC2086 # START END
	pt_runs count "$2" $_pid $_range > /tmp/hr.runs 2>&1
	_rc=$?
	touch /tmp/hr.stop
	wait $!
	read -r _rpeak < /tmp/hr.max
	cat /tmp/hr.runs
	kill $_pid
	wait $_pid 2>/dev/null
	echo "huge_report: mib=$1 build_ms=$((_tcat - _t0))" \
		"cat_ms=$((_truns - _tcat)) runs_ms=$(($(uptime_ms) - _truns))" \
		"before_kb=$_before cat_peak_kb=$_cpeak" \
		"held_kb=$_held runs_peak_kb=$_rpeak"
	[ $_rc = 0 ] && [ $((_cpeak - _before)) -lt 2048 ] &&
		[ $((_held - _before)) -lt 2048 ] &&
		[ $((_rpeak - _before)) -lt 2048 ] &&
		! grep -q '^TAP not ok' /tmp/hr.runs &&
		grep -q '^TAP # pt_runs: done' /tmp/hr.runs
}

# tap_program LABEL PROG [ARG...]: run a C test program that prints its
# own "TAP ..." lines and ends with "TAP # PROG: done"; pass them on, then
# one result of its own: it ran every case and exited 0.
tap_program() {
	local _label _prog _rc
	_label=$1
	_prog=$2
	shift 2
	"$_prog" "$@" > "/tmp/$_prog.out" 2>&1
	_rc=$?
	cat "/tmp/$_prog.out"
	if [ $_rc -eq 0 ] && tail -n 1 "/tmp/$_prog.out" |
		grep -q "^TAP # $_prog: done\$"; then
		ok "$_label: $_prog ran every case, exit 0"
	else
		nok "$_label: $_prog ran every case, exit 0 (exit $_rc)"
	fi
}

# Kernel-log marks around t_vbuf.sh's unload churn; scripts/known-races.sh
# (on the host) sources this file for them.
# shellcheck disable=SC2034 # read by t_vbuf.sh and known-races.sh
KMSG_CHURN_BEGIN="mmlens-test: unload churn begins"
# shellcheck disable=SC2034
KMSG_CHURN_END="mmlens-test: unload churn ends"
