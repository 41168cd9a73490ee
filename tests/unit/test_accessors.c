/*
 * test_accessors.c: the packet decoder, the field accessors and the schema
 * catalog, on packets written out byte by byte in this file.
 *
 * Every expected value below was worked out by hand from the bytes next to
 * it.  Each packet is copied into a heap block of exactly caplen bytes, so
 * that under AddressSanitizer any read past the captured bytes aborts the
 * test.  Beyond the hand-checked values, every well-formed packet is cut at
 * every length from 0 to its full size: each field must then either fail or
 * return what it returns on the whole packet (strings: a prefix of it), and
 * a few thousand corrupted and random packets go through every accessor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accessors.h"
#include "capture.h"
#include "unit.h"

#define TS_NS 1700000000123456789ull

/* ---- the packets ----------------------------------------------------------- */

/* Ethernet + IPv4 + TCP with 12 bytes of options + 3 bytes of payload. */
static const uint8_t eth_tcp[] = {
	/* Ethernet: dst 00:11:22:33:44:55, src 66:77:88:99:aa:bb, type IPv4 */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
	/* IPv4: v4 IHL 5, tos 0x10, total 55, id 0x1234, DF, ttl 64, TCP, cksum 0xbeef */
	0x45, 0x10, 0x00, 0x37, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xbe, 0xef,
	/* 192.168.1.10 -> 10.0.0.1 */
	0xc0, 0xa8, 0x01, 0x0a, 0x0a, 0x00, 0x00, 0x01,
	/* TCP: 51000 -> 80, seq 0x01020304, ack 0xa0b0c0d0 */
	0xc7, 0x38, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0xa0, 0xb0, 0xc0, 0xd0,
	/* data offset 8 (32 bytes) + NS bit, PSH|ACK, window 29200, cksum, urgent 7 */
	0x81, 0x18, 0x72, 0x10, 0xca, 0xfe, 0x00, 0x07,
	/* options: NOP NOP timestamp */
	0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	/* payload */
	'h', 'i', '!',
};

/* A SYN in a minimum-size frame: 6 bytes of Ethernet padding after the
 * 40-byte datagram. */
static const uint8_t eth_syn_padded[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
	/* IPv4: total 40, id 1, ttl 128, TCP; 10.0.0.1 -> 10.0.0.2 */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x80, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	/* TCP: 1234 -> 22, seq 100, ack 0, offset 5, SYN, window 1024 */
	0x04, 0xd2, 0x00, 0x16, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* Ethernet padding, not part of the datagram */
	0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
};

/* 802.1Q VLAN 100 (priority 5) + IPv4 + UDP with 4 bytes of payload. */
static const uint8_t vlan_udp[] = {
	/* Ethernet: dst broadcast, src 02:00:00:00:00:01, type 802.1Q */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x81, 0x00,
	/* TCI: prio 5, VLAN 100; type IPv4 */
	0xa0, 0x64, 0x08, 0x00,
	/* IPv4 (offset 18): total 32, id 1, ttl 17, UDP; 10.1.2.3 -> 10.3.2.1 */
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x11, 0x11, 0x00, 0x00,
	0x0a, 0x01, 0x02, 0x03, 0x0a, 0x03, 0x02, 0x01,
	/* UDP: 53 -> 40000, length 12, cksum 0x1357 */
	0x00, 0x35, 0x9c, 0x40, 0x00, 0x0c, 0x13, 0x57,
	0xde, 0xad, 0xbe, 0xef,
};
#define VLAN_UDP_IP_OFF 18

/* 802.1ad QinQ: service tag 200, customer tag 2001, IPv4 ICMP echo. */
static const uint8_t qinq_icmp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x20, 0xd2, 0x5a, 0xfb, 0x3f,
	0x88, 0xa8, 0x00, 0xc8, /* S-tag, VLAN 200 */
	0x81, 0x00, 0x07, 0xd1, /* C-tag, VLAN 2001 */
	0x08, 0x00,
	/* IPv4: total 28, id 0xabcd, ttl 1, ICMP; 172.16.0.1 -> 172.16.0.2 */
	0x45, 0x00, 0x00, 0x1c, 0xab, 0xcd, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00,
	0xac, 0x10, 0x00, 0x01, 0xac, 0x10, 0x00, 0x02,
	/* ICMP echo request: type 8 code 0, cksum, id 1, seq 1 */
	0x08, 0x00, 0xf7, 0xfe, 0x00, 0x01, 0x00, 0x01,
};

/* Linux cooked v1 + IPv4 + UDP with 5 bytes of payload. */
static const uint8_t sll_udp[] = {
	/* packet type 0, ARPHRD_ETHER, address length 6, address + 2 pad, IPv4 */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0x00, 0x00,
	0x08, 0x00,
	/* IPv4: total 33, id 2, DF, ttl 64, UDP; 127.0.0.1 -> 127.0.0.1 */
	0x45, 0x00, 0x00, 0x21, 0x00, 0x02, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	/* UDP: 12345 -> 53, length 13 */
	0x30, 0x39, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00,
	'q', 'u', 'e', 'r', 'y',
};

/* Linux cooked v2 + IPv6 + TCP with 2 bytes of payload. */
static const uint8_t sll2_ip6_tcp[] = {
	/* protocol IPv6, reserved, ifindex 2, ARPHRD_ETHER, outgoing, addr len 6, addr */
	0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x04, 0x06,
	0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0x00, 0x00,
	/* IPv6: traffic class 0xb8, flow label 0x12345, payload 22, TCP, hop limit 64 */
	0x6b, 0x81, 0x23, 0x45, 0x00, 0x16, 0x06, 0x40,
	/* 2001:db8::1 -> 2001:db8::2 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	/* TCP: 443 -> 50000, seq 1, ack 2, offset 5, SYN|ACK, window 4096 */
	0x01, 0xbb, 0xc3, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x50, 0x12, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
	'o', 'k',
};

/* BSD loopback, AF_INET in little-endian host order + IPv4 + TCP. */
static const uint8_t null_tcp[] = {
	0x02, 0x00, 0x00, 0x00,
	/* IPv4 (offset 4): total 40, id 3, ttl 64, TCP; 10.0.0.5 -> 10.0.0.6 */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x03, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x05, 0x0a, 0x00, 0x00, 0x06,
	/* TCP: 3389 -> 51966, seq 10, ack 11, offset 5, ACK, window 256 */
	0x0d, 0x3d, 0xca, 0xfe, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x0b,
	0x50, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
};
#define NULL_TCP_IP_OFF 4

/* BSD loopback + IPv6 + UDP; the 4 family bytes are filled in by the test. */
static const uint8_t null_ip6_udp[] = {
	0x00, 0x00, 0x00, 0x00,
	/* IPv6: payload 10, UDP, hop limit 255, ::1 -> ::1 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x11, 0xff,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	/* UDP: 5000 -> 5001, length 10 */
	0x13, 0x88, 0x13, 0x89, 0x00, 0x0a, 0x00, 0x00,
	'h', 'i',
};

/* Raw IPv6 + ICMPv6 echo request. */
static const uint8_t raw_ip6_icmp[] = {
	/* IPv6: payload 8, ICMPv6, hop limit 64, fe80::1 -> ff02::1 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3a, 0x40,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	/* ICMPv6 echo request: type 128, code 0, cksum, id 7, seq 1 */
	0x80, 0x00, 0x12, 0x34, 0x00, 0x07, 0x00, 0x01,
};

/* Ethernet + IPv6 + hop-by-hop + routing + destination options + fragment
 * (offset 0, more fragments) + TCP with 3 bytes of payload. */
static const uint8_t eth_ip6_ext_tcp[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x86, 0xdd,
	/* IPv6 (offset 14): payload 71, next hop-by-hop, hop limit 64 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x47, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
	/* hop-by-hop (offset 54): next routing, 8 bytes, PadN */
	0x2b, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	/* routing (offset 62): next dest opts, 24 bytes, type 0, segments left 0 */
	0x3c, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c,
	/* destination options (offset 86): next fragment, 8 bytes, PadN */
	0x2c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	/* fragment (offset 94): next TCP, offset 0, M=1, id 0xdeadbeef */
	0x06, 0x00, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef,
	/* TCP (offset 102): 80 -> 54321, seq 0x1000, ack 0x2000, PSH|ACK, window 256 */
	0x00, 0x50, 0xd4, 0x31, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00,
	0x50, 0x18, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	'x', 'y', 'z',
};

