/*
 * source_file.c: the capture-file packet source (pcap, nanosecond pcap and
 * pcapng, read through libpcap), and cap_close() for every source.
 *
 * Before libpcap sees a file, its first bytes are checked so that the
 * common mistakes get a message that says what to do (a gzip-compressed
 * capture, an empty file, something that is not a capture at all).  Reading
 * delivers every packet decoded, with nanosecond timestamps whatever the
 * file's resolution, and ticks once per second of packet time so that
 * heartbeats flow through idle queries exactly as they would live.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"

#define NS_PER_SEC 1000000000ull
/* A forward jump in packet time longer than this gets one tick, not one
 * per second (captures with bogus timestamps jump by years). */
#define MAX_TICK_GAP_SEC 3600u

struct file_priv {
	pcap_t *pc;
	const char *path;   /* for messages: points into the source's where[] */
	int ticking;        /* a packet has been seen: tick_sec is valid */
	uint64_t tick_sec;  /* the latest second ticked (or first seen) */
};

/* libpcap refuses a pcapng file whose interfaces have different link
 * types: say so in plain words after its own message. */
static void file_error(char *errbuf, const char *path, const char *msg)
{
	const char *hint = "";

	if (strstr(msg, "different from the type of the first interface"))
		hint = " (a pcapng file mixing link types: libpcap reads only files with one;"
		       " split it per interface, e.g. tshark -r F -Y 'frame.interface_id==0' -w F0.pcapng)";
	snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s%s", path, msg, hint);
}

/* Tick every second of packet time from the last one ticked up to the
 * second of ts_ns; a long gap gets a single tick.  Returns the callback's
 * non-zero value to stop. */
static int file_tick(struct file_priv *fp, uint64_t ts_ns, cap_tick_fn tick, void *ctx)
{
	uint64_t sec = ts_ns / NS_PER_SEC;
	int rc;

	if (!fp->ticking) {
		fp->ticking = 1;
		fp->tick_sec = sec;
		return 0;
	}
	if (sec <= fp->tick_sec)
		return 0;
	if (sec - fp->tick_sec > MAX_TICK_GAP_SEC)
		fp->tick_sec = sec - 1;
	while (fp->tick_sec < sec) {
		fp->tick_sec++;
		if (tick && (rc = tick(ctx, fp->tick_sec * NS_PER_SEC)) != 0)
			return rc;
	}
	return 0;
}

static int file_run(struct cap_source *s, cap_packet_fn pkt, cap_tick_fn tick, void *ctx,
                    volatile int *stop, char *errbuf)
{
	struct file_priv *fp = s->priv;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	struct cap_packet p;
	int rc;

	while (!(stop && *stop)) {
		rc = pcap_next_ex(fp->pc, &hdr, &data);
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc == PCAP_ERROR) {
			file_error(errbuf, fp->path, pcap_geterr(fp->pc));
			return -1;
		}
		if (rc != 1)
			continue;
		memset(&p, 0, sizeof p);
		p.data = data;
		p.caplen = hdr->caplen;
		p.len = hdr->len;
		/* opened with nanosecond precision: tv_usec holds nanoseconds */
		p.ts_ns = (uint64_t)hdr->ts.tv_sec * NS_PER_SEC + (uint64_t)hdr->ts.tv_usec;
		p.linktype = s->linktype;
		if (file_tick(fp, p.ts_ns, tick, ctx) != 0)
			return 0;
		s->st.packets_seen++;
		s->st.bytes_seen += p.len;
		if (cap_decode(&p) < 0)
			s->st.packets_malformed++;
		if (pkt && pkt(ctx, &p) != 0)
			return 0;
	}
	return 0;
}

static void file_stats(struct cap_source *s, struct cap_stats *st)
{
	*st = s->st;
	st->os_valid = false;
}

static void file_close(struct cap_source *s)
{
	struct file_priv *fp = s->priv;

	if (fp && fp->pc)
		pcap_close(fp->pc);
	free(fp);
	free(s);
}

static const struct cap_source_ops file_ops = {
	.kind = "file",
	.run = file_run,
	.stats = file_stats,
	.close = file_close,
};

/* Reads the first bytes of path and explains what is wrong with them, if
 * anything.  Returns 0 when they look like pcap or pcapng. */
static int check_magic(const char *path, char *errbuf)
{
	unsigned char m[4];
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(m, 1, sizeof m, f);
	if (n < sizeof m && ferror(f)) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	if (n == 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: empty file, not a capture", path);
		return -1;
	}
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		snprintf(errbuf, CAP_ERRBUF_SIZE,
		         "%s: gzip-compressed capture: gunzip it first", path);
		return -1;
	}
	if (n == sizeof m) {
		uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];

		switch (be) {
		case 0xa1b2c3d4u: /* pcap, microseconds */
		case 0xd4c3b2a1u:
		case 0xa1b23c4du: /* pcap, nanoseconds */
		case 0x4d3cb2a1u:
		case 0x0a0d0d0au: /* pcapng section header block */
			return 0;
		}
	}
	snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: not a pcap or pcapng capture file", path);
	return -1;
}

/* See capture.h.  The source owns the pcap handle; cap_close() frees both. */
struct cap_source *cap_open_file(const char *path, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE];
	struct cap_source *s;
	struct file_priv *fp;
	const char *base;
	pcap_t *pc;
	int dlt;

	errbuf[0] = '\0';
	if (!path || !*path) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "no capture file name given");
		return NULL;
	}
	if (check_magic(path, errbuf) < 0)
		return NULL;
	pe[0] = '\0';
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pe);
	if (!pc) {
		file_error(errbuf, path, pe);
		return NULL;
	}
	dlt = pcap_datalink(pc);
	if (!cap_linktype_supported(dlt)) {
		const char *descr = pcap_datalink_val_to_description(dlt);

		snprintf(errbuf, CAP_ERRBUF_SIZE,
		         "%s: link type %s (%d%s%s) is not supported; gigsh reads Ethernet,"
		         " Linux cooked (SLL, SLL2), BSD loopback and raw IPv4/IPv6 captures",
		         path, cap_linktype_name(dlt), dlt, descr ? ", " : "", descr ? descr : "");
		pcap_close(pc);
		return NULL;
	}
	s = calloc(1, sizeof *s);
	fp = calloc(1, sizeof *fp);
	if (!s || !fp) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: out of memory", path);
		free(s);
		free(fp);
		pcap_close(pc);
		return NULL;
	}
	fp->pc = pc;
	s->ops = &file_ops;
	s->priv = fp;
	s->linktype = dlt;
	base = strrchr(path, '/');
	base = base && base[1] ? base + 1 : path;
	snprintf(s->name, sizeof s->name, "%s", base);
	snprintf(s->where, sizeof s->where, "file:%s", path);
	fp->path = s->where + strlen("file:");
	return s;
}

/* See capture.h.  NULL is allowed. */
void cap_close(struct cap_source *s)
{
	if (s && s->ops && s->ops->close)
		s->ops->close(s);
}
