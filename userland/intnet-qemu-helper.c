// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper: QEMU's network helper for intnet. QEMU runs it as
 * "intnet-qemu-helper [--use-vnet] --fd=N --br=[OWNER/]NAME"; it creates a TAP
 * owned by the user who ran QEMU, attaches it to the intnet network as that
 * user and passes the TAP's fd back over the socket N.
 *
 * It runs with CAP_NET_ADMIN (a file capability, or setuid root) and keeps it
 * only to create the TAP and give it to the user; the port is attached with no
 * privilege at all, so that the kernel's access rules apply to the user.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/if_tun.h>
#include <linux/magic.h>
#include <linux/netlink.h>

#include <linux/intnet.h>

/* Fixed at build time: whoever runs the helper has no say in it. */
#ifndef INTNET_QEMU_HELPER_CONF
#define INTNET_QEMU_HELPER_CONF "/etc/intnet/qemu-helper.conf"
#endif

#define PROG "intnet-qemu-helper"
#define USAGE "usage: " PROG " [--use-vnet] --fd=N --br=[OWNER/]NAME"
/* Longer than any valid argument ("--br=", an owner, '/' and a name). */
#define ARG_MAX_LEN 200
/* How deep "include" may nest below the ACL file. */
#define INCLUDE_DEPTH 8
/* The longest ACL line read; a longer one is an error. */
#define LINE_MAX_LEN 1024
/* How many directories deep, and how many symbolic links, a path may go. */
#define WALK_DEPTH 64
#define WALK_LINKS 40

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* One line on stderr, then exit 1: the TAP, if any, goes with our fd. */
static void die(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": %s\n", line);
	exit(1);
}

/*
 * @s (up to @len bytes) quoted for a terminal: printable ASCII as is, the
 * rest (and the quote and backslash) as escapes, cut after 64 bytes.
 */
static const char *quote(const char *s, size_t len)
{
	static char out[2][64 * 4 + 8];
	static int which;
	char *o = out[which ^= 1], *p = o;
	size_t i;

	*p++ = '"';
	for (i = 0; i < len && i < 64; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			p += sprintf(p, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			*p++ = c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	if (i < len)
		p += sprintf(p, "...");
	*p++ = '"';
	*p = '\0';
	return o;
}

#define Q(s) quote((s), strlen(s))

/* ---- privileges ---- */

struct caps {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
};

static int caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->hdr, c->data);
}

/* Sets the effective, permitted and inheritable sets to the masks given. */
static int caps_set(uint64_t eff, uint64_t perm)
{
	struct caps c;

	memset(&c, 0, sizeof(c));
	c.hdr.version = _LINUX_CAPABILITY_VERSION_3;
	c.data[0].effective = (uint32_t)eff;
	c.data[1].effective = (uint32_t)(eff >> 32);
	c.data[0].permitted = (uint32_t)perm;
	c.data[1].permitted = (uint32_t)(perm >> 32);
	return syscall(SYS_capset, &c.hdr, c.data);
}

#define NET_ADMIN (1ull << CAP_NET_ADMIN)

/*
 * Becomes the user who ran us, with CAP_NET_ADMIN permitted (not effective)
 * if we were given it and nothing else, for good: the bounding set loses the
 * rest where it can (setuid root), the ambient set is emptied, and no exec can
 * give anything back. Whether CAP_NET_ADMIN is there.
 */
