/*
 * op_aggregate.c: the HFTA aggregation operator.
 *
 * It keeps the open groups of a query in a hash table keyed on the group
 * variables.  Each input tuple becomes a key and partial values through the
 * module's pre(): one tuple's worth when the HFTA aggregates alone, or an
 * LFTA's partial group as it is.  Partials with the same key merge (COUNT
 * and SUM add, MIN/MAX keep the extreme, AND/OR/XOR combine), so results are
 * exact however often the LFTA's small table evicted.
 *
 * A group closes when the temporal group variable moves past it: on a
 * heartbeat whose time falls in a later bucket, or, when the HFTA sees raw
 * tuples in time order, on a tuple of a later bucket.  (Partial groups from
 * an LFTA may arrive out of bucket order while it flushes, so then only the
 * LFTA's heartbeats close buckets.)  Closed groups are emitted in bucket
 * order, then in the order they were opened, through final(): HAVING and
 * the select list.  End of stream closes every group.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs_ops.h"
#include "op.h"

struct group {
	struct group *next;     /* hash chain */
	uint64_t hash;
	uint64_t seq;           /* opening order */
	uint32_t set;           /* grouping set */
	gs_value kp[];          /* key, then partials; strings owned */
};

struct op_agg {
	struct eng_op op;
	const struct gs_hfta_aggregate *m;
	void *state;
	bool inited;
	uint32_t nkp;
	uint64_t ident;         /* identity_mask() */
	gs_value *tmp;
	gs_value *masked;       /* tmp with the variables outside a set zeroed */
	gs_value *out;
	struct group **tab;
	size_t cap, n;
	uint64_t seq;
	bool have_cur;
	gs_value cur;           /* the latest temporal value seen */
	bool stopped;
	/* memory cap (eng_op_aggregate_set_cap) */
	size_t mem;             /* bytes held by the open groups and the table */
	size_t mem_cap;         /* 0: none */
	uint64_t refused;       /* tuples refused: their new group would pass the cap */
	const char *name;       /* the query, for the message */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

/* FNV-1a over the group variables in mask (strings by content). */
static uint64_t hash_vars(const struct op_agg *a, const gs_value *kp, uint64_t mask)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (uint32_t i = 0; i < a->m->n_key; i++) {
		if (!(mask >> i & 1))
			continue;
		const uint8_t *p;
		size_t n;
		switch (a->m->key_types[i]) {
		case GS_STRING: p = kp[i].s.p; n = kp[i].s.len; break;
		case GS_IPV6: p = kp[i].ip6.b; n = 16; break;
		default: p = (const uint8_t *)&kp[i].u; n = 8; break;
		}
		for (size_t j = 0; j < n; j++)
			h = (h ^ p[j]) * 0x100000001b3ULL;
		h = (h ^ 0xff) * 0x100000001b3ULL;
	}
	return h;
}

static int cmp_value(enum gs_type t, const gs_value *a, const gs_value *b)
{
	switch (t) {
	case GS_INT: case GS_LLONG: return gs_cmp_i64(a->i, b->i);
	case GS_FLOAT: return gs_cmp_f(a->f, b->f);
	case GS_IPV6: return gs_cmp_ip6(&a->ip6, &b->ip6);
	case GS_STRING: return gs_cmp_str(a->s, b->s);
	default: return gs_cmp_u64(a->u, b->u);
	}
}

/* Do x and y agree on the group variables in mask?  (Floats by their
 * bits, so that a NaN key finds its group.) */
static bool same_vars(const struct op_agg *a, const gs_value *x, const gs_value *y, uint64_t mask)
{
	for (uint32_t i = 0; i < a->m->n_key; i++) {
		enum gs_type t = a->m->key_types[i];
		if (!(mask >> i & 1))
			continue;
		if (t == GS_FLOAT ? memcmp(&x[i].f, &y[i].f, sizeof(double)) != 0
		                  : cmp_value(t, &x[i], &y[i]) != 0)
			return false;
	}
	return true;
}

