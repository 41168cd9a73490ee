/*
 * print.h: the table printer.
 *
 * Owns: turning a stream of rows of gs_value into text in one of three
 * formats: aligned (psql's default look), CSV (RFC 4180) and JSON lines
 * (one object per row); and rendering single values the same way in all of
 * them.  It works on streams: every row is written as it arrives, so the
 * aligned column widths are fixed when the columns are given, from the
 * column names and types (a longer value overflows its column rather than
 * being cut).
 * Never: knows about queries, engines or terminals beyond asking whether
 * its FILE is one; never exits.  Write errors are recorded (see
 * sh_printer_errno) and make later calls fail, so a caller feeding rows
 * from a running query can stop it.
 */
#ifndef GIGSH_SHELL_PRINT_H
#define GIGSH_SHELL_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../capture/gs_value.h"

enum sh_format { SH_FMT_ALIGNED = 0, SH_FMT_CSV, SH_FMT_JSON };

/* Printer flags. */
#define SH_PRINT_TUPLES_ONLY 0x1u  /* no header, no footer */
#define SH_PRINT_FLUSH_ROWS 0x2u   /* fflush after every row, any format */

struct sh_column {
	const char *name;
	enum gs_type type;
};

/* Where a printer created with sh_printer_new_cb writes: returns 0, or an
 * errno value when the write failed. */
typedef int (*sh_write_fn)(void *ctx, const char *buf, size_t len);

struct sh_printer;

/* A printer writing to f (not closed by the printer).  In aligned format,
 * when f is a terminal the header is repeated every screenful (height from
 * TIOCGWINSZ, 24 when unknown); when it is not, f is flushed after every
 * row.  Returns NULL when out of memory. */
struct sh_printer *sh_printer_new_file(FILE *f, enum sh_format fmt, unsigned flags);
/* A printer writing through fn(ctx, ...); no terminal handling. */
struct sh_printer *sh_printer_new_cb(sh_write_fn fn, void *ctx,
                                     enum sh_format fmt, unsigned flags);
void sh_printer_free(struct sh_printer *p);

/* Repeat the aligned header every `rows` data rows (0: never).  For tests
 * and callers that know the page height better. */
void sh_printer_set_page(struct sh_printer *p, unsigned rows);

/* Start a table.  cols is copied (names too).  A printer may print several
 * tables one after another; beginning a new one ends nothing by itself.
 * Returns 0, or -1 on a write error or out of memory. */
int sh_printer_begin(struct sh_printer *p, const struct sh_column *cols, uint32_t ncols);
/* Print one row of ncols values (fewer than the table has: the rest are
 * left empty; more: the extra ones are ignored).  Returns 0, or -1 on a
 * write error (errno in sh_printer_errno). */
int sh_printer_row(struct sh_printer *p, const gs_value *vals, uint32_t ncols);
/* End the table: in aligned format without tuples_only, the footer
 * "(N rows)" and an empty line, as psql.  Flushes.  Returns 0 or -1. */
int sh_printer_end(struct sh_printer *p, uint64_t nrows);

/* Write out what is buffered for the printer's FILE now (a no-op for a
 * printer writing through a callback), e.g. when an aggregation closed a
 * bucket.  Returns 0, or -1 on a write error. */
int sh_printer_flush(struct sh_printer *p);

/* The errno of the first failed write, 0 if none. */
int sh_printer_errno(const struct sh_printer *p);

/* Render one value as text, as every format shows it (before CSV quoting
 * or JSON escaping): bool true/false, integers in decimal, floats in the
 * shortest of %.15g and %.17g that reads back the same (NaN, Infinity,
 * -Infinity), IP dotted quad, IPV6 per RFC 5952, strings with bytes
 * outside 0x20..0x7e as \xNN and backslash as \\.  Writes at most size
 * bytes including the NUL and returns the length of the full text (as
 * snprintf), so a caller can size a buffer. */
size_t sh_format_value(enum gs_type t, const gs_value *v, char *buf, size_t size);
/* The longest text sh_format_value gives a value of any type but
 * GS_STRING (a float as %.17g takes 24 characters, an IPV6 address 45). */
#define SH_VALUE_MAX 63

/* The aligned column width of a type (string 20, IPV6 39, ...). */
unsigned sh_type_width(enum gs_type t);

/* Parse a format name ("aligned", "csv", "json"); -1 when unknown. */
int sh_format_lookup(const char *name);
const char *sh_format_name(enum sh_format f);

#endif
