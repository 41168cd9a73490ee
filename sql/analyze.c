/*
 * analyze.c: binds names, types expressions, imputes temporal properties.
 *
 * Input: a query from the grammar and a catalog of named streams (the
 * packet protocols come from capture/'s schema).  Output: a struct
 * sql_analyzed (analyze.h).  Messages follow PostgreSQL's wording where
 * there is one ("column \"x\" does not exist", "operator does not exist:
 * IP = uint", "argument of WHERE must be type bool, not type uint").
 */
#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze.h"
#include "../capture/capture.h"

struct an {
	struct sql_arena *a;
	const struct sql_catalog *cat;
	struct sql_error *err;
	const struct sql_query *q;
	struct sql_analyzed *r;
	const char *src_name;  /* protocol or stream name as written */
	const char *var;       /* range variable or NULL */
	int depth;
	bool group_scope;      /* names are group variables, aggregates allowed */
	const char *clause;    /* for "not allowed in" messages */
};

static const char *const type_names[GS_NTYPES] = {
	[GS_BOOL] = "bool", [GS_UINT] = "uint", [GS_INT] = "int",
	[GS_ULLONG] = "ullong", [GS_LLONG] = "llong", [GS_FLOAT] = "float",
	[GS_IP] = "IP", [GS_IPV6] = "IPV6", [GS_STRING] = "string",
};

const char *sql_type_name(enum gs_type t)
{
	return (unsigned)t < GS_NTYPES ? type_names[t] : "?";
}

const char *sql_temporal_name(enum gs_temporal t)
{
	switch (t) {
	case GS_CONSTANT: return "constant";
	case GS_INCREASING: return "increasing";
	case GS_DECREASING: return "decreasing";
	default: return "varying";
	}
}

int sql_type_lookup(const char *name)
{
	static const struct { const char *n; enum gs_type t; } syn[] = {
		{ "bool", GS_BOOL }, { "uint", GS_UINT }, { "int", GS_INT },
		{ "ullong", GS_ULLONG }, { "llong", GS_LLONG }, { "float", GS_FLOAT },
		{ "ip", GS_IP }, { "ipv6", GS_IPV6 }, { "string", GS_STRING },
		{ "v_str", GS_STRING }, { "ushort", GS_UINT }, { "unsigned", GS_UINT },
	};
	for (size_t i = 0; i < sizeof syn / sizeof syn[0]; i++)
		if (strcasecmp(name, syn[i].n) == 0)
			return (int)syn[i].t;
	return -1;
}

/* Optimal string alignment distance: Levenshtein plus the swap of two
 * neighbouring letters as one edit ("TPC" is one edit from "TCP"). */
unsigned sql_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	static_assert(sizeof(unsigned) >= 2, "");
	unsigned d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			unsigned v = d[i - 1][j - 1] + (ca != cb);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb] > 99 ? 99 : d[la][lb];
}

const struct sql_define *sql_query_define(const struct sql_query *q, const char *name)
{
	for (uint32_t i = 0; i < q->ndefines; i++)
		if (strcasecmp(q->defines[i].name, name) == 0)
			return &q->defines[i];
	return NULL;
}

int sql_parse_value(const char *text, enum gs_type t, struct sql_arena *a,
                    gs_value *out, char *msg, size_t msgsize)
{
	char *end;
	memset(out, 0, sizeof *out);
	errno = 0;
	switch (t) {
	case GS_BOOL:
		if (strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0)
			out->u = 1;
		else if (strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0)
			out->u = 0;
		else
			goto bad;
		return 0;
	case GS_UINT:
	case GS_ULLONG: {
		if (!isdigit((unsigned char)text[0]))
			goto bad;
		unsigned long long v = strtoull(text, &end, 0);
		if (errno || *end || (t == GS_UINT && v > UINT32_MAX))
			goto bad;
		out->u = v;
		return 0;
	}
	case GS_INT:
	case GS_LLONG: {
		long long v = strtoll(text, &end, 0);
		if (errno || *end || end == text || (t == GS_INT && (v < INT32_MIN || v > INT32_MAX)))
			goto bad;
		out->i = v;
		return 0;
	}
	case GS_FLOAT:
		out->f = strtod(text, &end);
		if (errno || *end || end == text)
			goto bad;
		return 0;
	case GS_IP: {
		struct in_addr in;
		if (inet_pton(AF_INET, text, &in) != 1)
			goto bad;
		out->u = ntohl(in.s_addr);
		return 0;
	}
	case GS_IPV6:
		if (inet_pton(AF_INET6, text, out->ip6.b) != 1)
			goto bad;
		return 0;
	case GS_STRING: {
		size_t n = strlen(text);
		char *p = sql_arena_strndup(a, text, n);
		if (!p) {
			snprintf(msg, msgsize, "out of memory");
			return -1;
		}
		out->s.p = (const uint8_t *)p;
		out->s.len = (uint32_t)n;
		return 0;
	}
	default:
		break;
	}
bad:
	snprintf(msg, msgsize, "invalid input syntax for type %s: \"%.60s\"", sql_type_name(t), text);
	return -1;
}

void sql_bexpr_walk(struct sql_bexpr *e, void (*fn)(struct sql_bexpr *e, void *ctx), void *ctx)
{
	if (!e)
		return;
	for (uint32_t i = 0; i < e->nargs; i++)
		sql_bexpr_walk(e->args[i], fn, ctx);
	fn(e, ctx);
}

/* ---- helpers ------------------------------------------------------------ */

static struct sql_bexpr *node(struct an *an, enum sql_bx_kind k, uint32_t pos, uint32_t nargs)
{
	struct sql_bexpr *e = sql_arena_alloc(an->a, sizeof *e);
	if (!e) {
		sql_error_set(an->err, false, 0, "out of memory");
		return NULL;
	}
	e->kind = k;
	e->pos = pos;
	e->lfta_ok = true;
	e->field = e->col = e->param = -1;
	if (nargs) {
		e->args = sql_arena_alloc(an->a, nargs * sizeof *e->args);
		if (!e->args) {
			sql_error_set(an->err, false, 0, "out of memory");
			return NULL;
		}
		e->nargs = nargs;
	}
	return e;
}

static bool is_int(enum gs_type t)
{
	return t == GS_UINT || t == GS_INT || t == GS_ULLONG || t == GS_LLONG;
}
static bool is_num(enum gs_type t) { return is_int(t) || t == GS_FLOAT; }
static bool is_signed(enum gs_type t) { return t == GS_INT || t == GS_LLONG; }
static bool is_wide(enum gs_type t) { return t == GS_ULLONG || t == GS_LLONG; }

/* The type two numeric operands are brought to. */
static enum gs_type common_num(enum gs_type a, enum gs_type b)
{
	if (a == b)
		return a;
	if (a == GS_FLOAT || b == GS_FLOAT)
		return GS_FLOAT;
	bool wide = is_wide(a) || is_wide(b);
	bool sa = is_signed(a), sb = is_signed(b);
	if (sa && sb)
		return wide ? GS_LLONG : GS_INT;
	if (!sa && !sb)
		return wide ? GS_ULLONG : GS_UINT;
	return GS_LLONG;
}

