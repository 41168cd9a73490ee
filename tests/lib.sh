# tests/lib.sh: helpers shared by the end-to-end tests (tests/e2e/*.sh).
#
# A test script sources this file, calls t_begin NAME, runs its checks and
# ends with t_end.  Every check prints exactly one result line that
# tests/run counts:
#     ok NAME
#     FAIL NAME
#     skip NAME: why
# and, after a FAIL, indented lines ("  ...") saying what differed.
#
# Environment (tests/run sets it; a script also runs on its own):
#   GIGSH_BUILD   the build directory (default: ./build of the checkout)
#   GIGSH_ASAN    1 when the build has sanitizers: tests keep to their
#                 cheaper subset and every gigsh run is checked for reports
# Variables for the tests:
#   repo build gigsh mkpcap pcaps   paths
#   T_DIR     a private scratch directory under $build/tests/out, removed
#             at the end unless something failed
#   HOME, XDG_CACHE_HOME, TMPDIR    pointed into T_DIR, so that gigsh's
#             module cache and temporary files stay inside the build tree

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GIGSH_BUILD:-$repo/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
gigsh=$build/gigsh
mkpcap=$build/tests/tools/mkpcap
pcaps=$repo/../shared/pcaps
GIGSH_ASAN=${GIGSH_ASAN:-0}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LC_ALL=C
# Generated modules must compile without a warning: every query a test runs
# is built with -Werror (gigsh reads GIGSH_WERROR; the compiler does not).
export GIGSH_WERROR=1

T_NAME=
T_PASSED=0
T_FAILED=0
T_SKIPPED=0

# t_begin NAME: start a test script; makes T_DIR and a private HOME.
t_begin() {
	T_NAME=$1
	mkdir -p "$build/tests/out" || exit 1
	T_DIR=$(mktemp -d "$build/tests/out/$T_NAME.XXXXXX") || exit 1
	mkdir -p "$T_DIR/home" "$T_DIR/tmp"
	export HOME=$T_DIR/home XDG_CACHE_HOME=$T_DIR/home/.cache TMPDIR=$T_DIR/tmp
}

# t_end: print this script's counts (for a reader; tests/run counts the
# result lines) and exit 1 if anything failed.
t_end() {
	echo "# $T_NAME: $T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	if [ "$T_FAILED" -eq 0 ] && [ "${T_KEEP:-0}" != 1 ]; then
		rm -rf "$T_DIR"
	else
		echo "# files kept in $T_DIR"
	fi
	[ "$T_FAILED" -eq 0 ]
	exit
}

ok() { echo "ok $T_NAME/$1"; T_PASSED=$((T_PASSED + 1)); }
skip() { echo "skip $T_NAME/$1: $2"; T_SKIPPED=$((T_SKIPPED + 1)); }
# fail NAME [DETAIL...]: each detail line is printed indented.
fail() {
	local name=$1
	shift
	echo "FAIL $T_NAME/$name"
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | head -n 40 | sed 's/^/  /'
	done
	T_FAILED=$((T_FAILED + 1))
}

# check_eq NAME GOT WANT: compare two strings, show both on failure.
check_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		fail "$1" "got:" "$(printf '%s\n' "$2" | head -n 20 | cat -A | cut -c1-300)" \
			"want:" "$(printf '%s\n' "$3" | head -n 20 | cat -A | cut -c1-300)"
	fi
}

# check_files NAME GOT_FILE WANT_FILE: compare files, show a short diff.
check_files() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		fail "$1" "$(diff -u "$3" "$2" | head -n 30)" \
			"(- want $(wc -l <"$3") lines, + got $(wc -l <"$2") lines)"
	fi
}

# need_gigsh: stop the script (one FAIL) when gigsh was not built.
need_gigsh() {
	if [ ! -x "$gigsh" ]; then
		fail gigsh-built "$gigsh does not exist: the build failed?"
		t_end
	fi
	if [ ! -x "$mkpcap" ]; then
		fail mkpcap-built "$mkpcap does not exist: the build failed?"
		t_end
	fi
}

# have_pcaps NAME: true when ../shared/pcaps is there, else prints a skip.
have_pcaps() {
	if [ -d "$pcaps" ]; then
		return 0
	fi
	skip "$1" "../shared/pcaps absent"
	return 1
}

