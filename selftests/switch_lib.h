/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the tests that drive intnet's switch: a fresh namespace per test,
 * TAP devices as ports, intnet requests and replies, crafted frames, and
 * checks of exactly which port received what.
 */
#ifndef INTNET_SWITCH_LIB_H
#define INTNET_SWITCH_LIB_H

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "kselftest_harness.h"
#include "lib.h"

#define MAX_PORTS 8
/* Forwarding is synchronous with write(): a frame is there or never comes. */
#define ARRIVAL_MS     100
#define SILENCE_MS     50
#define ETHERTYPE_TEST 0x88b5
#define FRAME_MAX      (ETH_HLEN + 4 + 9216)

#define PORT(i) (1u << (i))

/* Leave an optional attribute out of a request; no user, no group. */
#define NONE (-1L)

/* The answer to the last request; each test is a process of its own. */
static struct nl_reply reply;

/* A test's switch: its namespace, intnet socket and TAPs. */
struct sw {
	int nl;
	int family;
	/*
	 * Who sends the requests: the test process itself (the administrator)
	 * when NONE, else this uid (gid the same, and the supplementary group
	 * @group unless NONE) from a child process; see sw_as().
	 */
	long uid, group;
	int nports;
	/* The TAPs' fds (O_NONBLOCK), kept: a TAP has no carrier without. */
	int fd[MAX_PORTS];
	int ifindex[MAX_PORTS];
	char ifname[MAX_PORTS][IFNAMSIZ];
};

/* Creating a device in a namespace with IPv6 on would make the stack send
 * router and multicast listener solicitations out of it. */
static inline void no_ipv6(struct __test_metadata *_metadata)
{
	static const char *const paths[] = {
		"/proc/sys/net/ipv6/conf/all/disable_ipv6",
		"/proc/sys/net/ipv6/conf/default/disable_ipv6",
	};
	unsigned int i;
	int fd;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fd = open(paths[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		ASSERT_LE(0, fd);
		ASSERT_EQ(1, write(fd, "1", 1));
		close(fd);
	}
}

/* A switch of nothing yet: no socket, no ports, the administrator speaking. */
static inline void sw_init(struct sw *self)
{
	memset(self, 0, sizeof(*self));
	self->nl = -1;
	self->uid = NONE;
	self->group = NONE;
}

/*
 * A new socket that speaks intnet in the current namespace, in place of any
 * old one: 0 or a negative errno.
 */
static inline int sw_connect(struct sw *self)
{
	if (self->nl >= 0)
		close(self->nl);
	self->nl = nl_open();
	if (self->nl < 0)
		return self->nl;
	self->family = genl_family_id(self->nl, INTNET_GENL_NAME);
	return self->family < 0 ? self->family : 0;
}

/* A namespace of its own, and a socket that speaks intnet there. */
static inline void sw_enter_new_netns(struct __test_metadata *_metadata,
				      struct sw *self)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	no_ipv6(_metadata);
	ASSERT_EQ(0, sw_connect(self));
}

/*
 * The test's switch, in a network namespace of its own (each TEST runs in a
 * process of its own, which closes everything when it ends).
 */
static inline struct sw *sw_new(struct __test_metadata *_metadata)
{
	static struct sw sw;

	sw_init(&sw);
	sw_enter_new_netns(_metadata, &sw);
	return &sw;
}

/* ---- devices ---- */

/* Opens a new TUN/TAP device @name (@flags: IFF_TAP or IFF_TUN); its fd. */
static inline int tun_open(const char *name, int flags)
{
	struct ifreq ifr = { .ifr_flags = flags | IFF_NO_PI };
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* An ioctl on a device by name, through a throw-away socket. */
static inline int dev_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s, ret = 0;

	s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (ioctl(s, req, ifr) < 0)
		ret = -errno;
	close(s);
	return ret;
}

static inline int dev_set_up(const char *name, int up)
{
	struct ifreq ifr = { 0 };
	int err;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	err = dev_ioctl(SIOCGIFFLAGS, &ifr);
	if (err)
		return err;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return dev_ioctl(SIOCSIFFLAGS, &ifr);
}

static inline int dev_set_mtu(const char *name, int mtu)
{
	struct ifreq ifr = { .ifr_mtu = mtu };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	return dev_ioctl(SIOCSIFMTU, &ifr);
}

static inline int dev_rename(const char *name, const char *newname)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	snprintf(ifr.ifr_newname, sizeof(ifr.ifr_newname), "%s", newname);
	return dev_ioctl(SIOCSIFNAME, &ifr);
}

/* Appends a nest start; close it with nest_end(). */
static inline size_t nest_start(void *buf, size_t len, uint16_t type,
				size_t *nest)
{
	*nest = NLMSG_ALIGN(len);
	return nl_put(buf, len, type | NLA_F_NESTED, NULL, 0);
}

static inline void nest_end(void *buf, size_t len, size_t nest)
{
	((struct nlattr *)((char *)buf + nest))->nla_len = len - nest;
}

/* Sends one RTNETLINK request of @len bytes in @buf; 0 or a negative errno. */
static inline int rtnl_call(void *buf, size_t len)
{
	static struct nl_reply r;
	int fd, err;

	fd = nl_open_proto(NETLINK_ROUTE);
	if (fd < 0)
		return fd;
	err = nl_call(fd, buf, len, &r);
	close(fd);
	return err;
}

