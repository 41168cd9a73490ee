/*
 * test_grammar.c: unit tests of the GSQL grammar, the parse driver and the
 * psql-style error rendering (sql/grammar.y, sql/parse.c, sql/error.c,
 * sql/arena.c).
 *
 * Trees are compared as S-expressions, "(OR (AND ...) f)", printed by
 * sexpr() below.  Error output is captured with open_memstream and compared
 * with text worked out by hand.  Ends with robustness loops: random token
 * soups, random bytes, and every truncation and one-byte mutation of a few
 * sample queries must give a tree or a positioned error, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sql.h"

/* ---- helpers ------------------------------------------------------------ */

static const char *binop_name(int op)
{
	static const char *const n[] = {
		[SQL_OP_ADD] = "+", [SQL_OP_SUB] = "-", [SQL_OP_MUL] = "*",
		[SQL_OP_DIV] = "/", [SQL_OP_MOD] = "%", [SQL_OP_BAND] = "&",
		[SQL_OP_BOR] = "|", [SQL_OP_SHL] = "<<", [SQL_OP_SHR] = ">>",
		[SQL_OP_EQ] = "=", [SQL_OP_NE] = "<>", [SQL_OP_LT] = "<",
		[SQL_OP_GT] = ">", [SQL_OP_LE] = "<=", [SQL_OP_GE] = ">=",
		[SQL_OP_AND] = "AND", [SQL_OP_OR] = "OR",
	};
	return op >= 0 && op <= SQL_OP_OR ? n[op] : "?";
}

static void put_args(FILE *f, const struct sql_expr *e, uint32_t from);

static void put_expr(FILE *f, const struct sql_expr *e)
{
	uint32_t i;

	if (!e) {
		fputs("NULL", f);
		return;
	}
	switch (e->kind) {
	case SQL_E_INT:
		fprintf(f, "%llu%s", (unsigned long long)e->ival,
		        e->lit_type == GS_ULLONG ? "ull" : "");
		break;
	case SQL_E_FLOAT:
		fprintf(f, "%gf", e->fval);
		break;
	case SQL_E_STRING:
		putc('\'', f);
		for (i = 0; i < e->str_len; i++) {
			if (e->str[i] < 0x20)
				fprintf(f, "\\x%02x", e->str[i]);
			else
				putc(e->str[i], f);
		}
		putc('\'', f);
		break;
	case SQL_E_BOOL:
		fputs(e->ival ? "TRUE" : "FALSE", f);
		break;
	case SQL_E_IP:
		fprintf(f, "ip:%u.%u.%u.%u", (unsigned)(e->ival >> 24) & 255,
		        (unsigned)(e->ival >> 16) & 255,
		        (unsigned)(e->ival >> 8) & 255, (unsigned)e->ival & 255);
		break;
	case SQL_E_IP6:
		fputs("ip6:", f);
		for (i = 0; i < 16; i++)
			fprintf(f, "%02x", e->ip6.b[i]);
		break;
	case SQL_E_HEX:
		fprintf(f, "%s:%llx", e->lit_type == GS_ULLONG ? "lhex" : "hex",
		        (unsigned long long)e->ival);
		break;
	case SQL_E_PARAM:
		fprintf(f, "$%s", e->name);
		break;
	case SQL_E_DEFREF:
		fprintf(f, "#%s", e->name);
		break;
	case SQL_E_COLUMN:
		if (e->qual)
			fprintf(f, "%s.", e->qual);
		fputs(e->name, f);
		break;
	case SQL_E_STAR:
		if (e->qual)
			fprintf(f, "%s.", e->qual);
		putc('*', f);
		break;
	case SQL_E_UNARY:
		fprintf(f, "(%c ", e->op);
		put_expr(f, e->args[0]);
		putc(')', f);
		break;
	case SQL_E_BINARY:
		fprintf(f, "(%s ", binop_name(e->op));
		put_expr(f, e->args[0]);
		putc(' ', f);
		put_expr(f, e->args[1]);
		putc(')', f);
		break;
	case SQL_E_CALL:
		fprintf(f, "%s%s(", e->name, e->super_agg ? "$" : "");
		put_args(f, e, 0);
		putc(')', f);
		break;
	case SQL_E_PRED:
		fprintf(f, "%s[", e->name);
		put_args(f, e, 0);
		putc(']', f);
		break;
	case SQL_E_IN:
		fputs("(IN ", f);
		put_expr(f, e->args[0]);
		fputs(" [", f);
		put_args(f, e, 1);
		fputs("])", f);
		break;
	}
}

static void put_args(FILE *f, const struct sql_expr *e, uint32_t from)
{
	uint32_t i;

	for (i = from; i < e->nargs; i++) {
		if (i > from)
			fputs(", ", f);
		put_expr(f, e->args[i]);
	}
}

/* S-expression of e in a rotating set of static buffers. */
static const char *sexpr(const struct sql_expr *e)
{
	static char bufs[8][2048];
	static int next;
	char *b = bufs[next++ % 8];
	FILE *f = fmemopen(b, sizeof(bufs[0]), "w");

	put_expr(f, e);
	putc('\0', f);
	fclose(f);
	return b;
}

static struct sql_script *parse(const char *q, struct sql_error *err)
{
	return sql_parse(q, strlen(q), err);
}

/* The WHERE tree of "SELECT x FROM t WHERE <cond>", or "ERROR: msg @pos"
 * with pos relative to cond. */
static const char *where_of(const char *cond)
{
	static char out[2048];
	char q[1024];
	struct sql_error err;
	struct sql_script *s;

	snprintf(q, sizeof(q), "SELECT x FROM t WHERE %s", cond);
	s = parse(q, &err);
	if (!s) {
		snprintf(out, sizeof(out), "ERROR: %s @%d", err.msg,
		         (int)err.pos - 22);
		return out;
	}
	snprintf(out, sizeof(out), "%s", sexpr(s->queries[0]->where));
	sql_script_free(s);
	return out;
}

/* "msg @pos" of parsing q (n bytes), or "(parsed)". */
static const char *error_of_n(const char *q, size_t n)
{
	static char out[1024];
	struct sql_error err;
	struct sql_script *s = sql_parse(q, n, &err);

	if (s) {
		sql_script_free(s);
		return "(parsed)";
	}
	snprintf(out, sizeof(out), "%s @%u%s", err.msg, err.pos,
	         err.has_pos ? "" : " (no position)");
	return out;
}

static const char *error_of(const char *q)
{
	return error_of_n(q, strlen(q));
}