static bool drop_privileges(void)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	bool have = false;
	struct caps c;
	int cap;

	if (getresuid(&ruid, &euid, &suid) || getresgid(&rgid, &egid, &sgid))
		die("getresuid: %s", strerror(errno));
	if (caps_get(&c))
		die("capget: %s", strerror(errno));
	have = c.data[0].permitted & NET_ADMIN;
	/* Needs CAP_SETPCAP: setuid root has it, a file capability not. */
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (cap != CAP_NET_ADMIN)
			(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	/* From setuid root to the user, keeping the permitted set for now. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setresgid(rgid, rgid, rgid) ||
	    setresuid(ruid, ruid, ruid) || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
		die("cannot become uid %u gid %u: %s", (unsigned int)ruid,
		    (unsigned int)rgid, strerror(errno));
	if (caps_set(0, have ? NET_ADMIN : 0))
		die("capset: %s", strerror(errno));
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("no_new_privs: %s", strerror(errno));
	/* Whatever fs.suid_dumpable says: no core, no ptrace by the user. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		die("cannot make the helper non-dumpable: %s", strerror(errno));
	if (getresuid(&ruid, &euid, &suid) || euid != ruid || suid != ruid ||
	    getresgid(&rgid, &egid, &sgid) || egid != rgid || sgid != rgid ||
	    caps_get(&c) || c.data[0].effective || c.data[1].effective ||
	    c.data[0].inheritable || c.data[1].inheritable ||
	    c.data[1].permitted || (c.data[0].permitted & ~NET_ADMIN))
		die("cannot drop privileges");
	return have;
}

/* CAP_NET_ADMIN in effect (@on) or not. */
static void net_admin(bool on)
{
	if (caps_set(on ? NET_ADMIN : 0, NET_ADMIN))
		die("capset: %s", strerror(errno));
}

/* Gives up CAP_NET_ADMIN for good. */
static void drop_net_admin(void)
{
	struct caps c;

	if (caps_set(0, 0) || caps_get(&c) || c.data[0].permitted ||
	    c.data[1].permitted)
		die("cannot drop CAP_NET_ADMIN");
}

/* With fd 0, 1 or 2 closed, the TAP could become stderr. */
static void std_fds_open(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd < 0)
		exit(1);
	close(fd);
}

/* ---- names and owners ---- */

/* Whether @s is printable ASCII only. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* A network name as intnet takes it: 1..INTNET_NAME_MAX, no space or '/'. */
static const char *name_problem(const char *s)
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
static bool owner_uid(const char *s, uid_t *uid)
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

/*
 * A network as named: NAME (whichever network the kernel takes the name to
 * mean for the user: their own, else root's public one) or OWNER/NAME.
 */
struct target {
	const char *arg; /* as given, for messages */
	char name[INTNET_NAME_MAX + 1];
	/* Whether the network's owner is known: given, or asked of intnet. */
	bool has_owner;
	uid_t owner;
};

/* ---- arguments ---- */

struct args {
	bool vnet;
	int fd;
	struct target net;
};

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

static void parse_args(int argc, char **argv, struct args *a)
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

/* ---- intnet ---- */

/* The most of a reply's attributes that nl_call() keeps. */
#define DATA_MAX 4096

struct nlreq {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[256];
} __attribute__((aligned(NLMSG_ALIGNTO)));

static void put_attr(struct nlreq *r, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr *a =
		(struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void req_init(struct nlreq *r, uint16_t family, uint8_t cmd)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	r->nh.nlmsg_type = family;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	r->gh.cmd = cmd;
	r->gh.version = INTNET_GENL_VERSION;
}

/* The first attribute @type in @len bytes at @p, or NULL. */
static const struct nlattr *find_attr(const void *p, size_t len, uint16_t type)
{
	const struct nlattr *a = p;
	size_t step;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		step = NLA_ALIGN(a->nla_len);
		if (step >= len)
			break;
		len -= step;
		a = (const struct nlattr *)((const char *)a + step);
	}
	return NULL;
}

/*
 * Sends @r and reads up to its ack: 0 or the negative errno, with the
 * kernel's message in @msg ("" without one); the first data message's
 * attributes are copied to @data (@data_len bytes, 0 without).
 */
