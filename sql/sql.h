/*
 * sql.h: the GSQL front end: lexer, grammar, syntax tree, analysis.
 *
 * Owns: turning text into a syntax tree (sql_parse), and a syntax tree into
 * a typed, name-bound query (sql_analyze, in analyze.h); the psql-style
 * rendering of errors with a caret under the offending token.
 * Never: touches packets, generates C, prints to stdout, or exits.
 * Errors: recorded in a struct sql_error; functions return NULL or -1.
 */
#ifndef GIGSH_SQL_H
#define GIGSH_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ast.h"

/* ---- arenas ------------------------------------------------------------- */

/* A bump allocator whose blocks are freed together.  Allocation never
 * fails silently: on out-of-memory it returns NULL and the caller reports
 * it. */
struct sql_arena *sql_arena_new(void);
void sql_arena_free(struct sql_arena *a);
void *sql_arena_alloc(struct sql_arena *a, size_t n);          /* zeroed */
char *sql_arena_strndup(struct sql_arena *a, const char *s, size_t n);

/* ---- errors ------------------------------------------------------------- */

struct sql_error {
	char msg[512];     /* "syntax error at or near \"FROM\"" (no ERROR: prefix) */
	char hint[256];    /* "did you mean \"destPort\"?" or empty */
	bool has_pos;
	uint32_t pos;      /* byte offset into the parsed text */
};

/* Record an error (printf-style); the first error recorded wins. */
void sql_error_set(struct sql_error *e, bool has_pos, uint32_t pos,
                   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Render an error as psql does:
 *     ERROR:  syntax error at or near "FROM"
 *     LINE 1: SELECT FROM TCP
 *                    ^
 *     HINT:  ...
 * text/len is the text that was parsed; prefix (may be NULL) is put in
 * front of the first line, e.g. "queries.gsql:3: "; line_base is the line
 * number of the first line of text within its file (1 for a fresh input).
 * Long lines are cut around the caret as psql does. */
void sql_error_print(FILE *f, const struct sql_error *e, const char *text,
                     size_t len, const char *prefix, unsigned line_base);

/* 1-based line number of a byte offset in text. */
unsigned sql_line_of(const char *text, size_t len, uint32_t pos);

/* ---- parsing ------------------------------------------------------------ */

/* Parse text (not necessarily NUL-terminated; may contain NUL bytes, which
 * are a syntax error outside string literals) holding zero or more
 * statements separated by ';'.  Returns a script owned by the caller
 * (sql_script_free), or NULL with *err set. */
struct sql_script *sql_parse(const char *text, size_t len, struct sql_error *err);
void sql_script_free(struct sql_script *s);

/* Keyword test, case-insensitive (used by the shell's completion). */
bool sql_is_keyword(const char *word);

/* Lexer access for tests: tokenize text and call fn for each token with its
 * lemon token code, offset and length.  Returns 0, or -1 with *err set. */
typedef void (*sql_token_fn)(void *ctx, int code, uint32_t pos, uint32_t len);
int sql_tokenize(const char *text, size_t len, sql_token_fn fn, void *ctx,
                 struct sql_error *err);
const char *sql_token_name(int code);

#endif
