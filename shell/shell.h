/*
 * shell.h: the gigsh program: session state, running input, meta-commands.
 *
 * Owns: the session (engine handle, where results go and in which format,
 * \timing, \set values), running scripts, -c texts and the interactive
 * readline loop through the statement scanner (scan.h), the meta-command
 * table (meta.c), Ctrl-C handling, statistics and error messages on stderr,
 * choosing between the table printer and the live table (live.h) for each
 * result, and deciding the exit status.  It reaches the engine only through
 * engine/engine.h and prints tables only through print.h.
 * Never: parses GSQL itself (the scanner only finds statement boundaries).
 *
 * Status of running something: SH_OK; SH_ERROR (an error was reported; a
 * script stops there); SH_QUIT (\q); SH_INTR (Ctrl-C: the current input is
 * abandoned; a non-interactive run ends with status 0); SH_FATAL (results
 * could not be written: the program ends with sh->exit_code).
 */
#ifndef GIGSH_SHELL_H
#define GIGSH_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "../engine/engine.h"
#include "live.h"
#include "print.h"

enum sh_status { SH_OK = 0, SH_ERROR, SH_QUIT, SH_INTR, SH_FATAL };

struct sh_param {
	char *name;
	char *value;
};

struct sh {
	struct eng_ctx *eng;

	FILE *out;              /* where results go */
	bool out_is_pipe;       /* out came from |command (pclose it) */
	FILE *base_out;         /* stdout, or the -o file; \o switches away */
	bool base_is_pipe;
	enum sh_format fmt;
	bool tuples_only;
	bool timing;
	bool quiet;             /* -q: no banner, statistics or notices */
	bool flush_rows;        /* flush every row in every format (live input) */
	bool live;              /* \pset live: aggregations on a terminal as a live table */
	char *live_sort;        /* \pset live_sort: a column name, or NULL: the first aggregate */
	bool live_sort_asc;     /* with live_sort: ascending instead of descending */
	bool live_sort_off;     /* \pset live_sort off: rows in arrival order */
	unsigned stats_interval; /* --stats-interval: seconds between counter lines
	                            on stderr during live runs; 0: none */
	bool interactive;       /* in the readline loop: errors do not end it */
	int depth;              /* \i nesting */
	int exit_code;          /* for SH_FATAL */

	struct sh_param *params;  /* \set values, for listing */
	size_t nparams;
	struct sh_scanner *scan;  /* the interactive scanner (completion reads it) */
};

/* Where a command came from, for "FILE:LINE: " prefixes.  file is NULL
 * for interactive input and -c texts (no prefix). */
struct sh_where {
	const char *file;
	unsigned line;
};

/* ---- shell.c ------------------------------------------------------------ */

/* Write the loss counters of a run to f, one per line: kernel and
 * interface drops ("n/a" where the OS reports none, as for files), malformed or
 * truncated packets, tuples lost between LFTA and HFTA, tuples refused by
 * the group memory cap; then how many LFTA threads' work counted (and
 * whether a file's split in two halves was undone). */
void sh_print_losses(FILE *f, const struct eng_run_stats *st);

/* Set up a session over an engine (which may be set later, before
 * anything runs), with the live table on.  Results go to out, which the
 * session owns and closes unless it is stdout; is_pipe says it came from
 * sh_open_output("|cmd"). */
void sh_init(struct sh *sh, struct eng_ctx *eng, FILE *out, bool is_pipe);
/* Flush and close the outputs the session owns, free \set copies and
 * the \pset live_sort column.
 * Returns 0, or -1 when results could not be written: then *err is the
 * errno (EPIPE: the reader went away).  Prints nothing. */
int sh_close(struct sh *sh, int *err);

/* Open a results destination: a file for writing, or "|command" as a pipe
 * to sh -c command (*is_pipe set).  Returns NULL with a message in errbuf
 * (size bytes). */
FILE *sh_open_output(const char *path, bool *is_pipe, char *errbuf, size_t size);

/* Install the SIGINT handler (Ctrl-C cancels the running query through
 * eng_cancel; in a non-interactive run a second Ctrl-C kills gigsh) and
 * ignore SIGPIPE process-wide. */
void sh_signals_install(struct sh *sh, bool interactive);

/* Run a text holding statements and meta-commands (-c).  name (may be
 * NULL) prefixes error messages. */
enum sh_status sh_run_text(struct sh *sh, const char *text, size_t len,
                           const char *name);
/* Run a script file; "-" is stdin.  Messages are prefixed "path:LINE: ".
 * A file that cannot be opened is reported (prefixed by w, which may be
 * NULL) and gives SH_ERROR. */
enum sh_status sh_run_file(struct sh *sh, const char *path,
                           const struct sh_where *w);
