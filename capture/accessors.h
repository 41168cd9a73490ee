/*
 * accessors.h: bounds-checked readers of packet fields.
 *
 * One inline accessor per field declared in schema.def,
 *     static inline int cap_acc_<accessor>(const struct cap_packet *p, T *out)
 * returning 1 with *out set when the packet carries the field, and 0 when it
 * does not: wrong protocol, a non-first fragment, or bytes not captured
 * (*out is then left unchanged).
 * T follows the field's GSQL type: uint, IP and bool -> uint32_t (bool is 0
 * or 1; IP in host order), int -> int32_t, ullong -> uint64_t, llong ->
 * int64_t, float -> double, IPV6 -> gs_ip6, string -> gs_str (pointing into
 * the packet bytes, clipped to the captured bytes).  One membership test
 * per protocol, static inline int cap_is_<member>(p), says whether a packet
 * belongs to the stream FROM <protocol>.
 *
 * Accessors read only the offsets cap_decode() recorded plus the bytes of
 * the packet, and every byte read goes through cap_rd_*(), which refuses any
 * offset whose end lies past caplen (computed in 64 bits so that neither a
 * CAP_NONE offset nor an addition can wrap around).  Transport-layer bytes
 * must in addition lie inside the IP datagram (before l3_end): trailing
 * Ethernet padding is never part of a segment.
 *
 * This header is compiled into generated LFTA modules as well as into the
 * host: it must stay self-contained (packet.h, gs_value.h, stdint, string),
 * hold only static inline functions, no globals, and call nothing from libc
 * but memcpy.
 */
#ifndef GIGSH_ACCESSORS_H
#define GIGSH_ACCESSORS_H

#include <stdint.h>
#include <string.h>

#include "gs_value.h"
#include "packet.h"

/* IP protocol numbers the accessors test. */
#define CAP_IPPROTO_ICMP 1
#define CAP_IPPROTO_TCP 6
#define CAP_IPPROTO_UDP 17
#define CAP_IPPROTO_ICMPV6 58

/* ---- bounds-checked byte readers ---------------------------------------- */

/* 1 if the n bytes at base+rel were captured.  A base of CAP_NONE (an absent
 * layer) never is. */
static inline int cap_have(const struct cap_packet *p, uint32_t base, uint32_t rel,
                           uint32_t n)
{
	uint64_t end = (uint64_t)base + rel + n;

	return base != CAP_NONE && end <= p->caplen;
}

static inline int cap_rd_u8(const struct cap_packet *p, uint32_t base, uint32_t rel,
                            uint32_t *out)
{
	if (!cap_have(p, base, rel, 1))
		return 0;
	*out = p->data[base + rel];
	return 1;
}

static inline int cap_rd_be16(const struct cap_packet *p, uint32_t base, uint32_t rel,
                              uint32_t *out)
{
	const uint8_t *b;

	if (!cap_have(p, base, rel, 2))
		return 0;
	b = p->data + base + rel;
	*out = (uint32_t)b[0] << 8 | b[1];
	return 1;
}

static inline int cap_rd_be32(const struct cap_packet *p, uint32_t base, uint32_t rel,
                              uint32_t *out)
{
	const uint8_t *b;

	if (!cap_have(p, base, rel, 4))
		return 0;
	b = p->data + base + rel;
	*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return 1;
}

/* A 48-bit big-endian number (a MAC address). */
static inline int cap_rd_be48(const struct cap_packet *p, uint32_t base, uint32_t rel,
                              uint64_t *out)
{
	const uint8_t *b;
	uint64_t v = 0;
	int i;

	if (!cap_have(p, base, rel, 6))
		return 0;
	b = p->data + base + rel;
	for (i = 0; i < 6; i++)
		v = v << 8 | b[i];
	*out = v;
	return 1;
}

static inline int cap_rd_bytes(const struct cap_packet *p, uint32_t base, uint32_t rel,
                               uint32_t n, void *dst)
{
	if (!cap_have(p, base, rel, n))
		return 0;
	memcpy(dst, p->data + base + rel, n);
	return 1;
}

/* The bytes [start, end) clipped to the capture.  Fails when start lies past
 * end or past the captured bytes; an empty string is a success. */
