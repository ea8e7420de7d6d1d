// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper: opening an ACL file by a walk from "/" that refuses
 * whatever another user could change.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "helper.h"

/* File systems whose files the kernel makes up: never an ACL. */
static const struct {
	long magic;
	const char *name;
} made_up_fs[] = {
	{ PROC_SUPER_MAGIC, "procfs" },	    { SYSFS_MAGIC, "sysfs" },
	{ DEBUGFS_MAGIC, "debugfs" },	    { TRACEFS_MAGIC, "tracefs" },
	{ SECURITYFS_MAGIC, "securityfs" },
};

/* The made-up file system @fd is on: its name, "" if none, NULL on error. */
static const char *made_up(int fd)
{
	struct statfs sfs;
	unsigned int i;

	if (fstatfs(fd, &sfs))
		return NULL;
	for (i = 0; i < sizeof(made_up_fs) / sizeof(made_up_fs[0]); i++)
		if ((long)sfs.f_type == made_up_fs[i].magic)
			return made_up_fs[i].name;
	return "";
}

/* Walking a path from "/" to a file, one directory at a time. */
struct walk {
	const char *file; /* the path as given, for messages */
	char at[PATH_MAX]; /* where the walk is ("" for "/"), for messages */
	char todo[PATH_MAX]; /* what is left to walk */
	size_t pos; /* how much of todo is walked */
	int dir[WALK_DEPTH]; /* the directories walked, "/" first */
	int depth; /* how many of them */
	int links; /* symbolic links followed */
	bool top; /* the ACL file itself, not an include */
};

static const char *at(const struct walk *w)
{
	return w->at[0] ? w->at : "/";
}

/* The file as given, and where the walk found it when that differs. */
static const char *walked(const struct walk *w)
{
	static char s[2 * PATH_MAX + 8];

	if (!strcmp(w->file, at(w)))
		return w->file;
	snprintf(s, sizeof(s), "%s (%s)", w->file, at(w));
	return s;
}

static void walk_fail(const struct walk *w, int err)
{
	if (w->top && err == ENOENT)
		die("%s does not exist: every network is denied", w->file);
	if (!strcmp(w->file, at(w)))
		die("%s: %s", w->file, strerror(err));
	die("%s: %s: refusing %s", at(w), strerror(err), w->file);
}

/* Only root can change what is in the directory @fd, which is real. */
static void check_dir(const struct walk *w, int fd)
{
	const char *fs = made_up(fd);
	struct stat st;

	if (fstat(fd, &st) || !fs)
		walk_fail(w, errno);
	if (!S_ISDIR(st.st_mode))
		walk_fail(w, ENOTDIR);
	if (*fs)
		die("%s is on %s: refusing %s", at(w), fs, w->file);
	if (st.st_uid != 0)
		die("%s is not owned by root: refusing %s", at(w), w->file);
	if (st.st_mode & 0022)
		die("%s is writable by group or others: refusing %s", at(w),
		    w->file);
}

/* Only root can change the file @fd, which is real. */
static void check_file(const struct walk *w, int fd, struct stat *st)
{
	const char *fs = made_up(fd);

	if (fstat(fd, st) || !fs)
		walk_fail(w, errno);
	if (!S_ISREG(st->st_mode))
		die("%s is not a regular file", walked(w));
	if (*fs)
		die("%s is on %s: refusing it", walked(w), fs);
	if (st->st_uid != 0)
		die("%s is not owned by root: refusing it", walked(w));
	if (st->st_mode & 0022)
		die("%s is writable by group or others: refusing it",
		    walked(w));
}

/* The next name to walk into @name; false at the end of the path. */
static bool next_name(struct walk *w, char *name, bool *last)
{
	size_t len;

	while (w->todo[w->pos] == '/')
		w->pos++;
	if (!w->todo[w->pos])
		return false;
	len = strcspn(w->todo + w->pos, "/");
	if (len > NAME_MAX) {
		snprintf(name, NAME_MAX + 1, "%.*s", NAME_MAX,
			 w->todo + w->pos);
		walk_fail(w, ENAMETOOLONG);
	}
	memcpy(name, w->todo + w->pos, len);
	name[len] = '\0';
	w->pos += len;
	*last = !w->todo[w->pos + strspn(w->todo + w->pos, "/")];
	return true;
}

