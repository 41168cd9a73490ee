/*
 * test_analyze.c: analysis (binding, types, temporal properties), the
 * planner's split, and the code generator's handling of hostile text.
 *
 * Expected values are worked out from the rules in docs/gsql.md and the
 * fact sheet (section 5 for temporal properties), not copied from output.
 */
#include <stdlib.h>
#include <string.h>

#include "../../capture/capture.h"
#include "../../engine/engine_int.h"
#include "../../sql/analyze.h"
#include "../../sql/sql.h"
#include "unit.h"

/* A catalog with one stream, web(t uint increasing, src IP varying). */
static const char *const web_names[] = { "t", "src" };
static const enum gs_type web_types[] = { GS_UINT, GS_IP };
static const enum gs_temporal web_temp[] = { GS_INCREASING, GS_VARYING };
static const struct sql_stream_schema web = { "web", 2, web_names, web_types, web_temp };

static const struct sql_stream_schema *lookup(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "web") == 0 ? &web : NULL;
}

static void each(void *ctx, void (*fn)(void *arg, const char *name), void *arg)
{
	(void)ctx;
	fn(arg, "web");
}

static const struct sql_catalog cat = { lookup, each, NULL };

struct res {
	struct sql_script *s;
	struct sql_analyzed *an;
	struct sql_error err;
};

static void analyze(struct res *r, const char *text)
{
	memset(r, 0, sizeof *r);
	r->s = sql_parse(text, strlen(text), &r->err);
	if (!r->s) {
		fprintf(stderr, "parse failed: %s (%s)\n", r->err.msg, text);
		return;
	}
	r->an = sql_analyze(r->s->queries[0], r->s->arena, &cat, &r->err);
}

static void done(struct res *r)
{
	sql_script_free(r->s);
}

static void test_types_and_names(void)
{
	struct res r;
	analyze(&r, "SELECT time, srcIP, destPort, len + 1 AS l1, timestamp FROM TCP WHERE destPort = 443");
	CHECK(r.an != NULL);
	if (r.an) {
		CHECK_INT(r.an->ncols, 5);
		CHECK_STR(r.an->cols[0].name, "time");
		CHECK_INT(r.an->cols[0].expr->type, GS_UINT);
		CHECK_INT(r.an->cols[1].expr->type, GS_IP);
		CHECK_STR(r.an->cols[3].name, "l1");
		CHECK_INT(r.an->cols[3].expr->type, GS_UINT);
		CHECK_INT(r.an->cols[4].expr->type, GS_ULLONG);
		CHECK_INT(r.an->where->type, GS_BOOL);
		CHECK(r.an->where->lfta_ok);
	}
	done(&r);
	/* aliases of the manual: source_port / dest_port */
	analyze(&r, "SELECT source_port FROM UDP WHERE dest_port = 53");
	CHECK(r.an != NULL);
	if (r.an)
		CHECK_STR(r.an->cols[0].name, "srcPort");
	done(&r);
}

static void test_temporal(void)
{
	struct res r;
	/* time/60 stays increasing; time*2+1 too; 100 - time decreases;
	 * time + destPort varies; a constant is constant */
	analyze(&r, "SELECT time/60, time*2+1, 100 - time, time + destPort, 7, non_temporal(time) FROM TCP");
	CHECK(r.an != NULL);
	if (r.an) {
		CHECK_INT(r.an->cols[0].expr->temporal, GS_INCREASING);
		CHECK_INT(r.an->cols[1].expr->temporal, GS_INCREASING);
		CHECK_INT(r.an->cols[2].expr->temporal, GS_DECREASING);
		CHECK_INT(r.an->cols[3].expr->temporal, GS_VARYING);
		CHECK_INT(r.an->cols[4].expr->temporal, GS_CONSTANT);
		CHECK_INT(r.an->cols[5].expr->temporal, GS_VARYING);
	}
	done(&r);
	/* over a stream: its temporal column keeps its property */
	analyze(&r, "SELECT t/10 AS tb, src FROM web");
	CHECK(r.an != NULL);
	if (r.an) {
		CHECK_INT(r.an->src_kind, SQL_SRC_STREAM);
		CHECK_INT(r.an->cols[0].expr->temporal, GS_INCREASING);
		CHECK(!r.an->cols[0].expr->lfta_ok);
	}
	done(&r);
}

