#!/bin/bash
# aggregate.sh: GROUP BY aggregation, checked three ways.
#
# 1. Crafted captures (tests/tools/mkpcap scenarios agg*, and empty) whose
#    groups are worked out by hand below: bucket boundaries, idle gaps, a
#    single packet, no packet at all, timestamps going backwards.
# 2. Error messages of the analyzer for aggregations it refuses.
# 3. Differential tests over real captures: tshark decodes each packet once
#    (reassembly and defragmentation off) and awk aggregates its fields into
#    the rows gigsh should print: count, sum, min and max of len per source
#    address per 10-s, 60-s and 100-ms bucket, per (protocol, destPort) per
#    minute, AVG, HAVING, OR_AGGR/AND_AGGR/XOR_AGGR, an aggregation over a
#    stream, a regular expression with select_lfta; every query again with
#    aggregate_slots '16', whose evictions (checked in gs_stats) must not
#    change any answer.
#
# Which packets a query's FROM selects is decided as in tshark_diff.sh, from
# tshark's frame.protocols, outermost first ($TS_L2): IPV4 is every packet
# whose outer network header is IPv4; TCP (UDP) with srcIP is "ip:tcp"
# ("ip:udp") right after the link layer, so neither a header quoted in an
# ICMP error nor anything inside a tunnel counts; DataProtocol with protocol
# is either.  Rows of one bucket come in no guaranteed order, so rows are
# compared sorted: within each run of equal buckets for the crafted tests
# (their output order across buckets is part of what is checked), wholly
# for the real captures (whose bucket order is checked on its own).
. "$(dirname "$0")/../lib.sh"
t_begin aggregate
need_gigsh

# sort_runs: sort the lines within each run of lines with the same first
# CSV field, keeping the runs in their order.
sort_runs() {
	awk -F, '
	$1 != prev { close("sort"); prev = $1 }
	{ print | "sort" }
	END { close("sort") }'
}

# q NAME FILE QUERY WANT [SORTER]: rows of `gigsh -q --csv -t`, sorted within
# runs of equal buckets (or by SORTER: `sort` when the query has no
# temporal group variable), must equal WANT (written in that form).
q() {
	local name=$1 file=$2 query=$3 want=$4 sorter=${5:-sort_runs}
	gs -q -r "$file" --csv -t -c "$query"
	gs_ok "$name" || return 0
	check_eq "$name" "$($sorter <"$T_DIR/out")" "$want"
}

# q3 NAME FILE QUERY WANT [SORTER]: q for QUERY as it is, with the LFTA
# table cut to one slot (every new group evicts the one before) and with
# the whole aggregation in the HFTA; all three must give WANT.
q3() {
	q "$1" "$2" "$3" "$4" "${5:-}"
	q "$1/slots-1" "$2" "DEFINE { aggregate_slots '1'; } $3" "$4" "${5:-}"
	q "$1/select-lfta" "$2" "DEFINE { select_lfta 'true'; } $3" "$4" "${5:-}"
}

SRC10="SELECT tb, srcIP, COUNT(*), SUM(len), MIN(len), MAX(len) FROM IPV4 GROUP BY time/10 AS tb, srcIP"
SRC60="SELECT tb, srcIP, COUNT(*), SUM(len), MIN(len), MAX(len) FROM IPV4 GROUP BY time/60 AS tb, srcIP"

