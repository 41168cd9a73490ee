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

struct eng_stream *eng_registry_find(struct eng_ctx *e, const char *name)
{
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
