# make bench: speed measured side by side in one VM run; asserts nothing
# but that the benchmarks ran. Sourced by /init.
check "bench: pt_bench ran" pt_bench 1024 5
grep '^TAP #' /tmp/check.out
check "bench: vbuf_bench ran" vbuf_bench
grep '^TAP #' /tmp/check.out
