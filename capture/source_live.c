/*
 * source_live.c: the live-interface packet source, through libpcap.
 *
 * The handle is opened promiscuous, with a 256 KiB snaplen, a 100 ms buffer
 * timeout and nanosecond timestamps where the platform has them, then put in
 * non-blocking mode.  run() polls the handle's file descriptor with a short
 * timeout and drains what is there with pcap_dispatch(), so it notices the
 * caller's stop flag within a poll period, and it ticks about once a second
 * of wall-clock time even when no packet arrives.  activate() failures
 * become the messages users know from tcpdump.  A handle may serve several
 * runs (gigsh -Z opens it once, as root): cap_rewind() makes the next run
 * see only what arrives after it, with OS counts from then on.  The
 * kernel's counters are widened to 64 bits at each reading (once a second);
 * interface drops come from sysfs where it has the interface (see if_drops).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "capture.h"

#define NS_PER_SEC 1000000000ull
#define LIVE_SNAPLEN 262144
#define LIVE_TIMEOUT_MS 100      /* kernel buffer timeout */
#define LIVE_POLL_MS 100         /* longest wait before *stop is looked at */
/* Ticks carry the wall-clock time minus this lag: a packet may wait in the
 * kernel's buffer up to LIVE_TIMEOUT_MS before we see it, and a heartbeat
 * must not claim a time that a later packet still predates. */
#define LIVE_TICK_LAG_NS 500000000ull
/* After a rewind, packets stamped before it are skipped for this long. */
#define LIVE_REWIND_SKIP_NS 2000000000ull
/* A rewind drains at most this many batches the kernel already holds. */
#define LIVE_REWIND_DRAIN 10000

struct live_priv {
	pcap_t *pc;
	int fd;
	int nano;                /* timestamps are in nanoseconds */
	/* run() state, read by the dispatch callback */
	struct cap_source *s;
	cap_packet_fn pkt;
	void *ctx;
	volatile int *stop;
	int quit;                /* the packet callback asked to stop */
	uint64_t since_ns;       /* after a rewind: packets stamped earlier are skipped */
	/* pcap_stats() counts in 32 bits: widened each time it is read; the
	 * totals at the last rewind are subtracted */
	struct cap_counter64 recv, drop, ifdrop;
	uint64_t base_recv, base_drop, base_ifdrop;
	/* interface drops from sysfs (if_drops) when it has them */
	bool sysfs_drops;
	uint64_t ifdrop_base, ifdrop_last;
	char iface[64];
};

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* True for a short while after a rewind (the kernel hands a block of
 * packets over at most LIVE_TIMEOUT_MS after its first one arrived).
 * Bounded so that a wall clock set back cannot hide packets for long. */
static int skipping(const struct live_priv *lp)
{
	uint64_t now = wall_ns();

	return now >= lp->since_ns && now - lp->since_ns < LIVE_REWIND_SKIP_NS;
}

static void live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct live_priv *lp = (struct live_priv *)(void *)user;
	struct cap_source *s = lp->s;
	struct cap_packet p;

	if (lp->quit)
		return;
	memset(&p, 0, sizeof p);
	p.data = bytes;
	p.caplen = h->caplen;
	p.len = h->len;
	p.ts_ns = (uint64_t)h->ts.tv_sec * NS_PER_SEC +
	          (uint64_t)h->ts.tv_usec * (lp->nano ? 1u : 1000u);
	p.linktype = s->linktype;
	if (p.ts_ns < lp->since_ns && skipping(lp))
		return; /* waited in the kernel since before the rewind */
	s->st.packets_seen++;
	s->st.bytes_seen += p.len;
	if (cap_decode(&p) < 0 && !p.cut)
		s->st.packets_malformed++;
	if (p.cut)
		s->st.packets_truncated++;
	if (lp->pkt && lp->pkt(lp->ctx, &p) != 0) {
		lp->quit = 1;
		pcap_breakloop(lp->pc);
	} else if (lp->stop && *lp->stop) {
		pcap_breakloop(lp->pc);
	}
}

static int live_run(struct cap_source *s, cap_packet_fn pkt, cap_tick_fn tick, void *ctx,
                    volatile int *stop, char *errbuf)
{
	struct live_priv *lp = s->priv;
	uint64_t now, sec, last_sec, last_tick = 0;
	struct pollfd pfd;
	int n;

	lp->s = s;
	lp->pkt = pkt;
	lp->ctx = ctx;
	lp->stop = stop;
	lp->quit = 0;
	last_sec = wall_ns() / NS_PER_SEC;
	while (!(stop && *stop)) {
		pfd.fd = lp->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, LIVE_POLL_MS);
		if (n < 0 && errno != EINTR) {
			snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: poll: %s", s->name, strerror(errno));
			return -1;
		}
		if (stop && *stop)
			break;
		if (n > 0) {
			n = pcap_dispatch(lp->pc, -1, live_packet, (u_char *)lp);
			if (n == PCAP_ERROR) {
				snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s", s->name,
				         pcap_geterr(lp->pc));
				return -1;
			}
			if (lp->quit)
				return 0;
		}
		now = wall_ns();
		sec = now / NS_PER_SEC;
		if (sec != last_sec) {
			last_sec = sec;
			now -= LIVE_TICK_LAG_NS;
			if (now > last_tick) {
				last_tick = now;
				if (tick && tick(ctx, now) != 0)
					return 0;
			}
		}
	}
	return 0;
}

