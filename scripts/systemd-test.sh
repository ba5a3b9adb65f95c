#!/usr/bin/env bash
# The fleet path run for real: a fresh Debian 12 root with systemd as
# PID 1 (scripts/debroot.sh boot: Debian's 6.12, its initramfs, udev,
# prometheus-node-exporter as Debian ships it, enabled), both .debs of
# make deb installed in it by apt in a chroot (DKMS builds the module
# there), "mmlens" in /etc/modules-load.d and mmlens-export.timer
# enabled, as an admin would; then made into a disk image (mkfs.ext4 -d,
# no loop mount) and booted in QEMU (TCG). From the host, through QEMU's
# user network restricted to one forward 127.0.0.1:PORT -> guest :9100:
#   - node_exporter's /metrics has the mmlens_* families, each sample
#     equal to the guest's /proc/mmlens files read around a run of the
#     service (scripts/prom_oracle.py, our own reader of the files);
#   - the host's Prometheus scraping it sees MmlensExportStale stay
#     quiet while the timer runs and fire once the timer is stopped
#     (the rule's threshold cut from 300 s to 30 s, its "for" to 2 s);
#   - systemctl and journalctl show the service's runs without error,
#     and its sandbox holds (scripts/systemd-guest/sandbox-probe run in
#     it, by a drop-in in /run that replaces only ExecStart);
#   - apt purge in the booted system removes every file of both packages
#     and the service's mmlens.prom, stops the units, and unloads no
#     module (the loaded mmlens stays until rmmod or reboot).
# Commands reach the guest through its second serial port
# (scripts/systemd-guest/mmlens-ctl). docs/packaging.md.
#   systemd-test.sh      (make check runs it after deb-test.sh, whose
#                         .debs it installs; alone it makes them)
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

standalone_results systemd-test
what="systemd-booted Debian 12"
guestdir=$MMLENS_TOP/scripts/systemd-guest
ORACLE=$MMLENS_TOP/scripts/prom_oracle.py
STALE=MmlensExportStale
# Seconds: the whole test, the boot to the guest's first answer.
limit=${SYSTEMD_TEST_LIMIT:-420}
boot_limit=180
t0=$(date +%s)
# mark NAME: NAME and the seconds since the last mark, for the last line.
marks='' tm=$t0
mark() {
	local now
	now=$(date +%s)
	marks="$marks, $1 $((now - tm)) s"
	tm=$now
}

debs=$MMLENS_BUILD/deb
if ! ls "$debs"/mmlens-dkms_*_all.deb "$debs"/mmlens_*_amd64.deb > /dev/null 2>&1; then
	if ! bash "$MMLENS_TOP/scripts/deb.sh" "$debs" > "$MMLENS_BUILD/deb.log" 2>&1; then
		result fail "$what: make deb"
		tail -n 20 "$MMLENS_BUILD/deb.log" | sed 's/^/#   /'
		standalone_summary
		exit $?
	fi
fi
for b in prometheus curl mkfs.ext4 qemu-system-x86_64; do
	if ! command -v "$b" > /dev/null; then
		result fail "$what: $b on the host (scripts/deps.sh installs it)"
		standalone_summary
		exit $?
	fi
done

tr=$(date +%s)
if ! base=$(bash "$MMLENS_TOP/scripts/debroot.sh" boot 2> "$MMLENS_BUILD/debroot-boot.log"); then
	result fail "$what: the root (scripts/debroot.sh boot)"
	tail -n 20 "$MMLENS_BUILD/debroot-boot.log" | sed 's/^/#   /'
	standalone_summary
	exit $?
fi
how=cached
grep -q 'debroot: built' "$MMLENS_BUILD/debroot-boot.log" &&
	how="built now in $(($(date +%s) - tr)) s"
rel=$(kernel_release "$MMLENS_BOOT_KERNEL")