static struct sql_bexpr *cast_to(struct an *an, struct sql_bexpr *e, enum gs_type t)
{
	if (!e || e->type == t)
		return e;
	if (e->kind == SQL_BX_CONST && is_num(e->type) && is_num(t)) {
		/* fold: convert the constant in place */
		gs_value v = e->val;
		if (t == GS_FLOAT)
			v.f = is_signed(e->type) ? (double)e->val.i : (double)e->val.u;
		else if (e->type == GS_FLOAT)
			v.i = (int64_t)e->val.f;
		else if (t == GS_UINT)
			v.u = (uint32_t)e->val.u;
		else if (t == GS_INT)
			v.i = (int32_t)(uint32_t)e->val.u;
		e->val = v;
		e->type = t;
		return e;
	}
	struct sql_bexpr *c = node(an, SQL_BX_CAST, e->pos, 1);
	if (!c)
		return NULL;
	c->args[0] = e;
	c->type = t;
	c->temporal = e->temporal;
	c->lfta_ok = e->lfta_ok;
	return c;
}

static const char *binop_text(int op)
{
	static const char *const t[] = {
		[SQL_OP_ADD] = "+", [SQL_OP_SUB] = "-", [SQL_OP_MUL] = "*", [SQL_OP_DIV] = "/",
		[SQL_OP_MOD] = "%", [SQL_OP_BAND] = "&", [SQL_OP_BOR] = "|", [SQL_OP_SHL] = "<<",
		[SQL_OP_SHR] = ">>", [SQL_OP_EQ] = "=", [SQL_OP_NE] = "<>", [SQL_OP_LT] = "<",
		[SQL_OP_GT] = ">", [SQL_OP_LE] = "<=", [SQL_OP_GE] = ">=", [SQL_OP_AND] = "AND",
		[SQL_OP_OR] = "OR",
	};
	return op >= 0 && op <= SQL_OP_OR ? t[op] : "?";
}

static enum gs_temporal temporal_binop(int op, enum gs_temporal l, enum gs_temporal r)
{
	const enum gs_temporal C = GS_CONSTANT, I = GS_INCREASING, D = GS_DECREASING;
	switch (op) {
	case SQL_OP_ADD:
	case SQL_OP_MUL:
		if (l == C)
			return r;
		if (r == C)
			return l;
		if (l == r && (l == I || l == D))
			return l;
		return GS_VARYING;
	case SQL_OP_SUB:
		if (l == C && r == C)
			return C;
		if ((l == I || l == C) && (r == C || r == D) && !(l == C && r == C))
			return l == C ? (r == D ? I : C) : I;
		if ((l == D || l == C) && (r == C || r == I))
			return D;
		return GS_VARYING;
	case SQL_OP_DIV:
		if (r == C && (l == I || l == D || l == C))
			return l;
		return GS_VARYING;
	default:
		return (l == C && r == C) ? C : GS_VARYING;
	}
}

/* ---- names -------------------------------------------------------------- */

struct suggest { const char *name; const char *best; unsigned d; };

static void consider(struct suggest *s, const char *cand)
{
	unsigned d = sql_edit_distance(s->name, cand);
	unsigned limit = strlen(s->name) <= 3 ? 1 : (strlen(s->name) <= 6 ? 2 : 3);
	if (d <= limit && d < s->d) {
		s->d = d;
		s->best = cand;
	}
}

static void consider_cb(void *arg, const char *name) { consider(arg, name); }

static struct sql_bexpr *bind_column(struct an *an, const struct sql_expr *x)
{
	struct sql_analyzed *r = an->r;
	if (x->qual) {
		bool ok = (an->var && strcasecmp(x->qual, an->var) == 0) ||
		          (!an->var && strcasecmp(x->qual, an->src_name) == 0);
		if (!ok) {
			sql_error_set(an->err, true, x->pos,
			              "missing FROM-clause entry for \"%s\"", x->qual);
			return NULL;
		}
	}
	struct sql_bexpr *e;
	if (an->group_scope) {
		for (uint32_t i = 0; i < r->ngb; i++)
			if (strcasecmp(r->gb[i].name, x->name) == 0) {
				if (!(e = node(an, SQL_BX_GBVAR, x->pos, 0)))
					return NULL;
				e->col = (int)i;
				e->type = r->gb[i].expr->type;
				e->temporal = r->gb[i].expr->temporal;
				e->lfta_ok = false;
				return e;
			}
		sql_error_set(an->err, true, x->pos,
		              "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function",
		              x->name);
		return NULL;
	}
	if (r->src_kind == SQL_SRC_PROTOCOL) {
		int f = cap_field_lookup((enum cap_proto)r->proto, x->name);
		if (f >= 0) {
			const struct cap_field *cf = cap_field_at((size_t)f);
			if (!(e = node(an, SQL_BX_FIELD, x->pos, 0)))
				return NULL;
			e->field = f;
			e->type = cf->type;
			e->temporal = cf->temporal;
			return e;
		}
		sql_error_set(an->err, true, x->pos, "column \"%s\" does not exist in %s",
		              x->name, cap_proto_info((enum cap_proto)r->proto)->name);
		struct suggest s = { x->name, NULL, 99 };
		for (size_t i = 0; i < cap_nfields(); i++) {
			const struct cap_field *cf = cap_field_at(i);
			if (cap_proto_sees((enum cap_proto)r->proto, cf->proto))
				consider(&s, cf->name);
		}
		if (s.best)
			snprintf(an->err->hint, sizeof an->err->hint, "did you mean \"%s\"?", s.best);
		else {
			/* Declared by a protocol this source cannot see? */
			for (size_t i = 0; i < cap_nfields(); i++) {
				const struct cap_field *cf = cap_field_at(i);
				if (strcasecmp(cf->name, x->name) == 0) {
					snprintf(an->err->hint, sizeof an->err->hint,
					         "%s is a field of %s; read FROM %s to use it",
					         cf->name, cap_proto_info(cf->proto)->name,
					         cap_proto_info(cf->proto)->name);
					break;
				}
			}
		}
		return NULL;
	}
	const struct sql_stream_schema *s = r->stream;
	int found = -1;
	for (uint32_t i = 0; i < s->ncols && found < 0; i++)
		if (strcmp(s->col_names[i], x->name) == 0)
			found = (int)i;
	for (uint32_t i = 0; i < s->ncols && found < 0; i++)
		if (strcasecmp(s->col_names[i], x->name) == 0)
			found = (int)i;
	if (found < 0) {
		sql_error_set(an->err, true, x->pos, "column \"%s\" does not exist in %s",
		              x->name, s->name);
		struct suggest sg = { x->name, NULL, 99 };
		for (uint32_t i = 0; i < s->ncols; i++)
			consider(&sg, s->col_names[i]);
		if (sg.best)
			snprintf(an->err->hint, sizeof an->err->hint, "did you mean \"%s\"?", sg.best);
		return NULL;
	}
	if (!(e = node(an, SQL_BX_COL, x->pos, 0)))
		return NULL;
	e->col = found;
	e->type = s->types[found];
	e->temporal = s->temporal[found];
	e->lfta_ok = false;
	return e;
}

/* ---- expressions ------------------------------------------------------- */

static struct sql_bexpr *expr(struct an *an, const struct sql_expr *x);

/* Negate an integer constant of type t without undefined behaviour. */
static int64_t neg_const(int64_t v, enum gs_type t)
{
	uint64_t n = 0u - (uint64_t)v;
	return t == GS_INT ? (int64_t)(int32_t)(uint32_t)n : (int64_t)n;
}

static void find_agg(struct sql_bexpr *e, void *ctx)
{
	if (e->kind == SQL_BX_AGG && !*(uint32_t *)ctx)
		*(uint32_t *)ctx = e->pos + 1;
}

