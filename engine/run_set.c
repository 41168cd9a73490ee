/*
 * run_set.c: runs several named queries together over one pass of the
 * packet sources (\run NAME...), and explains such a set.
 *
 * One LFTA thread reads the sources once; every packet is decoded once
 * (by the source) and then tested against the set's prefilter: the
 * protocol memberships (FROM TCP, FROM IPV4, ...) and the simple
 * conjuncts (a packet field compared with a constant, e.g. destPort = 443)
 * of every query's LFTA WHERE clause, deduplicated across the set and
 * evaluated at most once per packet into a bit vector, when a query first
 * needs the bit (protocols first, so a packet that is not TCP never has
 * its TCP port compared).  A query's LFTA module is
 * called only for packets that have all of its bits; the module still runs
 * its whole WHERE clause, so a bit is only a necessary condition and the
 * results are those of the query run alone.
 *
 * The bits are evaluated here, on the host, through the packet schema's
 * membership tests and field getters (the same inline accessors the
 * modules are compiled from), rather than in a generated combined
 * function: a set is any combination of already-built modules, so it
 * starts without compiling anything, and a handful of bits costs a few
 * nanoseconds a packet next to the LFTA calls they save.
 *
 * Queries over the same root stream (a query and another over its named
 * stream) share one instance of that stream's LFTA.
 *
 * The queries' LFTAs share one bounded ring; each record carries the index
 * of its query (a tag), and the HFTA thread (the caller) hands it to that
 * query's chain of operators and output.  Heartbeats are tagged too, so
 * every aggregation of the set closes its buckets as it would alone.
 * Ctrl-C (eng_cancel) or the end of input ends the pass: every LFTA
 * flushes, and every chain prints what it still holds.  When one output
 * asks to stop (its destination failed), the sources are stopped and the
 * other queries still get every row already produced.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../capture/accessors.h"
#include "engine_int.h"
#include "op.h"
#include "ring.h"
#include "run_int.h"

#define SET_RING_BYTES (16u << 20)
/* LFTA threads of a set over capture files (see plan_workers) */
#define SET_WORKERS 2
#define MAX_CHAIN 32
#define PF_MAX 64

/* ---- the prefilter -------------------------------------------------------- */

/* The integer field accessors of the schema, called inline (a switch over
 * the rows of schema.def) rather than through the catalog's function
 * pointers: they run for comparison bits of every packet. */
enum {
#define FIELD(proto, name, type, temporal, accessor, doc) PF_F_##accessor,
#include "../capture/schema.def"
	PF_NFIELDS
};

#define PF_READ_BOOL(acc) { uint32_t x; if (!cap_acc_##acc(p, &x)) return 0; v->u = x; return 1; }
#define PF_READ_UINT(acc) PF_READ_BOOL(acc)
#define PF_READ_IP(acc) PF_READ_BOOL(acc)
#define PF_READ_INT(acc) { int32_t x; if (!cap_acc_##acc(p, &x)) return 0; v->i = x; return 1; }
#define PF_READ_ULLONG(acc) { uint64_t x; if (!cap_acc_##acc(p, &x)) return 0; v->u = x; return 1; }
#define PF_READ_LLONG(acc) { int64_t x; if (!cap_acc_##acc(p, &x)) return 0; v->i = x; return 1; }
#define PF_READ_FLOAT(acc) return 0;
#define PF_READ_IPV6(acc) return 0;
#define PF_READ_STRING(acc) return 0;

/* Field f of p when it is an integer (as the host getters store it): 1, or
 * 0 when the packet lacks it. */
static inline int pf_read(int f, const struct cap_packet *p, gs_value *v)
{
	switch (f) {
#define FIELD(proto, name, type, temporal, accessor, doc) case PF_F_##accessor: PF_READ_##type(accessor)
#include "../capture/schema.def"
	default: return 0;
	}
}


enum pf_kind { PF_PROTO, PF_CMP };

/* One bit of the prefilter. */
struct pf_bit {
	enum pf_kind kind;
	int proto;                          /* PF_PROTO: enum cap_proto */
	int field;                          /* PF_CMP: field index, compared by op with val */
	enum gs_type type;
	int op;
	gs_value val;
	const struct sql_bexpr *expr;       /* the conjunct, for \explain */
};

struct prefilter {
	struct pf_bit bit[PF_MAX];
	uint32_t n;
	uint64_t proto_bits;                /* the bits that are protocols */
	uint64_t by_members[1u << CAP_NPROTOS]; /* a packet's protocols -> its protocol bits */
};

/* The protocols of p among `want` (1 << CAP_P_* each), tested straight
 * through, not through a switch per bit: every packet needs them. */
