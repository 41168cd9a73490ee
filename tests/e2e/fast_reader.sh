#!/bin/bash
# fast_reader.sh: the mapped reader of classic pcap files must deliver what
# libpcap delivers.  Every capture in ../shared/pcaps (and the crafted ones)
# is read both ways (GIGSH_NO_MMAP=1 forces libpcap's pcap_next_ex) with
# queries that print every packet's timestamp, lengths and payload; the
# rows, the error messages and the exit statuses must be the same, the
# damaged and truncated files included.
. "$(dirname "$0")/../lib.sh"
t_begin fast_reader
need_gigsh

QUERIES=("SELECT timestamp, len, caplen FROM ETH"
	"SELECT timestamp, srcIP, destIP, srcPort, destPort, TCP_data FROM TCP"
	"SELECT srcIP6, UDP_data FROM UDP")

compare() {
	local name=$1 f=$2 q a b
	for q in "${QUERIES[@]}"; do
		gs -q --csv -r "$f" -c "$q"
		cp "$T_DIR/out" "$T_DIR/a.out"
		cp "$T_DIR/err" "$T_DIR/a.err"
		a=$GS_RC
		GIGSH_NO_MMAP=1 gs -q --csv -r "$f" -c "$q"
		b=$GS_RC
		if [ "$a" != "$b" ] || ! cmp -s "$T_DIR/a.out" "$T_DIR/out" ||
		   ! cmp -s "$T_DIR/a.err" "$T_DIR/err"; then
			fail "$name" "query: $q" "exit $a (mapped) vs $b (libpcap)" \
				"$(diff "$T_DIR/a.err" "$T_DIR/err" | head -n 6)" \
				"$(diff "$T_DIR/a.out" "$T_DIR/out" | head -n 6)"
			return
		fi
	done
	ok "$name"
}

for sc in basic vlan ipv6ext frag4 trunc nsec raw null sll; do
	compare "crafted/$sc" "$(mk "$sc" "$sc.pcap")"
done
if have_pcaps shared; then
	while IFS= read -r f; do
		compare "${f#"$pcaps"/}" "$f"
	done < <(find "$pcaps" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.1' \) | sort)
fi
t_end
