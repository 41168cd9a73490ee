/*
 * gs_ops.h: the operations of GSQL expressions, shared by generated LFTA
 * code and the HFTA interpreter (engine/eval.c).
 *
 * Both levels compute every operator and function through these inline
 * functions, so a query means the same thing whichever side runs it.  An
 * operation that can fail (division by zero) returns 0; the caller then
 * drops the tuple, exactly as for a field the packet does not have.
 *
 * Written into each module's private build directory: self-contained, no
 * globals, only memcmp from libc.
 */
#ifndef GIGSH_GS_OPS_H
#define GIGSH_GS_OPS_H

#include <stdint.h>
#include <string.h>

#include "gs_value.h"

static inline int gs_div_u64(uint64_t a, uint64_t b, uint64_t *r)
{
	if (b == 0)
		return 0;
	*r = a / b;
	return 1;
}

static inline int gs_mod_u64(uint64_t a, uint64_t b, uint64_t *r)
{
	if (b == 0)
		return 0;
	*r = a % b;
	return 1;
}

static inline int gs_div_i64(int64_t a, int64_t b, int64_t *r)
{
	if (b == 0 || (a == INT64_MIN && b == -1))
		return 0;
	*r = a / b;
	return 1;
}

static inline int gs_mod_i64(int64_t a, int64_t b, int64_t *r)
{
	if (b == 0 || (a == INT64_MIN && b == -1))
		return 0;
	*r = a % b;
	return 1;
}

static inline int gs_div_f(double a, double b, double *r)
{
	if (b == 0.0)
		return 0;
	*r = a / b;
	return 1;
}

/* Wrapping arithmetic on signed values without undefined behaviour. */
static inline int64_t gs_add_i64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t gs_sub_i64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static inline int64_t gs_mul_i64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static inline int64_t gs_neg_i64(int64_t a) { return (int64_t)(0u - (uint64_t)a); }

/* Shifts by 64 or more (or a negative count) give 0, not undefined behaviour. */
static inline uint64_t gs_shl_u64(uint64_t a, uint64_t n) { return n >= 64 ? 0 : a << n; }
static inline uint64_t gs_shr_u64(uint64_t a, uint64_t n) { return n >= 64 ? 0 : a >> n; }
static inline int64_t gs_shl_i64(int64_t a, int64_t n)
{
	return (n < 0 || n >= 64) ? 0 : (int64_t)((uint64_t)a << n);
}
static inline int64_t gs_shr_i64(int64_t a, int64_t n)
{
	if (n < 0 || n >= 64)
		return a < 0 ? -1 : 0;
	return a < 0 ? (int64_t)~(~(uint64_t)a >> n) : (int64_t)((uint64_t)a >> n);
}

/* double to integer without undefined behaviour: NaN gives 0, values out
 * of range saturate. */
static inline int64_t gs_f2i64(double d)
{
	if (d != d)
		return 0;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

/* Truncate to 32 bits (uint/int results). */
static inline uint64_t gs_u32(uint64_t a) { return (uint32_t)a; }
static inline int64_t gs_i32(int64_t a) { return (int32_t)(uint32_t)(uint64_t)a; }

/* Total orders used by comparisons: negative, zero or positive. */
static inline int gs_cmp_str(gs_str a, gs_str b)
{
	uint32_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.p, b.p, n) : 0;
	if (c)
		return c;
	return a.len < b.len ? -1 : (a.len > b.len ? 1 : 0);
}

static inline int gs_cmp_ip6(const gs_ip6 *a, const gs_ip6 *b)
{
	return memcmp(a->b, b->b, 16);
}

/* Compare a signed and an unsigned 64-bit value exactly. */
static inline int gs_cmp_i64_u64(int64_t a, uint64_t b)
{
	if (a < 0)
		return -1;
	return (uint64_t)a < b ? -1 : ((uint64_t)a > b ? 1 : 0);
}

static inline int gs_cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }
static inline int gs_cmp_i64(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }
static inline int gs_cmp_f(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

static inline gs_ip6 gs_and_ip6(gs_ip6 a, gs_ip6 b)
{
	for (int i = 0; i < 16; i++)
		a.b[i] &= b.b[i];
	return a;
}

static inline gs_ip6 gs_or_ip6(gs_ip6 a, gs_ip6 b)
{
	for (int i = 0; i < 16; i++)
		a.b[i] |= b.b[i];
	return a;
}

/* A hash of n zero-padded values (an LFTA group key): two multiply-mix
 * rounds per 16-byte value, then a final avalanche. */
static inline uint64_t gs_hash_key(const gs_value *v, uint32_t n)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t w[2];
		memcpy(w, &v[i], sizeof w);
		h = (h ^ w[0]) * UINT64_C(0xff51afd7ed558ccd);
		h = (h ^ (h >> 29) ^ w[1]) * UINT64_C(0xc4ceb9fe1a85ec53);
	}
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	return h ^ (h >> 32);
}

/* ---- functions (catalogue in sql/functions.c) ---------------------------- */

/* str_match_start[s, prefix]: s begins with prefix. */
static inline int gs_fn_str_match_start(gs_str s, gs_str prefix)
{
	return s.len >= prefix.len && (prefix.len == 0 || memcmp(s.p, prefix.p, prefix.len) == 0);
}

/* str_exists_substr[s, sub]: sub occurs in s. */
static inline int gs_fn_str_exists_substr(gs_str s, gs_str sub)
{
	if (sub.len == 0)
		return 1;
	if (sub.len > s.len)
		return 0;
	for (uint32_t i = 0; i + sub.len <= s.len; i++)
		if (s.p[i] == sub.p[0] && memcmp(s.p + i, sub.p, sub.len) == 0)
			return 1;
	return 0;
}

/* strlen(s): the length of s in bytes. */
static inline uint64_t gs_fn_strlen(gs_str s) { return s.len; }

/* prefix(ip, bits): the address with all but its first `bits` bits zero. */
static inline uint64_t gs_fn_prefix(uint64_t ip, uint64_t bits)
{
	if (bits >= 32)
		return (uint32_t)ip;
	return bits == 0 ? 0 : (uint32_t)ip & (uint32_t)(0xffffffffu << (32 - bits));
}

/* prefix6(ip6, bits): the IPv6 address with all but its first bits zero. */
static inline gs_ip6 gs_fn_prefix6(gs_ip6 a, uint64_t bits)
{
	for (unsigned i = 0; i < 16; i++) {
		uint64_t lo = i * 8u;
		if (bits <= lo)
			a.b[i] = 0;
		else if (bits < lo + 8)
			a.b[i] &= (uint8_t)(0xffu << (8 - (bits - lo)));
	}
	return a;
}

#endif