static struct sql_bexpr *literal(struct an *an, const struct sql_expr *x)
{
	struct sql_bexpr *e = node(an, SQL_BX_CONST, x->pos, 0);
	if (!e)
		return NULL;
	e->temporal = GS_CONSTANT;
	switch (x->kind) {
	case SQL_E_INT:
	case SQL_E_HEX:
		e->type = x->lit_type == GS_ULLONG ? GS_ULLONG : GS_UINT;
		e->val.u = x->ival;
		break;
	case SQL_E_FLOAT:
		e->type = GS_FLOAT;
		e->val.f = x->fval;
		break;
	case SQL_E_STRING:
		e->type = GS_STRING;
		e->val.s.p = x->str;
		e->val.s.len = x->str_len;
		break;
	case SQL_E_BOOL:
		e->type = GS_BOOL;
		e->val.u = x->ival ? 1 : 0;
		break;
	case SQL_E_IP:
		e->type = GS_IP;
		e->val.u = (uint32_t)x->ival;
		break;
	case SQL_E_IP6:
		e->type = GS_IPV6;
		e->val.ip6 = x->ip6;
		break;
	default:
		break;
	}
	return e;
}

static int check_arg(int want, enum gs_type got)
{
	if (want == SQL_ARG_ANY)
		return 1;
	if (want == SQL_ARG_NUMERIC)
		return is_num(got);
	if (want == SQL_ARG_INTEGER)
		return is_int(got) || got == GS_IP || got == GS_BOOL;
	return (int)got == want || (is_int((enum gs_type)want) && is_int(got));
}

bool sql_bexpr_equal(const struct sql_bexpr *a, const struct sql_bexpr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->type != b->type || a->op != b->op || a->nargs != b->nargs ||
	    a->field != b->field || a->col != b->col || a->param != b->param)
		return false;
	if ((a->kind == SQL_BX_CALL || a->kind == SQL_BX_AGG) && a->fn != b->fn)
		return false;
	if (a->kind == SQL_BX_CONST) {
		switch (a->type) {
		case GS_STRING:
			if (a->val.s.len != b->val.s.len ||
			    (a->val.s.len && memcmp(a->val.s.p, b->val.s.p, a->val.s.len) != 0))
				return false;
			break;
		case GS_IPV6:
			if (memcmp(a->val.ip6.b, b->val.ip6.b, 16) != 0)
				return false;
			break;
		case GS_FLOAT:
			if (a->val.f != b->val.f)
				return false;
			break;
		default:
			if (a->val.u != b->val.u)
				return false;
		}
	}
	for (uint32_t i = 0; i < a->nargs; i++)
		if (!sql_bexpr_equal(a->args[i], b->args[i]))
			return false;
	return true;
}

/* An arena array of n elements of size bytes with room for one more: the
 * same array, or a copy 16 elements larger when n is a multiple of 16.
 * NULL (with the error set) when out of memory. */
static void *grow16(struct an *an, void *arr, uint32_t n, size_t size)
{
	if (n % 16)
		return arr;
	void *p = sql_arena_alloc(an->a, (n + 16) * size);
	if (!p) {
		sql_error_set(an->err, false, 0, "out of memory");
		return NULL;
	}
	if (n)
		memcpy(p, arr, n * size);
	return p;
}

/* An aggregate call becomes a reference to the query's list of
 * aggregates; the same aggregate written twice is computed once. */
static struct sql_bexpr *register_agg(struct an *an, struct sql_bexpr *call)
{
	struct sql_analyzed *r = an->r;
	/* GSQL has no NULL: COUNT(x) counts the tuples, as COUNT(*) does */
	struct sql_bexpr *arg = call->fn == SQL_FN_COUNT ? NULL : call->args[0];
	uint32_t k;
	for (k = 0; k < r->naggs; k++)
		if (r->aggs[k].fn == call->fn && sql_bexpr_equal(r->aggs[k].arg, arg))
			break;
	if (k == r->naggs) {
		if (!(r->aggs = grow16(an, r->aggs, r->naggs, sizeof *r->aggs)))
			return NULL;
		r->aggs[k].fn = call->fn;
		r->aggs[k].arg = arg;
		r->aggs[k].type = call->type;
		r->aggs[k].pos = call->pos;
		r->naggs++;
	}
	struct sql_bexpr *e = node(an, SQL_BX_AGGREF, call->pos, 0);
	if (!e)
		return NULL;
	e->col = (int)k;
	e->type = call->type;
	e->temporal = GS_VARYING;
	e->lfta_ok = false;
	return e;
}

static struct sql_bexpr *call(struct an *an, const struct sql_expr *x);

/* name$(args): a super-aggregate.  COUNT$, SUM$, MIN$ and MAX$ combine the
 * same aggregate of the groups of the supergroup; count_distinct$(g) counts
 * the distinct values of group variable g among them. */
static struct sql_bexpr *super_call(struct an *an, const struct sql_expr *x)
{
	struct sql_analyzed *r = an->r;
	if (!an->group_scope) {
		sql_error_set(an->err, true, x->pos, "super-aggregates are not allowed in %s",
		              an->clause ? an->clause : "this place");
		return NULL;
	}
	struct sql_superagg sa = { .pos = x->pos };
	if (strcasecmp(x->name, "count_distinct") == 0) {
		if (x->nargs != 1 || x->args[0]->kind != SQL_E_COLUMN) {
			sql_error_set(an->err, true, x->pos, "count_distinct$ takes the name of a group variable");
			return NULL;
		}
		struct sql_bexpr *g = expr(an, x->args[0]);
		if (!g)
			return NULL;
		sa.op = SQL_SUPER_DISTINCT;
		sa.of = (uint32_t)g->col;
		sa.type = GS_ULLONG;
	} else {
		enum sql_fn_id id;
		const struct sql_func *f = sql_func_lookup(x->name, &id);
		if (!f || !(id == SQL_FN_COUNT || id == SQL_FN_SUM || id == SQL_FN_MIN || id == SQL_FN_MAX)) {
			sql_error_set(an->err, true, x->pos,
			              "super-aggregate %s$ does not exist (COUNT$, SUM$, MIN$, MAX$ and "
			              "count_distinct$ do)", x->name);
			return NULL;
		}
		/* the aggregate of each group that the super-aggregate combines */
		struct sql_expr plain = *x;
		plain.super_agg = false;
		struct sql_bexpr *agg = call(an, &plain);
		if (!agg)
			return NULL;
		sa.op = id == SQL_FN_MIN ? SQL_SUPER_MIN : id == SQL_FN_MAX ? SQL_SUPER_MAX : SQL_SUPER_SUM;
		sa.of = (uint32_t)agg->col;
		sa.type = agg->type;
	}
	uint32_t k;
	for (k = 0; k < r->nsupers; k++)
		if (r->supers[k].op == sa.op && r->supers[k].of == sa.of)
			break;
	if (k == r->nsupers) {
		if (!(r->supers = grow16(an, r->supers, r->nsupers, sizeof *r->supers)))
			return NULL;
		r->supers[r->nsupers++] = sa;
	}
	struct sql_bexpr *e = node(an, SQL_BX_SUPERREF, x->pos, 0);
	if (!e)
		return NULL;
	e->col = (int)k;
	e->type = sa.type;
	e->temporal = GS_VARYING;
	e->lfta_ok = false;
	return e;
}

