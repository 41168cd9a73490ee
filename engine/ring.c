/*
 * ring.c: the single-producer single-consumer tuple ring of ring.h.
 *
 * Positions are 64-bit counters that only grow; a record starts at
 * pos % cap and never wraps (a WRAP header fills the end of the buffer
 * instead).  Each side publishes its counter with a release store and
 * reads the other's with an acquire load, so the fast path takes no lock.
 * A side that must wait sleeps on a condition variable with a short
 * timeout, which bounds any missed wake-up.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ring.h"

#define HDR 32u
#define REC_WRAP 0xffu

struct rec_hdr {
	uint32_t size;   /* bytes, header included, multiple of 16 */
	uint32_t kind;
	uint32_t n;
	uint32_t tag;    /* the producer's label (a query of a set) */
	uint64_t ts_ns;
	uint64_t reserved2;
};

struct eng_ring {
	uint8_t *buf;
	uint64_t cap;
	_Atomic uint64_t head;    /* producer position */
	_Atomic uint64_t tail;    /* consumer position */
	_Atomic int closed;
	_Atomic int consumer_waiting;
	_Atomic int producer_waiting;
	_Atomic uint64_t drops;
	uint64_t cur_size;        /* size of the record the consumer holds */
	uint32_t unwoken;         /* tuples published while the consumer slept */
	pthread_mutex_t *mu;      /* own_mu, or a peer's (eng_ring_new_peer) */
	pthread_cond_t *cv;
	pthread_mutex_t own_mu;
	pthread_cond_t own_cv;
	bool owns_cv;
};

struct eng_ring *eng_ring_new(size_t bytes)
{
	return eng_ring_new_peer(bytes, NULL);
}

struct eng_ring *eng_ring_new_peer(size_t bytes, struct eng_ring *peer)
{
	struct eng_ring *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->cap = (bytes + 15) & ~(uint64_t)15;
	if (r->cap < 4096)
		r->cap = 4096;
	if (posix_memalign((void **)&r->buf, 64, r->cap) != 0) {
		free(r);
		return NULL;
	}
	if (peer) {
		r->mu = peer->mu;
		r->cv = peer->cv;
	} else {
		pthread_mutex_init(&r->own_mu, NULL);
		pthread_cond_init(&r->own_cv, NULL);
		r->mu = &r->own_mu;
		r->cv = &r->own_cv;
		r->owns_cv = true;
	}
	return r;
}

void eng_ring_free(struct eng_ring *r)
{
	if (!r)
		return;
	if (r->owns_cv) {
		pthread_mutex_destroy(&r->own_mu);
		pthread_cond_destroy(&r->own_cv);
	}
	free(r->buf);
	free(r);
}

static void deadline(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += 2000000; /* 2 ms */
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void wait_briefly(struct eng_ring *r, _Atomic int *flag)
{
	struct timespec ts;
	deadline(&ts);
	pthread_mutex_lock(r->mu);
	atomic_store(flag, 1);
	pthread_cond_timedwait(r->cv, r->mu, &ts);
	atomic_store(flag, 0);
	pthread_mutex_unlock(r->mu);
}

static void wake(struct eng_ring *r, _Atomic int *flag)
{
	if (atomic_load_explicit(flag, memory_order_acquire)) {
		pthread_mutex_lock(r->mu);
		pthread_cond_broadcast(r->cv);
		pthread_mutex_unlock(r->mu);
	}
}

/* Reserve size bytes (multiple of 16); returns the write offset, or -1 if
 * full (and !block) or closed (-2). */
static int64_t reserve(struct eng_ring *r, uint64_t size, bool block)
{
	for (;;) {
		if (atomic_load_explicit(&r->closed, memory_order_acquire))
			return -2;
		uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
		uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
		uint64_t idx = head % r->cap;
		uint64_t need = size + (idx + size > r->cap ? r->cap - idx : 0);
		if (r->cap - (head - tail) >= need) {
			if (idx + size > r->cap) {
				struct rec_hdr *w = (struct rec_hdr *)(r->buf + idx);
				w->size = (uint32_t)(r->cap - idx);
				w->kind = REC_WRAP;
				head += r->cap - idx;
				atomic_store_explicit(&r->head, head, memory_order_release);
				idx = 0;
			}
			return (int64_t)idx;
		}
		if (!block)
			return -1;
		wait_briefly(r, &r->producer_waiting);
	}
}

/* Make a record visible.  A sleeping consumer is woken for a mark, or once
 * a batch of tuples is waiting: waking it for every tuple costs a system
 * call per tuple, and a consumer that sleeps wakes by itself within 2 ms. */
#define WAKE_BATCH 512u

static void publish(struct eng_ring *r, uint64_t size, bool mark)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	atomic_store_explicit(&r->head, head + size, memory_order_release);
	if (!atomic_load_explicit(&r->consumer_waiting, memory_order_acquire)) {
		r->unwoken = 0;
		return;
	}
	if (mark || ++r->unwoken >= WAKE_BATCH) {
		r->unwoken = 0;
		wake(r, &r->consumer_waiting);
	}
}

