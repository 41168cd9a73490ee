/*
 * test_scan.c: the shell's statement-boundary scanner (shell/scan.c).
 *
 * Feeds lines as a script would and checks the items that come out: where
 * statements end (quotes, '' escapes, -- and // comments, { } blocks),
 * meta-commands and their arguments, a query-taking meta-command spanning
 * lines, the line each item starts on, and text left without ';' at the
 * end of input.
 */
#include "unit.h"

#include "shell/scan.h"

#include <stdlib.h>

/* Items of one run, copied out as "S@LINE:text" or "M@LINE:name|arg". */
struct got {
	char item[16][256];
	int n;
	bool pending_after[16];
};

static void take(struct sh_scanner *s, struct got *g)
{
	struct sh_item it;

	while (g->n < 16 && sh_scan_next(s, &it)) {
		if (it.kind == SH_ITEM_STMT)
			snprintf(g->item[g->n], sizeof g->item[0], "S@%u:%.*s", it.line,
			         (int)it.len, it.text);
		else
			snprintf(g->item[g->n], sizeof g->item[0], "M@%u:%.*s|%.*s", it.line,
			         (int)it.name_len, it.name, (int)it.arg_len, it.arg);
		g->n++;
	}
}

static bool takes_query(const char *name, size_t len)
{
	return len == 7 && memcmp(name, "explain", 7) == 0;
}

/* Feed text line by line (as a script is read), then end of input. */
static void scan_script(const char *text, struct got *g)
{
	struct sh_scanner *s = sh_scan_new(1, takes_query);
	const char *p = text;

	memset(g, 0, sizeof *g);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

		sh_scan_line(s, p, len);
		take(s, g);
		p += len;
	}
	sh_scan_eof(s);
	take(s, g);
	sh_scan_free(s);
}

static void test_simple(void)
{
	struct got g;

	scan_script("SELECT a FROM TCP;\nSELECT b FROM UDP;\n", &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.item[0], "S@1:SELECT a FROM TCP;");
	CHECK_STR(g.item[1], "S@2:SELECT b FROM UDP;");
}

static void test_several_on_one_line(void)
{
	struct got g;

	scan_script("  SELECT 1;SELECT 2 ;  SELECT 3;\n", &g);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.item[0], "S@1:SELECT 1;");
	CHECK_STR(g.item[1], "S@1:SELECT 2 ;");
	CHECK_STR(g.item[2], "S@1:SELECT 3;");
}

static void test_quotes(void)
{
	struct got g;

	scan_script("SELECT 'a;b' FROM T;\nSELECT 'it''s; here' FROM T;\n", &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.item[0], "S@1:SELECT 'a;b' FROM T;");
	CHECK_STR(g.item[1], "S@2:SELECT 'it''s; here' FROM T;");

	/* '' right at a string's start and end, and a string over lines. */
	scan_script("SELECT '''';\nSELECT 'x\n;y' FROM T;\n", &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.item[0], "S@1:SELECT '''';");
	CHECK_STR(g.item[1], "S@2:SELECT 'x\n;y' FROM T;");
}

static void test_comments(void)
{
	struct got g;

	scan_script("-- first; not a statement\n"
	            "SELECT a -- a comment; with a semicolon\n"
	            "  FROM T // another; one\n"
	            "  WHERE x = '--not;a comment';\n"
	            "// trailing comment only\n", &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.item[0], "S@2:SELECT a -- a comment; with a semicolon\n"
	                     "  FROM T // another; one\n"
	                     "  WHERE x = '--not;a comment';");
	/* A single '-' or '/' is an operator, not a comment. */
	scan_script("SELECT a-1, b/2 FROM T;\n", &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.item[0], "S@1:SELECT a-1, b/2 FROM T;");
}

