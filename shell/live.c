/*
 * live.c: the live table (see live.h).
 *
 * Two sets of rows are kept: the rows of the bucket being received
 * (pending) and the rows on the screen (shown).  bucket() sorts pending
 * and makes it the shown set; every paint draws the shown set, so a
 * progress repaint in the middle of a bucket shows the last closed one.
 * Each row is one allocation: the values, then the bytes of its strings.
 *
 * A paint is one write: cursor home (and, the first time, clear the
 * screen), then each line preceded by "erase line" and cut to the width of
 * the terminal less one column (so that no line ever wraps and the cursor
 * position stays known), then "erase below".  Nothing but the cursor moves
 * between paints, so the last table stays on the screen when the run ends
 * and whatever is printed next appears under it.  Lines are:
 *   the status line(s): the fields below, packed into as many lines as the
 *       width needs, in reverse video when colour is on;
 *   the aligned header (names in bold when colour is on) and its rule;
 *   as many rows as fit above the reserved rows, then "(N more)".
 * Status fields: bucket NAME=VALUE (the bucket column of the rows shown),
 * packets/s and Mbit/s (packets and wire bytes the sources saw) and
 * tuples/s (tuples the LFTA emitted), each over the interval between two
 * progress reports at least half a second apart and, once the run has
 * ended, over the whole run; drops by the kernel and the interface (n/a when the source has no
 * such counters) and gigsh's own (tuples lost between LFTA and HFTA); the
 * HFTA groups open and the LFTA's early evictions (gs_stats has the rest);
 * the elapsed time.
 */
#include "live.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_ROWS 24
#define DEFAULT_COLS 80
#define MIN_RATE_INTERVAL_NS 500000000u

#define ESC_HOME "\033[H"
#define ESC_CLEAR_SCREEN "\033[2J"
#define ESC_ERASE_LINE "\033[2K"
#define ESC_ERASE_BELOW "\033[J"
#define ESC_BOLD "\033[1m"
#define ESC_REVERSE "\033[7m"
#define ESC_RESET "\033[0m"

struct buf {
	char *p;
	size_t len, cap;
};

/* One kept row: ncols values, then the bytes their strings point to. */
struct live_row {
	uint64_t seq;            /* arrival order, for stable sorting */
	gs_value v[];
};

struct row_set {
	struct live_row **r;
	size_t n, cap;
};

struct sh_live {
	FILE *f;
	struct sh_live_opts o;

	struct sh_column *cols;  /* names owned */
	uint32_t ncols;
	struct sh_printer *pr;   /* renders the header and rows into scratch */
	struct buf scratch;
	struct buf header;       /* the header and rule lines, '\n' ended */
	struct buf frame;

	struct row_set pending, shown;
	uint64_t seq;

	bool cleared;            /* the screen was cleared by the first paint */
	bool have_rates, ended, cancelled;
	double pps, mbps, tps;
	struct eng_run_stats prev;   /* the counters of the last report */
	struct eng_run_stats base;   /* the counters the rates were last computed at */
	bool have_stats;
	struct timespec t0;      /* begin, for the elapsed time before any report */

	int err;
};

/* ---- small helpers ------------------------------------------------------- */

