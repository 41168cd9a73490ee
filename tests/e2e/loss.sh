#!/bin/bash
# loss.sh: every place gigsh can lose a packet or a tuple has a counter,
# and each counter moves when its loss is forced.  Expected values come
# from the crafted inputs (worked out by hand) or from tshark, never from
# gigsh itself.
#
#   truncated   the crafted "trunc" capture: two of its four packets are cut
#               inside their IP or TCP header (the third only in its
#               payload), so 0 malformed and 2 truncated packets.
#   malformed   the crafted "badihl" capture: 3 bogus IPv4 headers.
#   group cap   --group-memory small: some groups are refused, with one
#               WARNING; every row printed is exact against tshark, fewer
#               rows than tshark's groups, and \stats shows the refusals.
#   file ring   a reader that stops reading: the ring blocks the file
#               reader, nothing is lost (rows = tshark's count).
#   live ring   a reader that stops reading during a live run: the ring
#               fills, tuples are dropped and counted, and rows + dropped =
#               tuples from the LFTA.
#   kernel      gigsh stopped (SIGSTOP) while 20,000 packets arrive with a
#               64 KiB buffer: the kernel drops, and seen + dropped =
#               received by filter.
#   interface   the receiving end's MTU below the frame size: the 5 pings
#               of 1,042-byte frames are dropped by the interface (veth
#               counts them in rx_dropped), counted as 5 "dropped by
#               interface".
#   periodic    --stats-interval 1 prints counter lines during a live run.
# The live parts need root and network namespaces (skipped otherwise).
. "$(dirname "$0")/../lib.sh"
t_begin loss
need_gigsh

# stat_num FILE PHRASE: the number before PHRASE in gigsh's stderr (0 when absent).
stat_num() {
	local n
	n=$(grep -o -E "[0-9]+ ${2}" "$1" | tail -n 1 | cut -d' ' -f1)
	echo "${n:-0}"
}

# ---- malformed and truncated (crafted, by hand) --------------------------------
trunc=$(mk trunc trunc.pcap)
gs -r "$trunc" --csv -t -c "SELECT srcIP, destPort FROM TCP" -c '\stats'
if gs_ok truncated-run; then
	line=$(grep -E '^gigsh: 4 packets seen' "$T_DIR/err" | head -n 1)
	check_eq truncated-count "$(printf '%s\n' "$line" | grep -o -E '[0-9]+ malformed, [0-9]+ truncated')" \
		"0 malformed, 2 truncated"
	check_eq truncated-in-stats "$(grep -E '^  packets (malformed|truncated)' "$T_DIR/out" | awk '{ print $NF }' | tr '\n' ' ')" "0 2 "
	# a file has no kernel or interface counts: n/a, not 0
	check_eq kernel-na-for-files "$(grep -E '^  packets dropped by (kernel|interface)' "$T_DIR/out" | awk '{ print $NF }' | sort -u)" "n/a"
fi

# malformed: the crafted "badihl" capture has IHL 3 (under 20 bytes), IHL 15
# (a 60-byte header in a 40-byte datagram) and a total length of 10 (under
# the header) next to one good UDP packet: 3 malformed, none cut (tshark
# says "Bogus IP header length" once and "Bogus IP length" twice)
badihl=$(mk badihl badihl.pcap)
gs -r "$badihl" --csv -t -c "SELECT srcIP FROM IPV4"
if gs_ok malformed-run; then
	check_eq malformed-count "$(grep -o -E '[0-9]+ malformed, [0-9]+ truncated' "$T_DIR/err" | head -n 1)" \
		"3 malformed, 0 truncated"
fi

