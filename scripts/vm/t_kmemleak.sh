# kmemleak (debug kernel): after the rest of the suite, 20 insmod/rmmod
# cycles, each with every mmlens file opened and read and one /proc file
# held open across the rmmod, then a kmemleak scan: nothing it reports may
# be mmlens's. Run it last: the scan also covers what the tests before it
# leaked. Sourced by /init with mmlens loaded; leaves it loaded.
# shellcheck source=scripts/vm/leakscan.sh
. /mmlens/vm/leakscan.sh

KO=/mmlens/mmlens.ko

# Read every regular mmlens file a little (a file may need setup first and
# refuse: only the open/read/close paths matter here).
kmemleak_read_all() {
	local f
	find /proc/mmlens /sys/kernel/debug/mmlens -type f 2>/dev/null |
		while read -r f; do
			timeout 10 head -c 65536 "$f" > /dev/null 2>&1 < /dev/null
		done
	[ -c /dev/mmlens ] && timeout 10 sh -c ': < /dev/mmlens' 2>/dev/null
	return 0
}

# The control: kmemleak-test.ko (CONFIG_SAMPLE_KMEMLEAK) leaks kmalloc,
# vmalloc and percpu memory from its init on purpose; the same scan must
# find those. It stays loaded: unloaded, its frames would turn into raw
# addresses, which leak_scan takes for an unloaded mmlens.
kmemleak_control() {
	local ctl counts
	ctl=$(find /lib/modules -name kmemleak-test.ko 2>/dev/null | head -n 1)
	if [ -z "$ctl" ]; then
		skip "kmemleak: the control leak is found" "no kmemleak-test.ko"
	elif ! insmod "$ctl"; then
		nok "kmemleak: insmod kmemleak-test.ko"
	else
		counts=$(leak_scan /tmp/kmemleak.ctl kmemleak_test)
		diag "kmemleak control: ${counts% *} reported, ${counts#* } from kmemleak_test"
		if [ "${counts#* }" -gt 0 ] 2>/dev/null; then
			ok "kmemleak: the control leak (kmemleak-test.ko) is found"
		else
			nok "kmemleak: the control leak (kmemleak-test.ko) is found"
		fi
	fi
}

kmemleak_cycles() {
	local i held
	i=0
	while [ "$i" -lt 20 ]; do
		i=$((i + 1))
		if ! insmod "$KO" 2> /tmp/kml.err; then
			echo "cycle $i: insmod: $(cat /tmp/kml.err)"
			return 1
		fi
		kmemleak_read_all
		held=$(find /proc/mmlens -type f | head -n 1)
		exec 3< "$held"
		if ! rmmod mmlens 2> /tmp/kml.err; then
			exec 3<&-
			echo "cycle $i: rmmod with $held open: $(cat /tmp/kml.err)"
			return 1
		fi
		# The entry is gone: reading the held file must fail, not crash.
		if cat <&3 > /dev/null 2>&1; then
			exec 3<&-
			echo "cycle $i: $held still readable after rmmod"
			return 1
		fi
		exec 3<&-
	done
	echo "$i cycles"
}

if [ ! -e "$KMEMLEAK" ]; then
	skip "kmemleak" "kernel $(uname -r) lacks CONFIG_DEBUG_KMEMLEAK"
else
	if rmmod mmlens; then
		check "kmemleak: 20 insmod/read/rmmod cycles" kmemleak_cycles
	else
		nok "kmemleak: rmmod before the cycles"
	fi
	[ -e /sys/module/mmlens ] || insmod "$KO"
	leak_check "kmemleak: no unreferenced object from mmlens"
	kmemleak_control
fi
