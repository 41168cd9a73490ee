/*
 * shell.c: running input through the engine (see shell.h).
 *
 * Every kind of input (-c texts, script files, stdin, \i, the interactive
 * loop) goes through the statement scanner; each complete item is either a
 * meta-command (meta.c) or one GSQL statement handed to eng_exec with
 * output callbacks that feed the table printer.  Statistics, notices,
 * timing and errors go to stderr; results to the current output.
 *
 * An aggregation whose aligned results go to a terminal is shown as a live
 * table instead (live.h): repainted as each bucket closes and once a
 * second from the engine's progress reports, left on the screen at the
 * end with the footer and statistics below it.  Anywhere else the rows of
 * each closed bucket are flushed as it closes, in every format.
 *
 * Ctrl-C: the SIGINT handler only sets a flag and, while a query runs,
 * calls eng_cancel() (async-signal-safe).  The rows printed so far (or the
 * live table last painted) stay; a non-interactive run then ends (status
 * 0), the interactive loop returns to its prompt.  At the prompt Ctrl-C
 * clears the input, as in psql.  The loop uses readline's callback
 * interface around select(), so a signal never has to jump out of
 * readline.
 */
#include "shell.h"
#include "scan.h"

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_MAX 500

/* Signal state: written by the handler, read by the main thread. */
static volatile sig_atomic_t g_sigint;       /* Ctrl-C seen, not handled yet */
static volatile sig_atomic_t g_sigterm;      /* SIGTERM seen: end the run, then quit */
static volatile sig_atomic_t g_running;      /* a query is running */
static volatile sig_atomic_t g_interactive;
static volatile sig_atomic_t g_winch;
static struct eng_ctx *volatile g_eng;

/* The session completion works for (readline callbacks take no context). */
static struct sh *g_sh;

/* ---- messages ------------------------------------------------------------ */

