#!/bin/bash
# one_pass.sh: several named queries over ONE pass of the packets (\run).
#
# 1. A set of seven queries (TCP, UDP, ICMP, IPV4, IPV6; two TCP queries
#    sharing the prefilter bit destPort = 443; an aggregation over the named
#    stream of another) run together over three real captures read in one
#    pass; every query's rows must equal its rows when it runs alone.
# 2. tshark is the oracle for the set's rows: the TCP selection row by row,
#    the per-source packet counts of the IPV4 aggregation, the totals of the
#    aggregation over it, the DNS and ICMP selections.
# 1b. The same over classic pcap files only, where two LFTA threads share the set (each
#    reading the files through its own mapping), and with GIGSH_LFTA_THREADS=1; the
#    statistics line says how many threads ran.  A file cut inside a record: the error once,
#    and each query's rows up to it as the query alone prints them.
# 3. \explain run shows the shared bit and the shared LFTA; the formats (aligned titles, the
#    CSV/JSON query column), gs_stats, a closed pipe, and bad sets (unknown,
#    repeated, gs_stats, none) with their messages.
. "$(dirname "$0")/../lib.sh"
t_begin one_pass
need_gigsh

# ---- bad sets: clear errors, status 3, nothing printed ------------------------------------
DEF_W="DEFINE { query_name 'w'; } SELECT srcIP FROM TCP WHERE destPort = 443"
f=$(mk empty empty.pcap)
expect_err() {
	local name=$1 want=$2
	shift 2
	gs -X -r "$f" -c "$DEF_W" "$@"
	if [ "$GS_RC" = 3 ] && grep -q -e "$want" "$T_DIR/err" && [ ! -s "$T_DIR/out" ] &&
		! sanitizer_report "$T_DIR/err"; then
		ok "$name"
	else
		fail "$name" "status $GS_RC (want 3); stdout $(wc -c <"$T_DIR/out") bytes; stderr:" \
			"$(head -n 8 "$T_DIR/err")" "wanted in stderr: $want"
	fi
}
expect_err unknown-name 'ERROR:  no query called "nosuch"' -c '\run w nosuch'
expect_err protocol-name 'HINT:  TCP is a protocol' -c '\run w TCP'
expect_err repeated-name 'ERROR:  query w is named twice' -c '\run w w'
expect_err no-name 'name the queries to run in one pass' -c '\run'
expect_err stats-in-set 'reads gs_stats, which cannot run in one pass' \
	-c "DEFINE { query_name 's'; } SELECT query FROM gs_stats" -c '\run w s'
expect_err explain-unknown 'ERROR:  no query called "nosuch"' -c '\explain run nosuch'
# a query whose parameter has no value: named in the message
expect_err param-unset 'query p: parameter \$port has no value' \
	-c "DEFINE { query_name 'p'; } PARAM { port uint; } SELECT srcIP FROM TCP WHERE destPort = \$port" \
	-c '\run w p'
# the run stops at the error: what follows does not run
gs -X -r "$f" -c "$DEF_W" -c '\run nosuch' -c 'SELECT 1 AS x FROM TCP'
check_eq stops-script "$GS_RC $(wc -c <"$T_DIR/out")" "3 0"

# an empty capture: every query gets its empty result
gs -X -r "$f" --csv -c "$DEF_W" -c "DEFINE { query_name 'n'; } SELECT COUNT(*) AS c FROM IPV4" \
	-c '\run w n'
if gs_ok empty-capture; then
	check_eq empty-capture "$(cat "$T_DIR/out")" "query,srcIP
query,c"
fi

have_pcaps real-captures || t_end
FILES=(ndpi/netflix.pcap dpkt/dns_icmp.pcap chrissanders/http_ip4and6.pcapng)
R=()
for x in "${FILES[@]}"; do R+=(-r "$pcaps/$x"); done