# ---- aggbounds: bucket boundaries ---------------------------------------------
# 10-s bucket 170000000 is [1700000000, 1700000010); 60-s bucket 28333333 is
# [1699999980, 1700000040).  Frame lengths: UDP 42 + payload, TCP 54 + payload.
#  1 UDP 10.3.0.1 -> :53  t=1700000000.000000  42 B  b10 170000000  b60 28333333
#  2 UDP 10.3.0.1 -> :53  t=1700000009.999999  50 B  b10 170000000  b60 28333333
#  3 TCP 10.3.0.2 -> :443 t=1700000009.999999  60 B  b10 170000000  b60 28333333
#  4 UDP 10.3.0.1 -> :53  t=1700000010.000000  60 B  b10 170000001  b60 28333333
#  5 TCP 10.3.0.2 -> :443 t=1700000019.5      100 B  b10 170000001  b60 28333333
#  6 UDP 10.3.0.1 -> :53  t=1700000039.999999 100 B  b10 170000003  b60 28333333
#  7 UDP 10.3.0.1 -> :53  t=1700000040.000000  42 B  b10 170000004  b60 28333334
# 10-s bucket 170000002 has no packet, so no row.
f=$(mk aggbounds aggbounds.pcap)
q3 bounds-10s "$f" "$SRC10" \
"170000000,10.3.0.1,2,92,42,50
170000000,10.3.0.2,1,60,60,60
170000001,10.3.0.1,1,60,60,60
170000001,10.3.0.2,1,100,100,100
170000003,10.3.0.1,1,100,100,100
170000004,10.3.0.1,1,42,42,42"
q3 bounds-60s "$f" "$SRC60" \
"28333333,10.3.0.1,4,252,42,100
28333333,10.3.0.2,2,160,60,100
28333334,10.3.0.1,1,42,42,42"
q3 bounds-port "$f" \
	"SELECT tb, protocol, destPort, COUNT(*), SUM(len) FROM DataProtocol GROUP BY time/60 AS tb, protocol, destPort" \
"28333333,17,53,4,252
28333333,6,443,2,160
28333334,17,53,1,42"
# The bucket by nanoseconds: timestamp/10^10 is the same 10-s bucket.
q bounds-timestamp "$f" \
	"SELECT tb, COUNT(*), SUM(len) FROM IPV4 GROUP BY timestamp/10000000000ULL AS tb" \
"170000000,3,152
170000001,2,160
170000003,1,100
170000004,1,42"
q3 bounds-having "$f" "$SRC10 HAVING COUNT(*) > 1 OR MAX(len) = 100" \
"170000000,10.3.0.1,2,92,42,50
170000001,10.3.0.2,1,100,100,100
170000003,10.3.0.1,1,100,100,100"
# A second, non-temporal bucket beside the temporal one.
q bounds-non-temporal "$f" \
	"SELECT tb, m, COUNT(*) FROM IPV4 GROUP BY time/10 AS tb, non_temporal(time/60) AS m" \
"170000000,28333333,3
170000001,28333333,2
170000003,28333333,1
170000004,28333334,1"
# AVG of 42 and 50; 60 and 100 (exact halves and integers).
q bounds-avg "$f" "SELECT tb, srcIP, AVG(len) FROM IPV4 GROUP BY time/10 AS tb, srcIP" \
"170000000,10.3.0.1,46
170000000,10.3.0.2,60
170000001,10.3.0.1,60
170000001,10.3.0.2,100
170000003,10.3.0.1,100
170000004,10.3.0.1,42"
# No temporal group variable: one group per source, closed at the end.
q3 bounds-no-bucket "$f" "SELECT srcIP, COUNT(*), SUM(len) FROM IPV4 GROUP BY srcIP" \
"10.3.0.1,5,294
10.3.0.2,2,160" sort

# ---- agggap: idle gaps ------------------------------------------------------------
#  1 UDP 10.4.0.1 t=1700000101     42 B  b10 170000010
#  2 UDP 10.4.0.2 t=1700000105     52 B  b10 170000010
#    82 s idle: buckets 170000011..170000017 empty (ticked each second)
#  3 UDP 10.4.0.1 t=1700000187     62 B  b10 170000018
#    8813 s idle, more than an hour (a single tick)
#  4 UDP 10.4.0.1 t=1700009000.25  72 B  b10 170000900
#  5 UDP 10.4.0.2 t=1700009009.75  82 B  b10 170000900
f=$(mk agggap agggap.pcap)
q3 gap-10s "$f" "SELECT tb, srcIP, COUNT(*), SUM(len) FROM UDP GROUP BY time/10 AS tb, srcIP" \
"170000010,10.4.0.1,1,42
170000010,10.4.0.2,1,52
170000018,10.4.0.1,1,62
170000900,10.4.0.1,1,72
170000900,10.4.0.2,1,82"
# 60-s buckets: 28333335 = [1700000100, 1700000160), 28333336 holds 187,
# 28333483 = [1700008980, 1700009040).
q3 gap-60s "$f" "SELECT tb, COUNT(*), SUM(len), MIN(len), MAX(len) FROM UDP GROUP BY time/60 AS tb" \
"28333335,2,94,42,52
28333336,1,62,62,62
28333483,2,154,72,82"

