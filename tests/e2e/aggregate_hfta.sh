#!/bin/bash
# aggregate_hfta.sh: the aggregation features that run in the HFTA only,
# against awk over tshark's decode of the same captures:
#   - grouping sets: CUBE, ROLLUP and GROUPING_SETS (a rolled-up variable
#     reads as zero: 0.0.0.0 for an address, 0 for a port);
#   - SUPERGROUP with COUNT$(*), SUM$(len), MAX$(len) and count_distinct$;
#   - CLOSING_WHEN (running aggregation), simulated in awk epoch by epoch.
# The packets are TCP right after the outer IPv4 header, as tshark_diff.sh
# and aggregate.sh select them; rows are compared sorted.  Every query runs
# twice: read by one LFTA thread, and in two halves by two
# (GIGSH_LFTA_THREADS=2).  Two crafted captures, worked out by hand:
# CLOSING_WHEN within one epoch (its row at the end of input), and across a
# 35-s gap that falls between the two halves (a row per idle epoch: the
# first half gives the ticks one reader would give before the second).
. "$(dirname "$0")/../lib.sh"
t_begin aggregate_hfta
need_gigsh
have_pcaps captures || t_end

# packets FILE: "time|src|dport|len" for every TCP-over-IPv4 packet.
packets() {
	tshark_fields "$1" "ip && tcp" frame.protocols frame.time_epoch ip.src tcp.dstport frame.len |
		awk -F'|' -v L2="$TS_L2" '
		$1 ~ (L2 "ip:tcp(:|$)") {
			split($3, s, ";"); split($4, d, ";")
			split($2, t, "."); print t[1] "|" s[1] "|" d[1] "|" $5
		}'
}

# run NAME FILE QUERY WANT: gigsh's sorted rows must equal WANT, read by one LFTA thread and
# in two halves by two (GIGSH_LFTA_THREADS=2; see docs/architecture.md, "One file, two
# halves").
run() {
	gs -q -r "$2" --csv -t -c "$3"
	gs_ok "$1" && check_eq "$1" "$(sort <"$T_DIR/out")" "$4"
	GIGSH_LFTA_THREADS=2 gs -q -r "$2" --csv -t -c "$3"
	gs_ok "$1/2halves" && check_eq "$1/2halves" "$(sort <"$T_DIR/out")" "$4"
	return 0
}

