// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper: reading the ACL file and its includes, and what they
 * allow for a network.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"

static const char *const rule_word[RULES] = {
	[ALLOW] = "allow",
	[ALLOW_CREATE] = "allow-create",
	[DENY] = "deny",
};

static void acl_read(struct acl *acl, const char *path, int depth);

/*
 * Whether @arg names the network: "all" every one (as for
 * qemu-bridge-helper), NAME every network of that name whoever owns it,
 * OWNER/NAME only OWNER's.
 */
static bool acl_names(struct acl *acl, const char *path, unsigned int n,
		      const char *arg)
{
	char owner[LINE_MAX_LEN + 1];
	const char *slash, *name = arg;
	struct target *t = acl->net;
	uid_t uid;

	if (!strcmp(arg, "all"))
		return true;
	slash = strchr(arg, '/');
	if (slash)
		name = slash + 1;
	if ((slash && slash == arg) || name_problem(name))
		die("%s:%u: %s is not NAME, OWNER/NAME or all", path, n,
		    Q(arg));
	if (strcmp(name, t->name))
		return false;
	if (!slash)
		return true;
	snprintf(owner, sizeof(owner), "%.*s", (int)(slash - arg), arg);
	if (!owner_uid(owner, &uid))
		die("%s:%u: no such user %s", path, n, Q(owner));
	resolve_owner(t);
	return uid == t->owner;
}

static void acl_line(struct acl *acl, const char *path, unsigned int n,
		     char *line, int depth)
{
	char *word, *arg, *extra, *save;
	enum rule r;

	word = strtok_r(line, " \t", &save);
	if (!word || word[0] == '#')
		return;
	arg = strtok_r(NULL, " \t", &save);
	extra = arg ? strtok_r(NULL, " \t", &save) : NULL;
	/* clang-format off */
	if (!arg || extra)
		die("%s:%u: expected \"allow NAME\", \"allow-create NAME\", \"deny NAME\" or \"include FILE\"",
		    path, n);
	/* clang-format on */
	if (!strcmp(word, "include")) {
		if (arg[0] != '/')
			die("%s:%u: include %s: the path must be absolute",
			    path, n, Q(arg));
		if (depth >= INCLUDE_DEPTH)
			die("%s:%u: includes nest deeper than %d", path, n,
			    INCLUDE_DEPTH);
		acl_read(acl, arg, depth + 1);
		return;
	}
	for (r = 0; r < RULES && strcmp(word, rule_word[r]); r++)
		;
	if (r == RULES)
		die("%s:%u: unknown keyword %s", path, n, Q(word));
	if (!acl_names(acl, path, n, arg) || acl->first[r].line)
		return;
	snprintf(acl->first[r].file, sizeof(acl->first[r].file), "%s", path);
	acl->first[r].line = n;
}

/* Reads the rules of @path into @acl; any problem refuses everything. */
static void acl_read(struct acl *acl, const char *path, int depth)
{
	struct stat *st = &acl->open[depth];
	unsigned int n = 0;
	char *line = NULL;
	size_t size = 0;
	ssize_t len, j;
	FILE *f;
	int fd, i;

	fd = acl_open(path, depth == 0, st);
	for (i = 0; i < depth; i++)
		if (acl->open[i].st_dev == st->st_dev &&
		    acl->open[i].st_ino == st->st_ino)
			die("%s is included in itself", path);
	f = fdopen(fd, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	/* Paths are printed as read: only printable lines are taken. */
	for (;;) {
		errno = 0;
		len = getline(&line, &size, f);
		if (len < 0)
			break;
		n++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > LINE_MAX_LEN)
			die("%s:%u: the line is too long", path, n);
		for (j = 0; j < len; j++)
			if (line[j] != '\t' &&
			    (line[j] < 0x20 || line[j] >= 0x7f))
				die("%s:%u: a byte that is not printable ASCII",
				    path, n);
		acl_line(acl, path, n, line, depth);
	}
	/*
	 * Only the end of the file ends its rules. glibc's getline() fails
	 * for want of memory with ENOMEM but without the error flag.
	 */
	if (ferror(f) || !feof(f) || errno == ENOMEM)
		die("%s: %s", path, strerror(errno ? errno : EIO));
	free(line);
	fclose(f);
}

/*
 * Whether the ACL lets the helper make the network (allow-create) or only
 * join it (allow); it dies if no rule allows the network or one denies it
 * (deny wins over both, wherever it is). @acl says where the rule was.
 */
bool acl_check(struct acl *acl, struct target *net)
{
	acl->net = net;
	acl_read(acl, INTNET_QEMU_HELPER_CONF, 0);
	if (acl->first[DENY].line)
		die("the network %s is denied by %s:%u", Q(net->arg),
		    acl->first[DENY].file, acl->first[DENY].line);
	if (acl->first[ALLOW_CREATE].line)
		return true;
	if (!acl->first[ALLOW].line)
		die("the network %s is not allowed by %s", Q(net->arg),
		    INTNET_QEMU_HELPER_CONF);
	return false;
}
