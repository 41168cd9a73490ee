#!/bin/bash
# tshark_diff.sh: differential test against tshark over real captures.
#
# For every capture below, tshark decodes each packet once (reassembly off,
# so each line is one packet as captured) and an awk oracle turns its
# fields into the rows that gigsh should print for a set of query shapes
# (TCP over IPv4, TCP over IPv6, UDP, ICMP, IPV4, IPV6, ETH, VLAN).  The
# rows are compared field by field, row by row.
#
# Which packets a shape selects is decided from tshark's protocol stack
# (frame.protocols), outermost first: "eth:ethertype:ip:tcp" is a TCP
# packet; "raw:ip:icmp:ip:tcp" (a TCP header quoted in an ICMP error) is an
# ICMP packet only, as gigsh reads only the outer headers; tunnels (GRE,
# PPPoE) are neither, since gigsh decodes only the link types of packet.h.
# Formats are normalized in awk (hex to decimal, 0/1 to false/true);
# gigsh's output is never edited.  (tshark -T fields prints ip.frag_offset
# in 8-byte units, as the header holds it and as gigsh's offset is.)
. "$(dirname "$0")/../lib.sh"
t_begin tshark_diff
need_gigsh
have_pcaps all || t_end

FILES="
ndpi/reddit.pcap
pathspider/basic_ipv6_tcp.pcap
pathspider/basic_ipv6_udp.pcap
dnscap/vlan11.pcap
tcpdump/802.1ad_QinQ.pcap
ndpi/KakaoTalk_talk.pcap
ndpi/rdp.pcap
dnscap/frags.pcap
pathspider/icmp_ttl.pcap
wireshark/dhcp-nanosecond.pcap
wireshark/dhcp.pcapng
chrissanders/http_ip4and6.pcapng
chrissanders/ip_frag_source.pcapng
chrissanders/ipv6_fragments.pcapng
ndpi/quic-33.pcapng
ndpi/skype.pcap
ndpi/teams.pcap
dpkt/dns_icmp.pcap
dpkt/nb6-http.pcap
zeek/gre-aruba.pcap
wireshark/tcp-badsegments.pcap
tcpdump/ipv6-routing-header.pcap
tcpdump/LINKTYPE_RAW_ipv6.pcap
dnscap/dns.pcap
tcpflow/bug2.pcap
pathspider/real.pcap
ndpi/ip_fragmented_garbage.pcap
ndpi/instagram.pcap
ndpi/zoom2.pcap
ndpi/tor.pcap
zeek/bro.org.pcap
zeek/ip6-udp-bad-chksum.pcap
tcpdump/bigtcp-ipv6.pcap
tcpdump/gso-ipv6.pcap
tcpdump/ip6_frag_asan.pcap
tcpdump/ipv4_invalid_hdr_length.pcap
tcpdump/ipv4_invalid_length.pcap
tcpdump/ipv4_invalid_total_length.pcap
tcpdump/ipv6-bad-version.pcap
tcpdump/ipv6_jumbogram_invalid_length.pcap
tcpdump/quic_handshake_truncated.pcap
tcpdump/esp_truncated.pcap
dpkt/truncated_dns.pcap
"

# The fields tshark prints, in this order (the awk below names them).
TFIELDS="frame.protocols frame.time_epoch frame.len frame.cap_len
eth.src eth.dst eth.type vlan.id vlan.etype ieee8021ad.id sll.etype
ip.version ip.hdr_len ip.dsfield ip.len ip.id ip.frag_offset ip.flags.mf
ip.flags.df ip.ttl ip.proto ip.checksum ip.src ip.dst
ipv6.src ipv6.dst ipv6.tclass ipv6.flow ipv6.plen ipv6.nxt ipv6.hlim
tcp.srcport tcp.dstport tcp.len tcp.seq_raw tcp.ack_raw tcp.flags
tcp.window_size_value tcp.hdr_len tcp.urgent_pointer
udp.srcport udp.dstport udp.length udp.checksum
icmp.type icmp.code icmpv6.type icmpv6.code"

# shape -> gigsh query
declare -A QUERY=(
[tcp4]="SELECT timestamp, len, caplen, ipversion, hdr_length, tos, total_length, id, offset, more_fragments, dont_fragment, ttl, protocol, checksum, srcIP, destIP, srcPort, destPort, sequence_number, ack_number, flags, window, tcp_hdr_length, urgent_ptr, data_length FROM TCP"
[tcp6]="SELECT timestamp, srcIP6, destIP6, traffic_class, flow_label, payload_length, next_header, hop_limit, srcPort, destPort, sequence_number, ack_number, flags, window, data_length FROM TCP"
[udp4]="SELECT timestamp, srcIP, destIP, srcPort, destPort, udp_length, udp_checksum, data_length FROM UDP"
[udp6]="SELECT timestamp, srcIP6, destIP6, srcPort, destPort, udp_length, udp_checksum FROM UDP"
[icmp]="SELECT timestamp, icmp_type, icmp_code FROM ICMP"
[ipv4]="SELECT timestamp, ipversion, hdr_length, total_length, id, offset, more_fragments, protocol, ttl, srcIP, destIP FROM IPV4"
[ipv6]="SELECT timestamp, srcIP6, destIP6, payload_length, next_header, hop_limit FROM IPV6"
[eth]="SELECT timestamp, len, caplen, srcMAC, destMAC FROM ETH"
[etype]="SELECT timestamp, ethertype FROM ETH WHERE ethertype >= 1536"
[vlan]="SELECT timestamp, vlan_id, ethertype FROM ETH"
[inner]="SELECT timestamp, inner_vlan_id FROM ETH"
)
SHAPES="tcp4 tcp6 udp4 udp6 icmp ipv4 ipv6 eth etype vlan inner"

