#!/usr/bin/env bash
# Run the QEMU test matrix (or the cells named on the command line) and
# report every in-VM result as a TAP line. Expects the module built per
# kernel in $MMLENS_BUILD/<kernel>/mmlens.ko and the static test programs
# in $MMLENS_BUILD/bin (check.sh does both).
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# name kernel topology paging module-build in-VM-tests
# (module-build "dkms" is the mmlens.ko that dkms-test.sh built: only
# loaded and unloaded, to show that what DKMS produces works; "debpkg" is
# the mmlens.ko DKMS built from the mmlens-dkms package in a fresh Debian
# root, and the mmlens package's tool, both from deb-test.sh. In-VM test
# "ALL" stands for every test of the distro kbuild cells but lockdown: the
# debug kernel, scripts/debug-kernel.sh, runs the whole suite, then its
# own. lockdown, which leaves the kernel locked down, comes last.
# hotremove, docs/hotremove.md, gives its cells DIMM slots and a QEMU
# monitor; through ALL the debug cell runs it too, before kmemleak.
# The movable cells run what ZONE_MOVABLE changes, the zone reports; the
# page-table, vbuf and race tests of the same kernel and paging run on
# its 1-node cell.)
CELLS="
deb6.1-1node-5lvl deb6.1 1node 5 kbuild frag vbuf walk numa cli race lockdown
deb6.1-2node-4lvl deb6.1 2node 4 kbuild frag vbuf walk numa cli race hotremove
deb6.1-movable-5lvl deb6.1 movable 5 kbuild frag numa cli
deb6.12-1node-4lvl deb6.12 1node 4 kbuild frag vbuf walk numa cli race lockdown
deb6.12-2node-5lvl deb6.12 2node 5 kbuild frag vbuf walk numa cli race hotremove
deb6.12-movable-4lvl deb6.12 movable 4 kbuild frag numa cli
deb6.1-cloud-1node-4lvl deb6.1-cloud 1node 4 kbuild frag vbuf walk numa cli
deb6.12-cloud-1node-5lvl deb6.12-cloud 1node 5 kbuild frag vbuf walk numa cli
deb6.12-rt-1node-5lvl deb6.12-rt 1node 5 kbuild frag vbuf walk numa cli race
debug6.12-2node-5lvl debug6.12 2node2g 5 kbuild ALL kunit faultinject kmemleak
debug6.12-rt-2node-5lvl debug6.12-rt 2node2g 5 kbuild frag vbuf walk race kunit
deb6.1-dkms deb6.1 1node 5 dkms -
deb6.12-dkms deb6.12 1node 4 dkms -
deb6.1-debpkg deb6.1 1node 5 debpkg pkg
deb6.12-debpkg deb6.12 1node 4 debpkg pkg
"

# Kernel-log lines that fail a run, wherever they appear.
# Lines that match it but are not reports: the debug kernel's boot banner.
BENIGN_LOG='RCU lockdep checking is enabled'
BAD_LOG='BUG[: ]|WARNING:|Oops|KASAN|UBSAN|refcount_t|lockdep|possible circular locking|inconsistent lock state|possible recursive locking|Kernel panic|general protection fault|Call Trace'