static struct sql_bexpr *call(struct an *an, const struct sql_expr *x)
{
	if (x->super_agg)
		return super_call(an, x);
	enum sql_fn_id id;
	const struct sql_func *f = sql_func_lookup(x->name, &id);
	if (!f) {
		sql_error_set(an->err, true, x->pos, "function %s does not exist", x->name);
		const char *s = sql_func_suggest(x->name);
		if (s)
			snprintf(an->err->hint, sizeof an->err->hint, "did you mean \"%s\"?", s);
		return NULL;
	}
	bool star = x->nargs == 1 && x->args[0]->kind == SQL_E_STAR;
	if (f->kind == SQL_FK_AGGREGATE) {
		if (star && id != SQL_FN_COUNT) {
			sql_error_set(an->err, true, x->pos, "%s(*) is not allowed; only COUNT(*)", f->name);
			return NULL;
		}
	} else if (star) {
		sql_error_set(an->err, true, x->args[0]->pos, "* is not allowed as an argument of %s", f->name);
		return NULL;
	}
	if ((int)x->nargs != f->nargs) {
		sql_error_set(an->err, true, x->pos, "function %s takes %d argument%s, not %u",
		              f->name, f->nargs, f->nargs == 1 ? "" : "s", x->nargs);
		return NULL;
	}
	struct sql_bexpr *e = node(an, f->kind == SQL_FK_AGGREGATE ? SQL_BX_AGG : SQL_BX_CALL,
	                           x->pos, x->nargs);
	if (!e)
		return NULL;
	e->fn = id;
	enum gs_temporal all = GS_CONSTANT;
	bool saved_scope = an->group_scope;
	const char *saved_clause = an->clause;
	if (f->kind == SQL_FK_AGGREGATE) {
		if (!an->group_scope) {
			sql_error_set(an->err, true, x->pos, "aggregate functions are not allowed in %s",
			              an->clause ? an->clause : "this place");
			return NULL;
		}
		an->group_scope = false; /* the argument is over the input */
		an->clause = "the argument of an aggregate";
	}
	for (uint32_t i = 0; i < x->nargs; i++) {
		if (star) {
			if (!(e->args[i] = node(an, SQL_BX_CONST, x->args[i]->pos, 0)))
				return NULL;
			e->args[i]->type = GS_BOOL;
			e->args[i]->val.u = 1;
			continue;
		}
		struct sql_bexpr *a = expr(an, x->args[i]);
		if (!a)
			return NULL;
		if (a->kind == SQL_BX_AGG) {
			sql_error_set(an->err, true, x->args[i]->pos, "aggregate function calls cannot be nested");
			return NULL;
		}
		if (!check_arg(f->arg[i], a->type)) {
			char sig[160] = "";
			size_t n = 0;
			for (uint32_t j = 0; j < x->nargs; j++) {
				struct sql_bexpr *aj = j < i ? e->args[j] : (j == i ? a : NULL);
				n += (size_t)snprintf(sig + n, sizeof sig - n, "%s%s", j ? ", " : "",
				                      aj ? sql_type_name(aj->type) : "...");
				if (n >= sizeof sig)
					break;
			}
			sql_error_set(an->err, true, x->pos, "function %s(%s) does not exist", f->name, sig);
			return NULL;
		}
		if ((int)f->arg[i] >= 0 && is_int((enum gs_type)f->arg[i]) && a->type != (enum gs_type)f->arg[i])
			a = cast_to(an, a, (enum gs_type)f->arg[i]);
		if (f->const_last_arg && i + 1 == x->nargs && a->kind != SQL_BX_CONST) {
			sql_error_set(an->err, true, x->args[i]->pos,
			              "the last argument of %s must be a constant", f->name);
			return NULL;
		}
		e->args[i] = a;
		if (!a->lfta_ok)
			e->lfta_ok = false;
		if (a->temporal != GS_CONSTANT)
			all = GS_VARYING;
	}
	an->group_scope = saved_scope;
	an->clause = saved_clause;
	if (!f->lfta_ok)
		e->lfta_ok = false;
	if (id == SQL_FN_STR_REGEX_MATCH) {
		const struct sql_bexpr *re = e->args[1];
		char *pat = sql_arena_strndup(an->a, (const char *)re->val.s.p, re->val.s.len);
		regex_t rx;
		int rc;
		if (!pat || strlen(pat) != re->val.s.len) {
			sql_error_set(an->err, true, x->args[1]->pos, "regular expression contains a NUL byte");
			return NULL;
		}
		if ((rc = regcomp(&rx, pat, REG_EXTENDED | REG_NOSUB)) != 0) {
			char m[200];
			regerror(rc, &rx, m, sizeof m);
			sql_error_set(an->err, true, x->args[1]->pos, "invalid regular expression: %s", m);
			return NULL;
		}
		regfree(&rx);
	}
	if (f->kind == SQL_FK_AGGREGATE) {
		an->r->has_aggregates = true;
		if (!an->r->agg_pos)
			an->r->agg_pos = x->pos + 1;
		if (!an->group_scope) {
			sql_error_set(an->err, true, x->pos, "aggregate functions are not allowed in %s",
			              an->clause ? an->clause : "this place");
			return NULL;
		}
		enum gs_type at = e->args[0]->type;
		switch (id) {
		case SQL_FN_COUNT: e->type = GS_ULLONG; break;
		case SQL_FN_AVG: e->type = GS_FLOAT; break;
		case SQL_FN_SUM:
			e->type = at == GS_FLOAT ? GS_FLOAT : (is_signed(at) ? GS_LLONG : GS_ULLONG);
			break;
		default: e->type = at; break;
		}
		e->temporal = GS_VARYING;
		return register_agg(an, e);
	}
	e->type = f->result == SQL_ARG_ANY ? e->args[0]->type : (enum gs_type)f->result;
	if (id == SQL_FN_NON_TEMPORAL)
		e->temporal = e->args[0]->temporal == GS_CONSTANT ? GS_CONSTANT : GS_VARYING;
	else if (id >= SQL_FN_TO_UINT && id <= SQL_FN_TO_FLOAT)
		e->temporal = e->args[0]->temporal;
	else
		e->temporal = all;
	return e;
}

static int type_error(struct an *an, uint32_t pos, int op, enum gs_type l, enum gs_type r)
{
	sql_error_set(an->err, true, pos, "operator does not exist: %s %s %s",
	              sql_type_name(l), binop_text(op), sql_type_name(r));
	snprintf(an->err->hint, sizeof an->err->hint,
	         "no operator %s for these types; convert one side (e.g. to_ullong(x))", binop_text(op));
	return -1;
}

