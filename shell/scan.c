/*
 * scan.c: the shell's statement-boundary scanner (see scan.h).
 *
 * A small state machine over the bytes fed so far: NORMAL text, inside a
 * single-quoted string, or inside a -- or // comment.  Braces are counted in
 * NORMAL text only, and a ';' ends an item when it is in NORMAL text at
 * brace depth 0.  A '\' in NORMAL text while nothing is pending starts a
 * meta-command (normally at the start of a line; also after a complete
 * statement on the same line, as psql allows).  The buffer keeps only the pending item: consumed
 * bytes are dropped at the next call, so a long script costs no more memory
 * than its longest statement.
 */
#include "scan.h"

#include <stdlib.h>
#include <string.h>

enum scan_state { ST_NORMAL, ST_QUOTE, ST_COMMENT };

struct sh_scanner {
	char *buf;
	size_t len, cap;
	size_t done;          /* bytes before this are consumed */
	size_t pos;           /* next byte to scan */
	unsigned line;        /* line number of buf[pos] */
	unsigned next_line;   /* line number of the next line fed */
	enum scan_state state;
	unsigned depth;       /* { } nesting */
	bool content;         /* an item is pending */
	bool meta;            /* ... and it is a query-taking meta-command */
	size_t start;         /* where the pending item starts */
	unsigned start_line;
	size_t name_off, name_len;  /* the pending meta-command's name */
	bool eof;
	sh_meta_query_fn takes_query;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_space(char c)
{
	return is_blank(c) || c == '\n';
}

struct sh_scanner *sh_scan_new(unsigned first_line, sh_meta_query_fn takes_query)
{
	struct sh_scanner *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->line = s->next_line = first_line;
	s->takes_query = takes_query;
	return s;
}

void sh_scan_free(struct sh_scanner *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}

/* Drop consumed bytes: everything before the pending item, or everything
 * scanned when nothing is pending. */
static void compact(struct sh_scanner *s)
{
	size_t keep = s->content ? s->start : s->pos;

	if (keep > s->done)
		s->done = keep;
	if (s->done == 0)
		return;
	memmove(s->buf, s->buf + s->done, s->len - s->done);
	s->len -= s->done;
	s->pos -= s->done;
	if (s->content) {
		s->start -= s->done;
		if (s->meta)
			s->name_off -= s->done;
	}
	s->done = 0;
}

int sh_scan_line(struct sh_scanner *s, const char *line, size_t len)
{
	size_t need;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	compact(s);
	need = s->len + len + 1;
	if (need > s->cap) {
		size_t cap = s->cap ? s->cap : 256;
		char *nb;

		while (cap < need)
			cap *= 2;
		nb = realloc(s->buf, cap);
		if (!nb)
			return -1;
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, line, len);
	s->len += len;
	s->buf[s->len++] = '\n';
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\n')
			s->next_line++;
	s->next_line++;
	return 0;
}

void sh_scan_eof(struct sh_scanner *s)
{
	s->eof = true;
}

bool sh_scan_pending(const struct sh_scanner *s)
{
	return s->content;
}

void sh_scan_reset(struct sh_scanner *s)
{
	s->len = s->done = s->pos = 0;
	s->line = s->next_line;
	s->state = ST_NORMAL;
	s->depth = 0;
	s->content = s->meta = false;
}

static void trim(const char **p, size_t *n)
{
	while (*n > 0 && is_space(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*p)[*n - 1]))
		(*n)--;
}

/* Fill *it with the pending item [start, end) and forget it. */
static void emit(struct sh_scanner *s, size_t end, struct sh_item *it)
{
	const char *text = s->buf + s->start;
	size_t len = end - s->start;

	while (len > 0 && is_space(text[len - 1]))
		len--;
	memset(it, 0, sizeof *it);
	it->text = text;
	it->len = len;
	it->line = s->start_line;
	if (s->meta) {
		const char *name = s->buf + s->name_off;
		const char *arg = name + s->name_len;

		it->kind = SH_ITEM_META;
		it->name = name;
		it->name_len = s->name_len;
		it->arg = arg;
		it->arg_len = (size_t)(text + len - arg);
		trim(&it->arg, &it->arg_len);
	} else {
		it->kind = SH_ITEM_STMT;
	}
	s->content = s->meta = false;
	s->depth = 0;
	s->done = end;
}

/* A '\' with nothing pending starts a meta-command that runs to the end of
 * its line: either return it whole (1) or, for a command that takes a
 * query, make it the pending item and go on scanning after its name (0). */
static int meta_at(struct sh_scanner *s, struct sh_item *it)
{
	size_t q = s->pos, eol = q, name_end = q + 1;

	while (eol < s->len && s->buf[eol] != '\n')
		eol++;
	while (name_end < eol && !is_blank(s->buf[name_end]))
		name_end++;
	s->content = true;
	s->meta = true;
	s->start = q;
	s->start_line = s->line;
	s->name_off = q + 1;
	s->name_len = name_end - (q + 1);
	if (s->takes_query && s->name_len > 0 &&
	    s->takes_query(s->buf + s->name_off, s->name_len)) {
		s->pos = name_end;
		return 0;
	}
	emit(s, eol, it);
	s->pos = eol;   /* the '\n' is counted by the scan loop */
	return 1;
}

int sh_scan_next(struct sh_scanner *s, struct sh_item *it)
{
	compact(s);
	while (s->pos < s->len) {
		char c, next;

		c = s->buf[s->pos];
		next = s->pos + 1 < s->len ? s->buf[s->pos + 1] : '\0';
		switch (s->state) {
		case ST_COMMENT:
			if (c == '\n') {
				s->state = ST_NORMAL;
				continue;   /* NORMAL counts the line */
			}
			break;
		case ST_QUOTE:
			/* '' inside a string leaves and re-enters it: same
			 * result as treating it as an escaped quote. */
			if (c == '\'')
				s->state = ST_NORMAL;
			else if (c == '\n')
				s->line++;
			break;
		case ST_NORMAL:
			if (c == '\n') {
				s->line++;
				break;
			}
			if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
				s->state = ST_COMMENT;
				s->pos++;
				break;
			}
			if (c == '\\' && !s->content) {
				if (meta_at(s, it))
					return 1;
				continue;
			}
			if (c == ';' && s->depth == 0) {
				if (s->content) {
					emit(s, s->pos + 1, it);
					s->pos++;
					return 1;
				}
				break;      /* an empty statement */
			}
			if (!s->content && !is_space(c)) {
				s->content = true;
				s->start = s->pos;
				s->start_line = s->line;
			}
			if (c == '\'')
				s->state = ST_QUOTE;
			else if (c == '{')
				s->depth++;
			else if (c == '}' && s->depth > 0)
				s->depth--;
			break;
		}
		s->pos++;
	}
	if (s->eof && s->content) {
		emit(s, s->len, it);
		s->state = ST_NORMAL;
		return 1;
	}
	return 0;
}
