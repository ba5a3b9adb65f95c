#!/usr/bin/env bash
# make demo: install deps, build for Debian's 6.12 kernel, boot it in QEMU,
# load mmlens and print the fragmentation report before and after a
# fragmenting workload.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
export MMLENS_BUILD=${MMLENS_BUILD:-$MMLENS_TOP/.build}
kernel=deb6.12

bash "$MMLENS_TOP/scripts/deps.sh"
bash "$MMLENS_TOP/scripts/kernels.sh" "$kernel" > /dev/null
rel=$(kernel_release "$kernel")
bash "$MMLENS_TOP/scripts/build-module.sh" "/lib/modules/$rel/build" \
	"$MMLENS_BUILD/$kernel" > "$MMLENS_BUILD/demo-build.log" 2>&1 ||
	{ tail -n 30 "$MMLENS_BUILD/demo-build.log"; exit 1; }
mkdir -p "$MMLENS_BUILD/bin"
make -s -C "$MMLENS_TOP/userspace" OUT="$MMLENS_BUILD/bin" static
MMLENS_TESTS=demo bash "$MMLENS_TOP/scripts/matrix.sh" deb6.12-1node-4lvl |
	sed -n 's/^# \{0,1\}//p'
