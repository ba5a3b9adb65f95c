#!/usr/bin/env bash
# Boot one kernel with one initramfs in QEMU (TCG), log the serial console.
#   boot.sh VMLINUZ INITRD LOG TIMEOUT_S "KERNEL ARGS" [QEMU ARGS...]
# Exit 0 when the guest reached MMLENS-DONE, 1 otherwise. A panic before
# /init ran is a known rare TCG infrastructure failure: retried once, and
# the retry is reported on stderr.
#
# MMLENS_HOTPLUG_MB (e.g. 256) in the environment: the guest may ask for
# memory DIMMs of that many MiB to be plugged and unplugged
# (t_hotremove.sh). QEMU then gets a QMP monitor on two FIFOs, driven by
# hotplug-watch.sh for the length of each attempt (MMLENS_HOTPLUG_NODE:
# the DIMMs' NUMA node).
# The caller gives QEMU the slots ("-m SIZE,slots=N,maxmem=MAX").
set -uo pipefail

kernel=$1 initrd=$2 log=$3 tmo=$4 append=$5
shift 5

hp_mb=${MMLENS_HOTPLUG_MB:-}
hp_dir='' watcher=''
stop_watcher() {
	if [ -n "$watcher" ]; then
		kill "$watcher" 2>/dev/null
		wait "$watcher" 2>/dev/null
		watcher=''
	fi
}
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	stop_watcher
	if [ -n "$hp_dir" ]; then
		rm -rf "$hp_dir"
	fi
}
trap cleanup EXIT
if [ -n "$hp_mb" ]; then
	hp_dir=$(mktemp -d)
	mkfifo "$hp_dir/mon.in" "$hp_dir/mon.out"
	set -- "$@" -chardev "pipe,id=hpmon,path=$hp_dir/mon" \
		-mon chardev=hpmon,mode=control
fi

boot_once() {
	# A fresh log before the watcher reads it: no request of an earlier
	# run is acted on.
	: > "$log"
	if [ -n "$hp_mb" ]; then
		bash "$(dirname "$0")/hotplug-watch.sh" "$log" "$hp_dir/mon" \
			"$tmo" "$hp_mb" "${MMLENS_HOTPLUG_NODE:-}" &
		watcher=$!
	fi
	timeout --foreground -k 5 "$tmo" qemu-system-x86_64 \
		-machine q35 -nographic -no-reboot -net none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 loglevel=4 printk.time=1 panic=-1 $append" \
		"$@" < /dev/null >> "$log" 2>&1
	local rc=$?
	stop_watcher
	return $rc
}

for attempt in 1 2; do
	start=$(date +%s.%N)
	boot_once "$@"
	rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	if grep -q MMLENS-DONE "$log"; then
		printf 'boot: %s done in %.1f s (attempt %d)\n' \
			"$(basename "$log" .log)" "$secs" "$attempt" >&2
		exit 0
	fi
	if [ "$attempt" = 1 ] && ! grep -q MMLENS-INIT "$log" &&
		grep -q 'Kernel panic' "$log"; then
		echo "boot: panic before init (rc $rc), retrying once" >&2
		cp "$log" "$log.attempt1"
		continue
	fi
	[ "$rc" = 124 ] && echo "boot: timeout after ${tmo}s" >&2
	exit 1
done
exit 1
