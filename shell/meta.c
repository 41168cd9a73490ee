/*
 * meta.c: the backslash commands, one function each, dispatched from one
 * table (name, handler, argument usage, one-line help).  \? prints the
 * table and tab completion reads it (shell.c), so adding a command is
 * adding a row.  Handlers parse their argument and call into shell.c for
 * anything that touches the engine or the output.
 */
#include "shell.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- argument helpers ----------------------------------------------------- */

/* A NUL-terminated copy of the next blank-separated word of *arg (surrounding
 * single quotes removed), advancing *arg and *len past it.  NULL at the end or
 * when out of memory (*oom then set). */
static char *next_word(const char **arg, size_t *len, bool *oom)
{
	const char *p = *arg, *end = *arg + *len, *w;
	char *out;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end) {
		*arg = p;
		*len = 0;
		return NULL;
	}
	if (*p == '\'') {
		w = ++p;
		while (p < end && *p != '\'')
			p++;
		out = strndup(w, (size_t)(p - w));
		if (p < end)
			p++;
	} else {
		w = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		out = strndup(w, (size_t)(p - w));
	}
	if (!out)
		*oom = true;
	*len = (size_t)(end - p);
	*arg = p;
	return out;
}

/* The rest of the argument, trimmed, quotes removed when it is one quoted
 * word; NULL when empty. */
static char *rest_of(const char *arg, size_t len, bool *oom)
{
	char *out;

	while (len > 0 && isspace((unsigned char)*arg)) {
		arg++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)arg[len - 1]))
		len--;
	if (len == 0)
		return NULL;
	if (len >= 2 && arg[0] == '\'' && arg[len - 1] == '\'' &&
	    !memchr(arg + 1, '\'', len - 2)) {
		arg++;
		len -= 2;
	}
	out = strndup(arg, len);
	if (!out)
		*oom = true;
	return out;
}

/* psql's boolean words.  Returns 1/0, or -1 when value is not one. */
static int parse_bool(const char *value)
{
	static const char *const yes[] = { "on", "true", "yes", "1", NULL };
	static const char *const no[] = { "off", "false", "no", "0", NULL };

	for (int i = 0; yes[i]; i++)
		if (strcasecmp(value, yes[i]) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strcasecmp(value, no[i]) == 0)
			return 0;
	return -1;
}

/* Set *flag from an optional on/off argument (none: toggle). */
static enum sh_status set_bool(bool *flag, const char *cmd, const char *arg,
                               size_t len, const struct sh_where *w)
{
	bool oom = false;
	char *v = next_word(&arg, &len, &oom);
	int b;

	if (oom) {
		sh_errorf(w, "out of memory");
		return SH_ERROR;
	}
	if (!v) {
		*flag = !*flag;
		return SH_OK;
	}
	b = parse_bool(v);
	if (b < 0) {
		sh_errorf(w, "unrecognized value \"%s\" for \"\\%s\": Boolean expected", v, cmd);
		free(v);
		return SH_ERROR;
	}
	free(v);
	*flag = b != 0;
	return SH_OK;
}