static inline size_t rtnl_link_start(void *buf, uint16_t type, uint16_t flags,
				     int ifindex)
{
	struct nlmsghdr *nh = buf;
	struct ifinfomsg *ifi = NLMSG_DATA(nh);

	memset(buf, 0, NLMSG_HDRLEN + sizeof(*ifi));
	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nh->nlmsg_seq = 1;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifi));
}

/*
 * Creates the device @name of kind @kind ("dummy", "bridge") with the ifindex
 * @ifindex (0: any).
 */
static inline int link_add_at(const char *name, const char *kind, int ifindex)
{
	uint32_t buf[256];
	size_t len, nest;

	len = rtnl_link_start(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			      ifindex);
	len = nl_put(buf, len, IFLA_IFNAME, name, strlen(name) + 1);
	len = nest_start(buf, len, IFLA_LINKINFO, &nest);
	len = nl_put(buf, len, IFLA_INFO_KIND, kind, strlen(kind));
	nest_end(buf, len, nest);
	return rtnl_call(buf, len);
}

static inline int link_add(const char *name, const char *kind)
{
	return link_add_at(name, kind, 0);
}

/* A dummy device @name (ifindex @ifindex, 0: any), up; its ifindex or -errno.
 */
static inline int dummy_up(const char *name, int ifindex)
{
	int err = link_add_at(name, "dummy", ifindex);

	if (!err)
		err = dev_set_up(name, 1);
	return err ? err : (int)if_nametoindex(name);
}

/* Sets a u32 link attribute (IFLA_MASTER, IFLA_NET_NS_FD) of a device. */
static inline int link_set_u32(int ifindex, uint16_t type, uint32_t value)
{
	uint32_t buf[64];
	size_t len;

	len = rtnl_link_start(buf, RTM_NEWLINK, 0, ifindex);
	len = nl_put(buf, len, type, &value, sizeof(value));
	return rtnl_call(buf, len);
}

/* Makes @kind ("fq", say) the root qdisc of a device. */
static inline int qdisc_replace(int ifindex, const char *kind)
{
	uint32_t buf[64];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct tcmsg *tcm = NLMSG_DATA(nh);
	size_t len;

	memset(buf, 0, sizeof(buf));
	nh->nlmsg_type = RTM_NEWQDISC;
	nh->nlmsg_flags =
	    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	nh->nlmsg_seq = 1;
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_ROOT;
	len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*tcm));
	len = nl_put(buf, len, TCA_KIND, kind, strlen(kind) + 1);
	return rtnl_call(buf, len);
}

/* ---- intnet requests ---- */

struct req {
	size_t len;
	union {
		struct nlmsghdr nh;
		char buf[2048];
	};
};

static inline void req_init(struct sw *self, struct req *q, uint8_t cmd)
{
	memset(q, 0, sizeof(*q));
	q->len = genl_start(q->buf, self->family, cmd, 0);
}

static inline void req_put(struct req *q, uint16_t type, const void *data,
			   uint16_t len)
{
	q->len = nl_put(q->buf, q->len, type, data, len);
}

static inline void req_u8(struct req *q, uint16_t type, long v)
{
	uint8_t u = v;

	if (v != NONE)
		req_put(q, type, &u, sizeof(u));
}

static inline void req_u32(struct req *q, uint16_t type, long v)
{
	uint32_t u = v;

	if (v != NONE)
		req_put(q, type, &u, sizeof(u));
}

static inline void req_str(struct req *q, uint16_t type, const char *s)
{
	if (s)
		req_put(q, type, s, strlen(s) + 1);
}

/*
 * A network as the tools write it: "NAME", or "UID/NAME" for UID's network
 * (NET_NAME and NET_OWNER); NULL puts nothing.
 */
static inline void req_net(struct req *q, const char *name)
{
	const char *slash = name ? strchr(name, '/') : NULL;

	if (!slash) {
		req_str(q, INTNET_ATTR_NET_NAME, name);
		return;
	}
	req_str(q, INTNET_ATTR_NET_NAME, slash + 1);
	req_u32(q, INTNET_ATTR_NET_OWNER, strtol(name, NULL, 10));
}

/* A setting @attr = @value in its type's format: a u8, u16 or u32. */
static inline void req_setting(struct req *q, int attr, long value)
{
	uint16_t u16 = value;

	switch (attr) {
	case INTNET_ATTR_NET_GROUP_FWD_MASK:
		if (value != NONE)
			req_put(q, attr, &u16, sizeof(u16));
		break;
	case INTNET_ATTR_PORT_NO_CREATE:
	case INTNET_ATTR_NET_FLOOD_UNKNOWN:
	case INTNET_ATTR_NET_EXPLICIT:
	case INTNET_ATTR_NET_ACCESS:
	case INTNET_ATTR_NET_PROMISC_POLICY:
	case INTNET_ATTR_PORT_UP:
	case INTNET_ATTR_PORT_PROMISC:
		req_u8(q, attr, value);
		break;
	default:
		req_u32(q, attr, value);
	}
}

/* ---- requests from another user ---- */

/*
 * Runs @fn(@arg) in a child process that has become @uid (and gid @uid, with
 * the one supplementary group @group unless NONE, else none): what setpriv
 * does. Returns what @fn returned (0 to 255), or -ECHILD if the child could
 * not change identity or did not exit normally.
 */
