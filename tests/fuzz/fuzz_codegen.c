/*
 * fuzz_codegen.c: structure-aware libFuzzer target for the code generator.
 *
 * The input bytes are not a query: they are the choices of a generator of
 * well-typed GSQL queries (a source protocol, a select list, WHERE, GROUP BY
 * with a time bucket, CUBE/ROLLUP, SUPERGROUP, HAVING, CLOSING_WHEN, DEFINE
 * and PARAM blocks, literals with hostile bytes, every function and
 * aggregate of the catalogue, odd but valid names).  Each query is analysed,
 * planned and generated as C, and the module is compiled with -Werror by the
 * real module build (no cache, a private temporary directory) and loaded.
 * A compiler warning or error, a load failure, or an error without a message
 * aborts, after printing the query and the compiler's output.  An analyzer
 * or planner error with a message only counts the query as not valid
 * (GIGSH_FUZZ_STATS=1 prints the valid fraction at exit).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../engine/engine_int.h"
#include "../../sql/analyze.h"
#include "../../sql/sql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

/* ---- the generator's state ------------------------------------------------ */

#define MAXQ 12000 /* query text */
#define MAXN 24    /* params, defines, group variables */

struct gvar {
	char name[72];
	enum gs_type type;
};

struct gen {
	const uint8_t *in;
	size_t n, at;
	char *q;           /* the SELECT text */
	size_t len;
	bool full;         /* the text did not fit: give up on this input */
	int proto;         /* enum cap_proto */
	char qual[72];     /* qualifier of column names ("" for none) */
	bool group;        /* expressions over group variables and aggregates */
	bool no_time;      /* no temporal fields (group-by expressions) */
	bool agg;          /* an aggregation */
	bool need_hfta;    /* something the LFTA cannot aggregate */
	bool super_ok;     /* super-aggregates may be used */
	int depth;
	struct gvar params[MAXN];
	int nparams;
	char defs[MAXN][72];
	int ndefs;
	struct gvar gb[MAXN];
	int ngb;
	int nnames;        /* for unique names */
};

/* The next choice among k (0 when the input is used up, so every
 * production ends). */
static unsigned pick(struct gen *g, unsigned k)
{
	if (k <= 1 || g->at >= g->n)
		return 0;
	return g->in[g->at++] % k;
}

static uint32_t pick32(struct gen *g)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | pick(g, 256);
	return v;
}

static void put(struct gen *g, const char *s, size_t k)
{
	if (g->len + k >= MAXQ) {
		g->full = true;
		return;
	}
	memcpy(g->q + g->len, s, k);
	g->len += k;
}

static void out(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct gen *g, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof b) {
		g->full = true;
		return;
	}
	put(g, b, (size_t)k);
}

/* A keyword in a random case. */
static void kw(struct gen *g, const char *w)
{
	unsigned how = pick(g, 4);
	put(g, " ", 1);
	for (const char *c = w; *c; c++) {
		char ch = *c;
		if (how == 1 || (how == 3 && (c - w) % 2))
			ch = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
		put(g, &ch, 1);
	}
	put(g, " ", 1);
}

/* An odd but valid name, unique in the query (a number is appended, so it
 * is never a keyword).  Some collide with what the generated C uses. */
static void fresh_name(struct gen *g, char *buf, size_t n)
{
	static const char *const base[] = {
		"x", "_", "__", "A", "int", "return", "static", "void", "main", "st", "t", "lit",
		"gs_value", "NULL", "errno", "select_", "From_", "GROUP_", "tb", "time_", "srcIP_",
		"Count", "sum_", "__LINE__", "_Bool", "q", "out", "pkt", "state",
		"a_very_long_name_that_goes_on_and_on_and_on_and_on_and_on_",
	};
	const char *b = base[pick(g, sizeof base / sizeof base[0])];
	snprintf(buf, n, "%s%d", b, g->nnames++);
}

/* ---- literals ------------------------------------------------------------------ */

/* A string literal's bytes, with hostile ones; quotes doubled.  NUL bytes
 * go into the query text as they are. */
static void string_body(struct gen *g, bool hostile_only_printable)
{
	static const char *const tricky[] = {
		"", "*/", "/*", "\\", "\\\\", "\"", "?\?=", "?\?/", "%s%n%x", "\n", "\r\n", "\\0",
		"'); system(\"x\"); ('", "#define x", "\\x41", "\xff\xfe", "GET ", "HTTP/1.1",
		"}; int evil;", "\\u0041", "\t",
	};
	unsigned how = pick(g, 3);
	if (how == 0) {
		const char *t = tricky[pick(g, sizeof tricky / sizeof tricky[0])];
		for (const char *c = t; *c; c++)
			put(g, *c == '\'' ? "''" : c, *c == '\'' ? 2 : 1);
		return;
	}
	unsigned k = pick(g, 14);
	for (unsigned i = 0; i < k; i++) {
		unsigned char c = (unsigned char)pick(g, 256);
		if (hostile_only_printable && (c < 32 || c > 126))
			c = (unsigned char)('a' + c % 26);
		if (c == '\'')
			put(g, "''", 2);
		else
			put(g, (const char *)&c, 1);
	}
}