int eng_ring_put_tuple(struct eng_ring *r, const gs_value *vals, uint32_t n,
                       const uint8_t *types, bool block)
{
	return eng_ring_put_tuple_tag(r, 0, vals, n, types, block);
}

int eng_ring_put_tuple_tag(struct eng_ring *r, uint32_t tag, const gs_value *vals, uint32_t n,
                           const uint8_t *types, bool block)
{
	uint64_t strbytes = 0;
	for (uint32_t i = 0; i < n; i++)
		if (types[i] == GS_STRING)
			strbytes += vals[i].s.len;
	uint64_t size = (HDR + (uint64_t)n * sizeof(gs_value) + strbytes + 15) & ~(uint64_t)15;
	if (size > r->cap / 2) {
		atomic_fetch_add(&r->drops, 1);
		return 1;
	}
	int64_t off = reserve(r, size, block);
	if (off == -2)
		return -1;
	if (off < 0) {
		atomic_fetch_add(&r->drops, 1);
		return 1;
	}
	uint8_t *p = r->buf + off;
	struct rec_hdr *h = (struct rec_hdr *)p;
	h->size = (uint32_t)size;
	h->kind = ENG_REC_TUPLE;
	h->n = n;
	h->tag = tag;
	gs_value *v = (gs_value *)(p + HDR);
	memcpy(v, vals, n * sizeof *v);
	uint64_t so = HDR + (uint64_t)n * sizeof(gs_value);
	for (uint32_t i = 0; i < n; i++) {
		if (types[i] != GS_STRING)
			continue;
		if (vals[i].s.len)
			memcpy(p + so, vals[i].s.p, vals[i].s.len);
		v[i].s.p = (const uint8_t *)(uintptr_t)so; /* an offset until read */
		so += vals[i].s.len;
	}
	publish(r, size, false);
	return 0;
}

int eng_ring_put_mark(struct eng_ring *r, enum eng_rec_kind kind, uint64_t ts_ns)
{
	return eng_ring_put_mark_tag(r, 0, kind, ts_ns);
}

/* A mark into the room reserved at off. */
static void put_mark_at(struct eng_ring *r, int64_t off, uint32_t tag, enum eng_rec_kind kind,
                        uint64_t ts_ns)
{
	struct rec_hdr *h = (struct rec_hdr *)(r->buf + off);
	h->size = HDR;
	h->kind = kind;
	h->n = 0;
	h->tag = tag;
	h->ts_ns = ts_ns;
	publish(r, HDR, true);
}

int eng_ring_put_mark_tag(struct eng_ring *r, uint32_t tag, enum eng_rec_kind kind, uint64_t ts_ns)
{
	int64_t off = reserve(r, HDR, true);
	if (off < 0)
		return -1;
	put_mark_at(r, off, tag, kind, ts_ns);
	return 0;
}

