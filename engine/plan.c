/*
 * plan.c: plans a query and splits it into its LFTA and HFTA parts.
 *
 * For a query over a protocol, the WHERE clause is cut into conjuncts; the
 * conjuncts whose every part may run per packet (sql_bexpr.lfta_ok) go to
 * the LFTA, the rest to the HFTA.  When nothing is left for the HFTA the
 * LFTA computes the select list itself and the query runs wholly at
 * capture.  Otherwise the LFTA emits the select items it can compute plus
 * the packet fields the HFTA still needs, and the HFTA's expressions are
 * rewritten to read those columns.  A query over another query's stream is
 * never split: it is an HFTA over that stream.
 *
 * Features the grammar accepts but the engine does not run yet are
 * rejected here, by name.
 */
#include <stdio.h>
#include <string.h>

#include "engine_int.h"

static void *alloc(struct sql_arena *a, size_t n, struct sql_error *err)
{
	void *p = sql_arena_alloc(a, n ? n : 1);
	if (!p)
		sql_error_set(err, false, 0, "out of memory");
	return p;
}

static int not_yet(struct sql_error *err, uint32_t pos, const char *what)
{
	sql_error_set(err, true, pos, "%s is not supported yet", what);
	snprintf(err->hint, sizeof err->hint,
	         "gigsh runs selections (SELECT ... FROM ... WHERE ...) so far; see docs/gsql.md");
	return -1;
}

static int reject_unbuilt(const struct sql_analyzed *an, struct sql_error *err)
{
	const struct sql_query *q = an->q;
	if (q->kind == SQL_STMT_MERGE)
		return not_yet(err, q->pos, "MERGE");
	if (q->join != SQL_JOIN_NONE)
		return not_yet(err, q->join_pos ? q->join_pos : q->pos, "a join");
	if (q->nfrom > 1)
		return not_yet(err, q->from[1].pos, "a join (more than one FROM source)");
	if (q->cleaning_when || q->cleaning_by)
		return not_yet(err, q->cleaning_pos, "CLEANING_WHEN / CLEANING_BY");
	return 0;
}

/* Cut e into conjuncts, appended to list. */
static void conjuncts(struct sql_bexpr *e, struct sql_bexpr **list, uint32_t *n)
{
	if (e->kind == SQL_BX_BINARY && e->op == SQL_OP_AND) {
		conjuncts(e->args[0], list, n);
		conjuncts(e->args[1], list, n);
	} else {
		list[(*n)++] = e;
	}
}

static uint32_t count_conjuncts(const struct sql_bexpr *e)
{
	if (e->kind == SQL_BX_BINARY && e->op == SQL_OP_AND)
		return count_conjuncts(e->args[0]) + count_conjuncts(e->args[1]);
	return 1;
}

struct fieldset {
	int *fields;  /* field index per LFTA output column, -1 for select items */
	uint32_t n;
};

static void collect_fields(struct sql_bexpr *e, void *ctx)
{
	struct fieldset *fs = ctx;
	if (e->kind != SQL_BX_FIELD)
		return;
	for (uint32_t i = 0; i < fs->n; i++)
		if (fs->fields[i] == e->field)
			return;
	fs->fields[fs->n++] = e->field;
}

static uint32_t count_nodes(const struct sql_bexpr *e)
{
	uint32_t n = 1;
	for (uint32_t i = 0; i < e->nargs; i++)
		n += count_nodes(e->args[i]);
	return n;
}

/* A copy of e in which every packet field reads the LFTA output column
 * that carries it. */
static struct sql_bexpr *to_columns(const struct sql_bexpr *e, const struct fieldset *fs,
                                    struct sql_arena *a, struct sql_error *err)
{
	struct sql_bexpr *c = alloc(a, sizeof *c, err);
	if (!c)
		return NULL;
	*c = *e;
	c->lfta_ok = false;
	if (e->kind == SQL_BX_FIELD) {
		c->kind = SQL_BX_COL;
		c->field = -1;
		for (uint32_t i = 0; i < fs->n; i++)
			if (fs->fields[i] == e->field)
				c->col = (int)i;
		return c;
	}
	if (e->nargs) {
		if (!(c->args = alloc(a, e->nargs * sizeof *c->args, err)))
			return NULL;
		for (uint32_t i = 0; i < e->nargs; i++)
			if (!(c->args[i] = to_columns(e->args[i], fs, a, err)))
				return NULL;
	}
	return c;
}

