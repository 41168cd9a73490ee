/*
 * lfta_abi.h: the versioned C interface between the run-time system and a
 * generated LFTA module.
 *
 * A module is a shared object with exactly one exported symbol,
 * GS_LFTA_ENTRY_SYMBOL, a function returning a pointer to a constant
 * struct gs_lfta_module.  The struct begins with the ABI version, the schema
 * hash and the query name; the loader checks all three after dlopen() and
 * before calling anything else.  The module keeps no global state: every
 * instance lives in a block of state_size bytes that the run-time system
 * allocates (zeroed) and passes to each call, so the same module can be
 * instantiated several times and later built for the NIC run-time.
 *
 * This header is written into the module's private build directory.
 */
#ifndef GIGSH_LFTA_ABI_H
#define GIGSH_LFTA_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "gs_value.h"
#include "packet.h"

#define GS_LFTA_ABI_VERSION 1u
#define GS_LFTA_ENTRY_SYMBOL "gs_lfta_entry_v1"

/* Where a module sends what it produces.  The run-time system owns it and
 * it outlives the module instance. */
struct gs_lfta_sink {
	void *ctx;
	/* One output tuple of n values (types as in gs_lfta_module.out_types).
	 * Strings point into the packet and are copied by the sink.  Returns 0
	 * to go on, non-zero when the consumer wants no more. */
	int (*tuple)(void *ctx, const gs_value *vals, uint32_t n);
	/* Temporal punctuation: no later tuple will carry a time before ts_ns. */
	int (*heartbeat)(void *ctx, uint64_t ts_ns);
};

/* Counters a module keeps in its state block; the run-time system reads
 * them (they are the first member of every module state). */
struct gs_lfta_counters {
	uint64_t packets_in;
	uint64_t tuples_out;
	uint64_t bytes_out;
	uint64_t collisions;
	uint64_t evictions;
};

struct gs_lfta_module {
	uint32_t abi_version;      /* GS_LFTA_ABI_VERSION */
	uint32_t n_params;
	uint64_t schema_hash;      /* cap_schema_hash() of the gigsh that built it */
	const char *query_name;    /* NUL-terminated, for messages only */
	uint32_t n_out;            /* values per output tuple */
	const uint8_t *out_types;  /* n_out enum gs_type values */
	size_t state_size;         /* bytes; begins with struct gs_lfta_counters */

	/* Set up a zeroed state block.  params holds n_params values (their
	 * strings must outlive the instance).  Returns 0, or -1 on failure. */
	int (*init)(void *state, const gs_value *params, const struct gs_lfta_sink *sink);
	/* One decoded packet.  Returns 0 to go on, non-zero if the sink asked
	 * to stop. */
	int (*accept)(void *state, const struct cap_packet *pkt);
	/* Pass on temporal punctuation (and, for aggregations, close buckets). */
	int (*heartbeat)(void *state, uint64_t ts_ns);
	/* End of stream: emit whatever is still held. */
	int (*flush)(void *state);
};

typedef const struct gs_lfta_module *(*gs_lfta_entry_fn)(void);

/*
 * The HFTA half of a query's module: the compiled predicates and
 * projection that the HFTA select operator (engine/op_select.c) applies to
 * each tuple it receives.  Exported as GS_HFTA_ENTRY_SYMBOL by modules of
 * queries that have an HFTA part; never built for the NIC.  Expressions at
 * both levels are compiled by one code generator, so they mean the same.
 */
#define GS_HFTA_ENTRY_SYMBOL "gs_hfta_entry_v1"

struct gs_hfta_select {
	uint32_t abi_version;      /* GS_LFTA_ABI_VERSION */
	uint32_t n_params;
	uint64_t schema_hash;
	const char *query_name;
	uint32_t n_in;             /* values per input tuple */
	uint32_t n_out;            /* values per output tuple */
	const uint8_t *in_types;
	const uint8_t *out_types;
	size_t state_size;
	/* Set up a zeroed state block (compiles regular expressions).
	 * Returns 0, or -1 when a resource could not be had. */
	int (*init)(void *state, const gs_value *params);
	/* Apply the predicates to one input tuple: 1 with out[0..n_out) set
	 * when it passes (strings may point into `in` or into constants), 0
	 * when it does not. */
	int (*select)(void *state, const gs_value *in, gs_value *out);
	/* Release what init took. */
	void (*fini)(void *state);
};

