/*
 * decode.c: walk the headers of one captured packet (cap_decode).
 *
 * Records in struct cap_packet where the link, network and transport layers
 * start, so that the accessors of accessors.h read fields at fixed offsets
 * from there.  Link layers: Ethernet (IEEE 802.3) with up to four
 * 802.1Q/802.1ad tags and PPPoE sessions (RFC 2516), Linux cooked capture
 * v1 and v2, BSD loopback (DLT_NULL, DLT_LOOP) and raw IPv4/IPv6.  Network
 * layers: IPv4 (RFC 791) and IPv6 (RFC 8200) with its extension headers.
 *
 * Every byte is read through the bounds-checked readers of accessors.h, so
 * nothing outside [data, data+caplen) is ever touched, whatever the packet
 * claims about its lengths.  Decoding never allocates and never fails hard:
 * a malformed packet is reported by the return value and keeps what was
 * understood up to the point of trouble.
 */
#include <pcap/pcap.h>

#include "accessors.h"
#include "capture.h"

#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_IPV6 0x86ddu
#define ETHERTYPE_VLAN 0x8100u       /* IEEE 802.1Q customer tag */
#define ETHERTYPE_QINQ 0x88a8u       /* IEEE 802.1ad service tag */
#define ETHERTYPE_QINQ_OLD 0x9100u   /* pre-standard double tagging */
#define ETHERTYPE_PPPOE_SESS 0x8864u /* RFC 2516 session stage */
#define ETHERTYPE_MIN 0x0600u        /* smaller values are 802.3 lengths */

#define PPP_IPV4 0x0021u
#define PPP_IPV6 0x0057u

#define ARPHRD_NETLINK 824u /* Linux cooked: protocol is a netlink family */

/* BSD loopback address families: AF_INET is 2 everywhere; AF_INET6 is 10
 * on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS. */
#define BSD_AF_INET 2u

#define MAX_VLAN_TAGS 4
#define MAX_IP6_EXT 8

/* IPv6 extension headers walked (RFC 8200 section 4, RFC 4302 for AH). */
#define IP6_HOPOPTS 0u
#define IP6_ROUTING 43u
#define IP6_FRAGMENT 44u
#define IP6_AH 51u
#define IP6_DSTOPTS 60u
#define IP6_OPT_PAD1 0x00u
#define IP6_OPT_JUMBO 0xc2u /* RFC 2675 */

/* Offsets are 32-bit and CAP_NONE is reserved: clamp just below it. */
static uint32_t clamp_off(uint64_t v)
{
	return v >= CAP_NONE ? CAP_NONE - 1 : (uint32_t)v;
}

/* A header read that ends at byte `end` failed: when the frame on the wire
 * holds that byte, the capture cut the header short (snap length) and the
 * packet is marked cut; otherwise the frame itself is too short (malformed). */
static void note_cut(struct cap_packet *p, uint64_t end)
{
	if (end > p->caplen && end <= p->len)
		p->cut = 1;
}

/* The end of the frame as it was on the wire (or as captured, if a source
 * reports a wire length shorter than the capture). */
static uint64_t frame_end(const struct cap_packet *p)
{
	return p->len > p->caplen ? p->len : p->caplen;
}

/* IPv4 header at off.  Returns -1 with no network layer recorded when the
 * first byte is not captured, the version is not 4 or IHL < 5.  Otherwise
 * the network layer is recorded, even when the capture ends inside the
 * header (its fields then fail one by one as their bytes are missing), and
 * the result is -1 if the header is cut short or the total length is smaller
 * than the header (no transport), 0 if not.  A total length of 0 is what
 * TCP segmentation offload leaves in captures taken on the sending host:
 * the datagram then runs to the end of the frame on the wire. */
static int decode_ipv4(struct cap_packet *p, uint32_t off)
{
	uint32_t vhl, ihl, tot = 0, frag = 0, proto = 0;
	uint64_t end;

	if (!cap_rd_u8(p, off, 0, &vhl)) {
		note_cut(p, (uint64_t)off + 1);
		return -1;
	}
	if (vhl >> 4 != 4 || (vhl & 0x0f) < 5)
		return -1;
	ihl = (vhl & 0x0f) * 4;
	p->l3 = CAP_L3_IPV4;
	p->l3_off = off;
	p->l3_hlen = ihl;
	if (!cap_have(p, off, 0, 20)) {
		note_cut(p, (uint64_t)off + 20);
		p->l3_end = clamp_off(frame_end(p));
		return -1;
	}
	cap_rd_be16(p, off, 2, &tot);
	cap_rd_be16(p, off, 6, &frag);
	cap_rd_u8(p, off, 9, &proto);
	p->l4_proto = (uint8_t)proto;
	p->l4_first = (frag & 0x1fff) == 0;
	end = tot == 0 ? frame_end(p) : (uint64_t)off + tot;
	p->l3_end = clamp_off(end);
	if (tot != 0 && tot < ihl)
		return -1;
	note_cut(p, (uint64_t)off + ihl); /* options past the capture */
	if (p->l4_first && (uint64_t)off + ihl < p->l3_end)
		p->l4_off = off + ihl;
	return 0;
}