static struct sql_bexpr *binary(struct an *an, const struct sql_expr *x)
{
	struct sql_bexpr *l = expr(an, x->args[0]);
	if (!l)
		return NULL;
	struct sql_bexpr *r = expr(an, x->args[1]);
	if (!r)
		return NULL;
	struct sql_bexpr *e = node(an, SQL_BX_BINARY, x->pos, 2);
	if (!e)
		return NULL;
	int op = x->op;
	e->op = op;
	enum gs_type lt = l->type, rt = r->type;
	/* the operator's own position: between the operands */
	uint32_t opos = x->args[1]->pos;
	switch (op) {
	case SQL_OP_AND:
	case SQL_OP_OR:
		if (lt != GS_BOOL || rt != GS_BOOL) {
			sql_error_set(an->err, true, lt != GS_BOOL ? x->args[0]->pos : x->args[1]->pos,
			              "argument of %s must be type bool, not type %s", binop_text(op),
			              sql_type_name(lt != GS_BOOL ? lt : rt));
			return NULL;
		}
		e->type = GS_BOOL;
		break;
	case SQL_OP_EQ: case SQL_OP_NE: case SQL_OP_LT:
	case SQL_OP_GT: case SQL_OP_LE: case SQL_OP_GE:
		if (is_num(lt) && is_num(rt)) {
			enum gs_type c = common_num(lt, rt);
			l = cast_to(an, l, c);
			r = cast_to(an, r, c);
		} else if (lt != rt) {
			type_error(an, opos, op, lt, rt);
			return NULL;
		}
		e->type = GS_BOOL;
		break;
	case SQL_OP_ADD: case SQL_OP_SUB: case SQL_OP_MUL: case SQL_OP_DIV:
		if (!is_num(lt) || !is_num(rt)) {
			type_error(an, opos, op, lt, rt);
			return NULL;
		}
		e->type = common_num(lt, rt);
		l = cast_to(an, l, e->type);
		r = cast_to(an, r, e->type);
		break;
	case SQL_OP_MOD:
		if (!is_int(lt) || !is_int(rt)) {
			type_error(an, opos, op, lt, rt);
			return NULL;
		}
		e->type = common_num(lt, rt);
		l = cast_to(an, l, e->type);
		r = cast_to(an, r, e->type);
		break;
	case SQL_OP_BAND: case SQL_OP_BOR:
		if ((lt == GS_IP && (rt == GS_IP || rt == GS_UINT)) ||
		    (rt == GS_IP && lt == GS_UINT)) {
			e->type = GS_IP;
		} else if (lt == GS_IPV6 && rt == GS_IPV6) {
			e->type = GS_IPV6;
		} else if (lt == GS_BOOL && rt == GS_BOOL) {
			e->type = GS_BOOL;
		} else if (is_int(lt) && is_int(rt)) {
			e->type = common_num(lt, rt);
			l = cast_to(an, l, e->type);
			r = cast_to(an, r, e->type);
		} else {
			type_error(an, opos, op, lt, rt);
			return NULL;
		}
		break;
	case SQL_OP_SHL: case SQL_OP_SHR:
		if (!(is_int(lt) || lt == GS_IP) || !is_int(rt)) {
			type_error(an, opos, op, lt, rt);
			return NULL;
		}
		e->type = lt;
		r = cast_to(an, r, is_signed(lt) ? GS_LLONG : GS_ULLONG);
		break;
	default:
		sql_error_set(an->err, true, x->pos, "unknown operator");
		return NULL;
	}
	if (!l || !r)
		return NULL;
	e->args[0] = l;
	e->args[1] = r;
	e->lfta_ok = l->lfta_ok && r->lfta_ok;
	e->temporal = (op >= SQL_OP_EQ) ? ((l->temporal == GS_CONSTANT && r->temporal == GS_CONSTANT)
	                                   ? GS_CONSTANT : GS_VARYING)
	                                : temporal_binop(op, l->temporal, r->temporal);
	return e;
}

static struct sql_bexpr *expr(struct an *an, const struct sql_expr *x)
{
	struct sql_bexpr *e = NULL;
	if (++an->depth > 500) {
		sql_error_set(an->err, true, x->pos, "expression too deeply nested");
		return NULL;
	}
	switch (x->kind) {
	case SQL_E_INT: case SQL_E_FLOAT: case SQL_E_STRING: case SQL_E_BOOL:
	case SQL_E_IP: case SQL_E_IP6: case SQL_E_HEX:
		e = literal(an, x);
		break;
	case SQL_E_PARAM: {
		const struct sql_analyzed *r = an->r;
		for (uint32_t i = 0; i < r->nparams; i++)
			if (strcmp(r->params[i].name, x->name) == 0) {
				if (!(e = node(an, SQL_BX_PARAM, x->pos, 0)))
					break;
				e->param = (int)i;
				e->type = r->params[i].type;
				e->temporal = GS_CONSTANT;
				break;
			}
		if (!e && !an->err->msg[0]) {
			sql_error_set(an->err, true, x->pos, "parameter $%s is not declared", x->name);
			snprintf(an->err->hint, sizeof an->err->hint,
			         "declare it before SELECT: PARAM { %s uint; }", x->name);
		}
		break;
	}
	case SQL_E_DEFREF: {
		const struct sql_define *d = sql_query_define(an->q, x->name);
		if (!d) {
			sql_error_set(an->err, true, x->pos, "#%s is not defined in this query's DEFINE block",
			              x->name);
			break;
		}
		if (!(e = node(an, SQL_BX_CONST, x->pos, 0)))
			break;
		e->type = GS_STRING;
		e->temporal = GS_CONSTANT;
		e->val.s.p = (const uint8_t *)d->value;
		e->val.s.len = d->value_len;
		break;
	}
	case SQL_E_COLUMN:
		e = bind_column(an, x);
		break;
	case SQL_E_STAR:
		sql_error_set(an->err, true, x->pos, "* is only allowed as a whole select item or in COUNT(*)");
		break;
	case SQL_E_UNARY: {
		struct sql_bexpr *a = expr(an, x->args[0]);
		if (!a)
			break;
		if (!(e = node(an, SQL_BX_UNARY, x->pos, 1)))
			break;
		e->op = x->op;
		e->lfta_ok = a->lfta_ok;
		if (x->op == '!') {
			if (a->type != GS_BOOL) {
				sql_error_set(an->err, true, x->pos,
				              "argument of NOT must be type bool, not type %s", sql_type_name(a->type));
				return NULL;
			}
			e->type = GS_BOOL;
		} else if (x->op == '-') {
			if (!is_num(a->type)) {
				sql_error_set(an->err, true, x->pos, "operator does not exist: - %s",
				              sql_type_name(a->type));
				return NULL;
			}
			e->type = a->type == GS_UINT ? GS_INT : a->type == GS_ULLONG ? GS_LLONG : a->type;
			a = cast_to(an, a, e->type);
			if (a && a->kind == SQL_BX_CONST) {
				/* fold negative literals: -1 is a constant */
				if (e->type == GS_FLOAT)
					a->val.f = -a->val.f;
				else
					a->val.i = neg_const(a->val.i, e->type);
				an->depth--;
				return a;
			}
		} else {
			if (!is_int(a->type) && a->type != GS_IP) {
				sql_error_set(an->err, true, x->pos, "operator does not exist: ~ %s",
				              sql_type_name(a->type));
				return NULL;
			}
			e->type = a->type;
		}
		e->args[0] = a;
		e->temporal = x->op == '-' ? (a->temporal == GS_INCREASING ? GS_DECREASING
		                              : a->temporal == GS_DECREASING ? GS_INCREASING : a->temporal)
		                           : (a->temporal == GS_CONSTANT ? GS_CONSTANT : GS_VARYING);
		break;
	}
	case SQL_E_BINARY:
		e = binary(an, x);
		break;
	case SQL_E_CALL:
	case SQL_E_PRED:
		e = call(an, x);
		if (e && x->kind == SQL_E_PRED && e->type != GS_BOOL) {
			sql_error_set(an->err, true, x->pos, "%s is not a predicate: it returns %s",
			              x->name, sql_type_name(e->type));
			return NULL;
		}
		break;
	case SQL_E_IN: {
		struct sql_bexpr *l = expr(an, x->args[0]);
		if (!l)
			break;
		if (!(e = node(an, SQL_BX_IN, x->pos, x->nargs)))
			break;
		enum gs_type t = l->type;
		for (uint32_t i = 1; i < x->nargs; i++) {
			struct sql_bexpr *a = expr(an, x->args[i]);
			if (!a)
				return NULL;
			if (a->kind != SQL_BX_CONST && a->kind != SQL_BX_PARAM) {
				sql_error_set(an->err, true, x->args[i]->pos, "IN list entries must be constants");
				return NULL;
			}
			if (is_num(t) && is_num(a->type))
				t = common_num(t, a->type);
			else if (a->type != t) {
				type_error(an, x->args[i]->pos, SQL_OP_EQ, l->type, a->type);
				return NULL;
			}
			e->args[i] = a;
		}
		e->args[0] = cast_to(an, l, t);
		for (uint32_t i = 1; i < x->nargs; i++)
			e->args[i] = cast_to(an, e->args[i], t);
		e->type = GS_BOOL;
		e->lfta_ok = l->lfta_ok;
		e->temporal = l->temporal == GS_CONSTANT ? GS_CONSTANT : GS_VARYING;
		break;
	}
	}
	an->depth--;
	return e;
}