static inline int cap_rd_span(const struct cap_packet *p, uint64_t start, uint64_t end,
                              gs_str *out)
{
	if (end > p->caplen)
		end = p->caplen;
	if (start > end)
		return 0;
	out->p = start ? p->data + start : p->data; /* data may be NULL when caplen is 0 */
	out->len = (uint32_t)(end - start);
	return 1;
}

/* ---- layer tests ---------------------------------------------------------- */

static inline int cap_l3_is(const struct cap_packet *p, enum cap_l3 l3)
{
	return p->l3 == l3 && p->l3_off != CAP_NONE;
}

/* The transport header of protocol proto starts at l4_off (first fragment). */
static inline int cap_l4_is(const struct cap_packet *p, uint32_t proto)
{
	return p->l3 != CAP_L3_NONE && p->l4_proto == proto && p->l4_first &&
	       p->l4_off != CAP_NONE;
}

static inline int cap_l4_is_icmp(const struct cap_packet *p)
{
	return (p->l3 == CAP_L3_IPV4 && cap_l4_is(p, CAP_IPPROTO_ICMP)) ||
	       (p->l3 == CAP_L3_IPV6 && cap_l4_is(p, CAP_IPPROTO_ICMPV6));
}

/* Transport bytes must lie inside the IP datagram as well as inside the
 * capture: what follows the datagram (Ethernet padding, garbage) is not part
 * of the segment.  The caller has checked that l4_off is set. */
static inline int cap_l4_have(const struct cap_packet *p, uint32_t rel, uint32_t n)
{
	return (uint64_t)p->l4_off + rel + n <= p->l3_end && cap_have(p, p->l4_off, rel, n);
}

static inline int cap_l4_u8(const struct cap_packet *p, uint32_t rel, uint32_t *out)
{
	return cap_l4_have(p, rel, 1) && cap_rd_u8(p, p->l4_off, rel, out);
}

static inline int cap_l4_be16(const struct cap_packet *p, uint32_t rel, uint32_t *out)
{
	return cap_l4_have(p, rel, 2) && cap_rd_be16(p, p->l4_off, rel, out);
}

static inline int cap_l4_be32(const struct cap_packet *p, uint32_t rel, uint32_t *out)
{
	return cap_l4_have(p, rel, 4) && cap_rd_be32(p, p->l4_off, rel, out);
}

/* ---- membership tests ------------------------------------------------------ */

static inline int cap_is_eth(const struct cap_packet *p)
{
	(void)p;
	return 1;
}

static inline int cap_is_ipv4(const struct cap_packet *p)
{
	return cap_l3_is(p, CAP_L3_IPV4);
}

static inline int cap_is_ipv6(const struct cap_packet *p)
{
	return cap_l3_is(p, CAP_L3_IPV6);
}

/* TCP: the 20-byte fixed header was captured inside the datagram and its
 * data offset is at least 5 (20 bytes). */
static inline int cap_is_tcp(const struct cap_packet *p)
{
	uint32_t b;

	return cap_l4_is(p, CAP_IPPROTO_TCP) && cap_l4_have(p, 0, 20) &&
	       cap_rd_u8(p, p->l4_off, 12, &b) && b >> 4 >= 5;
}

/* UDP: the 8-byte header was captured inside the datagram. */
static inline int cap_is_udp(const struct cap_packet *p)
{
	return cap_l4_is(p, CAP_IPPROTO_UDP) && cap_l4_have(p, 0, 8);
}

static inline int cap_is_data(const struct cap_packet *p)
{
	return cap_is_tcp(p) || cap_is_udp(p);
}

/* ICMP: type, code and checksum were captured inside the datagram. */
static inline int cap_is_icmp(const struct cap_packet *p)
{
	return cap_l4_is_icmp(p) && cap_l4_have(p, 0, 4);
}

/* ---- ETH ------------------------------------------------------------------ */

static inline int cap_acc_time(const struct cap_packet *p, uint32_t *out)
{
	*out = (uint32_t)(p->ts_ns / 1000000000u);
	return 1;
}

static inline int cap_acc_timestamp(const struct cap_packet *p, uint64_t *out)
{
	*out = p->ts_ns;
	return 1;
}

static inline int cap_acc_len(const struct cap_packet *p, uint32_t *out)
{
	*out = p->len;
	return 1;
}

