/*
 * sources.c: the packet sources of a run, opened per run or kept open for
 * the whole session.
 *
 * By default each run opens the sources it reads and closes them at its
 * end.  eng_open_sources() opens every source once instead (gigsh -Z does
 * it while still root, before dropping to the user): the engine keeps the
 * handles, and each run rewinds the ones it reads (a file from its first
 * packet, a live interface from that moment on) and leaves them open.
 * Either way a run gets its sources from eng_sources_acquire() and gives
 * them back with eng_sources_release(), which closes only what it opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The name FROM iface.PROTO matches: the interface, or the file's base name. */
static const char *spec_name(const struct eng_source_spec *sp)
{
	return sp->kind == ENG_SRC_FILE ? base_name(sp->arg) : sp->arg;
}

static struct cap_source *open_spec(const struct eng_ctx *e, const struct eng_source_spec *sp,
                                    char *cerr)
{
	return sp->kind == ENG_SRC_FILE ? cap_open_file(sp->arg, cerr)
	                                : cap_open_live(sp->arg, NULL, e->cfg.buffer_bytes, cerr);
}

int eng_open_sources(struct eng_ctx *e, char *errbuf)
{
	if (e->kept_srcs)
		return 0;
	if (e->nsources == 0)
		return 0;
	struct cap_source **k = calloc(e->nsources, sizeof *k);
	if (!k) {
		snprintf(errbuf, 512, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < e->nsources; i++) {
		char cerr[CAP_ERRBUF_SIZE] = "";
		k[i] = open_spec(e, &e->sources[i], cerr);
		if (!k[i]) {
			snprintf(errbuf, 512, "%s", cerr[0] ? cerr : "cannot open the packet source");
			for (size_t j = 0; j < i; j++)
				cap_close(k[j]);
			free(k);
			return -1;
		}
	}
	e->kept_srcs = k;
	return 0;
}

void eng_close_sources(struct eng_ctx *e)
{
	if (!e->kept_srcs)
		return;
	for (size_t i = 0; i < e->nsources; i++)
		cap_close(e->kept_srcs[i]);
	free(e->kept_srcs);
	e->kept_srcs = NULL;
}

const char *eng_source_name(const struct eng_ctx *e, size_t i)
{
	return spec_name(&e->sources[i]);
}

struct cap_source *eng_source_open(struct eng_ctx *e, size_t i, struct sql_error *err)
{
	char cerr[CAP_ERRBUF_SIZE] = "";
	struct cap_source *s;
	if (e->kept_srcs) {
		s = e->kept_srcs[i];
		if (cap_rewind(s, cerr) < 0) {
			sql_error_set(err, false, 0, "%s", cerr[0] ? cerr : "cannot read the packet source again");
			return NULL;
		}
	} else if (!(s = open_spec(e, &e->sources[i], cerr))) {
		sql_error_set(err, false, 0, "%s", cerr[0] ? cerr : "cannot open the packet source");
		return NULL;
	}
	return s;
}

int eng_sources_acquire(struct eng_ctx *e, const struct eng_plan *root, struct cap_source **srcs,
                        size_t *nsrc, bool *live, struct sql_error *err)
{
	*nsrc = 0;
	*live = false;
	for (size_t i = 0; i < e->nsources; i++) {
		const struct eng_source_spec *sp = &e->sources[i];
		if (root->iface && strcmp(root->iface, spec_name(sp)) != 0)
			continue;
		struct cap_source *s = eng_source_open(e, i, err);
		if (!s) {
			eng_sources_release(e, srcs, *nsrc);
			*nsrc = 0;
			return -1;
		}
		if (sp->kind == ENG_SRC_LIVE)
			*live = true;
		srcs[(*nsrc)++] = s;
	}
	if (*nsrc == 0) {
		sql_error_set(err, true, root->an->q->from[0].pos, "no packet source is called \"%s\"",
		              root->iface);
		char list[200] = "";
		size_t n = 0;
		for (size_t i = 0; i < e->nsources && n < sizeof list; i++)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
			                      spec_name(&e->sources[i]));
		snprintf(err->hint, sizeof err->hint, "the sources are: %s", list);
		return -1;
	}
	return 0;
}

void eng_sources_release(struct eng_ctx *e, struct cap_source **srcs, size_t nsrc)
{
	if (e->kept_srcs)
		return; /* the engine's: they stay open for the next run */
	for (size_t i = 0; i < nsrc; i++)
		cap_close(srcs[i]);
}
