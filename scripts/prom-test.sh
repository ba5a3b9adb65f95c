#!/usr/bin/env bash
# mmlens export through the real parts, on the host, on 127.0.0.1 only:
# Debian's prometheus-node-exporter (textfile collector only) and
# prometheus (scraping it every second, evaluating
# contrib/prometheus/mmlens-rules.yml every second), both unprivileged
# children of this script, stopped on every exit. Fed `mmlens export
# --root` of the fragmented, then the compacted two-node snapshot, it
# checks through Prometheus' HTTP API that every mmlens series equals the
# snapshot's file line it comes from (scripts/prom_oracle.py) and that
# the THP-fragmentation alert fires for the first and not for the second.
# Also: promtool test rules on the rules file. Bounded: PROM_TEST_LIMIT
# seconds (default 90) for the whole run.
#
# make check runs it among the host checks; alone (make test-prom) it
# ends with "N passed, N failed".
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

standalone_results prom-test
RULES=$MMLENS_TOP/contrib/prometheus
FIX=$MMLENS_TOP/userspace/fixtures
FRAG=$FIX/deb6.12-2node-5lvl
COMPACT=$FIX/deb6.12-2node-5lvl-compacted
ORACLE=$MMLENS_TOP/scripts/prom_oracle.py
ALERT=MmlensTHPAllocationsFailingFromFragmentation
limit=${PROM_TEST_LIMIT:-90}
start=$(date +%s)

# ---- the rules' own unit tests ----
if ! command -v promtool > /dev/null; then
	result skip "promtool test rules contrib/prometheus/mmlens-rules.test.yml" \
		"promtool not installed (scripts/deps.sh installs prometheus)"
elif out=$(cd "$RULES" && promtool check rules mmlens-rules.yml 2>&1 &&
	promtool test rules mmlens-rules.test.yml 2>&1); then
	result ok "promtool check rules and test rules: contrib/prometheus/mmlens-rules.yml"
else
	result fail "promtool check rules and test rules: contrib/prometheus/mmlens-rules.yml"
	printf '%s\n' "$out" | head -n 40 | sed 's/^/#   /'
fi

what="node_exporter + Prometheus on 127.0.0.1"
for b in prometheus prometheus-node-exporter curl; do
	if ! command -v "$b" > /dev/null; then
		result skip "$what" "$b not installed (scripts/deps.sh installs it)"
		standalone_summary
		exit $?
	fi
done

work=$(mktemp -d /tmp/mmlens-prom.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2> /dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2> /dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The daemons run unprivileged (lib.sh's AS_NOBODY).
runas=$(id -un)
[ "${#AS_NOBODY[@]}" -gt 0 ] && runas=nobody

if ! make -s -C "$MMLENS_TOP/userspace" OUT="$work/bin" > "$work/build.log" 2>&1; then
	result fail "$what: build the tool"
	tail -n 20 "$work/build.log" | sed 's/^/#   /'
	standalone_summary
	exit $?
fi
TOOL=$work/bin/mmlens

# Two free ports on 127.0.0.1: node_exporter's, Prometheus'.
read -r pn pp < <(free_ports 2)
NE=http://127.0.0.1:$pn
PROM=http://127.0.0.1:$pp

mkdir -p "$work/textfile"
# the copy of the rules the test evaluates: the THP alert fires after 2 s
# of fragmentation instead of 10 minutes, all else as shipped
sed '/alert: MmlensTHPAllocationsFailingFromFragmentation/,/for:/s/for: 10m/for: 2s/' \
	"$RULES/mmlens-rules.yml" > "$work/rules.yml"

# (prometheus_start makes $work traversable for nobody, node_exporter too)
prometheus_start "$work" "$work/rules.yml" "127.0.0.1:$pn" "$pp"
pids+=("$PROMETHEUS_PID")
"${AS_NOBODY[@]}" prometheus-node-exporter --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$work/textfile" \
	--web.listen-address="127.0.0.1:$pn" > "$work/node-exporter.log" 2>&1 &
pids+=($!)

left() { echo $((limit - ($(date +%s) - start))); }

# wait_for WHAT CMD...: CMD until it succeeds, every 0.5 s, within the
# time left; 1 when it never did.
wait_for() {
	shift
	while [ "$(left)" -gt 0 ]; do
		"$@" > "$work/wait.out" 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

if wait_for "ready" curl -sf "$NE/metrics" &&
	wait_for "ready" curl -sf "$PROM/-/ready"; then
	result ok "$what: node_exporter (textfile collector only) and prometheus up, as $runas"
	echo "# $(prometheus --version 2>&1 | head -n 1 | cut -d' ' -f1-3)"
else
	result fail "$what: node_exporter and prometheus up within ${limit}s"
	tail -n 15 "$work/node-exporter.log" "$work/prometheus.log" | sed 's/^/#   /'
	standalone_summary
	exit $?
fi

# The alert's label sets now, one a line ("" when none fires).
alerts() { python3 "$ORACLE" alerts "$PROM" "$ALERT"; }
alert_on_node1() { [ "$(alerts)" = 'node="1",severity="warning"' ]; }
no_alert() { [ -z "$(alerts)" ]; }

# feed NAME SNAPSHOT ALERT-CHECK ALERT-TEXT SAMPLES...
feed() {
	local name=$1 snap=$2 check=$3 text=$4 t0
	shift 4
	t0=$(date +%s)
	if ! "$TOOL" --root "$snap" export --textfile "$work/textfile" \
		> "$work/export.log" 2>&1; then
		result fail "$what: $name: mmlens export --root --textfile"
		sed 's/^/#   /' "$work/export.log"
		return
	fi
	if wait_for "values" python3 "$ORACLE" prom "$snap" "$PROM" "$@"; then
		result ok "$what: $name: every mmlens series in Prometheus equals its snapshot file line"
		echo "# $name: $(tail -n 1 "$work/wait.out"), $(($(date +%s) - t0))s"
		grep '<-' "$work/wait.out" | sed 's/^/#   /'
	else
		result fail "$what: $name: every mmlens series in Prometheus equals its snapshot file line"
		head -n 20 "$work/wait.out" | sed 's/^/#   /'
	fi
	if wait_for "alert" "$check"; then
		result ok "$what: $name: $text"
		echo "# $name: alert as wanted after $(($(date +%s) - t0))s"
	else
		result fail "$what: $name: $text"
		alerts | sed 's/^/#   firing: /'
	fi
}

feed "fragmented two-node snapshot" "$FRAG" alert_on_node1 \
	"$ALERT fires, for node 1 only" \
	'mmlens_extfrag_index{node="1",order="9",zone="Normal"}' \
	'mmlens_free_blocks{node="1",order="0",zone="Normal"}' \
	'mmlens_free_blocks_by_migratetype{migratetype="Movable",node="0",order="0",zone="DMA32"}' \
	'mmlens_watermark_bytes{mark="low",node="1",zone="Normal"}' \
	'mmlens_allocation_verdict{node="1",order="9",verdict="needs_compaction",zone="Normal"}'
feed "compacted two-node snapshot" "$COMPACT" no_alert \
	"$ALERT does not fire" \
	'mmlens_extfrag_index{node="1",order="9",zone="Normal"}' \
	'mmlens_pageblocks{migratetype="Unmovable",node="1",zone="Normal"}'
echo "# prom-test: $(($(date +%s) - start))s"
standalone_summary