/* The group variables that make a group's identity: all of them, but the
 * temporal one in a running aggregation (CLOSING_WHEN), whose groups live
 * across buckets. */
static uint64_t identity_mask(const struct op_agg *a)
{
	uint64_t all = a->m->n_key >= 64 ? ~0ull : (1ull << a->m->n_key) - 1;
	if (a->m->closing && a->m->temporal_key >= 0)
		all &= ~(1ull << a->m->temporal_key);
	return all;
}

/* Give a string value its own copy of the bytes. */
static int own_string(gs_value *v)
{
	uint8_t *p = malloc(v->s.len ? v->s.len : 1);
	if (!p)
		return -1;
	if (v->s.len)
		memcpy(p, v->s.p, v->s.len);
	v->s.p = p;
	return 0;
}

static enum gs_type type_at(const struct op_agg *a, uint32_t i)
{
	return i < a->m->n_key ? (enum gs_type)a->m->key_types[i]
	                       : (enum gs_type)a->m->part_types[i - a->m->n_key];
}

/* The bytes a group holds: its block and its own strings. */
static size_t group_bytes(const struct op_agg *a, const gs_value *kp)
{
	size_t n = sizeof(struct group) + a->nkp * sizeof(gs_value);
	for (uint32_t i = 0; i < a->nkp; i++)
		if (type_at(a, i) == GS_STRING)
			n += kp[i].s.len ? kp[i].s.len : 1;
	return n;
}

static void free_group(struct op_agg *a, struct group *g)
{
	a->mem -= group_bytes(a, g->kp);
	for (uint32_t i = 0; i < a->nkp; i++)
		if (type_at(a, i) == GS_STRING)
			free((void *)g->kp[i].s.p);
	free(g);
}

static void merge(struct op_agg *a, gs_value *to, const gs_value *from)
{
	for (uint32_t k = 0; k < a->m->n_part; k++) {
		uint32_t i = a->m->n_key + k;
		enum gs_type t = (enum gs_type)a->m->part_types[k];
		switch (a->m->part_ops[k]) {
		case GS_PART_COUNT:
			to[i].u += from[i].u;
			break;
		case GS_PART_SUM:
			if (t == GS_FLOAT)
				to[i].f += from[i].f;
			else if (t == GS_LLONG)
				to[i].i = gs_add_i64(to[i].i, from[i].i);
			else
				to[i].u += from[i].u;
			break;
		case GS_PART_MIN:
		case GS_PART_MAX: {
			int c = cmp_value(t, &from[i], &to[i]);
			if (a->m->part_ops[k] == GS_PART_MIN ? c < 0 : c > 0) {
				if (t == GS_STRING) {
					gs_value v = from[i];
					if (own_string(&v) == 0) {
						a->mem += (v.s.len ? v.s.len : 1);
						a->mem -= (to[i].s.len ? to[i].s.len : 1);
						free((void *)to[i].s.p);
						to[i] = v;
					}
				} else {
					to[i] = from[i];
				}
			}
			break;
		}
		case GS_PART_AND: to[i].u &= from[i].u; break;
		case GS_PART_OR: to[i].u |= from[i].u; break;
		case GS_PART_XOR: to[i].u ^= from[i].u; break;
		}
	}
}

static int grow(struct op_agg *a)
{
	size_t ncap = a->cap ? a->cap * 2 : 1024;
	struct group **t = calloc(ncap, sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < a->cap; i++) {
		struct group *g = a->tab[i];
		while (g) {
			struct group *n = g->next;
			size_t b = g->hash & (ncap - 1);
			g->next = t[b];
			t[b] = g;
			g = n;
		}
	}
	free(a->tab);
	a->mem += (ncap - a->cap) * sizeof *t;
	a->tab = t;
	a->cap = ncap;
	return 0;
}