/* Everything sql_error_print writes for the error of parsing q. */
static const char *rendered(const char *q, const char *prefix,
                            unsigned line_base)
{
	static char *buf;
	size_t size;
	struct sql_error err;
	struct sql_script *s = parse(q, &err);
	FILE *f;

	if (s) {
		sql_script_free(s);
		return "(parsed)";
	}
	free(buf);
	f = open_memstream(&buf, &size);
	sql_error_print(f, &err, q, strlen(q), prefix, line_base);
	fclose(f);
	return buf;
}

static const char *rendered_err(const struct sql_error *err, const char *text,
                                size_t len)
{
	static char *buf;
	size_t size;
	FILE *f;

	free(buf);
	f = open_memstream(&buf, &size);
	sql_error_print(f, err, text, len, NULL, 1);
	fclose(f);
	return buf;
}

/* ---- statement shapes ----------------------------------------------------- */

static void test_select_shape(void)
{
	const char *q = "SELECT srcIP, destPort AS port, len * 2 AS l2\n"
	                "FROM eth0.TCP t WHERE ttl > 5";
	struct sql_error err;
	struct sql_script *s = parse(q, &err);
	const struct sql_query *qq;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(s->nqueries, 1);
	qq = s->queries[0];
	CHECK_INT(qq->kind, SQL_STMT_SELECT);
	CHECK_INT(qq->pos, 0);
	CHECK_INT(qq->end, strlen(q));
	CHECK_INT(qq->nselect, 3);
	CHECK_STR(sexpr(qq->select[0].expr), "srcIP");
	CHECK(qq->select[0].alias == NULL);
	CHECK_INT(qq->select[0].pos, 7);
	CHECK_STR(sexpr(qq->select[1].expr), "destPort");
	CHECK_STR(qq->select[1].alias, "port");
	CHECK_INT(qq->select[1].pos, 14);
	CHECK_STR(sexpr(qq->select[2].expr), "(* len 2)");
	CHECK_STR(qq->select[2].alias, "l2");
	CHECK_INT(qq->nfrom, 1);
	CHECK_STR(qq->from[0].iface, "eth0");
	CHECK_STR(qq->from[0].name, "TCP");
	CHECK_STR(qq->from[0].var, "t");
	CHECK_INT(qq->from[0].pos, 51);
	CHECK_STR(sexpr(qq->where), "(> ttl 5)");
	CHECK_INT(qq->where->pos, 68);
	CHECK_INT(qq->where->end, 75);
	CHECK_INT(qq->join, SQL_JOIN_NONE);
	CHECK(qq->join_args == NULL);
	CHECK_INT(qq->ngroup_by, 0);
	CHECK_INT(qq->nsupergroup, 0);
	CHECK(qq->having == NULL);
	CHECK(qq->cleaning_when == NULL && qq->cleaning_by == NULL);
	CHECK(qq->closing_when == NULL);
	CHECK_INT(qq->ndefines, 0);
	CHECK_INT(qq->nparams, 0);
	sql_script_free(s);

	s = parse("select a from TCP, eth1.UDP, q2 x", &err);
	CHECK(s != NULL);
	if (!s)
		return;
	qq = s->queries[0];
	CHECK_INT(qq->nfrom, 3);
	CHECK(qq->from[0].iface == NULL);
	CHECK_STR(qq->from[0].name, "TCP");
	CHECK(qq->from[0].var == NULL);
	CHECK_STR(qq->from[1].iface, "eth1");
	CHECK_STR(qq->from[1].name, "UDP");
	CHECK(qq->from[1].var == NULL);
	CHECK_INT(qq->from[1].pos, 19);
	CHECK_STR(qq->from[2].name, "q2");
	CHECK_STR(qq->from[2].var, "x");
	CHECK(qq->where == NULL);
	CHECK_INT(qq->end, 33);
	sql_script_free(s);
}

static void test_select_star(void)
{
	struct sql_error err;
	struct sql_script *s = parse("SELECT *, t.*, count(*), sum$(len), now() FROM TCP t", &err);
	const struct sql_query *q;

	CHECK(s != NULL);
	if (!s)
		return;
	q = s->queries[0];
	CHECK_INT(q->nselect, 5);
	CHECK_INT(q->select[0].expr->kind, SQL_E_STAR);
	CHECK(q->select[0].expr->qual == NULL);
	CHECK_INT(q->select[1].expr->kind, SQL_E_STAR);
	CHECK_STR(q->select[1].expr->qual, "t");
	CHECK_INT(q->select[1].expr->pos, 10);
	CHECK_INT(q->select[1].expr->end, 13);
	CHECK_STR(sexpr(q->select[2].expr), "count(*)");
	CHECK_INT(q->select[2].expr->nargs, 1);
	CHECK_INT(q->select[2].expr->args[0]->kind, SQL_E_STAR);
	CHECK_INT(q->select[2].expr->args[0]->pos, 21);
	CHECK(!q->select[2].expr->super_agg);
	CHECK_STR(sexpr(q->select[3].expr), "sum$(len)");
	CHECK(q->select[3].expr->super_agg);
	CHECK_INT(q->select[3].expr->pos, 25);
	CHECK_INT(q->select[3].expr->end, 34);
	CHECK_STR(sexpr(q->select[4].expr), "now()");
	CHECK_INT(q->select[4].expr->nargs, 0);
	sql_script_free(s);
}

