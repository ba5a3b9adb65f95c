#!/usr/bin/env bash
# make deb: the Debian packages mmlens-dkms (the module's source, built by
# DKMS) and mmlens (the tool, its man page, the systemd units, the
# Prometheus rules), from a clean copy of the tree with scripts/deb/ as its
# debian/ directory (the repository has none), into OUTDIR (default
# $MMLENS_BUILD/deb), then lintian on both; docs/packaging.md.
#   deb.sh [OUTDIR]
# Maintainer and changelog name: DEBFULLNAME/DEBEMAIL, else git's user,
# else the last commit's committer. The version is the module's
# (MMLENS_VERSION); git is not needed: an exported tree carries its
# commit in scripts/deb/source-commit.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

out=${1:-$MMLENS_BUILD/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Module, tool and package carry one version, MMLENS_VERSION; dkms.conf
# repeats it (DKMS reads no header) and goes into the package as it is.
ver=$(mmlens_version)
[ -n "$ver" ] || die "no MMLENS_VERSION in module/mmlens_vocab.h"
dkver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$MMLENS_TOP/dkms.conf")
[ "$dkver" = "$ver" ] ||
	die "dkms.conf PACKAGE_VERSION $dkver is not MMLENS_VERSION $ver"
[ -f "$MMLENS_TOP/contrib/prometheus/mmlens-rules.yml" ] ||
	die "contrib/prometheus/mmlens-rules.yml missing"

# The commit the tree is: git's, or in an exported tree (git archive)
# what git wrote into scripts/deb/source-commit (export-subst in
# scripts/deb/.gitattributes); "name|mail|date|hash", or nothing.
source_commit() {
	local f=$MMLENS_TOP/scripts/deb/source-commit
	if in_checkout; then
		git -C "$MMLENS_TOP" log -1 --format='%cn|%ce|%cD|%h' 2>/dev/null
	elif [ -f "$f" ] && ! grep -q 'Format:' "$f"; then
		cat "$f"
	fi
}
IFS='|' read -r c_name c_mail c_date c_hash <<< "$(source_commit)"

git_config() {
	in_checkout && git -C "$MMLENS_TOP" config "$1"
}
name=${DEBFULLNAME:-$(git_config user.name || true)}
mail=${DEBEMAIL:-$(git_config user.email || true)}
# A machine with neither (a fresh CI box): the last commit's committer
# (lintian rejects made-up local addresses such as root@host).
if [ -z "$name" ] || [ -z "$mail" ]; then
	name=$c_name mail=$c_mail
fi
if [ -z "$name" ] || [ -z "$mail" ]; then
	die "set DEBFULLNAME and DEBEMAIL (no git identity or commit to use)"
fi
# The last commit's date, so two builds of one commit are the same.
date=${c_date:-$(date -R)}
if in_checkout; then
	rev="git $(git -C "$MMLENS_TOP" describe --always --dirty)"
elif [ -n "$c_hash" ]; then
	rev="an exported tree of git $c_hash"
else
	rev="a tree of unknown origin"
fi

work=$out/build
src=$work/mmlens-$ver
rm -rf "$work"
clean_copy "$src"
mkdir -p "$src/debian/source"
for f in control rules copyright mmlens.prerm mmlens.postrm; do
	cp "$MMLENS_TOP/scripts/deb/$f" "$src/debian/$f"
done
cp "$MMLENS_TOP/scripts/deb/format" "$src/debian/source/format"
sed -i "s|@MAINTAINER@|$name <$mail>|" "$src/debian/control"
cat > "$src/debian/changelog" <<CHANGELOG
mmlens ($ver) bookworm; urgency=medium

  * Built by make deb from $rev.

 -- $name <$mail>  $date
CHANGELOG

rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
log=$out/build.log
# Not the calling make's flags (make deb OUT=DIR would reach the
# userspace build as its OUT).
if ! (cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u OUT \
	dpkg-buildpackage -b -us -uc) > "$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "dpkg-buildpackage failed (whole log: $log)"
fi
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
rm -rf "$work"

# lintian's verdict is kept, not fatal here: scripts/deb-test.sh counts it.
# (Its "running with root privileges is not recommended!" is no tag.)
lintian --display-info --pedantic --display-experimental "$out"/*.deb 2>&1 |
	grep -v '^running with root privileges' > "$out/lintian.txt" || true
(cd "$out" && ls ./*.deb)
if [ -s "$out/lintian.txt" ]; then
	echo "lintian ($out/lintian.txt):"
	cat "$out/lintian.txt"
else
	echo "lintian: no tags"
fi
