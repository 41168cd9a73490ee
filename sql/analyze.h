/*
 * analyze.h: name binding, typing and temporal imputation of a parsed query.
 *
 * sql_analyze() turns one struct sql_query into a struct sql_analyzed: its
 * source (a protocol of the packet schema, or another query's stream), its
 * output columns and WHERE as bound expressions (struct sql_bexpr) that
 * know their type, their temporal property, and whether they may run in the
 * LFTA.  It checks what a user can get wrong (unknown names, with a "did you
 * mean"; operators over the wrong types; WHERE that is not bool) and reports
 * it with the byte offset of the offending token.  It does not decide the
 * split (engine/plan.c does) nor reject features that are merely not built
 * yet (the planner does, naming them).
 *
 * Everything it allocates comes from the arena passed in.
 */
#ifndef GIGSH_SQL_ANALYZE_H
#define GIGSH_SQL_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>

#include "../capture/gs_value.h"
#include "ast.h"
#include "functions.h"
#include "sql.h"

enum sql_bx_kind {
	SQL_BX_CONST,   /* val (strings point into the arena) */
	SQL_BX_FIELD,   /* packet field: field = index in the capture schema */
	SQL_BX_COL,     /* column `col` of the input stream / LFTA output */
	SQL_BX_PARAM,   /* query parameter number `param` */
	SQL_BX_UNARY,   /* op: '-', '~', '!'; args[0] */
	SQL_BX_BINARY,  /* op: enum sql_binop; args[0], args[1] (same type
	                   after analysis for arithmetic and comparisons, except
	                   shifts, whose count may differ) */
	SQL_BX_CALL,    /* fn; args */
	SQL_BX_IN,      /* args[0] IN [args[1..]] (all of one type) */
	SQL_BX_CAST,    /* args[0] converted to type */
	SQL_BX_AGG,     /* aggregate call, only inside analysis */
	SQL_BX_GBVAR,   /* group variable number `col` (aggregation output) */
	SQL_BX_AGGREF,  /* aggregate number `col` of the query (its final value) */
	SQL_BX_SUPERREF /* super-aggregate number `col` (over the supergroup) */
};

struct sql_bexpr {
	enum sql_bx_kind kind;
	enum gs_type type;
	enum gs_temporal temporal;
	bool lfta_ok;           /* everything under it may run in the LFTA */
	int op;
	gs_value val;
	int field;
	int col;
	int param;
	enum sql_fn_id fn;
	struct sql_bexpr **args;
	uint32_t nargs;
	uint32_t pos;           /* offset in the query text, for messages */
	void *aux;              /* per-run state owned by the engine (e.g. a
	                           compiled regular expression); NULL here */
};

/* The schema of a named stream, as the registry knows it. */
struct sql_stream_schema {
	const char *name;
	uint32_t ncols;
	const char *const *col_names;
	const enum gs_type *types;
	const enum gs_temporal *temporal;
};

typedef const struct sql_stream_schema *(*sql_stream_lookup_fn)(void *ctx, const char *name);
/* Names of every stream, for "did you mean": calls fn for each. */
typedef void (*sql_stream_each_fn)(void *ctx, void (*fn)(void *arg, const char *name), void *arg);

struct sql_catalog {
	sql_stream_lookup_fn lookup;
	sql_stream_each_fn each;
	void *ctx;
};

struct sql_out_col {
	const char *name;
	struct sql_bexpr *expr;
	uint32_t pos;
};

struct sql_param_info {
	const char *name;
	enum gs_type type;
	uint32_t pos;
};

enum sql_src_kind { SQL_SRC_PROTOCOL, SQL_SRC_STREAM };

/* GROUP BY entry: a name for an expression over the input. */
struct sql_group_var {
	const char *name;
	struct sql_bexpr *expr;
	uint32_t pos;
};

/* A super-aggregate: computed, when a bucket closes, over the groups of a
 * supergroup (the groups that agree on the SUPERGROUP variables). */
