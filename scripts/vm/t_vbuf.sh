# vbuf tests: /dev/mmlens, a vmalloc buffer mapped by .fault. Sourced by
# /init with the module loaded; leaves it loaded (default vbuf_size).
VDEV=/dev/mmlens
VDBG=/sys/kernel/debug/mmlens
KO=/mmlens/mmlens.ko

vbuf_stat() {
	sed -n "s/^$1=//p" $VDBG/vbuf
}

vbuf_file_modes() {
	local m f
	[ -c $VDEV ] || { echo "$VDEV is not a character device"; return 1; }
	m=$(stat -c %a $VDEV)
	[ "$m" = 600 ] || { echo "$VDEV mode $m"; return 1; }
	for f in vbuf vbuf_pfns; do
		m=$(stat -c %a $VDBG/$f)
		[ "$m" = 400 ] || { echo "$f mode $m"; return 1; }
	done
}

vbuf_unprivileged() {
	expect_probe EACCES runas 65534 ioprobe read $VDEV || return 1
	expect_probe EACCES runas 65534 ioprobe write $VDEV x || return 1
	expect_probe ok ioprobe read $VDEV
}

# PFNs of pages user space can write: CAP_SYS_ADMIN at open, as for the
# walker files; the counters need only the mode.
vbuf_pfns_cap() {
	expect_line "EPERM open" runas -c 21 ioprobe read $VDBG/vbuf_pfns ||
		return 1
	runas -c 21 ioprobe read $VDBG/vbuf > /dev/null
}


# The three mapping modes (vbuf_modes), with a 1 MiB zram disk for the
# O_DIRECT checks when the kernel has zram.
vbuf_mode_cases() {
	local odirect
	odirect=
	if zram_load > /tmp/vbuf_zram.out 2>&1 &&
		echo 1M > /sys/block/zram0/disksize; then
		odirect=/dev/zram0
	else
		diag "vbuf: no zram disk for O_DIRECT: $(tail -n 1 /tmp/vbuf_zram.out)"
	fi
	# shellcheck disable=SC2086 # no zram disk: no argument
	tap_program vbuf vbuf_modes $odirect
	[ -n "$odirect" ] && zram_unload
}

# vbuf_mode_param: the parameter is the mode of new opens, by name.
vbuf_mode_param() {
	local p m v
	p=/sys/module/mmlens/parameters/vbuf_mode
	m=$(stat -c %a $p)
	[ "$m" = 644 ] || { echo "$p mode $m"; return 1; }
	[ "$(cat $p)" = lazy ] || { echo "default $(cat $p)"; return 1; }
	for v in around eager lazy; do
		echo $v > $p || return 1
		[ "$(cat $p)" = $v ] && [ "$(vbuf_stat mode)" = $v ] ||
			{ echo "wrote $v, read $(cat $p) / $(vbuf_stat mode)"; return 1; }
	done
	if echo bogus > $p 2>/dev/null; then
		echo "bogus accepted"
		return 1
	fi
	[ "$(cat $p)" = lazy ]
}

# vbuf_hold_start MODE: a background vbuf_hold holding the device.
vbuf_hold_start() {
	rm -f /tmp/vbuf_hold.ready
	vbuf_hold "$1" /tmp/vbuf_hold.ready > /tmp/vbuf_hold.out 2>&1 &
	hold_pid=$!
	wait_until $hold_pid 200 0.1 test -e /tmp/vbuf_hold.ready
}