static inline int run_as(long uid, long group, int (*fn)(void *), void *arg)
{
	gid_t groups[1] = { group };
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setgroups(group == NONE ? 0 : 1, groups) ||
		    setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(255);
		_exit(fn(arg) & 0xff);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -ECHILD;
	return WEXITSTATUS(status);
}

/* What a child sends back: the answer to one request, or a whole dump. */
struct user_io {
	struct sw *self;
	struct req *q;
	int dump;
	/* The answer. */
	int error;
	char extack[256];
	struct nl_dump_status st;
	/* The data messages, one after the other (a request's first only). */
	size_t len;
	char data[8 << 20];
};

/* Shared with the children; one per test process, made on first use. */
static struct user_io *user_io;

static inline int user_io_store(struct nlmsghdr *nh, void *arg)
{
	struct user_io *io = arg;

	if (io->len + NLMSG_ALIGN(nh->nlmsg_len) > sizeof(io->data))
		return -ENOSPC;
	memcpy(io->data + io->len, nh, nh->nlmsg_len);
	io->len += NLMSG_ALIGN(nh->nlmsg_len);
	return 0;
}

/* In the child: its own socket (so the kernel sees a user's), the request. */
static inline int user_io_run(void *arg)
{
	struct user_io *io = arg;
	static struct nl_reply r;
	int fd, family;

	fd = nl_open();
	if (fd < 0)
		return 1;
	family = genl_family_id(fd, INTNET_GENL_NAME);
	if (family != io->self->family)
		return 2;
	if (io->dump) {
		nl_dump(fd, io->q->buf, io->q->len, user_io_store, io, &io->st);
		io->error = io->st.error;
	} else {
		io->error = nl_call(fd, io->q->buf, io->q->len, &r);
		memcpy(io->extack, r.extack, sizeof(io->extack));
		if (r.msg)
			user_io_store(r.msg, io);
	}
	close(fd);
	return 0;
}

/* Sends @q as self->uid (as a dump if @dump); 0 or -ECHILD and the like. */
static inline int user_request(struct sw *self, struct req *q, int dump)
{
	int ret;

	if (!user_io) {
		user_io = mmap(NULL, sizeof(*user_io), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (user_io == MAP_FAILED) {
			user_io = NULL;
			return -ENOMEM;
		}
	}
	user_io->self = self;
	user_io->q = q;
	user_io->dump = dump;
	user_io->error = -ECHILD;
	user_io->extack[0] = '\0';
	user_io->len = 0;
	memset(&user_io->st, 0, sizeof(user_io->st));
	ret = run_as(self->uid, self->group, user_io_run, user_io);
	if (ret < 0)
		return ret;
	return ret ? -ECHILD : 0;
}

/*
 * From now on, requests go out as @uid (NONE: as the test process, the
 * administrator), with the supplementary group @group (or NONE).
 */
static inline void sw_as(struct sw *self, long uid, long group)
{
	self->uid = uid;
	self->group = group;
}

/* Sends the request; the answer is in reply: 0 or a negative errno. */
static inline int req_call(struct sw *self, struct req *q)
{
	int err;

	if (self->uid == NONE)
		return nl_call(self->nl, q->buf, q->len, &reply);
	((struct nlmsghdr *)q->buf)->nlmsg_len = q->len;
	memset(&reply, 0, offsetof(struct nl_reply, buf));
	reply.msg = NULL;
	err = user_request(self, q, 0);
	if (err)
		return reply.error = err;
	reply.error = user_io->error;
	memcpy(reply.extack, user_io->extack, sizeof(reply.extack));
	if (user_io->len && user_io->len <= sizeof(reply.buf)) {
		memcpy(reply.buf, user_io->data, user_io->len);
		reply.msg = (struct nlmsghdr *)reply.buf;
	}
	return reply.error;
}

/*
 * A request of @cmd with attributes given as (type, value) pairs ending with
 * 0; each goes out in its type's format: a string for NET_NAME, 6 bytes
 * (a pointer) for MAC and PORT_LOCK_MAC, a u8 for the flags and enums, a u32
 * for the rest. A value of NONE leaves its attribute out.
 *   intnet_req(self, INTNET_CMD_NET_SET, INTNET_ATTR_NET_NAME, "lab",
 *              INTNET_ATTR_NET_ACCESS, INTNET_ACCESS_PUBLIC, 0);
 */
static inline int intnet_req(struct sw *self, uint8_t cmd, ...)
{
	const uint8_t *mac;
	struct req q;
	va_list ap;
	int type;

	req_init(self, &q, cmd);
	va_start(ap, cmd);
	while ((type = va_arg(ap, int))) {
		switch (type) {
		case INTNET_ATTR_NET_NAME:
			req_net(&q, va_arg(ap, const char *));
			break;
		case INTNET_ATTR_MAC:
		case INTNET_ATTR_PORT_LOCK_MAC:
			mac = va_arg(ap, const uint8_t *);
			if (mac)
				req_put(&q, type, mac, ETH_ALEN);
			break;
		default:
			req_setting(&q, type, va_arg(ap, int));
		}
	}
	va_end(ap);
	return req_call(self, &q);
}

/* NET_NEW or NET_SET with the settings that are not NONE. */
static inline int net_req(struct sw *self, uint8_t cmd, const char *name,
			  long flood_unknown, long ageing, long fdb_max,
			  long explicit)
{
	struct req q;

	req_init(self, &q, cmd);
	req_net(&q, name);
	req_u8(&q, INTNET_ATTR_NET_FLOOD_UNKNOWN, flood_unknown);
	req_u32(&q, INTNET_ATTR_NET_AGEING, ageing);
	req_u32(&q, INTNET_ATTR_NET_FDB_MAX, fdb_max);
	req_u8(&q, INTNET_ATTR_NET_EXPLICIT, explicit);
	return req_call(self, &q);
}

static inline int net_new(struct sw *self, const char *name)
{
	return net_req(self, INTNET_CMD_NET_NEW, name, NONE, NONE, NONE, NONE);
}

static inline int net_del(struct sw *self, const char *name)
{
	struct req q;

	req_init(self, &q, INTNET_CMD_NET_DEL);
	req_net(&q, name);
	return req_call(self, &q);
}

static inline int port_add(struct sw *self, const char *name, long ifindex,
			   long up, long promisc)
{
	struct req q;

	req_init(self, &q, INTNET_CMD_PORT_ADD);
	req_net(&q, name);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	req_u8(&q, INTNET_ATTR_PORT_UP, up);
	req_u8(&q, INTNET_ATTR_PORT_PROMISC, promisc);
	return req_call(self, &q);
}

static inline int port_set(struct sw *self, long ifindex, long up, long promisc)
{
	struct req q;

	req_init(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	req_u8(&q, INTNET_ATTR_PORT_UP, up);
	req_u8(&q, INTNET_ATTR_PORT_PROMISC, promisc);
	return req_call(self, &q);
}

static inline int port_del(struct sw *self, long ifindex)
{
	struct req q;

	req_init(self, &q, INTNET_CMD_PORT_DEL);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	return req_call(self, &q);
}

static inline int fdb_add(struct sw *self, long ifindex, const uint8_t *mac)
{
	struct req q;

	req_init(self, &q, INTNET_CMD_FDB_ADD);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	req_put(&q, INTNET_ATTR_MAC, mac, ETH_ALEN);
	return req_call(self, &q);
}

static inline int fdb_del(struct sw *self, const char *name, const uint8_t *mac)
{
	struct req q;

	req_init(self, &q, INTNET_CMD_FDB_DEL);
	req_net(&q, name);
	req_put(&q, INTNET_ATTR_MAC, mac, ETH_ALEN);
	return req_call(self, &q);
}

/* Flushes the network @name, or only the port @ifindex when not NONE. */
static inline int fdb_flush(struct sw *self, const char *name, long ifindex)
{
	struct req q;

	req_init(self, &q, INTNET_CMD_FDB_FLUSH);
	req_net(&q, name);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	return req_call(self, &q);
}

/* NET_SET of one setting (@attr, a u8 or u32 one) of the network @name. */
static inline int net_set(struct sw *self, const char *name, int attr,
			  long value)
{
	return intnet_req(self, INTNET_CMD_NET_SET, INTNET_ATTR_NET_NAME, name,
			  attr, (int)value, 0);
}

/* PORT_ADD of @ifindex to @name for the user @uid (an administrator's). */
static inline int port_add_for(struct sw *self, const char *name, long ifindex,
			       long uid)
{
	return intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME, name,
			  INTNET_ATTR_IFINDEX, (int)ifindex,
			  INTNET_ATTR_PORT_USER, (int)uid, 0);
}

/* PORT_SET of the port's MAC lock (ZERO_MAC-like all-zero: unlock). */
static inline int port_lock(struct sw *self, long ifindex, const uint8_t *mac)
{
	return intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
			  (int)ifindex, INTNET_ATTR_PORT_LOCK_MAC, mac, 0);
}

