#!/usr/bin/env bash
# The host half of the memory hotplug handshake (t_hotremove.sh,
# docs/hotremove.md). boot.sh runs it beside QEMU when the cell has
# DIMM slots:
#   hotplug-watch.sh LOG MON TIMEOUT_S SIZE_MB [NODE]
# LOG is the serial console QEMU writes; MON the prefix of the two FIFOs
# of QEMU's QMP monitor ("-chardev pipe,path=MON": MON.in commands,
# MON.out replies and events, kept in LOG's directory as
# <cell>.monitor.log).
#
# The guest asks by printing "MMLENS-HOTPLUG <seq> add" or "... del" on
# the console. Each seq is acted on once, in order of appearance (the
# guest repeats a request it sees no effect of; repeats are ignored):
#   add: object-add a SIZE_MB memory-backend-ram hpmem<seq> and
#        device_add pc-dimm hpdimm<seq> on NODE;
#   del: device_del of the last DIMM added: an ACPI eject request, which
#        the guest answers by offlining and removing the memory, then
#        calling _EJ0; QEMU then unplugs the DIMM and reports
#        DEVICE_DELETED, upon which its backend is object-del'ed.
# The guest decides nothing else: the monitor commands are fixed here.
# Ends at MMLENS-DONE in LOG, after TIMEOUT_S, or when boot.sh kills it.
set -uo pipefail

log=$1 mon=$2 tmo=$3 size_mb=$4 node=${5:-}
monlog=${log%.log}.monitor.log
: > "$monlog"

# Read-write opens of a FIFO never block, and keep it open even if QEMU
# has not opened its end yet (or is gone): no write here can hang.
exec 3<> "$mon.in"
cat 0<> "$mon.out" >> "$monlog" &
reader=$!
trap 'kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null' EXIT
trap 'exit 0' TERM INT

say() { printf 'hotplug: %s\n' "$*" >&2; }
qmp() {
	printf '%s\n' "$1" >&3
}

# QMP accepts commands only after the capabilities negotiation; the
# greeting QEMU sends first needs no answer.
qmp '{"execute": "qmp_capabilities"}'

done_seq=0 cur='' gone=' ' last_size=-1
end=$((SECONDS + tmo))
while [ $SECONDS -lt "$end" ]; do
	sleep 0.5
	# An unplugged DIMM's backend is free to go.
	while read -r d; do
		[ "${gone#* "$d" }" = "$gone" ] || continue
		gone="$gone$d "
		qmp "{\"execute\": \"object-del\", \"arguments\": {\"id\": \"hpmem${d#hpdimm}\"}}"
		say "$d unplugged by QEMU (DEVICE_DELETED), backend deleted"
	done < <(grep -o '"DEVICE_DELETED", "data": {[^}]*"device": "hpdimm[0-9]*"' \
		"$monlog" | grep -o 'hpdimm[0-9]*')
	sz=$(stat -c %s "$log" 2>/dev/null) || continue
	[ "$sz" != "$last_size" ] || continue
	last_size=$sz
	while read -r _ seq op; do
		[ "$seq" -gt "$done_seq" ] || continue
		done_seq=$seq
		case $op in
		add)
			cur=$seq
			qmp "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": \"memory-backend-ram\", \"id\": \"hpmem$cur\", \"size\": $((size_mb << 20))}}"
			qmp "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"pc-dimm\", \"id\": \"hpdimm$cur\", \"memdev\": \"hpmem$cur\"${node:+, \"node\": $node}}}"
			say "seq $seq: device_add hpdimm$cur (${size_mb} MiB${node:+ on node $node})"
			;;
		del)
			if [ -n "$cur" ]; then
				qmp "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"hpdimm$cur\"}}"
				say "seq $seq: device_del hpdimm$cur"
			else
				say "seq $seq: del before any add, ignored"
			fi
			;;
		esac
	done < <(tr -d '\r' < "$log" |
		grep -aE '^MMLENS-HOTPLUG [0-9]{1,6} (add|del)$')
	if grep -aq MMLENS-DONE "$log"; then
		break
	fi
done