static void test_precedence(void)
{
	CHECK_STR(where_of("a + b * c = d AND NOT e OR f"),
	          "(OR (AND (= (+ a (* b c)) d) (! e)) f)");
	CHECK_STR(where_of("a OR b AND c"), "(OR a (AND b c))");
	CHECK_STR(where_of("NOT a = b"), "(! (= a b))");
	CHECK_STR(where_of("NOT a AND b"), "(AND (! a) b)");
	CHECK_STR(where_of("a | b & c << d + e * f"),
	          "(| a (& b (<< c (+ d (* e f)))))");
	CHECK_STR(where_of("a * b + c & d | e"), "(| (& (+ (* a b) c) d) e)");
	CHECK_STR(where_of("a - b - c"), "(- (- a b) c)");
	CHECK_STR(where_of("a / b % c"), "(% (/ a b) c)");
	CHECK_STR(where_of("a << 1 >> 2"), "(>> (<< a 1) 2)");
	CHECK_STR(where_of("-a * b"), "(* (- a) b)");
	CHECK_STR(where_of("~a + !b"), "(+ (~ a) (! b))");
	CHECK_STR(where_of("!a = b"), "(= (! a) b)");
	CHECK_STR(where_of("- - a"), "(- (- a))");
	CHECK_STR(where_of("a - -1"), "(- a (- 1))");
	CHECK_STR(where_of("(a + b) * c"), "(* (+ a b) c)");
	CHECK_STR(where_of("a = b + 1 OR a <> b OR a != b"),
	          "(OR (OR (= a (+ b 1)) (<> a b)) (<> a b))");
	CHECK_STR(where_of("a < b AND a > b AND a <= b AND a >= b"),
	          "(AND (AND (AND (< a b) (> a b)) (<= a b)) (>= a b))");
	CHECK_STR(where_of("destPort IN [80, 443] AND x"),
	          "(AND (IN destPort [80, 443]) x)");
	CHECK_STR(where_of("a + 1 IN [1 + 1]"), "(IN (+ a 1) [(+ 1 1)])");
	CHECK_STR(where_of("NOT a IN [1]"), "(! (IN a [1]))");
	CHECK_STR(where_of("str_match_start[TCP_data, 'GET'] AND NOT p[]"),
	          "(AND str_match_start[TCP_data, 'GET'] (! p[]))");
	CHECK_STR(where_of("t.srcIP = IP_VAL'10.0.0.1'"), "(= t.srcIP ip:10.0.0.1)");
	CHECK_STR(where_of("f(a, g(b + 1), 2) > max$(x)"),
	          "(> f(a, g((+ b 1)), 2) max$(x))");
	/* comparisons do not chain */
	CHECK_STR(where_of("a = b = c"), "ERROR: syntax error at or near \"=\" @6");
	CHECK_STR(where_of("a < b IN [1]"), "ERROR: syntax error at or near \"IN\" @6");
}

static void test_expr_positions(void)
{
	const char *q = "SELECT (a + b) * c, -x, f(y, 2), p[z] FROM t";
	struct sql_error err;
	struct sql_script *s = parse(q, &err);
	const struct sql_query *qq;
	const struct sql_expr *e;

	CHECK(s != NULL);
	if (!s)
		return;
	qq = s->queries[0];
	e = qq->select[0].expr;
	CHECK_INT(e->pos, 7);
	CHECK_INT(e->end, 18);
	CHECK_INT(e->args[0]->pos, 7);          /* (a + b), parentheses included */
	CHECK_INT(e->args[0]->end, 14);
	CHECK_INT(e->args[0]->args[0]->pos, 8);
	CHECK_INT(e->args[0]->args[1]->pos, 12);
	CHECK_INT(e->args[1]->pos, 17);
	e = qq->select[1].expr;
	CHECK_INT(e->pos, 20);
	CHECK_INT(e->end, 22);
	CHECK_INT(e->op, '-');
	e = qq->select[2].expr;
	CHECK_INT(e->pos, 24);
	CHECK_INT(e->end, 31);
	e = qq->select[3].expr;
	CHECK_INT(e->kind, SQL_E_PRED);
	CHECK_INT(e->pos, 33);
	CHECK_INT(e->end, 37);
	sql_script_free(s);
}

static void test_literals_in_tree(void)
{
	static const char q[] =
		"SELECT 42, 4294967296, 7UL, 1.5, 'it''s', TRUE, false,"
		" IP_VAL'10.0.0.1', IPV6_VAL'::1', HEX'ff', LHEX'ff', $port, #qn,"
		" 'a\0b\nc', '' FROM t";
	struct sql_error err;
	struct sql_script *s = sql_parse(q, sizeof(q) - 1, &err);
	const struct sql_query *qq;
	const struct sql_expr *e;

	CHECK(s != NULL);
	if (!s)
		return;
	qq = s->queries[0];
	CHECK_INT(qq->nselect, 15);
	e = qq->select[0].expr;
	CHECK_INT(e->kind, SQL_E_INT);
	CHECK_INT(e->ival, 42);
	CHECK_INT(e->lit_type, GS_UINT);
	e = qq->select[1].expr;
	CHECK_INT(e->kind, SQL_E_INT);
	CHECK(e->ival == 4294967296ull);
	CHECK_INT(e->lit_type, GS_ULLONG);
	e = qq->select[2].expr;
	CHECK_INT(e->ival, 7);
	CHECK_INT(e->lit_type, GS_ULLONG);
	e = qq->select[3].expr;
	CHECK_INT(e->kind, SQL_E_FLOAT);
	CHECK(e->fval == 1.5);
	CHECK_INT(e->lit_type, GS_FLOAT);
	e = qq->select[4].expr;
	CHECK_INT(e->kind, SQL_E_STRING);
	CHECK_INT(e->str_len, 4);
	CHECK(memcmp(e->str, "it's", 4) == 0);
	CHECK_INT(e->lit_type, GS_STRING);
	e = qq->select[5].expr;
	CHECK_INT(e->kind, SQL_E_BOOL);
	CHECK_INT(e->ival, 1);
	CHECK_INT(e->lit_type, GS_BOOL);
	e = qq->select[6].expr;
	CHECK_INT(e->kind, SQL_E_BOOL);
	CHECK_INT(e->ival, 0);
	e = qq->select[7].expr;
	CHECK_INT(e->kind, SQL_E_IP);
	CHECK(e->ival == 0x0a000001u);
	CHECK_INT(e->lit_type, GS_IP);
	e = qq->select[8].expr;
	CHECK_INT(e->kind, SQL_E_IP6);
	CHECK_INT(e->ip6.b[15], 1);
	CHECK_INT(e->ip6.b[0], 0);
	CHECK_INT(e->lit_type, GS_IPV6);
	e = qq->select[9].expr;
	CHECK_INT(e->kind, SQL_E_HEX);
	CHECK_INT(e->ival, 255);
	CHECK_INT(e->lit_type, GS_UINT);
	e = qq->select[10].expr;
	CHECK_INT(e->kind, SQL_E_HEX);
	CHECK_INT(e->lit_type, GS_ULLONG);
	e = qq->select[11].expr;
	CHECK_INT(e->kind, SQL_E_PARAM);
	CHECK_STR(e->name, "port");
	e = qq->select[12].expr;
	CHECK_INT(e->kind, SQL_E_DEFREF);
	CHECK_STR(e->name, "qn");
	e = qq->select[13].expr;
	CHECK_INT(e->kind, SQL_E_STRING);
	CHECK_INT(e->str_len, 5);
	CHECK(memcmp(e->str, "a\0b\nc", 5) == 0);
	e = qq->select[14].expr;
	CHECK_INT(e->str_len, 0);
	CHECK(e->str != NULL);
	sql_script_free(s);
}

