/*
 * engine.h: what the shell sees of the engine.
 *
 * Owns: the registry of streams (protocols and named queries), planning
 * and splitting queries into LFTA and HFTA parts, generating, compiling,
 * caching and loading LFTA modules, the HFTA operators, and running a query
 * over the configured packet sources with the LFTA and HFTA parts on two
 * threads joined by a bounded ring.
 * Never: prints to stdout (results go through struct eng_output), reads the
 * terminal, or exits.  Errors: a struct sql_error (with a position when the
 * error is in the query text) and a negative return.
 */
#ifndef GIGSH_ENGINE_H
#define GIGSH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../capture/gs_value.h"
#include "../sql/sql.h"

struct eng_ctx;

struct eng_column {
	const char *name;
	enum gs_type type;
	enum gs_temporal temporal;
};

/* Why a file to be read in two halves was read whole by the first LFTA
 * thread (engine/run.c). */
enum eng_split_undone {
	ENG_SPLIT_KEPT = 0,         /* not split, or split and kept */
	ENG_SPLIT_NO_RECORD,        /* no record starts where the second half was guessed to begin */
	ENG_SPLIT_TIME_ORDER,       /* packet times go back: an aggregation must read them in order */
	ENG_SPLIT_OVERFLOW          /* the second half's tuples did not fit its ring */
};

/* Counters of one finished (or cancelled) run. */
struct eng_run_stats {
	uint64_t rows_out;          /* rows given to eng_output.row */
	uint64_t packets_seen;      /* over all sources */
	uint64_t bytes_seen;        /* wire bytes of those packets */
	uint64_t packets_malformed; /* headers that make no sense (not cut) */
	uint64_t os_received, os_dropped, os_ifdropped;
	bool os_valid;              /* a live source reported OS counts */
	uint64_t lfta_tuples;       /* tuples the LFTAs emitted */
	uint64_t ring_drops;        /* tuples lost between LFTA and HFTA */
	uint64_t elapsed_ns;
	bool cancelled;             /* stopped by eng_cancel() */
	bool module_cached;         /* the LFTA module came from the cache */
	uint64_t compile_ns;        /* time spent generating/compiling/loading */
	uint64_t groups_open;       /* HFTA groups open (aggregations) */
	uint64_t lfta_collisions;   /* LFTA aggregation table collisions */
	uint64_t lfta_evictions;    /* partial groups evicted early */
	uint64_t lfta_bytes;        /* bytes of tuples the LFTA emitted */
	uint64_t packets_truncated; /* headers cut by the snap length (not in
	                               packets_malformed) */
	uint64_t groups_refused;    /* tuples dropped: their new HFTA group would pass
	                               the group memory cap (eng_config.group_memory) */
	uint32_t lfta_threads;      /* threads whose LFTAs' work counted: 2 for a file
	                               read in two halves or a one-pass set over
	                               capture files, else 1; 0 when none ran */
	enum eng_split_undone split_undone; /* a file to be read in two halves that
	                               the first thread read whole, and why */
};

/* Where results go.  Callbacks run on the engine's HFTA thread, one at a
 * time.  A non-zero return from begin/row stops the run (e.g. the output
 * pipe closed); the run then ends normally with end() called. */
/* What a result is, for displays (see eng_output.info). */
struct eng_result_info {
	bool aggregation;           /* rows come a bucket at a time */
	int bucket_col;             /* the temporal group column in the output, or -1 */
	int first_agg_col;          /* the first output column holding an aggregate, or -1 */
	bool live;                  /* a live source: runs until Ctrl-C */
};

struct eng_output {
	void *ctx;
	int (*begin)(void *ctx, const struct eng_column *cols, uint32_t ncols);
	int (*row)(void *ctx, const gs_value *vals, uint32_t ncols);
	void (*end)(void *ctx, const struct eng_run_stats *st);
	/* A command tag or notice, e.g. "DEFINE QUERY web" (no newline). */
	void (*notice)(void *ctx, const char *msg);

	/* Optional (may be NULL), for displays that repaint: */
	/* Before begin: what kind of result this is. */
	void (*info)(void *ctx, const struct eng_result_info *ri);
	/* An aggregation closed a bucket: every row of it has been given. */
	int (*bucket)(void *ctx);
	/* About once a second while a query runs: the counters so far
	 * (rows_out, packets_seen, os_* for live sources, elapsed_ns,
	 * lfta_tuples, ring_drops, groups_open). */
	void (*progress)(void *ctx, const struct eng_run_stats *st);
};

enum eng_source_kind { ENG_SRC_FILE, ENG_SRC_LIVE };
struct eng_source_spec {
	enum eng_source_kind kind;
	const char *arg;            /* path or interface name */
};

