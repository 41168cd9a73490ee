#!/bin/bash
# kill.sh: gigsh interrupted at random points of a file run.  A query over
# a real capture (read three times over, so that the run lasts a few hundred
# milliseconds) is stopped 100 times with SIGINT or SIGTERM after a random
# delay (bash's RANDOM, seeded: the same delays every run), in table, --csv
# and --json formats, with the results going to a file (stdout), to a pipe
# and to -o FILE.  Each time:
#   - the exit status is 0 after SIGINT and 143 after SIGTERM (0 when the
#     run had ended before the signal came), never a crash;
#   - the statistics line is printed once, ending in ", cancelled" unless
#     the run was already over, and its row count is the number of rows
#     printed;
#   - every line is whole: the rows printed are exactly the first rows of
#     an uninterrupted run (same order: one file), each CSV row has all its
#     fields, each JSON line parses (jq), the table ends with its
#     "(N rows)" footer, and the output ends with a newline.
# Then SIGPIPE: with the reader of the results gone (| head -n 5, and
# -o '|head -n 5') gigsh ends the run at once, quietly, with status 0.
. "$(dirname "$0")/../lib.sh"
t_begin kill
need_gigsh

RUNS=100
COPIES=3
if [ "$GIGSH_ASAN" = 1 ]; then
	RUNS=30
	COPIES=2
fi
RANDOM=4242
Q="SELECT time, srcIP, destIP, srcPort, destPort, sequence_number, flags, len FROM TCP"
NCOL=8

have_pcaps real || t_end
pcap=$pcaps/pathspider/real.pcap
SRC=()
for _ in $(seq "$COPIES"); do SRC+=(-r "$pcap"); done

# rows_of FMT FILE: the data rows of an output (header, rule and footer
# removed; json has none).
rows_of() {
	case $1 in
	table) sed -e '1,2d' -e '/^([0-9]* rows\{0,1\})$/,$d' "$2" ;;
	csv) sed 1d "$2" ;;
	json) cat "$2" ;;
	esac
}

FMTS=(table csv json)
declare -A FLAG=([table]="" [csv]=--csv [json]=--json) FULL_MS FULL_ROWS
# The reference runs, uninterrupted; they also time a run, for the delays.
for fmt in "${FMTS[@]}"; do
	t0=$(date +%s%N)
	gs "${SRC[@]}" ${FLAG[$fmt]} -c "$Q"
	t1=$(date +%s%N)
	gs_ok "reference-$fmt" || t_end
	cp "$T_DIR/out" "$T_DIR/ref.$fmt"
	rows_of "$fmt" "$T_DIR/ref.$fmt" >"$T_DIR/ref.$fmt.rows"
	FULL_ROWS[$fmt]=$(wc -l <"$T_DIR/ref.$fmt.rows")
	FULL_MS[$fmt]=$(((t1 - t0) / 1000000 + 1))
	echo "# $fmt: ${FULL_ROWS[$fmt]} rows in ${FULL_MS[$fmt]} ms"
done
# tshark's count of TCP packets with a whole header: the reference is whole.
want=$(tshark_fields "$pcap" "" frame.protocols tcp.urgent_pointer |
	awk -F'|' -v L2="$TS_L2" '$1 ~ (L2 "ip:tcp(:|$)") && $2 != "" { n++ } END { print n * '"$COPIES"' }')
check_eq reference-rows "${FULL_ROWS[csv]} ${FULL_ROWS[json]} ${FULL_ROWS[table]}" "$want $want $want"

# check_run NAME FMT SIG RC OUT ERR: the checks above for one run.
check_run() {
	local name=$1 fmt=$2 sig=$3 rc=$4 out=$5 err=$6 why="" n stats rows cancelled=0 badrow
	rows_of "$fmt" "$out" >"$T_DIR/got.rows"
	n=$(wc -l <"$T_DIR/got.rows")
	stats=$(grep -E '^gigsh: [0-9]+ packets? seen' "$err")
	rows=$(printf '%s\n' "$stats" | sed -n -E 's/.* ([0-9]+) rows?(,.*)?$/\1/p')
	case $stats in *", cancelled") cancelled=1 ;; esac
	if sanitizer_report "$err"; then
		why="sanitizer report"
	elif [ "$(printf '%s\n' "$stats" | grep -c .)" -ne 1 ]; then
		why="want one statistics line, got: $stats"
	elif [ "$cancelled" = 0 ] && [ "$n" -ne "${FULL_ROWS[$fmt]}" ]; then
		why="not cancelled, but $n rows of ${FULL_ROWS[$fmt]}"
	elif [ "$sig" = INT ] && [ "$rc" -ne 0 ]; then
		why="exit status $rc after SIGINT, want 0"
	elif [ "$sig" = TERM ] && [ "$rc" -ne 143 ] && ! { [ "$rc" -eq 0 ] && [ "$cancelled" = 0 ]; }; then
		why="exit status $rc after SIGTERM, want 143"
	elif [ "$rows" != "$n" ]; then
		why="$n rows printed, the statistics say $rows"
	elif [ -s "$out" ] && [ "$(tail -c 1 "$out" | od -An -c | tr -d ' ')" != '\n' ]; then
		why="the output does not end with a newline: $(tail -c 80 "$out")"
	elif ! head -n "$n" "$T_DIR/ref.$fmt.rows" | cmp -s - "$T_DIR/got.rows"; then
		why="the rows are not the first $n rows of the whole run:
$(head -n "$n" "$T_DIR/ref.$fmt.rows" | diff - "$T_DIR/got.rows" | head -n 6)"
	else
		case $fmt in
		csv)
			[ "$(head -n 1 "$out")" = "$(head -n 1 "$T_DIR/ref.csv")" ] || why="CSV header missing"
			badrow=$(awk -F, -v n=$NCOL 'NF != n { print NR ": " $0; exit }' "$T_DIR/got.rows")
			[ -n "$badrow" ] && why="CSV row without $NCOL fields: $badrow" ;;
		json)
			jq -e -c . "$out" >/dev/null 2>"$T_DIR/jq.err" || why="JSON: $(head -n 2 "$T_DIR/jq.err")" ;;
		table)
			[ "$(head -n 2 "$out")" = "$(head -n 2 "$T_DIR/ref.table")" ] || why="table header missing"
			grep -q -x "($n rows\{0,1\})" "$out" || why="no footer '($n rows)'"
			badrow=$(awk -F' [|] ' -v n=$NCOL 'NF != n { print NR ": " $0; exit }' "$T_DIR/got.rows")
			[ -n "$badrow" ] && why="table row without $NCOL columns: $badrow" ;;
		esac
	fi
	if [ -n "$why" ]; then
		cp "$out" "$T_DIR/failed-$name.out"
		cp "$err" "$T_DIR/failed-$name.err"
		fail "$name" "$why" "(exit $rc; output kept as failed-$name.out)" "$(head -n 5 "$err")"
		return 1
	fi
	return 0
}

# wait_output FILE: wait (10 s at most) until FILE has something in it.
wait_output() {
	local i
	for i in $(seq 1000); do
		[ -s "$1" ] && return 0
		sleep 0.01
	done
	return 1
}

DESTS=(stdout pipe ofile)
bad=0
ncancel=0
mkfifo "$T_DIR/fifo"
for i in $(seq "$RUNS"); do
	fmt=${FMTS[$((i % 3))]}
	dest=${DESTS[$((i / 3 % 3))]}
	sig=INT
	[ $((RANDOM % 2)) -eq 0 ] && sig=TERM
	delay_ms=$((RANDOM % ${FULL_MS[$fmt]}))
	out=$T_DIR/k.out
	err=$T_DIR/k.err
	rm -f "$out" "$err"
	catpid=
	case $dest in
	stdout)
		timeout --foreground -k 5 120 "$gigsh" "${SRC[@]}" ${FLAG[$fmt]} -c "$Q" >"$out" 2>"$err" </dev/null &
		pid=$! ;;
	pipe)
		cat "$T_DIR/fifo" >"$out" &
		catpid=$!
		timeout --foreground -k 5 120 "$gigsh" "${SRC[@]}" ${FLAG[$fmt]} -c "$Q" >"$T_DIR/fifo" 2>"$err" </dev/null &
		pid=$! ;;
	ofile)
		timeout --foreground -k 5 120 "$gigsh" "${SRC[@]}" ${FLAG[$fmt]} -o "$out" -c "$Q" >/dev/null 2>"$err" </dev/null &
		pid=$! ;;
	esac
	# Interrupt the run, not the start-up: wait for the first output.  The
	# signal goes to timeout, which passes it on to gigsh and exits with
	# gigsh's status (--foreground: passed on once; otherwise timeout sends
	# it again to its process group, and a second SIGINT kills gigsh at once,
	# as documented).
	wait_output "$out"
	sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	[ -n "$catpid" ] && wait "$catpid"
	grep -q ', cancelled$' "$err" && ncancel=$((ncancel + 1))
	check_run "run$i-$fmt-$dest-$sig-${delay_ms}ms" "$fmt" "$sig" "$rc" "$out" "$err" || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] && ok "runs($RUNS, $ncancel cancelled part way)"
# Most signals must land inside the run, or the test tests little.
if [ "$ncancel" -ge $((RUNS / 2)) ]; then
	ok cancelled-part-way
else
	fail cancelled-part-way "only $ncancel of $RUNS runs were still going when the signal came"
fi

# ---- SIGPIPE ------------------------------------------------------------------
for fmt in "${FMTS[@]}"; do
	timeout -k 5 120 "$gigsh" "${SRC[@]}" ${FLAG[$fmt]} -c "$Q" 2>"$T_DIR/err" </dev/null |
		head -n 5 >"$T_DIR/out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ] && [ ! -s "$T_DIR/err" ] && cmp -s "$T_DIR/out" <(head -n 5 "$T_DIR/ref.$fmt"); then
		ok "sigpipe-$fmt"
	else
		fail "sigpipe-$fmt" "exit $rc (want 0, no message); stderr:" "$(head -n 5 "$T_DIR/err")" \
			"stdout:" "$(cat "$T_DIR/out")"
	fi
	gs "${SRC[@]}" ${FLAG[$fmt]} -o '|head -n 5' -c "$Q"
	if [ "$GS_RC" -eq 0 ] && [ ! -s "$T_DIR/err" ] && cmp -s "$T_DIR/out" <(head -n 5 "$T_DIR/ref.$fmt"); then
		ok "sigpipe-o-$fmt"
	else
		fail "sigpipe-o-$fmt" "exit $GS_RC (want 0, no message); stderr:" "$(head -n 5 "$T_DIR/err")" \
			"stdout:" "$(cat "$T_DIR/out")"
	fi
done

t_end