/* ---- replies ---- */

struct net_info {
	char name[INTNET_NAME_MAX + 1];
	int flood_unknown, explicit;
	uint32_t ageing, fdb_max, owner, ports, fdb_learned, fdb_static;
	/* -1 when the reply left them out. */
	int access, promisc_policy;
	long port_fdb_max;
	unsigned int group_fwd_mask;
	uint64_t st[__INTNET_STATS_MAX];
	/* Which counters the reply carried, by bit. */
	uint32_t st_seen;
};

struct port_info {
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	char net[INTNET_NAME_MAX + 1];
	int up, promisc, promisc_active;
	/* -1 when the reply left them out. */
	long user, fdb_learned;
	/* Whether the reply had a PORT_LOCK_MAC, and what it said. */
	int locked;
	uint8_t lock_mac[ETH_ALEN];
	uint64_t st[__INTNET_STATS_MAX];
	uint32_t st_seen;
};

static inline uint32_t attr_u32(struct nlattr *a)
{
	uint32_t v = 0;

	if (a && a->nla_len == NLA_HDRLEN + sizeof(v))
		memcpy(&v, nla_payload(a), sizeof(v));
	return v;
}

/* A u32 attribute, or -1 if absent or malformed. */
static inline long attr_u32_or_none(struct nlattr *a)
{
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(uint32_t))
		return -1;
	return attr_u32(a);
}

static inline int attr_u8(struct nlattr *a)
{
	return a && a->nla_len == NLA_HDRLEN + 1 ? *(uint8_t *)nla_payload(a)
						 : -1;
}

static inline void attr_str(struct nlattr *a, char *out, size_t size)
{
	snprintf(out, size, "%.*s", a ? (int)(a->nla_len - NLA_HDRLEN) : 0,
		 a ? (char *)nla_payload(a) : "");
}

