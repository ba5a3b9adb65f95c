# Kernel lockdown, raised at run time (as Secure Boot raises it at boot):
# the reports still work for root with CAP_SYS_ADMIN through /proc/mmlens
# (debugfs refuses its writable files under lockdown), with the same
# output as before; under confidentiality vtop hides the physical
# addresses of kernel page-table pages (docs/security.md). Lockdown
# cannot be lowered again and refuses unsigned modules, so this test runs
# last (MMLENS_TESTS), and /init skips its reload steps afterwards.
# Sourced by /init with the module loaded.
LCLI=/mmlens/bin/mmlens
LSF=/sys/kernel/security
LDBG=/sys/kernel/debug/mmlens
LTESTS="integrity: vmas, pt, vtop exit 0 with the output from before lockdown
integrity: /proc/mmlens files read, debugfs vmas refused (EPERM), debugfs vbuf reads
integrity: a module without /proc reports: the tool exits 3 naming kernel lockdown
confidentiality: vmas and pt as before; vtop hides kernel table addresses only"

lockdown_skip_all() {
	local t
	echo "$LTESTS" | while read -r t; do skip "lockdown: $t" "$1"; done
}

# lockdown_outputs DIR PID ADDR: the three reports, each with its exit code.
lockdown_outputs() {
	mkdir -p "$1"
	$LCLI vmas "$2" > "$1/vmas" 2>&1; echo "exit $?" >> "$1/vmas"
	$LCLI pt "$2" > "$1/pt" 2>&1; echo "exit $?" >> "$1/pt"
	$LCLI vtop "$2" "$3" > "$1/vtop" 2>&1; echo "exit $?" >> "$1/vtop"
}

lockdown_same() {
	local f
	for f in vmas pt vtop; do
		cmp "/tmp/ld0/$f" "/tmp/$1/$f" || {
			diff "/tmp/ld0/$f" "/tmp/$1/$f" | head -n 20
			return 1
		}
	done
	grep -q '^exit 0$' /tmp/ld0/vtop
}

# Integrity, and a module whose reports are only in debugfs (an older
# one): /proc/mmlens hidden under a tmpfs holding just its version file.
lockdown_old_module() {
	local rc
	mkdir -p /tmp/ldproc
	cp /proc/mmlens/version /tmp/ldproc/ || return 1
	mount -t tmpfs tmpfs /tmp/ldproc-mnt 2>/dev/null ||
		{ mkdir -p /tmp/ldproc-mnt && mount -t tmpfs tmpfs /tmp/ldproc-mnt; } ||
		return 1
	cp /tmp/ldproc/version /tmp/ldproc-mnt/ &&
		mount --bind /tmp/ldproc-mnt /proc/mmlens || return 1
	$LCLI vmas "$1" > /tmp/ld.out 2> /tmp/ld.err
	rc=$?
	umount /proc/mmlens
	umount /tmp/ldproc-mnt
	cat /tmp/ld.err
	[ $rc = 3 ] && grep -q 'kernel lockdown (integrity)' /tmp/ld.err
}

# vtop under confidentiality (the tool's table: Level Index Entry Flags):
# same lines; pte and the outcome as before; each upper-level entry that
# points to a table is the one from before with its address bits
# (12..51) cleared, flags unchanged.
lockdown_vtop_masked() {
	local n l e0 e2 f0 f2 want
	cat /tmp/ld0/vtop /tmp/ld2/vtop
	grep -q '^exit 0$' /tmp/ld2/vtop || return 1
	[ "$(wc -l < /tmp/ld0/vtop)" = "$(wc -l < /tmp/ld2/vtop)" ] || return 1
	grep -Ev '^p(gd|4d|ud|md) ' /tmp/ld0/vtop > /tmp/ld0.rest
	grep -Ev '^p(gd|4d|ud|md) ' /tmp/ld2/vtop > /tmp/ld2.rest
	cmp /tmp/ld0.rest /tmp/ld2.rest || return 1
	n=0
	for l in pgd p4d pud pmd; do
		e0=$(awk -v l=$l '$1 == l { print $3 }' /tmp/ld0/vtop)
		e2=$(awk -v l=$l '$1 == l { print $3 }' /tmp/ld2/vtop)
		f0=$(awk -v l=$l '$1 == l { print $4 }' /tmp/ld0/vtop)
		f2=$(awk -v l=$l '$1 == l { print $4 }' /tmp/ld2/vtop)
		# with 4 levels the p4d line is "p4d - - (folded)"
		if [ -z "$e0" ] || [ "$e0" = - ]; then
			continue
		fi
		want=$(printf '%016x' $((0x$e0 & ~0x000ffffffffff000)))
		echo "$l: $e0 -> $e2 (want $want), flags $f0 / $f2"
		[ "$e2" = "$want" ] && [ "$f0" = "$f2" ] || return 1
		n=$((n + 1))
	done
	[ $n -ge 3 ]
}

lockdown_files() {
	cat /proc/mmlens/buddyinfo /proc/mmlens/pagetypeinfo > /dev/null &&
		expect_line "EPERM open" ioprobe rdwr $LDBG/vmas "$1" &&
		cat $LDBG/vbuf > /dev/null
}

lockdown_confidential() {
	cmp /tmp/ld0/vmas /tmp/ld2/vmas && cmp /tmp/ld0/pt /tmp/ld2/pt &&
		lockdown_vtop_masked
}

[ -e $LSF/lockdown ] || mount -t securityfs securityfs $LSF 2>/dev/null
if [ ! -w $LSF/lockdown ]; then
	lockdown_skip_all "no $LSF/lockdown (lockdown LSM not active)"
elif ! grep -q '\[none\]' $LSF/lockdown; then
	lockdown_skip_all "already locked down: $(cat $LSF/lockdown)"
else
	sleep 600 &
	lpid=$!
	laddr=$(sed -n '1s/-.*//p' "/proc/$lpid/maps")
	lockdown_outputs /tmp/ld0 "$lpid" "$laddr"
	diag "lockdown: target $lpid, vtop $laddr; $(cat $LSF/lockdown)"
	echo integrity > $LSF/lockdown
	diag "lockdown: now $(cat $LSF/lockdown)"
	lockdown_outputs /tmp/ld1 "$lpid" "$laddr"
	check "lockdown: integrity: vmas, pt, vtop exit 0 with the output from before lockdown" \
		lockdown_same ld1
	check "lockdown: integrity: /proc/mmlens files read, debugfs vmas refused (EPERM), debugfs vbuf reads" \
		lockdown_files "$lpid"
	check "lockdown: integrity: a module without /proc reports: the tool exits 3 naming kernel lockdown" \
		lockdown_old_module "$lpid"
	echo confidentiality > $LSF/lockdown
	diag "lockdown: now $(cat $LSF/lockdown)"
	lockdown_outputs /tmp/ld2 "$lpid" "$laddr"
	check "lockdown: confidentiality: vmas and pt as before; vtop hides kernel table addresses only" \
		lockdown_confidential
	kill "$lpid"
	wait "$lpid" 2>/dev/null
fi