static void lit_string(struct gen *g)
{
	put(g, "'", 1);
	string_body(g, false);
	put(g, "'", 1);
}

static void lit_uint(struct gen *g)
{
	static const char *const fixed[] = {
		"0", "1", "2", "31", "32", "33", "63", "64", "65", "255", "4294967295", "2147483648",
		"HEX'0'", "HEX'ffffffff'", "HEX'7fff'", "HEX'80000000'",
	};
	if (pick(g, 2)) {
		const char *f = fixed[pick(g, sizeof fixed / sizeof fixed[0])];
		put(g, f, strlen(f));
	} else
		out(g, "%u", pick32(g) >> pick(g, 32));
}

static void lit_ullong(struct gen *g)
{
	static const char *const fixed[] = {
		"0UL", "1ULL", "4294967296", "18446744073709551615", "9223372036854775808",
		"LHEX'ffffffffffffffff'", "LHEX'7abcdef012'", "LHEX'0'", "64UL", "63ULL",
	};
	if (pick(g, 2)) {
		const char *f = fixed[pick(g, sizeof fixed / sizeof fixed[0])];
		put(g, f, strlen(f));
	} else {
		uint64_t v = (uint64_t)pick32(g) << 32 | pick32(g);
		out(g, "%lluULL", (unsigned long long)(v >> pick(g, 64)));
	}
}

static void lit_float(struct gen *g)
{
	static const char *const fixed[] = {
		"0.0", "1.5", ".5", "1e5", "1e308", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308",
		"0.1", "123456789012345678901234567890.0", "1E-5", "3.",
	};
	if (pick(g, 2)) {
		const char *f = fixed[pick(g, sizeof fixed / sizeof fixed[0])];
		put(g, f, strlen(f));
	} else {
		out(g, "%u.%ue%d", pick32(g) % 100000, pick(g, 1000), (int)pick(g, 60) - 30);
	}
}

static void lit_ip(struct gen *g)
{
	out(g, "IP_VAL'%u.%u.%u.%u'", pick(g, 256), pick(g, 256), pick(g, 256), pick(g, 256));
}

static void lit_ip6(struct gen *g)
{
	switch (pick(g, 5)) {
	case 0: put(g, "IPV6_VAL'::'", 12); break;
	case 1: out(g, "IPV6_VAL'::%x'", pick(g, 65536) | pick(g, 256)); break;
	case 2: out(g, "IPV6_VAL'fe80::%x:%x'", pick(g, 256) << 8 | pick(g, 256), pick(g, 256)); break;
	case 3: out(g, "IPV6_VAL'::ffff:%u.%u.%u.%u'", pick(g, 256), pick(g, 256), pick(g, 256),
	            pick(g, 256)); break;
	default:
		put(g, "IPV6_VAL'", 9);
		for (int i = 0; i < 8; i++)
			out(g, "%s%x", i ? ":" : "", pick(g, 256) << 8 | pick(g, 256));
		put(g, "'", 1);
	}
}

/* ---- parameters and defines -------------------------------------------------- */

static const char *const type_word[GS_NTYPES][3] = {
	[GS_BOOL] = { "bool", "BOOL", "Bool" },
	[GS_UINT] = { "uint", "ushort", "unsigned" },
	[GS_INT] = { "int", "INT", "Int" },
	[GS_ULLONG] = { "ullong", "ULLONG", "uLLong" },
	[GS_LLONG] = { "llong", "LLONG", "llong" },
	[GS_FLOAT] = { "float", "FLOAT", "Float" },
	[GS_IP] = { "ip", "IP", "Ip" },
	[GS_IPV6] = { "ipv6", "IPV6", "IPv6" },
	[GS_STRING] = { "string", "v_str", "STRING" },
};

/* $name of a parameter of type t (declared on first use). */
static void param(struct gen *g, enum gs_type t)
{
	int k = -1;
	if (pick(g, 2))
		for (int i = 0; i < g->nparams; i++)
			if (g->params[i].type == t)
				k = i;
	if (k < 0) {
		if (g->nparams == MAXN) {
			k = -1;
			for (int i = 0; i < g->nparams && k < 0; i++)
				if (g->params[i].type == t)
					k = i;
			if (k < 0) {
				g->full = true;
				return;
			}
		} else {
			k = g->nparams++;
			fresh_name(g, g->params[k].name, sizeof g->params[k].name);
			g->params[k].type = t;
		}
	}
	out(g, "$%s", g->params[k].name);
}

