/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests' helpers that use the kselftest harness (ASSERT_*, EXPECT_*):
 * a switch in a namespace of its own (the fixture "sw"), TAPs as ports,
 * frames that must and must not arrive, the state as the administrator sees
 * it. What needs no harness is in lib/ and built once.
 */
#ifndef INTNET_SWITCH_LIB_H
#define INTNET_SWITCH_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "kselftest_harness.h"
#include "lib/dev.h"
#include "lib/frames.h"
#include "lib/intnet.h"
#include "lib/nl.h"
#include "lib/sys.h"

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

/* The counters of port t@i; fails the test if it can't get them. */
static inline void port_stats(struct __test_metadata *_metadata,
			      struct sw *self, int i, uint64_t *st)
{
	struct port_info pi;

	ASSERT_EQ(0, port_get(self, self->ifindex[i], &pi))
	TH_LOG("PORT_GET t%d: %s", i, last.extack);
	memcpy(st, pi.st, sizeof(pi.st));
}

static inline uint64_t port_stat(struct __test_metadata *_metadata,
				 struct sw *self, int i, int which)
{
	uint64_t st[__INTNET_STATS_MAX];

	port_stats(_metadata, self, i, st);
	return st[which];
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
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_NET_GET, NULL, text_net, t,
				 &st));
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, NULL, text_port, t,
				 &st));
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_FDB_GET, NULL, text_fdb, t,
				 &st));
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
	TH_LOG("NET_DEL %s: %s", line ? line : "", last.extack);
}

/* Creates TAP t@i, brings it up, and keeps its fd in @self. */
static inline void tap_make(struct __test_metadata *_metadata, struct sw *self,
			    int i)
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
static inline void tap_make_owned(struct __test_metadata *_metadata,
				  struct sw *self, int i, long owner,
				  long group)
{
	tap_make(_metadata, self, i);
	if (owner != NONE)
		ASSERT_EQ(0, ioctl(self->fd[i], TUNSETOWNER, owner));
	if (group != NONE)
		ASSERT_EQ(0, ioctl(self->fd[i], TUNSETGROUP, group));
}

/*
 * @alice's public network "pub" with her TAP t0, and @bob's TAP t1 attached to
 * it by bob; t2 a TAP of bob's, not attached. The caller goes on as bob.
 */
static inline void alice_pub_bob_joins(struct __test_metadata *_metadata,
				       struct sw *self, long alice, long bob)
{
	tap_make_owned(_metadata, self, 0, alice, NONE);
	tap_make_owned(_metadata, self, 1, bob, NONE);
	tap_make_owned(_metadata, self, 2, bob, NONE);
	sw_as(self, alice, NONE);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, 0));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	sw_as(self, bob, NONE);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_OWNER, (int)alice,
				INTNET_ATTR_IFINDEX, self->ifindex[1], 0))
	TH_LOG("bob's PORT_ADD to alice/pub: %s", last.extack);
}

/* TAPs t0..t(@n - 1) as ports of the network @name. */
static inline void add_ports(struct __test_metadata *_metadata, struct sw *self,
			     int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++) {
		tap_make(_metadata, self, i);
		ASSERT_EQ(0,
			  sw_port_add(self, name, self->ifindex[i], NONE, NONE))
		TH_LOG("PORT_ADD t%d: %s", i, last.extack);
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
		tap_make(_metadata, self, i);
		ASSERT_EQ(0, sw_port_add_for(self, qualified, self->ifindex[i],
					     uid0 + i))
		TH_LOG("PORT_ADD t%d: %s", i, last.extack);
	}
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

/*
 * @call is refused with @err and exactly the message @msg, and the state of
 * the namespace (as the administrator dumps it) is what it was before.
 */
#define EXPECT_REFUSED(err, msg, call)                   \
	do {                                             \
		static struct text __before, __after;    \
		state(_metadata, self, &__before);       \
		EXPECT_EQ(err, call);                    \
		EXPECT_STREQ(msg, last.extack);          \
		state(_metadata, self, &__after);        \
		EXPECT_STREQ(__before.buf, __after.buf); \
	} while (0)

/*
 * The fixture of most tests: a switch in a network namespace of its own
 * (each test runs in a process of its own, which closes everything when it
 * ends). Its data is the library's struct sw, so that a test passes "self"
 * to the helpers as it is: the harness names a fixture's data
 * struct _test_data_NAME, made struct sw here.
 */
#define _test_data_sw sw
FIXTURE(sw);
FIXTURE_SETUP(sw)
{
	sw_init(self);
	sw_enter_new_netns(_metadata, self);
}
FIXTURE_TEARDOWN(sw)
{
}

#endif
