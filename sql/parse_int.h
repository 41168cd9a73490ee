/*
 * parse_int.h: private glue between the GSQL lexer (sql/lexer.l), the lemon
 * grammar (sql/grammar.y) and the parse driver (sql/parse.c).
 *
 * The lexer turns bytes into token codes (from the generated grammar.h) and
 * token values (struct sql_token); it builds nothing.  The grammar's actions
 * call the sql_p_* builders below, which allocate tree nodes from the
 * per-parse arena held in struct sql_pctx and never return a node the
 * caller must check: on failure they record the error in the context (the
 * driver then stops feeding tokens) and return NULL, and every builder
 * accepts NULL operands.  Nothing here is used outside sql/.
 */
#ifndef GIGSH_SQL_PARSE_INT_H
#define GIGSH_SQL_PARSE_INT_H

#include <locale.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sql.h"

/* Most brackets ( [ { open at once; one more is "too deeply nested".
 * (lemon's parser stack has a fixed size too, %stack_size in grammar.y;
 * overflowing it, e.g. with thousands of unary operators, is the same
 * error.) */
#define SQL_MAX_NESTING 200
/* Greatest height of one expression tree (a chain like a+b+c+... of this
 * many operators), so that recursive walks over the tree stay shallow. */
#define SQL_MAX_EXPR_DEPTH 1000
/* Longest input accepted: positions are 32-bit and flex counts in int. */
#define SQL_MAX_INPUT ((size_t)0x7fffff00)

/* One token as the lexer returns it.  pos/len locate its text; the value
 * fields are set for literals only:
 *   INTEGER  v.u, lit_type GS_UINT or GS_ULLONG
 *   FLOAT    v.f
 *   HEX      v.u, lit_type GS_UINT (HEX'..') or GS_ULLONG (LHEX'..')
 *   IP       v.u (host order)
 *   IP6      v.ip6
 * Strings, names, $params and #defines carry only their text span; the
 * builders copy (and for strings, unquote) it. */
struct sql_token {
	uint32_t pos;
	uint32_t len;
	enum gs_type lit_type;
	union {
		uint64_t u;
		double f;
		gs_ip6 ip6;
	} v;
};

/* ---- lexer (lexer.l) ---------------------------------------------------- */

struct sql_lexer {
	void *scanner;             /* flex's yyscan_t */
	struct sql_error *err;
	const char *text;          /* the caller's text, for error messages */
	size_t len;
	char *buf;                 /* the scanner's copy of text, 2 NULs added */
	struct sql_lex_mem *mem;   /* every block flex holds */
	struct sql_token *tok;     /* filled by the scan in progress */
	uint32_t off;              /* bytes consumed so far */
	locale_t c_locale;         /* for strtod_l, made on first float */
	jmp_buf oom;               /* where out-of-memory in flex unwinds to */
};

/* Prepare lx to scan text[0..len).  Returns 0, or -1 with *err set. */
int sql_lex_open(struct sql_lexer *lx, const char *text, size_t len,
                 struct sql_error *err);
/* Scan the next token into *tok.  Returns its code (> 0), 0 at end of input
 * (tok->pos = len), or -1 with the error recorded. */
int sql_lex_next(struct sql_lexer *lx, struct sql_token *tok);
/* Release what sql_lex_open took; safe after a failed open. */
void sql_lex_close(struct sql_lexer *lx);
/* Token code of a keyword spelled s[0..n) in any case, or 0. */
int sql_keyword_code(const char *s, size_t n);
/* Upper-case spelling of a keyword's token code, or NULL. */
const char *sql_keyword_name(int code);
/* Record "<what> at or near "<token text>"" for the n bytes at pos. */
void sql_error_near(struct sql_error *err, const char *text, size_t len,
                    uint32_t pos, uint32_t n, const char *what);

/* ---- parse context and builders (parse.c, called from grammar.y) -------- */

/* A growable array in the arena (old storage is left to the arena). */
struct sql_vec {
	void *items;
	uint32_t n, cap;
	uint32_t pos;              /* offset of the clause keyword, if any */
	uint32_t end;              /* offset just past the last item */
	uint32_t nsets;            /* GROUPING_SETS: sets appended so far */
};

/* An optional clause: e is NULL when absent. */
struct sql_p_clause {
	struct sql_expr *e;
	uint32_t pos;
};

struct sql_p_join {
	enum sql_join_kind kind;
	uint32_t pos;
	struct sql_expr *args;
};

struct sql_pctx {
	struct sql_arena *arena;
	struct sql_error *err;
	const char *text;
	size_t len;
	struct sql_vec queries;    /* struct sql_query * */
	struct sql_token cur;      /* the token being fed to the parser */
	bool cur_eof;              /* cur is the end of input */
	bool failed;
};

/* The parser generated from grammar.y (lemon's ParseAlloc, ParseFree and
 * Parse under the name sql_lemon). */
