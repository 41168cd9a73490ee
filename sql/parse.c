/*
 * parse.c: the parse driver and the syntax-tree builders.
 *
 * sql_parse() runs the flex lexer (lexer.l) into the lemon parser
 * (grammar.y) one token at a time and stops at the first error, which it
 * reports psql's way ("syntax error at or near "FROM"", "syntax error at
 * end of input") with the token's byte offset.  All tree nodes come from
 * one arena per parse, owned by the returned script; on any error the arena
 * is dropped whole, so nothing leaks whatever the input.  Depth is bounded
 * so that no input can exhaust a stack: at most SQL_MAX_NESTING brackets
 * open at once, expression trees at most SQL_MAX_EXPR_DEPTH high, and a
 * fixed-size parser stack whose overflow is an error.
 *
 * The sql_p_* builders are what the grammar's actions call.  Each returns
 * NULL once the parse has failed and accepts NULL operands, so an action
 * never needs to check anything.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"
#include "grammar.h"
#include "sql.h"

/* An expression node with its height (1 for a leaf), for the depth bound;
 * builders are the only allocators of expressions, so every sql_expr of a
 * parse sits inside one of these. */
struct expr_node {
	struct sql_expr e;
	uint32_t height;
};

static uint32_t height_of(const struct sql_expr *e)
{
	return e ? ((const struct expr_node *)(const void *)e)->height : 0;
}

static uint32_t tok_end(const struct sql_token *t)
{
	return t->pos + t->len;
}

static void fail_oom(struct sql_pctx *pc)
{
	sql_error_set(pc->err, false, 0, "out of memory");
	pc->failed = true;
}

static void *p_alloc(struct sql_pctx *pc, size_t n)
{
	void *p = sql_arena_alloc(pc->arena, n);

	if (!p)
		fail_oom(pc);
	return p;
}

/* NUL-terminated copy of a token's text, from byte skip on. */
static char *tok_text(struct sql_pctx *pc, const struct sql_token *t,
                      uint32_t skip)
{
	char *s;

	if (skip > t->len)
		skip = t->len;
	s = sql_arena_strndup(pc->arena, pc->text + t->pos + skip,
	                      t->len - skip);
	if (!s)
		fail_oom(pc);
	return s;
}

/* The contents of a '...' token with '' collapsed to ', NUL-terminated;
 * *n gets the length. */
static char *tok_unquote(struct sql_pctx *pc, const struct sql_token *t,
                         uint32_t *n)
{
	const char *src = pc->text + t->pos + 1;
	uint32_t srclen = t->len >= 2 ? t->len - 2 : 0;
	uint32_t i, o = 0;
	char *s = p_alloc(pc, (size_t)srclen + 1);

	if (!s)
		return NULL;
	for (i = 0; i < srclen; i++) {
		s[o++] = src[i];
		if (src[i] == '\'' && i + 1 < srclen && src[i + 1] == '\'')
			i++;
	}
	s[o] = '\0';
	*n = o;
	return s;
}

/* A new expression spanning [pos, end) whose tallest child has height
 * child_height; "too deeply nested" (at err_pos) past the bound. */
static struct sql_expr *new_expr(struct sql_pctx *pc, enum sql_expr_kind kind,
                                 uint32_t pos, uint32_t end,
                                 uint32_t child_height, uint32_t err_pos)
{
	struct expr_node *n;

	if (pc->failed)
		return NULL;
	if (child_height >= SQL_MAX_EXPR_DEPTH) {
		sql_error_set(pc->err, true, err_pos,
		              "expression too deeply nested");
		pc->failed = true;
		return NULL;
	}
	n = p_alloc(pc, sizeof(*n));
	if (!n)
		return NULL;
	n->height = child_height + 1;
	n->e.kind = kind;
	n->e.pos = pos;
	n->e.end = end;
	return &n->e;
}

/* ---- errors from the parser --------------------------------------------- */