/* Ethernet + IPv6 + authentication header + UDP with 3 bytes of payload. */
static const uint8_t eth_ip6_ah_udp[] = {
	0x33, 0x33, 0x00, 0x01, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x86, 0xdd,
	/* IPv6: payload 35, next AH, hop limit 1, fe80::1 -> ff02::1:2 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x23, 0x33, 0x01,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x02,
	/* AH (offset 54): next UDP, length 4 -> (4 + 2) * 4 = 24 bytes, SPI 256,
	 * sequence 1, 12 bytes of ICV */
	0x11, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* UDP (offset 78): 546 -> 547, length 11, cksum 0xabcd */
	0x02, 0x22, 0x02, 0x23, 0x00, 0x0b, 0xab, 0xcd,
	'a', 'b', 'c',
};

/* Ethernet + IPv4 fragment at byte 1480 (MF set) of a UDP datagram. */
static const uint8_t eth_frag_later[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
	/* IPv4: total 28, id 0x4321, MF + offset 185 (x 8 = 1480), ttl 64, UDP;
	 * 192.0.2.1 -> 198.51.100.1 */
	0x45, 0x00, 0x00, 0x1c, 0x43, 0x21, 0x20, 0xb9, 0x40, 0x11, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x01,
	/* 8 bytes from the middle of the UDP payload */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

/* Ethernet + IPv6 + fragment header at byte 1480 of a UDP datagram. */
static const uint8_t eth_ip6_frag_later[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x86, 0xdd,
	/* IPv6: payload 16, next fragment, hop limit 64 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x2c, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	/* fragment: next UDP, offset 185 (0x05c8 = 185 << 3), M=0, id 42 */
	0x11, 0x00, 0x05, 0xc8, 0x00, 0x00, 0x00, 0x2a,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

/* Ethernet + PPPoE session + PPP + IPv4 + TCP. */
static const uint8_t pppoe_tcp[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x88, 0x64,
	/* PPPoE: ver 1 type 1, code 0 (session), session 1, length 42; PPP IPv4 */
	0x11, 0x00, 0x00, 0x01, 0x00, 0x2a, 0x00, 0x21,
	/* IPv4 (offset 22): total 40, id 3, ttl 64, TCP; 10.0.0.5 -> 10.0.0.6 */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x03, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x05, 0x0a, 0x00, 0x00, 0x06,
	/* TCP: 3389 -> 51966, seq 10, ack 11, offset 5, ACK, window 256 */
	0x0d, 0x3d, 0xca, 0xfe, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x0b,
	0x50, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Segmentation offload: IPv4 total length 0, TCP, 10 bytes of payload. */
static const uint8_t eth_tso[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
	/* IPv4: total 0, id 5, DF, ttl 64, TCP; 10.0.0.1 -> 10.0.0.2 */
	0x45, 0x00, 0x00, 0x00, 0x00, 0x05, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	/* TCP: 5201 -> 40000, seq 7, ack 9, PSH|ACK, window 512 */
	0x14, 0x51, 0x9c, 0x40, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x09,
	0x50, 0x18, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
};

/* IPv6 jumbogram (RFC 2675): payload length 0, hop-by-hop with a Jumbo
 * Payload option, UDP length 0, 4 bytes of payload. */
static const uint8_t eth_ip6_jumbo_udp[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	/* hop-by-hop: next UDP, 8 bytes, Jumbo Payload (0xc2, length 4) 65556 */
	0x11, 0x00, 0xc2, 0x04, 0x00, 0x01, 0x00, 0x14,
	/* UDP: 7 -> 7, length 0 (jumbogram), cksum 0 */
	0x00, 0x07, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
	'j', 'u', 'm', 'b',
};

/* Ethernet ARP request: no network layer that gigsh decodes. */
static const uint8_t eth_arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x20, 0xd2, 0x5a, 0xfb, 0x3f, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x20, 0xd2, 0x5a, 0xfb, 0x3f,
	0xac, 0x15, 0x4f, 0x61, 0, 0, 0, 0, 0, 0, 0xac, 0x15, 0x4f, 0x64,
};

/* ---- helpers ---------------------------------------------------------------- */

/* A decoded packet whose bytes live in a heap block of exactly caplen. */
struct tpkt {
	struct cap_packet p;
	uint8_t *buf;
	int rc;
};

static struct cap_packet *mk_len(struct tpkt *t, int dlt, const uint8_t *b, size_t caplen,
                                 size_t len)
{
	memset(t, 0, sizeof *t);
	t->buf = malloc(caplen ? caplen : 1);
	if (!t->buf) {
		perror("malloc");
		exit(2);
	}
	if (caplen)
		memcpy(t->buf, b, caplen);
	t->p.data = t->buf;
	t->p.caplen = (uint32_t)caplen;
	t->p.len = (uint32_t)len;
	t->p.ts_ns = TS_NS;
	t->p.linktype = dlt;
	t->rc = cap_decode(&t->p);
	return &t->p;
}

static struct cap_packet *mk(struct tpkt *t, int dlt, const uint8_t *b, size_t n)
{
	return mk_len(t, dlt, b, n, n);
}

static void drop(struct tpkt *t)
{
	free(t->buf);
	t->buf = NULL;
}

static const struct cap_field *field(const char *name)
{
	size_t i;

	for (i = 0; i < cap_nfields(); i++)
		if (strcmp(cap_field_at(i)->name, name) == 0)
			return cap_field_at(i);
	return NULL;
}

static void expect_u(const struct cap_packet *p, const char *name, uint64_t want, int line)
{
	const struct cap_field *f = field(name);
	gs_value v;

	if (!f) {
		fprintf(stderr, "%s:%d: no field %s\n", __FILE__, line, name);
		unit_cur_failed = 1;
	} else if (!f->get(p, &v)) {
		fprintf(stderr, "%s:%d: %s failed, want %llu\n", __FILE__, line, name,
		        (unsigned long long)want);
		unit_cur_failed = 1;
	} else if (v.u != want) {
		fprintf(stderr, "%s:%d: %s is %llu, want %llu\n", __FILE__, line, name,
		        (unsigned long long)v.u, (unsigned long long)want);
		unit_cur_failed = 1;
	}
}

static void expect_no(const struct cap_packet *p, const char *name, int line)
{
	const struct cap_field *f = field(name);
	gs_value v;

	if (!f) {
		fprintf(stderr, "%s:%d: no field %s\n", __FILE__, line, name);
		unit_cur_failed = 1;
	} else if (f->get(p, &v)) {
		fprintf(stderr, "%s:%d: %s succeeded (%llu), want failure\n", __FILE__, line,
		        name, (unsigned long long)v.u);
		unit_cur_failed = 1;
	}
}

static void expect_bytes(const struct cap_packet *p, const char *name, const void *want,
                         size_t n, int line)
{
	const struct cap_field *f = field(name);
	gs_value v;
	int ok;

	if (!f || !f->get(p, &v)) {
		fprintf(stderr, "%s:%d: %s failed\n", __FILE__, line, name);
		unit_cur_failed = 1;
		return;
	}
	if (f->type == GS_IPV6)
		ok = n == 16 && memcmp(v.ip6.b, want, 16) == 0;
	else
		ok = v.s.len == n && (n == 0 || memcmp(v.s.p, want, n) == 0);
	if (!ok) {
		fprintf(stderr, "%s:%d: %s has the wrong bytes\n", __FILE__, line, name);
		unit_cur_failed = 1;
	}
}

#define EXPECT_U(p, name, want) expect_u(p, name, (uint64_t)(want), __LINE__)
#define EXPECT_NO(p, name) expect_no(p, name, __LINE__)
#define EXPECT_BYTES(p, name, want, n) expect_bytes(p, name, want, n, __LINE__)
#define EXPECT_STR(p, name, s) expect_bytes(p, name, s, sizeof(s) - 1, __LINE__)

/* The membership tests of all protocols as a bit set (bit = enum cap_proto). */
static unsigned members(const struct cap_packet *p)
{
	unsigned m = 0;
	int i;

	for (i = 0; i < CAP_NPROTOS; i++)
		if (cap_proto_info((enum cap_proto)i)->is_member(p))
			m |= 1u << i;
	return m;
}

#define B(x) (1u << CAP_P_##x)

/* ---- hand-checked packets ------------------------------------------------------- */

static void test_eth_ipv4_tcp(void)
{
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, eth_tcp, sizeof eth_tcp);
	uint32_t u;
	uint64_t ull;
	gs_str s;

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(TCP));
	/* the inline accessors themselves */
	CHECK(cap_acc_time(p, &u) && u == 1700000000u);
	CHECK(cap_acc_timestamp(p, &ull) && ull == TS_NS);
	CHECK(cap_acc_src_port(p, &u) && u == 51000);
	CHECK(cap_acc_tcp_data(p, &s) && s.len == 3 && memcmp(s.p, "hi!", 3) == 0);
	/* and every field through the catalog */
	EXPECT_U(p, "time", 1700000000u);
	EXPECT_U(p, "timestamp", TS_NS);
	EXPECT_U(p, "len", 69);
	EXPECT_U(p, "caplen", 69);
	EXPECT_U(p, "destMAC", 0x001122334455ull);
	EXPECT_U(p, "srcMAC", 0x66778899aabbull);
	EXPECT_U(p, "ethertype", 0x0800);
	EXPECT_NO(p, "vlan_id");
	EXPECT_NO(p, "inner_vlan_id");
	EXPECT_U(p, "ipversion", 4);
	EXPECT_U(p, "hdr_length", 20);
	EXPECT_U(p, "tos", 0x10);
	EXPECT_U(p, "total_length", 55);
	EXPECT_U(p, "id", 0x1234);
	EXPECT_U(p, "offset", 0);
	EXPECT_U(p, "more_fragments", 0);
	EXPECT_U(p, "dont_fragment", 1);
	EXPECT_U(p, "ttl", 64);
	EXPECT_U(p, "protocol", 6);
	EXPECT_U(p, "checksum", 0xbeef);
	EXPECT_U(p, "srcIP", 0xc0a8010au);
	EXPECT_U(p, "destIP", 0x0a000001u);
	EXPECT_NO(p, "srcIP6");
	EXPECT_NO(p, "destIP6");
	EXPECT_NO(p, "traffic_class");
	EXPECT_NO(p, "flow_label");
	EXPECT_NO(p, "payload_length");
	EXPECT_NO(p, "next_header");
	EXPECT_NO(p, "hop_limit");
	EXPECT_U(p, "srcPort", 51000);
	EXPECT_U(p, "destPort", 80);
	EXPECT_U(p, "data_length", 3);          /* 55 - 20 - 32 */
	EXPECT_U(p, "sequence_number", 0x01020304u);
	EXPECT_U(p, "ack_number", 0xa0b0c0d0u);
	EXPECT_U(p, "flags", 0x118);            /* NS + PSH + ACK */
	EXPECT_U(p, "window", 29200);
	EXPECT_U(p, "tcp_hdr_length", 32);
	EXPECT_U(p, "urgent_ptr", 7);
	EXPECT_STR(p, "TCP_data", "hi!");
	EXPECT_NO(p, "udp_length");
	EXPECT_NO(p, "udp_checksum");
	EXPECT_NO(p, "UDP_data");
	EXPECT_NO(p, "icmp_type");
	EXPECT_NO(p, "icmp_code");
	drop(&t);
}