static int buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *np;

		while (cap < b->len + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

static int buf_puts(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

/* The printer's write callback: everything goes to scratch. */
static int to_scratch(void *ctx, const char *s, size_t n)
{
	struct sh_live *lv = ctx;

	return buf_put(&lv->scratch, s, n) ? ENOMEM : 0;
}

static void set_clear(struct row_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->r[i]);
	s->n = 0;
}

static void set_free(struct row_set *s)
{
	set_clear(s);
	free(s->r);
	s->r = NULL;
	s->cap = 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* Order of two values of type t; NaN sorts below every number. */
static int value_cmp(enum gs_type t, const gs_value *a, const gs_value *b)
{
	switch (t) {
	case GS_INT:
	case GS_LLONG:
		return a->i < b->i ? -1 : a->i > b->i;
	case GS_FLOAT:
		if (isnan(a->f) || isnan(b->f))
			return isnan(b->f) - isnan(a->f);
		return a->f < b->f ? -1 : a->f > b->f;
	case GS_IPV6:
		return memcmp(a->ip6.b, b->ip6.b, sizeof a->ip6.b);
	case GS_STRING: {
		uint32_t n = a->s.len < b->s.len ? a->s.len : b->s.len;
		int c = n ? memcmp(a->s.p, b->s.p, n) : 0;

		return c ? c : cmp_u64(a->s.len, b->s.len);
	}
	default:
		return cmp_u64(a->u, b->u);
	}
}

static int row_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct sh_live *lv = ctx;
	const struct live_row *a = *(struct live_row *const *)pa;
	const struct live_row *b = *(struct live_row *const *)pb;
	int c = 0, k = lv->o.sort_col;

	if (k >= 0 && (uint32_t)k < lv->ncols) {
		c = value_cmp(lv->cols[k].type, &a->v[k], &b->v[k]);
		if (lv->o.sort_desc)
			c = -c;
	}
	return c ? c : cmp_u64(a->seq, b->seq);
}

static void screen_size(const struct sh_live *lv, unsigned *rows, unsigned *cols)
{
	struct winsize ws;
	int fd = fileno(lv->f);

	*rows = DEFAULT_ROWS;
	*cols = DEFAULT_COLS;
	if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0) {
		if (ws.ws_row > 0)
			*rows = ws.ws_row;
		if (ws.ws_col > 0)
			*cols = ws.ws_col;
	}
}

/* ---- life cycle ------------------------------------------------------------ */

struct sh_live *sh_live_new(FILE *f, const struct sh_live_opts *o)
{
	struct sh_live *lv = calloc(1, sizeof *lv);

	if (!lv)
		return NULL;
	lv->f = f;
	lv->o = *o;
	lv->pr = sh_printer_new_cb(to_scratch, lv, SH_FMT_ALIGNED, 0);
	if (!lv->pr) {
		free(lv);
		return NULL;
	}
	sh_printer_set_page(lv->pr, 0);
	return lv;
}

static void free_cols(struct sh_live *lv)
{
	for (uint32_t i = 0; i < lv->ncols; i++)
		free((char *)lv->cols[i].name);
	free(lv->cols);
	lv->cols = NULL;
	lv->ncols = 0;
}

void sh_live_free(struct sh_live *lv)
{
	if (!lv)
		return;
	free_cols(lv);
	sh_printer_free(lv->pr);
	set_free(&lv->pending);
	set_free(&lv->shown);
	free(lv->scratch.p);
	free(lv->header.p);
	free(lv->frame.p);
	free(lv);
}

int sh_live_errno(const struct sh_live *lv)
{
	return lv->err;
}

/* ---- painting -------------------------------------------------------------- */

enum line_style { LINE_PLAIN, LINE_STATUS, LINE_HEADER };

/* One screen line: erase it, then the text cut to width columns (UTF-8
 * aware), styled when colour is on. */
static void emit_line(struct sh_live *lv, const char *s, size_t n, unsigned width,
                      enum line_style style)
{
	struct buf *b = &lv->frame;
	bool styled = lv->o.color && style != LINE_PLAIN;
	size_t cut = 0;
	unsigned used = 0;
	int e = 0;

	while (cut < n) {
		size_t next = cut + 1;

		while (next < n && ((unsigned char)s[next] & 0xc0) == 0x80)
			next++;
		if (used == width)
			break;
		used++;
		cut = next;
	}
	e |= buf_puts(b, ESC_ERASE_LINE);
	if (styled)
		e |= buf_puts(b, style == LINE_STATUS ? ESC_REVERSE : ESC_BOLD);
	e |= buf_put(b, s, cut);
	if (styled && style == LINE_STATUS)
		while (used++ < width)
			e |= buf_put(b, " ", 1);
	if (styled)
		e |= buf_puts(b, ESC_RESET);
	e |= buf_put(b, "\n", 1);
	if (e && !lv->err)
		lv->err = ENOMEM;
}

static void format_elapsed(uint64_t ns, char *out, size_t size)
{
	double s = (double)ns / 1e9;
	uint64_t whole = ns / 1000000000u;

	if (s < 10)
		snprintf(out, size, "%.2fs", s);
	else if (s < 60)
		snprintf(out, size, "%.1fs", s);
	else if (whole < 3600)
		snprintf(out, size, "%" PRIu64 "m%02" PRIu64 "s", whole / 60, whole % 60);
	else
		snprintf(out, size, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s", whole / 3600,
		         whole / 60 % 60, whole % 60);
}