/* #name of a define (its value is a string). */
static void defref(struct gen *g)
{
	int k;
	if (g->ndefs && pick(g, 2))
		k = (int)pick(g, (unsigned)g->ndefs);
	else if (g->ndefs < MAXN) {
		k = g->ndefs++;
		fresh_name(g, g->defs[k], sizeof g->defs[k]);
	} else
		k = 0;
	out(g, "#%s", g->defs[k]);
}

/* ---- expressions -------------------------------------------------------------- */

static void expr(struct gen *g, enum gs_type t);

static bool is_int(enum gs_type t)
{
	return t == GS_UINT || t == GS_INT || t == GS_ULLONG || t == GS_LLONG;
}

/* A visible packet field of type t (not temporal when no_time); false if none. */
static bool field(struct gen *g, enum gs_type t)
{
	size_t cand[64];
	unsigned nc = 0;
	for (size_t i = 0; i < cap_nfields() && nc < 64; i++) {
		const struct cap_field *f = cap_field_at(i);
		if (f->type != t || !cap_proto_sees((enum cap_proto)g->proto, f->proto))
			continue;
		if (g->no_time && f->temporal != GS_VARYING)
			continue;
		cand[nc++] = i;
	}
	if (!nc)
		return false;
	const struct cap_field *f = cap_field_at(cand[pick(g, nc)]);
	if (g->qual[0] && pick(g, 3) == 0)
		out(g, "%s.", g->qual);
	out(g, "%s", f->name);
	return true;
}

static void literal(struct gen *g, enum gs_type t)
{
	switch (t) {
	case GS_BOOL: kw(g, pick(g, 2) ? "TRUE" : "FALSE"); break;
	case GS_UINT: lit_uint(g); break;
	case GS_INT:
		put(g, "-", 1); /* -uint is an int */
		lit_uint(g);
		break;
	case GS_ULLONG: lit_ullong(g); break;
	case GS_LLONG:
		put(g, "-", 1);
		lit_ullong(g);
		break;
	case GS_FLOAT:
		if (pick(g, 3) == 0)
			put(g, "-", 1);
		lit_float(g);
		break;
	case GS_IP: lit_ip(g); break;
	case GS_IPV6: lit_ip6(g); break;
	case GS_STRING:
		if (pick(g, 4) == 0)
			defref(g);
		else
			lit_string(g);
		break;
	default: break;
	}
}

/* A constant of type t: a literal or a parameter. */
static void constant(struct gen *g, enum gs_type t)
{
	if (pick(g, 5) == 0)
		param(g, t);
	else
		literal(g, t);
}

/* An aggregate whose value has type t, in a group context. */
static bool aggregate(struct gen *g, enum gs_type t)
{
	bool saved_group = g->group, saved_nt = g->no_time;
	bool super = g->super_ok && pick(g, 4) == 0;
	const char *s = super ? "$" : "";
	g->group = false;
	g->no_time = false;
	bool done = true;
	unsigned c = pick(g, 4);
	if (t == GS_ULLONG && c == 0) {
		out(g, " %s%s(", pick(g, 2) ? "COUNT" : "count", s);
		if (pick(g, 2))
			put(g, "*", 1);
		else
			expr(g, (enum gs_type)pick(g, GS_NTYPES));
		put(g, ")", 1);
	} else if ((t == GS_ULLONG || t == GS_LLONG || t == GS_FLOAT) && c == 1) {
		/* SUM: unsigned -> ullong, signed -> llong, float -> float */
		enum gs_type a;
		if (t == GS_FLOAT)
			a = GS_FLOAT;
		else if (t == GS_ULLONG)
			a = pick(g, 2) ? GS_UINT : GS_ULLONG;
		else
			a = pick(g, 2) ? GS_INT : GS_LLONG;
		out(g, " SUM%s(", s);
		expr(g, a);
		put(g, ")", 1);
	} else if (t == GS_FLOAT && c == 2 && !super) {
		out(g, " %s(", pick(g, 2) ? "AVG" : "avg");
		expr(g, (enum gs_type)(GS_UINT + pick(g, 5)));
		put(g, ")", 1);
	} else if (is_int(t) && c == 3 && !super) {
		static const char *const bit[] = { "AND_AGGR", "OR_AGGR", "XOR_AGGR", "xor_aggr" };
		out(g, " %s(", bit[pick(g, 4)]);
		expr(g, t);
		put(g, ")", 1);
	} else if (t != GS_BOOL || !super) {
		if (t == GS_STRING)
			g->need_hfta = true;
		out(g, " %s%s(", pick(g, 2) ? "MIN" : "MAX", s);
		expr(g, t);
		put(g, ")", 1);
	} else
		done = false;
	g->group = saved_group;
	g->no_time = saved_nt;
	return done;
}