static inline uint32_t pf_members(const struct cap_packet *p, uint32_t want)
{
	uint32_t m = 0;
#define PROTO(id, name, member, doc) \
	if (want & (1u << CAP_P_##id)) \
		m |= (uint32_t)(cap_is_##member(p) != 0) << CAP_P_##id;
#include "../capture/schema.def"
	return m;
}

static bool cmp_type_ok(enum gs_type t)
{
	return t == GS_BOOL || t == GS_UINT || t == GS_INT || t == GS_ULLONG || t == GS_LLONG ||
	       t == GS_IP;
}

static int flip(int op)
{
	switch (op) {
	case SQL_OP_LT: return SQL_OP_GT;
	case SQL_OP_GT: return SQL_OP_LT;
	case SQL_OP_LE: return SQL_OP_GE;
	case SQL_OP_GE: return SQL_OP_LE;
	default: return op;
	}
}

/* Is conjunct c "field OP constant" (either way round) over an integer
 * type?  Then *b describes it. */
static bool simple_cmp(const struct sql_bexpr *c, struct pf_bit *b)
{
	if (c->kind != SQL_BX_BINARY || c->nargs != 2)
		return false;
	int op = c->op;
	if (op != SQL_OP_EQ && op != SQL_OP_NE && op != SQL_OP_LT && op != SQL_OP_GT &&
	    op != SQL_OP_LE && op != SQL_OP_GE)
		return false;
	const struct sql_bexpr *f = c->args[0], *k = c->args[1];
	if (f->kind == SQL_BX_CONST && k->kind == SQL_BX_FIELD) {
		f = c->args[1];
		k = c->args[0];
		op = flip(op);
	}
	if (f->kind != SQL_BX_FIELD || k->kind != SQL_BX_CONST || f->type != k->type ||
	    !cmp_type_ok(f->type) || f->field < 0)
		return false;
	const struct cap_field *cf = cap_field_at((size_t)f->field);
	if (!cf || cf->type != f->type || (size_t)f->field >= PF_NFIELDS)
		return false;
	memset(b, 0, sizeof *b);
	b->kind = PF_CMP;
	b->field = f->field;
	b->type = f->type;
	b->op = op;
	b->val = k->val;
	b->expr = c;
	return true;
}

static bool same_bit(const struct pf_bit *a, const struct pf_bit *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == PF_PROTO)
		return a->proto == b->proto;
	return a->field == b->field && a->op == b->op && a->type == b->type &&
	       (a->type == GS_INT || a->type == GS_LLONG ? a->val.i == b->val.i : a->val.u == b->val.u);
}

/* The index of bit b in pf, added when new; -1 when pf is full. */
static int pf_add(struct prefilter *pf, const struct pf_bit *b)
{
	for (uint32_t i = 0; i < pf->n; i++)
		if (same_bit(&pf->bit[i], b))
			return (int)i;
	if (pf->n == PF_MAX)
		return -1;
	pf->bit[pf->n] = *b;
	return (int)pf->n++;
}

/* The bits root's LFTA needs: its protocol, then its simple conjuncts.
 * Protocol bits of all the roots come first (pass 0), then comparisons
 * (pass 1), so the listing reads in that order. */
static void pf_collect(struct prefilter *pf, const struct eng_plan *root, int pass, uint64_t *need)
{
	if (pass == 0) {
		struct pf_bit b = { .kind = PF_PROTO, .proto = root->proto };
		int i = pf_add(pf, &b);
		if (i >= 0)
			*need |= 1ull << i;
		return;
	}
	for (uint32_t j = 0; j < root->nlpred; j++) {
		struct pf_bit b;
		if (!simple_cmp(root->lpred[j], &b))
			continue;
		int i = pf_add(pf, &b);
		if (i >= 0)
			*need |= 1ull << i;
	}
}

/* A comparison bit (protocol bits come from pf_members and by_members). */
static inline int pf_eval(const struct pf_bit *b, const struct cap_packet *p)
{
	gs_value v;
	if (!pf_read(b->field, p, &v))
		return 0;
	int c;
	if (b->type == GS_INT || b->type == GS_LLONG)
		c = v.i < b->val.i ? -1 : v.i > b->val.i;
	else
		c = v.u < b->val.u ? -1 : v.u > b->val.u;
	switch (b->op) {
	case SQL_OP_EQ: return c == 0;
	case SQL_OP_NE: return c != 0;
	case SQL_OP_LT: return c < 0;
	case SQL_OP_GT: return c > 0;
	case SQL_OP_LE: return c <= 0;
	default: return c >= 0;
	}
}

/* ---- one query of the set ------------------------------------------------- */

struct set_run;
struct set_worker;

struct set_query {
	const char *name;
	struct eng_plan *chain[MAX_CHAIN];  /* the query first, its root LFTA last */
	size_t nchain;
	struct eng_module mods[MAX_CHAIN];
	const struct gs_lfta_module *lm;
	void *lstate;
	struct eng_op *ops[MAX_CHAIN + 1];
	const char *names[MAX_CHAIN + 1];
	size_t nops;
	struct eng_op_sink sink;
	uint64_t need;                      /* prefilter bits its LFTA needs */
	struct set_query *owner;            /* the query whose LFTA instance feeds this one:
	                                       itself, or an earlier query of the set over
	                                       the same root stream */
	struct set_query *next_sharer;      /* the next query fed by the same LFTA */
	bool *src_ok;                       /* per source: the query reads it */
	uint64_t drops;                     /* its tuples lost in the ring */
	bool stopped;                       /* its output wants no more */
	uint32_t tag;
	unsigned worker;                    /* the LFTA thread that runs its LFTA instance */
	struct set_run *run;
	struct set_worker *w;               /* that thread (an owner only) */
};

/* What the per-packet loop needs of one LFTA instance, kept together
 * (a set_query is large, and the loop runs for every packet). */
struct set_hot {
	uint64_t need;
	uint64_t need_proto;                /* the protocol bits of need */
	int (*accept)(void *state, const struct cap_packet *pkt);
	void *lstate;
};

/* One LFTA thread: it reads every source (its own reader of each) and
 * runs the LFTA instances assigned to it, into its own ring. */
struct set_worker {
	struct set_run *r;
	unsigned idx;
	struct eng_ring *ring;
	struct cap_source **srcs;           /* worker 0: the run's; others: twins */
	struct set_hot *hot;                /* its LFTAs that read the current source */
	size_t nhot;
	uint32_t members;                   /* the protocols their bits test */
	size_t cur_src;
	int src_rc;
	pthread_t th;
	bool started;
	char errbuf[CAP_ERRBUF_SIZE];
};

struct set_run {
	struct eng_ctx *e;
	struct set_query *q;
	size_t nq;
	struct prefilter pf;
	struct cap_source **srcs;
	size_t nsrc;
	bool block;
	struct set_worker w[SET_WORKERS];
	size_t nw;
};

/* ---- the LFTA side ---------------------------------------------------------- */

static int set_sink_tuple(void *ctx, const gs_value *vals, uint32_t n)
{
	struct set_query *q = ctx;
	int rc = eng_ring_put_tuple_tag(q->w->ring, q->tag, vals, n, q->lm->out_types, q->run->block);
	if (rc == 1)
		q->drops++;
	return rc < 0;
}

static int set_sink_heartbeat(void *ctx, uint64_t ts_ns)
{
	struct set_query *q = ctx;
	return eng_ring_put_mark_tag(q->w->ring, q->tag, ENG_REC_HEARTBEAT, ts_ns) < 0;
}

static int set_on_packet(void *ctx, const struct cap_packet *p)
{
	struct set_worker *w = ctx;
	const struct prefilter *pf = &w->r->pf;
	/* The protocol bits all at once, from the packet's protocols among
	 * those the thread's queries read; a comparison bit when a query
	 * whose protocols match first needs it, at most once per packet, so a
	 * packet that is not TCP never has its port compared. */
	uint64_t bits = pf->by_members[pf_members(p, w->members)], known = pf->proto_bits;
	for (size_t i = 0; i < w->nhot; i++) {
		const struct set_hot *q = &w->hot[i];
		if ((bits & q->need_proto) != q->need_proto)
			continue;
		uint64_t todo = q->need & ~known;
		bool pass = (bits & q->need & known) == (q->need & known);
		while (pass && todo) {
			unsigned k = (unsigned)__builtin_ctzll(todo);
			todo &= todo - 1;
			known |= 1ull << k;
			if (pf_eval(&pf->bit[k], p))
				bits |= 1ull << k;
			else
				pass = false;
		}
		if (pass && q->accept(q->lstate, p))
			return 1;
	}
	return 0;
}

/* Is q an LFTA instance of worker w? */
static bool runs_on(const struct set_query *q, const struct set_worker *w)
{
	return q->owner == q && q->worker == w->idx;
}

static int set_on_tick(void *ctx, uint64_t ts_ns)
{
	struct set_worker *w = ctx;
	const struct set_run *r = w->r;
	for (size_t i = 0; i < r->nq; i++) {
		struct set_query *q = &r->q[i];
		if (runs_on(q, w) && q->src_ok[w->cur_src] && q->lm->heartbeat(q->lstate, ts_ns))
			return 1;
	}
	return 0;
}

static void *set_lfta_thread(void *arg)
{
	struct set_worker *w = arg;
	struct set_run *r = w->r;
	w->src_rc = 0;
	for (size_t i = 0; i < r->nsrc && !r->e->cancel; i++) {
		struct cap_source *s = w->srcs[i];
		w->cur_src = i;
		w->nhot = 0;
		w->members = 0;
		for (size_t j = 0; j < r->nq; j++) {
			struct set_query *q = &r->q[j];
			if (!runs_on(q, w) || !q->src_ok[i])
				continue;
			uint64_t np = q->need & r->pf.proto_bits;
			w->hot[w->nhot++] = (struct set_hot){ .need = q->need, .need_proto = np,
			                                      .accept = q->lm->accept, .lstate = q->lstate };
			for (uint32_t k = 0; k < r->pf.n; k++)
				if (np & (1ull << k))
					w->members |= 1u << r->pf.bit[k].proto;
		}
		if (s->ops->run(s, set_on_packet, set_on_tick, w, &r->e->cancel, w->errbuf) < 0) {
			w->src_rc = -1;
			break;
		}
	}
	for (size_t i = 0; i < r->nq; i++)
		if (runs_on(&r->q[i], w))
			r->q[i].lm->flush(r->q[i].lstate);
	eng_ring_put_mark(w->ring, ENG_REC_EOS, 0);
	return NULL;
}

/* ---- setting up --------------------------------------------------------------- */

/* Say which query an error came from (the position was in its own text,
 * which the caller does not have). */
static void blame(struct sql_error *err, const char *name)
{
	char msg[sizeof err->msg];
	int k = snprintf(msg, sizeof msg, "query %.60s: ", name);
	size_t len = strlen(err->msg), room = sizeof msg - (size_t)k - 1;
	memcpy(msg + k, err->msg, len < room ? len : room);
	msg[(size_t)k + (len < room ? len : room)] = '\0';
	memcpy(err->msg, msg, sizeof msg);
	err->has_pos = false;
	err->pos = 0;
}

/* Find the named queries and their chains of streams. */
static int find_queries(struct eng_ctx *e, const char *const *names, size_t n,
                        struct set_query *q, struct sql_error *err)
{
	if (n == 0) {
		sql_error_set(err, false, 0, "no query to run");
		return -1;
	}
	if (n > ENG_SET_MAX) {
		sql_error_set(err, false, 0, "at most %d queries run in one pass, not %zu", ENG_SET_MAX, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0) {
				sql_error_set(err, false, 0, "query %s is named twice", names[i]);
				return -1;
			}
		struct eng_stream *s = eng_registry_find(e, names[i]);
		if (!s) {
			sql_error_set(err, false, 0, "no query called \"%s\"", names[i]);
			if (cap_proto_lookup(names[i]) >= 0)
				snprintf(err->hint, sizeof err->hint,
				         "%s is a protocol; name it in a query: DEFINE { query_name 'x'; } "
				         "SELECT ... FROM %s", names[i], names[i]);
			else
				snprintf(err->hint, sizeof err->hint,
				         "define it first: DEFINE { query_name '%s'; } SELECT ...", names[i]);
			return -1;
		}
		q[i].name = s->name;
		for (struct eng_plan *p = s->plan; p; p = p->upstream ? p->upstream->plan : NULL) {
			if (q[i].nchain == MAX_CHAIN) {
				sql_error_set(err, false, 0, "query %s: streams nested more than %d deep",
				              s->name, MAX_CHAIN);
				return -1;
			}
			q[i].chain[q[i].nchain++] = p;
		}
		if (q[i].chain[q[i].nchain - 1]->builtin) {
			sql_error_set(err, false, 0, "query %s reads gs_stats, which cannot run in one pass "
			              "over packets", s->name);
			snprintf(err->hint, sizeof err->hint, "run it on its own: SELECT * FROM %s", s->name);
			return -1;
		}
	}
	return 0;
}

/* Which LFTA instance feeds each query (queries over the same root stream
 * share one), and the prefilter bits each instance needs. */
static void build_prefilter(struct prefilter *pf, struct set_query *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct eng_plan *root = q[i].chain[q[i].nchain - 1];
		q[i].owner = &q[i];
		q[i].next_sharer = NULL;
		for (size_t j = 0; j < i; j++)
			if (q[j].owner == &q[j] && q[j].chain[q[j].nchain - 1] == root) {
				struct set_query *t = &q[j];
				while (t->next_sharer)
					t = t->next_sharer;
				t->next_sharer = &q[i];
				q[i].owner = &q[j];
				break;
			}
	}
	memset(pf, 0, sizeof *pf);
	for (size_t i = 0; i < n; i++)
		q[i].worker = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			pf_collect(pf, q[i].chain[q[i].nchain - 1], pass, &q[i].need);
	/* the protocol bits of a packet from the protocols it belongs to */
	for (uint32_t k = 0; k < pf->n; k++)
		if (pf->bit[k].kind == PF_PROTO)
			pf->proto_bits |= 1ull << k;
	for (uint32_t m = 0; m < (1u << CAP_NPROTOS); m++)
		for (uint32_t k = 0; k < pf->n; k++)
			if (pf->bit[k].kind == PF_PROTO && (m & (1u << pf->bit[k].proto)))
				pf->by_members[m] |= 1ull << k;
}

/* Spread the LFTA instances over nw threads: in turn, in the order of the
 * set (a query fed by another's instance goes where that instance runs). */
static void assign_workers(struct set_query *q, size_t n, size_t nw)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		q[i].worker = q[i].owner == &q[i] ? (unsigned)(k++ % nw) : 0;
	for (size_t i = 0; i < n; i++)
		q[i].worker = q[i].owner->worker;
}

