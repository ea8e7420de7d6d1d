// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper as QEMU uses it: installed with cap_net_admin+ep, run by
 * an unprivileged user over a socketpair, it hands back a TAP attached to the
 * network as that user; frames cross it both ways. Its ACL file decides which
 * networks it serves, the kernel decides the rest, and every refusal is one
 * line on stderr with nothing left behind.
 */

#include <limits.h>
#include <sys/stat.h>
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

#define HELPER	 "/usr/local/libexec/intnet-qemu-helper"
#define NOCAP	 "/usr/local/libexec/intnet-qemu-helper-nocap"
#define SETUID	 "/usr/local/libexec/intnet-qemu-helper-setuid"
#define CONF_DIR "/etc/intnet"
#define CONF	 CONF_DIR "/qemu-helper.conf"
/* Says that file capabilities do not work here (made by install()). */
#define NO_FILE_CAPS "/usr/local/libexec/.intnet-qemu-helper-setuid"
#define INC1	     CONF_DIR "/inc1.conf"
#define INC2	     CONF_DIR "/inc2.conf"
#define SECRET	     CONF_DIR "/secret.conf"
#define P	     "intnet-qemu-helper: "
#define VNET_HDR     sizeof(struct virtio_net_hdr)
#define GONE_MS	     10000
#define ARGS_MAX     8
#define FD_MARKER    "%FD%"

/* What one run of the helper gave back. */
struct run {
	int status; /* exit status, or -1 if it did not exit normally */
	int tap;    /* the fd received, or -1 */
	char err[4096];
};

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

/* Writes @text to @path, owned by @uid with @mode. */
static int write_conf(const char *path, const char *text, mode_t mode,
		      uid_t uid)
{
	int fd, ret = 0;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchown(fd, uid, 0) || fchmod(fd, mode))
		ret = -errno ? -errno : -EIO;
	close(fd);
	return ret;
}

#define CONF_IS(text) ASSERT_EQ(0, write_conf(CONF, (text), 0644, 0))

/*
 * Runs @path as QEMU does, as the user @uid: a socketpair, and the helper
 * with @argv (NULL-ended, without argv[0]; FD_MARKER in an argument becomes
 * the number of the helper's end); takes the fd it passes, its stderr and
 * its exit status.
 */