work=$(mktemp -d /tmp/mmlens-systemd.XXXXXX)
r=$work/root
qemu_pid='' pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local p
	for p in $qemu_pid "${pids[@]}"; do
		kill "$p" 2> /dev/null
	done
	for p in $qemu_pid "${pids[@]}"; do
		wait "$p" 2> /dev/null
	done
	chroot_unmount "$r"
	mountpoint -q "$r" && umount "$r"
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/upper" "$work/work" "$r"
if ! mount -t overlay overlay \
	-o "lowerdir=$base,upperdir=$work/upper,workdir=$work/work" "$r" ||
	! chroot_mount "$r"; then
	result fail "$what: overlay of the root mounted"
	standalone_summary
	exit $?
fi
in_root() {
	chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# What the admin of a fleet machine does, and what the test adds to
# reach the guest. The package check's own root (deb-test.sh) never
# boots: it keeps policy-rc.d; this one is a system, and has none.
rm -f "$r/usr/sbin/policy-rc.d"
echo "/dev/vda / ext4 rw 0 1" > "$r/etc/fstab"
echo mmlens-guest > "$r/etc/hostname"
install -D -m 0644 "$guestdir/50-dhcp.network" "$r/etc/systemd/network/50-dhcp.network"
install -D -m 0755 "$guestdir/mmlens-ctl" "$r/usr/local/sbin/mmlens-ctl"
install -D -m 0755 "$guestdir/sandbox-probe" "$r/usr/local/sbin/sandbox-probe"
install -D -m 0644 "$guestdir/mmlens-ctl.service" "$r/etc/systemd/system/mmlens-ctl.service"
# No mirror is reachable from the guest: apt's daily runs would only
# hold dpkg's lock against the purge.
in_root systemctl -q enable systemd-networkd.service mmlens-ctl.service
in_root systemctl -q mask apt-daily.timer apt-daily-upgrade.timer
# The administrator's line, which stays when the packages go.
echo mmlens > "$r/etc/modules-load.d/mmlens.conf"
# Drivers for hardware this guest has not (a virtio q35 machine without
# USB, sound, display or wireless), as a VM image leaves them out: DKMS'
# depmod at the purge reads every module, xz-compressed, and took 63 s
# of the purge's 92 under TCG with the whole tree (4230 modules), 7.7 s
# natively. The booted checks (every unit up, the module loaded) still
# say whether the guest missed one.
mods=$r/lib/modules/$rel/kernel
for d in drivers/media drivers/gpu sound drivers/net/wireless \
	drivers/net/ethernet drivers/net/can drivers/net/usb drivers/net/wwan \
	drivers/infiniband drivers/iio drivers/usb drivers/hwmon \
	drivers/comedi drivers/staging drivers/mtd drivers/bluetooth \
	drivers/isdn net/wireless net/mac80211 net/bluetooth; do
	rm -rf "${mods:?}/$d"
done
in_root depmod -a "$rel"

# Every path but the kernel's, apt's, dpkg's and systemd's own
# bookkeeping and what changes on every boot; read in the chroot before
# the install and in the booted guest after the purge.
snapshot_cmd='cd / && find . -xdev \( -path ./proc -o -path ./sys -o
	-path ./dev -o -path ./tmp -o -path ./run -o -path ./var/log -o
	-path ./var/cache -o -path ./var/lib/apt -o -path ./var/lib/dpkg -o
	-path ./var/lib/systemd -o -path ./var/tmp -o -path ./lost+found \)
	-prune -o -print | sort'
snapshot_cmd=$(tr '\n' ' ' <<< "$snapshot_cmd")
in_root sh -c "$snapshot_cmd" > "$work/before"

mkdir -p "$r/tmp/debs"
cp "$debs"/mmlens-dkms_*_all.deb "$debs"/mmlens_*_amd64.deb "$r/tmp/debs/"
ver=$(dpkg-deb -f "$debs"/mmlens-dkms_*_all.deb Version)
if in_root sh -c 'cd /tmp/debs &&
	apt-get install -y --no-install-recommends ./mmlens-dkms_*.deb ./mmlens_*.deb' \
	> "$work/install.log" 2>&1 &&
	in_root dkms status mmlens 2>&1 | grep -q "^mmlens/$ver, $rel, x86_64: installed"; then
	result ok "$what: root $how; apt-get install of both .debs, DKMS built mmlens/$ver for $rel"