cat >"$T_DIR/oracle.awk" <<'AWK'
# Input: tshark fields separated by '|', occurrences by ';'.
# Output: the CSV rows gigsh should print for shape `shape`.  A field tshark
# could not decode comes out empty; such rows are dropped afterwards, as a
# packet lacking a selected field is no tuple of the query.
BEGIN {
	FS = "|"; OFS = ","
	n = split(fields, names, " ")
	for (i = 1; i <= n; i++) col[names[i]] = i
	# link layers gigsh decodes, then the outermost network header
	X6 = "(ipv6\\.[a-z]+:)*"
}
function all(name) { return $(col[name]) }
function first(name,   a) { split($(col[name]), a, ";"); return a[1] }
function nth(name, k,   a) { return split($(col[name]), a, ";") >= k ? a[k] : "" }
function last(name,   a, m) { m = split($(col[name]), a, ";"); return m ? a[m] : "" }
function hex(s,   v, i) {
	if (s == "") return ""
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return sprintf("%.0f", v)
}
function mac(s) { gsub(/:/, "", s); return hex(s) }
function bool(s) { return s == "" ? "" : s == "1" || s == "True" ? "true" : "false" }
function ts() { s = first("frame.time_epoch"); sub(/\./, "", s); sub(/^0+/, "", s); return s == "" ? "0" : s }
function is(re) { return first("frame.protocols") ~ (L2 re) }
shape == "tcp4" && is("ip:tcp(:|$)") {
	print ts(), first("frame.len"), first("frame.cap_len"), first("ip.version"),
	      first("ip.hdr_len"), hex(first("ip.dsfield")), first("ip.len"), hex(first("ip.id")),
	      first("ip.frag_offset"), bool(first("ip.flags.mf")), bool(first("ip.flags.df")),
	      first("ip.ttl"), first("ip.proto"), hex(first("ip.checksum")), first("ip.src"),
	      first("ip.dst"), first("tcp.srcport"), first("tcp.dstport"), first("tcp.seq_raw"),
	      first("tcp.ack_raw"), hex(first("tcp.flags")), first("tcp.window_size_value"),
	      first("tcp.hdr_len"), first("tcp.urgent_pointer"), first("tcp.len")
}
shape == "tcp6" && is("ipv6:" X6 "tcp(:|$)") {
	print ts(), first("ipv6.src"), first("ipv6.dst"), hex(first("ipv6.tclass")),
	      hex(first("ipv6.flow")), first("ipv6.plen"), first("ipv6.nxt"), first("ipv6.hlim"),
	      first("tcp.srcport"), first("tcp.dstport"), first("tcp.seq_raw"), first("tcp.ack_raw"),
	      hex(first("tcp.flags")), first("tcp.window_size_value"), first("tcp.len")
}
shape == "udp4" && is("ip:udp(:|$)") {
	# data_length: UDP length - 8 when 8 <= UDP length <= IP payload,
	# else IP payload - 8 (RFC 768: the UDP length bounds the datagram)
	pl = first("ip.len") - first("ip.hdr_len")
	ul = first("udp.length")
	print ts(), first("ip.src"), first("ip.dst"), first("udp.srcport"), first("udp.dstport"),
	      ul, hex(first("udp.checksum")), (ul >= 8 && ul <= pl ? ul - 8 : pl - 8)
}
shape == "udp6" && is("ipv6:" X6 "udp(:|$)") {
	print ts(), first("ipv6.src"), first("ipv6.dst"), first("udp.srcport"), first("udp.dstport"),
	      first("udp.length"), hex(first("udp.checksum"))
}
shape == "icmp" && is("ip:icmp(:|$)") { print ts(), first("icmp.type"), first("icmp.code") }
shape == "icmp" && is("ipv6:" X6 "icmpv6(:|$)") { print ts(), first("icmpv6.type"), first("icmpv6.code") }
shape == "ipv4" && is("ip(:|$)") {
	print ts(), first("ip.version"), first("ip.hdr_len"), first("ip.len"), hex(first("ip.id")),
	      first("ip.frag_offset"), bool(first("ip.flags.mf")), first("ip.proto"),
	      first("ip.ttl"), first("ip.src"), first("ip.dst")
}
shape == "ipv6" && is("ipv6(:|$)") {
	print ts(), first("ipv6.src"), first("ipv6.dst"), first("ipv6.plen"), first("ipv6.nxt"),
	      first("ipv6.hlim")
}
shape == "eth" && first("frame.protocols") ~ /^eth(:|$)/ {
	print ts(), first("frame.len"), first("frame.cap_len"), mac(first("eth.src")), mac(first("eth.dst"))
}
shape == "etype" && first("frame.protocols") ~ /^(eth|sll):ethertype(:|$)/ {
	e = all("vlan.etype") != "" ? last("vlan.etype") : all("eth.type") != "" ? first("eth.type") : first("sll.etype")
	if (hex(e) >= 1536) print ts(), hex(e)
}
shape == "vlan" && first("frame.protocols") ~ /^eth:ethertype:(vlan|ieee8021ad)(:|$)/ {
	id = all("ieee8021ad.id") != "" ? first("ieee8021ad.id") : first("vlan.id")
	print ts(), id, hex(last("vlan.etype"))
}
shape == "inner" && first("frame.protocols") ~ /^eth:ethertype:(vlan|ieee8021ad):ethertype:vlan(:|$)/ {
	print ts(), (all("ieee8021ad.id") != "" ? first("vlan.id") : nth("vlan.id", 2))
}
AWK