/* ---- the query ---------------------------------------------------------- */

/* Does the syntax tree call an aggregate? */
static bool ast_has_agg(const struct sql_expr *x)
{
	if (!x)
		return false;
	if (x->kind == SQL_E_CALL) {
		const struct sql_func *f = sql_func_lookup(x->name, NULL);
		if ((f && f->kind == SQL_FK_AGGREGATE) || x->super_agg)
			return true;
	}
	for (uint32_t i = 0; i < x->nargs; i++)
		if (ast_has_agg(x->args[i]))
			return true;
	return false;
}

/* Add group variable `name` = e (or find it when a pattern names it again);
 * returns its index or -1. */
static int add_group_var(struct an *an, const char *name, struct sql_bexpr *e, uint32_t pos,
                         bool may_exist)
{
	struct sql_analyzed *r = an->r;
	for (uint32_t j = 0; j < r->ngb; j++)
		if (strcasecmp(r->gb[j].name, name) == 0) {
			if (may_exist && sql_bexpr_equal(r->gb[j].expr, e))
				return (int)j;
			sql_error_set(an->err, true, pos, "group variable \"%s\" is named twice", name);
			return -1;
		}
	if (r->ngb == 64) {
		sql_error_set(an->err, true, pos, "more than 64 group variables");
		return -1;
	}
	if (e->temporal == GS_INCREASING || e->temporal == GS_DECREASING) {
		if (r->temporal_gb >= 0) {
			sql_error_set(an->err, true, pos,
			              "more than one temporal group variable (\"%s\" and \"%s\")",
			              r->gb[r->temporal_gb].name, name);
			snprintf(an->err->hint, sizeof an->err->hint,
			         "an aggregation closes its groups on one temporal variable: wrap the "
			         "others in non_temporal(), as in GROUP BY ..., non_temporal(expr) AS %s",
			         name);
			return -1;
		}
		r->temporal_gb = (int)r->ngb;
	}
	r->gb[r->ngb].name = name;
	r->gb[r->ngb].expr = e;
	r->gb[r->ngb].pos = pos;
	return (int)r->ngb++;
}

/* A member of CUBE/ROLLUP/GROUPING_SETS: a field or column name. */
static int pattern_member(struct an *an, const struct sql_expr *x)
{
	if (x->kind != SQL_E_COLUMN) {
		sql_error_set(an->err, true, x->pos,
		              "CUBE, ROLLUP and GROUPING_SETS take names; name an expression "
		              "with expr AS name in GROUP BY and use the name");
		return -1;
	}
	struct sql_analyzed *r = an->r;
	for (uint32_t j = 0; j < r->ngb; j++)
		if (strcasecmp(r->gb[j].name, x->name) == 0)
			return (int)j;
	struct sql_bexpr *e = expr(an, x);
	if (!e)
		return -1;
	const char *name = e->kind == SQL_BX_FIELD ? cap_field_at((size_t)e->field)->name : x->name;
	return add_group_var(an, name, e, x->pos, true);
}

/* The sets of one pattern, as masks; returns how many or -1. */
static int pattern_sets(struct an *an, const struct sql_group_item *g, uint64_t *out, uint32_t max)
{
	int idx[64];
	uint32_t n = 0;
	if (g->kind == SQL_GB_GROUPING_SETS) {
		uint32_t k = 0;
		uint64_t m = 0;
		for (uint32_t i = 0; i <= g->nlist; i++) {
			if (i == g->nlist || !g->list[i]) {
				if (k == max)
					goto too_many;
				out[k++] = m;
				m = 0;
				continue;
			}
			int v = pattern_member(an, g->list[i]);
			if (v < 0)
				return -1;
			m |= 1ull << v;
		}
		return (int)k;
	}
	for (uint32_t i = 0; i < g->nlist; i++) {
		if (!g->list[i] || n == 16) {
			sql_error_set(an->err, true, g->pos, "CUBE and ROLLUP take 1 to 16 names");
			return -1;
		}
		if ((idx[n++] = pattern_member(an, g->list[i])) < 0)
			return -1;
	}
	if (g->kind == SQL_GB_ROLLUP) {
		/* (a, b, c), (a, b), (a), () */
		if (n + 1 > max)
			goto too_many;
		for (uint32_t len = n + 1; len-- > 0;) {
			uint64_t m = 0;
			for (uint32_t i = 0; i < len; i++)
				m |= 1ull << idx[i];
			out[n - len] = m;
		}
		return (int)n + 1;
	}
	/* CUBE: every subset, the full one first */
	if ((1u << n) > max)
		goto too_many;
	for (uint32_t s = 0; s < (1u << n); s++) {
		uint32_t sub = (1u << n) - 1 - s;
		uint64_t m = 0;
		for (uint32_t i = 0; i < n; i++)
			if (sub & (1u << (n - 1 - i))) /* the first name is the high bit: (a,b), (a), (b), () */
				m |= 1ull << idx[i];
		out[s] = m;
	}
	return 1 << n;
too_many:
	sql_error_set(an->err, true, g->pos, "too many grouping sets (at most %u)", max);
	return -1;
}

#define MAX_SETS 256

/* GROUP BY: group variables (named expressions over the input), and the
 * grouping sets their patterns make. */