static int ip6_is_ext(uint32_t nh)
{
	return nh == IP6_HOPOPTS || nh == IP6_ROUTING || nh == IP6_FRAGMENT ||
	       nh == IP6_AH || nh == IP6_DSTOPTS;
}

/* 1 if the hop-by-hop options header at h (hlen bytes) holds a Jumbo
 * Payload option.  Stops at the first option not captured. */
static int ip6_has_jumbo(const struct cap_packet *p, uint32_t h, uint32_t hlen)
{
	uint32_t o = 2, type, olen;

	while (o < hlen) {
		if (!cap_rd_u8(p, h, o, &type))
			return 0;
		if (type == IP6_OPT_PAD1) {
			o++;
			continue;
		}
		if (!cap_rd_u8(p, h, o + 1, &olen))
			return 0;
		if (type == IP6_OPT_JUMBO && olen == 4)
			return 1;
		o += 2 + olen;
	}
	return 0;
}

/* IPv6 header at off and its extension headers.  Returns -1 with no network
 * layer recorded when the first byte is not captured or the version is not
 * 6.  Otherwise the network layer is recorded and the result is -1 when the
 * capture ends inside the fixed header, the extension headers run past the
 * payload length, or there are more than MAX_IP6_EXT of them (no transport
 * in all three cases); 0 otherwise, also when the capture ends inside the
 * extension headers (then l4_proto is the header that could not be read
 * and there is no transport). */
static int decode_ipv6(struct cap_packet *p, uint32_t off)
{
	uint32_t b, plen = 0, nh = 0, next, hl, fo;
	uint64_t h, end;
	int n = 0, truncated = 0, jumbo = 0;

	if (!cap_rd_u8(p, off, 0, &b)) {
		note_cut(p, (uint64_t)off + 1);
		return -1;
	}
	if (b >> 4 != 6)
		return -1;
	p->l3 = CAP_L3_IPV6;
	p->l3_off = off;
	p->l3_hlen = 40;
	if (!cap_have(p, off, 0, 40)) {
		note_cut(p, (uint64_t)off + 40);
		p->l3_end = clamp_off(frame_end(p));
		return -1;
	}
	cap_rd_be16(p, off, 4, &plen);
	cap_rd_u8(p, off, 6, &nh);
	p->l4_first = 1;

	h = (uint64_t)off + 40;
	while (ip6_is_ext(nh)) {
		if (n++ == MAX_IP6_EXT) {
			p->l4_proto = (uint8_t)nh;
			p->l3_hlen = clamp_off(h - off);
			p->l3_end = clamp_off((uint64_t)off + 40 + plen);
			return -1;
		}
		if (h >= p->caplen) {
			note_cut(p, h + 1);
			truncated = 1;
			break;
		}
		if (nh == IP6_FRAGMENT) {
			/* next(1) reserved(1) offset(13) res(2) M(1) id(4) */
			if (!cap_rd_u8(p, (uint32_t)h, 0, &next) ||
			    !cap_rd_be16(p, (uint32_t)h, 2, &fo)) {
				note_cut(p, h + 4);
				truncated = 1;
				break;
			}
			nh = next;
			h += 8;
			if (fo & 0xfff8) {
				p->l4_first = 0;
				break;
			}
			continue;
		}
		if (!cap_rd_u8(p, (uint32_t)h, 0, &next) || !cap_rd_u8(p, (uint32_t)h, 1, &hl)) {
			note_cut(p, h + 2);
			truncated = 1;
			break;
		}
		/* AH counts 4-byte units minus 2; the others 8-byte units minus 1. */
		hl = nh == IP6_AH ? (hl + 2) * 4 : (hl + 1) * 8;
		if (nh == IP6_HOPOPTS && ip6_has_jumbo(p, (uint32_t)h, hl))
			jumbo = 1;
		nh = next;
		h += hl;
	}

	p->l4_proto = (uint8_t)nh;
	p->l3_hlen = clamp_off(h - off);
	if (plen == 0 && jumbo)
		end = frame_end(p) > h ? frame_end(p) : h;
	else
		end = (uint64_t)off + 40 + plen;
	p->l3_end = clamp_off(end);
	if (!truncated)
		note_cut(p, h); /* the last extension header runs past the capture */
	if (h > end)
		return -1;
	if (!truncated && p->l4_first && h < end)
		p->l4_off = clamp_off(h);
	return 0;
}

