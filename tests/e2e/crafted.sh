#!/bin/bash
# crafted.sh: queries over captures built by tests/tools/mkpcap, whose
# expected rows are worked out by hand from the scenario descriptions
# (mkpcap -p SCENARIO prints them).  Checksums were computed with the
# RFC 1071 sum over the header bytes and agree with tshark's.
. "$(dirname "$0")/../lib.sh"
t_begin crafted
need_gigsh

# q NAME FILE QUERY WANT: rows of `gigsh -q --csv -t` must equal WANT.
q() {
	local name=$1 file=$2 query=$3 want=$4
	gs -q -r "$file" --csv -t -c "$query"
	gs_ok "$name" || return 0
	check_eq "$name" "$(cat "$T_DIR/out")" "$want"
}

# ---- basic: five packets ---------------------------------------------------
# 1 TCP  10.0.0.1:40000 -> 10.0.0.2:443  SYN, t=1700000000.000001, 54 bytes
# 2 UDP  10.0.0.3:5353 -> 8.8.8.8:53 "hello", t=...000.5, 47 bytes
# 3 TCP  [2001:db8::1]:50000 -> [2001:db8::2]:443 "abc", t=...001.25, 77 bytes
# 4 ICMP echo request 192.168.1.1 -> 192.168.1.2, t=...002, 50 bytes
# 5 TCP  172.16.0.1:443 -> 172.16.0.2:40000 SYN+ACK "0123456789", t=...003.999999, 64 bytes
f=$(mk basic basic.pcap)
q eth-time "$f" "SELECT time, timestamp, len, caplen FROM ETH" \
"1700000000,1700000000000001000,54,54
1700000000,1700000000500000000,47,47
1700000001,1700000001250000000,77,77
1700000002,1700000002000000000,50,50
1700000003,1700000003999999000,64,64"
q eth-mac "$f" "SELECT srcMAC, destMAC, ethertype FROM ETH" \
"73588229205,112663578913467,2048
2199023255553,2199023255554,2048
2199023255553,2199023255554,34525
2199023255553,2199023255554,2048
2199023255553,2199023255554,2048"
q ipv4-all "$f" "SELECT ipversion, hdr_length, tos, total_length, id, offset, more_fragments, dont_fragment, ttl, protocol, checksum, srcIP, destIP FROM IPV4" \
"4,20,0,40,4660,0,false,true,64,6,5274,10.0.0.1,10.0.0.2
4,20,0,33,7,0,false,false,32,17,32947,10.0.0.3,8.8.8.8
4,20,0,36,99,0,false,false,255,1,14370,192.168.1.1,192.168.1.2
4,20,16,50,0,0,false,false,64,6,8851,172.16.0.1,172.16.0.2"
q ipv6-all "$f" "SELECT srcIP6, destIP6, traffic_class, flow_label, payload_length, next_header, hop_limit FROM IPV6" \
"2001:db8::1,2001:db8::2,40,74565,23,6,60"
q tcp-all "$f" "SELECT srcPort, destPort, data_length, sequence_number, ack_number, flags, window, tcp_hdr_length, urgent_ptr, TCP_data FROM TCP" \
"40000,443,0,1000,0,2,64240,20,0,
50000,443,3,7,9,24,65535,20,0,abc
443,40000,10,5000,1001,18,1000,20,0,0123456789"
q tcp-v4-only "$f" "SELECT srcIP, srcPort FROM TCP" \
"10.0.0.1,40000
172.16.0.1,443"
q dataprotocol "$f" "SELECT srcPort, destPort, data_length FROM DataProtocol" \
"40000,443,0
5353,53,5
50000,443,3
443,40000,10"
q port-aliases "$f" "SELECT source_port, dest_port FROM UDP" "5353,53"
q udp-all "$f" "SELECT udp_length, udp_checksum, UDP_data, data_length FROM UDP" "13,36049,hello,5"
q icmp "$f" "SELECT icmp_type, icmp_code, srcIP FROM ICMP" "8,0,192.168.1.1"
q where-443 "$f" "SELECT time, srcIP, destIP, srcPort, destPort, len FROM TCP WHERE destPort = 443" \
"1700000000,10.0.0.1,10.0.0.2,40000,443,54"
q where-ip-val "$f" "SELECT srcPort FROM TCP WHERE srcIP = IP_VAL'172.16.0.1'" "443"
q where-flags "$f" "SELECT srcPort FROM TCP WHERE (flags & 2) = 2" "40000
443"
q where-and-or "$f" "SELECT srcPort FROM DataProtocol WHERE destPort = 53 OR (destPort = 443 AND data_length > 0)" "5353
50000"
q case-insensitive "$f" "select SRCPORT from tcp where DESTPORT = 443" "40000
50000"
q no-rows "$f" "SELECT srcPort FROM TCP WHERE destPort = 1" ""

