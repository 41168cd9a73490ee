/*
 * main.c: gigsh's command line.
 *
 * Parses the options (psql's where they overlap: -c -f -o -t -q -X --csv;
 * tcpdump's for the packet sources and privileges: -i -r -B -Z; gigsh's own:
 * --json, --no-cache, --no-live), opens the results file, creates the
 * engine; with -Z USER opens every source then becomes USER (privs.c); runs
 * ~/.gigshrc, then the -c/-f commands in order, else the interactive shell
 * when stdin is a terminal, else stdin as a script.
 * Exit status: 0 success; 1 bad usage or start-up failure; 3 an error in a
 * script or -c command (the first one stops the run).
 */
#include "shell.h"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 1
#define EXIT_SCRIPT 3

enum {
	OPT_CSV = 256,
	OPT_JSON,
	OPT_NO_CACHE,
	OPT_NO_LIVE,
	OPT_GROUP_MEMORY,
	OPT_STATS_INTERVAL,
	OPT_HELP
};

static const struct option long_options[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "read-file", required_argument, NULL, 'r' },
	{ "command", required_argument, NULL, 'c' },
	{ "file", required_argument, NULL, 'f' },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "tuples-only", no_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "no-gigshrc", no_argument, NULL, 'X' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "no-live", no_argument, NULL, OPT_NO_LIVE },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ "group-memory", required_argument, NULL, OPT_GROUP_MEMORY },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* A -c or -f, run in command-line order. */
struct action {
	char kind;          /* 'c' or 'f' */
	const char *arg;
};

static void usage(void)
{
	printf("gigsh runs GSQL stream queries over packet captures and live interfaces.\n"
	       "\n"
	       "Usage:\n"
	       "  gigsh [OPTION]...\n"
	       "\n"
	       "Packet sources:\n"
	       "  -i, --interface=IFACE    capture live from IFACE (may be repeated)\n"
	       "  -r, --read-file=FILE     read packets from a pcap/pcapng FILE (may be\n"
	       "                           repeated; files are read in order)\n"
	       "  -B, --buffer-size=KIB    kernel capture buffer of live interfaces, in KiB\n"
	       "                           (as tcpdump -B)\n"
	       "  -Z, --relinquish-privileges=USER\n"
	       "                           open the sources (and -o), then become USER\n"
	       "                           before any module is compiled or loaded (as\n"
	       "                           tcpdump -Z); with file capabilities, -Z with\n"
	       "                           your own name drops them\n"
	       "\n"
	       "Input:\n"
	       "  -c, --command=COMMAND    run one GSQL text or backslash command, then exit\n"
	       "                           (may be repeated; -c and -f run in order)\n"
	       "  -f, --file=FILE          run the commands in FILE (\"-\": stdin), then exit\n"
	       "  -X, --no-gigshrc         do not read ~/.gigshrc\n"
	       "\n"
	       "Output:\n"
	       "      --csv                comma-separated values (RFC 4180)\n"
	       "      --json               JSON lines: one object per row\n"
	       "  -t, --tuples-only        rows only: no header, no footer\n"
	       "  -o, --output=FILE        send results to FILE (or |COMMAND)\n"
	       "  -q, --quiet              no banner, statistics or notices\n"
	       "      --no-live            print aggregations on a terminal as plain rows,\n"
	       "                           not as a live table repainted per bucket\n"
	       "\n"
	       "Limits and counters:\n"
	       "      --group-memory=SIZE  cap on the memory of each aggregation's open groups\n"
	       "                           (SIZE in bytes, or with k, M, G; default 1G): tuples\n"
	       "                           that would open a group past it are dropped, counted\n"
	       "      --stats-interval=SEC during live runs, a line of counters on stderr every\n"
	       "                           SEC seconds (default 10; 0: none)\n"
	       "\n"
	       "Other:\n"
	       "      --no-cache           always compile LFTA modules (do not use the cache)\n"
	       "  -?, --help               show this help, then exit\n"
	       "  -V, --version            show the version, then exit\n"
	       "\n"
	       "With neither -c nor -f, gigsh is interactive when its input is a terminal\n"
	       "and reads a script from stdin otherwise.  Type \\? in gigsh for its\n"
	       "meta-commands; see gigsh(1).\n");
}

static int usage_error(void)
{
	fprintf(stderr, "Try \"gigsh --help\" for more information.\n");
	return EXIT_USAGE;
}

/* A size: a number of bytes, or of KiB, MiB, GiB with a k, M or G suffix,
 * from 1 KiB up to 1 TiB.  Returns -1 when text is not one. */
static int parse_size(const char *text, size_t *out)
{
	char *end;
	errno = 0;
	if (text[0] < '0' || text[0] > '9')
		return -1;
	unsigned long long n = strtoull(text, &end, 10);
	if (errno || end == text)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -1;
	}
	if (*end || n > (1ull << 40) >> shift)
		return -1;
	n <<= shift;
	if (n < 1024 || n > SIZE_MAX)
		return -1;
	*out = (size_t)n;
	return 0;
}

