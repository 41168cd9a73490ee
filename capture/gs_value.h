/*
 * gs_value.h: the value types every layer of gigsh shares.
 *
 * A GSQL value is one of nine types (sql types, section 4 of the fact sheet);
 * at run time it lives in a 16-byte union, gs_value.  This header is also
 * written verbatim into the private build directory of every generated LFTA
 * module, so it must stay self-contained (stdint/stddef only), free of
 * globals and free of anything host-specific.
 *
 * Representation:
 *   GS_BOOL        u (0 or 1)
 *   GS_UINT        u (32-bit value, zero-extended)
 *   GS_INT         i (32-bit value, sign-extended)
 *   GS_ULLONG      u
 *   GS_LLONG       i
 *   GS_FLOAT       f (a C double)
 *   GS_IP          u (IPv4 address in host order: 10.0.0.1 == 0x0a000001)
 *   GS_IPV6        ip6.b (16 bytes, network order)
 *   GS_STRING      s.p / s.len (bytes, not NUL terminated, may contain NUL;
 *                  the memory belongs to whoever produced the tuple and is
 *                  valid only for the duration of the call that passed it)
 */
#ifndef GIGSH_GS_VALUE_H
#define GIGSH_GS_VALUE_H

#include <stddef.h>
#include <stdint.h>

enum gs_type {
	GS_BOOL = 0,
	GS_UINT,
	GS_INT,
	GS_ULLONG,
	GS_LLONG,
	GS_FLOAT,
	GS_IP,
	GS_IPV6,
	GS_STRING,
	GS_NTYPES
};

/* Temporal property of a value (fact sheet section 5). */
enum gs_temporal {
	GS_CONSTANT = 0,
	GS_INCREASING,
	GS_DECREASING,
	GS_VARYING
};

typedef struct gs_str {
	const uint8_t *p;
	uint32_t len;
} gs_str;

typedef struct gs_ip6 {
	uint8_t b[16];
} gs_ip6;

typedef union gs_value {
	uint64_t u;
	int64_t i;
	double f;
	gs_ip6 ip6;
	gs_str s;
} gs_value;

#endif
