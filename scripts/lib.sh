#!/usr/bin/env bash
# Shared settings for the mmlens scripts. Sourced, never run.
# shellcheck disable=SC2034

# Everything expensive (kernel images, initramfs pieces, the debug kernel)
# lives outside the repo so a clean clone reuses it.
MMLENS_CACHE=${MMLENS_CACHE:-/var/cache/mmlens}
MMLENS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Builds, logs and results of this tree. Created here, once, because every
# entry point (make check, demo, bench, ...) may be the first command run
# in a fresh clone: no script may assume another one made it.
MMLENS_BUILD=${MMLENS_BUILD:-$MMLENS_TOP/.build}
export MMLENS_BUILD
mkdir -p "$MMLENS_BUILD"

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The kernels of the test matrix: a short name and the Debian metapackage
# whose dependency names the real ABI version. Nothing else is hard-coded.
# MMLENS_KERNELS are the generic flavours (the packages' fresh-root test,
# scripts/debroot.sh, installs these); MMLENS_FLAVOURS are Debian's other
# flavours of the same kernels, built for and booted in the matrix too
# (docs/flavours.md says what each one lacks).
MMLENS_KERNELS="deb6.1:linux-headers-amd64 deb6.12:linux-headers-6.12-amd64"
MMLENS_FLAVOURS="deb6.1-cloud:linux-headers-cloud-amd64
deb6.12-cloud:linux-headers-6.12-cloud-amd64
deb6.12-rt:linux-headers-6.12-rt-amd64"

# kernel_release NAME -> e.g. 6.1.0-56-amd64, read from the installed
# headers metapackage's dependency.
kernel_release() {
	local meta dep
	if kernel_is_debug "$1"; then
		cat "$(kernel_debug_dir "$1")/release" 2>/dev/null
		return
	fi
	meta=$(kernel_meta "$1") || return 1
	dep=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null |
		tr ',' '\n' | sed -n 's/^ *linux-headers-\([^ ]*\).*/\1/p' |
		head -n 1)
	[ -n "$dep" ] || return 1
	printf '%s\n' "$dep"
}

kernel_meta() {
	local pair
	for pair in $MMLENS_KERNELS $MMLENS_FLAVOURS; do
		if [ "${pair%%:*}" = "$1" ]; then
			printf '%s\n' "${pair#*:}"
			return 0
		fi
	done
	return 1
}

# pair_field name|pkg PAIR...: the names or the packages of NAME:PKG pairs.
pair_field() {
	local field=$1 pair
	shift
	for pair in "$@"; do
		if [ "$field" = name ]; then
			printf '%s\n' "${pair%%:*}"
		else
			printf '%s\n' "${pair#*:}"
		fi
	done
}

# shellcheck disable=SC2086 # the lists are words
kernel_names() { pair_field name $MMLENS_KERNELS; }

# all_kernel_names: the generic kernels, then the other flavours: what
# the module is built, checked (sparse, modinfo, dkms) and booted for.
# shellcheck disable=SC2086
all_kernel_names() { pair_field name $MMLENS_KERNELS $MMLENS_FLAVOURS; }

# make demo's kernel and cell: Debian's 6.12, one node, 4-level paging.
MMLENS_DEMO_KERNEL=deb6.12
MMLENS_DEMO_CELL=deb6.12-1node-4lvl
# The kernel of the systemd-booted root (debroot.sh boot, systemd-test.sh).
MMLENS_BOOT_KERNEL=deb6.12

# kernel_headers_pkgs: every headers metapackage (scripts/deps.sh).
# shellcheck disable=SC2086
kernel_headers_pkgs() { pair_field pkg $MMLENS_KERNELS $MMLENS_FLAVOURS; }

# The kernels we build ourselves (scripts/debug-kernel.sh): debug6.12 with
# KASAN, lockdep, kmemleak, fault injection, KUnit; debug6.12-rt, the
# PREEMPT_RT variant with lockdep and atomic-sleep checks (--rt). Not in
# kernel_names: the host checks (dkms, install) are about the distro
# kernels.
MMLENS_DEBUG_KERNEL=debug6.12
MMLENS_DEBUG_RT_KERNEL=debug6.12-rt
kernel_is_debug() {
	[ "$1" = "$MMLENS_DEBUG_KERNEL" ] || [ "$1" = "$MMLENS_DEBUG_RT_KERNEL" ]
}
# debug_kernel_args NAME: debug-kernel.sh's variant option for NAME.
debug_kernel_args() {
	if [ "$1" = "$MMLENS_DEBUG_RT_KERNEL" ]; then
		echo --rt
	fi
}
# kernel_debug_dir [NAME]: the cache directory (default: debug6.12).
kernel_debug_dir() {
	# shellcheck disable=SC2046 # an option or nothing
	bash "$MMLENS_TOP/scripts/debug-kernel.sh" \
		$(debug_kernel_args "${1:-$MMLENS_DEBUG_KERNEL}") --dir
}

