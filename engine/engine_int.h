/*
 * engine_int.h: the engine's private structures, shared by its files.
 *
 * A query goes: text -> sql_parse -> sql_analyze -> eng_plan (split into
 * LFTA and HFTA parts) -> eng_codegen (C source for both parts) ->
 * eng_module_get (compile, cache, dlopen, check) -> eng_run (threads, ring,
 * operators).  Named queries stay in the registry as struct eng_stream.
 */
#ifndef GIGSH_ENGINE_INT_H
#define GIGSH_ENGINE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../capture/capture.h"
#include "../sql/analyze.h"
#include "../sql/sql.h"
#include "engine.h"
#include "lfta_abi.h"

/* ---- embedded headers (engine/module_headers.c, generated) -------------- */

struct eng_embedded_file {
	const char *name;
	const char *text;
	size_t len;
};
const struct eng_embedded_file *eng_module_headers(size_t *n);

/* ---- growable strings ----------------------------------------------------- */

struct eng_buf {
	char *p;
	size_t len, cap;
	bool oom;
};
void eng_buf_printf(struct eng_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void eng_buf_put(struct eng_buf *b, const char *s, size_t n);
void eng_buf_free(struct eng_buf *b);
uint64_t eng_fnv1a(uint64_t h, const void *p, size_t n);
#define ENG_FNV_INIT 0xcbf29ce484222325ULL

/* ---- plans ------------------------------------------------------------------ */

struct eng_stream;

/* One partial value of an aggregation. */
struct eng_part {
	enum gs_part_op op;
	enum gs_type type;
	struct sql_bexpr *arg;          /* over the aggregation's input; NULL for COUNT */
};

struct eng_plan {
	struct sql_analyzed *an;
	const char *name;               /* stream name, or "query" for an unnamed one */
	struct eng_stream *upstream;    /* FROM a named stream, else NULL */
	int proto;                      /* enum cap_proto when upstream is NULL */
	const char *iface;              /* FROM iface.PROTO, or NULL */

	/* LFTA part (protocol sources only) */
	bool has_lfta;
	struct sql_bexpr **lpred;       /* conjuncts run per packet */
	uint32_t nlpred;
	struct sql_bexpr **lout;        /* what the LFTA emits */
	const char **lout_names;
	uint32_t nlout;

	/* HFTA part */
	bool has_hfta;
	struct sql_bexpr **hpred;       /* conjuncts over the input columns */
	uint32_t nhpred;
	struct sql_bexpr **hout;        /* the select list over the input columns */
	uint32_t nhout;
	uint32_t nin;                   /* input columns of the HFTA */
	enum gs_type *in_types;

	/* result */
	struct eng_column *cols;
	uint32_t ncols;
	struct sql_stream_schema schema;

	/* aggregation (an->is_aggregation) */
	bool is_agg;
	bool lfta_agg;                  /* the LFTA keeps partial groups */
	uint32_t ngb;
	struct sql_bexpr **gb_expr;     /* group-by expressions over the HFTA's input
	                                   (over packet fields when lfta_agg) */
	uint32_t npart;
	struct eng_part *parts;
	uint32_t *agg_slot;             /* per aggregate: its partial */
	uint32_t *agg_count;            /* per aggregate: the COUNT partial (AVG) */
	struct sql_bexpr *temporal_pkt; /* temporal group variable over packet time, or NULL */
	uint32_t slots;                 /* LFTA table size (power of two) */

	bool builtin;                   /* a table the engine fills (gs_stats) */

	/* generated C of the module (both parts), NUL terminated */
	char *csrc;
	size_t csrc_len;
	uint32_t nregex;
};

/* Plan an analyzed query.  Allocates from a.  Returns NULL with *err set
 * (features not built yet are named). */
struct eng_plan *eng_plan_query(struct sql_analyzed *an, struct eng_stream *upstream,
                                const char *name, struct sql_arena *a, struct sql_error *err);

/* Generate the module source for a plan into plan->csrc (malloc'ed, owned
 * by the plan's arena via eng_codegen's copy).  Returns 0 or -1. */
int eng_codegen(struct eng_plan *p, struct sql_arena *a, struct sql_error *err);

/* ---- modules ---------------------------------------------------------------- */

struct eng_module {
	void *dl;
	const struct gs_lfta_module *lfta;   /* NULL if the plan has no LFTA */
	const struct gs_hfta_select *hfta;   /* NULL if the plan has no HFTA select */
	const struct gs_hfta_aggregate *agg; /* NULL if the plan does not aggregate */
	bool cached;
	uint64_t build_ns;
	char path[512];
};

struct eng_module_cfg {
	const char *cache_dir;  /* NULL: default; "" : no cache */
	bool no_cache;
	bool werror;
	bool unprivileged;      /* refuse while root or holding capabilities (-Z) */
};

/* Build (or fetch from the cache) and load the module for plan p.
 * Returns 0 and fills *m, or -1 with a message in errbuf (512). */
int eng_module_get(const struct eng_module_cfg *cfg, const struct eng_plan *p,
                   struct eng_module *m, char *errbuf);
void eng_module_release(struct eng_module *m);

/* The monotonic clock in nanoseconds (run and build timings). */
static inline uint64_t eng_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the registry ----------------------------------------------------------- */

struct eng_stream {
	char *name;
	struct sql_script *script;   /* owns the query's tree and arena */
	struct sql_analyzed *an;
	struct eng_plan *plan;
	char *text;                  /* the defining text */
	struct eng_stream *next;
};

struct eng_param {
	char *name;
	char *value;
	struct eng_param *next;
};

struct eng_ctx {
	struct eng_config cfg;
	struct eng_source_spec *sources;
	size_t nsources;
	struct eng_module_cfg mcfg;
	struct eng_stream *streams;
	struct eng_param *params;
	volatile int cancel;
	unsigned nqueries;
	struct sql_script **kept;    /* scripts that define streams: freed last */
	size_t nkept, capkept;
	struct eng_stats_row *stats; /* the counters of the last run, per part */
	size_t nstats;
	struct cap_source **kept_srcs; /* after eng_open_sources: one per sources[i] */
	struct eng_run_stats last;   /* the totals of the last run */
	bool have_last;
	struct eng_plan stats_plan;  /* the schema of gs_stats */
	struct eng_stream stats_stream;
};

/* One row of gs_stats: the counters of one part of a query of the last run. */
struct eng_stats_row {
	char query[64];
	const char *part;            /* "LFTA", "HFTA select", "HFTA aggregate" */
	uint64_t packets_in, tuples_in, tuples_out, bytes_out;
	uint64_t collisions, evictions, groups_open;
	uint64_t dropped;            /* LFTA: tuples the ring lost; HFTA aggregate:
	                                tuples refused by the group memory cap */
};
#define ENG_STATS_COLS 10
void eng_stats_init(struct eng_ctx *e);

struct eng_stream *eng_registry_find(struct eng_ctx *e, const char *name);
void eng_registry_add(struct eng_ctx *e, struct eng_stream *s);
void eng_registry_free(struct eng_ctx *e);
struct sql_catalog eng_catalog(struct eng_ctx *e);

/* ---- sources (sources.c) ------------------------------------------------------ */

/* The sources root reads (all, or those FROM iface.PROTO names), into
 * srcs (room for e->nsources): the kept ones rewound, else freshly opened.
 * *live says one of them is a live interface.  Returns 0, or -1 with *err
 * set (nothing left to release). */
int eng_sources_acquire(struct eng_ctx *e, const struct eng_plan *root, struct cap_source **srcs,
                        size_t *nsrc, bool *live, struct sql_error *err);
/* Source i of the configuration for a run (as eng_sources_acquire, one
 * source), or NULL with *err set; give it back with eng_sources_release. */
struct cap_source *eng_source_open(struct eng_ctx *e, size_t i, struct sql_error *err);
/* The name FROM iface.PROTO matches for source i: the interface, or the
 * file's base name. */
const char *eng_source_name(const struct eng_ctx *e, size_t i);
/* The end of a run: closes the sources unless the engine keeps them. */
void eng_sources_release(struct eng_ctx *e, struct cap_source **srcs, size_t nsrc);
/* Close the kept sources (eng_destroy). */
void eng_close_sources(struct eng_ctx *e);

/* ---- running ------------------------------------------------------------------ */

/* Run plan p (and its upstream chain) over the configured sources, rows to
 * out.  Returns 0, or -1 with *err set. */
int eng_run(struct eng_ctx *e, struct eng_plan *p, const struct eng_output *out,
            struct sql_error *err);

/* Human-readable plan. */
void eng_explain_plan(struct eng_ctx *e, const struct eng_plan *p, bool verbose, FILE *f);
/* Append expression x over packet fields, as \explain writes it, to b. */
void eng_expr_text(struct eng_buf *b, const struct sql_bexpr *x);

#endif
