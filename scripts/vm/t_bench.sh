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

# A process that only read 64 GiB (16 M zero-page PTEs, a run each): its
# whole pagetable by read()s of the text and by the ioctl (pt_runs
# count), the kernel's memory sampled meanwhile (huge_report, vm/lib.sh).
# No kernel file walks the same to compare times with: the times have no
# target; the memory has one, the 2 MiB (a ratio to it).
huge_mib=${MMLENS_VM_BENCH_HUGE_MIB:-65536}
check "bench: a huge only-read report, whole, in under 2 MiB of kernel memory" \
	huge_report "$huge_mib" "bench: ${huge_mib} MiB only read"
grep -e '^TAP #' -e '^huge_report:' /tmp/check.out
# bench_huge MEASURE VALUE UNIT [BASE TARGET]: one round's result line
# (format in userspace/tests/bench.h).
bench_huge() {
	local _r _t
	_r="target=- verdict=-"
	_t=
	if [ -n "${4:-}" ]; then
		_r=$(awk -v v="$2" -v b="$4" -v t="$5" 'BEGIN { r = v / b
			printf "ratio=%.3f target=<=%s verdict=%s", r, t,
				r <= t ? "PASS" : "MISS" }')
		_t=" base_median=$4 base_min=$4 base_max=$4"
	fi
	echo "TAP # bench $(uname -r) $1 median=$2 min=$2 max=$2$_t unit=$3" \
		"$_r rounds=1 size=${huge_mib}MiB"
}
huge_cat_ms='' huge_runs_ms='' huge_before_kb=''
huge_cat_peak_kb='' huge_runs_peak_kb=''
# shellcheck disable=SC2046 # the fields of the line, split
set -- $(sed -n 's/^huge_report: //p' /tmp/check.out | tail -n 1)
for _kv; do
	case $_kv in
	cat_ms=*) huge_cat_ms=${_kv#*=} ;;
	runs_ms=*) huge_runs_ms=${_kv#*=} ;;
	before_kb=*) huge_before_kb=${_kv#*=} ;;
	cat_peak_kb=*) huge_cat_peak_kb=${_kv#*=} ;;
	runs_peak_kb=*) huge_runs_peak_kb=${_kv#*=} ;;
	esac
done
if [ -n "${huge_runs_peak_kb:-}" ]; then
	bench_huge huge.pagetable.read "$huge_cat_ms" ms
	bench_huge huge.count.text+ioctl+pagemap "$huge_runs_ms" ms
	bench_huge huge.pagetable.kernel-kB/2MiB \
		$((huge_cat_peak_kb - huge_before_kb)) kB 2048 1
	bench_huge huge.ptruns.kernel-kB/2MiB \
		$((huge_runs_peak_kb - huge_before_kb)) kB 2048 1
fi

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
