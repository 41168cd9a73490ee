/*
 * run.c: runs a planned query: sources -> LFTA -> ring -> HFTA -> output.
 *
 * The LFTA thread opens nothing itself: it reads each source in turn, hands
 * every decoded packet to the module's accept(), and every tick to its
 * heartbeat(); the module's sink copies output tuples into the ring.  The
 * calling thread is the HFTA thread: it takes records from the ring and
 * pushes them through the chain of HFTA operators (one select per query in
 * the chain of streams) to the sink that calls eng_output.row.
 *
 * Stopping: eng_cancel() sets a flag the sources poll; they return, the
 * LFTA flushes and sends end-of-stream, and the HFTA prints what it still
 * has, so nothing already produced is lost.  When the output side wants no
 * more (a closed pipe) the HFTA closes the ring, which makes the LFTA side
 * stop at its next tuple.
 *
 * Reading one large classic pcap file, the run is split in two (see
 * split_plan): the LFTA thread reads the first half of the file and a
 * second LFTA thread, with a second instance of the LFTA and its own ring,
 * reads the second half at the same time.  The HFTA thread takes the first
 * half's records to their end, then the second half's, so the HFTA sees
 * the tuples in file order, as from one LFTA that flushed its groups
 * halfway (partial groups merge at the HFTA as after any eviction).  The
 * first half's walk checks the guessed boundary: when it did not stop
 * exactly there (a wrong guess, an error or Ctrl-C first), it read on as
 * if never split and the second half's records are thrown away unread.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine_int.h"
#include "op.h"
#include "ring.h"
#include "run_int.h"

#define RING_BYTES (8u << 20)
#define MAX_CHAIN 32
/* A classic pcap file at least this large is read by two LFTA threads. */
#define SPLIT_MIN_BYTES (4u << 20)

/* The second half of a split file: its reader, LFTA instance, ring and
 * thread.
 *
 * A query that aggregates (anywhere in its chain) gives the rows of one
 * thread only when the packet times are in order: a packet whose time goes
 * back joins or misses a bucket depending on what the LFTA and the HFTA
 * hold when it comes, and that differs when the file is read in halves (a
 * crafted capture of the corruption sweep showed it).  Such a query's
 * halves are "ordered": the second half never waits for room in its ring
 * (when the ring fills, it stops: overflow), and the first thread, at the
 * split point, waits until the second half is done and commits to the
 * split only if neither half's times went back, the second half began no
 * earlier than the first ended, and nothing overflowed; otherwise it reads
 * on through the second half itself (cap_split_resume) and the second
 * half's records are thrown away.  A selection's rows do not depend on the
 * packet times: its halves are not ordered, and its second half waits for
 * room as any file reader does. */
struct half {
	struct run *r;
	struct cap_source *src;     /* cap_twin of the run's source */
	void *lstate;
	struct eng_ring *ring;
	pthread_t th;
	bool started;
	int src_rc;
	char errbuf[CAP_ERRBUF_SIZE];
	bool ordered;               /* see above */
	bool overflow;              /* ordered: the ring filled before the half was done */
	pthread_mutex_t mu;         /* guards done */
	pthread_cond_t cv;
	bool done;                  /* the half has been read and its LFTA flushed */
	bool commit;                /* ordered: the first thread took the split */
	enum eng_split_undone undone; /* why the first thread read on past the split */
};

struct run {
	struct eng_ctx *e;
	struct eng_ring *ring;
	const struct gs_lfta_module *lm;
	void *lstate;
	struct cap_source **srcs;
	size_t nsrc;
	bool block;              /* file input: wait for room, lose nothing */
	int src_rc;
	char errbuf[CAP_ERRBUF_SIZE];
	size_t cur_src;          /* the source being read (LFTA thread) */
	struct half *half;       /* the second half of a split file, or NULL */
	pthread_mutex_t snap_mu; /* guards snap */
	struct eng_run_stats snap; /* counters the LFTA thread publishes each tick */
	uint64_t start_ns;
};

/* ---- the LFTA side ---------------------------------------------------------- */

