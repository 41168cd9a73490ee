/*
 * fuzz_decode.c: libFuzzer target for the packet decoder and every field
 * accessor.  The first input byte picks the link type (each one gigsh
 * decodes), the rest is the captured packet, copied into a block of exactly
 * its length so that AddressSanitizer sees any read past it.  Every
 * protocol's membership test and every field's getter runs on it.  A
 * packet whose wire length is its captured length must never be marked
 * cut by the snap length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../capture/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const int dlts[] = {
		CAP_DLT_EN10MB, CAP_DLT_LINUX_SLL, CAP_DLT_LINUX_SLL2, CAP_DLT_NULL, CAP_DLT_LOOP,
		CAP_DLT_RAW, CAP_DLT_RAW_OPENBSD, CAP_DLT_IPV4, CAP_DLT_IPV6,
	};
	if (n < 1 || n > 70000)
		return 0;
	uint8_t *copy = malloc(n - 1 ? n - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, n - 1);
	struct cap_packet p;
	memset(&p, 0, sizeof p);
	p.data = copy;
	p.caplen = (uint32_t)(n - 1);
	p.len = (uint32_t)(n - 1) + (data[0] & 0x80 ? 1000u : 0u); /* some cut by a snap length */
	p.ts_ns = 1700000000123456789ull;
	p.linktype = dlts[(data[0] & 0x7f) % (sizeof dlts / sizeof dlts[0])];
	cap_decode(&p);
	/* only a snap length cuts headers: a whole frame is never "cut" */
	if (p.cut && p.caplen >= p.len)
		abort();
	for (int i = 0; i < CAP_NPROTOS; i++)
		(void)cap_proto_info((enum cap_proto)i)->is_member(&p);
	for (size_t i = 0; i < cap_nfields(); i++) {
		gs_value v;
		if (cap_field_at(i)->get(&p, &v) && cap_field_at(i)->type == GS_STRING && v.s.len) {
			/* a string must lie inside the captured bytes */
			if (v.s.p < copy || v.s.p + v.s.len > copy + (n - 1))
				abort();
		}
	}
	free(copy);
	return 0;
}