int eng_ring_try_put_mark(struct eng_ring *r, enum eng_rec_kind kind, uint64_t ts_ns)
{
	int64_t off = reserve(r, HDR, false);
	if (off == -2)
		return -1;
	if (off < 0)
		return 1;
	put_mark_at(r, off, 0, kind, ts_ns);
	return 0;
}

uint64_t eng_ring_drops(const struct eng_ring *r)
{
	return atomic_load(&((struct eng_ring *)r)->drops);
}

/* The next record into *rec: 1, or 0 when the ring is empty. */
static int try_get(struct eng_ring *r, struct eng_rec *rec)
{
	for (;;) {
		uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
		uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
		if (head == tail)
			return 0;
		uint8_t *p = r->buf + tail % r->cap;
		struct rec_hdr *h = (struct rec_hdr *)p;
		if (h->kind == REC_WRAP) {
			atomic_store_explicit(&r->tail, tail + h->size, memory_order_release);
			continue;
		}
		rec->kind = (enum eng_rec_kind)h->kind;
		rec->ts_ns = h->ts_ns;
		rec->n = h->n;
		rec->tag = h->tag;
		rec->vals = (gs_value *)(p + HDR);
		r->cur_size = h->size;
		return 1;
	}
}

int eng_ring_get(struct eng_ring *r, struct eng_rec *rec)
{
	while (!try_get(r, rec))
		wait_briefly(r, &r->consumer_waiting);
	return 0;
}

/* Records taken from one ring before the next is looked at: enough to
 * keep the consumer on one producer's records for a while, few enough
 * that the other producer never waits long for room. */
#define ANY_TURN 256u

size_t eng_ring_get_any(struct eng_ring *const *rs, size_t n, size_t *turn,
                        struct eng_rec *rec)
{
	for (;;) {
		size_t first = (*turn / ANY_TURN) % n;
		for (size_t k = 0; k < n; k++) {
			size_t i = (first + k) % n;
			if (try_get(rs[i], rec)) {
				/* stay with ring i for the rest of its turn */
				*turn = k ? i * ANY_TURN : *turn + 1;
				return i;
			}
		}
		/* all empty: sleep on the shared condition until a producer
		 * wakes it (or 2 ms pass) */
		struct timespec ts;
		deadline(&ts);
		pthread_mutex_lock(rs[0]->mu);
		for (size_t i = 0; i < n; i++)
			atomic_store(&rs[i]->consumer_waiting, 1);
		bool empty = true;
		for (size_t i = 0; i < n && empty; i++)
			empty = atomic_load(&rs[i]->head) == atomic_load(&rs[i]->tail);
		if (empty)
			pthread_cond_timedwait(rs[0]->cv, rs[0]->mu, &ts);
		for (size_t i = 0; i < n; i++)
			atomic_store(&rs[i]->consumer_waiting, 0);
		pthread_mutex_unlock(rs[0]->mu);
	}
}

void eng_ring_fix_strings(struct eng_rec *rec, const uint8_t *types)
{
	uint8_t *base = (uint8_t *)rec->vals - HDR;
	for (uint32_t i = 0; i < rec->n; i++)
		if (types[i] == GS_STRING)
			rec->vals[i].s.p = base + (uintptr_t)rec->vals[i].s.p;
}

void eng_ring_release(struct eng_ring *r)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint64_t new_tail = tail + r->cur_size;
	atomic_store_explicit(&r->tail, new_tail, memory_order_release);
	r->cur_size = 0;
	/* a producer waiting for room is woken once half the ring is free */
	if (atomic_load_explicit(&r->producer_waiting, memory_order_acquire) &&
	    atomic_load_explicit(&r->head, memory_order_acquire) - new_tail <= r->cap / 2)
		wake(r, &r->producer_waiting);
}

void eng_ring_close(struct eng_ring *r)
{
	atomic_store(&r->closed, 1);
	pthread_mutex_lock(r->mu);
	pthread_cond_broadcast(r->cv);
	pthread_mutex_unlock(r->mu);
}
