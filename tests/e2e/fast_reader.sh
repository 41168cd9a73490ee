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

# Damaged headers, each found by the corruption sweep to be read another
# way by the mapped reader than by libpcap.  The base file: snapshot length
# 100 (at byte 16), two 54-byte packets whose records start at bytes 24 and
# 94 (seconds, fraction, caplen, len: 4 bytes each, little-endian).
printf 'snaplen 100\ntcp src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2\ntcp src=10.0.0.1 dst=10.0.0.2 sport=3 dport=4\n' |
	"$mkpcap" -d - "$T_DIR/snap100.pcap" || fail snap100 "mkpcap failed"
# patched NAME EXTRA OFFSET=VALUE...: the base file with the 32-bit words
# at OFFSETs replaced by VALUEs and EXTRA zero bytes appended, compared.
patched() {
	local name=$1 f=$T_DIR/$1.pcap extra=$2 kv off v
	shift 2
	cp "$T_DIR/snap100.pcap" "$f"
	for kv in "$@"; do
		off=${kv%=*} v=${kv#*=}
		printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((v & 255)) $((v >> 8 & 255)) \
			$((v >> 16 & 255)) $((v >> 24 & 255)))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
	done
	head -c "$extra" /dev/zero >>"$f"
	compare "damaged/$name" "$f"
}
# Records longer than the snapshot length: libpcap reads the first 100
# bytes, then skips the rest, and words its errors after that.
patched over-maximum 0 102=300000       # "bigger than snaplen of 100"
patched cut-in-snap 0 102=5000          # "tried to read 100 ..., only got 54"
patched cut-after-snap 100 102=5000     # "tried to read 5000 ..., only got 154"
patched skipped-rest 96 102=150         # read: 100 bytes kept, 50 skipped
# A snapshot length over 262144 is kept (up to INT_MAX): a caplen over
# 262144 but within it is "bigger than maximum of 262144".
patched big-snaplen 0 16=300000 102=270000
patched huge-snaplen 0 16=0x90000000 102=270000
# Seconds of 2^31 or more (after 2038: libpcap sign-extends them) and a
# fraction of 2^31 or more (libpcap reads it signed).
patched seconds-2040 0 24=0x83000000 94=0xfffffff0
# ... which tshark reads as unsigned too (2039 and 2106).
gs -q -r "$T_DIR/seconds-2040.pcap" --csv -t -c "SELECT time FROM ETH"
check_eq damaged/seconds-2040:tshark "$(cat "$T_DIR/out")" \
	"$(tshark -n -r "$T_DIR/seconds-2040.pcap" -T fields -e frame.time_epoch 2>/dev/null | cut -d. -f1)"
patched fraction-over 0 28=0x80000001 98=0xffffffff
if have_pcaps shared; then
	while IFS= read -r f; do
		compare "${f#"$pcaps"/}" "$f"
	done < <(find "$pcaps" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.1' \) | sort)
fi
t_end
