/*
 * print.c: the table printer (see print.h).
 *
 * Each row is composed in a line buffer and written with one call, so a
 * row is either wholly written or the write error is known right after it.
 * Values are rendered once, by sh_format_value, into a scratch buffer; the
 * formats only differ in how they lay the rendered text out:
 *   aligned  " name | name ", a rule of '-' joined by '+', cells padded to
 *            widths fixed at begin (numbers right, the rest left), footer
 *            "(N rows)" and an empty line, as psql;
 *   csv      RFC 4180 fields, quoted when they hold , " CR or LF, quotes
 *            doubled, lines ending in "\n" (as psql --csv);
 *   json     one object per line, keys in column order.
 */
#include "print.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define DEFAULT_TERM_ROWS 24

struct sh_printer {
	FILE *f;                 /* NULL when writing through fn */
	sh_write_fn fn;
	void *fn_ctx;
	enum sh_format fmt;
	unsigned flags;
	bool page_fixed;         /* sh_printer_set_page was called */
	unsigned page;           /* data rows between headers, 0: never repeat */
	unsigned on_page;        /* data rows since the last header */
	bool tty;                /* f is a terminal (checked at begin) */

	struct sh_column *cols;  /* names owned */
	unsigned *width;
	uint32_t ncols;

	int err;                 /* first write error */
	char *line;              /* the row being composed */
	size_t llen, lcap;
	char *val;               /* scratch for one rendered value */
	size_t vcap;
};

/* ---- rendering values -------------------------------------------------- */

/* Bounded appends to a caller buffer that keep counting past its end. */
struct sink {
	char *buf;
	size_t size, n;
};

static void sink_put(struct sink *k, const char *s, size_t n)
{
	if (k->n < k->size) {
		size_t room = k->size - k->n;

		memcpy(k->buf + k->n, s, n < room ? n : room);
	}
	k->n += n;
}

static void sink_end(struct sink *k)
{
	if (k->size > 0)
		k->buf[k->n < k->size ? k->n : k->size - 1] = '\0';
}