/* The cap is reached: count the tuple, and say so the first time. */
static int refuse(struct op_agg *a)
{
	if (a->refused++ == 0 && a->warn) {
		char msg[300];
		snprintf(msg, sizeof msg,
		         "WARNING:  the open groups of query \"%s\" reached the memory cap (%zu kB): "
		         "tuples that would open a new group are dropped and counted "
		         "(--group-memory raises the cap)", a->name ? a->name : "?", a->mem_cap / 1024);
		a->warn(a->warn_ctx, msg);
	}
	return 1;
}

/* Merge kp into its group of grouping set `set`, opening the group when
 * it is new.  Returns 0, 1 when the memory cap refused a new group, or -1
 * when out of memory. */
static int add_set(struct op_agg *a, const gs_value *kp, uint32_t set)
{
	if (!a->cap || a->n >= a->cap / 4 * 3) {
		/* under the cap, a table that cannot double keeps its size:
		 * chains get longer, and the cap decides about new groups below */
		bool room = !a->mem_cap || !a->cap || a->mem + a->cap * sizeof *a->tab <= a->mem_cap;
		if (room && grow(a) < 0)
			return -1;
	}
	uint64_t h = hash_vars(a, kp, a->ident) ^ ((uint64_t)set * 0x9e3779b97f4a7c15ULL);
	size_t b = h & (a->cap - 1);
	for (struct group *g = a->tab[b]; g; g = g->next)
		if (g->hash == h && g->set == set && same_vars(a, g->kp, kp, a->ident)) {
			merge(a, g->kp, kp);
			int tk = a->m->temporal_key;
			if (a->m->closing &&
			    cmp_value((enum gs_type)a->m->key_types[tk], &kp[tk], &g->kp[tk]) *
			    a->m->temporal_dir > 0)
				g->kp[tk] = kp[tk];
			return 0;
		}
	size_t need = group_bytes(a, kp);
	if (a->mem_cap && a->mem + need > a->mem_cap)
		return 1;
	struct group *g = malloc(sizeof *g + a->nkp * sizeof(gs_value));
	if (!g)
		return -1;
	g->hash = h;
	g->seq = a->seq++;
	g->set = set;
	memcpy(g->kp, kp, a->nkp * sizeof(gs_value));
	for (uint32_t i = 0; i < a->nkp; i++)
		if (type_at(a, i) == GS_STRING && own_string(&g->kp[i]) < 0) {
			for (uint32_t j = 0; j < i; j++)
				if (type_at(a, j) == GS_STRING)
					free((void *)g->kp[j].s.p);
			free(g);
			return -1;
		}
	g->next = a->tab[b];
	a->tab[b] = g;
	a->n++;
	a->mem += need;
	return 0;
}

/* Merge kp into its group in every grouping set. */
static int add(struct op_agg *a, const gs_value *kp)
{
	int refused = 0;
	if (a->m->n_sets <= 1) {
		refused = add_set(a, kp, 0);
	} else {
		for (uint32_t s = 0; s < a->m->n_sets && refused >= 0; s++) {
			memcpy(a->masked, kp, a->nkp * sizeof *kp);
			for (uint32_t i = 0; i < a->m->n_key; i++)
				if (!(a->m->set_masks[s] >> i & 1))
					memset(&a->masked[i], 0, sizeof a->masked[i]);
			int rc = add_set(a, a->masked, s);
			refused = rc < 0 ? -1 : refused | rc;
		}
	}
	if (refused < 0)
		return -1;
	if (refused)
		refuse(a);
	return 0;
}

static int by_bucket(const void *x, const void *y, void *ctx)
{
	const struct group *g = *(const struct group *const *)x, *h = *(const struct group *const *)y;
	const struct op_agg *a = ctx;
	if (a->m->temporal_key >= 0) {
		int tk = a->m->temporal_key;
		int c = cmp_value((enum gs_type)a->m->key_types[tk], &g->kp[tk], &h->kp[tk]);
		if (c)
			return c * a->m->temporal_dir;
	}
	if (g->set != h->set)
		return g->set < h->set ? -1 : 1;
	return g->seq < h->seq ? -1 : g->seq > h->seq;
}

