#!/bin/bash
# known-races.sh COUNTFILE: copy a guest's kernel log from stdin to
# stdout, less the warnings of known kernel races that the tests provoke
# on purpose. How many were left out goes to COUNTFILE; scripts/matrix.sh
# prints that count, then judges what is left.
#
# One race so far. fs/debugfs/file.c full_proxy_open() (6.1 and 6.12)
# warns "debugfs file owner did not clean up at exit" when fops_get()
# fails while the owner is not yet MODULE_STATE_GOING. But
# delete_module() drops the last module reference (try_stop_module())
# before it sets GOING, so an open of a debugfs file that races rmmod can
# land between the two. t_vbuf.sh's unload churn does exactly that, and
# on PREEMPT_RT rmmod can be preempted there (seen on deb6.12-rt). The
# warning is left out only between the churn's kernel-log marks
# (scripts/vm/lib.sh KMSG_CHURN_*), and only as one whole
# "cut here" ... "end trace" block that names that message.
# scripts/known-races-test.sh tests this filter.
set -euo pipefail
# The churn's marks, as the guest writes them.
# shellcheck source=scripts/vm/lib.sh
. "$(dirname "$0")/vm/lib.sh"

out=${1:?usage: known-races.sh COUNTFILE < log > kept}
: > "$out"
awk -v out="$out" -v begin="$KMSG_CHURN_BEGIN" -v end="$KMSG_CHURN_END" '
	function flush(i) {
		for (i = 0; i < n; i++)
			print buf[i]
		n = 0; held = 0; race = 0
	}
	index($0, begin) { churn = 1 }
	index($0, end) { churn = 0 }
	/-+\[ cut here \]-+/ { if (held) flush(); held = 1 }
	held {
		buf[n++] = $0
		if (churn && index($0, "debugfs file owner did not clean up at exit: "))
			race = 1
		if ($0 ~ /---\[ end trace/) {
			if (race) { skipped++; n = 0; held = 0; race = 0 }
			else flush()
		}
		next
	}
	{ print }
	END {
		if (held)
			flush()
		if (skipped)
			print skipped > out
	}'