else
	result fail "$what: apt-get install of both .debs, DKMS built mmlens/$ver for $rel"
	tail -n 20 "$work/install.log" | sed 's/^/#   /'
	standalone_summary
	exit $?
fi
rm -rf "$r/tmp/debs"
in_root systemctl -q enable mmlens-export.timer
chroot_unmount "$r"

# The image: the root's size and room for the journal, DKMS' purge and
# what the guest writes.
mb=$(($(du -sm "$r" | cut -f1) + 512))
if ! mkfs.ext4 -q -F -L root -d "$r" "$work/root.img" "${mb}M" > "$work/mkfs.log" 2>&1; then
	result fail "$what: mkfs.ext4 -d of the root"
	sed 's/^/#   /' "$work/mkfs.log"
	standalone_summary
	exit $?
fi
cp "$r/boot/vmlinuz-$rel" "$r/boot/initrd.img-$rel" "$work/"
umount "$r"
tb=$(date +%s)
mark "root, install and ${mb} MiB image"

# Two free ports on 127.0.0.1: node_exporter's forward and Prometheus.
read -r pn pp < <(free_ports 2)
NE=http://127.0.0.1:$pn
PROM=http://127.0.0.1:$pp

mkfifo "$work/ctl.in" "$work/ctl.out"
timeout --foreground -k 5 "$limit" qemu-system-x86_64 -machine q35 -cpu max \
	-m 1G -smp 2 -nographic -no-reboot \
	-kernel "$work/vmlinuz-$rel" -initrd "$work/initrd.img-$rel" \
	-append "root=/dev/vda rw console=ttyS0 loglevel=4 panic=-1" \
	-drive "file=$work/root.img,format=raw,if=virtio" \
	-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$pn-:9100" \
	-device virtio-net-pci,netdev=n0 \
	-serial "file:$work/console.log" -serial "pipe:$work/ctl" \
	-monitor none < /dev/null > "$work/qemu.log" 2>&1 &
qemu_pid=$!
# Read-write on a FIFO never blocks on the other side's open.
exec 3<> "$work/ctl.out" 4<> "$work/ctl.in"

# The host's Prometheus, unprivileged, with the rules as shipped but
# MmlensExportStale's 300 s and 5 m cut to 30 s and 2 s.
sed -e '/alert: MmlensExportStale/,/for:/{s/> 300$/> 30/;s/for: 5m/for: 2s/}' \
	"$MMLENS_TOP/contrib/prometheus/mmlens-rules.yml" > "$work/rules.yml"
prometheus_start "$work" "$work/rules.yml" "127.0.0.1:$pn" "$pp"
pids+=("$PROMETHEUS_PID")

fail_console() {
	echo "#   the guest's console, last lines:"
	tail -n 25 "$work/console.log" | sed 's/^/#   /'
}
# guest_read SECONDS: the guest's answer lines into $work/answer, its
# exit code as status; 124 when none came in time or QEMU ended.
guest_read() {
	local line part='' end=$(($(date +%s) + $1))
	: > "$work/answer"
	while [ "$(date +%s)" -lt "$end" ] && kill -0 "$qemu_pid" 2> /dev/null; do
		# A read that times out keeps what it got of the line: the
		# serial port is slow, a long line takes seconds.
		if ! IFS= read -r -t 1 line <&3; then
			part=$part$line
			continue
		fi
		line=$part$line part=''
		case $line in
		'@@END '*)
			return "${line#@@END }"
			;;
		*) printf '%s\n' "$line" >> "$work/answer" ;;
		esac
	done
	return 124
}
# guest SECONDS COMMAND: run COMMAND (bash; its lines are joined into
# one) in the guest.
guest() {
	printf '%s\n' "$(tr '\n' ' ' <<< "$2")" >&4
	guest_read "$1"
}

