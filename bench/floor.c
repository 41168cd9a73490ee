/*
 * floor.c: the floor of the gigsh benchmarks.  It reads a capture file with
 * libpcap's pcap_next_ex and only counts packets and their bytes, so its
 * packets per second are what any tool built on libpcap's file reader can
 * reach on this machine before it decodes a single header.  bench/run
 * builds it (cc -O2 floor.c -lpcap) and compares every gigsh query with it.
 *
 * Two other ways of reading, for the profile analysis in bench/README.md
 * (bench/run --profile times them), show how far below the floor a reader
 * can go: --bigbuf is still pcap_next_ex, over a stdio stream given a 1 MiB
 * buffer (pcap_fopen_offline); --mmap maps a classic pcap file and walks
 * its 16-byte record headers in place, without libpcap.
 *
 * Usage: floor [--bigbuf | --mmap] FILE.  Prints one line,
 * "packets N caplen_bytes B wire_bytes W", and exits 0; a file that cannot
 * be opened or read exits 1 with the reason on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#define ERRBUF_SIZE 512
#define BIGBUF_SIZE (1u << 20)
#define PCAP_FILE_HDR 24u
#define PCAP_REC_HDR 16u

struct counts {
	uint64_t packets;
	uint64_t caplen_bytes;
	uint64_t wire_bytes;
};

/* Count the records of the open libpcap handle p into *c, then close p.
 * Returns 0 at the end of the file, -1 with errbuf set when a record
 * cannot be read. */
static int count_pcap(pcap_t *p, struct counts *c, char *errbuf)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int rc;

	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		c->packets++;
		c->caplen_bytes += hdr->caplen;
		c->wire_bytes += hdr->len;
	}
	if (rc == PCAP_ERROR)
		snprintf(errbuf, ERRBUF_SIZE, "%s", pcap_geterr(p));
	pcap_close(p);
	return rc == PCAP_ERROR_BREAK ? 0 : -1;
}

/* The floor: pcap_open_offline and pcap_next_ex.  Returns 0, or -1 with
 * errbuf set. */
static int count_libpcap(const char *path, struct counts *c, char *errbuf)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, pcap_err);

	if (!p) {
		snprintf(errbuf, ERRBUF_SIZE, "%s", pcap_err);
		return -1;
	}
	return count_pcap(p, c, errbuf);
}

/* pcap_next_ex over a stream with a 1 MiB stdio buffer.  The stream is
 * closed by pcap_close.  Returns 0, or -1 with errbuf set. */
static int count_bigbuf(const char *path, struct counts *c, char *errbuf)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	FILE *f = fopen(path, "rb");
	pcap_t *p;

	if (!f) {
		snprintf(errbuf, ERRBUF_SIZE, "%s", strerror(errno));
		return -1;
	}
	if (setvbuf(f, NULL, _IOFBF, BIGBUF_SIZE) != 0) {
		fclose(f);
		snprintf(errbuf, ERRBUF_SIZE, "setvbuf failed");
		return -1;
	}
	p = pcap_fopen_offline(f, pcap_err);
	if (!p) {
		fclose(f);
		snprintf(errbuf, ERRBUF_SIZE, "%s", pcap_err);
		return -1;
	}
	return count_pcap(p, c, errbuf);
}

/* A 32-bit field of a pcap header, in the file's byte order. */
static uint32_t get_u32(const uint8_t *b, int swapped)
{
	uint32_t v;

	memcpy(&v, b, sizeof v);
	return swapped ? __builtin_bswap32(v) : v;
}

/* Walk the records of a classic pcap file (microsecond or nanosecond,
 * either byte order) held in buf[0..size).  Every header and every
 * record's bytes are checked to lie inside the buffer.  Returns 0, or -1
 * with errbuf set for a file that is not classic pcap or is cut short. */
static int walk_pcap(const uint8_t *buf, size_t size, struct counts *c, char *errbuf)
{
	uint32_t magic;
	int swapped;
	size_t off = PCAP_FILE_HDR;

	if (size < PCAP_FILE_HDR) {
		snprintf(errbuf, ERRBUF_SIZE, "shorter than a pcap file header");
		return -1;
	}
	memcpy(&magic, buf, sizeof magic);
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
		swapped = 0;
	else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
		swapped = 1;
	else {
		snprintf(errbuf, ERRBUF_SIZE, "not a classic pcap file (--mmap reads no pcapng)");
		return -1;
	}
	while (off < size) {
		uint32_t caplen, len;

		if (size - off < PCAP_REC_HDR) {
			snprintf(errbuf, ERRBUF_SIZE, "record header cut short at byte %zu", off);
			return -1;
		}
		caplen = get_u32(buf + off + 8, swapped);
		len = get_u32(buf + off + 12, swapped);
		off += PCAP_REC_HDR;
		if (caplen > size - off) {
			snprintf(errbuf, ERRBUF_SIZE, "record cut short at byte %zu", off);
			return -1;
		}
		c->packets++;
		c->caplen_bytes += caplen;
		c->wire_bytes += len;
		off += caplen;
	}
	return 0;
}

/* Map the file and walk it.  Returns 0, or -1 with errbuf set. */
static int count_mmap(const char *path, struct counts *c, char *errbuf)
{
	struct stat sb;
	void *map;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		snprintf(errbuf, ERRBUF_SIZE, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (sb.st_size == 0) {
		close(fd);
		return walk_pcap((const uint8_t *)"", 0, c, errbuf);
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(errbuf, ERRBUF_SIZE, "mmap: %s", strerror(errno));
		return -1;
	}
	madvise(map, (size_t)sb.st_size, MADV_SEQUENTIAL);
	rc = walk_pcap(map, (size_t)sb.st_size, c, errbuf);
	munmap(map, (size_t)sb.st_size);
	return rc;
}

int main(int argc, char **argv)
{
	char errbuf[ERRBUF_SIZE];
	struct counts c = { 0, 0, 0 };
	int (*count)(const char *, struct counts *, char *) = count_libpcap;
	const char *path;

	if (argc == 3 && strcmp(argv[1], "--bigbuf") == 0)
		count = count_bigbuf;
	else if (argc == 3 && strcmp(argv[1], "--mmap") == 0)
		count = count_mmap;
	else if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: floor [--bigbuf | --mmap] FILE\n");
		return 2;
	}
	path = argv[argc - 1];
	if (count(path, &c, errbuf) != 0) {
		fprintf(stderr, "floor: %s: %s\n", path, errbuf);
		return 1;
	}
	printf("packets %" PRIu64 " caplen_bytes %" PRIu64 " wire_bytes %" PRIu64 "\n", c.packets,
	       c.caplen_bytes, c.wire_bytes);
	return 0;
}