/* Reads INTNET_ATTR_STATS into @st (zeroed first); @seen flags each one. */
static inline void parse_stats(struct nlattr *nest, uint64_t *st,
			       uint32_t *seen)
{
	struct nlattr *tb[INTNET_STATS_MAX + 1];
	int i;

	memset(st, 0, sizeof(uint64_t) * __INTNET_STATS_MAX);
	*seen = 0;
	if (!nest)
		return;
	nla_index(nla_payload(nest), nest->nla_len - NLA_HDRLEN, tb,
		  INTNET_STATS_MAX);
	for (i = INTNET_STATS_RX_PACKETS; i <= INTNET_STATS_MAX; i++) {
		if (tb[i] && tb[i]->nla_len == NLA_HDRLEN + sizeof(uint64_t)) {
			memcpy(&st[i], nla_payload(tb[i]), sizeof(uint64_t));
			*seen |= 1u << i;
		}
	}
}

static inline void parse_net(struct nlmsghdr *nh, struct net_info *ni)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];

	genl_index(nh, tb, INTNET_ATTR_MAX);
	attr_str(tb[INTNET_ATTR_NET_NAME], ni->name, sizeof(ni->name));
	ni->flood_unknown = attr_u8(tb[INTNET_ATTR_NET_FLOOD_UNKNOWN]);
	ni->explicit = attr_u8(tb[INTNET_ATTR_NET_EXPLICIT]);
	ni->ageing = attr_u32(tb[INTNET_ATTR_NET_AGEING]);
	ni->fdb_max = attr_u32(tb[INTNET_ATTR_NET_FDB_MAX]);
	ni->owner = attr_u32(tb[INTNET_ATTR_NET_OWNER]);
	ni->ports = attr_u32(tb[INTNET_ATTR_NET_PORTS]);
	ni->fdb_learned = attr_u32(tb[INTNET_ATTR_NET_FDB_LEARNED]);
	ni->fdb_static = attr_u32(tb[INTNET_ATTR_NET_FDB_STATIC]);
	ni->access = attr_u8(tb[INTNET_ATTR_NET_ACCESS]);
	ni->promisc_policy = attr_u8(tb[INTNET_ATTR_NET_PROMISC_POLICY]);
	ni->port_fdb_max = attr_u32_or_none(tb[INTNET_ATTR_NET_PORT_FDB_MAX]);
	ni->group_fwd_mask = 0;
	if (tb[INTNET_ATTR_NET_GROUP_FWD_MASK])
		memcpy(&ni->group_fwd_mask,
		       nla_payload(tb[INTNET_ATTR_NET_GROUP_FWD_MASK]),
		       sizeof(uint16_t));
	parse_stats(tb[INTNET_ATTR_STATS], ni->st, &ni->st_seen);
}

static inline void parse_port(struct nlmsghdr *nh, struct port_info *pi)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1], *a;

	genl_index(nh, tb, INTNET_ATTR_MAX);
	pi->ifindex = attr_u32(tb[INTNET_ATTR_IFINDEX]);
	attr_str(tb[INTNET_ATTR_IFNAME], pi->ifname, sizeof(pi->ifname));
	attr_str(tb[INTNET_ATTR_NET_NAME], pi->net, sizeof(pi->net));
	pi->up = attr_u8(tb[INTNET_ATTR_PORT_UP]);
	pi->promisc = attr_u8(tb[INTNET_ATTR_PORT_PROMISC]);
	pi->promisc_active = attr_u8(tb[INTNET_ATTR_PORT_PROMISC_ACTIVE]);
	pi->user = attr_u32_or_none(tb[INTNET_ATTR_PORT_USER]);
	pi->fdb_learned = attr_u32_or_none(tb[INTNET_ATTR_PORT_FDB_LEARNED]);
	a = tb[INTNET_ATTR_PORT_LOCK_MAC];
	pi->locked = a && a->nla_len == NLA_HDRLEN + ETH_ALEN;
	if (pi->locked)
		memcpy(pi->lock_mac, nla_payload(a), ETH_ALEN);
	else
		memset(pi->lock_mac, 0, ETH_ALEN);
	parse_stats(tb[INTNET_ATTR_STATS], pi->st, &pi->st_seen);
}

/* NET_GET of one network; 0 or a negative errno (then @ni is zeroed). */
static inline int net_get(struct sw *self, const char *name,
			  struct net_info *ni)
{
	struct req q;
	int err;

	memset(ni, 0, sizeof(*ni));
	req_init(self, &q, INTNET_CMD_NET_GET);
	req_net(&q, name);
	err = req_call(self, &q);
	if (!err && !reply.msg)
		err = -ENODATA;
	if (!err)
		parse_net(reply.msg, ni);
	return err;
}

/* PORT_GET of one port; 0 or a negative errno (then @pi is zeroed). */
static inline int port_get(struct sw *self, long ifindex, struct port_info *pi)
{
	struct req q;
	int err;

	memset(pi, 0, sizeof(*pi));
	req_init(self, &q, INTNET_CMD_PORT_GET);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	err = req_call(self, &q);
	if (!err && !reply.msg)
		err = -ENODATA;
	if (!err)
		parse_port(reply.msg, pi);
	return err;
}

/*
 * What the frames received (@st, a port's or a network's counters) became:
 * forwarded, flooded or dropped for one reason each. Equals the frames
 * received when every frame is accounted for.
 */
