# Helpers the in-VM tests share. Sourced by /init after tap.sh.

# fragment_start: start the fragment workload (userspace/tests/fragment.c)
# in the background and wait, at most 5 minutes, until it holds its
# memory. Sets frag_pid; returns non-zero when it never got ready.
fragment_start() {
	fragment > /tmp/fragment.out 2>&1 &
	frag_pid=$!
	_n=0
	while ! grep -q ready /tmp/fragment.out && [ $_n -lt 600 ]; do
		kill -0 $frag_pid 2>/dev/null || break
		sleep 0.5
		_n=$((_n + 1))
	done
	grep -q ready /tmp/fragment.out
}

fragment_stop() {
	kill $frag_pid 2>/dev/null
	wait $frag_pid 2>/dev/null
}

# hugepages_take_free_2m: grow the 2 MiB hugetlb pool by exactly the free
# blocks of 2 MiB and up (orders 9 and 10 in /proc/buddyinfo, DMA aside:
# lowmem_reserve keeps huge pages out of it), so every order >= 9 fails
# from fragmentation. Growing the pool until it fails instead compacts the
# workload's holes away and leaves the guest at its min watermark: the
# next fault OOMs (seen once: 233 huge pages in a 1 GiB guest). Prints
# how many blocks it took.
hugepages_take_free_2m() {
	_hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	_units=$(awk '$4 != "DMA" { n += $14 + 2 * $15 } END { print n + 0 }' \
		/proc/buddyinfo)
	read -r _have < $_hp
	echo $((_have + _units)) > $_hp
	echo "$_units"
}
