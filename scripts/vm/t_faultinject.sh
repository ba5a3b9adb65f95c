# Fault injection at mmlens.ko's init and on its read paths (debug
# kernel: CONFIG_FAILSLAB,
# CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_STACKTRACE_FILTER).
#
# Targeting: both fault attributes get a stack filter (require-start/-end)
# that admits only allocations with a module address on the call stack, so
# the kernel's own allocations in insmod (load_module) are never failed,
# only those made by mmlens code. Then:
#  1. every site: with /proc/self/fail-nth (the kernel's systematic mode:
#     the Nth filtered allocation of this task fails), N = 1, 2, ... until
#     an insmod gets through with nothing injected: each allocation made
#     under mmlens_init has then failed once, in order.
#  2. the classic knobs: task-filter + /proc/self/make-it-fail on the
#     insmod, probability 100, times 1, once per attribute.
# Each injected failure must leave either a failed insmod with an errno
# and nothing behind (no /sys/module/mmlens, /proc/mmlens, debugfs dir,
# /dev/mmlens), after which a plain insmod works, or (a failure init
# tolerates, e.g. debugfs) a working module that unloads. Leaks: one
# kmemleak scan at the end (and t_kmemleak.sh after).
#
# The ring buffer: injected failures print stack dumps ("Call Trace")
# that the host would take for bugs. The log so far is printed first, so
# the host still judges it; each run's messages are then read and cleared
# here, checked for real reports, which are echoed for the host.
# Sourced by /init with mmlens loaded; leaves it loaded.
# shellcheck source=scripts/vm/leakscan.sh
. /mmlens/vm/leakscan.sh

KO=/mmlens/mmlens.ko
# busybox insmod retries a failed finit_module() with init_module() on an
# image it read itself, which would run mmlens_init a second time, with
# nothing injected, and hide the failure. Given a gzip file, finit_module()
# refuses it (ENOEXEC, before any module code runs: the stack filter
# counts nothing), and the one init_module() that follows is the run we
# inject into.
KOGZ=/tmp/mmlens.ko.gz
FI_ATTRS="failslab fail_page_alloc"
FI_BAD='BUG[: ]|WARNING:|Oops|KASAN|UBSAN|refcount_t|circular locking|inconsistent lock state|recursive locking|Kernel panic|general protection fault'

fi_set() { echo "$3" > "/sys/kernel/debug/$1/$2"; }
fi_get() { cat "/sys/kernel/debug/$1/$2"; }

fi_setup() {
	local lo mod _etext a
	# First address past the kernel's text: module code lies above it
	# (debug.config keeps KASLR off, so this holds on every boot).
	lo=$(awk '$3 == "_etext" { print "0x" $1 }' /proc/kallsyms)
	mod=$(cat /sys/module/mmlens/sections/.text 2>/dev/null)
	if [ -z "$lo" ] || [ -z "$mod" ] || [ $((mod)) -le $((lo)) ]; then
		echo "no usable range: _etext=$lo mmlens .text=$mod"
		return 1
	fi
	for a in $FI_ATTRS; do
		fi_set "$a" probability 0
		fi_set "$a" interval 1
		fi_set "$a" space 0
		fi_set "$a" times 100000
		fi_set "$a" task-filter N
		fi_set "$a" verbose 2
		fi_set "$a" verbose_ratelimit_interval_ms 0
		fi_set "$a" ignore-gfp-wait N
		fi_set "$a" stacktrace-depth 32
		fi_set "$a" require-start "$lo"
		fi_set "$a" require-end 0xffffffffff000000
	done
	fi_set fail_page_alloc ignore-gfp-highmem N
	fi_set fail_page_alloc min-order 0
	diag "faultinject: stack filter $lo..0xffffffffff000000," \
		"mmlens .text at $mod"
}

fi_teardown() {
	local a
	for a in $FI_ATTRS; do
		fi_set "$a" probability 0
		fi_set "$a" task-filter N
		fi_set "$a" require-start 0
		fi_set "$a" require-end 0xffffffffffffffff
		fi_set "$a" verbose 1
	done
}

# fi_injected: the attributes that injected a failure since the last call.
fi_injected() {
	local a
	for a in $FI_ATTRS; do
		[ "$(fi_get "$a" times)" = 100000 ] || echo "$a"
		fi_set "$a" times 100000
	done
}