/* ---- super-aggregates ---------------------------------------------------------- */

struct distinct_item {
	uint32_t sg;
	const gs_value *v;
};
static int by_sg_value(const void *x, const void *y, void *ctx)
{
	const struct distinct_item *p = x, *q = y;
	enum gs_type t = *(const enum gs_type *)ctx;
	if (p->sg != q->sg)
		return p->sg < q->sg ? -1 : 1;
	return cmp_value(t, p->v, q->v);
}

/* The super-aggregates of n closing groups: sg[i] gets group i's supergroup
 * and *sups the values, n_super per supergroup.  Returns 0 or -1. */
static int compute_supers(struct op_agg *a, struct group **list, size_t n, uint32_t *sg,
                          gs_value **sups)
{
	uint32_t ns = a->m->n_super;
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	int64_t *tab = malloc(cap * sizeof *tab);
	gs_value *v = calloc(n * ns + 1, sizeof *v);
	uint8_t *seen = calloc(n * ns + 1, 1);
	if (!tab || !v || !seen)
		goto fail;
	for (size_t i = 0; i < cap; i++)
		tab[i] = -1;
	uint32_t nsg = 0;
	for (size_t i = 0; i < n; i++) {
		size_t b = hash_vars(a, list[i]->kp, a->m->super_mask) & (cap - 1);
		while (tab[b] >= 0 && !same_vars(a, list[tab[b]]->kp, list[i]->kp, a->m->super_mask))
			b = (b + 1) & (cap - 1);
		if (tab[b] < 0) {
			tab[b] = (int64_t)i;
			sg[i] = nsg++;
		} else {
			sg[i] = sg[tab[b]];
		}
	}
	for (uint32_t s = 0; s < ns; s++) {
		enum gs_type t = (enum gs_type)a->m->super_types[s];
		uint32_t slot = a->m->super_slots[s];
		uint8_t op = a->m->super_ops[s];
		if (op == GS_SUPER_DISTINCT) {
			struct distinct_item *it = malloc((n + 1) * sizeof *it);
			if (!it)
				goto fail;
			for (size_t i = 0; i < n; i++) {
				it[i].sg = sg[i];
				it[i].v = &list[i]->kp[slot];
			}
			qsort_r(it, n, sizeof *it, by_sg_value, &t);
			for (size_t i = 0; i < n; i++)
				if (i == 0 || it[i].sg != it[i - 1].sg || by_sg_value(&it[i], &it[i - 1], &t) != 0)
					v[(size_t)it[i].sg * ns + s].u++;
			free(it);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			gs_value *to = &v[(size_t)sg[i] * ns + s];
			const gs_value *from = &list[i]->kp[slot];
			uint8_t *first = &seen[(size_t)sg[i] * ns + s];
			if (!*first) {
				*to = *from;
				*first = 1;
			} else if (op == GS_SUPER_SUM) {
				if (t == GS_FLOAT)
					to->f += from->f;
				else if (t == GS_LLONG || t == GS_INT)
					to->i = gs_add_i64(to->i, from->i);
				else
					to->u += from->u;
			} else {
				int c = cmp_value(t, from, to);
				if (op == GS_SUPER_MIN ? c < 0 : c > 0)
					*to = *from;
			}
		}
	}
	free(tab);
	free(seen);
	*sups = v;
	return 0;
fail:
	free(tab);
	free(v);
	free(seen);
	return -1;
}

/* Close the groups whose temporal value is before `bound` (all of them when
 * bound is NULL), in bucket order, pushing their rows downstream. */
