/*
 * module.c: compiles a query's generated C into a shared object, caches it,
 * loads it and checks it.
 *
 * The compiler is the one configure found, run by absolute path with a
 * clean environment (PATH=/usr/bin:/bin, LC_ALL=C, TMPDIR set to the build
 * directory) inside a private directory made by mkdtemp (mode 0700) where
 * gigsh writes the module headers and the source itself.  The result is
 * hashed right after the compiler exits; it is loaded through a descriptor
 * opened without following links, whose owner and mode are checked and whose
 * bytes must hash to the same value.  After dlopen the module's ABI version,
 * schema hash and query name are checked before anything in it runs.
 *
 * The cache ($XDG_CACHE_HOME/gigsh/modules, or ~/.cache/gigsh/modules) keys
 * each object by a hash of its source, the headers, the compiler and its
 * flags, so re-running a query does not recompile.  A cache directory that
 * is not ours, or that others can write to, is refused.
 *
 * Under gigsh -Z (eng_module_cfg.unprivileged) nothing is built or loaded
 * while the process still has root's uid or any capability: the drop must
 * have happened first.
 */
#include <dlfcn.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "engine_int.h"

#ifndef GIGSH_MODULE_CC
#define GIGSH_MODULE_CC "/usr/bin/cc"
#endif

static const char *const cc_flags[] = {
	"-std=c11", "-O2", "-fPIC", "-shared", "-fvisibility=hidden",
	"-Wall", "-Wextra", "-fno-strict-aliasing",
};

static int write_file(int dirfd, const char *name, const char *text, size_t len, char *errbuf)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(errbuf, 512, "cannot create %.200s in the module build directory: %.200s", name,
		         strerror(errno));
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(errbuf, 512, "cannot write %.200s: %.200s", name, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) < 0) {
		snprintf(errbuf, 512, "cannot write %.200s: %.200s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Hash a file's bytes through an open descriptor. */
static int hash_fd(int fd, uint64_t *h)
{
	char buf[65536];
	*h = ENG_FNV_INIT;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		*h = eng_fnv1a(*h, buf, (size_t)n);
	}
}

/* See engine_int.h. */
int eng_caps_held(uint64_t *caps)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	*caps = ((uint64_t)(d[1].effective | d[1].permitted) << 32) | (d[0].effective | d[0].permitted);
	return 0;
}

/* With cfg->unprivileged: 0 when the process is neither root nor holds a
 * capability, else -1 with the reason in errbuf. */
static int check_unprivileged(const struct eng_module_cfg *cfg, char *errbuf)
{
	if (!cfg->unprivileged)
		return 0;
	uid_t r, e, s;
	uint64_t caps = 0;
	if (getresuid(&r, &e, &s) < 0)
		r = e = s = 0;
	int cr = eng_caps_held(&caps);
	if (r != 0 && e != 0 && s != 0 && cr == 0 && caps == 0)
		return 0;
	char why[120];
	if (r == 0 || e == 0 || s == 0)
		snprintf(why, sizeof why, "it still runs as root (uid %u, euid %u, saved uid %u)",
		         (unsigned)r, (unsigned)e, (unsigned)s);
	else if (cr < 0)
		snprintf(why, sizeof why, "its capabilities cannot be read: %s", strerror(errno));
	else
		snprintf(why, sizeof why, "it still holds capabilities (mask %#" PRIx64 ")", caps);
	snprintf(errbuf, 512, "refusing to compile or load a query module: -Z was given, so modules "
	         "are built only after gigsh has dropped its privileges, but %s; name an ordinary "
	         "user with -Z (-Z root drops nothing)", why);
	return -1;
}