declare -A Q=(
[web]="SELECT time, srcIP, destIP, srcPort, destPort FROM TCP WHERE destPort = 443"
[websyn]="SELECT srcIP, destIP, srcPort FROM TCP WHERE destPort = 443 AND flags & 2 = 2"
[dns]="SELECT srcIP, destIP, srcPort, destPort FROM UDP WHERE destPort = 53"
[pings]="SELECT time, srcIP, destIP, icmp_type, icmp_code FROM ICMP"
[bysrc]="SELECT tb, srcIP, COUNT(*) AS pk, SUM(len) AS bytes FROM IPV4 GROUP BY time/60 AS tb, srcIP"
[per10]="SELECT t10, COUNT(*) AS sources, SUM(pk) AS packets FROM bysrc GROUP BY tb/10 AS t10"
[v6]="SELECT srcIP6, destIP6, next_header FROM IPV6"
)
NAMES="web websyn dns pings bysrc per10 v6"
DEFS=()
for n in $NAMES; do DEFS+=(-c "DEFINE { query_name '$n'; } ${Q[$n]}"); done

# ---- the set against each query alone ---------------------------------------------------
# same_as_alone TAG THREADS FILES...: the set over FILES, read by THREADS LFTA threads (the
# statistics line says how many), against each query alone and as a plain statement.  The
# set's rows of each query are left in $T_DIR/set.NAME (sorted for aggregations).
same_as_alone() {
	local tag=$1 threads=$2 n k
	shift 2
	local r=()
	for x in "$@"; do r+=(-r "$pcaps/$x"); done
	gs -X --csv -t "${r[@]}" "${DEFS[@]}" -c "\\run $NAMES"
	gs_ok "set-runs$tag" || return
	cp "$T_DIR/out" "$T_DIR/set.csv"
	local s="LFTA threads"
	[ "$threads" = 1 ] && s="LFTA thread"
	if grep -q -E "^gigsh: [0-9]+ packets seen, 0 malformed, 0 truncated, one pass for 7 queries \\($threads $s\\)$" "$T_DIR/err"; then
		ok "lfta-threads$tag"
	else
		fail "lfta-threads$tag" "wanted $threads $s in:" "$(grep 'one pass' "$T_DIR/err")"
	fi
	for n in $NAMES; do
		gs -X -q --csv -t "${r[@]}" "${DEFS[@]}" -c "\\run $n"
		gs_ok "alone-$n$tag" || continue
		# the query column, then the row as the query alone prints it
		awk -F, -v q="$n" '$1 == q' "$T_DIR/set.csv" | cut -d, -f2- >"$T_DIR/set.$n"
		cut -d, -f2- "$T_DIR/out" >"$T_DIR/alone.$n"
		# and the same query run as an ordinary statement (no \run at all)
		if [ "$n" = per10 ]; then
			gs -X -q --csv -t "${r[@]}" "${DEFS[@]}" -c "${Q[$n]}"
		else
			gs -X -q --csv -t "${r[@]}" -c "${Q[$n]}"
		fi
		gs_ok "plain-$n$tag" || continue
		cp "$T_DIR/out" "$T_DIR/plain.$n"
		if [ ! -s "$T_DIR/plain.$n" ]; then
			fail "same-as-alone-$n$tag" "the query gives no row on these captures: a test that cannot fail"
			continue
		fi
		# aggregations: the groups of a bucket may come in another order
		case $n in bysrc|per10) for k in set alone plain; do sort -o "$T_DIR/$k.$n" "$T_DIR/$k.$n"; done ;; esac
		check_files "same-as-alone-$n$tag" "$T_DIR/set.$n" "$T_DIR/plain.$n"
		check_files "run-one-same-$n$tag" "$T_DIR/alone.$n" "$T_DIR/plain.$n"
	done
}
# Two classic pcap files: two LFTA threads, each reading the files through its own mapping;
# with GIGSH_LFTA_THREADS=1, one.  With a pcapng file among them (read by libpcap), one.
same_as_alone -2threads 2 ndpi/netflix.pcap dpkt/dns_icmp.pcap ndpi/skype.pcap
GIGSH_LFTA_THREADS=1 same_as_alone -1thread 1 ndpi/netflix.pcap dpkt/dns_icmp.pcap ndpi/skype.pcap
same_as_alone "" 1 "${FILES[@]}"