static void test_errors(void)
{
	struct res r;
	analyze(&r, "SELECT destPrt FROM TCP");
	CHECK(r.an == NULL);
	CHECK_STR(r.err.msg, "column \"destPrt\" does not exist in TCP");
	CHECK_STR(r.err.hint, "did you mean \"destPort\"?");
	CHECK_INT(r.err.pos, 7);
	done(&r);

	analyze(&r, "SELECT srcIP FROM TPC");
	CHECK(r.an == NULL);
	CHECK_STR(r.err.msg, "unknown protocol or stream \"TPC\"");
	CHECK_STR(r.err.hint, "did you mean \"TCP\"?");
	done(&r);

	analyze(&r, "SELECT srcIP FROM TCP WHERE srcIP = 5");
	CHECK(r.an == NULL);
	CHECK_STR(r.err.msg, "operator does not exist: IP = uint");
	done(&r);

	analyze(&r, "SELECT srcIP FROM TCP WHERE destPort");
	CHECK(r.an == NULL);
	CHECK_STR(r.err.msg, "argument of WHERE must be type bool, not type uint");
	done(&r);

	/* a port is not a field of IPV4 */
	analyze(&r, "SELECT srcPort FROM IPV4");
	CHECK(r.an == NULL);
	done(&r);

	analyze(&r, "SELECT $p FROM TCP");
	CHECK(r.an == NULL);
	CHECK_STR(r.err.msg, "parameter $p is not declared");
	done(&r);

	analyze(&r, "SELECT srcIP FROM TCP WHERE str_regex_match[TCP_data, '(']");
	CHECK(r.an == NULL);
	CHECK(strncmp(r.err.msg, "invalid regular expression", 26) == 0);
	done(&r);
}

static struct eng_plan *plan_of(struct res *r, const char *text)
{
	analyze(r, text);
	if (!r->an)
		return NULL;
	struct eng_plan *p = eng_plan_query(r->an, NULL, "query", r->s->arena, &r->err);
	if (p && eng_codegen(p, r->s->arena, &r->err) < 0)
		return NULL;
	return p;
}

static void test_split(void)
{
	struct res r;
	/* all cheap: wholly LFTA */
	struct eng_plan *p = plan_of(&r, "SELECT srcIP, destPort FROM TCP WHERE destPort = 443 AND ttl > 3");
	CHECK(p != NULL);
	if (p) {
		CHECK(p->has_lfta);
		CHECK(!p->has_hfta);
		CHECK_INT(p->nlpred, 2);
		CHECK_INT(p->nlout, 2);
	}
	done(&r);
	/* a regex stays in the HFTA; the cheap conjunct runs per packet and the
	 * LFTA emits exactly the fields the HFTA needs: destPort, TCP_data, srcIP */
	p = plan_of(&r, "SELECT srcIP FROM TCP WHERE destPort = 80 AND str_regex_match[TCP_data, '^GET ']");
	CHECK(p != NULL);
	if (p) {
		CHECK(p->has_lfta && p->has_hfta);
		CHECK_INT(p->nlpred, 1);
		CHECK_INT(p->nhpred, 1);
		CHECK_INT(p->nlout, 2);
		CHECK_INT(p->nhout, 1);
		CHECK_INT(p->nregex, 1);
	}
	done(&r);
	/* not built yet: named */
	p = plan_of(&r, "SELECT a.srcIP INNER_JOIN FROM TCP a, UDP b");
	CHECK(p == NULL);
	done(&r);
	p = plan_of(&r, "SELECT srcIP, AVG$(len) FROM TCP GROUP BY srcIP, destPort SUPERGROUP srcIP");
	CHECK(p == NULL);
	CHECK(strncmp(r.err.msg, "super-aggregate AVG$ does not exist", 35) == 0);
	done(&r);
}