/* %syntax_error: the current token cannot go on. */
void sql_p_syntax_error(struct sql_pctx *pc)
{
	if (pc->cur_eof)
		sql_error_set(pc->err, true, (uint32_t)pc->len,
		              "syntax error at end of input");
	else
		sql_error_near(pc->err, pc->text, pc->len, pc->cur.pos,
		               pc->cur.len, "syntax error");
	pc->failed = true;
}

/* %stack_overflow: only deep nesting can fill lemon's stack. */
void sql_p_stack_overflow(struct sql_pctx *pc)
{
	sql_error_set(pc->err, true, pc->cur.pos, "expression too deeply nested");
	pc->failed = true;
}

/* ---- lists -------------------------------------------------------------- */

/* Append size bytes at item to v; end is just past the item's text. */
void sql_p_push(struct sql_pctx *pc, struct sql_vec *v, const void *item,
                size_t size, uint32_t end)
{
	if (pc->failed)
		return;
	if (v->n == v->cap) {
		uint32_t cap = v->cap ? v->cap * 2 : 4;
		void *items;

		if (v->cap > UINT32_MAX / 2) {
			fail_oom(pc);
			return;
		}
		items = p_alloc(pc, (size_t)cap * size);
		if (!items)
			return;
		if (v->n)
			memcpy(items, v->items, (size_t)v->n * size);
		v->items = items;
		v->cap = cap;
	}
	memcpy((char *)v->items + (size_t)v->n * size, item, size);
	v->n++;
	v->end = end;
}

void sql_p_push_expr(struct sql_pctx *pc, struct sql_vec *v,
                     struct sql_expr *e)
{
	if (!e) {
		pc->failed = true;
		return;
	}
	sql_p_push(pc, v, &e, sizeof(e), e->end);
}

/* ---- expressions -------------------------------------------------------- */

/* A literal, $param or #define reference; code is its token code. */
struct sql_expr *sql_p_literal(struct sql_pctx *pc, int code,
                               const struct sql_token *t)
{
	struct sql_expr *e;
	enum sql_expr_kind kind;

	switch (code) {
	case SQL_T_INTEGER: kind = SQL_E_INT; break;
	case SQL_T_FLOAT: kind = SQL_E_FLOAT; break;
	case SQL_T_STRING: kind = SQL_E_STRING; break;
	case SQL_T_TRUE:
	case SQL_T_FALSE: kind = SQL_E_BOOL; break;
	case SQL_T_IP: kind = SQL_E_IP; break;
	case SQL_T_IP6: kind = SQL_E_IP6; break;
	case SQL_T_HEX: kind = SQL_E_HEX; break;
	case SQL_T_PARAMREF: kind = SQL_E_PARAM; break;
	case SQL_T_DEFREF: kind = SQL_E_DEFREF; break;
	default:
		sql_error_set(pc->err, true, t->pos, "internal error: literal");
		pc->failed = true;
		return NULL;
	}
	e = new_expr(pc, kind, t->pos, tok_end(t), 0, t->pos);
	if (!e)
		return NULL;
	switch (kind) {
	case SQL_E_INT:
	case SQL_E_HEX:
		e->ival = t->v.u;
		e->lit_type = t->lit_type;
		break;
	case SQL_E_FLOAT:
		e->fval = t->v.f;
		e->lit_type = GS_FLOAT;
		break;
	case SQL_E_STRING:
		e->str = (const uint8_t *)tok_unquote(pc, t, &e->str_len);
		e->lit_type = GS_STRING;
		break;
	case SQL_E_BOOL:
		e->ival = code == SQL_T_TRUE;
		e->lit_type = GS_BOOL;
		break;
	case SQL_E_IP:
		e->ival = t->v.u;
		e->lit_type = GS_IP;
		break;
	case SQL_E_IP6:
		e->ip6 = t->v.ip6;
		e->lit_type = GS_IPV6;
		break;
	default: /* $name, #name */
		e->name = tok_text(pc, t, 1);
		break;
	}
	return pc->failed ? NULL : e;
}

