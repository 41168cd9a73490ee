#!/bin/bash
# injection.sh: text from queries ends up in generated C (LFTA modules),
# file names and output.  String literals holding quotes, backslashes,
# comment ends, trigraphs, newlines, NUL and format directives, strange
# aliases and strange query names must either be rejected cleanly (exit 3
# and an ERROR on stderr) or run and give back exactly their bytes, and
# nothing may be created outside the test's private directory.
#
# The capture is mkpcap's "payloads": TCP packets from port N whose
# payloads are the test strings (mkpcap -p payloads).
. "$(dirname "$0")/../lib.sh"
t_begin injection
need_gigsh

cap=$(mk payloads payloads.pcap)
work=$T_DIR/cwd
mkdir -p "$work"
marker=gsinj$$
ls -a /tmp >"$T_DIR/tmp.before"
ls -a "$repo" >"$T_DIR/repo.before"

# run_file NAME: run the query in $T_DIR/q.gsql (built with printf, so it
# may hold any byte) from the empty directory $work, output as JSON lines.
run_file() {
	(cd "$work" && timeout -k 10 120 "$gigsh" -q -r "$cap" --json -f "$T_DIR/q.gsql") \
		>"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	GS_RC=$?
}

# judge NAME WANT: WANT is the expected output of the jq filter in $JQ
# over the JSON lines.  Exit 3 with an ERROR counts as a clean rejection.
judge() {
	local name=$1 want=$2 got
	if sanitizer_report "$T_DIR/err"; then
		fail "$name" "sanitizer report:" "$(head -n 30 "$T_DIR/err")"
	elif [ "$GS_RC" -eq 3 ] && grep -q '^.*ERROR:  ' "$T_DIR/err" && [ ! -s "$T_DIR/out" ]; then
		ok "$name (rejected: $(grep -m 1 -o 'ERROR:  .*' "$T_DIR/err" | cut -c9-80))"
	elif [ "$GS_RC" -ne 0 ]; then
		fail "$name" "exit status $GS_RC (want 0, or 3 with an ERROR):" "$(head -n 20 "$T_DIR/err")"
	else
		got=$(jq -r "$JQ" "$T_DIR/out" 2>&1)
		check_eq "$name" "$got" "$want"
	fi
}

# Literal N BYTES RENDERED: BYTES is a printf format for the payload of the
# packet from port N, RENDERED how gigsh prints it.
CASES=(
	'1|a"b|a"b'
	'2|c\\d|c\\d'
	'3|*/e|*/e'
	'4|f\ng|f\x0ag'
	'5|??/|??/'
	'6|h\000i|h\x00i'
	"7|''q''|'q'"
	'8|%%s%%n|%s%n'
	"9|x\"\\\\*/\\n??/\\000''%%s|x\"\\\\*/\\x0a??/\\x00'%s"
	'10|\177\377\001,\040;|\x7f\xff\x01, ;'
)
# (In the literals above '' is GSQL's embedded quote; printf turns \\ into
# \, \n into a newline, \\000 into NUL, %% into %.)

JQ='"\(.srcPort) \(.TCP_data)"'
for c in "${CASES[@]}"; do
	IFS='|' read -r n lit rendered <<<"$c"
	printf "SELECT srcPort, TCP_data FROM TCP WHERE TCP_data = '$lit';\n" >"$T_DIR/q.gsql"
	run_file
	judge "where-literal-$n" "$n $rendered"
done

JQ='"\(.c) \(.srcPort)"'
for c in "${CASES[@]}"; do
	IFS='|' read -r n lit rendered <<<"$c"
	printf "SELECT '$lit' AS c, srcPort FROM TCP WHERE srcPort = 1;\n" >"$T_DIR/q.gsql"
	run_file
	judge "select-constant-$n" "$rendered 1"
done

