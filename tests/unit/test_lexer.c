/*
 * test_lexer.c: unit tests of the GSQL lexer (sql/lexer.l).
 *
 * Token streams are checked through sql_tokenize() as strings of token
 * names ("SELECT NAME , INTEGER"); literal values through the private
 * lexer entry points of sql/parse_int.h.  Ends with a robustness loop over
 * random bytes.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sql.h"
#include "parse_int.h"
#include "grammar.h"

/* ---- helpers ------------------------------------------------------------ */

struct toks {
	char names[1024];
	int codes[64];
	uint32_t pos[64], len[64];
	int n;
};

static void collect(void *ctx, int code, uint32_t pos, uint32_t len)
{
	struct toks *t = ctx;
	size_t o = strlen(t->names);

	snprintf(t->names + o, sizeof(t->names) - o, "%s%s", o ? " " : "",
	         sql_token_name(code));
	if (t->n < 64) {
		t->codes[t->n] = code;
		t->pos[t->n] = pos;
		t->len[t->n] = len;
	}
	t->n++;
}

/* Token names of text (length n), or "ERROR: msg @pos". */
static const char *names_n(const char *text, size_t n)
{
	static struct toks t;
	static char buf[1200];
	struct sql_error err;

	memset(&t, 0, sizeof(t));
	if (sql_tokenize(text, n, collect, &t, &err) != 0) {
		snprintf(buf, sizeof(buf), "ERROR: %s @%u", err.msg, err.pos);
		return buf;
	}
	return t.names;
}

static const char *names(const char *text)
{
	return names_n(text, strlen(text));
}

/* The first token of text; its code, or -1 with err filled. */
static int lex1(const char *text, size_t n, struct sql_token *tok,
                struct sql_error *err)
{
	struct sql_lexer lx;
	int code;

	memset(err, 0, sizeof(*err));
	if (sql_lex_open(&lx, text, n, err) != 0)
		return -1;
	code = sql_lex_next(&lx, tok);
	sql_lex_close(&lx);
	return code;
}

static int lex1s(const char *text, struct sql_token *tok, struct sql_error *err)
{
	return lex1(text, strlen(text), tok, err);
}

/* The error message of lexing text's first token, or "(no error)". */
static const char *lex_err(const char *text)
{
	static struct sql_error err;
	struct sql_token tok;

	if (lex1s(text, &tok, &err) >= 0)
		return "(no error)";
	return err.msg;
}

/* ---- tests -------------------------------------------------------------- */

static void test_keywords_any_case(void)
{
	static const char *const kws[] = {
		"SELECT", "FROM", "WHERE", "AS", "AND", "OR", "NOT", "IN",
		"GROUP", "BY", "HAVING", "DEFINE", "PARAM", "MERGE", "SLACK",
		"SUPERGROUP", "CUBE", "ROLLUP", "GROUPING_SETS",
		"CLEANING_WHEN", "CLEANING_BY", "CLOSING_WHEN", "INNER_JOIN",
		"OUTER_JOIN", "LEFT_OUTER_JOIN", "RIGHT_OUTER_JOIN",
		"FILTER_JOIN", "TRUE", "FALSE",
	};
	size_t i, j;

	CHECK_STR(names("SELECT select Select sElEcT"),
	          "SELECT SELECT SELECT SELECT");
	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		char lower[64];

		for (j = 0; kws[i][j]; j++)
			lower[j] = (char)tolower((unsigned char)kws[i][j]);
		lower[j] = '\0';
		CHECK_STR(names(kws[i]), kws[i]);
		CHECK_STR(names(lower), kws[i]);
		CHECK(sql_is_keyword(kws[i]));
		CHECK(sql_is_keyword(lower));
	}
	CHECK(!sql_is_keyword("count"));
	CHECK(!sql_is_keyword("selec"));
	CHECK(!sql_is_keyword("selects"));
	CHECK(!sql_is_keyword(""));
	CHECK(!sql_is_keyword(NULL));
}