# ---- aggsingle: one packet ----------------------------------------------------------
#  1 TCP 10.5.0.1 -> :80 t=1700000300.5 154 B  b10 170000030
f=$(mk aggsingle aggsingle.pcap)
q3 single "$f" "SELECT tb, srcIP, destPort, COUNT(*), SUM(len), MIN(len), MAX(len) FROM TCP GROUP BY time/10 AS tb, srcIP, destPort" \
"170000030,10.5.0.1,80,1,154,154,154"
q single-avg "$f" "SELECT srcIP, AVG(len), COUNT(*) FROM TCP GROUP BY srcIP" "10.5.0.1,154,1"
q single-having-none "$f" "SELECT srcIP, COUNT(*) FROM TCP GROUP BY srcIP HAVING COUNT(*) > 1" ""
q single-udp-none "$f" "SELECT tb, COUNT(*) FROM UDP GROUP BY time/10 AS tb" ""

# ---- empty: no packet at all ----------------------------------------------------------
f=$(mk empty empty.pcap)
q3 empty-rows "$f" "$SRC10" ""
gs -q -r "$f" --csv -c "$SRC10"
gs_ok empty-header && check_eq empty-header "$(cat "$T_DIR/out")" "tb,srcIP,COUNT,SUM,MIN,MAX"

# ---- aggooo: timestamps going backwards -------------------------------------------------
# Documented behaviour: a packet whose bucket is already closed forms a group
# of its own, emitted at the next close; so a bucket can appear twice.
#  1 UDP 10.6.0.1 t=1700000200.5  42 B  b10 170000020
#  2 UDP 10.6.0.2 t=1700000201    52 B  170000020
#  3 UDP 10.6.0.1 t=1700000199    62 B  170000019: earlier, but nothing has
#                                       moved past it yet: an ordinary group
#  4 UDP 10.6.0.1 t=1700000212    72 B  170000021: closes 170000019, 170000020
#  5 UDP 10.6.0.1 t=1700000205    82 B  170000020, closed: a late group
#  6 UDP 10.6.0.2 t=1700000203    92 B  170000020, closed: a late group
#  7 UDP 10.6.0.1 t=1700000206    44 B  170000020, closed: joins 5's late group
#  8 UDP 10.6.0.2 t=1700000195    48 B  170000019, closed: a late group
#  9 UDP 10.6.0.1 t=1700000215    46 B  170000021
# 10 UDP 10.6.0.2 t=1700000222    42 B  170000022: closes 170000021 and the
#                                       late groups; the end closes 170000022
# Closed groups come out in bucket order, so the rows are
#   first close:  19/.1  20/.1 20/.2
#   second close: 19/.2  20/.1 (5+7) 20/.2 (6)  21/.1 (4+9)
#   end:          22/.2
f=$(mk aggooo aggooo.pcap)
q3 out-of-order "$f" "SELECT tb, srcIP, COUNT(*), SUM(len), MIN(len), MAX(len) FROM UDP GROUP BY time/10 AS tb, srcIP" \
"170000019,10.6.0.1,1,62,62,62
170000020,10.6.0.1,1,42,42,42
170000020,10.6.0.2,1,52,52,52
170000019,10.6.0.2,1,48,48,48
170000020,10.6.0.1,2,126,44,82
170000020,10.6.0.2,1,92,92,92
170000021,10.6.0.1,2,118,46,72
170000022,10.6.0.2,1,42,42,42"
# aggfirst: the same rule for the first bucket, which the first tick of
# the file (second 1700000010) closes as it moves to the next bucket.
#  1 UDP 10.7.0.1 t=1700000009.5  42 B  170000000
#  2 UDP 10.7.0.1 t=1700000010.2  43 B  170000001: closes 170000000
#  3 UDP 10.7.0.1 t=1700000009.8  44 B  170000000, closed: a late group
#  4 UDP 10.7.0.1 t=1700000020.1  45 B  170000002: closes 170000001 and the
#                                       late group
q3 out-of-order-first "$(mk aggfirst aggfirst.pcap)" \
	"SELECT tb, srcIP, COUNT(*), SUM(len) FROM UDP GROUP BY time/10 AS tb, srcIP" \
