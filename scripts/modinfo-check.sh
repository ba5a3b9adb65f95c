#!/usr/bin/env bash
# modinfo of every built mmlens.ko: GPL, a description, a version, and a
# description for every parameter.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

for name in $(all_kernel_names); do
	ko=$MMLENS_BUILD/$name/mmlens.ko
	lic=$(modinfo -F license "$ko" 2>/dev/null)
	desc=$(modinfo -F description "$ko" 2>/dev/null)
	ver=$(modinfo -F version "$ko" 2>/dev/null)
	# parm lines read "name:description (type)"; a bare "name: (type)"
	# or a parameter with no parm line at all lacks a description.
	undocumented=$(modinfo -F parm "$ko" 2>/dev/null |
		grep -E '^[^:]+: *(\([a-z]+\))?$')
	nparm=$(modinfo -F parm "$ko" 2>/dev/null | grep -c .)
	nparmtype=$(modinfo -F parmtype "$ko" 2>/dev/null | grep -c .)
	if [ "$lic" = GPL ] && [ -n "$desc" ] && [ -n "$ver" ] &&
		[ -z "$undocumented" ] && [ "$nparm" = "$nparmtype" ]; then
		result ok "modinfo $name: GPL, description, version $ver, $nparm parameters described"
	else
		result fail "modinfo $name: GPL, description, version, parameters described"
		modinfo "$ko" | sed 's/^/#   /'
	fi
done