static void test_aggregation(void)
{
	struct res r;
	/* cheap: the LFTA aggregates; AVG needs a sum and a count, and the
	 * count is shared with COUNT(*): partials count, sum(len) */
	struct eng_plan *p = plan_of(&r, "SELECT tb, srcIP, COUNT(*), AVG(len), COUNT(*) AS again "
	                                 "FROM TCP WHERE destPort = 443 GROUP BY time/60 AS tb, srcIP "
	                                 "HAVING COUNT(*) > 10");
	CHECK(p != NULL);
	if (p) {
		CHECK(p->is_agg && p->lfta_agg);
		CHECK_INT(p->ngb, 2);
		CHECK_INT(p->an->naggs, 2);
		CHECK_INT(p->npart, 2);
		CHECK_INT(p->an->temporal_gb, 0);
		CHECK_INT(p->cols[0].temporal, GS_INCREASING);
		CHECK_INT(p->cols[2].type, GS_ULLONG);
		CHECK_INT(p->cols[3].type, GS_FLOAT);
		CHECK(p->temporal_pkt != NULL);
		CHECK_INT(p->slots, 4096);
	}
	done(&r);
	/* two temporal group variables */
	p = plan_of(&r, "SELECT COUNT(*) FROM TCP GROUP BY time/60 AS a, timestamp AS b");
	CHECK(p == NULL);
	CHECK(strncmp(r.err.msg, "more than one temporal group variable", 37) == 0);
	CHECK(strstr(r.err.hint, "non_temporal") != NULL);
	done(&r);
	p = plan_of(&r, "SELECT COUNT(*) FROM TCP GROUP BY time/60 AS a, non_temporal(timestamp) AS b");
	CHECK(p != NULL);
	done(&r);
	/* a column that is neither grouped nor aggregated */
	p = plan_of(&r, "SELECT srcIP, COUNT(*) FROM TCP GROUP BY destIP");
	CHECK(p == NULL);
	CHECK_STR(r.err.msg, "column \"srcIP\" must appear in the GROUP BY clause or be used in an aggregate function");
	done(&r);
	/* an expensive predicate: the LFTA cannot aggregate unless select_lfta */
	p = plan_of(&r, "SELECT COUNT(*) FROM TCP WHERE str_regex_match[TCP_data, 'x'] GROUP BY time AS t");
	CHECK(p == NULL);
	CHECK(strstr(r.err.hint, "select_lfta") != NULL);
	done(&r);
	p = plan_of(&r, "DEFINE { select_lfta 'true'; } SELECT COUNT(*) FROM TCP "
	                "WHERE str_regex_match[TCP_data, 'x'] GROUP BY time AS t");
	CHECK(p != NULL);
	if (p)
		CHECK(p->is_agg && !p->lfta_agg && p->has_lfta && p->nhpred == 1);
	done(&r);
	/* aggregate_slots must be a power of two */
	p = plan_of(&r, "DEFINE { aggregate_slots '100'; } SELECT COUNT(*) FROM TCP GROUP BY time AS t");
	CHECK(p == NULL);
	done(&r);
	/* grouping sets: CUBE(a, b) is ab, a, b, (); ROLLUP(a, b) is ab, a, ();
	 * the plain variable tb is in every set.  Variables: tb=0, srcIP=1, destPort=2 */
	p = plan_of(&r, "SELECT tb, srcIP, destPort, COUNT(*) FROM TCP "
	                "GROUP BY time/60 AS tb, CUBE(srcIP, destPort)");
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->an->nsets, 4);
		CHECK_INT(p->an->sets[0], 7);
		CHECK_INT(p->an->sets[1], 3);
		CHECK_INT(p->an->sets[2], 5);
		CHECK_INT(p->an->sets[3], 1);
	}
	done(&r);
	p = plan_of(&r, "SELECT srcIP, destPort, COUNT(*) FROM TCP GROUP BY ROLLUP(srcIP, destPort)");
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->an->nsets, 3);
		CHECK_INT(p->an->sets[0], 3);
		CHECK_INT(p->an->sets[1], 1);
		CHECK_INT(p->an->sets[2], 0);
	}
	done(&r);
	p = plan_of(&r, "SELECT COUNT(*) FROM TCP GROUP BY GROUPING_SETS((srcIP, destPort), (destPort), ())");
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->an->nsets, 3);
		CHECK_INT(p->an->sets[0], 3);
		CHECK_INT(p->an->sets[1], 2);
		CHECK_INT(p->an->sets[2], 0);
	}
	done(&r);
	p = plan_of(&r, "SELECT COUNT(*) FROM TCP GROUP BY CUBE(time, srcIP)");
	CHECK(p == NULL);
	CHECK(strstr(r.err.msg, "cannot be rolled up") != NULL);
	done(&r);
	/* super-aggregates: COUNT$(*) adds the groups' COUNT(*) (shared with the
	 * plain COUNT(*)), count_distinct$ counts a group variable's values;
	 * the supergroup is srcIP plus the temporal variable tb */
	p = plan_of(&r, "SELECT tb, srcIP, COUNT(*), COUNT$(*), count_distinct$(destPort) FROM TCP "
	                "GROUP BY time/60 AS tb, srcIP, destPort SUPERGROUP srcIP");
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->an->nsupers, 2);
		CHECK_INT(p->an->naggs, 1);
		CHECK_INT(p->an->super_mask, 3);
		CHECK_INT(p->an->supers[0].op, SQL_SUPER_SUM);
		CHECK_INT(p->an->supers[1].op, SQL_SUPER_DISTINCT);
		CHECK_INT(p->an->supers[1].of, 2);
	}
	done(&r);
	p = plan_of(&r, "SELECT srcIP FROM TCP GROUP BY srcIP SUPERGROUP destIP");
	CHECK(p == NULL);
	done(&r);
	/* more aggregates than one growth step of the list (16): all kept */
	{
		char q[2048] = "SELECT COUNT(*)";
		for (int i = 1; i <= 20; i++)
			snprintf(q + strlen(q), sizeof q - strlen(q), ", SUM(len + %d)", i);
		snprintf(q + strlen(q), sizeof q - strlen(q), " FROM TCP GROUP BY time AS t");
		p = plan_of(&r, q);
		CHECK(p != NULL);
		if (p) {
			CHECK_INT(p->an->naggs, 21);
			CHECK_INT(p->npart, 21);
			CHECK_INT(p->an->aggs[20].fn, SQL_FN_SUM);
		}
		done(&r);
	}
	/* running aggregation */
	p = plan_of(&r, "SELECT tb, srcIP, SUM(len) FROM TCP GROUP BY time/60 AS tb, srcIP "
	                "CLOSING_WHEN SUM(len) > 1000");
	CHECK(p != NULL);
	if (p)
		CHECK(p->an->closing_when != NULL && p->an->closing_when->type == GS_BOOL);
	done(&r);
	p = plan_of(&r, "SELECT srcIP, COUNT(*) FROM TCP GROUP BY srcIP CLOSING_WHEN COUNT(*) > 5");
	CHECK(p == NULL);
	CHECK_STR(r.err.msg, "CLOSING_WHEN needs an aggregation with a temporal group variable");
	done(&r);
	p = plan_of(&r, "SELECT srcIP FROM TCP WHERE COUNT(*) > 1");
	CHECK(p == NULL);
	CHECK_STR(r.err.msg, "aggregate functions are not allowed in WHERE");
	done(&r);
}

