# KUnit suites of mmlens_kunit.ko (kunit/), on kernels with CONFIG_KUNIT.
# Loading the module runs every suite; the per-suite KTAP in debugfs is
# printed for the host, which parses it with the kernel's kunit.py
# (scripts/kunit-parse.sh) and counts one result per case. Here we only
# check that the module loads, that suites ran, and that it unloads.
# Sourced by /init with mmlens.ko loaded (mmlens_kunit.ko imports from it).
KUNIT_KO=/mmlens/mmlens_kunit.ko
KUNIT_DIR=/sys/kernel/debug/kunit

kunit_run() {
	local n d
	if ! insmod "$KUNIT_KO" > /tmp/kunit.out 2>&1; then
		nok "kunit: insmod mmlens_kunit.ko"
		sed 's/^/TAP #   /' /tmp/kunit.out
		return
	fi
	ok "kunit: insmod mmlens_kunit.ko"
	n=0
	echo "MMLENS-KUNIT-BEGIN"
	for d in "$KUNIT_DIR"/mmlens_*; do
		[ -f "$d/results" ] || continue
		sed 's/^/KTAP /' "$d/results"
		n=$((n + 1))
	done
	echo "MMLENS-KUNIT-END"
	if [ "$n" -gt 0 ]; then
		ok "kunit: $n mmlens_* suites ran"
	else
		nok "kunit: mmlens_* suites ran"
	fi
	check "kunit: rmmod mmlens_kunit" rmmod mmlens_kunit
	check "kunit: suites gone after rmmod" \
		sh -c "! ls -d $KUNIT_DIR/mmlens_* 2>/dev/null"
}

if [ ! -f "$KUNIT_KO" ]; then
	skip "kunit" "no mmlens_kunit.ko: kernel $(uname -r) lacks CONFIG_KUNIT"
elif [ ! -d "$KUNIT_DIR" ]; then
	nok "kunit: $KUNIT_DIR exists (CONFIG_KUNIT_DEBUGFS)"
else
	kunit_run
fi