static int nl_call(int s, struct nlreq *r, char *msg, size_t msg_size,
		   void *data, size_t *data_len)
{
	static char buf[32768];
	struct nlmsghdr *nh;
	ssize_t n;

	msg[0] = '\0';
	if (data_len)
		*data_len = 0;
	if (send(s, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			struct nlmsgerr *e = NLMSG_DATA(nh);
			const struct nlattr *a;
			size_t off;

			if (nh->nlmsg_type != NLMSG_ERROR) {
				if (data_len && !*data_len &&
				    nh->nlmsg_len >=
					    NLMSG_HDRLEN + GENL_HDRLEN) {
					off = nh->nlmsg_len - NLMSG_HDRLEN -
					      GENL_HDRLEN;
					*data_len = off < DATA_MAX ? off :
								     DATA_MAX;
					memcpy(data,
					       (char *)NLMSG_DATA(nh) +
						       GENL_HDRLEN,
					       *data_len);
				}
				continue;
			}
			if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
				return -EPROTO;
			off = sizeof(*e);
			if (!(nh->nlmsg_flags & NLM_F_CAPPED))
				off += e->msg.nlmsg_len - NLMSG_HDRLEN;
			off = NLMSG_ALIGN(off);
			if ((nh->nlmsg_flags & NLM_F_ACK_TLVS) &&
			    NLMSG_HDRLEN + off < nh->nlmsg_len) {
				a = find_attr((char *)e + off,
					      nh->nlmsg_len - NLMSG_HDRLEN -
						      off,
					      NLMSGERR_ATTR_MSG);
				if (a)
					snprintf(msg, msg_size, "%.*s",
						 (int)strnlen(
							 (char *)a + NLA_HDRLEN,
							 a->nla_len -
								 NLA_HDRLEN),
						 (char *)a + NLA_HDRLEN);
			}
			return e->error;
		}
	}
}

/* The intnet netlink socket and family, opened when first needed. */
static struct {
	int s;
	uint16_t family;
} nl = { .s = -1 };

/*
 * Opens the socket. Never with a capability in effect (only tap_create() has
 * one): the kernel judges a request by the rights of the socket's opener as
 * well as the sender's.
 */
static void nl_open(void)
{
	static char data[DATA_MAX];
	const struct nlattr *a;
	char msg[256];
	struct nlreq r;
	int one = 1, err;
	size_t len;

	if (nl.s >= 0)
		return;
	nl.s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl.s < 0)
		die("cannot open a netlink socket: %s", strerror(errno));
	/* Without extended acks (old kernels) the errno alone is shown. */
	(void)setsockopt(nl.s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(nl.s, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, INTNET_GENL_NAME,
		 sizeof(INTNET_GENL_NAME));
	err = nl_call(nl.s, &r, msg, sizeof(msg), data, &len);
	if (err == -ENOENT)
		die("the intnet module is not loaded");
	a = err ? NULL : find_attr(data, len, CTRL_ATTR_FAMILY_ID);
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(uint16_t))
		die("cannot resolve the intnet netlink family: %s",
		    err ? strerror(-err) : "no family id");
	nl.family = *(const uint16_t *)((const char *)a + NLA_HDRLEN);
}

/*
 * Whose network NAME is, as the kernel takes it for us (our own, else
 * root's public one); ours if none, for then the port would make ours. The
 * port is then attached to that owner's network by name, so that it goes to
 * the network the ACL was read for or nowhere.
 */
static void resolve_owner(struct target *t)
{
	static char data[DATA_MAX];
	const struct nlattr *a;
	char msg[256];
	struct nlreq r;
	size_t len;
	int err;

	if (t->has_owner)
		return;
	nl_open();
	req_init(&r, nl.family, INTNET_CMD_NET_GET);
	put_attr(&r, INTNET_ATTR_NET_NAME, t->name, strlen(t->name) + 1);
	err = nl_call(nl.s, &r, msg, sizeof(msg), data, &len);
	if (err == -ENOENT) {
		t->owner = getuid();
	} else if (err) {
		die("cannot look up the network %s: %s", Q(t->arg),
		    msg[0] ? msg : strerror(-err));
	} else {
		a = find_attr(data, len, INTNET_ATTR_NET_OWNER);
		if (!a || a->nla_len != NLA_HDRLEN + sizeof(uint32_t))
			die("no owner for %s in intnet's reply", Q(t->arg));
		memcpy(&t->owner, (const char *)a + NLA_HDRLEN,
		       sizeof(uint32_t));
	}
	t->has_owner = true;
}

/* ---- opening the ACL files ---- */

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
	if (st.st_mode & (S_IWGRP | S_IWOTH))
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
	if (st->st_mode & (S_IWGRP | S_IWOTH))
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
static int acl_open(const char *path, bool top, struct stat *st)
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

/* ---- the ACL file ---- */

enum rule { ALLOW, ALLOW_CREATE, DENY, RULES };