# sanitizer_report FILE: true when FILE holds an ASan/UBSan/LSan report.
sanitizer_report() {
	grep -q -E 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|Undefined|Leak)' "$1"
}

# gs ARGS...: run gigsh with a time limit; stdout to $T_DIR/out, stderr to
# $T_DIR/err, status in GS_RC.  Never aborts the script.
GS_TIMEOUT=${GS_TIMEOUT:-300}
gs() {
	timeout -k 10 "$GS_TIMEOUT" "$gigsh" "$@" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
	GS_RC=$?
	return 0
}

# gs_ok NAME: after gs, true when it exited 0 with no sanitizer report;
# otherwise prints a FAIL for NAME (with stderr) and returns 1.
gs_ok() {
	if [ "$GS_RC" -eq 0 ] && ! sanitizer_report "$T_DIR/err"; then
		return 0
	fi
	fail "$1" "gigsh exited $GS_RC; stderr:" "$(head -n 25 "$T_DIR/err")"
	return 1
}

# mk SCENARIO FILE [ARGS]: a crafted capture in T_DIR (path printed).
mk() {
	local f=$T_DIR/$2
	"$mkpcap" "${@:3}" "$1" "$f" >&2 || { echo "mkpcap $1 failed" >&2; return 1; }
	echo "$f"
}

# TS_L2: an awk regex for the start of tshark's frame.protocols up to the
# outermost network header, over the link layers gigsh decodes: Ethernet
# (with 802.1Q/802.1ad tags and PPPoE sessions), Linux cooked, BSD
# loopback, raw IP.  "$TS_L2 ip:tcp(:|$)" is TCP right after the outer IPv4.
TS_L2='^(eth:ethertype:((vlan|ieee8021ad):ethertype:)*(pppoes:ppp:)?|sll:ethertype:(pppoes:ppp:)?|null:|raw:)?'

# tshark_fields FILE FILTER FIELD...: tshark's view, one line per packet,
# fields separated by '|', every occurrence of a field joined by ';'.
# Reassembly is off, so each line is one packet as it was captured.
tshark_fields() {
	local f=$1 filter=$2
	shift 2
	local args=() x
	for x in "$@"; do args+=(-e "$x"); done
	tshark -n -r "$f" -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
		-o tcp.desegment_tcp_streams:FALSE -o tcp.analyze_sequence_numbers:FALSE \
		-Y "$filter" -T fields -E separator='|' -E occurrence=a -E aggregator=';' \
		"${args[@]}" 2>/dev/null
}

# netns_pair TAG: two network namespaces, $ns_a and $ns_b, joined by a veth
# pair whose ends are called vethA and vethB, removed again when the script
# exits.  Links stay down (the caller sets addresses and sysctls first, then
# calls netns_up).  Returns 1, with the reason in $T_DIR/ip.err, when
# namespaces cannot be made here.
netns_pair() {
	ns_a=gigsh-$1a-$$
	ns_b=gigsh-$1b-$$
	local va=g$1a$$ vb=g$1b$$
	trap 'ip netns del "$ns_a" 2>/dev/null; ip netns del "$ns_b" 2>/dev/null; ip link del '"$va"' 2>/dev/null' EXIT
	{ ip netns add "$ns_a" && ip netns add "$ns_b" &&
		ip link add "$va" type veth peer name "$vb" &&
		ip link set "$va" netns "$ns_a" && ip link set "$vb" netns "$ns_b" &&
		ip -n "$ns_a" link set "$va" name vethA && ip -n "$ns_b" link set "$vb" name vethB; } \
		2>"$T_DIR/ip.err"
}

# netns_no_ipv6: IPv6 off in both namespaces, so that no router or
# neighbour solicitation joins the traffic a test counts.
netns_no_ipv6() {
	local ns
	for ns in "$ns_a" "$ns_b"; do
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	done
	return 0
}

# netns_up: bring vethA and vethB up and wait (5 s at most) for the carrier.
netns_up() {
	ip -n "$ns_a" link set vethA up && ip -n "$ns_b" link set vethB up || return 1
	for _ in $(seq 50); do
		ip -n "$ns_a" link show vethA | grep -q LOWER_UP &&
			ip -n "$ns_b" link show vethB | grep -q LOWER_UP && return 0
		sleep 0.1
	done
	return 0
}
