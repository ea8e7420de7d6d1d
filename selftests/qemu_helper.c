// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper as QEMU uses it: installed with cap_net_admin+ep, run by
 * an unprivileged user over a socketpair, it hands back a TAP attached to the
 * network as that user; frames cross it both ways. Its ACL file decides which
 * networks it serves, the kernel decides the rest, and every refusal is one
 * line on stderr with nothing left behind.
 *
 * The ACL cases (fixture acl) run twice: with the installed helper in a test
 * guest, where an allowed network gives a port, and with a test build (make
 * selftests) that reads its ACL from TEST_DIR and has no capability, where an
 * allowed network ends at "no CAP_NET_ADMIN". The second needs no intnet: on
 * the host, as root, "build/selftests/qemu_helper -f acl" runs it (and skips
 * the cases that need the guest).
 */

#include <limits.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>

#include <linux/capability.h>
#include <linux/virtio_net.h>

#include "switch_lib.h"

/* Each helper run is a program start: slow under TCG, more on the debug lane.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

#define U1 1001u
#define U2 1002u
/* A primary group that users share (Debian's "users"). */
#define SHARED_GID 100u

#define HELPER "/usr/local/libexec/intnet-qemu-helper"
#define NOCAP "/usr/local/libexec/intnet-qemu-helper-nocap"
#define SETUID "/usr/local/libexec/intnet-qemu-helper-setuid"
/* Says that file capabilities do not work here (made by install()). */
#define NO_FILE_CAPS "/usr/local/libexec/.intnet-qemu-helper-setuid"
/* The installed helper's ACL directory, and the test build's (Makefile). */
#define ETC_DIR "/etc/intnet"
#define TEST_DIR "/var/lib/intnet-qemu-helper-test"
#define TEST_HELPER TEST_DIR "/intnet-qemu-helper-test"

/* Paths in the ACL directory of the helper being tested, "{D}" (see sub()). */
#define CONF "{D}/qemu-helper.conf"
#define INC1 "{D}/inc1.conf"
#define INC2 "{D}/inc2.conf"
#define SECRET "{D}/secret.conf"
#define REAL "{D}/real.conf"
/* A directory of root's, and one a user owns. */
#define SUB "{D}/sub"
#define UDIR "{D}/u"

#define P "intnet-qemu-helper: "
#define VNET_HDR sizeof(struct virtio_net_hdr)
#define GONE_MS 10000
#define ARGS_MAX 8
#define FD_MARKER "%FD%"
#define MAX_PORTS_PARAM "/sys/module/intnet/parameters/max_ports_per_user"

/* clang-format off */
#define NOCAP_MSG P "no CAP_NET_ADMIN to create a TAP: install the helper with the file capability cap_net_admin+ep (setcap), or setuid root\n"
#define QUOTA_MSG P "intnet: you have as many ports as max_ports_per_user allows\n"
#define JOIN_ONLY(line, br) P "no such network (" CONF ":" line " allows joining \"" br "\", not creating it)\n"
/* clang-format on */

/* The helper being tested. */
struct helper {
	const char *path;
	/* Its ACL directory: what "{D}" stands for. */
	const char *dir;
	/* With its capability, on intnet: an allowed network gives a port. */
	bool installed;
	/* When installed: the test's switch. */
	struct sw *sw;
};

/* How the helper is run. */
struct how {
	uid_t uid;
	gid_t gid;
	/* Its --fd: -1 for its end of a socketpair, as QEMU does. */
	int fd;
	/* QEMU's end of the socketpair is closed before the helper starts. */
	bool peer_closed;
	/* RLIMIT_AS for the helper, or 0. */
	rlim_t mem;
};

#define AS_USER(u) (&(struct how){ .uid = (u), .gid = (u), .fd = -1 })

/* A helper that was started: its pid, QEMU's end, its stderr. */
struct proc {
	pid_t pid;
	int qemu, err, fd;
};

/* What one run of the helper gave back. */
struct run {
	int status; /* exit status, or -1 if it did not exit normally */
	int tap; /* the fd received, or -1 */
	int fd; /* the helper's --fd */
	char err[4096];
};

/* @s with every "{D}" replaced by @h's ACL directory (buffers used in turn). */
static const char *sub(const struct helper *h, const char *s)
{
	static char buf[4][8192];
	static int which;
	char *out = buf[which = (which + 1) % 4];
	size_t len = 0, size = sizeof(buf[0]);
	const char *m;

	out[0] = '\0';
	for (; (m = strstr(s, "{D}")) && len < size; s = m + 3)
		len += snprintf(out + len, size - len, "%.*s%s", (int)(m - s),
				s, h->dir);
	if (len < size)
		snprintf(out + len, size - len, "%s", s);
	return out;
}

/* Whether this runs in a test guest (guest.sh says so). */
static bool in_guest(void)
{
	return getenv("INTNET_LANE");
}

/* $BUILD, or the build directory this test binary sits in. */
static const char *build_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("BUILD");
	ssize_t n;
	char *s;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n < 0)
		return ".";
	dir[n] = '\0';
	/* BUILD/selftests/qemu_helper */
	for (int i = 0; i < 2 && (s = strrchr(dir, '/')); i++)
		*s = '\0';
	return dir;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		close(in);
		return -errno;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ret = -EIO;
	if (n < 0 || fchown(out, 0, 0) || fchmod(out, mode))
		ret = -errno;
	close(in);
	close(out);
	return ret;
}

/* Writes @len bytes of @text to @path, owned by @uid with @mode. */
static int write_bytes(const char *path, const char *text, size_t len,
		       mode_t mode, uid_t uid)
{
	int fd, ret = 0;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fchown(fd, uid, 0) ||
	    fchmod(fd, mode))
		ret = -errno ? -errno : -EIO;
	close(fd);
	return ret;
}

/* Writes @text ("{D}" replaced) to @path ("{D}" too), @uid's with @mode. */
static int write_conf(const struct helper *h, const char *path,
		      const char *text, mode_t mode, uid_t uid)
{
	const char *t = sub(h, text);

	return write_bytes(sub(h, path), t, strlen(t), mode, uid);
}

/* @path ("{D}" replaced) as a symbolic link to @target (the same). */
static int link_conf(const struct helper *h, const char *path,
		     const char *target)
{
	unlink(sub(h, path));
	return symlink(sub(h, target), sub(h, path)) ? -errno : 0;
}

#define CONF_IS(text) ASSERT_EQ(0, write_conf(h, CONF, (text), 0644, 0))

/* Everything a test may leave in the ACL directory goes; the directory stays.
 */
static void clean_dir(const struct helper *h)
{
	static const char *const files[] = {
		CONF,	      INC1,
		INC2,	      SECRET,
		REAL,	      SUB "/real.conf",
		SUB "/link",  UDIR "/inc.conf",
		UDIR "/link",
	};
	unsigned int i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(sub(h, files[i]));
	rmdir(sub(h, SUB));
	rmdir(sub(h, UDIR));
	mkdir(h->dir, 0755);
	if (chown(h->dir, 0, 0) || chmod(h->dir, 0755))
		ksft_print_msg("cannot make %s root's: %s\n", h->dir,
			       strerror(errno));
}

/*
 * Starts @path as QEMU does, as @how->uid: a socketpair, and the helper with
 * @argv (NULL-ended, without argv[0]; FD_MARKER in an argument becomes the
 * number of the helper's end); helper_finish() takes what it gives.
 */
static void helper_start(struct __test_metadata *_metadata, const char *path,
			 const struct how *how, const char *const *argv,
			 struct proc *p)
{
	char args[ARGS_MAX][256], *av[ARGS_MAX + 2];
	struct rlimit mem = { how->mem, how->mem };
	int sv[2] = { -1, -1 }, errp[2], i;
	char *m;