# vbuf_unload_while MODE WHAT MAPPINGS OPENS
vbuf_unload_while() {
	local refcnt rc
	if ! vbuf_hold_start "$1"; then
		nok "vbuf: holder started ($2)"
		sed 's/^/TAP #   /' /tmp/vbuf_hold.out
		kill $hold_pid 2>/dev/null
		return
	fi
	check "vbuf: $2: mappings=$3 opens=$4" \
		sh -c "grep -x 'mappings=$3' $VDBG/vbuf && grep -x 'opens=$4' $VDBG/vbuf"
	refcnt=$(cat /sys/module/mmlens/refcnt)
	if rmmod mmlens > /tmp/vbuf_rmmod.out 2>&1; then
		nok "vbuf: rmmod refused $2"
		# The holder now has a dangling device: put the module back.
		insmod $KO
	else
		ok "vbuf: rmmod refused $2"
		diag "refcnt $refcnt: $(cat /tmp/vbuf_rmmod.out)"
	fi
	check "vbuf: /dev/mmlens still there after the refused rmmod ($2)" \
		test -c $VDEV
	kill -USR1 $hold_pid
	wait $hold_pid
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "vbuf: holder released cleanly, its view intact ($2)"
	else
		nok "vbuf: holder released cleanly, its view intact ($2)"
		sed 's/^/TAP #   /' /tmp/vbuf_hold.out
	fi
	check "vbuf: rmmod succeeds once released ($2)" rmmod mmlens
	check "vbuf: nothing left behind after rmmod ($2)" \
		sh -c "! test -e $VDEV && ! test -e /proc/mmlens && ! test -e $VDBG"
	check "vbuf: insmod again ($2)" insmod $KO
}

# vbuf_bad_param NAME=VALUE: insmod refuses it with EINVAL, leaves nothing.
vbuf_bad_param() {
	local p
	if insmod $KO "$1" > /tmp/vbuf_insmod.out 2>&1; then
		echo "insmod accepted $1"
		rmmod mmlens
		return 1
	fi
	cat /tmp/vbuf_insmod.out
	grep -q 'Invalid argument' /tmp/vbuf_insmod.out || return 1
	for p in $VDEV /proc/mmlens $VDBG /sys/module/mmlens; do
		[ ! -e "$p" ] || { echo "$p left behind"; return 1; }
	done
}

# vbuf_bad_size VALUE: insmod refuses it with EINVAL, leaves nothing, and
# the kernel log says why.
vbuf_bad_size() {
	local before after
	before=$(dmesg | grep -c vbuf_size)
	vbuf_bad_param "vbuf_size=$1" || return 1
	after=$(dmesg | grep -c vbuf_size)
	dmesg | grep vbuf_size | tail -n 1
	[ "$after" -gt "$before" ] || { echo "no kernel message"; return 1; }
}

# vbuf_size is rounded up to pages: 5000 bytes -> 2 pages.
vbuf_rounding() {
	local r
	insmod $KO vbuf_size=5000 || return 1
	cat $VDBG/vbuf
	r=0
	grep -qx 'size=8192' $VDBG/vbuf && grep -qx 'pages=2' $VDBG/vbuf &&
		[ "$(wc -l < $VDBG/vbuf_pfns)" = 2 ] &&
		[ "$(dd if=$VDEV bs=4096 skip=1 count=1 2>/dev/null | head -n 1)" = \
			"mmlens vbuf page 1" ] || r=1
	rmmod mmlens || r=1
	return $r
}

# A failed init must never have shown a file whose operations live in the
# module: openrace keeps opening the debugfs files and the device while
# an insmod fails for want of memory (1 GiB in a guest that has less).
# Sets vbuf_race_skip in a guest with 1 GiB or more.
vbuf_failed_init_race() {
	local mem orp irc
	vbuf_race_skip=
	# Only where vmalloc refuses 1 GiB at once (more than totalram): in a
	# bigger guest it really tries, and the pressure OOM-kills a bystander
	# (seen in the 1.5 GiB movable cell).
	mem=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)
	if [ "$mem" -ge 1048576 ]; then
		vbuf_race_skip="MemTotal $mem kB: a 1 GiB buffer would be tried for real (OOM risk), not refused at once"
		return 0
	fi
	rm -f /tmp/openrace.stop
	openrace /tmp/openrace.stop $VDBG/vmas $VDBG/target $VDBG/vbuf \
		$VDEV > /tmp/openrace.out 2>&1 &
	orp=$!
	insmod $KO vbuf_size=1073741824 > /tmp/vbuf_insmod.out 2>&1
	irc=$?
	touch /tmp/openrace.stop
	wait $orp
	cat /tmp/vbuf_insmod.out /tmp/openrace.out
	if [ $irc = 0 ]; then
		vbuf_race_skip="a 1 GiB buffer fits in this guest"
		rmmod mmlens
		return 0
	fi
	grep -q 'Cannot allocate memory' /tmp/vbuf_insmod.out &&
		grep -qx 'done 0' /tmp/openrace.out &&
		[ ! -e /sys/module/mmlens ]
}