/* One counter of /sys/class/net/IFACE/statistics; false when it is not
 * there. */
static bool sysfs_counter(const char *iface, const char *name, uint64_t *v)
{
	char path[160];
	unsigned long long n;
	FILE *f;
	bool ok;

	snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", iface, name);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fscanf(f, "%llu", &n) == 1;
	fclose(f);
	if (ok)
		*v = n;
	return ok;
}

/* The packets the interface dropped on receive, as the kernel keeps them
 * (64 bits): rx_dropped + rx_missed_errors + rx_fifo_errors.  libpcap's
 * ps_ifdrop adds only the last two, in 32 bits; rx_dropped is where a
 * virtual interface (veth) or the stack's backlog counts its drops.  False
 * where sysfs has no such interface (the "any" device, a name with a
 * slash, other systems). */
static bool if_drops(const char *iface, uint64_t *v)
{
	uint64_t d = 0, m = 0, f = 0;

	if (strchr(iface, '/') || !strcmp(iface, ".") || !strcmp(iface, "..") ||
	    !sysfs_counter(iface, "rx_dropped", &d))
		return false;
	sysfs_counter(iface, "rx_missed_errors", &m);
	sysfs_counter(iface, "rx_fifo_errors", &f);
	*v = d + m + f;
	return true;
}

static void live_stats(struct cap_source *s, struct cap_stats *st)
{
	struct live_priv *lp = s->priv;
	struct pcap_stat ps;

	*st = s->st;
	st->os_valid = false;
	if (lp && lp->pc && pcap_stats(lp->pc, &ps) == 0) {
		st->os_received = cap_counter64_update(&lp->recv, ps.ps_recv) - lp->base_recv;
		st->os_dropped = cap_counter64_update(&lp->drop, ps.ps_drop) - lp->base_drop;
		st->os_ifdropped = cap_counter64_update(&lp->ifdrop, ps.ps_ifdrop) - lp->base_ifdrop;
		st->os_valid = true;
	}
	if (lp && lp->sysfs_drops) {
		uint64_t now;
		/* a counter that went back (the interface was re-created)
		 * keeps the last difference */
		if (if_drops(lp->iface, &now) && now >= lp->ifdrop_base)
			lp->ifdrop_last = now - lp->ifdrop_base;
		st->os_ifdropped = lp->ifdrop_last;
	}
}

/* From now on: packets the kernel holds from before are skipped when they
 * come out of the buffer (by their time stamp: the kernel may still hold
 * them in a block it has not handed over yet), and the OS counts start
 * from their values now. */
static void discard_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)user;
	(void)h;
	(void)bytes;
}

static int live_rewind(struct cap_source *s, char *errbuf)
{
	struct live_priv *lp = s->priv;

	(void)errbuf;
	lp->since_ns = wall_ns();
	/* what is already there goes now (the handle is non-blocking) */
	for (int i = 0; i < LIVE_REWIND_DRAIN; i++)
		if (pcap_dispatch(lp->pc, -1, discard_packet, NULL) <= 0)
			break;
	memset(&s->st, 0, sizeof s->st);
	struct pcap_stat ps;
	if (pcap_stats(lp->pc, &ps) == 0) {
		lp->base_recv = cap_counter64_update(&lp->recv, ps.ps_recv);
		lp->base_drop = cap_counter64_update(&lp->drop, ps.ps_drop);
		lp->base_ifdrop = cap_counter64_update(&lp->ifdrop, ps.ps_ifdrop);
	}
	uint64_t now;
	if (lp->sysfs_drops && if_drops(lp->iface, &now)) {
		lp->ifdrop_base = now;
		lp->ifdrop_last = 0;
	}
	return 0;
}

static void live_close(struct cap_source *s)
{
	struct live_priv *lp = s->priv;

	if (lp && lp->pc)
		pcap_close(lp->pc);
	free(lp);
	free(s);
}

static const struct cap_source_ops live_ops = {
	.kind = "pcap",
	.run = live_run,
	.stats = live_stats,
	.rewind = live_rewind,
	.close = live_close,
};