static int finish_schema(struct eng_plan *p, struct sql_arena *a, struct sql_error *err)
{
	const struct sql_analyzed *an = p->an;
	p->ncols = an->ncols;
	p->cols = alloc(a, an->ncols * sizeof *p->cols, err);
	const char **names = alloc(a, an->ncols * sizeof *names, err);
	enum gs_type *types = alloc(a, an->ncols * sizeof *types, err);
	enum gs_temporal *temp = alloc(a, an->ncols * sizeof *temp, err);
	if (!p->cols || !names || !types || !temp)
		return -1;
	for (uint32_t i = 0; i < an->ncols; i++) {
		p->cols[i].name = names[i] = an->cols[i].name;
		p->cols[i].type = types[i] = an->cols[i].expr->type;
		p->cols[i].temporal = temp[i] = an->cols[i].expr->temporal;
	}
	p->schema.name = p->name;
	p->schema.ncols = an->ncols;
	p->schema.col_names = names;
	p->schema.types = types;
	p->schema.temporal = temp;
	return 0;
}

/* The LFTA emits the packet fields in fs, in that order; they are the
 * HFTA's input. */
static int lfta_emits_fields(struct eng_plan *p, const struct fieldset *fs, struct sql_arena *a,
                             struct sql_error *err)
{
	p->nlout = fs->n;
	p->lout = alloc(a, (fs->n + 1) * sizeof *p->lout, err);
	p->lout_names = alloc(a, (fs->n + 1) * sizeof *p->lout_names, err);
	p->in_types = alloc(a, (fs->n + 1) * sizeof *p->in_types, err);
	if (!p->lout || !p->lout_names || !p->in_types)
		return -1;
	for (uint32_t i = 0; i < fs->n; i++) {
		const struct cap_field *cf = cap_field_at((size_t)fs->fields[i]);
		struct sql_bexpr *f = alloc(a, sizeof *f, err);
		if (!f)
			return -1;
		f->kind = SQL_BX_FIELD;
		f->field = fs->fields[i];
		f->col = f->param = -1;
		f->type = cf->type;
		f->temporal = cf->temporal;
		f->lfta_ok = true;
		p->lout[i] = f;
		p->lout_names[i] = cf->name;
		p->in_types[i] = cf->type;
	}
	p->nin = fs->n;
	return 0;
}

/* ---- aggregation -------------------------------------------------------------- */

static enum gs_type sum_type(enum gs_type t)
{
	if (t == GS_FLOAT)
		return GS_FLOAT;
	return (t == GS_INT || t == GS_LLONG) ? GS_LLONG : GS_ULLONG;
}

/* The partial slot for (op, type, arg), added when new. */
static int part_slot(struct eng_plan *p, enum gs_part_op op, enum gs_type t, struct sql_bexpr *arg)
{
	for (uint32_t i = 0; i < p->npart; i++)
		if (p->parts[i].op == op && p->parts[i].type == t && sql_bexpr_equal(p->parts[i].arg, arg))
			return (int)i;
	p->parts[p->npart].op = op;
	p->parts[p->npart].type = t;
	p->parts[p->npart].arg = arg;
	return (int)p->npart++;
}

/* e rewritten over packet fields, following streams back to the packets:
 * e is over plan q's input (out_scope false) or over its output scope
 * (group variables and aggregates, out_scope true).  NULL when it depends on
 * anything but packet fields (an aggregate's value, a parameter).  Used to
 * turn a heartbeat's time into a temporal group value. */
static struct sql_bexpr *to_packets(const struct eng_plan *q, const struct sql_bexpr *e,
                                    bool out_scope, struct sql_arena *a)
{
	switch (e->kind) {
	case SQL_BX_AGGREF:
	case SQL_BX_PARAM:
	case SQL_BX_AGG:
		return NULL;
	case SQL_BX_GBVAR:
		if (!out_scope || !q->an->is_aggregation || (uint32_t)e->col >= q->an->ngb)
			return NULL;
		return to_packets(q, q->an->gb[e->col].expr, false, a);
	case SQL_BX_COL: {
		if (out_scope && !q->an->is_aggregation)
			out_scope = false;
		if (!q->upstream)
			return NULL;
		const struct eng_plan *u = q->upstream->plan;
		if (u->builtin || e->col < 0 || (uint32_t)e->col >= u->an->ncols)
			return NULL;
		return to_packets(u, u->an->cols[e->col].expr, true, a);
	}
	default:
		break;
	}
	struct sql_bexpr *c = sql_arena_alloc(a, sizeof *c);
	if (!c)
		return NULL;
	*c = *e;
	c->lfta_ok = true;
	if (e->nargs) {
		if (!(c->args = sql_arena_alloc(a, e->nargs * sizeof *c->args)))
			return NULL;
		for (uint32_t i = 0; i < e->nargs; i++)
			if (!(c->args[i] = to_packets(q, e->args[i], out_scope, a)))
				return NULL;
	}
	return c;
}