/* A rate for the status line: three significant digits with k, M or G
 * past 9999, "-" when there is none yet. */
static void format_rate(const struct sh_live *lv, double v, char *out, size_t size)
{
	static const char suffix[] = "kMG";
	int k = -1;

	if (!lv->have_rates) {
		snprintf(out, size, "-");
		return;
	}
	if (v < 9999.5) {
		snprintf(out, size, "%.0f", v);
		return;
	}
	while (v >= 999.5 && k < 2) {
		v /= 1000;
		k++;
	}
	snprintf(out, size, "%.*f%c", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v, suffix[k]);
}

/* The elapsed time: the engine's once the run ended, else since begin. */
static uint64_t elapsed_ns(const struct sh_live *lv)
{
	struct timespec now;
	int64_t ns;

	if (lv->ended && lv->have_stats)
		return lv->prev.elapsed_ns;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (int64_t)(now.tv_sec - lv->t0.tv_sec) * 1000000000 + (now.tv_nsec - lv->t0.tv_nsec);
	return ns > 0 ? (uint64_t)ns : 0;
}

/* The status fields, packed into lines of at most width columns; returns
 * the number of lines emitted. */
static unsigned emit_status(struct sh_live *lv, unsigned width)
{
	enum { NF = 7 };
	char f[NF][160];
	char val[96], rate[32], kern[24], ifc[24], el[32];
	const struct eng_run_stats *st = &lv->prev;
	char line[1024];
	size_t len = 0;
	unsigned lines = 0;
	int nf = 0, k = lv->o.bucket_col;

	if (k >= 0 && (uint32_t)k < lv->ncols) {
		if (lv->shown.n > 0) {
			sh_format_value(lv->cols[k].type, &lv->shown.r[0]->v[k], val, sizeof val);
			snprintf(f[nf++], sizeof f[0], "bucket %s=%s", lv->cols[k].name, val);
		} else {
			snprintf(f[nf++], sizeof f[0], "no bucket closed yet");
		}
	}
	format_rate(lv, lv->pps, rate, sizeof rate);
	snprintf(f[nf++], sizeof f[0], "%s packets/s", rate);
	if (lv->have_rates)
		snprintf(rate, sizeof rate, "%.*f", lv->mbps < 99.995 ? 2 : 1, lv->mbps);
	snprintf(f[nf++], sizeof f[0], "%s Mbit/s", rate);
	format_rate(lv, lv->tps, rate, sizeof rate);
	snprintf(f[nf++], sizeof f[0], "%s tuples/s", rate);
	if (lv->have_stats && st->os_valid) {
		snprintf(kern, sizeof kern, "%" PRIu64, st->os_dropped);
		snprintf(ifc, sizeof ifc, "%" PRIu64, st->os_ifdropped);
	} else {
		snprintf(kern, sizeof kern, "n/a");
		snprintf(ifc, sizeof ifc, "n/a");
	}
	snprintf(f[nf++], sizeof f[0], "drops kernel %s, interface %s, gigsh %" PRIu64,
	         kern, ifc, lv->have_stats ? st->ring_drops : 0);
	if (lv->have_stats)
		snprintf(f[nf++], sizeof f[0], "groups %" PRIu64 " open, LFTA evictions %" PRIu64,
		         st->groups_open, st->lfta_evictions);
	format_elapsed(elapsed_ns(lv), el, sizeof el);
	if (!lv->ended)
		snprintf(f[nf++], sizeof f[0], "elapsed %s", el);
	else
		snprintf(f[nf++], sizeof f[0], "%s %s", lv->cancelled ? "cancelled after" : "done in", el);

	for (int i = 0; i < nf; i++) {
		size_t n = strlen(f[i]);

		if (len > 0 && len + 2 + n > width) {
			emit_line(lv, line, len, width, LINE_STATUS);
			lines++;
			len = 0;
		}
		if (len > 0) {
			memcpy(line + len, "  ", 2);
			len += 2;
		}
		memcpy(line + len, f[i], n);
		len += n;
	}
	emit_line(lv, line, len, width, LINE_STATUS);
	return lines + 1;
}