static void run_helper_argv(struct __test_metadata *_metadata, const char *path,
			    uid_t uid, const char *const *argv, struct run *r)
{
	char args[ARGS_MAX][256], *av[ARGS_MAX + 2], cbuf[CMSG_SPACE(4)];
	int sv[2], errp[2], status, i;
	struct iovec iov;
	struct msghdr mh;
	struct cmsghdr *cm;
	char byte, *m;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->tap = -1;
	r->status = -1;
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(0, pipe2(errp, O_CLOEXEC));
	av[0] = "intnet-qemu-helper";
	for (i = 0; argv[i]; i++) {
		ASSERT_LT(i, ARGS_MAX);
		m = strstr(argv[i], FD_MARKER);
		if (m)
			snprintf(args[i], sizeof(args[i]), "%.*s%d%s",
				 (int)(m - argv[i]), argv[i], sv[1],
				 m + strlen(FD_MARKER));
		else
			snprintf(args[i], sizeof(args[i]), "%s", argv[i]);
		av[i + 1] = args[i];
	}
	av[i + 1] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* QEMU's end stays open in QEMU only; the helper's is kept. */
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid) || dup2(errp[1], 2) < 0 ||
		    fcntl(sv[1], F_SETFD, 0))
			_exit(254);
		execv(path, av);
		_exit(253);
	}
	close(sv[1]);
	close(errp[1]);

	byte = 1;
	iov = (struct iovec){ .iov_base = &byte, .iov_len = 1 };
	mh = (struct msghdr){ .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	n = recvmsg(sv[0], &mh, MSG_CMSG_CLOEXEC);
	cm = n == 1 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&r->tap, CMSG_DATA(cm), sizeof(int));
	close(sv[0]);
	while ((n = read(errp[0], r->err + len, sizeof(r->err) - 1 - len)) > 0)
		len += n;
	r->err[len] = '\0';
	close(errp[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	ASSERT_GT(254, r->status) TH_LOG("the child could not become %u", uid);
	ASSERT_NE(253, r->status) TH_LOG("cannot run %s", path);
}

/* The helper as QEMU runs it for a netdev bridge with br=@net. */
static void run_helper(struct __test_metadata *_metadata, const char *path,
		       uid_t uid, const char *net, int vnet, struct run *r)
{
	char br[256];
	const char *argv[4] = { "--fd=" FD_MARKER, br, NULL, NULL };

	snprintf(br, sizeof(br), "--br=%s", net);
	if (vnet) {
		argv[0] = "--use-vnet";
		argv[1] = "--fd=" FD_MARKER;
		argv[2] = br;
	}
	run_helper_argv(_metadata, path, uid, argv, r);
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
 * The helper, run as U1 on @net, fails with exactly @msg on stderr (one
 * line) and a non-zero status, and leaves no device and no port behind.
 */
static void expect_refusal(struct __test_metadata *_metadata, struct sw *sw,
			   const char *path, const char *net, const char *msg)
{
	static char before[8192], after[8192];
	static struct text pb, pa;
	struct run r;

	links(before, sizeof(before));
	state(_metadata, sw, &pb);
	run_helper(_metadata, path, U1, net, 1, &r);
	EXPECT_EQ(1, r.status);
	EXPECT_EQ(-1, r.tap);
	EXPECT_STREQ(msg, r.err);
	links(after, sizeof(after));
	EXPECT_STREQ(before, after);
	state(_metadata, sw, &pa);
	EXPECT_STREQ(pb.buf, pa.buf);
	if (r.tap >= 0)
		close(r.tap);
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
	long owner, group;  /* -1 when unset */
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
	err = nl_call(fd, buf, len, &r);
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
	ti->owner = attr_u32_or_none(td[IFLA_TUN_OWNER]);
	ti->group = attr_u32_or_none(td[IFLA_TUN_GROUP]);
	ti->type = attr_u8(td[IFLA_TUN_TYPE]);
	ti->pi = attr_u8(td[IFLA_TUN_PI]);
	ti->vnet_hdr = attr_u8(td[IFLA_TUN_VNET_HDR]);
	ti->persist = attr_u8(td[IFLA_TUN_PERSIST]);
	return 0;
}

/* The helper, run as U1 on @net, hands back a TAP attached to @net for U1. */
static int expect_port(struct __test_metadata *_metadata, struct sw *sw,
		       const char *path, const char *net, int vnet)
{
	char name[IFNAMSIZ];
	struct tun_info ti;
	struct port_info pi;
	struct run r;
	short flags;
	int ifindex;

	run_helper(_metadata, path, U1, net, vnet, &r);
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
	EXPECT_EQ(U1, ti.owner);
	EXPECT_EQ(U1, ti.group);
	EXPECT_EQ(IFF_TAP, ti.type);
	EXPECT_EQ(0, ti.pi);
	EXPECT_EQ(vnet, ti.vnet_hdr);
	EXPECT_EQ(0, ti.persist);
	EXPECT_EQ(IFF_UP, (int)(ti.flags & IFF_UP));
	ASSERT_EQ(0, port_get(sw, ifindex, &pi)) TH_LOG("%s", reply.extack);
	EXPECT_STREQ(net, pi.net);
	EXPECT_STREQ(name, pi.ifname);
	EXPECT_EQ(U1, pi.user);
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
	TH_LOG("PORT_GET: %d %s", reply.error, reply.extack);
}

/*
 * The helper serves @net to U1. The TAP stays open until the test ends: the
 * kernel removes a closed TAP late (seconds under TCG), and a refusal that
 * follows compares the state before and after it.
 */
static void expect_allowed(struct __test_metadata *_metadata, struct sw *sw,
			   const char *net)
{
	ASSERT_LE(0, expect_port(_metadata, sw, HELPER, net, 1));
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

	/* The guest's files outlive a test: start with none of them. */
	unlink(CONF);
	unlink(INC1);
	unlink(INC2);
	unlink(SECRET);
	snprintf(from, sizeof(from), "%s/bin/intnet-qemu-helper", build_dir());
	mkdir("/usr/local/libexec", 0755);
	mkdir(CONF_DIR, 0755);
	ASSERT_EQ(0, chmod(CONF_DIR, 0755));
	if (same_file(from, HELPER) &&
	    (getxattr(HELPER, "security.capability", NULL, 0) > 0 ||
	     access(NO_FILE_CAPS, F_OK) == 0))
		return;
	ASSERT_EQ(0, copy_file(from, HELPER, 0755)) TH_LOG("copy %s", from);
	if (file_caps_unsupported()) {
		/* The debug kernel: no CONFIG_TMPFS_XATTR. */
		TH_LOG("no file capabilities on this file system: installing "
		       "the helper setuid root instead");
		ASSERT_EQ(0, chmod(HELPER, 04755));
		ASSERT_EQ(0, write_conf(NO_FILE_CAPS, "", 0644, 0));
		return;
	}
	ASSERT_EQ(0, system("/usr/sbin/setcap cap_net_admin+ep " HELPER));
}

FIXTURE(qh)
{
	struct sw *sw;
};

FIXTURE_SETUP(qh)
{
	self->sw = sw_new(_metadata);
	install(_metadata);
}

FIXTURE_TEARDOWN(qh)
{
}

/* ---- the protocol, and frames through the TAP it hands over ---- */

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
	struct sw *sw = self->sw;
	struct net_info ni;
	struct frame f;
	int vtap, ptap;

	CONF_IS("allow lab\n");
	/* The helper's TAP makes the network, for the user. */
	vtap = expect_port(_metadata, sw, HELPER, "lab", 1);
	ASSERT_EQ(0, net_get(sw, "lab", &ni));
	EXPECT_EQ(U1, ni.owner);
	EXPECT_EQ(1u, ni.ports);
	ptap = expect_port(_metadata, sw, HELPER, "lab", 0);
	/* A TAP of the user's own, attached by the user. */
	tap_create_owned(_metadata, sw, 0, U1, NONE);
	sw_as(sw, U1, NONE);
	ASSERT_EQ(0, port_add(sw, "lab", sw->ifindex[0], NONE, NONE))
	TH_LOG("PORT_ADD: %s", reply.extack);
	sw_as(sw, NONE, NONE);
	ASSERT_EQ(0, net_get(sw, "lab", &ni));
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
	ASSERT_EQ(0, net_get(sw, "lab", &ni));
	EXPECT_EQ(1u, ni.ports);
}

/* ---- the ACL file ---- */

static void acl_allow_names_a_network(struct __test_metadata *_metadata,
				      FIXTURE_DATA(qh) * self)
{
	CONF_IS("allow lab\n");
	expect_allowed(_metadata, self->sw, "lab");
	expect_refusal(_metadata, self->sw, HELPER, "lab2",
		       P "the network \"lab2\" is not allowed by " CONF "\n");
}

static void acl_deny_names_a_network(struct __test_metadata *_metadata,
				     FIXTURE_DATA(qh) * self)
{
	CONF_IS("# every network but one\nallow all\n\n  deny\tlab  \n");
	expect_allowed(_metadata, self->sw, "other");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P "the network \"lab\" is denied by " CONF ":4\n");
}