static inline uint64_t rx_outcomes(const uint64_t *st)
{
	static const int outcomes[] = {
		INTNET_STATS_RX_FORWARDED,
		INTNET_STATS_RX_FLOODED,
		INTNET_STATS_RX_DROP_PORT_DOWN,
		INTNET_STATS_RX_DROP_INVALID_SRC,
		INTNET_STATS_RX_DROP_LOCAL,
		INTNET_STATS_RX_DROP_DEST_DOWN,
		INTNET_STATS_RX_DROP_NOMEM,
		INTNET_STATS_RX_DROP_MAC_LOCKED,
		INTNET_STATS_RX_DROP_LINK_LOCAL,
		INTNET_STATS_RX_DROP_NO_DEST,
		INTNET_STATS_RX_DROP_BAD_HEADER,
	};
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		sum += st[outcomes[i]];
	return sum;
}

/* The counters of port t@i; fails the test if it can't get them. */
static inline void port_stats(struct __test_metadata *_metadata,
			      struct sw *self, int i, uint64_t *st)
{
	struct port_info pi;

	ASSERT_EQ(0, port_get(self, self->ifindex[i], &pi))
	TH_LOG("PORT_GET t%d: %s", i, reply.extack);
	memcpy(st, pi.st, sizeof(pi.st));
}

static inline uint64_t port_stat(struct __test_metadata *_metadata,
				 struct sw *self, int i, int which)
{
	uint64_t st[__INTNET_STATS_MAX];

	port_stats(_metadata, self, i, st);
	return st[which];
}

/* A dump of @cmd, optionally limited to the network @name. */
static inline int intnet_dump(struct sw *self, uint8_t cmd, const char *name,
			      nl_dump_cb cb, void *arg,
			      struct nl_dump_status *st)
{
	struct nlmsghdr *nh;
	struct req q;
	size_t off;
	int err = 0;

	req_init(self, &q, cmd);
	req_net(&q, name);
	if (self->uid == NONE)
		return nl_dump(self->nl, q.buf, q.len, cb, arg, st);
	/* As another user: the child collects the messages, @cb reads them. */
	q.nh.nlmsg_len = q.len;
	q.nh.nlmsg_flags |= NLM_F_DUMP;
	memset(st, 0, sizeof(*st));
	err = user_request(self, &q, 1);
	if (err)
		return st->error = err;
	*st = user_io->st;
	for (off = 0; off < user_io->len && !err;
	     off += NLMSG_ALIGN(nh->nlmsg_len)) {
		nh = (struct nlmsghdr *)(user_io->data + off);
		if (cb)
			err = cb(nh, arg);
	}
	if (!st->error)
		st->error = err;
	return st->error;
}

/* One FDB entry, as FDB_GET dumps it. */
struct fdb_info {
	uint8_t mac[ETH_ALEN];
	uint32_t ifindex, age;
	/* -1 when the reply left them out. */
	int is_static, locked;
};

static inline void parse_fdb(struct nlmsghdr *nh, struct fdb_info *fi)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	struct nlattr *a;

	genl_index(nh, tb, INTNET_ATTR_MAX);
	a = tb[INTNET_ATTR_MAC];
	memset(fi->mac, 0, ETH_ALEN);
	if (a && a->nla_len == NLA_HDRLEN + ETH_ALEN)
		memcpy(fi->mac, nla_payload(a), ETH_ALEN);
	fi->ifindex = attr_u32(tb[INTNET_ATTR_IFINDEX]);
	fi->age = attr_u32(tb[INTNET_ATTR_FDB_AGE]);
	fi->is_static = attr_u8(tb[INTNET_ATTR_FDB_IS_STATIC]);
	fi->locked = attr_u8(tb[INTNET_ATTR_FDB_LOCKED]);
}

struct fdb_find {
	const uint8_t *mac;
	struct fdb_info *fi;
	int found;
};

static inline int fdb_find_cb(struct nlmsghdr *nh, void *arg)
{
	struct fdb_find *ff = arg;
	struct fdb_info fi;

	parse_fdb(nh, &fi);
	if (!memcmp(fi.mac, ff->mac, ETH_ALEN)) {
		*ff->fi = fi;
		ff->found++;
	}
	return 0;
}

/*
 * The entry for @mac in the FDB of the network @name: 0, -ENOENT if there is
 * none, or the dump's error (@fi is zeroed unless found).
 */
static inline int fdb_get(struct sw *self, const char *name, const uint8_t *mac,
			  struct fdb_info *fi)
{
	struct fdb_find ff = { .mac = mac, .fi = fi };
	struct nl_dump_status st;
	int err;

	memset(fi, 0, sizeof(*fi));
	err =
	    intnet_dump(self, INTNET_CMD_FDB_GET, name, fdb_find_cb, &ff, &st);
	if (err)
		return err;
	if (ff.found > 1)
		return -EEXIST;
	return ff.found ? 0 : -ENOENT;
}

/* ---- the whole state as text, to compare before and after ---- */

struct text {
	size_t len;
	char buf[65536];
};

static inline int text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t->len += vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	return t->len >= sizeof(t->buf) ? -ENOSPC : 0;
}

static inline int text_net(struct nlmsghdr *nh, void *arg)
{
	struct net_info ni;

	parse_net(nh, &ni);
	return text_add(arg,
			"net %s flood=%d ageing=%u max=%u explicit=%d "
			"owner=%u ports=%u learned=%u static=%u access=%d "
			"promisc=%d port_max=%ld fwd=%#x\n",
			ni.name, ni.flood_unknown, ni.ageing, ni.fdb_max,
			ni.explicit, ni.owner, ni.ports, ni.fdb_learned,
			ni.fdb_static, ni.access, ni.promisc_policy,
			ni.port_fdb_max, ni.group_fwd_mask);
}