# Up: mmlens-ctl's first answer, empty, says it is ready.
ready=0
guest_read "$boot_limit" && ready=1
if [ "$ready" = 1 ] && guest 60 'systemctl is-system-running --wait'; then
	result ok "$what: booted with systemd as PID 1 in $(($(date +%s) - tb)) s, $(cat "$work/answer")"
elif [ "$ready" = 1 ]; then
	result fail "$what: boot finished without a failed unit"
	sed 's/^/#   /' "$work/answer"
	guest 30 'systemctl --failed --no-pager; journalctl -b -p err --no-pager | tail -n 20'
	sed 's/^/#   /' "$work/answer"
else
	result fail "$what: booted and the test's unit answering within ${boot_limit} s"
	fail_console
	standalone_summary
	exit $?
fi

mark boot
guest 30 'readlink /proc/1/exe; uname -r; lsmod 2> /dev/null | grep -c "^mmlens "; systemctl is-active prometheus-node-exporter.service mmlens-export.timer; systemctl is-enabled mmlens-export.timer'
if tr '\n' ' ' < "$work/answer" |
	grep -qx "/usr/lib/systemd/systemd $rel 1 active active enabled "; then
	result ok "$what: PID 1 systemd, $rel, mmlens loaded by modules-load.d, node_exporter and mmlens-export.timer active"
else
	result fail "$what: PID 1 systemd, $rel, mmlens loaded by modules-load.d, node_exporter and mmlens-export.timer active"
	sed 's/^/#   got: /' "$work/answer"
fi

# One run of the service between two identical reads of every file it
# reads: what node_exporter then serves must be exactly those files. Not
# pageblocks: the unit skips it (--skip pageblocks: it needs
# CAP_SYS_ADMIN), so the oracle must find mmlens_source_up 0 for it.
# The rounds are 2.5 s apart: systemd refuses a unit started more than 5
# times in 10 s (DefaultStartLimitBurst, manual starts included), and
# the timer starts it too; rounds a second apart hit that limit in a
# guest whose free lists were still moving after boot.
# shellcheck disable=SC2016 # the guest's shell expands it
snap_cmd='snap() { mkdir -p $1/proc/mmlens $1/proc/sys/vm && for f in version buddyinfo extfrag_index unusable_index fraginfo pagetypeinfo watermarks compaction; do cat /proc/mmlens/$f > $1/proc/mmlens/$f; done && cat /proc/sys/vm/compaction_proactiveness > $1/proc/sys/vm/compaction_proactiveness; };
d=$(mktemp -d); for i in $(seq 30); do rm -rf $d/a $d/b; snap $d/a; systemctl start mmlens-export.service || exit 1; snap $d/b; if diff -r $d/a $d/b > /dev/null; then echo "rounds $i mtime $(stat -c %Y /var/lib/prometheus/node-exporter/mmlens.prom)"; tar -C $d/b -cz . | base64 -w 0; echo; exit 0; fi; sleep 2.5; done; exit 2'
if guest 120 "$snap_cmd"; then
	mkdir -p "$work/snap"
	read -r _ rounds _ mtime < "$work/answer"
	sed -n 2p "$work/answer" | base64 -d | tar -xz -C "$work/snap"
	curl -sf "$NE/metrics" > "$work/metrics" || : > "$work/metrics"
	served=$(sed -n 's/^node_textfile_mtime_seconds{file="[^"]*mmlens.prom"} \([0-9.e+]*\)$/\1/p' "$work/metrics")
	served=$(python3 -c "print(int(float('${served:-0}')))")
	if [ "$served" != "$mtime" ]; then
		result fail "$what: node_exporter serves the mmlens.prom of the checked run (mtime $mtime, served $served)"
		head -n 1 "$work/answer" | cut -c1-300 | sed 's/^/#   /'
	elif python3 "$ORACLE" scrape "$work/snap" "$NE/metrics" > "$work/oracle.out" 2>&1; then
		result ok "$what: node_exporter's mmlens_* samples over 127.0.0.1:$pn equal the guest's /proc/mmlens files ($(tail -n 1 "$work/oracle.out"); $rounds round(s) to read them unchanged)"
	else
		result fail "$what: node_exporter's mmlens_* samples equal the guest's /proc/mmlens files"
		head -n 20 "$work/oracle.out" | sed 's/^/#   /'
	fi