/* name or qual.name */
struct sql_expr *sql_p_column(struct sql_pctx *pc, const struct sql_token *qual,
                              const struct sql_token *name)
{
	struct sql_expr *e;

	e = new_expr(pc, SQL_E_COLUMN, qual ? qual->pos : name->pos,
	             tok_end(name), 0, name->pos);
	if (!e)
		return NULL;
	if (qual)
		e->qual = tok_text(pc, qual, 0);
	e->name = tok_text(pc, name, 0);
	return pc->failed ? NULL : e;
}

/* * or qual.* */
struct sql_expr *sql_p_star(struct sql_pctx *pc, const struct sql_token *qual,
                            const struct sql_token *star)
{
	struct sql_expr *e;

	e = new_expr(pc, SQL_E_STAR, qual ? qual->pos : star->pos,
	             tok_end(star), 0, star->pos);
	if (!e)
		return NULL;
	if (qual)
		e->qual = tok_text(pc, qual, 0);
	return pc->failed ? NULL : e;
}

/* Fill e->args with n operands; false on failure. */
static bool set_args(struct sql_pctx *pc, struct sql_expr *e,
                     struct sql_expr **args, uint32_t n)
{
	e->args = args;
	e->nargs = n;
	return !pc->failed;
}

static struct sql_expr **new_args(struct sql_pctx *pc, uint32_t n)
{
	return p_alloc(pc, (size_t)n * sizeof(struct sql_expr *));
}

/* op a, where op is '-', '~' or '!' (also for NOT). */
struct sql_expr *sql_p_unary(struct sql_pctx *pc, int op,
                             const struct sql_token *optok, struct sql_expr *a)
{
	struct sql_expr *e, **args;

	if (!a) {
		pc->failed = true;
		return NULL;
	}
	e = new_expr(pc, SQL_E_UNARY, optok->pos, a->end, height_of(a),
	             optok->pos);
	if (!e || !(args = new_args(pc, 1)))
		return NULL;
	args[0] = a;
	e->op = op;
	return set_args(pc, e, args, 1) ? e : NULL;
}

/* a op b, op an enum sql_binop. */
struct sql_expr *sql_p_binary(struct sql_pctx *pc, int op, struct sql_expr *a,
                              struct sql_expr *b)
{
	struct sql_expr *e, **args;
	uint32_t ha, hb;

	if (!a || !b) {
		pc->failed = true;
		return NULL;
	}
	ha = height_of(a);
	hb = height_of(b);
	e = new_expr(pc, SQL_E_BINARY, a->pos, b->end, ha > hb ? ha : hb,
	             b->pos);
	if (!e || !(args = new_args(pc, 2)))
		return NULL;
	args[0] = a;
	args[1] = b;
	e->op = op;
	return set_args(pc, e, args, 2) ? e : NULL;
}

/* Tallest of n expressions; false when one of them is missing. */
static bool max_height(struct sql_expr *const *v, uint32_t n, uint32_t *h)
{
	uint32_t i;

	*h = 0;
	for (i = 0; i < n; i++) {
		if (!v[i])
			return false;
		if (height_of(v[i]) > *h)
			*h = height_of(v[i]);
	}
	return true;
}

/* name(args), name(*), name(), name$(...), name[args]. */
struct sql_expr *sql_p_call(struct sql_pctx *pc, enum sql_expr_kind kind,
                            const struct sql_token *name, bool super_agg,
                            const struct sql_vec *args,
                            const struct sql_token *star,
                            const struct sql_token *close)
{
	struct sql_expr *e, **v = NULL;
	uint32_t n = 0, h = 0;

	if (pc->failed)
		return NULL;
	if (args) {
		v = args->items;
		n = args->n;
	}
	if (!max_height(v, n, &h)) {
		pc->failed = true;
		return NULL;
	}
	e = new_expr(pc, kind, name->pos, tok_end(close), h, name->pos);
	if (!e)
		return NULL;
	if (star) {
		struct sql_expr *s = sql_p_star(pc, NULL, star);

		if (!s || !(v = new_args(pc, 1)))
			return NULL;
		v[0] = s;
		n = 1;
	}
	e->name = tok_text(pc, name, 0);
	e->super_agg = super_agg;
	return set_args(pc, e, v, n) ? e : NULL;
}

