/*
 * mkpcap.c: writes small crafted capture files for gigsh's tests.
 *
 * The end-to-end tests need captures whose every byte is known, so that the
 * expected answer of a query can be worked out by hand and written into the
 * test.  This program builds such captures from a tiny line-oriented
 * description, one packet per line, and writes them in the classic pcap
 * format (microsecond or nanosecond magic, any link type) without libpcap.
 *
 * Usage:
 *   mkpcap [-N] [-n COUNT] SCENARIO OUT   a built-in scenario (see -h)
 *   mkpcap [-N] -d DESC OUT               a description file ("-" = stdin)
 *   mkpcap -p SCENARIO                    print a scenario's description
 * -N forces nanosecond timestamps; -n sets the packet count of "demo".
 *
 * The description language (also how the built-in scenarios are written):
 *   # comment                  ignored, as are blank lines
 *   link NAME                  ether (default), raw, ipv4, ipv6, null, sll
 *   nsec                       nanosecond magic (0xa1b23c4d)
 *   snaplen N                  snaplen in the file header (default 262144)
 *   KIND key=value ...         one packet; KIND is one of
 *     tcp, udp, icmp           IPv4 or IPv6 (chosen by the address form)
 *                              carrying that protocol, checksums correct;
 *                              icmp over IPv6 is ICMPv6
 *     ip                       IP header (and extension headers) followed by
 *                              the data bytes, protocol from proto=
 *     eth                      link header with etype= and the data bytes
 *     frame                    the data bytes are the whole frame
 *   Keys (all optional):
 *     t=SEC[.FRACTION]         capture time (default: previous + 1 ms)
 *     smac= dmac=              aa:bb:cc:dd:ee:ff
 *     vlan=ID[/PCP]            an 802.1Q tag (repeat for QinQ); svlan= is
 *                              the same with the 802.1ad TPID 0x88a8
 *     etype=N                  EtherType for KIND eth
 *     src= dst=                IPv4 dotted quad or IPv6 address
 *     ttl= tos= id= df= mf= frag=BYTES ihl=WORDS totlen=N     IPv4 header
 *     hlim= tclass= flow= ext=hop,dst,rt,frag                 IPv6 header
 *     proto=N                  upper protocol for KIND ip
 *     sport= dport= seq= ack= flags= win= urg= doff=WORDS     TCP
 *     ulen=N                   UDP length field override
 *     type= code=              ICMP; id= and seq= fill an echo's identifier
 *                              and sequence number
 *     data=TEXT                payload; \\ \n \t \0 \xNN escapes, \s = space
 *     hex=HEX                  payload as hex digits
 *     plen=N                   payload of N pattern bytes
 *     snap=N                   capture only the first N bytes of the frame
 * Numbers may be decimal or 0x hex.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXFRAME 70000
#define MAXLINE 8192

enum { LINK_ETHER = 1, LINK_NULL = 0, LINK_RAW = 101, LINK_SLL = 113,
       LINK_IPV4 = 228, LINK_IPV6 = 229 };

/* The file being written. */
struct out {
	FILE *f;
	const char *path;
	int link;
	int nsec;
	uint32_t snaplen;
	int header_done;
	uint64_t last_ts;
	unsigned long npackets;
};

/* One packet as parsed from a description line. */
struct spec {
	char kind[16];
	uint64_t ts;
	int has_ts;
	uint8_t smac[6], dmac[6];
	int ntags;
	uint16_t tpid[4], tci[4];
	unsigned etype;
	int v6;
	uint8_t src[16], dst[16];
	unsigned ttl, tos, id, df, mf, frag, ihl, totlen;
	unsigned tclass, flow;
	char ext[8];
	unsigned proto;
	unsigned sport, dport, seq, ack, flags, win, urg, doff, ulen;
	unsigned type, code;
	uint8_t data[MAXFRAME];
	size_t dlen;
	long snap;
};

static unsigned cur_line; /* description line being read, 0 outside */

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "mkpcap: ");
	if (cur_line)
		fprintf(stderr, "line %u: ", cur_line);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

/* ---- writing the pcap file ------------------------------------------------ */

static void put32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
	fwrite(b, 1, 4, f);
}

static void put16(FILE *f, uint16_t v)
{
	uint8_t b[2] = { v & 0xff, v >> 8 };
	fwrite(b, 1, 2, f);
}