	p->qemu = -1;
	p->fd = how->fd;
	if (how->fd < 0) {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
					sv));
		p->qemu = sv[0];
		p->fd = sv[1];
	}
	if (how->peer_closed) {
		close(p->qemu);
		p->qemu = -1;
	}
	ASSERT_EQ(0, pipe2(errp, O_CLOEXEC));
	av[0] = "intnet-qemu-helper";
	for (i = 0; argv[i]; i++) {
		ASSERT_LT(i, ARGS_MAX);
		m = strstr(argv[i], FD_MARKER);
		if (m)
			snprintf(args[i], sizeof(args[i]), "%.*s%d%s",
				 (int)(m - argv[i]), argv[i], p->fd,
				 m + strlen(FD_MARKER));
		else
			snprintf(args[i], sizeof(args[i]), "%s", argv[i]);
		av[i + 1] = args[i];
	}
	av[i + 1] = NULL;
	fflush(stdout);
	fflush(stderr);
	p->pid = fork();
	ASSERT_LE(0, p->pid);
	if (p->pid == 0) {
		/* QEMU's end stays open in QEMU only; the helper's is kept. */
		if ((how->mem && setrlimit(RLIMIT_AS, &mem)) ||
		    setgroups(0, NULL) ||
		    setresgid(how->gid, how->gid, how->gid) ||
		    setresuid(how->uid, how->uid, how->uid) ||
		    dup2(errp[1], 2) < 0 || fcntl(p->fd, F_SETFD, 0))
			_exit(254);
		execv(path, av);
		_exit(253);
	}
	if (how->fd < 0)
		close(sv[1]);
	close(errp[1]);
	p->err = errp[0];
}

/* The fd the helper passes (as QEMU takes it), its stderr and status. */
static void helper_finish(struct __test_metadata *_metadata, struct proc *p,
			  struct run *r)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte = 1;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	size_t len = 0;
	int status;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->tap = -1;
	r->status = -1;
	r->fd = p->fd;
	if (p->qemu >= 0) {
		n = recvmsg(p->qemu, &mh, MSG_CMSG_CLOEXEC);
		cm = n == 1 ? CMSG_FIRSTHDR(&mh) : NULL;
		if (cm && cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&r->tap, CMSG_DATA(cm), sizeof(int));
		close(p->qemu);
	}
	while ((n = read(p->err, r->err + len, sizeof(r->err) - 1 - len)) > 0)
		len += n;
	r->err[len] = '\0';
	close(p->err);
	ASSERT_EQ(p->pid, waitpid(p->pid, &status, 0));
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	ASSERT_GT(254, r->status) TH_LOG("the child could not become a user");
	ASSERT_NE(253, r->status) TH_LOG("cannot run the helper");
}

static void run_helper_argv(struct __test_metadata *_metadata, const char *path,
			    const struct how *how, const char *const *argv,
			    struct run *r)
{
	struct proc p;

	helper_start(_metadata, path, how, argv, &p);
	helper_finish(_metadata, &p, r);
}

/* The helper as QEMU runs it for a netdev bridge with br=@br. */
static void run_helper(struct __test_metadata *_metadata, const char *path,
		       const struct how *how, const char *br, int vnet,
		       struct run *r)
{
	char arg[256];
	const char *argv[4] = { "--fd=" FD_MARKER, arg, NULL, NULL };

	snprintf(arg, sizeof(arg), "--br=%s", br);
	if (vnet) {
		argv[0] = "--use-vnet";
		argv[1] = "--fd=" FD_MARKER;
		argv[2] = arg;
	}
	run_helper_argv(_metadata, path, how, argv, r);
}

/* The names of the namespace's devices, one line each. */
static void links(char *buf, size_t size)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	size_t len = 0;

	buf[0] = '\0';
	for (i = ifs; i && i->if_index; i++)
		len += snprintf(buf + len, size - len, "%u %s\n", i->if_index,
				i->if_name);
	if_freenameindex(ifs);
}

/*
 * What the installed helper could have made: the test namespace's devices
 * and intnet's whole state (the test build can make nothing).
 */
struct world {
	char links[8192];
	struct text state;
};

static void world(struct __test_metadata *_metadata, const struct helper *h,
		  struct world *w)
{
	w->links[0] = '\0';
	w->state.len = 0;
	w->state.buf[0] = '\0';
	if (!h->installed)
		return;
	links(w->links, sizeof(w->links));
	state(_metadata, h->sw, &w->state);
}

/* Nothing was made since @before. */
static void expect_same_world(struct __test_metadata *_metadata,
			      const struct helper *h,
			      const struct world *before)
{
	static struct world after;

	world(_metadata, h, &after);
	EXPECT_STREQ(before->links, after.links);
	EXPECT_STREQ(before->state.buf, after.state.buf);
}

/*
 * The helper @h, run @how with @argv, fails with exactly @msg ("{D}"
 * replaced, and FD_MARKER by the number of its --fd) on stderr, one line,
 * and a non-zero status.
 */
static void refused(struct __test_metadata *_metadata, const struct helper *h,
		    const struct how *how, const char *const *argv,
		    const char *msg)
{
	char want[8192];
	const char *m;
	struct run r;

	run_helper_argv(_metadata, h->path, how, argv, &r);
	msg = sub(h, msg);
	m = strstr(msg, FD_MARKER);
	if (m)
		snprintf(want, sizeof(want), "%.*s%d%s", (int)(m - msg), msg,
			 r.fd, m + strlen(FD_MARKER));
	else
		snprintf(want, sizeof(want), "%s", msg);
	EXPECT_EQ(1, r.status);
	EXPECT_EQ(-1, r.tap);
	EXPECT_STREQ(want, r.err);
	if (r.tap >= 0)
		close(r.tap);
}

/* The same, and the refusal leaves no device and no port behind. */
static void expect_refusal_argv(struct __test_metadata *_metadata,
				const struct helper *h, const struct how *how,
				const char *const *argv, const char *msg)
{
	static struct world before;

	world(_metadata, h, &before);
	refused(_metadata, h, how, argv, msg);
	expect_same_world(_metadata, h, &before);
}

/* The same, for QEMU's arguments with br=@br, run as U1. */
static void expect_refusal(struct __test_metadata *_metadata,
			   const struct helper *h, const char *br,
			   const char *msg)
{
	char arg[256];
	const char *argv[] = { "--use-vnet", "--fd=" FD_MARKER, arg, NULL };

	snprintf(arg, sizeof(arg), "--br=%s", br);
	expect_refusal_argv(_metadata, h, AS_USER(U1), argv, msg);
}

/* The same, as the user @uid. */
static void expect_refusal_as(struct __test_metadata *_metadata,
			      const struct helper *h, uid_t uid, const char *br,
			      const char *msg)
{
	char arg[256];
	const char *argv[] = { "--use-vnet", "--fd=" FD_MARKER, arg, NULL };

	snprintf(arg, sizeof(arg), "--br=%s", br);
	expect_refusal_argv(_metadata, h, AS_USER(uid), argv, msg);
}

/* The device behind a TAP fd: its name, index and flags. */
static int tap_info(int fd, char *name, short *flags)
{
	struct ifreq ifr = { 0 };

	if (ioctl(fd, TUNGETIFF, &ifr))
		return -errno;
	snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	if (flags)
		*flags = ifr.ifr_flags;
	return (int)if_nametoindex(ifr.ifr_name);
}

/* What rtnetlink says of a TUN/TAP device (sysfs shows another namespace). */
struct tun_info {
	unsigned int flags; /* ifi_flags */
	long owner, group; /* -1 when unset */
	int type, pi, vnet_hdr, persist;
};