static int analyze_group_by(struct an *an)
{
	const struct sql_query *q = an->q;
	struct sql_analyzed *r = an->r;
	r->temporal_gb = -1;
	r->gb = sql_arena_alloc(an->a, 64 * sizeof *r->gb);
	uint64_t *sets = sql_arena_alloc(an->a, MAX_SETS * sizeof *sets);
	uint64_t *tmp = sql_arena_alloc(an->a, MAX_SETS * sizeof *tmp);
	uint64_t *pat = sql_arena_alloc(an->a, MAX_SETS * sizeof *pat);
	if (!r->gb || !sets || !tmp || !pat) {
		sql_error_set(an->err, false, 0, "out of memory");
		return -1;
	}
	an->clause = "GROUP BY";
	uint64_t plain = 0;
	uint32_t nsets = 1;
	sets[0] = 0;
	bool patterns = false;
	for (uint32_t i = 0; i < q->ngroup_by; i++) {
		const struct sql_group_item *g = &q->group_by[i];
		if (g->kind != SQL_GB_EXPR) {
			int k = pattern_sets(an, g, pat, MAX_SETS);
			if (k < 0)
				return -1;
			patterns = true;
			/* cross product with the sets so far */
			if ((uint64_t)nsets * (uint64_t)k > MAX_SETS) {
				sql_error_set(an->err, true, g->pos, "too many grouping sets (at most %u)", MAX_SETS);
				return -1;
			}
			uint32_t n = 0;
			for (uint32_t a = 0; a < nsets; a++)
				for (int b = 0; b < k; b++)
					tmp[n++] = sets[a] | pat[b];
			memcpy(sets, tmp, n * sizeof *sets);
			nsets = n;
			continue;
		}
		struct sql_bexpr *e = expr(an, g->expr);
		if (!e)
			return -1;
		const char *name = g->alias;
		if (!name) {
			if (g->expr->kind != SQL_E_COLUMN) {
				sql_error_set(an->err, true, g->pos,
				              "a GROUP BY expression needs a name: write it as expr AS name");
				return -1;
			}
			name = e->kind == SQL_BX_FIELD ? cap_field_at((size_t)e->field)->name : g->expr->name;
		}
		int v = add_group_var(an, name, e, g->pos, false);
		if (v < 0)
			return -1;
		plain |= 1ull << v;
	}
	for (uint32_t i = 0; i < nsets; i++)
		sets[i] |= plain;
	if (patterns && r->temporal_gb >= 0 && !(plain & (1ull << r->temporal_gb))) {
		sql_error_set(an->err, true, r->gb[r->temporal_gb].pos,
		              "the temporal group variable \"%s\" cannot be rolled up: put it outside "
		              "CUBE, ROLLUP and GROUPING_SETS", r->gb[r->temporal_gb].name);
		return -1;
	}
	r->sets = sets;
	r->nsets = patterns ? nsets : 1;
	if (!patterns)
		sets[0] = r->ngb == 64 ? ~0ull : (1ull << r->ngb) - 1;
	an->clause = NULL;
	return 0;
}

static int analyze_defines(struct an *an)
{
	const struct sql_define *d = sql_query_define(an->q, "aggregate_slots");
	if (d) {
		char *end;
		unsigned long v = strtoul(d->value, &end, 10);
		if (!d->value[0] || *end || v < 1 || v > (1ul << 24) || (v & (v - 1))) {
			sql_error_set(an->err, true, d->pos,
			              "aggregate_slots must be a power of two from 1 to 16777216, not '%s'",
			              d->value);
			return -1;
		}
		an->r->aggregate_slots = (uint32_t)v;
	}
	d = sql_query_define(an->q, "select_lfta");
	if (d)
		an->r->select_lfta = !(strcasecmp(d->value, "false") == 0 || strcmp(d->value, "0") == 0);
	return 0;
}

static const char *default_name(const struct sql_expr *x)
{
	switch (x->kind) {
	case SQL_E_COLUMN: return x->name;
	case SQL_E_CALL: case SQL_E_PRED: return x->name;
	default: return "?column?";
	}
}

/* Fields that SELECT * shows: a protocol's own fields and those of the IPv4
 * layer below it (payload strings and fields that only some packets have
 * are left out: name them to get them). */
static bool in_star(int proto, const struct cap_field *f)
{
	static const char *const skip[] = {
		"srcMAC", "destMAC", "ethertype", "vlan_id", "inner_vlan_id", "TCP_data", "UDP_data",
	};
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (strcmp(f->name, skip[i]) == 0)
			return false;
	if (!cap_proto_sees((enum cap_proto)proto, f->proto))
		return false;
	if (f->proto == CAP_P_IPV6 && proto != CAP_P_IPV6)
		return false;
	return true;
}

static int add_col(struct an *an, uint32_t *cap, const char *name, struct sql_bexpr *e, uint32_t pos)
{
	struct sql_analyzed *r = an->r;
	if (r->ncols == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 16;
		struct sql_out_col *n = sql_arena_alloc(an->a, ncap * sizeof *n);
		if (!n) {
			sql_error_set(an->err, false, 0, "out of memory");
			return -1;
		}
		if (r->ncols)
			memcpy(n, r->cols, r->ncols * sizeof *n);
		r->cols = n;
		*cap = ncap;
	}
	r->cols[r->ncols].name = name;
	r->cols[r->ncols].expr = e;
	r->cols[r->ncols].pos = pos;
	r->ncols++;
	return 0;
}

static int bind_source(struct an *an)
{
	const struct sql_query *q = an->q;
	struct sql_analyzed *r = an->r;
	if (q->nfrom == 0) {
		sql_error_set(an->err, true, q->pos, "a query needs a FROM clause");
		return -1;
	}
	const struct sql_from *f = &q->from[0];
	an->src_name = f->name;
	an->var = f->var;
	r->iface = f->iface;
	const struct sql_stream_schema *s = NULL;
	if (!f->iface && an->cat && an->cat->lookup)
		s = an->cat->lookup(an->cat->ctx, f->name);
	if (s) {
		r->src_kind = SQL_SRC_STREAM;
		r->stream = s;
		return 0;
	}
	int p = cap_proto_lookup(f->name);
	if (p < 0) {
		sql_error_set(an->err, true, f->pos, "unknown protocol or stream \"%s\"", f->name);
		struct suggest sg = { f->name, NULL, 99 };
		for (int i = 0; i < CAP_NPROTOS; i++)
			consider(&sg, cap_proto_info((enum cap_proto)i)->name);
		if (an->cat && an->cat->each)
			an->cat->each(an->cat->ctx, consider_cb, &sg);
		if (sg.best)
			snprintf(an->err->hint, sizeof an->err->hint, "did you mean \"%s\"?", sg.best);
		else
			snprintf(an->err->hint, sizeof an->err->hint,
			         "\\schema lists the protocols and streams");
		return -1;
	}
	r->src_kind = SQL_SRC_PROTOCOL;
	r->proto = p;
	return 0;
}