/* A leaf of type t. */
static void atom(struct gen *g, enum gs_type t)
{
	unsigned c = pick(g, 4);
	if (g->group) {
		if (c <= 1) {
			int cand[MAXN], nc = 0;
			for (int i = 0; i < g->ngb; i++)
				if (g->gb[i].type == t)
					cand[nc++] = i;
			if (nc) {
				out(g, " %s ", g->gb[cand[pick(g, (unsigned)nc)]].name);
				return;
			}
		}
		if (c == 2 && aggregate(g, t))
			return;
		if (g->super_ok && t == GS_ULLONG && c == 3 && g->ngb) {
			out(g, " count_distinct$(%s)", g->gb[pick(g, (unsigned)g->ngb)].name);
			return;
		}
	} else if (c <= 1 && field(g, t))
		return;
	constant(g, t);
}

static const char *const arith[] = { "+", "-", "*", "/", "%", "&", "|" };

/* Two numeric operand types whose common type is t. */
static void operands(struct gen *g, enum gs_type t, enum gs_type *a, enum gs_type *b)
{
	*a = *b = t;
	unsigned c = pick(g, 3);
	if (c == 0)
		return;
	switch (t) {
	case GS_ULLONG: *b = GS_UINT; break;
	case GS_LLONG: *b = c == 1 ? GS_ULLONG : GS_UINT; *a = c == 1 ? GS_INT : GS_LLONG; break;
	case GS_FLOAT: *b = (enum gs_type)(GS_UINT + pick(g, 5)); break;
	default: return;
	}
	if (pick(g, 2)) {
		enum gs_type x = *a;
		*a = *b;
		*b = x;
	}
}

static void binop(struct gen *g, enum gs_type a, const char *op, enum gs_type b)
{
	put(g, "(", 1);
	expr(g, a);
	out(g, " %s ", op);
	expr(g, b);
	put(g, ")", 1);
}

static void call1(struct gen *g, const char *fn, enum gs_type a)
{
	out(g, " %s(", fn);
	expr(g, a);
	put(g, ")", 1);
}

static void bool_expr(struct gen *g)
{
	static const char *const cmp[] = { "=", "<>", "!=", "<", ">", "<=", ">=" };
	switch (pick(g, 12)) {
	case 0: { /* numbers of any types */
		enum gs_type a = (enum gs_type)(GS_UINT + pick(g, 5)), b = (enum gs_type)(GS_UINT + pick(g, 5));
		binop(g, a, cmp[pick(g, 7)], b);
		break;
	}
	case 1: { /* same-kind comparison */
		static const enum gs_type same[] = { GS_IP, GS_IPV6, GS_STRING, GS_BOOL, GS_UINT };
		enum gs_type t = same[pick(g, 5)];
		binop(g, t, cmp[pick(g, 7)], t);
		break;
	}
	case 2: binop(g, GS_BOOL, pick(g, 2) ? "AND" : "and", GS_BOOL); break;
	case 3: binop(g, GS_BOOL, pick(g, 2) ? "OR" : "Or", GS_BOOL); break;
	case 4:
		kw(g, pick(g, 2) ? "NOT" : "!");
		put(g, "(", 1);
		expr(g, GS_BOOL);
		put(g, ")", 1);
		break;
	case 5: binop(g, GS_BOOL, pick(g, 2) ? "&" : "|", GS_BOOL); break;
	case 6: { /* IN */
		static const enum gs_type in_t[] = { GS_UINT, GS_IP, GS_STRING, GS_ULLONG, GS_INT, GS_FLOAT, GS_IPV6 };
		enum gs_type t = in_t[pick(g, 7)];
		put(g, "(", 1);
		expr(g, t);
		kw(g, "IN");
		put(g, "[", 1);
		unsigned k = 1 + pick(g, 4);
		for (unsigned i = 0; i < k; i++) {
			if (i)
				put(g, ", ", 2);
			/* numbers may mix types */
			constant(g, is_int(t) && pick(g, 3) == 0 ? GS_UINT : t);
		}
		put(g, "])", 2);
		break;
	}
	case 7:
	case 8: {
		static const char *const fn[] = { "str_match_start", "str_exists_substr", "STR_MATCH_START",
			                          "Str_Exists_Substr" };
		bool brackets = pick(g, 2);
		out(g, " %s%s", fn[pick(g, 4)], brackets ? "[" : "(");
		expr(g, GS_STRING);
		put(g, ", ", 2);
		expr(g, GS_STRING);
		put(g, brackets ? "]" : ")", 1);
		break;
	}
	case 9: {
		/* a regular expression: HFTA only */
		static const char *const re[] = {
			"^GET", "a|b", "[0-9]+", "x{2,3}", "(ab)*c", "\\.", "''", "[[:alpha:]]+", "\"",
			"%s%n", "/\\*.*\\*/", "[?][?]=", "$", "^$", ".", "\\\\", "[^'']", "\n",
		};
		if (g->agg && !g->group)
			g->need_hfta = true;
		bool brackets = pick(g, 2);
		out(g, " str_regex_match%s", brackets ? "[" : "(");
		expr(g, GS_STRING);
		out(g, ", '%s'%s", re[pick(g, sizeof re / sizeof re[0])], brackets ? "]" : ")");
		break;
	}
	case 10: call1(g, "non_temporal", GS_BOOL); break;
	default: atom(g, GS_BOOL); break;
	}
}