static inline int text_port(struct nlmsghdr *nh, void *arg)
{
	struct port_info pi;
	const uint8_t *m = pi.lock_mac;

	parse_port(nh, &pi);
	return text_add(arg,
			"port %u %s net=%s up=%d promisc=%d active=%d "
			"user=%ld learned=%ld lock=%s%02x:%02x:%02x:%02x:%02x:"
			"%02x\n",
			pi.ifindex, pi.ifname, pi.net, pi.up, pi.promisc,
			pi.promisc_active, pi.user, pi.fdb_learned,
			pi.locked ? "" : "none/", m[0], m[1], m[2], m[3], m[4],
			m[5]);
}

static inline int text_fdb(struct nlmsghdr *nh, void *arg)
{
	struct fdb_info fi;
	const uint8_t *m = fi.mac;

	parse_fdb(nh, &fi);
	return text_add(arg,
			"fdb %02x:%02x:%02x:%02x:%02x:%02x port=%u static=%d "
			"locked=%d\n",
			m[0], m[1], m[2], m[3], m[4], m[5], fi.ifindex,
			fi.is_static, fi.locked > 0);
}

static inline int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the lines of @t: dumps come in no particular order. */
static inline void sort_lines(struct text *t)
{
	static char copy[sizeof(t->buf)];
	static char *line[4096];
	size_t n = 0, i, len = 0;
	char *p, *save;

	memcpy(copy, t->buf, sizeof(copy));
	for (p = strtok_r(copy, "\n", &save); p && n < 4096;
	     p = strtok_r(NULL, "\n", &save))
		line[n++] = p;
	qsort(line, n, sizeof(line[0]), cmp_lines);
	t->buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += snprintf(t->buf + len, sizeof(t->buf) - len, "%s\n",
				line[i]);
	t->len = len;
}

/*
 * Every network, port and FDB entry that the current sender (see sw_as())
 * sees, a line each, sorted.
 */
static inline void view(struct __test_metadata *_metadata, struct sw *self,
			struct text *t)
{
	struct nl_dump_status st;

	t->len = 0;
	t->buf[0] = '\0';
	ASSERT_EQ(
	    0, intnet_dump(self, INTNET_CMD_NET_GET, NULL, text_net, t, &st));
	ASSERT_EQ(
	    0, intnet_dump(self, INTNET_CMD_PORT_GET, NULL, text_port, t, &st));
	ASSERT_EQ(
	    0, intnet_dump(self, INTNET_CMD_FDB_GET, NULL, text_fdb, t, &st));
	sort_lines(t);
}

/* The namespace's whole state, as the administrator sees it. */
static inline void state(struct __test_metadata *_metadata, struct sw *self,
			 struct text *t)
{
	long uid = self->uid, group = self->group;

	sw_as(self, NONE, NONE);
	view(_metadata, self, t);
	sw_as(self, uid, group);
}

static inline int text_net_name(struct nlmsghdr *nh, void *arg)
{
	struct net_info ni;

	parse_net(nh, &ni);
	return text_add(arg, "%u/%s\n", ni.owner, ni.name);
}

/* Deletes every network the sender sees, and with them their ports and FDB. */
static inline void net_del_all(struct __test_metadata *_metadata,
			       struct sw *self)
{
	static struct text names;
	struct nl_dump_status st;
	char *line, *save;

	names.len = 0;
	names.buf[0] = '\0';
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_NET_GET, NULL, text_net_name,
				 &names, &st));
	for (line = strtok_r(names.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		ASSERT_EQ(0, net_del(self, line))
	TH_LOG("NET_DEL %s: %s", line ? line : "", reply.extack);
}

/* ---- ports ---- */

/* Creates TAP t@i, brings it up, and keeps its fd in @self. */
static inline void tap_create(struct __test_metadata *_metadata,
			      struct sw *self, int i)
{
	ASSERT_LT(i, MAX_PORTS);
	snprintf(self->ifname[i], IFNAMSIZ, "t%d", i);
	self->fd[i] = tun_open(self->ifname[i], IFF_TAP);
	ASSERT_LE(0, self->fd[i]);
	if (self->nports <= i)
		self->nports = i + 1;
	self->ifindex[i] = if_nametoindex(self->ifname[i]);
	ASSERT_LT(0, self->ifindex[i]);
	ASSERT_EQ(0, dev_set_up(self->ifname[i], 1));
}

/* TAP t@i, owned by the user @owner and the group @group (either NONE). */
static inline void tap_create_owned(struct __test_metadata *_metadata,
				    struct sw *self, int i, long owner,
				    long group)
{
	tap_create(_metadata, self, i);
	if (owner != NONE)
		ASSERT_EQ(0, ioctl(self->fd[i], TUNSETOWNER, owner));
	if (group != NONE)
		ASSERT_EQ(0, ioctl(self->fd[i], TUNSETGROUP, group));
}

/* TAPs t0..t(@n - 1) as ports of the network @name. */
static inline void add_ports(struct __test_metadata *_metadata, struct sw *self,
			     int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++) {
		tap_create(_metadata, self, i);
		ASSERT_EQ(0, port_add(self, name, self->ifindex[i], NONE, NONE))
		TH_LOG("PORT_ADD t%d: %s", i, reply.extack);
	}
}

