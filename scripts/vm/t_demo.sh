# make demo: the fragmentation report before and after a fragmenting
# workload, printed for a person. Sourced by /init.
show() {
	diag ""
	diag "== $1"
	for f in buddyinfo extfrag_index unusable_index; do
		diag "-- /proc/mmlens/$f"
		sed 's/^/TAP #   /' "/proc/mmlens/$f"
	done
}

show "before: a freshly booted $(uname -r)"
fragment > /tmp/fragment.out 2>&1 &
demo_pid=$!
while ! grep -q ready /tmp/fragment.out; do
	kill -0 $demo_pid 2>/dev/null || break
	sleep 0.5
done
diag "fragment: $(cat /tmp/fragment.out)"
echo 1000000 > /proc/sys/vm/nr_hugepages
diag "then took every remaining 2 MiB block: nr_hugepages=$(cat /proc/sys/vm/nr_hugepages)"
show "after: most memory in 4 KiB pages, every other one freed"
kill $demo_pid
wait $demo_pid 2>/dev/null
echo 0 > /proc/sys/vm/nr_hugepages
check "demo ran" true