static void int_expr(struct gen *g, enum gs_type t)
{
	enum gs_type a, b;
	switch (pick(g, 10)) {
	case 0: case 1: case 2:
		operands(g, t, &a, &b);
		binop(g, a, arith[pick(g, 7)], b);
		break;
	case 3: /* shifts keep the left type */
		binop(g, t, pick(g, 2) ? "<<" : ">>", (enum gs_type)(GS_UINT + pick(g, 4)));
		break;
	case 4:
		put(g, "~", 1);
		put(g, "(", 1);
		expr(g, t);
		put(g, ")", 1);
		break;
	case 5: /* minus: uint -> int, ullong -> llong */
		if (t == GS_INT || t == GS_LLONG) {
			put(g, "-(", 2);
			expr(g, pick(g, 2) ? t : t == GS_INT ? GS_UINT : GS_ULLONG);
			put(g, ")", 1);
		} else
			atom(g, t);
		break;
	case 6: /* conversions and strlen */
		if (t == GS_UINT && pick(g, 2))
			call1(g, pick(g, 2) ? "strlen" : "STRLEN", GS_STRING);
		else if (t == GS_UINT)
			call1(g, "to_uint", (enum gs_type)(GS_UINT + pick(g, 4)));
		else if (t == GS_ULLONG)
			call1(g, "to_ullong", (enum gs_type)(GS_UINT + pick(g, 4)));
		else if (t == GS_LLONG)
			call1(g, "to_llong", (enum gs_type)(GS_UINT + pick(g, 4)));
		else
			atom(g, t);
		break;
	case 7: call1(g, "non_temporal", t); break;
	default: atom(g, t); break;
	}
}

static void float_expr(struct gen *g)
{
	static const char *const fop[] = { "+", "-", "*", "/" };
	enum gs_type a, b;
	switch (pick(g, 6)) {
	case 0: case 1:
		operands(g, GS_FLOAT, &a, &b);
		binop(g, a, fop[pick(g, 4)], b);
		break;
	case 2:
		put(g, "-(", 2);
		expr(g, GS_FLOAT);
		put(g, ")", 1);
		break;
	case 3: call1(g, "to_float", (enum gs_type)(GS_UINT + pick(g, 5))); break;
	default: atom(g, GS_FLOAT); break;
	}
}

static void ip_expr(struct gen *g)
{
	switch (pick(g, 8)) {
	case 0: binop(g, GS_IP, pick(g, 2) ? "&" : "|", GS_IP); break;
	case 1: binop(g, GS_IP, pick(g, 2) ? "&" : "|", GS_UINT); break;
	case 2: binop(g, GS_UINT, pick(g, 2) ? "&" : "|", GS_IP); break;
	case 3:
		put(g, "~(", 2);
		expr(g, GS_IP);
		put(g, ")", 1);
		break;
	case 4: binop(g, GS_IP, pick(g, 2) ? "<<" : ">>", (enum gs_type)(GS_UINT + pick(g, 4))); break;
	case 5:
		out(g, " %s(", pick(g, 2) ? "prefix" : "PREFIX");
		expr(g, GS_IP);
		put(g, ", ", 2);
		expr(g, (enum gs_type)(GS_UINT + pick(g, 4)));
		put(g, ")", 1);
		break;
	default: atom(g, GS_IP); break;
	}
}

static void ip6_expr(struct gen *g)
{
	switch (pick(g, 5)) {
	case 0: binop(g, GS_IPV6, pick(g, 2) ? "&" : "|", GS_IPV6); break;
	case 1:
		put(g, " prefix6(", 9);
		expr(g, GS_IPV6);
		put(g, ", ", 2);
		expr(g, (enum gs_type)(GS_UINT + pick(g, 4)));
		put(g, ")", 1);
		break;
	case 2: call1(g, "non_temporal", GS_IPV6); break;
	default: atom(g, GS_IPV6); break;
	}
}

/* An expression of type t (as the analyzer types it). */
static void expr(struct gen *g, enum gs_type t)
{
	if (g->full)
		return;
	if (++g->depth > 6 || g->at >= g->n) {
		atom(g, t);
		g->depth--;
		return;
	}
	switch (t) {
	case GS_BOOL: bool_expr(g); break;
	case GS_UINT: case GS_INT: case GS_ULLONG: case GS_LLONG: int_expr(g, t); break;
	case GS_FLOAT: float_expr(g); break;
	case GS_IP: ip_expr(g); break;
	case GS_IPV6: ip6_expr(g); break;
	case GS_STRING:
		if (pick(g, 4) == 0)
			call1(g, "non_temporal", GS_STRING);
		else
			atom(g, GS_STRING);
		break;
	default: atom(g, GS_UINT); break;
	}
	g->depth--;
}

