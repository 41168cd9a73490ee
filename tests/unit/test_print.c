/*
 * test_print.c: the table printer (shell/print.c).
 *
 * Every expected string here was worked out by hand from the rules in
 * print.h (psql's aligned layout, RFC 4180, JSON lines), not produced by
 * the printer.  Output is captured with open_memstream, or through a write
 * callback to test write errors.
 */
#include "unit.h"

#include "shell/print.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- helpers ------------------------------------------------------------ */

static char *mem_buf;
static size_t mem_len;

static FILE *mem_open(void)
{
	free(mem_buf);
	mem_buf = NULL;
	mem_len = 0;
	return open_memstream(&mem_buf, &mem_len);
}

static const char *mem_close(FILE *f)
{
	fclose(f);
	return mem_buf;
}

static const char *fmt_value(enum gs_type t, gs_value v)
{
	static char buf[256];

	sh_format_value(t, &v, buf, sizeof buf);
	return buf;
}

static gs_value u(uint64_t x) { gs_value v; memset(&v, 0, sizeof v); v.u = x; return v; }
static gs_value i64(int64_t x) { gs_value v; memset(&v, 0, sizeof v); v.i = x; return v; }
static gs_value f64(double x) { gs_value v; memset(&v, 0, sizeof v); v.f = x; return v; }

static gs_value str(const char *s, size_t n)
{
	gs_value v;

	memset(&v, 0, sizeof v);
	v.s.p = (const uint8_t *)s;
	v.s.len = (uint32_t)n;
	return v;
}

static gs_value cstr(const char *s) { return str(s, strlen(s)); }

static gs_value ip6(const uint8_t b[16])
{
	gs_value v;

	memset(&v, 0, sizeof v);
	memcpy(v.ip6.b, b, 16);
	return v;
}

/* ---- values ------------------------------------------------------------- */

static void test_bool_and_integers(void)
{
	CHECK_STR(fmt_value(GS_BOOL, u(1)), "true");
	CHECK_STR(fmt_value(GS_BOOL, u(0)), "false");
	CHECK_STR(fmt_value(GS_UINT, u(0)), "0");
	CHECK_STR(fmt_value(GS_UINT, u(4294967295u)), "4294967295");
	CHECK_STR(fmt_value(GS_INT, i64(-2147483647 - 1)), "-2147483648");
	CHECK_STR(fmt_value(GS_INT, i64(42)), "42");
	CHECK_STR(fmt_value(GS_ULLONG, u(UINT64_MAX)), "18446744073709551615");
	CHECK_STR(fmt_value(GS_LLONG, i64(INT64_MIN)), "-9223372036854775808");
	CHECK_STR(fmt_value(GS_LLONG, i64(INT64_MAX)), "9223372036854775807");
}

static void test_float(void)
{
	CHECK_STR(fmt_value(GS_FLOAT, f64(0.0)), "0");
	CHECK_STR(fmt_value(GS_FLOAT, f64(-0.0)), "-0");
	CHECK_STR(fmt_value(GS_FLOAT, f64(1.5)), "1.5");
	CHECK_STR(fmt_value(GS_FLOAT, f64(0.1)), "0.1");            /* %.15g reads back */
	CHECK_STR(fmt_value(GS_FLOAT, f64(1.0 / 3.0)), "0.33333333333333331"); /* needs 17 */
	CHECK_STR(fmt_value(GS_FLOAT, f64(0.1 + 0.2)), "0.30000000000000004");
	CHECK_STR(fmt_value(GS_FLOAT, f64(1e20)), "1e+20");
	CHECK_STR(fmt_value(GS_FLOAT, f64(-2.5e-7)), "-2.5e-07");
	CHECK_STR(fmt_value(GS_FLOAT, f64(9007199254740993.0)), "9007199254740992");
	CHECK_STR(fmt_value(GS_FLOAT, f64(123456789.125)), "123456789.125");
	CHECK_STR(fmt_value(GS_FLOAT, f64(NAN)), "NaN");
	CHECK_STR(fmt_value(GS_FLOAT, f64(INFINITY)), "Infinity");
	CHECK_STR(fmt_value(GS_FLOAT, f64(-INFINITY)), "-Infinity");
}

