/*
 * registry.c: the streams gigsh knows by name.
 *
 * Every protocol of the packet schema is a stream (capture/schema.def);
 * every query defined with DEFINE { query_name 'x'; } becomes stream x,
 * with its schema (column names, types, temporal properties) and its plan.
 * The analyzer sees the registry through a struct sql_catalog.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine_int.h"

/* gs_stats: the engine's own counters as a stream other queries read. */
static const char *const stats_names[ENG_STATS_COLS] = {
	"query", "part", "packets_in", "tuples_in", "tuples_out", "bytes_out",
	"collisions", "evictions", "groups_open", "dropped",
};
static const enum gs_type stats_types[ENG_STATS_COLS] = {
	GS_STRING, GS_STRING, GS_ULLONG, GS_ULLONG, GS_ULLONG, GS_ULLONG, GS_ULLONG, GS_ULLONG, GS_ULLONG,
	GS_ULLONG,
};
static const enum gs_temporal stats_temporal[ENG_STATS_COLS] = {
	GS_VARYING, GS_VARYING, GS_VARYING, GS_VARYING, GS_VARYING, GS_VARYING, GS_VARYING,
	GS_VARYING, GS_VARYING, GS_VARYING,
};
static struct eng_column stats_cols[ENG_STATS_COLS];

void eng_stats_init(struct eng_ctx *e)
{
	struct eng_plan *p = &e->stats_plan;
	for (int i = 0; i < ENG_STATS_COLS; i++) {
		stats_cols[i].name = stats_names[i];
		stats_cols[i].type = stats_types[i];
		stats_cols[i].temporal = stats_temporal[i];
	}
	p->name = "gs_stats";
	p->builtin = true;
	p->cols = stats_cols;
	p->ncols = ENG_STATS_COLS;
	p->schema.name = "gs_stats";
	p->schema.ncols = ENG_STATS_COLS;
	p->schema.col_names = stats_names;
	p->schema.types = stats_types;
	p->schema.temporal = stats_temporal;
	e->stats_stream.name = (char *)"gs_stats";
	e->stats_stream.plan = p;
	e->stats_stream.text = (char *)"the counters of each part of the queries of the last run";
}

struct eng_stream *eng_registry_find(struct eng_ctx *e, const char *name)
{
	if (strcasecmp(name, "gs_stats") == 0)
		return &e->stats_stream;
	for (struct eng_stream *s = e->streams; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	for (struct eng_stream *s = e->streams; s; s = s->next)
		if (strcasecmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Append s (streams are listed in the order they were defined). */
void eng_registry_add(struct eng_ctx *e, struct eng_stream *s)
{
	struct eng_stream **pp = &e->streams;
	while (*pp)
		pp = &(*pp)->next;
	s->next = NULL;
	*pp = s;
}

void eng_registry_free(struct eng_ctx *e)
{
	struct eng_stream *s = e->streams;
	while (s) {
		struct eng_stream *n = s->next;
		free(s->name);
		free(s->text);
		free(s);
		s = n;
	}
	e->streams = NULL;
}

static const struct sql_stream_schema *lookup(void *ctx, const char *name)
{
	struct eng_stream *s = eng_registry_find(ctx, name);
	return s ? &s->plan->schema : NULL;
}

static void each(void *ctx, void (*fn)(void *arg, const char *name), void *arg)
{
	struct eng_ctx *e = ctx;
	for (struct eng_stream *s = e->streams; s; s = s->next)
		fn(arg, s->name);
}

struct sql_catalog eng_catalog(struct eng_ctx *e)
{
	struct sql_catalog c = { .lookup = lookup, .each = each, .ctx = e };
	return c;
}