typedef const struct gs_hfta_select *(*gs_hfta_entry_fn)(void);

/*
 * The HFTA half of an aggregation: the run-time system keeps the groups
 * (engine/op_aggregate.c); the module says how to turn an input tuple into
 * a group key and partial values (pre), how partials merge (part_ops), how
 * a closed group becomes an output row (final: HAVING, then the select
 * list), and which bucket a heartbeat's time falls in (bucket).  Exported
 * as GS_HFTA_AGG_SYMBOL.
 */
#define GS_HFTA_AGG_SYMBOL "gs_hfta_aggregate_v1"

/* How a partial value merges with another of its kind. */
enum gs_part_op {
	GS_PART_COUNT = 1, /* ullong, added */
	GS_PART_SUM,       /* added (ullong, llong or float) */
	GS_PART_MIN,
	GS_PART_MAX,
	GS_PART_AND,
	GS_PART_OR,
	GS_PART_XOR
};

enum gs_super_op { GS_SUPER_SUM = 1, GS_SUPER_MIN, GS_SUPER_MAX, GS_SUPER_DISTINCT };

struct gs_hfta_aggregate {
	uint32_t abi_version;
	uint32_t n_params;
	uint64_t schema_hash;
	const char *query_name;
	uint32_t n_in;
	const uint8_t *in_types;
	uint32_t n_key;            /* group variables */
	uint32_t n_part;           /* partial values after them */
	const uint8_t *key_types;
	const uint8_t *part_types;
	const uint8_t *part_ops;   /* enum gs_part_op */
	int32_t temporal_key;      /* index of the temporal group variable, -1 */
	int32_t temporal_dir;      /* 1 increasing, -1 decreasing */
	uint32_t lfta_partial;     /* inputs are the LFTA's partial groups */
	uint32_t n_sets;           /* grouping sets (1 without CUBE/ROLLUP/GROUPING_SETS) */
	const uint64_t *set_masks; /* per set, a bit per group variable present; the
	                              others read as zero in that set's groups */
	uint32_t n_out;
	const uint8_t *out_types;
	size_t state_size;
	int (*init)(void *state, const gs_value *params);
	void (*fini)(void *state);
	/* Key and partials (n_key + n_part values) of one input tuple: 1, or
	 * 0 when the tuple does not pass the query's HFTA predicates. */
	int (*pre)(void *state, const gs_value *in, gs_value *kp);
	/* Super-aggregates (SUPERGROUP): computed over the closing groups that
	 * agree on the group variables of super_mask; each combines the value
	 * kp[super_slots[i]] of those groups by super_ops[i] (enum
	 * gs_super_op). */
	uint32_t n_super;
	uint64_t super_mask;
	const uint8_t *super_ops;
	const uint32_t *super_slots;
	const uint8_t *super_types;
	/* The output row of a closed group: 1, or 0 when HAVING rejects it.
	 * sup holds the group's super-aggregates (n_super values). */
	int (*final)(void *state, const gs_value *kp, const gs_value *sup, gs_value *out);
	/* Running aggregation (CLOSING_WHEN): groups are keyed without the
	 * temporal variable and live across buckets; at each bucket's end every
	 * group gives its row, then closes when closing() says 1.  NULL for an
	 * ordinary aggregation. */
	int (*closing)(void *state, const gs_value *kp);
	/* The temporal group value of time ts_ns: 1, or 0 when the temporal
	 * variable is not a function of time alone.  NULL without one. */
	int (*bucket)(uint64_t ts_ns, gs_value *out);
};

typedef const struct gs_hfta_aggregate *(*gs_hfta_agg_entry_fn)(void);

#endif