static void test_ip(void)
{
	static const uint8_t zero[16] = { 0 };
	static const uint8_t loop[16] = { [15] = 1 };
	static const uint8_t doc[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1,
	                                 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t tie[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	                                 0, 1, 0, 0, 0, 0, 0, 1 };
	static const uint8_t two_runs[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	                                      0, 1, 0, 0, 0, 0, 0xab, 0xcd };
	static const uint8_t one_zero[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1,
	                                      0, 1, 0, 1, 0, 1, 0, 1 };
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, [12] = 1,
	                                    [13] = 2, [14] = 3, [15] = 4 };

	CHECK_STR(fmt_value(GS_IP, u(0x0a000001)), "10.0.0.1");
	CHECK_STR(fmt_value(GS_IP, u(0)), "0.0.0.0");
	CHECK_STR(fmt_value(GS_IP, u(0xffffffffu)), "255.255.255.255");
	CHECK_STR(fmt_value(GS_IP, u(0xc0a80001u)), "192.168.0.1");
	/* RFC 5952: lower case, leading zeros dropped, the longest run of
	 * zero fields (the first on a tie) as "::", a lone 0 field kept. */
	CHECK_STR(fmt_value(GS_IPV6, ip6(zero)), "::");
	CHECK_STR(fmt_value(GS_IPV6, ip6(loop)), "::1");
	CHECK_STR(fmt_value(GS_IPV6, ip6(doc)), "2001:db8:0:1::1");
	CHECK_STR(fmt_value(GS_IPV6, ip6(tie)), "2001:db8::1:0:0:1");
	CHECK_STR(fmt_value(GS_IPV6, ip6(two_runs)), "2001:db8::1:0:0:abcd");
	CHECK_STR(fmt_value(GS_IPV6, ip6(one_zero)), "2001:db8:0:1:1:1:1:1");
	CHECK_STR(fmt_value(GS_IPV6, ip6(mapped)), "::ffff:1.2.3.4");
}

static void test_string(void)
{
	static const char bytes[] = { 'a', '\\', 'b', 0x00, 0x1f, ' ', '~', 0x7f,
	                              (char)0x80, (char)0xff, '\n', '"', '\'' };
	char small[4];

	CHECK_STR(fmt_value(GS_STRING, cstr("GET /index.html")), "GET /index.html");
	CHECK_STR(fmt_value(GS_STRING, str(bytes, sizeof bytes)),
	          "a\\\\b\\x00\\x1f ~\\x7f\\x80\\xff\\x0a\"'");
	CHECK_STR(fmt_value(GS_STRING, cstr("")), "");
	CHECK_STR(fmt_value(GS_STRING, cstr("caf\xc3\xa9")), "caf\\xc3\\xa9");
	/* Like snprintf: cut to the buffer, the full length returned. */
	{
		gs_value v = str("hello\x01", 6);

		CHECK_INT(sh_format_value(GS_STRING, &v, small, sizeof small), 9);
		CHECK_STR(small, "hel");
	}
	{
		gs_value v = u(1234567);

		CHECK_INT(sh_format_value(GS_UINT, &v, small, sizeof small), 7);
		CHECK_STR(small, "123");
	}
}

static void test_widths_and_names(void)
{
	CHECK_INT(sh_type_width(GS_BOOL), 5);
	CHECK_INT(sh_type_width(GS_UINT), 10);
	CHECK_INT(sh_type_width(GS_INT), 11);
	CHECK_INT(sh_type_width(GS_ULLONG), 20);
	CHECK_INT(sh_type_width(GS_LLONG), 20);
	CHECK_INT(sh_type_width(GS_FLOAT), 15);
	CHECK_INT(sh_type_width(GS_IP), 15);
	CHECK_INT(sh_type_width(GS_IPV6), 39);
	CHECK_INT(sh_type_width(GS_STRING), 20);
	CHECK_INT(sh_format_lookup("aligned"), SH_FMT_ALIGNED);
	CHECK_INT(sh_format_lookup("csv"), SH_FMT_CSV);
	CHECK_INT(sh_format_lookup("json"), SH_FMT_JSON);
	CHECK_INT(sh_format_lookup("html"), -1);
	CHECK_STR(sh_format_name(SH_FMT_JSON), "json");
}

/* ---- aligned ------------------------------------------------------------ */

static void test_aligned_basic(void)
{
	static const struct sh_column cols[] = { { "name", GS_STRING }, { "port", GS_UINT } };
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_ALIGNED, 0);
	gs_value r1[2] = { cstr("web"), u(80) };
	gs_value r2[2] = { cstr("x"), u(4294967295u) };

	CHECK_INT(sh_printer_begin(p, cols, 2), 0);
	CHECK_INT(sh_printer_row(p, r1, 2), 0);
	CHECK_INT(sh_printer_row(p, r2, 2), 0);
	CHECK_INT(sh_printer_end(p, 2), 0);
	sh_printer_free(p);
	/* name: width 20, centred (8 + 4 + 8); port: width 10 (3 + 4 + 3). */
	CHECK_STR(mem_close(f),
	          "         name         |    port    \n"
	          "----------------------+------------\n"
	          " web                  |         80\n"
	          " x                    | 4294967295\n"
	          "(2 rows)\n"
	          "\n");
}