/* a IN [list]: args[0] = a, then the list. */
struct sql_expr *sql_p_in(struct sql_pctx *pc, struct sql_expr *a,
                          const struct sql_vec *list,
                          const struct sql_token *close)
{
	struct sql_expr *e, **v;
	uint32_t h;

	if (!a || pc->failed || !max_height(list->items, list->n, &h)) {
		pc->failed = true;
		return NULL;
	}
	if (height_of(a) > h)
		h = height_of(a);
	if (list->n == UINT32_MAX) {
		fail_oom(pc);
		return NULL;
	}
	e = new_expr(pc, SQL_E_IN, a->pos, tok_end(close), h, a->pos);
	if (!e || !(v = new_args(pc, list->n + 1)))
		return NULL;
	v[0] = a;
	if (list->n)
		memcpy(v + 1, list->items, (size_t)list->n * sizeof(*v));
	return set_args(pc, e, v, list->n + 1) ? e : NULL;
}

/* ( e ): the node now spans the parentheses too. */
struct sql_expr *sql_p_paren(struct sql_pctx *pc, const struct sql_token *lp,
                             struct sql_expr *e, const struct sql_token *rp)
{
	if (!e || pc->failed) {
		pc->failed = true;
		return NULL;
	}
	e->pos = lp->pos;
	e->end = tok_end(rp);
	return e;
}

/* ---- clauses ------------------------------------------------------------ */

void sql_p_select_item(struct sql_pctx *pc, struct sql_vec *v,
                       struct sql_expr *e, const struct sql_token *alias)
{
	struct sql_select_item it = { 0 };

	if (!e || pc->failed) {
		pc->failed = true;
		return;
	}
	it.expr = e;
	it.pos = e->pos;
	if (alias->len)
		it.alias = tok_text(pc, alias, 0);
	sql_p_push(pc, v, &it, sizeof(it),
	           alias->len ? tok_end(alias) : e->end);
}

void sql_p_from_item(struct sql_pctx *pc, struct sql_vec *v,
                     const struct sql_token *iface, const struct sql_token *name,
                     const struct sql_token *var)
{
	struct sql_from f = { 0 };

	if (pc->failed)
		return;
	f.pos = iface ? iface->pos : name->pos;
	if (iface)
		f.iface = tok_text(pc, iface, 0);
	f.name = tok_text(pc, name, 0);
	if (var->len)
		f.var = tok_text(pc, var, 0);
	sql_p_push(pc, v, &f, sizeof(f), var->len ? tok_end(var) : tok_end(name));
}

/* DEFINE entry: the value is a string (unquoted), or a name or integer as
 * written. */
void sql_p_define(struct sql_pctx *pc, struct sql_vec *v,
                  const struct sql_token *name, int value_code,
                  const struct sql_token *value)
{
	struct sql_define d = { 0 };

	if (pc->failed)
		return;
	d.pos = name->pos;
	d.name = tok_text(pc, name, 0);
	if (value_code == SQL_T_STRING) {
		d.value = tok_unquote(pc, value, &d.value_len);
	} else {
		d.value = tok_text(pc, value, 0);
		d.value_len = value->len;
	}
	sql_p_push(pc, v, &d, sizeof(d), tok_end(value));
}

void sql_p_param(struct sql_pctx *pc, struct sql_vec *v,
                 const struct sql_token *name, const struct sql_token *type)
{
	struct sql_param_decl p = { 0 };

	if (pc->failed)
		return;
	p.pos = name->pos;
	p.name = tok_text(pc, name, 0);
	p.type_name = tok_text(pc, type, 0);
	sql_p_push(pc, v, &p, sizeof(p), tok_end(type));
}