static int tun_info(int ifindex, struct tun_info *ti)
{
	static struct nl_reply r;
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	struct nlattr *td[IFLA_TUN_MAX + 1];
	struct ifinfomsg *ifi;
	uint32_t buf[64];
	size_t len;
	int fd, err;

	memset(ti, 0, sizeof(*ti));
	fd = nl_open_proto(NETLINK_ROUTE);
	if (fd < 0)
		return fd;
	len = rtnl_link_start(buf, RTM_GETLINK, 0, ifindex);
	err = nl_request(fd, buf, len, &r);
	close(fd);
	if (err)
		return err;
	if (!r.msg || r.msg->nlmsg_type != RTM_NEWLINK)
		return -ENODATA;
	ifi = NLMSG_DATA(r.msg);
	ti->flags = ifi->ifi_flags;
	nla_index((char *)ifi + NLMSG_ALIGN(sizeof(*ifi)),
		  r.msg->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof(*ifi)),
		  tb, IFLA_MAX);
	if (!tb[IFLA_LINKINFO])
		return -ENODATA;
	nla_index(nla_payload(tb[IFLA_LINKINFO]),
		  tb[IFLA_LINKINFO]->nla_len - NLA_HDRLEN, li, IFLA_INFO_MAX);
	if (!li[IFLA_INFO_DATA])
		return -ENODATA;
	nla_index(nla_payload(li[IFLA_INFO_DATA]),
		  li[IFLA_INFO_DATA]->nla_len - NLA_HDRLEN, td, IFLA_TUN_MAX);
	ti->owner = get_u32_or_none(td[IFLA_TUN_OWNER]);
	ti->group = get_u32_or_none(td[IFLA_TUN_GROUP]);
	ti->type = get_u8(td[IFLA_TUN_TYPE]);
	ti->pi = get_u8(td[IFLA_TUN_PI]);
	ti->vnet_hdr = get_u8(td[IFLA_TUN_VNET_HDR]);
	ti->persist = get_u8(td[IFLA_TUN_PERSIST]);
	return 0;
}

/* NET_GET of @owner's network @name, as the administrator. */
static int net_get_of(struct sw *sw, uid_t owner, const char *name,
		      struct net_info *ni)
{
	int err;

	memset(ni, 0, sizeof(*ni));
	sw_as(sw, NONE, NONE);
	err = intnet_req(sw, INTNET_CMD_NET_GET, INTNET_ATTR_NET_NAME, name,
			 INTNET_ATTR_NET_OWNER, (int)owner, 0);
	if (!err && !last.msg)
		err = -ENODATA;
	if (!err)
		parse_net(last.msg, ni);
	return err;
}

/* @uid's network @name, made public (0: root's) unless it exists already. */
static void net_public(struct __test_metadata *_metadata, struct sw *sw,
		       uid_t uid, const char *name)
{
	int err;

	sw_as(sw, uid ? (long)uid : NONE, NONE);
	err = intnet_req(sw, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME, name,
			 INTNET_ATTR_NET_ACCESS, INTNET_ACCESS_PUBLIC, 0);
	sw_as(sw, NONE, NONE);
	ASSERT_TRUE(!err || err == -EEXIST) TH_LOG("NET_NEW: %s", last.extack);
}

/* @uid's own network @name, restricted. */
static void net_own(struct __test_metadata *_metadata, struct sw *sw, uid_t uid,
		    const char *name)
{
	sw_as(sw, uid, NONE);
	ASSERT_EQ(0, net_new(sw, name)) TH_LOG("NET_NEW: %s", last.extack);
	sw_as(sw, NONE, NONE);
}

/* The network a port should be on: its owner and name. */
struct where {
	uid_t owner;
	const char *name;
};

/*
 * The helper @path, run @how on br=@br, hands back a TAP attached to @w for
 * the user: owned by the user and by no group.
 */
static int expect_port(struct __test_metadata *_metadata, struct sw *sw,
		       const char *path, const struct how *how, const char *br,
		       int vnet, struct where w)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	char name[IFNAMSIZ];
	struct tun_info ti;
	struct port_info pi;
	struct run r;
	short flags;
	int ifindex;

	run_helper(_metadata, path, how, br, vnet, &r);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(0, r.status);
	ASSERT_LE(0, r.tap);
	ifindex = tap_info(r.tap, name, &flags);
	ASSERT_LT(0, ifindex);
	EXPECT_EQ(IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0),
		  flags & (IFF_TAP | IFF_TUN | IFF_NO_PI | IFF_VNET_HDR));
	/* Not persistent: it lives as long as QEMU's fd. */
	EXPECT_EQ(0, flags & IFF_PERSIST);
	ASSERT_EQ(0, tun_info(ifindex, &ti));
	EXPECT_EQ(how->uid, ti.owner);
	/* A group would let its members open the TAP when QEMU does not. */
	EXPECT_EQ(-1, ti.group);
	EXPECT_EQ(IFF_TAP, ti.type);
	EXPECT_EQ(0, ti.pi);
	EXPECT_EQ(vnet, ti.vnet_hdr);
	EXPECT_EQ(0, ti.persist);
	EXPECT_EQ(IFF_UP, (int)(ti.flags & IFF_UP));
	sw_as(sw, NONE, NONE);
	ASSERT_EQ(0, port_get(sw, ifindex, &pi)) TH_LOG("%s", last.extack);
	genl_index(last.msg, tb, INTNET_ATTR_MAX);
	EXPECT_STREQ(w.name, pi.net);
	EXPECT_EQ(w.owner, get_u32_or_none(tb[INTNET_ATTR_NET_OWNER]));
	EXPECT_STREQ(name, pi.ifname);
	EXPECT_EQ(how->uid, pi.user);
	EXPECT_EQ(1, pi.up);
	return r.tap;
}

/* Closing QEMU's fd takes the TAP, and with it the port, away. */
static void expect_gone_on_close(struct __test_metadata *_metadata,
				 struct sw *sw, int tap)
{
	struct timespec t0;
	struct port_info pi;
	char name[IFNAMSIZ];
	int ifindex = tap_info(tap, name, NULL);

	ASSERT_LT(0, ifindex);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	close(tap);
	while (if_nametoindex(name) && seconds_since(&t0) * 1000 < GONE_MS)
		usleep(1000);
	EXPECT_EQ(0u, if_nametoindex(name));
	EXPECT_EQ(-ENODEV, port_get(sw, ifindex, &pi))
	TH_LOG("PORT_GET: %d %s", last.error, last.extack);
}

/* The uid OWNER in "OWNER/NAME" stands for in these tests ("root" or a number).
 */
static uid_t owner_of(const char *br)
{
	return strncmp(br, "root/", 5) ? (uid_t)strtoul(br, NULL, 10) : 0;
}

/*
 * The helper @h serves br=@br to U1. Installed, it attaches a TAP to the
 * network (made beforehand: U1's own for NAME, a public one for OWNER/NAME),
 * which stays open until the test ends: the kernel removes a closed TAP late
 * (seconds under TCG), and a refusal that follows compares the state before
 * and after it. The test build says it has no capability.
 */
static void expect_allowed(struct __test_metadata *_metadata,
			   const struct helper *h, const char *br)
{
	const char *slash = strchr(br, '/');
	struct where w = { U1, slash ? slash + 1 : br };
	struct run r;

	if (!h->installed) {
		run_helper(_metadata, h->path, AS_USER(U1), br, 1, &r);
		EXPECT_EQ(1, r.status);
		EXPECT_EQ(-1, r.tap);
		EXPECT_STREQ(NOCAP_MSG, r.err) TH_LOG("br=%s", br);
		return;
	}
	if (slash) {
		w.owner = owner_of(br);
		net_public(_metadata, h->sw, w.owner, w.name);
	} else {
		net_public(_metadata, h->sw, U1, w.name);
	}
	ASSERT_LE(0, expect_port(_metadata, h->sw, h->path, AS_USER(U1), br, 1,
				 w));
}

/* Whether @a and @b hold the same bytes. */
static int same_file(const char *a, const char *b)
{
	static char ba[1 << 20], bb[1 << 20];
	int fa = open(a, O_RDONLY | O_CLOEXEC);
	int fb = open(b, O_RDONLY | O_CLOEXEC);
	ssize_t na = fa < 0 ? -1 : read(fa, ba, sizeof(ba));
	ssize_t nb = fb < 0 ? -1 : read(fb, bb, sizeof(bb));

	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return na >= 0 && na == nb && !memcmp(ba, bb, na);
}