static void render_float(double d, char *out, size_t size)
{
	if (isnan(d)) {
		snprintf(out, size, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(out, size, d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	snprintf(out, size, "%.15g", d);
	if (strtod(out, NULL) != d)
		snprintf(out, size, "%.17g", d);
}

/* v in decimal at the end of tmp[0..24); returns where it starts.  (Rows
 * are mostly integers and addresses: this is several times faster than
 * snprintf, which matters when a run prints millions of them.) */
static char *u64_dec(uint64_t v, char *end)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

size_t sh_format_value(enum gs_type t, const gs_value *v, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	struct sink k = { buf, size, 0 };
	char tmp[64];

	switch (t) {
	case GS_BOOL:
		snprintf(tmp, sizeof tmp, "%s", v->u ? "true" : "false");
		break;
	case GS_UINT:
	case GS_ULLONG: {
		char *d = u64_dec(v->u, tmp + sizeof tmp);

		sink_put(&k, d, (size_t)(tmp + sizeof tmp - d));
		sink_end(&k);
		return k.n;
	}
	case GS_INT:
	case GS_LLONG: {
		uint64_t m = v->i < 0 ? -(uint64_t)v->i : (uint64_t)v->i;
		char *d = u64_dec(m, tmp + sizeof tmp);

		if (v->i < 0)
			*--d = '-';
		sink_put(&k, d, (size_t)(tmp + sizeof tmp - d));
		sink_end(&k);
		return k.n;
	}
	case GS_FLOAT:
		render_float(v->f, tmp, sizeof tmp);
		break;
	case GS_IP: {
		char *d = tmp + sizeof tmp;

		for (int i = 0; i < 4; i++) {
			d = u64_dec((v->u >> (8 * i)) & 255u, d);
			if (i < 3)
				*--d = '.';
		}
		sink_put(&k, d, (size_t)(tmp + sizeof tmp - d));
		sink_end(&k);
		return k.n;
	}
	case GS_IPV6:
		if (!inet_ntop(AF_INET6, v->ip6.b, tmp, sizeof tmp))
			snprintf(tmp, sizeof tmp, "?");
		break;
	case GS_STRING:
		for (uint32_t i = 0; i < v->s.len; i++) {
			uint8_t c = v->s.p[i];

			if (c == '\\') {
				sink_put(&k, "\\\\", 2);
			} else if (c >= 0x20 && c <= 0x7e) {
				char ch = (char)c;

				sink_put(&k, &ch, 1);
			} else {
				char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

				sink_put(&k, e, 4);
			}
		}
		sink_end(&k);
		return k.n;
	default:
		snprintf(tmp, sizeof tmp, "?");
		break;
	}
	sink_put(&k, tmp, strlen(tmp));
	sink_end(&k);
	return k.n;
}

unsigned sh_type_width(enum gs_type t)
{
	switch (t) {
	case GS_BOOL: return 5;
	case GS_UINT: return 10;
	case GS_INT: return 11;
	case GS_ULLONG: return 20;
	case GS_LLONG: return 20;
	case GS_FLOAT: return 15;
	case GS_IP: return 15;
	case GS_IPV6: return 39;
	case GS_STRING: return 20;
	default: return 1;
	}
}

static bool is_number(enum gs_type t)
{
	return t == GS_UINT || t == GS_INT || t == GS_ULLONG || t == GS_LLONG ||
	       t == GS_FLOAT;
}

int sh_format_lookup(const char *name)
{
	if (strcmp(name, "aligned") == 0)
		return SH_FMT_ALIGNED;
	if (strcmp(name, "csv") == 0)
		return SH_FMT_CSV;
	if (strcmp(name, "json") == 0)
		return SH_FMT_JSON;
	return -1;
}

const char *sh_format_name(enum sh_format f)
{
	switch (f) {
	case SH_FMT_CSV: return "csv";
	case SH_FMT_JSON: return "json";
	default: return "aligned";
	}
}

/* ---- the printer ------------------------------------------------------- */

static struct sh_printer *printer_new(enum sh_format fmt, unsigned flags)
{
	struct sh_printer *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->fmt = fmt;
	p->flags = flags;
	return p;
}

struct sh_printer *sh_printer_new_file(FILE *f, enum sh_format fmt, unsigned flags)
{
	struct sh_printer *p = printer_new(fmt, flags);

	if (p)
		p->f = f;
	return p;
}

struct sh_printer *sh_printer_new_cb(sh_write_fn fn, void *ctx,
                                     enum sh_format fmt, unsigned flags)
{
	struct sh_printer *p = printer_new(fmt, flags);

	if (p) {
		p->fn = fn;
		p->fn_ctx = ctx;
	}
	return p;
}

static void free_cols(struct sh_printer *p)
{
	for (uint32_t i = 0; i < p->ncols; i++)
		free((char *)p->cols[i].name);
	free(p->cols);
	free(p->width);
	p->cols = NULL;
	p->width = NULL;
	p->ncols = 0;
}

void sh_printer_free(struct sh_printer *p)
{
	if (!p)
		return;
	free_cols(p);
	free(p->line);
	free(p->val);
	free(p);
}

void sh_printer_set_page(struct sh_printer *p, unsigned rows)
{
	p->page_fixed = true;
	p->page = rows;
}

int sh_printer_errno(const struct sh_printer *p)
{
	return p->err;
}

static bool to_tty(const struct sh_printer *p)
{
	int fd;

	if (!p->f)
		return false;
	fd = fileno(p->f);
	return fd >= 0 && isatty(fd);
}

/* Room for n more bytes in the line buffer: true, or false with out of
 * memory recorded as the write error. */
static bool room(struct sh_printer *p, size_t n)
{
	if (p->err)
		return false;
	if (p->llen + n > p->lcap) {
		size_t cap = p->lcap ? p->lcap : 256;
		char *nl;

		while (cap < p->llen + n)
			cap *= 2;
		nl = realloc(p->line, cap);
		if (!nl) {
			p->err = ENOMEM;
			return false;
		}
		p->line = nl;
		p->lcap = cap;
	}
	return true;
}

/* Line buffer appends; out of memory is recorded as the write error. */
static void put(struct sh_printer *p, const char *s, size_t n)
{
	if (!room(p, n))
		return;
	memcpy(p->line + p->llen, s, n);
	p->llen += n;
}

static void puts_(struct sh_printer *p, const char *s)
{
	put(p, s, strlen(s));
}

static void pad(struct sh_printer *p, char c, size_t n)
{
	char chunk[64];

	memset(chunk, c, sizeof chunk);
	while (n > 0) {
		size_t k = n < sizeof chunk ? n : sizeof chunk;

		put(p, chunk, k);
		n -= k;
	}
}

/* Write the composed line(s) out; flush when asked to. */
static int flush_line(struct sh_printer *p, bool flush)
{
	if (!p->err && p->llen > 0) {
		if (p->f) {
			errno = 0;
			if (fwrite(p->line, 1, p->llen, p->f) != p->llen)
				p->err = errno ? errno : EIO;
		} else {
			p->err = p->fn(p->fn_ctx, p->line, p->llen);
		}
	}
	p->llen = 0;
	if (!p->err && flush && p->f) {
		errno = 0;
		if (fflush(p->f) != 0)
			p->err = errno ? errno : EIO;
	}
	return p->err ? -1 : 0;
}

/* Render v into the scratch buffer; returns its length, or -1 (ENOMEM). */
static long render(struct sh_printer *p, enum gs_type t, const gs_value *v)
{
	size_t n = sh_format_value(t, v, p->val, p->vcap);

	if (n >= p->vcap) {
		size_t cap = p->vcap ? p->vcap : 128;
		char *nv;

		while (cap <= n)
			cap *= 2;
		nv = realloc(p->val, cap);
		if (!nv) {
			p->err = ENOMEM;
			return -1;
		}
		p->val = nv;
		p->vcap = cap;
		n = sh_format_value(t, v, p->val, p->vcap);
	}
	return (long)n;
}

static void put_csv(struct sh_printer *p, const char *s, size_t n)
{
	bool quote = false;

	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		put(p, s, n);
		return;
	}
	put(p, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			put(p, "\"", 1);
		put(p, s + i, 1);
	}
	put(p, "\"", 1);
}

static void put_json_string(struct sh_printer *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	put(p, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			put(p, e, 2);
		} else if (c < 0x20) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			put(p, e, 6);
		} else {
			put(p, s + i, 1);
		}
	}
	put(p, "\"", 1);
}