# kernel_kdir NAME: the tree external modules build against.
kernel_kdir() {
	if kernel_is_debug "$1"; then
		printf '%s/obj\n' "$(kernel_debug_dir "$1")"
	else
		printf '/lib/modules/%s/build\n' "$(kernel_release "$1")"
	fi
}

# kernel_root NAME: holds boot/vmlinuz-REL and lib/modules/REL/.
kernel_root() {
	if kernel_is_debug "$1"; then
		printf '%s/root\n' "$(kernel_debug_dir "$1")"
	else
		printf '%s/kernels/%s\n' "$MMLENS_CACHE" "$(kernel_release "$1")"
	fi
}

kernel_image() {
	printf '%s/boot/vmlinuz-%s\n' "$(kernel_root "$1")" \
		"$(kernel_release "$1")"
}

# topology_args TOPOLOGY: QEMU memory/CPU/NUMA options of a matrix
# topology; prints nothing for an unknown one.
two_nodes() {
	echo "-m $1 -smp 2,sockets=2" \
		"-object memory-backend-ram,id=m0,size=$2" \
		"-object memory-backend-ram,id=m1,size=$2" \
		"-numa node,nodeid=0,cpus=0,memdev=m0" \
		"-numa node,nodeid=1,cpus=1,memdev=m1"
}

topology_args() {
	case $1 in
	1node) echo "-m 1G -smp 2" ;;
	2node) two_nodes 6G 3G ;;
	movable) echo "-m 1536M -smp 2" ;;
	# KASAN under TCG is slow and its shadow costs 1/8: keep it small.
	2node2g) two_nodes 2G 1G ;;
	esac
}

# Memory hotplug (t_hotremove.sh, docs/hotremove.md): the size of the
# DIMM the guest has plugged and unplugged, and hotplug_args QEMU-ARGS:
# the topology's QEMU options with two DIMM slots ("-m 2G" becomes
# "-m 2G,slots=2,maxmem=2560M"; a new DIMM may go in while QEMU still
# unplugs the last one) and the NUMA node they go to (the last one).
HOTPLUG_DIMM_MB=256
hotplug_args() {
	local a mb out=''
	for a in $1; do
		case $out in
		*" -m")
			case $a in
			*G) mb=$((${a%G} * 1024)) ;;
			*M) mb=${a%M} ;;
			*) return 1 ;;
			esac
			a="$a,slots=2,maxmem=$((mb + 2 * HOTPLUG_DIMM_MB))M"
			;;
		esac
		out="$out $a"
	done
	echo "${out# }"
}
hotplug_node() {
	local n
	n=$(grep -o 'nodeid=[0-9]*' <<< "$1" | tail -n 1)
	echo "${n#nodeid=}"
}

# chroot_mount ROOT / chroot_unmount ROOT: /proc, /sys and /dev for
# commands in a chroot (apt, dkms: scripts/debroot.sh, deb-test.sh).
# Unmounting is safe to repeat; callers do it from an EXIT trap, before
# any rm of ROOT (which must also be rm --one-file-system).
chroot_mount() {
	mount -t proc proc "$1/proc" &&
		mount -t sysfs sysfs "$1/sys" &&
		mount --bind /dev "$1/dev"
}
chroot_unmount() {
	local m
	for m in dev sys proc; do
		if mountpoint -q "$1/$m" 2> /dev/null; then
			umount "$1/$m" || umount -l "$1/$m"
		fi
	done
}

# Results: every check, on the host or in a VM, becomes one TAP line on
# stdout and one line in $MMLENS_RESULTS, which check.sh totals.
MMLENS_RESULTS=${MMLENS_RESULTS:-/dev/null}

# result_detail HEADER < LINES: the evidence of a failure that only a
# cell's log holds (the kernel's report, the console's last lines), under
# HEADER, indented. check.sh repeats these lines after its list of
# failures, at the end of its output, where a CI that keeps only the tail
# still shows them.
result_detail() {
	if [ "$MMLENS_RESULTS" = /dev/null ]; then
		cat > /dev/null
		return 0
	fi
	{ printf '%s\n' "$1"; sed 's/^/  /'; } >> "$MMLENS_RESULTS.details"
}
result() {
	local status=$1 name=$2 why=${3:-} n
	printf '%s\t%s\n' "$status" "$name" >> "$MMLENS_RESULTS"
	n=$(wc -l < "$MMLENS_RESULTS" 2>/dev/null || echo 0)
	case $status in
	ok) printf 'ok %s - %s\n' "$n" "$name" ;;
	fail) printf 'not ok %s - %s\n' "$n" "$name" ;;
	skip) printf 'ok %s - %s # SKIP %s\n' "$n" "$name" "$why" ;;
	esac
}