/* Whether the helper's file system refuses file capabilities. */
static int file_caps_unsupported(void)
{
	struct vfs_cap_data cap = {
		.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE,
		.data[0].permitted = 1u << CAP_NET_ADMIN,
	};

	if (!setxattr(HELPER, "security.capability", &cap, XATTR_CAPS_SZ_2, 0))
		return removexattr(HELPER, "security.capability"), 0;
	return errno == EOPNOTSUPP;
}

/*
 * Installs the helper as make install does, once per guest (setcap alone
 * takes a second under TCG); the ACL files are made by each test.
 */
static void install(struct __test_metadata *_metadata)
{
	char from[PATH_MAX];

	snprintf(from, sizeof(from), "%s/bin/intnet-qemu-helper", build_dir());
	mkdir("/usr/local/libexec", 0755);
	if (same_file(from, HELPER) &&
	    (getxattr(HELPER, "security.capability", NULL, 0) > 0 ||
	     access(NO_FILE_CAPS, F_OK) == 0))
		return;
	ASSERT_EQ(0, copy_file(from, HELPER, 0755)) TH_LOG("copy %s", from);
	if (file_caps_unsupported()) {
		/* The debug kernel: no CONFIG_TMPFS_XATTR. */
		TH_LOG("no file capabilities on this file system: installing the helper setuid root instead");
		ASSERT_EQ(0, chmod(HELPER, 04755));
		ASSERT_EQ(0, write_bytes(NO_FILE_CAPS, "", 0, 0644, 0));
		return;
	}
	ASSERT_EQ(0, system("/usr/sbin/setcap cap_net_admin+ep " HELPER));
}

/* The installed helper, on a switch of the test's own. */
static void installed_helper(struct __test_metadata *_metadata,
			     struct helper *h)
{
	*h = (struct helper){ HELPER, ETC_DIR, true, sw_new(_metadata) };
	install(_metadata);
	/* The guest's files outlive a test: start with none of them. */
	clean_dir(h);
}

/* The test build, copied where every user may run it. */
static void test_build_helper(struct __test_metadata *_metadata,
			      struct helper *h)
{
	char from[PATH_MAX];

	*h = (struct helper){ TEST_HELPER, TEST_DIR, false, NULL };
	clean_dir(h);
	snprintf(from, sizeof(from),
		 "%s/selftests/helpers/intnet-qemu-helper-test", build_dir());
	ASSERT_EQ(0, copy_file(from, TEST_HELPER, 0755))
	TH_LOG("copy %s", from);
}

/* ---- the ACL and the arguments, with either helper ---- */

FIXTURE(acl)
{
	struct helper h;
};