# fi_leftovers: what a failed insmod left behind, if anything.
fi_leftovers() {
	local p
	for p in /sys/module/mmlens /proc/mmlens /sys/kernel/debug/mmlens \
		/dev/mmlens; do
		[ -e "$p" ] && echo "$p"
	done
}

# fi_log: this run's kernel messages; real reports are echoed for the host.
fi_log() {
	dmesg -c > /tmp/fi.log
	if grep -E "$FI_BAD" /tmp/fi.log > /tmp/fi.bad; then
		cat /tmp/fi.bad
		return 1
	fi
}

# fi_site: the failed allocation's caller in mmlens, from the stack dump
# (none for __GFP_NOWARN allocations: kmemleak's and KASAN's own
# bookkeeping done on mmlens's behalf).
fi_site() {
	local site
	site=$(sed -n '/FAULT_INJECTION: forcing a failure/,$p' /tmp/fi.log |
		grep -m 1 '\[mmlens\]' | sed 's/^\[[^]]*\] *//; s/^? //; s/\/.*//')
	echo "${site:-no dump, __GFP_NOWARN}"
}

# fi_judge LABEL RC OUT: one run with a fault injected. A problem is a
# "not ok" of its own; a good run is a diagnostic line, and fi_outcome
# says which kind of good: "clean" (init failed, nothing left, the next
# insmod works) or "tolerated" (init went on without it, rmmod works).
fi_judge() {
	local left
	fi_outcome=
	if [ "$2" -ne 0 ]; then
		left=$(fi_leftovers)
		if ! echo "$3" | grep -q "can't insert.*: "; then
			nok "faultinject $1: insmod fails with an errno"
			diag "  $3"
		elif [ -n "$left" ]; then
			nok "faultinject $1: failed insmod leaves nothing behind"
			diag "  left: $left"
		elif ! insmod "$KO" || ! rmmod mmlens; then
			nok "faultinject $1: the next insmod/rmmod works"
		else
			fi_outcome=clean
			diag "faultinject $1: init failed cleanly (${3##*: })"
		fi
	elif rmmod mmlens; then
		fi_outcome=tolerated
		diag "faultinject $1: failure tolerated, module unloads"
	else
		nok "faultinject $1: failure tolerated, module unloads"
	fi
	[ -n "$fi_outcome" ]
}

# 1. fail-nth over every allocation made under mmlens init.
fi_every_site() {
	local n clean tolerated bad out rc inj
	n=0 clean=0 tolerated=0 bad=0
	while [ "$n" -lt 300 ]; do
		n=$((n + 1))
		out=$(sh -c "echo $n > /proc/self/fail-nth &&
			exec insmod $KOGZ" 2>&1)
		rc=$?
		inj=$(fi_injected)
		fi_log || nok "faultinject fail-nth=$n: kernel log free of reports"
		if [ -z "$inj" ]; then
			break
		fi
		fi_judge "fail-nth=$n ($inj, $(fi_site))" "$rc" "$out"
		case $fi_outcome in
		clean) clean=$((clean + 1)) ;;
		tolerated) tolerated=$((tolerated + 1)) ;;
		*) bad=$((bad + 1)) ;;
		esac
		fi_log || nok "faultinject fail-nth=$n: kernel log free of reports after"
	done
	if [ -n "$inj" ]; then
		nok "faultinject: more than 300 allocations under mmlens init?"
	elif [ "$rc" -ne 0 ]; then
		nok "faultinject: insmod with nothing injected (fail-nth=$n)"
		diag "  $out"
	else
		rmmod mmlens
		n=$((n - 1))
		diag "faultinject: $n allocations under mmlens init: $clean" \
			"failed insmod cleanly, $tolerated tolerated, $bad bad"
		if [ "$bad" -eq 0 ] && [ "$clean" -gt 0 ]; then
			ok "faultinject: each allocation under mmlens init failed once: insmod fails cleanly or goes on"
		else
			nok "faultinject: each allocation under mmlens init failed once: insmod fails cleanly or goes on"
		fi
	fi
}

