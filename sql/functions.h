/*
 * functions.h: the catalogue of GSQL functions, predicates and aggregates.
 *
 * One table says, for every function: its name, what it takes and returns,
 * whether it is cheap enough for the LFTA (compiled into the per-packet
 * module) or must run in the HFTA, and the gs_ops.h function that
 * implements it.  The analyzer types calls from it, the planner splits by
 * it, the code generator and the HFTA interpreter call what it names, and
 * docs/gsql.md lists it.
 */
#ifndef GIGSH_SQL_FUNCTIONS_H
#define GIGSH_SQL_FUNCTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../capture/gs_value.h"

enum sql_fn_id {
	SQL_FN_STR_MATCH_START,
	SQL_FN_STR_EXISTS_SUBSTR,
	SQL_FN_STR_REGEX_MATCH,
	SQL_FN_STRLEN,
	SQL_FN_PREFIX,
	SQL_FN_PREFIX6,
	SQL_FN_NON_TEMPORAL,
	SQL_FN_TO_UINT,
	SQL_FN_TO_ULLONG,
	SQL_FN_TO_LLONG,
	SQL_FN_TO_FLOAT,
	/* aggregates */
	SQL_FN_COUNT,
	SQL_FN_SUM,
	SQL_FN_MIN,
	SQL_FN_MAX,
	SQL_FN_AVG,
	SQL_FN_AND_AGGR,
	SQL_FN_OR_AGGR,
	SQL_FN_XOR_AGGR,
	SQL_NFNS
};

enum sql_fn_kind { SQL_FK_SCALAR, SQL_FK_AGGREGATE };

/* Argument classes: a concrete type, or one of these pseudo-types. */
#define SQL_ARG_ANY (-1)      /* any type; result has the argument's type */
#define SQL_ARG_NUMERIC (-2)  /* uint, int, ullong, llong, float */
#define SQL_ARG_INTEGER (-3)  /* uint, int, ullong, llong, IP, bool */

struct sql_func {
	const char *name;
	enum sql_fn_kind kind;
	int nargs;
	int arg[3];             /* enum gs_type or SQL_ARG_* */
	int result;             /* enum gs_type, or SQL_ARG_ANY: same as arg 0 */
	bool lfta_ok;           /* cheap: may run in the LFTA */
	bool const_last_arg;    /* the last argument must be a constant */
	const char *c_name;     /* gs_ops.h function, NULL when not a plain call */
	const char *doc;
};

/* Case-insensitive lookup; NULL when unknown. */
const struct sql_func *sql_func_lookup(const char *name, enum sql_fn_id *id);
const struct sql_func *sql_func_at(enum sql_fn_id id);
/* The closest function name to `name` (edit distance <= 2), or NULL. */
const char *sql_func_suggest(const char *name);

#endif