/*
 * TAPs t0..t(@n - 1) as ports of root's network @name, attached by the
 * administrator for the users @uid0, @uid0 + 1, ...: each port a user of its
 * own, with the user's own share of the FDB.
 */
static inline void add_user_ports(struct __test_metadata *_metadata,
				  struct sw *self, int n, const char *name,
				  long uid0)
{
	char qualified[INTNET_NAME_MAX + 8];
	int i;

	snprintf(qualified, sizeof(qualified), "0/%s", name);
	for (i = 0; i < n; i++) {
		tap_create(_metadata, self, i);
		ASSERT_EQ(0, port_add_for(self, qualified, self->ifindex[i],
					  uid0 + i))
		TH_LOG("PORT_ADD t%d: %s", i, reply.extack);
	}
}

/* ---- frames ---- */

struct frame {
	unsigned int id;
	size_t len;
	uint8_t b[FRAME_MAX];
};

#define MAC(n) ((const uint8_t[ETH_ALEN]){ 0x02, 0, 0, 0, 0, (n) })
static const uint8_t BCAST[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MCAST[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x42 };
static const uint8_t ZERO_MAC[ETH_ALEN];

/* The locally administered unicast address 02:@tag:@n (big-endian). */
static inline void mac_of(uint8_t *mac, uint8_t tag, uint32_t n)
{
	mac[0] = 0x02;
	mac[1] = tag;
	mac[2] = n >> 24;
	mac[3] = n >> 16;
	mac[4] = n >> 8;
	mac[5] = n;
}

/*
 * A frame @dst <- @src of type ETHERTYPE_TEST with @payload bytes, starting
 * with a tag unique in the test, so that a frame can't pass for another.
 */
static inline struct frame *frame_make(struct frame *f, const uint8_t *dst,
				       const uint8_t *src, size_t payload)
{
	static unsigned int seq;
	size_t i;

	memcpy(f->b, dst, ETH_ALEN);
	memcpy(f->b + ETH_ALEN, src, ETH_ALEN);
	f->b[12] = ETHERTYPE_TEST >> 8;
	f->b[13] = ETHERTYPE_TEST & 0xff;
	f->id = ++seq;
	for (i = 0; i < payload; i++)
		f->b[ETH_HLEN + i] = (uint8_t)(i * 7 + seq);
	snprintf((char *)f->b + ETH_HLEN, payload, "intnet frame %u", seq);
	f->len = ETH_HLEN + payload;
	return f;
}

static inline void send_frame(struct __test_metadata *_metadata,
			      struct sw *self, int port, const struct frame *f)
{
	ASSERT_EQ((ssize_t)f->len, write(self->fd[port], f->b, f->len))
	TH_LOG("write on t%d: %s", port, strerror(errno));
}

/* The next frame out of port @port is @f, byte for byte. */
static inline void expect_frame(struct __test_metadata *_metadata,
				struct sw *self, int port,
				const struct frame *f)
{
	struct pollfd pfd = { .fd = self->fd[port], .events = POLLIN };
	static uint8_t buf[FRAME_MAX + 64];
	ssize_t n;

	ASSERT_EQ(1, poll(&pfd, 1, ARRIVAL_MS))
	TH_LOG("t%d received nothing; expected frame %u", port, f->id);
	n = read(self->fd[port], buf, sizeof(buf));
	ASSERT_EQ((ssize_t)f->len, n)
	TH_LOG("t%d received %zd bytes; expected frame %u, %zu bytes", port, n,
	       f->id, f->len);
	ASSERT_EQ(0, memcmp(buf, f->b, f->len))
	TH_LOG("t%d received other bytes than frame %u", port, f->id);
}

/* Nothing (more) comes out of any port in @mask. */
static inline void expect_silence(struct __test_metadata *_metadata,
				  struct sw *self, unsigned int mask)
{
	static uint8_t buf[FRAME_MAX + 64];
	struct pollfd pfd[MAX_PORTS];
	int i, n = 0, ret, map[MAX_PORTS];
	ssize_t len;

	for (i = 0; i < self->nports; i++) {
		if (!(mask & PORT(i)) || self->fd[i] < 0)
			continue;
		pfd[n] = (struct pollfd){ .fd = self->fd[i], .events = POLLIN };
		map[n++] = i;
	}
	ret = poll(pfd, n, SILENCE_MS);
	for (i = 0; ret > 0 && i < n; i++) {
		if (!(pfd[i].revents & POLLIN))
			continue;
		len = read(pfd[i].fd, buf, sizeof(buf));
		TH_LOG("t%d received %zd unexpected bytes: \"%.40s\"", map[i],
		       len, len > ETH_HLEN ? (char *)buf + ETH_HLEN : "");
	}
	ASSERT_EQ(0, ret);
}

/*
 * Writes @f on port @in and checks that exactly the ports in @to receive it,
 * once each and intact, and that no port receives anything else.
 */
static inline void deliver(struct __test_metadata *_metadata, struct sw *self,
			   int in, const struct frame *f, unsigned int to)
{
	int i;

	send_frame(_metadata, self, in, f);
	for (i = 0; i < self->nports; i++)
		if (to & PORT(i))
			expect_frame(_metadata, self, i, f);
	expect_silence(_metadata, self, ~0u);
}

static inline unsigned int all_but(struct sw *self, int in)
{
	return (PORT(self->nports) - 1) & ~PORT(in);
}

#endif
