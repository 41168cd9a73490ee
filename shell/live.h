/*
 * live.h: the live table, an aggregation's latest bucket repainted in place.
 *
 * Owns: showing the result of an aggregation on a terminal the way top(1)
 * or iftop(8) do: the screen is repainted each time the engine closes a
 * bucket, with a status line (packet, bit and tuple rates, drops, the
 * current bucket, elapsed time), the aligned header, and the rows of the
 * latest bucket sorted by one column, as many as the terminal has room
 * for.  It keeps copies of the rows of the bucket being received (the
 * engine's values are valid only during its row callback) and of the rows
 * shown.  The text of the header and rows comes from the table printer
 * (print.h), so the live table and the plain one look the same.
 * Never: decides whether a result should be shown live (shell.c does),
 * prints the footer or the statistics, or writes anything but escape
 * sequences and the table to its FILE.  Write errors are recorded (see
 * sh_live_errno) and make later calls fail.
 */
#ifndef GIGSH_SHELL_LIVE_H
#define GIGSH_SHELL_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../engine/engine.h"
#include "print.h"

struct sh_live_opts {
	bool color;          /* bold header, reverse-video status line */
	int bucket_col;      /* the column naming the bucket, or -1 */
	int sort_col;        /* the column the rows are sorted by, or -1: arrival order */
	bool sort_desc;      /* sort_col descending (ties keep arrival order) */
	unsigned reserve;    /* screen rows left free below the table (footer, statistics) */
};

struct sh_live;

/* A live table painting on f, a terminal (not closed by the table), sized
 * from TIOCGWINSZ at each paint (24 x 80 when unknown).  Returns NULL when
 * out of memory. */
struct sh_live *sh_live_new(FILE *f, const struct sh_live_opts *o);
void sh_live_free(struct sh_live *lv);

/* Start the table (cols copied): clears the screen and paints the status
 * line and the header.  Returns 0, or -1 on a write error or out of
 * memory. */
int sh_live_begin(struct sh_live *lv, const struct sh_column *cols, uint32_t ncols);
/* Keep a copy of one row of the bucket being received.  A row whose
 * bucket column differs from the rows kept so far starts a new bucket
 * (the older rows, never closed, are dropped).  Returns 0 or -1 (out of
 * memory). */
int sh_live_row(struct sh_live *lv, const gs_value *vals, uint32_t ncols);
/* The bucket closed: its rows, sorted, replace the ones shown and the
 * screen is repainted.  Returns 0 or -1 on a write error. */
int sh_live_bucket(struct sh_live *lv);
/* The counters so far (about once a second): the rates are computed over
 * the time since the call they were last computed at, when that is half a
 * second or more, and the screen is repainted. */
int sh_live_progress(struct sh_live *lv, const struct eng_run_stats *st);
/* The run ended (st may be NULL): the rows of a bucket still being
 * received are shown, the rates become averages over the whole run, and
 * the table is painted a last time and left on the screen, the cursor on
 * the line below it.  Returns 0 or -1 on a write error. */
int sh_live_end(struct sh_live *lv, const struct eng_run_stats *st);

/* The errno of the first failure, 0 if none. */
int sh_live_errno(const struct sh_live *lv);

#endif