for rel in dpkt/http.pcap ndpi/skype.pcap pathspider/real.pcap; do
	f=$pcaps/$rel
	packets "$f" >"$T_DIR/p.txt"

	# CUBE(srcIP, destPort) per 100 s: every subset, rolled-up parts zero
	want=$(awk -F'|' '{
		tb = int($1 / 100); n[tb "," $2 "," $3]++; n[tb ",0.0.0.0," $3]++
		n[tb "," $2 ",0"]++; n[tb ",0.0.0.0,0"]++
		s[tb "," $2 "," $3] += $4; s[tb ",0.0.0.0," $3] += $4
		s[tb "," $2 ",0"] += $4; s[tb ",0.0.0.0,0"] += $4
	} END { for (k in n) print k "," n[k] "," s[k] }' "$T_DIR/p.txt" | sort)
	run "$rel:cube" "$f" "SELECT tb, srcIP, destPort, COUNT(*), SUM(len) FROM TCP GROUP BY time/100 AS tb, CUBE(srcIP, destPort)" "$want"
	run "$rel:cube/slots-16" "$f" "DEFINE { aggregate_slots '16'; } SELECT tb, srcIP, destPort, COUNT(*), SUM(len) FROM TCP GROUP BY time/100 AS tb, CUBE(srcIP, destPort)" "$want"

	# ROLLUP(srcIP, destPort) over the whole file: (src, port), (src), ()
	want=$(awk -F'|' '{ n[$2 "," $3]++; n[$2 ",0"]++; n["0.0.0.0,0"]++ }
		END { for (k in n) print k "," n[k] }' "$T_DIR/p.txt" | sort)
	run "$rel:rollup" "$f" "SELECT srcIP, destPort, COUNT(*) FROM TCP GROUP BY ROLLUP(srcIP, destPort)" "$want"

	# GROUPING_SETS((srcIP), (destPort)): two sets, nothing else
	want=$(awk -F'|' '{ n[$2 ",0"]++; n["0.0.0.0," $3]++ }
		END { for (k in n) print k "," n[k] }' "$T_DIR/p.txt" | sort)
	run "$rel:grouping-sets" "$f" "SELECT srcIP, destPort, COUNT(*) FROM TCP GROUP BY GROUPING_SETS((srcIP), (destPort))" "$want"

	# SUPERGROUP srcIP per 600 s: per (source, port) group, the source's
	# packets, bytes, largest packet and number of distinct ports
	want=$(awk -F'|' '{
		tb = int($1 / 600); g = tb "," $2 "," $3; sg = tb "," $2
		n[g]++; N[sg]++; S[sg] += $4; if ($4 > M[sg]) M[sg] = $4
		if (!seen[g]++) P[sg]++; gs[g] = sg
	} END { for (g in n) { sg = gs[g]; print g "," n[g] "," N[sg] "," S[sg] "," M[sg] "," P[sg] } }' \
		"$T_DIR/p.txt" | sort)
	run "$rel:supergroup" "$f" "SELECT tb, srcIP, destPort, COUNT(*), COUNT\$(*), SUM\$(len), MAX\$(len), count_distinct\$(destPort) FROM TCP GROUP BY time/600 AS tb, srcIP, destPort SUPERGROUP srcIP" "$want"

	# HAVING on a super-aggregate: the sources that reached more than 3 ports
	want=$(printf '%s\n' "$want" | awk -F, '$8 > 3 { print $1 "," $2 "," $3 "," $4 }' | sort)
	run "$rel:supergroup-having" "$f" "SELECT tb, srcIP, destPort, COUNT(*) FROM TCP GROUP BY time/600 AS tb, srcIP, destPort SUPERGROUP srcIP HAVING count_distinct\$(destPort) > 3" "$want"
done

# CLOSING_WHEN: a running sum per source in 5-s epochs that closes once it
# passes 3000 bytes.  Every epoch from the first packet's to the last one's
# ends with a row for every open group (the file's ticks step through idle
# epochs too); the end of input ends the last epoch.
f=$pcaps/dpkt/http.pcap
packets "$f" >"$T_DIR/p.txt"
want=$(awk -F'|' '
	function end_epoch(e,   k) {
		for (k in n) {
			print e "," k "," n[k] "," s[k]
			if (s[k] > 3000) { delete n[k]; delete s[k] }
		}
	}
	{
		ep = int($1 / 5)
		if (started && ep > cur) for (e = cur; e < ep; e++) end_epoch(e)
		if (!started || ep > cur) { cur = ep; started = 1 }
		n[$2]++; s[$2] += $4
	}
	END { end_epoch(cur) }' "$T_DIR/p.txt" | sort)
run "closing-when" "$f" "SELECT tb, srcIP, COUNT(*), SUM(len) FROM TCP GROUP BY time/5 AS tb, srcIP CLOSING_WHEN SUM(len) > 3000" "$want"

# burst SEC: 20 UDP packets from 10.0.3.1 in second SEC, as mkpcap lines.
burst() {
	for i in $(seq 20); do
		echo "udp t=$1.$(printf %06d "$i") src=10.0.3.1 dst=10.0.0.2 sport=5 dport=6 plen=50"
	done
}
RUNNING="SELECT tb, srcIP, COUNT(*) AS n FROM UDP GROUP BY time/10 AS tb, srcIP CLOSING_WHEN COUNT(*) > 100"
# CLOSING_WHEN over a crafted capture within one epoch (20 packets in one second), so no
# epoch ends before the end of input, which gives the group's row (it gave none before).
burst 1000000000 >"$T_DIR/one.desc"
"$mkpcap" -d "$T_DIR/one.desc" "$T_DIR/one.pcap" 2>"$T_DIR/mk.err" || fail mkpcap-one "$(cat "$T_DIR/mk.err")"
run "closing-when-one-epoch" "$T_DIR/one.pcap" "$RUNNING" "100000000,10.0.3.1,20"
# and 20 more packets 35 s later: the three epochs between end with a row each (the file ticks
# through idle seconds), also when the file is read in two halves and the gap falls between them
{ burst 1000000000; burst 1000000035; } >"$T_DIR/gap.desc"
"$mkpcap" -d "$T_DIR/gap.desc" "$T_DIR/gap.pcap" 2>"$T_DIR/mk.err" || fail mkpcap-gap "$(cat "$T_DIR/mk.err")"
run "closing-when-gap" "$T_DIR/gap.pcap" "$RUNNING" "100000000,10.0.3.1,20
100000001,10.0.3.1,20
100000002,10.0.3.1,20
100000003,10.0.3.1,40"
t_end