# ---- the group memory cap (tshark as the oracle) ---------------------------------
if have_pcaps group-cap; then
	cap=$pcaps/ndpi/skype.pcap
	# the first ip.src: an ICMP error also carries the packet it quotes
	tshark_fields "$cap" "ip" ip.src | cut -d';' -f1 | sort | uniq -c | awk '{ print $2 "," $1 }' | sort >"$T_DIR/ts.groups"
	ngroups=$(wc -l <"$T_DIR/ts.groups")
	q="SELECT srcIP, COUNT(*) FROM IPV4 GROUP BY srcIP"
	gs -r "$cap" --csv -t -c "$q"
	if gs_ok group-cap-uncapped; then
		sort "$T_DIR/out" >"$T_DIR/all"
		check_files group-cap-uncapped-exact "$T_DIR/all" "$T_DIR/ts.groups"
		check_eq group-cap-uncapped-none-refused "$(stat_num "$T_DIR/err" 'tuples? refused')" 0
	fi
	gs -r "$cap" --csv -t --group-memory 9k -c "$q" -c '\stats'
	if gs_ok group-cap-run; then
		grep -E '^[0-9.]+,[0-9]+$' "$T_DIR/out" | sort >"$T_DIR/capped"
		n=$(wc -l <"$T_DIR/capped")
		refused=$(stat_num "$T_DIR/err" 'tuples? refused by the group memory cap')
		if [ "$n" -gt 0 ] && [ "$n" -lt "$ngroups" ] && [ "$refused" -gt 0 ]; then
			ok group-cap-refuses
		else
			fail group-cap-refuses "$n rows of $ngroups groups, $refused refused"
		fi
		# the groups that were admitted are exact
		check_eq group-cap-admitted-exact "$(comm -23 "$T_DIR/capped" "$T_DIR/ts.groups")" ""
		check_eq group-cap-one-warning "$(grep -c 'reached the memory cap' "$T_DIR/err")" 1
		check_eq group-cap-in-stats \
			"$(awk -F, '$2 == "HFTA aggregate" { print $10 }' "$T_DIR/out")" "$refused"
		check_eq group-cap-loss-line \
			"$(grep -E '^  tuples refused by the group memory cap' "$T_DIR/out" | awk '{ print $NF }')" "$refused"
	fi
	gs -r "$cap" --group-memory 12x -c "$q"
	check_eq group-cap-bad-size "$GS_RC:$(grep -c 'invalid group memory' "$T_DIR/err")" "1:1"
fi

# ---- file input: a slow reader blocks, nothing is lost ---------------------------
if have_pcaps file-ring; then
	big=$pcaps/ndpi/skype.pcap
	want=$(tshark_fields "$big" "ip" frame.number | wc -l)
	timeout -k 5 120 "$gigsh" -r "$big" --csv -t -c "SELECT timestamp, srcIP, destIP, len FROM IPV4" \
		2>"$T_DIR/err" </dev/null | { sleep 2; wc -l; } >"$T_DIR/n"
	check_eq file-ring-blocks-nothing-lost "$(cat "$T_DIR/n"):$(stat_num "$T_DIR/err" 'tuples? lost')" "$want:0"
fi

# ---- live ------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	skip live "needs root for network namespaces"
	t_end
fi
for tool in ip tcpreplay ping; do
	if ! command -v $tool >/dev/null; then
		skip live "$tool not installed (apt-get install iproute2 tcpreplay iputils-ping)"
		t_end
	fi
done
if ! { netns_pair x &&
	ip -n "$ns_a" addr add 10.201.9.1/24 dev vethA && ip -n "$ns_b" addr add 10.201.9.2/24 dev vethB; } \
	2>>"$T_DIR/ip.err"; then
	skip live "cannot create network namespaces here: $(head -n 1 "$T_DIR/ip.err")"
	t_end
fi
netns_no_ipv6
netns_up

# 20,000 UDP packets to port 9999, 1,000 bytes of payload each
for _ in $(seq 20000); do
	echo "udp src=10.201.9.1 dst=10.201.9.2 sport=1000 dport=9999 plen=1000"
done >"$T_DIR/flood.desc"
"$mkpcap" -d "$T_DIR/flood.desc" "$T_DIR/flood.pcap" || { fail flood-pcap "mkpcap failed"; t_end; }
qwide="SELECT timestamp, UDP_data FROM UDP WHERE destPort = 9999"
qnarrow="SELECT timestamp, destPort FROM UDP WHERE destPort = 9999"
# compile both modules now (private cache): the live runs start at once
gs -r "$T_DIR/flood.pcap" --csv -t -c "$qwide" -c "$qnarrow"
gs_ok flood-file-run || t_end
check_eq flood-file-rows "$(wc -l <"$T_DIR/out")" 40000

# listen NAME ARGS...: gigsh on vethB in the background, SIGINT after 30 s at
# the latest (the test sends it earlier); stdout to $T_DIR/NAME.out.
listen() {
	local name=$1
	shift
	timeout --foreground -s INT -k 5 30 ip netns exec "$ns_b" "$gigsh" -i vethB --csv -t "$@" \
		>"$T_DIR/$name.out" 2>"$T_DIR/$name.err" </dev/null &
	gs_pid=$!
}
# gigsh_pid: the gigsh process itself (under timeout and ip netns exec)
gigsh_pid() {
	pgrep -n -f "^$gigsh -i vethB" || true
}
stop() {
	local p
	p=$(gigsh_pid)
	[ -n "$p" ] && kill -INT "$p"
	wait "$gs_pid"
	GS_RC=$?
}