# mmlens_version: MMLENS_VERSION, the one version of module, tool and
# packages (module/mmlens_vocab.h); nothing when it is missing.
mmlens_version() {
	sed -n 's/^#define MMLENS_VERSION "\(.*\)"/\1/p' \
		"$MMLENS_TOP/module/mmlens_vocab.h"
}

# in_checkout: the tree is a git checkout of its own (not an exported
# tree, which may sit inside some other repository).
in_checkout() {
	[ "$(git -C "$MMLENS_TOP" rev-parse --show-toplevel 2>/dev/null)" = \
		"$(cd -P "$MMLENS_TOP" && pwd)" ]
}

# clean_copy DIR: the tree as a fresh clone of it would be (tracked and
# new, not ignored, files as they are in the work tree; no .build, no
# objects), so a test can run a README command "from nothing". A tree
# that is no git checkout (an exported source tree, git archive's
# output) is copied whole but for what .gitignore names (build output).
clean_copy() {
	mkdir -p "$1"
	if ! in_checkout; then
		# .gitignore's patterns, as tar's (trailing slash dropped)
		sed -e '/^#/d' -e '/^$/d' -e 's|/$||' "$MMLENS_TOP/.gitignore" |
			tar -C "$MMLENS_TOP" --exclude-from=- -cf - . |
			tar -C "$1" -xf -
		return
	fi
	(cd "$MMLENS_TOP" &&
		git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done | cpio -0pdm --quiet "$1")
}

# readme_block FILE NAME BLOCK: replace what lies between FILE's lines
# "<!-- NAME BEGIN ... -->" and "<!-- NAME END -->" with the file BLOCK
# (scripts/readme-output.sh, scripts/readme-demo.sh).
readme_block() {
	local file=$1 name=$2 block=$3
	awk -v block="$block" -v b="<!-- $name BEGIN" -v e="<!-- $name END" '
		index($0, b) == 1 {
			print
			while ((getline line < block) > 0)
				print line
			skip = 1
			found = 1
			next
		}
		index($0, e) == 1 { skip = 0 }
		!skip { print }
		END { if (!found) exit 1 }
	' "$file" > "$file.new" || {
		rm -f "$file.new"
		die "no $name markers in $file"
	}
	mv "$file.new" "$file"
}

# The real parts run unprivileged: AS_NOBODY is the prefix that runs a
# program as nobody when this runs as root, empty otherwise
# (prom-test.sh, systemd-test.sh, test-tool.sh).
AS_NOBODY=()
if [ "$(id -u)" = 0 ]; then
	AS_NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

# free_ports N: N free TCP ports on 127.0.0.1, on one line (the kernel
# picks; another process could take one before a daemon binds it: the
# daemon then fails to start, and says so).
free_ports() {
	python3 -c '
import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])
' "$1"
}

# prometheus_start DIR RULES TARGET PORT: Prometheus in the background,
# as AS_NOBODY, on 127.0.0.1:PORT, its configuration and data in DIR
# (made traversable), scraping TARGET (host:port, job "node") and
# evaluating the rule file RULES every second; its pid in PROMETHEUS_PID,
# its output in DIR/prometheus.log.
prometheus_start() {
	local dir=$1 rules=$2 target=$3 port=$4
	mkdir -p "$dir/tsdb"
	cat > "$dir/prometheus.yml" <<PROMCONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $rules
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["$target"]
PROMCONF
	chmod 0755 "$dir"
	[ "${#AS_NOBODY[@]}" -gt 0 ] && chown nobody "$dir/tsdb"
	"${AS_NOBODY[@]}" prometheus --config.file="$dir/prometheus.yml" \
		--storage.tsdb.path="$dir/tsdb" --web.listen-address="127.0.0.1:$port" \
		> "$dir/prometheus.log" 2>&1 &
	PROMETHEUS_PID=$!
}

# standalone_results NAME / standalone_summary: a test script that make
# check also runs. Alone (lib.sh's MMLENS_RESULTS default, /dev/null: no
# make check to total them), its results go to $MMLENS_BUILD/NAME-
# results.txt and standalone_summary prints "N passed, N failed" and
# fails on a failure; under make check it does nothing.
MMLENS_STANDALONE=0
standalone_results() {
	if [ "$MMLENS_RESULTS" = /dev/null ]; then
		MMLENS_STANDALONE=1
		export MMLENS_RESULTS=$MMLENS_BUILD/$1-results.txt
		: > "$MMLENS_RESULTS"
	fi
}
standalone_summary() {
	local p f
	[ "$MMLENS_STANDALONE" = 1 ] || return 0
	p=$(grep -c '^ok' "$MMLENS_RESULTS")
	f=$(grep -c '^fail' "$MMLENS_RESULTS")
	echo "$p passed, $f failed"
	[ "$f" -eq 0 ]
}