enum sql_super_op {
	SQL_SUPER_SUM,       /* COUNT$(*) and SUM$(x): sum of the groups' COUNT(*)/SUM(x) */
	SQL_SUPER_MIN,       /* MIN$(x): least of the groups' MIN(x) */
	SQL_SUPER_MAX,       /* MAX$(x) */
	SQL_SUPER_DISTINCT   /* count_distinct$(g): distinct values of group variable g */
};
struct sql_superagg {
	enum sql_super_op op;
	uint32_t of;          /* the aggregate (or for DISTINCT the group variable) */
	enum gs_type type;
	uint32_t pos;
};

/* One aggregate of an aggregation query, over the input (arg is NULL for
 * COUNT(*)).  Identical aggregates written twice are one. */
struct sql_aggregate {
	enum sql_fn_id fn;
	struct sql_bexpr *arg;
	enum gs_type type;          /* of the final value */
	uint32_t pos;
};

struct sql_analyzed {
	const struct sql_query *q;
	const char *query_name;          /* DEFINE query_name, or NULL */
	enum sql_src_kind src_kind;
	int proto;                       /* enum cap_proto, for SQL_SRC_PROTOCOL */
	const char *iface;               /* FROM iface.PROTO, or NULL */
	const struct sql_stream_schema *stream; /* for SQL_SRC_STREAM */
	struct sql_bexpr *where;         /* NULL when absent */
	struct sql_out_col *cols;
	uint32_t ncols;
	struct sql_param_info *params;
	uint32_t nparams;
	bool has_aggregates;
	uint32_t agg_pos;

	/* Aggregation (GROUP BY, or aggregates in the select list).  Then
	 * cols[] and having are over SQL_BX_GBVAR and SQL_BX_AGGREF only. */
	bool is_aggregation;
	struct sql_group_var *gb;
	uint32_t ngb;
	int temporal_gb;                 /* index of the temporal group variable, or -1 */
	struct sql_aggregate *aggs;
	uint32_t naggs;
	struct sql_bexpr *having;        /* NULL when absent */
	struct sql_bexpr *closing_when;  /* running aggregation: NULL when absent */
	uint64_t super_mask;             /* group variables of the SUPERGROUP */
	struct sql_superagg *supers;
	uint32_t nsupers;
	uint32_t aggregate_slots;        /* DEFINE aggregate_slots (0: default) */
	/* Grouping sets (CUBE, ROLLUP, GROUPING_SETS): each a bit mask of the
	 * group variables present; one set of all of them when there are none. */
	uint64_t *sets;
	uint32_t nsets;
	bool select_lfta;                /* DEFINE select_lfta: aggregate in the HFTA */
};

/* True when two bound expressions compute the same thing. */
bool sql_bexpr_equal(const struct sql_bexpr *a, const struct sql_bexpr *b);

/* Analyze q (from the text `text` it was parsed from, used for nothing but
 * messages).  Returns the result, allocated in `a`, or NULL with *err. */
struct sql_analyzed *sql_analyze(const struct sql_query *q, struct sql_arena *a,
                                 const struct sql_catalog *cat, struct sql_error *err);

/* Look up a DEFINE entry of q (case-insensitive); NULL when absent. */
const struct sql_define *sql_query_define(const struct sql_query *q, const char *name);

/* Parse text as a value of type t (for parameters and DEFINE values).
 * Returns 0, or -1 with a message in msg (at least 128 bytes). */
int sql_parse_value(const char *text, enum gs_type t, struct sql_arena *a,
                    gs_value *out, char *msg, size_t msgsize);
/* Type name as written in GSQL (PARAM blocks, messages). -1 if unknown. */
int sql_type_lookup(const char *name);
const char *sql_type_name(enum gs_type t);
const char *sql_temporal_name(enum gs_temporal t);

/* Levenshtein distance, case-insensitive, capped at 99. */
unsigned sql_edit_distance(const char *a, const char *b);

/* Walk a bound expression tree, calling fn on every node, children first. */
void sql_bexpr_walk(struct sql_bexpr *e, void (*fn)(struct sql_bexpr *e, void *ctx), void *ctx);

#endif