# A classic pcap file cut inside its last record, read by two LFTA threads: the error once,
# as a single query reports it, and every query's rows up to it, as it prints them alone.
cut_at=$(($(stat -c %s "$pcaps/ndpi/netflix.pcap") - 777))
head -c "$cut_at" "$pcaps/ndpi/netflix.pcap" >"$T_DIR/cut.pcap"
gs -X -q --csv -t -r "$T_DIR/cut.pcap" "${DEFS[@]}" -c '\run web bysrc'
cp "$T_DIR/out" "$T_DIR/cutset.csv"
cp "$T_DIR/err" "$T_DIR/cutset.err"
set_rc=$GS_RC
for n in web bysrc; do
	gs -X -q --csv -t -r "$T_DIR/cut.pcap" -c "${Q[$n]}"
	awk -F, -v q="$n" '$1 == q' "$T_DIR/cutset.csv" | cut -d, -f2- | sort >"$T_DIR/cutset.$n"
	sort "$T_DIR/out" >"$T_DIR/cutplain.$n"
	if [ ! -s "$T_DIR/cutplain.$n" ] || ! grep -q 'truncated dump file' "$T_DIR/err"; then
		fail "cut-file-$n" "the query gives no row, or no error, on the cut file: a test that cannot fail"
		continue
	fi
	check_files "cut-file-rows-$n" "$T_DIR/cutset.$n" "$T_DIR/cutplain.$n"
done
check_eq cut-file-error "$set_rc $(grep -c . "$T_DIR/cutset.err") $(grep 'ERROR' "$T_DIR/cutset.err")" \
	"$GS_RC 1 $(cat "$T_DIR/err")"

# ---- tshark as the oracle ---------------------------------------------------------------
if ! command -v tshark >/dev/null; then
	skip tshark "tshark is not installed"
	t_end
fi
: >"$T_DIR/ts"
for x in "${FILES[@]}"; do
	tshark_fields "$pcaps/$x" "" frame.protocols frame.time_epoch ip.src ip.dst \
		tcp.srcport tcp.dstport udp.srcport udp.dstport icmp.type icmp.code >>"$T_DIR/ts"
done
# ts line: protocols|epoch|ip.src|ip.dst|tcp.sport|tcp.dport|udp.sport|udp.dport|type|code
oracle() {
	awk -F'|' -v OFS=, -v L2="$TS_L2" -v shape="$1" '
	function first(s,   a) { split(s, a, ";"); return a[1] }
	{ split(first($2), t, "."); sec = t[1] }
	shape == "web" && $1 ~ (L2 "ip:tcp(:|$)") && first($6) == 443 {
		print sec, first($3), first($4), first($5), first($6) }
	shape == "dns" && $1 ~ (L2 "ip:udp(:|$)") && first($8) == 53 {
		print first($3), first($4), first($7), first($8) }
	shape == "pings" && $1 ~ (L2 "ip:icmp(:|$)") {
		print sec, first($3), first($4), first($9), first($10) }
	shape == "src" && $1 ~ (L2 "ip(:|$)") { c[first($3)]++ }
	END { if (shape == "src") for (k in c) print k, c[k] }' "$T_DIR/ts"
}
for s in web dns pings; do
	oracle $s >"$T_DIR/want.$s"
	if [ ! -s "$T_DIR/want.$s" ]; then
		fail "tshark-$s" "tshark finds no packet for $s: a test that cannot fail"
		continue
	fi
	check_files "tshark-$s" "$T_DIR/set.$s" "$T_DIR/want.$s"
done
# per-source packet counts: the set's bysrc rows added up over the buckets
oracle src | sort >"$T_DIR/want.src"
awk -F, '{ c[$2] += $3 } END { for (k in c) print k "," c[k] }' "$T_DIR/set.bysrc" | sort \
	>"$T_DIR/got.src"
check_files tshark-per-source "$T_DIR/got.src" "$T_DIR/want.src"
# the aggregation over bysrc: its packets add up to every IPv4 packet, its
# sources to the (bucket, source) groups of bysrc
total=$(awk -F, '{ s += $2 } END { print s + 0 }' "$T_DIR/want.src")
got=$(awk -F, '{ g += $2; p += $3 } END { print g + 0, p + 0 }' "$T_DIR/set.per10")
check_eq tshark-stream-totals "$got" "$(wc -l <"$T_DIR/set.bysrc") $total"

