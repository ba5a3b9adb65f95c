#!/usr/bin/env bash
# Build mmlens.ko for one kernel in its own directory, so builds for
# several kernels never overwrite each other's objects, with -Werror.
#   build-module.sh KDIR OUTDIR [extra make args...]
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

kdir=$1 out=$2
shift 2
mkdir -p "$out"
# Copy only the sources; objects of other kernels stay behind.
rm -rf "$out/module" "$out/kunit"
cp -r "$MMLENS_TOP/module" "$MMLENS_TOP/kunit" "$MMLENS_TOP/Kbuild" "$out/"
find "$out/module" "$out/kunit" \( -name '*.o' -o -name '*.cmd' -o -name '*.ko' \
	-o -name '*.mod*' \) -delete
# W=1 and -Werror (Kbuild's MMLENS_WERROR=1): the project's own builds
# fail on any warning; users' builds (make, DKMS) only print them.
# -j: make check builds (and sparse-checks) for seven kernels.
make -C "$kdir" M="$out" -j"$(nproc)" W=1 MMLENS_WERROR=1 "$@" modules