static int close_groups(struct op_agg *a, const gs_value *bound)
{
	int tk = a->m->temporal_key;
	size_t n = 0;
	struct group **list = malloc((a->n + 1) * sizeof *list);
	if (!list)
		return -1;
	for (size_t i = 0; i < a->cap; i++) {
		struct group **pp = &a->tab[i];
		while (*pp) {
			struct group *g = *pp;
			bool closes = !bound ||
			              cmp_value((enum gs_type)a->m->key_types[tk], &g->kp[tk], bound) *
			              a->m->temporal_dir < 0;
			if (closes) {
				*pp = g->next;
				list[n++] = g;
			} else {
				pp = &g->next;
			}
		}
	}
	a->n -= n;
	qsort_r(list, n, sizeof *list, by_bucket, a);
	int rc = 0;
	gs_value none[1] = { { 0 } }, *sups = NULL;
	uint32_t *sg = NULL;
	if (a->m->n_super && n) {
		sg = calloc(n, sizeof *sg);
		if (!sg || compute_supers(a, list, n, sg, &sups) < 0)
			rc = -1;
	}
	for (size_t i = 0; i < n; i++) {
		const gs_value *sup = sups ? &sups[(size_t)sg[i] * a->m->n_super] : none;
		if (!rc && !a->stopped && a->m->final(a->state, list[i]->kp, sup, a->out)) {
			a->op.tuples_out++;
			if (a->op.next->vt->accept(a->op.next, a->out, a->m->n_out)) {
				a->stopped = true;
				rc = 1;
			}
		}
		free_group(a, list[i]);
	}
	free(sups);
	free(sg);
	free(list);
	return rc;
}

/* Running aggregation: the bucket a->cur ends (at the end of input, also
 * when no bucket ended before: !have_cur).  Every group gives its row
 * (its temporal variable reading the bucket that ends), in opening order;
 * the groups whose CLOSING_WHEN holds are closed, the others go on. */
static int end_epoch(struct op_agg *a)
{
	int tk = a->m->temporal_key;
	size_t n = 0;
	struct group **list = malloc((a->n + 1) * sizeof *list);
	if (!list)
		return -1;
	for (size_t i = 0; i < a->cap; i++)
		for (struct group *g = a->tab[i]; g; g = g->next)
			list[n++] = g;
	qsort_r(list, n, sizeof *list, by_bucket, a);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		struct group *g = list[i];
		if (a->have_cur)
			g->kp[tk] = a->cur;
		/* else the end of input before any bucket ended: the group's
		 * temporal variable reads its own latest bucket */
		gs_value none[1] = { { 0 } };
		if (!a->stopped && a->m->final(a->state, g->kp, none, a->out)) {
			a->op.tuples_out++;
			if (a->op.next->vt->accept(a->op.next, a->out, a->m->n_out)) {
				a->stopped = true;
				rc = 1;
			}
		}
	}
	/* close what CLOSING_WHEN says is done */
	for (size_t i = 0; i < a->cap; i++) {
		struct group **pp = &a->tab[i];
		while (*pp) {
			struct group *g = *pp;
			if (a->m->closing(a->state, g->kp)) {
				*pp = g->next;
				free_group(a, g);
				a->n--;
			} else {
				pp = &g->next;
			}
		}
	}
	free(list);
	return rc;
}

/* The temporal value moved to v: close what is before it. */
static int advance(struct op_agg *a, const gs_value *v)
{
	int tk = a->m->temporal_key;
	enum gs_type t = (enum gs_type)a->m->key_types[tk];
	if (a->have_cur && cmp_value(t, v, &a->cur) * a->m->temporal_dir <= 0)
		return 0;
	int rc = 0;
	if (a->m->closing)
		rc = a->have_cur ? end_epoch(a) : 0;
	else
		rc = close_groups(a, v); /* the first bound too: groups before it are done */
	a->cur = *v;
	a->have_cur = true;
	return rc;
}