/* getopt_long ran with opterr = 0: say what was wrong as getopt would. */
static void bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':') {
		if (strncmp(arg, "--", 2) == 0)
			fprintf(stderr, "gigsh: option '%s' requires an argument\n", arg);
		else
			fprintf(stderr, "gigsh: option requires an argument -- '%c'\n", optopt);
	} else if (optopt != 0 && optopt < 256) {
		fprintf(stderr, "gigsh: invalid option -- '%c'\n", optopt);
	} else if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=')) {
		fprintf(stderr, "gigsh: option '%.*s' doesn't allow an argument\n",
		        (int)(strchr(arg, '=') - arg), arg);
	} else {
		fprintf(stderr, "gigsh: unrecognized option '%s'\n", arg);
	}
}

/* Map the status of a run to the exit status. */
static int exit_of(const struct sh *sh, enum sh_status st)
{
	switch (st) {
	case SH_ERROR:
		return EXIT_SCRIPT;
	case SH_FATAL:
		return sh->exit_code;
	default:
		return 0;
	}
}

/* Run ~/.gigshrc if there is one.  An error stops the file, not gigsh. */
static enum sh_status run_rc(struct sh *sh)
{
	const char *home = getenv("HOME");
	enum sh_status st;
	char *path;

	if (!home || !*home)
		return SH_OK;
	if (asprintf(&path, "%s/.gigshrc", home) < 0)
		return SH_OK;
	if (access(path, F_OK) != 0) {
		free(path);
		return SH_OK;
	}
	st = sh_run_file(sh, path, NULL);
	free(path);
	return st == SH_ERROR ? SH_OK : st;
}

/* Every -f file other than stdin must be readable.  Returns 0, or -1 with
 * the message in errbuf. */
static int check_scripts(const struct action *actions, size_t nactions, char *errbuf,
                         size_t size)
{
	for (size_t i = 0; i < nactions; i++) {
		FILE *f;

		if (actions[i].kind != 'f' || strcmp(actions[i].arg, "-") == 0)
			continue;
		f = fopen(actions[i].arg, "r");
		if (!f) {
			snprintf(errbuf, size, "%s: %s", actions[i].arg, strerror(errno));
			return -1;
		}
		fclose(f);
	}
	return 0;
}

