#!/bin/bash
# privileges.sh: gigsh -Z USER and file capabilities.
#
# As root, with a user made for the test (useradd -r, removed on exit) whose
# home is in a fresh directory under /tmp:
#   - an unknown -Z user is an option error (the status of any other);
#   - -Z root keeps root, so the first query that needs a module is refused
#     with the reason, and no module is written;
#   - -Z USER -r FILE reads a file only root can read, for two queries in
#     one session (the file is opened once, before the switch), through
#     the mapped reader and through libpcap; the rows are tshark's; the
#     module in the cache belongs to USER;
#   - an -o |COMMAND is started after the switch, as the user;
#   - run by an ordinary user, -Z naming another user is refused;
#   - -Z nobody (home /nonexistent) works without a cache and says so;
#   - a live capture over a veth pair between two network namespaces with
#     -Z USER: the rows are the pings the test sends (5 requests, 5
#     replies), and /proc/PID/status shows gigsh running as USER with no
#     capability while it captures;
#   - two live queries in one interactive session (through tmux) under -Z:
#     the second sees only the pings sent after it started;
#   - USER without capabilities cannot capture, and is told why;
#   - a copy of gigsh given cap_net_raw,cap_net_admin with setcap (the copy
#     lives under /tmp: the build tree may be mounted nosuid) captures as
#     USER; with -Z USER it drops the capabilities once the interface is
#     open; the compiler it runs holds no capability.
# Needs root, ip, ping, useradd, runuser, setpriv; setcap for the last part.  Every
# run is under timeout(1).
. "$(dirname "$0")/../lib.sh"
t_begin privileges
need_gigsh

if [ "$(id -u)" -ne 0 ]; then
	skip all "needs root (to make a user and switch to it)"
	t_end
fi
for tool in useradd userdel runuser setpriv tshark; do
	if ! command -v $tool >/dev/null; then
		skip all "$tool not installed"
		t_end
	fi
done

user=gigsh-t$$
pdir=$(mktemp -d /tmp/gigsh-priv.XXXXXX) || { fail setup "mktemp failed"; t_end; }
chmod 755 "$pdir"
home=$pdir/home
cleanup() {
	[ -n "${sock:-}" ] && timeout 10 tmux -L "$sock" kill-server 2>/dev/null
	[ -n "${ns_a:-}" ] && ip netns del "$ns_a" 2>/dev/null
	[ -n "${ns_b:-}" ] && ip netns del "$ns_b" 2>/dev/null
	# userdel refuses while a process of the user is still ending
	local i
	for i in $(seq 50); do
		getent passwd "$user" >/dev/null || break
		userdel "$user" 2>/dev/null && break
		sleep 0.1
	done
	getent passwd "$user" >/dev/null && userdel -f "$user" 2>/dev/null
	rm -rf "$pdir"
}
trap cleanup EXIT
if ! useradd -r -M -U -d "$home" -s /usr/sbin/nologin "$user" 2>"$T_DIR/useradd.err"; then
	skip all "cannot add a user here: $(head -n 1 "$T_DIR/useradd.err")"
	t_end
fi
mkdir -m 700 "$home" && chown "$user:$user" "$home"
uid=$(id -u "$user")
gid=$(id -g "$user")

# The capture only root can read: in T_DIR (mode 0700), itself mode 0600.
pcap=$(mk basic basic.pcap)
chmod 600 "$pcap"
chmod 700 "$T_DIR"
q="SELECT srcIP, destIP FROM IPV4"

# ---- option errors ------------------------------------------------------------
gs -B 0 -r "$pcap" -c "$q"
bad_opt_rc=$GS_RC
gs -Z "no-such-user-$$" -r "$pcap" -c "$q"
if [ "$GS_RC" -eq "$bad_opt_rc" ] && [ "$GS_RC" -ne 0 ] &&
	grep -q "gigsh: -Z no-such-user-$$: no such user" "$T_DIR/err" && [ ! -s "$T_DIR/out" ]; then
	ok unknown-user
else
	fail unknown-user "status $GS_RC (an option error gives $bad_opt_rc); stderr:" "$(cat "$T_DIR/err")"
fi

# ---- -Z root: nothing dropped, so no module is built or loaded -----------------
rm -rf "$XDG_CACHE_HOME"
gs -Z root -r "$pcap" -c "$q"
if [ "$GS_RC" -eq 3 ] &&
	grep -q "refusing to compile or load a query module: -Z was given.*still runs as root" "$T_DIR/err" &&
	grep -q "warning: -Z root: that user is root" "$T_DIR/err" && [ ! -s "$T_DIR/out" ]; then
	ok refused-as-root
