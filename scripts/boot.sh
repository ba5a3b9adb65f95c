#!/usr/bin/env bash
# Boot one kernel with one initramfs in QEMU (TCG), log the serial console.
#   boot.sh VMLINUZ INITRD LOG TIMEOUT_S "KERNEL ARGS" [QEMU ARGS...]
# Exit 0 when the guest reached MMLENS-DONE, 1 otherwise. A panic before
# /init ran is a known rare TCG infrastructure failure: retried once, and
# the retry is reported on stderr.
set -uo pipefail

kernel=$1 initrd=$2 log=$3 tmo=$4 append=$5
shift 5

boot_once() {
	timeout --foreground -k 5 "$tmo" qemu-system-x86_64 \
		-machine q35 -nographic -no-reboot -net none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 loglevel=4 printk.time=1 panic=-1 $append" \
		"$@" < /dev/null > "$log" 2>&1
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