static void test_padding_not_payload(void)
{
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, eth_syn_padded, sizeof eth_syn_padded);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(TCP));
	EXPECT_U(p, "len", 60);
	EXPECT_U(p, "ttl", 128);
	EXPECT_U(p, "flags", 0x002);
	EXPECT_U(p, "sequence_number", 100);
	EXPECT_U(p, "ack_number", 0);
	EXPECT_U(p, "window", 1024);
	EXPECT_U(p, "data_length", 0);
	EXPECT_STR(p, "TCP_data", ""); /* the 0xee padding is not payload */
	drop(&t);
}

static void test_vlan_udp(void)
{
	static const uint8_t payload[] = { 0xde, 0xad, 0xbe, 0xef };
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, vlan_udp, sizeof vlan_udp);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(UDP));
	EXPECT_U(p, "destMAC", 0xffffffffffffull);
	EXPECT_U(p, "srcMAC", 0x020000000001ull);
	EXPECT_U(p, "vlan_id", 100);
	EXPECT_NO(p, "inner_vlan_id");
	EXPECT_U(p, "ethertype", 0x0800);
	EXPECT_U(p, "ttl", 17);
	EXPECT_U(p, "protocol", 17);
	EXPECT_U(p, "srcIP", 0x0a010203u);
	EXPECT_U(p, "destIP", 0x0a030201u);
	EXPECT_U(p, "srcPort", 53);
	EXPECT_U(p, "destPort", 40000);
	EXPECT_U(p, "udp_length", 12);
	EXPECT_U(p, "udp_checksum", 0x1357);
	EXPECT_U(p, "data_length", 4);
	EXPECT_BYTES(p, "UDP_data", payload, 4);
	EXPECT_NO(p, "sequence_number");
	EXPECT_NO(p, "flags");
	EXPECT_NO(p, "TCP_data");
	drop(&t);
}

static void test_qinq_icmp(void)
{
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, qinq_icmp, sizeof qinq_icmp);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4) | B(ICMP));
	EXPECT_U(p, "vlan_id", 200);
	EXPECT_U(p, "inner_vlan_id", 2001);
	EXPECT_U(p, "ethertype", 0x0800);
	EXPECT_U(p, "srcMAC", 0x0020d25afb3full);
	EXPECT_U(p, "id", 0xabcd);
	EXPECT_U(p, "ttl", 1);
	EXPECT_U(p, "srcIP", 0xac100001u);
	EXPECT_U(p, "destIP", 0xac100002u);
	EXPECT_U(p, "icmp_type", 8);
	EXPECT_U(p, "icmp_code", 0);
	EXPECT_NO(p, "srcPort");
	EXPECT_NO(p, "data_length");
	drop(&t);
}

static void test_sll_v1(void)
{
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_LINUX_SLL, sll_udp, sizeof sll_udp);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(UDP));
	EXPECT_NO(p, "srcMAC"); /* a cooked header is not Ethernet */
	EXPECT_NO(p, "destMAC");
	EXPECT_U(p, "ethertype", 0x0800);
	EXPECT_U(p, "total_length", 33);
	EXPECT_U(p, "dont_fragment", 1);
	EXPECT_U(p, "srcIP", 0x7f000001u);
	EXPECT_U(p, "srcPort", 12345);
	EXPECT_U(p, "destPort", 53);
	EXPECT_U(p, "udp_length", 13);
	EXPECT_U(p, "data_length", 5);
	EXPECT_STR(p, "UDP_data", "query");
	drop(&t);
}

static void test_sll_v2_ipv6_tcp(void)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_LINUX_SLL2, sll2_ip6_tcp, sizeof sll2_ip6_tcp);
	gs_ip6 a;

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV6) | B(DATA) | B(TCP));
	CHECK(cap_acc_ip6_src(p, &a) && memcmp(a.b, src, 16) == 0);
	EXPECT_NO(p, "srcMAC");
	EXPECT_U(p, "ethertype", 0x86dd);
	EXPECT_BYTES(p, "srcIP6", src, 16);
	EXPECT_BYTES(p, "destIP6", dst, 16);
	EXPECT_U(p, "traffic_class", 0xb8);
	EXPECT_U(p, "flow_label", 0x12345);
	EXPECT_U(p, "payload_length", 22);
	EXPECT_U(p, "next_header", 6);
	EXPECT_U(p, "hop_limit", 64);
	EXPECT_NO(p, "srcIP"); /* IPv4 fields fail on IPv6 */
	EXPECT_NO(p, "ttl");
	EXPECT_NO(p, "ipversion");
	EXPECT_U(p, "srcPort", 443);
	EXPECT_U(p, "destPort", 50000);
	EXPECT_U(p, "sequence_number", 1);
	EXPECT_U(p, "ack_number", 2);
	EXPECT_U(p, "flags", 0x012);
	EXPECT_U(p, "window", 4096);
	EXPECT_U(p, "data_length", 2); /* 22 - 20 */
	EXPECT_STR(p, "TCP_data", "ok");
	drop(&t);
}

