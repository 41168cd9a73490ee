#!/bin/bash
# live.sh: live capture with -i.  Two network namespaces joined by a veth
# pair; gigsh listens on one end (named vethB inside its namespace) for
# ICMP over IPv4 while the other namespace pings it 5 times; SIGINT stops
# gigsh, which must have printed exactly the 5 echo requests and the 5
# replies, in order.  Needs root (skipped otherwise); everything runs under
# timeout(1) and the namespaces are removed on exit.
. "$(dirname "$0")/../lib.sh"
t_begin live
need_gigsh

if [ "$(id -u)" -ne 0 ]; then
	skip ping "needs root for network namespaces"
	t_end
fi
for tool in ip ping; do
	if ! command -v $tool >/dev/null; then
		skip ping "$tool not installed (apt-get install iproute2 iputils-ping)"
		t_end
	fi
done

if ! { netns_pair l &&
	ip -n "$ns_a" addr add 10.201.7.1/24 dev vethA && ip -n "$ns_b" addr add 10.201.7.2/24 dev vethB &&
	ip -n "$ns_a" link set lo up && ip -n "$ns_b" link set lo up; } 2>>"$T_DIR/ip.err"; then
	skip ping "cannot create network namespaces here: $(head -n 1 "$T_DIR/ip.err")"
	t_end
fi

# The link is up and the neighbours known before gigsh listens: no ping
# of the 5 may be lost to a late carrier or to address resolution.
netns_up
timeout 10 ip netns exec "$ns_a" ping -c 1 -W 2 10.201.7.2 >/dev/null 2>&1

q="SELECT srcIP, destIP, protocol FROM IPV4 WHERE protocol = 1"
# Compile the query's module once (the cache is in the private HOME), so
# that gigsh is capturing within a moment of being started.
timeout 120 "$gigsh" -q -r "$(mk basic basic.pcap)" --csv -t -c "$q" >/dev/null 2>&1

# gigsh gets SIGINT from timeout after 10 s, SIGKILL 5 s later if still there.
# --foreground: signal gigsh alone, once (a second SIGINT means "give up now").
timeout --foreground --preserve-status -s INT -k 5 10 ip netns exec "$ns_b" "$gigsh" -q -i vethB --csv -t -c "$q" \
	>"$T_DIR/out" 2>"$T_DIR/err" </dev/null &
gs_pid=$!
sleep 3
timeout 20 ip netns exec "$ns_a" ping -c 5 -i 0.2 -W 2 10.201.7.2 >"$T_DIR/ping" 2>&1
ping_rc=$?
wait "$gs_pid"
GS_RC=$?
# 0: gigsh treated SIGINT as the end of the run, as it must.
case $GS_RC in
0) ok stopped-by-sigint ;;
137) fail stopped-by-sigint "gigsh did not stop on SIGINT (killed after 5 s)" ;;
*) fail stopped-by-sigint "exit status $GS_RC; stderr:" "$(head -n 10 "$T_DIR/err")" ;;
esac
sanitizer_report "$T_DIR/err" && fail no-sanitizer-report "$(head -n 30 "$T_DIR/err")"

if [ "$ping_rc" -ne 0 ]; then
	fail ping "ping itself failed:" "$(cat "$T_DIR/ping")"
else
	want=$(for _ in 1 2 3 4 5; do echo "10.201.7.1,10.201.7.2,1"; echo "10.201.7.2,10.201.7.1,1"; done)
	check_eq ping "$(cat "$T_DIR/out")" "$want"
fi

t_end