static int is_vlan_tpid(uint32_t type)
{
	return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

/* What follows an EtherType `type` whose payload starts at off: VLAN tags,
 * then IPv4, IPv6 or a PPPoE session carrying either. */
static int decode_ethertype(struct cap_packet *p, uint32_t off, uint32_t type)
{
	uint32_t tci, vt = 0, code = 0, ppp = 0;

	while (is_vlan_tpid(type)) {
		/* TCI: priority(3) DEI(1) VLAN id(12), then the next EtherType. */
		if (p->n_vlan == MAX_VLAN_TAGS)
			return -1;
		if (!cap_rd_be16(p, off, 0, &tci) || !cap_rd_be16(p, off, 2, &type)) {
			note_cut(p, (uint64_t)off + 4);
			return -1;
		}
		if (p->n_vlan == 0)
			p->vlan_outer = (uint16_t)(tci & 0x0fff);
		else if (p->n_vlan == 1)
			p->vlan_inner = (uint16_t)(tci & 0x0fff);
		p->n_vlan++;
		off += 4;
	}
	if (type < ETHERTYPE_MIN)
		return 0; /* an 802.3 length: LLC follows, not decoded */
	p->ethertype = (uint16_t)type;
	switch (type) {
	case ETHERTYPE_IPV4:
		return decode_ipv4(p, off);
	case ETHERTYPE_IPV6:
		return decode_ipv6(p, off);
	case ETHERTYPE_PPPOE_SESS:
		/* ver(4)=1 type(4)=1 | code=0 | session id(2) | length(2) | PPP protocol(2) */
		if (!cap_have(p, off, 0, 8)) {
			note_cut(p, (uint64_t)off + 8);
			return -1;
		}
		cap_rd_u8(p, off, 0, &vt);
		cap_rd_u8(p, off, 1, &code);
		cap_rd_be16(p, off, 6, &ppp);
		if (vt != 0x11 || code != 0)
			return -1;
		if (ppp == PPP_IPV4)
			return decode_ipv4(p, off + 8);
		if (ppp == PPP_IPV6)
			return decode_ipv6(p, off + 8);
		return 0;
	default:
		return 0;
	}
}

/* 4-byte address family of DLT_NULL (host order of the capturing machine)
 * and DLT_LOOP (network order): small values read the same either way
 * once the order with the non-zero low half is chosen. */
static int decode_bsd_loop(struct cap_packet *p)
{
	uint32_t af;

	if (!cap_rd_be32(p, 0, 0, &af)) {
		note_cut(p, 4);
		return -1;
	}
	if (af & 0xffff0000u)
		af = (af >> 24) | ((af >> 8) & 0xff00u) | ((af << 8) & 0xff0000u) | (af << 24);
	if (af == BSD_AF_INET)
		return decode_ipv4(p, 4);
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return decode_ipv6(p, 4);
	return 0;
}

/* Raw IP: the version nibble says which. */
static int decode_raw(struct cap_packet *p)
{
	uint32_t b;

	if (!cap_rd_u8(p, 0, 0, &b)) {
		note_cut(p, 1);
		return -1;
	}
	if (b >> 4 == 4)
		return decode_ipv4(p, 0);
	if (b >> 4 == 6)
		return decode_ipv6(p, 0);
	return -1;
}

/* The fixed transport header (TCP 20 bytes, UDP 8, ICMP 4) that the
 * datagram holds on the wire but the capture cut marks the packet cut. */
static void note_cut_l4(struct cap_packet *p)
{
	uint32_t n;

	if (p->l4_off == CAP_NONE || !p->l4_first)
		return;
	if (p->l4_proto == CAP_IPPROTO_TCP)
		n = 20;
	else if (p->l4_proto == CAP_IPPROTO_UDP)
		n = 8;
	else if ((p->l3 == CAP_L3_IPV4 && p->l4_proto == CAP_IPPROTO_ICMP) ||
	         (p->l3 == CAP_L3_IPV6 && p->l4_proto == CAP_IPPROTO_ICMPV6))
		n = 4;
	else
		return;
	if ((uint64_t)p->l4_off + n <= p->l3_end)
		note_cut(p, (uint64_t)p->l4_off + n);
}

/* The link layer of p and what it carries. */
static int decode_link(struct cap_packet *p)
{
	uint32_t type = 0, hatype = 0;

	switch (p->linktype) {
	case CAP_DLT_EN10MB:
		/* destination(6) source(6) EtherType(2) */
		if (!cap_rd_be16(p, 0, 12, &type)) {
			note_cut(p, 14);
			return -1;
		}
		p->l2_flags = CAP_L2_ETHER;
		p->l2_off = 0;
		return decode_ethertype(p, 14, type);
	case CAP_DLT_LINUX_SLL:
		/* packet type(2) ARPHRD(2) address length(2) address(8) protocol(2) */
		if (!cap_rd_be16(p, 0, 2, &hatype) || !cap_rd_be16(p, 0, 14, &type)) {
			note_cut(p, 16);
			return -1;
		}
		p->l2_flags = CAP_L2_SLL;
		return hatype == ARPHRD_NETLINK ? 0 : decode_ethertype(p, 16, type);
	case CAP_DLT_LINUX_SLL2:
		/* protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1)
		 * address length(1) address(8) */
		if (!cap_have(p, 0, 0, 20)) {
			note_cut(p, 20);
			return -1;
		}
		cap_rd_be16(p, 0, 0, &type);
		cap_rd_be16(p, 0, 8, &hatype);
		p->l2_flags = CAP_L2_SLL;
		return hatype == ARPHRD_NETLINK ? 0 : decode_ethertype(p, 20, type);
	case CAP_DLT_NULL:
	case CAP_DLT_LOOP:
		return decode_bsd_loop(p);
	case CAP_DLT_RAW:
	case CAP_DLT_RAW_OPENBSD:
		return decode_raw(p);
	case CAP_DLT_IPV4:
		return decode_ipv4(p, 0);
	case CAP_DLT_IPV6:
		return decode_ipv6(p, 0);
	default:
		return -1;
	}
}

/* See capture.h.  The decoded part of p is reset first, so a packet can be
 * decoded again (e.g. after its caplen was changed). */
int cap_decode(struct cap_packet *p)
{
	int rc;

	p->l2_flags = 0;
	p->ethertype = 0;
	p->n_vlan = 0;
	p->vlan_outer = 0;
	p->vlan_inner = 0;
	p->l2_off = CAP_NONE;
	p->l3 = CAP_L3_NONE;
	p->l3_off = CAP_NONE;
	p->l3_hlen = 0;
	p->l3_end = 0;
	p->l4_proto = 0;
	p->l4_first = 0;
	p->cut = 0;
	p->pad0 = 0;
	p->l4_off = CAP_NONE;
	if (!p->data && p->caplen)
		return -1;
	rc = decode_link(p);
	note_cut_l4(p);
	return rc;
}

static const struct {
	int dlt;
	const char *name;
} linktypes[] = {
	{ CAP_DLT_NULL, "NULL" },
	{ CAP_DLT_EN10MB, "EN10MB" },
	{ CAP_DLT_RAW, "RAW" },
	{ CAP_DLT_RAW_OPENBSD, "RAW" },
	{ CAP_DLT_LOOP, "LOOP" },
	{ CAP_DLT_LINUX_SLL, "LINUX_SLL" },
	{ CAP_DLT_IPV4, "IPV4" },
	{ CAP_DLT_IPV6, "IPV6" },
	{ CAP_DLT_LINUX_SLL2, "LINUX_SLL2" },
};

/* See capture.h. */
bool cap_linktype_supported(int dlt)
{
	size_t i;

	for (i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++)
		if (linktypes[i].dlt == dlt)
			return true;
	return false;
}

/* libpcap's name for dlt ("EN10MB", "LINUX_SLL", "PPP", ...), or "unknown".
 * The string is static. */
const char *cap_linktype_name(int dlt)
{
	const char *name;
	size_t i;

	for (i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++)
		if (linktypes[i].dlt == dlt)
			return linktypes[i].name;
	name = pcap_datalink_val_to_name(dlt);
	return name ? name : "unknown";
}
