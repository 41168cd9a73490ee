/*
 * functions.c: the function catalogue declared in functions.h.
 */
#include <stddef.h>
#include <strings.h>

#include "functions.h"
#include "analyze.h"

#define S GS_STRING
static const struct sql_func funcs[SQL_NFNS] = {
	[SQL_FN_STR_MATCH_START] = { "str_match_start", SQL_FK_SCALAR, 2, { S, S }, GS_BOOL, true, false,
		"gs_fn_str_match_start", "predicate: the string begins with the prefix" },
	[SQL_FN_STR_EXISTS_SUBSTR] = { "str_exists_substr", SQL_FK_SCALAR, 2, { S, S }, GS_BOOL, true, false,
		"gs_fn_str_exists_substr", "predicate: the second string occurs in the first" },
	[SQL_FN_STR_REGEX_MATCH] = { "str_regex_match", SQL_FK_SCALAR, 2, { S, S }, GS_BOOL, false, true,
		NULL, "predicate: POSIX extended regular expression match (HFTA only)" },
	[SQL_FN_STRLEN] = { "strlen", SQL_FK_SCALAR, 1, { S }, GS_UINT, true, false,
		"gs_fn_strlen", "length of a string in bytes" },
	[SQL_FN_PREFIX] = { "prefix", SQL_FK_SCALAR, 2, { GS_IP, GS_UINT }, GS_IP, true, false,
		"gs_fn_prefix", "IPv4 address masked to its first N bits" },
	[SQL_FN_PREFIX6] = { "prefix6", SQL_FK_SCALAR, 2, { GS_IPV6, GS_UINT }, GS_IPV6, true, false,
		"gs_fn_prefix6", "IPv6 address masked to its first N bits" },
	[SQL_FN_NON_TEMPORAL] = { "non_temporal", SQL_FK_SCALAR, 1, { SQL_ARG_ANY }, SQL_ARG_ANY, true, false,
		NULL, "the value, with its temporal property removed" },
	[SQL_FN_TO_UINT] = { "to_uint", SQL_FK_SCALAR, 1, { SQL_ARG_INTEGER }, GS_UINT, true, false,
		NULL, "convert to uint (low 32 bits)" },
	[SQL_FN_TO_ULLONG] = { "to_ullong", SQL_FK_SCALAR, 1, { SQL_ARG_INTEGER }, GS_ULLONG, true, false,
		NULL, "convert to ullong" },
	[SQL_FN_TO_LLONG] = { "to_llong", SQL_FK_SCALAR, 1, { SQL_ARG_INTEGER }, GS_LLONG, true, false,
		NULL, "convert to llong" },
	[SQL_FN_TO_FLOAT] = { "to_float", SQL_FK_SCALAR, 1, { SQL_ARG_NUMERIC }, GS_FLOAT, true, false,
		NULL, "convert to float" },
	[SQL_FN_COUNT] = { "COUNT", SQL_FK_AGGREGATE, 1, { SQL_ARG_ANY }, GS_ULLONG, true, false, NULL,
		"number of tuples in the group" },
	[SQL_FN_SUM] = { "SUM", SQL_FK_AGGREGATE, 1, { SQL_ARG_NUMERIC }, SQL_ARG_ANY, true, false, NULL,
		"sum" },
	[SQL_FN_MIN] = { "MIN", SQL_FK_AGGREGATE, 1, { SQL_ARG_ANY }, SQL_ARG_ANY, true, false, NULL,
		"minimum" },
	[SQL_FN_MAX] = { "MAX", SQL_FK_AGGREGATE, 1, { SQL_ARG_ANY }, SQL_ARG_ANY, true, false, NULL,
		"maximum" },
	[SQL_FN_AVG] = { "AVG", SQL_FK_AGGREGATE, 1, { SQL_ARG_NUMERIC }, GS_FLOAT, true, false, NULL,
		"average" },
	[SQL_FN_AND_AGGR] = { "AND_AGGR", SQL_FK_AGGREGATE, 1, { SQL_ARG_INTEGER }, SQL_ARG_ANY, true, false,
		NULL, "bitwise AND of the values" },
	[SQL_FN_OR_AGGR] = { "OR_AGGR", SQL_FK_AGGREGATE, 1, { SQL_ARG_INTEGER }, SQL_ARG_ANY, true, false,
		NULL, "bitwise OR of the values" },
	[SQL_FN_XOR_AGGR] = { "XOR_AGGR", SQL_FK_AGGREGATE, 1, { SQL_ARG_INTEGER }, SQL_ARG_ANY, true, false,
		NULL, "bitwise XOR of the values" },
};
#undef S

const struct sql_func *sql_func_lookup(const char *name, enum sql_fn_id *id)
{
	for (int i = 0; i < SQL_NFNS; i++)
		if (strcasecmp(funcs[i].name, name) == 0) {
			if (id)
				*id = (enum sql_fn_id)i;
			return &funcs[i];
		}
	return NULL;
}

const struct sql_func *sql_func_at(enum sql_fn_id id)
{
	return (int)id >= 0 && id < SQL_NFNS ? &funcs[id] : NULL;
}

const char *sql_func_suggest(const char *name)
{
	const char *best = NULL;
	unsigned bestd = 3;
	for (int i = 0; i < SQL_NFNS; i++) {
		unsigned d = sql_edit_distance(name, funcs[i].name);
		if (d < bestd) {
			bestd = d;
			best = funcs[i].name;
		}
	}
	return best;
}
