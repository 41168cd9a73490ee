/*
 * fuzz_file.c: libFuzzer target for the capture-file readers.  The input is
 * a capture file; it is opened (through a memory file) and read to the end
 * with every packet decoded, once by the mapped reader and once through
 * libpcap, which must agree on the number of packets delivered and on
 * whether the file ended in an error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../capture/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static int count(void *ctx, const struct cap_packet *p)
{
	(void)p;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* Read the file at path to the end: packets delivered, -1 on error. */
static int64_t read_all(const char *path, uint64_t *got)
{
	char eb[CAP_ERRBUF_SIZE];
	*got = 0;
	struct cap_source *s = cap_open_file(path, eb);
	if (!s)
		return -2;
	int rc = s->ops->run(s, count, NULL, got, NULL, eb);
	cap_close(s);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	if (n > 1 << 20)
		return 0;
	int fd = memfd_create("gigsh-fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, n) != (ssize_t)n) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	uint64_t a, b;
	unsetenv("GIGSH_NO_MMAP");
	int64_t ra = read_all(path, &a);
	setenv("GIGSH_NO_MMAP", "1", 1);
	int64_t rb = read_all(path, &b);
	unsetenv("GIGSH_NO_MMAP");
	close(fd);
	if (ra != rb || a != b)
		abort(); /* the two readers disagree */
	return 0;
}