/* A bare name in a list (SUPERGROUP). */
void sql_p_name(struct sql_pctx *pc, struct sql_vec *v,
                const struct sql_token *name)
{
	const char *s;

	if (pc->failed)
		return;
	s = tok_text(pc, name, 0);
	sql_p_push(pc, v, &s, sizeof(s), tok_end(name));
}

void sql_p_group_expr(struct sql_pctx *pc, struct sql_vec *v,
                      struct sql_expr *e, const struct sql_token *alias)
{
	struct sql_group_item g = { 0 };

	if (!e || pc->failed) {
		pc->failed = true;
		return;
	}
	g.kind = SQL_GB_EXPR;
	g.expr = e;
	g.pos = e->pos;
	if (alias->len)
		g.alias = tok_text(pc, alias, 0);
	sql_p_push(pc, v, &g, sizeof(g), alias->len ? tok_end(alias) : e->end);
}

void sql_p_group_list(struct sql_pctx *pc, struct sql_vec *v,
                      enum sql_gb_kind kind, const struct sql_token *kw,
                      const struct sql_vec *list, const struct sql_token *close)
{
	struct sql_group_item g = { 0 };

	if (pc->failed)
		return;
	g.kind = kind;
	g.pos = kw->pos;
	g.list = list->items;
	g.nlist = list->n;
	sql_p_push(pc, v, &g, sizeof(g), tok_end(close));
}

/* Sets are flattened with a NULL between consecutive sets, so k sets hold
 * k - 1 NULLs and an empty set is just two adjacent separators (or none). */
void sql_p_grouping_set(struct sql_pctx *pc, struct sql_vec *sets,
                        const struct sql_vec *set)
{
	struct sql_expr *sep = NULL;
	uint32_t i;

	if (pc->failed)
		return;
	if (sets->nsets > 0)
		sql_p_push(pc, sets, &sep, sizeof(sep), sets->end);
	for (i = 0; i < set->n; i++)
		sql_p_push_expr(pc, sets, ((struct sql_expr **)set->items)[i]);
	sets->nsets++;
}

/* FILTER_JOIN(field, seconds): a call node named FILTER_JOIN. */
struct sql_expr *sql_p_filter_join(struct sql_pctx *pc,
                                   const struct sql_token *kw,
                                   struct sql_expr *field,
                                   struct sql_expr *secs,
                                   const struct sql_token *close)
{
	struct sql_vec args = { 0 };

	sql_p_push_expr(pc, &args, field);
	sql_p_push_expr(pc, &args, secs);
	return sql_p_call(pc, SQL_E_CALL, kw, false, &args, NULL, close);
}

/* ---- statements --------------------------------------------------------- */

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static uint32_t clause_end(const struct sql_p_clause *c)
{
	return c->e ? c->e->end : 0;
}

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
                               const struct sql_p_clause *closing)
{
	struct sql_query *q;
	uint32_t end;

	if (pc->failed)
		return NULL;
	q = p_alloc(pc, sizeof(*q));
	if (!q)
		return NULL;
	q->kind = SQL_STMT_SELECT;
	q->pos = kw->pos;
	q->select = items->items;
	q->nselect = items->n;
	q->join = join->kind;
	q->join_pos = join->pos;
	q->join_args = join->args;
	q->from = from->items;
	q->nfrom = from->n;
	q->where = where->e;
	q->group_by = group->items;
	q->ngroup_by = group->n;
	q->group_by_pos = group->pos;
	q->supergroup = super->items;
	q->nsupergroup = super->n;
	q->supergroup_pos = super->pos;
	q->having = having->e;
	q->having_pos = having->pos;
	q->cleaning_when = cwhen->e;
	q->cleaning_by = cby->e;
	q->cleaning_pos = cwhen->e ? cwhen->pos : cby->pos;
	q->closing_when = closing->e;
	q->closing_pos = closing->pos;

	end = from->end;
	end = max_u32(end, clause_end(where));
	end = max_u32(end, group->n ? group->end : 0);
	end = max_u32(end, super->n ? super->end : 0);
	end = max_u32(end, clause_end(having));
	end = max_u32(end, clause_end(cwhen));
	end = max_u32(end, clause_end(cby));
	end = max_u32(end, clause_end(closing));
	q->end = end;
	return q;
}

