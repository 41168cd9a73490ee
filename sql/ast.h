/*
 * ast.h: the syntax tree of GSQL, as built by the grammar (sql/grammar.y).
 *
 * The grammar's actions only build these nodes; no checking of names or
 * types happens here (that is analyze.c).  Every node lives in the arena of
 * the parse that made it (struct sql_arena) and dies with it; nothing in the
 * tree is freed on its own.  Every node carries the byte offset of its first
 * token in the parsed text, for error messages.
 */
#ifndef GIGSH_SQL_AST_H
#define GIGSH_SQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../capture/gs_value.h"

struct sql_arena;

enum sql_expr_kind {
	SQL_E_INT,      /* integer literal: ival, lit_type GS_UINT or GS_ULLONG */
	SQL_E_FLOAT,    /* fval */
	SQL_E_STRING,   /* str, str_len (may contain NUL; '' already collapsed) */
	SQL_E_BOOL,     /* ival 0/1 (TRUE, FALSE) */
	SQL_E_IP,       /* IP_VAL'a.b.c.d': ival host-order address */
	SQL_E_IP6,      /* IPV6_VAL'..': ip6 */
	SQL_E_HEX,      /* HEX'..' (uint) or LHEX'..' (ullong): ival, lit_type */
	SQL_E_PARAM,    /* $name: name */
	SQL_E_DEFREF,   /* #name: name (value of a DEFINE entry) */
	SQL_E_COLUMN,   /* name, or qual.name (qual = range variable or stream) */
	SQL_E_STAR,     /* * in SELECT * or COUNT(*); qual set for v.* */
	SQL_E_UNARY,    /* op: '-', '~', '!' (NOT); args[0] */
	SQL_E_BINARY,   /* op (enum sql_binop); args[0], args[1] */
	SQL_E_CALL,     /* name(args...), including aggregates; super_agg for name$(..) */
	SQL_E_PRED,     /* name[args...]: a predicate function */
	SQL_E_IN        /* args[0] IN [args[1..nargs-1]] */
};

enum sql_binop {
	SQL_OP_ADD, SQL_OP_SUB, SQL_OP_MUL, SQL_OP_DIV, SQL_OP_MOD,
	SQL_OP_BAND, SQL_OP_BOR, SQL_OP_SHL, SQL_OP_SHR,
	SQL_OP_EQ, SQL_OP_NE, SQL_OP_LT, SQL_OP_GT, SQL_OP_LE, SQL_OP_GE,
	SQL_OP_AND, SQL_OP_OR
};

/* Unary operators use the characters '-', '~' and '!' (NOT) as op. */

struct sql_expr {
	enum sql_expr_kind kind;
	int op;                 /* enum sql_binop, or a unary character */
	uint32_t pos;           /* byte offset of the first token */
	uint32_t end;           /* byte offset just past the last token */
	enum gs_type lit_type;  /* for literals */
	uint64_t ival;
	double fval;
	gs_ip6 ip6;
	const char *qual;       /* NUL-terminated, or NULL */
	const char *name;       /* NUL-terminated, or NULL */
	const uint8_t *str;     /* string literal bytes */
	uint32_t str_len;
	bool super_agg;         /* name$(...) */
	struct sql_expr **args;
	uint32_t nargs;
};

struct sql_select_item {
	struct sql_expr *expr;
	const char *alias;      /* AS name, or NULL */
	uint32_t pos;
};

/* FROM source: [iface.]name [var].  `name` is a protocol or a query name;
 * the analyzer decides which. */
struct sql_from {
	const char *iface;      /* NULL when absent */
	const char *name;
	const char *var;        /* range variable, or NULL */
	uint32_t pos;
};

struct sql_define {
	const char *name;
	const char *value;      /* the quoted text, quotes removed */
	uint32_t value_len;
	uint32_t pos;
};

struct sql_param_decl {
	const char *name;
	const char *type_name;  /* as written: uint, IP, string, ... */
	uint32_t pos;
};

/* One GROUP BY entry: a plain name, expr AS name, or a CUBE/ROLLUP/
 * GROUPING_SETS pattern (parsed now, executed by a later issue). */
enum sql_gb_kind { SQL_GB_EXPR, SQL_GB_CUBE, SQL_GB_ROLLUP, SQL_GB_GROUPING_SETS };
struct sql_group_item {
	enum sql_gb_kind kind;
	struct sql_expr *expr;       /* SQL_GB_EXPR */
	const char *alias;           /* AS name, or NULL */
	struct sql_expr **list;      /* CUBE/ROLLUP members; for GROUPING_SETS the
	                                sets are flattened with NULL separators */
	uint32_t nlist;
	uint32_t pos;
};

enum sql_join_kind {
	SQL_JOIN_NONE, SQL_JOIN_INNER, SQL_JOIN_OUTER, SQL_JOIN_LEFT,
	SQL_JOIN_RIGHT, SQL_JOIN_FILTER
};

enum sql_stmt_kind { SQL_STMT_SELECT, SQL_STMT_MERGE };

struct sql_query {
	enum sql_stmt_kind kind;
	uint32_t pos;                /* offset of the statement's first token */
	uint32_t end;                /* offset just past its last token */

	struct sql_define *defines;
	uint32_t ndefines;
	struct sql_param_decl *params;
	uint32_t nparams;

	struct sql_select_item *select;
	uint32_t nselect;

	enum sql_join_kind join;
	struct sql_expr *join_args;  /* FILTER_JOIN(field, seconds): args */
	uint32_t join_pos;

	struct sql_from *from;
	uint32_t nfrom;

	struct sql_expr *where;      /* NULL when absent */

	struct sql_group_item *group_by;
	uint32_t ngroup_by;
	uint32_t group_by_pos;
	const char **supergroup;
	uint32_t nsupergroup;
	uint32_t supergroup_pos;
	struct sql_expr *having;
	uint32_t having_pos;
	struct sql_expr *cleaning_when;
	struct sql_expr *cleaning_by;
	struct sql_expr *closing_when;
	uint32_t cleaning_pos, closing_pos;

	/* MERGE a.f : b.f [SLACK n] FROM s1 a, s2 b */
	struct sql_expr **merge_fields;
	uint32_t nmerge_fields;
	struct sql_expr *slack;
};

/* Everything one call of sql_parse() produced. */
struct sql_script {
	struct sql_query **queries;
	uint32_t nqueries;
	struct sql_arena *arena;     /* owns every node above */
};

#endif