static inline int cap_acc_caplen(const struct cap_packet *p, uint32_t *out)
{
	*out = p->caplen;
	return 1;
}

static inline int cap_acc_src_mac(const struct cap_packet *p, uint64_t *out)
{
	if (!(p->l2_flags & CAP_L2_ETHER))
		return 0;
	return cap_rd_be48(p, p->l2_off, 6, out);
}

static inline int cap_acc_dest_mac(const struct cap_packet *p, uint64_t *out)
{
	if (!(p->l2_flags & CAP_L2_ETHER))
		return 0;
	return cap_rd_be48(p, p->l2_off, 0, out);
}

static inline int cap_acc_ethertype(const struct cap_packet *p, uint32_t *out)
{
	if (p->ethertype == 0)
		return 0;
	*out = p->ethertype;
	return 1;
}

static inline int cap_acc_vlan_id(const struct cap_packet *p, uint32_t *out)
{
	if (p->n_vlan < 1)
		return 0;
	*out = p->vlan_outer;
	return 1;
}

static inline int cap_acc_inner_vlan_id(const struct cap_packet *p, uint32_t *out)
{
	if (p->n_vlan < 2)
		return 0;
	*out = p->vlan_inner;
	return 1;
}

/* ---- IPV4 (RFC 791) --------------------------------------------------------
 *  0: version(4) IHL(4) | 1: TOS | 2: total length | 4: id
 *  6: flags(3) fragment offset(13) | 8: TTL | 9: protocol | 10: checksum
 * 12: source | 16: destination
 */

static inline int cap_ip4_u8(const struct cap_packet *p, uint32_t rel, uint32_t *out)
{
	return cap_is_ipv4(p) && cap_rd_u8(p, p->l3_off, rel, out);
}

static inline int cap_ip4_be16(const struct cap_packet *p, uint32_t rel, uint32_t *out)
{
	return cap_is_ipv4(p) && cap_rd_be16(p, p->l3_off, rel, out);
}

static inline int cap_acc_ip_version(const struct cap_packet *p, uint32_t *out)
{
	uint32_t b;

	if (!cap_ip4_u8(p, 0, &b))
		return 0;
	*out = b >> 4;
	return 1;
}

static inline int cap_acc_ip_hdr_length(const struct cap_packet *p, uint32_t *out)
{
	uint32_t b;

	if (!cap_ip4_u8(p, 0, &b))
		return 0;
	*out = (b & 0x0f) * 4;
	return 1;
}

static inline int cap_acc_ip_tos(const struct cap_packet *p, uint32_t *out)
{
	return cap_ip4_u8(p, 1, out);
}

static inline int cap_acc_ip_total_length(const struct cap_packet *p, uint32_t *out)
{
	return cap_ip4_be16(p, 2, out);
}

static inline int cap_acc_ip_id(const struct cap_packet *p, uint32_t *out)
{
	return cap_ip4_be16(p, 4, out);
}

static inline int cap_acc_ip_offset(const struct cap_packet *p, uint32_t *out)
{
	uint32_t w;

	if (!cap_ip4_be16(p, 6, &w))
		return 0;
	*out = w & 0x1fff;
	return 1;
}

static inline int cap_acc_ip_more_fragments(const struct cap_packet *p, uint32_t *out)
{
	uint32_t w;

	if (!cap_ip4_be16(p, 6, &w))
		return 0;
	*out = (w >> 13) & 1;
	return 1;
}

static inline int cap_acc_ip_dont_fragment(const struct cap_packet *p, uint32_t *out)
{
	uint32_t w;

	if (!cap_ip4_be16(p, 6, &w))
		return 0;
	*out = (w >> 14) & 1;
	return 1;
}

static inline int cap_acc_ip_ttl(const struct cap_packet *p, uint32_t *out)
{
	return cap_ip4_u8(p, 8, out);
}

static inline int cap_acc_ip_protocol(const struct cap_packet *p, uint32_t *out)
{
	return cap_ip4_u8(p, 9, out);
}

static inline int cap_acc_ip_checksum(const struct cap_packet *p, uint32_t *out)
{
	return cap_ip4_be16(p, 10, out);
}

static inline int cap_acc_ip_src(const struct cap_packet *p, uint32_t *out)
{
	return cap_is_ipv4(p) && cap_rd_be32(p, p->l3_off, 12, out);
}