static bool has_string(const struct eng_plan *p)
{
	for (uint32_t i = 0; i < p->ngb; i++)
		if (p->an->gb[i].expr->type == GS_STRING)
			return true;
	for (uint32_t i = 0; i < p->npart; i++)
		if (p->parts[i].type == GS_STRING)
			return true;
	return false;
}

/* Where the aggregation of an analyzed query runs, and its partials. */
static int plan_aggregate(struct eng_plan *p, struct sql_bexpr **conj, uint32_t n,
                          struct sql_arena *a, struct sql_error *err)
{
	struct sql_analyzed *an = p->an;
	p->is_agg = true;
	p->ngb = an->ngb;
	p->slots = an->aggregate_slots ? an->aggregate_slots : 4096;
	p->parts = alloc(a, (2 * an->naggs + 1) * sizeof *p->parts, err);
	p->agg_slot = alloc(a, (an->naggs + 1) * sizeof *p->agg_slot, err);
	p->agg_count = alloc(a, (an->naggs + 1) * sizeof *p->agg_count, err);
	if (!p->parts || !p->agg_slot || !p->agg_count)
		return -1;
	for (uint32_t j = 0; j < an->naggs; j++) {
		const struct sql_aggregate *g = &an->aggs[j];
		enum gs_type at = g->arg ? g->arg->type : GS_ULLONG;
		switch (g->fn) {
		case SQL_FN_COUNT:
			p->agg_slot[j] = (uint32_t)part_slot(p, GS_PART_COUNT, GS_ULLONG, NULL);
			break;
		case SQL_FN_SUM:
			p->agg_slot[j] = (uint32_t)part_slot(p, GS_PART_SUM, sum_type(at), g->arg);
			break;
		case SQL_FN_AVG:
			p->agg_slot[j] = (uint32_t)part_slot(p, GS_PART_SUM, sum_type(at), g->arg);
			p->agg_count[j] = (uint32_t)part_slot(p, GS_PART_COUNT, GS_ULLONG, NULL);
			break;
		case SQL_FN_MIN:
			p->agg_slot[j] = (uint32_t)part_slot(p, GS_PART_MIN, at, g->arg);
			break;
		case SQL_FN_MAX:
			p->agg_slot[j] = (uint32_t)part_slot(p, GS_PART_MAX, at, g->arg);
			break;
		case SQL_FN_AND_AGGR:
			p->agg_slot[j] = (uint32_t)part_slot(p, GS_PART_AND, at, g->arg);
			break;
		case SQL_FN_OR_AGGR:
			p->agg_slot[j] = (uint32_t)part_slot(p, GS_PART_OR, at, g->arg);
			break;
		case SQL_FN_XOR_AGGR:
			p->agg_slot[j] = (uint32_t)part_slot(p, GS_PART_XOR, at, g->arg);
			break;
		default:
			sql_error_set(err, true, g->pos, "internal error: unknown aggregate");
			return -1;
		}
	}
	if (an->temporal_gb >= 0)
		p->temporal_pkt = to_packets(p, an->gb[an->temporal_gb].expr, false, a);

	p->has_hfta = true;
	p->hout = alloc(a, (an->ncols + 1) * sizeof *p->hout, err);
	if (!p->hout)
		return -1;
	p->nhout = an->ncols;
	for (uint32_t i = 0; i < an->ncols; i++)
		p->hout[i] = an->cols[i].expr;

	if (p->upstream) {
		/* over a stream: the HFTA filters, groups and aggregates */
		p->hpred = conj;
		p->nhpred = n;
		p->gb_expr = alloc(a, (p->ngb + 1) * sizeof *p->gb_expr, err);
		if (!p->gb_expr)
			return -1;
		for (uint32_t i = 0; i < p->ngb; i++)
			p->gb_expr[i] = an->gb[i].expr;
		p->nin = an->stream->ncols;
		p->in_types = (enum gs_type *)an->stream->types;
		return 0;
	}

