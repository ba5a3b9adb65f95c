#!/usr/bin/env bash
# code-diff.sh A.ko B.ko: the functions whose machine code differs between
# two builds of the module, one name per line (nothing: the same code).
# For changes meant to move code without changing it (issue 25's new
# tree): build before and after for each kernel and compare. Addresses,
# relocated operands and padding (nops) are ignored, and functions are
# compared by name, so a different link order or file layout is no
# difference. Sections that are not functions (.altinstr_replacement,
# KASAN's per-object constructors _sub_I/_sub_D) follow the link order and
# may be listed without any code having changed.
set -euo pipefail
[ $# = 2 ] || { echo "usage: code-diff.sh A.ko B.ko" >&2; exit 2; }

# functions KO: "name<TAB>instruction;instruction;..." per function, sorted
functions() {
	objdump -d --no-show-raw-insn "$1" | awk -F'\t' '
	/^[0-9a-f]+ <[^>]+>:$/ {
		name = $0
		sub(/^[0-9a-f]+ </, "", name)
		sub(/>:$/, "", name)
		next
	}
	name != "" && /^ *[0-9a-f]+:/ {
		insn = $0
		sub(/^ *[0-9a-f]+:[ \t]*/, "", insn)
		gsub(/[0-9a-f]+ <[^>]*>/, "<ref>", insn)
		sub(/[ \t]*#.*/, "", insn)
		if (insn ~ /nop|^xchg +%ax,%ax$/)
			next
		code[name] = code[name] insn ";"
	}
	END { for (n in code) print n "\t" code[n] }' | sort
}

join -t "$(printf '\t')" -a 1 -a 2 -e MISSING -o 0,1.2,2.2 \
	<(functions "$1") <(functions "$2") |
	awk -F'\t' '$2 != $3 { print $1 }'