FIXTURE_VARIANT(acl)
{
	bool installed;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(acl, installed)
{
	.installed = true,
};

FIXTURE_VARIANT_ADD(acl, test_build)
{
	.installed = false,
};
/* clang-format on */

FIXTURE_SETUP(acl)
{
	if (variant->installed && !in_guest())
		SKIP(return, "the installed helper runs in a test guest");
	if (variant->installed)
		installed_helper(_metadata, &self->h);
	else
		test_build_helper(_metadata, &self->h);
}

FIXTURE_TEARDOWN(acl)
{
	clean_dir(&self->h);
	if (!self->h.installed) {
		unlink(TEST_HELPER);
		rmdir(TEST_DIR);
	}
}

static void acl_allow_names_a_network(struct __test_metadata *_metadata,
				      const struct helper *h)
{
	CONF_IS("allow lab\n");
	expect_allowed(_metadata, h, "lab");
	expect_refusal(_metadata, h, "lab2",
		       P "the network \"lab2\" is not allowed by " CONF "\n");
	CONF_IS("allow-create lab\n");
	expect_allowed(_metadata, h, "lab");
	expect_refusal(_metadata, h, "lab2",
		       P "the network \"lab2\" is not allowed by " CONF "\n");
}

static void acl_deny_names_a_network(struct __test_metadata *_metadata,
				     const struct helper *h)
{
	CONF_IS("# every network but one\nallow all\n\n  deny\tlab  \n");
	expect_allowed(_metadata, h, "other");
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is denied by " CONF ":4\n");
}

static void acl_allow_all(struct __test_metadata *_metadata,
			  const struct helper *h)
{
	CONF_IS("allow all\n");
	expect_allowed(_metadata, h, "lab");
	expect_allowed(_metadata, h, "~x!#\"");
}

static void acl_deny_wins_over_allow(struct __test_metadata *_metadata,
				     const struct helper *h)
{
	CONF_IS("deny lab\nallow lab\nallow all\n");
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is denied by " CONF ":1\n");
	CONF_IS("allow lab\ndeny all\n");
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is denied by " CONF ":2\n");
	CONF_IS("allow-create all\nallow-create lab\ndeny lab\n");
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is denied by " CONF ":3\n");
}

static void acl_default_is_deny(struct __test_metadata *_metadata,
				const struct helper *h)
{
	CONF_IS("# nothing\n\n");
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is not allowed by " CONF "\n");
	CONF_IS("allow la\nallow lab2\nallow-create lab3\n");
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is not allowed by " CONF "\n");
}

TEST_F(acl, rules_allow_deny_allow_create_and_deny_wins)
{
	acl_allow_names_a_network(_metadata, &self->h);
	acl_deny_names_a_network(_metadata, &self->h);
	acl_allow_all(_metadata, &self->h);
	acl_deny_wins_over_allow(_metadata, &self->h);
	acl_default_is_deny(_metadata, &self->h);
}

/*
 * NAME in a rule is every network of that name, OWNER/NAME only OWNER's:
 * the helper judges the network the port would join, whoever names it how.
 */
TEST_F(acl, rules_name_networks_with_or_without_their_owner)
{
	const struct helper *h = &self->h;

	CONF_IS("allow root/lab\n");
	expect_allowed(_metadata, h, "0/lab");
	expect_allowed(_metadata, h, "root/lab");
	expect_refusal(_metadata, h, "1002/lab",
		       P "the network \"1002/lab\" is not allowed by " CONF
			 "\n");
	expect_refusal(_metadata, h, "root/lab2",
		       P "the network \"root/lab2\" is not allowed by " CONF
			 "\n");
	CONF_IS("allow lab\n");
	expect_allowed(_metadata, h, "1002/lab");
	expect_allowed(_metadata, h, "root/lab");
	CONF_IS("allow all\ndeny lab\n");
	expect_refusal(_metadata, h, "0/lab",
		       P "the network \"0/lab\" is denied by " CONF ":2\n");
	expect_refusal(_metadata, h, "1002/lab",
		       P "the network \"1002/lab\" is denied by " CONF ":2\n");
	expect_allowed(_metadata, h, "0/other");
	CONF_IS("allow all\ndeny 1002/lab\n");
	expect_refusal(_metadata, h, "1002/lab",
		       P "the network \"1002/lab\" is denied by " CONF ":2\n");
	expect_allowed(_metadata, h, "0/lab");
	/* An owner that is nobody refuses what the rule is about. */
	CONF_IS("deny nosuchuser/lab\nallow all\n");
	expect_refusal(_metadata, h, "0/lab",
		       P CONF ":1: no such user \"nosuchuser\"\n");
	expect_allowed(_metadata, h, "0/other");
	CONF_IS("allow all\nallow /lab\n");
	expect_refusal(_metadata, h, "lab",
		       P CONF ":2: \"/lab\" is not NAME, OWNER/NAME or all\n");
	CONF_IS("allow all\ndeny a/b/c\n");
	expect_refusal(_metadata, h, "lab",
		       P CONF ":2: \"a/b/c\" is not NAME, OWNER/NAME or all\n");
}

/*
 * "all" is every network, as for qemu-bridge-helper; the network named "all"
 * is allowed or denied on its own with its owner.
 */
TEST_F(acl, all_is_every_network_and_owner_slash_all_is_the_network_all)
{
	const struct helper *h = &self->h;

	CONF_IS("allow all\n");
	expect_allowed(_metadata, h, "all");
	expect_allowed(_metadata, h, "0/x");
	CONF_IS("allow root/all\n");
	expect_allowed(_metadata, h, "0/all");
	expect_refusal(_metadata, h, "0/x",
		       P "the network \"0/x\" is not allowed by " CONF "\n");
	CONF_IS("allow all\ndeny root/all\n");
	expect_refusal(_metadata, h, "0/all",
		       P "the network \"0/all\" is denied by " CONF ":2\n");
	expect_allowed(_metadata, h, "0/x");
}

TEST_F(acl, includes_count_and_one_that_cannot_be_read_refuses_everything)
{
	const struct helper *h = &self->h;

	CONF_IS("include " INC1 "\n");
	ASSERT_EQ(0, write_conf(h, INC1,
				"allow lab\ninclude " INC2 "\n"
				"include " SECRET "\n",
				0644, 0));
	ASSERT_EQ(0, write_conf(h, INC2, "deny bad\nallow bad\n", 0644, 0));
	ASSERT_EQ(0,
		  write_conf(h, SECRET, "allow secret\ndeny lab\n", 0600, 0));
	/* U1 cannot read SECRET: nothing is served rather than its rules lost.
	 */
	expect_refusal(_metadata, h, "lab", P SECRET ": Permission denied\n");
	expect_refusal(_metadata, h, "secret",
		       P SECRET ": Permission denied\n");
	/* Once U1 may read it, it counts. */
	ASSERT_EQ(0, chown(sub(h, SECRET), 0, U1));
	ASSERT_EQ(0, chmod(sub(h, SECRET), 0640));
	expect_allowed(_metadata, h, "secret");
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is denied by " SECRET ":2\n");
	expect_refusal(_metadata, h, "bad",
		       P "the network \"bad\" is denied by " INC2 ":1\n");
}

/* An included "deny lab" swapped for a link to an unreadable file. */
TEST_F(acl, an_include_linked_to_an_unreadable_file_refuses_everything)
{
	const struct helper *h = &self->h;

	CONF_IS("allow all\ninclude " INC1 "\n");
	ASSERT_EQ(0, write_conf(h, INC1, "deny lab\n", 0644, 0));
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is denied by " INC1 ":1\n");
	ASSERT_EQ(0, write_conf(h, SECRET, "deny lab\n", 0600, 0));
	ASSERT_EQ(0, link_conf(h, INC1, SECRET));
	expect_refusal(_metadata, h, "lab",
		       P SECRET ": Permission denied: refusing " INC1 "\n");
	expect_refusal(_metadata, h, "other",
		       P SECRET ": Permission denied: refusing " INC1 "\n");
}

/*
 * A symbolic link is followed through directories that only root can
 * change, each checked on the way: not through one a user owns, wherever it
 * is on the way (as the directory of the link, of its target, or "..").
 */
TEST_F(acl, links_are_followed_only_through_directories_of_roots)
{
	const struct helper *h = &self->h;

	ASSERT_EQ(0, mkdir(sub(h, SUB), 0755));
	ASSERT_EQ(0, mkdir(sub(h, UDIR), 0755));
	ASSERT_EQ(0, chown(sub(h, UDIR), U1, U1));
	ASSERT_EQ(0, write_conf(h, SUB "/real.conf", "allow all\n", 0644, 0));
	ASSERT_EQ(0, write_conf(h, REAL, "allow all\n", 0644, 0));
	CONF_IS("include " INC1 "\n");
	/* Through root's directories, relative or not, ".." and "." too. */
	ASSERT_EQ(0, link_conf(h, INC1, "sub/real.conf"));
	expect_allowed(_metadata, h, "lab");
	ASSERT_EQ(0, link_conf(h, INC1, SUB "/../sub/./link"));
	ASSERT_EQ(0, link_conf(h, SUB "/link", "../real.conf"));
	expect_allowed(_metadata, h, "lab");
	/* The include is a link in the user's directory. */
	CONF_IS("include " UDIR "/inc.conf\n");
	ASSERT_EQ(0, link_conf(h, UDIR "/inc.conf", REAL));
	expect_refusal(_metadata, h, "lab",
		       P UDIR " is not owned by root: refusing " UDIR
			      "/inc.conf\n");
	/* Root's link leads through the user's directory. */
	CONF_IS("include " INC1 "\n");
	ASSERT_EQ(0, link_conf(h, INC1, "u/link"));
	ASSERT_EQ(0, link_conf(h, UDIR "/link", REAL));
	expect_refusal(_metadata, h, "lab",
		       P UDIR " is not owned by root: refusing " INC1 "\n");
	CONF_IS("include " UDIR "/../real.conf\n");
	expect_refusal(_metadata, h, "lab",
		       P UDIR " is not owned by root: refusing " UDIR
			      "/../real.conf\n");
	/* A directory of root's that others may write is no better. */
	ASSERT_EQ(0, chmod(sub(h, SUB), 0775));
	CONF_IS("include " INC1 "\n");
	ASSERT_EQ(0, link_conf(h, INC1, "sub/real.conf"));
	expect_refusal(_metadata, h, "lab",
		       P SUB " is writable by group or others: refusing " INC1
			     "\n");
}

/* What the kernel makes up, a process's name say, is never an ACL. */
TEST_F(acl, procfs_and_sysfs_are_refused)
{
	const struct helper *h = &self->h;
	char comm[64], c;
	int named[2];
	pid_t pid;

	/* A process of root's named "allow all", as a setuid program can be. */
	ASSERT_EQ(0, pipe(named));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		prctl(PR_SET_NAME, "allow all");
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (write(named[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(named[1]);
	ASSERT_EQ(1, read(named[0], &c, 1));
	close(named[0]);
	snprintf(comm, sizeof(comm), "/proc/%d/comm", (int)pid);
	CONF_IS("include " INC1 "\n");
	ASSERT_EQ(0, link_conf(h, INC1, comm));
	expect_refusal(_metadata, h, "lab",
		       P "/proc is on procfs: refusing " INC1 "\n");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CONF_IS("include /proc/self/comm\n");
	expect_refusal(_metadata, h, "lab",
		       P "/proc is on procfs: refusing /proc/self/comm\n");
	CONF_IS("include /sys/kernel/uevent_seqnum\n");
	expect_refusal(
		_metadata, h, "lab",
		P "/sys is on sysfs: refusing /sys/kernel/uevent_seqnum\n");
}

/*
 * glibc's getline() fails for want of memory without setting the stream's
 * error flag: the rules after the line it could not read must not be lost.
 */
TEST_F(acl, running_out_of_memory_while_reading_refuses_everything)
{
	const struct helper *h = &self->h;
	const char *argv[] = { "--fd=" FD_MARKER, "--br=lab", NULL };
	/* A line that does not fit in the helper's address space. */
	const size_t line = 24 << 20;
	struct how how = { .uid = U1, .gid = U1, .fd = -1, .mem = 16 << 20 };
	size_t len = 0;
	char *text;

	text = malloc(line + 64);
	ASSERT_NE(NULL, text);
	len += sprintf(text, "allow all\n#");
	memset(text + len, 'x', line);
	len += line;
	len += sprintf(text + len, "\ndeny lab\n");
	ASSERT_EQ(0, write_bytes(sub(h, CONF), text, len, 0644, 0));
	free(text);
	expect_refusal_argv(_metadata, h, &how, argv,
			    P CONF ": Cannot allocate memory\n");
	/* With the memory, the line is read and refused. */
	expect_refusal(_metadata, h, "lab",
		       P CONF ":2: the line is too long\n");
}

static void
acl_missing_file_denies_everything(struct __test_metadata *_metadata,
				   const struct helper *h)
{
	expect_refusal(_metadata, h, "lab",
		       P CONF " does not exist: every network is denied\n");
}

static void acl_include_loops_and_bad_lines_refuse_everything(
	struct __test_metadata *_metadata, const struct helper *h)
{
	CONF_IS("allow all\ninclude " INC1 "\n");
	ASSERT_EQ(0, write_conf(h, INC1, "include " CONF "\n", 0644, 0));
	expect_refusal(_metadata, h, "lab", P CONF " is included in itself\n");
	ASSERT_EQ(0, write_conf(h, INC1, "include " INC1 "\n", 0644, 0));
	expect_refusal(_metadata, h, "lab", P INC1 " is included in itself\n");
	ASSERT_EQ(0, write_conf(h, INC1, "include inc2.conf\n", 0644, 0));
	expect_refusal(
		_metadata, h, "lab",
		P INC1
		":1: include \"inc2.conf\": the path must be absolute\n");
	ASSERT_EQ(0, write_conf(h, INC1, "include " INC2 "\n", 0644, 0));
	expect_refusal(_metadata, h, "lab",
		       P INC2 ": No such file or directory\n");
	ASSERT_EQ(0, write_conf(h, INC1, "include {D}\n", 0644, 0));
	expect_refusal(_metadata, h, "lab", P "{D} is not a regular file\n");
	CONF_IS("allow all\npermit lab\n");
	expect_refusal(_metadata, h, "lab",
		       P CONF ":2: unknown keyword \"permit\"\n");
	CONF_IS("allow lab extra\n");
	/* clang-format off */
	expect_refusal(_metadata, h, "lab",
		       P CONF ":1: expected \"allow NAME\", \"allow-create NAME\", \"deny NAME\" or \"include FILE\"\n");
	/* clang-format on */
	CONF_IS("allow all\ndeny \x01\n");
	expect_refusal(_metadata, h, "lab",
		       P CONF ":2: a byte that is not printable ASCII\n");
}

static void acl_insecure_file_is_refused(struct __test_metadata *_metadata,
					 const struct helper *h)
{
	ASSERT_EQ(0, write_conf(h, CONF, "allow all\n", 0664, 0));
	expect_refusal(_metadata, h, "lab",
		       P CONF " is writable by group or others: refusing it\n");
	ASSERT_EQ(0, write_conf(h, CONF, "allow all\n", 0644, U1));
	expect_refusal(_metadata, h, "lab",
		       P CONF " is not owned by root: refusing it\n");
	/* An include is held to the same rules. */
	CONF_IS("include " INC1 "\n");
	ASSERT_EQ(0, write_conf(h, INC1, "allow all\n", 0646, 0));
	expect_refusal(_metadata, h, "lab",
		       P INC1 " is writable by group or others: refusing it\n");
	/* And so is the directory. */
	ASSERT_EQ(0, write_conf(h, INC1, "allow all\n", 0644, 0));
	ASSERT_EQ(0, chmod(h->dir, 0775));
	expect_refusal(_metadata, h, "lab",
		       P "{D} is writable by group or others: refusing " CONF
			 "\n");
	ASSERT_EQ(0, chmod(h->dir, 0755));
	expect_allowed(_metadata, h, "lab");
}

TEST_F(acl, file_problems_refuse_everything)
{
	acl_missing_file_denies_everything(_metadata, &self->h);
	acl_include_loops_and_bad_lines_refuse_everything(_metadata, &self->h);
	acl_insecure_file_is_refused(_metadata, &self->h);
}

struct bad_args {
	const char *argv[ARGS_MAX];
	const char *msg;
};

#define USAGE \
	" (usage: intnet-qemu-helper [--use-vnet] --fd=N --br=[OWNER/]NAME)\n"
#define X16 "xxxxxxxxxxxxxxxx"
#define X64 X16 X16 X16 X16
#define X128 X64 X64

static const struct bad_args bad_args[] = {
	{ { NULL }, P "no --fd=N" USAGE },
	{ { "--br=lab", NULL }, P "no --fd=N" USAGE },
	{ { "--fd=" FD_MARKER, NULL }, P "no --br=NAME" USAGE },
	{ { "--use-vnet", "--fd=" FD_MARKER, "--br=lab", "--foo", NULL },
	  P "unknown argument \"--foo\"" USAGE },
	{ { "--fd", FD_MARKER, "--br=lab", NULL },
	  P "unknown argument \"--fd\"" USAGE },
	{ { "--fd=" FD_MARKER, "--br=lab", "lab", NULL },
	  P "unknown argument \"lab\"" USAGE },
	{ { "--fd=" FD_MARKER, "--br=lab", "", NULL },
	  P "unknown argument \"\"" USAGE },
	{ { "--fd=" FD_MARKER, "--br=lab", "--use-vnet", "--use-vnet", NULL },
	  P "--use-vnet given twice" },
	{ { "--fd=" FD_MARKER, "--br=lab", "--fd=" FD_MARKER, NULL },
	  P "--fd given twice" },
	{ { "--fd=" FD_MARKER, "--br=lab", "--br=lab", NULL },
	  P "--br given twice" },
	{ { "--fd=x", "--br=lab", NULL },
	  P "--fd must be a file descriptor number, not \"x\"" },
	{ { "--fd=", "--br=lab", NULL },
	  P "--fd must be a file descriptor number, not \"\"" },
	{ { "--fd=-1", "--br=lab", NULL },
	  P "--fd must be a file descriptor number, not \"-1\"" },
	{ { "--fd=03", "--br=lab", NULL },
	  P "--fd must be a file descriptor number, not \"03\"" },
	{ { "--fd=99999999999", "--br=lab", NULL },
	  P "--fd must be a file descriptor number, not \"99999999999\"" },
	{ { "--fd=999", "--br=lab", NULL },
	  P "--fd=999 is not an open file descriptor" },
	/* The helper's stderr: a pipe. */
	{ { "--fd=2", "--br=lab", NULL },
	  P "--fd=2 is not a unix stream socket" },
	{ { "--fd=" FD_MARKER, "--br=", NULL },
	  P "the network name \"\" is empty" },
	{ { "--fd=" FD_MARKER, "--br=a b", NULL },
	  P "the network name \"a b\" contains a space" },
	{ { "--fd=" FD_MARKER, "--br=" X128, NULL },
	  P "the network name \"" X64 "...\" is longer than 127 bytes" },
	{ { "--fd=" FD_MARKER, "--br=" X128 X128, NULL },
	  P "argument 2 is too long (\"--br=" X16 X16 X16 "xxxxxxxxxxx...\")" },
	/* clang-format off */
	{ { "--fd=" FD_MARKER, "--br=l\tb", NULL },
	  P "argument 2 has a byte that is not printable ASCII (\"--br=l\\x09b\")" },
	{ { "--fd=" FD_MARKER, "--br=\xc3\xa9\"\\", NULL },
	  P "argument 2 has a byte that is not printable ASCII (\"--br=\\xc3\\xa9\\\"\\\\\")" },
	{ { "--fd=" FD_MARKER, "--br=lab\n--x", NULL },
	  P "argument 2 has a byte that is not printable ASCII (\"--br=lab\\x0a--x\")" },
	/* clang-format on */
	/* OWNER/NAME: a user (a name or a uid) and a name without '/'. */
	{ { "--fd=" FD_MARKER, "--br=/lab", NULL },
	  P "the owner in \"/lab\" is empty" },
	{ { "--fd=" FD_MARKER, "--br=root/", NULL },
	  P "the network name \"\" is empty" },
	{ { "--fd=" FD_MARKER, "--br=root/a/b", NULL },
	  P "the network name \"a/b\" contains a slash" },
	{ { "--fd=" FD_MARKER, "--br=nosuchuser/lab", NULL },
	  P "no such user \"nosuchuser\" (--br=OWNER/NAME)" },
	{ { "--fd=" FD_MARKER, "--br=4294967295/lab", NULL },
	  P "no such user \"4294967295\" (--br=OWNER/NAME)" },
	{ { "--fd=" FD_MARKER, "--br=01/lab", NULL },
	  P "no such user \"01\" (--br=OWNER/NAME)" },
	{ { "--fd=" FD_MARKER, "--br=root/" X128, NULL },
	  P "the network name \"" X64 "...\" is longer than 127 bytes" },
};

TEST_F(acl, bad_arguments_are_refused_and_leave_nothing)
{
	const struct helper *h = &self->h;
	static struct world before;
	char msg[512], *m;
	unsigned int i;

	CONF_IS("allow all\n");
	world(_metadata, h, &before);
	for (i = 0; i < sizeof(bad_args) / sizeof(bad_args[0]); i++) {
		snprintf(msg, sizeof(msg), "%s", bad_args[i].msg);
		m = strchr(msg, '\0');
		if (m[-1] != '\n')
			strcpy(m, "\n");
		refused(_metadata, h, AS_USER(U1), bad_args[i].argv, msg);
	}
	expect_same_world(_metadata, h, &before);
}

/* QEMU's end must be there to take the TAP before anything is made. */
TEST_F(acl, fd_must_be_a_connected_socket)
{
	const struct helper *h = &self->h;
	const char *argv[] = { "--fd=" FD_MARKER, "--br=lab", NULL };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct how how = { .uid = U1, .gid = U1 };

	CONF_IS("allow all\n");
	how.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, how.fd);
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "intnet-qh-%d",
		 (int)getpid());
	ASSERT_EQ(0, bind(how.fd, (struct sockaddr *)&sun, sizeof(sun)));
	ASSERT_EQ(0, listen(how.fd, 1));
	expect_refusal_argv(_metadata, h, &how, argv,
			    P "--fd=" FD_MARKER
			      " is a listening socket, not a connected one\n");
	close(how.fd);

	how.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, how.fd);
	expect_refusal_argv(_metadata, h, &how, argv,
			    P "--fd=" FD_MARKER " is not connected\n");
	close(how.fd);

	/* QEMU gone before the helper started: its end of the pair closed. */
	how.fd = -1;
	how.peer_closed = true;
	expect_refusal_argv(_metadata, h, &how, argv,
			    P "--fd=" FD_MARKER
			      " is not connected: the other end is closed\n");
}

/* ---- what the kernel decides, with the installed helper ---- */

FIXTURE(qh)
{
	struct helper h;
	/* max_ports_per_user as it was, to put back. */
	char max_ports[32];
};

FIXTURE_SETUP(qh)
{
	if (!in_guest())
		SKIP(return, "needs intnet: runs in a test guest");
	installed_helper(_metadata, &self->h);
}

FIXTURE_TEARDOWN(qh)
{
	if (self->max_ports[0] && write_file(MAX_PORTS_PARAM, self->max_ports))
		ksft_print_msg("cannot put max_ports_per_user back to %s\n",
			       self->max_ports);
	clean_dir(&self->h);
}

/* @f arrives on the helper's TAP @fd, behind a virtio-net header if @vnet. */
static void expect_on_tap(struct __test_metadata *_metadata, int fd, int vnet,
			  const struct frame *f)
{
	static const uint8_t zero[VNET_HDR];
	static uint8_t buf[FRAME_MAX + VNET_HDR];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t hdr = vnet ? VNET_HDR : 0;
	ssize_t n;

	ASSERT_EQ(1, poll(&pfd, 1, ARRIVAL_MS)) TH_LOG("nothing arrived");
	n = read(fd, buf, sizeof(buf));
	ASSERT_EQ((ssize_t)(hdr + f->len), n);
	EXPECT_EQ(0, memcmp(buf, zero, hdr));
	EXPECT_EQ(0, memcmp(buf + hdr, f->b, f->len));
}

static void send_on_tap(struct __test_metadata *_metadata, int fd, int vnet,
			const struct frame *f)
{
	static uint8_t buf[FRAME_MAX + VNET_HDR];
	size_t hdr = vnet ? VNET_HDR : 0;

	memset(buf, 0, hdr);
	memcpy(buf + hdr, f->b, f->len);
	ASSERT_EQ((ssize_t)(hdr + f->len), write(fd, buf, hdr + f->len));
}

TEST_F(qh, user_gets_a_tap_on_the_network_and_frames_cross_it)
{
	const struct helper *h = &self->h;
	struct sw *sw = h->sw;
	struct where lab = { U1, "lab" };
	struct net_info ni;
	struct frame f;
	int vtap, ptap;

	CONF_IS("allow-create lab\n");
	/* The helper's TAP makes the user's own network. */
	vtap = expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1, lab);
	ASSERT_EQ(0, net_get_of(sw, U1, "lab", &ni));
	EXPECT_EQ(U1, ni.owner);
	EXPECT_EQ(1u, ni.ports);
	ptap = expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 0, lab);
	/* A TAP of the user's own, attached by the user. */
	tap_make_owned(_metadata, sw, 0, U1, NONE);
	sw_as(sw, U1, NONE);
	ASSERT_EQ(0, sw_port_add(sw, "lab", sw->ifindex[0], NONE, NONE))
	TH_LOG("PORT_ADD: %s", last.extack);
	ASSERT_EQ(0, net_get_of(sw, U1, "lab", &ni));
	EXPECT_EQ(3u, ni.ports);

	/* Broadcast from the vnet TAP reaches both others, byte for byte. */
	send_on_tap(_metadata, vtap, 1, frame_make(&f, BCAST, MAC(1), 100));
	expect_frame(_metadata, sw, 0, &f);
	expect_on_tap(_metadata, ptap, 0, &f);
	/* Unicast back to it, from either. */
	deliver(_metadata, sw, 0, frame_make(&f, MAC(1), MAC(2), 60), 0);
	expect_on_tap(_metadata, vtap, 1, &f);
	send_on_tap(_metadata, ptap, 0, frame_make(&f, MAC(1), MAC(3), 1400));
	expect_on_tap(_metadata, vtap, 1, &f);
	/* And unicast to the others. */
	send_on_tap(_metadata, vtap, 1, frame_make(&f, MAC(2), MAC(1), 61));
	expect_frame(_metadata, sw, 0, &f);
	send_on_tap(_metadata, vtap, 1, frame_make(&f, MAC(3), MAC(1), 62));
	expect_on_tap(_metadata, ptap, 0, &f);
	expect_silence(_metadata, sw, PORT(0));

	expect_gone_on_close(_metadata, sw, vtap);
	expect_gone_on_close(_metadata, sw, ptap);
	ASSERT_EQ(0, net_get_of(sw, U1, "lab", &ni));
	EXPECT_EQ(1u, ni.ports);
}

