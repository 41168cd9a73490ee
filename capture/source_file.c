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
 *
 * Classic pcap files (microsecond or nanosecond, either byte order) take a
 * faster path once libpcap has accepted their header: the file is mapped
 * and each record is handed over where it lies, without a copy or a call
 * into libpcap per packet.  Every record header is checked against the
 * bytes left in the file, and the errors are libpcap's, word for word
 * (a record cut short, a capture length over 262144).  pcapng files, and
 * anything that cannot be mapped, go through libpcap.
 *
 * The file is opened once, by name, and read through that descriptor ever
 * after: cap_rewind() starts it over (the map from its first record,
 * libpcap on a fresh duplicate of the descriptor), so that a file opened
 * before gigsh -Z drops root can be read by every query of the session.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"

#define NS_PER_SEC 1000000000ull
/* A forward jump in packet time longer than this gets one tick, not one
 * per second (captures with bogus timestamps jump by years). */
#define MAX_TICK_GAP_SEC 3600u

/* The mapped reader gives back what it has read in steps of this many bytes
 * (a power of two, a multiple of the page size).  Each step unmaps pages
 * and flushes TLBs: 16 MiB steps took 8 % less CPU than 4 MiB ones for Q2
 * over a 291 MB file, for at most 16 MiB of mapped file in resident
 * memory. */
#define MAP_DROP_BYTES (16u << 20)
#define PREFETCH_AHEAD 4096u

/* libpcap's largest capture length (MAXIMUM_SNAPLEN). */
#define PCAP_MAX_CAPLEN 262144u

