/*
 * explain.c: \explain: how a query is split and where each part runs.
 *
 * Prints, for each query of a chain of streams, the LFTA (its protocol
 * test, the predicates it evaluates per packet, the columns it emits, and
 * the sources it runs on: pcap:IFACE or file:NAME) and the HFTA (the
 * predicates and projection left for it), then the output schema.  With
 * verbose, the generated C of the module follows.
 */
#include <inttypes.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "engine_int.h"

struct names {
	const char *const *cols;  /* input column names for SQL_BX_COL */
	uint32_t ncols;
	const struct eng_plan *plan; /* group variables and aggregates */
};

static void put_expr(struct eng_buf *b, const struct sql_bexpr *e, const struct names *nm);

static void put_value(struct eng_buf *b, enum gs_type t, const gs_value *v)
{
	char tmp[64];
	switch (t) {
	case GS_BOOL: eng_buf_printf(b, "%s", v->u ? "TRUE" : "FALSE"); break;
	case GS_INT: case GS_LLONG: eng_buf_printf(b, "%" PRId64, v->i); break;
	case GS_FLOAT: eng_buf_printf(b, "%.17g", v->f); break;
	case GS_IP: {
		struct in_addr in = { htonl((uint32_t)v->u) };
		inet_ntop(AF_INET, &in, tmp, sizeof tmp);
		eng_buf_printf(b, "IP_VAL'%s'", tmp);
		break;
	}
	case GS_IPV6:
		inet_ntop(AF_INET6, v->ip6.b, tmp, sizeof tmp);
		eng_buf_printf(b, "IPV6_VAL'%s'", tmp);
		break;
	case GS_STRING:
		eng_buf_put(b, "'", 1);
		for (uint32_t i = 0; i < v->s.len; i++) {
			uint8_t c = v->s.p[i];
			if (c == '\'')
				eng_buf_put(b, "''", 2);
			else if (c >= 0x20 && c < 0x7f && c != '\\')
				eng_buf_put(b, (const char *)&c, 1);
			else
				eng_buf_printf(b, "\\x%02x", c);
		}
		eng_buf_put(b, "'", 1);
		break;
	default: eng_buf_printf(b, "%" PRIu64, v->u); break;
	}
}

static const char *opname(int op)
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

static void put_expr(struct eng_buf *b, const struct sql_bexpr *e, const struct names *nm)
{
	switch (e->kind) {
	case SQL_BX_CONST:
		put_value(b, e->type, &e->val);
		return;
	case SQL_BX_FIELD:
		eng_buf_printf(b, "%s", cap_field_at((size_t)e->field)->name);
		return;
	case SQL_BX_COL:
		if (nm && e->col >= 0 && (uint32_t)e->col < nm->ncols)
			eng_buf_printf(b, "%s", nm->cols[e->col]);
		else
			eng_buf_printf(b, "$col%d", e->col);
		return;
	case SQL_BX_PARAM:
		eng_buf_printf(b, "$param%d", e->param);
		return;
	case SQL_BX_UNARY:
		eng_buf_printf(b, "%s", e->op == '!' ? "NOT " : (e->op == '-' ? "-" : "~"));
		put_expr(b, e->args[0], nm);
		return;
	case SQL_BX_BINARY:
		eng_buf_put(b, "(", 1);
		put_expr(b, e->args[0], nm);
		eng_buf_printf(b, " %s ", opname(e->op));
		put_expr(b, e->args[1], nm);
		eng_buf_put(b, ")", 1);
		return;
	case SQL_BX_CALL:
	case SQL_BX_AGG: {
		const struct sql_func *f = sql_func_at(e->fn);
		bool pred = e->type == GS_BOOL && e->kind == SQL_BX_CALL;
		eng_buf_printf(b, "%s%s", f ? f->name : "?", pred ? "[" : "(");
		for (uint32_t i = 0; i < e->nargs; i++) {
			if (i)
				eng_buf_put(b, ", ", 2);
			put_expr(b, e->args[i], nm);
		}
		eng_buf_put(b, pred ? "]" : ")", 1);
		return;
	}
	case SQL_BX_IN:
		put_expr(b, e->args[0], nm);
		eng_buf_put(b, " IN [", 5);
		for (uint32_t i = 1; i < e->nargs; i++) {
			if (i > 1)
				eng_buf_put(b, ", ", 2);
			put_expr(b, e->args[i], nm);
		}
		eng_buf_put(b, "]", 1);
		return;
	case SQL_BX_GBVAR:
		if (nm && nm->plan && (uint32_t)e->col < nm->plan->an->ngb)
			eng_buf_printf(b, "%s", nm->plan->an->gb[e->col].name);
		else
			eng_buf_printf(b, "$group%d", e->col);
		return;
	case SQL_BX_AGGREF: {
		const struct sql_aggregate *g = nm && nm->plan ? &nm->plan->an->aggs[e->col] : NULL;
		const struct sql_func *f = g ? sql_func_at(g->fn) : NULL;
		eng_buf_printf(b, "%s(", f ? f->name : "?");
		if (g && g->arg)
			put_expr(b, g->arg, NULL);
		else
			eng_buf_put(b, "*", 1);
		eng_buf_put(b, ")", 1);
		return;
	}
	case SQL_BX_SUPERREF: {
		const struct sql_superagg *sa = nm && nm->plan ? &nm->plan->an->supers[e->col] : NULL;
		if (!sa) {
			eng_buf_printf(b, "$super%d", e->col);
			return;
		}
		if (sa->op == SQL_SUPER_DISTINCT) {
			eng_buf_printf(b, "count_distinct$(%s)", nm->plan->an->gb[sa->of].name);
			return;
		}
		const struct sql_aggregate *g = &nm->plan->an->aggs[sa->of];
		const struct sql_func *f = sql_func_at(g->fn);
		eng_buf_printf(b, "%s$(", f ? f->name : "?");
		if (g->arg)
			put_expr(b, g->arg, NULL);
		else
			eng_buf_put(b, "*", 1);
		eng_buf_put(b, ")", 1);
		return;
	}
	case SQL_BX_CAST:
		eng_buf_printf(b, "%s(", sql_type_name(e->type));
		put_expr(b, e->args[0], nm);
		eng_buf_put(b, ")", 1);
		return;
	}
}

