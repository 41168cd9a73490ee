#!/bin/bash
# robustness.sh: every capture of ../shared/pcaps (damaged, truncated,
# gzip'ed and random ones included) and every crafted one goes through
# gigsh.  gigsh must never crash: exit status 0, or 1 with a message on
# stderr that names the file when it cannot read the file at all (gzip,
# not a capture, a link type it does not decode), or 3 with such a message
# when reading fails part way (a record cut short: the queries had started,
# and 3 is the status of an error while running); never a signal, a
# time-out or a sanitizer report.  Where gigsh read the whole file (status 0), its row counts must
# equal tshark's: every frame for ETH; for IPV4 (selecting srcIP) the frames
# whose outermost network header is IPv4 with its addresses decoded; for TCP
# those with a whole TCP header (tshark decoded its last field, the urgent
# pointer, and the data offset is >= 5)
# right after the outer IP header and its IPv6 extension headers.
. "$(dirname "$0")/../lib.sh"
t_begin robustness
need_gigsh

# Files no capture library reads as they are: gigsh must refuse them at
# start-up, with exit status 1.
UNREADABLE=" wireshark/communityid.pcap.gz wireshark/dns+icmp.pcapng.gz zeek/echo-connections.pcap.gz
pcapfix/test_without_pcap_header.pcap tcpdump/cve2015-0261-ipv6.pcap tcpdump/ppp-invalid-lengths.pcap
bad:zero-bytes bad:text bad:short-header "

ALL="SELECT * FROM ETH;SELECT * FROM IPV4;SELECT * FROM IPV6;SELECT * FROM TCP;SELECT * FROM UDP;SELECT * FROM ICMP;SELECT * FROM DataProtocol"

# sweep NAME FILE: the no-crash checks, then (outside ASan) the counts.
sweep() {
	local name=$1 f=$2 base
	base=$(basename "$f")
	local args=() q
	IFS=';' read -r -a qs <<<"$ALL"
	for q in "${qs[@]}"; do args+=(-c "$q"); done
	gs -q -r "$f" --csv -t "${args[@]}"
	if sanitizer_report "$T_DIR/err"; then
		fail "$name" "sanitizer report:" "$(grep -A 25 -m 1 -E 'ERROR:|runtime error' "$T_DIR/err")"
		return
	fi
	local want_rc="0, 1 or 3"
	case " $(echo $UNREADABLE) " in *" $name "*) want_rc=1 ;; esac
	case $GS_RC in
	0 | 1 | 3)
		if [ "$GS_RC" -ne 0 ] && ! grep -q -F "$base" "$T_DIR/err"; then
			fail "$name" "exit status $GS_RC but stderr does not name $base:" "$(head -n 5 "$T_DIR/err")"
			return
		fi
		if [ "$want_rc" = 1 ] && [ "$GS_RC" -ne 1 ]; then
			fail "$name" "exit status $GS_RC, want 1 (a file gigsh cannot read); stderr:" "$(head -n 5 "$T_DIR/err")"
			return
		fi
		;;
	*)
		fail "$name" "exit status $GS_RC (want $want_rc with a message); stderr:" "$(head -n 30 "$T_DIR/err")"
		return
		;;
	esac
	ok "$name (exit $GS_RC)"
	[ "$GIGSH_ASAN" = 1 ] && return
	[ "$GS_RC" -eq 0 ] || return
	# badihl's total lengths shorter than the header: gigsh keeps the IPv4
	# fields (docs/packet-schema.md), tshark decodes no addresses; crafted.sh
	# checks that file row by row instead.
	[ "$name" = mkpcap:badihl ] && return

	# Counts against tshark (which can read everything gigsh can).
	local want got
	want=$(tshark_fields "$f" "" frame.protocols ip.src tcp.urgent_pointer tcp.hdr_len |
		awk -F'|' -v L2="$TS_L2" '
		function first(x,   a) { split(x, a, ";"); return a[1] }
		{ eth++ }
		$1 ~ (L2 "ip(:|$)") && first($2) != "" { ip4++ }
		$1 ~ (L2 "(ip|ipv6(:ipv6\\.[a-z]+)*):tcp(:|$)") && first($3) != "" && first($4) >= 20 { tcp++ }
		END { printf "%d %d %d\n", eth, ip4, tcp }')
	local q_eth="SELECT time FROM ETH" q_ip="SELECT srcIP FROM IPV4" q_tcp="SELECT srcPort FROM TCP"
	got=""
	for q in "$q_eth" "$q_ip" "$q_tcp"; do
		gs -q -r "$f" --csv -t -c "$q"
		if [ "$GS_RC" -ne 0 ]; then
			fail "$name:count" "'$q' exited $GS_RC:" "$(head -n 5 "$T_DIR/err")"
			return
		fi
		got="$got $(wc -l <"$T_DIR/out")"
	done
	check_eq "$name:count(eth ipv4 tcp)" "${got# }" "$want"
}

if have_pcaps shared; then
	while IFS= read -r f; do
		sweep "${f#$pcaps/}" "$f"
	done < <(find "$pcaps" -type f ! -name '*.md' | sort)
fi

for s in basic vlan ipv6ext frag4 trunc badihl empty nsec raw null sll payloads; do
	sweep "mkpcap:$s" "$(mk $s $s.pcap)"
done

# Not captures at all: an empty file, text, a header cut short, a record
# whose length runs past the end of the file.
: >"$T_DIR/zero-bytes.pcap"
echo "hello, this is not a capture" >"$T_DIR/text.pcap"
head -c 10 "$(mk basic cut.pcap)" >"$T_DIR/short-header.pcap"
f=$(mk basic long-record.pcap)
head -c 60 "$f" >"$T_DIR/cut-record.pcap"
for f in zero-bytes text short-header cut-record; do
	sweep "bad:$f" "$T_DIR/$f.pcap"
done
# A missing file must be an exit 1 with a message.
gs -q -r "$T_DIR/no-such-file.pcap" -c "SELECT time FROM ETH"
if [ "$GS_RC" -eq 1 ] && grep -q 'no-such-file.pcap' "$T_DIR/err"; then
	ok missing-file
else
	fail missing-file "exit $GS_RC; stderr:" "$(head -n 5 "$T_DIR/err")"
fi

t_end