struct sql_query *sql_p_merge(struct sql_pctx *pc, const struct sql_token *kw,
                              const struct sql_vec *fields,
                              const struct sql_p_clause *slack,
                              const struct sql_vec *from)
{
	struct sql_query *q;

	if (pc->failed)
		return NULL;
	q = p_alloc(pc, sizeof(*q));
	if (!q)
		return NULL;
	q->kind = SQL_STMT_MERGE;
	q->pos = kw->pos;
	q->merge_fields = fields->items;
	q->nmerge_fields = fields->n;
	q->slack = slack->e;
	q->from = from->items;
	q->nfrom = from->n;
	q->end = from->end;
	return q;
}

struct sql_query *sql_p_prelude(struct sql_pctx *pc,
                                const struct sql_vec *defines,
                                const struct sql_vec *params)
{
	struct sql_query *q;

	if (pc->failed)
		return NULL;
	q = p_alloc(pc, sizeof(*q));
	if (!q)
		return NULL;
	q->pos = UINT32_MAX;
	if (defines) {
		q->defines = defines->items;
		q->ndefines = defines->n;
		q->pos = defines->pos;
	}
	if (params) {
		q->params = params->items;
		q->nparams = params->n;
		if (params->pos < q->pos)
			q->pos = params->pos;
	}
	return q;
}

void sql_p_statement(struct sql_pctx *pc, struct sql_query *pre,
                     struct sql_query *q)
{
	if (!q || pc->failed) {
		pc->failed = true;
		return;
	}
	if (pre) {
		q->defines = pre->defines;
		q->ndefines = pre->ndefines;
		q->params = pre->params;
		q->nparams = pre->nparams;
		q->pos = pre->pos;
	}
	sql_p_push(pc, &pc->queries, &q, sizeof(q), q->end);
}

/* ---- the driver ----------------------------------------------------------- */

static bool opens(int code)
{
	return code == SQL_T_LP || code == SQL_T_LB || code == SQL_T_LBRACE;
}

static bool closes(int code)
{
	return code == SQL_T_RP || code == SQL_T_RB || code == SQL_T_RBRACE;
}

/* Parse text[0..len): zero or more statements.  Returns the script (free it
 * with sql_script_free), or NULL with *err set to the first error.  *err is
 * cleared first; err may be NULL. */
struct sql_script *sql_parse(const char *text, size_t len, struct sql_error *err)
{
	struct sql_error scratch;
	struct sql_pctx pc;
	struct sql_lexer lx;
	struct sql_script *script = NULL;
	void *parser = NULL;
	unsigned depth = 0;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	memset(&pc, 0, sizeof(pc));
	if (!text)
		len = 0;
	pc.err = err;
	pc.text = text ? text : "";
	pc.len = len;

	if (sql_lex_open(&lx, pc.text, len, err) != 0)
		return NULL;
	pc.arena = sql_arena_new();
	parser = sql_lemonAlloc(malloc);
	if (!pc.arena || !parser) {
		fail_oom(&pc);
		goto out;
	}

	for (;;) {
		struct sql_token tok;
		int code = sql_lex_next(&lx, &tok);

		if (code < 0) {
			pc.failed = true;
			break;
		}
		if (opens(code) && ++depth > SQL_MAX_NESTING) {
			sql_error_set(err, true, tok.pos,
			              "expression too deeply nested");
			pc.failed = true;
			break;
		}
		if (closes(code) && depth > 0)
			depth--;
		pc.cur = tok;
		pc.cur_eof = code == 0;
		sql_lemon(parser, code, tok, &pc);
		if (pc.failed || code == 0)
			break;
	}
	if (pc.failed)
		goto out;

