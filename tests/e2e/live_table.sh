#!/bin/bash
# live_table.sh: the live table of aggregations, driven through tmux.
#
# On a terminal (a tmux pane of 120 x 40) an aggregation over
# ../shared/pcaps/pathspider/real.pcap grouped by time/60 and srcIP must
# leave on the screen: the status line at the top, the header, and the
# rows of the last bucket sorted by the first aggregate (COUNT) descending,
# with the same numbers as the same query gives with --csv into a pipe;
# the top row's COUNT must also equal tshark's count for that bucket.
# Then: colour only without NO_COLOR; no escape byte at all when the
# results go to a pipe or a file; --no-live and \pset live off give plain
# rows; a selection keeps appending rows with the header repeated; and,
# when a live capture on the loopback interface is possible, Ctrl-C keeps
# the last painted table.  Everything runs under timeout(1).
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/../lib.sh" ]; then
	. "$here/../lib.sh"
else
	# Stand-ins for the few helpers of tests/lib.sh used here.
	repo=$(cd "$here/../.." && pwd)
	build=${GIGSH_BUILD:-$repo/build}
	case $build in /*) ;; *) build=$PWD/$build ;; esac
	gigsh=$build/gigsh
	pcaps=$repo/../shared/pcaps
	export LC_ALL=C
	T_PASSED=0 T_FAILED=0 T_SKIPPED=0
	t_begin() {
		T_NAME=$1
		T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$T_NAME.XXXXXX") || exit 1
		mkdir -p "$T_DIR/home" "$T_DIR/tmp"
		export HOME=$T_DIR/home XDG_CACHE_HOME=$T_DIR/home/.cache TMPDIR=$T_DIR/tmp
	}
	t_end() {
		echo "# $T_NAME: $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
		if [ "$T_FAILED" -eq 0 ]; then rm -rf "$T_DIR"; else echo "# files kept in $T_DIR"; fi
		[ "$T_FAILED" -eq 0 ]
		exit
	}
	ok() { echo "ok $T_NAME/$1"; T_PASSED=$((T_PASSED + 1)); }
	skip() { echo "skip $T_NAME/$1: $2"; T_SKIPPED=$((T_SKIPPED + 1)); }
	fail() {
		local name=$1 l
		shift
		echo "FAIL $T_NAME/$name"
		for l in "$@"; do printf '%s\n' "$l" | head -n 40 | sed 's/^/  /'; done
		T_FAILED=$((T_FAILED + 1))
	}
	check_eq() {
		if [ "$2" == "$3" ]; then
			ok "$1"
		else
			fail "$1" "got:" "$(printf '%s\n' "$2" | head -n 20)" "want:" "$(printf '%s\n' "$3" | head -n 20)"
		fi
	}
fi
t_begin live_table

if [ ! -x "$gigsh" ]; then
	fail gigsh-built "$gigsh does not exist: the build failed?"
	t_end
fi
if ! command -v tmux >/dev/null; then
	skip all "tmux not installed"
	t_end
fi
pcap=$pcaps/pathspider/real.pcap
if [ ! -f "$pcap" ]; then
	skip all "skipped: ../shared/pcaps absent"
	t_end
fi

ESC=$'\033'
q="SELECT tb, srcIP, COUNT(*) AS packets, SUM(len) AS bytes FROM TCP GROUP BY time/60 AS tb, srcIP"
header_re='^ *tb *\| *srcIP *\| *packets *\| *bytes *$'

# ---- tmux ---------------------------------------------------------------------

unset TMUX
export TERM=${TERM:-xterm}
[ "$TERM" = dumb ] && export TERM=xterm
unset NO_COLOR
n_run=0
sock=gigsh-live-table-$$-0
tm() { timeout 10 tmux -L "$sock" -f /dev/null "$@"; }
# stop_server: end the current tmux server and remove its socket file.
stop_server() {
	tm kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
}
trap stop_server EXIT

# run NAME COMMAND: COMMAND (bash, in $T_DIR) in a fresh 120 x 40 tmux pane
# of its own server; "run-exited-N" is printed after it with its status.
run() {
	stop_server
	n_run=$((n_run + 1))
	sock=gigsh-live-table-$$-$n_run
	printf '#!/bin/bash\ncd %q || exit 1\n%s\necho run-exited-$?\nsleep 600\n' \
		"$T_DIR" "$2" >"$T_DIR/run-$1"
	tm new-session -d -s t -x 120 -y 40 "bash '$T_DIR/run-$1'"
}
# pane [-e]: the visible text of the pane (-e: with its escape sequences).
pane() { tm capture-pane -p "$@" -t t 2>/dev/null; }
# wait_for REGEX SECONDS: true once the pane shows a line matching REGEX.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		pane | grep -q -E "$1" && return 0
		sleep 0.1
	done
	return 1
}
# gs_cmd ARGS: a gigsh command line for run(), under a time limit.
gs_cmd() { printf 'timeout -k 5 120 %q -X %s' "$gigsh" "$*"; }

# ---- the oracle: the same query with --csv into a pipe --------------------------

timeout -k 5 120 "$gigsh" -X -q -r "$pcap" --csv -c "$q" 2>"$T_DIR/csv.err" | cat >"$T_DIR/csv"
if [ ! -s "$T_DIR/csv" ] || [ "$(head -n 1 "$T_DIR/csv")" != "tb,srcIP,packets,bytes" ]; then
	fail csv-oracle "the --csv run gave no table:" "$(head -n 5 "$T_DIR/csv" "$T_DIR/csv.err")"
	t_end
fi
last_tb=$(tail -n +2 "$T_DIR/csv" | cut -d, -f1 | sort -n | tail -n 1)
nrows=$(($(wc -l <"$T_DIR/csv") - 1))
# The last bucket's rows as the live table must show them: by packets,
# largest first, ties in the order they came.
want_rows=$(tail -n +2 "$T_DIR/csv" | awk -F, -v b="$last_tb" '$1 == b' | sort -t, -k3,3nr -s)

# ---- the live table of a capture file ---------------------------------------------

run live "$(gs_cmd -r "$pcap" -c "'$q'")"
if ! wait_for '^run-exited-' 60; then
	fail live-run "gigsh did not finish within 60 s; the pane shows:" "$(pane)"
	t_end
fi
pane >"$T_DIR/screen"
pane -e >"$T_DIR/screen-e"
check_eq live-exit-status "$(grep -E '^run-exited-' "$T_DIR/screen")" "run-exited-0"

hdr=$(grep -n -E "$header_re" "$T_DIR/screen" | head -n 1 | cut -d: -f1)
if [ -n "$hdr" ] && sed -n "$((hdr + 1))p" "$T_DIR/screen" | grep -q -E '^-+\+-+\+-+\+-+$'; then
	ok header
else
	fail header "no header and rule in the pane:" "$(cat "$T_DIR/screen")"
	t_end
fi

# The status line(s): everything above the header, starting on the first line.
status=$(head -n $((hdr - 1)) "$T_DIR/screen" | tr '\n' ' ')
missing=
for want in "bucket tb=$last_tb " " packets/s " " Mbit/s " " tuples/s " \
	"drops kernel n/a, interface n/a, gigsh 0" "done in "; do
	case $status in *"$want"*) ;; *) missing="$missing [$want]" ;; esac
done
if [ "$hdr" -ge 2 ] && [ -z "$missing" ] && head -n 1 "$T_DIR/screen" | grep -q '^bucket tb='; then
	ok status-line
else
	fail status-line "missing:$missing; the lines above the header:" "$(head -n $((hdr - 1)) "$T_DIR/screen")"
fi

# The rows: from after the rule to the footer, as CSV.
got_rows=$(tail -n +$((hdr + 2)) "$T_DIR/screen" | sed '/^(/,$d' |
	awk -F'|' '{ for (i = 1; i <= NF; i++) gsub(/^ +| +$/, "", $i); print $1 "," $2 "," $3 "," $4 }')
counts=$(printf '%s\n' "$got_rows" | cut -d, -f3)
if [ -n "$got_rows" ] && [ "$counts" == "$(printf '%s\n' "$counts" | sort -n -r)" ]; then
	ok rows-sorted-by-count
else
	fail rows-sorted-by-count "the rows shown:" "$got_rows"
fi
check_eq last-bucket-equals-csv "$got_rows" "$want_rows"

foot=$(tail -n +$((hdr + 2)) "$T_DIR/screen" | grep -m 1 -E '^\(')
check_eq footer-below-table "$foot" "($nrows rows)"
if grep -q -E '^gigsh: [0-9]+ packets seen' "$T_DIR/screen"; then
	ok statistics-below-table
else
	fail statistics-below-table "$(cat "$T_DIR/screen")"
fi

# tshark's count of the top source in the last bucket (IPv4 TCP packets):
# the live table's top row must have that COUNT.
if command -v tshark >/dev/null; then
	timeout 300 tshark -n -r "$pcap" -Y 'tcp && ip' -T fields -e frame.time_epoch -e ip.src \
		2>/dev/null >"$T_DIR/tshark"
	ts_top=$(awk -v b="$last_tb" '{ t = $1; sub(/\..*/, "", t); if (int(t / 60) == b) n[$2]++ }
		END { for (s in n) print n[s] }' "$T_DIR/tshark" | sort -n -r | head -n 1)
	got_top=$(printf '%s\n' "$got_rows" | head -n 1 | cut -d, -f3)
	check_eq top-count-equals-tshark "$got_top" "$ts_top"
