/*
 * schemadoc.c: print the packet schema as Markdown (docs/packet-schema.md).
 *
 * Everything in the tables comes from the catalog that capture/schema.c
 * derives from capture/schema.def (protocols, visibility, fields, types,
 * temporal properties, accessors and their one-line docs) and from the
 * ALIAS rows of schema.def itself, so the document cannot drift from the
 * code: regenerate it with
 *     tests/tools/schemadoc > docs/packet-schema.md
 * The notes at the end describe the decoder's rules in prose.
 */
#include <stdio.h>
#include <string.h>

#include "capture.h"

static const char *type_name(enum gs_type t)
{
	static const char *const names[GS_NTYPES] = {
		[GS_BOOL] = "bool", [GS_UINT] = "uint", [GS_INT] = "int",
		[GS_ULLONG] = "ullong", [GS_LLONG] = "llong", [GS_FLOAT] = "float",
		[GS_IP] = "IP", [GS_IPV6] = "IPV6", [GS_STRING] = "string",
	};

	return (unsigned)t < GS_NTYPES ? names[t] : "?";
}

static const char *temporal_name(enum gs_temporal t)
{
	switch (t) {
	case GS_CONSTANT:
		return "constant";
	case GS_INCREASING:
		return "increasing";
	case GS_DECREASING:
		return "decreasing";
	default:
		return "varying";
	}
}

/* The aliases of field `name` declared by proto, as ", `a`" items. */
static void print_aliases(enum cap_proto proto, const char *name)
{
	static const struct {
		enum cap_proto proto;
		const char *alias, *name;
	} aliases[] = {
#define ALIAS(p, a, n) { CAP_P_##p, #a, #n },
#include "schema.def"
	};
	size_t i;
	int first = 1;

	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		if (aliases[i].proto != proto || strcmp(aliases[i].name, name) != 0)
			continue;
		printf("%s`%s`", first ? " (also " : ", ", aliases[i].alias);
		first = 0;
	}
	if (!first)
		printf(")");
}

static void print_protocols(void)
{
	int p, q;

	printf("## Protocols\n\n");
	printf("A query reads `FROM` one of these.  A packet belongs to the stream when the\n"
	       "membership test holds; the query may name the fields of every protocol in\n"
	       "the \"sees\" column.\n\n");
	printf("| protocol | sees the fields of | membership test | what it is |\n");
	printf("|---|---|---|---|\n");
	for (p = 0; p < CAP_NPROTOS; p++) {
		const struct cap_proto_info *pi = cap_proto_info((enum cap_proto)p);
		int first = 1;

		printf("| `%s` | ", pi->name);
		for (q = 0; q < CAP_NPROTOS; q++) {
			if (!cap_proto_sees((enum cap_proto)p, (enum cap_proto)q))
				continue;
			printf("%s%s", first ? "" : ", ", cap_proto_info((enum cap_proto)q)->name);
			first = 0;
		}
		printf(" | `%s` | %s |\n", pi->member, pi->doc);
	}
	printf("\n");
}

static void print_fields(void)
{
	size_t i, n = cap_nfields();
	int p;

	printf("## Fields\n\n");
	printf("Each field is read by a bounds-checked inline accessor of\n"
	       "`capture/accessors.h`.  An accessor that fails (the packet lacks the\n"
	       "field) drops the packet from the query.\n");
	for (p = 0; p < CAP_NPROTOS; p++) {
		const struct cap_proto_info *pi = cap_proto_info((enum cap_proto)p);

		printf("\n### %s\n\n%s.\n\n", pi->name, pi->doc);
		printf("| field | type | temporal | accessor | meaning |\n");
		printf("|---|---|---|---|---|\n");
		for (i = 0; i < n; i++) {
			const struct cap_field *f = cap_field_at(i);

			if (f->proto != (enum cap_proto)p)
				continue;
			printf("| `%s`", f->name);
			print_aliases(f->proto, f->name);
			printf(" | %s | %s | `%s` | %s |\n", type_name(f->type),
			       temporal_name(f->temporal), f->accessor, f->doc);
		}
	}
	printf("\n");
}