"170000000,10.7.0.1,1,42
170000000,10.7.0.1,1,44
170000001,10.7.0.1,1,43
170000002,10.7.0.1,1,45"
# Without a temporal group variable nothing closes early: no duplicates.
q3 out-of-order-no-bucket "$f" "SELECT srcIP, COUNT(*), SUM(len) FROM UDP GROUP BY srcIP" \
"10.6.0.1,6,348
10.6.0.2,4,234" sort

# ---- aggregation over a stream, crafted ---------------------------------------------------
# Level 1 per (10-s bucket, source) over aggbounds; level 2 per 60-s bucket
# (tb/6): 28333333 holds 10-s buckets 170000000..170000003 (5 groups,
# 6 packets, 412 bytes; the largest groups have 100 bytes: 10.3.0.2 in
# 170000001 and 10.3.0.1 in 170000003); 28333334 holds 170000004.
f=$(mk aggbounds aggbounds.pcap)
q stream-crafted "$f" "DEFINE { query_name 'persrc'; } SELECT tb, srcIP, COUNT(*) AS n, SUM(len) AS bytes FROM IPV4 GROUP BY time/10 AS tb, srcIP;
SELECT m, COUNT(*), SUM(n), SUM(bytes), MAX(bytes) FROM persrc GROUP BY tb/6 AS m" \
"28333333,5,6,412,100
28333334,1,1,42,42"

# ---- errors -------------------------------------------------------------------------------
# expect_error NAME QUERY PATTERN...: exit status 3, an ERROR, no rows, and
# every PATTERN (grep -E) found in stderr.
expect_error() {
	local name=$1 query=$2 p
	shift 2
	gs -q -r "$f" --csv -t -c "$query"
	if [ "$GS_RC" -ne 3 ] || ! grep -q '^ERROR:  ' "$T_DIR/err" || [ -s "$T_DIR/out" ] ||
		sanitizer_report "$T_DIR/err"; then
		fail "$name" "want exit status 3, an ERROR and no rows; got status $GS_RC, stderr:" \
			"$(head -n 10 "$T_DIR/err")"
		return
	fi
	for p in "$@"; do
		if ! grep -q -E "$p" "$T_DIR/err"; then
			fail "$name" "stderr lacks /$p/:" "$(head -n 10 "$T_DIR/err")"
			return
		fi
	done
	ok "$name"
}
expect_error two-temporal "SELECT tb, m, COUNT(*) FROM IPV4 GROUP BY time/10 AS tb, time/60 AS m" \
	'^ERROR:  .*temporal' '^HINT:  .*non_temporal'
expect_error not-grouped "SELECT srcIP, destIP, COUNT(*) FROM IPV4 GROUP BY srcIP" \
	'^ERROR:  column "destIP" must appear in the GROUP BY clause'
expect_error regex-in-lfta \
	"SELECT srcIP, COUNT(*) FROM TCP WHERE str_regex_match(TCP_data, 'GET /[a-z]+') GROUP BY srcIP" \
	'^ERROR:  ' '^HINT:  .*select_lfta'
expect_error aggregate-in-where "SELECT srcIP, COUNT(*) FROM IPV4 WHERE COUNT(*) > 1 GROUP BY srcIP" \
	'^ERROR:  aggregate functions are not allowed'
expect_error bad-slots "DEFINE { aggregate_slots '10'; } $SRC10" '^ERROR:  .*aggregate_slots'