static void acl_allow_all(struct __test_metadata *_metadata,
			  FIXTURE_DATA(qh) * self)
{
	CONF_IS("allow all\n");
	expect_allowed(_metadata, self->sw, "lab");
	expect_allowed(_metadata, self->sw, "~x!#\"");
}

static void acl_deny_wins_over_allow(struct __test_metadata *_metadata,
				     FIXTURE_DATA(qh) * self)
{
	CONF_IS("deny lab\nallow lab\nallow all\n");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P "the network \"lab\" is denied by " CONF ":1\n");
	CONF_IS("allow lab\ndeny all\n");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P "the network \"lab\" is denied by " CONF ":2\n");
}

static void acl_default_is_deny(struct __test_metadata *_metadata,
				FIXTURE_DATA(qh) * self)
{
	CONF_IS("# nothing\n\n");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P "the network \"lab\" is not allowed by " CONF "\n");
	CONF_IS("allow la\nallow lab2\n");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P "the network \"lab\" is not allowed by " CONF "\n");
}

TEST_F(qh, acl_rules_allow_deny_and_deny_wins)
{
	acl_allow_names_a_network(_metadata, self);
	acl_deny_names_a_network(_metadata, self);
	acl_allow_all(_metadata, self);
	acl_deny_wins_over_allow(_metadata, self);
	acl_default_is_deny(_metadata, self);
}

static void
acl_missing_file_denies_everything(struct __test_metadata *_metadata,
				   FIXTURE_DATA(qh) * self)
{
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P CONF " does not exist: every network is denied\n");
}

