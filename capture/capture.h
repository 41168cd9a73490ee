/*
 * capture.h: packet sources, the packet schema, and the host run-time system
 * that feeds packets to LFTA modules.
 *
 * Owns: reading capture files and live interfaces (behind one method table),
 * decoding link/network/transport headers, the declaration of every protocol
 * field (capture/schema.def, from which the catalog, \schema and the accessor
 * table all come), and the per-source statistics.
 * Never: parses GSQL, plans queries, prints results, or calls exit().
 * Errors: functions fill a caller-provided errbuf of CAP_ERRBUF_SIZE bytes
 * and return NULL or a negative number.
 */
#ifndef GIGSH_CAPTURE_H
#define GIGSH_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gs_value.h"
#include "packet.h"

#define CAP_ERRBUF_SIZE 512

/* ---- decoding ---------------------------------------------------------- */

/* Walk the headers of p (data, caplen, len, linktype set) and fill the
 * decoded part.  Never reads outside [data, data+caplen).  Returns 0 when at
 * least the link layer was understood, -1 when the packet is malformed or
 * truncated before a network header (it still counts as a packet: ETH-level
 * fields such as time and len remain valid).  p->cut is set, whatever the
 * result, when the capture ends inside a link, network or fixed transport
 * header that the packet has on the wire. */
int cap_decode(struct cap_packet *p);

/* True if gigsh can decode this libpcap DLT. */
bool cap_linktype_supported(int dlt);
const char *cap_linktype_name(int dlt);

/* ---- the packet schema (catalog) ---------------------------------------- */

/* Protocols a query can read FROM.  Each sees its own fields and those of
 * the layers under it (see cap_proto_sees). */
enum cap_proto {
	CAP_P_ETH = 0,
	CAP_P_IPV4,
	CAP_P_IPV6,
	CAP_P_DATA, /* DataProtocol: the part TCP and UDP share */
	CAP_P_TCP,
	CAP_P_UDP,
	CAP_P_ICMP,
	CAP_NPROTOS
};

/* Generic accessor: 1 and *out set when the packet has the field, 0 when
 * it does not (wrong protocol, non-first fragment, bytes not captured). */
typedef int (*cap_getter)(const struct cap_packet *p, gs_value *out);

struct cap_field {
	const char *name;         /* GSQL name, e.g. "destPort" */
	enum cap_proto proto;     /* the protocol that declares it */
	enum gs_type type;
	enum gs_temporal temporal;
	const char *accessor;     /* C name of the inline accessor in accessors.h */
	cap_getter get;           /* the same accessor, callable from the host */
	const char *doc;          /* one line for \schema and docs */
};

struct cap_proto_info {
	const char *name;         /* "TCP" */
	const char *member;       /* C name of the membership test in accessors.h */
	int (*is_member)(const struct cap_packet *p);
	const char *doc;
};

const struct cap_proto_info *cap_proto_info(enum cap_proto p);
/* Case-insensitive lookup; -1 when unknown. */
int cap_proto_lookup(const char *name);
/* True if a query FROM `from` may reference fields declared by `decl`. */
bool cap_proto_sees(enum cap_proto from, enum cap_proto decl);

size_t cap_nfields(void);
const struct cap_field *cap_field_at(size_t i);
/* Field visible from protocol `from` by name (exact, then case-insensitive;
 * aliases such as source_port resolve to their field).  Returns the index
 * or -1. */
int cap_field_lookup(enum cap_proto from, const char *name);

/* A hash of the schema (names, types, accessors, struct layout).  Generated
 * modules carry it; the loader refuses a module built for another schema. */
uint64_t cap_schema_hash(void);

/* ---- sources ------------------------------------------------------------ */

struct cap_source;

/* Statistics of one source.  kernel/interface counts are what the OS
 * reports (pcap_stats); *_valid is false where it reports nothing. */
struct cap_stats {
	uint64_t packets_seen;      /* packets handed to the run-time system */
	uint64_t packets_malformed; /* cap_decode() said malformed, and not cut */
	uint64_t bytes_seen;
	uint64_t os_received;       /* ps_recv */
	uint64_t os_dropped;        /* ps_drop: dropped by kernel */
	uint64_t os_ifdropped;      /* dropped by interface: sysfs rx_dropped +
	                               rx_missed_errors + rx_fifo_errors since the
	                               open where there, else ps_ifdrop */
	bool os_valid;
	uint64_t packets_truncated; /* headers cut by the snap length (packet.cut) */
};

/* A counter the OS reports in 32 bits (pcap_stat's u_int fields), widened
 * to 64: feed it every reading, at least once per wrap (live sources read
 * their counters each second).  The first reading counts from zero. */
struct cap_counter64 {
	uint64_t total;
	uint32_t last;
};
static inline uint64_t cap_counter64_update(struct cap_counter64 *c, uint32_t now)
{
	c->total += (uint32_t)(now - c->last);
	c->last = now;
	return c->total;
}

/* Called for every packet (already decoded).  Return 0 to go on, non-zero
 * to stop reading. */
typedef int (*cap_packet_fn)(void *ctx, const struct cap_packet *p);
/* Called about once a second of packet time (files) or wall time (live),
 * also when no packet arrives.  ts_ns is the current time. */