static void print_notes(void)
{
	printf("## Decoding rules\n\n"
	       "- Link layers: Ethernet with up to four 802.1Q / 802.1ad / 0x9100 tags and\n"
	       "  PPPoE sessions carrying IPv4 or IPv6; Linux cooked capture v1 (`LINUX_SLL`)\n"
	       "  and v2 (`LINUX_SLL2`); BSD loopback (`NULL` in either byte order, `LOOP`;\n"
	       "  AF_INET6 is accepted as 10, 24, 28 or 30); raw IP (`RAW`, `IPV4`, `IPV6`).\n"
	       "  Other link types are refused when the source is opened.\n"
	       "- `srcMAC`/`destMAC` exist only with an Ethernet header; `ethertype` only\n"
	       "  when the link layer carries one (Ethernet, Linux cooked), and it is the\n"
	       "  innermost one, after any VLAN tags (PPPoE keeps 0x8864).\n"
	       "- IPv4: version 4 and IHL >= 5 or the packet has no network layer.  The\n"
	       "  datagram ends where the total length says; a total length of 0 (left by\n"
	       "  TCP segmentation offload in captures taken on the sender) means it runs\n"
	       "  to the end of the frame on the wire.  A total length shorter than the\n"
	       "  header leaves the IPv4 fields readable but no transport layer.\n"
	       "- IPv6: the hop-by-hop, routing, fragment, destination options and\n"
	       "  authentication headers are walked, at most eight of them.  A payload\n"
	       "  length of 0 with a Jumbo Payload option (RFC 2675) means the datagram runs\n"
	       "  to the end of the frame on the wire.  `next_header` is the field of the\n"
	       "  fixed header; the transport protocol is the last next-header value.\n"
	       "- Fragments: in a fragment other than the first (IPv4 offset != 0, or an\n"
	       "  IPv6 fragment header with offset != 0) there is no transport header: ports\n"
	       "  and all TCP, UDP and ICMP fields fail.  `offset` is the header field, in\n"
	       "  8-byte units, as tshark's `ip.frag_offset` shows it (bytes = offset * 8).\n"
	       "- Transport fields are read only from bytes that are both captured and\n"
	       "  inside the IP datagram (Ethernet padding is never payload).  `TCP`, `UDP`\n"
	       "  and `ICMP` membership needs the fixed header (20, 8, 4 bytes) there, and\n"
	       "  for TCP a data offset of at least 5.\n"
	       "- `data_length`: for TCP the IP payload minus the TCP header; for UDP the\n"
	       "  UDP length minus 8 when that fits in the IP payload (as tshark's\n"
	       "  `udp.length` - 8), otherwise (first fragments, jumbograms, bogus lengths)\n"
	       "  the IP payload minus 8.  It counts bytes on the wire, not bytes captured:\n"
	       "  `TCP_data` and `UDP_data` are clipped to the capture.\n"
	       "- `time` and `timestamp` come from the capture (nanoseconds for pcap,\n"
	       "  nanosecond pcap and pcapng files alike).\n"
	       "- A packet whose headers are cut short or malformed still counts, and its\n"
	       "  capture-level fields (`time`, `len`, `caplen`, ...) remain valid; `len`\n"
	       "  stays the length on the wire.  The statistics count as truncated the\n"
	       "  packets whose link, network (with options and extension headers) or\n"
	       "  fixed transport header was cut by the snap length, and as malformed\n"
	       "  the other packets the decoder could not make sense of.\n");
}

int main(void)
{
	printf("# The gigsh packet schema\n\n");
	printf("<!-- Generated by tests/tools/schemadoc from capture/schema.def; do not edit.\n"
	       "     Regenerate: tests/tools/schemadoc > docs/packet-schema.md -->\n\n");
	printf("Protocols, fields and aliases below are declared once, in\n"
	       "`capture/schema.def`; the catalog behind `\\schema`, the code generator's\n"
	       "accessor names and this page are all derived from it.\n\n");
	print_protocols();
	print_fields();
	print_notes();
	return 0;
}
