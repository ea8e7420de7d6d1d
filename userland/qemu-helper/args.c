// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper: its arguments, checked before any is believed, and the
 * names of networks and owners.
 */

#define _GNU_SOURCE
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "helper.h"

/* Whether @s is printable ASCII only. */
bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* A network name as intnet takes it: 1..INTNET_NAME_MAX, no space or '/'. */
const char *name_problem(const char *s)
{
	size_t len = strlen(s);

	if (!len)
		return "is empty";
	if (len > INTNET_NAME_MAX)
		return "is longer than 127 bytes";
	if (!printable(s))
		return "has a byte that is not printable ASCII";
	if (strchr(s, ' '))
		return "contains a space";
	if (strchr(s, '/'))
		return "contains a slash";
	return NULL;
}

/*
 * The uid of the user @s: a decimal number is a uid, anything else a user
 * name. False if there is no such user.
 */
bool owner_uid(const char *s, uid_t *uid)
{
	unsigned long long v = 0;
	struct passwd *pw;
	const char *p;

	if (*s && s[strspn(s, "0123456789")] == '\0') {
		if (s[0] == '0' && s[1])
			return false;
		for (p = s; *p; p++) {
			v = v * 10 + (*p - '0');
			/* (uid_t)-1 is nobody's: "no change" to the kernel. */
			if (v >= UINT32_MAX)
				return false;
		}
		*uid = (uid_t)v;
		return true;
	}
	pw = getpwnam(s);
	if (!pw)
		return false;
	*uid = pw->pw_uid;
	return true;
}

/* The fd in "--fd=N": decimal, no sign, no leading zero, at most INT_MAX. */
static int parse_fd(const char *s)
{
	long v = 0;
	const char *p;

	if (!*s || (s[0] == '0' && s[1]))
		goto bad;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (*p - '0');
		if (v > INT_MAX)
			goto bad;
	}
	return (int)v;
bad:
	die("--fd must be a file descriptor number, not %s", Q(s));
}

/*
 * QEMU's end must be there to take the TAP: a unix stream socket connected
 * to a peer that has not closed it. Checked before anything is created.
 */
static void check_socket(int fd)
{
	int domain, type, listening;
	socklen_t len = sizeof(int);
	struct sockaddr_storage peer;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT | POLLRDHUP };
	struct stat st;

	if (fstat(fd, &st))
		die("--fd=%d is not an open file descriptor", fd);
	if (!S_ISSOCK(st.st_mode) ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    domain != AF_UNIX || type != SOCK_STREAM)
		die("--fd=%d is not a unix stream socket", fd);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) ||
	    listening)
		die("--fd=%d is a listening socket, not a connected one", fd);
	len = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &len))
		die("--fd=%d is not connected", fd);
	/* A closed peer leaves the socket "connected", but hung up. */
	if (poll(&pfd, 1, 0) < 0 ||
	    (pfd.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)))
		die("--fd=%d is not connected: the other end is closed", fd);
}

/* --br=NAME or --br=OWNER/NAME, whose OWNER is looked up now. */
static void parse_br(const char *arg, struct target *t)
{
	static char owner[ARG_MAX_LEN + 1];
	const char *slash = strchr(arg, '/'), *p;
	size_t len;

	t->arg = arg;
	t->has_owner = false;
	if (slash) {
		len = slash - arg;
		if (!len)
			die("the owner in %s is empty", Q(arg));
		memcpy(owner, arg, len);
		owner[len] = '\0';
		if (strchr(owner, ' '))
			die("the owner %s contains a space", Q(owner));
		arg = slash + 1;
	}
	p = name_problem(arg);
	if (p)
		die("the network name %s %s", Q(arg), p);
	snprintf(t->name, sizeof(t->name), "%s", arg);
	if (slash) {
		if (!owner_uid(owner, &t->owner))
			die("no such user %s (--br=OWNER/NAME)", Q(owner));
		t->has_owner = true;
	}
}

void parse_args(int argc, char **argv, struct args *a)
{
	const char *br = NULL;
	bool have_fd = false;
	int i;

	a->vnet = false;
	a->fd = -1;
	/* Every argument is checked before any is believed. */
	for (i = 1; i < argc; i++) {
		size_t len = strnlen(argv[i], ARG_MAX_LEN + 1);

		if (len > ARG_MAX_LEN)
			die("argument %d is too long (%s)", i,
			    quote(argv[i], len));
		/* clang-format off */
		if (!printable(argv[i]))
			die("argument %d has a byte that is not printable ASCII (%s)",
			    i, Q(argv[i]));
		/* clang-format on */
	}
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--use-vnet")) {
			if (a->vnet)
				die("--use-vnet given twice");
			a->vnet = true;
		} else if (!strncmp(arg, "--fd=", 5)) {
			if (have_fd)
				die("--fd given twice");
			a->fd = parse_fd(arg + 5);
			have_fd = true;
		} else if (!strncmp(arg, "--br=", 5)) {
			if (br)
				die("--br given twice");
			br = arg + 5;
		} else {
			die("unknown argument %s (" USAGE ")", Q(arg));
		}
	}
	if (!have_fd)
		die("no --fd=N (" USAGE ")");
	if (!br)
		die("no --br=NAME (" USAGE ")");
	parse_br(br, &a->net);
	check_socket(a->fd);
}
