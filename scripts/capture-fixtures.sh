#!/usr/bin/env bash
# Boot cells with scripts/vm/t_cli.sh in capture mode and keep what the
# real module showed as snapshot directories for `mmlens --root` and the
# host tests (scripts/test-tool.sh):
#   userspace/fixtures/CELL/             /proc/mmlens and debugfs files
#                                        (fraginfo, watermarks, compaction,
#                                        pageblocks, ... where the module has
#                                        them), under the `fragment`
#                                        workload and huge pages, and the
#                                        reports of `memshape` (userspace/demo)
#   userspace/fixtures/CELL/out/         the tool's output in the VM (frag,
#                                        physmap, ..., and frag/physmap
#                                        after compaction)
#   userspace/fixtures/CELL-compacted/   the frag files (fraginfo,
#                                        buddyinfo, pagetypeinfo, watermarks,
#                                        compaction, pageblocks) after the
#                                        workload let go and compact_memory
# Each snapshot also holds proc/sys/vm/compaction_proactiveness as it was
# when compaction was read: the tool computes the proactive-compaction
# thresholds from it (docs/frag.md). No kswapd state: a snapshot has no
# processes, so the tool takes every kswapd as not running.
# Two-node cells (e.g. deb6.12-2node-5lvl) capture the same and then, in
# the same boot, the numa report with vmas and pagetable of numa_check's
# workload (pages with every memory policy on both nodes), via
# scripts/vm/t_numa.sh.
#
#   capture-fixtures.sh [CELL...]    default: deb6.12-1node-4lvl deb6.1-1node-5lvl
#
# Needs $MMLENS_BUILD/<kernel>/mmlens.ko and the static tool and test
# programs in $MMLENS_BUILD/bin (docs/cli.md shows the commands).
# MMLENS_FIXTURES=DIR writes there instead of userspace/fixtures.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

dest=${MMLENS_FIXTURES:-$MMLENS_TOP/userspace/fixtures}
[ $# -gt 0 ] || set -- deb6.12-1node-4lvl deb6.1-1node-5lvl


# extract LOG CELL: the MMLENS-FILE blocks of the console log into files.
extract() {
	tr -d '\r' < "$1" | awk -v dest="$dest" -v cell="$2" '
	/^MMLENS-FILE-BEGIN / {
		path = $2
		if (path ~ /\.\./ || path !~ /^(a|b|out)\//) {
			print "capture: bad path " path > "/dev/stderr"
			exit 1
		}
		if (path ~ /^a\//) path = cell "/" substr(path, 3)
		else if (path ~ /^b\//) path = cell "-compacted/" substr(path, 3)
		else path = cell "/" path
		file = dest "/" path
		dir = file
		sub(/\/[^\/]*$/, "", dir)
		system("mkdir -p \"" dir "\"")
		printf "" > file
		n++
		next
	}
	/^MMLENS-FILE-END$/ { close(file); file = ""; next }
	file != "" { print >> file }
	END { print "capture: " n " files" > "/dev/stderr" }'
}

capture() {
	local cell=$1 kernel topo paging img env initrd log append tests knobs t
	IFS=- read -r kernel topo paging <<< "$cell"
	case $topo in
	1node) tests=cli knobs=MMLENS_CLI_CAPTURE ;;
	2node) tests="cli numa" knobs="MMLENS_CLI_CAPTURE MMLENS_NUMA_CAPTURE" ;;
	*) die "capture: unknown topology $topo (1node or 2node)" ;;
	esac
	paging=${paging%lvl}
	kernel_release "$kernel" > /dev/null || die "capture: no kernel $kernel"
	img=$(kernel_image "$kernel")
	[ -f "$MMLENS_BUILD/$kernel/mmlens.ko" ] ||
		die "capture: build $MMLENS_BUILD/$kernel/mmlens.ko first"
	[ -x "$MMLENS_BUILD/bin/mmlens" ] ||
		die "capture: build the static tool in $MMLENS_BUILD/bin first"
	mkdir -p "$MMLENS_BUILD/capture"
	env=$MMLENS_BUILD/capture/$cell.env
	initrd=$MMLENS_BUILD/capture/$cell.cpio.gz
	log=$MMLENS_BUILD/capture/$cell.log
	{
		printf 'CELL=%s\nMMLENS_TESTS="%s"\n' "$cell" "$tests"
		# shellcheck disable=SC2086 # one line per knob
		printf '%s=1\n' $knobs
	} > "$env"
	bash "$MMLENS_TOP/scripts/initramfs.sh" "$initrd" \
		"$MMLENS_BUILD/$kernel/mmlens.ko" "$MMLENS_BUILD/bin" "$env"
	append=""
	[ "$paging" = 4 ] && append="no5lvl"
	# shellcheck disable=SC2046
	bash "$MMLENS_TOP/scripts/boot.sh" "$img" "$initrd" "$log" 900 \
		"$append" -cpu max $(topology_args "$topo") ||
		die "capture: $cell did not boot to the end; see $log"
	for t in $tests; do
		grep -q "TAP ok $t: capture done" "$log" ||
			die "capture: $cell: $t capture did not finish; see $log"
	done
	rm -rf "${dest:?}/$cell" "${dest:?}/$cell-compacted"
	extract "$log" "$cell"
	check_sysctl "$cell"
	check_sysctl "$cell-compacted"
	log "capture: $cell -> $dest/$cell"
}

# check_sysctl SNAPSHOT: the guest (scripts/vm/t_cli.sh cli_frag_files)
# puts vm.compaction_proactiveness beside compaction, read right after
# it; without it every threshold in the golden outputs would turn
# "unknown", so a capture that lacks it (or holds no 0..100) fails.
check_sysctl() {
	local f=$dest/$1/proc/sys/vm/compaction_proactiveness
	[ -f "$dest/$1/proc/mmlens/compaction" ] || return 0
	grep -qxE '[0-9]|[1-9][0-9]|100' "$f" 2> /dev/null ||
		die "capture: $1 has no proc/sys/vm/compaction_proactiveness of 0..100 (the guest must cli_put it with compaction)"
}

for cell in "$@"; do
	capture "$cell"
done
