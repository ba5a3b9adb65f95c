# make demo: the three things mmlens does, printed for a person, each
# number the kernel also prints set beside the kernel's own. Sourced by
# /init; scripts/demo.sh prints the "TAP #" lines, scripts/demo-check.sh
# checks every part. A part is a heading "== N. ...", one sentence of
# what it shows, the output, and a "look at:" line.
DEMO_COLS=80

# say TEXT: one line of the demo's text.
say() {
	diag "$*"
}

# show_cmd CMD...: "$ CMD" and its output, indented.
show_cmd() {
	diag "\$ $*"
	NO_COLOR=1 COLUMNS=$DEMO_COLS "$@" > /tmp/demo.cmd 2>&1
	sed 's/^/TAP #   /' /tmp/demo.cmd
}

# show_files F...: /proc/mmlens/F as cat prints it.
show_files() {
	local f
	for f in "$@"; do
		diag "\$ cat /proc/mmlens/$f"
		sed 's/^/TAP #   /' "/proc/mmlens/$f"
	done
}

# fact WHAT KERNEL MMLENS: one kernel number beside mmlens's, a check
# (a number missing on either side fails it).
fact() {
	say "  kernel: $1 = $2;  mmlens: $3"
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		ok "demo: $1 as the kernel says"
	else
		nok "demo: $1 as the kernel says ($2 against $3)"
	fi
}

# smaps_kb START FIELD: FIELD (kB) of the VMA at START in memshape's smaps.
smaps_kb() {
	awk -v s="$1-" -v f="$2:" '
		index($1, s) == 1 { on = 1; next }
		/^[0-9a-f]+-[0-9a-f]+ / { on = 0 }
		on && $1 == f { print $2; exit }' "/proc/$spid/smaps"
}

# vmas_field START KEY: KEY= of the VMA at START in /proc/mmlens/vmas
# (0 when there is no such VMA or key: the fact beside it then fails).
vmas_field() {
	ioprobe rdwr /proc/mmlens/vmas "$spid" 2> /tmp/demo.vmas > /dev/null
	awk -v s="$1-" -v k="$2=" '
		index($1, s) == 1 {
			for (i = 2; i <= NF; i++)
				if (index($i, k) == 1) { v = substr($i, length(k) + 1); exit }
		}
		END { print v + 0 }' /tmp/demo.vmas
}

# pagemap_pfn ADDR: the frame /proc/PID/pagemap gives for hex ADDR.
pagemap_pfn() {
	local _e
	_e=$(dd if="/proc/$spid/pagemap" bs=8 skip=$((0x$1 / 4096)) count=1 \
		2> /dev/null | od -An -tx8 | tr -d ' ')
	[ -n "$_e" ] || return 1
	printf '0x%x\n' $((0x$_e & 0x7fffffffffffff))
}

# same_buddyinfo: the kernel's file beside the module's, read at once.
same_buddyinfo() {
	if cmp -s /proc/buddyinfo /proc/mmlens/buddyinfo; then
		say "  kernel: /proc/buddyinfo is the same, line for line"
	else
		say "  kernel: /proc/buddyinfo differs: free lists moved between the two reads"
	fi
}

demo_frag() {
	say ""
	say "== 1. Free memory and fragmentation: the buddy allocator's free lists"
	say "A freshly booted $(uname -r): /proc/mmlens/buddyinfo counts free blocks of"
	say "4 KiB << order per zone, as /proc/buddyinfo does; extfrag_index says why"
	say "an order would fail (-1: it succeeds now, 0: lack of memory, 1: fragmentation)."
	show_files buddyinfo extfrag_index
	check "demo: report before the workload" grep -q '^Node 0, zone' /proc/mmlens/buddyinfo
	same_buddyinfo
	if fragment_start; then
		ok "demo: fragment workload started"
	else
		nok "demo: fragment workload started"
	fi
	say ""
	hugepages_take_free_2m > /dev/null
	say "A workload now fills memory with 4 KiB pages and frees every other one"
	say "($(cat /tmp/fragment.out)); the free 2 MiB blocks left go to huge pages"
	say "(nr_hugepages=$(cat /proc/sys/vm/nr_hugepages)):"
	show_files buddyinfo extfrag_index
	same_buddyinfo
	say ""
	say "The same zone as the tool shows it (mmlens frag), and where the free"
	say "memory lies (mmlens physmap: one cell per 2 MiB pageblock):"
	diag "\$ mmlens frag   (zone DMA32)"
	NO_COLOR=1 COLUMNS=$DEMO_COLS mmlens frag > /tmp/demo.frag 2>&1
	check "demo: mmlens frag after the workload" grep -q '^verdict:' /tmp/demo.frag
	awk '/^Node 0, zone DMA32:/ { on = 1 } on && /^$/ { exit } on' /tmp/demo.frag |
		grep -Ev 'allocation \(|^watermarks|^compaction|proactive' |
		sed 's/^/TAP #   /'
	diag "\$ mmlens physmap --zone DMA32 --rows 4"
	NO_COLOR=1 COLUMNS=$DEMO_COLS mmlens physmap --zone DMA32 --rows 4 > /tmp/demo.cmd 2>&1
	check "demo: mmlens physmap after the workload" grep -q '^Node 0, zone DMA32:' /tmp/demo.cmd
	awk '/^legend:/ { print; getline; print; exit } { print }' /tmp/demo.cmd |
		sed 's/^/TAP #   /'
	say "look at: the highest orders: much memory is free, yet extfrag is near"
	say "1.000 and the verdict says 'fails from fragmentation'; lower-case cells"
	say "are pageblocks half free or more."
	fragment_stop
	echo 0 > /proc/sys/vm/nr_hugepages
}