else
	fail refused-as-root "status $GS_RC; stderr:" "$(cat "$T_DIR/err")" "stdout:" "$(cat "$T_DIR/out")"
fi
if [ -z "$(find "$HOME" "$TMPDIR" -maxdepth 5 -name '*.so' -newer "$pcap" -user 0 2>/dev/null)" ]; then
	ok refused-nothing-built
else
	fail refused-nothing-built "modules were written:" \
		"$(find "$HOME" "$TMPDIR" -maxdepth 5 -name '*.so' -newer "$pcap" -user 0 2>/dev/null)"
fi

# ---- -Z USER over a file only root can read ------------------------------------
if runuser -u "$user" -- cat "$pcap" >/dev/null 2>&1; then
	fail file-root-only "$user can read $pcap: the next checks would prove nothing"
fi
want=$(tshark_fields "$pcap" ip ip.src ip.dst | tr '|' ',')
want2=$(printf '%s\n%s' "$want" "$want")
gs -Z "$user" -r "$pcap" --csv -t -q -c "$q" -c "$q"
if gs_ok file-two-queries; then
	check_eq file-two-queries "$(cat "$T_DIR/out")" "$want2"
fi
GIGSH_NO_MMAP=1 gs -Z "$user" -r "$pcap" --csv -t -q -c "$q" -c "$q"
if gs_ok file-two-queries-libpcap; then
	check_eq file-two-queries-libpcap "$(cat "$T_DIR/out")" "$want2"
fi
mods=$(find "$home/.cache/gigsh/modules" -name '*.so' 2>/dev/null)
owners=$(for m in $mods; do stat -c %U "$m"; done | sort -u)
if [ -n "$mods" ] && [ "$owners" == "$user" ] &&
	[ "$(stat -c %U:%a "$home/.cache/gigsh/modules")" == "$user:700" ]; then
	ok module-owned-by-user
else
	fail module-owned-by-user "modules: $mods" "owners: $owners" \
		"$(ls -la "$home/.cache/gigsh/modules" 2>&1)"
fi

# -o |COMMAND starts after the switch: the command runs as the user.
gs -Z "$user" -r "$pcap" -q -o "|id -u >$home/pipe-uid; cat >/dev/null" -c "$q"
if gs_ok pipe-as-user; then
	check_eq pipe-as-user "$(cat "$home/pipe-uid" 2>&1)" "$uid"
fi

# Not root: -Z may name only the user running gigsh.
setpriv --reuid "$uid" --regid "$gid" --init-groups env -u XDG_CACHE_HOME HOME="$home" TMPDIR=/tmp \
	timeout 60 "$gigsh" -Z root -c '\schema' >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
rc=$?
if [ "$rc" -eq "$bad_opt_rc" ] && grep -q "gigsh: -Z root: only root can switch to another user" "$T_DIR/err" &&
	[ ! -s "$T_DIR/out" ]; then
	ok not-root-other-user
else
	fail not-root-other-user "status $rc; stderr:" "$(cat "$T_DIR/err")"
fi

# nobody's home is /nonexistent: no cache, said once, and the rows are right.
if [ "$(getent passwd nobody | cut -d: -f6)" == /nonexistent ]; then
	gs -Z nobody -r "$pcap" --csv -t -c "$q" -c "$q"
	if gs_ok nobody-no-cache; then
		check_eq nobody-no-cache "$(cat "$T_DIR/out")
$(grep -c 'compiled without a cache' "$T_DIR/err")" "$want2
1"
	fi
else
	skip nobody-no-cache "nobody's home is not /nonexistent here"
fi

# ---- live: a veth pair between two namespaces -----------------------------------
for tool in ip ping; do
	if ! command -v $tool >/dev/null; then
		skip live "$tool not installed (apt-get install iproute2 iputils-ping)"
		t_end
	fi
done
if ! { netns_pair z &&
	ip -n "$ns_a" addr add 10.201.9.1/24 dev vethA && ip -n "$ns_b" addr add 10.201.9.2/24 dev vethB &&
	ip -n "$ns_a" link set lo up && ip -n "$ns_b" link set lo up; } 2>>"$T_DIR/ip.err"; then
	skip live "cannot create network namespaces here: $(head -n 1 "$T_DIR/ip.err")"
	t_end
fi
trap cleanup EXIT # netns_pair set its own trap: ours removes the namespaces too
netns_up
timeout 10 ip netns exec "$ns_a" ping -c 1 -W 2 10.201.9.2 >/dev/null 2>&1

lq="SELECT srcIP, destIP, protocol FROM IPV4 WHERE protocol = 1"
lwant=$(for _ in 1 2 3 4 5; do echo "10.201.9.1,10.201.9.2,1"; echo "10.201.9.2,10.201.9.1,1"; done)
# The module of lq, built as the user into its cache, so that the live runs
# start capturing at once.
timeout 120 "$gigsh" -q -Z "$user" -r "$pcap" --csv -t -c "$lq" >/dev/null 2>&1