# all_vm_tests: the in-VM tests of the distro kbuild cells, each once.
all_vm_tests() {
	local cell kernel topo paging ko tests t seen=" "
	while read -r cell kernel topo paging ko tests; do
		if [ -z "$cell" ] || [ "$ko" != kbuild ] ||
			kernel_is_debug "$kernel"; then
			continue
		fi
		for t in $tests; do
			# lockdown must come last (it refuses insmod after
			# it), so the debug cell's own tests leave it out
			[ "$t" != - ] && [ "$t" != lockdown ] &&
				[ "${seen#* "$t" }" = "$seen" ] &&
				seen="$seen$t "
		done
	done <<< "$CELLS"
	seen=${seen# }
	echo "${seen% }"
}

# initrd_append INITRD FILE PATH: add FILE at PATH as a second archive;
# the kernel unpacks concatenated cpio archives in order.
initrd_append() {
	local stage
	stage=$(mktemp -d)
	mkdir -p "$stage/$(dirname "$3")"
	cp "$2" "$stage/$3"
	(cd "$stage" && find . -mindepth 1 | cpio -o -H newc --quiet) |
		gzip -1 >> "$1"
	rm -rf "$stage"
}

# Kernel modules the in-VM tests load (zram swap and overlayfs for
# t_walk.sh; the debug kernel's deliberate leaker for t_kmemleak.sh), in
# load order, as far as the kernel has them as modules: 6.1 builds
# zsmalloc as a module; 6.12 builds it in, but its zram needs the lz4
# modules; 6.1's cloud flavour has zram's default compressor, lzo-rle, as
# a module; overlayfs is a module in every Debian flavour.
VM_MODULES="kernel/lib/lz4/lz4_compress.ko kernel/lib/lz4/lz4hc_compress.ko
kernel/crypto/lzo-rle.ko
kernel/mm/zsmalloc.ko kernel/drivers/block/zram/zram.ko
kernel/fs/overlayfs/overlay.ko
kernel/samples/kmemleak/kmemleak-test.ko"

vm_modules() {
	local m
	for m in $VM_MODULES; do
		if [ -f "$1/$m" ]; then
			echo "$m"
		fi
	done
}

topology_append() {
	case $1 in
	movable) echo "movablecore=512M" ;;
	# t_walk.sh's 1 GiB hugetlb page: after other tests have scattered
	# unmovable pages, a runtime allocation of one mostly fails.
	2node) echo "hugepagesz=1G hugepages=1" ;;
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
	# A result name is its id from run to run: measured values go in
	# diagnostics, and no name repeats within a cell.
	if grep -a '^TAP \(ok\|not ok\|skip\) ' "$clean" |
		sed 's/^TAP \(ok\|not ok\|skip\) //; s/ # .*//' | sort | uniq -d |
		head -n 5 > "$clean.dup" && [ -s "$clean.dup" ]; then
		result fail "$cell: every result name once in the cell"
		sed 's/^/#   twice: /' "$clean.dup"
	fi

	if ! grep -q MMLENS-DONE "$clean"; then
		result fail "$cell: guest ran to completion"
		tail -n 30 "$clean" | sed 's/^/#   /'
		tail -n 6 "$clean" | result_detail "$cell: the console's last lines:"
	fi
	if grep -q '^MMLENS-KUNIT-BEGIN' "$clean"; then
		bash "$MMLENS_TOP/scripts/kunit-parse.sh" "$cell" "$clean"
	fi
	bash "$MMLENS_TOP/scripts/known-races.sh" "$clean.races" < "$clean" > "$clean.kept"
	if [ -s "$clean.races" ]; then
		echo "# $cell: kernel log: $(cat "$clean.races") warning(s) of the" \
			"debugfs open-vs-rmmod race during the unload churn let" \
			"through (a known kernel race: scripts/known-races.sh)"
	fi
	if grep -aE '^\[ *[0-9]+\.[0-9]+\]' "$clean.kept" | grep -aE "$BAD_LOG" |
		grep -avE "$BENIGN_LOG" > "$clean.bad"; then
		result fail "$cell: kernel log free of BUG/WARNING/Oops/KASAN/lockdep"
		head -n 40 "$clean.bad" | sed 's/^/#   /'
		# The first report and the kernel lines after it: what it
		# was and where.
		grep -aFx -m1 -A30 "$(head -n 1 "$clean.bad")" "$clean.kept" |
			grep -aE '^\[ *[0-9]+\.[0-9]+\]' | head -n 10 |
			result_detail "$cell: the kernel's first report:"
	else
		result ok "$cell: kernel log free of BUG/WARNING/Oops/KASAN/lockdep"
	fi
	rm -f "$clean" "$clean.bad" "$clean.kept" "$clean.races" "$clean.dup"
}

