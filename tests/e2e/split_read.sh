#!/bin/bash
# split_read.sh: one query over one classic pcap file read in two halves by two LFTA threads
# (engine/run.c: split_plan; capture/source_file.c: cap_split).  The HFTA takes the first
# half's tuples, then the second's, so the results must be those of one thread.
#
# 1. Real captures of 4 MiB or more are split unasked; smaller ones with
#    GIGSH_LFTA_THREADS=2.  The statistics line and \stats say two threads.  For each
#    capture, a selection of every packet gives, in file order, tshark's frame lengths and
#    capture lengths, and exactly the rows of one thread (GIGSH_LFTA_THREADS=1); an
#    aggregation per minute and source gives tshark's per-source packets and bytes and the
#    rows of one thread; a two-level query the rows of one thread.
# 2. A wrong guess: a crafted capture (worked out by hand below) whose middle packet carries
#    twenty strings of sixteen bytes that look like record headers.  The guess falls on them,
#    inside that packet; the first half's walk steps over it and reads on to the end, and the
#    second half is thrown away: the rows are the 61 written below, not 81, and \stats says
#    the split was undone.
# 2b. Packet times that go back, crafted and worked out by hand: an aggregation read in two
#    halves could merge a late packet that one thread counts apart, so the split is undone
#    (\stats says why) and the rows are one thread's; in order, or for a selection, the
#    halves are kept.
# 3. Errors: a record with an impossible capture length in the first half (the rows before
#    it, libpcap's message, status 3, as with one thread); a file cut inside its last record
#    (an error met by the second half: every row before it, then the message).
# 3b. \explain names the two threads of a query over one file, and not over two files.
# 4. SIGINT at random points of a split run over 150,000 crafted packets: the rows are a
#    prefix of the full run's, the statistics line is printed once, status 0 (and some of the
#    signals must land while the file is read); a closed pipe ends the run quietly.
. "$(dirname "$0")/../lib.sh"
t_begin split_read
need_gigsh

SEL="SELECT len, caplen FROM ETH"
AGG="SELECT tb, srcIP, COUNT(*) AS pk, SUM(len) AS bytes FROM IPV4 GROUP BY time/60 AS tb, srcIP"
TWO_A="DEFINE { query_name 'm'; } SELECT tb, srcIP, COUNT(*) AS pk FROM IPV4 GROUP BY time/60 AS tb, srcIP"
TWO_B="SELECT t10, COUNT(*) AS sources, SUM(pk) AS packets FROM m GROUP BY tb/10 AS t10"

# run1 TAG THREADS FILE ARGS...: gigsh with GIGSH_LFTA_THREADS=THREADS ("" = unset) over
# FILE, CSV without headers; rows in $T_DIR/TAG.out, stderr in $T_DIR/TAG.err.
run1() {
	local tag=$1 threads=$2 f=$3
	shift 3
	if [ -n "$threads" ]; then
		GIGSH_LFTA_THREADS=$threads gs -X --csv -t -r "$f" "$@"
	else
		env -u GIGSH_LFTA_THREADS "$gigsh" -X --csv -t -r "$f" "$@" \
			>"$T_DIR/out" 2>"$T_DIR/err" </dev/null
		GS_RC=$?
	fi
	cp "$T_DIR/out" "$T_DIR/$tag.out"
	cp "$T_DIR/err" "$T_DIR/$tag.err"
}

