#!/bin/bash
# cli.sh: gigsh's command line: options, exit statuses, error messages,
# output formats and files.  Expected texts are written out by hand.
. "$(dirname "$0")/../lib.sh"
t_begin cli
need_gigsh

basic=$(mk basic basic.pcap)
frag4=$(mk frag4 frag4.pcap)

# expect_rc NAME WANT: after gs, the exit status must be WANT and stderr
# free of sanitizer reports.
expect_rc() {
	if [ "$GS_RC" -eq "$2" ] && ! sanitizer_report "$T_DIR/err"; then
		return 0
	fi
	fail "$1" "exit status $GS_RC, want $2; stderr:" "$(head -n 20 "$T_DIR/err")"
	return 1
}

# ---- --help, --version, bad options -------------------------------------------
gs --help
expect_rc help 0 && {
	if grep -q 'Usage' "$T_DIR/out" && grep -q -- '-r' "$T_DIR/out" && grep -q -- '--csv' "$T_DIR/out"; then
		ok help
	else
		fail help "--help does not describe -r and --csv:" "$(head -n 10 "$T_DIR/out")"
	fi
}
gs --version
expect_rc version 0 && check_eq version "$(cat "$T_DIR/out")" "gigsh 0.1.0"

gs --bogus-option
expect_rc bad-long-option 1 && {
	grep -q -- '--bogus-option' "$T_DIR/err" && ok bad-long-option ||
		fail bad-long-option "message does not name the option:" "$(cat "$T_DIR/err")"
}
gs -Z
expect_rc bad-short-option 1 && {
	grep -q "Z" "$T_DIR/err" && ok bad-short-option ||
		fail bad-short-option "message does not name the option:" "$(cat "$T_DIR/err")"
}
gs -r
expect_rc missing-argument 1 && { [ -s "$T_DIR/err" ] && ok missing-argument || fail missing-argument "no message"; }
gs -q -r "$basic" -c "SELECT time FROM ETH" stray-argument
expect_rc stray-argument 1 && ok stray-argument
for bad in 0 abc 12x 99999999999999; do
	gs -q -B "$bad" -r "$basic" -c "SELECT time FROM ETH"
	expect_rc "bad-buffer-size-$bad" 1 && {
		grep -q "invalid buffer size \"$bad\"" "$T_DIR/err" && ok "bad-buffer-size-$bad" ||
			fail "bad-buffer-size-$bad" "message:" "$(cat "$T_DIR/err")"
	}
done

# ---- unreadable input, unwritable output ----------------------------------------
gs -q -r "$T_DIR/does-not-exist.pcap" -c "SELECT time FROM ETH"
expect_rc unreadable-file 1 && {
	grep -q 'does-not-exist.pcap' "$T_DIR/err" && ok unreadable-file ||
		fail unreadable-file "message does not name the file:" "$(cat "$T_DIR/err")"
}
gs -q -r "$T_DIR" -c "SELECT time FROM ETH"
expect_rc directory-as-file 1 && ok directory-as-file
gs -q -r "$basic" -o "$T_DIR/no-such-dir/out.csv" --csv -c "SELECT time FROM ETH"
expect_rc unwritable-output 1 && {
	grep -q 'no-such-dir' "$T_DIR/err" && ok unwritable-output ||
		fail unwritable-output "message does not name the file:" "$(cat "$T_DIR/err")"
}
gs -q -r "$basic" -f "$T_DIR/no-such-script.gsql"
expect_rc missing-script 1 && ok missing-script

# ---- errors in -c: psql's form, exit status 3 ------------------------------------
gs -q -r "$basic" -c "SELECT FROM TCP"
expect_rc syntax-error 3 && check_eq syntax-error "$(cat "$T_DIR/err")" \
'ERROR:  syntax error at or near "FROM"
LINE 1: SELECT FROM TCP
               ^'