run_cell() {
	local cell=$1 kernel=$2 topo=$3 paging=$4 ko=$5 tests=$6
	local rel root env initrd log append tmo qargs hp_mb hp_node
	rel=$(kernel_release "$kernel")
	root=$(kernel_root "$kernel")
	env=$MMLENS_BUILD/cells/$cell.env
	initrd=$MMLENS_BUILD/cells/$cell.cpio.gz
	log=$MMLENS_BUILD/logs/$cell.log
	mkdir -p "$MMLENS_BUILD/cells" "$MMLENS_BUILD/logs"
	[ "$tests" = - ] && tests=
	tests=${tests/ALL/$(all_vm_tests)}
	tests=${MMLENS_TESTS:-$tests}
	printf 'CELL=%s\nMMLENS_TESTS="%s"\n' "$cell" "$tests" > "$env"
	qargs=$(topology_args "$topo")
	append="$(topology_append "$topo")"
	[ "$paging" = 4 ] && append="$append no5lvl"
	# t_hotremove.sh has DIMMs plugged and unplugged through the QEMU
	# monitor (boot.sh, hotplug-watch.sh): two free slots, hot-added
	# memory left offline for the test to online. Only the cells that
	# run it: the other tests see the memory map they always saw.
	hp_mb='' hp_node=''
	case " $tests " in
	*" hotremove "*)
		qargs=$(hotplug_args "$qargs")
		hp_mb=$HOTPLUG_DIMM_MB
		hp_node=$(hotplug_node "$qargs")
		append="$append memhp_default_state=offline"
		printf 'MMLENS_HOTPLUG_MB=%s\nMMLENS_HOTPLUG_NODE=%s\n' \
			"$HOTPLUG_DIMM_MB" "${hp_node:-0}" >> "$env"
		;;
	esac
	# Settings for the in-VM scripts (e.g. MMLENS_VM_BENCH_ROUNDS) pass
	# through from the host's environment.
	env | grep '^MMLENS_VM_[A-Z0-9_]*=[A-Za-z0-9._-]*$' >> "$env"
	local pkgroot=''
	if [ "$ko" = dkms ]; then
		ko=$MMLENS_BUILD/dkms/$kernel/mmlens.ko
	elif [ "$ko" = debpkg ]; then
		ko=$MMLENS_BUILD/debpkg/$kernel/mmlens.ko
		pkgroot=$MMLENS_BUILD/debpkg/root
	else
		ko=$MMLENS_BUILD/$kernel/mmlens.ko
	fi
	if [ ! -f "$ko" ]; then
		result fail "$cell: $ko was built"
		return
	fi
	if [ ! -f "$(kernel_image "$kernel")" ]; then
		result fail "$cell: kernel image $kernel exists"
		return
	fi
	# shellcheck disable=SC2046
	bash "$MMLENS_TOP/scripts/initramfs.sh" "$initrd" "$ko" \
		"$MMLENS_BUILD/bin" "$env" "$root/lib/modules/$rel" \
		$(vm_modules "$root/lib/modules/$rel")
	# The mmlens package's tool, its libc and loader, at their paths.
	if [ -n "$pkgroot" ]; then
		(cd "$pkgroot" && find . -mindepth 1 |
			cpio -o -H newc --quiet) | gzip -1 >> "$initrd"
	fi
	# KUnit suites, built only for kernels with CONFIG_KUNIT.
	if [ -f "${ko%/*}/mmlens_kunit.ko" ]; then
		initrd_append "$initrd" "${ko%/*}/mmlens_kunit.ko" \
			mmlens/mmlens_kunit.ko
	fi
	# The debug cell runs everything under KASAN in TCG: ~12 minutes on
	# an idle 2-core machine, half again as long on a loaded one.
	tmo=${MMLENS_BOOT_TIMEOUT:-900}
	kernel_is_debug "$kernel" && tmo=${MMLENS_BOOT_TIMEOUT:-2400}
	# shellcheck disable=SC2086 # qargs: words
	MMLENS_HOTPLUG_MB=$hp_mb MMLENS_HOTPLUG_NODE=$hp_node \
		bash "$MMLENS_TOP/scripts/boot.sh" "$(kernel_image "$kernel")" \
		"$initrd" "$log" "$tmo" "$append" -cpu max $qargs
	parse_log "$cell" "$log"
}

# cell_kind KERNEL MODULE-BUILD: distro (a Debian kernel, our build),
# debug (a kernel of scripts/debug-kernel.sh) or pkg (what DKMS built, by
# dkms-test.sh or in deb-test.sh's fresh root). make check runs the
# distro cells while the debug kernels still build.
cell_kind() {
	if [ "$2" != kbuild ]; then
		echo pkg
	elif kernel_is_debug "$1"; then
		echo debug
	else
		echo distro
	fi
}

# --list KIND [KERNEL]: the names of the cells of that kind (and on that
# kernel), in matrix order.
if [ "${1:-}" = --list ]; then
	while read -r cell kernel topo paging ko tests; do
		[ -n "$cell" ] && [ "$(cell_kind "$kernel" "$ko")" = "${2:-}" ] &&
			[ "${3:-$kernel}" = "$kernel" ] && echo "$cell"
	done <<< "$CELLS"
	exit 0
fi

want=" $* "
while read -r cell kernel topo paging ko tests; do
	[ -n "$cell" ] || continue
	if [ $# -gt 0 ] && [ "${want#* "$cell" }" = "$want" ]; then
		continue
	fi
	run_cell "$cell" "$kernel" "$topo" "$paging" "$ko" "$tests"
done <<< "$CELLS"
