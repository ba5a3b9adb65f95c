#!/bin/bash
# known-races-test.sh: scripts/known-races.sh leaves out the debugfs
# open-vs-rmmod warning only inside the unload churn's marks, and keeps
# everything else. One result per case.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/vm/lib.sh
. "$(dirname "$0")/vm/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

begin="[   20.1] $KMSG_CHURN_BEGIN"
end="[   30.1] $KMSG_CHURN_END"
race_block() {
	printf '%s\n' '[   23.1] ------------[ cut here ]------------' \
		'[   23.2] debugfs file owner did not clean up at exit: vbuf' \
		'[   23.3] WARNING: CPU: 1 PID: 879 at fs/debugfs/file.c:418 full_proxy_open+0x86/0x1f0' \
		'[   23.4] Call Trace:' \
		'[   23.5] ---[ end trace 0000000000000000 ]---'
}
other_block() {
	printf '%s\n' '[   24.1] ------------[ cut here ]------------' \
		'[   24.2] WARNING: CPU: 0 PID: 12 at mm/page_alloc.c:1 something+0x1/0x2' \
		'[   24.3] Call Trace:' \
		'[   24.4] ---[ end trace 0000000000000000 ]---'
}

# case NAME WANT_KEPT_WARNINGS WANT_COUNT: the log on stdin.
case_() {
	local kept count
	bash "$MMLENS_TOP/scripts/known-races.sh" "$tmp/count" > "$tmp/kept"
	kept=$(grep -c 'WARNING:' "$tmp/kept")
	count=$(cat "$tmp/count")
	if [ "$kept" = "$2" ] && [ "${count:-0}" = "$3" ]; then
		result ok "known-races: $1"
	else
		result fail "known-races: $1 (kept $kept warning(s), want $2; left out '${count:-0}', want $3)"
	fi
}

{ echo "$begin"; race_block; echo "$end"; } |
	case_ "the debugfs race inside the churn marks is left out, counted" 0 1
{ race_block; echo "$begin"; echo "$end"; race_block; } |
	case_ "the same warning outside the marks is kept" 2 0
{ echo "$begin"; other_block; echo "$end"; } |
	case_ "another warning inside the marks is kept" 1 0
{ echo "$begin"; other_block | head -n 2; race_block; echo "$end"; } |
	case_ "a block cut short by the race block is kept, the race left out" 1 1
{ echo "$begin"; race_block | head -n 3; } |
	case_ "a race block without its end trace is kept" 1 0