else
	skip top-count-equals-tshark "tshark not installed"
fi

# Colour: reverse video on the status line, bold in the header.
if grep -q -E "$ESC\[([0-9]*;)*7m" "$T_DIR/screen-e" && grep -q -E "$ESC\[([0-9]*;)*1m" "$T_DIR/screen-e"; then
	ok colour
else
	fail colour "no reverse/bold in the pane:" "$(head -n 4 "$T_DIR/screen-e" | cat -v)"
fi

# ---- NO_COLOR ---------------------------------------------------------------------

run nocolor "NO_COLOR=1 $(gs_cmd -r "$pcap" -c "'$q'")"
if wait_for '^run-exited-' 60; then
	pane -e >"$T_DIR/screen-nc"
	if grep -q -E "$header_re" "$T_DIR/screen-nc" && head -n 1 "$T_DIR/screen-nc" | grep -q '^bucket tb=' &&
		! grep -q -E "$ESC\[([0-9]*;)*[17]m" "$T_DIR/screen-nc"; then
		ok no-color
	else
		fail no-color "bold or reverse with NO_COLOR=1, or no live table:" "$(head -n 6 "$T_DIR/screen-nc" | cat -v)"
	fi
else
	fail no-color "gigsh did not finish within 60 s:" "$(pane)"
