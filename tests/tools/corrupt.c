/*
 * corrupt.c: writes damaged copies of a capture file for the corruption
 * sweep (tests/e2e/corruption.sh).
 *
 * Each copy is the input with a few bytes replaced by random ones.  The
 * places are chosen, with a seeded generator so that every run of the test
 * damages the same bytes, among three kinds: the 24-byte file header, the
 * 16-byte record headers (found by walking the records of a classic pcap
 * input as they are before any damage; a pcapng input has none, so its
 * bytes are chosen anywhere) and anywhere in the file, packet data mostly.
 *
 * Usage:
 *   corrupt SEED COUNT IN OUTPREFIX
 * writes OUTPREFIX-0000.pcap ... OUTPREFIX-(COUNT-1).pcap (the extension is
 * the input's) and prints one line per copy: the file name and the offsets
 * of the bytes it changed, for a reader chasing a failure.  Exit status 0,
 * or 1 with a message when the input cannot be read or an output written.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FLIPS 8
#define PCAP_HDR 24
#define REC_HDR 16

/* splitmix64: small, good enough, the same everywhere. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t rng_below(uint64_t *s, size_t n)
{
	return n ? (size_t)(rng_next(s) % n) : 0;
}

static uint32_t rd32(const uint8_t *p, int swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	             (uint32_t)p[3] << 24;

	if (swap)
		v = v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
	return v;
}

/* Offsets of the record headers of a classic pcap file (0 of them for
 * anything else).  *n is set; the array is malloc'ed (or NULL). */
static size_t *record_headers(const uint8_t *b, size_t len, size_t *n)
{
	size_t *recs = NULL, cap = 0, off = PCAP_HDR;
	int swap;
	uint32_t magic;

	*n = 0;
	if (len < PCAP_HDR)
		return NULL;
	magic = rd32(b, 0);
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
		swap = 0;
	else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
		swap = 1;
	else
		return NULL;
	while (off + REC_HDR <= len) {
		uint32_t caplen = rd32(b + off + 8, swap);

		if (*n == cap) {
			size_t *r;

			cap = cap ? 2 * cap : 64;
			r = realloc(recs, cap * sizeof *recs);
			if (!r) {
				free(recs);
				*n = 0;
				return NULL;
			}
			recs = r;
		}
		recs[(*n)++] = off;
		if (caplen > len - off - REC_HDR)
			break;
		off += REC_HDR + caplen;
	}
	return recs;
}

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			uint8_t *nb;

			cap = cap ? 2 * cap : 65536;
			nb = realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(f);
				return NULL;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(b);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return b;
}

int main(int argc, char **argv)
{
	uint64_t seed;
	long count;
	const char *in, *prefix, *ext;
	uint8_t *orig, *copy;
	size_t len, nrec, *recs;
	char path[4096];

	if (argc != 5) {
		fprintf(stderr, "usage: corrupt SEED COUNT IN OUTPREFIX\n");
		return 1;
	}
	seed = strtoull(argv[1], NULL, 0);
	count = strtol(argv[2], NULL, 10);
	in = argv[3];
	prefix = argv[4];
	ext = strrchr(in, '.');
	if (!ext || strchr(ext, '/'))
		ext = "";
	orig = read_all(in, &len);
	if (!orig) {
		fprintf(stderr, "corrupt: %s: %s\n", in, errno ? strerror(errno) : "cannot read");
		return 1;
	}
	if (len == 0) {
		fprintf(stderr, "corrupt: %s: empty\n", in);
		free(orig);
		return 1;
	}
	copy = malloc(len);
	if (!copy) {
		fprintf(stderr, "corrupt: out of memory\n");
		free(orig);
		return 1;
	}
	recs = record_headers(orig, len, &nrec);
	for (long i = 0; i < count; i++) {
		uint64_t s = seed * 1000003u + (uint64_t)i;
		int flips = 1 + (int)rng_below(&s, MAX_FLIPS);
		FILE *f;

		memcpy(copy, orig, len);
		snprintf(path, sizeof path, "%s-%04ld%s", prefix, i, ext);
		printf("%s", path);
		for (int k = 0; k < flips; k++) {
			size_t off;
			unsigned where = (unsigned)rng_below(&s, 8);

			if (where == 0 && len >= PCAP_HDR)
				off = rng_below(&s, PCAP_HDR);                  /* file header */
			else if (where <= 2 && nrec)
				off = recs[rng_below(&s, nrec)] + rng_below(&s, REC_HDR); /* record */
			else
				off = rng_below(&s, len);                       /* anywhere */
			if (off >= len)
				off = len - 1;
			/* a different byte: xor with 1..255 */
			copy[off] ^= (uint8_t)(1 + rng_below(&s, 255));
			printf(" %zu", off);
		}
		printf("\n");
		f = fopen(path, "wb");
		if (f && fwrite(copy, 1, len, f) != len) {
			fclose(f);
			f = NULL;
		}
		if (!f || fclose(f) != 0) {
			fprintf(stderr, "corrupt: %s: %s\n", path, strerror(errno));
			free(recs);
			free(copy);
			free(orig);
			return 1;
		}
	}
	free(recs);
	free(copy);
	free(orig);
	return 0;
}