static inline int cap_acc_ip_dest(const struct cap_packet *p, uint32_t *out)
{
	return cap_is_ipv4(p) && cap_rd_be32(p, p->l3_off, 16, out);
}

/* ---- IPV6 (RFC 8200) -------------------------------------------------------
 *  0: version(4) traffic class(8) flow label(20) | 4: payload length
 *  6: next header | 7: hop limit | 8: source | 24: destination
 */

static inline int cap_acc_ip6_src(const struct cap_packet *p, gs_ip6 *out)
{
	return cap_is_ipv6(p) && cap_rd_bytes(p, p->l3_off, 8, 16, out->b);
}

static inline int cap_acc_ip6_dest(const struct cap_packet *p, gs_ip6 *out)
{
	return cap_is_ipv6(p) && cap_rd_bytes(p, p->l3_off, 24, 16, out->b);
}

static inline int cap_acc_ip6_traffic_class(const struct cap_packet *p, uint32_t *out)
{
	uint32_t w;

	if (!cap_is_ipv6(p) || !cap_rd_be32(p, p->l3_off, 0, &w))
		return 0;
	*out = (w >> 20) & 0xff;
	return 1;
}

static inline int cap_acc_ip6_flow_label(const struct cap_packet *p, uint32_t *out)
{
	uint32_t w;

	if (!cap_is_ipv6(p) || !cap_rd_be32(p, p->l3_off, 0, &w))
		return 0;
	*out = w & 0xfffff;
	return 1;
}

static inline int cap_acc_ip6_payload_length(const struct cap_packet *p, uint32_t *out)
{
	return cap_is_ipv6(p) && cap_rd_be16(p, p->l3_off, 4, out);
}

static inline int cap_acc_ip6_next_header(const struct cap_packet *p, uint32_t *out)
{
	return cap_is_ipv6(p) && cap_rd_u8(p, p->l3_off, 6, out);
}

static inline int cap_acc_ip6_hop_limit(const struct cap_packet *p, uint32_t *out)
{
	return cap_is_ipv6(p) && cap_rd_u8(p, p->l3_off, 7, out);
}

/* ---- DataProtocol ----------------------------------------------------------
 * Ports are the first four bytes of both the TCP and the UDP header.
 */

static inline int cap_l4_is_data(const struct cap_packet *p)
{
	return cap_l4_is(p, CAP_IPPROTO_TCP) || cap_l4_is(p, CAP_IPPROTO_UDP);
}

static inline int cap_acc_src_port(const struct cap_packet *p, uint32_t *out)
{
	return cap_l4_is_data(p) && cap_l4_be16(p, 0, out);
}

static inline int cap_acc_dest_port(const struct cap_packet *p, uint32_t *out)
{
	return cap_l4_is_data(p) && cap_l4_be16(p, 2, out);
}

/* Bytes of the IP datagram from the transport header on (0 if the header
 * starts at or past the end the IP length claims). */
static inline uint32_t cap_l4_span(const struct cap_packet *p)
{
	return p->l3_end > p->l4_off ? p->l3_end - p->l4_off : 0;
}

/* TCP header length in bytes; fails if not captured or below 20. */
static inline int cap_tcp_hlen(const struct cap_packet *p, uint32_t *out)
{
	uint32_t b;

	if (!cap_l4_is(p, CAP_IPPROTO_TCP) || !cap_l4_u8(p, 12, &b))
		return 0;
	*out = (b >> 4) * 4;
	return *out >= 20;
}

/* UDP payload length: the UDP length minus 8 when 8 <= UDP length <= IP
 * payload (what tshark reports as udp.length - 8); otherwise (a UDP length
 * of 0 in an IPv6 jumbogram, a first fragment, a lying length) the IP
 * payload minus 8.  Fails when even that is negative. */
static inline int cap_udp_dlen(const struct cap_packet *p, uint32_t *out)
{
	uint32_t ulen, span;

	if (!cap_l4_is(p, CAP_IPPROTO_UDP) || !cap_l4_be16(p, 4, &ulen))
		return 0;
	span = cap_l4_span(p);
	if (ulen >= 8 && ulen <= span)
		*out = ulen - 8;
	else if (span >= 8)
		*out = span - 8;
	else
		return 0;
	return 1;
}