fi

# ---- not a terminal: no escape byte, every row ---------------------------------------

run piped "$(gs_cmd -r "$pcap" -c "'$q'") | cat >piped.out; $(gs_cmd -r "$pcap" -o file.out -c "'$q'")"
if wait_for '^run-exited-' 60; then
	for f in piped.out file.out; do
		if [ ! -s "$T_DIR/$f" ]; then
			fail "no-escape-$f" "empty output"
		elif grep -q "$ESC" "$T_DIR/$f"; then
			fail "no-escape-$f" "an escape byte in the output:" "$(grep "$ESC" "$T_DIR/$f" | head -n 3 | cat -v)"
		elif [ "$(grep -c -E '^ *[0-9]+ \|' "$T_DIR/$f")" -ne "$nrows" ] ||
			[ "$(tail -n 2 "$T_DIR/$f" | head -n 1)" != "($nrows rows)" ]; then
			fail "no-escape-$f" "not the $nrows rows and the footer:" "$(tail -n 4 "$T_DIR/$f")"
		else
			ok "no-escape-$f"
		fi
	done
else
	fail no-escape "gigsh did not finish within 60 s:" "$(pane)"
fi

# ---- \pset live off and --no-live: plain rows on the terminal ---------------------

# plain_table FILE: true when FILE (a pane) shows the end of a plain table:
# no status line, rows of more than one bucket, the footer.
plain_table() {
	! grep -q 'packets/s' "$1" && grep -q -E "^\($nrows rows\)" "$1" &&
		[ "$(grep -E '^ *[0-9]+ \| ' "$1" | cut -d'|' -f1 | sort -u | wc -l)" -ge 2 ]
}
for how in pset-live-off no-live-flag; do
	if [ $how = pset-live-off ]; then
		run $how "$(gs_cmd -r "$pcap" -c "'\\pset live off'" -c "'$q'")"
	else
		run $how "$(gs_cmd -r "$pcap" --no-live -c "'$q'")"
	fi
	if wait_for '^run-exited-' 60; then
		pane >"$T_DIR/screen-$how"
		if plain_table "$T_DIR/screen-$how"; then
			ok $how
		else
			fail $how "not a plain table:" "$(cat "$T_DIR/screen-$how")"
		fi
	else
		fail $how "gigsh did not finish within 60 s:" "$(pane)"
	fi