for rel in $FILES; do
	f=$pcaps/$rel
	if [ ! -f "$f" ]; then
		fail "$rel" "capture missing from ../shared/pcaps"
		continue
	fi
	tshark_fields "$f" "" $TFIELDS >"$T_DIR/tshark.txt"
	if [ ! -s "$T_DIR/tshark.txt" ]; then
		fail "$rel:tshark" "tshark printed nothing for $rel"
		continue
	fi
	for shape in $SHAPES; do
		name=$rel:$shape
		awk -v shape="$shape" -v fields="$(echo $TFIELDS)" -v L2="$TS_L2" -f "$T_DIR/oracle.awk" \
			"$T_DIR/tshark.txt" >"$T_DIR/want.all"
		grep -v -E '(^|,)(,|$)' "$T_DIR/want.all" >"$T_DIR/want"
		dropped=$(( $(wc -l <"$T_DIR/want.all") - $(wc -l <"$T_DIR/want") ))
		gs -q -r "$f" --csv -t -c "${QUERY[$shape]}"
		gs_ok "$name" || continue
		if cmp -s "$T_DIR/out" "$T_DIR/want"; then
			ok "$name ($(wc -l <"$T_DIR/want") rows$([ "$dropped" -gt 0 ] && echo ", $dropped packets lacking a field"))"
		else
			fail "$name" "query: ${QUERY[$shape]}" \
				"$(diff "$T_DIR/want" "$T_DIR/out" | head -n 12)" \
				"(< tshark $(wc -l <"$T_DIR/want") rows, > gigsh $(wc -l <"$T_DIR/out") rows; $dropped tshark rows with an empty field left out)"
			cp "$T_DIR/want" "$T_DIR/want.${rel//\//_}.$shape"
			cp "$T_DIR/out" "$T_DIR/got.${rel//\//_}.$shape"
		fi
	done
done

# TCP payloads, compared as gigsh prints strings: printable ASCII as is,
# backslash doubled, other bytes \xNN.  Read from --json with jq.
for rel in dpkt/http.pcap tcpflow/bug2.pcap chrissanders/http_ip4and6.pcapng; do
	f=$pcaps/$rel
	[ -f "$f" ] || { fail "$rel:payload" "capture missing"; continue; }
	gs -q -r "$f" --json -c "SELECT srcPort, sequence_number, TCP_data FROM TCP WHERE data_length > 0"
	gs_ok "$rel:payload" || continue
	jq -r '"\(.srcPort),\(.sequence_number),\(.TCP_data)"' <"$T_DIR/out" >"$T_DIR/got" 2>"$T_DIR/jqerr" ||
		{ fail "$rel:payload" "jq could not read the JSON lines:" "$(head -n 3 "$T_DIR/jqerr")"; continue; }
	tshark_fields "$f" "tcp.len > 0" frame.protocols tcp.srcport tcp.seq_raw tcp.payload |
		awk -F'|' -v L2="$TS_L2" '
		BEGIN { for (i = 0; i < 256; i++) hexd[sprintf("%02x", i)] = i }
		$1 ~ (L2 "(ip|ipv6(:ipv6\\.[a-z]+)*):tcp(:|$)") {
			split($4, p, ";"); s = ""
			for (i = 1; i < length(p[1]); i += 2) {
				b = hexd[substr(p[1], i, 2)]
				c = substr(p[1], i, 2)
				if (b == 92) s = s "\\\\"
				else if (b >= 32 && b < 127) s = s sprintf("%c", b)
				else s = s "\\x" c
			}
			print $2 "," $3 "," s
		}' >"$T_DIR/want"
	check_files "$rel:payload ($(wc -l <"$T_DIR/want") rows)" "$T_DIR/got" "$T_DIR/want"
done

t_end