# ---- 2. a wrong guess, worked out by hand ---------------------------------------------------
# 30 UDP packets 10.0.0.1:1000 -> 10.0.0.2:2000 with 40 bytes of data (frames of 82 bytes,
# records of 98), one UDP packet 10.0.0.9:1 -> 10.0.0.2:2 whose 1,820 data bytes are 1,500
# bytes 0xff then twenty 16-byte strings that read as records of capture length 0 and wire
# length 1 at the capture's first second (frame 1,862 bytes, record 1,878), then 30 packets
# like the first
# from 10.0.0.3.  The file is 24 + 2,940 + 1,878 + 2,940 = 7,782 bytes; its middle, byte
# 3,903, lies in the 0xff bytes of the big packet (its data start at 3,022), so the first
# place that looks like sixteen records in a row is the fake ones, at byte 4,522.  The real
# record after the big packet starts at 4,842: the first half's walk jumps from 2,964 over
# the guess.
fake=$(printf '00ca9a3b000000000000000001000000%.0s' $(seq 20))
ff=$(printf 'ff%.0s' $(seq 1500))
{
	for i in $(seq 30); do
		echo "udp t=1000000000.$(printf %06d "$i") src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=2000 plen=40"
	done
	echo "udp t=1000000000.100000 src=10.0.0.9 dst=10.0.0.2 sport=1 dport=2 hex=$ff$fake"
	for i in $(seq 30); do
		echo "udp t=1000000000.$(printf %06d $((200000 + i))) src=10.0.0.3 dst=10.0.0.2 sport=1000 dport=2000 plen=40"
	done
} >"$T_DIR/guess.desc"
"$mkpcap" -d "$T_DIR/guess.desc" "$T_DIR/guess.pcap" 2>"$T_DIR/mk.err" ||
	fail mkpcap-guess "$(cat "$T_DIR/mk.err")"
check_eq guess-file-size "$(stat -c %s "$T_DIR/guess.pcap")" 7782
{
	for i in $(seq 30); do echo "10.0.0.1,1000,82"; done
	echo "10.0.0.9,1,1862"
	for i in $(seq 30); do echo "10.0.0.3,1000,82"; done
} >"$T_DIR/guess.want"
GIGSH_LFTA_THREADS=2 gs -X --csv -t -r "$T_DIR/guess.pcap" -c "SELECT srcIP, srcPort, len FROM UDP" \
	-c '\stats'
if gs_ok wrong-guess; then
	grep -v -e '^LFTA threads' -e '^Losses' -e '^  ' -e '^query,' -e ',LFTA,' -e ',HFTA' "$T_DIR/out" \
		>"$T_DIR/guess.got"
	check_files wrong-guess-rows "$T_DIR/guess.got" "$T_DIR/guess.want"
	check_eq wrong-guess-stats "$(grep '^gigsh:' "$T_DIR/err" | head -n 1)
$(grep '^LFTA threads' "$T_DIR/out")" \
		"gigsh: 61 packets seen, 0 malformed, 0 truncated, 61 tuples from LFTA, 61 rows
LFTA threads: 1 (the file was to be read in two halves, but no record starts where the second was guessed to begin: the first thread read it all)"
fi

# The same capture with the fake headers' seconds 999,000,000, more than a day before the
# first packet's: they no longer look like records, the guess is the real record after the
# big packet, and two threads read the file.
sed 's/00ca9a3b00000000/c0878b3b00000000/g' "$T_DIR/guess.desc" >"$T_DIR/late.desc"
"$mkpcap" -d "$T_DIR/late.desc" "$T_DIR/late.pcap" 2>"$T_DIR/mk.err" ||
	fail mkpcap-late "$(cat "$T_DIR/mk.err")"
GIGSH_LFTA_THREADS=2 gs -X -q --csv -t -r "$T_DIR/late.pcap" -c "SELECT srcIP, srcPort, len FROM UDP" \
	-c '\stats'
 if gs_ok late-fakes; then
	check_eq late-fakes-skipped "$(grep -c '^10\.' "$T_DIR/out") $(grep '^LFTA threads' "$T_DIR/out")" \
		"61 LFTA threads: 2"
fi