gs -q -r "$basic" -c "SELECT srcPort FROM TCP WHERE"
expect_rc syntax-error-at-end 3 && {
	head -n 1 "$T_DIR/err" | grep -q '^ERROR:  syntax error at end of input$' && ok syntax-error-at-end ||
		fail syntax-error-at-end "$(cat "$T_DIR/err")"
}
gs -q -r "$basic" -c "SELECT destPrt FROM TCP"
expect_rc unknown-field 3 && {
	if head -n 1 "$T_DIR/err" | grep -q '^ERROR:  .*destPrt' &&
		grep -q 'did you mean "destPort"' "$T_DIR/err" &&
		grep -q -x 'LINE 1: SELECT destPrt FROM TCP' "$T_DIR/err" &&
		grep -q -x '               ^' "$T_DIR/err"; then
		ok unknown-field
	else
		fail unknown-field "want ERROR naming destPrt, LINE 1, a caret under it and 'did you mean \"destPort\"':" \
			"$(cat "$T_DIR/err")"
	fi
}
gs -q -r "$basic" -c "SELECT srcPort FROM NOSUCH"
expect_rc unknown-stream 3 && { grep -q 'NOSUCH' "$T_DIR/err" && ok unknown-stream || fail unknown-stream "$(cat "$T_DIR/err")"; }
# an error stops the run: the second -c is not run
gs -q -r "$basic" --csv -t -c "SELECT FROM" -c "SELECT srcPort FROM UDP"
expect_rc error-stops 3 && check_eq error-stops "$(cat "$T_DIR/out")" ""

# ---- errors in -f: FILE:LINE: prefix ------------------------------------------------
printf -- '-- a good query, then a bad one\nSELECT srcPort FROM UDP;\nSELECT destPort FROM UDP WHERE;\n' >"$T_DIR/one.gsql"
(cd "$T_DIR" && timeout 60 "$gigsh" -q -r "$basic" --csv -t -f one.gsql >out 2>err)
GS_RC=$?
expect_rc script-error 3 && {
	check_eq script-error-stderr "$(cat "$T_DIR/err")" \
'one.gsql:3: ERROR:  syntax error at or near ";"
LINE 3: SELECT destPort FROM UDP WHERE;
                                      ^'
	check_eq script-error-stdout "$(cat "$T_DIR/out")" "5353"
}
# the bad statement spans lines 3-4; the error is on line 4
printf 'SELECT srcPort FROM UDP;\n\nSELECT destPort\n  FROM UDP WHERE;\n' >"$T_DIR/two.gsql"
(cd "$T_DIR" && timeout 60 "$gigsh" -q -r "$basic" --csv -t -f two.gsql >out 2>err)
GS_RC=$?
expect_rc script-error-multiline 3 && {
	if head -n 1 "$T_DIR/err" | grep -q -E '^two\.gsql:[34]: ERROR:  syntax error at or near ";"$' &&
		[ "$(sed -n 2p "$T_DIR/err")" = 'LINE 4:   FROM UDP WHERE;' ] &&
		[ "$(sed -n 3p "$T_DIR/err")" = '                        ^' ]; then
		ok script-error-multiline
	else
		fail script-error-multiline "want two.gsql:3: or :4:, then 'LINE 4:   FROM UDP WHERE;' and a caret under ';':" \
			"$(cat -A "$T_DIR/err")"
	fi
}