/*
 * alice's VM on root's public lab, her primary group shared with bob: root
 * deletes lab, and the TAP her VM still holds is hers alone, not the
 * group's, so bob cannot take it to his own network.
 */
TEST_F(qh, the_tap_is_the_users_and_no_groups)
{
	const struct helper *h = &self->h;
	struct how alice = { .uid = U1, .gid = SHARED_GID, .fd = -1 };
	struct sw *sw = h->sw;
	char name[IFNAMSIZ];
	int tap, ifindex;

	CONF_IS("allow lab\n");
	net_public(_metadata, sw, 0, "lab");
	tap = expect_port(_metadata, sw, HELPER, &alice, "lab", 1,
			  (struct where){ 0, "lab" });
	ifindex = tap_info(tap, name, NULL);
	ASSERT_LT(0, ifindex);
	ASSERT_EQ(0, net_del(sw, "lab")) TH_LOG("NET_DEL: %s", last.extack);
	net_own(_metadata, sw, U2, "bobs");
	sw_as(sw, U2, SHARED_GID);
	EXPECT_EQ(-EPERM, sw_port_add(sw, "bobs", ifindex, NONE, NONE));
	EXPECT_STREQ("intnet: the TAP belongs to another user", last.extack);
	sw_as(sw, NONE, NONE);
	close(tap);
}