else
	result fail "$what: the guest's /proc/mmlens files read unchanged around one run of mmlens-export.service"
	head -n 10 "$work/answer" | sed 's/^/#   /'
fi

mark "files and node_exporter"
# Prometheus: the alert's state now ("firing", "pending" or nothing).
stale_state() {
	curl -sf "$PROM/api/v1/alerts" | python3 -c '
import json, sys
states = [a["state"] for a in json.load(sys.stdin)["data"]["alerts"]
          if a["labels"]["alertname"] == sys.argv[1]]
print(" ".join(sorted(states)))' "$STALE"
}
prom_value() {
	curl -sf "$PROM/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}
end=$(($(date +%s) + 30))
while [ "$(date +%s)" -lt "$end" ] &&
	[ -z "$(prom_value 'up{job="node"} == 1')" ]; do
	sleep 1
done
# Quiet for 40 s, in which the timer must rewrite the file twice or more.
quiet=1 states=''
tq=$(date +%s)
while [ $(($(date +%s) - tq)) -lt 40 ]; do
	s=$(stale_state)
	[ -n "$s" ] && quiet=0 states="$states $s"
	sleep 1
done
writes=$(prom_value 'changes(node_textfile_mtime_seconds{file=~".*mmlens\\.prom"}[40s])')
if [ "$quiet" = 1 ] && [ "${writes%.*}" -ge 2 ] 2> /dev/null; then
	result ok "$what: $STALE quiet in Prometheus for 40 s while the timer ran (mmlens.prom rewritten $writes times)"
else
	result fail "$what: $STALE quiet for 40 s while the timer ran (states:${states:- none}; rewrites ${writes:-none})"
fi

mark "quiet alert"
guest 30 'systemctl stop mmlens-export.timer && systemctl is-active mmlens-export.timer'
ts=$(date +%s)
fired=''
while [ $(($(date +%s) - ts)) -lt 90 ]; do
	if [ "$(stale_state)" = firing ]; then
		fired=$(($(date +%s) - ts))
		break
	fi
	sleep 1
done
if [ -n "$fired" ]; then
	result ok "$what: $STALE fires ${fired} s after systemctl stop mmlens-export.timer (30 s without a rewrite, then 2 s)"
else
	result fail "$what: $STALE fires within 90 s of systemctl stop mmlens-export.timer"
fi

mark "firing alert"
# The service's record: every run succeeded, nothing at warning or above.
# shellcheck disable=SC2016 # the guest's shell expands it
guest 30 'systemctl status --no-pager mmlens-export.timer mmlens-export.service; echo "--"; systemctl show -p Result -p ExecMainStatus mmlens-export.service; echo "runs $(journalctl -b -u mmlens-export.service -o cat | grep -c "^Finished ")"; echo "warnings $(journalctl -b -q -u mmlens-export.service -u mmlens-export.timer -p warning | wc -l)"; echo "tool-warnings $(journalctl -b -q -u mmlens-export.service -o cat | grep -c "warning: ")"'
sed 's/^/# systemctl status: /' "$work/answer" | grep -v -- '-- *$' | head -n 20
if grep -qx 'Result=success' "$work/answer" &&
	grep -qx 'ExecMainStatus=0' "$work/answer" &&
	grep -qx 'warnings 0' "$work/answer" &&
	grep -qx 'tool-warnings 0' "$work/answer" &&
	! grep -qx 'runs 0' "$work/answer"; then
	result ok "$what: mmlens-export.service: Result=success, exit 0, $(grep '^runs' "$work/answer") in the journal, none at warning or above, no warning of the tool"
else
	result fail "$what: mmlens-export.service without error in systemctl and the journal"
	guest 30 'journalctl -b -u mmlens-export.service --no-pager | tail -n 15'
	sed 's/^/#   /' "$work/answer"
fi

# The sandbox, from inside: the unit as shipped, only ExecStart replaced.
# shellcheck disable=SC2016
probe_cmd='d=/run/systemd/system/mmlens-export.service.d; mkdir -p $d && printf "[Service]\nExecStart=\nExecStart=/usr/local/sbin/sandbox-probe\nStandardOutput=file:/run/mmlens-probe.out\n" > $d/probe.conf && systemctl daemon-reload && systemctl start mmlens-export.service; rc=$?; cat /run/mmlens-probe.out; rm -rf $d /run/mmlens-probe.out; systemctl daemon-reload; exit $rc'
guest 60 "$probe_cmd"
n_ok=$(grep -c '^ok ' "$work/answer")
if [ "$n_ok" -ge 10 ] && ! grep -qv '^ok ' "$work/answer"; then
	result ok "$what: the service's sandbox holds in practice: $n_ok probes (read-only /usr /etc /var, no capability, no TCP, no devices, /proc/sys read-only; /proc/mmlens and its directory usable)"
else
	result fail "$what: the service's sandbox holds in practice"
	sed 's/^/#   /' "$work/answer"
fi

mark "journal and sandbox"
# apt purge in the booted system.
# shellcheck disable=SC2016
purge_cmd='lsmod 2> /dev/null | sort > /run/lsmod.before; apt-get purge -y -o DPkg::Lock::Timeout=60 mmlens mmlens-dkms > /run/purge.log 2>&1 || { tail -n 20 /run/purge.log; exit 1; }; lsmod 2> /dev/null | sort > /run/lsmod.after; echo "units $(systemctl list-units --all --no-legend "mmlens-export*" | wc -l)"; echo "modules-diff $(diff /run/lsmod.before /run/lsmod.after | grep -c "^[<>]")"; echo "prom $(ls /var/lib/prometheus/node-exporter)"; echo "node-exporter $(systemctl is-active prometheus-node-exporter.service)"; echo "left $(ls -d /usr/src/mmlens-* /var/lib/dkms/mmlens 2> /dev/null; find /lib/modules -name "mmlens*")"'
if guest 240 "$purge_cmd"; then
	grep -q '^units 0$' "$work/answer" && grep -q '^modules-diff 0$' "$work/answer" &&
		grep -q '^prom $' "$work/answer" && grep -q '^node-exporter active$' "$work/answer" &&
		grep -q '^left $' "$work/answer"
	ok=$?
else
	ok=1
fi
curl -sf "$NE/metrics" > "$work/metrics.after" || : > "$work/metrics.after"
mark purge
# gzip: the serial port moves some 40 KB/s under TCG.
guest 60 "($snapshot_cmd) | gzip -1 | base64 -w 0"
base64 -d "$work/answer" | gunzip > "$work/after"
diff "$work/before" "$work/after" > "$work/diff"
if [ "$ok" = 0 ] && [ ! -s "$work/diff" ] && [ -s "$work/metrics.after" ] &&
	! grep -q '^mmlens_' "$work/metrics.after"; then
	result ok "$what: apt purge: units stopped and gone, no mmlens.prom, no mmlens_* from node_exporter, no module unloaded, every path as before install"
else
	result fail "$what: apt purge leaves nothing and unloads nothing"
	sed 's/^/#   /' "$work/answer" | head -n 20
	sed 's/^/#   paths: /' "$work/diff" | head -n 20
fi

mark "file list"
# No answer comes: the guest is going down.
printf 'systemctl poweroff\n' >&4
end=$(($(date +%s) + 60))
while kill -0 "$qemu_pid" 2> /dev/null && [ "$(date +%s)" -lt "$end" ]; do
	sleep 1
done
if ! kill -0 "$qemu_pid" 2> /dev/null; then
	wait "$qemu_pid"
	qemu_pid=''
	result ok "$what: systemctl poweroff ends the guest"
else
	result fail "$what: systemctl poweroff ends the guest within 60 s"
fi
mark poweroff
echo "# $what: ${marks#, }; in all $(($(date +%s) - t0)) s"
standalone_summary