typedef int (*cap_tick_fn)(void *ctx, uint64_t ts_ns);

struct cap_source_ops {
	const char *kind; /* "file", "pcap" */
	/* Deliver packets until end of input, error, *stop becomes non-zero, or
	 * a callback asks to stop.  Returns 0 at end of input or on stop, -1 on
	 * a read error (errbuf says why; packets delivered before it count). */
	int (*run)(struct cap_source *s, cap_packet_fn pkt, cap_tick_fn tick,
	           void *ctx, volatile int *stop, char *errbuf);
	void (*stats)(struct cap_source *s, struct cap_stats *st);
	/* Make the next run start afresh: see cap_rewind. */
	int (*rewind)(struct cap_source *s, char *errbuf);
	void (*close)(struct cap_source *s);
};

struct cap_source {
	const struct cap_source_ops *ops;
	char name[64];   /* "eth0", or the file's base name */
	char where[300]; /* "pcap:eth0", "file:trace.pcap" (for \explain) */
	int linktype;
	struct cap_stats st;
	void *priv;
};

/* Open a capture file (pcap, nanosecond pcap, pcapng).  A gzip file, a
 * file with an unknown format, or an unsupported link type gets a clear
 * message in errbuf. */
struct cap_source *cap_open_file(const char *path, char *errbuf);
/* Open a live interface with libpcap: promiscuous, snaplen 262144,
 * non-blocking, polled so that *stop and ticks work while idle.  bpf may be
 * NULL; when set it is compiled and installed as the capture filter.
 * buffer_bytes sets the kernel ring (libpcap's TPACKET_V3 ring on Linux;
 * tcpdump -B), 0 for libpcap's default. */
struct cap_source *cap_open_live(const char *iface, const char *bpf, size_t buffer_bytes,
                                 char *errbuf);
/* Make s ready for another run, with its counters at zero: a file is read
 * again from its first packet (through the descriptor opened by
 * cap_open_file, never by name); a live source delivers only the packets
 * that arrive from now on (those the kernel kept while no run was reading
 * are dropped, uncounted) and reports OS counts from now on.  Returns 0, or
 * -1 with errbuf set. */
int cap_rewind(struct cap_source *s, char *errbuf);
/* A second, independent reader of the same capture file as s, which a
 * second thread may run at the same time as s: its own mapping and
 * cursor over the descriptor s holds (so it works after privileges were
 * dropped), starting at the first packet, with its own counters.  Only a
 * file that takes the mapped path has one: NULL otherwise (a live source,
 * a pcapng file, or no memory), with errbuf set when something failed.
 * cap_close() it before s. */
struct cap_source *cap_twin(const struct cap_source *s, char *errbuf);
/* Share the reading of a mapped capture file between s, not yet read since
 * it was opened or rewound, and its twin: a record boundary near the middle
 * of the file is guessed (a chain of records that look right must start
 * there); s will stop at it and the twin starts there.  false when there is
 * no twin of the right kind or no boundary was found (then nothing
 * changed).  The guess is checked by s's own walk: cap_split_result(s)
 * after s's run says how it went.  Unless s stopped exactly there
 * (CAP_SPLIT_MET), s read as if it had never been split (on to the end, an
 * error or a stop) and whatever the twin read must be thrown away.
 * cap_rewind undoes the split. */
bool cap_split(struct cap_source *s, struct cap_source *twin);
enum cap_split_result {
	CAP_SPLIT_NONE,     /* s was not split */
	CAP_SPLIT_PENDING,  /* s stopped (an error or a stop) before the split point */
	CAP_SPLIT_MET,      /* s stopped at the split point: the twin reads on from there */
	CAP_SPLIT_MISSED,   /* no record started at the guess: s read on past it */
	CAP_SPLIT_RESUMED   /* s stopped there, then was told to read on (cap_split_resume) */
};
enum cap_split_result cap_split_result(const struct cap_source *s);
/* After s stopped at its split point (CAP_SPLIT_MET): the next run of s
 * reads on from there to the end, as if it had never been split, and the
 * twin's reading is not wanted.  false (nothing changed) in any other state. */
bool cap_split_resume(struct cap_source *s);
/* The ticks a file source s would give before a packet of time ts_ns, had
 * it one more (every second of packet time since the last tick, or one
 * tick after a long gap), given to tick(ctx, ...).  For the first half of
 * a split file, at the split point: the ticks one reader would give before
 * the second half's first packet.  Returns the callback's non-zero value. */
int cap_tick_to(struct cap_source *s, uint64_t ts_ns, cap_tick_fn tick, void *ctx);
/* The order of the packet times a mapped file source has read since it was
 * opened, rewound or (a twin) placed at its split point. */
struct cap_time_order {
	bool any;                   /* a packet was read */
	bool backwards;             /* some packet's time was before the one before it */
	uint64_t first_ns, last_ns; /* the first and the latest packet's times */
};
void cap_time_order(const struct cap_source *s, struct cap_time_order *o);
/* The size in bytes of the file a capture file source reads; 0 for a live
 * source. */
uint64_t cap_file_bytes(const struct cap_source *s);
void cap_close(struct cap_source *s);

#endif