/* Any type, weighted toward the common ones. */
static enum gs_type any_type(struct gen *g)
{
	static const enum gs_type ts[] = { GS_UINT, GS_UINT, GS_BOOL, GS_INT, GS_ULLONG, GS_LLONG,
		                           GS_FLOAT, GS_IP, GS_IPV6, GS_STRING };
	return ts[pick(g, sizeof ts / sizeof ts[0])];
}

static void alias(struct gen *g, bool always)
{
	if (pick(g, 3) == 0 && !always)
		return;
	char nm[72];
	fresh_name(g, nm, sizeof nm);
	kw(g, "AS");
	out(g, "%s", nm);
}

/* ---- the query -------------------------------------------------------------------- */

/* A non-temporal field name visible from the source (for GROUP BY items). */
static const char *plain_field(struct gen *g, enum gs_type *t)
{
	size_t cand[64];
	unsigned nc = 0;
	for (size_t i = 0; i < cap_nfields() && nc < 64; i++) {
		const struct cap_field *f = cap_field_at(i);
		if (cap_proto_sees((enum cap_proto)g->proto, f->proto) && f->temporal == GS_VARYING)
			cand[nc++] = i;
	}
	if (!nc)
		return NULL;
	const struct cap_field *f = cap_field_at(cand[pick(g, nc)]);
	*t = f->type;
	return f->name;
}

static bool gb_known(struct gen *g, const char *name)
{
	for (int i = 0; i < g->ngb; i++)
		if (strcasecmp(g->gb[i].name, name) == 0)
			return true;
	return false;
}

static void add_gb(struct gen *g, const char *name, enum gs_type t)
{
	if (g->ngb == MAXN)
		return;
	snprintf(g->gb[g->ngb].name, sizeof g->gb[g->ngb].name, "%s", name);
	g->gb[g->ngb++].type = t;
	if (t == GS_STRING)
		g->need_hfta = true;
}

/* GROUP BY (possibly empty: aggregates alone). */
static void group_by(struct gen *g, bool *temporal, bool *patterns)
{
	*temporal = *patterns = false;
	unsigned k = pick(g, 5);
	if (k == 0)
		return;
	kw(g, "GROUP");
	kw(g, "BY");
	bool first = true;
	if (pick(g, 4)) {
		/* the time bucket */
		char nm[72];
		fresh_name(g, nm, sizeof nm);
		static const char *const per[] = { "60", "1", "10", "3600", "0", "4294967295", "86400", "7" };
		if (pick(g, 2)) {
			out(g, "%s/%s AS %s", pick(g, 3) ? "time" : "TIME", per[pick(g, 8)], nm);
			add_gb(g, nm, GS_UINT);
		} else {
			out(g, "timestamp/%s AS %s", pick(g, 2) ? "1000000000" : "60000000000ULL", nm);
			add_gb(g, nm, GS_ULLONG);
		}
		*temporal = true;
		first = false;
	}
	for (unsigned i = 0; i < k && !g->full; i++) {
		enum gs_type t;
		unsigned c = pick(g, 3);
		if (c == 0) {
			const char *f = plain_field(g, &t);
			if (!f || gb_known(g, f))
				continue;
			out(g, "%s%s", first ? "" : ", ", f);
			add_gb(g, f, t);
		} else if (c == 1) {
			char nm[72];
			t = any_type(g);
			fresh_name(g, nm, sizeof nm);
			out(g, "%s", first ? "" : ", ");
			g->no_time = true;
			expr(g, t);
			g->no_time = false;
			out(g, " AS %s", nm);
			add_gb(g, nm, t);
		} else {
			/* CUBE / ROLLUP / GROUPING_SETS of field names */
			static const char *const pat[] = { "CUBE", "ROLLUP", "GROUPING_SETS" };
			unsigned pk = pick(g, 3), m = 1 + pick(g, 3);
			const char *mem[3];
			enum gs_type mt[3];
			unsigned nm = 0;
			for (unsigned j = 0; j < m; j++) {
				const char *f = plain_field(g, &mt[nm]);
				bool dup = !f;
				for (unsigned x = 0; x < nm && !dup; x++)
					dup = strcmp(mem[x], f) == 0;
				if (!dup)
					mem[nm++] = f;
			}
			if (!nm)
				continue;
			out(g, "%s", first ? "" : ", ");
			kw(g, pat[pk]);
			put(g, "(", 1);
			if (pk == 2) {
				/* sets: each member alone, all of them, and () */
				for (unsigned j = 0; j < nm; j++)
					out(g, "%s(%s)", j ? ", " : "", mem[j]);
				put(g, ", (", 3);
				for (unsigned j = 0; j < nm; j++)
					out(g, "%s%s", j ? ", " : "", mem[j]);
				put(g, "), ()", 5);
			} else {
				for (unsigned j = 0; j < nm; j++)
					out(g, "%s%s", j ? ", " : "", mem[j]);
			}
			put(g, ")", 1);
			for (unsigned j = 0; j < nm; j++)
				if (!gb_known(g, mem[j]))
					add_gb(g, mem[j], mt[j]);
			*patterns = true;
		}
		first = false;
	}
	if (first) {
		/* nothing was written after GROUP BY */
		char nm[72];
		fresh_name(g, nm, sizeof nm);
		out(g, "len AS %s", nm);
		add_gb(g, nm, GS_UINT);
	}
}

