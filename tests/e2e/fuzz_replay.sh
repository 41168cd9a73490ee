#!/bin/bash
# fuzz_replay.sh: the libFuzzer targets of tests/fuzz, run without libFuzzer
# over their committed inputs (seeds and past crashes, tests/fuzz/corpus)
# and over the project's own queries and the shared captures.  A target
# aborts on what it checks (an error without a message, the two file
# readers disagreeing, a string outside the captured bytes, a generated
# module that does not compile without a warning or load); under the
# sanitizer build any memory error is a report.  tests/fuzz/run fuzzes.
. "$(dirname "$0")/../lib.sh"
t_begin fuzz_replay
need_gigsh

# replay NAME TARGET INPUT...: the target over every input.
replay() {
	local name=$1 exe=$build/tests/fuzz/replay_$2
	shift 2
	if [ ! -x "$exe" ]; then
		fail "$name" "$exe not built"
		return
	fi
	timeout -k 10 600 "$exe" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	local rc=$?
	local n
	n=$(grep -c '^ok ' "$T_DIR/out")
	if [ "$rc" -eq 0 ] && ! sanitizer_report "$T_DIR/err" && grep -q '^[0-9]* passed, 0 failed$' "$T_DIR/out"; then
		ok "$name ($n inputs)"
	else
		fail "$name" "exit $rc after $n inputs; the input that failed follows the last ok:" \
			"$(tail -n 2 "$T_DIR/out")" "$(head -n 20 "$T_DIR/err")"
	fi
}

replay decode decode "$repo/tests/fuzz/corpus/decode"
replay parse parse "$repo/tests/fuzz/corpus/parse" "$repo/tests/data"
# each input compiles and loads a module (-Werror, no cache)
replay codegen codegen "$repo/tests/fuzz/corpus/codegen"
crafted=$T_DIR/crafted
mkdir -p "$crafted"
for sc in basic vlan ipv6ext frag4 trunc badihl empty nsec raw null sll; do
	mk "$sc" "crafted/$sc.pcap" >/dev/null
done
replay file file "$repo/tests/fuzz/corpus/file" "$crafted"
if have_pcaps shared-captures; then
	mapfile -t small < <(find "$pcaps" -type f -size -2000k ! -name '*.md' | sort)
	replay file-shared file "${small[@]}"
fi
t_end
