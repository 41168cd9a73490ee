#!/bin/bash
# truncation.sh: the snap-length sweep.  Real captures (Ethernet IPv4 TCP
# and UDP, IPv6, 802.1Q, PPPoE, Linux cooked, BSD loopback, raw IPv4
# fragments, IPv6 fragments) are cut with `editcap -s N` for N from 14 to
# 128 bytes, and gigsh must give, for every query, exactly the rows it gives
# on the whole capture for the packets whose needed headers are still
# inside the cut, and no other rows: `len` stays the length on the wire,
# and no field is read from past the cut.  Its statistics must count as
# truncated exactly the packets whose headers were cut, and none as
# malformed.
#
# The oracle is tshark on the whole capture: from frame.protocols and the
# header lengths it shows (ip.hdr_len, the IPv6 extension header lengths),
# this script works out where each header of each packet ends:
#   link    Ethernet 14 (+4 per 802.1Q tag, +8 for PPPoE and PPP), Linux
#           cooked 16, BSD loopback 4, raw IP 0;
#   network IPv4 the IHL, IPv6 40 plus its extension headers;
#   transport, right after the outermost network header in a first
#           fragment: TCP 20, UDP 8, ICMP 4 (the fixed headers).
# A row of FROM IPV4 needs the first 20 bytes of the IPv4 header (the
# addresses end there), FROM IPV6 the 40-byte header, FROM TCP/UDP/ICMP the
# network header and the fixed transport header.  A packet is truncated
# when the cut (or its original caplen) ends before the last of its headers
# does, and the frame on the wire holds that header.
# The row values come from gigsh's run over the whole capture, which
# tshark_diff.sh checks field by field against tshark: here the i-th row of
# a query over the whole capture belongs to the i-th packet tshark lists
# for it, and the script first checks that the two counts agree.
. "$(dirname "$0")/../lib.sh"
t_begin truncation
need_gigsh

FILES="ndpi/skype.pcap ndpi/KakaoTalk_talk.pcap chrissanders/http_ip4and6.pcapng
pathspider/basic_ipv6_tcp.pcap dnscap/vlan11.pcap ndpi/rdp.pcap dpkt/nb6-http.pcap
dnscap/frags.pcap chrissanders/ipv6_fragments.pcapng tcpdump/quic_handshake_truncated.pcap"
SNAPS="14 18 20 34 38 42 54 60 62 68 96 128"
if [ "$GIGSH_ASAN" = 1 ]; then
	# The cheaper subset: one capture per kind of header, fewer cuts.
	FILES="ndpi/skype.pcap dnscap/vlan11.pcap dpkt/nb6-http.pcap chrissanders/ipv6_fragments.pcapng"
	SNAPS="14 20 38 54 62"
fi

# The queries (one gigsh run each cut) and their result headers, which
# split the output; KIND says which packets give a row (see oracle).
Q_KIND=(ip4 ip6 tcp4 tcp udp icmp)
Q_TEXT=("SELECT time, srcIP, destIP, protocol, ttl, len FROM IPV4"
	"SELECT time, srcIP6, destIP6, next_header, payload_length, len FROM IPV6"
	"SELECT time, srcIP, destIP, protocol, srcPort, destPort, len FROM TCP"
	"SELECT time, srcPort, destPort, sequence_number, flags, len FROM TCP"
	"SELECT time, srcPort, destPort, udp_length, len FROM UDP"
	"SELECT time, icmp_type, icmp_code, len FROM ICMP")
Q_HEAD=("time,srcIP,destIP,protocol,ttl,len"
	"time,srcIP6,destIP6,next_header,payload_length,len"
	"time,srcIP,destIP,protocol,srcPort,destPort,len"
	"time,srcPort,destPort,sequence_number,flags,len"
	"time,srcPort,destPort,udp_length,len"
	"time,icmp_type,icmp_code,len")
QARGS=()
for q in "${Q_TEXT[@]}"; do QARGS+=(-c "$q"); done

# run_all FILE DIR: the queries over FILE; DIR/<kind> gets each query's
# rows (header removed), DIR/err the statistics.  Returns 1 (after a FAIL
# named by $name) when gigsh did not exit 0.
run_all() {
	local f=$1 d=$2 i
	mkdir -p "$d"
	gs -r "$f" --csv "${QARGS[@]}"
	cp "$T_DIR/err" "$d/err"
	if ! gs_ok "$name:run"; then
		return 1
	fi
	for i in "${!Q_KIND[@]}"; do : >"$d/${Q_KIND[$i]}"; done
	awk -v heads="$(IFS=';'; echo "${Q_HEAD[*]}")" -v kinds="${Q_KIND[*]}" -v d="$d" '
		BEGIN { n = split(heads, h, ";"); split(kinds, k, " ")
			for (i = 1; i <= n; i++) kind[h[i]] = k[i] }
		$0 in kind { out = d "/" kind[$0]; next }
		{ print > out }' "$T_DIR/out"
}