	/* Can the LFTA aggregate?  Every conjunct, group-by expression and
	 * aggregate argument must be cheap, and keys and partials fixed-size. */
	const struct sql_bexpr *unsafe = NULL;
	for (uint32_t i = 0; i < n && !unsafe; i++)
		if (!conj[i]->lfta_ok)
			unsafe = conj[i];
	for (uint32_t i = 0; i < p->ngb && !unsafe; i++)
		if (!an->gb[i].expr->lfta_ok)
			unsafe = an->gb[i].expr;
	for (uint32_t i = 0; i < p->npart && !unsafe; i++)
		if (p->parts[i].arg && !p->parts[i].arg->lfta_ok)
			unsafe = p->parts[i].arg;
	if (!an->select_lfta && (unsafe || has_string(p))) {
		if (unsafe)
			sql_error_set(err, true, unsafe->pos,
			              "this expression cannot run in the LFTA, so the aggregation cannot either");
		else
			sql_error_set(err, true, an->q->pos,
			              "string group keys and MIN/MAX of strings cannot be aggregated in the LFTA");
		snprintf(err->hint, sizeof err->hint,
		         "aggregate in the HFTA instead: DEFINE { select_lfta 'true'; }");
		return -1;
	}
	p->has_lfta = true;
	if (!an->select_lfta) {
		p->lfta_agg = true;
		p->lpred = conj;
		p->nlpred = n;
		p->gb_expr = alloc(a, (p->ngb + 1) * sizeof *p->gb_expr, err);
		if (!p->gb_expr)
			return -1;
		for (uint32_t i = 0; i < p->ngb; i++)
			p->gb_expr[i] = an->gb[i].expr;
		/* the LFTA emits key + partials; the HFTA merges them */
		p->nlout = p->ngb + p->npart;
		p->nin = p->nlout;
		p->lout_names = alloc(a, (p->nlout + 1) * sizeof *p->lout_names, err);
		p->in_types = alloc(a, (p->nlout + 1) * sizeof *p->in_types, err);
		if (!p->lout_names || !p->in_types)
			return -1;
		static const char *const pname[] = {
			[GS_PART_COUNT] = "count", [GS_PART_SUM] = "sum", [GS_PART_MIN] = "min",
			[GS_PART_MAX] = "max", [GS_PART_AND] = "and", [GS_PART_OR] = "or", [GS_PART_XOR] = "xor",
		};
		for (uint32_t i = 0; i < p->ngb; i++) {
			p->lout_names[i] = an->gb[i].name;
			p->in_types[i] = an->gb[i].expr->type;
		}
		for (uint32_t i = 0; i < p->npart; i++) {
			p->lout_names[p->ngb + i] = pname[p->parts[i].op];
			p->in_types[p->ngb + i] = p->parts[i].type;
		}
		return 0;
	}

	/* select_lfta: the LFTA selects, the HFTA does the rest */
	p->lpred = alloc(a, (n + 1) * sizeof *p->lpred, err);
	p->hpred = alloc(a, (n + 1) * sizeof *p->hpred, err);
	if (!p->lpred || !p->hpred)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (conj[i]->lfta_ok)
			p->lpred[p->nlpred++] = conj[i];
		else
			p->hpred[p->nhpred++] = conj[i];
	}
	uint32_t maxf = 1;
	for (uint32_t i = 0; i < p->nhpred; i++)
		maxf += count_nodes(p->hpred[i]);
	for (uint32_t i = 0; i < p->ngb; i++)
		maxf += count_nodes(an->gb[i].expr);
	for (uint32_t i = 0; i < p->npart; i++)
		if (p->parts[i].arg)
			maxf += count_nodes(p->parts[i].arg);
	struct fieldset fs = { alloc(a, maxf * sizeof(int), err), 0 };
	if (!fs.fields)
		return -1;
	for (uint32_t i = 0; i < p->nhpred; i++)
		sql_bexpr_walk(p->hpred[i], collect_fields, &fs);
	for (uint32_t i = 0; i < p->ngb; i++)
		sql_bexpr_walk(an->gb[i].expr, collect_fields, &fs);
	for (uint32_t i = 0; i < p->npart; i++)
		if (p->parts[i].arg)
			sql_bexpr_walk(p->parts[i].arg, collect_fields, &fs);
	if (lfta_emits_fields(p, &fs, a, err) < 0)
		return -1;
	for (uint32_t i = 0; i < p->nhpred; i++)
		if (!(p->hpred[i] = to_columns(p->hpred[i], &fs, a, err)))
			return -1;
	p->gb_expr = alloc(a, (p->ngb + 1) * sizeof *p->gb_expr, err);
	if (!p->gb_expr)
		return -1;
	for (uint32_t i = 0; i < p->ngb; i++)
		if (!(p->gb_expr[i] = to_columns(an->gb[i].expr, &fs, a, err)))
			return -1;
	for (uint32_t i = 0; i < p->npart; i++)
		if (p->parts[i].arg && !(p->parts[i].arg = to_columns(p->parts[i].arg, &fs, a, err)))
			return -1;
	return 0;
}

