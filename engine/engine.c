/*
 * engine.c: the engine's public entry points (engine.h).
 *
 * eng_exec runs each statement of a text through parse, analysis, planning
 * and code generation; a named query is registered as a stream, any other
 * query runs.  eng_describe answers \schema from the packet schema and the
 * registry, as rows like any query's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine_int.h"

const char *eng_type_name(enum gs_type t) { return sql_type_name(t); }
const char *eng_temporal_name(enum gs_temporal t) { return sql_temporal_name(t); }

struct eng_ctx *eng_create(const struct eng_config *cfg, char *errbuf)
{
	struct eng_ctx *e = calloc(1, sizeof *e);
	if (!e) {
		snprintf(errbuf, 512, "out of memory");
		return NULL;
	}
	e->cfg = *cfg;
	if (cfg->nsources) {
		e->sources = calloc(cfg->nsources, sizeof *e->sources);
		if (!e->sources) {
			free(e);
			snprintf(errbuf, 512, "out of memory");
			return NULL;
		}
		memcpy(e->sources, cfg->sources, cfg->nsources * sizeof *e->sources);
		e->nsources = cfg->nsources;
	}
	/* A capture file that cannot be read is a start-up failure, said now
	 * rather than at the first query. */
	for (size_t i = 0; i < e->nsources; i++) {
		if (e->sources[i].kind != ENG_SRC_FILE)
			continue;
		char cerr[CAP_ERRBUF_SIZE] = "";
		struct cap_source *s = cap_open_file(e->sources[i].arg, cerr);
		if (!s) {
			snprintf(errbuf, 512, "%s", cerr[0] ? cerr : "cannot open capture file");
			free(e->sources);
			free(e);
			return NULL;
		}
		cap_close(s);
	}
	eng_stats_init(e);
	e->mcfg.cache_dir = cfg->cache_dir;
	e->mcfg.no_cache = cfg->no_cache;
	e->mcfg.unprivileged = cfg->modules_unprivileged;
	e->mcfg.werror = cfg->werror || (getenv("GIGSH_WERROR") && strcmp(getenv("GIGSH_WERROR"), "1") == 0);
	return e;
}

void eng_destroy(struct eng_ctx *e)
{
	if (!e)
		return;
	eng_close_sources(e);
	eng_registry_free(e);
	for (size_t i = 0; i < e->nkept; i++)
		sql_script_free(e->kept[i]);
	free(e->kept);
	free(e->stats);
	for (struct eng_param *p = e->params; p;) {
		struct eng_param *n = p->next;
		free(p->name);
		free(p->value);
		free(p);
		p = n;
	}
	free(e->sources);
	free(e);
}

void eng_cancel(struct eng_ctx *e)
{
	if (e)
		e->cancel = 1;
}

int eng_set_param(struct eng_ctx *e, const char *name, const char *value)
{
	for (struct eng_param *p = e->params; p; p = p->next)
		if (strcmp(p->name, name) == 0) {
			char *v = strdup(value);
			if (!v)
				return -1;
			free(p->value);
			p->value = v;
			return 0;
		}
	struct eng_param *p = calloc(1, sizeof *p);
	if (!p || !(p->name = strdup(name)) || !(p->value = strdup(value))) {
		if (p)
			free(p->name);
		free(p);
		return -1;
	}
	p->next = e->params;
	e->params = p;
	return 0;
}

/* Analyze and plan one parsed query (with its module source). */
static struct eng_plan *prepare(struct eng_ctx *e, struct sql_query *q, struct sql_arena *a,
                                struct sql_error *err)
{
	struct sql_catalog cat = eng_catalog(e);
	struct sql_analyzed *an = sql_analyze(q, a, &cat, err);
	if (!an)
		return NULL;
	struct eng_stream *up = NULL;
	if (an->src_kind == SQL_SRC_STREAM)
		up = eng_registry_find(e, an->stream->name);
	const char *name = an->query_name ? an->query_name : "query";
	struct eng_plan *p = eng_plan_query(an, up, name, a, err);
	if (!p || eng_codegen(p, a, err) < 0)
		return NULL;
	return p;
}