# oracle FILE: one line per frame of FILE, from tshark:
#   caplen len kinds need e_ip4 e_ip6 e_l4
# kinds: the queries the frame gives a row to over the whole capture
# (ip4,ip6,tcp4,tcp,udp,icmp joined by ','; '-' for none); need: where its
# last header ends; e_ip4/e_ip6/e_l4: what the IPv4, IPv6 and transport
# rows need captured.
oracle() {
	tshark_fields "$1" "" frame.cap_len frame.len frame.protocols ip.hdr_len \
		ipv6.hopopts.len_oct ipv6.routing.len_oct ipv6.dstopts.len_oct tcp.hdr_len |
	awk -F'|' '
	function first(x,   a) { split(x, a, ";"); return a[1] + 0 }
	function sum(x,   a, n, i, s) { n = split(x, a, ";"); for (i = 1; i <= n; i++) s += a[i]; return s }
	{
		n = split($3, P, ":"); l2 = 0
		for (i = 1; i <= n; i++) {
			t = P[i]
			if (t == "eth") l2 += 14
			else if (t == "sll") l2 += 16
			else if (t == "null") l2 += 4
			else if (t == "vlan" || t == "ieee8021ad") l2 += 4
			else if (t == "pppoes") l2 += 6
			else if (t == "ppp") l2 += 2
			else if (t != "ethertype" && t != "raw") break
		}
		net = ""; l3 = l2; tr = ""
		if (P[i] == "ip") { net = 4; l3 = l2 + first($4); i++ }
		else if (P[i] == "ipv6") {
			net = 6; l3 = l2 + 40 + sum($5) + sum($6) + sum($7); i++
			for (; P[i] ~ /^ipv6\./; i++) if (P[i] == "ipv6.fraghdr") l3 += 8
		}
		if (net != "" && (P[i] == "tcp" || P[i] == "udp" || P[i] == "icmp" || P[i] == "icmpv6"))
			tr = P[i]
		if (tr == "tcp" && first($8) < 20) tr = "bad"
		fixed = tr == "tcp" ? 20 : tr == "udp" ? 8 : tr == "icmp" || tr == "icmpv6" ? 4 : 0
		need = net == "" ? l2 : l3 + fixed
		k = ""
		if (net == 4) k = k ",ip4"
		if (net == 6) k = k ",ip6"
		if (tr == "tcp") k = k (net == 4 ? ",tcp4,tcp" : ",tcp")
		if (tr == "udp") k = k ",udp"
		if (tr == "icmp" || tr == "icmpv6") k = k ",icmp"
		print $1, $2, (k == "" ? "-" : substr(k, 2)), need, l2 + 20, l2 + 40, l3 + fixed
	}'
}

# want_rows KIND SNAP: the rows of query KIND over the whole capture
# ($full/KIND) kept for the packets whose headers fit in SNAP bytes (0: no
# cut) and their original caplen.
want_rows() {
	local kind=$1 snap=$2
	awk -v kind="$kind" -v snap="$snap" '
		NR == FNR {
			if (("," $3 ",") !~ ("," kind ",")) next
			e = kind == "ip4" ? $5 : kind == "ip6" ? $6 : $7
			if (e > $1) next            # not a row of the whole capture either
			keep[++n] = snap == 0 || e <= snap
			next
		}
		{ if (keep[++r]) print }
		END { if (r != n) print "row count " r " over the whole capture, tshark lists " n }
	' "$T_DIR/frames" "$full/$kind"
}

# stats_of DIR: "malformed truncated" from each statistics line, one per
# query, deduplicated (every query reads the same packets).
stats_of() {
	sed -n 's/^gigsh: [0-9]* packets\{0,1\} seen, \([0-9]*\) malformed, \([0-9]*\) truncated,.*/\1 \2/p' \
		"$1/err" | sort -u
}

if have_pcaps sweep; then
	for rel in $FILES; do
		f=$pcaps/$rel
		name=$rel
		if [ ! -f "$f" ]; then
			fail "$name" "$f is missing from ../shared/pcaps"
			continue
		fi
		oracle "$f" >"$T_DIR/frames"
		full=$T_DIR/full
		rm -rf "$full"
		run_all "$f" "$full" || continue
		# The whole capture: the row counts agree with tshark, the
		# truncated count is that of the original caplen.
		bad=""
		for kind in "${Q_KIND[@]}"; do
			got=$(want_rows "$kind" 0 | grep '^row count')
			[ -n "$got" ] && bad="$bad$kind: $got"$'\n'
		done
		if [ -n "$bad" ]; then
			fail "$name:full-count" "$bad"
			continue
		fi
		want_t=$(awk '$4 > $1 && $4 <= $2 { n++ } END { print "0 " n + 0 }' "$T_DIR/frames")
		check_eq "$name:full:stats(malformed truncated)" "$(stats_of "$full")" "$want_t"

		for n in $SNAPS; do
			cut=$T_DIR/cut.pcap
			if ! editcap -s "$n" "$f" "$cut" 2>"$T_DIR/editcap.err"; then
				fail "$name:s$n" "editcap -s $n failed:" "$(cat "$T_DIR/editcap.err")"
				continue
			fi
			rm -rf "$T_DIR/cut"
			run_all "$cut" "$T_DIR/cut" || continue
			: >"$T_DIR/want"
			: >"$T_DIR/got"
			for kind in "${Q_KIND[@]}"; do
				want_rows "$kind" "$n" | sed "s/^/$kind: /" >>"$T_DIR/want"
				sed "s/^/$kind: /" "$T_DIR/cut/$kind" >>"$T_DIR/got"
			done
			check_files "$name:s$n:rows" "$T_DIR/got" "$T_DIR/want"
			want_t=$(awk -v s="$n" '{ c = $1 < s ? $1 : s } $4 > c && $4 <= $2 { n++ }
				END { print "0 " n + 0 }' "$T_DIR/frames")
			check_eq "$name:s$n:stats(malformed truncated)" "$(stats_of "$T_DIR/cut")" "$want_t"
			echo "# $name -s $n: $(wc -l <"$T_DIR/want") rows, malformed and truncated: $want_t"
		done
	done
fi

t_end