void *sql_lemonAlloc(void *(*alloc)(size_t));
void sql_lemonFree(void *parser, void (*release)(void *));
void sql_lemon(void *parser, int code, struct sql_token tok,
               struct sql_pctx *pc);

void sql_p_syntax_error(struct sql_pctx *pc);
void sql_p_stack_overflow(struct sql_pctx *pc);

/* Push one item of size bytes (a pointer vector pushes &ptr); end is the
 * offset just past the item's text. */
void sql_p_push(struct sql_pctx *pc, struct sql_vec *v, const void *item,
                size_t size, uint32_t end);
void sql_p_push_expr(struct sql_pctx *pc, struct sql_vec *v,
                     struct sql_expr *e);

/* Expressions.  code is the token code of a literal (SQL_T_INTEGER, ...). */
struct sql_expr *sql_p_literal(struct sql_pctx *pc, int code,
                               const struct sql_token *t);
struct sql_expr *sql_p_column(struct sql_pctx *pc, const struct sql_token *qual,
                              const struct sql_token *name);
struct sql_expr *sql_p_star(struct sql_pctx *pc, const struct sql_token *qual,
                            const struct sql_token *star);
struct sql_expr *sql_p_unary(struct sql_pctx *pc, int op,
                             const struct sql_token *optok, struct sql_expr *a);
struct sql_expr *sql_p_binary(struct sql_pctx *pc, int op, struct sql_expr *a,
                              struct sql_expr *b);
/* name(args) / name$(args) / name[args]; kind SQL_E_CALL or SQL_E_PRED;
 * star is the * of COUNT(*) or NULL; close is the ) or ]. */
struct sql_expr *sql_p_call(struct sql_pctx *pc, enum sql_expr_kind kind,
                            const struct sql_token *name, bool super_agg,
                            const struct sql_vec *args,
                            const struct sql_token *star,
                            const struct sql_token *close);
struct sql_expr *sql_p_in(struct sql_pctx *pc, struct sql_expr *a,
                          const struct sql_vec *list,
                          const struct sql_token *close);
/* ( e ): widens e's span to cover the parentheses. */
struct sql_expr *sql_p_paren(struct sql_pctx *pc, const struct sql_token *lp,
                             struct sql_expr *e, const struct sql_token *rp);

/* Clauses. */
void sql_p_select_item(struct sql_pctx *pc, struct sql_vec *v,
                       struct sql_expr *e, const struct sql_token *alias);
void sql_p_from_item(struct sql_pctx *pc, struct sql_vec *v,
                     const struct sql_token *iface, const struct sql_token *name,
                     const struct sql_token *var);
void sql_p_define(struct sql_pctx *pc, struct sql_vec *v,
                  const struct sql_token *name, int value_code,
                  const struct sql_token *value);
void sql_p_param(struct sql_pctx *pc, struct sql_vec *v,
                 const struct sql_token *name, const struct sql_token *type);
void sql_p_name(struct sql_pctx *pc, struct sql_vec *v,
                const struct sql_token *name);
/* GROUP BY entries: expr [AS alias]; CUBE/ROLLUP(list); GROUPING_SETS. */
void sql_p_group_expr(struct sql_pctx *pc, struct sql_vec *v,
                      struct sql_expr *e, const struct sql_token *alias);
void sql_p_group_list(struct sql_pctx *pc, struct sql_vec *v,
                      enum sql_gb_kind kind, const struct sql_token *kw,
                      const struct sql_vec *list, const struct sql_token *close);
/* Append one grouping set (its members) to sets, NULL-separated. */
void sql_p_grouping_set(struct sql_pctx *pc, struct sql_vec *sets,
                        const struct sql_vec *set);
struct sql_expr *sql_p_filter_join(struct sql_pctx *pc,
                                   const struct sql_token *kw,
                                   struct sql_expr *field,
                                   struct sql_expr *secs,
                                   const struct sql_token *close);

/* Statements. */
struct sql_query *sql_p_select(struct sql_pctx *pc, const struct sql_token *kw,
                               const struct sql_vec *items,
                               const struct sql_p_join *join,
                               const struct sql_vec *from,
                               const struct sql_p_clause *where,
                               const struct sql_vec *group,
                               const struct sql_vec *super,
                               const struct sql_p_clause *having,
                               const struct sql_p_clause *cwhen,
                               const struct sql_p_clause *cby,
                               const struct sql_p_clause *closing);
struct sql_query *sql_p_merge(struct sql_pctx *pc, const struct sql_token *kw,
                              const struct sql_vec *fields,
                              const struct sql_p_clause *slack,
                              const struct sql_vec *from);
/* The DEFINE { } and/or PARAM { } blocks before a statement (either may be
 * NULL), held in an otherwise empty query until sql_p_statement. */
struct sql_query *sql_p_prelude(struct sql_pctx *pc,
                                const struct sql_vec *defines,
                                const struct sql_vec *params);
/* Attach the prelude (or NULL) to q and add q to the script. */
void sql_p_statement(struct sql_pctx *pc, struct sql_query *pre,
                     struct sql_query *q);

#endif
