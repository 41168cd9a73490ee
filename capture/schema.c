/*
 * schema.c: the packet schema catalog, derived from schema.def.
 *
 * Expands the PROTO, FIELD and ALIAS rows of schema.def into constant tables
 * (protocols, fields, aliases), wraps each inline accessor of accessors.h in
 * a generic getter that the host can call through a pointer, and answers
 * the catalog questions of capture.h: which protocol a name means, which
 * fields a query FROM a protocol may name, and the hash that ties generated
 * modules to this exact schema and struct cap_packet layout.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "accessors.h"
#include "capture.h"

/* C type of each GSQL type's accessor output, and how it goes into a
 * gs_value (see gs_value.h for the representation). */
#define CAP_CTYPE_BOOL uint32_t
#define CAP_CTYPE_UINT uint32_t
#define CAP_CTYPE_INT int32_t
#define CAP_CTYPE_ULLONG uint64_t
#define CAP_CTYPE_LLONG int64_t
#define CAP_CTYPE_FLOAT double
#define CAP_CTYPE_IP uint32_t
#define CAP_CTYPE_IPV6 gs_ip6
#define CAP_CTYPE_STRING gs_str

#define CAP_STORE_BOOL(o, v) ((o)->u = (v))
#define CAP_STORE_UINT(o, v) ((o)->u = (v))
#define CAP_STORE_INT(o, v) ((o)->i = (v))
#define CAP_STORE_ULLONG(o, v) ((o)->u = (v))
#define CAP_STORE_LLONG(o, v) ((o)->i = (v))
#define CAP_STORE_FLOAT(o, v) ((o)->f = (v))
#define CAP_STORE_IP(o, v) ((o)->u = (v))
#define CAP_STORE_IPV6(o, v) ((o)->ip6 = (v))
#define CAP_STORE_STRING(o, v) ((o)->s = (v))