# live_run [RUNNER...] :: GIGSH_ARGS...: run gigsh (through RUNNER, in
# ns_b) on vethB while ns_a pings 5 times; SIGINT after 10 s.  Leaves the
# output in $T_DIR/out and err, the status in GS_RC and gigsh's
# /proc/PID/status, read while it captured, in $T_DIR/status.
live_run() {
	local runner=()
	while [ "$1" != :: ]; do runner+=("$1"); shift; done
	shift
	: >"$T_DIR/status"
	timeout --foreground --preserve-status -s INT -k 5 10 ip netns exec "$ns_b" "${runner[@]}" "$@" \
		-q -i vethB --csv -t -c "$lq" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null &
	local tpid=$! pid=
	for _ in $(seq 30); do
		sleep 0.1
		# timeout -> (runner) -> gigsh: the process whose executable is gigsh
		for p in $(pgrep -f -- "-i vethB --csv -t -c"); do
			case $(readlink "/proc/$p/exe" 2>/dev/null) in */gigsh|*/gigsh-cap) pid=$p ;; esac
		done
		[ -n "$pid" ] && break
	done
	sleep 2
	[ -n "$pid" ] && cat "/proc/$pid/status" >"$T_DIR/status" 2>/dev/null
	timeout 20 ip netns exec "$ns_a" ping -c 5 -i 0.2 -W 2 10.201.9.2 >"$T_DIR/ping" 2>&1
	ping_rc=$?
	wait "$tpid"
	GS_RC=$?
}

# check_live NAME: the rows are the pings, gigsh stopped on SIGINT.
check_live() {
	if [ "$ping_rc" -ne 0 ]; then
		fail "$1" "ping itself failed:" "$(cat "$T_DIR/ping")"
	elif [ "$GS_RC" -ne 0 ] || sanitizer_report "$T_DIR/err"; then
		fail "$1" "gigsh exited $GS_RC; stderr:" "$(head -n 20 "$T_DIR/err")"
	else
		check_eq "$1" "$(cat "$T_DIR/out")" "$lwant"
	fi
}

# status_is NAME UID GID CAPEFF: the /proc status read during the run.
status_is() {
	local got
	got=$(awk '$1 == "Uid:" || $1 == "Gid:" { print $1, $2, $3, $4, $5 } $1 == "CapEff:" { print $1, $2 }' \
		"$T_DIR/status")
	check_eq "$1" "$got" "Uid: $2 $2 $2 $2
Gid: $3 $3 $3 $3
CapEff: $4"
}

live_run :: "$gigsh" -Z "$user"
check_live live-as-user
status_is as-user-during-capture "$uid" "$gid" 0000000000000000

# An ordinary user without capabilities: refused, with the reason.
ip netns exec "$ns_b" timeout -k 5 20 runuser -u "$user" -- env -u XDG_CACHE_HOME HOME="$home" TMPDIR=/tmp \
	"$gigsh" -q -i vethB -c "$lq" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
rc=$?
if [ "$rc" -ne 0 ] && grep -q "vethB: You don't have permission to capture on that device.*setcap cap_net_raw,cap_net_admin+ep" "$T_DIR/err"; then
	ok user-without-caps-refused
else
	fail user-without-caps-refused "status $rc; stderr:" "$(cat "$T_DIR/err")"
fi