# the ring: a reader that does not read for 4 s while the flood arrives
timeout --foreground -s INT -k 5 30 ip netns exec "$ns_b" "$gigsh" -i vethB --csv -t -c "$qwide" \
	2>"$T_DIR/ring.err" </dev/null | { sleep 4; wc -l; } >"$T_DIR/ring.n" &
ring_pid=$!
sleep 1.5
ip netns exec "$ns_a" timeout 20 tcpreplay -q -t -i vethA "$T_DIR/flood.pcap" >/dev/null 2>&1
sleep 4
p=$(gigsh_pid); [ -n "$p" ] && kill -INT "$p"
wait "$ring_pid"
rows=$(cat "$T_DIR/ring.n")
lost=$(stat_num "$T_DIR/ring.err" 'tuples? lost between LFTA and HFTA')
tuples=$(stat_num "$T_DIR/ring.err" 'tuples? from LFTA')
if [ "$lost" -gt 0 ] && [ "$((rows + lost))" -eq "$tuples" ] && [ "$tuples" -le 20000 ]; then
	ok live-ring-drops-counted
else
	fail live-ring-drops-counted "rows $rows, lost $lost, LFTA tuples $tuples:" "$(cat "$T_DIR/ring.err")"
fi

# the kernel: gigsh stopped while the flood arrives into a 64 KiB buffer
listen kern -B 64 -c "$qnarrow"
sleep 1.5
p=$(gigsh_pid)
kill -STOP "$p"
ip netns exec "$ns_a" timeout 20 tcpreplay -q -t -i vethA "$T_DIR/flood.pcap" >/dev/null 2>&1
sleep 0.5
kill -CONT "$p"
sleep 1
stop
kdrop=$(stat_num "$T_DIR/kern.err" 'packets? dropped by kernel')
krecv=$(stat_num "$T_DIR/kern.err" 'packets? received by filter')
kseen=$(stat_num "$T_DIR/kern.err" 'packets? captured')
if [ "$kdrop" -gt 0 ] && [ "$((kseen + kdrop))" -eq "$krecv" ] && [ "$krecv" -ge 20000 ]; then
	ok live-kernel-drops-counted
else
	fail live-kernel-drops-counted "captured $kseen, dropped $kdrop, received $krecv:" "$(cat "$T_DIR/kern.err")"
fi

# the interface: frames longer than the receiver's MTU; --stats-interval 1
# must print counter lines meanwhile
ip -n "$ns_b" link set vethB mtu 500
rx_dropped() { ip netns exec "$ns_b" cat /sys/class/net/vethB/statistics/rx_dropped; }
before=$(rx_dropped)
listen ifc --stats-interval 1 -c "SELECT srcIP, destIP FROM ICMP"
sleep 1.5
ip netns exec "$ns_a" timeout 20 ping -c 5 -i 0.2 -W 1 -s 1000 10.201.9.2 >/dev/null 2>&1
sleep 2.5
stop
after=$(rx_dropped)
# at least the 5 pings; no more than the kernel counted around the run
# (veth also counts a few drops of its own in rx_dropped)
ifdrop=$(stat_num "$T_DIR/ifc.err" 'packets? dropped by interface')
if [ "$ifdrop" -ge 5 ] && [ "$ifdrop" -le "$((after - before))" ]; then
	ok live-interface-drops-counted
else
	fail live-interface-drops-counted "gigsh says $ifdrop, rx_dropped went from $before to $after"
fi
check_eq live-interface-nothing-captured "$(wc -l <"$T_DIR/ifc.out")" 0
n=$(grep -c -E '^gigsh: after [0-9]+ s: .* dropped by interface' "$T_DIR/ifc.err")
if [ "$n" -ge 2 ]; then
	ok live-periodic-counters
else
	fail live-periodic-counters "$n counter lines:" "$(cat "$T_DIR/ifc.err")"
fi
if grep -q -E '^gigsh: after .* ([5-9]|[1-9][0-9]+) dropped by interface' "$T_DIR/ifc.err"; then
	ok live-periodic-shows-interface-drops
else
	fail live-periodic-shows-interface-drops "$(cat "$T_DIR/ifc.err")"
fi
for f in ring kern ifc; do
	sanitizer_report "$T_DIR/$f.err" && fail "no-sanitizer-report-$f" "$(head -n 30 "$T_DIR/$f.err")"
done
t_end
