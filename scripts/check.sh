#!/usr/bin/env bash
# make check: install dependencies, build for every matrix kernel, run the
# host checks and the QEMU matrix; end with "N passed, N failed, N skipped"
# and a non-zero exit on any failure.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

export MMLENS_BUILD=${MMLENS_BUILD:-$MMLENS_TOP/.build}
export MMLENS_RESULTS=$MMLENS_BUILD/results.txt
mkdir -p "$MMLENS_BUILD"
: > "$MMLENS_RESULTS"
start=$(date +%s)

step() { printf '# == %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }

step deps
if bash "$MMLENS_TOP/scripts/deps.sh" && bash "$MMLENS_TOP/scripts/kernels.sh" \
	> "$MMLENS_BUILD/kernels.txt"; then
	result ok "dependencies and kernel images in place"
	sed 's/^/# kernel: /' "$MMLENS_BUILD/kernels.txt"
else
	result fail "dependencies and kernel images in place"
	echo "1 failed"
	exit 1
fi

step build
for name in $(kernel_names); do
	rel=$(kernel_release "$name")
	log=$MMLENS_BUILD/build-$name.log
	if bash "$MMLENS_TOP/scripts/build-module.sh" "/lib/modules/$rel/build" \
		"$MMLENS_BUILD/$name" > "$log" 2>&1; then
		result ok "build mmlens.ko for $name ($rel), W=1 -Werror"
	else
		result fail "build mmlens.ko for $name ($rel), W=1 -Werror"
		tail -n 30 "$log" | sed 's/^/#   /'
	fi
done
mkdir -p "$MMLENS_BUILD/bin"
if make -s -C "$MMLENS_TOP/userspace" OUT="$MMLENS_BUILD/bin" static \
	> "$MMLENS_BUILD/build-userspace.log" 2>&1; then
	result ok "build static tool and test programs"
else
	result fail "build static tool and test programs"
	tail -n 30 "$MMLENS_BUILD/build-userspace.log" | sed 's/^/#   /'
fi

step "host checks"
bash "$MMLENS_TOP/scripts/modinfo-check.sh"
bash "$MMLENS_TOP/scripts/install-test.sh"
bash "$MMLENS_TOP/scripts/sparse.sh"
bash "$MMLENS_TOP/scripts/checkpatch.sh"
bash "$MMLENS_TOP/scripts/dkms-test.sh"

step "QEMU matrix"
bash "$MMLENS_TOP/scripts/matrix.sh"

step done
pass=$(grep -c '^ok' "$MMLENS_RESULTS")
fail=$(grep -c '^fail' "$MMLENS_RESULTS")
skip=$(grep -c '^skip' "$MMLENS_RESULTS")
if [ "$fail" -gt 0 ]; then
	echo "# failed:"
	grep '^fail' "$MMLENS_RESULTS" | cut -f2 | sed 's/^/#   /'
fi
echo "# total time $(($(date +%s) - start))s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