static bool depends_on(struct eng_ctx *e, const struct eng_stream *target)
{
	for (struct eng_stream *s = e->streams; s; s = s->next)
		if (s->plan->upstream == target)
			return true;
	return false;
}

static int keep_script(struct eng_ctx *e, struct sql_script *s)
{
	if (e->nkept && e->kept[e->nkept - 1] == s)
		return 0;
	if (e->nkept == e->capkept) {
		size_t n = e->capkept ? e->capkept * 2 : 8;
		struct sql_script **k = realloc(e->kept, n * sizeof *k);
		if (!k)
			return -1;
		e->kept = k;
		e->capkept = n;
	}
	e->kept[e->nkept++] = s;
	return 0;
}

static int define_stream(struct eng_ctx *e, struct sql_script *script, struct eng_plan *p,
                         const char *text, const struct sql_query *q, const struct eng_output *out,
                         struct sql_error *err)
{
	struct eng_stream *old = eng_registry_find(e, p->name);
	if (old == &e->stats_stream) {
		sql_error_set(err, true, q->pos, "\"%s\" is the name of the engine's counters stream",
		              p->name);
		return -1;
	}
	if (old && strcmp(old->name, p->name) == 0 && depends_on(e, old)) {
		sql_error_set(err, true, q->pos, "stream \"%s\" already exists and other streams read it",
		              p->name);
		return -1;
	}
	struct eng_stream *s = calloc(1, sizeof *s);
	if (!s || !(s->name = strdup(p->name)) ||
	    !(s->text = strndup(text + q->pos, q->end > q->pos ? q->end - q->pos : 0)) ||
	    keep_script(e, script) < 0) {
		if (s) {
			free(s->name);
			free(s->text);
		}
		free(s);
		sql_error_set(err, false, 0, "out of memory");
		return -1;
	}
	s->script = script;
	s->an = p->an;
	s->plan = p;
	if (old && strcmp(old->name, p->name) == 0) {
		/* replace in place: same position in the listing */
		struct eng_stream **pp = &e->streams;
		while (*pp != old)
			pp = &(*pp)->next;
		s->next = old->next;
		*pp = s;
		free(old->name);
		free(old->text);
		free(old);
	} else {
		eng_registry_add(e, s);
	}
	if (out && out->notice) {
		char msg[128];
		snprintf(msg, sizeof msg, "DEFINE QUERY %s", p->name);
		out->notice(out->ctx, msg);
	}
	return 0;
}

int eng_exec(struct eng_ctx *e, const char *text, size_t len, const struct eng_output *out,
             struct sql_error *err)
{
	memset(err, 0, sizeof *err);
	struct sql_script *script = sql_parse(text, len, err);
	if (!script)
		return -1;
	bool kept = false;
	int rc = 0;
	for (uint32_t i = 0; i < script->nqueries && rc == 0; i++) {
		struct sql_query *q = script->queries[i];
		struct eng_plan *p = prepare(e, q, script->arena, err);
		if (!p) {
			rc = -1;
			break;
		}
		if (p->an->query_name) {
			rc = define_stream(e, script, p, text, q, out, err);
			if (rc == 0)
				kept = true;
		} else {
			e->nqueries++;
			rc = eng_run(e, p, out, err);
		}
	}
	if (!kept)
		sql_script_free(script);
	return rc;
}

int eng_explain(struct eng_ctx *e, const char *text, size_t len, bool verbose, FILE *f,
                struct sql_error *err)
{
	memset(err, 0, sizeof *err);
	struct sql_script *script = sql_parse(text, len, err);
	if (!script)
		return -1;
	int rc = 0;
	if (script->nqueries == 0) {
		sql_error_set(err, false, 0, "\\explain needs a query");
		rc = -1;
	}
	for (uint32_t i = 0; i < script->nqueries && rc == 0; i++) {
		struct eng_plan *p = prepare(e, script->queries[i], script->arena, err);
		if (!p) {
			rc = -1;
			break;
		}
		eng_explain_plan(e, p, verbose, f);
	}
	sql_script_free(script);
	return rc;
}