# vbuf_pinned splice|uring: buffer pages held by a pipe (vmsplice) or an
# io_uring registered buffer, unmapped and their file closed: rmmod goes
# ahead and frees the buffer, the pages live on until let go, and
# nothing complains (the host fails the cell on "Bad page state" and any
# other report). Sets pin_skip when the kernel refuses the pin.
vbuf_pinned() {
	local pp prc
	pin_skip=
	rm -f /tmp/vbuf_pin.ready
	vbuf_pin "$1" /tmp/vbuf_pin.ready > /tmp/vbuf_pin.out 2>&1 &
	pp=$!
	if ! wait_until $pp 100 0.1 test -e /tmp/vbuf_pin.ready; then
		wait $pp
		prc=$?
		cat /tmp/vbuf_pin.out
		[ $prc = 3 ] && pin_skip="pin refused: $(head -n 1 /tmp/vbuf_pin.out)"
		[ $prc = 3 ]
		return
	fi
	if ! rmmod mmlens; then
		kill $pp
		wait $pp
		return 1
	fi
	kill -USR1 $pp
	wait $pp
	prc=$?
	cat /tmp/vbuf_pin.out
	insmod $KO || return 1
	[ $prc = 0 ]
}

# vbuf_unload_churn SECONDS CYCLES: rmmod/insmod CYCLES times (at most
# SECONDS) while readers of the /proc, debugfs and device files and
# mappers of /dev/mmlens (the tool, in each mode) run: rmmod is refused
# or goes ahead, never a use-after-free. Prints the counts.
# The kernel log gets the churn's begin and end marks (KMSG_CHURN_*):
# inside them the host's log check lets one known kernel warning through,
# the debugfs open-versus-rmmod race (scripts/known-races.sh).
vbuf_unload_churn() {
	local cr m cm end done_ refused bad
	rm -f /tmp/churn.stop
	{ echo "$KMSG_CHURN_BEGIN" > /dev/kmsg; } 2> /dev/null
	(while [ ! -e /tmp/churn.stop ]; do
		cat /proc/mmlens/buddyinfo /proc/mmlens/pagetypeinfo
		ioprobe rdwr /proc/mmlens/vmas 1
		ioprobe rdwr $VDBG/pagetable 1
		cat $VDBG/vbuf $VDBG/vbuf_pfns
	done > /dev/null 2>&1) &
	cr=$!
	(while [ ! -e /tmp/churn.stop ]; do
		for m in lazy around eager; do
			/mmlens/bin/mmlens vbuf --mode $m --touch 8
		done
	done > /dev/null 2>&1) &
	cm=$!
	end=$(($(date +%s) + $1))
	done_=0 refused=0 bad=0
	while [ $done_ -lt "$2" ] && [ "$(date +%s)" -lt $end ]; do
		if rmmod mmlens 2>/dev/null; then
			insmod $KO || { bad=$((bad + 1)); break; }
			done_=$((done_ + 1))
		else
			refused=$((refused + 1))
		fi
	done
	touch /tmp/churn.stop
	wait $cr $cm
	{ echo "$KMSG_CHURN_END" > /dev/kmsg; } 2> /dev/null
	[ -e /sys/module/mmlens ] || insmod $KO || bad=$((bad + 1))
	echo "cycles $done_, rmmod refused $refused, failed insmod $bad"
	[ $bad = 0 ] && [ $done_ -ge 10 ]
}