static void test_group_by_and_later_clauses(void)
{
	const char *q =
		"SELECT tb, srcIP, count(*) FROM TCP\n"
		"GROUP BY time/60 AS tb, srcIP, CUBE(a, b), ROLLUP(c),\n"
		"  GROUPING_SETS((a, b), (c), ())\n"
		"SUPERGROUP tb, srcIP\n"
		"HAVING count(*) > 5 AND sum$(len) < 10\n"
		"CLEANING_WHEN x > 1 CLEANING_BY y < 2\n"
		"CLOSING_WHEN z";
	struct sql_error err;
	struct sql_script *s = parse(q, &err);
	const struct sql_query *qq;
	const struct sql_group_item *g;

	CHECK(s != NULL);
	if (!s)
		return;
	qq = s->queries[0];
	CHECK_INT(qq->ngroup_by, 5);
	CHECK_INT(qq->group_by_pos, 36);
	g = &qq->group_by[0];
	CHECK_INT(g->kind, SQL_GB_EXPR);
	CHECK_STR(sexpr(g->expr), "(/ time 60)");
	CHECK_STR(g->alias, "tb");
	CHECK_INT(g->pos, 45);
	g = &qq->group_by[1];
	CHECK_INT(g->kind, SQL_GB_EXPR);
	CHECK_STR(sexpr(g->expr), "srcIP");
	CHECK(g->alias == NULL);
	g = &qq->group_by[2];
	CHECK_INT(g->kind, SQL_GB_CUBE);
	CHECK_INT(g->nlist, 2);
	CHECK_STR(sexpr(g->list[0]), "a");
	CHECK_STR(sexpr(g->list[1]), "b");
	CHECK_INT(g->pos, 67);
	g = &qq->group_by[3];
	CHECK_INT(g->kind, SQL_GB_ROLLUP);
	CHECK_INT(g->nlist, 1);
	CHECK_STR(sexpr(g->list[0]), "c");
	g = &qq->group_by[4];
	CHECK_INT(g->kind, SQL_GB_GROUPING_SETS);
	/* (a, b), (c), () flattened: a b NULL c NULL */
	CHECK_INT(g->nlist, 5);
	if (g->nlist == 5) {
		CHECK_STR(sexpr(g->list[0]), "a");
		CHECK_STR(sexpr(g->list[1]), "b");
		CHECK(g->list[2] == NULL);
		CHECK_STR(sexpr(g->list[3]), "c");
		CHECK(g->list[4] == NULL);
	}
	CHECK_INT(qq->nsupergroup, 2);
	CHECK_STR(qq->supergroup[0], "tb");
	CHECK_STR(qq->supergroup[1], "srcIP");
	CHECK_INT(qq->supergroup_pos, 123);
	CHECK_STR(sexpr(qq->having), "(AND (> count(*) 5) (< sum$(len) 10))");
	CHECK_INT(qq->having_pos, 144);
	CHECK_STR(sexpr(qq->cleaning_when), "(> x 1)");
	CHECK_STR(sexpr(qq->cleaning_by), "(< y 2)");
	CHECK_INT(qq->cleaning_pos, 183);
	CHECK_STR(sexpr(qq->closing_when), "z");
	CHECK_INT(qq->closing_pos, 221);
	CHECK_INT(qq->end, strlen(q));
	sql_script_free(s);

	/* GROUPING_SETS edge cases */
	s = parse("SELECT a FROM t GROUP BY GROUPING_SETS(()), GROUPING_SETS((), (a))", &err);
	CHECK(s != NULL);
	if (s) {
		qq = s->queries[0];
		CHECK_INT(qq->group_by[0].nlist, 0);
		CHECK_INT(qq->group_by[1].nlist, 2);
		CHECK(qq->group_by[1].list[0] == NULL);
		CHECK_STR(sexpr(qq->group_by[1].list[1]), "a");
		sql_script_free(s);
	}
	/* only CLEANING_BY: cleaning_pos is its keyword */
	s = parse("SELECT a FROM t CLEANING_BY y", &err);
	CHECK(s != NULL);
	if (s) {
		CHECK_INT(s->queries[0]->cleaning_pos, 16);
		CHECK(s->queries[0]->cleaning_when == NULL);
		sql_script_free(s);
	}
	/* clauses come in the documented order */
	CHECK_STR(error_of("SELECT a FROM t HAVING a GROUP BY a"),
	          "syntax error at or near \"GROUP\" @25");
	CHECK_STR(error_of("SELECT a FROM t GROUP BY GROUPING_SETS(a)"),
	          "syntax error at or near \"a\" @39");
	CHECK_STR(error_of("SELECT a FROM t GROUP BY CUBE()"),
	          "syntax error at or near \")\" @30");
}

static void test_joins(void)
{
	static const struct {
		const char *kw;
		enum sql_join_kind kind;
	} joins[] = {
		{ "INNER_JOIN", SQL_JOIN_INNER },
		{ "OUTER_JOIN", SQL_JOIN_OUTER },
		{ "left_outer_join", SQL_JOIN_LEFT },
		{ "Right_Outer_Join", SQL_JOIN_RIGHT },
	};
	struct sql_error err;
	struct sql_script *s;
	char q[256];
	size_t i;

	for (i = 0; i < sizeof(joins) / sizeof(joins[0]); i++) {
		snprintf(q, sizeof(q), "SELECT R.a, S.b %s FROM R, S WHERE R.t = S.t",
		         joins[i].kw);
		s = parse(q, &err);
		CHECK(s != NULL);
		if (!s)
			continue;
		CHECK_INT(s->queries[0]->join, joins[i].kind);
		CHECK_INT(s->queries[0]->join_pos, 16);
		CHECK(s->queries[0]->join_args == NULL);
		CHECK_INT(s->queries[0]->nfrom, 2);
		sql_script_free(s);
	}
	s = parse("SELECT R.a FILTER_JOIN(R.srcIP, 10) FROM R, S WHERE R.x = S.x", &err);
	CHECK(s != NULL);
	if (s) {
		const struct sql_expr *j = s->queries[0]->join_args;

		CHECK_INT(s->queries[0]->join, SQL_JOIN_FILTER);
		CHECK_INT(s->queries[0]->join_pos, 11);
		CHECK(j != NULL);
		if (j) {
			CHECK_INT(j->kind, SQL_E_CALL);
			CHECK_STR(sexpr(j), "FILTER_JOIN(R.srcIP, 10)");
			CHECK_INT(j->pos, 11);
			CHECK_INT(j->end, 35);
		}
		sql_script_free(s);
	}
	CHECK_STR(error_of("SELECT a FILTER_JOIN(x) FROM R, S"),
	          "syntax error at or near \")\" @22");
	CHECK_STR(error_of("SELECT a INNER_JOIN OUTER_JOIN FROM R, S"),
	          "syntax error at or near \"OUTER_JOIN\" @20");
}