/* Make dir (mode 0700) if missing, and check that it is ours and private. */
static int private_dir(const char *dir, char *errbuf)
{
	struct stat st;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(errbuf, 512, "cannot create %.200s: %.200s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) < 0) {
		snprintf(errbuf, 512, "cannot use %.200s: %.200s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(errbuf, 512, "module cache %.200s is not a directory", dir);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(errbuf, 512, "module cache %.200s belongs to another user: refusing to use it", dir);
		return -1;
	}
	if (st.st_mode & 022) {
		snprintf(errbuf, 512, "module cache %.200s is writable by others (mode %03o): refusing to "
		         "use it; chmod go-w it or use --no-cache", dir, (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

/* The cache directory, created as needed: parents of the default path are
 * created with mode 0700 too. */
static int cache_dir(const struct eng_module_cfg *cfg, char *out, size_t n, char *errbuf)
{
	if (cfg->cache_dir && cfg->cache_dir[0]) {
		snprintf(out, n, "%s", cfg->cache_dir);
		return private_dir(out, errbuf);
	}
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char base[PATH_MAX];
	if (xdg && xdg[0] == '/')
		snprintf(base, sizeof base, "%s", xdg);
	else if (home && home[0] == '/')
		snprintf(base, sizeof base, "%s/.cache", home);
	else {
		snprintf(errbuf, 512, "no module cache: neither XDG_CACHE_HOME nor HOME is set");
		return -1;
	}
	if (mkdir(base, 0700) < 0 && errno != EEXIST) {
		snprintf(errbuf, 512, "cannot create %.200s: %.200s", base, strerror(errno));
		return -1;
	}
	char gig[PATH_MAX];
	if ((size_t)snprintf(gig, sizeof gig, "%s/gigsh", base) >= sizeof gig ||
	    (size_t)snprintf(out, n, "%s/gigsh/modules", base) >= n) {
		snprintf(errbuf, 512, "module cache path too long");
		return -1;
	}
	if (private_dir(gig, errbuf) < 0)
		return -1;
	return private_dir(out, errbuf);
}

/* Run the compiler in dir on q.c -> q.so.  Its messages go to errbuf. */
static int compile(const char *dir, bool werror, char *errbuf)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(errbuf, 512, "pipe: %.200s", strerror(errno));
		return -1;
	}
	const char *argv[24];
	size_t k = 0;
	argv[k++] = GIGSH_MODULE_CC;
	for (size_t i = 0; i < sizeof cc_flags / sizeof cc_flags[0]; i++)
		argv[k++] = cc_flags[i];
	if (werror)
		argv[k++] = "-Werror";
	argv[k++] = "-o";
	argv[k++] = "q.so";
	argv[k++] = "q.c";
	argv[k] = NULL;
	char tmpdir[PATH_MAX + 8];
	snprintf(tmpdir, sizeof tmpdir, "TMPDIR=%s", dir);
	char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", tmpdir, NULL };

	pid_t pid = fork();
	if (pid < 0) {
		snprintf(errbuf, 512, "fork: %.200s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_IGN); /* Ctrl-C is the shell's, not the compiler's */
		if (dup2(pfd[1], 2) < 0 || dup2(pfd[1], 1) < 0 || chdir(dir) < 0)
			_exit(127);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		execve(GIGSH_MODULE_CC, (char *const *)argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	char msg[4096], drop[256];
	size_t got = 0;
	for (;;) {
		/* keep the first 4 KiB of what the compiler says, drain the rest */
		bool room = got < sizeof msg - 1;
		ssize_t n = read(pfd[0], room ? msg + got : drop, room ? sizeof msg - 1 - got : sizeof drop);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (room)
			got += (size_t)n;
	}
	msg[got] = 0;
	close(pfd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(errbuf, 512, "waitpid: %.200s", strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && got == 0) {
		snprintf(errbuf, 512, "cannot run the module compiler %.200s", GIGSH_MODULE_CC);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || (werror && got)) {
		/* keep the first lines of what the compiler said */
		snprintf(errbuf, 512, "internal error: the generated module did not compile:\n%.400s", msg);
		return -1;
	}
	return 0;
}

static void remove_dir(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0) {
		size_t n;
		const struct eng_embedded_file *h = eng_module_headers(&n);
		for (size_t i = 0; i < n; i++)
			unlinkat(dfd, h[i].name, 0);
		unlinkat(dfd, "q.c", 0);
		unlinkat(dfd, "q.so", 0);
		close(dfd);
	}
	rmdir(dir);
}

/* Open path for loading: a regular file of ours that others cannot write. */
static int open_checked(const char *path, char *errbuf)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(errbuf, 512, "cannot open module %.200s: %.200s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		snprintf(errbuf, 512, "module %.200s is not a private file of this user: refusing to load it", path);
		close(fd);
		return -1;
	}
	return fd;
}

static int load(struct eng_module *m, int fd, const struct eng_plan *p, char *errbuf)
{
	/* Load by path, not through /proc/self/fd: the dynamic loader knows
	 * objects by name, and descriptor numbers are reused.  The path is in a
	 * directory only this user can write, checked above, and fd pins the
	 * checked file for the comparison below. */
	struct stat a, b;
	m->dl = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
	if (m->dl && (fstat(fd, &a) < 0 || stat(m->path, &b) < 0 || a.st_ino != b.st_ino ||
	              a.st_dev != b.st_dev)) {
		snprintf(errbuf, 512, "module %.200s changed while it was loaded: refusing it", m->path);
		return -1;
	}
	if (!m->dl) {
		snprintf(errbuf, 512, "cannot load module %.200s: %.200s", m->path, dlerror());
		return -1;
	}
	const char *qn = p->name ? p->name : "query";
	if (p->has_lfta) {
		gs_lfta_entry_fn fn;
		void *sym = dlsym(m->dl, GS_LFTA_ENTRY_SYMBOL);
		memcpy(&fn, &sym, sizeof fn);
		m->lfta = sym ? fn() : NULL;
		if (!m->lfta || m->lfta->abi_version != GS_LFTA_ABI_VERSION ||
		    m->lfta->schema_hash != cap_schema_hash() || strcmp(m->lfta->query_name, qn) != 0 ||
		    m->lfta->n_out != p->nlout) {
			snprintf(errbuf, 512, "module %.200s is not the LFTA of this query (ABI version, schema "
			         "hash or name differ): rebuild with --no-cache", m->path);
			return -1;
		}
	}
	if (p->is_agg) {
		gs_hfta_agg_entry_fn fn;
		void *sym = dlsym(m->dl, GS_HFTA_AGG_SYMBOL);
		memcpy(&fn, &sym, sizeof fn);
		m->agg = sym ? fn() : NULL;
		if (!m->agg || m->agg->abi_version != GS_LFTA_ABI_VERSION ||
		    m->agg->schema_hash != cap_schema_hash() || strcmp(m->agg->query_name, qn) != 0 ||
		    m->agg->n_out != p->nhout || m->agg->n_in != p->nin || m->agg->n_key != p->ngb ||
		    m->agg->n_part != p->npart) {
			snprintf(errbuf, 512, "module %.200s is not the aggregation of this query (ABI "
			         "version, schema hash or name differ): rebuild with --no-cache", m->path);
			return -1;
		}
	} else if (p->has_hfta) {
		gs_hfta_entry_fn fn;
		void *sym = dlsym(m->dl, GS_HFTA_ENTRY_SYMBOL);
		memcpy(&fn, &sym, sizeof fn);
		m->hfta = sym ? fn() : NULL;
		if (!m->hfta || m->hfta->abi_version != GS_LFTA_ABI_VERSION ||
		    m->hfta->schema_hash != cap_schema_hash() || strcmp(m->hfta->query_name, qn) != 0 ||
		    m->hfta->n_out != p->nhout || m->hfta->n_in != p->nin) {
			snprintf(errbuf, 512, "module %.200s is not the HFTA of this query (ABI version, schema "
			         "hash or name differ): rebuild with --no-cache", m->path);
			return -1;
		}
	}
	return 0;
}

int eng_module_get(const struct eng_module_cfg *cfg, const struct eng_plan *p,
                   struct eng_module *m, char *errbuf)
{
	memset(m, 0, sizeof *m);
	if (check_unprivileged(cfg, errbuf) < 0)
		return -1;
	uint64_t t0 = eng_now_ns();
	size_t nh;
	const struct eng_embedded_file *hdr = eng_module_headers(&nh);

	uint64_t key = ENG_FNV_INIT;
	key = eng_fnv1a(key, p->csrc, p->csrc_len);
	for (size_t i = 0; i < nh; i++) {
		key = eng_fnv1a(key, hdr[i].name, strlen(hdr[i].name));
		key = eng_fnv1a(key, hdr[i].text, hdr[i].len);
	}
	key = eng_fnv1a(key, GIGSH_MODULE_CC, strlen(GIGSH_MODULE_CC));
	for (size_t i = 0; i < sizeof cc_flags / sizeof cc_flags[0]; i++)
		key = eng_fnv1a(key, cc_flags[i], strlen(cc_flags[i]) + 1);
	key = eng_fnv1a(key, PACKAGE_VERSION, strlen(PACKAGE_VERSION));

	char cdir[PATH_MAX] = "";
	bool use_cache = !cfg->no_cache;
	if (use_cache && cache_dir(cfg, cdir, sizeof cdir, errbuf) < 0)
		return -1;

	if (use_cache) {
		snprintf(m->path, sizeof m->path, "%.480s/%016" PRIx64 ".so", cdir, key);
		if (access(m->path, F_OK) == 0) {
			int fd = open_checked(m->path, errbuf);
			if (fd < 0)
				return -1;
			int rc = load(m, fd, p, errbuf);
			close(fd);
			if (rc < 0) {
				eng_module_release(m);
				return -1;
			}
			m->cached = true;
			m->build_ns = eng_now_ns() - t0;
			return 0;
		}
	}

	/* Build in a private directory. */
	char dir[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	if (use_cache)
		snprintf(dir, sizeof dir, "%s/build-XXXXXX", cdir);
	else
		snprintf(dir, sizeof dir, "%s/gigsh-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(errbuf, 512, "cannot make a private build directory %.200s: %.200s", dir, strerror(errno));
		return -1;
	}
	int rc = -1, dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(errbuf, 512, "cannot open %.200s: %.200s", dir, strerror(errno));
		rmdir(dir);
		return -1;
	}
	for (size_t i = 0; i < nh; i++)
		if (write_file(dfd, hdr[i].name, hdr[i].text, hdr[i].len, errbuf) < 0)
			goto out;
	if (write_file(dfd, "q.c", p->csrc, p->csrc_len, errbuf) < 0)
		goto out;
	if (compile(dir, cfg->werror, errbuf) < 0)
		goto out;

	int fd = openat(dfd, "q.so", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	uint64_t built;
	if (fd < 0 || hash_fd(fd, &built) < 0) {
		snprintf(errbuf, 512, "cannot read the built module: %.200s", strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	if (use_cache) {
		if (renameat(dfd, "q.so", AT_FDCWD, m->path) < 0) {
			snprintf(errbuf, 512, "cannot put the module into the cache %.200s: %.200s", m->path,
			         strerror(errno));
			goto out;
		}
	} else {
		snprintf(m->path, sizeof m->path, "%.490s/q.so", dir);
	}
	fd = open_checked(m->path, errbuf);
	if (fd < 0)
		goto out;
	uint64_t again;
	if (hash_fd(fd, &again) < 0 || again != built) {
		snprintf(errbuf, 512, "module %.200s changed between build and load: refusing it", m->path);
		close(fd);
		goto out;
	}
	rc = load(m, fd, p, errbuf);
	close(fd);
	if (rc < 0)
		eng_module_release(m);
out:
	close(dfd);
	remove_dir(dir);
	m->build_ns = eng_now_ns() - t0;
	return rc;
}

void eng_module_release(struct eng_module *m)
{
	if (m->dl)
		dlclose(m->dl);
	m->dl = NULL;
	m->lfta = NULL;
	m->hfta = NULL;
}