/* Write the query for input g->in into g->q; false if it did not fit. */
static bool generate(struct gen *g, char *text, size_t *textlen)
{
	static const char *const iface[] = { "eth0", "lo", "a_pcap", "X" };
	g->proto = (int)pick(g, CAP_NPROTOS);
	g->agg = pick(g, 2);
	const char *pname = cap_proto_info((enum cap_proto)g->proto)->name;
	bool with_iface = pick(g, 6) == 1;
	/* a named stream needs distinct column names: then every item has one */
	bool qname = pick(g, 4) == 1;
	char var[72] = "";
	if (pick(g, 3) == 0)
		fresh_name(g, var, sizeof var);
	if (var[0])
		snprintf(g->qual, sizeof g->qual, "%s", var);
	else if (!with_iface && pick(g, 2))
		snprintf(g->qual, sizeof g->qual, "%s", pname);

	/* The clauses after FROM are written first into the text (GROUP BY
	 * defines the names the select list uses), then moved behind it. */
	char *q = g->q;
	kw(g, "FROM");
	out(g, "%s%s%s%s%s", with_iface ? iface[pick(g, 4)] : "", with_iface ? "." : "",
	    pick(g, 2) ? pname : pname, var[0] ? " " : "", var);
	if (pick(g, 3)) {
		kw(g, "WHERE");
		expr(g, GS_BOOL);
	}
	bool temporal = false, patterns = false, closing = false;
	if (g->agg) {
		group_by(g, &temporal, &patterns);
		closing = temporal && !patterns && pick(g, 4) == 0;
		g->super_ok = !patterns && !closing && pick(g, 3) == 0;
		g->group = true;
		if (g->super_ok && g->ngb && pick(g, 2)) {
			kw(g, "SUPERGROUP");
			out(g, "%s", g->gb[pick(g, (unsigned)g->ngb)].name);
		}
		if (pick(g, 2)) {
			kw(g, "HAVING");
			expr(g, GS_BOOL);
		}
		if (closing) {
			kw(g, "CLOSING_WHEN");
			expr(g, GS_BOOL);
		}
	}
	if (g->full)
		return false;
	size_t tail_len = g->len;
	char *tail = malloc(tail_len ? tail_len : 1);
	if (!tail)
		return false;
	memcpy(tail, q, tail_len);
	g->len = 0;

	/* select list */
	kw(g, "SELECT");
	unsigned k = 1 + pick(g, 5);
	bool star = !g->agg && !qname && pick(g, 8) == 0;
	for (unsigned i = 0; i < k && !g->full; i++) {
		if (i)
			put(g, ",", 1);
		if (star && i == 0) {
			put(g, " *", 2);
			continue;
		}
		if (i == 0 && g->agg && !g->ngb) {
			/* no GROUP BY: an aggregate makes it an aggregation */
			bool so = g->super_ok;
			g->super_ok = false;
			aggregate(g, GS_ULLONG);
			g->super_ok = so;
		} else
			expr(g, any_type(g));
		alias(g, qname);
	}
	put(g, tail, tail_len);
	free(tail);
	if (g->full)
		return false;

	/* DEFINE and PARAM blocks */
	size_t n = 0;
#define EMIT(...) (n += (size_t)snprintf(text + n, n < MAXQ ? MAXQ - n : 0, __VA_ARGS__))
	bool slots = pick(g, 4) == 1;
	int sel = g->need_hfta ? 1 : (int)pick(g, 5) - 2; /* 1 true, 0 false, <0 none */
	if (g->ndefs || slots || qname || sel >= 0) {
		EMIT("%s {", pick(g, 2) ? "DEFINE" : "define");
		for (int i = 0; i < g->ndefs; i++) {
			unsigned c = pick(g, 3);
			if (c == 0)
				EMIT(" %s %s;", g->defs[i], pick(g, 2) ? "word" : "select_");
			else if (c == 1)
				EMIT(" %s %u;", g->defs[i], pick32(g));
			else {
				EMIT(" %s '", g->defs[i]);
				/* the value, with hostile bytes, built in the SELECT buffer */
				size_t save = g->len;
				string_body(g, false);
				if (n + (g->len - save) + 8 >= MAXQ)
					return false;
				memcpy(text + n, g->q + save, g->len - save);
				n += g->len - save;
				g->len = save;
				EMIT("';");
			}
		}
		if (slots) {
			static const char *const sv[] = { "'1'", "'2'", "'4096'", "'16777216'", "1024", "'64'" };
			EMIT(" %s %s;", pick(g, 2) ? "aggregate_slots" : "AGGREGATE_SLOTS", sv[pick(g, 6)]);
		}
		if (sel >= 0) {
			static const char *const tv[] = { "'true'", "'1'", "yes", "'TRUE'" };
			static const char *const fv[] = { "'false'", "'0'", "'FALSE'", "0" };
			EMIT(" select_lfta %s;", sel ? tv[pick(g, 4)] : fv[pick(g, 4)]);
		}
		if (qname) {
			char nm[72];
			fresh_name(g, nm, sizeof nm);
			EMIT(" query_name '%s'", nm);
			if (pick(g, 2))
				EMIT(";");
		}
		EMIT(" }\n");
	}
	if (g->nparams) {
		EMIT("PARAM {");
		for (int i = 0; i < g->nparams; i++)
			EMIT(" %s %s%s", g->params[i].name, type_word[g->params[i].type][pick(g, 3)],
			     i + 1 < g->nparams || pick(g, 2) ? ";" : "");
		EMIT(" }\n");
	}
#undef EMIT
	if (n + g->len + 1 >= MAXQ)
		return false;
	memcpy(text + n, g->q, g->len);
	n += g->len;
	text[n] = 0;
	*textlen = n;
	(void)q;
	return true;
}