static void test_bsd_loopback(void)
{
	/* AF_INET6 as written by Linux (10), NetBSD/OpenBSD (24), FreeBSD (28)
	 * and macOS (30), in little-endian (DLT_NULL on x86) and network
	 * (DLT_LOOP) byte order. */
	static const uint8_t fams[][4] = {
		{ 10, 0, 0, 0 }, { 24, 0, 0, 0 }, { 28, 0, 0, 0 }, { 30, 0, 0, 0 },
		{ 0, 0, 0, 10 }, { 0, 0, 0, 24 }, { 0, 0, 0, 28 }, { 0, 0, 0, 30 },
	};
	static const uint8_t lo6[16] = { [15] = 1 };
	uint8_t buf[sizeof null_ip6_udp];
	struct tpkt t;
	struct cap_packet *p;
	size_t i;
	int dlt;

	p = mk(&t, CAP_DLT_NULL, null_tcp, sizeof null_tcp);
	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(TCP));
	EXPECT_NO(p, "ethertype");
	EXPECT_NO(p, "srcMAC");
	EXPECT_U(p, "srcIP", 0x0a000005u);
	EXPECT_U(p, "destIP", 0x0a000006u);
	EXPECT_U(p, "srcPort", 3389);
	EXPECT_U(p, "destPort", 51966);
	EXPECT_U(p, "flags", 0x010);
	EXPECT_U(p, "data_length", 0);
	drop(&t);

	/* AF_INET in network order under DLT_LOOP */
	memcpy(buf, null_tcp, sizeof null_tcp);
	buf[0] = 0;
	buf[3] = 2;
	p = mk(&t, CAP_DLT_LOOP, buf, sizeof null_tcp);
	CHECK_INT(t.rc, 0);
	EXPECT_U(p, "srcIP", 0x0a000005u);
	drop(&t);

	for (i = 0; i < sizeof fams / sizeof fams[0]; i++) {
		for (dlt = 0; dlt < 2; dlt++) {
			memcpy(buf, null_ip6_udp, sizeof buf);
			memcpy(buf, fams[i], 4);
			p = mk(&t, dlt ? CAP_DLT_LOOP : CAP_DLT_NULL, buf, sizeof buf);
			CHECK_INT(t.rc, 0);
			CHECK_INT(members(p), B(ETH) | B(IPV6) | B(DATA) | B(UDP));
			EXPECT_BYTES(p, "srcIP6", lo6, 16);
			EXPECT_U(p, "hop_limit", 255);
			EXPECT_U(p, "srcPort", 5000);
			EXPECT_U(p, "destPort", 5001);
			EXPECT_U(p, "data_length", 2);
			EXPECT_STR(p, "UDP_data", "hi");
			drop(&t);
		}
	}

	/* an address family gigsh does not decode (AppleTalk, 16) */
	memcpy(buf, null_ip6_udp, sizeof buf);
	buf[0] = 16;
	p = mk(&t, CAP_DLT_NULL, buf, sizeof buf);
	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH));
	EXPECT_U(p, "len", sizeof buf);
	drop(&t);
}

static void test_raw_ip(void)
{
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
	const uint8_t *ip4 = vlan_udp + VLAN_UDP_IP_OFF;
	size_t n4 = sizeof vlan_udp - VLAN_UDP_IP_OFF;
	struct tpkt t;
	struct cap_packet *p;
	int dlts4[] = { CAP_DLT_RAW, CAP_DLT_RAW_OPENBSD, CAP_DLT_IPV4 };
	int dlts6[] = { CAP_DLT_RAW, CAP_DLT_RAW_OPENBSD, CAP_DLT_IPV6 };
	size_t i;

	for (i = 0; i < 3; i++) {
		p = mk(&t, dlts4[i], ip4, n4);
		CHECK_INT(t.rc, 0);
		CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(UDP));
		EXPECT_U(p, "srcIP", 0x0a010203u);
		EXPECT_U(p, "srcPort", 53);
		EXPECT_U(p, "data_length", 4);
		EXPECT_NO(p, "ethertype");
		drop(&t);

		p = mk(&t, dlts6[i], raw_ip6_icmp, sizeof raw_ip6_icmp);
		CHECK_INT(t.rc, 0);
		CHECK_INT(members(p), B(ETH) | B(IPV6) | B(ICMP));
		EXPECT_BYTES(p, "srcIP6", ll, 16);
		EXPECT_U(p, "next_header", 58);
		EXPECT_U(p, "icmp_type", 128);
		EXPECT_U(p, "icmp_code", 0);
		EXPECT_NO(p, "srcPort");
		drop(&t);
	}
	/* the link type says one IP version, the packet holds the other */
	p = mk(&t, CAP_DLT_IPV4, raw_ip6_icmp, sizeof raw_ip6_icmp);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH));
	EXPECT_NO(p, "srcIP6");
	drop(&t);
	p = mk(&t, CAP_DLT_IPV6, ip4, n4);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH));
	EXPECT_NO(p, "srcIP");
	drop(&t);
	/* neither version */
	p = mk(&t, CAP_DLT_RAW, eth_arp, sizeof eth_arp);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH));
	drop(&t);
}

static void test_ipv6_ext_headers(void)
{
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, eth_ip6_ext_tcp, sizeof eth_ip6_ext_tcp);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV6) | B(DATA) | B(TCP));
	CHECK_INT(p->l3_off, 14);
	CHECK_INT(p->l3_hlen, 88); /* 40 + 8 + 24 + 8 + 8 */
	CHECK_INT(p->l4_off, 102);
	CHECK_INT(p->l4_proto, 6);
	EXPECT_U(p, "payload_length", 71);
	EXPECT_U(p, "next_header", 0); /* the first next-header field */
	EXPECT_U(p, "srcPort", 80);
	EXPECT_U(p, "destPort", 54321);
	EXPECT_U(p, "sequence_number", 0x1000);
	EXPECT_U(p, "ack_number", 0x2000);
	EXPECT_U(p, "data_length", 3); /* 71 - 48 - 20 */
	EXPECT_STR(p, "TCP_data", "xyz");
	drop(&t);

	p = mk(&t, CAP_DLT_EN10MB, eth_ip6_ah_udp, sizeof eth_ip6_ah_udp);
	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV6) | B(DATA) | B(UDP));
	CHECK_INT(p->l4_off, 78); /* AH is (4 + 2) * 4 bytes */
	EXPECT_U(p, "next_header", 51);
	EXPECT_U(p, "hop_limit", 1);
	EXPECT_U(p, "srcPort", 546);
	EXPECT_U(p, "destPort", 547);
	EXPECT_U(p, "udp_length", 11);
	EXPECT_U(p, "udp_checksum", 0xabcd);
	EXPECT_U(p, "data_length", 3);
	EXPECT_STR(p, "UDP_data", "abc");
	drop(&t);
}