TEST_F(qh, acl_include)
{
	CONF_IS("include " INC1 "\n");
	ASSERT_EQ(0, write_conf(INC1,
				"allow lab\ninclude " INC2 "\n"
				"include " SECRET "\n",
				0644, 0));
	ASSERT_EQ(0, write_conf(INC2, "deny bad\nallow bad\n", 0644, 0));
	/* Rules for other users: U1 cannot read them, they do not apply. */
	ASSERT_EQ(0, write_conf(SECRET, "allow secret\ndeny lab\n", 0600, 0));
	expect_allowed(_metadata, self->sw, "lab");
	expect_refusal(_metadata, self->sw, HELPER, "bad",
		       P "the network \"bad\" is denied by " INC2 ":1\n");
	expect_refusal(_metadata, self->sw, HELPER, "secret",
		       P "the network \"secret\" is not allowed by " CONF "\n");
	/* Once U1 may read it, it counts. */
	ASSERT_EQ(0, chown(SECRET, 0, U1));
	ASSERT_EQ(0, chmod(SECRET, 0640));
	expect_allowed(_metadata, self->sw, "secret");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P "the network \"lab\" is denied by " SECRET ":2\n");
}

static void acl_include_loops_and_bad_lines_refuse_everything(
    struct __test_metadata *_metadata, FIXTURE_DATA(qh) * self)
{
	CONF_IS("allow all\ninclude " INC1 "\n");
	ASSERT_EQ(0, write_conf(INC1, "include " CONF "\n", 0644, 0));
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P CONF " is included in itself\n");
	ASSERT_EQ(0, write_conf(INC1, "include " INC1 "\n", 0644, 0));
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P INC1 " is included in itself\n");
	ASSERT_EQ(0, write_conf(INC1, "include inc2.conf\n", 0644, 0));
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P INC1 ":1: include \"inc2.conf\": the path must be "
			      "absolute\n");
	ASSERT_EQ(0, write_conf(INC1, "include " INC2 "\n", 0644, 0));
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P INC2 ": No such file or directory\n");
	CONF_IS("allow all\npermit lab\n");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P CONF ":2: unknown keyword \"permit\"\n");
	CONF_IS("allow lab extra\n");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P CONF ":1: expected \"allow NAME\", \"deny NAME\" or "
			      "\"include FILE\"\n");
	CONF_IS("allow all\ndeny \x01\n");
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P CONF ":2: a byte that is not printable ASCII\n");
}

static void acl_insecure_file_is_refused(struct __test_metadata *_metadata,
					 FIXTURE_DATA(qh) * self)
{
	ASSERT_EQ(0, write_conf(CONF, "allow all\n", 0664, 0));
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P CONF " is writable by group or others: refusing it\n");
	ASSERT_EQ(0, write_conf(CONF, "allow all\n", 0644, U1));
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P CONF " is not owned by root: refusing it\n");
	/* An include is held to the same rules. */
	CONF_IS("include " INC1 "\n");
	ASSERT_EQ(0, write_conf(INC1, "allow all\n", 0646, 0));
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P INC1 " is writable by group or others: refusing it\n");
	/* And so is the directory. */
	ASSERT_EQ(0, write_conf(INC1, "allow all\n", 0644, 0));
	ASSERT_EQ(0, chmod(CONF_DIR, 0775));
	expect_refusal(_metadata, self->sw, HELPER, "lab",
		       P "/etc/intnet is writable by group or others: "
			 "refusing " CONF "\n");
	ASSERT_EQ(0, chmod(CONF_DIR, 0755));
	expect_allowed(_metadata, self->sw, "lab");
}

TEST_F(qh, acl_file_problems_refuse_everything)
{
	acl_missing_file_denies_everything(_metadata, self);
	acl_include_loops_and_bad_lines_refuse_everything(_metadata, self);
	acl_insecure_file_is_refused(_metadata, self);
}

/* ---- arguments ---- */

struct bad_args {
	const char *argv[ARGS_MAX];
	const char *msg;
};