static bool valid_param_name(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

/* ---- the commands ----------------------------------------------------------- */

static enum sh_status meta_help(struct sh *sh, const char *arg, size_t len,
                                const struct sh_where *w);

static enum sh_status meta_quit(struct sh *sh, const char *arg, size_t len,
                                const struct sh_where *w)
{
	(void)sh;
	(void)arg;
	(void)len;
	(void)w;
	return SH_QUIT;
}

static enum sh_status meta_schema(struct sh *sh, const char *arg, size_t len,
                                  const struct sh_where *w)
{
	bool oom = false;
	char *name = next_word(&arg, &len, &oom);
	enum sh_status st;

	if (oom) {
		sh_errorf(w, "out of memory");
		return SH_ERROR;
	}
	st = sh_run_describe(sh, name, w);
	free(name);
	return st;
}

/* \stats: the counters of the last run, as a query over gs_stats, then
 * every loss counter of that run. */
static enum sh_status meta_stats(struct sh *sh, const char *arg, size_t len,
                                 const struct sh_where *w)
{
	static const char q[] = "SELECT * FROM gs_stats";
	struct eng_run_stats st;
	(void)arg;
	(void)len;
	enum sh_status rc = sh_run_statement(sh, q, sizeof q - 1, w);
	if (rc == SH_OK && eng_last_stats(sh->eng, &st)) {
		sh_print_losses(sh->out, &st);
		fflush(sh->out);
	}
	return rc;
}

/* The names of \run (and \explain run): blank-separated words, a final
 * ';' dropped.  Returns how many (up to max), or -1 after reporting an
 * error. */
static int set_names(const char *arg, size_t len, char **names, int max, const char *cmd,
                     const struct sh_where *w)
{
	bool oom = false;
	int n = 0;
	char *word;

	while ((word = next_word(&arg, &len, &oom)) != NULL) {
		size_t wl = strlen(word);

		if (wl > 0 && word[wl - 1] == ';')
			word[--wl] = '\0';
		if (wl == 0) {
			free(word);
			continue;
		}
		if (n == max) {
			sh_errorf(w, "%s: at most %d queries run in one pass", cmd, max);
			free(word);
			goto fail;
		}
		names[n++] = word;
	}
	if (oom) {
		sh_errorf(w, "out of memory");
		goto fail;
	}
	if (n == 0) {
		sh_errorf(w, "%s: name the queries to run in one pass: %s NAME [NAME...]", cmd, cmd);
		fprintf(stderr, "Define each first: DEFINE { query_name 'NAME'; } SELECT ...;\n");
		return -1;
	}
	return n;
fail:
	while (n > 0)
		free(names[--n]);
	return -1;
}

/* \run NAME...: named queries together over one pass of the sources. */
static enum sh_status meta_run(struct sh *sh, const char *arg, size_t len,
                               const struct sh_where *w)
{
	char *names[ENG_SET_MAX];
	int n = set_names(arg, len, names, ENG_SET_MAX, "\\run", w);
	enum sh_status st;

	if (n < 0)
		return SH_ERROR;
	st = sh_run_set(sh, (const char *const *)names, (size_t)n, w);
	while (n > 0)
		free(names[--n]);
	return st;
}

static enum sh_status meta_explain(struct sh *sh, const char *arg, size_t len,
                                   const struct sh_where *w)
{
	bool verbose = false;
	struct sh_where qw = *w;

	while (len > 0 && isspace((unsigned char)*arg)) {
		if (*arg == '\n')
			qw.line++;
		arg++;
		len--;
	}
	if (len >= 7 && strncasecmp(arg, "verbose", 7) == 0 &&
	    (len == 7 || isspace((unsigned char)arg[7]))) {
		verbose = true;
		arg += 7;
		len -= 7;
		while (len > 0 && isspace((unsigned char)*arg)) {
			if (*arg == '\n')
				qw.line++;
			arg++;
			len--;
		}
	}
	if (len == 0) {
		sh_errorf(w, "\\explain: a query is required");
		return SH_ERROR;
	}
	/* \explain run NAME...: no GSQL statement starts with "run" */
	if (!verbose && len >= 3 && strncasecmp(arg, "run", 3) == 0 &&
	    (len == 3 || isspace((unsigned char)arg[3]))) {
		char *names[ENG_SET_MAX];
		int n = set_names(arg + 3, len - 3, names, ENG_SET_MAX, "\\explain run", w);
		enum sh_status st;

		if (n < 0)
			return SH_ERROR;
		st = sh_run_explain_set(sh, (const char *const *)names, (size_t)n, w);
		while (n > 0)
			free(names[--n]);
		return st;
	}
	return sh_run_explain(sh, arg, len, verbose, &qw);
}

static enum sh_status meta_include(struct sh *sh, const char *arg, size_t len,
                                   const struct sh_where *w)
{
	bool oom = false;
	char *path = rest_of(arg, len, &oom);
	enum sh_status st;

	if (!path) {
		sh_errorf(w, oom ? "out of memory" : "\\i: missing required argument");
		return SH_ERROR;
	}
	if (sh->depth >= 16) {
		sh_errorf(w, "\\i: scripts nested too deeply (at \"%s\")", path);
		free(path);
		return SH_ERROR;
	}
	sh->depth++;
	st = sh_run_file(sh, path, w);
	sh->depth--;
	free(path);
	return st;
}

static enum sh_status meta_output(struct sh *sh, const char *arg, size_t len,
                                  const struct sh_where *w)
{
	bool oom = false;
	char *path = rest_of(arg, len, &oom);
	enum sh_status st;

	if (oom) {
		sh_errorf(w, "out of memory");
		return SH_ERROR;
	}
	st = sh_set_output(sh, path, w);
	free(path);
	return st;
}

static enum sh_status meta_timing(struct sh *sh, const char *arg, size_t len,
                                  const struct sh_where *w)
{
	enum sh_status st = set_bool(&sh->timing, "timing", arg, len, w);

	if (st == SH_OK)
		sh_notef(sh, "Timing is %s.", sh->timing ? "on" : "off");
	return st;
}

static enum sh_status meta_tuples(struct sh *sh, const char *arg, size_t len,
                                  const struct sh_where *w)
{
	enum sh_status st = set_bool(&sh->tuples_only, "t", arg, len, w);

	if (st == SH_OK)
		sh_notef(sh, "Tuples only is %s.", sh->tuples_only ? "on" : "off");
	return st;
}

/* What \pset live_sort is, in words. */
static void live_sort_text(const struct sh *sh, char *out, size_t size)
{
	if (sh->live_sort_off)
		snprintf(out, size, "off");
	else if (sh->live_sort)
		snprintf(out, size, "%s %s", sh->live_sort, sh->live_sort_asc ? "asc" : "desc");
	else
		snprintf(out, size, "auto");
}

/* \pset live_sort [auto | off | COLUMN [asc|desc]]: the order of the rows
 * of a live table.  Without a value, says what it is. */
static enum sh_status pset_live_sort(struct sh *sh, const char *arg, size_t len,
                                     const struct sh_where *w)
{
	bool oom = false;
	char *col = next_word(&arg, &len, &oom), *dir = NULL, *extra = NULL;
	enum sh_status st = SH_OK;
	char now[300];

	if (!oom && col)
		dir = next_word(&arg, &len, &oom);
	if (!oom && dir)
		extra = next_word(&arg, &len, &oom);
	if (oom) {
		sh_errorf(w, "out of memory");
		st = SH_ERROR;
	} else if (!col) {
		/* only tell */
	} else if (extra || (dir && (strcasecmp(col, "auto") == 0 || strcasecmp(col, "off") == 0))) {
		sh_errorf(w, "\\pset live_sort: expected auto, off, or a column name and asc or desc");
		st = SH_ERROR;
	} else if (dir && strcasecmp(dir, "asc") != 0 && strcasecmp(dir, "desc") != 0) {
		sh_errorf(w, "\\pset live_sort: \"%s\" is not asc or desc", dir);
		st = SH_ERROR;
	} else if (strcasecmp(col, "auto") == 0 || strcasecmp(col, "off") == 0) {
		free(sh->live_sort);
		sh->live_sort = NULL;
		sh->live_sort_asc = false;
		sh->live_sort_off = strcasecmp(col, "off") == 0;
	} else {
		free(sh->live_sort);
		sh->live_sort = col;
		col = NULL;
		sh->live_sort_asc = dir && strcasecmp(dir, "asc") == 0;
		sh->live_sort_off = false;
	}
	if (st == SH_OK) {
		live_sort_text(sh, now, sizeof now);
		sh_notef(sh, "Live table sort is %s.", now);
	}
	free(col);
	free(dir);
	free(extra);
	return st;
}

static enum sh_status meta_pset(struct sh *sh, const char *arg, size_t len,
                                const struct sh_where *w)
{
	bool oom = false;
	char *opt = next_word(&arg, &len, &oom), *val = NULL;
	enum sh_status st = SH_OK;

	if (oom) {
		sh_errorf(w, "out of memory");
		return SH_ERROR;
	}
	if (!opt) {
		char sort[300];

		live_sort_text(sh, sort, sizeof sort);
		printf("format       %s\ntuples_only  %s\nlive         %s\nlive_sort    %s\n",
		       sh_format_name(sh->fmt), sh->tuples_only ? "on" : "off",
		       sh->live ? "on" : "off", sort);
		return sh_flush_stdout(sh);
	}
	if (strcmp(opt, "format") == 0) {
		val = next_word(&arg, &len, &oom);
		if (!val) {
			sh_notef(sh, "Output format is %s.", sh_format_name(sh->fmt));
		} else if (sh_format_lookup(val) < 0) {
			sh_errorf(w, "\\pset: allowed formats are aligned, csv, json");
			st = SH_ERROR;
		} else {
			sh->fmt = (enum sh_format)sh_format_lookup(val);
			sh_notef(sh, "Output format is %s.", sh_format_name(sh->fmt));
		}
	} else if (strcmp(opt, "tuples_only") == 0) {
		st = set_bool(&sh->tuples_only, "pset tuples_only", arg, len, w);
		if (st == SH_OK)
			sh_notef(sh, "Tuples only is %s.", sh->tuples_only ? "on" : "off");
	} else if (strcmp(opt, "live") == 0) {
		st = set_bool(&sh->live, "pset live", arg, len, w);
		if (st == SH_OK)
			sh_notef(sh, "Live table is %s.", sh->live ? "on" : "off");
	} else if (strcmp(opt, "live_sort") == 0) {
		st = pset_live_sort(sh, arg, len, w);
	} else {
		sh_errorf(w, "\\pset: unknown option: %s", opt);
		st = SH_ERROR;
	}
	free(opt);
	free(val);
	return st;
}

/* Remember name=value for listing; replaces an earlier value. */
static int remember_param(struct sh *sh, const char *name, const char *value)
{
	char *v = strdup(value), *n;
	struct sh_param *np;

	if (!v)
		return -1;
	for (size_t i = 0; i < sh->nparams; i++) {
		if (strcmp(sh->params[i].name, name) == 0) {
			free(sh->params[i].value);
			sh->params[i].value = v;
			return 0;
		}
	}
	n = strdup(name);
	np = realloc(sh->params, (sh->nparams + 1) * sizeof *np);
	if (!n || !np) {
		free(v);
		free(n);
		if (np)
			sh->params = np;
		return -1;
	}
	sh->params = np;
	sh->params[sh->nparams].name = n;
	sh->params[sh->nparams].value = v;
	sh->nparams++;
	return 0;
}

static enum sh_status meta_set(struct sh *sh, const char *arg, size_t len,
                               const struct sh_where *w)
{
	bool oom = false;
	char *name = next_word(&arg, &len, &oom), *value = NULL;
	enum sh_status st = SH_OK;

	if (!oom && name)
		value = rest_of(arg, len, &oom);
	if (oom) {
		sh_errorf(w, "out of memory");
		free(name);
		return SH_ERROR;
	}
	if (!name) {
		for (size_t i = 0; i < sh->nparams; i++)
			printf("%s = '%s'\n", sh->params[i].name, sh->params[i].value);
		return sh_flush_stdout(sh);
	}
	if (!valid_param_name(name)) {
		sh_errorf(w, "\\set: invalid parameter name \"%s\"", name);
		st = SH_ERROR;
	} else if (eng_set_param(sh->eng, name, value ? value : "") != 0) {
		sh_errorf(w, "\\set: could not set parameter \"%s\"", name);
		st = SH_ERROR;
	} else if (remember_param(sh, name, value ? value : "") != 0) {
		sh_errorf(w, "out of memory");
		st = SH_ERROR;
	}
	free(name);
	free(value);
	return st;
}

/* ---- the table ------------------------------------------------------------- */

static const char *const on_off[] = { "on", "off", NULL };
static const char *const pset_opts[] = { "format", "tuples_only", "live", "live_sort", NULL };

static const struct sh_meta meta_cmds[] = {
	{ "?", meta_help, "", "show this list of meta-commands", SH_ARG_NONE, NULL, false },
	{ "q", meta_quit, "", "quit gigsh", SH_ARG_NONE, NULL, false },
	{ "schema", meta_schema, "[NAME]",
	  "list the streams, or the fields of stream NAME", SH_ARG_STREAM, NULL, false },
	{ "explain", meta_explain, "[verbose] QUERY",
	  "show the plan of QUERY (verbose: with the LFTA's C)", SH_ARG_QUERY, NULL, true },
	{ "run", meta_run, "NAME [NAME...]",
	  "run named queries together over one pass of the packets", SH_ARG_STREAM, NULL, false },
	{ "i", meta_include, "FILE", "run the commands in FILE", SH_ARG_FILE, NULL, false },
	{ "o", meta_output, "[FILE]",
	  "send results to FILE (|CMD: to a pipe), or back to stdout", SH_ARG_FILE, NULL, false },
	{ "stats", meta_stats, "",
	  "the counters of each part (LFTA, HFTA) of the last query run (gs_stats), "
	  "then its losses and LFTA threads",
	  SH_ARG_NONE, NULL, false },
	{ "timing", meta_timing, "[on|off]",
	  "show how long each statement takes", SH_ARG_WORDS, on_off, false },
	{ "pset", meta_pset, "OPTION [VALUE]",
	  "format aligned|csv|json; tuples_only|live [on|off]; live_sort COLUMN [asc|desc]|auto|off",
	  SH_ARG_WORDS, pset_opts, false },
	{ "t", meta_tuples, "[on|off]", "show only rows (no header or footer)",
	  SH_ARG_WORDS, on_off, false },
	{ "set", meta_set, "[NAME [VALUE]]",
	  "give query parameter $NAME a value (no NAME: list them)", SH_ARG_NONE, NULL, false },
};

#define N_META (sizeof meta_cmds / sizeof meta_cmds[0])

static enum sh_status meta_help(struct sh *sh, const char *arg, size_t len,
                                const struct sh_where *w)
{
	(void)arg;
	(void)len;
	(void)w;
	printf("Meta-commands:\n");
	for (size_t i = 0; i < N_META; i++) {
		char head[64];

		snprintf(head, sizeof head, "\\%s%s%s", meta_cmds[i].name,
		         meta_cmds[i].usage[0] ? " " : "", meta_cmds[i].usage);
		printf("  %-26s %s\n", head, meta_cmds[i].help);
		if (meta_cmds[i].run == meta_explain)
			printf("  %-26s %s\n", "\\explain run NAME...",
			       "show how \\run would share one pass (prefilter, LFTA threads)");
	}
	printf("\nGSQL statements end with ';' and may span lines.\n");
	return sh_flush_stdout(sh);
}

const struct sh_meta *sh_meta_table(size_t *n)
{
	*n = N_META;
	return meta_cmds;
}

const struct sh_meta *sh_meta_find(const char *name, size_t len)
{
	for (size_t i = 0; i < N_META; i++)
		if (strlen(meta_cmds[i].name) == len &&
		    memcmp(meta_cmds[i].name, name, len) == 0)
			return &meta_cmds[i];
	return NULL;
}

bool sh_meta_takes_query(const char *name, size_t len)
{
	const struct sh_meta *m = sh_meta_find(name, len);

	return m && m->takes_query;
}

enum sh_status sh_meta_run(struct sh *sh, const char *name, size_t name_len,
                           const char *arg, size_t arg_len,
                           const struct sh_where *w)
{
	const struct sh_meta *m = sh_meta_find(name, name_len);

	if (!m) {
		sh_errorf(w, "invalid command \\%.*s", (int)name_len, name);
		fprintf(stderr, "Try \\? for help.\n");
		return SH_ERROR;
	}
	return m->run(sh, arg, arg_len, w);
}
