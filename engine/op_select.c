/*
 * op_select.c: the HFTA select/project operator.
 *
 * For each input tuple it runs the query's compiled HFTA part (the
 * predicates the LFTA could not evaluate, then the select list) and pushes
 * the result downstream.  Heartbeats and end of stream pass through.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "op.h"

struct op_select {
	struct eng_op op;
	const struct gs_hfta_select *h;
	gs_value *out;
	void *state;
	bool inited;
};

static int sel_accept(struct eng_op *op, const gs_value *vals, uint32_t n)
{
	struct op_select *s = (struct op_select *)op;
	(void)n;
	op->tuples_in++;
	if (!s->h->select(s->state, vals, s->out))
		return 0;
	op->tuples_out++;
	return op->next->vt->accept(op->next, s->out, s->h->n_out);
}

static void sel_destroy(struct eng_op *op)
{
	struct op_select *s = (struct op_select *)op;
	if (s->inited)
		s->h->fini(s->state);
	free(s->state);
	free(s->out);
	free(s);
}

static const struct eng_op_vt select_vt = {
	.name = "select",
	.accept = sel_accept,
	.heartbeat = eng_op_forward_heartbeat,
	.flush = eng_op_forward_flush,
	.destroy = sel_destroy,
};

struct eng_op *eng_op_select_new(const struct gs_hfta_select *h, const gs_value *params,
                                 char *errbuf)
{
	struct op_select *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(errbuf, 512, "out of memory");
		return NULL;
	}
	s->op.vt = &select_vt;
	s->h = h;
	s->out = calloc(h->n_out ? h->n_out : 1, sizeof *s->out);
	s->state = calloc(1, h->state_size ? h->state_size : 1);
	if (!s->out || !s->state) {
		snprintf(errbuf, 512, "out of memory");
		sel_destroy(&s->op);
		return NULL;
	}
	if (h->init(s->state, params) != 0) {
		snprintf(errbuf, 512, "the HFTA of %s could not start (regular expression)", h->query_name);
		h->fini(s->state);
		sel_destroy(&s->op);
		return NULL;
	}
	s->inited = true;
	return &s->op;
}