static void test_fragments(void)
{
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, eth_frag_later, sizeof eth_frag_later);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4));
	EXPECT_U(p, "offset", 185); /* 1480 bytes / 8: the header field as it is */
	EXPECT_U(p, "more_fragments", 1);
	EXPECT_U(p, "dont_fragment", 0);
	EXPECT_U(p, "protocol", 17);
	EXPECT_U(p, "id", 0x4321);
	EXPECT_U(p, "srcIP", 0xc0000201u);
	EXPECT_U(p, "destIP", 0xc6336401u);
	EXPECT_NO(p, "srcPort"); /* bytes 1..4 of the payload are not ports */
	EXPECT_NO(p, "destPort");
	EXPECT_NO(p, "data_length");
	EXPECT_NO(p, "udp_length");
	EXPECT_NO(p, "UDP_data");
	drop(&t);

	p = mk(&t, CAP_DLT_EN10MB, eth_ip6_frag_later, sizeof eth_ip6_frag_later);
	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV6));
	CHECK_INT(p->l4_proto, 17);
	CHECK_INT(p->l4_first, 0);
	EXPECT_U(p, "next_header", 44);
	EXPECT_U(p, "payload_length", 16);
	EXPECT_NO(p, "srcPort");
	EXPECT_NO(p, "UDP_data");
	drop(&t);

	/* the smallest non-zero IPv6 fragment offset: 1 unit of 8 bytes */
	{
		uint8_t b[sizeof eth_ip6_frag_later];

		memcpy(b, eth_ip6_frag_later, sizeof b);
		b[54 + 2] = 0x00;
		b[54 + 3] = 0x08;
		p = mk(&t, CAP_DLT_EN10MB, b, sizeof b);
		CHECK_INT(p->l4_first, 0);
		EXPECT_NO(p, "srcPort");
		drop(&t);
	}

	/* the first fragment of the same datagram (offset 0, MF): ports are
	 * there; the UDP length (36) is longer than this fragment holds, so
	 * data_length is what the fragment carries after the header. */
	{
		uint8_t b[sizeof vlan_udp];

		memcpy(b, vlan_udp, sizeof b);
		b[VLAN_UDP_IP_OFF + 6] = 0x20; /* MF, offset 0 */
		b[VLAN_UDP_IP_OFF + 20 + 5] = 36;
		p = mk(&t, CAP_DLT_EN10MB, b, sizeof b);
		CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(UDP));
		EXPECT_U(p, "more_fragments", 1);
		EXPECT_U(p, "srcPort", 53);
		EXPECT_U(p, "udp_length", 36);
		EXPECT_U(p, "data_length", 4);
		EXPECT_BYTES(p, "UDP_data", vlan_udp + VLAN_UDP_IP_OFF + 28, 4);
		drop(&t);
	}
}

static void test_pppoe(void)
{
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, pppoe_tcp, sizeof pppoe_tcp);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(TCP));
	CHECK_INT(p->l3_off, 22);
	EXPECT_U(p, "ethertype", 0x8864);
	EXPECT_U(p, "srcIP", 0x0a000005u);
	EXPECT_U(p, "srcPort", 3389);
	EXPECT_U(p, "ack_number", 11);
	drop(&t);
}

static void test_tso_and_jumbo(void)
{
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, eth_tso, sizeof eth_tso);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4) | B(DATA) | B(TCP));
	EXPECT_U(p, "total_length", 0);
	EXPECT_U(p, "data_length", 10); /* to the end of the frame */
	EXPECT_STR(p, "TCP_data", "0123456789");
	drop(&t);
	/* cut by the snaplen: the datagram runs to the end of the frame on the
	 * wire, the payload string stops at the captured bytes */
	p = mk_len(&t, CAP_DLT_EN10MB, eth_tso, sizeof eth_tso - 4, sizeof eth_tso + 1000);
	CHECK_INT(t.rc, 0);
	EXPECT_U(p, "data_length", 1010);
	EXPECT_STR(p, "TCP_data", "012345");
	drop(&t);

	p = mk(&t, CAP_DLT_EN10MB, eth_ip6_jumbo_udp, sizeof eth_ip6_jumbo_udp);
	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV6) | B(DATA) | B(UDP));
	EXPECT_U(p, "payload_length", 0);
	EXPECT_U(p, "next_header", 0);
	EXPECT_U(p, "udp_length", 0);
	EXPECT_U(p, "data_length", 4);
	EXPECT_STR(p, "UDP_data", "jumb");
	drop(&t);

	/* payload length 0 without a jumbo option: an empty datagram */
	{
		uint8_t b[sizeof eth_ip6_jumbo_udp];

		memcpy(b, eth_ip6_jumbo_udp, sizeof b);
		b[14 + 40 + 2] = 0x01; /* Jumbo option -> PadN */
		p = mk(&t, CAP_DLT_EN10MB, b, sizeof b);
		CHECK_INT(members(p), B(ETH) | B(IPV6));
		EXPECT_NO(p, "srcPort");
		drop(&t);
	}
}

static void test_non_ip_link(void)
{
	uint8_t b[sizeof eth_arp];
	struct tpkt t;
	struct cap_packet *p = mk(&t, CAP_DLT_EN10MB, eth_arp, sizeof eth_arp);

	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH));
	EXPECT_U(p, "ethertype", 0x0806);
	EXPECT_U(p, "destMAC", 0xffffffffffffull);
	EXPECT_U(p, "srcMAC", 0x0020d25afb3full);
	EXPECT_NO(p, "srcIP");
	EXPECT_NO(p, "srcIP6");
	EXPECT_NO(p, "srcPort");
	EXPECT_NO(p, "icmp_type");
	drop(&t);

	/* an IEEE 802.3 frame: the type field is a length, LLC follows */
	memcpy(b, eth_arp, sizeof b);
	b[12] = 0x00;
	b[13] = 0x1c;
	p = mk(&t, CAP_DLT_EN10MB, b, sizeof b);
	CHECK_INT(t.rc, 0);
	EXPECT_NO(p, "ethertype");
	EXPECT_U(p, "srcMAC", 0x0020d25afb3full);
	drop(&t);

	/* a link type gigsh does not decode: only the capture fields */
	p = mk(&t, 9 /* DLT_PPP */, eth_arp, sizeof eth_arp);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH));
	EXPECT_U(p, "len", sizeof eth_arp);
	EXPECT_U(p, "time", 1700000000u);
	EXPECT_NO(p, "srcMAC");
	drop(&t);

	/* no bytes at all, even no data pointer */
	memset(&t, 0, sizeof t);
	t.p.linktype = CAP_DLT_EN10MB;
	t.p.len = 60;
	CHECK_INT(cap_decode(&t.p), -1);
	EXPECT_U(&t.p, "len", 60);
	EXPECT_U(&t.p, "caplen", 0);
	EXPECT_NO(&t.p, "srcMAC");
	EXPECT_NO(&t.p, "ethertype");
}