/* ---- \schema ------------------------------------------------------------------ */

static int put_row(const struct eng_output *out, const char *const *cells, uint32_t n)
{
	gs_value v[8];
	for (uint32_t i = 0; i < n; i++) {
		v[i].s.p = (const uint8_t *)cells[i];
		v[i].s.len = (uint32_t)strlen(cells[i]);
	}
	return out->row(out->ctx, v, n);
}

static int describe_all(struct eng_ctx *e, const struct eng_output *out)
{
	static const struct eng_column cols[] = {
		{ "name", GS_STRING, GS_VARYING },
		{ "kind", GS_STRING, GS_VARYING },
		{ "description", GS_STRING, GS_VARYING },
	};
	struct eng_run_stats st = { 0 };
	if (out->begin && out->begin(out->ctx, cols, 3) != 0)
		return 0;
	for (int i = 0; i < CAP_NPROTOS; i++) {
		const struct cap_proto_info *pi = cap_proto_info((enum cap_proto)i);
		const char *cells[] = { pi->name, "protocol", pi->doc ? pi->doc : "" };
		if (put_row(out, cells, 3))
			break;
		st.rows_out++;
	}
	{
		const char *cells[] = { "gs_stats", "counters", e->stats_stream.text };
		if (put_row(out, cells, 3) == 0)
			st.rows_out++;
	}
	for (struct eng_stream *s = e->streams; s; s = s->next) {
		const char *cells[] = { s->name, "stream", s->text };
		if (put_row(out, cells, 3))
			break;
		st.rows_out++;
	}
	if (out->end)
		out->end(out->ctx, &st);
	return 0;
}

int eng_describe(struct eng_ctx *e, const char *name, const struct eng_output *out,
                 struct sql_error *err)
{
	memset(err, 0, sizeof *err);
	if (!name || !name[0])
		return describe_all(e, out);
	static const struct eng_column cols[] = {
		{ "field", GS_STRING, GS_VARYING },
		{ "type", GS_STRING, GS_VARYING },
		{ "temporal", GS_STRING, GS_VARYING },
		{ "layer", GS_STRING, GS_VARYING },
		{ "description", GS_STRING, GS_VARYING },
	};
	struct eng_run_stats st = { 0 };
	struct eng_stream *s = eng_registry_find(e, name);
	int p = s ? -1 : cap_proto_lookup(name);
	if (!s && p < 0) {
		sql_error_set(err, false, 0, "no protocol or stream called \"%s\"", name);
		snprintf(err->hint, sizeof err->hint, "\\schema with no name lists them");
		return -1;
	}
	if (out->begin && out->begin(out->ctx, cols, 5) != 0)
		return 0;
	if (s) {
		const struct sql_stream_schema *sc = &s->plan->schema;
		for (uint32_t i = 0; i < sc->ncols; i++) {
			const char *cells[] = { sc->col_names[i], sql_type_name(sc->types[i]),
			                        sql_temporal_name(sc->temporal[i]), s->name, "" };
			if (put_row(out, cells, 5))
				break;
			st.rows_out++;
		}
	} else {
		for (size_t i = 0; i < cap_nfields(); i++) {
			const struct cap_field *f = cap_field_at(i);
			if (!cap_proto_sees((enum cap_proto)p, f->proto))
				continue;
			const char *cells[] = { f->name, sql_type_name(f->type), sql_temporal_name(f->temporal),
			                        cap_proto_info(f->proto)->name, f->doc ? f->doc : "" };
			if (put_row(out, cells, 5))
				break;
			st.rows_out++;
		}
	}
	if (out->end)
		out->end(out->ctx, &st);
	return 0;
}