# ---- real captures ----------------------------------------------------------------------------
have_pcaps real-captures || t_end

FILES="
pathspider/real.pcap
ndpi/skype.pcap
ndpi/teams.pcap
ndpi/KakaoTalk_talk.pcap
ndpi/tor.pcap
ndpi/zoom2.pcap
ndpi/netflix.pcap
ndpi/WebattackXSS.pcap
ndpi/instagram.pcap
ndpi/rdp.pcap
zeek/bro.org.pcap
zeek/206_example_b.pcap
zeek/gre-aruba.pcap
tcpflow/bug2.pcap
dpkt/http.pcap
dnscap/frags.pcap
pathspider/icmp_ttl.pcap
"
if [ "$GIGSH_ASAN" = 1 ]; then
	FILES="ndpi/skype.pcap dpkt/http.pcap zeek/bro.org.pcap"
fi

# name -> query; the oracle's parameters: packets (ipv4, tcp, udp, data),
# bucket width in seconds (0.1: tenths of a second, where buckets change
# between the file's once-a-second ticks), group key (src: srcIP; port:
# protocol, destPort) and what it prints (mm: count, sum, min, max; avg:
# count, AVG; having: mm for the groups HAVING keeps; bits: count, OR, AND
# and XOR of the TCP flags).
declare -A QUERY=(
[ip-src10]="$SRC10"
[ip-src60]="$SRC60"
[ip-src100ms]="SELECT tb, srcIP, COUNT(*), SUM(len), MIN(len), MAX(len) FROM IPV4 GROUP BY timestamp/100000000ULL AS tb, srcIP"
[tcp-src10]="SELECT tb, srcIP, COUNT(*), SUM(len), MIN(len), MAX(len) FROM TCP GROUP BY time/10 AS tb, srcIP"
[udp-src60]="SELECT tb, srcIP, COUNT(*), SUM(len), MIN(len), MAX(len) FROM UDP GROUP BY time/60 AS tb, srcIP"
[port60]="SELECT tb, protocol, destPort, COUNT(*), SUM(len), MIN(len), MAX(len) FROM DataProtocol GROUP BY time/60 AS tb, protocol, destPort"
[avg60]="SELECT tb, srcIP, COUNT(*), AVG(len) FROM IPV4 GROUP BY time/60 AS tb, srcIP"
[having10]="SELECT tb, protocol, destPort, COUNT(*), SUM(len), MIN(len), MAX(len) FROM DataProtocol GROUP BY time/10 AS tb, protocol, destPort HAVING COUNT(*) >= 5 AND MAX(len) > 100"
[bits60]="SELECT tb, srcIP, COUNT(*), OR_AGGR(flags), AND_AGGR(flags), XOR_AGGR(flags) FROM TCP GROUP BY time/60 AS tb, srcIP"
)
declare -A ORACLE=(
[ip-src10]="ipv4 10 src mm"
[ip-src60]="ipv4 60 src mm"
[ip-src100ms]="ipv4 0.1 src mm"
[tcp-src10]="tcp 10 src mm"
[udp-src60]="udp 60 src mm"
[port60]="data 60 port mm"
[avg60]="ipv4 60 src avg"
[having10]="data 10 port having"
[bits60]="tcp 60 src bits"
)
SHAPES="ip-src10 ip-src60 ip-src100ms tcp-src10 udp-src60 port60 avg60 having10 bits60"

