/*
 * scan.h: the shell's statement-boundary scanner.
 *
 * Owns: cutting input lines into complete items: GSQL statements ending in
 * a ';' that is outside single-quoted strings ('' is an escaped quote),
 * outside -- and // comments and outside { } blocks (so DEFINE { a 'x';
 * b 'y'; } SELECT ...; is one statement), and meta-commands (a '\' while
 * no statement is pending, normally the first non-blank character of a
 * line; the command runs to the end of the line).  It
 * tracks the line where each item starts, so that script errors can say
 * "FILE:LINE: ".
 * Never: parses GSQL (the grammar is sql/'s business; line editing must
 * never depend on it), runs anything, prints, or exits.
 *
 * Use: feed whole lines with sh_scan_line(), then take items with
 * sh_scan_next() until it returns 0; at end of input call sh_scan_eof() and
 * take the rest (text left without ';' is still a statement, as psql -f
 * does).  Item text points into the scanner and stays valid until the next
 * call to any sh_scan_ function.
 */
#ifndef GIGSH_SHELL_SCAN_H
#define GIGSH_SHELL_SCAN_H

#include <stdbool.h>
#include <stddef.h>

enum sh_item_kind {
	SH_ITEM_STMT,   /* a GSQL statement, through its ';' if it has one */
	SH_ITEM_META    /* a backslash command */
};

struct sh_item {
	enum sh_item_kind kind;
	const char *text;  /* statement text, or the meta line from its '\' */
	size_t len;
	unsigned line;     /* line (of the input) where the item starts */
	/* Meta-commands only: the name without '\' and the argument (the
	 * rest of the line, or for a command that takes a query the text
	 * through its ';'), both trimmed of surrounding blanks. */
	const char *name;
	size_t name_len;
	const char *arg;
	size_t arg_len;
};

/* Decides whether the meta-command name (not NUL-terminated) takes a GSQL
 * query as its argument, which may then span lines up to its ';'. */
typedef bool (*sh_meta_query_fn)(const char *name, size_t len);

struct sh_scanner;

/* A scanner whose first line is numbered first_line.  takes_query may be
 * NULL (no command spans lines).  Returns NULL when out of memory. */
struct sh_scanner *sh_scan_new(unsigned first_line, sh_meta_query_fn takes_query);
void sh_scan_free(struct sh_scanner *s);

/* Append one line of input (len bytes, without its line end; a trailing
 * '\n' or "\r\n" is dropped if present).  Returns 0, or -1 when out of
 * memory. */
int sh_scan_line(struct sh_scanner *s, const char *line, size_t len);

/* Mark the end of input: the next sh_scan_next() calls also return the
 * text left without a terminating ';'. */
void sh_scan_eof(struct sh_scanner *s);

/* Take the next complete item.  Returns 1 with *it filled, 0 when no
 * complete item is left in the input fed so far.  Empty statements (a ';'
 * with only blanks and comments before it) are skipped. */
int sh_scan_next(struct sh_scanner *s, struct sh_item *it);

/* True while an incomplete statement (or query-taking meta-command) is
 * pending: the shell then shows its continuation prompt. */
bool sh_scan_pending(const struct sh_scanner *s);

/* Forget everything pending (Ctrl-C at the prompt).  Line numbering goes
 * on from the next line fed. */
void sh_scan_reset(struct sh_scanner *s);

#endif
