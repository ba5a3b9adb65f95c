#!/usr/bin/env bash
# make check: install dependencies, build for every matrix kernel, run the
# host checks and the QEMU matrix; end with a line "N passed, N failed"
# (the skips, counted, on the line before) and a non-zero exit on any
# failure.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

export MMLENS_RESULTS=$MMLENS_BUILD/results.txt
: > "$MMLENS_RESULTS"
rm -f "$MMLENS_RESULTS.details"
# Checks that ran before make check (.ci/run's make demo) count here too.
if [ -n "${MMLENS_PRE_RESULTS:-}" ] && [ -f "$MMLENS_PRE_RESULTS" ]; then
	cat "$MMLENS_PRE_RESULTS" >> "$MMLENS_RESULTS"
fi
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

# The slow preparations run in the background at nice 19, so that they
# take mostly the CPU the foreground steps leave idle (a TCG guest idles
# a third of the time; most host steps use one core); cold, the cells
# still ran 5-25 % longer beside them (docs/log/check-time-runs.md). They are the
# debug kernels (cached under $MMLENS_CACHE; a cold build of each takes
# 5-10 minutes of both cores) and the fresh Debian root of deb-test.sh
# (scripts/debroot.sh, cached; a cold one took 516 s at nice 19 beside
# the host steps). What needs them waits for them: the debug modules,
# sparse and cells; the package test.
step "debug kernels and the fresh Debian root (in the background, nice 19)"
debug_status=$MMLENS_BUILD/debug-kernels.status
build_debug_kernels() {
	local name t0
	# before the first child: they all inherit it
	renice -n 19 -p "$BASHPID" > /dev/null
	for name in "$MMLENS_DEBUG_KERNEL" "$MMLENS_DEBUG_RT_KERNEL"; do
		t0=$(date +%s)
		# shellcheck disable=SC2046 # an option or nothing
		if bash "$MMLENS_TOP/scripts/debug-kernel.sh" $(debug_kernel_args "$name") \
			> "$MMLENS_BUILD/$name-kernel.txt" \
			2> "$MMLENS_BUILD/build-$name-kernel.log"; then
			echo "ok $name $(($(date +%s) - t0))"
		else
			echo "fail $name $(($(date +%s) - t0))"
		fi
	done > "$debug_status"
}
build_debug_kernels &
debug_pid=$!
# deb-test.sh finds the root in the cache; a failure here is reported there.
debroot_status=$MMLENS_BUILD/debroot-bg.status
rm -f "$debroot_status"
# Then the systemd-booted root of systemd-test.sh (debroot.sh boot), the
# same way: cold, about 100 s of a core, most of it mkinitramfs.
(
	t0=$(date +%s)
	nice -n 19 bash "$MMLENS_TOP/scripts/debroot.sh" \
		> /dev/null 2> "$MMLENS_BUILD/debroot-bg.log"
	rc=$? t1=$(date +%s)
	nice -n 19 bash "$MMLENS_TOP/scripts/debroot.sh" boot \
		> /dev/null 2>> "$MMLENS_BUILD/debroot-bg.log"
	echo "debroot $rc $((t1 - t0)) boot $? $(($(date +%s) - t1))" > "$debroot_status"
) &
debroot_pid=$!

# build_module NAME: mmlens.ko (and on a debug kernel mmlens_kunit.ko).
build_module() {
	local name=$1 rel log what=mmlens.ko
	rel=$(kernel_release "$name")
	log=$MMLENS_BUILD/build-$name.log
	kernel_is_debug "$name" && what="mmlens.ko and mmlens_kunit.ko"
	if bash "$MMLENS_TOP/scripts/build-module.sh" "$(kernel_kdir "$name")" \
		"$MMLENS_BUILD/$name" > "$log" 2>&1 &&
		{ ! kernel_is_debug "$name" ||
			[ -f "$MMLENS_BUILD/$name/mmlens_kunit.ko" ]; }; then
		result ok "build $what for $name ($rel), W=1 -Werror"
	else
		result fail "build $what for $name ($rel), W=1 -Werror"
		tail -n 30 "$log" | sed 's/^/#   /'
	fi
}