static void test_malformed(void)
{
	uint8_t b[256];
	struct tpkt t;
	struct cap_packet *p;
	size_t n, i;

	/* IHL 4: no network layer, the link layer stays */
	memcpy(b, eth_tcp, sizeof eth_tcp);
	b[14] = 0x44;
	p = mk(&t, CAP_DLT_EN10MB, b, sizeof eth_tcp);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH));
	EXPECT_U(p, "ethertype", 0x0800);
	EXPECT_U(p, "srcMAC", 0x66778899aabbull);
	EXPECT_NO(p, "ipversion");
	EXPECT_NO(p, "srcIP");
	drop(&t);

	/* IPv4 total length 16 < header: the header is readable, no transport */
	memcpy(b, eth_tcp, sizeof eth_tcp);
	b[17] = 16;
	p = mk(&t, CAP_DLT_EN10MB, b, sizeof eth_tcp);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH) | B(IPV4));
	EXPECT_U(p, "srcIP", 0xc0a8010au);
	EXPECT_U(p, "total_length", 16);
	EXPECT_NO(p, "srcPort");
	drop(&t);

	/* IPv4 total length ends inside the TCP header: the ports (first 4
	 * bytes) are in the datagram, the rest is not */
	memcpy(b, eth_tcp, sizeof eth_tcp);
	b[17] = 28; /* 20 + 8 */
	p = mk(&t, CAP_DLT_EN10MB, b, sizeof eth_tcp);
	CHECK_INT(t.rc, 0);
	CHECK_INT(members(p), B(ETH) | B(IPV4));
	EXPECT_U(p, "srcPort", 51000);
	EXPECT_U(p, "sequence_number", 0x01020304u);
	EXPECT_NO(p, "ack_number");
	EXPECT_NO(p, "flags");
	EXPECT_NO(p, "data_length");
	EXPECT_NO(p, "TCP_data");
	drop(&t);

	/* TCP data offset 4 (16 bytes): not a TCP segment, no payload */
	memcpy(b, eth_tcp, sizeof eth_tcp);
	b[46] = 0x40;
	p = mk(&t, CAP_DLT_EN10MB, b, sizeof eth_tcp);
	CHECK_INT(members(p), B(ETH) | B(IPV4));
	EXPECT_U(p, "srcPort", 51000);
	EXPECT_U(p, "tcp_hdr_length", 16);
	EXPECT_NO(p, "data_length");
	EXPECT_NO(p, "TCP_data");
	drop(&t);

	/* IPv6 EtherType, IPv4 inside */
	memcpy(b, eth_tcp, sizeof eth_tcp);
	b[12] = 0x86;
	b[13] = 0xdd;
	p = mk(&t, CAP_DLT_EN10MB, b, sizeof eth_tcp);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH));
	EXPECT_U(p, "ethertype", 0x86dd);
	EXPECT_NO(p, "srcIP6");
	drop(&t);

	/* five VLAN tags (gigsh walks four) */
	n = 0;
	memcpy(b, eth_tcp, 12);
	n = 12;
	for (i = 0; i < 5; i++) {
		b[n++] = 0x81;
		b[n++] = 0x00;
		b[n++] = 0x00;
		b[n++] = (uint8_t)(10 + i);
	}
	memcpy(b + n, eth_tcp + 12, sizeof eth_tcp - 12);
	n += sizeof eth_tcp - 12;
	p = mk(&t, CAP_DLT_EN10MB, b, n);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH));
	EXPECT_U(p, "vlan_id", 10);
	EXPECT_U(p, "inner_vlan_id", 11);
	EXPECT_NO(p, "ethertype");
	drop(&t);
	/* four are fine */
	memmove(b + 12, b + 16, n - 16);
	p = mk(&t, CAP_DLT_EN10MB, b, n - 4);
	CHECK_INT(t.rc, 0);
	EXPECT_U(p, "vlan_id", 11);
	EXPECT_U(p, "inner_vlan_id", 12);
	EXPECT_U(p, "srcPort", 51000);
	drop(&t);

	/* nine destination-options headers (gigsh walks eight) */
	n = 0;
	memcpy(b, sll2_ip6_tcp, 20 + 40);
	n = 60;
	b[20 + 6] = 60;
	for (i = 0; i < 9; i++) {
		static const uint8_t dopt[8] = { 60, 0, 0x01, 0x04, 0, 0, 0, 0 };

		memcpy(b + n, dopt, 8);
		if (i == 8)
			b[n] = 6;
		n += 8;
	}
	memcpy(b + n, sll2_ip6_tcp + 60, 22);
	n += 22;
	b[20 + 4] = 0;
	b[20 + 5] = (uint8_t)(9 * 8 + 22);
	p = mk(&t, CAP_DLT_LINUX_SLL2, b, n);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH) | B(IPV6));
	EXPECT_U(p, "hop_limit", 64);
	EXPECT_NO(p, "srcPort");
	drop(&t);
	/* with eight it decodes */
	memmove(b + 60, b + 68, n - 68);
	b[20 + 5] = (uint8_t)(8 * 8 + 22);
	p = mk(&t, CAP_DLT_LINUX_SLL2, b, n - 8);
	CHECK_INT(t.rc, 0);
	EXPECT_U(p, "srcPort", 443);
	EXPECT_STR(p, "TCP_data", "ok");
	drop(&t);

	/* extension headers longer than the payload length says */
	memcpy(b, eth_ip6_ext_tcp, sizeof eth_ip6_ext_tcp);
	b[14 + 5] = 30; /* payload 30 < 48 bytes of extension headers */
	p = mk(&t, CAP_DLT_EN10MB, b, sizeof eth_ip6_ext_tcp);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH) | B(IPV6));
	EXPECT_U(p, "payload_length", 30);
	EXPECT_NO(p, "srcPort");
	drop(&t);

	/* a PPPoE discovery-style code in a session frame */
	memcpy(b, pppoe_tcp, sizeof pppoe_tcp);
	b[15] = 0x09;
	p = mk(&t, CAP_DLT_EN10MB, b, sizeof pppoe_tcp);
	CHECK_INT(t.rc, -1);
	CHECK_INT(members(p), B(ETH));
	EXPECT_U(p, "ethertype", 0x8864);
	drop(&t);
}

/* ---- truncation at every length ------------------------------------------------ */

struct sample {
	const char *what;
	int dlt;
	const uint8_t *b;
	size_t n;
};

