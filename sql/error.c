/*
 * error.c: recording front-end errors and rendering them as psql does.
 *
 * An error is a message, an optional hint and an optional byte offset into
 * the text being parsed.  sql_error_print() shows it the way psql shows a
 * server error:
 *
 *     ERROR:  syntax error at or near "FROM"
 *     LINE 1: SELECT FROM TCP
 *                    ^
 *     HINT:  ...
 *
 * Lines end at \n, \r or \r\n.  Columns count UTF-8 characters, a tab is
 * shown as one space, other control bytes as '?' (so the caret still lines
 * up and nothing raw reaches the terminal).  A line wider than 60 columns
 * is cut to a 60-column window around the caret, with "..." where text was
 * cut, exactly as libpq does.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse_int.h"
#include "sql.h"

/* psql's window: at most this many columns of the line, and the caret kept
 * at least MIN_RIGHT_CUT columns away from a cut right end. */
#define DISPLAY_SIZE 60
#define MIN_RIGHT_CUT 10
/* Longest token text quoted in an "at or near" message, in bytes. */
#define NEAR_MAX 200

/* Record an error unless one is recorded already (the first one wins).
 * e may be NULL.  The hint is left as it is. */
void sql_error_set(struct sql_error *e, bool has_pos, uint32_t pos,
                   const char *fmt, ...)
{
	va_list ap;

	if (!e || e->msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (!e->msg[0])
		snprintf(e->msg, sizeof(e->msg), "error");
	e->has_pos = has_pos;
	e->pos = has_pos ? pos : 0;
}

/* Record "<what> at or near "<text of the n bytes at pos>"", or "<what> at
 * end of input" when pos is at (or past) the end.  Control bytes in the
 * token are shown as \xNN; a very long token is cut, with "...". */
void sql_error_near(struct sql_error *err, const char *text, size_t len,
                    uint32_t pos, uint32_t n, const char *what)
{
	char shown[NEAR_MAX * 4 + 4];
	size_t i, o = 0;

	if (!text || pos >= len) {
		sql_error_set(err, true, (uint32_t)len, "%s at end of input", what);
		return;
	}
	if (n > len - pos)
		n = (uint32_t)(len - pos);
	for (i = 0; i < n && i < NEAR_MAX; i++) {
		unsigned char c = (unsigned char)text[pos + i];

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(shown + o, sizeof(shown) - o,
			                      "\\x%02x", c);
		else
			shown[o++] = (char)c;
	}
	if (i < n) {
		memcpy(shown + o, "...", 3);
		o += 3;
	}
	shown[o] = '\0';
	sql_error_set(err, true, pos, "%s at or near \"%s\"", what, shown);
}

/* Is text[i] the start of a line break that counts (psql: every \r, and a
 * \n not preceded by \r)? */
static bool counts_as_break(const char *text, size_t i)
{
	if (text[i] == '\r')
		return true;
	return text[i] == '\n' && (i == 0 || text[i - 1] != '\r');
}

/* 1-based line number of byte offset pos (clamped to len) in text. */
unsigned sql_line_of(const char *text, size_t len, uint32_t pos)
{
	unsigned line = 1;
	size_t i, end = pos < len ? pos : len;

	if (!text)
		return 1;
	for (i = 0; i < end; i++)
		if (counts_as_break(text, i))
			line++;
	return line;
}

/* Bytes in the character starting at text[i] (i < end): a well-formed UTF-8
 * sequence, or a single byte. */
static size_t char_len(const char *text, size_t i, size_t end)
{
	unsigned char c = (unsigned char)text[i];
	size_t n, k;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 1;
	if (n > end - i)
		return 1;
	for (k = 1; k < n; k++)
		if (((unsigned char)text[i + k] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Byte offset of character number idx counted from byte start. */
static size_t skip_chars(const char *text, size_t start, size_t end,
                         size_t idx)
{
	size_t i = start;

	for (; idx > 0 && i < end; idx--)
		i += char_len(text, i, end);
	return i;
}

/* Write text[from..to) as one display line. */
static void put_line_text(FILE *f, const char *text, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\t' || c == '\f' || c == '\v')
			putc(' ', f);
		else if (c < 0x20 || c == 0x7f)
			putc('?', f);
		else
			putc(c, f);
	}
}

/* The "LINE n: ..." line and the caret line under it. */
static void put_position(FILE *f, const char *text, size_t len, uint32_t pos,
                         unsigned line_base)
{
	size_t ls = 0, le, i, nchars = 0, loc = 0;
	size_t ibeg, iend, width;
	bool beg_trunc = false, end_trunc = false;
	unsigned line = 1;
	int w;

	for (i = 0; i < pos; i++) {
		if (text[i] == '\r' || text[i] == '\n') {
			if (counts_as_break(text, i))
				line++;
			ls = i + 1;
		}
	}
	for (le = pos; le < len && text[le] != '\r' && text[le] != '\n'; le++)
		;
	for (i = ls; i < le; i += char_len(text, i, le)) {
		if (i < pos)
			loc++;
		nchars++;
	}

	ibeg = 0;
	iend = nchars;
	if (iend - ibeg > DISPLAY_SIZE) {
		if (ibeg + DISPLAY_SIZE >= loc + MIN_RIGHT_CUT) {
			iend = ibeg + DISPLAY_SIZE;
			end_trunc = true;
		} else {
			if (loc + MIN_RIGHT_CUT < iend) {
				iend = loc + MIN_RIGHT_CUT;
				end_trunc = true;
			}
			if (iend - ibeg > DISPLAY_SIZE) {
				ibeg = iend - DISPLAY_SIZE;
				beg_trunc = true;
			}
		}
	}

	w = fprintf(f, "LINE %u: ", line_base + line - 1);
	width = w > 0 ? (size_t)w : 0;
	if (beg_trunc) {
		fputs("...", f);
		width += 3;
	}
	put_line_text(f, text, skip_chars(text, ls, le, ibeg),
	              skip_chars(text, ls, le, iend));
	if (end_trunc)
		fputs("...", f);
	putc('\n', f);
	for (width += loc - ibeg; width > 0; width--)
		putc(' ', f);
	fputs("^\n", f);
}

/* Print e as psql would: "ERROR:  msg", then, when the error has a
 * position inside text, the LINE and caret lines, then "HINT:  hint" when
 * there is one.  prefix (may be NULL) goes in front of the ERROR line only;
 * line_base is the number of text's first line. */
void sql_error_print(FILE *f, const struct sql_error *e, const char *text,
                     size_t len, const char *prefix, unsigned line_base)
{
	if (!f || !e)
		return;
	fprintf(f, "%sERROR:  %s\n", prefix ? prefix : "", e->msg);
	if (e->has_pos && text && e->pos <= len)
		put_position(f, text, len, e->pos, line_base);
	if (e->hint[0])
		fprintf(f, "HINT:  %s\n", e->hint);
}