static void test_names(void)
{
	CHECK_STR(names("abc _x a1_b2 IP_VAL HEX LHEX srcIP TCP_data"),
	          "NAME NAME NAME NAME NAME NAME NAME NAME");
	/* a keyword followed by name characters is a name */
	CHECK_STR(names("selected from_ x_select"), "NAME NAME NAME");
	CHECK_STR(names("eth0.TCP v.*"), "NAME . NAME NAME . *");
	CHECK_STR(names("1abc"), "INTEGER NAME");
}

static void test_operators(void)
{
	CHECK_STR(names("= <> != < > <= >= + - * / % & | << >> ~ ! ( ) [ ] { } , ; . : $"),
	          "= <> <> < > <= >= + - * / % & | << >> ~ ! ( ) [ ] { } , ; . : $");
	CHECK_STR(names("a<=b>=c<>d<<e>>f"), "NAME <= NAME >= NAME <> NAME << NAME >> NAME");
	CHECK_STR(names("a<<=b"), "NAME << = NAME");
	CHECK_STR(names("count$(x)"), "NAME $ ( NAME )");
}

static void test_positions(void)
{
	static struct toks t;
	struct sql_error err;
	const char *q = "SELECT  a,\n\tb1 FROM eth0.TCP";

	memset(&t, 0, sizeof(t));
	CHECK_INT(sql_tokenize(q, strlen(q), collect, &t, &err), 0);
	CHECK_INT(t.n, 8);
	CHECK_INT(t.pos[0], 0);  CHECK_INT(t.len[0], 6);
	CHECK_INT(t.pos[1], 8);  CHECK_INT(t.len[1], 1);
	CHECK_INT(t.pos[2], 9);  CHECK_INT(t.len[2], 1);
	CHECK_INT(t.pos[3], 12); CHECK_INT(t.len[3], 2);
	CHECK_INT(t.pos[4], 15); CHECK_INT(t.len[4], 4);
	CHECK_INT(t.pos[5], 20); CHECK_INT(t.len[5], 4);
	CHECK_INT(t.pos[6], 24); CHECK_INT(t.len[6], 1);
	CHECK_INT(t.pos[7], 25); CHECK_INT(t.len[7], 3);
	/* tokens of an empty or blank input: none */
	CHECK_STR(names(""), "");
	CHECK_STR(names(" \t\r\n\f\v "), "");
	CHECK_INT(sql_tokenize(NULL, 0, collect, &t, &err), 0);
}

static void test_comments(void)
{
	CHECK_STR(names("a -- comment\nb // another\nc"), "NAME NAME NAME");
	CHECK_STR(names("a--b"), "NAME");
	CHECK_STR(names("a//b\n/c"), "NAME / NAME");
	CHECK_STR(names("-- only a comment"), "");
	CHECK_STR(names("a - -b"), "NAME - - NAME");
	CHECK_STR(names("'--not a comment' x"), "STRING NAME");
	CHECK_STR(names("-- 'quote in comment\nx"), "NAME");
}