static int sink_tuple(void *ctx, const gs_value *vals, uint32_t n)
{
	struct run *r = ctx;
	return eng_ring_put_tuple(r->ring, vals, n, r->lm->out_types, r->block) < 0;
}

static int lfta_sink_heartbeat(void *ctx, uint64_t ts_ns)
{
	struct run *r = ctx;
	return eng_ring_put_mark(r->ring, ENG_REC_HEARTBEAT, ts_ns) < 0;
}

static int on_packet(void *ctx, const struct cap_packet *p)
{
	struct run *r = ctx;
	return r->lm->accept(r->lstate, p);
}

void eng_stats_add_source(struct eng_run_stats *st, struct cap_source *s)
{
	struct cap_stats cs = { 0 };
	s->ops->stats(s, &cs);
	st->packets_seen += cs.packets_seen;
	st->bytes_seen += cs.bytes_seen;
	st->packets_malformed += cs.packets_malformed;
	st->packets_truncated += cs.packets_truncated;
	if (cs.os_valid) {
		st->os_valid = true;
		st->os_received += cs.os_received;
		st->os_dropped += cs.os_dropped;
		st->os_ifdropped += cs.os_ifdropped;
	}
}

/* The counters of the sources and the LFTA, as the LFTA thread sees them. */
static void source_counters(struct run *r, struct eng_run_stats *st, size_t upto)
{
	for (size_t i = 0; i < upto && i < r->nsrc; i++)
		eng_stats_add_source(st, r->srcs[i]);
	const struct gs_lfta_counters *c = r->lstate;
	st->lfta_tuples = c->tuples_out;
	st->lfta_collisions = c->collisions;
	st->lfta_evictions = c->evictions;
	st->lfta_bytes = c->bytes_out;
	st->ring_drops = eng_ring_drops(r->ring);
}

static int on_tick(void *ctx, uint64_t ts_ns)
{
	struct run *r = ctx;
	struct eng_run_stats st = { 0 };
	source_counters(r, &st, r->cur_src + 1);
	pthread_mutex_lock(&r->snap_mu);
	r->snap = st;
	pthread_mutex_unlock(&r->snap_mu);
	return r->lm->heartbeat(r->lstate, ts_ns);
}

/* The second half's LFTA thread: the same, into its own ring, publishing
 * no counters (the first half's are the progress shown). */
static int half_tuple(void *ctx, const gs_value *vals, uint32_t n)
{
	struct half *h = ctx;
	int rc = eng_ring_put_tuple(h->ring, vals, n, h->r->lm->out_types, !h->ordered);
	if (rc == 1)
		h->overflow = true;
	return rc != 0;
}

static int half_heartbeat(void *ctx, uint64_t ts_ns)
{
	struct half *h = ctx;
	int rc = h->ordered ? eng_ring_try_put_mark(h->ring, ENG_REC_HEARTBEAT, ts_ns)
	                    : eng_ring_put_mark(h->ring, ENG_REC_HEARTBEAT, ts_ns);
	if (rc == 1)
		h->overflow = true;
	return rc != 0;
}

static int half_packet(void *ctx, const struct cap_packet *p)
{
	struct half *h = ctx;
	return h->r->lm->accept(h->lstate, p);
}

static int half_tick(void *ctx, uint64_t ts_ns)
{
	struct half *h = ctx;
	return h->r->lm->heartbeat(h->lstate, ts_ns);
}

static void *half_thread(void *arg)
{
	struct half *h = arg;
	h->src_rc = h->src->ops->run(h->src, half_packet, half_tick, h, &h->r->e->cancel, h->errbuf);
	if (!h->overflow)
		h->r->lm->flush(h->lstate);
	/* done before the end mark, which may wait for room that only comes
	 * once the first thread has decided */
	pthread_mutex_lock(&h->mu);
	h->done = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	eng_ring_put_mark(h->ring, ENG_REC_EOS, 0);
	return NULL;
}

/* The first thread at the split point of an ordered query: wait for the
 * second half, then take the split or read on through it.  Returns the
 * source's run() result for that reading on, else 0. */