struct file_priv {
	pcap_t *pc;
	/* the mapped classic pcap file, when the fast path is taken */
	const uint8_t *map;
	size_t map_len;
	size_t off;         /* next record */
	int swap;           /* the file's byte order is not ours */
	int nsec;           /* timestamps in nanoseconds */
	uint32_t snap;      /* the file's snapshot length, as libpcap uses it */
	size_t dropped;     /* the mapping before this offset is given back */
	size_t pf;          /* bytes up to here were prefetched */
	const char *path;   /* for messages: points into the source's where[] */
	int fd;             /* the file, open for the whole life of the source:
	                       rewinds never open it by name again */
	size_t data_off;    /* the first record of the mapped file */
	size_t stop_at;     /* cap_split: stop at the record starting here
	                       (SIZE_MAX: read to the end) */
	enum cap_split_result split; /* how the walk met a split point */
	struct cap_time_order order; /* of the packets read since the start or the split */
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

/* Hand one packet (data, lengths, time and link type set) over: ticks up
 * to its time, counts, decodes, calls pkt.  Non-zero when a callback asks
 * to stop. */
static int deliver(struct cap_source *s, struct file_priv *fp, struct cap_packet *p,
                   cap_packet_fn pkt, cap_tick_fn tick, void *ctx)
{
	if (file_tick(fp, p->ts_ns, tick, ctx) != 0)
		return 1;
	s->st.packets_seen++;
	s->st.bytes_seen += p->len;
	if (cap_decode(p) < 0 && !p->cut)
		s->st.packets_malformed++;
	if (p->cut)
		s->st.packets_truncated++;
	return pkt && pkt(ctx, p) != 0;
}

static uint32_t rd32(const uint8_t *p, int swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* The fast path: records read in place from the mapped file. */
static int map_run(struct cap_source *s, cap_packet_fn pkt, cap_tick_fn tick, void *ctx,
                   volatile int *stop, char *errbuf)
{
	struct file_priv *fp = s->priv;
	struct cap_packet p;
	char msg[200];

	while (!(stop && *stop)) {
		if (fp->off >= fp->stop_at) {
			if (fp->off == fp->stop_at) {
				fp->split = CAP_SPLIT_MET;
				return 0;
			}
			/* the walk stepped over the split point, which was no
			 * record after all: read on to the end */
			fp->split = CAP_SPLIT_MISSED;
			fp->stop_at = SIZE_MAX;
		}
		size_t left = fp->map_len - fp->off;
		if (left == 0)
			return 0;
		if (left < 16) {
			snprintf(msg, sizeof msg, "truncated dump file; tried to read 16 header bytes, "
			         "only got %zu", left);
			file_error(errbuf, fp->path, msg);
			return -1;
		}
		const uint8_t *h = fp->map + fp->off;
		uint32_t sec = rd32(h, fp->swap), frac = rd32(h + 4, fp->swap);
		uint32_t caplen = rd32(h + 8, fp->swap), len = rd32(h + 12, fp->swap);
		left -= 16;
		/* libpcap's messages: a length over the maximum is compared with
		 * the snapshot length first; a record longer than the snapshot
		 * length has its first snap bytes read before the rest. */
		if (caplen > PCAP_MAX_CAPLEN) {
			if (caplen > fp->snap)
				snprintf(msg, sizeof msg, "invalid packet capture length %u, bigger "
				         "than snaplen of %u", caplen, fp->snap);
			else
				snprintf(msg, sizeof msg, "invalid packet capture length %u, bigger "
				         "than maximum of %u", caplen, PCAP_MAX_CAPLEN);
			file_error(errbuf, fp->path, msg);
			return -1;
		}
		if (caplen > left) {
			snprintf(msg, sizeof msg, "truncated dump file; tried to read %u captured bytes, "
			         "only got %zu", caplen > fp->snap && left < fp->snap ? fp->snap : caplen,
			         left);
			file_error(errbuf, fp->path, msg);
			return -1;
		}
		memset(&p, 0, sizeof p);
		p.data = h + 16;
		/* libpcap hands over no more than the snapshot length */
		p.caplen = caplen > fp->snap ? fp->snap : caplen;
		p.len = len;
		/* as libpcap reads them: seconds unsigned (see file_run), the
		 * fraction a signed 32-bit number (only a damaged file has one
		 * of 2^31 or more) */
		p.ts_ns = (uint64_t)sec * NS_PER_SEC +
		          (uint64_t)((int64_t)(int32_t)frac * (fp->nsec ? 1 : 1000));
		p.linktype = s->linktype;
		if (!fp->order.any) {
			fp->order.any = true;
			fp->order.first_ns = p.ts_ns;
		} else if (p.ts_ns < fp->order.last_ns) {
			fp->order.backwards = true;
		}
		fp->order.last_ns = p.ts_ns;
		fp->off += 16 + (size_t)caplen;
		/* fetch the next record's header while this packet is worked on */
		if (fp->off + 128 <= fp->map_len) {
			__builtin_prefetch(fp->map + fp->off);
			__builtin_prefetch(fp->map + fp->off + 64);
		}
		/* and stream the file into the cache a page ahead of the cursor:
		 * each record header depends on the one before, so without this
		 * the walk waits on memory at every record (perf: three quarters
		 * of the reader's time on the header load; with it, 15 % less
		 * CPU for Q2 on both benchmark files) */
		size_t want = fp->off + PREFETCH_AHEAD;
		if (want > fp->map_len)
			want = fp->map_len;
		if (fp->pf < fp->off)
			fp->pf = fp->off;
		for (; fp->pf < want; fp->pf += 64)
			__builtin_prefetch(fp->map + fp->pf);
		if (deliver(s, fp, &p, pkt, tick, ctx) != 0)
			return 0;
		/* Give back the pages already read, so that resident memory stays
		 * small however large the file (the packets behind the cursor are
		 * done with: the LFTA copies what it keeps). */
		if (fp->off - fp->dropped >= MAP_DROP_BYTES) {
			size_t end = fp->off & ~(size_t)(MAP_DROP_BYTES - 1);
			if (end > fp->dropped) {
				madvise((void *)(fp->map + fp->dropped), end - fp->dropped, MADV_DONTNEED);
				fp->dropped = end;
			}
		}
	}
	return 0;
}

/* Map the classic pcap file open on fd, whose header libpcap accepted.
 * Returns 0, or -1 when the file keeps the libpcap path (pcapng, or no
 * mapping).  fd stays open either way. */
static int map_classic(struct file_priv *fp, int fd)
{
	struct stat st;
	uint8_t hdr[24];
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 24 ||
	    pread(fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr)
		return -1;
	uint32_t magic;
	memcpy(&magic, hdr, 4);
	switch (magic) {
	case 0xa1b2c3d4: fp->swap = 0; fp->nsec = 0; break;
	case 0xd4c3b2a1: fp->swap = 1; fp->nsec = 0; break;
	case 0xa1b23c4d: fp->swap = 0; fp->nsec = 1; break;
	case 0x4d3cb2a1: fp->swap = 1; fp->nsec = 1; break;
	default:
		return -1;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	fp->map = m;
	fp->map_len = (size_t)st.st_size;
	fp->off = 24;
	fp->data_off = 24;
	fp->stop_at = SIZE_MAX;
	fp->snap = rd32(hdr + 16, fp->swap);
	uint16_t vmaj, vmin;
	memcpy(&vmaj, hdr + 4, 2);
	memcpy(&vmin, hdr + 6, 2);
	if (fp->swap) {
		vmaj = __builtin_bswap16(vmaj);
		vmin = __builtin_bswap16(vmin);
	}
	if (vmaj != 2 || vmin != 4) {
		/* older versions swap caplen and len, others differ again: libpcap
		 * knows them all (the fuzzer found both) */
		munmap(m, (size_t)st.st_size);
		fp->map = NULL;
		return -1;
	}
	/* libpcap keeps any snapshot length from 1 to INT_MAX, even one over
	 * its maximum capture length */
	if (fp->snap == 0 || fp->snap > INT32_MAX)
		fp->snap = PCAP_MAX_CAPLEN;
	return 0;
}

static int file_run(struct cap_source *s, cap_packet_fn pkt, cap_tick_fn tick, void *ctx,
                    volatile int *stop, char *errbuf)
{
	struct file_priv *fp = s->priv;
	if (fp->map)
		return map_run(s, pkt, tick, ctx, stop, errbuf);
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
		/* A classic pcap file holds the seconds as 32 unsigned bits, which
		 * libpcap sign-extends: a time after 2038 comes back negative.
		 * The fraction may be negative too in a damaged file; either way
		 * the sum is taken modulo 2^64, as the mapped reader takes it. */
		uint64_t sec = hdr->ts.tv_sec < 0 ? (uint64_t)(uint32_t)hdr->ts.tv_sec
		                                   : (uint64_t)hdr->ts.tv_sec;
		p.ts_ns = sec * NS_PER_SEC + (uint64_t)hdr->ts.tv_usec;
		p.linktype = s->linktype;
		if (deliver(s, fp, &p, pkt, tick, ctx) != 0)
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
	if (fp && fp->map)
		munmap((void *)fp->map, fp->map_len);
	if (fp && fp->fd >= 0)
		close(fp->fd);
	free(fp);
	free(s);
}

/* A libpcap reader over the file open on fd, from its first byte.  libpcap
 * gets a duplicate of fd (pcap_close closes that one), so the source keeps
 * its own descriptor and can start over without opening the file by name:
 * after gigsh -Z has dropped root, the file may no longer be readable by
 * name at all. */
static pcap_t *pcap_on_fd(int fd, char *pe)
{
	if (lseek(fd, 0, SEEK_SET) < 0) {
		snprintf(pe, PCAP_ERRBUF_SIZE, "cannot seek: %s", strerror(errno));
		return NULL;
	}
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (d < 0) {
		snprintf(pe, PCAP_ERRBUF_SIZE, "dup: %s", strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(d, "rb");
	if (!f) {
		snprintf(pe, PCAP_ERRBUF_SIZE, "fdopen: %s", strerror(errno));
		close(d);
		return NULL;
	}
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, pe);
	if (!pc)
		fclose(f); /* libpcap closes f only once it has taken it */
	return pc;
}

/* Back to the first record, counters at zero. */
static int file_rewind(struct cap_source *s, char *errbuf)
{
	struct file_priv *fp = s->priv;

	memset(&s->st, 0, sizeof s->st);
	fp->ticking = 0;
	fp->tick_sec = 0;
	if (fp->map) {
		/* the pages given back are read from the file again on access */
		fp->off = fp->data_off;
		fp->pf = fp->data_off;
		fp->dropped = 0;
		fp->stop_at = SIZE_MAX;
		fp->split = CAP_SPLIT_NONE;
		memset(&fp->order, 0, sizeof fp->order);
		return 0;
	}
	char pe[PCAP_ERRBUF_SIZE] = "";
	if (fp->pc)
		pcap_close(fp->pc);
	fp->pc = pcap_on_fd(fp->fd, pe);
	if (!fp->pc) {
		file_error(errbuf, fp->path, pe[0] ? pe : "cannot read the file again");
		return -1;
	}
	return 0;
}

static const struct cap_source_ops file_ops = {
	.kind = "file",
	.run = file_run,
	.stats = file_stats,
	.rewind = file_rewind,
	.close = file_close,
};

/* Reads the first bytes of the file open on fd and explains what is wrong
 * with them, if anything.  Returns 0 when they look like pcap or pcapng. */
static int check_magic(int fd, const char *path, char *errbuf)
{
	unsigned char m[4];
	ssize_t n;

	do
		n = pread(fd, m, sizeof m, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == ESPIPE) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: not a regular file: save the capture to a "
		         "file first", path);
		return -1;
	}
	if (n < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (n == 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: empty file, not a capture", path);
		return -1;
	}
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		snprintf(errbuf, CAP_ERRBUF_SIZE,
		         "%s: gzip-compressed capture: gunzip it first", path);
		return -1;
	}
	if (n == (ssize_t)sizeof m) {
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

/* See capture.h.  The source owns the file's descriptor and the pcap
 * handle; cap_close() frees them. */
struct cap_source *cap_open_file(const char *path, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE];
	struct cap_source *s;
	struct file_priv *fp;
	const char *base;
	pcap_t *pc;
	int dlt, fd;

	errbuf[0] = '\0';
	if (!path || !*path) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "no capture file name given");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (check_magic(fd, path, errbuf) < 0) {
		close(fd);
		return NULL;
	}
	pe[0] = '\0';
	pc = pcap_on_fd(fd, pe);
	if (!pc) {
		file_error(errbuf, path, pe);
		close(fd);
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
		close(fd);
		return NULL;
	}
	s = calloc(1, sizeof *s);
	fp = calloc(1, sizeof *fp);
	if (!s || !fp) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: out of memory", path);
		free(s);
		free(fp);
		pcap_close(pc);
		close(fd);
		return NULL;
	}
	fp->pc = pc;
	fp->fd = fd;
	if (getenv("GIGSH_NO_MMAP") == NULL && map_classic(fp, fd) == 0) {
		pcap_close(pc); /* it checked the header; the map does the rest */
		fp->pc = NULL;
	}
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

/* See capture.h. */
struct cap_source *cap_twin(const struct cap_source *s, char *errbuf)
{
	errbuf[0] = '\0';
	if (!s || s->ops != &file_ops)
		return NULL;
	const struct file_priv *orig = s->priv;
	if (!orig->map)
		return NULL;
	struct cap_source *t = calloc(1, sizeof *t);
	struct file_priv *fp = calloc(1, sizeof *fp);
	int fd = fcntl(orig->fd, F_DUPFD_CLOEXEC, 0);
	if (!t || !fp || fd < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s", orig->path,
		         fd < 0 ? strerror(errno) : "out of memory");
		goto fail;
	}
	fp->fd = fd;
	if (map_classic(fp, fd) < 0) {
		/* the file changed under us: the caller reads it once */
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: cannot map the file a second time", orig->path);
		goto fail;
	}
	t->ops = &file_ops;
	t->priv = fp;
	t->linktype = s->linktype;
	memcpy(t->name, s->name, sizeof t->name);
	memcpy(t->where, s->where, sizeof t->where);
	fp->path = t->where + strlen("file:");
	return t;
fail:
	if (fd >= 0)
		close(fd);
	free(fp);
	free(t);
	return NULL;
}

/* Records in a row that must look right at a split point. */
#define SPLIT_CHAIN 16
/* How far past the middle a split point is looked for: four of the
 * longest records libpcap reads, so that a real boundary is always crossed,
 * while a search that finds nothing (records that do not look right) costs
 * a few milliseconds at most. */
#define SPLIT_SEARCH (4u * (16u + PCAP_MAX_CAPLEN))
/* Record times near the middle of a file lie between a day before its
 * first record's and thirty years after (the benchmark's mix.pcap, made of
 * several captures, spans five years). */
#define SPLIT_BEFORE_SEC 86400u
#define SPLIT_AFTER_SEC (30u * 366u * 86400u)

/* Could a record start at o?  Then SPLIT_CHAIN records follow one another
 * from there (or fewer, ending exactly at the end of the file), each with
 * its seconds from a day before those of the first record (sec0) to thirty
 * years after, a fraction of a second below one second, a wire length of
 * at least one byte and a capture length no longer than the wire length
 * or libpcap's maximum.  (Random bytes pass the fraction test once in
 * 4,000 and the lengths once in 30,000: sixteen records in a row,
 * practically never; zeros fail the wire length.  Even so a wrong guess
 * costs only speed: see cap_split_result.) */
static bool looks_like_records(const struct file_priv *fp, size_t o, uint32_t sec0)
{
	uint32_t frac_max = fp->nsec ? 1000000000u : 1000000u;
	uint32_t lo = sec0 > SPLIT_BEFORE_SEC ? sec0 - SPLIT_BEFORE_SEC : 0;
	for (int k = 0; k < SPLIT_CHAIN; k++) {
		if (o == fp->map_len)
			return k > 0;
		if (fp->map_len - o < 16)
			return false;
		const uint8_t *h = fp->map + o;
		uint32_t sec = rd32(h, fp->swap), frac = rd32(h + 4, fp->swap),
		         caplen = rd32(h + 8, fp->swap), len = rd32(h + 12, fp->swap);
		if (sec - lo > SPLIT_BEFORE_SEC + SPLIT_AFTER_SEC || frac >= frac_max || len == 0 ||
		    caplen > len || caplen > PCAP_MAX_CAPLEN || fp->map_len - o - 16 < caplen)
			return false;
		o += 16 + (size_t)caplen;
	}
	return true;
}

/* See capture.h. */
bool cap_split(struct cap_source *s, struct cap_source *twin)
{
	if (!s || !twin || s->ops != &file_ops || twin->ops != &file_ops)
		return false;
	struct file_priv *fp = s->priv, *tp = twin->priv;
	if (!fp->map || !tp->map || fp->off != fp->data_off || fp->map_len != tp->map_len ||
	    fp->map_len - fp->data_off < 2 * 16)
		return false;
	uint32_t sec0 = rd32(fp->map + fp->data_off, fp->swap);
	size_t from = fp->data_off + (fp->map_len - fp->data_off) / 2;
	size_t to = fp->map_len - from > SPLIT_SEARCH ? from + SPLIT_SEARCH : fp->map_len;
	for (size_t o = from; o < to; o++)
		if (looks_like_records(fp, o, sec0)) {
			fp->stop_at = o;
			fp->split = CAP_SPLIT_PENDING;
			tp->off = tp->pf = o;
			tp->dropped = o & ~(size_t)(MAP_DROP_BYTES - 1);
			tp->stop_at = SIZE_MAX;
			/* MADV_SEQUENTIAL read-ahead starts at the first access */
			return true;
		}
	return false;
}

/* See capture.h. */
uint64_t cap_file_bytes(const struct cap_source *s)
{
	if (!s || s->ops != &file_ops)
		return 0;
	const struct file_priv *fp = s->priv;
	struct stat st;
	if (fp->map)
		return fp->map_len;
	return fstat(fp->fd, &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size : 0;
}

/* See capture.h. */
void cap_time_order(const struct cap_source *s, struct cap_time_order *o)
{
	memset(o, 0, sizeof *o);
	if (s && s->ops == &file_ops)
		*o = ((const struct file_priv *)s->priv)->order;
}

/* See capture.h. */
int cap_tick_to(struct cap_source *s, uint64_t ts_ns, cap_tick_fn tick, void *ctx)
{
	if (!s || s->ops != &file_ops)
		return 0;
	return file_tick(s->priv, ts_ns, tick, ctx);
}

/* See capture.h. */
bool cap_split_resume(struct cap_source *s)
{
	if (!s || s->ops != &file_ops)
		return false;
	struct file_priv *fp = s->priv;
	if (fp->split != CAP_SPLIT_MET)
		return false;
	fp->split = CAP_SPLIT_RESUMED;
	fp->stop_at = SIZE_MAX;
	return true;
}

/* See capture.h. */
enum cap_split_result cap_split_result(const struct cap_source *s)
{
	if (!s || s->ops != &file_ops)
		return CAP_SPLIT_NONE;
	const struct file_priv *fp = s->priv;
	return fp->split;
}

/* See capture.h. */
int cap_rewind(struct cap_source *s, char *errbuf)
{
	errbuf[0] = '\0';
	return s->ops->rewind(s, errbuf);
}

/* See capture.h.  NULL is allowed. */
void cap_close(struct cap_source *s)
{
	if (s && s->ops && s->ops->close)
		s->ops->close(s);
}