static void test_integers(void)
{
	struct sql_token tok;
	struct sql_error err;

	CHECK_INT(lex1s("0", &tok, &err), SQL_T_INTEGER);
	CHECK_INT(tok.v.u, 0);
	CHECK_INT(tok.lit_type, GS_UINT);
	CHECK_INT(lex1s("42", &tok, &err), SQL_T_INTEGER);
	CHECK_INT(tok.v.u, 42);
	CHECK_INT(tok.lit_type, GS_UINT);
	CHECK_INT(lex1s("4294967295", &tok, &err), SQL_T_INTEGER);
	CHECK(tok.v.u == 4294967295u);
	CHECK_INT(tok.lit_type, GS_UINT);
	CHECK_INT(lex1s("4294967296", &tok, &err), SQL_T_INTEGER);
	CHECK(tok.v.u == 4294967296ull);
	CHECK_INT(tok.lit_type, GS_ULLONG);
	CHECK_INT(lex1s("18446744073709551615", &tok, &err), SQL_T_INTEGER);
	CHECK(tok.v.u == UINT64_MAX);
	CHECK_INT(tok.lit_type, GS_ULLONG);
	CHECK_INT(lex1s("7UL", &tok, &err), SQL_T_INTEGER);
	CHECK_INT(tok.v.u, 7);
	CHECK_INT(tok.lit_type, GS_ULLONG);
	CHECK_INT(tok.len, 3);
	CHECK_INT(lex1s("7ull", &tok, &err), SQL_T_INTEGER);
	CHECK_INT(tok.v.u, 7);
	CHECK_INT(tok.lit_type, GS_ULLONG);
	CHECK_INT(tok.len, 4);
	CHECK_STR(names("7U 7L"), "INTEGER NAME INTEGER NAME");

	CHECK_INT(lex1s("18446744073709551616", &tok, &err), -1);
	CHECK_STR(err.msg, "value \"18446744073709551616\" is out of range for type ullong");
	CHECK(err.has_pos);
	CHECK_INT(err.pos, 0);
	CHECK_STR(names("x = 99999999999999999999999"),
	          "ERROR: value \"99999999999999999999999\" is out of range for type ullong @4");
}

static void test_floats(void)
{
	struct sql_token tok;
	struct sql_error err;

	CHECK_INT(lex1s("1.5", &tok, &err), SQL_T_FLOAT);
	CHECK(tok.v.f == 1.5);
	CHECK_INT(lex1s(".5", &tok, &err), SQL_T_FLOAT);
	CHECK(tok.v.f == 0.5);
	CHECK_INT(lex1s("1e5", &tok, &err), SQL_T_FLOAT);
	CHECK(tok.v.f == 1e5);
	CHECK_INT(lex1s("1.5e-3", &tok, &err), SQL_T_FLOAT);
	CHECK(tok.v.f == 1.5e-3);
	CHECK_INT(lex1s("2.", &tok, &err), SQL_T_FLOAT);
	CHECK(tok.v.f == 2.0);
	CHECK_INT(lex1s("3E+2", &tok, &err), SQL_T_FLOAT);
	CHECK(tok.v.f == 300.0);
	CHECK_INT(tok.lit_type, GS_FLOAT);
	CHECK_STR(names("1.5e 1.5.5"), "FLOAT NAME FLOAT FLOAT");
	CHECK_STR(lex_err("1e999"), "value \"1e999\" is out of range for type float");
}

static void test_strings(void)
{
	static const char nul[] = "x 'a\0b\nc' y";
	static struct toks t;
	struct sql_error err;

	CHECK_STR(names("'abc' 'it''s' '' ''''"), "STRING STRING STRING STRING");
	CHECK_STR(names("'a' 'b'"), "STRING STRING");
	/* any byte, NUL and newlines included, may sit in a string */
	memset(&t, 0, sizeof(t));
	CHECK_INT(sql_tokenize(nul, sizeof(nul) - 1, collect, &t, &err), 0);
	CHECK_STR(t.names, "NAME STRING NAME");
	CHECK_INT(t.pos[1], 2);
	CHECK_INT(t.len[1], 7);

	CHECK_STR(names("SELECT 'abc"),
	          "ERROR: unterminated quoted string at or near \"'abc\" @7");
	CHECK_STR(names("x 'it''"),
	          "ERROR: unterminated quoted string at or near \"'it''\" @2");
	CHECK_STR(names("'"), "ERROR: unterminated quoted string at or near \"'\" @0");
	CHECK_STR(names("x 'a\nb"),
	          "ERROR: unterminated quoted string at or near \"'a\\x0ab\" @2");
	CHECK_STR(names("IP_VAL'1.2.3.4"),
	          "ERROR: unterminated quoted string at or near \"IP_VAL'1.2.3.4\" @0");
}