# ---- prefilter, formats, counters -------------------------------------------------------
gs -X "${R[@]}" "${DEFS[@]}" -c "\\explain run $NAMES"
if gs_ok explain-run; then
	if grep -q -E '^  bit [0-9]+ +\(destPort = 443\) +used by web websyn$' "$T_DIR/out" &&
		grep -q -E '^  bit [0-9]+ +protocol TCP \(cap_is_tcp\) +used by web websyn$' "$T_DIR/out" &&
		grep -q -E '^Query per10: its LFTA \(bysrc\) runs on packets with prefilter bits [0-9]+; one instance, shared with query bysrc$' "$T_DIR/out"; then
		ok explain-shared-bit
	else
		fail explain-shared-bit "$(head -n 20 "$T_DIR/out")"
	fi
	# the instances in turn, in the order named; per10 goes where bysrc's instance runs
	check_eq explain-threads "$(grep -E '^  thread [12] runs' "$T_DIR/out")" \
		"  thread 1 runs web dns bysrc
  thread 2 runs websyn pings v6"
fi

gs -X "${R[@]}" "${DEFS[@]}" -c '\run dns pings'
if gs_ok aligned; then
	titles=$(grep -E '^Query ' "$T_DIR/out" | tr '\n' ' ')
	rows=$(grep -E '^\([0-9]+ rows?\)$' "$T_DIR/out" | tr '\n' ' ')
	check_eq aligned-titles "$titles$rows" \
		"Query dns Query pings ($(wc -l <"$T_DIR/want.dns") rows) ($(wc -l <"$T_DIR/want.pings") rows) "
	if grep -q -E '^gigsh: [0-9]+ packets seen, 0 malformed, 0 truncated, one pass for 2 queries \(1 LFTA thread\)$' "$T_DIR/err" &&
		grep -q -E "^gigsh: dns: [0-9]+ tuples? from LFTA, $(wc -l <"$T_DIR/want.dns") rows?$" "$T_DIR/err"; then
		ok set-statistics
	else
		fail set-statistics "$(cat "$T_DIR/err")"
	fi
fi

gs -X -q --json "${R[@]}" "${DEFS[@]}" -c '\run pings dns'
if gs_ok json; then
	got=$(grep -c '^{"query":"pings","time":' "$T_DIR/out")
	check_eq json-query-field "$got $(wc -l <"$T_DIR/out")" \
		"$(wc -l <"$T_DIR/want.pings") $(($(wc -l <"$T_DIR/want.pings") + $(wc -l <"$T_DIR/want.dns")))"
fi

gs -X -q --csv "${R[@]}" "${DEFS[@]}" -c '\run web per10' -c 'SELECT query, part FROM gs_stats'
if gs_ok gs-stats; then
	check_eq gs-stats "$(sed -n '/^query,part$/,$p' "$T_DIR/out")" "query,part
web,LFTA
bysrc,LFTA
bysrc,HFTA aggregate
per10,HFTA aggregate"
fi

# bysrc and per10 (over bysrc) share one instance of bysrc's LFTA
gs -X -q --csv "${R[@]}" "${DEFS[@]}" -c '\run per10 bysrc' -c 'SELECT query, part FROM gs_stats'
if gs_ok shared-lfta; then
	check_eq shared-lfta "$(sed -n '/^query,part$/,$p' "$T_DIR/out")" "query,part
bysrc,LFTA
bysrc,HFTA aggregate
per10,HFTA aggregate
bysrc,HFTA aggregate"
fi

# a reader that goes away: gigsh ends cleanly (status 0, nothing on stderr), with one LFTA
# thread (a pcapng file among the inputs) and with two
timeout -k 5 120 "$gigsh" -X -q --csv -t "${R[@]}" "${DEFS[@]}" -c "\\run $NAMES" \
	2>"$T_DIR/err" | head -n 1 >"$T_DIR/out"
st=${PIPESTATUS[0]}
check_eq closed-pipe "$st $(wc -l <"$T_DIR/out") $(wc -c <"$T_DIR/err")" "0 1 0"
timeout -k 5 120 "$gigsh" -X -q --csv -t -r "$pcaps/ndpi/netflix.pcap" "${DEFS[@]}" \
	-c "\\run $NAMES" 2>"$T_DIR/err" | head -n 1 >"$T_DIR/out"
st=${PIPESTATUS[0]}
check_eq closed-pipe-2threads "$st $(wc -l <"$T_DIR/out") $(wc -c <"$T_DIR/err")" "0 1 0"

t_end
