/*
 * packet.h: one captured packet as the LFTA modules see it.
 *
 * The capture run-time system fills a struct cap_packet for every packet
 * (data pointer, lengths, timestamp, link type) and calls cap_decode() once,
 * which walks the link, network and transport headers and records where each
 * layer starts.  Field accessors (accessors.h) then read values from those
 * offsets, every read bounds-checked against caplen.
 *
 * Like gs_value.h this header is written into the private build directory
 * of generated modules: self-contained, no globals, no host-only types.
 * Offsets are relative to data; CAP_NONE means "this layer is absent".
 */
#ifndef GIGSH_PACKET_H
#define GIGSH_PACKET_H

#include <stdint.h>

#define CAP_NONE 0xffffffffu

/* Link types we decode (values are libpcap's DLT_ numbers). */
#define CAP_DLT_NULL 0
#define CAP_DLT_EN10MB 1
#define CAP_DLT_RAW 12          /* LINKTYPE_RAW (101) in files */
#define CAP_DLT_RAW_OPENBSD 14
#define CAP_DLT_LOOP 108
#define CAP_DLT_LINUX_SLL 113
#define CAP_DLT_IPV4 228
#define CAP_DLT_IPV6 229
#define CAP_DLT_LINUX_SLL2 276

/* Network layer found by cap_decode(). */
enum cap_l3 { CAP_L3_NONE = 0, CAP_L3_IPV4 = 4, CAP_L3_IPV6 = 6 };

struct cap_packet {
	/* Filled by the source. */
	const uint8_t *data; /* the captured bytes */
	uint32_t caplen;     /* how many bytes data holds */
	uint32_t len;        /* length on the wire */
	uint64_t ts_ns;      /* nanoseconds since the epoch */
	int linktype;        /* CAP_DLT_* */

	/* Filled by cap_decode(). */
	uint32_t l2_flags;   /* CAP_L2_* bits */
	uint16_t ethertype;  /* innermost ethertype (after VLAN tags), 0 if none */
	uint16_t n_vlan;     /* number of 802.1Q/802.1ad tags seen */
	uint16_t vlan_outer; /* VLAN id of the first tag (valid if n_vlan >= 1) */
	uint16_t vlan_inner; /* VLAN id of the second tag (valid if n_vlan >= 2) */
	uint32_t l2_off;     /* start of the Ethernet header, CAP_NONE if no Ethernet */

	enum cap_l3 l3;      /* network protocol */
	uint32_t l3_off;     /* start of the IPv4/IPv6 header */
	uint32_t l3_hlen;    /* IPv4 header bytes, or IPv6 header plus extension headers */
	uint32_t l3_end;     /* end of the datagram as claimed by the IP length,
	                        NOT clipped to caplen (accessors clip) */

	uint8_t l4_proto;    /* upper-layer protocol number (after IPv6 ext headers) */
	uint8_t l4_first;    /* 1 if this is not a non-first fragment */
	uint8_t cut;         /* 1 if the capture ends inside a link, network or
	                        fixed transport header that the packet has on
	                        the wire (the snap length cut it) */
	uint8_t pad0;
	uint32_t l4_off;     /* start of the transport header, CAP_NONE if absent
	                        (non-first fragment, or header starts past l3_end) */
};

#define CAP_L2_ETHER 0x1u  /* an Ethernet header is present (MACs valid) */
#define CAP_L2_SLL 0x2u    /* Linux cooked header (v1 or v2) */

#endif