/* The program, with the option arrays (argc entries each) owned by main. */
static int gigsh_main(int argc, char **argv, struct eng_source_spec *sources,
                      struct action *actions)
{
	size_t nsources = 0, nactions = 0;
	struct eng_config cfg;
	enum sh_format fmt = SH_FMT_ALIGNED;
	bool tuples_only = false, quiet = false, no_rc = false, no_cache = false;
	size_t buffer_bytes = 0;
	size_t group_memory = 0;
	unsigned stats_interval = 10;
	bool no_live = false;
	bool live = false, out_pipe = false, interactive;
	const char *out_path = NULL;
	const char *run_as = NULL;
	struct sh_user user;
	char errbuf[1200];
	FILE *out = stdout;
	struct eng_ctx *eng;
	enum sh_status st = SH_OK;
	struct sh sh;
	int c, code, werr;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:r:c:f:to:XqVB:Z:", long_options, NULL)) != -1) {
		switch (c) {
		case 'i':
		case 'r':
			sources[nsources].kind = c == 'i' ? ENG_SRC_LIVE : ENG_SRC_FILE;
			sources[nsources++].arg = optarg;
			live |= c == 'i';
			break;
		case 'c':
		case 'f':
			actions[nactions].kind = (char)c;
			actions[nactions++].arg = optarg;
			break;
		case OPT_CSV:
			fmt = SH_FMT_CSV;
			break;
		case OPT_JSON:
			fmt = SH_FMT_JSON;
			break;
		case 't':
			tuples_only = true;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'X':
			no_rc = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'B': {
			char *end;
			errno = 0;
			unsigned long long kib = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || kib == 0 || kib > (1ull << 30)) {
				fprintf(stderr, "gigsh: invalid buffer size \"%s\": a number of KiB from 1 "
				        "to 1073741824\n", optarg);
				return usage_error();
			}
			buffer_bytes = (size_t)kib * 1024u;
			break;
		}
		case OPT_NO_CACHE:
			no_cache = true;
			break;
		case 'Z':
			run_as = optarg;
			break;
		case OPT_NO_LIVE:
			no_live = true;
			break;
		case OPT_GROUP_MEMORY:
			if (parse_size(optarg, &group_memory) < 0) {
				fprintf(stderr, "gigsh: invalid group memory \"%s\": a size such as 65536, "
				        "64k, 512M or 2G, at least 1k\n", optarg);
				return usage_error();
			}
			break;
		case OPT_STATS_INTERVAL: {
			char *end;
			errno = 0;
			unsigned long secs = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || secs > 86400) {
				fprintf(stderr, "gigsh: invalid stats interval \"%s\": a number of seconds "
				        "from 0 to 86400\n", optarg);
				return usage_error();
			}
			stats_interval = (unsigned)secs;
			break;
		}
		case OPT_HELP:
			usage();
			return 0;
		case 'V':
			printf("gigsh %s\n", PACKAGE_VERSION);
			return 0;
		default:
			if (c == '?' && optopt == '?') {
				usage();
				return 0;
			}
			bad_option(c, argv);
			return usage_error();
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gigsh: unexpected argument \"%s\"\n", argv[optind]);
		return usage_error();
	}

	if (!run_as && check_scripts(actions, nactions, errbuf, sizeof errbuf) < 0) {
		fprintf(stderr, "gigsh: %s\n", errbuf);
		return EXIT_USAGE;
	}
	if (run_as && sh_user_lookup(run_as, &user, errbuf, sizeof errbuf) < 0) {
		fprintf(stderr, "gigsh: %s\n", errbuf);
		return EXIT_USAGE;
	}
	/* With -Z the switch happens below, after the sources are open; as a
	 * different user the default module cache is the one in its home. */
	bool switching = run_as && geteuid() == 0 && user.uid != 0;
	if (switching && !user.home_usable) {
		no_cache = true;
		if (!quiet)
			fprintf(stderr, "gigsh: -Z %s: the home directory %s is not a directory of that "
			        "user: modules are compiled without a cache, each in a new private "
			        "directory\n", user.name, user.home);
	}
	/* -o FILE is opened before any -Z switch (as tcpdump -w is), so that
	 * root may write where the user cannot; -o |COMMAND is started after
	 * it, so that the command does not run as root. */
	bool late_pipe = run_as && out_path && out_path[0] == '|';
	if (out_path && !late_pipe) {
		out = sh_open_output(out_path, &out_pipe, errbuf, sizeof errbuf);
		if (!out) {
			fprintf(stderr, "gigsh: %s\n", errbuf);
			return EXIT_USAGE;
		}
	}

	memset(&cfg, 0, sizeof cfg);
	cfg.sources = sources;
	cfg.nsources = nsources;
	cfg.no_cache = no_cache;
	cfg.buffer_bytes = buffer_bytes;
	cfg.modules_unprivileged = run_as != NULL;
	cfg.group_memory = group_memory;
	eng = eng_create(&cfg, errbuf);
	if (eng && run_as) {
		int d = -1;
		if (eng_open_sources(eng, errbuf) == 0 &&
		    (d = sh_drop_privileges(&user, errbuf, sizeof errbuf)) == 1)
			fprintf(stderr, "gigsh: warning: -Z %s: that user is root (uid 0): nothing is "
			        "dropped, and queries that need a module will be refused\n", user.name);
		if (d < 0) {
			eng_destroy(eng);
			eng = NULL;
		}
	}
	/* with -Z, -f scripts are read as the user: checked after the switch */
	if (eng && run_as && check_scripts(actions, nactions, errbuf, sizeof errbuf) < 0) {
		eng_destroy(eng);
		eng = NULL;
	}
	if (eng && late_pipe && !(out = sh_open_output(out_path, &out_pipe, errbuf, sizeof errbuf))) {
		out = stdout;
		eng_destroy(eng);
		eng = NULL;
	}
	if (!eng) {
		fprintf(stderr, "gigsh: %s\n", errbuf);
		if (out != stdout && out_pipe)
			pclose(out);
		else if (out != stdout)
			fclose(out);
		return EXIT_USAGE;
	}

	sh_init(&sh, eng, out, out_pipe);
	sh.fmt = fmt;
	sh.tuples_only = tuples_only;
	sh.quiet = quiet;
	sh.live = !no_live;
	sh.flush_rows = live;
	sh.stats_interval = stats_interval;
	interactive = nactions == 0 && isatty(STDIN_FILENO);
	sh_signals_install(&sh, interactive);

	if (!no_rc)
		st = run_rc(&sh);
	if (st == SH_INTR && interactive)
		st = SH_OK;
	if (st == SH_OK) {
		if (nactions > 0) {
			for (size_t i = 0; i < nactions && st == SH_OK; i++) {
				if (actions[i].kind == 'c')
					st = sh_run_text(&sh, actions[i].arg,
					                 strlen(actions[i].arg), NULL);
				else
					st = sh_run_file(&sh, actions[i].arg, NULL);
			}
		} else if (interactive) {
			st = sh_interactive(&sh);
		} else {
			st = sh_run_stream(&sh, stdin, "<stdin>");
		}
	}
	code = exit_of(&sh, st);
	if (sh_terminated() && code == 0)
		code = 128 + SIGTERM;
	if (sh_close(&sh, &werr) != 0 && code == 0 && werr != EPIPE) {
		fprintf(stderr, "gigsh: could not write results: %s\n", strerror(werr));
		code = 1;
	}
	eng_destroy(eng);
	return code;
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "");
	struct eng_source_spec *sources = calloc((size_t)argc, sizeof *sources);
	struct action *actions = calloc((size_t)argc, sizeof *actions);
	int code = EXIT_USAGE;

	if (!sources || !actions)
		fprintf(stderr, "gigsh: out of memory\n");
	else
		code = gigsh_main(argc, argv, sources, actions);
	free(sources);
	free(actions);
	return code;
}
