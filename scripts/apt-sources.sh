#!/usr/bin/env bash
# This machine's apt sources of a Debian suite, for a fresh root of it
# (scripts/debroot.sh): the root then uses the mirrors the machine uses,
# and no mirror's name is written in this tree. Prints, one a line and
# each line once, "deb URI SUITE COMPONENT..." for SUITE, SUITE-updates
# and SUITE-security, in the order apt reads them: sources.list (one-line
# format), then sources.list.d/*.list (one-line) and *.sources (deb822)
# by name. Other files there (foo.list.disabled, ...) are no sources to
# apt and are not read. Only "deb" entries (no deb-src), none of a
# deb822 stanza with "Enabled: no"; options ([signed-by=...] and the
# like, Signed-By:) are left out: the fresh root has debootstrap's
# debian-archive-keyring. Fails, naming the files it read, when SUITE
# itself has no source.
#   apt-sources.sh SUITE        (MMLENS_APT_ETC: apt's directory, /etc/apt)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# = 1 ] || die "usage: apt-sources.sh SUITE"
suite=$1
etc=${MMLENS_APT_ETC:-/etc/apt}
export LC_ALL=C # apt's order of sources.list.d: by byte

files=()
[ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
for f in "$etc"/sources.list.d/*; do
	case $f in
	*.list | *.sources) [ -f "$f" ] && files+=("$f") ;;
	esac
done

# One-line format: "deb [options] URI SUITE COMPONENT...", "#" to the end
# of a line a comment. deb822: stanzas of "Field: value" lines (field
# names in any case, lines starting with blanks continue a value) apart
# by blank lines, "#" lines comments; Types, URIs and Suites are lists.
sources=$(awk -v suite="$suite" '
function want(s) {
	return s == suite || s == suite "-updates" || s == suite "-security"
}
function emit(uri, s, comps,    line) {
	line = "deb " uri " " s (comps == "" ? "" : " " comps)
	if (!seen[line]++)
		print line
}
# words(s): s with its blanks squeezed to single spaces, trimmed
function words(s,    w, n, i, out) {
	n = split(s, w, " ")
	out = n ? w[1] : ""
	for (i = 2; i <= n; i++)
		out = out " " w[i]
	return out
}
# stanza(): the deb822 stanza read so far, then a new one
function stanza(    t, u, s, nt, nu, ns, i, j, k) {
	if (tolower(words(f["enabled"])) !~ /^(no|false|off|0)$/) {
		nt = split(f["types"], t, " ")
		nu = split(f["uris"], u, " ")
		ns = split(f["suites"], s, " ")
		for (i = 1; i <= nt; i++) {
			if (t[i] != "deb")
				continue
			for (j = 1; j <= nu; j++)
				for (k = 1; k <= ns; k++)
					if (want(s[k]))
						emit(u[j], s[k], words(f["components"]))
		}
	}
	split("", f)
	field = ""
}
FNR == 1 {
	stanza()
	deb822 = FILENAME ~ /\.sources$/
}
deb822 && /^#/ { next }
deb822 && /^[ \t]*$/ { stanza(); next }
deb822 && /^[ \t]/ {
	if (field != "")
		f[field] = f[field] " " $0
	next
}
deb822 {
	i = index($0, ":")
	field = i ? tolower(substr($0, 1, i - 1)) : ""
	if (field != "")
		f[field] = substr($0, i + 1)
	next
}
{
	sub(/#.*/, "")
	if ($1 != "deb")
		next
	sub(/^[ \t]*deb[ \t]+/, "")
	sub(/^\[[^]]*\]/, "")
	if (NF < 2 || !want($2))
		next
	comps = ""
	for (i = 3; i <= NF; i++)
		comps = comps (i > 3 ? " " : "") $i
	emit($1, $2, comps)
}
END { stanza() }
' "${files[@]}" < /dev/null)

if ! awk -v s="$suite" '$3 == s { found = 1 } END { exit !found }' \
	<<< "$sources"; then
	if [ ${#files[@]} = 0 ]; then
		die "no apt source for $suite: none of $etc/sources.list," \
			"$etc/sources.list.d/*.list, *.sources exists"
	fi
	die "no apt source (deb, enabled) for $suite in ${files[*]}"
fi
printf '%s\n' "$sources"