void eng_expr_text(struct eng_buf *b, const struct sql_bexpr *x)
{
	put_expr(b, x, NULL);
}

static void line_expr(FILE *f, const char *label, const struct sql_bexpr *e, const struct names *nm)
{
	struct eng_buf b = { 0 };
	put_expr(&b, e, nm);
	fprintf(f, "%s%s\n", label, b.p ? b.p : "");
	eng_buf_free(&b);
}

static const char *const part_names[] = {
	[GS_PART_COUNT] = "count", [GS_PART_SUM] = "sum", [GS_PART_MIN] = "min",
	[GS_PART_MAX] = "max", [GS_PART_AND] = "and", [GS_PART_OR] = "or", [GS_PART_XOR] = "xor",
};

static void put_parts(FILE *f, const struct eng_plan *p, const struct names *in)
{
	for (uint32_t i = 0; i < p->npart; i++) {
		struct eng_buf b = { 0 };
		if (p->parts[i].arg)
			put_expr(&b, p->parts[i].arg, in);
		fprintf(f, "%s%s(%s)", i ? ", " : "", part_names[p->parts[i].op], b.p ? b.p : "*");
		eng_buf_free(&b);
	}
	fprintf(f, "\n");
}

static void explain_agg(const struct eng_plan *p, const struct names *in, FILE *f)
{
	const struct sql_analyzed *an = p->an;
	struct names out = { .plan = p };
	int tk = an->temporal_gb;
	if (p->lfta_agg) {
		fprintf(f, "  HFTA: aggregation: merges the LFTA's partial groups by key\n");
	} else {
		fprintf(f, "  HFTA: aggregation over %s\n",
		        p->upstream ? "a stream (a query over a stream is never split)"
		                    : "the LFTA's selected tuples (select_lfta)");
		for (uint32_t i = 0; i < p->nhpred; i++)
			line_expr(f, i ? "                AND " : "    where:      ", p->hpred[i], in);
		fprintf(f, "    group by:   ");
		for (uint32_t i = 0; i < p->ngb; i++) {
			struct eng_buf b = { 0 };
			put_expr(&b, p->gb_expr[i], in);
			fprintf(f, "%s%s AS %s", i ? ", " : "", b.p ? b.p : "", an->gb[i].name);
			eng_buf_free(&b);
		}
		fprintf(f, "\n    partials:   ");
		put_parts(f, p, in);
	}
	if (tk >= 0)
		fprintf(f, "    closes:     a group when %s moves past it (%s)\n", an->gb[tk].name,
		        p->temporal_pkt ? "heartbeats from packet time too" : "on data only");
	else
		fprintf(f, "    closes:     every group at the end of input (no temporal group variable)\n");
	fprintf(f, "    final:      ");
	for (uint32_t j = 0; j < an->naggs; j++) {
		const struct sql_func *fn = sql_func_at(an->aggs[j].fn);
		const char *how = an->aggs[j].fn == SQL_FN_COUNT ? "sum of counts"
		                : an->aggs[j].fn == SQL_FN_SUM ? "sum of sums"
		                : an->aggs[j].fn == SQL_FN_AVG ? "sum of sums / sum of counts"
		                : "the same over partials";
		fprintf(f, "%s%s = %s", j ? ", " : "", fn ? fn->name : "?", how);
	}
	fprintf(f, "\n");
	if (an->having)
		line_expr(f, "    having:     ", an->having, &out);
	fprintf(f, "    output:     ");
	for (uint32_t i = 0; i < p->nhout; i++) {
		struct eng_buf b = { 0 };
		put_expr(&b, p->hout[i], &out);
		fprintf(f, "%s%s AS %s", i ? ", " : "", b.p ? b.p : "", p->cols[i].name);
		eng_buf_free(&b);
	}
	fprintf(f, "\n");
}

