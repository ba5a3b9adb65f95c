#!/usr/bin/env bash
# make bench: build, then boot one cell per Debian kernel with enough
# memory and print the benchmark lines (ratios measured in one VM run).
# Exits non-zero when a build, a boot or a benchmark program failed.
#   MMLENS_VM_BENCH_MIB, MMLENS_VM_BENCH_ROUNDS   size and rounds in the VM
#                                                 (scripts/vm/t_bench.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

bash "$MMLENS_TOP/scripts/deps.sh"
bash "$MMLENS_TOP/scripts/kernels.sh" > /dev/null
for name in $(kernel_names); do
	rel=$(kernel_release "$name")
	bash "$MMLENS_TOP/scripts/build-module.sh" "/lib/modules/$rel/build" \
		"$MMLENS_BUILD/$name" > "$MMLENS_BUILD/bench-build.log" 2>&1 ||
		{ tail -n 30 "$MMLENS_BUILD/bench-build.log"; exit 1; }
done
mkdir -p "$MMLENS_BUILD/bin"
make -s -C "$MMLENS_TOP/userspace/tests" OUT="$MMLENS_BUILD/bin"

MMLENS_RESULTS=$MMLENS_BUILD/bench-results.txt
: > "$MMLENS_RESULTS"
export MMLENS_RESULTS
MMLENS_TESTS=bench bash "$MMLENS_TOP/scripts/matrix.sh" \
	deb6.1-2node-4lvl deb6.12-2node-5lvl | grep -v '^ok' || true
if grep -q '^fail' "$MMLENS_RESULTS"; then
	echo "bench: failed:" >&2
	grep '^fail' "$MMLENS_RESULTS" | cut -f2 | sed 's/^/  /' >&2
	exit 1
fi