static int settle_split(struct run *r)
{
	struct half *h = r->half;
	pthread_mutex_lock(&h->mu);
	while (!h->done)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
	if (r->e->cancel)
		return 0;    /* stopped: the first half's rows are the result */
	struct cap_time_order a, b;
	cap_time_order(r->srcs[0], &a);
	cap_time_order(h->src, &b);
	if (h->overflow)
		h->undone = ENG_SPLIT_OVERFLOW;
	else if (a.backwards || b.backwards || (a.any && b.any && b.first_ns < a.last_ns))
		h->undone = ENG_SPLIT_TIME_ORDER;
	else {
		/* the ticks one reader would have given before the second half's
		 * first packet: at the HFTA, buckets of LFTA partials close on
		 * heartbeats only, and a running aggregation (CLOSING_WHEN) gives
		 * its rows at each of them */
		h->commit = true;
		if (b.any)
			cap_tick_to(r->srcs[0], b.first_ns, on_tick, r);
		return 0;
	}
	if (!cap_split_resume(r->srcs[0]))
		return 0;
	return r->srcs[0]->ops->run(r->srcs[0], on_packet, on_tick, r, &r->e->cancel, r->errbuf);
}

static void *lfta_thread(void *arg)
{
	struct run *r = arg;
	r->src_rc = 0;
	for (size_t i = 0; i < r->nsrc && !r->e->cancel; i++) {
		struct cap_source *s = r->srcs[i];
		r->cur_src = i;
		if (s->ops->run(s, on_packet, on_tick, r, &r->e->cancel, r->errbuf) < 0) {
			r->src_rc = -1;
			break;
		}
		if (r->half && r->half->ordered && cap_split_result(s) == CAP_SPLIT_MET &&
		    settle_split(r) < 0) {
			r->src_rc = -1;
			break;
		}
	}
	r->lm->flush(r->lstate);
	eng_ring_put_mark(r->ring, ENG_REC_EOS, 0);
	return NULL;
}

/* ---- the HFTA side ---------------------------------------------------------- */

void *eng_run_state_alloc(size_t bytes)
{
	void *p = malloc(bytes ? bytes : 1);
	if (p)
		memset(p, 0, bytes);
	return p;
}

int eng_run_start_thread(pthread_t *th, void *(*fn)(void *), void *arg, struct sql_error *err)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int terr = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (terr != 0) {
		sql_error_set(err, false, 0, "cannot start the LFTA thread: %s", strerror(terr));
		return -1;
	}
	return 0;
}

/* Tuples the aggregations of the chain refused (group memory cap). */
uint64_t eng_sink_refused(const struct eng_op_sink *s)
{
	uint64_t n = 0;
	for (size_t i = 0; i < s->nops; i++)
		if (s->ops[i]->vt->name[0] == 'a')
			n += eng_op_aggregate_refused(s->ops[i]);
	return n;
}

static int sink_accept(struct eng_op *op, const gs_value *vals, uint32_t n)
{
	struct eng_op_sink *s = (struct eng_op_sink *)op;
	op->tuples_in++;
	if (s->out->row(s->out->ctx, vals, n) != 0) {
		s->stopped = true;
		return 1;
	}
	op->tuples_out++;
	s->rows_in_bucket++;
	return 0;
}

/* Counters so far, for progress displays. */
static void snapshot(struct eng_op_sink *s, struct eng_run_stats *st)
{
	pthread_mutex_lock(&s->run->snap_mu);
	*st = s->run->snap;
	pthread_mutex_unlock(&s->run->snap_mu);
	st->rows_out = s->op.tuples_out;
	st->elapsed_ns = eng_now_ns() - s->run->start_ns;
	st->groups_open = s->agg ? eng_op_aggregate_groups(s->agg) : 0;
	st->groups_refused = eng_sink_refused(s);
}

static int end_bucket(struct eng_op_sink *s)
{
	if (!s->aggregation || !s->rows_in_bucket || !s->out->bucket)
		return 0;
	s->rows_in_bucket = 0;
	return s->out->bucket(s->out->ctx);
}

