# kmemleak helpers for t_kmemleak.sh and t_faultinject.sh (debug kernel,
# CONFIG_DEBUG_KMEMLEAK). Sourced; defines functions only.
KMEMLEAK=/sys/kernel/debug/kmemleak

# leak_scan OUT [MODULE]: scan now and write to OUT the unreferenced
# objects that are MODULE's (default mmlens): a backtrace frame in it (for
# mmlens also mmlens_kunit), or, for mmlens, a raw (unsymbolised) address,
# which is code of a module unloaded since, or an allocation by
# insmod/rmmod, which only ever run for mmlens here (the kmemleak-test.ko
# control aside). Prints "ALL MINE": the counts of reported objects.
leak_scan() {
	# kmemleak reports only objects older than 5 s (MSECS_MIN_AGE), and
	# not on the scan that first sees an object's contents (a checksum
	# that changed since the last scan greys it for that scan): scan
	# twice.
	sleep 6
	echo scan > "$KMEMLEAK" || return 1
	echo scan > "$KMEMLEAK" || return 1
	cat "$KMEMLEAK" > /tmp/kmemleak.all
	awk -v out="$1" -v mod="${2:-mmlens}" '
		function flush() {
			if (rec != "" && mine && !other) {
				print rec > out
				n_mine++
			}
			rec = ""; mine = 0; other = 0
		}
		/^unreferenced object/ { flush(); n_all++ }
		index($0, "[" mod) { mine = 1 }
		mod == "mmlens" && (/comm "(insmod|rmmod)"/ || /^ +0x[0-9a-f]+$/) {
			mine = 1
		}
		mod == "mmlens" && /\[kmemleak_test\]/ { other = 1 }
		{ rec = rec $0 "\n" }
		END { flush(); printf "%d %d\n", n_all, n_mine }
	' /tmp/kmemleak.all
}

# leak_check NAME: one result: no unreferenced object is mmlens's.
leak_check() {
	local counts
	if [ ! -w "$KMEMLEAK" ]; then
		nok "$1 (no $KMEMLEAK: kmemleak off or disabled itself)"
		dmesg | grep -i kmemleak | sed 's/^/TAP #   /' | tail -n 5
		return
	fi
	: > /tmp/kmemleak.mine
	counts=$(leak_scan /tmp/kmemleak.mine) || {
		nok "$1 (scan failed)"
		return
	}
	diag "kmemleak: ${counts% *} unreferenced objects reported," \
		"${counts#* } from mmlens"
	if [ "${counts#* }" = 0 ]; then
		ok "$1"
	else
		nok "$1"
		head -n 80 /tmp/kmemleak.mine | sed 's/^/TAP #   /'
	fi
}