struct eng_plan *eng_plan_query(struct sql_analyzed *an, struct eng_stream *upstream,
                                const char *name, struct sql_arena *a, struct sql_error *err)
{
	if (reject_unbuilt(an, err) < 0)
		return NULL;
	struct eng_plan *p = alloc(a, sizeof *p, err);
	if (!p)
		return NULL;
	p->an = an;
	p->name = name;
	p->upstream = upstream;
	p->proto = an->proto;
	p->iface = an->iface;

	uint32_t nconj = an->where ? count_conjuncts(an->where) : 0;
	struct sql_bexpr **conj = alloc(a, (nconj + 1) * sizeof *conj, err);
	if (!conj)
		return NULL;
	uint32_t n = 0;
	if (an->where)
		conjuncts(an->where, conj, &n);

	if (an->is_aggregation) {
		if (plan_aggregate(p, conj, n, a, err) < 0)
			return NULL;
		return finish_schema(p, a, err) < 0 ? NULL : p;
	}

	if (upstream) {
		/* over a stream: never split */
		p->has_hfta = true;
		p->hpred = conj;
		p->nhpred = n;
		p->nhout = an->ncols;
		if (!(p->hout = alloc(a, an->ncols * sizeof *p->hout, err)))
			return NULL;
		for (uint32_t i = 0; i < an->ncols; i++)
			p->hout[i] = an->cols[i].expr;
		p->nin = an->stream->ncols;
		p->in_types = (enum gs_type *)an->stream->types;
		return finish_schema(p, a, err) < 0 ? NULL : p;
	}

	p->has_lfta = true;
	p->lpred = alloc(a, (n + 1) * sizeof *p->lpred, err);
	p->hpred = alloc(a, (n + 1) * sizeof *p->hpred, err);
	if (!p->lpred || !p->hpred)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		if (conj[i]->lfta_ok)
			p->lpred[p->nlpred++] = conj[i];
		else
			p->hpred[p->nhpred++] = conj[i];
	}
	bool all_lfta = p->nhpred == 0;
	for (uint32_t i = 0; i < an->ncols; i++)
		if (!an->cols[i].expr->lfta_ok)
			all_lfta = false;

	if (all_lfta) {
		p->nlout = an->ncols;
		p->lout = alloc(a, an->ncols * sizeof *p->lout, err);
		p->lout_names = alloc(a, an->ncols * sizeof *p->lout_names, err);
		if (!p->lout || !p->lout_names)
			return NULL;
		for (uint32_t i = 0; i < an->ncols; i++) {
			p->lout[i] = an->cols[i].expr;
			p->lout_names[i] = an->cols[i].name;
		}
		return finish_schema(p, a, err) < 0 ? NULL : p;
	}

	/* Split: the LFTA emits the fields the HFTA needs. */
	uint32_t maxf = 0;
	for (uint32_t i = 0; i < p->nhpred; i++)
		maxf += count_nodes(p->hpred[i]);
	for (uint32_t i = 0; i < an->ncols; i++)
		maxf += count_nodes(an->cols[i].expr);
	struct fieldset fs = { alloc(a, (maxf + 1) * sizeof(int), err), 0 };
	if (!fs.fields)
		return NULL;
	for (uint32_t i = 0; i < p->nhpred; i++)
		sql_bexpr_walk(p->hpred[i], collect_fields, &fs);
	for (uint32_t i = 0; i < an->ncols; i++)
		sql_bexpr_walk(an->cols[i].expr, collect_fields, &fs);

	p->has_hfta = true;
	if (lfta_emits_fields(p, &fs, a, err) < 0)
		return NULL;
	for (uint32_t i = 0; i < p->nhpred; i++)
		if (!(p->hpred[i] = to_columns(p->hpred[i], &fs, a, err)))
			return NULL;
	p->nhout = an->ncols;
	if (!(p->hout = alloc(a, an->ncols * sizeof *p->hout, err)))
		return NULL;
	for (uint32_t i = 0; i < an->ncols; i++)
		if (!(p->hout[i] = to_columns(an->cols[i].expr, &fs, a, err)))
			return NULL;
	return finish_schema(p, a, err) < 0 ? NULL : p;
}