# ---- vlan: tags --------------------------------------------------------------
# 1 UDP in 802.1Q 11 (priority 5); 2 UDP in 802.1ad 100 + 802.1Q 200;
# 3 TCP in 802.1Q 300 + 802.1Q 301; 4 UDP untagged; 5 IPv6 TCP in 802.1Q 12
f=$(mk vlan vlan.pcap)
q vlan-udp "$f" "SELECT vlan_id, srcPort FROM UDP" \
"11,1111
100,2222"
q vlan-inner "$f" "SELECT vlan_id, inner_vlan_id, ethertype FROM ETH" \
"100,200,2048
300,301,2048"
q vlan-ethertype "$f" "SELECT ethertype, srcPort FROM DataProtocol" \
"2048,1111
2048,2222
2048,3333
2048,4444
34525,5555"
q vlan-ipv6 "$f" "SELECT srcIP6, vlan_id FROM IPV6" "2001:db8::a,12"

# ---- ipv6ext: extension headers and fragments ----------------------------------
# 1 TCP after hop-by-hop + destination options; 2 UDP after a routing
# header; 3 first fragment (UDP header inside); 4 second fragment (offset
# 24, no UDP header); 5 ICMPv6 echo request fe80::1 -> ff02::1
f=$(mk ipv6ext ipv6ext.pcap)
q ip6ext-fixed "$f" "SELECT next_header, payload_length, hop_limit, traffic_class, flow_label FROM IPV6" \
"0,37,64,40,74565
43,18,64,0,0
44,32,64,0,0
44,24,64,0,0
58,14,64,0,0"
q ip6ext-tcp "$f" "SELECT srcPort, destPort, data_length, TCP_data FROM TCP" "1000,2000,1,x"
q ip6ext-udp "$f" "SELECT srcPort, destPort FROM UDP" \
"1001,53
1002,53"
q ip6ext-udp-data "$f" "SELECT data_length, UDP_data FROM UDP WHERE srcPort = 1001" "2,yy"
q ip6ext-icmp6 "$f" "SELECT icmp_type, icmp_code, srcIP6, destIP6 FROM ICMP" "128,0,fe80::1,ff02::1"

# ---- frag4: an IPv4 fragment pair --------------------------------------------------
# The second fragment starts 24 bytes in: offset is the header's field, in
# 8-byte units (docs/packet-schema.md), so 3.
f=$(mk frag4 frag4.pcap)
q frag4-ipv4 "$f" "SELECT id, offset, more_fragments, dont_fragment, total_length, protocol FROM IPV4" \
"16962,0,true,false,44,17
16962,3,false,false,28,17"
q frag4-udp "$f" "SELECT srcPort, destPort FROM UDP" "7777,53"
q frag4-data "$f" "SELECT srcPort FROM DataProtocol" "7777"

# ---- trunc: snaplen cuts ---------------------------------------------------------
# 1 cut inside the TCP header (44 of 64 bytes); 2 inside the IP header (24
# of 64); 3 inside the payload (58 of 64: 4 of 10 payload bytes); 4 whole UDP
f=$(mk trunc trunc.pcap)
q trunc-eth "$f" "SELECT caplen, len FROM ETH" \
"44,64
24,64
58,64
52,52"
q trunc-ipv4 "$f" "SELECT srcIP, caplen FROM IPV4" \
"10.5.5.1,44
10.5.5.5,58
10.5.5.7,52"
q trunc-tcp "$f" "SELECT srcPort, data_length, TCP_data FROM TCP" "1236,10,0123"
q trunc-data "$f" "SELECT srcPort FROM DataProtocol" \
"1236
1237"

