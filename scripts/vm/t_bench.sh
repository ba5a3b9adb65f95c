# make bench: speed measured side by side in one VM run; asserts nothing
# but that the benchmarks ran. Sourced by /init. make check runs a short
# smoke of it (MMLENS_VM_BENCH_MIB, MMLENS_VM_BENCH_ROUNDS) so the command
# keeps working; the numbers mean something only at the defaults.
mib=${MMLENS_VM_BENCH_MIB:-1024}
rounds=${MMLENS_VM_BENCH_ROUNDS:-5}
check "bench: pt_bench ran ($mib MiB, $rounds rounds)" pt_bench "$mib" "$rounds"
grep '^TAP #' /tmp/check.out
check "bench: vbuf_bench ran ($((rounds + 2)) rounds)" vbuf_bench $((rounds + 2))
grep '^TAP #' /tmp/check.out
