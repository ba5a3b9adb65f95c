# The Debian packages in the VM (cells *-debpkg): /init loaded mmlens.ko
# as DKMS built it from mmlens-dkms in a fresh Debian 12 root
# (scripts/deb-test.sh); mmlens here is the mmlens package's own tool,
# dynamically linked, with the libc and loader ldd named in that root.
PKG=/usr/bin/mmlens

pkg_versions() {
	local _t _m
	$PKG version > /tmp/pkg.out 2>&1 || { cat /tmp/pkg.out; return 1; }
	cat /tmp/pkg.out
	_t=$(sed -n 's/^mmlens tool //p' /tmp/pkg.out)
	_m=$(sed -n 's/^mmlens module //p' /tmp/pkg.out)
	[ -n "$_t" ] && [ "$_t" = "$_m" ]
}

# Every node and zone of /proc/buddyinfo has its table in mmlens frag.
pkg_frag() {
	local _n _node _z _zone
	$PKG frag > /tmp/pkg.frag 2>&1 || { head -n 20 /tmp/pkg.frag; return 1; }
	awk '{ print $1, $2, $3, $4 }' /proc/buddyinfo | tr -d ',' |
		while read -r _n _node _z _zone; do
			grep -q "^Node $_node, zone $_zone:" /tmp/pkg.frag ||
				{ echo "no table for node $_node zone $_zone"; return 1; }
		done
}

pkg_export() {
	$PKG export > /tmp/pkg.prom 2>&1 || { head -n 20 /tmp/pkg.prom; return 1; }
	grep '^mmlens_module_info{' /tmp/pkg.prom
	grep -q '^mmlens_module_info{.*} 1$' /tmp/pkg.prom
}

# The textfile: mmlens.prom and nothing else (the temporary file renamed).
pkg_textfile() {
	mkdir -p /tmp/textfile
	$PKG export --textfile /tmp/textfile || return 1
	ls -l /tmp/textfile
	[ -s /tmp/textfile/mmlens.prom ] &&
		[ "$(ls -A /tmp/textfile | wc -l)" -eq 1 ]
}

if [ -x $PKG ]; then
	check "the mmlens package's tool runs, same version as the DKMS-built module" pkg_versions
	diag "$PKG version: $(tr '\n' ' ' < /tmp/pkg.out)(with" \
		"$(ls /lib64/ld-* /lib/x86_64-linux-gnu/libc.so.6 | tr '\n' ' '))"
	if $PKG --help 2>&1 | grep -q '^  export'; then
		check "mmlens export (package's tool): mmlens_module_info 1" pkg_export
		check "mmlens export --textfile DIR writes DIR/mmlens.prom only" pkg_textfile
	else
		skip "mmlens export (package's tool)" "this tree's tool has no export command yet; mmlens frag checked instead"
		check "mmlens frag (package's tool): a table for every node and zone of /proc/buddyinfo" pkg_frag
	fi
else
	nok "the mmlens package's tool is in the initramfs ($PKG)"
fi