/* Classic pcap global header, little-endian. */
static void write_header(struct out *o)
{
	if (o->header_done)
		return;
	put32(o->f, o->nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
	put16(o->f, 2);
	put16(o->f, 4);
	put32(o->f, 0);
	put32(o->f, 0);
	put32(o->f, o->snaplen);
	put32(o->f, (uint32_t)o->link);
	o->header_done = 1;
}

/* One record: the frame's wire length is len, of which caplen bytes are
 * written. */
static void write_record(struct out *o, uint64_t ts_ns, const uint8_t *frame,
                         size_t len, size_t caplen)
{
	write_header(o);
	put32(o->f, (uint32_t)(ts_ns / 1000000000u));
	if (o->nsec)
		put32(o->f, (uint32_t)(ts_ns % 1000000000u));
	else
		put32(o->f, (uint32_t)(ts_ns % 1000000000u / 1000u));
	put32(o->f, (uint32_t)caplen);
	put32(o->f, (uint32_t)len);
	fwrite(frame, 1, caplen, o->f);
	o->npackets++;
}

/* ---- building packets ------------------------------------------------------ */

static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 1071 one's complement sum, folded; start is a partial sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Pseudo-header sum for the TCP/UDP/ICMPv6 checksum (RFC 793, RFC 8200). */
static uint32_t pseudo_sum(const struct spec *s, unsigned proto, size_t l4len)
{
	uint32_t sum = 0;
	if (s->v6) {
		sum = csum_add(sum, s->src, 16);
		sum = csum_add(sum, s->dst, 16);
	} else {
		sum = csum_add(sum, s->src, 4);
		sum = csum_add(sum, s->dst, 4);
	}
	sum += proto;
	sum += (uint32_t)(l4len & 0xffff) + (uint32_t)(l4len >> 16);
	return sum;
}

/* Writes the transport header and payload at p; returns the bytes used. */
static size_t build_l4(const struct spec *s, uint8_t *p, unsigned *proto)
{
	size_t n = 0;
	if (!strcmp(s->kind, "tcp")) {
		unsigned words = s->doff ? s->doff : 5;
		size_t hlen = words * 4 < 20 ? 20 : words * 4;
		*proto = 6;
		be16(p, s->sport);
		be16(p + 2, s->dport);
		be32(p + 4, s->seq);
		be32(p + 8, s->ack);
		p[12] = (uint8_t)(words << 4 | ((s->flags >> 8) & 0x0f));
		p[13] = (uint8_t)s->flags;
		be16(p + 14, s->win);
		be16(p + 16, 0);
		be16(p + 18, s->urg);
		memset(p + 20, 1, hlen - 20); /* options: NOPs */
		memcpy(p + hlen, s->data, s->dlen);
		n = hlen + s->dlen;
		be16(p + 16, csum_fold(csum_add(pseudo_sum(s, 6, n), p, n)));
	} else if (!strcmp(s->kind, "udp")) {
		*proto = 17;
		n = 8 + s->dlen;
		be16(p, s->sport);
		be16(p + 2, s->dport);
		be16(p + 4, s->ulen ? s->ulen : (unsigned)n);
		be16(p + 6, 0);
		memcpy(p + 8, s->data, s->dlen);
		if (!s->ulen) {
			uint16_t c = csum_fold(csum_add(pseudo_sum(s, 17, n), p, n));
			be16(p + 6, c ? c : 0xffff);
		}
	} else if (!strcmp(s->kind, "icmp")) {
		*proto = s->v6 ? 58 : 1;
		n = 8 + s->dlen;
		p[0] = (uint8_t)s->type;
		p[1] = (uint8_t)s->code;
		be16(p + 2, 0);
		be16(p + 4, s->id);   /* echo identifier */
		be16(p + 6, s->seq);  /* echo sequence */
		memcpy(p + 8, s->data, s->dlen);
		uint32_t sum = s->v6 ? pseudo_sum(s, 58, n) : 0;
		be16(p + 2, csum_fold(csum_add(sum, p, n)));
	} else { /* ip: raw payload */
		*proto = s->proto;
		memcpy(p, s->data, s->dlen);
		n = s->dlen;
	}
	return n;
}

/* IPv6 extension headers named in s->ext, then the upper layer.  Each
 * option header is 8 bytes of PadN; the routing header is type 0 with no
 * addresses left; the fragment header takes frag=, mf= and id=. */
static size_t build_ip6(const struct spec *s, uint8_t *p)
{
	size_t off = 40;
	uint8_t *nextp = p + 6;
	static const uint8_t codes[] = { ['h'] = 0, ['d'] = 60, ['r'] = 43, ['f'] = 44 };
	for (int i = 0; s->ext[i]; i++) {
		uint8_t *e = p + off;
		*nextp = codes[(unsigned char)s->ext[i]];
		memset(e, 0, 8);
		nextp = e;
		if (s->ext[i] == 'f') {
			be16(e + 2, (s->frag & 0xfff8) | (s->mf ? 1 : 0));
			be32(e + 4, s->id);
		} else if (s->ext[i] == 'r') {
			e[2] = 0;   /* routing type 0 */
			e[3] = 0;   /* segments left */
		} else {
			e[2] = 1;   /* PadN */
			e[3] = 4;
		}
		off += 8;
	}
	unsigned proto = 0;
	size_t l4 = build_l4(s, p + off, &proto);
	*nextp = (uint8_t)proto;
	p[0] = (uint8_t)(0x60 | (s->tclass >> 4));
	p[1] = (uint8_t)((s->tclass & 0x0f) << 4 | ((s->flow >> 16) & 0x0f));
	be16(p + 2, s->flow & 0xffff);
	be16(p + 4, (unsigned)(off - 40 + l4));
	p[7] = (uint8_t)s->ttl;
	memcpy(p + 8, s->src, 16);
	memcpy(p + 24, s->dst, 16);
	return off + l4;
}

/* IPv4 header (ihl= and totlen= may make it invalid on purpose), then the
 * upper layer.  The header checksum is always computed over the 20 bytes
 * written. */
static size_t build_ip4(const struct spec *s, uint8_t *p)
{
	unsigned proto = 0;
	size_t l4 = build_l4(s, p + 20, &proto);
	unsigned ihl = s->ihl ? s->ihl : 5;
	p[0] = (uint8_t)(0x40 | (ihl & 0x0f));
	p[1] = (uint8_t)s->tos;
	be16(p + 2, s->totlen ? s->totlen : (unsigned)(20 + l4));
	be16(p + 4, s->id);
	be16(p + 6, (s->df ? 0x4000 : 0) | (s->mf ? 0x2000 : 0) | ((s->frag / 8) & 0x1fff));
	p[8] = (uint8_t)s->ttl;
	p[9] = (uint8_t)proto;
	be16(p + 10, 0);
	memcpy(p + 12, s->src, 4);
	memcpy(p + 16, s->dst, 4);
	be16(p + 10, csum_fold(csum_add(0, p, 20)));
	return 20 + l4;
}

/* The network layer (or the raw bytes for eth/frame), without link header. */
static size_t build_l3(const struct spec *s, uint8_t *p)
{
	if (!strcmp(s->kind, "eth") || !strcmp(s->kind, "frame")) {
		memcpy(p, s->data, s->dlen);
		return s->dlen;
	}
	return s->v6 ? build_ip6(s, p) : build_ip4(s, p);
}

/* Builds the whole frame for the file's link type; returns its length. */
static size_t build_frame(const struct out *o, const struct spec *s, uint8_t *f)
{
	size_t off = 0;
	unsigned etype = !strcmp(s->kind, "eth") ? s->etype : s->v6 ? 0x86dd : 0x0800;
	if (!strcmp(s->kind, "frame"))
		return build_l3(s, f);
	switch (o->link) {
	case LINK_ETHER:
		memcpy(f, s->dmac, 6);
		memcpy(f + 6, s->smac, 6);
		off = 12;
		for (int i = 0; i < s->ntags; i++) {
			be16(f + off, s->tpid[i]);
			be16(f + off + 2, s->tci[i]);
			off += 4;
		}
		be16(f + off, etype);
		off += 2;
		break;
	case LINK_NULL: /* address family in the writer's byte order (ours: LE) */
		f[0] = s->v6 ? 24 : 2;
		f[1] = f[2] = f[3] = 0;
		off = 4;
		break;
	case LINK_SLL: /* Linux cooked v1: type, ARPHRD, addr len, addr, proto */
		memset(f, 0, 16);
		be16(f + 2, 1);
		be16(f + 4, 6);
		memcpy(f + 6, s->smac, 6);
		be16(f + 14, etype);
		off = 16;
		break;
	default: /* raw, ipv4, ipv6: the IP header starts the frame */
		break;
	}
	return off + build_l3(s, f + off);
}

/* ---- parsing descriptions ---------------------------------------------------- */

static unsigned long num(const char *v, const char *key)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 0);
	if (errno || *end || end == v)
		die("bad number for %s", key);
	return n;
}