static size_t count_instances(const struct set_query *q, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += q[i].owner == &q[i];
	return k;
}

/* How many LFTA threads the set gets.  The single LFTA thread of a set is
 * the bottleneck (each LFTA called for every packet it may take), while
 * decoding a packet costs little next to ten LFTA calls; so over capture
 * files a second thread reads the file again through its own mapping
 * (cap_twin) and runs half of the LFTA instances, and both cores share
 * the per-query work.  Each instance, with every query it feeds, stays on
 * one thread, so each query's tuples keep their order.  Live sources keep
 * one thread: a packet is read from an interface once; so do pcapng files,
 * which libpcap reads (cap_twin has no twin for either).  One thread also
 * when there is one instance, one CPU, or GIGSH_LFTA_THREADS=1 (to compare
 * the two).  Opens the twins into w[1].srcs. */
static size_t plan_workers(struct set_run *r, struct sql_arena *a)
{
	const char *env = getenv("GIGSH_LFTA_THREADS");
	if (count_instances(r->q, r->nq) < 2 ||
	    sysconf(_SC_NPROCESSORS_ONLN) < 2 || (env && strcmp(env, "1") == 0))
		return 1;
	struct cap_source **tw = sql_arena_alloc(a, (r->nsrc ? r->nsrc : 1) * sizeof *tw);
	if (!tw)
		return 1;
	char cerr[CAP_ERRBUF_SIZE];
	for (size_t i = 0; i < r->nsrc; i++)
		if (!(tw[i] = cap_twin(r->srcs[i], cerr))) {
			/* one reader it is: nothing is lost but the speed-up */
			while (i-- > 0)
				cap_close(tw[i]);
			return 1;
		}
	r->w[1].srcs = tw;
	return SET_WORKERS;
}

