#!/usr/bin/env bash
# make demo: install what it needs, build for Debian's 6.12 kernel, boot
# it in QEMU, load mmlens and show its three parts (scripts/vm/t_demo.sh):
# fragmentation before and after a workload, one process's page tables,
# the vmalloc buffer in each mapping mode; end with a recap.
# Exits non-zero when any step, in the VM or on the host, failed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
kernel=$MMLENS_DEMO_KERNEL
cell=$MMLENS_DEMO_CELL
start=$(date +%s)

bash "$MMLENS_TOP/scripts/deps.sh" --demo
bash "$MMLENS_TOP/scripts/kernels.sh" "$kernel" > /dev/null
rel=$(kernel_release "$kernel")
log "demo: building mmlens.ko for $rel and the static tool"
bash "$MMLENS_TOP/scripts/build-module.sh" "/lib/modules/$rel/build" \
	"$MMLENS_BUILD/$kernel" > "$MMLENS_BUILD/demo-build.log" 2>&1 ||
	{ tail -n 30 "$MMLENS_BUILD/demo-build.log"; exit 1; }
mkdir -p "$MMLENS_BUILD/bin"
make -s -C "$MMLENS_TOP/userspace" OUT="$MMLENS_BUILD/bin" static

log "demo: booting $rel in QEMU (TCG, 1 GiB, 2 CPUs); this takes about a minute"
MMLENS_RESULTS=$MMLENS_BUILD/demo-results.txt
: > "$MMLENS_RESULTS"
export MMLENS_RESULTS
MMLENS_TESTS=demo bash "$MMLENS_TOP/scripts/matrix.sh" "$cell" |
	sed -n '/^# test times: /d; s/^# \{0,1\}//p' || true
if grep -q '^fail' "$MMLENS_RESULTS" || ! grep -q '^ok' "$MMLENS_RESULTS"; then
	echo "demo: failed:" >&2
	grep '^fail' "$MMLENS_RESULTS" | cut -f2 | sed 's/^/  /' >&2
	echo "demo: the guest's console is in $MMLENS_BUILD/logs/$cell.log" >&2
	exit 1
fi

cat <<EOT

== What you just saw
mmlens.ko inside Debian's $rel under QEMU:
1. the buddy allocator's free lists, and why large allocations fail,
   equal to the kernel's own files;
2. one process's page tables walked by the module: VMAs, runs with
   frames, THP leaves, swap entries, one address level by level, each
   number beside the one smaps or pagemap gives;
3. a vmalloc() buffer mapped into a process from the module's .fault
   handler, one page, a window, or all of it per fault.

== Next
  make check           the whole test matrix in QEMU (every kernel flavour)
  mmlens --help        on a machine with the module loaded (as root)
Docs: README.md, docs/frag.md, docs/walk.md, docs/vbuf.md; man userspace/mmlens.1.
demo: done in $(($(date +%s) - start)) s (build log: $MMLENS_BUILD/demo-build.log)
EOT
