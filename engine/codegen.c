/*
 * codegen.c: writes the C source of a query's module.
 *
 * The LFTA part is a gs_lfta_module (lfta_abi.h): per packet, test the
 * protocol, fetch each field once through its bounds-checked accessor
 * (capture/accessors.h), evaluate the LFTA conjuncts in order, build the
 * output tuple and hand it to the sink.  The HFTA part is a
 * gs_hfta_select: the remaining conjuncts and the select list over the
 * tuples the LFTA emits.  Both parts are compiled from one expression
 * generator, with the operators of gs_ops.h, so a predicate means the same
 * thing at either level.
 *
 * Nothing from the query's text is pasted into the C source as text:
 * identifiers are generated (t1, f3, lit2), string and byte constants are
 * written as lists of numbers, floats in hexadecimal notation.  The query
 * name reaches the module only as such a byte list.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* ---- growable strings ----------------------------------------------------- */

void eng_buf_put(struct eng_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void eng_buf_printf(struct eng_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		eng_buf_put(b, tmp, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	eng_buf_put(b, big, (size_t)n);
	free(big);
}

void eng_buf_free(struct eng_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

uint64_t eng_fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* ---- expressions -------------------------------------------------------- */

struct cg {
	struct eng_buf *body;   /* statements of the current function */
	struct eng_buf *lits;   /* file-scope constants */
	int ntmp;
	int *nlit;              /* literal counter shared by the whole module */
	bool hfta;              /* BX_COL reads in[], BX_FIELD is not allowed */
	int *field_tmp;         /* LFTA: temp holding each fetched field, or 0 */
	int nregex;
	struct sql_error *err;
	const struct eng_plan *plan; /* for group variables and aggregates */
};

static const char *ctype(enum gs_type t)
{
	switch (t) {
	case GS_INT: case GS_LLONG: return "int64_t";
	case GS_FLOAT: return "double";
	case GS_IPV6: return "gs_ip6";
	case GS_STRING: return "gs_str";
	default: return "uint64_t";
	}
}

/* The gs_value member a type lives in. */
static const char *member(enum gs_type t)
{
	switch (t) {
	case GS_INT: case GS_LLONG: return "i";
	case GS_FLOAT: return "f";
	case GS_IPV6: return "ip6";
	case GS_STRING: return "s";
	default: return "u";
	}
}

/* The C type an accessor of this GSQL type writes (capture/accessors.h). */
static const char *acc_ctype(enum gs_type t)
{
	switch (t) {
	case GS_INT: return "int32_t";
	case GS_ULLONG: return "uint64_t";
	case GS_LLONG: return "int64_t";
	case GS_FLOAT: return "double";
	case GS_IPV6: return "gs_ip6";
	case GS_STRING: return "gs_str";
	default: return "uint32_t";
	}
}

static bool is_signed(enum gs_type t) { return t == GS_INT || t == GS_LLONG; }

/* Write bytes as a C array of numbers: the bytes never become C text. */
static int emit_bytes(struct cg *cg, const uint8_t *p, size_t n)
{
	int id = ++*cg->nlit;
	eng_buf_printf(cg->lits, "static const uint8_t lit%d[%zu] = {", id, n ? n : 1);
	if (n == 0)
		eng_buf_put(cg->lits, "0", 1);
	for (size_t i = 0; i < n; i++)
		eng_buf_printf(cg->lits, "%s%u", i ? (i % 24 ? "," : ",\n\t") : "", (unsigned)p[i]);
	eng_buf_put(cg->lits, "};\n", 3);
	return id;
}

static int new_tmp(struct cg *cg, enum gs_type t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int new_tmp(struct cg *cg, enum gs_type t, const char *fmt, ...)
{
	int id = ++cg->ntmp;
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	eng_buf_printf(cg->body, "\t%s t%d = %s;\n", ctype(t), id, tmp);
	return id;
}

/* A temp of type t from a gs_value expression (params, input columns). */
static int from_value(struct cg *cg, enum gs_type t, const char *lvalue)
{
	return new_tmp(cg, t, "%s.%s", lvalue, member(t));
}

/* Truncate an integer temp to its GSQL width (uint and int are 32-bit). */
static int narrow(struct cg *cg, enum gs_type t, int x)
{
	if (t == GS_UINT || t == GS_IP)
		return new_tmp(cg, t, "gs_u32(t%d)", x);
	if (t == GS_INT)
		return new_tmp(cg, t, "gs_i32(t%d)", x);
	return x;
}

static int gen(struct cg *cg, const struct sql_bexpr *e);
static int gen_convert(struct cg *cg, enum gs_type from, enum gs_type to, int x);

static int gen_const(struct cg *cg, const struct sql_bexpr *e)
{
	switch (e->type) {
	case GS_FLOAT:
		return new_tmp(cg, e->type, "%a", e->val.f);
	case GS_INT: case GS_LLONG:
		return new_tmp(cg, e->type, "(int64_t)UINT64_C(0x%" PRIx64 ")", (uint64_t)e->val.i);
	case GS_IPV6: {
		int l = emit_bytes(cg, e->val.ip6.b, 16);
		int t = new_tmp(cg, e->type, "(gs_ip6){{0}}");
		eng_buf_printf(cg->body, "\tmemcpy(t%d.b, lit%d, 16);\n", t, l);
		return t;
	}
	case GS_STRING: {
		int l = emit_bytes(cg, e->val.s.p, e->val.s.len);
		return new_tmp(cg, e->type, "(gs_str){ lit%d, %" PRIu32 "u }", l, e->val.s.len);
	}
	default:
		return new_tmp(cg, e->type, "UINT64_C(0x%" PRIx64 ")", e->val.u);
	}
}

static int gen_field(struct cg *cg, const struct sql_bexpr *e)
{
	if (cg->field_tmp[e->field])
		return cg->field_tmp[e->field];
	const struct cap_field *f = cap_field_at((size_t)e->field);
	int a = ++cg->ntmp;
	eng_buf_printf(cg->body, "\t%s a%d;\n\tif (!%s(p, &a%d))\n\t\treturn 0;\n",
	               acc_ctype(f->type), a, f->accessor, a);
	int t = new_tmp(cg, f->type, "a%d", a);
	cg->field_tmp[e->field] = t;
	return t;
}

static const char *cmp_op(int op)
{
	switch (op) {
	case SQL_OP_EQ: return "==";
	case SQL_OP_NE: return "!=";
	case SQL_OP_LT: return "<";
	case SQL_OP_GT: return ">";
	case SQL_OP_LE: return "<=";
	default: return ">=";
	}
}

/* A comparison of two temps of type t, as a C expression string. */
static void cmp_expr(char *out, size_t n, enum gs_type t, int op, int a, int b)
{
	if (t == GS_STRING)
		snprintf(out, n, "(uint64_t)(gs_cmp_str(t%d, t%d) %s 0)", a, b, cmp_op(op));
	else if (t == GS_IPV6)
		snprintf(out, n, "(uint64_t)(gs_cmp_ip6(&t%d, &t%d) %s 0)", a, b, cmp_op(op));
	else
		snprintf(out, n, "(uint64_t)(t%d %s t%d)", a, cmp_op(op), b);
}

static int gen_binary(struct cg *cg, const struct sql_bexpr *e)
{
	int a = gen(cg, e->args[0]);
	int b = gen(cg, e->args[1]);
	if (a < 0 || b < 0)
		return -1;
	enum gs_type t = e->type, at = e->args[0]->type;
	bool sg = is_signed(t);
	char c[256];
	switch (e->op) {
	case SQL_OP_AND:
		return new_tmp(cg, t, "(uint64_t)(t%d && t%d)", a, b);
	case SQL_OP_OR:
		return new_tmp(cg, t, "(uint64_t)(t%d || t%d)", a, b);
	case SQL_OP_EQ: case SQL_OP_NE: case SQL_OP_LT:
	case SQL_OP_GT: case SQL_OP_LE: case SQL_OP_GE:
		/* x < x (one field on both sides shares its temp): compare with a
		 * copy, or the compiler warns of a self-comparison */
		if (a == b && (b = new_tmp(cg, at, "t%d", a)) < 0)
			return -1;
		cmp_expr(c, sizeof c, at, e->op, a, b);
		return new_tmp(cg, t, "%s", c);
	case SQL_OP_ADD: case SQL_OP_SUB: case SQL_OP_MUL: {
		const char *sym = e->op == SQL_OP_ADD ? "+" : e->op == SQL_OP_SUB ? "-" : "*";
		const char *fn = e->op == SQL_OP_ADD ? "gs_add_i64" : e->op == SQL_OP_SUB ? "gs_sub_i64" : "gs_mul_i64";
		int r;
		if (t == GS_FLOAT)
			r = new_tmp(cg, t, "t%d %s t%d", a, sym, b);
		else if (sg)
			r = new_tmp(cg, t, "%s(t%d, t%d)", fn, a, b);
		else
			r = new_tmp(cg, t, "t%d %s t%d", a, sym, b);
		return narrow(cg, t, r);
	}
	case SQL_OP_DIV: case SQL_OP_MOD: {
		const char *fn = t == GS_FLOAT ? "gs_div_f"
		               : sg ? (e->op == SQL_OP_DIV ? "gs_div_i64" : "gs_mod_i64")
		                    : (e->op == SQL_OP_DIV ? "gs_div_u64" : "gs_mod_u64");
		int r = ++cg->ntmp;
		eng_buf_printf(cg->body, "\t%s t%d;\n\tif (!%s(t%d, t%d, &t%d))\n\t\treturn 0;\n",
		               ctype(t), r, fn, a, b, r);
		return narrow(cg, t, r);
	}
	case SQL_OP_BAND: case SQL_OP_BOR: {
		if (t == GS_IPV6)
			return new_tmp(cg, t, "%s(t%d, t%d)", e->op == SQL_OP_BAND ? "gs_and_ip6" : "gs_or_ip6", a, b);
		return new_tmp(cg, t, "t%d %s t%d", a, e->op == SQL_OP_BAND ? "&" : "|", b);
	}
	case SQL_OP_SHL: case SQL_OP_SHR: {
		const char *fn = sg ? (e->op == SQL_OP_SHL ? "gs_shl_i64" : "gs_shr_i64")
		                    : (e->op == SQL_OP_SHL ? "gs_shl_u64" : "gs_shr_u64");
		int r = new_tmp(cg, t, "%s(t%d, t%d)", fn, a, b);
		return narrow(cg, t, r);
	}
	}
	sql_error_set(cg->err, true, e->pos, "internal error: operator %d has no code", e->op);
	return -1;
}

/* Convert temp x of type from to type to. */
static int gen_convert(struct cg *cg, enum gs_type from, enum gs_type to, int x)
{
	if (from == to)
		return x;
	if (to == GS_FLOAT)
		return new_tmp(cg, to, "(double)t%d", x);
	if (from == GS_FLOAT) {
		int r = new_tmp(cg, to, "(%s)gs_f2i64(t%d)", ctype(to), x);
		return narrow(cg, to, r);
	}
	int r = new_tmp(cg, to, "(%s)t%d", ctype(to), x);
	return narrow(cg, to, r);
}

static int gen_call(struct cg *cg, const struct sql_bexpr *e)
{
	int a[3] = { 0 };
	/* a regular expression's pattern is compiled once, in init: only the
	 * subject is an expression to compute */
	uint32_t nargs = e->fn == SQL_FN_STR_REGEX_MATCH ? 1 : e->nargs;
	for (uint32_t i = 0; i < nargs && i < 3; i++)
		if ((a[i] = gen(cg, e->args[i])) < 0)
			return -1;
	const struct sql_func *f = sql_func_at(e->fn);
	switch (e->fn) {
	case SQL_FN_NON_TEMPORAL:
		return a[0];
	case SQL_FN_TO_UINT: case SQL_FN_TO_ULLONG: case SQL_FN_TO_LLONG: case SQL_FN_TO_FLOAT:
		return gen_convert(cg, e->args[0]->type, e->type, a[0]);
	case SQL_FN_STR_REGEX_MATCH: {
		if (!cg->hfta) {
			sql_error_set(cg->err, true, e->pos, "internal error: regex in the LFTA");
			return -1;
		}
		int k = cg->nregex++;
		return new_tmp(cg, GS_BOOL, "gs_regex_match(&st->re[%d], t%d)", k, a[0]);
	}
	default:
		break;
	}
	if (!f || !f->c_name) {
		sql_error_set(cg->err, true, e->pos, "internal error: function %s has no code",
		              f ? f->name : "?");
		return -1;
	}
	if (e->nargs == 1)
		return new_tmp(cg, e->type, "(%s)%s(t%d)", ctype(e->type), f->c_name, a[0]);
	return new_tmp(cg, e->type, "(%s)%s(t%d, t%d)", ctype(e->type), f->c_name, a[0], a[1]);
}

/* The final value of aggregate e->col, from the group's partials kp[]. */
static int gen_aggref(struct cg *cg, const struct sql_bexpr *e)
{
	const struct eng_plan *p = cg->plan;
	if (!p || !p->is_agg) {
		sql_error_set(cg->err, true, e->pos, "internal error: aggregate outside an aggregation");
		return -1;
	}
	uint32_t j = (uint32_t)e->col;
	uint32_t k = p->ngb + p->agg_slot[j];
	char lv[32];
	snprintf(lv, sizeof lv, "kp[%u]", k);
	if (p->an->aggs[j].fn != SQL_FN_AVG)
		return from_value(cg, p->parts[p->agg_slot[j]].type, lv);
	/* AVG: sum / count, as a float (count is never 0 for a group) */
	int sum = from_value(cg, p->parts[p->agg_slot[j]].type, lv);
	int fsum = gen_convert(cg, p->parts[p->agg_slot[j]].type, GS_FLOAT, sum);
	snprintf(lv, sizeof lv, "kp[%u]", p->ngb + p->agg_count[j]);
	int cnt = from_value(cg, GS_ULLONG, lv);
	int fcnt = gen_convert(cg, GS_ULLONG, GS_FLOAT, cnt);
	int r = ++cg->ntmp;
	eng_buf_printf(cg->body, "\tdouble t%d;\n\tif (!gs_div_f(t%d, t%d, &t%d))\n\t\treturn 0;\n",
	               r, fsum, fcnt, r);
	return r;
}

static int gen(struct cg *cg, const struct sql_bexpr *e)
{
	switch (e->kind) {
	case SQL_BX_CONST:
		return gen_const(cg, e);
	case SQL_BX_FIELD:
		if (cg->hfta) {
			sql_error_set(cg->err, true, e->pos, "internal error: packet field in the HFTA");
			return -1;
		}
		return gen_field(cg, e);
	case SQL_BX_COL: {
		char lv[32];
		snprintf(lv, sizeof lv, "in[%d]", e->col);
		return from_value(cg, e->type, lv);
	}
	case SQL_BX_PARAM: {
		char lv[48];
		snprintf(lv, sizeof lv, "st->params[%d]", e->param);
		return from_value(cg, e->type, lv);
	}
	case SQL_BX_UNARY: {
		int a = gen(cg, e->args[0]);
		if (a < 0)
			return -1;
		if (e->op == '!')
			return new_tmp(cg, e->type, "(uint64_t)!t%d", a);
		if (e->op == '-') {
			if (e->type == GS_FLOAT)
				return new_tmp(cg, e->type, "-t%d", a);
			return narrow(cg, e->type, new_tmp(cg, e->type, "gs_neg_i64(t%d)", a));
		}
		return narrow(cg, e->type, new_tmp(cg, e->type, "~t%d", a));
	}
	case SQL_BX_BINARY:
		return gen_binary(cg, e);
	case SQL_BX_CALL:
		return gen_call(cg, e);
	case SQL_BX_IN: {
		int x = gen(cg, e->args[0]);
		if (x < 0)
			return -1;
		int r = new_tmp(cg, GS_BOOL, "0");
		for (uint32_t i = 1; i < e->nargs; i++) {
			int v = gen(cg, e->args[i]);
			if (v < 0)
				return -1;
			char c[256];
			cmp_expr(c, sizeof c, e->args[0]->type, SQL_OP_EQ, x, v);
			eng_buf_printf(cg->body, "\tt%d |= %s;\n", r, c);
		}
		return r;
	}
	case SQL_BX_CAST: {
		int a = gen(cg, e->args[0]);
		return a < 0 ? -1 : gen_convert(cg, e->args[0]->type, e->type, a);
	}
	case SQL_BX_GBVAR: {
		char lv[32];
		snprintf(lv, sizeof lv, "kp[%d]", e->col);
		return from_value(cg, e->type, lv);
	}
	case SQL_BX_AGGREF:
		return gen_aggref(cg, e);
	case SQL_BX_SUPERREF: {
		char lv[32];
		snprintf(lv, sizeof lv, "sup[%d]", e->col);
		return from_value(cg, e->type, lv);
	}
	case SQL_BX_AGG:
		break;
	}
	sql_error_set(cg->err, true, e->pos, "internal error: expression has no code");
	return -1;
}

/* ---- the module ----------------------------------------------------------- */

static void emit_types(struct eng_buf *b, const char *name, const enum gs_type *t,
                       const struct sql_bexpr *const *e, uint32_t n)
{
	eng_buf_printf(b, "static const uint8_t %s[%u] = {", name, n ? n : 1);
	for (uint32_t i = 0; i < n; i++)
		eng_buf_printf(b, "%s%d", i ? ", " : "", (int)(t ? t[i] : e[i]->type));
	if (!n)
		eng_buf_put(b, "0", 1);
	eng_buf_put(b, "};\n", 3);
}

/* The module's LFTA entry point (lfta_init ... lfta_flush defined above). */
static void emit_lfta_entry(struct eng_buf *out, const struct eng_plan *p, int qname, uint32_t n_out)
{
	eng_buf_printf(out,
		"static const struct gs_lfta_module lfta_module = {\n"
		"\t.abi_version = GS_LFTA_ABI_VERSION,\n"
		"\t.n_params = %u,\n"
		"\t.schema_hash = UINT64_C(0x%016" PRIx64 "),\n"
		"\t.query_name = (const char *)lit%d,\n"
		"\t.n_out = %u,\n"
		"\t.out_types = lfta_out_types,\n"
		"\t.state_size = sizeof(struct lfta_state),\n"
		"\t.init = lfta_init,\n"
		"\t.accept = lfta_accept,\n"
		"\t.heartbeat = lfta_heartbeat,\n"
		"\t.flush = lfta_flush,\n"
		"};\n\n"
		"__attribute__((visibility(\"default\"))) const struct gs_lfta_module *gs_lfta_entry_v1(void);\n"
		"const struct gs_lfta_module *gs_lfta_entry_v1(void)\n"
		"{\n"
		"\treturn &lfta_module;\n"
		"}\n",
		p->an->nparams, cap_schema_hash(), qname, n_out);
}

static int emit_lfta(struct eng_plan *p, struct eng_buf *out, struct sql_error *err, int qname, int *nlit)
{
	struct eng_buf body = { 0 }, lits = { 0 };
	int *ft = calloc(cap_nfields() + 1, sizeof *ft);
	if (!ft) {
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	struct cg cg = { .body = &body, .lits = &lits, .field_tmp = ft, .err = err, .nlit = nlit };
	const struct cap_proto_info *pi = cap_proto_info((enum cap_proto)p->proto);
	int rc = 0;

	eng_buf_printf(&body, "\tif (!%s(p))\n\t\treturn 0;\n", pi->member);
	for (uint32_t i = 0; i < p->nlpred && rc == 0; i++) {
		int c = gen(&cg, p->lpred[i]);
		if (c < 0)
			rc = -1;
		else
			eng_buf_printf(&body, "\tif (!t%d)\n\t\treturn 0;\n", c);
	}
	int *outs = calloc(p->nlout + 1, sizeof *outs);
	if (!outs)
		rc = -1;
	for (uint32_t i = 0; i < p->nlout && rc == 0; i++)
		if ((outs[i] = gen(&cg, p->lout[i])) < 0)
			rc = -1;
	if (rc == 0) {
		eng_buf_printf(&body, "\tgs_value out[%u];\n\tmemset(out, 0, sizeof out);\n",
		               p->nlout ? p->nlout : 1);
		for (uint32_t i = 0; i < p->nlout; i++) {
			enum gs_type t = p->lout[i]->type;
			eng_buf_printf(&body, "\tout[%u].%s = t%d;\n", i, member(t), outs[i]);
		}
		eng_buf_printf(&body, "\tst->c.tuples_out++;\n"
		                      "\treturn st->sink.tuple(st->sink.ctx, out, %uu);\n", p->nlout);

		eng_buf_put(out, lits.p ? lits.p : "", lits.len);
		emit_types(out, "lfta_out_types", NULL, (const struct sql_bexpr *const *)p->lout, p->nlout);
		eng_buf_printf(out,
			"\nstruct lfta_state {\n"
			"\tstruct gs_lfta_counters c;\n"
			"\tconst gs_value *params;\n"
			"\tstruct gs_lfta_sink sink;\n"
			"};\n\n"
			"static int lfta_init(void *state, const gs_value *params, const struct gs_lfta_sink *sink)\n"
			"{\n"
			"\tstruct lfta_state *st = state;\n"
			"\tst->params = params;\n"
			"\tst->sink = *sink;\n"
			"\treturn 0;\n"
			"}\n\n"
			"static int lfta_accept(void *state, const struct cap_packet *p)\n"
			"{\n"
			"\tstruct lfta_state *st = state;\n"
			"\t(void)st;\n"
			"\tst->c.packets_in++;\n");
		eng_buf_put(out, body.p, body.len);
		eng_buf_printf(out,
			"}\n\n"
			"static int lfta_heartbeat(void *state, uint64_t ts_ns)\n"
			"{\n"
			"\tstruct lfta_state *st = state;\n"
			"\treturn st->sink.heartbeat(st->sink.ctx, ts_ns);\n"
			"}\n\n"
			"static int lfta_flush(void *state)\n"
			"{\n"
			"\t(void)state;\n"
			"\treturn 0;\n"
			"}\n\n");
		emit_lfta_entry(out, p, qname, p->nlout);
	}
	free(outs);
	free(ft);
	eng_buf_free(&body);
	eng_buf_free(&lits);
	return rc;
}

/* The str_regex_match calls of an expression, in the order gen() meets
 * them (children first), so that the i-th gets st->re[i]. */
struct rx_collect {
	struct sql_bexpr **v;
	uint32_t *n;
	uint32_t max;
};

static void collect_regex(struct sql_bexpr *e, void *ctx)
{
	struct rx_collect *c = ctx;
	if (e->kind == SQL_BX_CALL && e->fn == SQL_FN_STR_REGEX_MATCH && *c->n < c->max)
		c->v[(*c->n)++] = e;
}

/* Emit the patterns of the str_regex_match calls under roots (in the
 * order gen() met them) as NUL-terminated byte literals; *lit gets their
 * literal numbers (caller frees).  Returns how many, or -1. */
static int regex_literals(struct cg *cg, struct sql_bexpr *const *roots, uint32_t nroots, int **lit)
{
	uint32_t nrx = 0;
	struct sql_bexpr **rx = calloc((size_t)cg->nregex + 1, sizeof *rx);
	*lit = calloc((size_t)cg->nregex + 1, sizeof **lit);
	if (!rx || !*lit) {
		free(rx);
		free(*lit);
		*lit = NULL;
		return -1;
	}
	struct rx_collect c = { rx, &nrx, (uint32_t)cg->nregex };
	for (uint32_t i = 0; i < nroots; i++)
		if (roots[i])
			sql_bexpr_walk(roots[i], collect_regex, &c);
	for (uint32_t i = 0; i < nrx; i++) {
		const gs_value *v = &rx[i]->args[1]->val;
		uint8_t *z = malloc((size_t)v->s.len + 1);
		if (!z) {
			free(rx);
			return -1;
		}
		if (v->s.len)
			memcpy(z, v->s.p, v->s.len);
		z[v->s.len] = 0;
		(*lit)[i] = emit_bytes(cg, z, (size_t)v->s.len + 1);
		free(z);
	}
	free(rx);
	return (int)nrx;
}

/* The state of an HFTA part: parameters and compiled regular expressions,
 * with the matcher the generated code calls. */
static void emit_hfta_state(struct eng_buf *out, const char *name, uint32_t nrx)
{
	eng_buf_printf(out,
		"\nstruct %s {\n"
		"\tconst gs_value *params;\n"
		"\tint nre;\n"
		"\tregex_t re[%u];\n"
		"};\n\n"
		"static inline uint64_t gs_regex_match(const regex_t *re, gs_str s)\n"
		"{\n"
		"\tregmatch_t m[1];\n"
		"\tm[0].rm_so = 0;\n"
		"\tm[0].rm_eo = (regoff_t)s.len;\n"
		"\treturn regexec(re, s.len ? (const char *)s.p : \"\", 1, m, REG_STARTEND) == 0;\n"
		"}\n\n", name, nrx ? nrx : 1);
}

/* init and fini of an HFTA part's state. */
static void emit_hfta_init_fini(struct eng_buf *out, const char *prefix, const char *sname,
                                const int *rxlit, uint32_t nrx)
{
	eng_buf_printf(out,
		"static int %s_init(void *state, const gs_value *params)\n"
		"{\n"
		"\tstruct %s *st = state;\n"
		"\tst->params = params;\n", prefix, sname);
	for (uint32_t i = 0; i < nrx; i++)
		eng_buf_printf(out,
			"\tif (regcomp(&st->re[%u], (const char *)lit%d, REG_EXTENDED) != 0)\n"
			"\t\treturn -1;\n"
			"\tst->nre = %u;\n", i, rxlit[i], i + 1);
	eng_buf_printf(out,
		"\treturn 0;\n"
		"}\n\n"
		"static void %s_fini(void *state)\n"
		"{\n"
		"\tstruct %s *st = state;\n"
		"\tfor (int i = 0; i < st->nre; i++)\n"
		"\t\tregfree(&st->re[i]);\n"
		"\tst->nre = 0;\n"
		"}\n\n", prefix, sname);
}

static int emit_hfta(struct eng_plan *p, struct eng_buf *out, struct sql_error *err, int qname, int *nlit)
{
	struct eng_buf body = { 0 }, lits = { 0 };
	struct cg cg = { .body = &body, .lits = &lits, .hfta = true, .err = err, .nlit = nlit };
	int rc = 0;

	for (uint32_t i = 0; i < p->nhpred && rc == 0; i++) {
		int c = gen(&cg, p->hpred[i]);
		if (c < 0)
			rc = -1;
		else
			eng_buf_printf(&body, "\tif (!t%d)\n\t\treturn 0;\n", c);
	}
	for (uint32_t i = 0; i < p->nhout && rc == 0; i++) {
		int t = gen(&cg, p->hout[i]);
		if (t < 0)
			rc = -1;
		else
			eng_buf_printf(&body, "\tout[%u].%s = t%d;\n", i, member(p->hout[i]->type), t);
	}
	if (rc < 0)
		goto done;
	/* the patterns, in the order gen() met them: predicates, then outputs */
	struct sql_bexpr **roots = calloc((size_t)p->nhpred + p->nhout + 1, sizeof *roots);
	if (!roots) {
		rc = -1;
		goto done;
	}
	for (uint32_t i = 0; i < p->nhpred + p->nhout; i++)
		roots[i] = i < p->nhpred ? p->hpred[i] : p->hout[i - p->nhpred];
	int *rxlit = NULL;
	int nrx = regex_literals(&cg, roots, p->nhpred + p->nhout, &rxlit);
	free(roots);
	if (nrx < 0) {
		rc = -1;
		goto done;
	}
	p->nregex = (uint32_t)nrx;

	eng_buf_put(out, "\n#include <regex.h>\n\n", 21);
	eng_buf_put(out, lits.p ? lits.p : "", lits.len);
	emit_types(out, "hfta_in_types", p->in_types, NULL, p->nin);
	emit_types(out, "hfta_out_types", NULL, (const struct sql_bexpr *const *)p->hout, p->nhout);
	emit_hfta_state(out, "hfta_state", (uint32_t)nrx);
	emit_hfta_init_fini(out, "hfta", "hfta_state", rxlit, (uint32_t)nrx);
	eng_buf_printf(out,
		"static int hfta_select(void *state, const gs_value *in, gs_value *out)\n"
		"{\n"
		"\tstruct hfta_state *st = state;\n"
		"\t(void)st;\n"
		"\t(void)in;\n");
	eng_buf_put(out, body.p ? body.p : "", body.len);
	eng_buf_printf(out,
		"\treturn 1;\n"
		"}\n\n"
		"static const struct gs_hfta_select hfta_select_def = {\n"
		"\t.abi_version = GS_LFTA_ABI_VERSION,\n"
		"\t.n_params = %u,\n"
		"\t.schema_hash = UINT64_C(0x%016" PRIx64 "),\n"
		"\t.query_name = (const char *)lit%d,\n"
		"\t.n_in = %u,\n"
		"\t.n_out = %u,\n"
		"\t.in_types = hfta_in_types,\n"
		"\t.out_types = hfta_out_types,\n"
		"\t.state_size = sizeof(struct hfta_state),\n"
		"\t.init = hfta_init,\n"
		"\t.select = hfta_select,\n"
		"\t.fini = hfta_fini,\n"
		"};\n\n"
		"__attribute__((visibility(\"default\"))) const struct gs_hfta_select *gs_hfta_entry_v1(void);\n"
		"const struct gs_hfta_select *gs_hfta_entry_v1(void)\n"
		"{\n"
		"\treturn &hfta_select_def;\n"
		"}\n",
		p->an->nparams, cap_schema_hash(), qname, p->nin, p->nhout);
	free(rxlit);
done:
	eng_buf_free(&body);
	eng_buf_free(&lits);
	return rc;
}

/* ---- aggregation ------------------------------------------------------------ */

/* A C expression comparing gs_values a and b of type t (<0, 0, >0). */
static void cmp_values(char *out, size_t n, enum gs_type t, const char *a, const char *b)
{
	switch (t) {
	case GS_INT: case GS_LLONG:
		snprintf(out, n, "gs_cmp_i64(%s.i, %s.i)", a, b);
		break;
	case GS_FLOAT:
		snprintf(out, n, "gs_cmp_f(%s.f, %s.f)", a, b);
		break;
	case GS_IPV6:
		snprintf(out, n, "gs_cmp_ip6(&%s.ip6, &%s.ip6)", a, b);
		break;
	case GS_STRING:
		snprintf(out, n, "gs_cmp_str(%s.s, %s.s)", a, b);
		break;
	default:
		snprintf(out, n, "gs_cmp_u64(%s.u, %s.u)", a, b);
		break;
	}
}

/* Statements filling kp[0..ngb) with the group key and kp[ngb..) with the
 * partials of one input (a packet for the LFTA, a tuple for the HFTA). */
static int gen_key_parts(struct cg *cg, const struct eng_plan *p)
{
	int *t = calloc(p->ngb + p->npart + 1, sizeof *t);
	if (!t)
		return -1;
	for (uint32_t i = 0; i < p->ngb; i++)
		if ((t[i] = gen(cg, p->gb_expr[i])) < 0)
			goto fail;
	for (uint32_t i = 0; i < p->npart; i++) {
		const struct eng_part *pt = &p->parts[i];
		if (!pt->arg) {
			t[p->ngb + i] = new_tmp(cg, GS_ULLONG, "UINT64_C(1)");
			continue;
		}
		int v = gen(cg, pt->arg);
		if (v < 0)
			goto fail;
		t[p->ngb + i] = gen_convert(cg, pt->arg->type, pt->type, v);
	}
	eng_buf_printf(cg->body, "\tmemset(kp, 0, sizeof(gs_value) * %u);\n", p->ngb + p->npart);
	for (uint32_t i = 0; i < p->ngb; i++)
		eng_buf_printf(cg->body, "\tkp[%u].%s = t%d;\n", i, member(p->gb_expr[i]->type), t[i]);
	for (uint32_t i = 0; i < p->npart; i++)
		eng_buf_printf(cg->body, "\tkp[%u].%s = t%d;\n", p->ngb + i, member(p->parts[i].type),
		               t[p->ngb + i]);
	free(t);
	return 0;
fail:
	free(t);
	return -1;
}

/* The bucket function: the temporal group value of a heartbeat's time,
 * computed on a packet that has nothing but a timestamp. */
static int emit_bucket_fn(const struct eng_plan *p, struct eng_buf *out, int *nlit,
                          struct sql_error *err)
{
	if (!p->temporal_pkt)
		return 0;
	struct eng_buf body = { 0 }, lits = { 0 };
	int *ft = calloc(cap_nfields() + 1, sizeof *ft);
	if (!ft)
		return -1;
	struct cg cg = { .body = &body, .lits = &lits, .field_tmp = ft, .err = err, .nlit = nlit, .plan = p };
	int t = gen(&cg, p->temporal_pkt);
	int rc = t < 0 ? -1 : 0;
	if (rc == 0) {
		eng_buf_put(out, lits.p ? lits.p : "", lits.len);
		eng_buf_printf(out,
			"\nstatic int q_bucket(uint64_t ts_ns, gs_value *out)\n"
			"{\n"
			"\tstruct cap_packet pk;\n"
			"\tmemset(&pk, 0, sizeof pk);\n"
			"\tpk.ts_ns = ts_ns;\n"
			"\tpk.l2_off = CAP_NONE;\n"
			"\tpk.l3_off = CAP_NONE;\n"
			"\tpk.l4_off = CAP_NONE;\n"
			"\tconst struct cap_packet *p = &pk;\n"
			"\tmemset(out, 0, sizeof *out);\n");
		eng_buf_put(out, body.p ? body.p : "", body.len);
		eng_buf_printf(out, "\tout->%s = t%d;\n\treturn 1;\n}\n",
		               member(p->temporal_pkt->type), t);
	}
	free(ft);
	eng_buf_free(&body);
	eng_buf_free(&lits);
	return rc;
}

/* The LFTA of an aggregation: a table of partial groups. */
static int emit_lfta_agg(struct eng_plan *p, struct eng_buf *out, struct sql_error *err, int qname,
                         int *nlit)
{
	struct eng_buf body = { 0 }, lits = { 0 };
	int *ft = calloc(cap_nfields() + 1, sizeof *ft);
	if (!ft) {
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	struct cg cg = { .body = &body, .lits = &lits, .field_tmp = ft, .err = err, .nlit = nlit, .plan = p };
	const struct cap_proto_info *pi = cap_proto_info((enum cap_proto)p->proto);
	uint32_t nk = p->ngb, nkp = p->ngb + p->npart;
	int tk = p->an->temporal_gb;
	int rc = 0;

	eng_buf_printf(&body, "\tif (!%s(p))\n\t\treturn 0;\n", pi->member);
	for (uint32_t i = 0; i < p->nlpred && rc == 0; i++) {
		int c = gen(&cg, p->lpred[i]);
		if (c < 0)
			rc = -1;
		else
			eng_buf_printf(&body, "\tif (!t%d)\n\t\treturn 0;\n", c);
	}
	if (rc == 0)
		rc = gen_key_parts(&cg, p);
	if (rc < 0)
		goto done;

	eng_buf_put(out, lits.p ? lits.p : "", lits.len);
	emit_types(out, "lfta_out_types", p->in_types, NULL, nkp);
	eng_buf_printf(out,
		"\n#define NK %uu\n#define NKP %uu\n#define NSLOTS %uu\n#define PROBES 4u\n\n"
		"struct lfta_slot {\n"
		"\tuint64_t hash;\n"
		"\tuint32_t gen;\n"
		"\tuint32_t used;\n"
		"\tgs_value kp[NKP];\n"
		"};\n\n"
		"struct lfta_state {\n"
		"\tstruct gs_lfta_counters c;\n"
		"\tconst gs_value *params;\n"
		"\tstruct gs_lfta_sink sink;\n"
		"\tuint32_t gen;\n"
		"\tuint32_t have_bucket;\n"
		"\tgs_value bucket;\n"
		"\tuint32_t flushing;\n"
		"\tuint32_t flush_pos;\n"
		"\tuint64_t flush_ts;\n"
		"\tstruct lfta_slot slots[NSLOTS];\n"
		"};\n\n",
		nk, nkp, p->slots);
	/* emit one slot; merge partials into a slot */
	eng_buf_printf(out,
		"static int lfta_emit(struct lfta_state *st, struct lfta_slot *s)\n"
		"{\n"
		"\ts->used = 0;\n"
		"\tst->c.tuples_out++;\n"
		"\tst->c.bytes_out += sizeof(gs_value) * NKP;\n"
		"\treturn st->sink.tuple(st->sink.ctx, s->kp, NKP);\n"
		"}\n\n"
		"static void lfta_merge(gs_value *to, const gs_value *kp)\n"
		"{\n");
	for (uint32_t i = 0; i < p->npart; i++) {
		uint32_t k = nk + i;
		const struct eng_part *pt = &p->parts[i];
		char c[160], a[32], b[32];
		snprintf(a, sizeof a, "kp[%u]", k);
		snprintf(b, sizeof b, "to[%u]", k);
		switch (pt->op) {
		case GS_PART_COUNT:
			eng_buf_printf(out, "\tto[%u].u += kp[%u].u;\n", k, k);
			break;
		case GS_PART_SUM:
			if (pt->type == GS_FLOAT)
				eng_buf_printf(out, "\tto[%u].f += kp[%u].f;\n", k, k);
			else if (pt->type == GS_LLONG)
				eng_buf_printf(out, "\tto[%u].i = gs_add_i64(to[%u].i, kp[%u].i);\n", k, k, k);
			else
				eng_buf_printf(out, "\tto[%u].u += kp[%u].u;\n", k, k);
			break;
		case GS_PART_MIN:
		case GS_PART_MAX:
			cmp_values(c, sizeof c, pt->type, a, b);
			eng_buf_printf(out, "\tif (%s %s 0)\n\t\tto[%u] = kp[%u];\n", c,
			               pt->op == GS_PART_MIN ? "<" : ">", k, k);
			break;
		case GS_PART_AND:
			eng_buf_printf(out, "\tto[%u].u &= kp[%u].u;\n", k, k);
			break;
		case GS_PART_OR:
			eng_buf_printf(out, "\tto[%u].u |= kp[%u].u;\n", k, k);
			break;
		case GS_PART_XOR:
			eng_buf_printf(out, "\tto[%u].u ^= kp[%u].u;\n", k, k);
			break;
		}
	}
	eng_buf_printf(out, "\t(void)to;\n\t(void)kp;\n}\n\n");
	/* flushing old generations */
	eng_buf_printf(out,
		"/* Emit up to n slots of older generations; the last one sends the\n"
		" * heartbeat that lets the HFTA close the bucket. */\n"
		"static int lfta_flush_some(struct lfta_state *st, uint32_t n)\n"
		"{\n"
		"\twhile (st->flushing && n-- > 0) {\n"
		"\t\tstruct lfta_slot *s = &st->slots[st->flush_pos];\n"
		"\t\tif (s->used && s->gen != st->gen && lfta_emit(st, s))\n"
		"\t\t\treturn 1;\n"
		"\t\tif (++st->flush_pos == NSLOTS) {\n"
		"\t\t\tst->flushing = 0;\n"
		"\t\t\treturn st->sink.heartbeat(st->sink.ctx, st->flush_ts);\n"
		"\t\t}\n"
		"\t}\n"
		"\treturn 0;\n"
		"}\n\n");
	if (tk >= 0) {
		char c[160];
		cmp_values(c, sizeof c, p->an->gb[tk].expr->type, "b", "st->bucket");
		int dir = p->an->gb[tk].expr->temporal == GS_DECREASING ? -1 : 1;
		eng_buf_printf(out,
			"/* A new bucket: older groups become the old generation. */\n"
			"static int lfta_advance(struct lfta_state *st, gs_value b, uint64_t ts_ns)\n"
			"{\n"
			"\tif (!st->have_bucket) {\n"
			"\t\tst->have_bucket = 1;\n"
			"\t\tst->bucket = b;\n"
			"\t\treturn 0;\n"
			"\t}\n"
			"\tif (%s %s 0)\n"
			"\t\treturn 0;\n"
			"\tif (st->flushing && lfta_flush_some(st, NSLOTS))\n"
			"\t\treturn 1;\n"
			"\tst->gen++;\n"
			"\tst->bucket = b;\n"
			"\tst->flushing = 1;\n"
			"\tst->flush_pos = 0;\n"
			"\tst->flush_ts = ts_ns;\n"
			"\treturn 0;\n"
			"}\n\n", c, dir > 0 ? "<=" : ">=");
	}
	eng_buf_printf(out,
		"static int lfta_init(void *state, const gs_value *params, const struct gs_lfta_sink *sink)\n"
		"{\n"
		"\tstruct lfta_state *st = state;\n"
		"\tst->params = params;\n"
		"\tst->sink = *sink;\n"
		"\treturn 0;\n"
		"}\n\n"
		"static int lfta_accept(void *state, const struct cap_packet *p)\n"
		"{\n"
		"\tstruct lfta_state *st = state;\n"
		"\tgs_value kp[NKP];\n"
		"\tst->c.packets_in++;\n"
		"\tif (st->flushing && lfta_flush_some(st, 8))\n"
		"\t\treturn 1;\n");
	eng_buf_put(out, body.p, body.len);
	if (tk >= 0)
		eng_buf_printf(out, "\tif (lfta_advance(st, kp[%d], p->ts_ns))\n\t\treturn 1;\n", tk);
	eng_buf_printf(out,
		"\tuint64_t h = gs_hash_key(kp, NK);\n"
		"\tuint32_t home = (uint32_t)(h ^ (h >> 32)) & (NSLOTS - 1);\n"
		"\tstruct lfta_slot *free_slot = NULL;\n"
		"\tfor (uint32_t j = 0; j < PROBES; j++) {\n"
		"\t\tstruct lfta_slot *s = &st->slots[(home + j) & (NSLOTS - 1)];\n"
		"\t\tif (s->used && s->gen != st->gen && lfta_emit(st, s))\n"
		"\t\t\treturn 1;\n"
		"\t\tif (!s->used) {\n"
		"\t\t\tif (!free_slot)\n"
		"\t\t\t\tfree_slot = s;\n"
		"\t\t\tcontinue;\n"
		"\t\t}\n"
		"\t\tif (s->hash == h && memcmp(s->kp, kp, sizeof(gs_value) * NK) == 0) {\n"
		"\t\t\tlfta_merge(s->kp, kp);\n"
		"\t\t\treturn 0;\n"
		"\t\t}\n"
		"\t}\n"
		"\tif (!free_slot) {\n"
		"\t\t/* every probe holds another current group: evict the first */\n"
		"\t\tfree_slot = &st->slots[home];\n"
		"\t\tst->c.collisions++;\n"
		"\t\tst->c.evictions++;\n"
		"\t\tif (lfta_emit(st, free_slot))\n"
		"\t\t\treturn 1;\n"
		"\t}\n"
		"\tfree_slot->used = 1;\n"
		"\tfree_slot->gen = st->gen;\n"
		"\tfree_slot->hash = h;\n"
		"\tmemcpy(free_slot->kp, kp, sizeof kp);\n"
		"\treturn 0;\n"
		"}\n\n");
	eng_buf_printf(out,
		"static int lfta_heartbeat(void *state, uint64_t ts_ns)\n"
		"{\n"
		"\tstruct lfta_state *st = state;\n");
	if (tk >= 0 && p->temporal_pkt)
		eng_buf_printf(out,
			"\tgs_value b;\n"
			"\tif (q_bucket(ts_ns, &b) && lfta_advance(st, b, ts_ns))\n"
			"\t\treturn 1;\n");
	eng_buf_printf(out,
		"\tif (st->flushing)\n"
		"\t\treturn lfta_flush_some(st, NSLOTS);\n"
		"\treturn st->sink.heartbeat(st->sink.ctx, ts_ns);\n"
		"}\n\n"
		"static int lfta_flush(void *state)\n"
		"{\n"
		"\tstruct lfta_state *st = state;\n"
		"\tfor (uint32_t i = 0; i < NSLOTS; i++)\n"
		"\t\tif (st->slots[i].used && lfta_emit(st, &st->slots[i]))\n"
		"\t\t\treturn 1;\n"
		"\tst->flushing = 0;\n"
		"\treturn 0;\n"
		"}\n\n");
	emit_lfta_entry(out, p, qname, nkp);
done:
	free(ft);
	eng_buf_free(&body);
	eng_buf_free(&lits);
	return rc;
}

/* The HFTA of an aggregation: pre (key and partials of an input tuple),
 * final (HAVING and the select list of a closed group), and the bucket of a
 * heartbeat. */
static int emit_hfta_agg(struct eng_plan *p, struct eng_buf *out, struct sql_error *err, int qname,
                         int *nlit)
{
	struct eng_buf pre = { 0 }, fin = { 0 }, lits = { 0 };
	struct cg cg = { .body = &pre, .lits = &lits, .hfta = true, .err = err, .nlit = nlit, .plan = p };
	uint32_t nkp = p->ngb + p->npart;
	int rc = 0;

	if (p->lfta_agg) {
		eng_buf_printf(&pre, "\tmemcpy(kp, in, sizeof(gs_value) * %u);\n", nkp);
	} else {
		for (uint32_t i = 0; i < p->nhpred && rc == 0; i++) {
			int c = gen(&cg, p->hpred[i]);
			if (c < 0)
				rc = -1;
			else
				eng_buf_printf(&pre, "\tif (!t%d)\n\t\treturn 0;\n", c);
		}
		if (rc == 0)
			rc = gen_key_parts(&cg, p);
	}
	cg.body = &fin;
	cg.ntmp = 0;
	if (rc == 0 && p->an->having) {
		int c = gen(&cg, p->an->having);
		if (c < 0)
			rc = -1;
		else
			eng_buf_printf(&fin, "\tif (!t%d)\n\t\treturn 0;\n", c);
	}
	for (uint32_t i = 0; i < p->nhout && rc == 0; i++) {
		int t = gen(&cg, p->hout[i]);
		if (t < 0)
			rc = -1;
		else
			eng_buf_printf(&fin, "\tout[%u].%s = t%d;\n", i, member(p->hout[i]->type), t);
	}
	struct eng_buf clo = { 0 };
	int clo_t = 0;
	if (rc == 0 && p->an->closing_when) {
		cg.body = &clo;
		cg.ntmp = 0;
		if ((clo_t = gen(&cg, p->an->closing_when)) < 0)
			rc = -1;
	}
	if (rc < 0) {
		eng_buf_free(&clo);
		goto done;
	}
	/* regular expressions, in the order gen() met them */
	uint32_t nroots = 0;
	struct sql_bexpr **roots = calloc((size_t)p->nhpred + p->ngb + p->npart + 2 + p->nhout, sizeof *roots);
	if (!roots) {
		rc = -1;
		goto done;
	}
	if (!p->lfta_agg) {
		for (uint32_t i = 0; i < p->nhpred; i++)
			roots[nroots++] = p->hpred[i];
		for (uint32_t i = 0; i < p->ngb; i++)
			roots[nroots++] = p->gb_expr[i];
		for (uint32_t i = 0; i < p->npart; i++)
			roots[nroots++] = p->parts[i].arg;
	}
	roots[nroots++] = p->an->having;
	for (uint32_t i = 0; i < p->nhout; i++)
		roots[nroots++] = p->hout[i];
	roots[nroots++] = p->an->closing_when;
	int *rxlit = NULL;
	int nrx = regex_literals(&cg, roots, nroots, &rxlit);
	free(roots);
	if (nrx < 0) {
		eng_buf_free(&clo);
		rc = -1;
		goto done;
	}
	p->nregex = (uint32_t)nrx;
	eng_buf_put(out, "\n#include <regex.h>\n\n", 21);

	eng_buf_put(out, lits.p ? lits.p : "", lits.len);
	emit_types(out, "agg_in_types", p->in_types, NULL, p->nin);
	emit_types(out, "agg_key_types", NULL, (const struct sql_bexpr *const *)p->gb_expr, p->ngb);
	eng_buf_printf(out, "static const uint8_t agg_part_types[%u] = {", p->npart ? p->npart : 1);
	for (uint32_t i = 0; i < p->npart; i++)
		eng_buf_printf(out, "%s%d", i ? ", " : "", (int)p->parts[i].type);
	eng_buf_printf(out, "%s};\nstatic const uint8_t agg_part_ops[%u] = {", p->npart ? "" : "0",
	               p->npart ? p->npart : 1);
	for (uint32_t i = 0; i < p->npart; i++)
		eng_buf_printf(out, "%s%d", i ? ", " : "", (int)p->parts[i].op);
	eng_buf_printf(out, "%s};\n", p->npart ? "" : "0");
	emit_types(out, "agg_out_types", NULL, (const struct sql_bexpr *const *)p->hout, p->nhout);
	const struct sql_analyzed *an = p->an;
	eng_buf_printf(out, "static const uint8_t agg_super_ops[%u] = {", an->nsupers ? an->nsupers : 1);
	for (uint32_t i = 0; i < an->nsupers; i++)
		eng_buf_printf(out, "%s%d", i ? ", " : "",
		               an->supers[i].op == SQL_SUPER_SUM ? GS_SUPER_SUM
		               : an->supers[i].op == SQL_SUPER_MIN ? GS_SUPER_MIN
		               : an->supers[i].op == SQL_SUPER_MAX ? GS_SUPER_MAX : GS_SUPER_DISTINCT);
	eng_buf_printf(out, "%s};\nstatic const uint32_t agg_super_slots[%u] = {", an->nsupers ? "" : "0",
	               an->nsupers ? an->nsupers : 1);
	for (uint32_t i = 0; i < an->nsupers; i++)
		eng_buf_printf(out, "%s%u", i ? ", " : "",
		               an->supers[i].op == SQL_SUPER_DISTINCT ? an->supers[i].of
		                                                      : p->ngb + p->agg_slot[an->supers[i].of]);
	eng_buf_printf(out, "%s};\nstatic const uint8_t agg_super_types[%u] = {", an->nsupers ? "" : "0",
	               an->nsupers ? an->nsupers : 1);
	for (uint32_t i = 0; i < an->nsupers; i++)
		eng_buf_printf(out, "%s%d", i ? ", " : "",
		               (int)(an->supers[i].op == SQL_SUPER_DISTINCT
		                     ? p->gb_expr[an->supers[i].of]->type
		                     : p->parts[p->agg_slot[an->supers[i].of]].type));
	eng_buf_printf(out, "%s};\n", an->nsupers ? "" : "0");
	eng_buf_printf(out, "static const uint64_t agg_sets[%u] = {", p->an->nsets);
	for (uint32_t i = 0; i < p->an->nsets; i++)
		eng_buf_printf(out, "%sUINT64_C(0x%" PRIx64 ")", i ? ", " : "", p->an->sets[i]);
	eng_buf_printf(out, "};\n");
	emit_hfta_state(out, "agg_state", (uint32_t)nrx);
	emit_hfta_init_fini(out, "agg", "agg_state", rxlit, (uint32_t)nrx);
	free(rxlit);
	eng_buf_printf(out,
		"static int agg_pre(void *state, const gs_value *in, gs_value *kp)\n"
		"{\n"
		"\tstruct agg_state *st = state;\n"
		"\t(void)st;\n"
		"\t(void)in;\n");
	eng_buf_put(out, pre.p ? pre.p : "", pre.len);
	eng_buf_printf(out,
		"\treturn 1;\n"
		"}\n\n"
		"static int agg_final(void *state, const gs_value *kp, const gs_value *sup, gs_value *out)\n"
		"{\n"
		"\tstruct agg_state *st = state;\n"
		"\t(void)st;\n"
		"\t(void)kp;\n"
		"\t(void)sup;\n");
	eng_buf_put(out, fin.p ? fin.p : "", fin.len);
	eng_buf_printf(out, "\treturn 1;\n}\n\n");
	if (p->an->closing_when) {
		eng_buf_printf(out,
			"static int agg_closing(void *state, const gs_value *kp)\n"
			"{\n"
			"\tstruct agg_state *st = state;\n"
			"\t(void)st;\n"
			"\t(void)kp;\n");
		eng_buf_put(out, clo.p ? clo.p : "", clo.len);
		eng_buf_printf(out, "\treturn (int)t%d;\n}\n\n", clo_t);
	}
	int tk = p->an->temporal_gb;
	eng_buf_printf(out,
		"static const struct gs_hfta_aggregate agg_def = {\n"
		"\t.abi_version = GS_LFTA_ABI_VERSION,\n"
		"\t.n_params = %u,\n"
		"\t.schema_hash = UINT64_C(0x%016" PRIx64 "),\n"
		"\t.query_name = (const char *)lit%d,\n"
		"\t.n_in = %u,\n"
		"\t.in_types = agg_in_types,\n"
		"\t.n_key = %u,\n"
		"\t.n_part = %u,\n"
		"\t.key_types = agg_key_types,\n"
		"\t.part_types = agg_part_types,\n"
		"\t.part_ops = agg_part_ops,\n"
		"\t.temporal_key = %d,\n"
		"\t.temporal_dir = %d,\n"
		"\t.lfta_partial = %d,\n"
		"\t.n_sets = %u,\n"
		"\t.set_masks = agg_sets,\n"
		"\t.n_super = %u,\n"
		"\t.super_mask = UINT64_C(0x%" PRIx64 "),\n"
		"\t.super_ops = agg_super_ops,\n"
		"\t.super_slots = agg_super_slots,\n"
		"\t.super_types = agg_super_types,\n"
		"\t.n_out = %u,\n"
		"\t.out_types = agg_out_types,\n"
		"\t.state_size = sizeof(struct agg_state),\n"
		"\t.init = agg_init,\n"
		"\t.fini = agg_fini,\n"
		"\t.pre = agg_pre,\n"
		"\t.final = agg_final,\n"
		"\t.bucket = %s,\n"
		"\t.closing = %s,\n"
		"};\n\n"
		"__attribute__((visibility(\"default\"))) const struct gs_hfta_aggregate *gs_hfta_aggregate_v1(void);\n"
		"const struct gs_hfta_aggregate *gs_hfta_aggregate_v1(void)\n"
		"{\n"
		"\treturn &agg_def;\n"
		"}\n",
		p->an->nparams, cap_schema_hash(), qname, p->nin, p->ngb, p->npart, tk,
		tk >= 0 && p->an->gb[tk].expr->temporal == GS_DECREASING ? -1 : 1,
		p->lfta_agg ? 1 : 0, p->an->nsets, p->an->nsupers, p->an->super_mask, p->nhout,
		p->temporal_pkt ? "q_bucket" : "NULL",
		p->an->closing_when ? "agg_closing" : "NULL");
	eng_buf_free(&clo);
done:
	eng_buf_free(&pre);
	eng_buf_free(&fin);
	eng_buf_free(&lits);
	return rc;
}

int eng_codegen(struct eng_plan *p, struct sql_arena *a, struct sql_error *err)
{
	struct eng_buf out = { 0 };
	eng_buf_printf(&out,
		"/* LFTA/HFTA module generated by gigsh for one query. */\n"
		"#include <stdint.h>\n"
		"#include <string.h>\n"
		"#include \"lfta_abi.h\"\n"
		"#include \"accessors.h\"\n"
		"#include \"gs_ops.h\"\n\n");
	/* the query name, as bytes */
	struct eng_buf lits = { 0 };
	int nlit = 0;
	struct cg cg = { .lits = &lits, .err = err, .nlit = &nlit };
	const char *qn = p->name ? p->name : "query";
	int qname = emit_bytes(&cg, (const uint8_t *)qn, strlen(qn) + 1);
	eng_buf_put(&out, lits.p, lits.len);
	eng_buf_free(&lits);
	int rc = 0;
	if (p->is_agg)
		rc = emit_bucket_fn(p, &out, &nlit, err);
	if (rc == 0 && p->has_lfta)
		rc = p->lfta_agg ? emit_lfta_agg(p, &out, err, qname, &nlit)
		                 : emit_lfta(p, &out, err, qname, &nlit);
	if (rc == 0 && p->has_hfta)
		rc = p->is_agg ? emit_hfta_agg(p, &out, err, qname, &nlit)
		               : emit_hfta(p, &out, err, qname, &nlit);
	if (rc < 0 || out.oom) {
		if (!err->msg[0])
			sql_error_set(err, false, 0, "out of memory generating the module");
		eng_buf_free(&out);
		return -1;
	}
	p->csrc = sql_arena_strndup(a, out.p, out.len);
	p->csrc_len = out.len;
	eng_buf_free(&out);
	if (!p->csrc) {
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	return 0;
}