# Two live queries in one interactive session under -Z, driven through tmux:
# the interface opened as root serves both, and the second sees only what
# arrives after it starts (not the pings sent between the queries).
if command -v tmux >/dev/null; then
	sock=gigsh-priv-$$
	tm() { timeout 10 tmux -L "$sock" -f /dev/null "$@"; }
	pane() { tm capture-pane -p -t t 2>/dev/null; }
	# prompts N SECONDS: true once the pane shows N prompts
	prompts() {
		local i
		for ((i = 0; i < $2 * 10; i++)); do
			[ "$(pane | grep -c '^gigsh=>')" -ge "$1" ] && return 0
			sleep 0.1
		done
		return 1
	}
	# a final ';' would end a tmux command: it goes as a key code
	type_query() { tm send-keys -t t -l "${1%;}"; tm send-keys -t t -H 3b; tm send-keys -t t Enter; }
	printf '#!/bin/bash\nexport TERM=xterm\nip netns exec %q %q -X -Z %q -i vethB --csv -t -o %q\necho gigsh-exited-$?\nsleep 600\n' \
		"$ns_b" "$gigsh" "$user" "$T_DIR/two.out" >"$T_DIR/run-two"
	tm new-session -d -s t -x 150 -y 45 "bash '$T_DIR/run-two'"
	pings() { timeout 20 ip netns exec "$ns_a" ping -c "$1" -i 0.2 -W 2 10.201.9.2 >>"$T_DIR/ping2" 2>&1; }
	if prompts 1 20; then
		type_query "$lq;"
		sleep 3
		pings 3; r1=$?
		sleep 1
		tm send-keys -t t C-c
		prompts 2 20
		pings 2; r2=$?   # between the queries: must not be seen
		sleep 1
		type_query "$lq;"
		sleep 3
		pings 4; r3=$?
		sleep 1
		tm send-keys -t t C-c
		prompts 3 20
		tm send-keys -t t -l '\q'
		tm send-keys -t t Enter
		for _ in $(seq 100); do pane | grep -q gigsh-exited && break; sleep 0.1; done
		if [ "$r1$r2$r3" != 000 ]; then
			fail live-two-queries "ping itself failed:" "$(cat "$T_DIR/ping2")"
		else
			want=$(for _ in 1 2 3 4 5 6 7; do echo "10.201.9.1,10.201.9.2,1"; echo "10.201.9.2,10.201.9.1,1"; done)
			check_eq live-two-queries "$(cat "$T_DIR/two.out")
$(pane | grep -o 'gigsh-exited-[0-9]*')" "$want
gigsh-exited-0"
		fi
	else
		fail live-two-queries "no prompt after 20 s:" "$(pane)"
	fi
	tm kill-server 2>/dev/null
else
	skip live-two-queries "tmux not installed"
fi

# ---- file capabilities ----------------------------------------------------------
if ! command -v setcap >/dev/null; then
	skip setcap "setcap not installed (apt-get install libcap2-bin)"
	t_end
fi
mkdir -m 755 "$pdir/bin"
cp "$gigsh" "$pdir/bin/gigsh-cap" && chmod 755 "$pdir/bin/gigsh-cap"
if ! setcap cap_net_raw,cap_net_admin+ep "$pdir/bin/gigsh-cap" 2>"$T_DIR/setcap.err"; then
	skip setcap "setcap failed here: $(head -n 1 "$T_DIR/setcap.err")"
	t_end
fi
# setpriv execs (runuser would stay in between and not pass SIGINT on)
as_user=(setpriv --reuid "$uid" --regid "$gid" --init-groups env -u XDG_CACHE_HOME HOME="$home" TMPDIR=/tmp)

live_run "${as_user[@]}" :: "$pdir/bin/gigsh-cap"
if grep -q "permission" "$T_DIR/err" && findmnt -n -o OPTIONS -T "$pdir" | grep -q nosuid; then
	skip setcap-live "$pdir is on a nosuid file system: file capabilities are ignored there"
	t_end
fi
check_live setcap-live
# cap_net_admin is bit 12, cap_net_raw bit 13
status_is setcap-keeps-caps-without-Z "$uid" "$gid" 0000000000003000

live_run "${as_user[@]}" :: "$pdir/bin/gigsh-cap" -Z "$user"
check_live setcap-live-Z-self
status_is setcap-Z-self-drops-caps "$uid" "$gid" 0000000000000000

# The compiler the capable binary starts holds no capability (it is not
# inherited across execve).  A new query, so that it is compiled; its
# processes are looked at while they run, which may be too short to see.
chmod 644 "$pcap"
chmod 755 "$T_DIR"
"${as_user[@]}" timeout 120 "$pdir/bin/gigsh-cap" -q -r "$pcap" --csv -t \
	--no-cache -c "SELECT destIP, srcIP FROM IPV4 WHERE srcIP <> destIP" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null &
wpid=$!
: >"$T_DIR/cc-caps"
while kill -0 "$wpid" 2>/dev/null; do
	for p in $(pgrep -u "$uid"); do
		case $(cat "/proc/$p/comm" 2>/dev/null) in
		cc|gcc|cc1|as|ld|collect2)
			awk '$1 == "CapEff:" || $1 == "CapPrm:" { print $2 }' "/proc/$p/status" 2>/dev/null \
				>>"$T_DIR/cc-caps" ;;
		esac
	done
done
wait "$wpid"
GS_RC=$?
if gs_ok setcap-file-query; then
	check_eq setcap-file-query "$(cat "$T_DIR/out")" \
		"$(tshark_fields "$pcap" 'ip && ip.src != ip.dst' ip.dst ip.src | tr '|' ',')"
fi
if [ ! -s "$T_DIR/cc-caps" ]; then
	skip compiler-without-caps "the compiler ran too briefly to be seen"
else
	check_eq compiler-without-caps "$(sort -u "$T_DIR/cc-caps")" 0000000000000000
fi

t_end