/* Open every source some query of the set reads; src_ok says which. */
static int open_sources(struct set_run *r, struct sql_arena *a, struct sql_error *err)
{
	struct eng_ctx *e = r->e;
	r->srcs = sql_arena_alloc(a, e->nsources * sizeof *r->srcs);
	for (size_t i = 0; i < r->nq; i++)
		r->q[i].src_ok = sql_arena_alloc(a, e->nsources * sizeof(bool));
	if (!r->srcs) {
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	r->block = true;
	for (size_t i = 0; i < e->nsources; i++) {
		const struct eng_source_spec *sp = &e->sources[i];
		const char *name = eng_source_name(e, i);
		bool used = false;
		for (size_t j = 0; j < r->nq; j++) {
			const struct eng_plan *root = r->q[j].chain[r->q[j].nchain - 1];
			if (!r->q[j].src_ok) {
				sql_error_set(err, false, 0, "out of memory");
				return -1;
			}
			r->q[j].src_ok[r->nsrc] = !root->iface || strcmp(root->iface, name) == 0;
			used |= r->q[j].src_ok[r->nsrc];
		}
		if (!used)
			continue;
		struct cap_source *s = eng_source_open(e, i, err);
		if (!s)
			return -1;
		if (sp->kind == ENG_SRC_LIVE)
			r->block = false;
		r->srcs[r->nsrc++] = s;
	}
	for (size_t j = 0; j < r->nq; j++) {
		bool any = false;
		for (size_t i = 0; i < r->nsrc; i++)
			any |= r->q[j].src_ok[i];
		if (!any) {
			const struct eng_plan *root = r->q[j].chain[r->q[j].nchain - 1];
			sql_error_set(err, false, 0, "query %s: no packet source is called \"%s\"",
			              r->q[j].name, root->iface);
			return -1;
		}
	}
	return 0;
}

/* Modules, operators and the LFTA instance of query q. */
static int start_query(struct set_run *r, struct set_query *q, const struct eng_output *out,
                       struct sql_arena *a, struct sql_error *err)
{
	struct eng_ctx *e = r->e;
	char eb[512];
	for (size_t i = q->nchain; i-- > 0;)
		if (eng_module_get(&e->mcfg, q->chain[i], &q->mods[i], eb) < 0) {
			sql_error_set(err, false, 0, "query %s: %s", q->name, eb);
			return -1;
		}
	q->sink = (struct eng_op_sink){ .op = { .vt = &eng_sink_vt }, .out = out,
	                                .aggregation = q->chain[0]->is_agg };
	if (eng_run_build_ops(e, q->chain, q->nchain, q->mods, a, q->ops, q->names, &q->nops,
	                      &q->sink, err) < 0) {
		blame(err, q->name);
		return -1;
	}
	struct eng_plan *root = q->chain[q->nchain - 1];
	q->lm = q->mods[q->nchain - 1].lfta;
	if (!q->lm) {
		sql_error_set(err, false, 0, "query %s: internal error: its root has no LFTA", q->name);
		return -1;
	}
	q->run = r;
	if (q->owner != q)
		return 0;
	gs_value *lparams = eng_run_bind_params(e, root, a, err);
	if (!lparams) {
		blame(err, q->name);
		return -1;
	}
	q->lstate = eng_run_state_alloc(q->lm->state_size);
	if (!q->lstate) {
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	struct gs_lfta_sink lsink = { .ctx = q, .tuple = set_sink_tuple,
	                              .heartbeat = set_sink_heartbeat };
	if (q->lm->init(q->lstate, lparams, &lsink) != 0) {
		sql_error_set(err, false, 0, "query %s: its LFTA could not start", q->name);
		return -1;
	}
	return 0;
}

/* gs_stats after a set: every part of every query. */
static void record_set_stats(struct eng_ctx *e, const struct set_run *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nq; i++)
		n += 1 + r->q[i].nops;
	struct eng_stats_row *rows = calloc(n + 1, sizeof *rows);
	if (!rows)
		return;
	n = 0;
	for (size_t i = 0; i < r->nq; i++) {
		const struct set_query *q = &r->q[i];
		if (q->owner == q)
			eng_stats_lfta_row(&rows[n++], q->chain[q->nchain - 1]->name, q->lstate, q->drops);
		for (size_t j = 0; j < q->nops; j++)
			eng_stats_op_row(&rows[n++], q->names[j], q->ops[j]);
	}
	free(e->stats);
	e->stats = rows;
	e->nstats = n;
}

/* ---- running ------------------------------------------------------------------ */

/* Take records until end of stream; a query whose output stops is left
 * out from then on, and the sources are stopped. */
static void hfta_loop(struct set_run *r, bool *any_stopped)
{
	struct eng_ring *rings[SET_WORKERS];
	size_t nlive = r->nw, turn = 0;
	for (size_t i = 0; i < r->nw; i++)
		rings[i] = r->w[i].ring;
	for (;;) {
		struct eng_rec rec;
		size_t k = nlive == 1 ? 0 : eng_ring_get_any(rings, nlive, &turn, &rec);
		struct eng_ring *ring = rings[k];
		if (nlive == 1)
			eng_ring_get(ring, &rec);
		if (rec.kind == ENG_REC_EOS) {
			/* that thread is done; the set is done when all are */
			eng_ring_release(ring);
			rings[k] = rings[--nlive];
			turn = 0;
			if (nlive > 0)
				continue;
			for (size_t i = 0; i < r->nq; i++)
				if (!r->q[i].stopped)
					r->q[i].ops[0]->vt->flush(r->q[i].ops[0]);
			return;
		}
		struct set_query *q = rec.tag < r->nq ? &r->q[rec.tag] : NULL;
		if (q && rec.kind == ENG_REC_TUPLE)
			eng_ring_fix_strings(&rec, q->lm->out_types);
		for (; q; q = q->next_sharer) {
			if (q->stopped)
				continue;
			struct eng_op *head = q->ops[0];
			int stop = rec.kind == ENG_REC_TUPLE ? head->vt->accept(head, rec.vals, rec.n)
			                                     : head->vt->heartbeat(head, rec.ts_ns);
			if (stop) {
				/* the others still get what the LFTAs hold: drain to the end */
				q->stopped = true;
				*any_stopped = true;
				r->e->cancel = 1;
			}
		}
		eng_ring_release(ring);
	}
}

int eng_run_set(struct eng_ctx *e, const char *const *names, size_t n,
                const struct eng_output *outs, struct sql_error *err)
{
	memset(err, 0, sizeof *err);
	if (e->nsources == 0) {
		sql_error_set(err, false, 0, "no packet source: start gigsh with -r FILE or -i INTERFACE");
		return -1;
	}
	struct sql_arena *a = sql_arena_new();
	struct set_run r = { .e = e, .nq = n };
	r.q = calloc(n ? n : 1, sizeof *r.q);
	int rc = -1;
	bool any_stopped = false, nomem = !a || !r.q;
	for (size_t i = 0; i < SET_WORKERS; i++) {
		r.w[i].r = &r;
		r.w[i].idx = (unsigned)i;
		r.w[i].hot = calloc(n ? n : 1, sizeof *r.w[i].hot);
		nomem |= !r.w[i].hot;
	}
	if (nomem) {
		sql_error_set(err, false, 0, "out of memory");
		goto out;
	}
	e->cancel = 0;
	if (find_queries(e, names, n, r.q, err) < 0)
		goto out;
	build_prefilter(&r.pf, r.q, n);
	if (open_sources(&r, a, err) < 0)
		goto out;
	r.w[0].srcs = r.srcs;
	r.nw = plan_workers(&r, a);
	assign_workers(r.q, n, r.nw);
	for (size_t i = 0; i < n; i++)
		r.q[i].w = &r.w[r.q[i].worker];
	uint64_t t0 = eng_now_ns();
	bool cached = true;
	for (size_t i = 0; i < n; i++) {
		r.q[i].tag = (uint32_t)i;
		if (start_query(&r, &r.q[i], &outs[i], a, err) < 0)
			goto out;
		for (size_t j = 0; j < r.q[i].nchain; j++)
			cached &= r.q[i].mods[j].cached;
	}
	uint64_t compile_ns = eng_now_ns() - t0;
	for (size_t i = 0; i < r.nw; i++)
		if (!(r.w[i].ring = eng_ring_new_peer(SET_RING_BYTES, i ? r.w[0].ring : NULL))) {
			sql_error_set(err, false, 0, "out of memory");
			goto out;
		}
	for (size_t i = 0; i < n; i++) {
		const struct eng_plan *p = r.q[i].chain[0];
		if (outs[i].begin && outs[i].begin(outs[i].ctx, p->cols, p->ncols) != 0) {
			r.q[i].stopped = true;
			any_stopped = true;
		}
	}
	uint64_t start = eng_now_ns();
	if (!any_stopped) {
		for (size_t i = 0; i < r.nw; i++) {
			if (eng_run_start_thread(&r.w[i].th, set_lfta_thread, &r.w[i], err) < 0)
				goto out;
			r.w[i].started = true;
		}
		hfta_loop(&r, &any_stopped);
		for (size_t i = 0; i < r.nw; i++) {
			pthread_join(r.w[i].th, NULL);
			r.w[i].started = false;
		}
	}
	rc = 0;
	/* every thread reads the same file: the first error is the message */
	for (size_t i = 0; i < r.nw; i++)
		if (r.w[i].src_rc < 0) {
			sql_error_set(err, false, 0, "%s", r.w[i].errbuf);
			rc = -1;
			break;
		}

	struct eng_run_stats shared = { 0 };
	for (size_t i = 0; i < r.nsrc; i++)
		eng_stats_add_source(&shared, r.srcs[i]);
	shared.elapsed_ns = eng_now_ns() - start;
	shared.cancelled = e->cancel && !any_stopped;
	shared.module_cached = cached;
	shared.compile_ns = compile_ns;
	shared.lfta_threads = (uint32_t)r.nw;
	record_set_stats(e, &r);
	e->last = shared;           /* the totals of the set, summed below */
	e->have_last = true;
	for (size_t i = 0; i < n; i++) {
		const struct set_query *q = &r.q[i];
		const struct gs_lfta_counters *c = q->owner->lstate;
		struct eng_run_stats st = shared;
		st.rows_out = q->sink.op.tuples_out;
		st.lfta_tuples = c->tuples_out;
		st.lfta_collisions = c->collisions;
		st.lfta_evictions = c->evictions;
		st.lfta_bytes = c->bytes_out;
		st.ring_drops = q->owner->drops;
		st.groups_open = q->sink.agg ? eng_op_aggregate_groups(q->sink.agg) : 0;
		st.groups_refused = eng_sink_refused(&q->sink);
		if (q->owner == q)
			e->last.ring_drops += st.ring_drops;
		e->last.groups_refused += st.groups_refused;
		e->last.rows_out += st.rows_out;
		e->last.lfta_tuples += q->owner == q ? st.lfta_tuples : 0;
		if (outs[i].end)
			outs[i].end(outs[i].ctx, &st);
	}
out:
	for (size_t i = 0; i < r.nw; i++)
		if (r.w[i].started) {
			eng_ring_close(r.w[i].ring);
			e->cancel = 1;
		}
	for (size_t i = 0; i < r.nw; i++)
		if (r.w[i].started)
			pthread_join(r.w[i].th, NULL);
	for (size_t i = 0; r.q && i < n; i++) {
		for (size_t j = 0; j < r.q[i].nops; j++)
			r.q[i].ops[j]->vt->destroy(r.q[i].ops[j]);
		free(r.q[i].lstate);
		for (size_t j = 0; j < r.q[i].nchain; j++)
			eng_module_release(&r.q[i].mods[j]);
	}
	if (r.nw > 1)
		for (size_t i = 0; i < r.nsrc; i++)
			cap_close(r.w[1].srcs[i]);
	if (r.srcs)
		eng_sources_release(e, r.srcs, r.nsrc);
	for (size_t i = SET_WORKERS; i-- > 0;) {
		eng_ring_free(r.w[i].ring);   /* the peer first */
		free(r.w[i].hot);
	}
	free(r.q);
	sql_arena_free(a);
	e->cancel = 0;
	return rc;
}

/* ---- \explain run --------------------------------------------------------------- */

static void put_bits(FILE *f, uint64_t need)
{
	int k = 0;
	for (int i = 0; i < PF_MAX; i++)
		if (need & (1ull << i))
			fprintf(f, "%s%d", k++ ? ", " : "", i);
	if (!k)
		fprintf(f, "none");
}

int eng_explain_set(struct eng_ctx *e, const char *const *names, size_t n, FILE *f,
                    struct sql_error *err)
{
	memset(err, 0, sizeof *err);
	struct set_query *q = calloc(n ? n : 1, sizeof *q);
	struct prefilter *pf = calloc(1, sizeof *pf);
	int rc = -1;
	if (!q || !pf) {
		sql_error_set(err, false, 0, "out of memory");
		goto out;
	}
	if (find_queries(e, names, n, q, err) < 0)
		goto out;
	build_prefilter(pf, q, n);
	fprintf(f, "One pass over %zu quer%s:", n, n == 1 ? "y" : "ies");
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %s", q[i].name);
	fprintf(f, "\nPrefilter: %u bit%s, each evaluated at most once per packet on the host before any LFTA\n",
	        pf->n, pf->n == 1 ? "" : "s");
	for (uint32_t k = 0; k < pf->n; k++) {
		const struct pf_bit *b = &pf->bit[k];
		struct eng_buf t = { 0 };
		if (b->kind == PF_PROTO) {
			const struct cap_proto_info *pi = cap_proto_info((enum cap_proto)b->proto);
			eng_buf_printf(&t, "protocol %s (%s)", pi->name, pi->member);
		} else {
			eng_expr_text(&t, b->expr);
		}
		fprintf(f, "  bit %-2u %-36s used by", k, t.p ? t.p : "");
		for (size_t i = 0; i < n; i++)
			if (q[i].need & (1ull << k))
				fprintf(f, " %s", q[i].name);
		fprintf(f, "\n");
		eng_buf_free(&t);
	}
	if (count_instances(q, n) >= 2) {
		assign_workers(q, n, SET_WORKERS);
		fprintf(f, "LFTA threads: over classic pcap files (read mapped), %d, each reading the "
		        "file through its own mapping:\n", SET_WORKERS);
		for (unsigned t = 0; t < SET_WORKERS; t++) {
			fprintf(f, "  thread %u runs", t + 1);
			for (size_t i = 0; i < n; i++)
				if (q[i].owner == &q[i] && q[i].worker == t)
					fprintf(f, " %s", q[i].chain[q[i].nchain - 1]->name);
			fprintf(f, "\n");
		}
		fprintf(f, "  over live interfaces and pcapng files one thread runs them all\n");
	} else {
		fprintf(f, "LFTA threads: 1\n");
	}
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "\nQuery %s: its LFTA (%s) runs on packets with prefilter bits ", q[i].name,
		        q[i].chain[q[i].nchain - 1]->name);
		put_bits(f, q[i].owner->need);
		if (q[i].owner != &q[i])
			fprintf(f, "; one instance, shared with query %s", q[i].owner->name);
		fprintf(f, "\n");
		eng_explain_plan(e, q[i].chain[0], false, f);
	}
	rc = 0;
out:
	free(q);
	free(pf);
	return rc;
}