struct eng_config {
	const struct eng_source_spec *sources;
	size_t nsources;
	const char *cache_dir;      /* NULL: $XDG_CACHE_HOME/gigsh or ~/.cache/gigsh */
	bool no_cache;              /* always compile */
	bool werror;                /* treat compiler warnings in modules as errors */
	bool use_bpf;               /* install a BPF filter on live sources */
	size_t buffer_bytes;        /* kernel capture buffer of live sources (-B); 0: default */
	/* Never build or load a module while the process is root (real or
	 * effective uid 0) or holds any capability: gigsh -Z sets it, so that
	 * a failed or forgotten drop cannot run generated code as root. */
	bool modules_unprivileged;
	size_t group_memory;        /* cap on the memory of each aggregation's open HFTA
	                               groups, bytes; 0: ENG_GROUP_MEMORY_DEFAULT */
};

/* The default cap on an aggregation's open groups: 1 GiB. */
#define ENG_GROUP_MEMORY_DEFAULT ((size_t)1 << 30)

/* Create an engine.  Returns NULL with errbuf (512 bytes) set. */
struct eng_ctx *eng_create(const struct eng_config *cfg, char *errbuf);
void eng_destroy(struct eng_ctx *e);

/* Open every configured source now, and keep them open until eng_destroy:
 * each query then reads them again (files from their first packet, live
 * interfaces from the moment it starts) instead of opening them itself.
 * gigsh -Z calls it before dropping root, so that the handles opened as
 * root serve the whole session.  Without this call every query opens and
 * closes its own sources.  Returns 0, or -1 with errbuf (512) set and
 * nothing kept. */
int eng_open_sources(struct eng_ctx *e, char *errbuf);

/* Parse, analyze, plan and run every statement of text in order.  A query
 * with DEFINE { query_name 'x'; } is registered as stream x (and announced
 * through notice) without running; any other query runs until its input
 * ends or eng_cancel() is called, its rows going to out.  Stops at the
 * first error: returns -1 with *err set (err->pos is an offset in text).
 * Returns 0 otherwise. */
int eng_exec(struct eng_ctx *e, const char *text, size_t len,
             const struct eng_output *out, struct sql_error *err);

/* The most queries one pass runs (\run). */
#define ENG_SET_MAX 64

/* Run the named queries names[0..n) (streams defined with DEFINE {
 * query_name 'x'; }, each possibly over other named streams) together over
 * ONE pass of the configured sources: every packet is read and decoded
 * once, a prefilter of the queries' protocols and simple conjuncts is
 * evaluated once, and each query's LFTA runs on the packets that pass its
 * part of it.  outs[i] gets query i's result (begin for every query before
 * the first packet; rows as they come, from the calling thread; end with
 * the shared packet counters and query i's own rows_out, lfta_tuples,
 * ring_drops and groups_open).  The pass ends at the end of input or at
 * eng_cancel(); when one output asks to stop, the sources are stopped and
 * the other queries still get every row already produced.  Returns 0, or
 * -1 with *err set (no position; messages name the query): an unknown or
 * repeated name, a query over gs_stats, a module that does not build, a
 * parameter without a value, or a source read error (after end() calls). */
int eng_run_set(struct eng_ctx *e, const char *const *names, size_t n,
                const struct eng_output *outs, struct sql_error *err);

/* Write how eng_run_set would run names[0..n): the prefilter bits (what
 * each tests, which queries use it), then each query's bits and plan.
 * Returns 0, or -1 with *err set as eng_run_set. */
int eng_explain_set(struct eng_ctx *e, const char *const *names, size_t n, FILE *f,
                    struct sql_error *err);

/* Write the plan of the query in text to f: the LFTA's predicates and
 * columns and where it runs, the HFTA's operators; with verbose, the
 * generated C of the LFTA too. */
int eng_explain(struct eng_ctx *e, const char *text, size_t len, bool verbose,
                FILE *f, struct sql_error *err);

/* Describe streams as rows through out: with name NULL one row per stream
 * (name, kind, fields); with a name, one row per field (field, type,
 * temporal, description).  Returns -1 with *err set for an unknown name. */
int eng_describe(struct eng_ctx *e, const char *name,
                 const struct eng_output *out, struct sql_error *err);

/* Give $name a value for later queries (text parsed per the declared type
 * when a query uses it). */
int eng_set_param(struct eng_ctx *e, const char *name, const char *value);

/* The totals of the last query run (every loss counter included).  Returns
 * false when no query has run yet. */
bool eng_last_stats(const struct eng_ctx *e, struct eng_run_stats *st);

/* The capabilities this process holds, effective or permitted, as the
 * kernel's bit mask (bit CAP_NET_RAW etc.): 0 and *caps set, or -1 when
 * they cannot be read.  The engine refuses modules under -Z while any are
 * held; the shell checks its own drop with it. */
int eng_caps_held(uint64_t *caps);

/* Stop the running query.  Async-signal-safe. */
void eng_cancel(struct eng_ctx *e);

/* Names for messages and printers. */
const char *eng_type_name(enum gs_type t);
const char *eng_temporal_name(enum gs_temporal t);

#endif