static void test_typed_literals(void)
{
	struct sql_token tok;
	struct sql_error err;
	static const uint8_t lo[16] = { [15] = 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xff, [15] = 0x01 };

	CHECK_INT(lex1s("IP_VAL'10.0.0.1'", &tok, &err), SQL_T_IP);
	CHECK(tok.v.u == 0x0a000001u);
	CHECK_INT(tok.len, 16);
	CHECK_INT(lex1s("ip_val'255.255.255.255'", &tok, &err), SQL_T_IP);
	CHECK(tok.v.u == 0xffffffffu);
	CHECK_INT(lex1s("Ip_Val'0.0.0.0'", &tok, &err), SQL_T_IP);
	CHECK(tok.v.u == 0);
	CHECK_INT(lex1s("IPV6_VAL'::1'", &tok, &err), SQL_T_IP6);
	CHECK(memcmp(tok.v.ip6.b, lo, 16) == 0);
	CHECK_INT(lex1s("ipv6_val'2001:db8::ff01'", &tok, &err), SQL_T_IP6);
	CHECK(memcmp(tok.v.ip6.b, v6, 16) == 0);
	CHECK_INT(lex1s("HEX'7fff'", &tok, &err), SQL_T_HEX);
	CHECK(tok.v.u == 0x7fff);
	CHECK_INT(tok.lit_type, GS_UINT);
	CHECK_INT(lex1s("hex'FFFFffff'", &tok, &err), SQL_T_HEX);
	CHECK(tok.v.u == 0xffffffffu);
	CHECK_INT(lex1s("LHEX'7abcdef012'", &tok, &err), SQL_T_HEX);
	CHECK(tok.v.u == 0x7abcdef012ull);
	CHECK_INT(tok.lit_type, GS_ULLONG);
	CHECK_INT(lex1s("LHEX'ffffffffffffffff'", &tok, &err), SQL_T_HEX);
	CHECK(tok.v.u == UINT64_MAX);
	CHECK_STR(names("IP_VAL '1.2.3.4'"), "NAME STRING");

	CHECK_STR(lex_err("IP_VAL'1.2.3'"), "invalid input syntax for type IP: \"1.2.3\"");
	CHECK_STR(lex_err("IP_VAL'1.2.3.256'"), "invalid input syntax for type IP: \"1.2.3.256\"");
	CHECK_STR(lex_err("IP_VAL'1.2.3.4.5'"), "invalid input syntax for type IP: \"1.2.3.4.5\"");
	CHECK_STR(lex_err("IP_VAL'01.2.3.4'"), "invalid input syntax for type IP: \"01.2.3.4\"");
	CHECK_STR(lex_err("IP_VAL'1..3.4'"), "invalid input syntax for type IP: \"1..3.4\"");
	CHECK_STR(lex_err("IP_VAL'1.2.3.4.'"), "invalid input syntax for type IP: \"1.2.3.4.\"");
	CHECK_STR(lex_err("IP_VAL' 1.2.3.4'"), "invalid input syntax for type IP: \" 1.2.3.4\"");
	CHECK_STR(lex_err("IP_VAL'-1.2.3.4'"), "invalid input syntax for type IP: \"-1.2.3.4\"");
	CHECK_STR(lex_err("IP_VAL'99999999999.2.3.4'"),
	          "invalid input syntax for type IP: \"99999999999.2.3.4\"");
	CHECK_STR(lex_err("IP_VAL''"), "invalid input syntax for type IP: \"\"");
	CHECK_STR(lex_err("IPV6_VAL'zz'"), "invalid input syntax for type IPV6: \"zz\"");
	CHECK_STR(lex_err("IPV6_VAL'1.2.3.4'"), "invalid input syntax for type IPV6: \"1.2.3.4\"");
	CHECK_STR(lex_err("IPV6_VAL''"), "invalid input syntax for type IPV6: \"\"");
	CHECK_STR(lex_err("HEX'xyz'"), "invalid input syntax for type HEX: \"xyz\"");
	CHECK_STR(lex_err("HEX''"), "invalid input syntax for type HEX: \"\"");
	CHECK_STR(lex_err("HEX'0x10'"), "invalid input syntax for type HEX: \"0x10\"");
	CHECK_STR(lex_err("HEX'123456789'"), "value \"123456789\" is out of range for type HEX");
	CHECK_STR(lex_err("LHEX'12345678901234567'"),
	          "value \"12345678901234567\" is out of range for type LHEX");
	CHECK_STR(lex_err("LHEX'g'"), "invalid input syntax for type LHEX: \"g\"");
	/* the error points at the literal */
	CHECK_STR(names("a = IP_VAL'1.2.3'"),
	          "ERROR: invalid input syntax for type IP: \"1.2.3\" @4");
}

