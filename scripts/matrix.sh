#!/usr/bin/env bash
# Run the QEMU test matrix (or the cells named on the command line) and
# report every in-VM result as a TAP line. Expects the module built per
# kernel in $MMLENS_BUILD/<kernel>/mmlens.ko and the static test programs
# in $MMLENS_BUILD/bin (check.sh does both).
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

MMLENS_BUILD=${MMLENS_BUILD:-$MMLENS_TOP/.build}

# name kernel topology paging module-build in-VM-tests
# (module-build "dkms" is the mmlens.ko that dkms-test.sh built: only
# loaded and unloaded, to show that what DKMS produces works.)
CELLS="
deb6.1-1node-5lvl deb6.1 1node 5 kbuild frag vbuf
deb6.1-2node-4lvl deb6.1 2node 4 kbuild frag vbuf
deb6.1-movable-5lvl deb6.1 movable 5 kbuild frag vbuf
deb6.12-1node-4lvl deb6.12 1node 4 kbuild frag vbuf
deb6.12-2node-5lvl deb6.12 2node 5 kbuild frag vbuf
deb6.12-movable-4lvl deb6.12 movable 4 kbuild frag vbuf
deb6.1-dkms deb6.1 1node 5 dkms -
deb6.12-dkms deb6.12 1node 4 dkms -
"

# Kernel-log lines that fail a run, wherever they appear.
BAD_LOG='BUG[: ]|WARNING:|Oops|KASAN|UBSAN|refcount_t|lockdep|possible circular locking|inconsistent lock state|possible recursive locking|Kernel panic|general protection fault|Call Trace'

topology_args() {
	case $1 in
	1node) echo "-m 1G -smp 2" ;;
	2node) echo "-m 6G -smp 2,sockets=2" \
		"-object memory-backend-ram,id=m0,size=3G" \
		"-object memory-backend-ram,id=m1,size=3G" \
		"-numa node,nodeid=0,cpus=0,memdev=m0" \
		"-numa node,nodeid=1,cpus=1,memdev=m1" ;;
	movable) echo "-m 1536M -smp 2" ;;
	esac
}

topology_append() {
	case $1 in
	movable) echo "movablecore=512M" ;;
	esac
}

# parse_log CELL LOG: turn the guest's TAP lines into results, then judge
# the kernel log.
parse_log() {
	local cell=$1 log=$2 clean line
	clean=$(mktemp)
	tr -d '\r' < "$log" > "$clean"
	while IFS= read -r line; do
		case $line in
		"TAP ok "*) result ok "$cell: ${line#TAP ok }" ;;
		"TAP not ok "*) result fail "$cell: ${line#TAP not ok }" ;;
		"TAP skip "*)
			line=${line#TAP skip }
			result skip "$cell: ${line%% # *}" "${line#* # }" ;;
		"TAP #"*) printf '#%s\n' "${line#TAP #}" ;;
		esac
	done < <(grep -a '^TAP ' "$clean")

	if ! grep -q MMLENS-DONE "$clean"; then
		result fail "$cell: guest ran to completion"
		tail -n 30 "$clean" | sed 's/^/#   /'
	fi
	if grep -aE '^\[ *[0-9]+\.[0-9]+\]' "$clean" | grep -aE "$BAD_LOG" \
		> "$clean.bad"; then
		result fail "$cell: kernel log free of BUG/WARNING/Oops/KASAN/lockdep"
		head -n 40 "$clean.bad" | sed 's/^/#   /'
	else
		result ok "$cell: kernel log free of BUG/WARNING/Oops/KASAN/lockdep"
	fi
	rm -f "$clean" "$clean.bad"
}

run_cell() {
	local cell=$1 kernel=$2 topo=$3 paging=$4 ko=$5 tests=$6
	local rel root env initrd log append
	rel=$(kernel_release "$kernel")
	root=$MMLENS_CACHE/kernels/$rel
	env=$MMLENS_BUILD/cells/$cell.env
	initrd=$MMLENS_BUILD/cells/$cell.cpio.gz
	log=$MMLENS_BUILD/logs/$cell.log
	mkdir -p "$MMLENS_BUILD/cells" "$MMLENS_BUILD/logs"
	[ "$tests" = - ] && tests=
	printf 'CELL=%s\nMMLENS_TESTS="%s"\n' "$cell" "${MMLENS_TESTS:-$tests}" \
		> "$env"
	if [ "$ko" = dkms ]; then
		ko=$MMLENS_BUILD/dkms/$kernel/mmlens.ko
	else
		ko=$MMLENS_BUILD/$kernel/mmlens.ko
	fi
	if [ ! -f "$ko" ]; then
		result fail "$cell: $ko was built"
		return
	fi
	bash "$MMLENS_TOP/scripts/initramfs.sh" "$initrd" "$ko" \
		"$MMLENS_BUILD/bin" "$env" "$root/lib/modules/$rel"
	append="$(topology_append "$topo")"
	[ "$paging" = 4 ] && append="$append no5lvl"
	# shellcheck disable=SC2046
	bash "$MMLENS_TOP/scripts/boot.sh" "$root/boot/vmlinuz-$rel" \
		"$initrd" "$log" "${MMLENS_BOOT_TIMEOUT:-900}" "$append" \
		-cpu max $(topology_args "$topo")
	parse_log "$cell" "$log"
}

want=" $* "
while read -r cell kernel topo paging ko tests; do
	[ -n "$cell" ] || continue
	if [ $# -gt 0 ] && [ "${want#* "$cell" }" = "$want" ]; then
		continue
	fi
	run_cell "$cell" "$kernel" "$topo" "$paging" "$ko" "$tests"
done <<< "$CELLS"