static inline int cap_acc_data_length(const struct cap_packet *p, uint32_t *out)
{
	uint32_t hlen, span;

	if (cap_tcp_hlen(p, &hlen)) {
		span = cap_l4_span(p);
		if (span < hlen)
			return 0;
		*out = span - hlen;
		return 1;
	}
	return cap_udp_dlen(p, out);
}

/* ---- TCP (RFC 9293) --------------------------------------------------------
 *  0: source port | 2: destination port | 4: sequence | 8: acknowledgment
 * 12: data offset(4) reserved(3) AE(1) | 13: CWR ECE URG ACK PSH RST SYN FIN
 * 14: window | 16: checksum | 18: urgent pointer
 */

static inline int cap_tcp_rd16(const struct cap_packet *p, uint32_t rel, uint32_t *out)
{
	return cap_l4_is(p, CAP_IPPROTO_TCP) && cap_l4_be16(p, rel, out);
}

static inline int cap_acc_tcp_seq(const struct cap_packet *p, uint32_t *out)
{
	return cap_l4_is(p, CAP_IPPROTO_TCP) && cap_l4_be32(p, 4, out);
}

static inline int cap_acc_tcp_ack(const struct cap_packet *p, uint32_t *out)
{
	return cap_l4_is(p, CAP_IPPROTO_TCP) && cap_l4_be32(p, 8, out);
}

static inline int cap_acc_tcp_flags(const struct cap_packet *p, uint32_t *out)
{
	uint32_t w;

	if (!cap_tcp_rd16(p, 12, &w))
		return 0;
	*out = w & 0x0fff;
	return 1;
}

static inline int cap_acc_tcp_window(const struct cap_packet *p, uint32_t *out)
{
	return cap_tcp_rd16(p, 14, out);
}

static inline int cap_acc_tcp_hdr_length(const struct cap_packet *p, uint32_t *out)
{
	uint32_t b;

	if (!cap_l4_is(p, CAP_IPPROTO_TCP) || !cap_l4_u8(p, 12, &b))
		return 0;
	*out = (b >> 4) * 4;
	return 1;
}

static inline int cap_acc_tcp_urgent_ptr(const struct cap_packet *p, uint32_t *out)
{
	return cap_tcp_rd16(p, 18, out);
}

/* The payload from the end of the TCP header (options included) to the end
 * of the IP datagram, clipped to the capture.  Fails when the header is
 * longer than the datagram or was not captured whole. */
static inline int cap_acc_tcp_data(const struct cap_packet *p, gs_str *out)
{
	uint32_t hlen;
	uint64_t start;

	if (!cap_tcp_hlen(p, &hlen))
		return 0;
	start = (uint64_t)p->l4_off + hlen;
	if (start > p->l3_end)
		return 0;
	return cap_rd_span(p, start, p->l3_end, out);
}

/* ---- UDP (RFC 768) ---------------------------------------------------------
 *  0: source port | 2: destination port | 4: length | 6: checksum
 */

static inline int cap_acc_udp_length(const struct cap_packet *p, uint32_t *out)
{
	return cap_l4_is(p, CAP_IPPROTO_UDP) && cap_l4_be16(p, 4, out);
}

static inline int cap_acc_udp_checksum(const struct cap_packet *p, uint32_t *out)
{
	return cap_l4_is(p, CAP_IPPROTO_UDP) && cap_l4_be16(p, 6, out);
}

/* data_length bytes after the 8-byte header, clipped to the capture. */
static inline int cap_acc_udp_data(const struct cap_packet *p, gs_str *out)
{
	uint32_t dlen;
	uint64_t start;

	if (!cap_udp_dlen(p, &dlen))
		return 0;
	start = (uint64_t)p->l4_off + 8;
	return cap_rd_span(p, start, start + dlen, out);
}

/* ---- ICMP (RFC 792) and ICMPv6 (RFC 4443) ------------------------------------
 *  0: type | 1: code | 2: checksum
 */

static inline int cap_acc_icmp_type(const struct cap_packet *p, uint32_t *out)
{
	return cap_l4_is_icmp(p) && cap_l4_u8(p, 0, out);
}

static inline int cap_acc_icmp_code(const struct cap_packet *p, uint32_t *out)
{
	return cap_l4_is_icmp(p) && cap_l4_u8(p, 1, out);
}

#endif