static void aligned_header(struct sh_printer *p)
{
	for (uint32_t i = 0; i < p->ncols; i++) {
		size_t n = strlen(p->cols[i].name), w = p->width[i];
		size_t left = n < w ? (w - n) / 2 : 0;
		size_t right = n < w ? w - n - left : 0;

		puts_(p, i ? "| " : " ");
		pad(p, ' ', left);
		put(p, p->cols[i].name, n);
		pad(p, ' ', right + 1);
	}
	put(p, "\n", 1);
	for (uint32_t i = 0; i < p->ncols; i++) {
		if (i)
			put(p, "+", 1);
		pad(p, '-', p->width[i] + 2);
	}
	put(p, "\n", 1);
}

int sh_printer_begin(struct sh_printer *p, const struct sh_column *cols, uint32_t ncols)
{
	if (p->err)
		return -1;
	free_cols(p);
	p->on_page = 0;
	if (ncols > 0) {
		p->cols = calloc(ncols, sizeof *p->cols);
		p->width = calloc(ncols, sizeof *p->width);
		if (!p->cols || !p->width) {
			free(p->cols);
			free(p->width);
			p->cols = NULL;
			p->width = NULL;
			p->err = ENOMEM;
			return -1;
		}
	}
	for (uint32_t i = 0; i < ncols; i++) {
		const char *name = cols[i].name ? cols[i].name : "";
		size_t n = strlen(name);
		unsigned tw = sh_type_width(cols[i].type);

		p->cols[i].type = cols[i].type;
		p->cols[i].name = strdup(name);
		p->ncols = i + 1;
		if (!p->cols[i].name) {
			p->err = ENOMEM;
			return -1;
		}
		p->width[i] = n > tw ? (unsigned)n : tw;
	}
	p->tty = to_tty(p);
	if (p->fmt == SH_FMT_ALIGNED && !p->page_fixed) {
		p->page = 0;
		if (p->tty) {
			struct winsize ws;
			unsigned rows = DEFAULT_TERM_ROWS, cols = 0, line = 0, per;

			if (ioctl(fileno(p->f), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
				rows = ws.ws_row;
				cols = ws.ws_col;
			}
			/* A line wider than the terminal takes several rows
			 * of it: count screen rows, not lines. */
			for (uint32_t i = 0; i < p->ncols; i++)
				line += p->width[i] + 3;
			per = cols > 0 && line > cols ? (line + cols - 1) / cols : 1;
			p->page = rows / per > 2 ? rows / per - 2 : 1;
		}
	}
	if (p->flags & SH_PRINT_TUPLES_ONLY)
		return 0;
	switch (p->fmt) {
	case SH_FMT_ALIGNED:
		if (p->ncols > 0)
			aligned_header(p);
		break;
	case SH_FMT_CSV:
		for (uint32_t i = 0; i < p->ncols; i++) {
			if (i)
				put(p, ",", 1);
			put_csv(p, p->cols[i].name, strlen(p->cols[i].name));
		}
		if (p->ncols > 0)
			put(p, "\n", 1);
		break;
	case SH_FMT_JSON:
		break;
	}
	return flush_line(p, p->flags & SH_PRINT_FLUSH_ROWS);
}

static void aligned_row(struct sh_printer *p, const gs_value *vals, uint32_t n)
{
	if (p->page > 0 && !(p->flags & SH_PRINT_TUPLES_ONLY)) {
		if (p->on_page == p->page) {
			aligned_header(p);
			p->on_page = 0;
		}
		p->on_page++;
	}
	for (uint32_t i = 0; i < p->ncols; i++) {
		enum gs_type t = p->cols[i].type;
		long len = 0;
		size_t w = p->width[i];

		puts_(p, i ? " | " : " ");
		if (i < n && (len = render(p, t, &vals[i])) < 0)
			return;
		if (is_number(t)) {
			if ((size_t)len < w)
				pad(p, ' ', w - (size_t)len);
			put(p, p->val, (size_t)len);
		} else {
			if (len > 0)
				put(p, p->val, (size_t)len);
			if (i + 1 < p->ncols && (size_t)len < w)
				pad(p, ' ', w - (size_t)len);
		}
	}
	put(p, "\n", 1);
}

static void csv_row(struct sh_printer *p, const gs_value *vals, uint32_t n)
{
	for (uint32_t i = 0; i < p->ncols; i++) {
		long len;

		if (i)
			put(p, ",", 1);
		if (i >= n)
			continue;
		if (p->cols[i].type != GS_STRING) {
			/* numbers, addresses, booleans: never quoted, and at most
			 * 46 characters (an IPv6 address), so rendered in place */
			if (!room(p, SH_VALUE_MAX + 1))
				return;
			p->llen += sh_format_value(p->cols[i].type, &vals[i], p->line + p->llen,
			                           SH_VALUE_MAX + 1);
			continue;
		}
		if ((len = render(p, p->cols[i].type, &vals[i])) < 0)
			return;
		put_csv(p, p->val, (size_t)len);
	}
	put(p, "\n", 1);
}

static void json_row(struct sh_printer *p, const gs_value *vals, uint32_t n)
{
	put(p, "{", 1);
	for (uint32_t i = 0; i < p->ncols; i++) {
		enum gs_type t = p->cols[i].type;
		long len;

		if (i)
			put(p, ",", 1);
		put_json_string(p, p->cols[i].name, strlen(p->cols[i].name));
		put(p, ":", 1);
		if (i >= n) {
			puts_(p, "null");
			continue;
		}
		if (t == GS_FLOAT && !isfinite(vals[i].f)) {
			puts_(p, "null");
			continue;
		}
		if ((len = render(p, t, &vals[i])) < 0)
			return;
		if (is_number(t) || t == GS_BOOL)
			put(p, p->val, (size_t)len);
		else
			put_json_string(p, p->val, (size_t)len);
	}
	put(p, "}\n", 2);
}

int sh_printer_row(struct sh_printer *p, const gs_value *vals, uint32_t ncols)
{
	bool flush = (p->flags & SH_PRINT_FLUSH_ROWS) != 0;

	if (p->err)
		return -1;
	switch (p->fmt) {
	case SH_FMT_ALIGNED:
		if (p->ncols == 0)
			return 0;
		aligned_row(p, vals, ncols);
		if (!p->tty)
			flush = true;
		break;
	case SH_FMT_CSV:
		csv_row(p, vals, ncols);
		break;
	case SH_FMT_JSON:
		json_row(p, vals, ncols);
		break;
	}
	return flush_line(p, flush);
}

int sh_printer_flush(struct sh_printer *p)
{
	if (p->err)
		return -1;
	return flush_line(p, true);
}

int sh_printer_end(struct sh_printer *p, uint64_t nrows)
{
	if (p->err)
		return -1;
	if (p->fmt == SH_FMT_ALIGNED && !(p->flags & SH_PRINT_TUPLES_ONLY)) {
		char foot[48];

		snprintf(foot, sizeof foot, "(%" PRIu64 " %s)\n\n", nrows,
		         nrows == 1 ? "row" : "rows");
		puts_(p, foot);
	}
	return flush_line(p, true);
}