# ---- output formats ------------------------------------------------------------------
gs -q -r "$basic" --csv -c "SELECT srcPort, destPort FROM UDP"
expect_rc csv-header 0 && check_eq csv-header "$(cat "$T_DIR/out")" "srcPort,destPort
5353,53"
gs -q -r "$basic" --csv -t -c "SELECT srcPort, destPort FROM UDP"
expect_rc csv-tuples-only 0 && check_eq csv-tuples-only "$(cat "$T_DIR/out")" "5353,53"
gs -q -r "$basic" --csv -c "SELECT srcPort AS sp, destPort + 1 AS dp1 FROM UDP"
expect_rc csv-alias 0 && check_eq csv-alias "$(cat "$T_DIR/out")" "sp,dp1
5353,54"
gs -q -r "$basic" -c "SELECT srcPort, destPort FROM UDP"
expect_rc table 0 && {
	if grep -q -E '^ *srcPort *\| *destPort *$' "$T_DIR/out" && grep -q -E '^ *5353 *\| *53 *$' "$T_DIR/out" &&
		grep -q -x '(1 row)' "$T_DIR/out"; then
		ok table
	else
		fail table "want a psql-style table with '(1 row)':" "$(cat -A "$T_DIR/out")"
	fi
}
gs -q -r "$basic" -t -c "SELECT srcPort, destPort FROM UDP"
expect_rc table-tuples-only 0 && {
	if grep -q -E '^ *5353 *\| *53 *$' "$T_DIR/out" && ! grep -q -E 'srcPort|row' "$T_DIR/out"; then
		ok table-tuples-only
	else
		fail table-tuples-only "want only the row:" "$(cat -A "$T_DIR/out")"
	fi
}
gs -q -r "$basic" --json -c "SELECT srcIP, srcPort, dont_fragment, timestamp, TCP_data FROM TCP"
expect_rc json 0 && {
	if [ "$(wc -l <"$T_DIR/out")" -eq 2 ] &&
		jq -e -s 'length == 2 and (.[0].srcIP == "10.0.0.1") and (.[0].srcPort == 40000)
			and (.[0].dont_fragment == true) and (.[1].dont_fragment == false)
			and (.[1].TCP_data == "0123456789") and (.[0].TCP_data == "")
			and (.[1].srcIP == "172.16.0.1") and ((.[0].timestamp | type) == "number")' \
			"$T_DIR/out" >/dev/null 2>&1; then
		ok json
	else
		fail json "want 2 JSON lines with typed values:" "$(cat "$T_DIR/out")"
	fi
}
gs -q -r "$basic" --json -c "SELECT srcIP6, flow_label FROM IPV6"
expect_rc json-ipv6 0 && check_eq json-ipv6 "$(jq -r '"\(.srcIP6) \(.flow_label)"' "$T_DIR/out" 2>&1)" "2001:db8::1 74565"

# ---- -o FILE ------------------------------------------------------------------------
gs -q -r "$basic" -o "$T_DIR/result.csv" --csv -t -c "SELECT srcPort FROM DataProtocol"
expect_rc output-file 0 && {
	check_eq output-file-stdout "$(cat "$T_DIR/out")" ""
	check_eq output-file "$(cat "$T_DIR/result.csv" 2>&1)" "40000
5353
50000
443"
}

