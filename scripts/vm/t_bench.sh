# make bench: speed measured side by side in one VM run; asserts nothing
# but that the benchmarks ran (a MISS against a target is a number, not a
# failure). Sourced by /init. Each program prints one "TAP # bench ..."
# line per measure (userspace/tests/bench.h), which scripts/bench.sh turns
# into the table and bench.json. make check runs a short smoke of it
# (MMLENS_VM_BENCH_MIB, MMLENS_VM_BENCH_ROUNDS) so the command keeps
# working; the numbers mean something only at the defaults.
mib=${MMLENS_VM_BENCH_MIB:-1024}
rounds=${MMLENS_VM_BENCH_ROUNDS:-7}

# pt_bench's vmas65k child holds 65,000 VMAs besides its own few; the
# default vm.max_map_count (65530) leaves almost no room. Raised for the
# run, restored after. (Read with cat: a sysctl file read one byte at a
# time, as the shell's read does, ends after the first byte.)
max_map=$(cat /proc/sys/vm/max_map_count)
if [ "$max_map" -lt 70000 ]; then
	echo 70000 > /proc/sys/vm/max_map_count
fi
check "bench: pt_bench ran ($mib MiB, $rounds rounds)" pt_bench "$mib" "$rounds"
grep '^TAP #' /tmp/check.out
[ -n "$max_map" ] && echo "$max_map" > /proc/sys/vm/max_map_count

check "bench: frag_bench ran ($rounds rounds)" frag_bench "$rounds"
grep '^TAP #' /tmp/check.out
# The /dev/mmlens targets are for a 64 MiB buffer: reload with it, and
# with the default size after.
if rmmod mmlens && insmod /mmlens/mmlens.ko vbuf_size=67108864; then
	check "bench: vbuf_bench ran ($rounds rounds, 64 MiB)" vbuf_bench "$rounds"
	grep '^TAP #' /tmp/check.out
	rmmod mmlens
else
	nok "bench: reload the module with vbuf_size=64M"
fi
check "bench: module back with the default vbuf_size" insmod /mmlens/mmlens.ko