static void test_merge(void)
{
	struct sql_error err;
	struct sql_script *s = parse("MERGE a.time : b.time SLACK 5 FROM s1 a, s2 b", &err);
	const struct sql_query *q;

	CHECK(s != NULL);
	if (!s)
		return;
	q = s->queries[0];
	CHECK_INT(q->kind, SQL_STMT_MERGE);
	CHECK_INT(q->pos, 0);
	CHECK_INT(q->end, 45);
	CHECK_INT(q->nmerge_fields, 2);
	CHECK_STR(sexpr(q->merge_fields[0]), "a.time");
	CHECK_STR(sexpr(q->merge_fields[1]), "b.time");
	CHECK_STR(sexpr(q->slack), "5");
	CHECK_INT(q->nfrom, 2);
	CHECK_STR(q->from[0].name, "s1");
	CHECK_STR(q->from[0].var, "a");
	CHECK_STR(q->from[1].name, "s2");
	CHECK_STR(q->from[1].var, "b");
	CHECK_INT(q->nselect, 0);
	sql_script_free(s);

	s = parse("merge x.t : y.t : z.t from p x, q y, r z", &err);
	CHECK(s != NULL);
	if (s) {
		CHECK_INT(s->queries[0]->nmerge_fields, 3);
		CHECK(s->queries[0]->slack == NULL);
		CHECK_INT(s->queries[0]->nfrom, 3);
		sql_script_free(s);
	}
	CHECK_STR(error_of("MERGE a.t FROM s1 a"), "syntax error at or near \"FROM\" @10");
	CHECK_STR(error_of("MERGE a.t : b.t SLACK FROM s1 a"),
	          "syntax error at or near \"FROM\" @22");
}

static void test_statements(void)
{
	const char *q = ";SELECT a FROM b;; SELECT c FROM d;\nSELECT e FROM f -- last\n";
	struct sql_error err;
	struct sql_script *s = parse(q, &err);

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(s->nqueries, 3);
	if (s->nqueries == 3) {
		CHECK_INT(s->queries[0]->pos, 1);
		CHECK_INT(s->queries[0]->end, 16);
		CHECK_INT(s->queries[1]->pos, 19);
		CHECK_INT(s->queries[1]->end, 34);
		CHECK_INT(s->queries[2]->pos, 36);
		CHECK_INT(s->queries[2]->end, 51);
		CHECK_STR(s->queries[2]->from[0].name, "f");
	}
	sql_script_free(s);

	s = parse("", &err);
	CHECK(s != NULL && s->nqueries == 0);
	sql_script_free(s);
	s = parse(" ;; ; -- nothing\n", &err);
	CHECK(s != NULL && s->nqueries == 0);
	sql_script_free(s);
	s = sql_parse(NULL, 0, &err);
	CHECK(s != NULL && s->nqueries == 0);
	sql_script_free(s);
	sql_script_free(NULL);

	/* the first error wins, with its position in the whole text */
	CHECK_STR(error_of("SELECT a FROM b; SELECT FROM c; SELECT"),
	          "syntax error at or near \"FROM\" @24");
	CHECK_STR(error_of("SELECT a FROM b SELECT c FROM d"),
	          "syntax error at or near \"SELECT\" @16");
	/* err may be NULL */
	CHECK(sql_parse("SELECT", 6, NULL) == NULL);
}

static void test_define_param(void)
{
	static const char q[] =
		"DEFINE { query_name 'q1'; aggregate_slots 8192; note 'it''s\0x'; mode fast }\n"
		"PARAM { port uint; addr IP; }\n"
		"SELECT a FROM t WHERE destPort = $port AND srcIP = $addr;\n"
		"PARAM { n uint } DEFINE { query_name 'q2' } SELECT b FROM q1;\n"
		"DEFINE { } SELECT c FROM t";
	struct sql_error err;
	struct sql_script *s = sql_parse(q, sizeof(q) - 1, &err);
	const struct sql_query *qq;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(s->nqueries, 3);
	qq = s->queries[0];
	CHECK_INT(qq->pos, 0);
	CHECK_INT(qq->ndefines, 4);
	if (qq->ndefines == 4) {
		CHECK_STR(qq->defines[0].name, "query_name");
		CHECK_STR(qq->defines[0].value, "q1");
		CHECK_INT(qq->defines[0].value_len, 2);
		CHECK_INT(qq->defines[0].pos, 9);
		CHECK_STR(qq->defines[1].name, "aggregate_slots");
		CHECK_STR(qq->defines[1].value, "8192");
		CHECK_INT(qq->defines[1].value_len, 4);
		CHECK_STR(qq->defines[2].name, "note");
		CHECK_INT(qq->defines[2].value_len, 6);
		CHECK(memcmp(qq->defines[2].value, "it's\0x", 6) == 0);
		CHECK_STR(qq->defines[3].name, "mode");
		CHECK_STR(qq->defines[3].value, "fast");
	}
	CHECK_INT(qq->nparams, 2);
	if (qq->nparams == 2) {
		CHECK_STR(qq->params[0].name, "port");
		CHECK_STR(qq->params[0].type_name, "uint");
		CHECK_INT(qq->params[0].pos, 84);
		CHECK_STR(qq->params[1].name, "addr");
		CHECK_STR(qq->params[1].type_name, "IP");
	}
	CHECK_STR(sexpr(qq->where), "(AND (= destPort $port) (= srcIP $addr))");

	qq = s->queries[1];
	CHECK_INT(qq->pos, 164);
	CHECK_INT(qq->nparams, 1);
	CHECK_STR(qq->params[0].name, "n");
	CHECK_INT(qq->ndefines, 1);
	CHECK_STR(qq->defines[0].value, "q2");
	CHECK_STR(qq->from[0].name, "q1");

	qq = s->queries[2];
	CHECK_INT(qq->ndefines, 0);
	CHECK_INT(qq->pos, 226);
	sql_script_free(s);

	CHECK_STR(error_of("DEFINE { a 'x'; } DEFINE { b 'y'; } SELECT a FROM t"),
	          "syntax error at or near \"DEFINE\" @18");
	CHECK_STR(error_of("DEFINE { a 'x'; }"), "syntax error at end of input @17");
	CHECK_STR(error_of("DEFINE { a 'x' b 'y' } SELECT a FROM t"),
	          "syntax error at or near \"b\" @15");
	CHECK_STR(error_of("PARAM { p; } SELECT a FROM t"),
	          "syntax error at or near \";\" @9");
	CHECK_STR(error_of("SELECT a FROM t DEFINE { a 'b' }"),
	          "syntax error at or near \"DEFINE\" @16");
}