	script = p_alloc(&pc, sizeof(*script));
	if (!script)
		goto out;
	script->queries = pc.queries.items;
	script->nqueries = pc.queries.n;
	script->arena = pc.arena;
out:
	if (parser)
		sql_lemonFree(parser, free);
	sql_lex_close(&lx);
	if (!script) {
		if (!err->msg[0])
			sql_error_set(err, false, 0, "out of memory");
		sql_arena_free(pc.arena);
	}
	return script;
}

/* Free a script and every node of its tree; s may be NULL. */
void sql_script_free(struct sql_script *s)
{
	if (s)
		sql_arena_free(s->arena);
}

/* Tokenize text, calling fn (may be NULL) for each token in order.  A byte
 * that starts no token is a syntax error.  Returns 0, or -1 with *err set
 * (cleared first; err may be NULL). */
int sql_tokenize(const char *text, size_t len, sql_token_fn fn, void *ctx,
                 struct sql_error *err)
{
	struct sql_error scratch;
	struct sql_lexer lx;
	int code, rc = 0;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	if (!text)
		len = 0;
	if (sql_lex_open(&lx, text ? text : "", len, err) != 0)
		return -1;
	for (;;) {
		struct sql_token tok;

		code = sql_lex_next(&lx, &tok);
		if (code <= 0) {
			rc = code;
			break;
		}
		if (code == SQL_T_ILLEGAL) {
			sql_error_near(err, text, len, tok.pos, tok.len,
			               "syntax error");
			rc = -1;
			break;
		}
		if (fn)
			fn(ctx, code, tok.pos, tok.len);
	}
	sql_lex_close(&lx);
	return rc;
}

/* True if word (NUL-terminated, any case) is a GSQL keyword. */
bool sql_is_keyword(const char *word)
{
	return word && sql_keyword_code(word, strlen(word)) != 0;
}

/* A printable name for a token code: the keyword, the operator, or the
 * class of token ("NAME", "INTEGER", ...); "?" for an unknown code. */
const char *sql_token_name(int code)
{
	const char *kw = sql_keyword_name(code);

	if (kw)
		return kw;
	switch (code) {
	case 0: return "end of input";
	case SQL_T_ILLEGAL: return "ILLEGAL";
	case SQL_T_NAME: return "NAME";
	case SQL_T_INTEGER: return "INTEGER";
	case SQL_T_FLOAT: return "FLOAT";
	case SQL_T_STRING: return "STRING";
	case SQL_T_IP: return "IP_VAL";
	case SQL_T_IP6: return "IPV6_VAL";
	case SQL_T_HEX: return "HEX";
	case SQL_T_PARAMREF: return "PARAMREF";
	case SQL_T_DEFREF: return "DEFREF";
	case SQL_T_EQ: return "=";
	case SQL_T_NE: return "<>";
	case SQL_T_LT: return "<";
	case SQL_T_GT: return ">";
	case SQL_T_LE: return "<=";
	case SQL_T_GE: return ">=";
	case SQL_T_BITOR: return "|";
	case SQL_T_BITAND: return "&";
	case SQL_T_SHL: return "<<";
	case SQL_T_SHR: return ">>";
	case SQL_T_PLUS: return "+";
	case SQL_T_MINUS: return "-";
	case SQL_T_STAR: return "*";
	case SQL_T_SLASH: return "/";
	case SQL_T_PERCENT: return "%";
	case SQL_T_BITNOT: return "~";
	case SQL_T_BANG: return "!";
	case SQL_T_SEMI: return ";";
	case SQL_T_LBRACE: return "{";
	case SQL_T_RBRACE: return "}";
	case SQL_T_COMMA: return ",";
	case SQL_T_DOT: return ".";
	case SQL_T_LP: return "(";
	case SQL_T_RP: return ")";
	case SQL_T_LB: return "[";
	case SQL_T_RB: return "]";
	case SQL_T_COLON: return ":";
	case SQL_T_DOLLAR: return "$";
	default: return "?";
	}
}