static int agg_accept(struct eng_op *op, const gs_value *vals, uint32_t n)
{
	struct op_agg *a = (struct op_agg *)op;
	(void)n;
	op->tuples_in++;
	if (a->stopped)
		return 1;
	if (!a->m->pre(a->state, vals, a->tmp))
		return 0;
	if (a->m->temporal_key >= 0 && !a->m->lfta_partial) {
		gs_value v = a->tmp[a->m->temporal_key];
		int rc = advance(a, &v);
		if (rc)
			return rc;
	}
	return add(a, a->tmp) < 0 ? -1 : 0;
}

static int agg_heartbeat(struct eng_op *op, uint64_t ts_ns)
{
	struct op_agg *a = (struct op_agg *)op;
	gs_value b;
	if (a->m->temporal_key >= 0 && a->m->bucket && a->m->bucket(ts_ns, &b)) {
		int rc = advance(a, &b);
		if (rc)
			return rc;
	}
	return eng_op_forward_heartbeat(op, ts_ns);
}

static int agg_flush(struct eng_op *op)
{
	struct op_agg *a = (struct op_agg *)op;
	int rc;
	if (a->m->closing) {
		/* the last bucket ends: every group gives its row, then all close
		 * (also when no bucket had ended before: a capture within one
		 * bucket, or whose heartbeats never passed one, gave no row) */
		rc = end_epoch(a);
		for (size_t i = 0; i < a->cap; i++) {
			while (a->tab[i]) {
				struct group *g = a->tab[i];
				a->tab[i] = g->next;
				free_group(a, g);
			}
		}
		a->n = 0;
	} else {
		rc = close_groups(a, NULL);
	}
	if (rc)
		return rc;
	return eng_op_forward_flush(op);
}

static void agg_destroy(struct eng_op *op)
{
	struct op_agg *a = (struct op_agg *)op;
	for (size_t i = 0; i < a->cap; i++) {
		struct group *g = a->tab[i];
		while (g) {
			struct group *nx = g->next;
			free_group(a, g);
			g = nx;
		}
	}
	free(a->tab);
	if (a->inited)
		a->m->fini(a->state);
	free(a->state);
	free(a->tmp);
	free(a->masked);
	free(a->out);
	free(a);
}

static const struct eng_op_vt agg_vt = {
	.name = "aggregate",
	.accept = agg_accept,
	.heartbeat = agg_heartbeat,
	.flush = agg_flush,
	.destroy = agg_destroy,
};

uint64_t eng_op_aggregate_groups(const struct eng_op *op)
{
	return ((const struct op_agg *)op)->n;
}

uint64_t eng_op_aggregate_refused(const struct eng_op *op)
{
	return ((const struct op_agg *)op)->refused;
}

void eng_op_aggregate_set_cap(struct eng_op *op, size_t bytes, const char *name,
                              void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct op_agg *a = (struct op_agg *)op;
	a->mem_cap = bytes;
	a->name = name;
	a->warn = warn;
	a->warn_ctx = ctx;
}

struct eng_op *eng_op_aggregate_new(const struct gs_hfta_aggregate *m, const gs_value *params,
                                    char *errbuf)
{
	struct op_agg *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(errbuf, 512, "out of memory");
		return NULL;
	}
	a->op.vt = &agg_vt;
	a->m = m;
	a->nkp = m->n_key + m->n_part;
	a->ident = identity_mask(a);
	a->tmp = calloc(a->nkp + 1, sizeof *a->tmp);
	a->masked = calloc(a->nkp + 1, sizeof *a->masked);
	a->out = calloc(m->n_out + 1, sizeof *a->out);
	a->state = calloc(1, m->state_size ? m->state_size : 1);
	if (!a->tmp || !a->masked || !a->out || !a->state || grow(a) < 0) {
		snprintf(errbuf, 512, "out of memory");
		agg_destroy(&a->op);
		return NULL;
	}
	if (m->init(a->state, params) != 0) {
		snprintf(errbuf, 512, "the aggregation of %s could not start", m->query_name);
		agg_destroy(&a->op);
		return NULL;
	}
	a->inited = true;
	return &a->op;
}
