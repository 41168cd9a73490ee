/*
 * fuzz_parse.c: libFuzzer target for the GSQL front end and the planner.
 * Any bytes are parsed; every query that parses is analysed, planned and
 * generated as C (not compiled).  The result must be a plan or an error
 * with a message; nothing may crash, hang or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/engine_int.h"
#include "../../sql/analyze.h"
#include "../../sql/sql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	if (n > 20000)
		return 0;
	struct sql_error err;
	memset(&err, 0, sizeof err);
	struct sql_script *s = sql_parse((const char *)data, n, &err);
	if (!s) {
		if (!err.msg[0])
			abort(); /* an error needs a message */
		return 0;
	}
	for (uint32_t i = 0; i < s->nqueries; i++) {
		memset(&err, 0, sizeof err);
		struct sql_analyzed *an = sql_analyze(s->queries[i], s->arena, NULL, &err);
		if (!an) {
			if (!err.msg[0])
				abort();
			continue;
		}
		if (an->src_kind != SQL_SRC_PROTOCOL)
			continue;
		struct eng_plan *p = eng_plan_query(an, NULL, "query", s->arena, &err);
		if (!p) {
			if (!err.msg[0])
				abort();
			continue;
		}
		if (eng_codegen(p, s->arena, &err) < 0 && !err.msg[0])
			abort();
	}
	sql_script_free(s);
	return 0;
}