/* Hostile literals never appear in the generated C as text. */
static void test_codegen_injection(void)
{
	static const char *const hostile[] = {
		"\"); system(\"touch /tmp/pwned\"); (\"",
		"\\", "*/ int x; /*", "a\nb", "?\?/", "%s%n%x", "#include <stdio.h>",
	};
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		char q[512];
		/* GSQL quoting: ' doubled; none of these contain ' */
		snprintf(q, sizeof q, "SELECT '%s' AS c FROM TCP WHERE str_match_start[TCP_data, '%s']",
		         hostile[i], hostile[i]);
		struct res r;
		struct eng_plan *p = plan_of(&r, q);
		CHECK(p != NULL);
		if (p && strlen(hostile[i]) > 2)
			CHECK(strstr(p->csrc, hostile[i]) == NULL);
		done(&r);
	}
	/* a NUL inside a string literal */
	const char text[] = "SELECT 'a\0b' AS c FROM TCP";
	struct res r;
	memset(&r, 0, sizeof r);
	r.s = sql_parse(text, sizeof text - 1, &r.err);
	CHECK(r.s != NULL);
	if (r.s) {
		r.an = sql_analyze(r.s->queries[0], r.s->arena, &cat, &r.err);
		CHECK(r.an != NULL);
		if (r.an) {
			CHECK_INT(r.an->cols[0].expr->val.s.len, 3);
			CHECK(memcmp(r.an->cols[0].expr->val.s.p, "a\0b", 3) == 0);
		}
	}
	done(&r);
}

int main(void)
{
	RUN(test_types_and_names);
	RUN(test_temporal);
	RUN(test_errors);
	RUN(test_split);
	RUN(test_aggregation);
	RUN(test_codegen_injection);
	return unit_done();
}