static void test_aligned_long_names_and_overflow(void)
{
	static const struct sh_column cols[] = {
		{ "a_very_long_column_name", GS_BOOL }, { "b", GS_INT }, { "s", GS_STRING }
	};
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_ALIGNED, 0);
	gs_value r1[3] = { u(1), i64(-5), cstr("short") };
	gs_value r2[3] = { u(0), i64(-12345678901LL), cstr("abcdefghijklmnopqrstuvwxyz") };

	sh_printer_begin(p, cols, 3);
	sh_printer_row(p, r1, 3);
	sh_printer_row(p, r2, 3);
	sh_printer_end(p, 1);
	sh_printer_free(p);
	/* Widths 23, 11, 20; a value wider than its column pushes the rest
	 * right; the last text column is not padded. */
	CHECK_STR(mem_close(f),
	          " a_very_long_column_name |      b      |          s           \n"
	          "-------------------------+-------------+----------------------\n"
	          " true                    |          -5 | short\n"
	          " false                   | -12345678901 | abcdefghijklmnopqrstuvwxyz\n"
	          "(1 row)\n"
	          "\n");
}

static void test_aligned_all_types(void)
{
	static const uint8_t v6[16] = { 0xfe, 0x80, [15] = 0x2a };
	static const struct sh_column cols[] = {
		{ "ll", GS_LLONG }, { "f", GS_FLOAT }, { "src", GS_IP }, { "v6", GS_IPV6 },
		{ "ull", GS_ULLONG }
	};
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_ALIGNED, 0);
	gs_value r[5] = { i64(-1), f64(2.25), u(0x7f000001), ip6(v6), u(7) };

	sh_printer_begin(p, cols, 5);
	sh_printer_row(p, r, 5);
	sh_printer_end(p, 1);
	sh_printer_free(p);
	/* Widths 20, 15, 15, 39, 20: numbers right, IP addresses left. */
	CHECK_STR(mem_close(f),
	          "          ll          |        f        |       src       |"
	          "                   v6                    |         ull          \n"
	          "----------------------+-----------------+-----------------+"
	          "-----------------------------------------+----------------------\n"
	          "                   -1 |            2.25 | 127.0.0.1       |"
	          " fe80::2a                                |                    7\n"
	          "(1 row)\n"
	          "\n");
}

static void test_aligned_empty_and_tuples_only(void)
{
	static const struct sh_column cols[] = { { "n", GS_UINT } };
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_ALIGNED, 0);
	gs_value r[1] = { u(3) };

	sh_printer_begin(p, cols, 1);
	sh_printer_end(p, 0);
	sh_printer_free(p);
	CHECK_STR(mem_close(f),
	          "     n      \n"
	          "------------\n"
	          "(0 rows)\n"
	          "\n");

	f = mem_open();
	p = sh_printer_new_file(f, SH_FMT_ALIGNED, SH_PRINT_TUPLES_ONLY);
	sh_printer_begin(p, cols, 1);
	sh_printer_row(p, r, 1);
	sh_printer_row(p, r, 1);
	sh_printer_end(p, 2);
	sh_printer_free(p);
	CHECK_STR(mem_close(f),
	          "          3\n"
	          "          3\n");
}

static void test_aligned_header_repeats(void)
{
	static const struct sh_column cols[] = { { "n", GS_UINT } };
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_ALIGNED, 0);

	sh_printer_set_page(p, 2);
	sh_printer_begin(p, cols, 1);
	for (uint64_t i = 1; i <= 5; i++) {
		gs_value r[1] = { u(i) };

		sh_printer_row(p, r, 1);
	}
	sh_printer_end(p, 5);
	sh_printer_free(p);
	CHECK_STR(mem_close(f),
	          "     n      \n------------\n"
	          "          1\n"
	          "          2\n"
	          "     n      \n------------\n"
	          "          3\n"
	          "          4\n"
	          "     n      \n------------\n"
	          "          5\n"
	          "(5 rows)\n"
	          "\n");
}