static void test_define_block(void)
{
	struct got g;

	scan_script("DEFINE { query_name 'web'; aggregate_slots '8'; }\n"
	            "SELECT time, COUNT(*) FROM TCP GROUP BY time;\n"
	            "DEFINE { a '}'; } SELECT 1 FROM T;\n", &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.item[0], "S@1:DEFINE { query_name 'web'; aggregate_slots '8'; }\n"
	                     "SELECT time, COUNT(*) FROM TCP GROUP BY time;");
	CHECK_STR(g.item[1], "S@3:DEFINE { a '}'; } SELECT 1 FROM T;");
	/* A brace inside a comment does not count. */
	scan_script("SELECT 1 FROM T -- {\n;\n", &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.item[0], "S@1:SELECT 1 FROM T -- {\n;");
}

static void test_meta(void)
{
	struct got g;

	scan_script("\\timing on\n"
	            "  \\schema   TCP  \n"
	            "\\q\n"
	            "\\set x 'a;b'\n"
	            "\\\n", &g);
	CHECK_INT(g.n, 5);
	CHECK_STR(g.item[0], "M@1:timing|on");
	CHECK_STR(g.item[1], "M@2:schema|TCP");
	CHECK_STR(g.item[2], "M@3:q|");
	CHECK_STR(g.item[3], "M@4:set|x 'a;b'");
	CHECK_STR(g.item[4], "M@5:|");
}

static void test_meta_only_when_nothing_pending(void)
{
	struct got g;

	/* A '\' line inside a pending statement belongs to the statement. */
	scan_script("SELECT a\n\\q\nFROM T;\n", &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.item[0], "S@1:SELECT a\n\\q\nFROM T;");
	/* After a complete statement on the same line, as psql. */
	scan_script("SELECT 1; \\q\n", &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.item[0], "S@1:SELECT 1;");
	CHECK_STR(g.item[1], "M@1:q|");
	/* Blank lines and comments do not make a statement pending. */
	scan_script("\n-- comment\n\\q\n", &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.item[0], "M@3:q|");
}

static void test_meta_query(void)
{
	struct got g;

	scan_script("\\explain verbose SELECT a FROM T;\n"
	            "\\explain SELECT a\n"
	            "  FROM T WHERE b = ';'\n"
	            "  ;  SELECT 2;\n"
	            "\\explain\n"
	            "SELECT 3;\n", &g);
	CHECK_INT(g.n, 4);
	CHECK_STR(g.item[0], "M@1:explain|verbose SELECT a FROM T;");
	CHECK_STR(g.item[1], "M@2:explain|SELECT a\n  FROM T WHERE b = ';'\n  ;");
	CHECK_STR(g.item[2], "S@4:SELECT 2;");
	CHECK_STR(g.item[3], "M@5:explain|SELECT 3;");
}

static void test_line_numbers(void)
{
	struct got g;

	scan_script("\n\n-- c\nSELECT 1\n;\n\n  SELECT\n  2;\n\\q\n", &g);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.item[0], "S@4:SELECT 1\n;");
	CHECK_STR(g.item[1], "S@7:SELECT\n  2;");
	CHECK_STR(g.item[2], "M@9:q|");
}

static void test_trailing_text(void)
{
	struct got g;

	scan_script("SELECT 1;\nSELECT 2 FROM T\n  WHERE x = 1  \n", &g);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.item[1], "S@2:SELECT 2 FROM T\n  WHERE x = 1");
	/* No final newline; an unterminated string still comes out. */
	scan_script("SELECT 'abc", &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.item[0], "S@1:SELECT 'abc");
	/* A pending \explain at end of input. */
	scan_script("\\explain SELECT 1", &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.item[0], "M@1:explain|SELECT 1");
	/* Only a comment or blanks: nothing. */
	scan_script("-- nothing\n   \n", &g);
	CHECK_INT(g.n, 0);
}

static void test_empty_statements(void)
{
	struct got g;

	scan_script(";;\n ; -- x\nSELECT 1;;\n", &g);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.item[0], "S@3:SELECT 1;");
}