vbuf_bad_sizes() {
	local v race vrc
	if ! rmmod mmlens; then
		nok "vbuf: rmmod before the vbuf_size tests"
		return
	fi
	for v in 0 2147483648 1073741825 abc -1; do
		check "vbuf: insmod vbuf_size=$v: EINVAL, nothing left behind" \
			vbuf_bad_size "$v"
	done
	check "vbuf: insmod vbuf_mode=bogus: EINVAL, nothing left behind" \
		vbuf_bad_param vbuf_mode=bogus
	race="vbuf: insmod failing with ENOMEM shows no file to an opener meanwhile"
	vbuf_failed_init_race > /tmp/vbuf_race.out 2>&1
	vrc=$?
	if [ -n "$vbuf_race_skip" ]; then
		skip "$race" "$vbuf_race_skip"
	elif [ $vrc = 0 ]; then
		ok "$race"
	else
		nok "$race"
		sed 's/^/TAP #   /' /tmp/vbuf_race.out
	fi
	check "vbuf: vbuf_size=5000 rounds up to 2 pages" vbuf_rounding
	check "vbuf: insmod with the default size" insmod $KO
	check "vbuf: default size=4194304 pages=1024 mode=lazy, counters 0" \
		sh -c "cat $VDBG/vbuf; grep -qx size=4194304 $VDBG/vbuf &&
			grep -qx pages=1024 $VDBG/vbuf &&
			grep -qx faults=0 $VDBG/vbuf &&
			grep -qx mappings=0 $VDBG/vbuf && grep -qx opens=0 $VDBG/vbuf &&
			grep -qx mode=lazy $VDBG/vbuf && grep -qx inserted=0 $VDBG/vbuf"
}

check "vbuf: /dev/mmlens 0600, debugfs vbuf and vbuf_pfns 0400" vbuf_file_modes
check "vbuf: vbuf_pfns has one line per page" \
	test "$(wc -l < $VDBG/vbuf_pfns)" = "$(vbuf_stat pages)"
check "vbuf: unprivileged open EACCES, root reads" vbuf_unprivileged
check "vbuf: vbuf_pfns without CAP_SYS_ADMIN: EPERM; vbuf still reads" \
	vbuf_pfns_cap
tap_program vbuf vbuf_test
vbuf_mode_cases
check "vbuf: vbuf_mode parameter 0644: lazy, around, eager by name; bogus refused" \
	vbuf_mode_param
vbuf_unload_while open "while open" 0 1
vbuf_unload_while map "while mapped, fd closed" 1 1
# The module stays pinned by a mapping of each mode; the holder maps with
# the parameter's mode (eager: pages inserted at mmap).
for m in around eager; do
	if rmmod mmlens && insmod $KO vbuf_mode=$m; then
		vbuf_unload_while map "while mapped ($m), fd closed" 1 1
	else
		nok "vbuf: reload with vbuf_mode=$m"
	fi
done
for m in splice uring; do
	t="vbuf: pages pinned by $m across rmmod: rmmod frees the buffer, the pages live on"
	if vbuf_pinned $m > /tmp/vbuf_pinned.out 2>&1; then
		if [ -n "$pin_skip" ]; then skip "$t" "$pin_skip"; else ok "$t"; fi
	else
		nok "$t"
		sed 's/^/TAP #   /' /tmp/vbuf_pinned.out
	fi
done
# Bounded: 100 cycles or 60 s (the debug kernel manages fewer).
if vbuf_unload_churn 60 100 > /tmp/vbuf_churn.out 2>&1; then
	ok "vbuf: rmmod/insmod cycles against readers and mappers"
else
	nok "vbuf: rmmod/insmod cycles against readers and mappers"
fi
diag "vbuf: churn: $(tail -n 1 /tmp/vbuf_churn.out)"
vbuf_bad_sizes
