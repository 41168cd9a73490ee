#!/bin/bash
# aggregate_live.sh: aggregation over a live capture.  Two network
# namespaces joined by a veth pair; tcpreplay sends a capture out of one end
# (vethA) while gigsh -i listens on the other (vethB).  SIGINT stops gigsh
# after tcpreplay is done; its per-source packet counts and byte sums must
# be those of the same query run on the file, except that a source may lack
# packets when gigsh's statistics say the kernel dropped some (at most that
# many in all).  A second gigsh, listening at the same time, groups the
# same packets by the second they arrived in: its buckets must come out
# once each, in order, and add up to the same total.  Needs root (skipped
# otherwise); everything runs under timeout(1) and the namespaces are
# removed on exit.
#
# The capture, ndpi/skype.pcap, replays unchanged over a veth: 3284
# untagged Ethernet frames (no VLAN tag for the kernel to strip), none
# longer than 1506 bytes (so none exceeds the 1500-byte MTU and is refused
# by tcpreplay), none cut by the snaplen (tcpreplay sends the captured
# bytes, so a cut frame would arrive shorter).  The namespaces have no IPv4
# address and IPv6 is off in them, so their kernels add no packet of their
# own to the IPv4 traffic gigsh sees (the capture's ARP requests go
# unanswered).  The time buckets of the file's timestamps cannot be compared
# with live ones, hence the query without buckets.
. "$(dirname "$0")/../lib.sh"
t_begin aggregate_live
need_gigsh

if [ "$(id -u)" -ne 0 ]; then
	skip replay "needs root for network namespaces"
	t_end
fi
for tool in ip tcpreplay; do
	if ! command -v $tool >/dev/null; then
		skip replay "$tool not installed (apt-get install iproute2 tcpreplay)"
		t_end
	fi
done
have_pcaps replay || t_end
capture=$pcaps/ndpi/skype.pcap
if [ ! -f "$capture" ]; then
	fail replay "capture ndpi/skype.pcap missing from ../shared/pcaps"
	t_end
fi

if ! netns_pair r; then
	skip replay "cannot create network namespaces here: $(head -n 1 "$T_DIR/ip.err")"
	t_end
fi
netns_no_ipv6
netns_up

q="SELECT srcIP, COUNT(*), SUM(len) FROM IPV4 GROUP BY srcIP"
qt="SELECT tb, COUNT(*), SUM(len) FROM IPV4 GROUP BY time AS tb"
# The file's answer; this also compiles the modules into the private cache,
# so that each gigsh below is capturing within a moment of being started.
gs -q -r "$capture" --csv -t -c "$q"
gs_ok file-run || t_end
sort "$T_DIR/out" >"$T_DIR/file.rows"
gs -q -r "$capture" --csv -t -c "$qt"
gs_ok file-run-buckets || t_end
file_total=$(awk -F, '{ n += $2 } END { print n + 0 }' "$T_DIR/file.rows")
if [ "$file_total" -lt 1000 ]; then
	fail file-run "only $file_total IPv4 packets in the file: the query is wrong"
	t_end
fi

# Both listeners get SIGINT from timeout after 60 s at the latest (SIGKILL
# 5 s later); normally the script sends it to timeout, which passes it on.
# --foreground: without it timeout signals its whole process group as well,
# so gigsh would get SIGINT twice, and a second SIGINT makes gigsh give up
# at once (status 130, no statistics, rows of an open bucket lost).
timeout --foreground -s INT -k 5 60 ip netns exec "$ns_b" "$gigsh" -i vethB --csv -t -c "$q" \
	>"$T_DIR/live.rows" 2>"$T_DIR/live.err" </dev/null &
gs_pid=$!
timeout --foreground -s INT -k 5 60 ip netns exec "$ns_b" "$gigsh" -i vethB --csv -t -c "$qt" \
	>"$T_DIR/live.buckets" 2>"$T_DIR/live-buckets.err" </dev/null &
gs_pid_t=$!
sleep 3
# 1000 packets a second: about 3.3 s, over several 1-s buckets.
timeout 60 ip netns exec "$ns_a" tcpreplay -i vethA --pps=1000 "$capture" >"$T_DIR/tcpreplay" 2>&1
tr_rc=$?
sleep 2
kill -INT "$gs_pid" "$gs_pid_t" 2>/dev/null
wait "$gs_pid"
GS_RC=$?
wait "$gs_pid_t"
GS_RC_T=$?

# 0: gigsh treated SIGINT as the end of the run (gigsh(1)); 124: it ran
# until timeout's own SIGINT after 60 s.
for x in "stopped-by-sigint:$GS_RC:live.err" "buckets-stopped-by-sigint:$GS_RC_T:live-buckets.err"; do
	IFS=: read -r name rc err <<<"$x"
	case $rc in
	0) ok "$name" ;;
	130) fail "$name" "gigsh died of the SIGINT instead of ending the run (status 130)" ;;
	124) fail "$name" "gigsh ran until timeout's SIGINT after 60 s" ;;
	137) fail "$name" "gigsh did not stop on SIGINT (killed after 5 s)" ;;
	*) fail "$name" "exit status $rc; stderr:" "$(head -n 10 "$T_DIR/$err")" ;;
	esac
	sanitizer_report "$T_DIR/$err" && fail "$name:sanitizer" "$(head -n 30 "$T_DIR/$err")"