# ---- 2b. packet times that go back ---------------------------------------------------------------
# 40 UDP packets: 20 in second 1,000,000,000, 19 in second 1,000,000,100, and the last back in
# second 1,000,000,000.  Per 10-second bucket, one thread gives (worked out by hand, see
# "Limits" in docs/aggregation.md): 20 packets in bucket 100,000,000, which the jump to
# bucket 100,000,010 closes, 19 in that one, and the late packet as a second group of the
# closed bucket.  Read in two halves it could merge the late packet into the first group,
# so the second half is thrown away and the first thread reads on: the rows of one thread.
# With the last packet in order instead, the halves are kept.
late_desc() {
	for i in $(seq 20); do
		echo "udp t=1000000000.$(printf %06d "$i") src=10.0.2.1 dst=10.0.0.2 sport=5 dport=6 plen=50"
	done
	for i in $(seq 19); do
		echo "udp t=1000000100.$(printf %06d "$i") src=10.0.2.1 dst=10.0.0.2 sport=5 dport=6 plen=50"
	done
	echo "udp t=$1 src=10.0.2.1 dst=10.0.0.2 sport=5 dport=6 plen=50"
}
BYTEN="SELECT tb, COUNT(*) AS n FROM UDP GROUP BY time/10 AS tb"
late_desc 1000000000.500000 >"$T_DIR/back.desc"
late_desc 1000000100.500000 >"$T_DIR/fwd.desc"
"$mkpcap" -d "$T_DIR/back.desc" "$T_DIR/back.pcap" 2>"$T_DIR/mk.err" || fail mkpcap-back "$(cat "$T_DIR/mk.err")"
"$mkpcap" -d "$T_DIR/fwd.desc" "$T_DIR/fwd.pcap" 2>"$T_DIR/mk.err" || fail mkpcap-fwd "$(cat "$T_DIR/mk.err")"
GIGSH_LFTA_THREADS=2 gs -X --csv -t -r "$T_DIR/back.pcap" -c "$BYTEN" -c '\stats'
if gs_ok time-back; then
	check_eq time-back-rows "$(grep -E '^100000' "$T_DIR/out" | sort)" "100000000,1
100000000,20
100000010,19"
	check_eq time-back-stats "$(grep '^LFTA threads' "$T_DIR/out")" \
		"LFTA threads: 1 (the file was to be read in two halves, but packet times go back, and an aggregation must read them in order: the first thread read it all)"
fi
GIGSH_LFTA_THREADS=1 gs -X --csv -t -r "$T_DIR/back.pcap" -c "$BYTEN"
gs_ok time-back-one-thread && check_eq time-back-one-thread "$(grep -c -E '^100000' "$T_DIR/out")" 3
GIGSH_LFTA_THREADS=2 gs -X --csv -t -r "$T_DIR/fwd.pcap" -c "$BYTEN" -c '\stats'
if gs_ok time-forward; then
	check_eq time-forward "$(grep -E '^100000' "$T_DIR/out" | sort)
$(grep '^LFTA threads' "$T_DIR/out")" "100000000,20
100000010,20
LFTA threads: 2"
fi
# a selection does not depend on the times: its halves are kept, rows in file order
GIGSH_LFTA_THREADS=2 gs -X --csv -t -r "$T_DIR/back.pcap" -c "SELECT time, srcPort FROM UDP" -c '\stats'
if gs_ok time-back-selection; then
	check_eq time-back-selection "$(grep -c ',5$' "$T_DIR/out") $(grep -E ',5$' "$T_DIR/out" | tail -n 1)
$(grep '^LFTA threads' "$T_DIR/out")" "40 1000000000,5
LFTA threads: 2"
fi

# ---- 3. errors ---------------------------------------------------------------------------------
# 200 equal records (UDP, 60 data bytes: frame 102, record 118); record 50's capture length
# made 0x7fffffff, more than libpcap's maximum: 50 rows, then the error, as with one thread.
{
	for i in $(seq 200); do
		echo "udp t=1000000000.$(printf %06d "$i") src=10.0.1.$((i % 250)) dst=10.0.0.2 sport=7 dport=9 plen=60"
	done
} >"$T_DIR/err.desc"
"$mkpcap" -d "$T_DIR/err.desc" "$T_DIR/bad.pcap" 2>"$T_DIR/mk.err" || fail mkpcap-bad "$(cat "$T_DIR/mk.err")"
printf '\xff\xff\xff\x7f' | dd of="$T_DIR/bad.pcap" bs=1 seek=$((24 + 50 * 118 + 8)) conv=notrunc 2>/dev/null
for t in 1 2; do
	run1 "bad$t" "$t" "$T_DIR/bad.pcap" -c "SELECT srcIP, len FROM UDP"
	cp "$T_DIR/err" "$T_DIR/bad$t.err"
	st[$t]=$GS_RC
done
check_eq bad-record-first-half "${st[2]} $(wc -l <"$T_DIR/bad2.out") $(cat "$T_DIR/bad2.err")" \
	"3 50 gigsh: 50 packets seen, 0 malformed, 0 truncated, 50 tuples from LFTA, 50 rows