/* ---- checking ----------------------------------------------------------------------- */

static unsigned long n_tried, n_valid;

static void report(void)
{
	if (n_tried)
		fprintf(stderr, "fuzz_codegen: %lu queries, %lu valid (%.1f%%)\n", n_tried, n_valid,
		        100.0 * (double)n_valid / (double)n_tried);
}

static void die(const char *what, const char *text, size_t len, const char *detail)
{
	fprintf(stderr, "fuzz_codegen: %s\n---- query (%zu bytes) ----\n", what, len);
	fwrite(text, 1, len, stderr);
	fprintf(stderr, "\n---- %s ----\n%s\n", what, detail ? detail : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static bool stats_on;
	if (!stats_on) {
		stats_on = true;
		const char *s = getenv("GIGSH_FUZZ_STATS");
		if (s && s[0] == '1')
			atexit(report);
	}
	if (n > 4096)
		return 0;
	struct gen *g = calloc(1, sizeof *g);
	char *text = malloc(MAXQ);
	char *body = malloc(MAXQ);
	if (!g || !text || !body) {
		free(g);
		free(text);
		free(body);
		return 0;
	}
	g->in = data;
	g->n = n;
	g->q = body;
	size_t len = 0;
	if (!generate(g, text, &len))
		goto done;
	n_tried++;
	if (getenv("GIGSH_FUZZ_SHOW")) {
		fwrite(text, 1, len, stderr);
		fputc('\n', stderr);
	}

	struct sql_error err;
	memset(&err, 0, sizeof err);
	struct sql_script *s = sql_parse(text, len, &err);
	if (!s) {
		if (!err.msg[0])
			die("parse error without a message", text, len, NULL);
		if (getenv("GIGSH_FUZZ_SHOW"))
			fprintf(stderr, "  -> parse: %s\n", err.msg);
		goto done;
	}
	for (uint32_t i = 0; i < s->nqueries; i++) {
		memset(&err, 0, sizeof err);
		struct sql_analyzed *an = sql_analyze(s->queries[i], s->arena, NULL, &err);
		if (!an) {
			if (!err.msg[0])
				die("analyzer error without a message", text, len, NULL);
			if (getenv("GIGSH_FUZZ_SHOW"))
				fprintf(stderr, "  -> analyze: %s\n", err.msg);
			continue;
		}
		if (an->src_kind != SQL_SRC_PROTOCOL)
			continue;
		const char *name = an->query_name ? an->query_name : "query";
		struct eng_plan *p = eng_plan_query(an, NULL, name, s->arena, &err);
		if (!p) {
			if (!err.msg[0])
				die("planner error without a message", text, len, NULL);
			if (getenv("GIGSH_FUZZ_SHOW"))
				fprintf(stderr, "  -> plan: %s\n", err.msg);
			continue;
		}
		if (eng_codegen(p, s->arena, &err) < 0)
			die("the code generator failed", text, len, err.msg);
		struct eng_module_cfg cfg = { .cache_dir = "", .no_cache = true, .werror = true };
		struct eng_module m;
		char eb[512] = "";
		if (eng_module_get(&cfg, p, &m, eb) < 0) {
			fprintf(stderr, "---- generated C ----\n%s\n", p->csrc);
			die("the module did not build or load", text, len, eb);
		}
		eng_module_release(&m);
		n_valid++;
	}
	sql_script_free(s);
done:
	free(g);
	free(text);
	free(body);
	return 0;
}
