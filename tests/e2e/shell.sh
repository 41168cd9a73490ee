#!/bin/bash
# shell.sh: the interactive shell, driven through tmux: a query and its
# table, the continuation prompt, Ctrl-C at the prompt, Ctrl-C during a
# long query (the prompt must come back), \q.
. "$(dirname "$0")/../lib.sh"
t_begin shell
need_gigsh
if ! command -v tmux >/dev/null; then
	skip all "tmux not installed"
	t_end
fi

basic=$(mk basic basic.pcap)
sock=gigsh-test-$$-0
n_started=0
export TERM=${TERM:-xterm}
[ "$TERM" = dumb ] && export TERM=xterm
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT   # the last server; start() ends the others

# pane: the visible text of the pane.
pane() { tm capture-pane -p -t t 2>/dev/null; }
# wait_for REGEX SECONDS: true once the pane shows a line matching REGEX.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		pane | grep -q -E "$1" && return 0
		sleep 0.1
	done
	return 1
}
# type_line TEXT: type TEXT and Enter.  tmux takes an argument ending in
# ';' for a command separator, so a final ';' is sent as a hex key code.
type_line() {
	local text=$1 semi=
	if [ "${text%;}" != "$text" ]; then
		text=${text%;}
		semi=1
	fi
	tm send-keys -t t -l "$text"
	[ -n "$semi" ] && tm send-keys -t t -H 3b
	tm send-keys -t t Enter
}
# last_line: the last non-empty line of the pane.
last_line() { pane | sed '/^ *$/d' | tail -n 1; }
# start ARGS...: gigsh in a new tmux server; "gigsh-exited-N" shows its
# status.  The command line goes through a script: tmux limits the length
# of its own commands.
start() {
	tm kill-server 2>/dev/null
	n_started=$((n_started + 1))
	sock=gigsh-test-$$-$n_started   # a fresh server: no race with the one ending
	printf '#!/bin/bash\ncd %q || exit 1\n%q %s\necho gigsh-exited-$?\nsleep 600\n' \
		"$T_DIR" "$gigsh" "$*" >"$T_DIR/run-gigsh"
	tm new-session -d -s t -x 150 -y 45 "bash '$T_DIR/run-gigsh'"
}

start -r basic.pcap
if ! wait_for '^gigsh=>' 20; then
	fail prompt "no 'gigsh=> ' prompt after 20 s; the pane shows:" "$(pane)"
	t_end
fi
ok prompt

type_line "SELECT srcPort, destPort FROM UDP;"
if wait_for '^\(1 row\)' 60; then
	if pane | grep -q -E '^ *srcPort *\| *destPort *$' && pane | grep -q -E '^ *5353 *\| *53 *$'; then
		ok table
	else
		fail table "the table is not as expected:" "$(pane)"
	fi
	sleep 0.3
	if last_line | grep -q -E '^gigsh=> ?$'; then ok prompt-after-query; else fail prompt-after-query "$(pane | tail -n 5)"; fi
else
	fail table "no '(1 row)' after 60 s:" "$(pane)"
fi

tm send-keys -t t C-l
type_line "SELECT icmp_type, icmp_code"
if wait_for '^gigsh->' 5; then ok continuation-prompt; else fail continuation-prompt "$(pane | tail -n 5)"; fi
type_line "FROM ICMP;"
if wait_for '^ *8 *\| *0 *$' 60; then ok multi-line-query; else fail multi-line-query "$(pane | tail -n 15)"; fi

# Ctrl-C at the prompt drops the pending input.
type_line "SELECT this is not finished"
sleep 0.3
tm send-keys -t t C-c
sleep 0.3
type_line "SELECT icmp_type + 34 AS answer FROM ICMP;"
if wait_for '^ *42 *$' 60 && ! pane | grep -q 'ERROR'; then
	ok ctrl-c-at-prompt
else
	fail ctrl-c-at-prompt "the input was not dropped:" "$(pane | tail -n 15)"
fi

type_line '\q'
if wait_for '^gigsh-exited-0' 10; then ok quit; else fail quit "after \\q:" "$(pane | tail -n 5)"; fi

# Ctrl-C during a long query: the same file read many times over.
if [ "$GIGSH_ASAN" != 1 ]; then
	long_q="SELECT srcPort FROM TCP WHERE destPort = 1 AND srcPort = 2"
	# compile the query's module beforehand, so that Ctrl-C meets it running
	timeout 120 "$gigsh" -q -r "$basic" -c "$long_q" >/dev/null 2>&1
	big=$(mk demo big.pcap -n 50000)
	args=""
	for _ in $(seq 2000); do args="$args -r big.pcap"; done   # 100 million packets
	start "$args"
	if wait_for '^gigsh=>' 20; then
		type_line "$long_q;"
		sleep 2
		tm send-keys -t t C-c
		t0=$(date +%s)
		if wait_for 'cancel' 10; then
			sleep 0.5
			if last_line | grep -q -E '^gigsh=> ?$'; then
				ok "ctrl-c-during-query (prompt back after $(( $(date +%s) - t0 )) s)"
			else
				fail ctrl-c-during-query "no prompt after the cancel:" "$(pane | tail -n 8)"
			fi
		elif pane | grep -q -E '\(0 rows\)'; then
			skip ctrl-c-during-query "the query finished within 2 s, before Ctrl-C"
		else
			fail ctrl-c-during-query "10 s after Ctrl-C, no 'cancelled' and no prompt:" "$(pane | tail -n 8)"
		fi
		type_line '\q'
		wait_for '^gigsh-exited-0' 10 && ok quit-after-cancel || fail quit-after-cancel "$(pane | tail -n 5)"
	else
		fail ctrl-c-during-query "no prompt:" "$(pane)"
	fi
fi

t_end