static void mac(const char *v, uint8_t *m)
{
	unsigned b[6];
	if (sscanf(v, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		die("bad MAC address %s", v);
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)b[i];
}

/* "SEC[.FRACTION]" to nanoseconds. */
static uint64_t timestamp(const char *v)
{
	char *end;
	uint64_t ns = (uint64_t)strtoull(v, &end, 10) * 1000000000u;
	if (*end == '.') {
		uint64_t scale = 100000000u;
		for (end++; *end >= '0' && *end <= '9'; end++) {
			ns += (uint64_t)(*end - '0') * scale;
			scale /= 10;
		}
	}
	if (*end)
		die("bad time %s", v);
	return ns;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends the bytes of data= (with escapes) to the payload. */
static void text_payload(struct spec *s, const char *v)
{
	while (*v) {
		int c = (unsigned char)*v++;
		if (c == '\\') {
			c = (unsigned char)*v++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 's': c = ' '; break;
			case '0': c = 0; break;
			case '\\': break;
			case 'x':
				if (hexval(v[0]) < 0 || hexval(v[1]) < 0)
					die("bad \\x escape in %s", v);
				c = hexval(v[0]) * 16 + hexval(v[1]);
				v += 2;
				break;
			default:
				die("unknown escape in data: %s", v - 2);
			}
		}
		if (s->dlen >= MAXFRAME - 200)
			die("payload too long%s", "");
		s->data[s->dlen++] = (uint8_t)c;
	}
}

static void hex_payload(struct spec *s, const char *v)
{
	for (; *v; v++) {
		if (hexval(v[0]) < 0)
			continue; /* separators such as ':' or '.' */
		if (hexval(v[1]) < 0)
			die("odd hex digit in %s", v);
		if (s->dlen >= MAXFRAME - 200)
			die("payload too long%s", "");
		s->data[s->dlen++] = (uint8_t)(hexval(v[0]) * 16 + hexval(v[1]));
		v++;
	}
}

static void address(struct spec *s, const char *v, uint8_t *a)
{
	if (strchr(v, ':')) {
		if (inet_pton(AF_INET6, v, a) != 1)
			die("bad IPv6 address %s", v);
		s->v6 = 1;
	} else if (inet_pton(AF_INET, v, a) != 1) {
		die("bad IPv4 address %s", v);
	}
}

static void ext_headers(struct spec *s, const char *v)
{
	char buf[64];
	size_t n = 0;
	snprintf(buf, sizeof buf, "%s", v);
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
		if (n + 1 >= sizeof s->ext)
			die("too many extension headers: %s", v);
		if (!strcmp(t, "hop") || !strcmp(t, "dst") || !strcmp(t, "rt") || !strcmp(t, "frag"))
			s->ext[n++] = t[0] == 'h' ? 'h' : t[0] == 'd' ? 'd' : t[0] == 'r' ? 'r' : 'f';
		else
			die("unknown extension header %s", t);
	}
	s->ext[n] = 0;
}