static const struct sample samples[] = {
	{ "eth_tcp", CAP_DLT_EN10MB, eth_tcp, sizeof eth_tcp },
	{ "eth_syn_padded", CAP_DLT_EN10MB, eth_syn_padded, sizeof eth_syn_padded },
	{ "vlan_udp", CAP_DLT_EN10MB, vlan_udp, sizeof vlan_udp },
	{ "qinq_icmp", CAP_DLT_EN10MB, qinq_icmp, sizeof qinq_icmp },
	{ "sll_udp", CAP_DLT_LINUX_SLL, sll_udp, sizeof sll_udp },
	{ "sll2_ip6_tcp", CAP_DLT_LINUX_SLL2, sll2_ip6_tcp, sizeof sll2_ip6_tcp },
	{ "null_tcp", CAP_DLT_NULL, null_tcp, sizeof null_tcp },
	{ "raw_ip4_udp", CAP_DLT_RAW, vlan_udp + VLAN_UDP_IP_OFF,
	  sizeof vlan_udp - VLAN_UDP_IP_OFF },
	{ "ipv4_tcp", CAP_DLT_IPV4, null_tcp + NULL_TCP_IP_OFF,
	  sizeof null_tcp - NULL_TCP_IP_OFF },
	{ "raw_ip6_icmp", CAP_DLT_IPV6, raw_ip6_icmp, sizeof raw_ip6_icmp },
	{ "eth_ip6_ext_tcp", CAP_DLT_EN10MB, eth_ip6_ext_tcp, sizeof eth_ip6_ext_tcp },
	{ "eth_ip6_ah_udp", CAP_DLT_EN10MB, eth_ip6_ah_udp, sizeof eth_ip6_ah_udp },
	{ "eth_frag_later", CAP_DLT_EN10MB, eth_frag_later, sizeof eth_frag_later },
	{ "eth_ip6_frag_later", CAP_DLT_EN10MB, eth_ip6_frag_later, sizeof eth_ip6_frag_later },
	{ "pppoe_tcp", CAP_DLT_EN10MB, pppoe_tcp, sizeof pppoe_tcp },
	{ "eth_tso", CAP_DLT_EN10MB, eth_tso, sizeof eth_tso },
	{ "eth_ip6_jumbo_udp", CAP_DLT_EN10MB, eth_ip6_jumbo_udp, sizeof eth_ip6_jumbo_udp },
	{ "eth_arp", CAP_DLT_EN10MB, eth_arp, sizeof eth_arp },
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

/* Where the headers the decoder walks end in each sample (same order):
 * link + network (with options and extension headers) + the fixed
 * transport header (TCP 20, UDP 8, ICMP 4), worked out by hand from the
 * bytes above.  A non-first fragment has no transport header; ARP is not
 * decoded past Ethernet. */
static const size_t hdr_end[] = {
	14 + 20 + 20,          /* eth_tcp */
	14 + 20 + 20,          /* eth_syn_padded */
	18 + 20 + 8,           /* vlan_udp */
	22 + 20 + 4,           /* qinq_icmp */
	16 + 20 + 8,           /* sll_udp */
	20 + 40 + 20,          /* sll2_ip6_tcp */
	4 + 20 + 20,           /* null_tcp */
	20 + 8,                /* raw_ip4_udp */
	20 + 20,               /* ipv4_tcp */
	40 + 4,                /* raw_ip6_icmp */
	102 + 20,              /* eth_ip6_ext_tcp: TCP at 102 */
	78 + 8,                /* eth_ip6_ah_udp: UDP at 78 */
	14 + 20,               /* eth_frag_later */
	14 + 40 + 8,           /* eth_ip6_frag_later */
	22 + 20 + 20,          /* pppoe_tcp */
	14 + 20 + 20,          /* eth_tso */
	14 + 40 + 8 + 8,       /* eth_ip6_jumbo_udp */
	14,                    /* eth_arp */
};

/* packet.cut: set exactly when the capture (caplen k < len) ends before the
 * headers do; never when the frame on the wire is itself that short. */
static void test_cut_flag(void)
{
	size_t si, k;

	CHECK_INT(sizeof hdr_end / sizeof hdr_end[0], NSAMPLES);
	for (si = 0; si < NSAMPLES && si < sizeof hdr_end / sizeof hdr_end[0]; si++) {
		const struct sample *s = &samples[si];
		struct tpkt t;

		for (k = 0; k <= s->n; k++) {
			int want = k < hdr_end[si];

			mk_len(&t, s->dlt, s->b, k, s->n);
			if (t.p.cut != want) {
				fprintf(stderr, "%s cut to %zu of %zu: cut %d, want %d\n", s->what, k,
				        s->n, t.p.cut, want);
				unit_cur_failed = 1;
			}
			drop(&t);
			/* the same bytes as a whole frame: too short, not cut */
			mk_len(&t, s->dlt, s->b, k, k);
			if (t.p.cut) {
				fprintf(stderr, "%s: a whole frame of %zu bytes marked cut\n", s->what, k);
				unit_cur_failed = 1;
			}
			drop(&t);
		}
	}
}

/* 1 if v (from a packet cut to k bytes held in buf) agrees with ref (from
 * the whole packet) for a field of type type. */
static int agrees(enum gs_type type, const gs_value *v, const gs_value *ref,
                  const uint8_t *buf, size_t k)
{
	switch (type) {
	case GS_STRING:
		if (v->s.len && (v->s.p < buf || v->s.p + v->s.len > buf + k))
			return 0;
		return v->s.len <= ref->s.len &&
		       (v->s.len == 0 || memcmp(v->s.p, ref->s.p, v->s.len) == 0);
	case GS_IPV6:
		return memcmp(v->ip6.b, ref->ip6.b, 16) == 0;
	default:
		return v->u == ref->u;
	}
}

static void test_truncated_everywhere(void)
{
	size_t si, k, i, nf = cap_nfields();
	gs_value *ref = calloc(nf, sizeof *ref);
	int *has = calloc(nf, sizeof *has);

	if (!ref || !has) {
		perror("calloc");
		exit(2);
	}
	for (si = 0; si < NSAMPLES; si++) {
		const struct sample *s = &samples[si];
		struct tpkt full, t;
		unsigned mfull;

		mk(&full, s->dlt, s->b, s->n);
		CHECK_INT(full.rc, 0);
		mfull = members(&full.p);
		for (i = 0; i < nf; i++)
			has[i] = cap_field_at(i)->get(&full.p, &ref[i]);
		for (k = 0; k <= s->n; k++) {
			struct cap_packet *p = mk_len(&t, s->dlt, s->b, k, s->n);

			if ((members(p) & ~mfull) != 0) {
				fprintf(stderr, "%s cut to %zu: member of more protocols\n", s->what, k);
				unit_cur_failed = 1;
			}
			for (i = 0; i < nf; i++) {
				const struct cap_field *f = cap_field_at(i);
				gs_value v;

				memset(&v, 0, sizeof v);
				if (!f->get(p, &v))
					continue;
				if (strcmp(f->name, "caplen") == 0) {
					CHECK_INT(v.u, k);
					continue;
				}
				if (!has[i] || !agrees(f->type, &v, &ref[i], t.buf, k)) {
					fprintf(stderr, "%s cut to %zu: %s disagrees with the whole packet\n",
					        s->what, k, f->name);
					unit_cur_failed = 1;
				}
			}
			drop(&t);
		}
		drop(&full);
	}
	free(ref);
	free(has);
}

/* ---- corrupted and random packets --------------------------------------------- */

static uint32_t rng_state = 0x12345678u;

static uint32_t rng(void)
{
	/* xorshift32 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Every field and membership test on p; strings must stay in the capture. */
static void touch_all(const struct cap_packet *p)
{
	size_t i;

	(void)members(p);
	for (i = 0; i < cap_nfields(); i++) {
		const struct cap_field *f = cap_field_at(i);
		gs_value v;

		if (f->get(p, &v) && f->type == GS_STRING && v.s.len &&
		    (v.s.p < p->data || v.s.p + v.s.len > p->data + p->caplen)) {
			fprintf(stderr, "%s points outside the capture\n", f->name);
			unit_cur_failed = 1;
		}
	}
}

static void test_corrupted(void)
{
	static const int dlts[] = {
		CAP_DLT_NULL, CAP_DLT_EN10MB, CAP_DLT_RAW, CAP_DLT_RAW_OPENBSD, CAP_DLT_LOOP,
		CAP_DLT_LINUX_SLL, CAP_DLT_IPV4, CAP_DLT_IPV6, CAP_DLT_LINUX_SLL2,
	};
	uint8_t b[160];
	struct tpkt t;
	int iter, j;

	/* flipped bytes in the well-formed samples */
	for (iter = 0; iter < 40000; iter++) {
		const struct sample *s = &samples[rng() % NSAMPLES];
		size_t n = s->n, k;

		memcpy(b, s->b, n);
		for (j = 1 + (int)(rng() % 3); j > 0; j--)
			b[rng() % n] = (uint8_t)rng();
		k = rng() % 4 ? n : rng() % (n + 1);
		touch_all(mk_len(&t, s->dlt, b, k, rng() % 2 ? n : rng() % 100000));
		drop(&t);
	}
	/* random bytes under every link type, with plausible first bytes now
	 * and then so that the decoder gets past the link layer */
	for (iter = 0; iter < 40000; iter++) {
		size_t n = rng() % sizeof b, i;
		int dlt = dlts[rng() % (sizeof dlts / sizeof dlts[0])];

		for (i = 0; i < n; i++)
			b[i] = (uint8_t)rng();
		if (rng() % 2 && n > 20) {
			size_t at = dlt == CAP_DLT_EN10MB ? 14 : dlt == CAP_DLT_LINUX_SLL ? 16 :
			            dlt == CAP_DLT_LINUX_SLL2 ? 20 :
			            dlt == CAP_DLT_NULL || dlt == CAP_DLT_LOOP ? 4 : 0;
			int v6 = rng() % 2;

			if (dlt == CAP_DLT_EN10MB) {
				b[12] = v6 ? 0x86 : 0x08;
				b[13] = v6 ? 0xdd : 0x00;
			} else if (dlt == CAP_DLT_LINUX_SLL) {
				b[14] = v6 ? 0x86 : 0x08;
				b[15] = v6 ? 0xdd : 0x00;
			} else if (dlt == CAP_DLT_LINUX_SLL2) {
				b[0] = v6 ? 0x86 : 0x08;
				b[1] = v6 ? 0xdd : 0x00;
			} else if (dlt == CAP_DLT_NULL || dlt == CAP_DLT_LOOP) {
				memset(b, 0, 4);
				b[0] = v6 ? 30 : 2;
			}
			if (at < n) {
				b[at] = (uint8_t)((v6 ? 0x60 : 0x45) | (b[at] & 0x0f));
				if (v6 && at + 6 < n)
					b[at + 6] = (uint8_t[]){ 0, 43, 44, 51, 60, 6, 17, 58 }[rng() % 8];
				if (!v6 && at + 9 < n)
					b[at + 9] = (uint8_t[]){ 1, 6, 17 }[rng() % 3];
			}
		}
		touch_all(mk_len(&t, dlt, b, n, rng() % 2 ? n : rng()));
		drop(&t);
	}
}

/* ---- the catalog ------------------------------------------------------------------ */

static void test_catalog(void)
{
	size_t i, j, n = cap_nfields();
	int k;

	CHECK(n >= 40);
	for (i = 0; i < n; i++) {
		const struct cap_field *f = cap_field_at(i);

		CHECK(f->name && *f->name);
		CHECK((unsigned)f->proto < CAP_NPROTOS);
		CHECK((unsigned)f->type < GS_NTYPES);
		CHECK(strncmp(f->accessor, "cap_acc_", 8) == 0);
		CHECK(f->get != NULL);
		CHECK(f->doc && *f->doc);
		CHECK_INT(f->temporal, strcmp(f->name, "time") == 0 ||
		                       strcmp(f->name, "timestamp") == 0 ?
		                       GS_INCREASING : GS_VARYING);
		/* every name resolves to itself from its own protocol */
		CHECK_INT(cap_field_lookup(f->proto, f->name), (long long)i);
		/* no two fields differ only in case */
		for (j = i + 1; j < n; j++)
			CHECK(strcasecmp(f->name, cap_field_at(j)->name) != 0);
	}
	CHECK(cap_field_at(n) == NULL);

	CHECK_STR(cap_proto_info(CAP_P_DATA)->name, "DataProtocol");
	CHECK_STR(cap_proto_info(CAP_P_TCP)->member, "cap_is_tcp");
	CHECK(cap_proto_info(CAP_NPROTOS) == NULL);
	CHECK_INT(cap_proto_lookup("tcp"), CAP_P_TCP);
	CHECK_INT(cap_proto_lookup("TCP"), CAP_P_TCP);
	CHECK_INT(cap_proto_lookup("dataprotocol"), CAP_P_DATA);
	CHECK_INT(cap_proto_lookup("Ipv6"), CAP_P_IPV6);
	CHECK_INT(cap_proto_lookup("eth"), CAP_P_ETH);
	CHECK_INT(cap_proto_lookup("icmp"), CAP_P_ICMP);
	CHECK_INT(cap_proto_lookup("SCTP"), -1);
	CHECK_INT(cap_proto_lookup(NULL), -1);

	/* visibility */
	for (k = 0; k < CAP_NPROTOS; k++) {
		CHECK(cap_proto_sees((enum cap_proto)k, CAP_P_ETH));
		CHECK(cap_proto_sees((enum cap_proto)k, (enum cap_proto)k));
	}
	CHECK(!cap_proto_sees(CAP_P_ETH, CAP_P_IPV4));
	CHECK(!cap_proto_sees(CAP_P_IPV4, CAP_P_IPV6));
	CHECK(!cap_proto_sees(CAP_P_IPV4, CAP_P_DATA));
	CHECK(!cap_proto_sees(CAP_P_IPV6, CAP_P_IPV4));
	CHECK(cap_proto_sees(CAP_P_DATA, CAP_P_IPV4) && cap_proto_sees(CAP_P_DATA, CAP_P_IPV6));
	CHECK(!cap_proto_sees(CAP_P_DATA, CAP_P_TCP));
	CHECK(cap_proto_sees(CAP_P_TCP, CAP_P_DATA) && !cap_proto_sees(CAP_P_TCP, CAP_P_UDP));
	CHECK(cap_proto_sees(CAP_P_UDP, CAP_P_DATA) && !cap_proto_sees(CAP_P_UDP, CAP_P_TCP));
	CHECK(!cap_proto_sees(CAP_P_ICMP, CAP_P_DATA) && cap_proto_sees(CAP_P_ICMP, CAP_P_IPV6));
	CHECK(!cap_proto_sees(CAP_NPROTOS, CAP_P_ETH));
}

static void test_lookup(void)
{
	int sp = cap_field_lookup(CAP_P_TCP, "srcPort");

	CHECK(sp >= 0);
	CHECK_STR(cap_field_at((size_t)sp)->name, "srcPort");
	CHECK_INT(cap_field_at((size_t)sp)->proto, CAP_P_DATA);
	/* aliases, any case */
	CHECK_INT(cap_field_lookup(CAP_P_TCP, "source_port"), sp);
	CHECK_INT(cap_field_lookup(CAP_P_UDP, "SOURCE_PORT"), sp);
	CHECK_INT(cap_field_lookup(CAP_P_DATA, "srcport"), sp);
	CHECK_INT(cap_field_lookup(CAP_P_UDP, "SRCPORT"), sp);
	CHECK_INT(cap_field_lookup(CAP_P_TCP, "dest_port"), cap_field_lookup(CAP_P_TCP, "destPort"));
	CHECK_INT(cap_field_lookup(CAP_P_TCP, "Dest_Port"), cap_field_lookup(CAP_P_TCP, "destPort"));
	CHECK_STR(cap_field_at((size_t)cap_field_lookup(CAP_P_UDP, "DESTPORT"))->name, "destPort");
	/* FROM IPV4 cannot see ports, by name or by alias */
	CHECK_INT(cap_field_lookup(CAP_P_IPV4, "srcPort"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_IPV4, "source_port"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_ICMP, "destPort"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_ETH, "srcIP"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_IPV4, "srcIP6"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_IPV6, "ttl"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_UDP, "flags"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_TCP, "UDP_data"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_DATA, "TCP_data"), -1);
	CHECK(cap_field_lookup(CAP_P_IPV4, "time") >= 0);
	CHECK(cap_field_lookup(CAP_P_TCP, "SRCIP") >= 0);
	CHECK(cap_field_lookup(CAP_P_TCP, "srcIP6") >= 0);
	CHECK(cap_field_lookup(CAP_P_ICMP, "icmp_type") >= 0);
	CHECK(cap_field_lookup(CAP_P_UDP, "udp_data") >= 0);
	CHECK_INT(cap_field_lookup(CAP_P_TCP, "nosuchfield"), -1);
	CHECK_INT(cap_field_lookup(CAP_P_TCP, ""), -1);
	CHECK_INT(cap_field_lookup(CAP_P_TCP, NULL), -1);
	CHECK_INT(cap_field_lookup(CAP_NPROTOS, "time"), -1);
}

static void test_schema_hash_and_linktypes(void)
{
	uint64_t h = cap_schema_hash();

	CHECK(h != 0);
	CHECK(h == cap_schema_hash());
	CHECK(cap_linktype_supported(CAP_DLT_EN10MB));
	CHECK(cap_linktype_supported(CAP_DLT_LINUX_SLL2));
	CHECK(cap_linktype_supported(CAP_DLT_IPV6));
	CHECK(!cap_linktype_supported(9));
	CHECK_STR(cap_linktype_name(CAP_DLT_EN10MB), "EN10MB");
	CHECK_STR(cap_linktype_name(CAP_DLT_LINUX_SLL), "LINUX_SLL");
	CHECK_STR(cap_linktype_name(9), "PPP");
	CHECK_STR(cap_linktype_name(-12345), "unknown");
}

/* The OS's 32-bit counters widened to 64 bits across wraps, checked
 * against totals summed by hand. */
static void test_counter64(void)
{
	struct cap_counter64 c = { 0, 0 };

	CHECK(cap_counter64_update(&c, 0) == 0);
	CHECK(cap_counter64_update(&c, 10) == 10);
	CHECK(cap_counter64_update(&c, 10) == 10);
	CHECK(cap_counter64_update(&c, 4294967295u) == 4294967295ull);
	/* wraps: 4294967295 -> 5 is 6 more */
	CHECK(cap_counter64_update(&c, 5) == 4294967301ull);
	/* three more wraps of 2^32 - 1 readings each apart by 2^31 */
	for (int i = 0; i < 6; i++)
		cap_counter64_update(&c, (uint32_t)(5u + (uint32_t)(i + 1) * 2147483648u));
	CHECK(c.total == 4294967301ull + 6ull * 2147483648ull);
}

int main(void)
{
	RUN(test_eth_ipv4_tcp);
	RUN(test_padding_not_payload);
	RUN(test_vlan_udp);
	RUN(test_qinq_icmp);
	RUN(test_sll_v1);
	RUN(test_sll_v2_ipv6_tcp);
	RUN(test_bsd_loopback);
	RUN(test_raw_ip);
	RUN(test_ipv6_ext_headers);
	RUN(test_fragments);
	RUN(test_pppoe);
	RUN(test_tso_and_jumbo);
	RUN(test_non_ip_link);
	RUN(test_malformed);
	RUN(test_truncated_everywhere);
	RUN(test_cut_flag);
	RUN(test_corrupted);
	RUN(test_catalog);
	RUN(test_lookup);
	RUN(test_schema_hash_and_linktypes);
	RUN(test_counter64);
	return unit_done();
}