/* ---- errors --------------------------------------------------------------- */

static void test_syntax_errors(void)
{
	static const char nul[] = "SELECT a\0 FROM t";

	CHECK_STR(error_of("SELECT FROM TCP"), "syntax error at or near \"FROM\" @7");
	CHECK_STR(error_of("SELECT a FROM"), "syntax error at end of input @13");
	CHECK_STR(error_of("SELECT a FROM t WHERE  "), "syntax error at end of input @23");
	CHECK_STR(error_of("SELECT a b FROM t"), "syntax error at or near \"b\" @9");
	CHECK_STR(error_of("SELECT 'abc' 'def' FROM t"),
	          "syntax error at or near \"'def'\" @13");
	CHECK_STR(error_of("FROM t"), "syntax error at or near \"FROM\" @0");
	CHECK_STR(error_of("SELECT a FROM t WHERE x IN (1, 2)"),
	          "syntax error at or near \"(\" @27");
	CHECK_STR(error_of("SELECT a FROM t GROUP time"),
	          "syntax error at or near \"time\" @22");
	CHECK_STR(error_of("select a from t where x = 1 )"),
	          "syntax error at or near \")\" @28");
	CHECK_STR(error_of("SELECT a FROM t WHERE x > 1 GROUP BY x HAVING"),
	          "syntax error at end of input @45");
	CHECK_STR(error_of_n(nul, sizeof(nul) - 1),
	          "syntax error at or near \"\\x00\" @8");
	CHECK_STR(error_of("SELECT a @ b FROM t"), "syntax error at or near \"@\" @9");
	CHECK_STR(error_of("SELECT 'abc FROM t"),
	          "unterminated quoted string at or near \"'abc FROM t\" @7");
	CHECK_STR(error_of("SELECT HEX'12g' FROM t"),
	          "invalid input syntax for type HEX: \"12g\" @7");
	CHECK_STR(error_of("SELECT t. FROM t"), "syntax error at or near \"FROM\" @10");
	CHECK_STR(error_of("SELECT a FROM eth0. WHERE"),
	          "syntax error at or near \"WHERE\" @20");
	CHECK_STR(error_of("SELECT f(a,) FROM t"), "syntax error at or near \")\" @11");
	CHECK_STR(error_of("SELECT a AS FROM t"), "syntax error at or near \"FROM\" @12");
	CHECK_STR(error_of("SELECT * * FROM t"), "syntax error at or near \"*\" @9");
}

static void test_error_render(void)
{
	struct sql_error err;

	CHECK_STR(rendered("SELECT FROM TCP", NULL, 1),
	          "ERROR:  syntax error at or near \"FROM\"\n"
	          "LINE 1: SELECT FROM TCP\n"
	          "               ^\n");
	CHECK_STR(rendered("SELECT a FROM", NULL, 1),
	          "ERROR:  syntax error at end of input\n"
	          "LINE 1: SELECT a FROM\n"
	          "                     ^\n");
	CHECK_STR(rendered("SELECT a\nFROM t\nWHERE a = = 1", NULL, 1),
	          "ERROR:  syntax error at or near \"=\"\n"
	          "LINE 3: WHERE a = = 1\n"
	          "                  ^\n");
	/* tabs are shown as single spaces so the caret lines up */
	CHECK_STR(rendered("SELECT\ta,\tFROM t", NULL, 1),
	          "ERROR:  syntax error at or near \"FROM\"\n"
	          "LINE 1: SELECT a, FROM t\n"
	          "                  ^\n");
	/* prefix on the ERROR line only; line numbers from line_base */
	CHECK_STR(rendered("SELECT a\nFROM t WHERE", "q.gsql:3: ", 3),
	          "q.gsql:3: ERROR:  syntax error at end of input\n"
	          "LINE 4: FROM t WHERE\n"
	          "                    ^\n");
	CHECK_STR(rendered("\n\nSELECT )", NULL, 99),
	          "ERROR:  syntax error at or near \")\"\n"
	          "LINE 101: SELECT )\n"
	          "                 ^\n");
	/* \r\n is one line break, a lone \r is one too */
	CHECK_STR(rendered("SELECT a\r\nFROM t\r\nWHERE )\r\n", NULL, 1),
	          "ERROR:  syntax error at or near \")\"\n"
	          "LINE 3: WHERE )\n"
	          "              ^\n");
	CHECK_STR(rendered("SELECT a\rFROM t\rWHERE )", NULL, 1),
	          "ERROR:  syntax error at or near \")\"\n"
	          "LINE 3: WHERE )\n"
	          "              ^\n");
	/* end of input after a final newline: an empty last line */
	CHECK_STR(rendered("SELECT a FROM\n", NULL, 1),
	          "ERROR:  syntax error at end of input\n"
	          "LINE 2: \n"
	          "        ^\n");
	/* columns count characters, not bytes */
	CHECK_STR(rendered("SELECT 'h\xc3\xa9llo' FROM FROM", NULL, 1),
	          "ERROR:  syntax error at or near \"FROM\"\n"
	          "LINE 1: SELECT 'h\xc3\xa9llo' FROM FROM\n"
	          "                            ^\n");
	/* a NUL byte is shown as '?' */
	{
		static const char nul[] = "SELECT a\0 FROM t";
		struct sql_script *s = sql_parse(nul, sizeof(nul) - 1, &err);

		CHECK(s == NULL);
		CHECK_STR(rendered_err(&err, nul, sizeof(nul) - 1),
		          "ERROR:  syntax error at or near \"\\x00\"\n"
		          "LINE 1: SELECT a? FROM t\n"
		          "                ^\n");
	}
	/* hints, and errors without a position */
	memset(&err, 0, sizeof(err));
	sql_error_set(&err, true, 7, "column \"%s\" does not exist", "dstPort");
	snprintf(err.hint, sizeof(err.hint), "did you mean \"destPort\"?");
	CHECK_STR(rendered_err(&err, "SELECT dstPort FROM TCP", 23),
	          "ERROR:  column \"dstPort\" does not exist\n"
	          "LINE 1: SELECT dstPort FROM TCP\n"
	          "               ^\n"
	          "HINT:  did you mean \"destPort\"?\n");
	memset(&err, 0, sizeof(err));
	sql_error_set(&err, false, 7, "out of memory");
	CHECK_STR(rendered_err(&err, "SELECT a FROM t", 15), "ERROR:  out of memory\n");
	snprintf(err.hint, sizeof(err.hint), "try less");
	CHECK_STR(rendered_err(&err, "SELECT a FROM t", 15),
	          "ERROR:  out of memory\nHINT:  try less\n");
	/* a position beyond the text, or no text: no LINE */
	memset(&err, 0, sizeof(err));
	sql_error_set(&err, true, 99, "late");
	CHECK_STR(rendered_err(&err, "SELECT", 6), "ERROR:  late\n");
	CHECK_STR(rendered_err(&err, NULL, 0), "ERROR:  late\n");
}