/* Heartbeats reach the output after every operator has acted on them: an
 * aggregation has pushed the rows of the buckets it closed. */
static int sink_heartbeat(struct eng_op *op, uint64_t ts_ns)
{
	struct eng_op_sink *s = (struct eng_op_sink *)op;
	(void)ts_ns;
	if (end_bucket(s)) {
		s->stopped = true;
		return 1;
	}
	uint64_t now = eng_now_ns();
	if (s->out->progress && s->run && now - s->last_progress >= 1000000000u) {
		struct eng_run_stats st;
		snapshot(s, &st);
		s->out->progress(s->out->ctx, &st);
		s->last_progress = now;
	}
	return 0;
}

static int sink_flush(struct eng_op *op)
{
	struct eng_op_sink *s = (struct eng_op_sink *)op;
	if (end_bucket(s))
		s->stopped = true;
	return 0;
}

static void sink_destroy(struct eng_op *op)
{
	(void)op;
}

const struct eng_op_vt eng_sink_vt = {
	.name = "output",
	.accept = sink_accept,
	.heartbeat = sink_heartbeat,
	.flush = sink_flush,
	.destroy = sink_destroy,
};

gs_value *eng_run_bind_params(struct eng_ctx *e, const struct eng_plan *p, struct sql_arena *a,
                              struct sql_error *err)
{
	const struct sql_analyzed *an = p->an;
	gs_value *v = sql_arena_alloc(a, (an->nparams + 1) * sizeof *v);
	if (!v) {
		sql_error_set(err, false, 0, "out of memory");
		return NULL;
	}
	for (uint32_t i = 0; i < an->nparams; i++) {
		const struct eng_param *q = e->params;
		while (q && strcmp(q->name, an->params[i].name) != 0)
			q = q->next;
		if (!q) {
			sql_error_set(err, true, an->params[i].pos, "parameter $%s has no value",
			              an->params[i].name);
			snprintf(err->hint, sizeof err->hint, "set it first: \\set %s VALUE",
			         an->params[i].name);
			return NULL;
		}
		char msg[200];
		if (sql_parse_value(q->value, an->params[i].type, a, &v[i], msg, sizeof msg) < 0) {
			sql_error_set(err, true, an->params[i].pos, "parameter $%s: %s", an->params[i].name, msg);
			return NULL;
		}
	}
	return v;
}

int eng_run_build_ops(struct eng_ctx *e, struct eng_plan **chain, size_t n,
                      struct eng_module *mods, struct sql_arena *a, struct eng_op **ops,
                      const char **names, size_t *nops, struct eng_op_sink *sink,
                      struct sql_error *err)
{
	char eb[512];
	for (size_t i = n; i-- > 0;) {
		if (!chain[i]->has_hfta)
			continue;
		gs_value *pv = eng_run_bind_params(e, chain[i], a, err);
		if (!pv)
			return -1;
		struct eng_op *op = chain[i]->is_agg ? eng_op_aggregate_new(mods[i].agg, pv, eb)
		                                     : eng_op_select_new(mods[i].hfta, pv, eb);
		if (!op) {
			sql_error_set(err, false, 0, "%s", eb);
			return -1;
		}
		names[*nops] = chain[i]->name;
		ops[(*nops)++] = op;
		if (chain[i]->is_agg) {
			sink->agg = op;
			eng_op_aggregate_set_cap(op, e->cfg.group_memory ? e->cfg.group_memory
			                                                 : ENG_GROUP_MEMORY_DEFAULT,
			                         chain[i]->name, sink->out->notice, sink->out->ctx);
		}
	}
	sink->ops = ops;
	sink->nops = *nops;
	ops[*nops] = &sink->op;
	for (size_t i = 0; i < *nops; i++)
		ops[i]->next = ops[i + 1];
	return 0;
}

