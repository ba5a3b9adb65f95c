#!/usr/bin/env bash
# The Debian packages from nothing: make deb, lintian, then in a throwaway
# overlay of a fresh Debian 12 root (scripts/debroot.sh: debootstrap,
# dkms, both matrix kernels' headers; cached) apt-get install both .debs,
# check that DKMS built and installed mmlens for every kernel, that every
# file the packages list is there, that mmlens --help runs, then purge
# both and check that nothing is left. What DKMS built, and the package's
# own tool with the libraries it loads, go to $MMLENS_BUILD/debpkg/ for
# the matrix's debpkg cells (scripts/matrix.sh). docs/packaging.md.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

debs=$MMLENS_BUILD/deb
pkgout=$MMLENS_BUILD/debpkg
t0=$(date +%s)

# The packages tested here are made as distribution packaging would make
# them: by make deb in an exported source tree (git archive: no .git),
# of the work tree as it is (git stash create; HEAD when it is clean).
export_tree=$MMLENS_BUILD/exported
rm -rf "$export_tree"
mkdir -p "$export_tree"
commit=$(git -C "$MMLENS_TOP" stash create 2>/dev/null)
commit=${commit:-HEAD}
if git -C "$MMLENS_TOP" archive "$commit" | tar -x -C "$export_tree" &&
	env -u MMLENS_BUILD make -C "$export_tree" deb OUT="$debs" \
		> "$MMLENS_BUILD/deb.log" 2>&1; then
	result ok "make deb in an exported tree (git archive, no .git): $(cd "$debs" && echo ./*.deb)"
else
	result fail "make deb in an exported tree (git archive, no .git)"
	tail -n 30 "$MMLENS_BUILD/deb.log" | sed 's/^/#   /'
	exit 1
fi
rm -rf "$export_tree"
hash=$(git -C "$MMLENS_TOP" log -1 --format=%h "$commit")
want_ver=$(mmlens_version)
if [ "$(dpkg-deb -f "$debs"/mmlens-dkms_*_all.deb Version)" = "$want_ver" ] &&
	dpkg-deb --fsys-tarfile "$debs"/mmlens-dkms_*_all.deb |
	tar -xO ./usr/share/doc/mmlens-dkms/changelog.gz 2>/dev/null | zcat |
	grep -q "from an exported tree of git $hash\.$"; then
	result ok "the exported tree's packages name their commit and the module's version"
else
	result fail "the exported tree's packages name their commit and the module's version"
fi
echo "# packages of the exported tree: commit $hash, version $want_ver"
if [ ! -s "$debs/lintian.txt" ]; then
	result ok "lintian (pedantic, info, experimental tags): none on either package"
else
	result fail "lintian (pedantic, info, experimental tags): none on either package"
	sed 's/^/#   /' "$debs/lintian.txt"
fi
ver=$(dpkg-deb -f "$debs"/mmlens-dkms_*_all.deb Version)

t1=$(date +%s)
if ! base=$(bash "$MMLENS_TOP/scripts/debroot.sh" 2> "$MMLENS_BUILD/debroot.log"); then
	result fail "fresh Debian 12 root (scripts/debroot.sh)"
	tail -n 20 "$MMLENS_BUILD/debroot.log" | sed 's/^/#   /'
	exit 1
fi
t2=$(date +%s)
how="cached"
grep -q 'debroot: built' "$MMLENS_BUILD/debroot.log" &&
	how="built now in $((t2 - t1)) s"
result ok "fresh Debian 12 root, $how: $(tr '\n' ' ' < "${base%/root}/contents")"

work=$(mktemp -d)
r=$work/root
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	chroot_unmount "$r"
	mountpoint -q "$r" && umount "$r"
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mkdir -p "$work/upper" "$work/work" "$r"
if ! mount -t overlay overlay \
	-o "lowerdir=$base,upperdir=$work/upper,workdir=$work/work" "$r" ||
	! chroot_mount "$r"; then
	result fail "overlay of the fresh root mounted"
	exit 1
