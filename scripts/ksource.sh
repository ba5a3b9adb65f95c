#!/usr/bin/env bash
# Unpack Debian's linux-source-6.12 tarball into the cache once; print the
# tree's path. checkpatch.pl and the debug kernel come from here.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null) ||
	die "linux-source-6.12 not installed: run scripts/deps.sh"
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
dir=$MMLENS_CACHE/src/$ver
mkdir -p "$MMLENS_CACHE/src"
# One unpack at a time: check.sh builds the debug kernels in the
# background while checkpatch.sh asks for the same tree.
exec 8> "$MMLENS_CACHE/src/.lock"
flock 8
if [ ! -f "$dir/.done" ]; then
	log "ksource: unpacking $tarball ($ver)"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xf "$tarball" -C "$dir" --strip-components=1
	touch "$dir/.done"
fi
printf '%s\n' "$dir"