static void announce(const struct eng_plan *p, const struct eng_output *out, bool live)
{
	if (!out->info)
		return;
	struct eng_result_info ri = { .aggregation = p->is_agg, .bucket_col = -1,
	                              .first_agg_col = -1, .live = live };
	for (uint32_t i = 0; p->is_agg && i < p->ncols; i++) {
		const struct sql_bexpr *x = p->an->cols[i].expr;
		if (ri.bucket_col < 0 && x->kind == SQL_BX_GBVAR && x->col == p->an->temporal_gb)
			ri.bucket_col = (int)i;
		if (ri.first_agg_col < 0 && x->kind == SQL_BX_AGGREF)
			ri.first_agg_col = (int)i;
	}
	out->info(out->ctx, &ri);
}

void eng_stats_lfta_row(struct eng_stats_row *row, const char *query,
                        const struct gs_lfta_counters *c, uint64_t dropped)
{
	snprintf(row->query, sizeof row->query, "%s", query);
	row->part = "LFTA";
	row->packets_in = c->packets_in;
	row->tuples_out = c->tuples_out;
	row->bytes_out = c->bytes_out;
	row->collisions = c->collisions;
	row->evictions = c->evictions;
	row->dropped = dropped;
}

void eng_stats_op_row(struct eng_stats_row *row, const char *query, const struct eng_op *op)
{
	bool agg = op->vt->name[0] == 'a';
	snprintf(row->query, sizeof row->query, "%s", query);
	row->part = agg ? "HFTA aggregate" : "HFTA select";
	row->tuples_in = op->tuples_in;
	row->tuples_out = op->tuples_out;
	if (agg) {
		row->groups_open = eng_op_aggregate_groups(op);
		row->dropped = eng_op_aggregate_refused(op);
	}
}

/* Remember the counters of each part of the run, for gs_stats. */
static void record_stats(struct eng_ctx *e, const struct eng_plan *root,
                         const struct gs_lfta_counters *c, struct eng_op *const *ops,
                         const char *const *names, size_t nops, const struct eng_run_stats *st)
{
	struct eng_stats_row *rows = calloc(nops + 1, sizeof *rows);
	if (!rows)
		return;
	size_t n = 0;
	if (c)
		eng_stats_lfta_row(&rows[n++], root->name, c, st->ring_drops);
	for (size_t i = 0; i < nops; i++)
		eng_stats_op_row(&rows[n++], names[i], ops[i]);
	e->last = *st;
	e->have_last = true;
	free(e->stats);
	e->stats = rows;
	e->nstats = n;
}

bool eng_last_stats(const struct eng_ctx *e, struct eng_run_stats *st)
{
	if (!e->have_last)
		return false;
	*st = e->last;
	return true;
}