static void tag(struct spec *s, const char *v, uint16_t tpid)
{
	char *end;
	unsigned long id = strtoul(v, &end, 0), pcp = 0;
	if (*end == '/')
		pcp = strtoul(end + 1, &end, 0);
	if (*end || id > 4095 || pcp > 7 || s->ntags >= 4)
		die("bad VLAN tag %s", v);
	s->tpid[s->ntags] = tpid;
	s->tci[s->ntags++] = (uint16_t)(pcp << 13 | id);
}

/* Defaults for a packet line. */
static void spec_init(struct spec *s)
{
	static const uint8_t sm[6] = { 2, 0, 0, 0, 0, 1 }, dm[6] = { 2, 0, 0, 0, 0, 2 };
	memset(s, 0, offsetof(struct spec, data));
	memcpy(s->smac, sm, 6);
	memcpy(s->dmac, dm, 6);
	inet_pton(AF_INET, "10.0.0.1", s->src);
	inet_pton(AF_INET, "10.0.0.2", s->dst);
	s->ttl = 64;
	s->sport = 1024;
	s->dport = 80;
	s->seq = 1;
	s->flags = 0x10;
	s->win = 65535;
	s->type = 8;
	s->dlen = 0;
	s->snap = -1;
}

static void set_key(struct spec *s, const char *k, const char *v)
{
	static const struct { const char *k; size_t off; } nums[] = {
#define N(f) { #f, offsetof(struct spec, f) }
		N(etype), N(ttl), N(tos), N(id), N(df), N(mf), N(frag), N(ihl), N(totlen),
		N(tclass), N(flow), N(proto), N(sport), N(dport), N(seq), N(ack), N(flags),
		N(win), N(urg), N(doff), N(ulen), N(type), N(code),
#undef N
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (!strcmp(k, nums[i].k)) {
			*(unsigned *)((char *)s + nums[i].off) = (unsigned)num(v, k);
			return;
		}
	if (!strcmp(k, "hlim"))
		s->ttl = (unsigned)num(v, k);
	else if (!strcmp(k, "t")) {
		s->ts = timestamp(v);
		s->has_ts = 1;
	} else if (!strcmp(k, "smac"))
		mac(v, s->smac);
	else if (!strcmp(k, "dmac"))
		mac(v, s->dmac);
	else if (!strcmp(k, "vlan"))
		tag(s, v, 0x8100);
	else if (!strcmp(k, "svlan"))
		tag(s, v, 0x88a8);
	else if (!strcmp(k, "src"))
		address(s, v, s->src);
	else if (!strcmp(k, "dst"))
		address(s, v, s->dst);
	else if (!strcmp(k, "ext"))
		ext_headers(s, v);
	else if (!strcmp(k, "data"))
		text_payload(s, v);
	else if (!strcmp(k, "hex"))
		hex_payload(s, v);
	else if (!strcmp(k, "plen")) {
		unsigned long n = num(v, k);
		if (s->dlen + n >= MAXFRAME - 200)
			die("payload too long: %s", v);
		for (unsigned long i = 0; i < n; i++)
			s->data[s->dlen++] = (uint8_t)('a' + i % 26);
	} else if (!strcmp(k, "snap"))
		s->snap = (long)num(v, k);
	else
		die("unknown key %s", k);
}

static struct spec cur; /* one packet at a time; large, so not on the stack */
static uint8_t frame[MAXFRAME];

static void emit(struct out *o, struct spec *s)
{
	uint64_t ts = s->has_ts ? s->ts : o->last_ts + 1000000u;
	size_t len = build_frame(o, s, frame);
	size_t cap = len;
	if (s->snap >= 0 && (size_t)s->snap < cap)
		cap = (size_t)s->snap;
	if (cap > o->snaplen)
		cap = o->snaplen;
	write_record(o, ts, frame, len, cap);
	o->last_ts = ts;
}

/* Handles one description line. */
static void line(struct out *o, char *ln)
{
	char *save = NULL;
	char *word = strtok_r(ln, " \t\r\n", &save);
	if (!word || word[0] == '#')
		return;
	if (!strcmp(word, "link") || !strcmp(word, "nsec") || !strcmp(word, "snaplen")) {
		char *arg = strtok_r(NULL, " \t\r\n", &save);
		if (o->header_done)
			die("'%s' must come before the first packet", word);
		if (!strcmp(word, "nsec"))
			o->nsec = 1;
		else if (!arg)
			die("'%s' needs an argument", word);
		else if (!strcmp(word, "snaplen"))
			o->snaplen = (uint32_t)num(arg, word);
		else if (!strcmp(arg, "ether"))
			o->link = LINK_ETHER;
		else if (!strcmp(arg, "raw"))
			o->link = LINK_RAW;
		else if (!strcmp(arg, "ipv4"))
			o->link = LINK_IPV4;
		else if (!strcmp(arg, "ipv6"))
			o->link = LINK_IPV6;
		else if (!strcmp(arg, "null"))
			o->link = LINK_NULL;
		else if (!strcmp(arg, "sll"))
			o->link = LINK_SLL;
		else
			die("unknown link type %s", arg);
		return;
	}
	static const char *kinds[] = { "tcp", "udp", "icmp", "ip", "eth", "frame" };
	size_t k;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (!strcmp(word, kinds[k]))
			break;
	if (k == sizeof kinds / sizeof kinds[0])
		die("unknown packet kind %s", word);
	spec_init(&cur);
	snprintf(cur.kind, sizeof cur.kind, "%s", word);
	char *kv;
	while ((kv = strtok_r(NULL, " \t\r\n", &save))) {
		char *eq = strchr(kv, '=');
		if (!eq)
			die("expected key=value, got %s", kv);
		*eq = 0;
		set_key(&cur, kv, eq + 1);
	}
	emit(o, &cur);
}

static void run_text(struct out *o, const char *text)
{
	char buf[MAXLINE];
	unsigned lineno = 0;
	while (*text) {
		size_t n = strcspn(text, "\n");
		if (n >= sizeof buf)
			die("line too long%s", "");
		memcpy(buf, text, n);
		buf[n] = 0;
		text += n + (text[n] == '\n');
		cur_line = ++lineno;
		line(o, buf);
	}
	cur_line = 0;
}

/* ---- built-in scenarios -------------------------------------------------------
 * The expected answers to queries over these files are worked out by hand in
 * tests/e2e/crafted.sh; change a scenario only together with that test. */

#define TWO_PACKETS                                                              \
	"tcp t=1700000700 src=10.8.8.1 dst=10.8.8.2 sport=1 dport=2 data=v4\n"   \
	"tcp t=1700000701 src=2001:db8::8 dst=2001:db8::9 sport=3 dport=4 data=v6\n"

static const struct scenario {
	const char *name;
	const char *doc;
	const char *text;
} scenarios[] = {
	{ "basic", "five packets: IPv4 TCP and UDP, IPv6 TCP, ICMP echo, IPv4 TCP",
	  "link ether\n"
	  "tcp t=1700000000.000001 smac=00:11:22:33:44:55 dmac=66:77:88:99:aa:bb"
	  " src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=443 seq=1000 ack=0 flags=0x002"
	  " win=64240 ttl=64 id=0x1234 df=1\n"
	  "udp t=1700000000.5 src=10.0.0.3 dst=8.8.8.8 sport=5353 dport=53 data=hello ttl=32 id=7\n"
	  "tcp t=1700000001.25 src=2001:db8::1 dst=2001:db8::2 sport=50000 dport=443"
	  " seq=7 ack=9 flags=0x018 data=abc hlim=60 tclass=0x28 flow=0x12345\n"
	  "icmp t=1700000002 src=192.168.1.1 dst=192.168.1.2 type=8 code=0 id=99 seq=1"
	  " data=pingdata ttl=255\n"
	  "tcp t=1700000003.999999 src=172.16.0.1 dst=172.16.0.2 sport=443 dport=40000"
	  " seq=5000 ack=1001 flags=0x012 win=1000 data=0123456789 tos=0x10\n" },
	{ "vlan", "802.1Q, 802.1ad and double 802.1Q tags, an untagged packet, IPv6 in a VLAN",
	  "link ether\n"
	  "udp t=1700000100 vlan=11/5 src=10.1.1.1 dst=10.1.1.2 sport=1111 dport=53 data=q1\n"
	  "udp t=1700000101 svlan=100 vlan=200 src=10.2.2.1 dst=10.2.2.2 sport=2222 dport=53 data=q2\n"
	  "tcp t=1700000102 vlan=300 vlan=301 src=10.3.3.1 dst=10.3.3.2 sport=3333 dport=80\n"
	  "udp t=1700000103 src=10.4.4.1 dst=10.4.4.2 sport=4444 dport=53 data=q4\n"
	  "tcp t=1700000104 vlan=12 src=2001:db8::a dst=2001:db8::b sport=5555 dport=443\n" },
	{ "ipv6ext", "IPv6 with hop-by-hop+destination options, routing header, a fragment pair, ICMPv6",
	  "link ether\n"
	  "tcp t=1700000200 src=2001:db8::1 dst=2001:db8::2 ext=hop,dst sport=1000 dport=2000"
	  " data=x tclass=0x28 flow=0x12345 hlim=64\n"
	  "udp t=1700000201 src=2001:db8::1 dst=2001:db8::2 ext=rt sport=1001 dport=53 data=yy\n"
	  "udp t=1700000202 src=2001:db8::1 dst=2001:db8::2 ext=frag mf=1 id=0xabcd sport=1002"
	  " dport=53 ulen=40 data=0123456789abcdef\n"
	  "ip t=1700000203 src=2001:db8::1 dst=2001:db8::2 ext=frag frag=24 id=0xabcd proto=17"
	  " data=ZZZZZZZZZZZZZZZZ\n"
	  "icmp t=1700000204 src=fe80::1 dst=ff02::1 type=128 code=0 id=5 seq=6 data=v6ping\n" },
	{ "frag4", "an IPv4 fragment pair: the first carries the UDP ports, the second none",
	  "link ether\n"
	  "udp t=1700000300 src=10.9.9.1 dst=10.9.9.2 id=0x4242 mf=1 sport=7777 dport=53 ulen=32"
	  " data=AAAAAAAAAAAAAAAA\n"
	  "ip t=1700000300.0001 src=10.9.9.1 dst=10.9.9.2 id=0x4242 frag=24 proto=17 data=BBBBBBBB\n" },
	{ "trunc", "snaplen cuts: inside the TCP header, inside the IP header, inside the payload",
	  "link ether\n"
	  "tcp t=1700000400 src=10.5.5.1 dst=10.5.5.2 sport=1234 dport=80 data=0123456789 snap=44\n"
	  "tcp t=1700000401 src=10.5.5.3 dst=10.5.5.4 sport=1235 dport=80 data=0123456789 snap=24\n"
	  "tcp t=1700000402 src=10.5.5.5 dst=10.5.5.6 sport=1236 dport=80 data=0123456789 snap=58\n"
	  "udp t=1700000403 src=10.5.5.7 dst=10.5.5.8 sport=1237 dport=53 data=0123456789\n" },
	{ "badihl", "IPv4 headers with IHL 3, IHL 15, total length 10, and one good UDP packet",
	  "link ether\n"
	  "tcp t=1700000500 src=10.6.6.1 dst=10.6.6.2 ihl=3 sport=1 dport=2\n"
	  "tcp t=1700000501 src=10.6.6.3 dst=10.6.6.4 ihl=15 sport=3 dport=4\n"
	  "udp t=1700000502 src=10.6.6.5 dst=10.6.6.6 sport=5 dport=6\n"
	  "ip t=1700000503 src=10.6.6.7 dst=10.6.6.8 proto=6 totlen=10 hex=0007000800000000\n" },
	{ "empty", "a file header and no packets", "link ether\n" },
	{ "nsec", "nanosecond timestamps",
	  "link ether\nnsec\n"
	  "udp t=1700000600.123456789 src=10.7.7.1 dst=10.7.7.2 sport=1 dport=2\n"
	  "udp t=1700000600.999999999 src=10.7.7.1 dst=10.7.7.2 sport=3 dport=4\n"
	  "udp t=1700000601.000000001 src=10.7.7.1 dst=10.7.7.2 sport=5 dport=6\n" },
	{ "raw", "LINKTYPE_RAW (101): an IPv4 and an IPv6 TCP packet", "link raw\n" TWO_PACKETS },
	{ "null", "DLT_NULL (0): an IPv4 and an IPv6 TCP packet", "link null\n" TWO_PACKETS },
	{ "sll", "Linux cooked (113): an IPv4 and an IPv6 TCP packet", "link sll\n" TWO_PACKETS },
	{ "payloads", "TCP payloads with quotes, backslashes, comment ends, trigraphs, NUL",
	  "link ether\n"
	  "tcp t=1700000800 sport=1 dport=9 data=a\"b\n"
	  "tcp sport=2 dport=9 data=c\\\\d\n"
	  "tcp sport=3 dport=9 data=*/e\n"
	  "tcp sport=4 dport=9 data=f\\ng\n"
	  "tcp sport=5 dport=9 data=?\?/\n"
	  "tcp sport=6 dport=9 data=h\\0i\n"
	  "tcp sport=7 dport=9 data='q'\n"
	  "tcp sport=8 dport=9 data=%s%n\n"
	  "tcp sport=9 dport=9 data=x\"\\\\*/\\n?\?/\\0'%s\n"
	  "tcp sport=10 dport=9 data=\\x7f\\xff\\x01,\\s;\n" },
	/* Aggregation: the expected groups are worked out by hand in
	 * tests/e2e/aggregate.sh.  Frame lengths: UDP over IPv4 on Ethernet is
	 * 42 + plen bytes, TCP 54 + plen. */
	{ "aggbounds", "aggregation: packets on both sides of 10-s and 60-s bucket boundaries",
	  "link ether\n"
	  "# time/10 bucket 170000000 is [1700000000, 1700000010); time/60 bucket\n"
	  "# 28333333 is [1699999980, 1700000040), 28333334 [1700000040, 1700000100)\n"
	  "# 1: first instant of 10-s bucket 170000000, 10.3.0.1, 42 bytes\n"
	  "udp t=1700000000.000000 src=10.3.0.1 dport=53 plen=0\n"
	  "# 2: last microsecond of 170000000, 10.3.0.1, 50 bytes\n"
	  "udp t=1700000009.999999 src=10.3.0.1 dport=53 plen=8\n"
	  "# 3: the same instant, TCP from 10.3.0.2, 60 bytes\n"
	  "tcp t=1700000009.999999 src=10.3.0.2 dport=443 plen=6\n"
	  "# 4: first instant of 170000001, 10.3.0.1, 60 bytes\n"
	  "udp t=1700000010.000000 src=10.3.0.1 dport=53 plen=18\n"
	  "# 5: inside 170000001, TCP from 10.3.0.2, 100 bytes\n"
	  "tcp t=1700000019.5 src=10.3.0.2 dport=443 plen=46\n"
	  "# 6: 170000003 (170000002 stays empty), last microsecond of 60-s\n"
	  "# bucket 28333333, 10.3.0.1, 100 bytes\n"
	  "udp t=1700000039.999999 src=10.3.0.1 dport=53 plen=58\n"
	  "# 7: 170000004, first instant of 60-s bucket 28333334, 10.3.0.1, 42 bytes\n"
	  "udp t=1700000040 src=10.3.0.1 dport=53 plen=0\n" },
	{ "agggap", "aggregation: idle gaps of 82 s and of more than an hour between packets",
	  "link ether\n"
	  "# 1: 10-s bucket 170000010, 10.4.0.1, 42 bytes\n"
	  "udp t=1700000101 src=10.4.0.1 plen=0\n"
	  "# 2: 170000010, 10.4.0.2, 52 bytes\n"
	  "udp t=1700000105 src=10.4.0.2 plen=10\n"
	  "# idle 82 s: buckets 170000011 to 170000017 get no packet\n"
	  "# 3: 170000018, 10.4.0.1, 62 bytes\n"
	  "udp t=1700000187 src=10.4.0.1 plen=20\n"
	  "# idle 8813 s (more than an hour)\n"
	  "# 4: 170000900, 10.4.0.1, 72 bytes\n"
	  "udp t=1700009000.25 src=10.4.0.1 plen=30\n"
	  "# 5: 170000900, 10.4.0.2, 82 bytes\n"
	  "udp t=1700009009.75 src=10.4.0.2 plen=40\n" },
	{ "aggsingle", "aggregation: a single packet",
	  "link ether\n"
	  "# 1: 10-s bucket 170000030, TCP 10.5.0.1 -> port 80, 154 bytes\n"
	  "tcp t=1700000300.5 src=10.5.0.1 dport=80 plen=100\n" },
	{ "aggooo", "aggregation: timestamps going backwards, into an open and into closed buckets",
	  "link ether\n"
	  "# 1: 10-s bucket 170000020, 10.6.0.1, 42 bytes\n"
	  "udp t=1700000200.5 src=10.6.0.1 plen=0\n"
	  "# 2: 170000020, 10.6.0.2, 52 bytes\n"
	  "udp t=1700000201 src=10.6.0.2 plen=10\n"
	  "# 3: back to 170000019, not closed yet (nothing has moved past it), 10.6.0.1, 62 bytes\n"
	  "udp t=1700000199 src=10.6.0.1 plen=20\n"
	  "# 4: 170000021: closes 170000019 and 170000020; 10.6.0.1, 72 bytes\n"
	  "udp t=1700000212 src=10.6.0.1 plen=30\n"
	  "# 5: back to the closed 170000020, 10.6.0.1, 82 bytes\n"
	  "udp t=1700000205 src=10.6.0.1 plen=40\n"
	  "# 6: closed 170000020, 10.6.0.2, 92 bytes\n"
	  "udp t=1700000203 src=10.6.0.2 plen=50\n"
	  "# 7: closed 170000020, 10.6.0.1 again (same late group as 5), 44 bytes\n"
	  "udp t=1700000206 src=10.6.0.1 plen=2\n"
	  "# 8: back to the closed 170000019, 10.6.0.2, 48 bytes\n"
	  "udp t=1700000195 src=10.6.0.2 plen=6\n"
	  "# 9: 170000021, 10.6.0.1, 46 bytes\n"
	  "udp t=1700000215 src=10.6.0.1 plen=4\n"
	  "# 10: 170000022: closes 170000021 and the late groups; 10.6.0.2, 42 bytes\n"
	  "udp t=1700000222 src=10.6.0.2 plen=0\n" },
	{ "aggfirst", "aggregation: a packet back into the first bucket, closed by the first tick",
	  "link ether\n"
	  "# 1: 10-s bucket 170000000, 10.7.0.1, 42 bytes\n"
	  "udp t=1700000009.5 src=10.7.0.1 plen=0\n"
	  "# 2: 170000001; the first tick (second 1700000010) is also the first move\n"
	  "# to a later bucket: closes 170000000; 43 bytes\n"
	  "udp t=1700000010.2 src=10.7.0.1 plen=1\n"
	  "# 3: back to the closed 170000000, 44 bytes\n"
	  "udp t=1700000009.8 src=10.7.0.1 plen=2\n"
	  "# 4: 170000002: closes 170000001 and the late group; 45 bytes\n"
	  "udp t=1700000020.1 src=10.7.0.1 plen=3\n" },
};

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* "demo": count packets of TCP and UDP over IPv4 and IPv6 spread evenly
 * over 180 seconds from 2023-11-14 22:13:20 UTC, on 48 flows, about 40% of
 * them to port 443. */
static void demo(struct out *o, unsigned long count)
{
	enum { NFLOWS = 48 };
	static const unsigned server_ports[] = { 443, 443, 443, 443, 80, 80, 53, 22, 8080, 123 };
	struct { int v6, udp; unsigned cport, sport, ci, si; uint32_t seq[2]; } fl[NFLOWS];
	for (int i = 0; i < NFLOWS; i++) {
		fl[i].v6 = rnd() % 4 == 0;
		fl[i].sport = server_ports[rnd() % 10];
		fl[i].udp = fl[i].sport == 53 || fl[i].sport == 123 ||
		            (fl[i].sport == 443 && rnd() % 5 == 0);
		fl[i].cport = 32768 + rnd() % 28000;
		fl[i].ci = (unsigned)i + 10;
		fl[i].si = rnd() % 8 + 1;
		fl[i].seq[0] = rnd();
		fl[i].seq[1] = rnd();
	}
	const uint64_t start = 1700000000ull * 1000000000u;
	const uint64_t span = 180ull * 1000000000u;
	for (unsigned long n = 0; n < count; n++) {
		int f = (int)(rnd() % NFLOWS), dir = rnd() & 1;
		char a[64], b[64];
		spec_init(&cur);
		snprintf(cur.kind, sizeof cur.kind, "%s", fl[f].udp ? "udp" : "tcp");
		cur.ts = start + span * n / count + (rnd() % 1000) * 1000u;
		cur.ts -= cur.ts % 1000u; /* whole microseconds */
		cur.has_ts = 1;
		if (fl[f].v6) {
			snprintf(a, sizeof a, "2001:db8:1::%x", fl[f].ci);
			snprintf(b, sizeof b, "2001:db8:ffff::%x", fl[f].si);
		} else {
			snprintf(a, sizeof a, "10.0.%u.%u", fl[f].ci / 8, fl[f].ci);
			snprintf(b, sizeof b, "203.0.113.%u", fl[f].si);
		}
		address(&cur, dir ? b : a, cur.src);
		address(&cur, dir ? a : b, cur.dst);
		cur.sport = dir ? fl[f].sport : fl[f].cport;
		cur.dport = dir ? fl[f].cport : fl[f].sport;
		cur.ttl = dir ? 57 : 64;
		cur.id = rnd() & 0xffff;
		cur.df = !fl[f].udp;
		if (fl[f].udp) {
			cur.dlen = 20 + rnd() % 500;
		} else {
			unsigned r = rnd() % 100;
			cur.dlen = r < 40 ? 0 : rnd() % 1400 + 1;
			cur.flags = r < 2 ? 0x002 : r < 4 ? 0x012 : r < 5 ? 0x011 : cur.dlen ? 0x018 : 0x010;
			cur.seq = fl[f].seq[dir];
			cur.ack = fl[f].seq[!dir];
			cur.win = 502 + rnd() % 64000;
			fl[f].seq[dir] += (uint32_t)cur.dlen;
		}
		for (size_t i = 0; i < cur.dlen; i++)
			cur.data[i] = (uint8_t)rnd();
		emit(o, &cur);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mkpcap [-N] [-n COUNT] SCENARIO OUT\n"
	           "       mkpcap [-N] -d DESCRIPTION OUT   (\"-\" reads standard input)\n"
	           "       mkpcap -p SCENARIO               (print its description)\n"
	           "-N: nanosecond timestamps; -n: packets for demo (default 3000)\n"
	           "scenarios:\n  demo      TCP/UDP over IPv4/IPv6 for 3 minutes, many to port 443\n");
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		fprintf(f, "  %-9s %s\n", scenarios[i].name, scenarios[i].doc);
}

static char *slurp(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		die("cannot open %s", path);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			die("out of memory%s", "");
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
	}
	buf[n] = 0;
	if (f != stdin)
		fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct out o = { .link = LINK_ETHER, .snaplen = 262144 };
	const char *desc = NULL;
	unsigned long count = 3000;
	int force_nsec = 0, print = 0, c;
	while ((c = getopt(argc, argv, "Nn:d:ph")) != -1) {
		switch (c) {
		case 'N': force_nsec = 1; break;
		case 'n': count = num(optarg, "-n"); break;
		case 'd': desc = optarg; break;
		case 'p': print = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	const struct scenario *sc = NULL;
	int is_demo = 0;
	if (!desc) {
		if (optind >= argc) {
			usage(stderr);
			return 2;
		}
		const char *name = argv[optind++];
		is_demo = !strcmp(name, "demo");
		for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
			if (!strcmp(name, scenarios[i].name))
				sc = &scenarios[i];
		if (!sc && !is_demo)
			die("unknown scenario %s (mkpcap -h lists them)", name);
		if (print) {
			fputs(sc ? sc->text : "# generated by a program, see demo() in mkpcap.c\n", stdout);
			return 0;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	o.path = argv[optind];
	o.f = fopen(o.path, "wb");
	if (!o.f)
		die("cannot create %s", o.path);
	char *text = desc ? slurp(desc) : NULL;
	if (force_nsec)
		o.nsec = 1;
	if (is_demo)
		demo(&o, count);
	else
		run_text(&o, text ? text : sc->text);
	write_header(&o); /* a file with no packets still has its header */
	free(text);
	if (ferror(o.f) || fclose(o.f) != 0)
		die("error writing %s", o.path);
	return 0;
}