struct sql_analyzed *sql_analyze(const struct sql_query *q, struct sql_arena *a,
                                 const struct sql_catalog *cat, struct sql_error *err)
{
	struct an an = { .a = a, .cat = cat, .err = err, .q = q };
	struct sql_analyzed *r = sql_arena_alloc(a, sizeof *r);
	if (!r) {
		sql_error_set(err, false, 0, "out of memory");
		return NULL;
	}
	an.r = r;
	r->q = q;
	const struct sql_define *qn = sql_query_define(q, "query_name");
	if (qn) {
		/* a stream name is a GSQL name: it must be usable after FROM */
		bool ok = qn->value_len > 0 && qn->value_len <= 63 &&
		          (isalpha((unsigned char)qn->value[0]) || qn->value[0] == '_');
		for (uint32_t i = 0; ok && i < qn->value_len; i++)
			ok = isalnum((unsigned char)qn->value[i]) || qn->value[i] == '_';
		if (!ok) {
			sql_error_set(err, true, qn->pos,
			              "invalid query_name: a name of letters, digits and _ (at most 63) is needed");
			return NULL;
		}
		if (cap_proto_lookup(qn->value) >= 0) {
			sql_error_set(err, true, qn->pos, "query_name \"%s\" is the name of a protocol",
			              qn->value);
			return NULL;
		}
		r->query_name = qn->value;
	}
	if (q->nparams) {
		r->params = sql_arena_alloc(a, q->nparams * sizeof *r->params);
		if (!r->params) {
			sql_error_set(err, false, 0, "out of memory");
			return NULL;
		}
		for (uint32_t i = 0; i < q->nparams; i++) {
			int t = sql_type_lookup(q->params[i].type_name);
			if (t < 0) {
				sql_error_set(err, true, q->params[i].pos, "type \"%s\" does not exist",
				              q->params[i].type_name);
				return NULL;
			}
			for (uint32_t j = 0; j < i; j++)
				if (strcmp(r->params[j].name, q->params[i].name) == 0) {
					sql_error_set(err, true, q->params[i].pos,
					              "parameter $%s is declared twice", q->params[i].name);
					return NULL;
				}
			r->params[i].name = q->params[i].name;
			r->params[i].type = (enum gs_type)t;
			r->params[i].pos = q->params[i].pos;
		}
		r->nparams = q->nparams;
	}
	if (bind_source(&an) < 0)
		return NULL;
	if (analyze_defines(&an) < 0)
		return NULL;
	r->temporal_gb = -1;
	r->is_aggregation = q->ngroup_by > 0 || ast_has_agg(q->having);
	for (uint32_t i = 0; i < q->nselect; i++)
		if (ast_has_agg(q->select[i].expr))
			r->is_aggregation = true;
	if (r->is_aggregation && analyze_group_by(&an) < 0)
		return NULL;
	if (q->nsupergroup) {
		if (!r->is_aggregation) {
			sql_error_set(err, true, q->supergroup_pos, "SUPERGROUP needs GROUP BY");
			return NULL;
		}
		for (uint32_t i = 0; i < q->nsupergroup; i++) {
			uint32_t j;
			for (j = 0; j < r->ngb; j++)
				if (strcasecmp(r->gb[j].name, q->supergroup[i]) == 0)
					break;
			if (j == r->ngb) {
				sql_error_set(err, true, q->supergroup_pos,
				              "SUPERGROUP names \"%s\", which is not a group variable",
				              q->supergroup[i]);
				return NULL;
			}
			r->super_mask |= 1ull << j;
		}
	}
	/* a supergroup lives within one bucket */
	if (r->temporal_gb >= 0)
		r->super_mask |= 1ull << r->temporal_gb;
	an.group_scope = r->is_aggregation;
	an.clause = "the select list";

	uint32_t cap = 0;
	for (uint32_t i = 0; i < q->nselect; i++) {
		const struct sql_select_item *it = &q->select[i];
		if (it->expr->kind == SQL_E_STAR) {
			if (r->is_aggregation) {
				sql_error_set(err, true, it->pos, "SELECT * is not allowed in an aggregation");
				return NULL;
			}
			if (it->expr->qual) {
				bool ok = (an.var && strcasecmp(it->expr->qual, an.var) == 0) ||
				          (!an.var && strcasecmp(it->expr->qual, an.src_name) == 0);
				if (!ok) {
					sql_error_set(err, true, it->pos, "missing FROM-clause entry for \"%s\"",
					              it->expr->qual);
					return NULL;
				}
			}
			if (r->src_kind == SQL_SRC_STREAM) {
				for (uint32_t c = 0; c < r->stream->ncols; c++) {
					struct sql_bexpr *e = node(&an, SQL_BX_COL, it->pos, 0);
					if (!e)
						return NULL;
					e->col = (int)c;
					e->type = r->stream->types[c];
					e->temporal = r->stream->temporal[c];
					e->lfta_ok = false;
					if (add_col(&an, &cap, r->stream->col_names[c], e, it->pos) < 0)
						return NULL;
				}
			} else {
				for (size_t fi = 0; fi < cap_nfields(); fi++) {
					const struct cap_field *cf = cap_field_at(fi);
					if (!in_star(r->proto, cf))
						continue;
					struct sql_bexpr *e = node(&an, SQL_BX_FIELD, it->pos, 0);
					if (!e)
						return NULL;
					e->field = (int)fi;
					e->type = cf->type;
					e->temporal = cf->temporal;
					if (add_col(&an, &cap, cf->name, e, it->pos) < 0)
						return NULL;
				}
			}
			continue;
		}
		struct sql_bexpr *e = expr(&an, it->expr);
		if (!e)
			return NULL;
		const char *name = it->alias ? it->alias : default_name(it->expr);
		if (e->kind == SQL_BX_FIELD && !it->alias)
			name = cap_field_at((size_t)e->field)->name;
		if (e->kind == SQL_BX_GBVAR && !it->alias)
			name = r->gb[e->col].name;
		if (add_col(&an, &cap, name, e, it->pos) < 0)
			return NULL;
	}
	if (r->query_name) {
		for (uint32_t i = 0; i < r->ncols; i++)
			for (uint32_t j = 0; j < i; j++)
				if (strcasecmp(r->cols[i].name, r->cols[j].name) == 0) {
					sql_error_set(err, true, r->cols[i].pos,
					              "column name \"%s\" appears twice in stream %s; name one with AS",
					              r->cols[i].name, r->query_name);
					return NULL;
				}
	}
	if (q->having) {
		if (!r->is_aggregation) {
			sql_error_set(err, true, q->having->pos, "HAVING needs an aggregation");
			return NULL;
		}
		an.clause = "HAVING";
		struct sql_bexpr *h = expr(&an, q->having);
		if (!h)
			return NULL;
		if (h->type != GS_BOOL) {
			sql_error_set(err, true, q->having->pos,
			              "argument of HAVING must be type bool, not type %s", sql_type_name(h->type));
			return NULL;
		}
		r->having = h;
	}
	if (q->closing_when) {
		if (!r->is_aggregation || r->temporal_gb < 0) {
			sql_error_set(err, true, q->closing_when->pos,
			              "CLOSING_WHEN needs an aggregation with a temporal group variable");
			return NULL;
		}
		if (r->nsets > 1) {
			sql_error_set(err, true, q->closing_when->pos,
			              "CLOSING_WHEN cannot be combined with CUBE, ROLLUP or GROUPING_SETS");
			return NULL;
		}
		an.clause = "CLOSING_WHEN";
		struct sql_bexpr *c = expr(&an, q->closing_when);
		if (!c)
			return NULL;
		if (c->type != GS_BOOL) {
			sql_error_set(err, true, q->closing_when->pos,
			              "argument of CLOSING_WHEN must be type bool, not type %s",
			              sql_type_name(c->type));
			return NULL;
		}
		r->closing_when = c;
	}
	if (r->nsupers && (r->nsets > 1 || r->closing_when)) {
		sql_error_set(err, true, r->supers[0].pos, "super-aggregates cannot be combined with %s",
		              r->closing_when ? "CLOSING_WHEN" : "CUBE, ROLLUP or GROUPING_SETS");
		return NULL;
	}
	an.group_scope = false;
	an.clause = "WHERE";
	if (q->where) {
		struct sql_bexpr *w = expr(&an, q->where);
		if (!w)
			return NULL;
		if (w->type != GS_BOOL) {
			sql_error_set(err, true, q->where->pos,
			              "argument of WHERE must be type bool, not type %s", sql_type_name(w->type));
			return NULL;
		}
		uint32_t aggpos = 0;
		sql_bexpr_walk(w, find_agg, &aggpos);
		if (aggpos) {
			sql_error_set(err, true, aggpos - 1, "aggregate functions are not allowed in WHERE");
			return NULL;
		}
		r->where = w;
	}
	return r;
}
