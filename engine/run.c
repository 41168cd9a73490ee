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
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_int.h"
#include "op.h"
#include "ring.h"

#define RING_BYTES (8u << 20)
#define MAX_CHAIN 32

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
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the LFTA side ---------------------------------------------------------- */

static int sink_tuple(void *ctx, const gs_value *vals, uint32_t n)
{
	struct run *r = ctx;
	return eng_ring_put_tuple(r->ring, vals, n, r->lm->out_types, r->block) < 0;
}

static int sink_heartbeat(void *ctx, uint64_t ts_ns)
{
	struct run *r = ctx;
	return eng_ring_put_mark(r->ring, ENG_REC_HEARTBEAT, ts_ns) < 0;
}

static int on_packet(void *ctx, const struct cap_packet *p)
{
	struct run *r = ctx;
	return r->lm->accept(r->lstate, p);
}

static int on_tick(void *ctx, uint64_t ts_ns)
{
	struct run *r = ctx;
	return r->lm->heartbeat(r->lstate, ts_ns);
}

static void *lfta_thread(void *arg)
{
	struct run *r = arg;
	r->src_rc = 0;
	for (size_t i = 0; i < r->nsrc && !r->e->cancel; i++) {
		struct cap_source *s = r->srcs[i];
		if (s->ops->run(s, on_packet, on_tick, r, &r->e->cancel, r->errbuf) < 0) {
			r->src_rc = -1;
			break;
		}
	}
	r->lm->flush(r->lstate);
	eng_ring_put_mark(r->ring, ENG_REC_EOS, 0);
	return NULL;
}

/* ---- the HFTA side ---------------------------------------------------------- */

struct op_sink {
	struct eng_op op;
	const struct eng_output *out;
	bool stopped;
};

static int sink_accept(struct eng_op *op, const gs_value *vals, uint32_t n)
{
	struct op_sink *s = (struct op_sink *)op;
	op->tuples_in++;
	if (s->out->row(s->out->ctx, vals, n) != 0) {
		s->stopped = true;
		return 1;
	}
	op->tuples_out++;
	return 0;
}

static int sink_noop(struct eng_op *op, uint64_t ts_ns)
{
	(void)op;
	(void)ts_ns;
	return 0;
}

static int sink_flush(struct eng_op *op)
{
	(void)op;
	return 0;
}

static void sink_destroy(struct eng_op *op)
{
	(void)op;
}

static const struct eng_op_vt sink_vt = {
	.name = "output",
	.accept = sink_accept,
	.heartbeat = sink_noop,
	.flush = sink_flush,
	.destroy = sink_destroy,
};

