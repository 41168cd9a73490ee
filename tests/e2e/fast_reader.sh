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

# Records longer than the file's snapshot length (100): libpcap reads the
# first 100 bytes, then skips the rest, and words its errors after that
# (the corruption sweep found the mapped reader saying otherwise).  Two
# 54-byte packets; the second record's caplen (at byte 102) is replaced.
printf 'snaplen 100\ntcp src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2\ntcp src=10.0.0.1 dst=10.0.0.2 sport=3 dport=4\n' |
	"$mkpcap" -d - "$T_DIR/snap100.pcap" || fail snap100 "mkpcap failed"
# snap_case NAME CAPLEN EXTRA: the file with the second caplen set to
# CAPLEN (little-endian) and EXTRA bytes appended.
snap_case() {
	local f=$T_DIR/$1.pcap
	cp "$T_DIR/snap100.pcap" "$f"
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($2 & 255)) $(($2 >> 8 & 255)) \
		$(($2 >> 16 & 255)) $(($2 >> 24 & 255)))" | dd of="$f" bs=1 seek=102 conv=notrunc status=none
	head -c "$3" /dev/zero >>"$f"
	compare "snaplen/$1" "$f"
}
snap_case over-maximum 300000 0      # "bigger than snaplen of 100"
snap_case cut-in-snap 5000 0         # "tried to read 100 ..., only got 54"
snap_case cut-after-snap 5000 100    # "tried to read 5000 ..., only got 154"
snap_case skipped-rest 150 96        # read: 100 bytes kept, 50 skipped
if have_pcaps shared; then
	while IFS= read -r f; do
		compare "${f#"$pcaps"/}" "$f"
	done < <(find "$pcaps" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.1' \) | sort)
fi
t_end