# The same literals given with -c (no NUL possible there).
for c in "${CASES[@]}"; do
	IFS='|' read -r n lit rendered <<<"$c"
	[ "$n" = 6 ] || [ "$n" = 9 ] && continue
	q=$(printf "SELECT srcPort FROM TCP WHERE TCP_data = '$lit'")
	(cd "$work" && timeout -k 10 120 "$gigsh" -q -r "$cap" --csv -t -c "$q") \
		>"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	GS_RC=$?
	JQ=.
	if [ "$GS_RC" -eq 0 ]; then
		check_eq "dash-c-literal-$n" "$(cat "$T_DIR/out")" "$n"
	else
		: >"$T_DIR/out"
		judge "dash-c-literal-$n" "$n"
	fi
done

# Aliases: C keywords and names of the run-time's own symbols must work;
# anything that is not an identifier must be a clean syntax error.
JQ='keys_unsorted | join(" ")'
for a in int return main printf static struct gs_value lfta_entry tuple packet; do
	printf 'SELECT srcPort AS %s, destPort AS %s_2 FROM TCP WHERE srcPort = 1;\n' "$a" "$a" >"$T_DIR/q.gsql"
	run_file
	judge "alias-$a" "$a ${a}_2"
done
for a in 'a"b' 'x*/y' 'q??/' 'n\nm' "o'p" 'r\000s' '%%s%%n'; do
	printf "SELECT srcPort AS $a FROM TCP WHERE srcPort = 1;\n" >"$T_DIR/q.gsql"
	run_file
	if [ "$GS_RC" -eq 3 ] && grep -q 'ERROR:  ' "$T_DIR/err" && ! sanitizer_report "$T_DIR/err"; then
		ok "bad-alias-$(printf '%s' "$a" | tr -c 'a-zA-Z0-9' _)"
	else
		fail "bad-alias-$(printf '%s' "$a" | tr -c 'a-zA-Z0-9' _)" "want a syntax error (exit 3), got exit $GS_RC:" \
			"$(head -n 10 "$T_DIR/err")" "$(head -n 3 "$T_DIR/out")"
	fi
done

# Query names: they may name files and C symbols.  Each must be accepted
# (then the query runs) or rejected cleanly; none may create files.
long=$(head -c 3000 /dev/zero | tr '\0' n)
JQ='.srcPort'
i=0
for qn in "../../../../../../tmp/$marker" "a/b/$marker" "x\"; int $marker; \"" \
	"*/ int $marker; /*" "??/" "\$(touch $marker)" "; touch $marker;" "$long" "" \
	"$marker\\tail" "%s%n$marker" "web" "WEB"; do
	i=$((i + 1))
	printf "DEFINE { query_name '%s'; }\nSELECT srcPort FROM TCP WHERE srcPort = 1;\n" "${qn//\'/\'\'}" >"$T_DIR/q.gsql"
	run_file
	if [ "$GS_RC" -eq 0 ] && [ ! -s "$T_DIR/out" ]; then
		ok "query-name-$i (registered, not run)"
	else
		judge "query-name-$i" "1"
	fi
done

# Nothing outside the private directory: no file named after the marker
# anywhere we can think of, no new entries in /tmp or the checkout, the
# working directory still empty.
found=$(find /tmp "$repo" "$build" -name "*$marker*" -not -path "$T_DIR/*" 2>/dev/null | head -n 5)
check_eq no-marker-files "$found" ""
# (entries that other programs create and remove within a moment, such as
# a compiler's temporary files, are not counted: only those still there 3 s
# later)
ls -a /tmp >"$T_DIR/tmp.after"
sleep 3
ls -a /tmp | comm -12 - "$T_DIR/tmp.after" >"$T_DIR/tmp.after2"
check_eq tmp-unchanged "$(comm -13 "$T_DIR/tmp.before" "$T_DIR/tmp.after2")" ""
ls -a "$repo" >"$T_DIR/repo.after"
check_eq checkout-unchanged "$(comm -13 "$T_DIR/repo.before" "$T_DIR/repo.after")" ""
check_eq cwd-empty "$(ls -A "$work")" ""

t_end
