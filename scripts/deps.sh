#!/usr/bin/env bash
# Install, idempotently, every Debian package the build and the QEMU
# test matrix need. Safe to run repeatedly; does nothing when all present.
#
#   deps.sh          everything make check needs
#   deps.sh --demo   only what make demo needs: the module's and the
#                    static tool's build, QEMU, the initramfs tools and
#                    the 6.12 headers (the demo boots Debian's 6.12)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# the module's and the static tool's build, QEMU and the initramfs tools
base_pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev
	qemu-system-x86 busybox-static cpio kmod xz-utils
)

demo_pkgs=("${base_pkgs[@]}" "$(kernel_meta "$MMLENS_DEMO_KERNEL")")

all_pkgs=(
	"${base_pkgs[@]}" sparse dkms
	linux-source-6.12 python3 tmux openssl
	clang libclang-rt-14-dev shellcheck groff-base
	# mmlens export: promtool, and the real parts its host test runs
	prometheus prometheus-node-exporter
	# make deb and its fresh-root test (scripts/deb-test.sh); the
	# systemd-booted root's image and its HTTP checks (systemd-test.sh)
	debhelper dh-dkms lintian debootstrap dpkg-dev e2fsprogs curl
)

# every matrix kernel's headers (lib.sh: generic, cloud, rt)
mapfile -t -O "${#all_pkgs[@]}" all_pkgs < <(kernel_headers_pkgs)

case ${1:-} in
--demo) pkgs=("${demo_pkgs[@]}") ;;
'') pkgs=("${all_pkgs[@]}") ;;
*) die "usage: deps.sh [--demo]" ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install: ${missing[*]}" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
