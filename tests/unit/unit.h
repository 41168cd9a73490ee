/*
 * unit.h: the smallest test harness that does the job.
 *
 * Each unit test program defines test functions, lists them with RUN(),
 * and ends main with `return unit_done();`.  Every CHECK that fails prints
 * file:line and the expression; the program prints one line per test
 * ("ok name" / "FAIL name") and a final "N passed, N failed" line, and
 * exits non-zero if anything failed.  tests/run adds the counts up.
 */
#ifndef GIGSH_UNIT_H
#define GIGSH_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed, unit_cur_failed;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",         \
			        __FILE__, __LINE__, #cond);                  \
			unit_cur_failed = 1;                                 \
		}                                                            \
	} while (0)

#define CHECK_STR(got, want)                                                 \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		if (!g_ || strcmp(g_, w_) != 0) {                            \
			fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n",  \
			        __FILE__, __LINE__, g_ ? g_ : "(null)", w_); \
			unit_cur_failed = 1;                                 \
		}                                                            \
	} while (0)

#define CHECK_INT(got, want)                                                 \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		if (g_ != w_) {                                              \
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n",    \
			        __FILE__, __LINE__, #got, g_, w_);           \
			unit_cur_failed = 1;                                 \
		}                                                            \
	} while (0)

#define RUN(fn)                                                              \
	do {                                                                 \
		unit_cur_failed = 0;                                         \
		fn();                                                        \
		if (unit_cur_failed) {                                       \
			unit_failed++;                                       \
			printf("FAIL %s\n", #fn);                            \
		} else {                                                     \
			unit_passed++;                                       \
			printf("ok %s\n", #fn);                              \
		}                                                            \
	} while (0)

static inline int unit_done(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