/* A query over gs_stats: the rows come from the engine, not from packets. */
static int run_table(struct eng_ctx *e, struct eng_plan **chain, size_t nchain,
                     const struct eng_output *out, struct sql_error *err)
{
	struct sql_arena *a = sql_arena_new();
	struct eng_module mods[MAX_CHAIN];
	struct eng_op *ops[MAX_CHAIN + 1];
	const char *names[MAX_CHAIN + 1];
	size_t nops = 0;
	struct run r = { .e = e };
	struct eng_op_sink sink = { .op = { .vt = &eng_sink_vt }, .out = out, .run = &r,
	                        .aggregation = chain[0]->is_agg };
	struct eng_run_stats st = { 0 };
	int rc = -1;
	char eb[512];
	memset(mods, 0, sizeof mods);
	if (!a) {
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	pthread_mutex_init(&r.snap_mu, NULL);
	for (size_t i = nchain - 1; i-- > 0;)
		if (eng_module_get(&e->mcfg, chain[i], &mods[i], eb) < 0) {
			sql_error_set(err, false, 0, "%s", eb);
			goto out;
		}
	if (eng_run_build_ops(e, chain, nchain - 1, mods, a, ops, names, &nops, &sink, err) < 0)
		goto out;
	announce(chain[0], out, false);
	rc = 0;
	if (out->begin && out->begin(out->ctx, chain[0]->cols, chain[0]->ncols) != 0)
		goto out;
	r.start_ns = eng_now_ns();
	struct eng_op *head = ops[0];
	for (size_t i = 0; i < e->nstats; i++) {
		const struct eng_stats_row *w = &e->stats[i];
		gs_value v[ENG_STATS_COLS];
		memset(v, 0, sizeof v);
		v[0].s.p = (const uint8_t *)w->query;
		v[0].s.len = (uint32_t)strlen(w->query);
		v[1].s.p = (const uint8_t *)w->part;
		v[1].s.len = (uint32_t)strlen(w->part);
		v[2].u = w->packets_in;
		v[3].u = w->tuples_in;
		v[4].u = w->tuples_out;
		v[5].u = w->bytes_out;
		v[6].u = w->collisions;
		v[7].u = w->evictions;
		v[8].u = w->groups_open;
		v[9].u = w->dropped;
		if (head->vt->accept(head, v, ENG_STATS_COLS))
			break;
	}
	head->vt->flush(head);
	st.rows_out = sink.op.tuples_out;
	st.elapsed_ns = eng_now_ns() - r.start_ns;
	if (out->end)
		out->end(out->ctx, &st);
out:
	for (size_t i = 0; i < nops; i++)
		ops[i]->vt->destroy(ops[i]);
	for (size_t i = 0; i < nchain; i++)
		eng_module_release(&mods[i]);
	sql_arena_free(a);
	pthread_mutex_destroy(&r.snap_mu);
	return rc;
}

/* Whether to split: one classic pcap file (mapped) of SPLIT_MIN_BYTES or
 * more, two CPUs or more; GIGSH_LFTA_THREADS=1 never splits, =2 splits
 * any file that can be (for tests on small captures).  Reading is most of
 * the work of a simple query over a large file, and one core's reading
 * waits on memory; two readers of two halves use both cores.  On success
 * r->half has its twin source, split at a guessed boundary; its LFTA
 * instance and ring are the caller's to make.  ordered: the query
 * aggregates (see struct half). */
static void split_plan(struct run *r, struct sql_arena *a, bool ordered)
{
	const char *env = getenv("GIGSH_LFTA_THREADS");
	bool force = env && strcmp(env, "2") == 0;
	if (!r->block || r->nsrc != 1 || (env && strcmp(env, "1") == 0))
		return;
	if (!force && (sysconf(_SC_NPROCESSORS_ONLN) < 2 || cap_file_bytes(r->srcs[0]) < SPLIT_MIN_BYTES))
		return;
	char cerr[CAP_ERRBUF_SIZE];
	struct half *h = sql_arena_alloc(a, sizeof *h);
	if (!h)
		return;
	memset(h, 0, sizeof *h);
	h->r = r;
	h->ordered = ordered;
	if (!(h->src = cap_twin(r->srcs[0], cerr)))
		return;
	if (!cap_split(r->srcs[0], h->src)) {
		cap_close(h->src);
		return;
	}
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	r->half = h;
}

/* Add the counters of source s and LFTA state lstate to st and lc. */
static void add_counters(struct eng_run_stats *st, struct gs_lfta_counters *lc,
                         struct cap_source *s, const void *lstate)
{
	eng_stats_add_source(st, s);
	const struct gs_lfta_counters *c = lstate;
	lc->packets_in += c->packets_in;
	lc->tuples_out += c->tuples_out;
	lc->bytes_out += c->bytes_out;
	lc->collisions += c->collisions;
	lc->evictions += c->evictions;
	st->lfta_tuples = lc->tuples_out;
	st->lfta_collisions = lc->collisions;
	st->lfta_evictions = lc->evictions;
	st->lfta_bytes = lc->bytes_out;
}

int eng_run(struct eng_ctx *e, struct eng_plan *p, const struct eng_output *out,
            struct sql_error *err)
{
	struct eng_plan *chain[MAX_CHAIN];
	size_t nchain = 0;
	for (struct eng_plan *q = p; q; q = q->upstream ? q->upstream->plan : NULL) {
		if (nchain == MAX_CHAIN) {
			sql_error_set(err, false, 0, "streams nested more than %d deep", MAX_CHAIN);
			return -1;
		}
		chain[nchain++] = q;
	}
	struct eng_plan *root = chain[nchain - 1];
	if (root->builtin)
		return run_table(e, chain, nchain, out, err);
	if (e->nsources == 0) {
		sql_error_set(err, false, 0, "no packet source: start gigsh with -r FILE or -i INTERFACE");
		return -1;
	}

	struct sql_arena *a = sql_arena_new();
	struct eng_module mods[MAX_CHAIN];
	struct eng_op *ops[MAX_CHAIN + 1];
	const char *names[MAX_CHAIN + 1];
	size_t nops = 0;
	memset(mods, 0, sizeof mods);
	struct run r = { .e = e };
	struct eng_run_stats st = { 0 };
	struct eng_op_sink sink = { .op = { .vt = &eng_sink_vt }, .out = out, .run = &r,
	                        .aggregation = p->is_agg };
	char eb[512];
	int rc = -1;
	pthread_t th;
	bool started = false;
	if (!a) {
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	pthread_mutex_init(&r.snap_mu, NULL);
	e->cancel = 0;

	/* sources */
	r.srcs = sql_arena_alloc(a, e->nsources * sizeof *r.srcs);
	if (!r.srcs) {
		sql_error_set(err, false, 0, "out of memory");
		goto out;
	}
	bool live;
	if (eng_sources_acquire(e, root, r.srcs, &r.nsrc, &live, err) < 0)
		goto out;
	r.block = !live;
	bool aggregates = false;
	for (size_t i = 0; i < nchain; i++)
		aggregates |= chain[i]->is_agg || chain[i]->lfta_agg;
	split_plan(&r, a, aggregates);

	/* modules, root first */
	uint64_t t0 = eng_now_ns();
	st.module_cached = true;
	for (size_t i = nchain; i-- > 0;) {
		if (eng_module_get(&e->mcfg, chain[i], &mods[i], eb) < 0) {
			sql_error_set(err, false, 0, "%s", eb);
			goto out;
		}
		if (!mods[i].cached)
			st.module_cached = false;
	}
	st.compile_ns = eng_now_ns() - t0;

	/* HFTA chain: root's select or aggregation (if any), then one per
	 * downstream query */
	if (eng_run_build_ops(e, chain, nchain, mods, a, ops, names, &nops, &sink, err) < 0)
		goto out;

	/* LFTA instance */
	r.lm = mods[nchain - 1].lfta;
	gs_value *lparams = eng_run_bind_params(e, root, a, err);
	if (!lparams)
		goto out;
	r.lstate = eng_run_state_alloc(r.lm->state_size);
	r.ring = eng_ring_new(RING_BYTES);
	struct half *h = r.half;
	if (h) {
		h->lstate = eng_run_state_alloc(r.lm->state_size);
		h->ring = eng_ring_new(RING_BYTES);
	}
	if (!r.lstate || !r.ring || (h && (!h->lstate || !h->ring))) {
		sql_error_set(err, false, 0, "out of memory");
		goto out;
	}
	struct gs_lfta_sink lsink = { .ctx = &r, .tuple = sink_tuple, .heartbeat = lfta_sink_heartbeat };
	struct gs_lfta_sink hsink = { .ctx = h, .tuple = half_tuple, .heartbeat = half_heartbeat };
	if (r.lm->init(r.lstate, lparams, &lsink) != 0 ||
	    (h && r.lm->init(h->lstate, lparams, &hsink) != 0)) {
		sql_error_set(err, false, 0, "the LFTA of %s could not start", r.lm->query_name);
		goto out;
	}

	announce(p, out, !r.block);
	if (out->begin && out->begin(out->ctx, p->cols, p->ncols) != 0) {
		rc = 0;
		goto out;
	}
	uint64_t start = eng_now_ns();
	r.start_ns = start;
	if (eng_run_start_thread(&th, lfta_thread, &r, err) < 0)
		goto out;
	started = true;
	if (h) {
		if (eng_run_start_thread(&h->th, half_thread, h, err) < 0)
			goto out;
		h->started = true;
	}

	/* The first half's records to their end, then (split) the second's. */
	struct eng_op *head = ops[0];
	const uint8_t *types = r.lm->out_types;
	struct eng_ring *ring = r.ring;
	bool second = false;    /* reading the second half's ring */
	bool forced = false;    /* e->cancel set here to stop a half thrown away */
	for (;;) {
		struct eng_rec rec;
		eng_ring_get(ring, &rec);
		int stop = 0;
		if (rec.kind == ENG_REC_TUPLE) {
			eng_ring_fix_strings(&rec, types);
			stop = head->vt->accept(head, rec.vals, rec.n);
		} else if (rec.kind == ENG_REC_HEARTBEAT) {
			stop = head->vt->heartbeat(head, rec.ts_ns);
		} else {
			eng_ring_release(ring);
			if (h && !second) {
				pthread_join(th, NULL);
				started = false;
				if (cap_split_result(r.srcs[0]) == CAP_SPLIT_MET && r.src_rc == 0 &&
				    (!h->ordered || h->commit)) {
					ring = h->ring;
					second = true;
					continue;
				}
				/* the first half read on past the guess, or stopped
				 * before it: the second half's records are not wanted */
				forced = !e->cancel;
				e->cancel = 1;
				eng_ring_close(h->ring);
			}
			head->vt->flush(head);
			break;
		}
		eng_ring_release(ring);
		if (stop) {
			eng_ring_close(r.ring);
			if (h)
				eng_ring_close(h->ring);
			e->cancel = 1;
			break;
		}
	}
	if (started)
		pthread_join(th, NULL);
	started = false;
	if (h && h->started) {
		pthread_join(h->th, NULL);
		h->started = false;
	}
	st.elapsed_ns = eng_now_ns() - start;
	const char *emsg = r.src_rc < 0 ? r.errbuf : second && h->src_rc < 0 ? h->errbuf : NULL;
	if (emsg)
		sql_error_set(err, false, 0, "%s", emsg);
	rc = emsg ? -1 : 0;

	source_counters(&r, &st, r.nsrc);
	struct gs_lfta_counters lc = *(const struct gs_lfta_counters *)r.lstate;
	if (second)
		add_counters(&st, &lc, h->src, h->lstate);
	st.lfta_threads = second ? 2 : 1;
	if (h && cap_split_result(r.srcs[0]) == CAP_SPLIT_MISSED)
		st.split_undone = ENG_SPLIT_NO_RECORD;
	else if (h && cap_split_result(r.srcs[0]) == CAP_SPLIT_RESUMED)
		st.split_undone = h->undone;
	st.rows_out = sink.op.tuples_out;
	st.cancelled = e->cancel && !forced && !sink.stopped;
	st.groups_open = sink.agg ? eng_op_aggregate_groups(sink.agg) : 0;
	st.groups_refused = eng_sink_refused(&sink);
	record_stats(e, root, &lc, ops, names, nops, &st);
	if (out->end)
		out->end(out->ctx, &st);
out:
	if (started) {
		eng_ring_close(r.ring);
		e->cancel = 1;
		pthread_join(th, NULL);
	}
	if (r.half && r.half->started) {
		eng_ring_close(r.half->ring);
		e->cancel = 1;
		pthread_join(r.half->th, NULL);
	}
	if (r.half) {
		free(r.half->lstate);
		eng_ring_free(r.half->ring);
		cap_close(r.half->src);
		pthread_mutex_destroy(&r.half->mu);
		pthread_cond_destroy(&r.half->cv);
	}
	for (size_t i = 0; i < nops; i++)
		ops[i]->vt->destroy(ops[i]);
	eng_sources_release(e, r.srcs, r.nsrc);
	free(r.lstate);
	eng_ring_free(r.ring);
	for (size_t i = 0; i < nchain; i++)
		eng_module_release(&mods[i]);
	sql_arena_free(a);
	pthread_mutex_destroy(&r.snap_mu);
	e->cancel = 0;
	return rc;
}