/* Write the frame out in one go. */
static int write_frame(struct sh_live *lv)
{
	struct buf *b = &lv->frame;

	if (lv->err)
		return -1;
	errno = 0;
	if (fwrite(b->p, 1, b->len, lv->f) != b->len || fflush(lv->f) != 0) {
		lv->err = errno ? errno : EIO;
		return -1;
	}
	lv->cleared = true;
	return 0;
}

static int paint(struct sh_live *lv)
{
	unsigned rows, cols, width, nstatus, nhdr = 0, avail, fixed;
	size_t show, more = 0;
	const char *h = lv->header.p, *hend = h + lv->header.len;

	if (lv->err)
		return -1;
	screen_size(lv, &rows, &cols);
	width = cols > 1 ? cols - 1 : 1;
	lv->frame.len = 0;
	if (buf_puts(&lv->frame, lv->cleared ? ESC_HOME : ESC_HOME ESC_CLEAR_SCREEN)) {
		lv->err = ENOMEM;
		return -1;
	}
	nstatus = emit_status(lv, width);
	while (h < hend) {
		const char *nl = memchr(h, '\n', (size_t)(hend - h));
		size_t n = nl ? (size_t)(nl - h) : (size_t)(hend - h);

		emit_line(lv, h, n, width, nhdr == 0 ? LINE_HEADER : LINE_PLAIN);
		nhdr++;
		h += n + (nl != NULL);
	}

	fixed = nstatus + nhdr;
	if (rows > fixed + lv->o.reserve)
		avail = rows - fixed - lv->o.reserve;
	else if (rows > fixed + 1)
		avail = rows - fixed - 1;
	else
		avail = 1;
	show = lv->shown.n;
	if (show > avail) {
		show = avail - 1;
		more = lv->shown.n - show;
	}
	for (size_t i = 0; i < show && !lv->err; i++) {
		lv->scratch.len = 0;
		if (sh_printer_row(lv->pr, lv->shown.r[i]->v, lv->ncols) != 0) {
			lv->err = sh_printer_errno(lv->pr);
			break;
		}
		emit_line(lv, lv->scratch.p, lv->scratch.len > 0 ? lv->scratch.len - 1 : 0,
		          width, LINE_PLAIN);
	}
	if (more > 0) {
		char m[48];

		snprintf(m, sizeof m, "(%zu more)", more);
		emit_line(lv, m, strlen(m), width, LINE_PLAIN);
	}
	if (buf_puts(&lv->frame, ESC_ERASE_BELOW) && !lv->err)
		lv->err = ENOMEM;
	return write_frame(lv);
}

/* ---- the calls ------------------------------------------------------------- */

int sh_live_begin(struct sh_live *lv, const struct sh_column *cols, uint32_t ncols)
{
	if (lv->err)
		return -1;
	free_cols(lv);
	set_clear(&lv->pending);
	set_clear(&lv->shown);
	lv->have_rates = lv->have_stats = lv->ended = lv->cancelled = false;
	memset(&lv->prev, 0, sizeof lv->prev);
	memset(&lv->base, 0, sizeof lv->base);
	clock_gettime(CLOCK_MONOTONIC, &lv->t0);
	if (ncols > 0) {
		lv->cols = calloc(ncols, sizeof *lv->cols);
		if (!lv->cols) {
			lv->err = ENOMEM;
			return -1;
		}
	}
	for (uint32_t i = 0; i < ncols; i++) {
		lv->cols[i].type = cols[i].type;
		lv->cols[i].name = strdup(cols[i].name ? cols[i].name : "");
		lv->ncols = i + 1;
		if (!lv->cols[i].name) {
			lv->err = ENOMEM;
			return -1;
		}
	}
	lv->scratch.len = 0;
	if (sh_printer_begin(lv->pr, lv->cols, lv->ncols) != 0) {
		lv->err = sh_printer_errno(lv->pr) ? sh_printer_errno(lv->pr) : ENOMEM;
		return -1;
	}
	lv->header.len = 0;
	if (buf_put(&lv->header, lv->scratch.p ? lv->scratch.p : "", lv->scratch.len)) {
		lv->err = ENOMEM;
		return -1;
	}
	return paint(lv);
}