fi
# A clean environment: nothing of the host's (make check's MAKEFLAGS,
# MMLENS_*) reaches apt, dkms or their make.
in_root() {
	chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# Every path but the kernel's, apt's and dpkg's own bookkeeping: after
# purge the list must be what it was before install.
snapshot() {
	(cd "$r" && find . -xdev \( -path ./proc -o -path ./sys -o \
		-path ./dev -o -path ./tmp -o -path ./run -o \
		-path ./var/log -o -path ./var/cache -o -path ./var/lib/apt -o \
		-path ./var/lib/dpkg \) -prune -o -print | sort)
}
snapshot > "$work/before"

mkdir -p "$r/tmp/debs"
cp "$debs"/mmlens-dkms_*_all.deb "$debs"/mmlens_*_amd64.deb "$r/tmp/debs/"
if in_root sh -c 'cd /tmp/debs &&
	apt-get install -y --no-install-recommends ./mmlens-dkms_*.deb ./mmlens_*.deb' \
	> "$MMLENS_BUILD/deb-install.log" 2>&1; then
	result ok "apt-get install ./mmlens-dkms_${ver}_all.deb ./mmlens_${ver}_amd64.deb in the fresh root"
else
	result fail "apt-get install ./mmlens-dkms_${ver}_all.deb ./mmlens_${ver}_amd64.deb in the fresh root"
	tail -n 30 "$MMLENS_BUILD/deb-install.log" | sed 's/^/#   /'
	find "$r/var/lib/dkms/mmlens" -name make.log -exec tail -n 20 {} \; |
		sed 's/^/#   /'
fi

in_root dkms status mmlens > "$work/dkms-status" 2>&1
# (dkms' compiler check has readelf warn about kernels without .comment)
grep '^mmlens/' "$work/dkms-status" | sed 's/^/# dkms status: /'
rm -rf "$pkgout"
mkdir -p "$pkgout"
for name in $(kernel_names); do
	rel=$(kernel_release "$name")
	ko=$pkgout/$name/mmlens.ko
	mkdir -p "$(dirname "$ko")"
	src=$(find "$r/lib/modules/$rel" -name 'mmlens.ko*' | head -n 1)
	case $src in
	*.xz) xz -dc "$src" > "$ko" ;;
	?*) cp "$src" "$ko" ;;
	esac
	if grep -q "^mmlens/$ver, $rel, x86_64: installed" "$work/dkms-status" &&
		[ -s "$ko" ] &&
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel" ]; then
		result ok "dkms status: mmlens/$ver installed for $name ($rel), ${src#"$r"}"
	else
		result fail "dkms status: mmlens/$ver installed for $name ($rel)"
		rm -f "$ko"
	fi
done

missing=0 count=''
for p in mmlens-dkms mmlens; do
	n=0
	while IFS= read -r f; do
		n=$((n + 1))
		if [ ! -e "$r$f" ]; then
			echo "#   $p: $f missing"
			missing=$((missing + 1))
		fi
	done < <(in_root dpkg -L "$p" 2> /dev/null)
	count="$count $p $n,"
	[ "$n" -gt 0 ] || missing=$((missing + 1))
done
if [ "$missing" -eq 0 ]; then
	result ok "every path dpkg -L lists is there"
	echo "# dpkg -L paths:${count%,}"
else
	result fail "every path dpkg -L lists is there"
fi

if in_root mmlens --help > "$work/help" 2>&1 &&
	grep -q '^usage: mmlens ' "$work/help"; then
	result ok "mmlens --help runs in the fresh root: $(head -n 1 "$work/help")"
else
	result fail "mmlens --help runs in the fresh root"
	head -n 10 "$work/help" | sed 's/^/#   /'
fi

# The package's own tool for the VM, with what ldd says it loads (libc
# and the dynamic loader, at the paths the binary names).
mkdir -p "$pkgout/root/usr/bin"
cp "$r/usr/bin/mmlens" "$pkgout/root/usr/bin/mmlens" 2> /dev/null
in_root ldd /usr/bin/mmlens 2> /dev/null |
	grep -o '/[^ ]*' | while IFS= read -r lib; do
		mkdir -p "$pkgout/root$(dirname "$lib")"
		cp -L "$r$lib" "$pkgout/root$lib"
	done

if in_root apt-get purge -y mmlens mmlens-dkms > "$MMLENS_BUILD/deb-purge.log" 2>&1; then
	result ok "apt-get purge mmlens mmlens-dkms"
else
	result fail "apt-get purge mmlens mmlens-dkms"
	tail -n 20 "$MMLENS_BUILD/deb-purge.log" | sed 's/^/#   /'
fi
snapshot > "$work/after"
left=$( (cd "$r" && ls -d usr/src/mmlens-* var/lib/dkms/mmlens 2> /dev/null
	find lib/modules -name 'mmlens*') 2> /dev/null)
if [ -z "$left" ] && diff "$work/before" "$work/after" > "$work/diff"; then
	result ok "after purge nothing is left: no /usr/src/mmlens-*, /var/lib/dkms/mmlens, mmlens.ko*; every path as before install"
else
	result fail "after purge nothing is left"
	printf '%s\n' "$left" | sed '/^$/d; s/^/#   left: /'
	sed 's/^/#   /' "$work/diff" | head -n 20
fi
echo "# deb-test: make deb and lintian $((t1 - t0)) s, fresh root $how ($((t2 - t1)) s), install/check/purge $(($(date +%s) - t2)) s"
