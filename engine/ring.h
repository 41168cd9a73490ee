/*
 * ring.h: the bounded ring of tuples between the LFTA thread and the HFTA
 * thread.
 *
 * One producer, one consumer.  Records are tuples (values plus the bytes of
 * their strings, copied in), heartbeats and end-of-stream marks.  When the
 * ring is full the producer either waits (file input: nothing is lost) or
 * drops the tuple and counts it (live input: capture must not stall); marks
 * are never dropped.  Only tuples cross: packets never enter the ring.
 */
#ifndef GIGSH_RING_H
#define GIGSH_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../capture/gs_value.h"

enum eng_rec_kind { ENG_REC_TUPLE = 1, ENG_REC_HEARTBEAT, ENG_REC_EOS };

struct eng_ring;

struct eng_rec {
	enum eng_rec_kind kind;
	uint64_t ts_ns;     /* heartbeat time */
	uint32_t n;         /* values of a tuple */
	uint32_t tag;       /* as given to the *_tag producer calls, else 0 */
	gs_value *vals;     /* valid until eng_ring_release() */
};

/* A ring of about `bytes` bytes.  NULL when out of memory. */
struct eng_ring *eng_ring_new(size_t bytes);
/* The same, for a second producer whose consumer reads both rings with
 * eng_ring_get_any: it sleeps and is woken through peer's condition
 * variable.  Free it before peer. */
struct eng_ring *eng_ring_new_peer(size_t bytes, struct eng_ring *peer);
void eng_ring_free(struct eng_ring *r);

/* Producer.  types[i] says which values are strings.  Returns 0 when the
 * tuple is in, 1 when it was dropped (full and !block, or larger than the
 * ring), -1 when the consumer has gone away. */
int eng_ring_put_tuple(struct eng_ring *r, const gs_value *vals, uint32_t n,
                       const uint8_t *types, bool block);
/* A heartbeat or end-of-stream mark; waits for room.  -1 if the consumer
 * has gone away. */
int eng_ring_put_mark(struct eng_ring *r, enum eng_rec_kind kind, uint64_t ts_ns);
/* The same with a tag the consumer reads back in eng_rec.tag (several
 * producers' records sharing one ring from one thread, e.g. the queries of
 * a one-pass set). */
int eng_ring_put_tuple_tag(struct eng_ring *r, uint32_t tag, const gs_value *vals, uint32_t n,
                           const uint8_t *types, bool block);
int eng_ring_put_mark_tag(struct eng_ring *r, uint32_t tag, enum eng_rec_kind kind,
                          uint64_t ts_ns);
/* A mark if there is room now: 0, 1 when the ring is full (nothing put,
 * nothing counted), -1 if the consumer has gone away. */
int eng_ring_try_put_mark(struct eng_ring *r, enum eng_rec_kind kind, uint64_t ts_ns);
uint64_t eng_ring_drops(const struct eng_ring *r);

/* Consumer.  Waits for the next record.  Returns 0 with *rec set. */
int eng_ring_get(struct eng_ring *r, struct eng_rec *rec);
/* Consumer of rs[0..n) (rs[1..] made with eng_ring_new_peer(.., rs[0])):
 * waits for a record in any of them and returns the index of its ring,
 * with *rec set; release it with eng_ring_release(rs[index]).  The rings
 * take turns (a few hundred records each); *turn keeps the turn between
 * calls (start it at 0).  Each ring's records come in their order. */
size_t eng_ring_get_any(struct eng_ring *const *rs, size_t n, size_t *turn,
                        struct eng_rec *rec);
/* Turn the string offsets of a tuple record into pointers (once, before
 * reading its strings); types as given to eng_ring_put_tuple. */
void eng_ring_fix_strings(struct eng_rec *rec, const uint8_t *types);
/* Done with the record eng_ring_get returned. */
void eng_ring_release(struct eng_ring *r);
/* The consumer stops reading: pending and later puts return -1. */
void eng_ring_close(struct eng_ring *r);

#endif