int sh_live_row(struct sh_live *lv, const gs_value *vals, uint32_t ncols)
{
	struct row_set *s = &lv->pending;
	struct live_row *row;
	size_t strbytes = 0, size;
	uint32_t n = ncols < lv->ncols ? ncols : lv->ncols;
	uint8_t *sp;
	int k = lv->o.bucket_col;

	if (lv->err)
		return -1;
	/* A row of a newer bucket: the rows kept belong to one that was never
	 * closed, and the newer one supersedes it. */
	if (s->n > 0 && k >= 0 && (uint32_t)k < n &&
	    value_cmp(lv->cols[k].type, &s->r[0]->v[k], &vals[k]) != 0)
		set_clear(s);
	for (uint32_t i = 0; i < n; i++)
		if (lv->cols[i].type == GS_STRING)
			strbytes += vals[i].s.len;
	size = sizeof *row + lv->ncols * sizeof(gs_value) + strbytes;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct live_row **nr = realloc(s->r, cap * sizeof *nr);

		if (!nr) {
			lv->err = ENOMEM;
			return -1;
		}
		s->r = nr;
		s->cap = cap;
	}
	row = calloc(1, size);
	if (!row) {
		lv->err = ENOMEM;
		return -1;
	}
	row->seq = lv->seq++;
	sp = (uint8_t *)&row->v[lv->ncols];
	for (uint32_t i = 0; i < n; i++) {
		row->v[i] = vals[i];
		if (lv->cols[i].type == GS_STRING) {
			if (vals[i].s.len > 0)
				memcpy(sp, vals[i].s.p, vals[i].s.len);
			row->v[i].s.p = sp;
			sp += vals[i].s.len;
		}
	}
	s->r[s->n++] = row;
	return 0;
}

/* The pending rows, sorted, become the shown ones. */
static void promote(struct sh_live *lv)
{
	struct row_set t = lv->shown;

	if (lv->o.sort_col >= 0 && lv->pending.n > 1)
		qsort_r(lv->pending.r, lv->pending.n, sizeof *lv->pending.r, row_cmp, lv);
	lv->shown = lv->pending;
	lv->pending = t;
	set_clear(&lv->pending);
}

int sh_live_bucket(struct sh_live *lv)
{
	if (lv->err)
		return -1;
	if (lv->pending.n == 0)
		return 0;
	promote(lv);
	return paint(lv);
}

/* Per-second rates of the counters between a and b. */
static void rates(struct sh_live *lv, const struct eng_run_stats *a,
                  const struct eng_run_stats *b)
{
	double dt;

	if (b->elapsed_ns <= a->elapsed_ns)
		return;
	dt = (double)(b->elapsed_ns - a->elapsed_ns) / 1e9;
	lv->pps = b->packets_seen >= a->packets_seen
	          ? (double)(b->packets_seen - a->packets_seen) / dt : 0;
	lv->mbps = b->bytes_seen >= a->bytes_seen
	           ? (double)(b->bytes_seen - a->bytes_seen) * 8 / 1e6 / dt : 0;
	lv->tps = b->lfta_tuples >= a->lfta_tuples
	          ? (double)(b->lfta_tuples - a->lfta_tuples) / dt : 0;
	lv->have_rates = true;
}

int sh_live_progress(struct sh_live *lv, const struct eng_run_stats *st)
{
	if (lv->err)
		return -1;
	/* A report right after the previous one (the engine's first comes at
	 * once) gives rates too noisy to show: wait for a longer interval. */
	if (st->elapsed_ns >= lv->base.elapsed_ns + MIN_RATE_INTERVAL_NS) {
		rates(lv, &lv->base, st);
		lv->base = *st;
	}
	lv->prev = *st;
	lv->have_stats = true;
	return paint(lv);
}

int sh_live_end(struct sh_live *lv, const struct eng_run_stats *st)
{
	if (lv->err)
		return -1;
	if (lv->pending.n > 0)
		promote(lv);
	lv->ended = true;
	if (st) {
		struct eng_run_stats zero;

		memset(&zero, 0, sizeof zero);
		lv->have_rates = false;
		rates(lv, &zero, st);
		lv->prev = *st;
		lv->have_stats = true;
		lv->cancelled = st->cancelled;
	}
	return paint(lv);
}