step build
for name in $(all_kernel_names); do
	build_module "$name"
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
# shellcheck disable=SC2046 # kernel names: words
bash "$MMLENS_TOP/scripts/sparse.sh" $(all_kernel_names)
bash "$MMLENS_TOP/scripts/checkpatch.sh"
bash "$MMLENS_TOP/scripts/dkms-test.sh"
bash "$MMLENS_TOP/scripts/userbuild-test.sh"
bash "$MMLENS_TOP/scripts/known-races-test.sh"
# mmlens export through node_exporter and Prometheus, on 127.0.0.1
bash "$MMLENS_TOP/scripts/prom-test.sh"

step "tool tests and fuzzing (host)"
if make -s -C "$MMLENS_TOP" test-tool > "$MMLENS_BUILD/test-tool.log" 2>&1; then
	result ok "mmlens tool host tests"
	echo "# mmlens tool host tests: $(tail -n 1 "$MMLENS_BUILD/test-tool.log")"
else
	result fail "mmlens tool host tests"
	echo "# mmlens tool host tests: $(tail -n 1 "$MMLENS_BUILD/test-tool.log")"
	grep -A 8 '^not ok' "$MMLENS_BUILD/test-tool.log" | head -n 60 | sed 's/^/#   /'
fi
mkdir -p "$MMLENS_BUILD/fuzz"
if make -s -C "$MMLENS_TOP/userspace" OUT="$MMLENS_BUILD/fuzz" FUZZ_SECONDS=60 \
	fuzz > "$MMLENS_BUILD/fuzz.log" 2>&1; then
	result ok "fuzz the tool's parsers for 60 s, ASan+UBSan"
	echo "# fuzz: $(grep -o 'Done [0-9]* runs' "$MMLENS_BUILD/fuzz.log")"
else
	result fail "fuzz the tool's parsers for 60 s, ASan+UBSan"
	tail -n 30 "$MMLENS_BUILD/fuzz.log" | sed 's/^/#   /'
fi

# run_cells KIND [KERNEL]: the matrix cells of that kind (matrix.sh
# --list); none is a failure, never "all cells" (matrix.sh without names).
run_cells() {
	local cells
	cells=$(bash "$MMLENS_TOP/scripts/matrix.sh" --list "$@")
	if [ -z "$cells" ]; then
		result fail "matrix cells of kind $*"
		return
	fi
	# shellcheck disable=SC2086 # cell names: words
	bash "$MMLENS_TOP/scripts/matrix.sh" $cells
}

# The cells on Debian's kernels need neither background job.
step "QEMU matrix: the Debian kernels"
run_cells distro

# Each debug kernel's module, sparse and cells as soon as that kernel is
# built: the KASAN cell runs while the PREEMPT_RT kernel still builds.
# await_line FILE PATTERN PID: until FILE has a line PATTERN (grep) or
# the background job PID has ended (a background job's status file).
await_line() {
	while ! grep -q "$2" "$1" 2>/dev/null && kill -0 "$3" 2>/dev/null; do
		sleep 5
	done
}
# debug_kernel_status NAME: waits for NAME's line in the status file and
# prints "STATUS SECONDS" from it (nothing if the job ended without one).
debug_kernel_status() {
	await_line "$debug_status" "^[a-z]* $1 " "$debug_pid"
	sed -n "s/^\([a-z]*\) $1 /\1 /p" "$debug_status" 2>/dev/null
}