static void test_pending_and_reset(void)
{
	struct sh_scanner *s = sh_scan_new(1, takes_query);
	struct sh_item it;

	CHECK(!sh_scan_pending(s));
	sh_scan_line(s, "SELECT a", 8);
	CHECK_INT(sh_scan_next(s, &it), 0);
	CHECK(sh_scan_pending(s));
	sh_scan_line(s, "FROM T;", 7);
	CHECK_INT(sh_scan_next(s, &it), 1);
	CHECK(it.kind == SH_ITEM_STMT);
	CHECK_INT(it.line, 1);
	CHECK_INT(sh_scan_next(s, &it), 0);
	CHECK(!sh_scan_pending(s));

	sh_scan_line(s, "\\explain SELECT", 15);
	CHECK_INT(sh_scan_next(s, &it), 0);
	CHECK(sh_scan_pending(s));
	sh_scan_line(s, "  'unterminated", 15);
	CHECK_INT(sh_scan_next(s, &it), 0);
	sh_scan_reset(s);          /* Ctrl-C */
	CHECK(!sh_scan_pending(s));
	sh_scan_line(s, "\\q", 2);
	CHECK_INT(sh_scan_next(s, &it), 1);
	CHECK(it.kind == SH_ITEM_META);
	CHECK_INT(it.line, 5);     /* lines go on counting after a reset */
	sh_scan_free(s);
}

static void test_crlf_and_whole_text(void)
{
	struct sh_scanner *s = sh_scan_new(1, takes_query);
	struct sh_item it;
	const char *text = "SELECT 1;\r\n\\timing\nSELECT\n 2;";

	/* Several lines fed at once (a -c text) behave like line by line. */
	sh_scan_line(s, text, strlen(text));
	sh_scan_eof(s);
	CHECK_INT(sh_scan_next(s, &it), 1);
	CHECK_INT((int)it.len, 9);
	CHECK_INT(sh_scan_next(s, &it), 1);
	CHECK(it.kind == SH_ITEM_META);
	CHECK_INT(it.line, 2);
	CHECK_INT((int)it.name_len, 6);
	CHECK_INT(sh_scan_next(s, &it), 1);
	CHECK_INT(it.line, 3);
	CHECK_INT((int)it.len, 10);
	CHECK_INT(sh_scan_next(s, &it), 0);
	sh_scan_free(s);
}

static void test_nul_bytes(void)
{
	struct sh_scanner *s = sh_scan_new(1, NULL);
	struct sh_item it;
	const char line[] = "SELECT 'a\0;b';";

	sh_scan_line(s, line, sizeof line - 1);
	CHECK_INT(sh_scan_next(s, &it), 1);
	CHECK_INT((int)it.len, (int)sizeof line - 1);
	sh_scan_free(s);
}

static void test_long_script(void)
{
	struct sh_scanner *s = sh_scan_new(1, NULL);
	struct sh_item it;
	int n = 0;
	unsigned last = 0;

	for (int i = 0; i < 10000; i++) {
		sh_scan_line(s, "SELECT a FROM T; -- x", 21);
		while (sh_scan_next(s, &it)) {
			n++;
			last = it.line;
		}
	}
	CHECK_INT(n, 10000);
	CHECK_INT(last, 10000);
	sh_scan_free(s);
}

int main(void)
{
	RUN(test_simple);
	RUN(test_several_on_one_line);
	RUN(test_quotes);
	RUN(test_comments);
	RUN(test_define_block);
	RUN(test_meta);
	RUN(test_meta_only_when_nothing_pending);
	RUN(test_meta_query);
	RUN(test_line_numbers);
	RUN(test_trailing_text);
	RUN(test_empty_statements);
	RUN(test_pending_and_reset);
	RUN(test_crlf_and_whole_text);
	RUN(test_nul_bytes);
	RUN(test_long_script);
	return unit_done();
}
