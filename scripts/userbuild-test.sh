#!/usr/bin/env bash
# Builds as a user's machine runs them, from a clean copy of the tree, for
# the deb6.12 kernel:
#  - a warning (an unused static function added to module/zone/frag_math.c)
#    is printed but not fatal in the build DKMS runs (make -C KDIR M=DIR
#    modules), and fatal with MMLENS_WERROR=1, as the project builds
#    (there and through the top-level "make MMLENS_WERROR=1");
#  - a second build of the same tree recompiles nothing (the generated
#    module/kernel/mmlens_features.h is not rewritten);
#  - the top-level "make" for a kernel release without headers, and
#    "make KDIR=" with a missing directory, fail with one line on stderr
#    saying what to install / which directory; "make tool" still builds.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

name=deb6.12
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
clean_copy "$tree"
kdir=$(kernel_kdir "$name")
if ! rel=$(kernel_release "$name") || [ ! -f "$kdir/Makefile" ]; then
	result fail "user builds: no headers for $name"
	exit 1
fi

# gcc quotes the name as the locale says (the kernel's Makefile
# unexports LC_ALL): the greps below take any quote characters.
fn=mmlens_userbuild_test_unused
printf '\nstatic void %s(void)\n{\n}\n' "$fn" >> "$tree/module/zone/frag_math.c"

# (a) as dkms.conf's MAKE runs it: no W=1, no MMLENS_WERROR.
log=$work/plain.log
if env -u MMLENS_WERROR make -C "$kdir" M="$tree" -j"$(nproc)" modules \
	> "$log" 2>&1 && [ -f "$tree/mmlens.ko" ] &&
	grep -q "frag_math.c:.*warning: [^ ]*${fn}[^ ]* defined but not used" "$log"; then
	result ok "build for $name ($rel) as DKMS runs it: a new warning is printed, mmlens.ko built"
else
	result fail "build for $name ($rel) as DKMS runs it: a new warning is printed, mmlens.ko built"
	grep -v 'Skipping BTF' "$log" | tail -n 20 | sed 's/^/#   /'
fi

# The same build again: filechk keeps the header, nothing is compiled.
hdr=$tree/module/kernel/mmlens_features.h
before=$(stat -c %Y "$hdr" 2>/dev/null)
log=$work/again.log
if env -u MMLENS_WERROR make -C "$kdir" M="$tree" modules > "$log" 2>&1 &&
	[ -n "$before" ] && [ "$(stat -c %Y "$hdr")" = "$before" ] &&
	! grep -q '^  CC ' "$log"; then
	result ok "rebuild for $name: module/kernel/mmlens_features.h kept, nothing recompiled"
else
	result fail "rebuild for $name: module/kernel/mmlens_features.h kept, nothing recompiled"
	tail -n 20 "$log" | sed 's/^/#   /'
fi

# expect_werror WHAT MAKE-ARGS...: make fails, and on our warning.
expect_werror() {
	local what=$1 log=$work/werror.log
	shift
	if make "$@" > "$log" 2>&1; then
		result fail "$what"
		tail -n 20 "$log" | sed 's/^/#   /'
	elif grep -q "frag_math.c:.*error: [^ ]*${fn}[^ ]* defined but not used \[-Werror=unused-function\]" "$log"; then
		result ok "$what"
	else
		result fail "$what (not on it)"
		tail -n 20 "$log" | sed 's/^/#   /'
	fi
}

# (b) as the project builds: -Werror; and the same through the
# top-level Makefile, as README documents it.
expect_werror "build for $name with MMLENS_WERROR=1 fails on the warning" \
	-C "$kdir" M="$tree" MMLENS_WERROR=1 modules
expect_werror "make MMLENS_WERROR=1 module for $name fails on the warning" \
	-C "$tree" KDIR="$kdir" MMLENS_WERROR=1 module

# expect_one_line WHAT EXPECTED MAKE-ARGS...: the top-level make fails,
# its stderr is exactly one line, and that line contains EXPECTED.
expect_one_line() {
	local what=$1 expected=$2 err=$work/err
	shift 2
	if make -C "$tree" "$@" > /dev/null 2> "$err"; then
		result fail "$what: make${*:+ $*} fails"
	elif [ "$(wc -l < "$err")" -eq 1 ] && grep -qF "$expected" "$err"; then
		result ok "$what: make${*:+ $*} fails with one line"
		sed 's/^/#   /' "$err"
	else
		result fail "$what: make${*:+ $*} fails with one line containing: $expected"
		sed 's/^/#   /' "$err"
	fi
}

none=0.0.0-mmlens-no-headers
expect_one_line "no headers for the kernel" \
	"install linux-headers-$none" KVER="$none" module
# Plain "make", KVER from uname -r: a uname first in PATH names a
# running kernel that has no headers.
mkdir -p "$work/bin"
printf '#!/bin/sh\necho %s\n' "$none" > "$work/bin/uname"
chmod +x "$work/bin/uname"
PATH=$work/bin:$PATH expect_one_line "no headers for the running kernel" \
	"no headers for the running kernel $none (/lib/modules/$none/build missing): install linux-headers-$none"
expect_one_line "missing KDIR" "KDIR=/nonexistent/mmlens-kdir: " \
	KDIR=/nonexistent/mmlens-kdir module

log=$work/tool.log
if make -C "$tree" KVER="$none" tool > "$log" 2>&1 &&
	[ -x "$tree/userspace/mmlens" ]; then
	result ok "make tool without kernel headers"
else
	result fail "make tool without kernel headers"
	tail -n 20 "$log" | sed 's/^/#   /'
fi