ERROR:  $T_DIR/bad.pcap: invalid packet capture length 2147483647, bigger than snaplen of 262144"
check_files bad-record-same-as-one-thread "$T_DIR/bad2.out" "$T_DIR/bad1.out"
check_files bad-record-message-as-one-thread "$T_DIR/bad2.err" "$T_DIR/bad1.err"
# cut inside the last record: 199 rows and the message, from the second half
"$mkpcap" -d "$T_DIR/err.desc" "$T_DIR/whole.pcap" 2>/dev/null
head -c $((24 + 200 * 118 - 30)) "$T_DIR/whole.pcap" >"$T_DIR/cut.pcap"
for t in 1 2; do
	run1 "cut$t" "$t" "$T_DIR/cut.pcap" -c "SELECT srcIP, len FROM UDP" -c '\stats'
	st[$t]=$GS_RC
done
check_eq cut-second-half "${st[2]} $(grep -c '^10\.' "$T_DIR/cut2.out") $(grep '^ERROR' "$T_DIR/cut2.err")" \
	"3 199 ERROR:  $T_DIR/cut.pcap: truncated dump file; tried to read 102 captured bytes, only got 72"
check_files cut-same-as-one-thread "$T_DIR/cut2.out" "$T_DIR/cut1.out"

# \explain says how a query over one file is read, and says nothing of it over two files
gs -X -r "$T_DIR/whole.pcap" -c "\\explain SELECT srcIP FROM UDP"
if gs_ok explain-one-file; then
	check_eq explain-one-file "$(grep -A2 '^    threads:' "$T_DIR/out")" \
		"    threads:    two if the file is classic pcap of 4 MiB or more, each reading
                half of it (the HFTA takes the first half's tuples, then the
                second's); else one"
fi
gs -X -r "$T_DIR/whole.pcap" -r "$T_DIR/cut.pcap" -c "\\explain SELECT srcIP FROM UDP"
if gs_ok explain-two-files; then
	check_eq explain-two-files "$(grep -c 'threads:' "$T_DIR/out")" 0
fi

have_pcaps real-captures || t_end

# ---- 1. real captures -----------------------------------------------------------------------------
# name|threads: "" = unset (split when the file is 4 MiB or more), 2 = forced
CAPS=(ndpi/netflix.pcap\| ndpi/zoom2.pcap\| pathspider/real.pcap\| ndpi/reddit.pcap\|
	dpkt/dns_icmp.pcap\|2 ndpi/skype.pcap\|2)
for c in "${CAPS[@]}"; do
	x=${c%|*}
	t=${c#*|}
	f=$pcaps/$x
	n=$(basename "$x" .pcap)
	if [ -z "$t" ] && [ "$(stat -c %s "$f")" -lt $((4 << 20)) ]; then
		fail "big-$n" "$x is under 4 MiB: it would not be split unasked"
		continue
	fi
	# the selection: every packet, in file order, against tshark and one thread
	run1 "$n.sel2" "$t" "$f" -c "$SEL" -c '\stats'
	gs_ok "select-$n" || continue
	if grep -q -E '^gigsh: [0-9]+ packets seen, .*, 2 LFTA threads$' "$T_DIR/$n.sel2.err" &&
		grep -q '^LFTA threads: 2$' "$T_DIR/$n.sel2.out"; then
		ok "two-threads-$n"
	else
		fail "two-threads-$n" "$(grep -e '^gigsh' -e 'LFTA threads' "$T_DIR/$n.sel2.err" "$T_DIR/$n.sel2.out")"
	fi
	grep -E '^[0-9]+,[0-9]+$' "$T_DIR/$n.sel2.out" >"$T_DIR/$n.sel2.rows"
	run1 "$n.sel1" 1 "$f" -c "$SEL"
	check_files "select-one-thread-$n" "$T_DIR/$n.sel2.rows" "$T_DIR/$n.sel1.out"
	if command -v tshark >/dev/null; then
		tshark_fields "$f" "" frame.len frame.cap_len | tr '|' , >"$T_DIR/$n.ts"
		check_files "select-tshark-$n" "$T_DIR/$n.sel2.rows" "$T_DIR/$n.ts"
	fi
	# the aggregation: per source against tshark, and the rows of one thread
	run1 "$n.agg2" "$t" "$f" -c "$AGG"
	run1 "$n.agg1" 1 "$f" -c "$AGG"
	sort -o "$T_DIR/$n.agg2.out" "$T_DIR/$n.agg2.out"
	sort -o "$T_DIR/$n.agg1.out" "$T_DIR/$n.agg1.out"
	check_files "aggregate-one-thread-$n" "$T_DIR/$n.agg2.out" "$T_DIR/$n.agg1.out"
	if command -v tshark >/dev/null; then
		tshark_fields "$f" "" frame.protocols ip.src frame.len |
			awk -F'|' -v L2="$TS_L2" '$1 ~ (L2 "ip(:|$)") { split($2, a, ";"); c[a[1]]++; b[a[1]] += $3 }
				END { for (k in c) print k "," c[k] "," b[k] }' | sort >"$T_DIR/$n.want"
		awk -F, '{ c[$2] += $3; b[$2] += $4 } END { for (k in c) print k "," c[k] "," b[k] }' \
			"$T_DIR/$n.agg2.out" | sort >"$T_DIR/$n.got"
		if [ -s "$T_DIR/$n.want" ]; then
			check_files "aggregate-tshark-$n" "$T_DIR/$n.got" "$T_DIR/$n.want"
		else
			check_eq "aggregate-no-ipv4-$n" "$(wc -c <"$T_DIR/$n.got")" 0
		fi
	fi
	# two levels
	run1 "$n.two2" "$t" "$f" -c "$TWO_A" -c "$TWO_B"
	run1 "$n.two1" 1 "$f" -c "$TWO_A" -c "$TWO_B"
	check_files "two-level-one-thread-$n" "$T_DIR/$n.two2.out" "$T_DIR/$n.two1.out"
done

# ---- 4. Ctrl-C and a closed pipe -------------------------------------------------------------------
# mkpcap's demo traffic, 150,000 packets (68 MB, split unasked), and a query that keeps few of
# them: the run is mostly reading, and a signal 1 to 12 ms after the start lands in the first
# half (the second is thrown away), in the second, or after the end.
f=$T_DIR/demo.pcap
"$mkpcap" -n 150000 demo "$f" 2>"$T_DIR/mk.err" || fail mkpcap-demo "$(cat "$T_DIR/mk.err")"
Q="SELECT time, srcIP, srcPort, destPort, sequence_number, len FROM TCP WHERE destPort = 22"
run1 full "" "$f" -c "$Q"
if ! grep -q '^gigsh: 150000 packets seen, .*, 2 LFTA threads$' "$T_DIR/full.err"; then
	fail demo-split "$(cat "$T_DIR/full.err")"
fi
RANDOM=77
runs=30
[ "$GIGSH_ASAN" = 1 ] && runs=10
bad=0
early=0
for i in $(seq "$runs"); do
	"$gigsh" -X --csv -t -r "$f" -c "$Q" >"$T_DIR/int.out" 2>"$T_DIR/int.err" </dev/null &
	pid=$!
	sleep "0.0$(printf %02d $((1 + RANDOM % 12)))"
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	n=$(wc -l <"$T_DIR/int.out")
	seen=$(sed -n 's/^gigsh: \([0-9]*\) packets\{0,1\} seen.*/\1/p' "$T_DIR/int.err")
	if [ "$rc" != 0 ] || ! head -n "$n" "$T_DIR/full.out" | cmp -s - "$T_DIR/int.out" ||
		[ "$(grep -c '^gigsh: .* seen' "$T_DIR/int.err")" != 1 ] ||
		sanitizer_report "$T_DIR/int.err"; then
		bad=$((bad + 1))
		fail "sigint-$i" "status $rc, $n rows;" "$(head -n 5 "$T_DIR/int.err")"
	elif [ "${seen:-150000}" -lt 150000 ]; then
		early=$((early + 1))
	fi
done
[ "$bad" = 0 ] && ok "sigint-prefix-$runs-runs"
if [ "$early" -gt 0 ]; then
	ok "sigint-during-reading-$early-runs"
else
	fail sigint-during-reading "no signal of $runs landed while the file was read: a test that cannot fail"
fi
timeout -k 5 60 "$gigsh" -X -q --csv -t -r "$f" -c "$Q" 2>"$T_DIR/err" | head -n 1 >"$T_DIR/out"
st=${PIPESTATUS[0]}
check_eq closed-pipe "$st $(wc -l <"$T_DIR/out") $(wc -c <"$T_DIR/err")" "0 1 0"

t_end