demo_walk() {
	local _swap _pfn _vpfn
	say ""
	say "== 2. One process, read from its page tables: mmlens vmas, map, pt, vtop"
	_swap=no
	if zram_swap_on 16M > /tmp/demo.zram 2>&1; then
		_swap=yes
	fi
	if ! memshape_spawn --pageout; then
		nok "demo: memshape started"
		return
	fi
	spid=$(ms_field pid)
	say "memshape (pid $spid) maps 8 MiB it asks to be THP, 2 MiB with every other"
	say "4 KiB page written, a 2 MiB file half written, 1 MiB paged out to zram"
	say "swap (swap: $_swap) and 1 MiB PROT_NONE; mmlens walks its page tables."
	show_cmd mmlens vmas "$spid"
	check "demo: mmlens vmas of memshape" grep -q "^pid $spid:" /tmp/demo.cmd
	fact "smaps Rss of the sparse region (kB)" "$(smaps_kb "$(ms_field sparse)" Rss)" \
		"$(($(vmas_field "$(ms_field sparse)" present) * 4))"
	fact "smaps AnonHugePages of the THP region (kB)" \
		"$(smaps_kb "$(ms_field thp)" AnonHugePages)" \
		"$(($(vmas_field "$(ms_field thp)" pmd) * 2048))"
	fact "smaps Swap of the paged-out region (kB)" \
		"$(smaps_kb "$(ms_field paged)" Swap)" \
		"$(($(vmas_field "$(ms_field paged)" swap) * 4))"
	say ""
	show_cmd mmlens map "$spid" --width $DEMO_COLS
	check "demo: mmlens map of memshape" test -s /tmp/demo.cmd
	say ""
	diag "\$ mmlens pt $spid   (the header, huge leaves, swap entries)"
	NO_COLOR=1 mmlens pt "$spid" > /tmp/demo.pt 2>&1
	check "demo: mmlens pt of memshape" grep -q "^pid $spid " /tmp/demo.pt
	awk 'NR <= 2 || ($3 == "pmd" && h++ < 3) || ($6 == "swap" && s++ < 3)' /tmp/demo.pt |
		sed 's/^/TAP #   /'
	say ""
	show_cmd mmlens vtop "$spid" "0x$(ms_field thp)"
	_vpfn=$(sed -n 's/^→ pfn \(0x[0-9a-f]*\),.*/\1/p' /tmp/demo.cmd)
	_pfn=$(pagemap_pfn "$(ms_field thp)")
	fact "pagemap's frame of that address" "$_pfn" "$_vpfn"
	say "look at: THP and Swap per VMA (columns of vmas, H and S on the map), the"
	say "pmd runs of the THP and the swap entries in pt, vtop's walk level by level."
	kill $spid
	wait $spid 2> /dev/null
	[ $_swap = yes ] && swapoff /dev/zram0
	zram_unload
}

# vbuf_faults: the Change of faults in the last mmlens vbuf output.
vbuf_faults() {
	awk '$1 == "faults" { sub(/^\+/, "", $4); print $4 }' /tmp/demo.cmd
}

# want_faults MODE N: 64 first touches in MODE made N faults.
want_faults() {
	if [ "$(vbuf_faults)" = "$2" ]; then
		ok "demo: vbuf $1: $2 faults for 64 first touches"
	else
		nok "demo: vbuf $1: $2 faults for 64 first touches (got $(vbuf_faults))"
	fi
}

demo_vbuf() {
	local _m _want
	say ""
	say "== 3. /dev/mmlens: a vmalloc() buffer mapped into a process by .fault"
	say "mmlens vbuf maps the 4 MiB buffer and reads 64 of its pages: in lazy mode"
	say "each first touch is one fault; around maps 16 pages per fault; eager maps"
	say "them all at mmap, so no fault at all."
	show_cmd mmlens vbuf --touch 64 --mode lazy
	check "demo: mmlens vbuf, lazy" grep -q '^every touched page begins' /tmp/demo.cmd
	want_faults lazy 64
	for _m in around eager; do
		diag "\$ mmlens vbuf --touch 64 --mode $_m   (the counters)"
		NO_COLOR=1 mmlens vbuf --touch 64 --mode $_m > /tmp/demo.cmd 2>&1
		check "demo: mmlens vbuf, $_m" grep -q '^every touched page begins' /tmp/demo.cmd
		grep -E '^(Counter|faults|inserted) ' /tmp/demo.cmd | sed 's/^/TAP #   /'
		_want=4
		[ $_m = eager ] && _want=0
		want_faults $_m $_want
	done
	say "look at: the Change of faults, and of inserted pages (eager: all 1024)."
}

demo_frag
demo_walk
demo_vbuf