/* Run a script read from in, named name in messages. */
enum sh_status sh_run_stream(struct sh *sh, FILE *in, const char *name);
/* The readline loop: banner, history, prompt, completion.  Returns the
 * status that ended it (SH_OK at Ctrl-D, SH_QUIT at \q, SH_FATAL). */
enum sh_status sh_interactive(struct sh *sh);

/* True once SIGTERM arrived: the run was ended and gigsh must exit (with
 * status 128 + SIGTERM, as a shell reports a process ended by it). */
bool sh_terminated(void);

/* Run statements through the engine, rows to the current output. */
enum sh_status sh_run_statement(struct sh *sh, const char *text, size_t len,
                                const struct sh_where *w);
/* \schema: describe one stream (name) or all (NULL) as a table. */
enum sh_status sh_run_describe(struct sh *sh, const char *name,
                               const struct sh_where *w);
/* \explain: write the plan of the query in text to the current output. */
enum sh_status sh_run_explain(struct sh *sh, const char *text, size_t len,
                              bool verbose, const struct sh_where *w);

/* \run: the named queries names[0..n) together over one pass of the
 * sources.  Aligned results are printed when the pass ends, one titled
 * table per query in the order named; CSV and JSON rows as they come,
 * with the query's name in a first column "query".  Statistics: the
 * shared packet counters, then one line per query. */
enum sh_status sh_run_set(struct sh *sh, const char *const *names, size_t n,
                          const struct sh_where *w);
/* \explain run: how those queries would share one pass (prefilter bits). */
enum sh_status sh_run_explain_set(struct sh *sh, const char *const *names, size_t n,
                                  const struct sh_where *w);

/* Switch results to path ("|cmd" pipes into cmd), or back to stdout when
 * path is NULL.  Reports errors itself. */
enum sh_status sh_set_output(struct sh *sh, const char *path,
                             const struct sh_where *w);

/* Flush stdout after a meta-command wrote to it (\?, listings).  SH_OK, or
 * SH_FATAL when it could not be written (as for results). */
enum sh_status sh_flush_stdout(struct sh *sh);

/* Print an error to stderr, prefixed "FILE:LINE: " when w names a file. */
void sh_errorf(const struct sh_where *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print an informational line to stderr unless -q. */
void sh_notef(const struct sh *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- privs.c ------------------------------------------------------------ */

/* The user -Z names. */
struct sh_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	char home[512];
	bool home_usable;       /* a directory the user owns: it can hold the module cache */
};

/* Look up the user name of -Z, before anything is opened.  Returns 0, or
 * -1 with a message in errbuf (size bytes): no such user, or gigsh is not
 * root and the user is not the one running it. */
int sh_user_lookup(const char *name, struct sh_user *u, char *errbuf, size_t size);

/* Become u for good: as root, the user's groups, gid and uid (real,
 * effective, saved), HOME, USER and LOGNAME set to the user's and
 * XDG_CACHE_HOME unset (and TMPDIR when the user cannot write it); as the
 * user already, drop every capability.  Then checks that setuid(0) fails
 * and no capability is left.  Returns 0; 1 when u is uid 0 (-Z root: still
 * root; the engine will refuse modules); -1 with errbuf set when anything
 * failed (the caller must exit). */
int sh_drop_privileges(const struct sh_user *u, char *errbuf, size_t size);

/* ---- meta.c ------------------------------------------------------------- */

/* How the first argument of a meta-command completes. */
enum sh_meta_arg { SH_ARG_NONE, SH_ARG_WORDS, SH_ARG_FILE, SH_ARG_STREAM, SH_ARG_QUERY };

struct sh_meta {
	const char *name;       /* without the backslash */
	enum sh_status (*run)(struct sh *sh, const char *arg, size_t arg_len,
	                      const struct sh_where *w);
	const char *usage;      /* arguments, "" when none */
	const char *help;       /* one line */
	enum sh_meta_arg arg;
	const char *const *words;   /* SH_ARG_WORDS: the choices (NULL-ended) */
	bool takes_query;       /* the argument is a GSQL query up to its ';' */
};

/* The table \? prints and completion reads; *n gets its length. */
const struct sh_meta *sh_meta_table(size_t *n);
/* Lookup by exact name (len bytes); NULL when unknown. */
const struct sh_meta *sh_meta_find(const char *name, size_t len);
/* For the scanner: does the command take a multi-line query argument? */
bool sh_meta_takes_query(const char *name, size_t len);
/* Run one meta-command: name/arg as the scanner gave them; w->line is the
 * line where arg starts (for \explain's error positions).  Unknown names
 * get psql's message. */
enum sh_status sh_meta_run(struct sh *sh, const char *name, size_t name_len,
                           const char *arg, size_t arg_len,
                           const struct sh_where *w);

#endif
