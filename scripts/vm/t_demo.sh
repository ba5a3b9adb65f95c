# make demo: the fragmentation report before and after a fragmenting
# workload, printed for a person. Sourced by /init. scripts/demo.sh prints
# the "TAP #" lines; .ci/run checks that both reports were printed.
show() {
	local f
	diag ""
	diag "== $1"
	for f in buddyinfo extfrag_index unusable_index; do
		diag "-- /proc/mmlens/$f"
		sed 's/^/TAP #   /' "/proc/mmlens/$f"
	done
}

show "before: a freshly booted $(uname -r)"
check "demo: report before the workload" grep -q '^Node 0, zone' /proc/mmlens/buddyinfo
if fragment_start; then
	ok "demo: fragment workload started"
else
	nok "demo: fragment workload started"
fi
diag ""
diag "fragment: $(cat /tmp/fragment.out)"
units=$(hugepages_take_free_2m)
diag "then took the $units free 2 MiB blocks as huge pages: nr_hugepages=$(cat /proc/sys/vm/nr_hugepages)"
show "after: most memory in 4 KiB pages, every other one freed"
diag ""
diag "== the same, as the mmlens tool shows it: mmlens frag"
NO_COLOR=1 COLUMNS=100 mmlens frag > /tmp/demo.frag 2>&1
check "demo: mmlens frag after the workload" grep -q '^verdict:' /tmp/demo.frag
sed 's/^/TAP #   /' /tmp/demo.frag
fragment_stop
echo 0 > /proc/sys/vm/nr_hugepages
