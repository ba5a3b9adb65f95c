# Result lines the host collects: "TAP ok NAME", "TAP not ok NAME",
# "TAP skip NAME # REASON", "TAP # diagnostic". Sourced by /init.
ok() { echo "TAP ok $*"; }
nok() { echo "TAP not ok $*"; }
skip() { echo "TAP skip $1 # $2"; }
diag() { echo "TAP # $*"; }

# check NAME CMD...: one result from a command's exit status; its output
# is kept as diagnostics.
check() {
	local _name
	_name=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		ok "$_name"
	else
		nok "$_name"
		sed 's/^/TAP #   /' /tmp/check.out | head -n 40
	fi
}

# same_as_kernel KFILE MFILE: MFILE equals KFILE read just before or just
# after it (samefile retries, since the counts move under us).
same_as_kernel() {
	samefile "$1" "$2"
}