static void test_aligned_several_tables(void)
{
	static const struct sh_column c1[] = { { "a", GS_BOOL } };
	static const struct sh_column c2[] = { { "bb", GS_STRING } };
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_ALIGNED, 0);
	gs_value r1[1] = { u(1) }, r2[1] = { cstr("z") };

	sh_printer_begin(p, c1, 1);
	sh_printer_row(p, r1, 1);
	sh_printer_end(p, 1);
	sh_printer_begin(p, c2, 1);
	sh_printer_row(p, r2, 1);
	sh_printer_end(p, 1);
	sh_printer_free(p);
	CHECK_STR(mem_close(f),
	          "   a   \n-------\n true\n(1 row)\n\n"
	          "          bb          \n----------------------\n z\n(1 row)\n\n");
}

/* ---- CSV ---------------------------------------------------------------- */

static void test_csv(void)
{
	static const struct sh_column cols[] = {
		{ "plain", GS_STRING }, { "with,comma", GS_UINT },
		{ "quo\"te", GS_STRING }, { "new\nline", GS_STRING }, { "cr\r", GS_FLOAT }
	};
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_CSV, 0);
	gs_value r1[5] = { cstr("a,b"), u(5), cstr("say \"hi\""), cstr("x"), f64(0.5) };
	gs_value r2[5] = { cstr(""), u(0), cstr("\"\""), cstr("l1\nl2"), f64(NAN) };

	sh_printer_begin(p, cols, 5);
	sh_printer_row(p, r1, 5);
	sh_printer_row(p, r2, 5);
	CHECK_INT(sh_printer_end(p, 2), 0);
	sh_printer_free(p);
	/* RFC 4180: quoted when holding , " CR or LF; quotes doubled.  Data
	 * bytes outside 0x20..0x7e were already escaped as \xNN. */
	CHECK_STR(mem_close(f),
	          "plain,\"with,comma\",\"quo\"\"te\",\"new\nline\",\"cr\r\"\n"
	          "\"a,b\",5,\"say \"\"hi\"\"\",x,0.5\n"
	          ",0,\"\"\"\"\"\",l1\\x0al2,NaN\n");
}

static void test_csv_tuples_only(void)
{
	static const struct sh_column cols[] = { { "ip", GS_IP }, { "ok", GS_BOOL } };
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_CSV, SH_PRINT_TUPLES_ONLY);
	gs_value r[2] = { u(0x01020304), u(1) };

	sh_printer_begin(p, cols, 2);
	sh_printer_row(p, r, 2);
	sh_printer_end(p, 1);
	sh_printer_free(p);
	CHECK_STR(mem_close(f), "1.2.3.4,true\n");
}

/* ---- JSON --------------------------------------------------------------- */

static void test_json(void)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const struct sh_column cols[] = {
		{ "s", GS_STRING }, { "n", GS_UINT }, { "f", GS_FLOAT }, { "b", GS_BOOL },
		{ "ip", GS_IP }, { "k\"\n\\", GS_INT }, { "v6", GS_IPV6 }, { "big", GS_ULLONG }
	};
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_JSON, 0);
	gs_value r1[8] = { str("a\"b\\c\x01", 6), u(7), f64(NAN), u(1), u(0xc0a80001u),
	                   i64(-3), ip6(v6), u(UINT64_MAX) };
	gs_value r2[8] = { cstr(""), u(0), f64(-1.25e-3), u(0), u(0), i64(0), ip6(v6), u(0) };
	gs_value r3[8] = { cstr("x"), u(1), f64(INFINITY), u(0), u(0), i64(0), ip6(v6), u(0) };

	sh_printer_begin(p, cols, 8);
	sh_printer_row(p, r1, 8);
	sh_printer_row(p, r2, 8);
	sh_printer_row(p, r3, 8);
	sh_printer_end(p, 3);
	sh_printer_free(p);
	/* The string value is the rendered text a"b\\c\x01, then JSON-escaped;
	 * control characters in keys become \u00XX; NaN and Infinity null. */
	CHECK_STR(mem_close(f),
	          "{\"s\":\"a\\\"b\\\\\\\\c\\\\x01\",\"n\":7,\"f\":null,\"b\":true,"
	          "\"ip\":\"192.168.0.1\",\"k\\\"\\u000a\\\\\":-3,\"v6\":\"2001:db8::1\","
	          "\"big\":18446744073709551615}\n"
	          "{\"s\":\"\",\"n\":0,\"f\":-0.00125,\"b\":false,"
	          "\"ip\":\"0.0.0.0\",\"k\\\"\\u000a\\\\\":0,\"v6\":\"2001:db8::1\",\"big\":0}\n"
	          "{\"s\":\"x\",\"n\":1,\"f\":null,\"b\":false,"
	          "\"ip\":\"0.0.0.0\",\"k\\\"\\u000a\\\\\":0,\"v6\":\"2001:db8::1\",\"big\":0}\n");
}

