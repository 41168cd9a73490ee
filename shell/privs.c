/*
 * privs.c: gigsh -Z USER, giving up root once the packet sources are open.
 *
 * The order (main.c): options are parsed and USER looked up; the -o file
 * is opened; the engine opens every source (-i and -r) and keeps them;
 * then sh_drop_privileges() switches to USER (supplementary groups, then
 * gid, then uid, real, effective and saved alike), checks that root cannot
 * be had back (setuid(0) must fail, no capability may be left), and points
 * HOME at USER's home so that the module cache and ~/.gigshrc are USER's.
 * Only after that does anything compile or load a module; the engine
 * refuses to while the process is still root (eng_config
 * .modules_unprivileged), whatever went wrong before.
 *
 * Run by an ordinary user (a binary given file capabilities with setcap),
 * -Z with that user's own name drops the capabilities after the sources
 * are open; any other name is refused: only root can change user.
 */
#include "shell.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int sh_user_lookup(const char *name, struct sh_user *u, char *errbuf, size_t size)
{
	memset(u, 0, sizeof *u);
	if (!name || !*name) {
		snprintf(errbuf, size, "-Z needs a user name");
		return -1;
	}
	errno = 0;
	struct passwd *pw = getpwnam(name);
	if (!pw) {
		if (errno && errno != ENOENT && errno != ESRCH)
			snprintf(errbuf, size, "-Z %s: cannot look the user up: %s", name, strerror(errno));
		else
			snprintf(errbuf, size, "-Z %s: no such user", name);
		return -1;
	}
	if (strlen(pw->pw_name) >= sizeof u->name || strlen(pw->pw_dir) >= sizeof u->home) {
		snprintf(errbuf, size, "-Z %s: user name or home directory too long", name);
		return -1;
	}
	strcpy(u->name, pw->pw_name);
	strcpy(u->home, pw->pw_dir);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	struct stat st;
	u->home_usable = u->home[0] == '/' && stat(u->home, &st) == 0 && S_ISDIR(st.st_mode) &&
	                 st.st_uid == u->uid;
	if (geteuid() != 0 && u->uid != getuid()) {
		snprintf(errbuf, size, "-Z %s: only root can switch to another user (gigsh runs as "
		         "uid %u); -Z with your own user name drops file capabilities", name,
		         (unsigned)getuid());
		return -1;
	}
	return 0;
}

/* Give up every capability (effective, permitted, inheritable). */
static int caps_clear(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	return (int)syscall(SYS_capset, &h, d);
}

int sh_drop_privileges(const struct sh_user *u, char *errbuf, size_t size)
{
	const char *who = u->name;
	if (geteuid() == 0) {
		if (initgroups(u->name, u->gid) < 0) {
			snprintf(errbuf, size, "-Z %s: cannot set the user's groups: %s", who, strerror(errno));
			return -1;
		}
		if (setresgid(u->gid, u->gid, u->gid) < 0) {
			snprintf(errbuf, size, "-Z %s: cannot change to group id %u: %s", who,
			         (unsigned)u->gid, strerror(errno));
			return -1;
		}
		if (setresuid(u->uid, u->uid, u->uid) < 0) {
			snprintf(errbuf, size, "-Z %s: cannot change to user id %u: %s", who,
			         (unsigned)u->uid, strerror(errno));
			return -1;
		}
		if (u->uid == 0)
			return 1;
		/* the user's environment, as su(1) sets it: the module cache
		 * and ~/.gigshrc are theirs (XDG_CACHE_HOME named root's) */
		if (setenv("HOME", u->home, 1) < 0 || unsetenv("XDG_CACHE_HOME") < 0 ||
		    setenv("USER", u->name, 1) < 0 || setenv("LOGNAME", u->name, 1) < 0) {
			snprintf(errbuf, size, "-Z %s: cannot set the environment", who);
			return -1;
		}
		const char *tmp = getenv("TMPDIR");
		if (tmp && access(tmp, W_OK | X_OK) != 0)
			unsetenv("TMPDIR"); /* root's: modules are built under /tmp instead */
	} else if (caps_clear() < 0) {
		snprintf(errbuf, size, "-Z %s: cannot drop capabilities: %s", who, strerror(errno));
		return -1;
	}

	/* nothing may be left to regain */
	uid_t r, e, s;
	gid_t rg, eg, sg;
	uint64_t caps = 1;
	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0 || r != u->uid ||
	    e != u->uid || s != u->uid || (geteuid() == 0 && (rg != u->gid || eg != u->gid ||
	                                                     sg != u->gid))) {
		snprintf(errbuf, size, "-Z %s: the user or group ids did not change as asked", who);
		return -1;
	}
	if (setuid(0) == 0 && u->uid != 0) {
		snprintf(errbuf, size, "-Z %s: root could be regained after the switch: stopping", who);
		return -1;
	}
	if (eng_caps_held(&caps) < 0 || caps != 0) {
		snprintf(errbuf, size, "-Z %s: capabilities are still held after the switch: stopping",
		         who);
		return -1;
	}
	return 0;
}
