#!/bin/bash
# corruption.sh: the corruption sweep.  2,000 copies of eight small real
# captures (classic pcap with microsecond and nanosecond magic, pcapng;
# Ethernet, 802.1Q, BSD loopback, raw IPv4; IPv4 and IPv6, TCP, UDP, ICMP)
# have one to eight bytes replaced at random (tests/tools/corrupt, seeded:
# the same copies every run), in the file header, the record headers and
# the packet data.  gigsh runs six queries touching every protocol's fields
# (and an aggregation) over each, and every run must end normally:
#   - exit status 0 with the statistics line of each query,
#   - 1 (the file cannot be read at all) with a message naming the file, or
#   - 3 (reading failed part way) with the statistics of the query that was
#     running and a message naming the file;
# never a signal, a time-out, or an ASan/UBSan report (this script runs
# again under the sanitizers).
# Every fifth copy is also read by libpcap: gigsh with GIGSH_NO_MMAP=1 must
# give the same rows, messages and status as the mapped reader; read in two
# halves by two LFTA threads (GIGSH_LFTA_THREADS=2), the same rows, messages
# and status as by one (corrupted record headers near the middle make wrong
# guesses of the boundary, which the first half's walk must catch); and
# `tcpdump --count -r` must count as many packets as gigsh saw and fail
# exactly when gigsh stopped part way; when gigsh refuses a file tcpdump
# reads, it must be for a link type gigsh does not decode.
. "$(dirname "$0")/../lib.sh"
t_begin corruption
need_gigsh

corrupt=$build/tests/tools/corrupt
FILES="pcapfix/test.pcap dpkt/dns_icmp.pcap pathspider/basic_ipv6_tcp.pcap
chrissanders/http_ip4and6.pcapng wireshark/dhcp-nanosecond.pcap dnscap/vlan11.pcap
tcpdump/quic_handshake_truncated.pcap wireshark/tcp-badsegments.pcap"
COPIES=250          # per capture: 2,000 in all
CHECK_EVERY=5       # the libpcap and tcpdump cross-checks
GS_TIMEOUT=60
QARGS=(-c "SELECT * FROM TCP" -c "SELECT * FROM UDP" -c "SELECT * FROM IPV4"
	-c "SELECT * FROM IPV6" -c "SELECT * FROM ICMP"
	-c "SELECT tb, protocol, count(*), sum(len), max(caplen) FROM IPV4 GROUP BY time/10 as tb, protocol")
NQ=6
STATS_RE='^gigsh: [0-9]+ packets? seen, [0-9]+ malformed, [0-9]+ truncated, '

if [ ! -x "$corrupt" ]; then
	fail corrupt-built "$corrupt does not exist: the build failed?"
	t_end
fi
have_pcaps sweep || t_end
if ! tcpdump --count -r "$pcaps/pcapfix/test.pcap" >/dev/null 2>&1; then
	skip_tcpdump="tcpdump --count does not work here"
fi

mkdir -p "$T_DIR/c"
i=0
for rel in $FILES; do
	i=$((i + 1))
	if [ ! -f "$pcaps/$rel" ]; then
		fail "make:$rel" "$pcaps/$rel is missing"
		continue
	fi
	if ! "$corrupt" "$i" "$COPIES" "$pcaps/$rel" "$T_DIR/c/f$i" >>"$T_DIR/c/flips" 2>"$T_DIR/corrupt.err"; then
		fail "make:$rel" "$(cat "$T_DIR/corrupt.err")"
	fi
done

# seen_packets: the packet count of the first statistics line of $T_DIR/err.
seen_packets() {
	sed -n -E 's/^gigsh: ([0-9]+) packets? seen.*/\1/p' "$T_DIR/err" | head -n 1
}

n=0 n0=0 n1=0 n3=0 bad=0 nx=0 bad_x=0 nsplit=0
while IFS=' ' read -r f offs; do
	n=$((n + 1))
	base=$(basename "$f")
	gs -r "$f" --csv "${QARGS[@]}"
	why=""
	if sanitizer_report "$T_DIR/err"; then
		why="sanitizer report"
	else
		nstats=$(grep -c -E "$STATS_RE" "$T_DIR/err")
		case $GS_RC in
		0)
			n0=$((n0 + 1))
			[ "$nstats" -eq "$NQ" ] || why="exit 0 with $nstats statistics lines, want $NQ"
			;;
		1)
			n1=$((n1 + 1))
			grep -q -F "$base" "$T_DIR/err" || why="exit 1 without a message naming the file"
			;;
		3)
			n3=$((n3 + 1))
			if ! grep -q -F "$base" "$T_DIR/err"; then
				why="exit 3 without a message naming the file"
			elif [ "$nstats" -lt 1 ]; then
				why="exit 3 without the statistics of the query that was running"
			fi
			;;
		*) why="exit status $GS_RC" ;;
		esac
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		cp "$f" "$T_DIR/failed-$base"
		fail "copy:$base" "$why (bytes changed at offsets$offs; copy kept as failed-$base)" \
			"$(head -n 20 "$T_DIR/err")"
		continue
	fi
	[ $((n % CHECK_EVERY)) -eq 0 ] || continue

	# The cross-checks on this copy.
	nx=$((nx + 1))
	rc=$GS_RC
	seen=$(seen_packets)
	cp "$T_DIR/out" "$T_DIR/a.out"
	cp "$T_DIR/err" "$T_DIR/a.err"
	GIGSH_NO_MMAP=1 gs -r "$f" --csv "${QARGS[@]}"
	why=""
	if [ "$GS_RC" != "$rc" ] || ! cmp -s "$T_DIR/a.out" "$T_DIR/out" ||
	   ! cmp -s "$T_DIR/a.err" "$T_DIR/err"; then
		why="mapped reader (exit $rc) and libpcap (GIGSH_NO_MMAP=1, exit $GS_RC) differ:
$(diff "$T_DIR/a.err" "$T_DIR/err" | head -n 6)
$(diff "$T_DIR/a.out" "$T_DIR/out" | head -n 6)"
	fi
	# read in two halves (forced on these small files): the same status, rows (the groups of
	# a bucket may come in another order) and messages; the statistics differ only in the
	# aggregation's partial tuples and in naming the two threads
	if [ -z "$why" ]; then
		GIGSH_LFTA_THREADS=2 gs -r "$f" --csv "${QARGS[@]}"
		norm='s/, [0-9]+ tuples? from LFTA, /, N tuples from LFTA, /; s/, 2 LFTA threads//'
		if [ "$GS_RC" != "$rc" ] || ! cmp -s <(sort "$T_DIR/a.out") <(sort "$T_DIR/out") ||
		   ! cmp -s <(sed -E "$norm" "$T_DIR/a.err") <(sed -E "$norm" "$T_DIR/err"); then
			why="one thread (exit $rc) and two halves (GIGSH_LFTA_THREADS=2, exit $GS_RC) differ:
$(diff <(sed -E "$norm" "$T_DIR/a.err") <(sed -E "$norm" "$T_DIR/err") | head -n 6)
$(diff <(sort "$T_DIR/a.out") <(sort "$T_DIR/out") | head -n 6)"
		fi
		nsplit=$((nsplit + $(grep -c ', 2 LFTA threads$' "$T_DIR/err")))
	fi
	if [ -n "$why" ]; then
		:
	elif [ -z "${skip_tcpdump:-}" ]; then
		tc=$(timeout 60 tcpdump --count -r "$f" 2>"$T_DIR/tcpdump.err")
		trc=$?
		tc=${tc%% packet*}
		case $rc in
		0) [ "$trc" -eq 0 ] && [ "$tc" = "$seen" ] ||
			why="gigsh read $seen packets (exit 0), tcpdump $tc (exit $trc)" ;;
		3) [ "$trc" -ne 0 ] && [ "$tc" = "$seen" ] ||
			why="gigsh read $seen packets then failed (exit 3), tcpdump read $tc (exit $trc)" ;;
		1) if [ "$trc" -eq 0 ] && ! grep -q 'link type .* is not supported' "$T_DIR/a.err"; then
			why="gigsh refused the file (exit 1), tcpdump read $tc packets"
		   fi ;;
		esac
		[ -n "$why" ] && why="$why
$(head -n 3 "$T_DIR/tcpdump.err")"
	fi
	if [ -n "$why" ]; then
		bad_x=$((bad_x + 1))
		cp "$f" "$T_DIR/failed-$base"
		fail "cross-check:$base" "$why" "(bytes changed at offsets$offs; copy kept as failed-$base)" \
			"$(head -n 5 "$T_DIR/a.err")"
	fi
done <"$T_DIR/c/flips"

want=$(( $(echo $FILES | wc -w) * COPIES ))
if [ "$n" -ne "$want" ]; then
	fail copies "$n copies made, want $want"
elif [ "$bad" -eq 0 ]; then
	ok "runs($n: $n0 read, $n1 refused, $n3 stopped part way)"
fi
# The copies must exercise every outcome, or the sweep tests less than it says.
if [ "$n0" -gt 0 ] && [ "$n1" -gt 0 ] && [ "$n3" -gt 0 ]; then
	ok outcomes
else
	fail outcomes "exit 0: $n0, exit 1: $n1, exit 3: $n3: some outcome never happened"
fi
[ "$bad_x" -eq 0 ] && ok "cross-checks($nx copies against libpcap, two halves and tcpdump)"
# the two-halves check must have split files, or it checks nothing
if [ "$nsplit" -gt 0 ]; then
	ok "split-copies($nsplit queries read in two halves)"
else
	fail split-copies "no copy was read in two halves"
fi
[ -n "${skip_tcpdump:-}" ] && skip tcpdump "$skip_tcpdump"
rm -rf "$T_DIR/c"
t_end