static void test_error_render_long_lines(void)
{
	/* 93 characters, error at 7: cut on the right only */
	CHECK_STR(rendered("SELECT FROM t WHERE a AND b AND c AND d AND e AND f AND g AND h AND i AND j AND k AND l AND m", NULL, 1),
	          "ERROR:  syntax error at or near \"FROM\"\n"
	          "LINE 1: SELECT FROM t WHERE a AND b AND c AND d AND e AND f AND g AN...\n"
	          "               ^\n");
	/* 87 characters, error at 82: cut on the left only */
	CHECK_STR(rendered("SELECT a FROM t WHERE a AND b AND c AND d AND e AND f AND g AND h AND i AND j AND AND k", NULL, 1),
	          "ERROR:  syntax error at or near \"AND\"\n"
	          "LINE 1: ... b AND c AND d AND e AND f AND g AND h AND i AND j AND AND k\n"
	          "                                                                  ^\n");
	/* 203 characters, error at 102: cut on both sides */
	CHECK_STR(rendered("SELECT a FROM t WHERE x = 1 AND x = 1 AND x = 1 AND x = 1 AND x = 1 AND x = 1 AND x = 1 AND x = 1 AND ) AND y = 2 AND y = 2 AND y = 2 AND y = 2 AND y = 2 AND y = 2 AND y = 2 AND y = 2 AND y = 2 AND y = 2", NULL, 1),
	          "ERROR:  syntax error at or near \")\"\n"
	          "LINE 1: ...x = 1 AND x = 1 AND x = 1 AND x = 1 AND x = 1 AND ) AND y = ...\n"
	          "                                                             ^\n");
	/* a long first line does not matter when the error is on a short one */
	CHECK_STR(rendered("SELECT a -- a comment that is much longer than sixty characters, really\nFROM", NULL, 1),
	          "ERROR:  syntax error at end of input\n"
	          "LINE 2: FROM\n"
	          "            ^\n");
}

static void test_line_of(void)
{
	const char *t = "a\nb\r\nc\rd\n\ne";
	size_t n = strlen(t);

	CHECK_INT(sql_line_of(t, n, 0), 1);
	CHECK_INT(sql_line_of(t, n, 1), 1);
	CHECK_INT(sql_line_of(t, n, 2), 2);
	CHECK_INT(sql_line_of(t, n, 4), 3);   /* between \r and \n */
	CHECK_INT(sql_line_of(t, n, 5), 3);
	CHECK_INT(sql_line_of(t, n, 7), 4);
	CHECK_INT(sql_line_of(t, n, 10), 6);
	CHECK_INT(sql_line_of(t, n, 1000), 6);
	CHECK_INT(sql_line_of(NULL, 0, 5), 1);
}

static void test_error_set(void)
{
	struct sql_error err;

	memset(&err, 0, sizeof(err));
	sql_error_set(&err, true, 3, "first %d", 1);
	sql_error_set(&err, false, 9, "second");
	CHECK_STR(err.msg, "first 1");
	CHECK(err.has_pos);
	CHECK_INT(err.pos, 3);
	sql_error_set(NULL, false, 0, "ignored");
	/* a parse clears what an earlier call left */
	sql_script_free(parse("SELECT a FROM t", &err));
	CHECK_STR(err.msg, "");
}

/* ---- depth bounds --------------------------------------------------------- */

static char *repeat(const char *pre, const char *unit, size_t n,
                    const char *mid, const char *unit2, size_t n2,
                    const char *post)
{
	size_t lu = strlen(unit), lu2 = strlen(unit2);
	char *s = malloc(strlen(pre) + lu * n + strlen(mid) + lu2 * n2 +
	                 strlen(post) + 1);
	char *p = s;
	size_t i;

	p += sprintf(p, "%s", pre);
	for (i = 0; i < n; i++, p += lu)
		memcpy(p, unit, lu);
	p += sprintf(p, "%s", mid);
	for (i = 0; i < n2; i++, p += lu2)
		memcpy(p, unit2, lu2);
	sprintf(p, "%s", post);
	return s;
}

static void test_deep_nesting(void)
{
	char *q;

	q = repeat("SELECT ", "(", 200, "1", ")", 200, " FROM t");
	CHECK_STR(error_of(q), "(parsed)");
	free(q);
	q = repeat("SELECT ", "(", 201, "1", ")", 201, " FROM t");
	CHECK_STR(error_of(q), "expression too deeply nested @207");
	free(q);
	q = repeat("SELECT ", "(", 100000, "", "", 0, "");
	CHECK_STR(error_of(q), "expression too deeply nested @207");
	free(q);
	q = repeat("SELECT a FROM t WHERE x IN [", "(", 300, "", "", 0, "");
	CHECK_STR(error_of(q), "expression too deeply nested @227");
	free(q);
	q = repeat("SELECT ", "f(", 250, "1", ")", 250, " FROM t");
	CHECK_STR(error_of(q), "expression too deeply nested @408");
	free(q);

	/* long operator chains build tall trees: bounded too */
	q = repeat("SELECT ", "1+", 999, "1", "", 0, " FROM t");
	CHECK_STR(error_of(q), "(parsed)");
	free(q);
	q = repeat("SELECT ", "1+", 1000, "1", "", 0, " FROM t");
	CHECK_STR(error_of(q), "expression too deeply nested @2007");
	free(q);
	q = repeat("SELECT ", "a OR ", 200000, "b", "", 0, " FROM t");
	CHECK(strncmp(error_of(q), "expression too deeply nested", 28) == 0);
	free(q);
	q = repeat("SELECT ", "- ", 900, "1", "", 0, " FROM t");
	CHECK_STR(error_of(q), "(parsed)");
	free(q);
	q = repeat("SELECT ", "~", 100000, "1", "", 0, " FROM t");
	CHECK(strncmp(error_of(q), "expression too deeply nested", 28) == 0);
	free(q);
	q = repeat("SELECT a FROM t WHERE ", "NOT ", 3000, "x", "", 0, "");
	CHECK(strncmp(error_of(q), "expression too deeply nested", 28) == 0);
	free(q);
	/* long lists are not deep */
	q = repeat("SELECT a FROM t WHERE x IN [0", ", 1", 20000, "]", "", 0, "");
	CHECK_STR(error_of(q), "(parsed)");
	free(q);
	q = repeat("SELECT a", ", a", 20000, " FROM t", "", 0, "");
	CHECK_STR(error_of(q), "(parsed)");
	free(q);
	q = repeat("", "SELECT a FROM t;", 5000, "", "", 0, "");
	CHECK_STR(error_of(q), "(parsed)");
	free(q);
}