# The package test, the DKMS and package cells and the bench smoke need
# no debug kernel. They run beside the last debug cell, in the background
# at nice 19, where they take the third of the two cores a TCG guest
# leaves idle (docs/log/check-time-runs.md) and nothing from the cell; run one
# after the other at the end, they took 171 s of the cold run's hour.
# Their lines go to a file, printed when they are done; their results go
# to $MMLENS_RESULTS as they come (one short append each).
final_steps() {
	# make deb, lintian, install/purge in a fresh Debian 12 root
	# (debootstrap cached in $MMLENS_CACHE/debroot, built above in the
	# background, long done in a cold run); leaves the DKMS-built
	# modules for the debpkg cells.
	step "Debian packages"
	await_line "$debroot_status" '^debroot ' "$debroot_pid"
	sed 's/^/# background: /' "$debroot_status" 2>/dev/null
	bash "$MMLENS_TOP/scripts/deb-test.sh"

	step "QEMU matrix: the DKMS and package builds"
	run_cells pkg

	step "make bench, short, from a clean copy"
	bash "$MMLENS_TOP/scripts/bench-smoke.sh"
}
final_log=$MMLENS_BUILD/final-steps.log
final_pid=''

for name in "$MMLENS_DEBUG_KERNEL" "$MMLENS_DEBUG_RT_KERNEL"; do
	step "$name: wait for the kernel, build the module, sparse"
	read -r status secs <<< "$(debug_kernel_status "$name")"
	if [ "$status" = ok ]; then
		what="KASAN, lockdep, kmemleak, fault injection, KUnit"
		[ "$name" = "$MMLENS_DEBUG_RT_KERNEL" ] &&
			what="PREEMPT_RT, lockdep, atomic-sleep checks, KUnit"
		result ok "debug kernel $(kernel_release "$name"): $what ($secs s, in the background)"
		build_module "$name"
		# only the debug kernels compile kunit/
		bash "$MMLENS_TOP/scripts/sparse.sh" "$name"
		if [ "$name" = "$MMLENS_DEBUG_RT_KERNEL" ]; then
			step "packages, DKMS and package cells, bench smoke (in the background, nice 19; lines in $final_log, printed below)"
			(
				renice -n 19 -p "$BASHPID" > /dev/null
				final_steps
			) > "$final_log" 2>&1 &
			final_pid=$!
		fi
		step "QEMU matrix: $name"
		run_cells debug "$name"
	else
		result fail "debug kernel $name built (scripts/debug-kernel.sh, ${secs:-?} s)"
		tail -n 30 "$MMLENS_BUILD/build-$name-kernel.log" | sed 's/^/#   /'
	fi
done
wait "$debug_pid"

if [ -n "$final_pid" ]; then
	step "wait for the packages, DKMS and package cells, bench smoke"
	wait "$final_pid"
	cat "$final_log"
else
	final_steps
fi
wait "$debroot_pid"

# The packages under a real systemd, alone on the machine: its checks
# are about time (a timer every 15 s, an alert after 30 s), which a
# guest at nice 19 beside a TCG cell would not keep.
step "the packages in a systemd-booted Debian 12"
bash "$MMLENS_TOP/scripts/systemd-test.sh"

step "done"
pass=$(grep -c '^ok' "$MMLENS_RESULTS")
fail=$(grep -c '^fail' "$MMLENS_RESULTS")
skip=$(grep -c '^skip' "$MMLENS_RESULTS")
if [ "$fail" -gt 0 ]; then
	echo "# failed:"
	grep '^fail' "$MMLENS_RESULTS" | cut -f2 | sed 's/^/#   /'
	if [ -s "$MMLENS_RESULTS.details" ]; then
		echo "# what the failing cells' logs say (all of it in $MMLENS_BUILD/logs):"
		head -n 24 "$MMLENS_RESULTS.details" | cut -c1-200 | sed 's/^/#   /'
	fi
fi
echo "# total time $(($(date +%s) - start))s"
# Skips are counted here and each is explained on its own line above;
# the last line is exactly "N passed, N failed".
echo "# $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