static void test_json_tuples_only_same(void)
{
	static const struct sh_column cols[] = { { "a", GS_INT } };
	FILE *f = mem_open();
	struct sh_printer *p = sh_printer_new_file(f, SH_FMT_JSON, SH_PRINT_TUPLES_ONLY);
	gs_value r[1] = { i64(-1) };

	sh_printer_begin(p, cols, 1);
	sh_printer_row(p, r, 1);
	sh_printer_end(p, 1);
	sh_printer_free(p);
	CHECK_STR(mem_close(f), "{\"a\":-1}\n");
}

/* ---- write errors --------------------------------------------------------- */

struct sink {
	int writes, fail_at, err;
	char text[256];
	size_t len;
};

static int sink_write(void *ctx, const char *buf, size_t len)
{
	struct sink *s = ctx;

	if (++s->writes >= s->fail_at)
		return s->err;
	if (s->len + len < sizeof s->text) {
		memcpy(s->text + s->len, buf, len);
		s->len += len;
		s->text[s->len] = '\0';
	}
	return 0;
}

static void test_write_error(void)
{
	static const struct sh_column cols[] = { { "n", GS_UINT } };
	struct sink s = { 0, 2, EPIPE, "", 0 };
	struct sh_printer *p = sh_printer_new_cb(sink_write, &s, SH_FMT_CSV, 0);
	gs_value r[1] = { u(1) };

	CHECK_INT(sh_printer_begin(p, cols, 1), 0);     /* write 1: the header */
	CHECK_INT(sh_printer_errno(p), 0);
	CHECK_INT(sh_printer_row(p, r, 1), -1);         /* write 2 fails */
	CHECK_INT(sh_printer_errno(p), EPIPE);
	CHECK_INT(sh_printer_row(p, r, 1), -1);         /* and stays failed */
	CHECK_INT(sh_printer_end(p, 2), -1);
	CHECK_INT(s.writes, 2);
	CHECK_STR(s.text, "n\n");
	sh_printer_free(p);
}

static void test_callback_rows(void)
{
	static const struct sh_column cols[] = { { "n", GS_UINT } };
	struct sink s = { 0, 1000, 0, "", 0 };
	struct sh_printer *p = sh_printer_new_cb(sink_write, &s, SH_FMT_ALIGNED, 0);
	gs_value r[1] = { u(12) };

	sh_printer_begin(p, cols, 1);
	sh_printer_row(p, r, 1);
	sh_printer_end(p, 1);
	sh_printer_free(p);
	/* One write per header, row and footer. */
	CHECK_INT(s.writes, 3);
	CHECK_STR(s.text, "     n      \n------------\n         12\n(1 row)\n\n");
}

static void test_file_write_error(void)
{
	static const struct sh_column cols[] = { { "s", GS_STRING } };
	FILE *f = fopen("/dev/full", "w");
	struct sh_printer *p;
	gs_value r[1] = { cstr("x") };
	int rc = 0;

	if (!f) {
		printf("skipped: /dev/full absent\n");
		return;
	}
	p = sh_printer_new_file(f, SH_FMT_ALIGNED, 0);
	/* Aligned output to a non-terminal is flushed every row, so the
	 * error shows at the first row at the latest. */
	rc |= sh_printer_begin(p, cols, 1);
	rc |= sh_printer_row(p, r, 1);
	CHECK_INT(rc, -1);
	CHECK_INT(sh_printer_errno(p), ENOSPC);
	sh_printer_free(p);
	fclose(f);
}

int main(void)
{
	RUN(test_bool_and_integers);
	RUN(test_float);
	RUN(test_ip);
	RUN(test_string);
	RUN(test_widths_and_names);
	RUN(test_aligned_basic);
	RUN(test_aligned_long_names_and_overflow);
	RUN(test_aligned_all_types);
	RUN(test_aligned_empty_and_tuples_only);
	RUN(test_aligned_header_repeats);
	RUN(test_aligned_several_tables);
	RUN(test_csv);
	RUN(test_csv_tuples_only);
	RUN(test_json);
	RUN(test_json_tuples_only_same);
	RUN(test_write_error);
	RUN(test_callback_rows);
	RUN(test_file_write_error);
	free(mem_buf);
	return unit_done();
}