done

sent=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$T_DIR/tcpreplay")
failed=$(sed -n 's/^[[:space:]]*Failed packets:[[:space:]]*\([0-9]*\).*/\1/p' "$T_DIR/tcpreplay")
if [ "$tr_rc" -ne 0 ] || [ "${failed:-1}" != 0 ] || [ "${sent:-0}" -ne 3284 ]; then
	fail tcpreplay "tcpreplay did not send all 3284 packets (status $tr_rc):" "$(tail -n 12 "$T_DIR/tcpreplay")"
	t_end
fi
ok "tcpreplay (3284 packets sent)"

# kernel_drops ERRFILE, ring_lost ERRFILE: what gigsh's statistics say was
# lost: packets dropped by the kernel (allowed for), tuples lost between
# LFTA and HFTA (not allowed: each may stand for many packets).
kernel_drops() { sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$1"; }
ring_lost() { sed -n 's/.* \([0-9]*\) tuples\{0,1\} lost between LFTA and HFTA.*/\1/p' "$1"; }

# Per source, live counts and sums against the file's.
drops=$(kernel_drops "$T_DIR/live.err")
lost=$(ring_lost "$T_DIR/live.err")
if [ -z "$drops" ]; then
	fail per-source "gigsh printed no \"packets dropped by kernel\" line:" "$(cat "$T_DIR/live.err")"
elif [ -n "$lost" ] && [ "$lost" -gt 0 ]; then
	fail per-source "$lost tuples lost between LFTA and HFTA:" "$(cat "$T_DIR/live.err")"
else
	sort "$T_DIR/live.rows" >"$T_DIR/live.sorted"
	# Every live source is a source of the file with no more packets and
	# no more bytes; all equal when nothing was dropped; the missing
	# packets add up to at most the drops.
	verdict=$(awk -F, -v drops="$drops" '
		NR == FNR { n[$1] = $2; s[$1] = $3; next }
		{
			if (!($1 in n)) { print "source " $1 " is not in the file"; bad = 1; next }
			seen[$1] = 1
			if ($2 > n[$1] || $3 > s[$1]) { print "more than the file: " $0; bad = 1 }
			if ($2 == n[$1] && $3 != s[$1]) { print "same count, other bytes: " $0; bad = 1 }
			missing += n[$1] - $2
		}
		END {
			for (k in n) if (!(k in seen)) missing += n[k]
			if (missing > drops) { print missing " packets missing, " drops " dropped by kernel"; bad = 1 }
			if (!bad) print "ok " missing
		}' "$T_DIR/file.rows" "$T_DIR/live.sorted")
	case $verdict in
	"ok 0") check_files "per-source ($(wc -l <"$T_DIR/file.rows") sources, nothing dropped)" \
			"$T_DIR/live.sorted" "$T_DIR/file.rows" ;;
	"ok "*) ok "per-source (${verdict#ok } packets missing, $drops dropped by kernel)" ;;
	*) fail per-source "$verdict" "$(diff "$T_DIR/file.rows" "$T_DIR/live.sorted" | head -n 10)" ;;
	esac
fi

# The bucketed listener: each second once, in increasing order, adding up to
# the file's total (less its own kernel drops).
drops_t=$(kernel_drops "$T_DIR/live-buckets.err")
lost_t=$(ring_lost "$T_DIR/live-buckets.err")
total=$(awk -F, '{ n += $2 } END { print n + 0 }' "$T_DIR/live.buckets")
if [ -z "$drops_t" ]; then
	fail buckets "gigsh printed no \"packets dropped by kernel\" line:" "$(cat "$T_DIR/live-buckets.err")"
elif ! awk -F, 'NR > 1 && $1 + 0 <= prev + 0 { exit 1 } { prev = $1 }' "$T_DIR/live.buckets"; then
	fail buckets "a bucket came out twice or out of order:" "$(cat "$T_DIR/live.buckets")"
elif [ "$(wc -l <"$T_DIR/live.buckets")" -lt 2 ]; then
	fail buckets "want packets in several 1-s buckets (3.3 s of replay), got:" "$(cat "$T_DIR/live.buckets")"
elif [ -n "$lost_t" ] && [ "$lost_t" -gt 0 ]; then
	fail buckets "$lost_t tuples lost between LFTA and HFTA"
elif [ "$total" -gt "$file_total" ] || [ "$total" -lt $((file_total - drops_t)) ]; then
	fail buckets "the buckets add up to $total packets; the file has $file_total, $drops_t dropped by kernel:" \
		"$(cat "$T_DIR/live.buckets")"
else
	ok "buckets ($(wc -l <"$T_DIR/live.buckets") buckets, $total packets, $drops_t dropped by kernel)"
fi

t_end