static void at_push(struct walk *w, const char *name)
{
	size_t len = strlen(w->at);

	if (len + 1 + strlen(name) >= sizeof(w->at))
		walk_fail(w, ENAMETOOLONG);
	snprintf(w->at + len, sizeof(w->at) - len, "/%s", name);
}

static void at_pop(struct walk *w)
{
	char *slash = strrchr(w->at, '/');

	if (slash)
		*slash = '\0';
}

/* Back to the directory above, which was checked on the way down. */
static void walk_up(struct walk *w)
{
	if (w->depth > 1)
		close(w->dir[--w->depth]);
	at_pop(w);
}

/*
 * Follows the symbolic link @fd as the kernel would, but with every
 * directory on its way checked: its target replaces it in what is left.
 */
static void walk_link(struct walk *w, int fd)
{
	char target[PATH_MAX], rest[PATH_MAX];
	ssize_t n;

	if (++w->links > WALK_LINKS)
		walk_fail(w, ELOOP);
	n = readlinkat(fd, "", target, sizeof(target));
	if (n < 0)
		walk_fail(w, errno);
	if (n == 0 || (size_t)n >= sizeof(target))
		walk_fail(w, n ? ENAMETOOLONG : ENOENT);
	target[n] = '\0';
	at_pop(w);
	if (target[0] == '/') {
		while (w->depth > 1)
			close(w->dir[--w->depth]);
		w->at[0] = '\0';
	}
	if ((size_t)snprintf(rest, sizeof(rest), "%s/%s", target,
			     w->todo + w->pos) >= sizeof(rest))
		walk_fail(w, ENAMETOOLONG);
	memcpy(w->todo, rest, sizeof(rest));
	w->pos = 0;
}

/*
 * Opens the file @path for reading by walking from "/", one name at a time
 * and never following a symbolic link blindly: every directory on the way,
 * those that hold symbolic links included, and the file itself must be real
 * (not procfs or sysfs) and only root's to change. Anything that cannot be
 * walked, checked or opened refuses everything: a rule is never skipped.
 */
int acl_open(const char *path, bool top, struct stat *st)
{
	static struct walk w;
	char name[NAME_MAX + 1];
	struct stat pst;
	bool last;
	int fd, rfd;

	memset(&w, 0, sizeof(w));
	w.file = path;
	w.top = top;
	if ((size_t)snprintf(w.todo, sizeof(w.todo), "%s", path) >=
	    sizeof(w.todo))
		walk_fail(&w, ENAMETOOLONG);
	w.dir[w.depth] = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.dir[w.depth] < 0)
		walk_fail(&w, errno);
	check_dir(&w, w.dir[w.depth++]);
	while (next_name(&w, name, &last)) {
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			walk_up(&w);
			continue;
		}
		at_push(&w, name);
		fd = openat(w.dir[w.depth - 1], name,
			    O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &pst))
			walk_fail(&w, errno);
		if (S_ISLNK(pst.st_mode)) {
			walk_link(&w, fd);
			close(fd);
			continue;
		}
		if (S_ISDIR(pst.st_mode)) {
			if (w.depth >= WALK_DEPTH)
				walk_fail(&w, ENAMETOOLONG);
			w.dir[w.depth++] = fd;
			check_dir(&w, fd);
			continue;
		}
		if (!last)
			walk_fail(&w, ENOTDIR);
		/* The file, for reading: the very one that was looked at. */
		rfd = openat(w.dir[w.depth - 1], name,
			     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
				     O_CLOEXEC);
		if (rfd < 0)
			walk_fail(&w, errno);
		check_file(&w, rfd, st);
		if (st->st_dev != pst.st_dev || st->st_ino != pst.st_ino)
			die("%s changed while it was opened", walked(&w));
		close(fd);
		while (w.depth > 0)
			close(w.dir[--w.depth]);
		return rfd;
	}
	die("%s is not a regular file", walked(&w));
}