#define USAGE " (usage: intnet-qemu-helper [--use-vnet] --fd=N --br=NAME)\n"
#define X16   "xxxxxxxxxxxxxxxx"
#define X64   X16 X16 X16 X16
#define X128  X64 X64

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
	{ { "--fd=" FD_MARKER, "--br=l\tb", NULL },
	  P "argument 2 has a byte that is not printable ASCII "
	    "(\"--br=l\\x09b\")" },
	{ { "--fd=" FD_MARKER, "--br=\xc3\xa9\"\\", NULL },
	  P "argument 2 has a byte that is not printable ASCII "
	    "(\"--br=\\xc3\\xa9\\\"\\\\\")" },
	{ { "--fd=" FD_MARKER, "--br=lab\n--x", NULL },
	  P "argument 2 has a byte that is not printable ASCII "
	    "(\"--br=lab\\x0a--x\")" },
};

TEST_F(qh, bad_arguments_are_refused_and_leave_nothing)
{
	static char before[8192], after[8192];
	char msg[512], *m;
	unsigned int i;
	struct run r;

	CONF_IS("allow all\n");
	links(before, sizeof(before));
	for (i = 0; i < sizeof(bad_args) / sizeof(bad_args[0]); i++) {
		run_helper_argv(_metadata, HELPER, U1, bad_args[i].argv, &r);
		snprintf(msg, sizeof(msg), "%s", bad_args[i].msg);
		m = strchr(msg, '\0');
		if (m[-1] != '\n')
			strcpy(m, "\n");
		EXPECT_EQ(1, r.status) TH_LOG("case %u", i);
		EXPECT_EQ(-1, r.tap);
		EXPECT_STREQ(msg, r.err) TH_LOG("case %u", i);
		if (r.tap >= 0)
			close(r.tap);
	}
	links(after, sizeof(after));
	EXPECT_STREQ(before, after);
}

/* ---- what the kernel decides ---- */

TEST_F(qh, another_users_restricted_network_refuses_the_port)
{
	struct sw *sw = self->sw;

	CONF_IS("allow all\n");
	sw_as(sw, U2, NONE);
	ASSERT_EQ(0, net_new(sw, "bobs")) TH_LOG("%s", reply.extack);
	sw_as(sw, NONE, NONE);
	expect_refusal(_metadata, sw, HELPER, "bobs",
		       P "intnet: the network is restricted to its owner's "
			 "ports\n");
	/* Once public, the user's port joins it, as the user. */
	sw_as(sw, U2, NONE);
	ASSERT_EQ(0, net_set(sw, "bobs", INTNET_ATTR_NET_ACCESS,
			     INTNET_ACCESS_PUBLIC));
	sw_as(sw, NONE, NONE);
	expect_allowed(_metadata, sw, "bobs");
}

static void without_cap_net_admin_it_says_so(struct __test_metadata *_metadata,
					     FIXTURE_DATA(qh) * self)
{
	char from[PATH_MAX];

	CONF_IS("allow all\n");
	snprintf(from, sizeof(from), "%s/bin/intnet-qemu-helper", build_dir());
	ASSERT_EQ(0, copy_file(from, NOCAP, 0755));
	expect_refusal(_metadata, self->sw, NOCAP, "lab",
		       P "no CAP_NET_ADMIN to create a TAP: install the helper "
			 "with the file capability cap_net_admin+ep (setcap), "
			 "or setuid root\n");
	unlink(NOCAP);
}

static void
setuid_root_install_acts_as_the_user(struct __test_metadata *_metadata,
				     FIXTURE_DATA(qh) * self)
{
	char from[PATH_MAX];

	CONF_IS("allow all\n");
	snprintf(from, sizeof(from), "%s/bin/intnet-qemu-helper", build_dir());
	ASSERT_EQ(0, copy_file(from, SETUID, 04755));
	ASSERT_LE(0, expect_port(_metadata, self->sw, SETUID, "lab", 1));
	sw_as(self->sw, U2, NONE);
	ASSERT_EQ(0, net_new(self->sw, "bobs")) TH_LOG("%s", reply.extack);
	sw_as(self->sw, NONE, NONE);
	expect_refusal(_metadata, self->sw, SETUID, "bobs",
		       P "intnet: the network is restricted to its owner's "
			 "ports\n");
	unlink(SETUID);
}

TEST_F(qh, installed_without_cap_or_setuid_root)
{
	without_cap_net_admin_it_says_so(_metadata, self);
	setuid_root_install_acts_as_the_user(_metadata, self);
}

TEST_HARNESS_MAIN