done

# ---- a selection appends rows, the header repeated every screenful ------------------

sel="SELECT time, srcIP, len FROM TCP WHERE len > 200"
run selection "$(gs_cmd -r "$pcap" -c "'$sel'")"
if wait_for '^run-exited-' 60; then
	nsel=$(tm capture-pane -p -S - -E - -t t | grep -c -E '^ *time *\| *srcIP *\| *len *$')
	if [ "$nsel" -ge 2 ] && ! pane | grep -q 'packets/s'; then
		ok selection-appends
	else
		fail selection-appends "header seen $nsel times in the scrollback:" "$(pane | head -n 6)"
	fi
else
	fail selection-appends "gigsh did not finish within 60 s:" "$(pane)"
fi

# ---- Ctrl-C on a live interface keeps the last table ----------------------------------

lq="SELECT tb, srcIP, COUNT(*) AS packets FROM TCP GROUP BY time/2 AS tb, srcIP"
if [ "$(id -u)" -ne 0 ]; then
	skip ctrl-c-keeps-table "needs root to capture on lo"
elif ! timeout -k 5 120 "$gigsh" -X -q -r "$pcap" -c "$lq" >/dev/null 2>&1; then
	fail ctrl-c-keeps-table "the query does not run over the capture file"
else
	# The module is compiled and cached now; loopback TCP connections to a
	# closed port (SYN, RST) are the traffic.  No timeout(1) around gigsh
	# here: it would pass the terminal's SIGINT on, a second one, which
	# kills gigsh.  Killing the tmux server at the end hangs it up anyway.
	run ctrlc "$(printf '%q -X -i lo -c %q' "$gigsh" "$lq")"
	if ! wait_for '^(no bucket closed yet|bucket tb=)' 20; then
		if pane | grep -q -i -E 'permission|operation not permitted|no such device|cannot'; then
			skip ctrl-c-keeps-table "no live capture on lo here: $(pane | grep -v '^$' | head -n 1)"
		else
			fail ctrl-c-keeps-table "no live table after 20 s:" "$(pane)"
		fi
	else
		for _ in $(seq 50); do
			timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>/dev/null
			sleep 0.1
		done
		wait_for '^bucket tb=' 10
		# progress repaints: a rate has been computed by now
		if pane | head -n 2 | grep -q -E '[0-9.]+[kMG]? packets/s' && pane | grep -q 'elapsed '; then
			ok progress-repaint
		else
			fail progress-repaint "no rates in the status line:" "$(pane | head -n 4)"
		fi
		tm send-keys -t t C-c
		if wait_for '^run-exited-' 15; then
			pane >"$T_DIR/screen-ctrlc"
			if head -n 2 "$T_DIR/screen-ctrlc" | grep -q 'cancelled after' &&
				grep -q -E '^ *tb *\| *srcIP *\| *packets *$' "$T_DIR/screen-ctrlc" &&
				grep -q -E '^ *[0-9]+ \| 127\.0\.0\.1 +\| +[0-9]+$' "$T_DIR/screen-ctrlc" &&
				grep -q -E '^gigsh: .*, cancelled$' "$T_DIR/screen-ctrlc" &&
				grep -q '^run-exited-0$' "$T_DIR/screen-ctrlc"; then
				ok ctrl-c-keeps-table
			else
				fail ctrl-c-keeps-table "after Ctrl-C the pane shows:" "$(cat "$T_DIR/screen-ctrlc")"
			fi
		else
			fail ctrl-c-keeps-table "gigsh did not stop within 15 s of Ctrl-C:" "$(pane)"
		fi
	fi
fi

t_end