/*
 * "allow lab" joins a network that exists and never makes one, so that no
 * user's first VM makes lab theirs: root makes the shared one.
 */
TEST_F(qh, allow_joins_an_existing_network_and_never_makes_one)
{
	const struct helper *h = &self->h;
	struct sw *sw = h->sw;
	struct net_info ni;

	CONF_IS("allow lab\n");
	expect_refusal(_metadata, h, "lab", JOIN_ONLY("1", "lab"));
	expect_refusal_as(_metadata, h, U2, "lab", JOIN_ONLY("1", "lab"));
	EXPECT_EQ(-ENOENT, net_get_of(sw, U1, "lab", &ni));
	/* Root's public lab: both users' VMs join it. */
	net_public(_metadata, sw, 0, "lab");
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1,
				 (struct where){ 0, "lab" }));
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U2), "lab", 1,
				 (struct where){ 0, "lab" }));
	ASSERT_EQ(0, net_get_of(sw, 0, "lab", &ni));
	EXPECT_EQ(2u, ni.ports);
	/* A lab of the user's own is theirs to join. */
	net_own(_metadata, sw, U1, "lab");
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1,
				 (struct where){ U1, "lab" }));
}

/* "allow-create lab" gives every user a lab of their own, not the first. */
TEST_F(qh, allow_create_makes_each_user_their_own_network)
{
	const struct helper *h = &self->h;
	struct sw *sw = h->sw;
	struct net_info ni;

	CONF_IS("allow-create lab\n");
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1,
				 (struct where){ U1, "lab" }));
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U2), "lab", 1,
				 (struct where){ U2, "lab" }));
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1,
				 (struct where){ U1, "lab" }));
	ASSERT_EQ(0, net_get_of(sw, U1, "lab", &ni));
	EXPECT_EQ(2u, ni.ports);
	ASSERT_EQ(0, net_get_of(sw, U2, "lab", &ni));
	EXPECT_EQ(1u, ni.ports);
	/* Never another user's: intnet refuses to make one for them. */
	CONF_IS("allow-create all\n");
	expect_refusal(_metadata, h, "1002/new", P "no such network\n");
}