/* ---- arena ---------------------------------------------------------------- */

static void test_arena(void)
{
	struct sql_arena *a = sql_arena_new();
	char *s;
	int i;

	CHECK(a != NULL);
	if (!a)
		return;
	for (i = 0; i < 5000; i++) {
		size_t n = (size_t)(i % 97) + (i % 500 == 0 ? 100000 : 0);
		unsigned char *p = sql_arena_alloc(a, n);
		size_t j;

		CHECK(p != NULL);
		if (!p)
			break;
		CHECK(((uintptr_t)p % _Alignof(max_align_t)) == 0);
		for (j = 0; j < n; j++)
			if (p[j] != 0)
				break;
		CHECK(j == n);
		memset(p, 0xa5, n);
	}
	CHECK(sql_arena_alloc(a, 0) != NULL);
	CHECK(sql_arena_alloc(a, SIZE_MAX) == NULL);
	s = sql_arena_strndup(a, "ab\0cd", 5);
	CHECK(s != NULL && memcmp(s, "ab\0cd", 6) == 0);
	s = sql_arena_strndup(a, "xyz", 0);
	CHECK(s != NULL && s[0] == '\0');
	CHECK(sql_arena_alloc(NULL, 8) == NULL);
	sql_arena_free(a);
	sql_arena_free(NULL);
}

/* ---- robustness ----------------------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Parse n bytes; a failure must carry a message and an in-range position. */
static void parse_must_survive(const char *q, size_t n)
{
	struct sql_error err;
	struct sql_script *s = sql_parse(q, n, &err);

	if (s) {
		uint32_t i;

		for (i = 0; i < s->nqueries; i++)
			CHECK(s->queries[i]->pos <= s->queries[i]->end &&
			      s->queries[i]->end <= n);
		sql_script_free(s);
	} else {
		CHECK(err.msg[0] != '\0');
		CHECK(err.pos <= n);
	}
}

static const char *const samples[] = {
	"DEFINE { query_name 'tcp_count'; } PARAM { p uint; }\n"
	"SELECT tb, srcIP, count(*) AS n, sum$(len) FROM eth0.TCP t\n"
	"WHERE destPort IN [80, 443] AND NOT str_match_start[TCP_data, 'GET']\n"
	"GROUP BY time/60 AS tb, srcIP SUPERGROUP tb HAVING count(*) > $p\n"
	"CLEANING_WHEN x CLEANING_BY y CLOSING_WHEN z;",
	"MERGE a.time : b.time SLACK 5 FROM s1 a, s2 b; SELECT *, t.* FROM q t",
	"SELECT R.a FILTER_JOIN(R.t, 10) FROM R, S WHERE R.t = S.t AND "
	"IP_VAL'1.2.3.4' <> srcIP OR HEX'ff' & LHEX'12' << 2 = -~!1.5e3 -- c\n"
	"GROUP BY CUBE(a, b), ROLLUP(c), GROUPING_SETS((a), ())",
};

static void test_random_robustness(void)
{
	static const char *const vocab[] = {
		"SELECT", "FROM", "WHERE", "AS", "AND", "OR", "NOT", "IN", "GROUP",
		"BY", "HAVING", "DEFINE", "PARAM", "MERGE", "SLACK", "SUPERGROUP",
		"CUBE", "ROLLUP", "GROUPING_SETS", "CLEANING_WHEN", "CLEANING_BY",
		"CLOSING_WHEN", "INNER_JOIN", "FILTER_JOIN", "TRUE", "x", "t",
		"eth0", "count", "1", "2.5", "'s'", "IP_VAL'1.2.3.4'", "HEX'f'",
		"$p", "#d", "=", "<>", "<", "+", "-", "*", "/", "&", "|", "<<",
		"~", "!", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "$",
		"'", "--", "\n", "\0",
	};
	char buf[512];
	size_t i, j, n, k;
	int round;

	/* token soups */
	for (round = 0; round < 4000; round++) {
		size_t ntok = rnd() % 40;

		n = 0;
		for (j = 0; j < ntok; j++) {
			const char *w = vocab[rnd() % (sizeof(vocab) / sizeof(vocab[0]))];
			size_t wl = w[0] ? strlen(w) : 1;

			if (n + wl + 1 >= sizeof(buf))
				break;
			memcpy(buf + n, w, wl);
			n += wl;
			if (rnd() % 4)
				buf[n++] = ' ';
		}
		parse_must_survive(buf, n);
	}
	/* random bytes */
	for (round = 0; round < 2000; round++) {
		n = rnd() % 128;
		for (j = 0; j < n; j++)
			buf[j] = (char)rnd();
		parse_must_survive(buf, n);
	}
	/* every truncation and many one-byte mutations of real queries */
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		size_t len = strlen(samples[i]);
		char *m = malloc(len);

		parse_must_survive(samples[i], len);
		CHECK_STR(error_of(samples[i]), "(parsed)");
		for (n = 0; n <= len; n++)
			parse_must_survive(samples[i], n);
		for (round = 0; round < 1000; round++) {
			memcpy(m, samples[i], len);
			k = rnd() % len;
			m[k] = (round & 1) ? (char)rnd() : "'();[],.\0"[rnd() % 9];
			parse_must_survive(m, len);
		}
		free(m);
	}
}

int main(void)
{
	RUN(test_select_shape);
	RUN(test_select_star);
	RUN(test_precedence);
	RUN(test_expr_positions);
	RUN(test_literals_in_tree);
	RUN(test_group_by_and_later_clauses);
	RUN(test_joins);
	RUN(test_merge);
	RUN(test_statements);
	RUN(test_define_param);
	RUN(test_syntax_errors);
	RUN(test_error_render);
	RUN(test_error_render_long_lines);
	RUN(test_line_of);
	RUN(test_error_set);
	RUN(test_deep_nesting);
	RUN(test_arena);
	RUN(test_random_robustness);
	return unit_done();
}