static void test_params_and_defines(void)
{
	static struct toks t;
	struct sql_error err;

	memset(&t, 0, sizeof(t));
	CHECK_INT(sql_tokenize("$port #qname", 12, collect, &t, &err), 0);
	CHECK_STR(t.names, "PARAMREF DEFREF");
	CHECK_INT(t.len[0], 5);
	CHECK_INT(t.len[1], 6);
	CHECK_STR(names("$ x"), "$ NAME");
	CHECK_STR(names("# x"), "ERROR: syntax error at or near \"#\" @0");
}

static void test_illegal_bytes(void)
{
	static const char nul[] = "a\0b";
	static const char esc[] = "a \x01";

	CHECK_STR(names_n(nul, 3), "ERROR: syntax error at or near \"\\x00\" @1");
	CHECK_STR(names_n(esc, 3), "ERROR: syntax error at or near \"\\x01\" @2");
	CHECK_STR(names("x @y"), "ERROR: syntax error at or near \"@\" @2");
	CHECK_STR(names("x ? y"), "ERROR: syntax error at or near \"?\" @2");
	CHECK_STR(names("caf\xc3\xa9"), "ERROR: syntax error at or near \"\xc3\xa9\" @3");
	CHECK_STR(names("\"quoted\""), "ERROR: syntax error at or near \"\"\" @0");
}

static void test_token_names(void)
{
	CHECK_STR(sql_token_name(0), "end of input");
	CHECK_STR(sql_token_name(SQL_T_SELECT), "SELECT");
	CHECK_STR(sql_token_name(SQL_T_GROUPING_SETS), "GROUPING_SETS");
	CHECK_STR(sql_token_name(SQL_T_NAME), "NAME");
	CHECK_STR(sql_token_name(SQL_T_NE), "<>");
	CHECK_STR(sql_token_name(SQL_T_IP), "IP_VAL");
	CHECK_STR(sql_token_name(-5), "?");
	CHECK_STR(sql_token_name(100000), "?");
}

/* Random bytes, biased towards GSQL's own characters, must never crash the
 * lexer, and every error must have a position inside the input. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void test_random_bytes(void)
{
	static const char alphabet[] =
		"'''\"$#.0123456789eEuUlLxX_abcIP_VALHEX-/\n\t *()[]{}<>=!;:,";
	char buf[96];
	int i;
	size_t j, n;

	for (i = 0; i < 5000; i++) {
		struct sql_error err;
		struct toks *t = calloc(1, sizeof(*t));

		n = rnd() % sizeof(buf);
		for (j = 0; j < n; j++)
			buf[j] = (rnd() & 1) ? alphabet[rnd() % (sizeof(alphabet) - 1)]
			                     : (char)rnd();
		if (sql_tokenize(buf, n, collect, t, &err) != 0) {
			CHECK(err.msg[0] != '\0');
			CHECK(err.pos <= n);
		}
		free(t);
	}
}

int main(void)
{
	RUN(test_keywords_any_case);
	RUN(test_names);
	RUN(test_operators);
	RUN(test_positions);
	RUN(test_comments);
	RUN(test_integers);
	RUN(test_floats);
	RUN(test_strings);
	RUN(test_typed_literals);
	RUN(test_params_and_defines);
	RUN(test_illegal_bytes);
	RUN(test_token_names);
	RUN(test_random_bytes);
	return unit_done();
}