/* The message for a pcap_activate() result rc < 0 (an error). */
static void activate_error(char *errbuf, const char *iface, int rc, const char *detail)
{
	const char *what;
	const char *hint = "";

	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		what = "No such device exists";
		hint = "; `ip link` lists the interfaces";
		break;
	case PCAP_ERROR_PERM_DENIED:
		what = "You don't have permission to capture on that device";
		hint = "; run as root or give gigsh CAP_NET_RAW and CAP_NET_ADMIN"
		       " (setcap cap_net_raw,cap_net_admin+ep gigsh)";
		break;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		what = "You don't have permission to capture in promiscuous mode on that device";
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		what = "That device is not up";
		break;
	default:
		what = pcap_statustostr(rc);
		break;
	}
	if (detail && *detail && strcmp(detail, what) != 0)
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s (%s)%s", iface, what, detail, hint);
	else
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s%s", iface, what, hint);
}

/* Installs the capture filter bpf on pc.  Returns 0, or -1 with errbuf. */
static int live_filter(pcap_t *pc, const char *iface, const char *bpf, char *errbuf)
{
	struct bpf_program prog;
	int rc;

	if (pcap_compile(pc, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: bad capture filter \"%s\": %s", iface, bpf,
		         pcap_geterr(pc));
		return -1;
	}
	rc = pcap_setfilter(pc, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: cannot install capture filter \"%s\": %s",
		         iface, bpf, pcap_geterr(pc));
		return -1;
	}
	return 0;
}

/* See capture.h.  On success errbuf is empty, or holds a warning from
 * pcap_activate() (e.g. promiscuous mode not supported) that the caller may
 * show.  The source owns the pcap handle; cap_close() frees both. */
struct cap_source *cap_open_live(const char *iface, const char *bpf, size_t buffer_bytes,
                                 char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE];
	char warning[CAP_ERRBUF_SIZE] = "";
	struct cap_source *s;
	struct live_priv *lp;
	pcap_t *pc;
	int rc, dlt, fd;

	errbuf[0] = '\0';
	if (!iface || !*iface) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "no interface name given");
		return NULL;
	}
	pe[0] = '\0';
	pc = pcap_create(iface, pe);
	if (!pc) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: %s", iface, pe);
		return NULL;
	}
	pcap_set_snaplen(pc, LIVE_SNAPLEN);
	pcap_set_promisc(pc, 1);
	pcap_set_timeout(pc, LIVE_TIMEOUT_MS);
	if (buffer_bytes && pcap_set_buffer_size(pc, buffer_bytes > INT_MAX ? INT_MAX
	                                                                     : (int)buffer_bytes) != 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: cannot set the capture buffer size", iface);
		pcap_close(pc);
		return NULL;
	}
	pcap_set_immediate_mode(pc, 0);
	pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO); /* micro if refused */
	rc = pcap_activate(pc);
	if (rc < 0) {
		activate_error(errbuf, iface, rc, pcap_geterr(pc));
		pcap_close(pc);
		return NULL;
	}
	if (rc > 0)
		snprintf(warning, sizeof warning, "%s: warning: %s (%s)", iface,
		         pcap_statustostr(rc), pcap_geterr(pc));
	dlt = pcap_datalink(pc);
	if (!cap_linktype_supported(dlt)) {
		snprintf(errbuf, CAP_ERRBUF_SIZE,
		         "%s: link type %s (%d) is not supported; gigsh reads Ethernet,"
		         " Linux cooked (SLL, SLL2), BSD loopback and raw IPv4/IPv6",
		         iface, cap_linktype_name(dlt), dlt);
		pcap_close(pc);
		return NULL;
	}
	if (bpf && *bpf && live_filter(pc, iface, bpf, errbuf) < 0) {
		pcap_close(pc);
		return NULL;
	}
	if (pcap_setnonblock(pc, 1, pe) < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: cannot make the capture non-blocking: %s",
		         iface, pe);
		pcap_close(pc);
		return NULL;
	}
	fd = pcap_get_selectable_fd(pc);
	if (fd < 0) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: this capture device cannot be polled", iface);
		pcap_close(pc);
		return NULL;
	}
	s = calloc(1, sizeof *s);
	lp = calloc(1, sizeof *lp);
	if (!s || !lp) {
		snprintf(errbuf, CAP_ERRBUF_SIZE, "%s: out of memory", iface);
		free(s);
		free(lp);
		pcap_close(pc);
		return NULL;
	}
	lp->pc = pc;
	lp->fd = fd;
	lp->nano = pcap_get_tstamp_precision(pc) == PCAP_TSTAMP_PRECISION_NANO;
	snprintf(lp->iface, sizeof lp->iface, "%s", iface);
	lp->sysfs_drops = strlen(iface) < sizeof lp->iface && if_drops(iface, &lp->ifdrop_base);
	s->ops = &live_ops;
	s->priv = lp;
	s->linktype = dlt;
	snprintf(s->name, sizeof s->name, "%s", iface);
	snprintf(s->where, sizeof s->where, "pcap:%s", iface);
	snprintf(errbuf, CAP_ERRBUF_SIZE, "%s", warning);
	return s;
}