/* Values for the parameters a plan declares, from \set. */
static gs_value *bind_params(struct eng_ctx *e, const struct eng_plan *p, struct sql_arena *a,
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

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
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
	if (e->nsources == 0) {
		sql_error_set(err, false, 0, "no packet source: start gigsh with -r FILE or -i INTERFACE");
		return -1;
	}

	struct sql_arena *a = sql_arena_new();
	struct eng_module mods[MAX_CHAIN];
	struct eng_op *ops[MAX_CHAIN + 1];
	size_t nops = 0;
	memset(mods, 0, sizeof mods);
	struct run r = { .e = e };
	struct eng_run_stats st = { 0 };
	struct op_sink sink = { .op = { .vt = &sink_vt }, .out = out };
	char eb[512];
	int rc = -1;
	pthread_t th;
	bool started = false;
	if (!a) {
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	e->cancel = 0;

	/* sources */
	r.srcs = sql_arena_alloc(a, e->nsources * sizeof *r.srcs);
	if (!r.srcs) {
		sql_error_set(err, false, 0, "out of memory");
		goto out;
	}
	r.block = true;
	for (size_t i = 0; i < e->nsources; i++) {
		const struct eng_source_spec *sp = &e->sources[i];
		const char *name = sp->kind == ENG_SRC_FILE ? base_name(sp->arg) : sp->arg;
		if (root->iface && strcmp(root->iface, name) != 0)
			continue;
		char cerr[CAP_ERRBUF_SIZE] = "";
		struct cap_source *s = sp->kind == ENG_SRC_FILE ? cap_open_file(sp->arg, cerr)
		                                                : cap_open_live(sp->arg, NULL, cerr);
		if (!s) {
			sql_error_set(err, false, 0, "%s", cerr[0] ? cerr : "cannot open the packet source");
			goto out;
		}
		if (sp->kind == ENG_SRC_LIVE)
			r.block = false;
		r.srcs[r.nsrc++] = s;
	}
	if (r.nsrc == 0) {
		sql_error_set(err, true, root->an->q->from[0].pos, "no packet source is called \"%s\"",
		              root->iface);
		char list[200] = "";
		size_t n = 0;
		for (size_t i = 0; i < e->nsources && n < sizeof list; i++)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
			                      e->sources[i].kind == ENG_SRC_FILE ? base_name(e->sources[i].arg)
			                                                         : e->sources[i].arg);
		snprintf(err->hint, sizeof err->hint, "the sources are: %s", list);
		goto out;
	}

	/* modules, root first */
	uint64_t t0 = now_ns();
	st.module_cached = true;
	for (size_t i = nchain; i-- > 0;) {
		if (eng_module_get(&e->mcfg, chain[i], &mods[i], eb) < 0) {
			sql_error_set(err, false, 0, "%s", eb);
			goto out;
		}
		if (!mods[i].cached)
			st.module_cached = false;
	}
	st.compile_ns = now_ns() - t0;

	/* HFTA chain: root's select (if split), then one per downstream query */
	for (size_t i = nchain; i-- > 0;) {
		if (!chain[i]->has_hfta)
			continue;
		gs_value *pv = bind_params(e, chain[i], a, err);
		if (!pv)
			goto out;
		struct eng_op *op = eng_op_select_new(mods[i].hfta, pv, eb);
		if (!op) {
			sql_error_set(err, false, 0, "%s", eb);
			goto out;
		}
		ops[nops++] = op;
	}
	ops[nops] = &sink.op;
	for (size_t i = 0; i < nops; i++)
		ops[i]->next = ops[i + 1];

	/* LFTA instance */
	r.lm = mods[nchain - 1].lfta;
	gs_value *lparams = bind_params(e, root, a, err);
	if (!lparams)
		goto out;
	r.lstate = calloc(1, r.lm->state_size);
	r.ring = eng_ring_new(RING_BYTES);
	if (!r.lstate || !r.ring) {
		sql_error_set(err, false, 0, "out of memory");
		goto out;
	}
	struct gs_lfta_sink lsink = { .ctx = &r, .tuple = sink_tuple, .heartbeat = sink_heartbeat };
	if (r.lm->init(r.lstate, lparams, &lsink) != 0) {
		sql_error_set(err, false, 0, "the LFTA of %s could not start", r.lm->query_name);
		goto out;
	}

	if (out->begin && out->begin(out->ctx, p->cols, p->ncols) != 0) {
		rc = 0;
		goto out;
	}
	uint64_t start = now_ns();
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int terr = pthread_create(&th, NULL, lfta_thread, &r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (terr != 0) {
		sql_error_set(err, false, 0, "cannot start the LFTA thread: %s", strerror(terr));
		goto out;
	}
	started = true;

	struct eng_op *head = ops[0];
	const uint8_t *types = r.lm->out_types;
	for (;;) {
		struct eng_rec rec;
		eng_ring_get(r.ring, &rec);
		int stop = 0;
		if (rec.kind == ENG_REC_TUPLE) {
			eng_ring_fix_strings(&rec, types);
			stop = head->vt->accept(head, rec.vals, rec.n);
		} else if (rec.kind == ENG_REC_HEARTBEAT) {
			stop = head->vt->heartbeat(head, rec.ts_ns);
		} else {
			head->vt->flush(head);
			eng_ring_release(r.ring);
			break;
		}
		eng_ring_release(r.ring);
		if (stop) {
			eng_ring_close(r.ring);
			e->cancel = 1;
			break;
		}
	}
	pthread_join(th, NULL);
	started = false;
	st.elapsed_ns = now_ns() - start;
	if (r.src_rc < 0)
		sql_error_set(err, false, 0, "%s", r.errbuf);
	rc = r.src_rc < 0 ? -1 : 0;

	st.rows_out = sink.op.tuples_out;
	st.cancelled = e->cancel && !sink.stopped;
	st.ring_drops = eng_ring_drops(r.ring);
	st.lfta_tuples = ((const struct gs_lfta_counters *)r.lstate)->tuples_out;
	for (size_t i = 0; i < r.nsrc; i++) {
		struct cap_stats cs = { 0 };
		r.srcs[i]->ops->stats(r.srcs[i], &cs);
		st.packets_seen += cs.packets_seen;
		st.packets_malformed += cs.packets_malformed;
		if (cs.os_valid) {
			st.os_valid = true;
			st.os_received += cs.os_received;
			st.os_dropped += cs.os_dropped;
			st.os_ifdropped += cs.os_ifdropped;
		}
	}
	if (out->end)
		out->end(out->ctx, &st);
out:
	if (started) {
		eng_ring_close(r.ring);
		e->cancel = 1;
		pthread_join(th, NULL);
	}
	for (size_t i = 0; i < nops; i++)
		ops[i]->vt->destroy(ops[i]);
	for (size_t i = 0; i < r.nsrc; i++)
		cap_close(r.srcs[i]);
	free(r.lstate);
	eng_ring_free(r.ring);
	for (size_t i = 0; i < nchain; i++)
		eng_module_release(&mods[i]);
	sql_arena_free(a);
	e->cancel = 0;
	return rc;
}