# ---- several -r, several -c, -f - ------------------------------------------------------
gs -q -r "$frag4" -r "$basic" --csv -t -c "SELECT srcPort FROM UDP"
expect_rc files-in-order 0 && check_eq files-in-order "$(cat "$T_DIR/out")" "7777
5353"
gs -q -r "$basic" -r "$frag4" --csv -t -c "SELECT srcPort FROM UDP"
expect_rc files-in-order-2 0 && check_eq files-in-order-2 "$(cat "$T_DIR/out")" "5353
7777"
gs -q -r "$basic" --csv -t -c "SELECT srcPort FROM UDP" -c "SELECT icmp_type FROM ICMP"
expect_rc commands-in-order 0 && check_eq commands-in-order "$(cat "$T_DIR/out")" "5353
8"
gs -q -r "$basic" --csv -t -c "SELECT srcPort FROM UDP; SELECT icmp_type FROM ICMP"
expect_rc statements-in-order 0 && check_eq statements-in-order "$(cat "$T_DIR/out")" "5353
8"
printf 'SELECT srcPort\nFROM UDP;\n' | timeout 60 "$gigsh" -q -r "$basic" --csv -t -f - >"$T_DIR/out" 2>"$T_DIR/err"
GS_RC=$?
expect_rc script-from-stdin 0 && check_eq script-from-stdin "$(cat "$T_DIR/out")" "5353"
printf 'SELECT srcPort FROM UDP;\n' | timeout 60 "$gigsh" -q -r "$basic" --csv -t >"$T_DIR/out" 2>"$T_DIR/err"
GS_RC=$?
expect_rc stdin-not-a-terminal 0 && check_eq stdin-not-a-terminal "$(cat "$T_DIR/out")" "5353"
for q in "$repo"/tests/data/*.gsql; do
	[ -e "$q" ] || continue
	n=$(basename "$q" .gsql)
	gs -q -r "$basic" --csv -t -f "$q"
	expect_rc "data-$n" 0 && check_eq "data-$n" "$(cat "$T_DIR/out")" \
		"$(sed -n 's/^-- expect: \{0,1\}//p' "$q")"
done

# ---- statistics: on stderr unless -q ----------------------------------------------------
gs -r "$basic" --csv -t -c "SELECT srcPort FROM UDP"
expect_rc statistics 0 && {
	if grep -q '5 packets' "$T_DIR/err" && [ "$(cat "$T_DIR/out")" = 5353 ]; then
		ok statistics
	else
		fail statistics "want '5 packets' on stderr, rows only on stdout:" "$(cat "$T_DIR/err")" "$(cat "$T_DIR/out")"
	fi
}
gs -q -r "$basic" --csv -t -c "SELECT srcPort FROM UDP"
expect_rc quiet 0 && check_eq quiet "$(cat "$T_DIR/err")" ""

# ---- ~/.gigshrc and -X ------------------------------------------------------------------
# An error in the rc file is reported (with its name and line) but does not
# stop gigsh; -X skips the file.
printf 'SELECT FROM;\n' >"$HOME/.gigshrc"
gs -q -r "$basic" --csv -t -c "SELECT srcPort FROM UDP"
expect_rc gigshrc-read 0 && {
	if [ "$(cat "$T_DIR/out")" = 5353 ] && grep -q '\.gigshrc:1: ERROR:  syntax error' "$T_DIR/err"; then
		ok gigshrc-read
	else
		fail gigshrc-read "want row 5353 and '.gigshrc:1: ERROR:  syntax error' on stderr:" "$(cat "$T_DIR/err")"
	fi
}
gs -q -X -r "$basic" --csv -t -c "SELECT srcPort FROM UDP"
expect_rc no-gigshrc 0 && check_eq no-gigshrc "$(cat "$T_DIR/out")$(cat "$T_DIR/err")" "5353"
rm -f "$HOME/.gigshrc"

# ---- SIGTERM ends a run cleanly -------------------------------------------------------------
# A live capture on lo runs until a signal: SIGTERM must end it with status
# 143 (128 + 15), the statistics printed and the output whole.
if [ "$(id -u)" -eq 0 ]; then
	timeout -k 5 20 "$gigsh" -X -i lo --csv -c "SELECT time, protocol FROM IPV4" \
		>"$T_DIR/out" 2>"$T_DIR/err" </dev/null &
	pid=$!
	sleep 1.5
	kill -TERM "$pid"
	wait "$pid"
	GS_RC=$?
	if [ "$GS_RC" -eq 143 ] && grep -q 'packets dropped by kernel' "$T_DIR/err" &&
	   grep -q '^time,protocol$' "$T_DIR/out"; then
		ok sigterm
	else
		fail sigterm "exit $GS_RC (want 143); stderr:" "$(head -n 8 "$T_DIR/err")"
	fi
else
	skip sigterm "needs root to capture on lo"
fi

# ---- meta-commands through -c -----------------------------------------------------------
gs -q -r "$basic" -c '\schema TCP'
expect_rc schema 0 && {
	grep -q 'destPort' "$T_DIR/out" && grep -q 'sequence_number' "$T_DIR/out" && ok schema ||
		fail schema "\\schema TCP does not list destPort and sequence_number:" "$(head -n 10 "$T_DIR/out")"
}
gs -q -r "$basic" -c '\explain SELECT srcPort FROM TCP WHERE destPort = 443'
expect_rc explain 0 && { [ -s "$T_DIR/out" ] && ok explain || fail explain "\\explain printed nothing"; }

t_end