# 2. task-filter + make-it-fail, the first mmlens allocation per attribute.
fi_make_it_fail() {
	local a out rc left
	for a in $FI_ATTRS; do
		fi_set "$a" task-filter Y
		fi_set "$a" times 1
		fi_set "$a" probability 100
		out=$(sh -c "echo 1 > /proc/self/make-it-fail &&
			exec insmod $KOGZ" 2>&1)
		rc=$?
		left=$(fi_get "$a" times)
		fi_set "$a" probability 0
		fi_set "$a" task-filter N
		fi_set "$a" times 100000
		fi_log || nok "faultinject make-it-fail $a: kernel log free of reports"
		if [ "$left" = 1 ]; then
			# Nothing of this kind was allocated by mmlens init.
			skip "faultinject make-it-fail $a" "no $a allocation in mmlens init"
			[ "$rc" -eq 0 ] && rmmod mmlens
		else
			fi_judge "make-it-fail $a ($(fi_site))" "$rc" "$out" &&
				ok "faultinject make-it-fail $a: insmod fails cleanly or goes on"
		fi
	done
}

# 3. fail-nth over every allocation of one read: open, write the input,
# read it all (ioprobe, exec'd by the shell that set its fail-nth). Each
# injected failure must end the read with an errno (ENOMEM) or be
# tolerated (the read completes), and report nothing in the kernel log.
# fi_read LABEL ARGS...: ioprobe ARGS, n = 1, 2, ... until nothing is
# injected; that run must succeed.
fi_read() {
	local label n failed tolerated bad out inj
	label=$1
	shift
	n=0 failed=0 tolerated=0 bad=0
	while [ "$n" -lt 50 ]; do
		n=$((n + 1))
		# shellcheck disable=SC2016 # expanded by the inner shell
		out=$(sh -c 'echo "$0" > /proc/self/fail-nth && exec ioprobe "$@"' \
			"$n" "$@" 2> /dev/null | head -n 1)
		inj=$(fi_injected)
		fi_log || bad=$((bad + 1))
		[ -n "$inj" ] || break
		case $out in
		ok) tolerated=$((tolerated + 1)) ;;
		"ENOMEM "*) failed=$((failed + 1)) ;;
		*) bad=$((bad + 1)); diag "faultinject $label fail-nth=$n: $out" ;;
		esac
	done
	diag "faultinject read $label: $((n - 1)) allocations: $failed ENOMEM," \
		"$tolerated tolerated, $bad bad, last '$out'"
	if [ -z "$inj" ] && [ "$out" = ok ] && [ "$bad" = 0 ] && [ "$n" = 1 ]; then
		# seq_file allocates its buffer in the kernel's own code
		skip "faultinject read $label" "no allocation with mmlens code on the stack to fail"
	elif [ -z "$inj" ] && [ "$out" = ok ] && [ "$bad" = 0 ]; then
		ok "faultinject read $label: each allocation failed once: ENOMEM or tolerated"
	else
		nok "faultinject read $label: each allocation failed once: ENOMEM or tolerated"
	fi
}

fi_reads() {
	local a f
	a=$(sed -n '1s/-.*//p' /proc/1/maps)
	fi_read "/proc/mmlens/vmas" rdwr /proc/mmlens/vmas 1
	fi_read "debugfs pagetable" rdwr /sys/kernel/debug/mmlens/pagetable 1
	fi_read "/proc/mmlens/vtop" rdwr /proc/mmlens/vtop "1 $a"
	fi_read "target" rdwr /proc/mmlens/target 1
	for f in buddyinfo pagetypeinfo extfrag_index unusable_index fraginfo; do
		fi_read "/proc/mmlens/$f" read /proc/mmlens/$f
	done
	fi_read "debugfs vbuf_pfns" read /sys/kernel/debug/mmlens/vbuf_pfns
}

if [ ! -d /sys/kernel/debug/failslab ] ||
	[ ! -d /sys/kernel/debug/fail_page_alloc ] ||
	[ ! -e /proc/self/fail-nth ]; then
	skip "faultinject" "kernel $(uname -r) lacks FAILSLAB/FAIL_PAGE_ALLOC"
elif ! gzip -c "$KO" > "$KOGZ" || ! fi_setup > /tmp/fi.setup 2>&1; then
	nok "faultinject: set up the stack filter"
	sed 's/^/TAP #   /' /tmp/fi.setup
else
	echo "MMLENS-FI-DMESG-BEGIN"
	dmesg -c
	echo "MMLENS-FI-DMESG-END"
	if rmmod mmlens; then
		fi_every_site
		fi_make_it_fail
	else
		nok "faultinject: rmmod before injecting"
	fi
	[ -e /sys/module/mmlens ] || insmod "$KO"
	fi_reads
	fi_teardown
	leak_check "faultinject: no unreferenced object from mmlens"
	fi_log || nok "faultinject: kernel log free of reports at the end"
fi