void sh_errorf(const struct sh_where *w, const char *fmt, ...)
{
	va_list ap;

	if (w && w->file)
		fprintf(stderr, "%s:%u: ", w->file, w->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sh_notef(const struct sh *sh, const char *fmt, ...)
{
	va_list ap;

	if (sh->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void report_sql_error(const struct sh_where *w, struct sql_error *err,
                             const char *text, size_t len)
{
	char prefix[1100];
	bool in_file = w && w->file;

	if (!err->msg[0])
		snprintf(err->msg, sizeof err->msg, "statement failed");
	if (in_file) {
		/* the line of the error itself, as a compiler says it */
		unsigned line = w->line;
		if (err->has_pos)
			line += sql_line_of(text, len, err->pos) - 1;
		snprintf(prefix, sizeof prefix, "%s:%u: ", w->file, line);
	}
	sql_error_print(stderr, err, text, len, in_file ? prefix : NULL,
	                in_file ? w->line : 1);
	fflush(stderr);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* One loss count, or "n/a" when it was not reported. */
static void loss_line(FILE *f, const char *what, bool valid, uint64_t n)
{
	if (valid)
		fprintf(f, "  %-52s %" PRIu64 "\n", what, n);
	else
		fprintf(f, "  %-52s n/a\n", what);
}

void sh_print_losses(FILE *f, const struct eng_run_stats *st)
{
	fprintf(f, "Losses of the last run:\n");
	loss_line(f, "packets dropped by kernel", st->os_valid, st->os_dropped);
	loss_line(f, "packets dropped by interface", st->os_valid, st->os_ifdropped);
	loss_line(f, "packets malformed", true, st->packets_malformed);
	loss_line(f, "packets truncated (headers cut by the snap length)", true, st->packets_truncated);
	loss_line(f, "tuples lost between LFTA and HFTA, ring full", true, st->ring_drops);
	loss_line(f, "tuples refused by the group memory cap", true, st->groups_refused);
	if (st->split_undone == ENG_SPLIT_NO_RECORD)
		fprintf(f, "LFTA threads: 1 (the file was to be read in two halves, but no record "
		        "starts where the second was guessed to begin: the first thread read it all)\n");
	else if (st->split_undone == ENG_SPLIT_TIME_ORDER)
		fprintf(f, "LFTA threads: 1 (the file was to be read in two halves, but packet times "
		        "go back, and an aggregation must read them in order: the first thread read "
		        "it all)\n");
	else if (st->split_undone == ENG_SPLIT_OVERFLOW)
		fprintf(f, "LFTA threads: 1 (the file was to be read in two halves, but the second "
		        "half's tuples did not fit its ring: the first thread read it all)\n");
	else if (st->lfta_threads > 0)
		fprintf(f, "LFTA threads: %u\n", st->lfta_threads);
}

/* A line of counters during a live run (--stats-interval). */
static void print_progress_line(const struct eng_run_stats *st)
{
	fprintf(stderr, "gigsh: after %" PRIu64 " s: %" PRIu64 " packet%s seen", st->elapsed_ns / 1000000000u,
	        st->packets_seen, plural(st->packets_seen));
	if (st->os_valid)
		fprintf(stderr, ", %" PRIu64 " dropped by kernel, %" PRIu64 " dropped by interface",
		        st->os_dropped, st->os_ifdropped);
	else
		fprintf(stderr, ", kernel and interface drops n/a");
	fprintf(stderr, ", %" PRIu64 " malformed, %" PRIu64 " truncated, %" PRIu64
	        " tuple%s lost between LFTA and HFTA, %" PRIu64 " refused by the group memory cap, %"
	        PRIu64 " row%s\n", st->packets_malformed, st->packets_truncated, st->ring_drops,
	        plural(st->ring_drops),
	        st->groups_refused, st->rows_out, plural(st->rows_out));
	fflush(stderr);
}

/* tcpdump's four lines of counters, for live sources. */
static void print_os_counts(const struct eng_run_stats *st)
{
	if (!st->os_valid)
		return;
	fprintf(stderr, "%" PRIu64 " packet%s captured\n",
	        st->packets_seen, plural(st->packets_seen));
	fprintf(stderr, "%" PRIu64 " packet%s received by filter\n",
	        st->os_received, plural(st->os_received));
	fprintf(stderr, "%" PRIu64 " packet%s dropped by kernel\n",
	        st->os_dropped, plural(st->os_dropped));
	fprintf(stderr, "%" PRIu64 " packet%s dropped by interface\n",
	        st->os_ifdropped, plural(st->os_ifdropped));
}

/* tcpdump's counters for live sources, then gigsh's own line. */
static void print_stats(const struct eng_run_stats *st)
{
	print_os_counts(st);
	fprintf(stderr, "gigsh: %" PRIu64 " packet%s seen, %" PRIu64 " malformed, %" PRIu64
	        " truncated, %" PRIu64 " tuple%s from LFTA, %" PRIu64 " row%s",
	        st->packets_seen, plural(st->packets_seen), st->packets_malformed,
	        st->packets_truncated, st->lfta_tuples, plural(st->lfta_tuples), st->rows_out, plural(st->rows_out));
	if (st->ring_drops)
		fprintf(stderr, ", %" PRIu64 " tuple%s lost between LFTA and HFTA",
		        st->ring_drops, plural(st->ring_drops));
	if (st->groups_refused)
		fprintf(stderr, ", %" PRIu64 " tuple%s refused by the group memory cap",
		        st->groups_refused, plural(st->groups_refused));
	if (st->lfta_threads > 1)
		fprintf(stderr, ", %u LFTA threads", st->lfta_threads);
	fprintf(stderr, "%s\n", st->cancelled ? ", cancelled" : "");
	fflush(stderr);
}

/* ---- session ------------------------------------------------------------- */

void sh_init(struct sh *sh, struct eng_ctx *eng, FILE *out, bool is_pipe)
{
	memset(sh, 0, sizeof *sh);
	sh->eng = eng;
	sh->out = sh->base_out = out;
	sh->out_is_pipe = sh->base_is_pipe = is_pipe;
	sh->fmt = SH_FMT_ALIGNED;
	sh->live = true;
}

FILE *sh_open_output(const char *path, bool *is_pipe, char *errbuf, size_t size)
{
	FILE *f;

	*is_pipe = false;
	if (path[0] == '|') {
		struct sigaction dfl, old;

		/* The command should not inherit our ignored SIGPIPE. */
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		sigaction(SIGPIPE, &dfl, &old);
		fflush(NULL);
		f = popen(path + 1, "w");
		sigaction(SIGPIPE, &old, NULL);
		if (!f) {
			snprintf(errbuf, size, "could not start \"%s\": %s", path + 1,
			         strerror(errno));
			return NULL;
		}
		*is_pipe = true;
		return f;
	}
	f = fopen(path, "w");
	if (!f)
		snprintf(errbuf, size, "could not open \"%s\" for writing: %s", path,
		         strerror(errno));
	return f;
}

/* Flush and close f (unless stdout, which is only flushed).  Returns 0 or
 * the errno of the failure. */
static int close_output(FILE *f, bool is_pipe)
{
	int err = 0;

	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		err = errno ? errno : EIO;
	if (f == stdout)
		return err;
	errno = 0;
	if (is_pipe) {
		pclose(f);
	} else if (fclose(f) != 0 && !err) {
		err = errno ? errno : EIO;
	}
	return err;
}

int sh_close(struct sh *sh, int *err)
{
	int e = 0, e2;

	if (sh->out != sh->base_out)
		e = close_output(sh->out, sh->out_is_pipe);
	e2 = close_output(sh->base_out, sh->base_is_pipe);
	if (!e)
		e = e2;
	e2 = close_output(stdout, false);
	if (!e)
		e = e2;
	sh->out = sh->base_out = stdout;
	for (size_t i = 0; i < sh->nparams; i++) {
		free(sh->params[i].name);
		free(sh->params[i].value);
	}
	free(sh->params);
	sh->params = NULL;
	sh->nparams = 0;
	free(sh->live_sort);
	sh->live_sort = NULL;
	*err = e;
	return e ? -1 : 0;
}

/* Switch back to the base output, closing a \o destination. */
static int reset_output(struct sh *sh)
{
	int err = 0;

	if (sh->out != sh->base_out && sh->out != stdout)
		err = close_output(sh->out, sh->out_is_pipe);
	sh->out = stdout;
	sh->out_is_pipe = false;
	return err;
}

enum sh_status sh_set_output(struct sh *sh, const char *path, const struct sh_where *w)
{
	char errbuf[1200];
	bool is_pipe = false;
	FILE *f = stdout;
	int err;

	if (path) {
		f = sh_open_output(path, &is_pipe, errbuf, sizeof errbuf);
		if (!f) {
			sh_errorf(w, "%s", errbuf);
			return SH_ERROR;
		}
	}
	if (sh->out != sh->base_out && sh->out != stdout) {
		err = close_output(sh->out, sh->out_is_pipe);
		if (err && err != EPIPE)
			sh_errorf(w, "could not write results: %s", strerror(err));
	} else {
		fflush(sh->out);
	}
	sh->out = f;
	sh->out_is_pipe = is_pipe;
	return SH_OK;
}

/* Results could not be written (err is the errno).  Interactively, a \o
 * destination that failed is dropped; anything else ends the program:
 * quietly with status 0 when the reader went away (EPIPE), else with a
 * message and status 1. */
static enum sh_status output_failed(struct sh *sh, int err)
{
	if (sh->interactive && sh->out != sh->base_out && sh->out != stdout) {
		if (err != EPIPE)
			fprintf(stderr, "gigsh: could not write results: %s\n", strerror(err));
		reset_output(sh);
		return SH_ERROR;
	}
	if (err != EPIPE) {
		fprintf(stderr, "gigsh: could not write results: %s\n", strerror(err));
		sh->exit_code = 1;
	} else {
		sh->exit_code = 0;
	}
	return SH_FATAL;
}

/* Flush the current output; the errno of a failure, or 0. */
static int flush_out(struct sh *sh)
{
	int err = 0;

	errno = 0;
	if (fflush(sh->out) != 0 || ferror(sh->out))
		err = errno ? errno : EIO;
	clearerr(sh->out);
	return err;
}

enum sh_status sh_flush_stdout(struct sh *sh)
{
	int err = 0;

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		err = errno ? errno : EIO;
	clearerr(stdout);
	if (!err)
		return SH_OK;
	if (err != EPIPE) {
		fprintf(stderr, "gigsh: could not write to stdout: %s\n", strerror(err));
		sh->exit_code = 1;
	} else {
		sh->exit_code = 0;
	}
	return SH_FATAL;
}

/* ---- signals --------------------------------------------------------------- */

static void on_sigint(int sig)
{
	(void)sig;
	if (g_sigint && !g_interactive) {
		/* A second Ctrl-C while a run ignores the first: give up. */
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
		return;
	}
	g_sigint = 1;
	if (g_running && g_eng)
		eng_cancel(g_eng);
}

/* SIGTERM ends the running query as Ctrl-C does (its rows are kept, the
 * statistics printed) and then gigsh itself, interactive or not. */
static void on_sigterm(int sig)
{
	(void)sig;
	g_sigterm = 1;
	g_sigint = 1;
	if (g_running && g_eng)
		eng_cancel(g_eng);
}

bool sh_terminated(void)
{
	return g_sigterm != 0;
}

static void on_sigwinch(int sig)
{
	(void)sig;
	g_winch = 1;
}

void sh_signals_install(struct sh *sh, bool interactive)
{
	struct sigaction sa;

	g_eng = sh->eng;
	g_interactive = interactive;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* SA_RESTART: a Ctrl-C must not make a write of results fail with
	 * EINTR; select() in the prompt loop returns EINTR regardless. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_sigterm;
	sigaction(SIGTERM, &sa, NULL);
	if (interactive) {
		sa.sa_handler = on_sigwinch;
		sigaction(SIGWINCH, &sa, NULL);
	}
}

/* ---- running statements -------------------------------------------------- */

/* The eng_output of one engine call: rows go to a printer, or, for an
 * aggregation whose results go to a terminal, to a live table. */
struct run_out {
	struct sh *sh;
	struct sh_printer *pr;
	struct sh_live *live;       /* the result being shown is a live table */
	bool have_info;             /* info() came for the next begin() */
	struct eng_result_info info;
	bool begun, ended;
	uint64_t rows;
	bool have_stats;
	struct eng_run_stats st;
	uint64_t last_line_ns;      /* elapsed_ns of the last --stats-interval line */
	int live_err;               /* the live table's write error */
	bool sort_unknown;          /* \pset live_sort names no column of the result */
};

/* NO_COLOR set to anything but the empty string turns colour off
 * (https://no-color.org). */
static bool color_allowed(void)
{
	const char *nc = getenv("NO_COLOR");

	return !nc || !nc[0];
}

/* A terminal that moves its cursor: not TERM=dumb, nor no TERM at all. */
static bool term_can_repaint(void)
{
	const char *t = getenv("TERM");

	return t && t[0] && strcmp(t, "dumb") != 0;
}

/* Should this result be a live table? */
static bool want_live(const struct run_out *r)
{
	const struct sh *sh = r->sh;
	int fd = fileno(sh->out);

	return sh->live && r->have_info && r->info.aggregation &&
	       sh->fmt == SH_FMT_ALIGNED && !sh->tuples_only &&
	       fd >= 0 && isatty(fd) && term_can_repaint();
}

/* The column the live table sorts by (\pset live_sort), or -1.  A name
 * the result does not have falls back to the first aggregate and is
 * reported when the table ends (before, the screen would be cleared over
 * the message). */
static int live_sort_col(struct run_out *r, const struct eng_column *cols,
                         uint32_t ncols, bool *desc)
{
	const struct sh *sh = r->sh;

	*desc = true;
	if (sh->live_sort_off)
		return -1;
	if (!sh->live_sort)
		return r->info.first_agg_col < (int)ncols ? r->info.first_agg_col : -1;
	for (uint32_t i = 0; i < ncols; i++) {
		if (cols[i].name && strcasecmp(cols[i].name, sh->live_sort) == 0) {
			*desc = !sh->live_sort_asc;
			return (int)i;
		}
	}
	r->sort_unknown = true;
	return r->info.first_agg_col < (int)ncols ? r->info.first_agg_col : -1;
}

/* Finish the table being printed: the live table's last paint, then the
 * footer (below it, on a terminal). */
static void finish_table(struct run_out *r, const struct eng_run_stats *st)
{
	if (r->live) {
		if (sh_live_end(r->live, st) != 0 && !r->live_err)
			r->live_err = sh_live_errno(r->live);
		sh_live_free(r->live);
		r->live = NULL;
	}
	sh_printer_end(r->pr, r->rows);
	r->ended = true;
	if (r->sort_unknown && !r->sh->quiet) {
		fflush(r->sh->out);
		fprintf(stderr, "gigsh: \\pset live_sort: the result has no column \"%s\"; "
		        "it was sorted by the first aggregate\n", r->sh->live_sort);
	}
	r->sort_unknown = false;
}

static void out_info(void *ctx, const struct eng_result_info *ri)
{
	struct run_out *r = ctx;

	r->info = *ri;
	r->have_info = true;
}

static int out_begin(void *ctx, const struct eng_column *cols, uint32_t ncols)
{
	struct run_out *r = ctx;
	struct sh_column small[32], *sc = small;
	int rc;

	if (r->begun && !r->ended)
		finish_table(r, NULL);
	if (ncols > 32) {
		sc = calloc(ncols, sizeof *sc);
		if (!sc)
			return 1;
	}
	for (uint32_t i = 0; i < ncols; i++) {
		sc[i].name = cols[i].name;
		sc[i].type = cols[i].type;
	}
	r->begun = true;
	r->ended = false;
	r->rows = 0;
	if (want_live(r)) {
		struct sh_live_opts lo = {
			.color = color_allowed(),
			.bucket_col = r->info.bucket_col < (int)ncols ? r->info.bucket_col : -1,
			/* the footer, an empty line, gigsh's statistics line (and
			 * tcpdump's four for a live source), \timing, the cursor */
			.reserve = 5 + (r->info.live ? 4 : 0) + (r->sh->timing ? 1 : 0),
		};

		lo.sort_col = live_sort_col(r, cols, ncols, &lo.sort_desc);
		r->live = sh_live_new(r->sh->out, &lo);
		rc = r->live ? sh_live_begin(r->live, sc, ncols) : -1;
		if (r->live && rc != 0)
			r->live_err = sh_live_errno(r->live);
	} else {
		rc = sh_printer_begin(r->pr, sc, ncols);
	}
	r->have_info = false;
	if (sc != small)
		free(sc);
	return rc != 0;
}

static int out_row(void *ctx, const gs_value *vals, uint32_t ncols)
{
	struct run_out *r = ctx;

	if (r->live) {
		if (sh_live_row(r->live, vals, ncols) != 0) {
			r->live_err = sh_live_errno(r->live);
			return 1;
		}
	} else if (sh_printer_row(r->pr, vals, ncols) != 0) {
		return 1;
	}
	r->rows++;
	return 0;
}

/* A bucket closed: repaint the live table, or get the rows to the reader
 * now whatever the format. */
static int out_bucket(void *ctx)
{
	struct run_out *r = ctx;

	if (r->live) {
		if (sh_live_bucket(r->live) != 0) {
			r->live_err = sh_live_errno(r->live);
			return 1;
		}
		return 0;
	}
	return sh_printer_flush(r->pr) != 0;
}

static void out_progress(void *ctx, const struct eng_run_stats *st)
{
	struct run_out *r = ctx;

	if (r->live && sh_live_progress(r->live, st) != 0 && !r->live_err)
		r->live_err = sh_live_errno(r->live);
	/* live runs: a line of counters every stats_interval seconds (the live
	 * table shows them in its footer instead) */
	if (!r->live && r->info.live && r->sh->stats_interval && !r->sh->quiet &&
	    st->elapsed_ns - r->last_line_ns >= (uint64_t)r->sh->stats_interval * 1000000000u) {
		r->last_line_ns = st->elapsed_ns;
		print_progress_line(st);
	}
}

static void out_end(void *ctx, const struct eng_run_stats *st)
{
	struct run_out *r = ctx;

	if (st) {
		r->st = *st;
		r->have_stats = true;
	}
	if (r->begun && !r->ended)
		finish_table(r, st);
	r->have_info = false;
}

static void out_notice(void *ctx, const char *msg)
{
	struct run_out *r = ctx;

	if (!r->sh->quiet) {
		fprintf(stderr, "%s\n", msg);
		fflush(stderr);
	}
}

static int run_out_init(struct sh *sh, struct run_out *r, struct eng_output *o)
{
	unsigned flags = 0;

	memset(r, 0, sizeof *r);
	memset(o, 0, sizeof *o);
	r->sh = sh;
	if (sh->tuples_only)
		flags |= SH_PRINT_TUPLES_ONLY;
	if (sh->flush_rows)
		flags |= SH_PRINT_FLUSH_ROWS;
	r->pr = sh_printer_new_file(sh->out, sh->fmt, flags);
	if (!r->pr)
		return -1;
	o->ctx = r;
	o->begin = out_begin;
	o->row = out_row;
	o->end = out_end;
	o->notice = out_notice;
	o->info = out_info;
	o->bucket = out_bucket;
	o->progress = out_progress;
	return 0;
}

/* The write error of a finished engine call: the live table's, the
 * printer's, or flushing. */
static int run_out_finish(struct sh *sh, struct run_out *r)
{
	int err = r->live_err ? r->live_err : sh_printer_errno(r->pr);
	int ferr = flush_out(sh);

	if (r->live) {
		sh_live_free(r->live);
		r->live = NULL;
	}
	sh_printer_free(r->pr);
	r->pr = NULL;
	return err ? err : ferr;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

enum sh_status sh_run_statement(struct sh *sh, const char *text, size_t len,
                                const struct sh_where *w)
{
	struct run_out r;
	struct eng_output o;
	struct sql_error err;
	double t0;
	int rc, werr;

	if (g_sigint)
		return SH_INTR;
	if (run_out_init(sh, &r, &o) != 0) {
		sh_errorf(w, "out of memory");
		return SH_ERROR;
	}
	memset(&err, 0, sizeof err);
	t0 = now_ms();
	g_running = 1;
	rc = eng_exec(sh->eng, text, len, &o, &err);
	g_running = 0;
	werr = run_out_finish(sh, &r);
	if (r.have_stats && !sh->quiet && !(werr == EPIPE && !sh->interactive))
		print_stats(&r.st);
	if (rc != 0)
		report_sql_error(w, &err, text, len);
	if (sh->timing)
		fprintf(stderr, "Time: %.3f ms\n", now_ms() - t0);
	if (werr)
		return output_failed(sh, werr);
	if (g_sigint)
		return SH_INTR;
	return rc != 0 ? SH_ERROR : SH_OK;
}

enum sh_status sh_run_describe(struct sh *sh, const char *name,
                               const struct sh_where *w)
{
	struct run_out r;
	struct eng_output o;
	struct sql_error err;
	int rc, werr;

	if (run_out_init(sh, &r, &o) != 0) {
		sh_errorf(w, "out of memory");
		return SH_ERROR;
	}
	memset(&err, 0, sizeof err);
	rc = eng_describe(sh->eng, name, &o, &err);
	if (r.begun && !r.ended)
		sh_printer_end(r.pr, r.rows);
	werr = run_out_finish(sh, &r);
	if (rc != 0)
		report_sql_error(w, &err, name ? name : "", name ? strlen(name) : 0);
	if (werr)
		return output_failed(sh, werr);
	return rc != 0 ? SH_ERROR : SH_OK;
}

enum sh_status sh_run_explain(struct sh *sh, const char *text, size_t len,
                              bool verbose, const struct sh_where *w)
{
	struct sql_error err;
	int rc, werr;

	memset(&err, 0, sizeof err);
	rc = eng_explain(sh->eng, text, len, verbose, sh->out, &err);
	werr = flush_out(sh);
	if (rc != 0)
		report_sql_error(w, &err, text, len);
	if (werr)
		return output_failed(sh, werr);
	return rc != 0 ? SH_ERROR : SH_OK;
}

/* ---- one pass over several queries (\run) -------------------------------- */

/* The eng_output of one query of a set.  Aligned results are kept in a
 * temporary file and printed, titled, one after another when the pass
 * ends (their columns differ, so their rows cannot share a table); CSV
 * and JSON rows go out as they come, with the query's name as a first
 * column "query". */
struct set_out {
	struct sh *sh;
	const char *name;
	struct sh_printer *pr;
	FILE *tmp;                  /* aligned: the result so far */
	int tmp_err;                /* the temporary file's write error */
	gs_value *vals;             /* CSV/JSON: the query column, then the row */
	uint32_t ncols;
	uint64_t rows;
	bool begun;
	bool have_stats;
	struct eng_run_stats st;
};

static int tmp_write(void *ctx, const char *buf, size_t len)
{
	struct set_out *so = ctx;

	if (so->tmp_err)
		return so->tmp_err;
	if (fwrite(buf, 1, len, so->tmp) != len)
		so->tmp_err = errno ? errno : EIO;
	return so->tmp_err;
}

static int set_begin(void *ctx, const struct eng_column *cols, uint32_t ncols)
{
	struct set_out *so = ctx;
	bool tagged = so->sh->fmt != SH_FMT_ALIGNED;
	uint32_t n = ncols + (tagged ? 1 : 0);
	struct sh_column *sc = calloc(n ? n : 1, sizeof *sc);
	int rc;

	if (!sc)
		return 1;
	if (tagged) {
		sc[0].name = "query";
		sc[0].type = GS_STRING;
		so->vals = calloc(n, sizeof *so->vals);
		if (!so->vals) {
			free(sc);
			return 1;
		}
		so->vals[0].s.p = (const uint8_t *)so->name;
		so->vals[0].s.len = (uint32_t)strlen(so->name);
	}
	for (uint32_t i = 0; i < ncols; i++) {
		sc[i + (tagged ? 1 : 0)].name = cols[i].name;
		sc[i + (tagged ? 1 : 0)].type = cols[i].type;
	}
	so->ncols = ncols;
	so->begun = true;
	rc = sh_printer_begin(so->pr, sc, n);
	free(sc);
	return rc != 0;
}

static int set_row(void *ctx, const gs_value *vals, uint32_t ncols)
{
	struct set_out *so = ctx;
	int rc;

	if (so->vals) {
		uint32_t n = ncols < so->ncols ? ncols : so->ncols;

		memcpy(so->vals + 1, vals, n * sizeof *vals);
		rc = sh_printer_row(so->pr, so->vals, n + 1);
	} else {
		rc = sh_printer_row(so->pr, vals, ncols);
	}
	if (rc != 0)
		return 1;
	so->rows++;
	return 0;
}

static int set_bucket(void *ctx)
{
	struct set_out *so = ctx;

	return so->tmp ? 0 : sh_printer_flush(so->pr) != 0;
}

static void set_end(void *ctx, const struct eng_run_stats *st)
{
	struct set_out *so = ctx;

	if (st) {
		so->st = *st;
		so->have_stats = true;
	}
	if (so->begun)
		sh_printer_end(so->pr, so->rows);
	so->begun = false;
}

/* Copy the aligned results, titled, to the output.  Returns 0 or an
 * errno. */
static int print_kept(struct sh *sh, struct set_out *so, size_t n)
{
	char buf[65536];

	for (size_t i = 0; i < n; i++) {
		size_t got;

		if (!so[i].tmp)
			continue;
		if (so[i].tmp_err)
			return so[i].tmp_err;
		if (fprintf(sh->out, "Query %s\n", so[i].name) < 0)
			return errno ? errno : EIO;
		rewind(so[i].tmp);
		while ((got = fread(buf, 1, sizeof buf, so[i].tmp)) > 0)
			if (fwrite(buf, 1, got, sh->out) != got)
				return errno ? errno : EIO;
		if (ferror(so[i].tmp))
			return EIO;
	}
	return 0;
}

/* The shared counters once, then one line per query. */
static void print_set_stats(const struct set_out *so, size_t n)
{
	const struct eng_run_stats *st = &so[0].st;

	print_os_counts(st);
	fprintf(stderr, "gigsh: %" PRIu64 " packet%s seen, %" PRIu64 " malformed, %" PRIu64
	        " truncated, one pass for %zu quer%s (%u LFTA thread%s)%s\n",
	        st->packets_seen, plural(st->packets_seen), st->packets_malformed,
	        st->packets_truncated, n, n == 1 ? "y" : "ies", st->lfta_threads,
	        st->lfta_threads == 1 ? "" : "s", st->cancelled ? ", cancelled" : "");
	for (size_t i = 0; i < n; i++) {
		st = &so[i].st;
		fprintf(stderr, "gigsh: %s: %" PRIu64 " tuple%s from LFTA, %" PRIu64 " row%s",
		        so[i].name, st->lfta_tuples, plural(st->lfta_tuples),
		        st->rows_out, plural(st->rows_out));
		if (st->ring_drops)
			fprintf(stderr, ", %" PRIu64 " tuple%s lost between LFTA and HFTA",
			        st->ring_drops, plural(st->ring_drops));
		fprintf(stderr, "\n");
	}
	fflush(stderr);
}

enum sh_status sh_run_set(struct sh *sh, const char *const *names, size_t n,
                          const struct sh_where *w)
{
	struct set_out *so = calloc(n ? n : 1, sizeof *so);
	struct eng_output *o = calloc(n ? n : 1, sizeof *o);
	unsigned flags = 0;
	struct sql_error err;
	double t0;
	int rc = -1, werr = 0, ferr;
	bool oom = !so || !o;

	if (g_sigint) {
		free(so);
		free(o);
		return SH_INTR;
	}
	if (sh->tuples_only)
		flags |= SH_PRINT_TUPLES_ONLY;
	if (sh->flush_rows)
		flags |= SH_PRINT_FLUSH_ROWS;
	for (size_t i = 0; !oom && i < n; i++) {
		so[i].sh = sh;
		so[i].name = names[i];
		if (sh->fmt == SH_FMT_ALIGNED) {
			so[i].tmp = tmpfile();
			if (!so[i].tmp) {
				sh_errorf(w, "\\run: no temporary file for the results: %s",
				          strerror(errno));
				goto done;
			}
			so[i].pr = sh_printer_new_cb(tmp_write, &so[i], sh->fmt,
			                             flags & SH_PRINT_TUPLES_ONLY);
		} else {
			so[i].pr = sh_printer_new_file(sh->out, sh->fmt, flags);
		}
		oom = !so[i].pr;
		o[i].ctx = &so[i];
		o[i].begin = set_begin;
		o[i].row = set_row;
		o[i].end = set_end;
		o[i].notice = out_notice;
		o[i].bucket = set_bucket;
	}
	if (oom) {
		sh_errorf(w, "out of memory");
		goto done;
	}
	memset(&err, 0, sizeof err);
	t0 = now_ms();
	g_running = 1;
	rc = eng_run_set(sh->eng, names, n, o, &err);
	g_running = 0;
	/* The printers share one stream: once the reader has gone (EPIPE),
	 * the others' writes may fail without an errno of their own. */
	for (size_t i = 0; i < n && werr != EPIPE; i++)
		if (sh_printer_errno(so[i].pr) && werr != EPIPE)
			werr = sh_printer_errno(so[i].pr);
	if (!werr && so[0].have_stats)
		werr = print_kept(sh, so, n);
	ferr = flush_out(sh);   /* also clears the stream's error flag */
	if (!werr)
		werr = ferr;
	if (so[0].have_stats && !sh->quiet && !(werr == EPIPE && !sh->interactive))
		print_set_stats(so, n);
	if (rc != 0) {
		char text[1024];
		size_t k = 0;

		text[0] = '\0';
		for (size_t i = 0; i < n && k < sizeof text; i++)
			k += (size_t)snprintf(text + k, sizeof text - k, "%s%s", i ? " " : "", names[i]);
		report_sql_error(w, &err, text, strlen(text));
	}
	if (sh->timing)
		fprintf(stderr, "Time: %.3f ms\n", now_ms() - t0);
done:
	for (size_t i = 0; so && i < n; i++) {
		sh_printer_free(so[i].pr);
		if (so[i].tmp)
			fclose(so[i].tmp);
		free(so[i].vals);
	}
	free(so);
	free(o);
	if (werr)
		return output_failed(sh, werr);
	if (g_sigint)
		return SH_INTR;
	return rc != 0 ? SH_ERROR : SH_OK;
}

enum sh_status sh_run_explain_set(struct sh *sh, const char *const *names, size_t n,
                                  const struct sh_where *w)
{
	struct sql_error err;
	int rc, werr;

	memset(&err, 0, sizeof err);
	rc = eng_explain_set(sh->eng, names, n, sh->out, &err);
	werr = flush_out(sh);
	if (rc != 0)
		report_sql_error(w, &err, "", 0);
	if (werr)
		return output_failed(sh, werr);
	return rc != 0 ? SH_ERROR : SH_OK;
}

/* ---- running input --------------------------------------------------------- */

/* Run the complete items the scanner holds.  A script stops at its first
 * error; interactive input goes on with the next item. */
static enum sh_status run_items(struct sh *sh, struct sh_scanner *sc,
                                const char *file, bool stop_on_error)
{
	struct sh_item it;
	enum sh_status result = SH_OK;

	while (sh_scan_next(sc, &it)) {
		struct sh_where w = { file, it.line };
		enum sh_status st;

		if (g_sigint)
			return SH_INTR;
		if (it.kind == SH_ITEM_META) {
			for (const char *p = it.text; p < it.arg; p++)
				if (*p == '\n')
					w.line++;
			st = sh_meta_run(sh, it.name, it.name_len, it.arg, it.arg_len, &w);
		} else {
			st = sh_run_statement(sh, it.text, it.len, &w);
		}
		if (st == SH_ERROR) {
			if (stop_on_error)
				return SH_ERROR;
			result = SH_ERROR;
			continue;
		}
		if (st != SH_OK)
			return st;
	}
	return result;
}

enum sh_status sh_run_text(struct sh *sh, const char *text, size_t len,
                           const char *name)
{
	struct sh_scanner *sc = sh_scan_new(1, sh_meta_takes_query);
	enum sh_status st;

	if (!sc || sh_scan_line(sc, text, len) != 0) {
		sh_scan_free(sc);
		fprintf(stderr, "gigsh: out of memory\n");
		return SH_ERROR;
	}
	sh_scan_eof(sc);
	st = run_items(sh, sc, name, true);
	sh_scan_free(sc);
	return st;
}

enum sh_status sh_run_stream(struct sh *sh, FILE *in, const char *name)
{
	struct sh_scanner *sc = sh_scan_new(1, sh_meta_takes_query);
	enum sh_status st = SH_OK;
	char *line = NULL;
	size_t cap = 0;

	if (!sc) {
		fprintf(stderr, "gigsh: out of memory\n");
		return SH_ERROR;
	}
	while (st == SH_OK) {
		ssize_t n;

		errno = 0;
		n = getline(&line, &cap, in);
		if (n < 0) {
			if (g_sigint) {
				st = SH_INTR;
			} else if (ferror(in)) {
				fprintf(stderr, "gigsh: could not read %s: %s\n", name,
				        strerror(errno ? errno : EIO));
				st = SH_ERROR;
			} else {
				sh_scan_eof(sc);
				st = run_items(sh, sc, name, true);
			}
			break;
		}
		if (sh_scan_line(sc, line, (size_t)n) != 0) {
			fprintf(stderr, "gigsh: out of memory\n");
			st = SH_ERROR;
			break;
		}
		st = run_items(sh, sc, name, true);
	}
	free(line);
	sh_scan_free(sc);
	return st;
}

enum sh_status sh_run_file(struct sh *sh, const char *path, const struct sh_where *w)
{
	enum sh_status st;
	FILE *f;

	if (strcmp(path, "-") == 0)
		return sh_run_stream(sh, stdin, "<stdin>");
	f = fopen(path, "r");
	if (!f) {
		if (w && w->file)
			sh_errorf(w, "%s: %s", path, strerror(errno));
		else
			fprintf(stderr, "gigsh: %s: %s\n", path, strerror(errno));
		return SH_ERROR;
	}
	st = sh_run_stream(sh, f, path);
	fclose(f);
	return st;
}

/* ---- tab completion -------------------------------------------------------- */

static const char *const gsql_words[] = {
	"SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "AS", "AND", "OR",
	"NOT", "IN", "DEFINE", "PARAM", "MERGE", "SLACK", "TRUE", "FALSE",
	"INNER_JOIN", "OUTER_JOIN", "LEFT_OUTER_JOIN", "RIGHT_OUTER_JOIN",
	"FILTER_JOIN", "SUPERGROUP", "CLEANING_WHEN", "CLEANING_BY",
	"CLOSING_WHEN", "CUBE", "ROLLUP", "GROUPING_SETS", "COUNT", "SUM",
	"MIN", "MAX", "AVG", "AND_AGGR", "OR_AGGR", "XOR_AGGR", "IP_VAL",
	"IPV6_VAL", "HEX", "LHEX", "TIMEVAL", NULL
};

/* Candidates of the current completion (owned copies). */
static char **g_cand;
static size_t g_ncand, g_capcand;

static void cand_clear(void)
{
	for (size_t i = 0; i < g_ncand; i++)
		free(g_cand[i]);
	g_ncand = 0;
}

static void cand_add(const char *s, size_t len)
{
	char *c;

	for (size_t i = 0; i < g_ncand; i++)
		if (strlen(g_cand[i]) == len && memcmp(g_cand[i], s, len) == 0)
			return;
	if (g_ncand == g_capcand) {
		size_t cap = g_capcand ? g_capcand * 2 : 64;
		char **nc = realloc(g_cand, cap * sizeof *nc);

		if (!nc)
			return;
		g_cand = nc;
		g_capcand = cap;
	}
	c = strndup(s, len);
	if (c)
		g_cand[g_ncand++] = c;
}

static void cand_add_str(const char *s)
{
	cand_add(s, strlen(s));
}

static char *cand_gen(const char *text, int state)
{
	static size_t next;
	size_t n = strlen(text);

	if (state == 0)
		next = 0;
	while (next < g_ncand) {
		const char *c = g_cand[next++];

		if (strncasecmp(c, text, n) == 0)
			return strdup(c);
	}
	return NULL;
}

/* Collects the first column (a string) of describe rows. */
struct name_list {
	bool string_col;
	char **names;
	size_t n, cap;
};

static int names_begin(void *ctx, const struct eng_column *cols, uint32_t ncols)
{
	struct name_list *l = ctx;

	l->string_col = ncols > 0 && cols[0].type == GS_STRING;
	return 0;
}

static int names_row(void *ctx, const gs_value *vals, uint32_t ncols)
{
	struct name_list *l = ctx;
	char *s;

	if (!l->string_col || ncols == 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **nn = realloc(l->names, cap * sizeof *nn);

		if (!nn)
			return 1;
		l->names = nn;
		l->cap = cap;
	}
	s = strndup((const char *)vals[0].s.p, vals[0].s.len);
	if (!s)
		return 1;
	l->names[l->n++] = s;
	return 0;
}

static void names_end(void *ctx, const struct eng_run_stats *st)
{
	(void)ctx;
	(void)st;
}

static void names_notice(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static void names_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof *l);
}

/* Names from the catalog: the streams, and with fields the field names of
 * every stream too. */
static void add_catalog(bool fields)
{
	struct name_list streams = { 0 };
	struct eng_output o = { .ctx = &streams, .begin = names_begin, .row = names_row,
	                        .end = names_end, .notice = names_notice };
	struct sql_error err;

	memset(&err, 0, sizeof err);
	if (!g_sh || !g_sh->eng || eng_describe(g_sh->eng, NULL, &o, &err) != 0) {
		names_free(&streams);
		return;
	}
	for (size_t i = 0; i < streams.n; i++)
		cand_add_str(streams.names[i]);
	for (size_t i = 0; fields && i < streams.n; i++) {
		struct name_list f = { 0 };

		o.ctx = &f;
		memset(&err, 0, sizeof err);
		if (eng_describe(g_sh->eng, streams.names[i], &o, &err) == 0)
			for (size_t j = 0; j < f.n; j++)
				cand_add_str(f.names[j]);
		names_free(&f);
	}
	names_free(&streams);
}

/* Keywords in the case the user started typing, then catalog names. */
static void add_gsql_words(const char *text)
{
	bool lower = false;

	for (const char *p = text; *p; p++) {
		if (isalpha((unsigned char)*p)) {
			lower = islower((unsigned char)*p) != 0;
			break;
		}
	}
	for (int i = 0; gsql_words[i]; i++) {
		char w[32];
		size_t n = strlen(gsql_words[i]);

		for (size_t j = 0; j <= n && j < sizeof w; j++)
			w[j] = lower ? (char)tolower((unsigned char)gsql_words[i][j])
			             : gsql_words[i][j];
		cand_add_str(w);
	}
	add_catalog(true);
}

/* The second argument of \pset. */
static void add_pset_values(const char *opt, size_t len)
{
	if (len == 6 && memcmp(opt, "format", 6) == 0) {
		cand_add_str("aligned");
		cand_add_str("csv");
		cand_add_str("json");
	} else if ((len == 11 && memcmp(opt, "tuples_only", 11) == 0) ||
	           (len == 4 && memcmp(opt, "live", 4) == 0)) {
		cand_add_str("on");
		cand_add_str("off");
	} else if (len == 9 && memcmp(opt, "live_sort", 9) == 0) {
		cand_add_str("auto");
		cand_add_str("off");
	}
}

/* Completion for the arguments of a meta-command whose name is at
 * line[name..name_end). */
static void add_meta_args(const char *line, int name, int name_end, int start,
                          const char *text)
{
	const struct sh_meta *m = sh_meta_find(line + name, (size_t)(name_end - name));
	int nwords = 0, first = -1, first_end = -1;

	if (!m)
		return;
	for (int i = name_end; i < start;) {
		while (i < start && isspace((unsigned char)line[i]))
			i++;
		if (i >= start)
			break;
		if (nwords == 0)
			first = i;
		while (i < start && !isspace((unsigned char)line[i]))
			i++;
		if (nwords == 0)
			first_end = i;
		nwords++;
	}
	switch (m->arg) {
	case SH_ARG_FILE:
		if (nwords == 0)
			rl_attempted_completion_over = 0;   /* readline's file names */
		break;
	case SH_ARG_WORDS:
		if (nwords == 0)
			for (int i = 0; m->words[i]; i++)
				cand_add_str(m->words[i]);
		else if (nwords == 1 && strcmp(m->name, "pset") == 0)
			add_pset_values(line + first, (size_t)(first_end - first));
		break;
	case SH_ARG_STREAM:
		if (nwords == 0)
			add_catalog(false);
		break;
	case SH_ARG_QUERY:
		if (nwords == 0)
			cand_add_str("verbose");
		add_gsql_words(text);
		break;
	case SH_ARG_NONE:
		break;
	}
}

/* Word breaks: file names keep their '/' and '.' after \i and \o. */
static char *word_breaks(void)
{
	static char sql_breaks[] = " \t\n\"'`@$#><=;|&{(,)[]:.+-*/%!~";
	static char file_breaks[] = " \t\n\"'";
	const char *p = rl_line_buffer;
	const struct sh_meta *m;
	size_t n = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\\' || (g_sh && g_sh->scan && sh_scan_pending(g_sh->scan)))
		return sql_breaks;
	p++;
	while (p[n] && !isspace((unsigned char)p[n]))
		n++;
	m = sh_meta_find(p, n);
	return m && m->arg == SH_ARG_FILE ? file_breaks : sql_breaks;
}

static char **complete(const char *text, int start, int end)
{
	const char *line = rl_line_buffer;
	bool pending = g_sh && g_sh->scan && sh_scan_pending(g_sh->scan);
	int i = 0;

	(void)end;
	rl_attempted_completion_over = 1;
	cand_clear();
	while (i < start && isspace((unsigned char)line[i]))
		i++;
	if (!pending && line[i] == '\\') {
		if (i == start) {
			size_t n;
			const struct sh_meta *m = sh_meta_table(&n);

			for (size_t k = 0; k < n; k++) {
				char name[32];

				snprintf(name, sizeof name, "\\%s", m[k].name);
				cand_add_str(name);
			}
		} else {
			int j = i + 1;

			while (j < rl_end && !isspace((unsigned char)line[j]))
				j++;
			add_meta_args(line, i + 1, j, start, text);
		}
	} else {
		add_gsql_words(text);
	}
	if (g_ncand == 0)
		return NULL;
	return rl_completion_matches(text, cand_gen);
}

/* ---- the interactive loop --------------------------------------------------- */

static char *g_line;         /* the line readline accepted */
static bool g_line_ready, g_line_eof;

static void on_line(char *line)
{
	if (line) {
		g_line = line;
		g_line_ready = true;
	} else {
		g_line_eof = true;
	}
	rl_callback_handler_remove();
}

/* Ctrl-C at the prompt: drop the line and anything pending, as psql. */
static void clear_input(struct sh_scanner *sc)
{
	rl_point = rl_end;
	rl_redisplay();
	fputs("^C\n", rl_outstream ? rl_outstream : stdout);
	fflush(rl_outstream ? rl_outstream : stdout);
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_callback_handler_remove();
	sh_scan_reset(sc);
}

/* Wait for one line: 1 with g_line set, 0 at end of input, -1 on error. */
static int read_line(struct sh_scanner *sc)
{
	int fd = fileno(stdin);

	g_line = NULL;
	g_line_ready = g_line_eof = false;
	rl_callback_handler_install(sh_scan_pending(sc) ? "gigsh-> " : "gigsh=> ", on_line);
	while (!g_line_ready && !g_line_eof) {
		fd_set fds;

		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		if (select(fd + 1, &fds, NULL, NULL, NULL) < 0) {
			if (errno != EINTR) {
				rl_callback_handler_remove();
				return -1;
			}
			if (g_winch) {
				g_winch = 0;
				rl_resize_terminal();
			}
			if (g_sigterm) {
				rl_callback_handler_remove();
				return 0;
			}
			if (g_sigint) {
				g_sigint = 0;
				clear_input(sc);
				rl_callback_handler_install("gigsh=> ", on_line);
			}
			continue;
		}
		rl_callback_read_char();
	}
	return g_line_ready ? 1 : 0;
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *p;

	if (!home || !*home)
		return NULL;
	if (asprintf(&p, "%s/.gigsh_history", home) < 0)
		return NULL;
	return p;
}

static void history_save(const char *path, int added)
{
	if (!path || added == 0)
		return;
	if (added > history_length)
		added = history_length;
	if (access(path, F_OK) == 0) {
		if (append_history(added, path) != 0)
			return;
	} else if (write_history(path) != 0) {
		return;
	}
	history_truncate_file(path, HISTORY_MAX);
}

enum sh_status sh_interactive(struct sh *sh)
{
	struct sh_scanner *sc = sh_scan_new(1, sh_meta_takes_query);
	char *hist = history_path();
	enum sh_status st = SH_OK;
	int added = 0;

	if (!sc) {
		free(hist);
		fprintf(stderr, "gigsh: out of memory\n");
		return SH_FATAL;
	}
	g_sh = sh;
	sh->scan = sc;
	sh->interactive = true;
	g_interactive = 1;
	rl_readline_name = "gigsh";
	rl_attempted_completion_function = complete;
	rl_completion_word_break_hook = word_breaks;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	using_history();
	if (hist)
		read_history(hist);
	if (!sh->quiet) {
		printf("gigsh %s \xe2\x80\x94 type \\? for help, \\q to quit\n", PACKAGE_VERSION);
		fflush(stdout);
	}
	for (;;) {
		int r = read_line(sc);

		if (r <= 0) {
			if (r == 0 && !sh->quiet)
				printf("\\q\n");
			break;
		}
		if (g_line[0]) {
			HIST_ENTRY *last = history_length > 0
			        ? history_get(history_base + history_length - 1) : NULL;

			if (!last || strcmp(last->line, g_line) != 0) {
				add_history(g_line);
				added++;
			}
		}
		if (sh_scan_line(sc, g_line, strlen(g_line)) != 0) {
			free(g_line);
			fprintf(stderr, "gigsh: out of memory\n");
			st = SH_FATAL;
			sh->exit_code = 1;
			break;
		}
		free(g_line);
		g_line = NULL;
		st = run_items(sh, sc, NULL, false);
		if (g_sigterm)
			break;
		if (st == SH_INTR) {
			g_sigint = 0;
			sh_scan_reset(sc);
			st = SH_OK;
		} else if (st == SH_ERROR) {
			st = SH_OK;
		} else if (st != SH_OK) {
			break;
		}
	}
	history_save(hist, added);
	free(hist);
	cand_clear();
	free(g_cand);
	g_cand = NULL;
	g_capcand = 0;
	sh->scan = NULL;
	sh->interactive = false;
	sh_scan_free(sc);
	return st;
}