static void explain_one(struct eng_ctx *e, const struct eng_plan *p, bool verbose, FILE *f)
{
	fprintf(f, "Query %s\n", p->name);
	struct names in = { 0 };
	if (p->has_lfta) {
		const struct cap_proto_info *pi = cap_proto_info((enum cap_proto)p->proto);
		fprintf(f, "  LFTA: compiled C module, run per packet at capture\n");
		fprintf(f, "    runs at:    ");
		int n = 0;
		bool one_file = false;
		for (size_t i = 0; i < e->nsources; i++) {
			const struct eng_source_spec *s = &e->sources[i];
			const char *nm = s->arg;
			if (s->kind == ENG_SRC_FILE) {
				const char *sl = strrchr(nm, '/');
				nm = sl ? sl + 1 : nm;
			}
			if (p->iface && strcmp(p->iface, nm) != 0)
				continue;
			fprintf(f, "%s%s:%s", n++ ? ", " : "", s->kind == ENG_SRC_FILE ? "file" : "pcap", nm);
			one_file = s->kind == ENG_SRC_FILE;
		}
		fprintf(f, "%s\n", n ? "" : (e->nsources ? "(no source matches)" : "(no source yet: -r FILE or -i IFACE)"));
		if (n == 1 && one_file)
			fprintf(f, "    threads:    two if the file is classic pcap of 4 MiB or more, each reading\n"
			           "                half of it (the HFTA takes the first half's tuples, then the\n"
			           "                second's); else one\n");
		fprintf(f, "    protocol:   %s (%s)\n", pi->name, pi->member);
		for (uint32_t i = 0; i < p->nlpred; i++)
			line_expr(f, i ? "                AND " : "    where:      ", p->lpred[i], NULL);
		if (p->lfta_agg) {
			fprintf(f, "    group by:   ");
			for (uint32_t i = 0; i < p->ngb; i++) {
				struct eng_buf b = { 0 };
				put_expr(&b, p->gb_expr[i], NULL);
				fprintf(f, "%s%s AS %s", i ? ", " : "", b.p ? b.p : "", p->an->gb[i].name);
				eng_buf_free(&b);
			}
			fprintf(f, "\n    partials:   ");
			put_parts(f, p, NULL);
			fprintf(f, "    table:      %u slots, 4 probes; a collision evicts the resident group;\n"
			           "                a new bucket flushes the old generation a few slots per packet\n",
			        p->slots);
		}
		fprintf(f, "    emits:      ");
		for (uint32_t i = 0; i < p->nlout; i++) {
			if (p->lfta_agg) {
				fprintf(f, "%s%s", i ? ", " : "", p->lout_names[i]);
				continue;
			}
			struct eng_buf b = { 0 };
			put_expr(&b, p->lout[i], NULL);
			fprintf(f, "%s%s", i ? ", " : "", b.p ? b.p : "");
			if (p->has_hfta || strcmp(b.p ? b.p : "", p->lout_names[i]) != 0)
				fprintf(f, " AS %s", p->lout_names[i]);
			eng_buf_free(&b);
		}
		fprintf(f, "\n");
		in.cols = p->lout_names;
		in.ncols = p->nlout;
	} else if (p->upstream) {
		in.cols = p->upstream->plan->schema.col_names;
		in.ncols = p->upstream->plan->schema.ncols;
	}
	if (p->is_agg) {
		explain_agg(p, &in, f);
	} else if (p->has_hfta) {
		if (p->upstream)
			fprintf(f, "  HFTA: select/project over stream %s (a query over a stream is never split)\n",
			        p->upstream->name);
		else
			fprintf(f, "  HFTA: select/project over the LFTA's tuples\n");
		for (uint32_t i = 0; i < p->nhpred; i++)
			line_expr(f, i ? "                AND " : "    where:      ", p->hpred[i], &in);
		fprintf(f, "    output:     ");
		for (uint32_t i = 0; i < p->nhout; i++) {
			struct eng_buf b = { 0 };
			put_expr(&b, p->hout[i], &in);
			fprintf(f, "%s%s AS %s", i ? ", " : "", b.p ? b.p : "", p->cols[i].name);
			eng_buf_free(&b);
		}
		fprintf(f, "\n");
	} else {
		fprintf(f, "  HFTA: none (the LFTA's tuples are the result)\n");
	}
	fprintf(f, "  Output columns:\n");
	for (uint32_t i = 0; i < p->ncols; i++)
		fprintf(f, "    %-20s %-7s %s\n", p->cols[i].name, sql_type_name(p->cols[i].type),
		        sql_temporal_name(p->cols[i].temporal));
	if (verbose && p->csrc) {
		fprintf(f, "  Generated C:\n");
		fwrite(p->csrc, 1, p->csrc_len, f);
	}
}

void eng_explain_plan(struct eng_ctx *e, const struct eng_plan *p, bool verbose, FILE *f)
{
	if (p->upstream && p->upstream->plan->builtin) {
		fprintf(f, "Table %s: %s\n\n", p->upstream->name, p->upstream->text);
	} else if (p->upstream) {
		eng_explain_plan(e, p->upstream->plan, false, f);
		fprintf(f, "\n");
	}
	explain_one(e, p, verbose, f);
}
