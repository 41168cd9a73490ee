/*
 * arena.c: the bump allocator that owns everything one parse produces.
 *
 * An arena is a chain of malloc'ed blocks.  Small requests are carved from
 * the newest block in order; a request too big to share a block gets a block
 * of its own.  Memory is handed out zeroed and aligned for any C object, and
 * is only ever given back all at once, by sql_arena_free().  The syntax tree
 * (sql/ast.h) lives here, so freeing a parse's script is freeing its arena.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sql.h"

/* Usable bytes in an ordinary block, and the largest request that still
 * shares one (bigger requests get a dedicated block). */
#define ARENA_BLOCK_SIZE 16384u
#define ARENA_BIG_REQUEST (ARENA_BLOCK_SIZE / 4)
#define ARENA_ALIGN alignof(max_align_t)

struct arena_block {
	struct arena_block *next;
	size_t size;            /* usable bytes in data[] */
	size_t used;            /* bytes handed out from data[] */
	max_align_t data[];
};

struct sql_arena {
	struct arena_block *head;   /* the block small requests come from */
};

/* Make a block with room for at least size bytes, or NULL. */
static struct arena_block *block_new(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

/* Returns an empty arena, or NULL when out of memory. */
struct sql_arena *sql_arena_new(void)
{
	struct sql_arena *a = malloc(sizeof(*a));

	if (!a)
		return NULL;
	a->head = NULL;
	return a;
}

/* Frees every block of a and a itself; every pointer a gave out dies.
 * a may be NULL. */
void sql_arena_free(struct sql_arena *a)
{
	struct arena_block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* Returns n zeroed bytes aligned for any object, valid until the arena is
 * freed; NULL when out of memory or a is NULL.  n == 0 still returns a
 * distinct usable pointer. */
void *sql_arena_alloc(struct sql_arena *a, size_t n)
{
	struct arena_block *b;
	size_t need;
	void *p;

	if (!a)
		return NULL;
	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	need = n ? (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1) : ARENA_ALIGN;

	if (need > ARENA_BIG_REQUEST) {
		/* A dedicated block, linked behind the current one so that the
		 * room left in the current block stays usable. */
		b = block_new(need);
		if (!b)
			return NULL;
		b->used = need;
		if (a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			a->head = b;
		}
		memset(b->data, 0, need);
		return b->data;
	}

	b = a->head;
	if (!b || b->size - b->used < need) {
		b = block_new(ARENA_BLOCK_SIZE);
		if (!b)
			return NULL;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, need);
	return p;
}

/* Returns a NUL-terminated copy of the n bytes at s (which may hold NUL
 * bytes and need not be terminated), or NULL when out of memory. */
char *sql_arena_strndup(struct sql_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = sql_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