/* --br=OWNER/NAME is OWNER's network, joined as the kernel allows. */
TEST_F(qh, owner_slash_name_is_that_owners_network)
{
	const struct helper *h = &self->h;
	struct sw *sw = h->sw;

	CONF_IS("allow all\n");
	net_own(_metadata, sw, U2, "bobs");
	expect_refusal(_metadata, h, "1002/bobs", JOIN_ONLY("1", "1002/bobs"));
	sw_as(sw, U2, NONE);
	ASSERT_EQ(0, net_set(sw, "bobs", INTNET_ATTR_NET_ACCESS,
			     INTNET_ACCESS_PUBLIC));
	sw_as(sw, NONE, NONE);
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1),
				 "1002/bobs", 1, (struct where){ U2, "bobs" }));
	/* A plain name is the user's own network, else root's public one. */
	net_public(_metadata, sw, 0, "lab");
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1,
				 (struct where){ 0, "lab" }));
	net_own(_metadata, sw, U1, "lab");
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1,
				 (struct where){ U1, "lab" }));
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "root/lab",
				 1, (struct where){ 0, "lab" }));
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "1001/lab",
				 1, (struct where){ U1, "lab" }));
}

/*
 * A rule with an owner judges the network a plain name takes the user to:
 * "deny root/lab" is not dodged by asking for "lab".
 */
TEST_F(qh, owner_rules_judge_the_network_a_plain_name_reaches)
{
	const struct helper *h = &self->h;
	struct sw *sw = h->sw;

	net_public(_metadata, sw, 0, "lab");
	CONF_IS("allow all\ndeny root/lab\n");
	expect_refusal(_metadata, h, "lab",
		       P "the network \"lab\" is denied by " CONF ":2\n");
	net_own(_metadata, sw, U1, "lab");
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1,
				 (struct where){ U1, "lab" }));
	CONF_IS("allow 1001/lab\n");
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, AS_USER(U1), "lab", 1,
				 (struct where){ U1, "lab" }));
	expect_refusal_as(_metadata, h, U2, "lab",
			  P "the network \"lab\" is not allowed by " CONF "\n");
}

struct dev {
	int index;
	char name[IFNAMSIZ];
};

static int by_index(const void *a, const void *b)
{
	return ((const struct dev *)a)->index - ((const struct dev *)b)->index;
}

/*
 * One user's VMs started at once stop at max_ports_per_user, each refused
 * with the kernel's reason, the others' TAPs gone with their helpers.
 */
TEST_F(qh, concurrent_runs_stop_at_max_ports_per_user)
{
	enum { MAX = 3, RUNS = 8 };
	const char *argv[] = { "--use-vnet", "--fd=" FD_MARKER, "--br=lab",
			       NULL };
	const struct helper *h = &self->h;
	static char before[8192], after[8192], want[8192];
	int i, n = 0, ok = 0, refused = 0;
	struct dev kept[RUNS];
	char max[16];
	struct proc p[RUNS];
	struct run r[RUNS];
	struct timespec t0;
	struct net_info ni;
	size_t len;

	ASSERT_EQ(0, read_line(MAX_PORTS_PARAM, self->max_ports,
			       sizeof(self->max_ports)));
	snprintf(max, sizeof(max), "%d", MAX);
	ASSERT_EQ(0, write_file(MAX_PORTS_PARAM, max));
	CONF_IS("allow-create lab\n");
	links(before, sizeof(before));
	for (i = 0; i < RUNS; i++)
		helper_start(_metadata, HELPER, AS_USER(U1), argv, &p[i]);
	for (i = 0; i < RUNS; i++) {
		helper_finish(_metadata, &p[i], &r[i]);
		if (!r[i].status && r[i].tap >= 0 && !r[i].err[0])
			ok++;
		else if (r[i].status == 1 && r[i].tap < 0 &&
			 !strcmp(r[i].err, QUOTA_MSG))
			refused++;
		else
			TH_LOG("run %d: status %d: %s", i, r[i].status,
			       r[i].err);
	}
	EXPECT_EQ(MAX, ok);
	EXPECT_EQ(RUNS - MAX, refused);
	ASSERT_EQ(0, net_get_of(h->sw, U1, "lab", &ni));
	EXPECT_EQ((uint32_t)MAX, ni.ports);
	/*
	 * The refused helpers' TAPs went with them; the others' stay (they
	 * are the newest devices: listed last, in the order of their index).
	 */
	for (i = 0; i < RUNS; i++)
		if (r[i].tap >= 0) {
			kept[n].index = tap_info(r[i].tap, kept[n].name, NULL);
			n++;
		}
	qsort(kept, n, sizeof(kept[0]), by_index);
	len = snprintf(want, sizeof(want), "%s", before);
	for (i = 0; i < n; i++)
		len += snprintf(want + len, sizeof(want) - len, "%d %s\n",
				kept[i].index, kept[i].name);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		links(after, sizeof(after));
		usleep(10000);
	} while (strcmp(after, want) && seconds_since(&t0) * 1000 < GONE_MS);
	EXPECT_STREQ(want, after);
	for (i = 0; i < RUNS; i++)
		if (r[i].tap >= 0)
			close(r[i].tap);
}

static void without_cap_net_admin_it_says_so(struct __test_metadata *_metadata,
					     const struct helper *h)
{
	struct helper nocap = *h;
	char from[PATH_MAX];

	CONF_IS("allow all\n");
	snprintf(from, sizeof(from), "%s/bin/intnet-qemu-helper", build_dir());
	ASSERT_EQ(0, copy_file(from, NOCAP, 0755));
	nocap.path = NOCAP;
	expect_refusal(_metadata, &nocap, "lab", NOCAP_MSG);
	unlink(NOCAP);
}

static void
setuid_root_install_acts_as_the_user(struct __test_metadata *_metadata,
				     const struct helper *h)
{
	struct helper setuid = *h;
	char from[PATH_MAX];

	CONF_IS("allow-create all\n");
	snprintf(from, sizeof(from), "%s/bin/intnet-qemu-helper", build_dir());
	ASSERT_EQ(0, copy_file(from, SETUID, 04755));
	ASSERT_LE(0, expect_port(_metadata, h->sw, SETUID, AS_USER(U1), "lab",
				 1, (struct where){ U1, "lab" }));
	net_own(_metadata, h->sw, U2, "bobs");
	setuid.path = SETUID;
	expect_refusal(_metadata, &setuid, "1002/bobs", P "no such network\n");
	unlink(SETUID);
}

TEST_F(qh, installed_without_cap_or_setuid_root)
{
	without_cap_net_admin_it_says_so(_metadata, &self->h);
	setuid_root_install_acts_as_the_user(_metadata, &self->h);
}

TEST_HARNESS_MAIN