# ---- badihl: invalid IPv4 headers ----------------------------------------------------
# 1 IHL 3; 2 IHL 15 in a 40-byte datagram; 3 good UDP; 4 total length 10.
# IHL < 5 means no network layer; a total length shorter than the header
# leaves the IPv4 fields readable but no transport (docs/packet-schema.md;
# tshark and tcpdump decode no addresses there: "bogus IP length").
f=$(mk badihl badihl.pcap)
q badihl-ipv4 "$f" "SELECT srcIP FROM IPV4" \
"10.6.6.3
10.6.6.5
10.6.6.7"
q badihl-eth "$f" "SELECT len FROM ETH" \
"54
54
42
42"
q badihl-tcp "$f" "SELECT srcPort FROM TCP" ""
q badihl-udp "$f" "SELECT srcPort, destPort, data_length FROM UDP" "5,6,0"

# ---- empty: no packets ----------------------------------------------------------------
f=$(mk empty empty.pcap)
q empty-rows "$f" "SELECT time FROM ETH" ""
gs -q -r "$f" --csv -c "SELECT time, srcIP FROM TCP"
gs_ok empty-header && check_eq empty-header "$(cat "$T_DIR/out")" "time,srcIP"

# ---- nsec: nanosecond timestamps -----------------------------------------------------
f=$(mk nsec nsec.pcap)
q nsec "$f" "SELECT time, timestamp, srcPort FROM UDP" \
"1700000600,1700000600123456789,1
1700000600,1700000600999999999,3
1700000601,1700000601000000001,5"
f=$(mk basic basic-ns.pcap -N)
q nsec-forced "$f" "SELECT timestamp FROM ICMP" "1700000002000000000"

# ---- link types: raw IP, BSD loopback, Linux cooked ------------------------------------
for link in raw null sll; do
	f=$(mk $link $link.pcap)
	q $link-tcp "$f" "SELECT srcPort, destPort, TCP_data FROM TCP" \
"1,2,v4
3,4,v6"
	q $link-ipv4 "$f" "SELECT srcIP, destIP, total_length FROM IPV4" "10.8.8.1,10.8.8.2,42"
	q $link-ipv6 "$f" "SELECT srcIP6, destIP6, payload_length FROM IPV6" "2001:db8::8,2001:db8::9,22"
	q $link-no-mac "$f" "SELECT srcMAC FROM ETH" ""
	q $link-len "$f" "SELECT time, caplen FROM ETH" \
"1700000700,$([ $link = raw ] && echo 42 || { [ $link = null ] && echo 46 || echo 58; })
1700000701,$([ $link = raw ] && echo 62 || { [ $link = null ] && echo 66 || echo 78; })"
done

# ---- demo: the set-up's capture, checked row by row against tshark --------------------
if [ "$GIGSH_ASAN" != 1 ]; then
	f=$(mk demo demo.pcap)
	gs -q -r "$f" --csv -t -c "SELECT time, srcIP, destIP, srcPort, destPort, len FROM TCP WHERE destPort = 443"
	if gs_ok demo-443; then
		tshark_fields "$f" "ip && tcp.dstport == 443" frame.time_epoch ip.src ip.dst \
			tcp.srcport tcp.dstport frame.len |
			awk -F'|' -v OFS=, '{ split($1, t, "."); print t[1], $2, $3, $4, $5, $6 }' >"$T_DIR/want"
		if [ "$(wc -l <"$T_DIR/want")" -lt 100 ]; then
			fail demo-443 "tshark found only $(wc -l <"$T_DIR/want") packets to port 443"
		else
			check_files demo-443 "$T_DIR/out" "$T_DIR/want"
		fi
	fi
fi

t_end