# tshark's fields to one line per packet of the outer IPv4 layer:
# class|second|len|srcIP|protocol|destPort|tenth|flags, class T (TCP),
# U (UDP) or I (other); the port is "-" for I; tenth is the time in tenths
# of a second (timestamp/10^8); flags (TCP only, else "-") in decimal.  Lines lacking a field are left out
# (counted in $T_DIR/lacking).
cat >"$T_DIR/packets.awk" <<'AWK'
BEGIN { FS = "|"; OFS = "|" }
function first(s,   a) { split(s, a, ";"); return a[1] }
function hex(s,   v, i) {
	if (s == "") return ""
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return sprintf("%.0f", v)
}
{
	if ($1 ~ (L2 "ip:tcp(:|$)")) { c = "T"; port = first($6); flags = hex(first($8)) }
	else if ($1 ~ (L2 "ip:udp(:|$)")) { c = "U"; port = first($7); flags = "-" }
	else if ($1 ~ (L2 "ip(:|$)")) { c = "I"; port = "-"; flags = "-" }
	else next
	split(first($2), t, ".")
	sec = t[1]; len = first($3); src = first($4); proto = first($5)
	if (sec == "" || len == "" || src == "" || proto == "" || port == "" || flags == "") { lacking++; next }
	print c, sec, len, src, proto, port, sec substr(t[2] "0", 1, 1), flags
}
END { print lacking + 0 >lackfile }
AWK

# The oracle: the rows of one query over packets.txt.
cat >"$T_DIR/oracle.awk" <<'AWK'
BEGIN { FS = "|" }
sel == "ipv4" || (sel == "tcp" && $1 == "T") || (sel == "udp" && $1 == "U") ||
(sel == "data" && ($1 == "T" || $1 == "U")) {
	b = width == 0.1 ? $7 : sprintf("%.0f", int($2 / width))
	k = key == "src" ? b "," $4 : b "," $5 "," $6
	len = $3 + 0
	if (!(k in n) || len < mn[k]) mn[k] = len
	if (!(k in n) || len > mx[k]) mx[k] = len
	if (out == "bits") {
		f = $8 + 0
		bor[k] = (k in n) ? bits(bor[k], f, "or") : f
		band[k] = (k in n) ? bits(band[k], f, "and") : f
		bxor[k] = (k in n) ? bits(bxor[k], f, "xor") : f
	}
	n[k]++
	s[k] += len
}
# a OP b bit by bit (mawk has no bit operations); TCP flags have 12 bits.
function bits(a, b, op,   r, i, x, y) {
	r = 0
	for (i = 1; i < 65536; i *= 2) {
		x = int(a / i) % 2; y = int(b / i) % 2
		if (op == "or" ? x || y : op == "and" ? x && y : x != y) r += i
	}
	return r
}
# gigsh's float format: the shortest of %.15g and %.17g that reads back.
function flt(v,   r) { r = sprintf("%.15g", v); if (r + 0 != v) r = sprintf("%.17g", v); return r }
END {
	for (k in n) {
		if (out == "avg")
			printf "%s,%.0f,%s\n", k, n[k], flt(s[k] / n[k])
		else if (out == "bits")
			printf "%s,%.0f,%.0f,%.0f,%.0f\n", k, n[k], bor[k], band[k], bxor[k]
		else if (out == "mm" || (n[k] >= 5 && mx[k] > 100))
			printf "%s,%.0f,%.0f,%.0f,%.0f\n", k, n[k], s[k], mn[k], mx[k]
	}
}
AWK

# oracle SHAPE: the sorted rows of SHAPE's query, from packets.txt.
oracle() {
	set -- ${ORACLE[$1]}
	awk -v sel="$1" -v width="$2" -v key="$3" -v out="$4" -f "$T_DIR/oracle.awk" \
		"$T_DIR/packets.txt" | sort
}

# ordered FILE: true when the first column (the bucket) never decreases.
ordered() {
	awk -F, 'NR > 1 && $1 + 0 < prev + 0 { bad = 1; exit } { prev = $1 } END { exit bad }' "$1"
}

