#!/usr/bin/env bash
# make demo: install deps, build for Debian's 6.12 kernel, boot it in QEMU,
# load mmlens and print the fragmentation report before and after a
# fragmenting workload; end with what was shown and what to try next.
# Exits non-zero when any step, in the VM or on the host, failed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
kernel=deb6.12
cell=deb6.12-1node-4lvl
start=$(date +%s)

bash "$MMLENS_TOP/scripts/deps.sh"
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
	sed -n 's/^# \{0,1\}//p' || true
if grep -q '^fail' "$MMLENS_RESULTS" || ! grep -q '^ok' "$MMLENS_RESULTS"; then
	echo "demo: failed:" >&2
	grep '^fail' "$MMLENS_RESULTS" | cut -f2 | sed 's/^/  /' >&2
	echo "demo: the guest's console is in $MMLENS_BUILD/logs/$cell.log" >&2
	exit 1
fi

cat <<EOT

== What you just saw
mmlens.ko ran inside Debian's $rel under QEMU. /proc/mmlens/buddyinfo
counts the free blocks of each order (4 KiB << order) per zone, exactly as
/proc/buddyinfo does. A workload then touched most of memory with 4 KiB
pages and freed every other one, and the remaining free 2 MiB blocks went
to huge pages: plenty of memory stays free, but in order-0 holes. So
extfrag_index moved from -1.000 ("an allocation of this order succeeds
now") towards 1.000 ("it fails because free memory is fragmented", where
0 would mean "for lack of memory"), and unusable_index shows the share of
free memory that sits in blocks too small for each order.

== Next, on a machine with the module loaded (as root)
  mmlens frag          the same, per zone, with bars and a verdict
  mmlens vmas PID      what each mapping of PID has present, swapped, huge
  mmlens map PID       the same as a picture
  mmlens pt PID        the page-table runs of PID, with frames and flags
  make check           the whole test matrix in QEMU
Docs: README.md, docs/frag.md, docs/walk.md; man userspace/mmlens.1.
demo: done in $(($(date +%s) - start)) s (build log: $MMLENS_BUILD/demo-build.log)
EOT
