/*
 * run_int.h: the pieces of running a query that run.c (one query) and
 * run_set.c (several queries over one pass) share.
 *
 * The HFTA side of a query is a chain of operators ending in an output
 * sink that calls the query's struct eng_output; both runners build it the
 * same way, from the chain of plans (root last) and their loaded modules.
 */
#ifndef GIGSH_RUN_INT_H
#define GIGSH_RUN_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine_int.h"
#include "op.h"

struct run;

/* The last operator of a chain: rows to eng_output.row, bucket() after a
 * heartbeat or the end when rows came since the last one, progress() about
 * once a second when run is set (run.c's counters). */
struct eng_op_sink {
	struct eng_op op;
	const struct eng_output *out;
	bool stopped;               /* the output asked to stop */
	bool aggregation;
	uint64_t rows_in_bucket;    /* rows since the last bucket() */
	uint64_t last_progress;     /* wall time of the last progress() */
	struct run *run;            /* NULL: no progress() */
	const struct eng_op *agg;   /* the last aggregation of the chain, or NULL */
	struct eng_op *const *ops;  /* the chain (eng_run_build_ops), for counters */
	size_t nops;
};
extern const struct eng_op_vt eng_sink_vt;
/* A zeroed LFTA state block of `bytes`, every page written now: calloc
 * leaves fresh pages to the kernel's shared zero page, and the first write
 * to each then (an LFTA's aggregation table is probed before it is filled)
 * copies it and flushes the TLBs of every CPU running the process, an
 * interprocessor interrupt per page while the LFTA threads run (perf:
 * 2.5 % of Q3's samples).  NULL when out of memory; free() it. */
void *eng_run_state_alloc(size_t bytes);
/* Start the LFTA thread fn(arg) with every signal blocked in it (signals
 * go to the shell's thread).  Returns 0, or -1 with *err set. */
int eng_run_start_thread(pthread_t *th, void *(*fn)(void *), void *arg, struct sql_error *err);
/* Add the packet and OS counters of source s to st. */
void eng_stats_add_source(struct eng_run_stats *st, struct cap_source *s);
/* gs_stats rows: an LFTA instance's counters (dropped: its tuples lost in
 * the ring), and an HFTA operator's, each under the name of its query. */
void eng_stats_lfta_row(struct eng_stats_row *row, const char *query,
                        const struct gs_lfta_counters *c, uint64_t dropped);
void eng_stats_op_row(struct eng_stats_row *row, const char *query, const struct eng_op *op);
/* Tuples the aggregations of the sink's chain refused (group memory cap). */
uint64_t eng_sink_refused(const struct eng_op_sink *s);

/* Values for the parameters plan p declares, from \set, allocated from a.
 * NULL with *err set (positions in p's text) when one has no value or a
 * value does not parse. */
gs_value *eng_run_bind_params(struct eng_ctx *e, const struct eng_plan *p, struct sql_arena *a,
                              struct sql_error *err);

/* Build the HFTA operators of chain[0..n) (root last) from their modules,
 * ending in sink.  ops gets them root first (*nops of them, then the sink);
 * names[i] is the query of ops[i].  ops and names need n + 1 entries.
 * The caller destroys ops[0..*nops) also after a failure. */
int eng_run_build_ops(struct eng_ctx *e, struct eng_plan **chain, size_t n,
                      struct eng_module *mods, struct sql_arena *a, struct eng_op **ops,
                      const char **names, size_t *nops, struct eng_op_sink *sink,
                      struct sql_error *err);

#endif
