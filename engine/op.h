/*
 * op.h: the interface of HFTA operators.
 *
 * Operators are pushed to: each has accept (one tuple), heartbeat
 * (temporal punctuation: no later tuple is older than ts_ns) and flush (end
 * of stream: emit everything held) entry points, and passes its own output
 * to `next`.  Aggregation, merge and join operators plug in here.  Each
 * entry point returns 0 to go on, non-zero when downstream wants no more.
 * Operators run on the HFTA thread only.
 */
#ifndef GIGSH_OP_H
#define GIGSH_OP_H

#include <stdint.h>

#include "../capture/gs_value.h"
#include "lfta_abi.h"

struct eng_op;

struct eng_op_vt {
	const char *name;
	int (*accept)(struct eng_op *op, const gs_value *vals, uint32_t n);
	int (*heartbeat)(struct eng_op *op, uint64_t ts_ns);
	int (*flush)(struct eng_op *op);
	void (*destroy)(struct eng_op *op);
};

struct eng_op {
	const struct eng_op_vt *vt;
	struct eng_op *next;
	uint64_t tuples_in;
	uint64_t tuples_out;
};

/* Pass-through helpers for operators with nothing of their own to do. */
static inline int eng_op_forward_heartbeat(struct eng_op *op, uint64_t ts_ns)
{
	return op->next ? op->next->vt->heartbeat(op->next, ts_ns) : 0;
}
static inline int eng_op_forward_flush(struct eng_op *op)
{
	return op->next ? op->next->vt->flush(op->next) : 0;
}

/* Selection/projection through a module's compiled HFTA part.  params must
 * outlive the operator.  NULL with errbuf (512) set on failure. */
struct eng_op *eng_op_select_new(const struct gs_hfta_select *h, const gs_value *params,
                                 char *errbuf);

/* Aggregation through a module's compiled aggregation part (keys,
 * partials, HAVING and select list); the groups are kept here.  NULL with
 * errbuf (512) set on failure. */
struct eng_op *eng_op_aggregate_new(const struct gs_hfta_aggregate *m, const gs_value *params,
                                    char *errbuf);
/* Groups open now. */
uint64_t eng_op_aggregate_groups(const struct eng_op *op);
/* Cap the memory of the open groups (and their table) at bytes, 0 for no
 * cap.  A tuple whose new group would pass the cap is dropped and counted
 * (eng_op_aggregate_refused); the first time, warn(ctx, message) is called
 * with a message naming the query.  Groups already open keep merging. */
void eng_op_aggregate_set_cap(struct eng_op *op, size_t bytes, const char *name,
                              void (*warn)(void *ctx, const char *msg), void *ctx);
/* Tuples refused by the cap so far. */
uint64_t eng_op_aggregate_refused(const struct eng_op *op);

#endif