/* One getter per field: cap_get_<accessor>. */
#define FIELD(proto, name, type, temporal, accessor, doc)                      \
	static int cap_get_##accessor(const struct cap_packet *p, gs_value *out) \
	{                                                                      \
		CAP_CTYPE_##type v;                                            \
		if (!cap_acc_##accessor(p, &v))                                \
			return 0;                                              \
		CAP_STORE_##type(out, v);                                      \
		return 1;                                                      \
	}
#include "schema.def"

/* The PROTO rows list exactly the enum cap_proto values, in order. */
enum {
#define PROTO(id, name, member, doc) CAP_ROW_##id,
#include "schema.def"
	CAP_NPROTO_ROWS
};
_Static_assert((int)CAP_NPROTO_ROWS == (int)CAP_NPROTOS,
               "schema.def: one PROTO row per enum cap_proto value");
#define PROTO(id, name, member, doc) \
	_Static_assert((int)CAP_ROW_##id == (int)CAP_P_##id, "schema.def: PROTO " #id " out of order");
#include "schema.def"

static const struct cap_proto_info protos[CAP_NPROTOS] = {
#define PROTO(id, name, member, doc) \
	[CAP_P_##id] = { #name, "cap_is_" #member, cap_is_##member, doc },
#include "schema.def"
};

static const struct cap_field fields[] = {
#define FIELD(proto, name, type, temporal, accessor, doc)                    \
	{ #name, CAP_P_##proto, GS_##type, GS_##temporal, "cap_acc_" #accessor, \
	  cap_get_##accessor, doc },
#include "schema.def"
};

struct cap_alias {
	enum cap_proto proto;
	const char *alias;
	const char *name;
};

static const struct cap_alias aliases[] = {
#define ALIAS(proto, alias, name) { CAP_P_##proto, #alias, #name },
#include "schema.def"
};

/* Which declaring protocols each FROM protocol sees (bit i = enum value i).
 * Every protocol sees the link layer; a transport sees both IP versions
 * (the fields of the absent one simply fail on each packet). */
#define CAP_BIT(id) (1u << CAP_P_##id)
static const unsigned proto_sees[CAP_NPROTOS] = {
	[CAP_P_ETH] = CAP_BIT(ETH),
	[CAP_P_IPV4] = CAP_BIT(ETH) | CAP_BIT(IPV4),
	[CAP_P_IPV6] = CAP_BIT(ETH) | CAP_BIT(IPV6),
	[CAP_P_DATA] = CAP_BIT(ETH) | CAP_BIT(IPV4) | CAP_BIT(IPV6) | CAP_BIT(DATA),
	[CAP_P_TCP] = CAP_BIT(ETH) | CAP_BIT(IPV4) | CAP_BIT(IPV6) | CAP_BIT(DATA) |
	              CAP_BIT(TCP),
	[CAP_P_UDP] = CAP_BIT(ETH) | CAP_BIT(IPV4) | CAP_BIT(IPV6) | CAP_BIT(DATA) |
	              CAP_BIT(UDP),
	[CAP_P_ICMP] = CAP_BIT(ETH) | CAP_BIT(IPV4) | CAP_BIT(IPV6) | CAP_BIT(ICMP),
};

#define NFIELDS (sizeof fields / sizeof fields[0])
#define NALIASES (sizeof aliases / sizeof aliases[0])

/* Returns the description of protocol p, or NULL when p is out of range. */
const struct cap_proto_info *cap_proto_info(enum cap_proto p)
{
	if ((unsigned)p >= CAP_NPROTOS)
		return NULL;
	return &protos[p];
}

/* Returns the enum cap_proto value named name (any case), or -1. */
int cap_proto_lookup(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < CAP_NPROTOS; i++)
		if (strcasecmp(protos[i].name, name) == 0)
			return i;
	return -1;
}

/* True when both are valid protocols and `from` sees `decl`'s fields. */
bool cap_proto_sees(enum cap_proto from, enum cap_proto decl)
{
	if ((unsigned)from >= CAP_NPROTOS || (unsigned)decl >= CAP_NPROTOS)
		return false;
	return (proto_sees[from] >> decl) & 1u;
}

/* Number of fields in the catalog, all protocols together. */
size_t cap_nfields(void)
{
	return NFIELDS;
}

/* Returns field i (declaration order of schema.def), or NULL past the end. */
const struct cap_field *cap_field_at(size_t i)
{
	return i < NFIELDS ? &fields[i] : NULL;
}

/* Index of the field `name` declared by proto, compared with cmp, or -1. */
static int field_index(enum cap_proto proto, const char *name,
                       int (*cmp)(const char *, const char *))
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (fields[i].proto == proto && cmp(fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* One lookup pass: field names first, then aliases, all compared with cmp. */
static int lookup_pass(enum cap_proto from, const char *name,
                       int (*cmp)(const char *, const char *))
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (cap_proto_sees(from, fields[i].proto) && cmp(fields[i].name, name) == 0)
			return (int)i;
	for (i = 0; i < NALIASES; i++)
		if (cap_proto_sees(from, aliases[i].proto) && cmp(aliases[i].alias, name) == 0)
			return field_index(aliases[i].proto, aliases[i].name, strcmp);
	return -1;
}

/* Exact spelling first (a name and an alias), then any case. */
int cap_field_lookup(enum cap_proto from, const char *name)
{
	int i;

	if (!name || (unsigned)from >= CAP_NPROTOS)
		return -1;
	i = lookup_pass(from, name, strcmp);
	if (i < 0)
		i = lookup_pass(from, name, strcasecmp);
	return i;
}

/* ---- the schema hash: FNV-1a 64 ---------------------------------------- */

#define FNV64_OFFSET 0xcbf29ce484222325ull
#define FNV64_PRIME 0x100000001b3ull

static uint64_t fnv_bytes(uint64_t h, const void *buf, size_t n)
{
	const unsigned char *b = buf;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV64_PRIME;
	}
	return h;
}

/* A string and its terminating NUL, so that "ab"+"c" differs from "a"+"bc". */
static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv_bytes(h, s, strlen(s) + 1);
}

/* Numbers go in as 8 little-endian bytes whatever the host. */
static uint64_t fnv_num(uint64_t h, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return fnv_bytes(h, b, sizeof b);
}

/* Covers every protocol (name, membership test), field (name, protocol,
 * type, temporal, accessor), alias, and the layout of struct cap_packet.
 * Docs are left out: rewording one must not invalidate cached modules. */
uint64_t cap_schema_hash(void)
{
	uint64_t h = FNV64_OFFSET;
	size_t i;

	for (i = 0; i < CAP_NPROTOS; i++) {
		h = fnv_str(h, protos[i].name);
		h = fnv_str(h, protos[i].member);
	}
	for (i = 0; i < NFIELDS; i++) {
		h = fnv_str(h, fields[i].name);
		h = fnv_num(h, (uint64_t)fields[i].proto);
		h = fnv_num(h, (uint64_t)fields[i].type);
		h = fnv_num(h, (uint64_t)fields[i].temporal);
		h = fnv_str(h, fields[i].accessor);
	}
	for (i = 0; i < NALIASES; i++) {
		h = fnv_num(h, (uint64_t)aliases[i].proto);
		h = fnv_str(h, aliases[i].alias);
		h = fnv_str(h, aliases[i].name);
	}
	h = fnv_num(h, sizeof(struct cap_packet));
	h = fnv_num(h, offsetof(struct cap_packet, data));
	h = fnv_num(h, offsetof(struct cap_packet, caplen));
	h = fnv_num(h, offsetof(struct cap_packet, len));
	h = fnv_num(h, offsetof(struct cap_packet, ts_ns));
	h = fnv_num(h, offsetof(struct cap_packet, linktype));
	h = fnv_num(h, offsetof(struct cap_packet, l2_flags));
	h = fnv_num(h, offsetof(struct cap_packet, ethertype));
	h = fnv_num(h, offsetof(struct cap_packet, n_vlan));
	h = fnv_num(h, offsetof(struct cap_packet, vlan_outer));
	h = fnv_num(h, offsetof(struct cap_packet, vlan_inner));
	h = fnv_num(h, offsetof(struct cap_packet, l2_off));
	h = fnv_num(h, offsetof(struct cap_packet, l3));
	h = fnv_num(h, offsetof(struct cap_packet, l3_off));
	h = fnv_num(h, offsetof(struct cap_packet, l3_hlen));
	h = fnv_num(h, offsetof(struct cap_packet, l3_end));
	h = fnv_num(h, offsetof(struct cap_packet, l4_proto));
	h = fnv_num(h, offsetof(struct cap_packet, l4_first));
	h = fnv_num(h, offsetof(struct cap_packet, cut));
	h = fnv_num(h, offsetof(struct cap_packet, l4_off));
	return h;
}