evictions_seen=
for rel in $FILES; do
	f=$pcaps/$rel
	if [ ! -f "$f" ]; then
		fail "$rel" "capture missing from ../shared/pcaps"
		continue
	fi
	tshark_fields "$f" "ip" frame.protocols frame.time_epoch frame.len ip.src ip.proto \
		tcp.dstport udp.dstport tcp.flags |
		awk -v L2="$TS_L2" -v lackfile="$T_DIR/lacking" -f "$T_DIR/packets.awk" >"$T_DIR/packets.txt"
	lacking=$(cat "$T_DIR/lacking")
	note=$([ "$lacking" -gt 0 ] && echo ", $lacking IPv4 packets lacking a field")
	if [ ! -s "$T_DIR/packets.txt" ]; then
		fail "$rel:tshark" "tshark found no IPv4 packet in $rel"
		continue
	fi
	unordered=
	for shape in $SHAPES; do
		oracle "$shape" >"$T_DIR/want"
		for slots in default 16; do
			name=$rel:$shape
			query=${QUERY[$shape]}
			if [ $slots = 16 ]; then
				name=$name:slots-16
				query="DEFINE { aggregate_slots '16'; } $query"
			fi
			gs -q -r "$f" --csv -t -c "$query"
			gs_ok "$name" || continue
			ordered "$T_DIR/out" || unordered="$unordered $shape/$slots"
			sort "$T_DIR/out" >"$T_DIR/got"
			if cmp -s "$T_DIR/got" "$T_DIR/want"; then
				ok "$name ($(wc -l <"$T_DIR/want") rows$note)"
			else
				fail "$name" "query: $query" "$(diff "$T_DIR/want" "$T_DIR/got" | head -n 12)" \
					"(< awk over tshark $(wc -l <"$T_DIR/want") rows, > gigsh $(wc -l <"$T_DIR/got") rows)"
				cp "$T_DIR/want" "$T_DIR/want.${rel//\//_}.$shape.$slots"
				cp "$T_DIR/got" "$T_DIR/got.${rel//\//_}.$shape.$slots"
			fi
		done
	done
	if [ -z "$unordered" ]; then
		ok "$rel:bucket-order"
	else
		fail "$rel:bucket-order" "a bucket came out after a later one in:$unordered"
	fi
	# The LFTA counters of the slots-16 run of port60 (the most groups).
	gs -q -r "$f" --csv -c "DEFINE { aggregate_slots '16'; } ${QUERY[port60]}" -c "SELECT * FROM gs_stats"
	if gs_ok "$rel:gs_stats"; then
		ev=$(awk -F, '$1 == "query" && $2 == "part" { for (i = 1; i <= NF; i++) col[$i] = i; next }
			col["evictions"] && $2 == "LFTA" { print $col["evictions"] }' "$T_DIR/out")
		evictions_seen="$evictions_seen ${rel##*/}=${ev:-?}"
	fi
done

# aggregate_slots '16' must really have evicted groups somewhere, or the
# slots-16 checks above prove nothing.
if echo "$evictions_seen" | grep -q -E '=[1-9][0-9]*( |$)'; then
	ok "evictions (port60 with 16 slots:$evictions_seen)"
else
	fail evictions "no capture made the 16-slot LFTA table evict:$evictions_seen"
fi

# ---- aggregation over a stream, against awk -------------------------------------------------
# Level 1: per (10-s bucket, source) over IPV4; level 2: per minute (tb/6)
# the number of level-1 groups, their packets, their bytes, the largest
# group's bytes and packets.
STREAM="DEFINE { query_name 'persrc'; } SELECT tb, srcIP, COUNT(*) AS n, SUM(len) AS bytes FROM IPV4 GROUP BY time/10 AS tb, srcIP;
SELECT m, COUNT(*), SUM(n), SUM(bytes), MAX(bytes), MAX(n) FROM persrc GROUP BY tb/6 AS m"
STREAM16="DEFINE { query_name 'persrc'; aggregate_slots '16'; } SELECT tb, srcIP, COUNT(*) AS n, SUM(len) AS bytes FROM IPV4 GROUP BY time/10 AS tb, srcIP;
SELECT m, COUNT(*), SUM(n), SUM(bytes), MAX(bytes), MAX(n) FROM persrc GROUP BY tb/6 AS m"
for rel in pathspider/real.pcap ndpi/skype.pcap ndpi/WebattackXSS.pcap; do
	f=$pcaps/$rel
	[ -f "$f" ] || { fail "$rel:stream" "capture missing"; continue; }
	tshark_fields "$f" "ip" frame.protocols frame.time_epoch frame.len ip.src ip.proto \
		tcp.dstport udp.dstport tcp.flags |
		awk -v L2="$TS_L2" -v lackfile="$T_DIR/lacking" -f "$T_DIR/packets.awk" |
		awk -F'|' '
		{ k = sprintf("%.0f", int($2 / 10)) "," $4; n[k]++; s[k] += $3 }
		END {
			for (k in n) {
				split(k, a, ","); m = sprintf("%.0f", int(a[1] / 6))
				g[m]++; sn[m] += n[k]; sb[m] += s[k]
				if (n[k] > mn[m]) mn[m] = n[k]
				if (s[k] > mb[m]) mb[m] = s[k]
			}
			for (m in g) printf "%s,%.0f,%.0f,%.0f,%.0f,%.0f\n", m, g[m], sn[m], sb[m], mb[m], mn[m]
		}' | sort >"$T_DIR/want"
	for v in default 16; do
		name=$rel:stream
		query=$STREAM
		[ $v = 16 ] && { name=$name:slots-16; query=$STREAM16; }
		gs -q -r "$f" --csv -t -c "$query"
		gs_ok "$name" || continue
		sort "$T_DIR/out" >"$T_DIR/got"
		if cmp -s "$T_DIR/got" "$T_DIR/want"; then
			ok "$name ($(wc -l <"$T_DIR/want") rows)"
		else
			fail "$name" "$(diff "$T_DIR/want" "$T_DIR/got" | head -n 12)" \
				"(< awk $(wc -l <"$T_DIR/want") rows, > gigsh $(wc -l <"$T_DIR/got") rows)"
		fi
	done
done

# ---- a regular expression in WHERE: select_lfta -----------------------------------------------
# The regex runs in the HFTA only, so the aggregation must too.  Oracle:
# tshark's "matches" over the TCP payload of IPv4 TCP packets.  The pattern
# spells both cases of each letter, so that it means the same whether or
# not a "matches" is case-sensitive.
f=$pcaps/ndpi/WebattackXSS.pcap
if [ -f "$f" ]; then
	RE='[Ss][Cc][Rr][Ii][Pp][Tt]'
	gs -q -r "$f" --csv -t -c "SELECT srcIP, COUNT(*), SUM(len) FROM TCP WHERE str_regex_match(TCP_data, '$RE') GROUP BY srcIP"
	if [ "$GS_RC" -eq 3 ] && grep -q 'select_lfta' "$T_DIR/err"; then
		ok "regex-needs-select-lfta"
	else
		fail "regex-needs-select-lfta" "want exit status 3 and a hint naming select_lfta; got $GS_RC:" \
			"$(head -n 6 "$T_DIR/err")"
	fi
	gs -q -r "$f" --csv -t -c "DEFINE { select_lfta 'true'; } SELECT srcIP, COUNT(*), SUM(len) FROM TCP WHERE str_regex_match(TCP_data, '$RE') GROUP BY srcIP"
	if gs_ok regex-select-lfta; then
		tshark_fields "$f" "tcp.payload matches \"$RE\"" frame.protocols ip.src frame.len |
			awk -F'|' -v L2="$TS_L2" '$1 ~ (L2 "ip:tcp(:|$)") { split($2, a, ";"); n[a[1]]++; s[a[1]] += $3 }
			END { for (k in n) printf "%s,%.0f,%.0f\n", k, n[k], s[k] }' | sort >"$T_DIR/want"
		sort "$T_DIR/out" >"$T_DIR/got"
		if [ "$(awk -F, '{ t += $2 } END { print t + 0 }' "$T_DIR/want")" -lt 100 ]; then
			fail regex-select-lfta "tshark found fewer than 100 matching packets: the oracle is wrong"
		else
			check_files "regex-select-lfta ($(awk -F, '{ t += $2 } END { print t }' "$T_DIR/want") packets)" \
				"$T_DIR/got" "$T_DIR/want"
		fi
	fi
else
	fail regex-select-lfta "capture ndpi/WebattackXSS.pcap missing"
fi

t_end