static const char *const rule_word[RULES] = {
	[ALLOW] = "allow",
	[ALLOW_CREATE] = "allow-create",
	[DENY] = "deny",
};

struct acl {
	struct target *net;
	/* Where each kind of rule first named the network (line 0: never). */
	struct {
		char file[PATH_MAX];
		unsigned int line;
	} first[RULES];
	/* The files being read, outermost first, to refuse loops. */
	struct stat open[INCLUDE_DEPTH + 1];
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
static bool acl_check(struct acl *acl, struct target *net)
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

/* ---- the TAP ---- */

/*
 * Creates the TAP, owned by the user and by no group (QEMU needs none, and
 * a group shared with others would let them open it when QEMU does not
 * hold it): its fd; its index in @ifindex.
 */
static int tap_create(bool vnet, int *ifindex)
{
	struct ifreq ifr;
	int fd, s;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("cannot open /dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	net_admin(true);
	if (ioctl(fd, TUNSETIFF, &ifr))
		die("cannot create a TAP: %s", strerror(errno));
	if (ioctl(fd, TUNSETOWNER, (unsigned long)getuid()))
		die("cannot give the TAP to uid %u: %s", (unsigned int)getuid(),
		    strerror(errno));
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket: %s", strerror(errno));
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		die("%s: %s", ifr.ifr_name, strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		die("cannot bring %s up: %s", ifr.ifr_name, strerror(errno));
	if (ioctl(s, SIOCGIFINDEX, &ifr))
		die("%s: %s", ifr.ifr_name, strerror(errno));
	*ifindex = ifr.ifr_ifindex;
	close(s);
	net_admin(false);
	return fd;
}

/*
 * Attaches the device @ifindex to the network @t as whoever we are now;
 * @create lets the port make the network, else it joins one that exists
 * (@acl says which rule allowed that).
 */
static void port_add(int ifindex, const struct target *t, bool create,
		     const struct acl *acl)
{
	uint32_t idx = ifindex, owner = t->owner;
	uint8_t one = 1;
	char msg[256];
	struct nlreq r;
	int err;

	nl_open();
	req_init(&r, nl.family, INTNET_CMD_PORT_ADD);
	put_attr(&r, INTNET_ATTR_IFINDEX, &idx, sizeof(idx));
	put_attr(&r, INTNET_ATTR_NET_NAME, t->name, strlen(t->name) + 1);
	if (t->has_owner)
		put_attr(&r, INTNET_ATTR_NET_OWNER, &owner, sizeof(owner));
	if (!create)
		put_attr(&r, INTNET_ATTR_PORT_NO_CREATE, &one, sizeof(one));
	err = nl_call(nl.s, &r, msg, sizeof(msg), NULL, NULL);
	if (err == -ENOENT && !create)
		die("%s (%s:%u allows joining %s, not creating it)",
		    msg[0] ? msg : "no such network", acl->first[ALLOW].file,
		    acl->first[ALLOW].line, Q(t->arg));
	if (err && msg[0])
		die("%s", msg);
	if (err)
		die("cannot attach the TAP to the network %s: %s", Q(t->arg),
		    strerror(-err));
	close(nl.s);
	nl.s = -1;
}

/* Hands the TAP to QEMU: one byte, with the fd. */
static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		die("cannot pass the TAP over --fd=%d: %s", sock,
		    n < 0 ? strerror(errno) : "short write");
}

int main(int argc, char **argv)
{
	static struct acl acl;
	struct args a;
	bool have, create;
	int tap, ifindex;

	std_fds_open();
	have = drop_privileges();
	/* Nothing of the caller's environment is wanted, or trusted. */
	clearenv();
	parse_args(argc, argv, &a);
	create = acl_check(&acl, &a.net);
	/* clang-format off */
	if (!have)
		die("no CAP_NET_ADMIN to create a TAP: install the helper with the file capability cap_net_admin+ep (setcap), or setuid root");
	/* clang-format on */
	tap = tap_create(a.vnet, &ifindex);
	drop_net_admin();
	port_add(ifindex, &a.net, create, &acl);
	send_fd(a.fd, tap);
	return 0;
}
