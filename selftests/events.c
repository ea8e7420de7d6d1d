// SPDX-License-Identifier: GPL-2.0
/*
 * Events: what the multicast groups "events" and "fdb" carry to an
 * administrator, and what INTNET_CMD_MONITOR delivers to an unprivileged
 * subscriber (only what its dumps would show), event by event and in order;
 * per network namespace.
 */

#include "switch_lib.h"

/* The debug lane under TCG is slow, and forks a lot here. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

#define U1 1001u
#define U2 1002u

/* How long an event that must come may take (ageing included); only a
 * failing test waits that long.
 */
#define EVENT_MS 10000

/* ---- listening ---- */

/* INTNET_CMD_MONITOR of @what on @fd: 0 or a negative errno. */
static int monitor(int fd, uint32_t what)
{
	static struct nl_reply r;
	int family = genl_family_id(fd, INTNET_GENL_NAME);
	char req[256];
	size_t len;

	if (family < 0)
		return family;
	len = genl_start(req, family, INTNET_CMD_MONITOR, 0);
	len = nl_put(req, len, INTNET_ATTR_MONITOR, &what, sizeof(what));
	return nl_request(fd, req, len, &r);
}

#define MAX_FDS (INTNET_MONITOR_MAX_PER_USER + 1)

/* Sends the @n fds @fd over the Unix socket @via. */
static int send_fds(int via, const int *fd, int n)
{
	char c = 0, cbuf[CMSG_SPACE(MAX_FDS * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fd, n * sizeof(int));
	return sendmsg(via, &mh, 0) == 1 ? 0 : -errno;
}

/* Receives up to @n fds into @fd; how many, or -EIO. */
static int recv_fds(int via, int *fd, int n)
{
	char c, cbuf[CMSG_SPACE(MAX_FDS * sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int got;

	if (recvmsg(via, &mh, 0) != 1)
		return -EIO;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EIO;
	got = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	if (got > n)
		return -EIO;
	memcpy(fd, CMSG_DATA(cm), got * sizeof(int));
	return got;
}

struct sub_arg {
	int via;
	uint32_t what;
	const char *grp; /* join this group instead */
	int n; /* how many sockets */
};

/* In a child that became a user: subscribe (or join), hand the sockets over. */
static int subscribe_child(void *arg)
{
	struct sub_arg *a = arg;
	int fd[MAX_FDS], err, i;

	for (i = 0; i < a->n; i++) {
		if (a->grp) {
			fd[i] = genl_join(a->grp);
			if (fd[i] < 0)
				return -fd[i];
			continue;
		}
		fd[i] = nl_open();
		if (fd[i] < 0)
			return 1;
		err = monitor(fd[i], a->what);
		if (err)
			return -err;
	}
	return send_fds(a->via, fd, a->n) ? 2 : 0;
}

/*
 * A socket subscribed to @what (enum intnet_monitor) by the user @uid, or
 * joined to @grp by that user when @grp is not NULL; the child's error (a
 * positive errno) is returned negated.
 */
static int listen_many_as(long uid, uint32_t what, const char *grp, int *fd,
			  int n)
{
	struct sub_arg a = { .what = what, .grp = grp, .n = n };
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	a.via = sv[1];
	ret = run_as(uid, NONE, subscribe_child, &a);
	if (!ret)
		ret = recv_fds(sv[0], fd, n) == n ? 0 : -EIO;
	else if (ret > 0)
		ret = -ret;
	close(sv[0]);
	close(sv[1]);
	return ret;
}

static int listen_as(long uid, uint32_t what, const char *grp)
{
	int fd, err = listen_many_as(uid, what, grp, &fd, 1);

	return err ? err : fd;
}

/* ---- events as text ---- */

static const char *const cmd_names[] = {
	[INTNET_CMD_NET_NEW] = "NET_NEW",   [INTNET_CMD_NET_DEL] = "NET_DEL",
	[INTNET_CMD_NET_SET] = "NET_SET",   [INTNET_CMD_PORT_ADD] = "PORT_ADD",
	[INTNET_CMD_PORT_DEL] = "PORT_DEL", [INTNET_CMD_PORT_SET] = "PORT_SET",
	[INTNET_CMD_FDB_ADD] = "FDB_ADD",   [INTNET_CMD_FDB_DEL] = "FDB_DEL",
};

static const char *const why_names[] = {
	[INTNET_FDB_EVENT_LEARN] = "learn", [INTNET_FDB_EVENT_MOVE] = "move",
	[INTNET_FDB_EVENT_ADD] = "add",	    [INTNET_FDB_EVENT_AGE] = "age",
	[INTNET_FDB_EVENT_DEL] = "del",	    [INTNET_FDB_EVENT_FLUSH] = "flush",
};

/* One event as a line: its command and the attributes that matter. */
static int event_line(struct nlmsghdr *nh, struct text *t)
{
	struct genlmsghdr *gh = NLMSG_DATA(nh);
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	const char *cmd = "?";
	struct port_info pi;
	struct net_info ni;
	char ifname[IFNAMSIZ], prev[IFNAMSIZ], net[INTNET_NAME_MAX + 1];
	uint8_t *m;
	int why;

	if (gh->cmd < sizeof(cmd_names) / sizeof(cmd_names[0]) &&
	    cmd_names[gh->cmd])
		cmd = cmd_names[gh->cmd];
	if (nh->nlmsg_pid || nh->nlmsg_seq)
		return text_add(t, "%s pid=%u seq=%u\n", cmd, nh->nlmsg_pid,
				nh->nlmsg_seq);
	switch (gh->cmd) {
	case INTNET_CMD_NET_NEW:
	case INTNET_CMD_NET_DEL:
	case INTNET_CMD_NET_SET:
		parse_net(nh, &ni);
		return text_add(
			t,
			"%s %s owner=%u explicit=%d ports=%u ageing=%u access=%d\n",
			cmd, ni.name, ni.owner, ni.explicit, ni.ports,
			ni.ageing, ni.access);
	case INTNET_CMD_PORT_ADD:
	case INTNET_CMD_PORT_DEL:
	case INTNET_CMD_PORT_SET:
		parse_port(nh, &pi);
		return text_add(
			t, "%s %s net=%s up=%d promisc=%d user=%ld lock=%02x\n",
			cmd, pi.ifname, pi.net, pi.up, pi.promisc, pi.user,
			pi.locked ? pi.lock_mac[5] : 0);
	case INTNET_CMD_FDB_ADD:
	case INTNET_CMD_FDB_DEL:
		genl_index(nh, tb, INTNET_ATTR_MAX);
		get_str(tb[INTNET_ATTR_IFNAME], ifname, sizeof(ifname));
		get_str(tb[INTNET_ATTR_NET_NAME], net, sizeof(net));
		m = tb[INTNET_ATTR_MAC] ? nla_payload(tb[INTNET_ATTR_MAC]) :
					  (uint8_t *)ZERO_MAC;
		why = get_u8(tb[INTNET_ATTR_FDB_EVENT]);
		prev[0] = '\0';
		if (tb[INTNET_ATTR_FDB_PREV_IFNAME])
			get_str(tb[INTNET_ATTR_FDB_PREV_IFNAME], prev,
				sizeof(prev));
		return text_add(t, "%s %02x %s net=%s static=%d %s%s%s\n", cmd,
				m[5], ifname, net,
				get_u8(tb[INTNET_ATTR_FDB_IS_STATIC]),
				why >= 0 && why <= INTNET_FDB_EVENT_FLUSH ?
					why_names[why] :
					"?",
				*prev ? " prev=" : "", prev);
	}
	return text_add(t, "cmd %u\n", gh->cmd);
}

/*
 * Reads events from @fd into @t, one line each, up to and including the first
 * line that starts with @until; fails if that takes more than EVENT_MS per
 * event or the socket reports an error.
 */
static void collect(struct __test_metadata *_metadata, int fd,
		    const char *until, struct text *t)
{
	static char buf[NL_BUF];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct nlmsghdr *nh;
	size_t start;
	ssize_t n;

	t->len = 0;
	t->buf[0] = '\0';
	for (;;) {
		ASSERT_EQ(1, poll(&pfd, 1, EVENT_MS))
		TH_LOG("no event after:\n%s(waiting for \"%s\")", t->buf,
		       until);
		n = recv(fd, buf, sizeof(buf), 0);
		ASSERT_LT(0, n) TH_LOG("recv: %s", strerror(errno));
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			start = t->len;
			ASSERT_EQ(0, event_line(nh, t));
			if (!strncmp(t->buf + start, until, strlen(until)))
				return;
		}
	}
}

/* Nothing is waiting on @fd. */
static void expect_no_event(struct __test_metadata *_metadata, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	static struct text t;
	static char buf[NL_BUF];
	ssize_t n;

	if (poll(&pfd, 1, 0) == 1) {
		t.len = 0;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0)
			event_line((struct nlmsghdr *)buf, &t);
		TH_LOG("unexpected: %s", t.buf);
	}
	ASSERT_EQ(0, poll(&pfd, 1, 0));
}

#define EXPECT_EVENTS(fd, until, want)               \
	do {                                         \
		static struct text got;              \
		collect(_metadata, fd, until, &got); \
		EXPECT_STREQ(want, got.buf);         \
	} while (0)

/* ---- tests ---- */

TEST_F(sw, admin_sees_network_and_port_events_in_order)
{
	int ev = genl_join(INTNET_MCGRP_EVENTS),
	    fdb = genl_join(INTNET_MCGRP_FDB);

	ASSERT_LE(0, ev);
	ASSERT_LE(0, fdb);
	tap_make(_metadata, self, 0);
	tap_make(_metadata, self, 1);
	ASSERT_EQ(0, net_new(self, "lab"));
	ASSERT_EQ(0, net_set(self, "lab", INTNET_ATTR_NET_AGEING, 10));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, port_set(self, self->ifindex[0], 0, NONE));
	ASSERT_EQ(0, port_set(self, self->ifindex[0], NONE, 1));
	ASSERT_EQ(0, port_lock(self, self->ifindex[0], MAC(0x0a)));
	/* A port makes an implicit network: announced before the port. */
	ASSERT_EQ(0, sw_port_add(self, "impl", self->ifindex[1], NONE, NONE));
	/* Refused requests announce nothing. */
	ASSERT_EQ(-EBUSY,
		  sw_port_add(self, "other", self->ifindex[1], NONE, NONE));
	ASSERT_EQ(-EEXIST, net_new(self, "lab"));
	ASSERT_EQ(0, port_del(self, self->ifindex[0]));
	/* The TAP closing takes its port, and the implicit network with it. */
	close(self->fd[1]);
	self->fd[1] = -1;
	ASSERT_EQ(0, net_del(self, "lab"));
	EXPECT_EVENTS(
		ev, "NET_DEL lab",
		"NET_NEW lab owner=0 explicit=1 ports=0 ageing=300 access=0\n"
		"NET_SET lab owner=0 explicit=1 ports=0 ageing=10 access=0\n"
		"PORT_ADD t0 net=lab up=1 promisc=0 user=0 lock=00\n"
		"PORT_SET t0 net=lab up=0 promisc=0 user=0 lock=00\n"
		"PORT_SET t0 net=lab up=0 promisc=1 user=0 lock=00\n"
		"PORT_SET t0 net=lab up=0 promisc=1 user=0 lock=0a\n"
		"NET_NEW impl owner=0 explicit=0 ports=1 ageing=300 access=0\n"
		"PORT_ADD t1 net=impl up=1 promisc=0 user=0 lock=00\n"
		"PORT_DEL t0 net=lab up=0 promisc=1 user=0 lock=0a\n"
		"PORT_DEL t1 net=impl up=1 promisc=0 user=0 lock=00\n"
		"NET_DEL impl owner=0 explicit=0 ports=0 ageing=300 access=0\n"
		"NET_DEL lab owner=0 explicit=1 ports=0 ageing=10 access=0\n");
	expect_no_event(_metadata, ev);
	/* The FDB group had the lock's entry only: placed, then flushed. */
	EXPECT_EVENTS(fdb, "FDB_DEL",
		      "FDB_ADD 0a t0 net=lab static=1 add\n"
		      "FDB_DEL 0a t0 net=lab static=1 flush\n");
	expect_no_event(_metadata, fdb);
}

TEST_F(sw, deleting_a_network_announces_its_ports_first)
{
	int ev = genl_join(INTNET_MCGRP_EVENTS);

	ASSERT_LE(0, ev);
	tap_make(_metadata, self, 0);
	tap_make(_metadata, self, 1);
	ASSERT_EQ(0, net_new(self, "lab"));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[1], NONE, NONE));
	ASSERT_EQ(0, net_del(self, "lab"));
	EXPECT_EVENTS(
		ev, "NET_DEL",
		"NET_NEW lab owner=0 explicit=1 ports=0 ageing=300 access=0\n"
		"PORT_ADD t0 net=lab up=1 promisc=0 user=0 lock=00\n"
		"PORT_ADD t1 net=lab up=1 promisc=0 user=0 lock=00\n"
		"PORT_DEL t0 net=lab up=1 promisc=0 user=0 lock=00\n"
		"PORT_DEL t1 net=lab up=1 promisc=0 user=0 lock=00\n"
		"NET_DEL lab owner=0 explicit=1 ports=0 ageing=300 access=0\n");
	expect_no_event(_metadata, ev);
}

TEST_F(sw, admin_sees_fdb_learn_move_static_flush_and_age)
{
	int fdb = genl_join(INTNET_MCGRP_FDB);
	struct frame f;

	ASSERT_LE(0, fdb);
	add_ports(_metadata, self, 3, "lab");
	send_frame(_metadata, self, 0, frame_make(&f, BCAST, MAC(0x0a), 60));
	send_frame(_metadata, self, 1, frame_make(&f, BCAST, MAC(0x0b), 60));
	/* A known source on its port is no event; on another it is a move. */
	send_frame(_metadata, self, 0, frame_make(&f, BCAST, MAC(0x0a), 60));
	send_frame(_metadata, self, 2, frame_make(&f, BCAST, MAC(0x0a), 60));
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], MAC(0x53)));
	ASSERT_EQ(0, fdb_del(self, "lab", MAC(0x53)));
	/* A static entry replaces a learned one. */
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], MAC(0x0a)));
	ASSERT_EQ(0, port_set(self, self->ifindex[1], 0, NONE));
	EXPECT_EVENTS(fdb, "FDB_DEL 0b",
		      "FDB_ADD 0a t0 net=lab static=0 learn\n"
		      "FDB_ADD 0b t1 net=lab static=0 learn\n"
		      "FDB_ADD 0a t2 net=lab static=0 move prev=t0\n"
		      "FDB_ADD 53 t1 net=lab static=1 add\n"
		      "FDB_DEL 53 t1 net=lab static=1 del\n"
		      "FDB_DEL 0a t2 net=lab static=0 del\n"
		      "FDB_ADD 0a t1 net=lab static=1 add\n"
		      "FDB_DEL 0b t1 net=lab static=0 flush\n");
	ASSERT_EQ(0, fdb_flush(self, "lab", NONE));
	send_frame(_metadata, self, 2, frame_make(&f, BCAST, MAC(0x0c), 60));
	ASSERT_EQ(0, fdb_flush(self, "lab", NONE));
	/* Ageing: the shortest time there is. */
	ASSERT_EQ(0, net_set(self, "lab", INTNET_ATTR_NET_AGEING, 1));
	send_frame(_metadata, self, 0, frame_make(&f, BCAST, MAC(0x0d), 60));
	EXPECT_EVENTS(fdb, "FDB_DEL 0d",
		      "FDB_ADD 0c t2 net=lab static=0 learn\n"
		      "FDB_DEL 0c t2 net=lab static=0 flush\n"
		      "FDB_ADD 0d t0 net=lab static=0 learn\n"
		      "FDB_DEL 0d t0 net=lab static=0 age\n");
	/* The static entry goes with its port. */
	ASSERT_EQ(0, port_del(self, self->ifindex[1]));
	EXPECT_EVENTS(fdb, "FDB_DEL", "FDB_DEL 0a t1 net=lab static=1 flush\n");
	expect_no_event(_metadata, fdb);
}

TEST_F(sw, only_administrators_join_the_groups)
{
	(void)self;
	EXPECT_EQ(-EPERM, listen_as(U1, 0, INTNET_MCGRP_EVENTS));
	EXPECT_EQ(-EPERM, listen_as(U1, 0, INTNET_MCGRP_FDB));
}

/*
 * A user's subscription shows what the user's dumps show: his own networks
 * and ports, his ports on public networks, public networks; not another
 * user's restricted network, nor another user's ports.
 */
TEST_F(sw, user_sees_own_and_public_objects_only)
{
	int ev, n;

	ev = listen_as(U1, INTNET_MONITOR_OBJECTS, NULL);
	ASSERT_LE(0, ev);
	for (n = 0; n < 4; n++)
		tap_make_owned(_metadata, self, n, n < 2 ? U1 : U2, NONE);
	/* Invisible to U1: the administrator's and U2's restricted networks. */
	ASSERT_EQ(0, net_new(self, "admin"));
	ASSERT_EQ(0, sw_port_add(self, "admin", self->ifindex[3], NONE, NONE));
	sw_as(self, U2, NONE);
	ASSERT_EQ(0, net_new(self, "u2"));
	ASSERT_EQ(0, net_new(self, "u2pub"));
	/* Visible from here on. */
	ASSERT_EQ(0, net_set(self, "u2pub", INTNET_ATTR_NET_ACCESS,
			     INTNET_ACCESS_PUBLIC));
	/* U2's port on the public network is not U1's business. */
	ASSERT_EQ(0, sw_port_add(self, "u2pub", self->ifindex[2], NONE, NONE));
	sw_as(self, U1, NONE);
	ASSERT_EQ(0, sw_port_add(self, "mine", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "1002/u2pub", self->ifindex[1], NONE,
				 NONE));
	ASSERT_EQ(0, port_set(self, self->ifindex[1], 0, NONE));
	sw_as(self, U2, NONE);
	ASSERT_EQ(0, port_set(self, self->ifindex[2], 0, NONE));
	ASSERT_EQ(0, net_set(self, "u2", INTNET_ATTR_NET_AGEING, 5));
	ASSERT_EQ(0, net_del(self, "u2"));
	/* Made restricted: U1 hears of it, then of nothing more there but his
	 * own port (his still).
	 */
	ASSERT_EQ(0, net_set(self, "u2pub", INTNET_ATTR_NET_ACCESS,
			     INTNET_ACCESS_RESTRICTED));
	ASSERT_EQ(0, net_set(self, "u2pub", INTNET_ATTR_NET_AGEING, 7));
	ASSERT_EQ(0, port_del(self, self->ifindex[1]));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, net_del(self, "admin"));
	/* The barrier: U1's own network, the last thing done. */
	sw_as(self, U1, NONE);
	ASSERT_EQ(0, net_del(self, "mine"));
	EXPECT_EVENTS(
		ev, "NET_DEL mine",
		"NET_SET u2pub owner=1002 explicit=1 ports=0 ageing=300 access=1\n"
		"NET_NEW mine owner=1001 explicit=0 ports=1 ageing=300 access=0\n"
		"PORT_ADD t0 net=mine up=1 promisc=0 user=1001 lock=00\n"
		"PORT_ADD t1 net=u2pub up=1 promisc=0 user=1001 lock=00\n"
		"PORT_SET t1 net=u2pub up=0 promisc=0 user=1001 lock=00\n"
		"NET_SET u2pub owner=1002 explicit=1 ports=2 ageing=300 access=0\n"
		"PORT_DEL t1 net=u2pub up=0 promisc=0 user=1001 lock=00\n"
		"PORT_DEL t0 net=mine up=1 promisc=0 user=1001 lock=00\n"
		"NET_DEL mine owner=1001 explicit=0 ports=0 ageing=300 access=0\n");
	expect_no_event(_metadata, ev);
}

TEST_F(sw, user_sees_fdb_of_own_ports_only)
{
	struct frame f;
	int fdb, ev;

	fdb = listen_as(U1, INTNET_MONITOR_FDB, NULL);
	ASSERT_LE(0, fdb);
	ev = listen_as(U1, INTNET_MONITOR_OBJECTS | INTNET_MONITOR_FDB, NULL);
	ASSERT_LE(0, ev);
	tap_make_owned(_metadata, self, 0, U1, NONE);
	tap_make_owned(_metadata, self, 1, U1, NONE);
	tap_make_owned(_metadata, self, 2, U2, NONE);
	tap_make_owned(_metadata, self, 3, U2, NONE);
	sw_as(self, U2, NONE);
	ASSERT_EQ(0, sw_port_add(self, "u2", self->ifindex[2], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "u2", self->ifindex[3], NONE, NONE));
	sw_as(self, U1, NONE);
	ASSERT_EQ(0, sw_port_add(self, "u1", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "u1", self->ifindex[1], NONE, NONE));
	sw_as(self, NONE, NONE);
	send_frame(_metadata, self, 2, frame_make(&f, BCAST, MAC(0x2a), 60));
	send_frame(_metadata, self, 3, frame_make(&f, BCAST, MAC(0x2b), 60));
	send_frame(_metadata, self, 0, frame_make(&f, BCAST, MAC(0x1a), 60));
	send_frame(_metadata, self, 1, frame_make(&f, BCAST, MAC(0x1b), 60));
	ASSERT_EQ(0, fdb_flush(self, "1002/u2", NONE));
	ASSERT_EQ(0, fdb_flush(self, "1001/u1", self->ifindex[1]));
	EXPECT_EVENTS(fdb, "FDB_DEL 1b",
		      "FDB_ADD 1a t0 net=u1 static=0 learn\n"
		      "FDB_ADD 1b t1 net=u1 static=0 learn\n"
		      "FDB_DEL 1b t1 net=u1 static=0 flush\n");
	expect_no_event(_metadata, fdb);
	/* Both kinds on one subscription, in the order they happened. */
	EXPECT_EVENTS(
		ev, "FDB_DEL 1b",
		"NET_NEW u1 owner=1001 explicit=0 ports=1 ageing=300 access=0\n"
		"PORT_ADD t0 net=u1 up=1 promisc=0 user=1001 lock=00\n"
		"PORT_ADD t1 net=u1 up=1 promisc=0 user=1001 lock=00\n"
		"FDB_ADD 1a t0 net=u1 static=0 learn\n"
		"FDB_ADD 1b t1 net=u1 static=0 learn\n"
		"FDB_DEL 1b t1 net=u1 static=0 flush\n");
	expect_no_event(_metadata, ev);
}

/*
 * Red team: a station of one user, and another user's port sending from its
 * address. The station does not move while its entry lives (the frames are
 * dropped: no event); once the entry is gone the address is learned behind
 * the other port. Each user hears of their own port only; the administrator
 * hears everything.
 */
TEST_F(sw, fdb_events_of_an_address_two_users_send_from)
{
	int adm = genl_join(INTNET_MCGRP_FDB), u1, u2;
	struct frame f;

	ASSERT_LE(0, adm);
	u1 = listen_as(U1, INTNET_MONITOR_FDB, NULL);
	ASSERT_LE(0, u1);
	u2 = listen_as(U2, INTNET_MONITOR_FDB, NULL);
	ASSERT_LE(0, u2);
	tap_make_owned(_metadata, self, 0, U1, NONE);
	tap_make_owned(_metadata, self, 1, U2, NONE);
	ASSERT_EQ(0, net_new(self, "lab"));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[1], NONE, NONE));
	send_frame(_metadata, self, 0, frame_make(&f, BCAST, MAC(0x0a), 60));
	send_frame(_metadata, self, 1, frame_make(&f, BCAST, MAC(0x0a), 60));
	send_frame(_metadata, self, 0, frame_make(&f, BCAST, MAC(0x0a), 60));
	ASSERT_EQ(0, fdb_flush(self, "lab", NONE));
	send_frame(_metadata, self, 1, frame_make(&f, BCAST, MAC(0x0a), 60));
	ASSERT_EQ(0, fdb_flush(self, "lab", NONE));
	EXPECT_EVENTS(adm, "FDB_DEL 0a t1",
		      "FDB_ADD 0a t0 net=lab static=0 learn\n"
		      "FDB_DEL 0a t0 net=lab static=0 flush\n"
		      "FDB_ADD 0a t1 net=lab static=0 learn\n"
		      "FDB_DEL 0a t1 net=lab static=0 flush\n");
	EXPECT_EVENTS(u1, "FDB_DEL",
		      "FDB_ADD 0a t0 net=lab static=0 learn\n"
		      "FDB_DEL 0a t0 net=lab static=0 flush\n");
	EXPECT_EVENTS(u2, "FDB_DEL",
		      "FDB_ADD 0a t1 net=lab static=0 learn\n"
		      "FDB_DEL 0a t1 net=lab static=0 flush\n");
	expect_no_event(_metadata, adm);
	expect_no_event(_metadata, u1);
	expect_no_event(_metadata, u2);
}

TEST_F(sw, subscriptions_change_end_and_are_limited)
{
	int fd[INTNET_MONITOR_MAX_PER_USER + 1], ev, i;

	ev = listen_as(U1, INTNET_MONITOR_OBJECTS, NULL);
	ASSERT_LE(0, ev);
	/* An administrator's subscription sees everything. */
	fd[0] = nl_open();
	ASSERT_LE(0, fd[0]);
	ASSERT_EQ(0, monitor(fd[0], INTNET_MONITOR_OBJECTS));
	ASSERT_EQ(0, net_new(self, "a"));
	EXPECT_EVENTS(
		fd[0], "NET_NEW a",
		"NET_NEW a owner=0 explicit=1 ports=0 ageing=300 access=0\n");
	/* Ended by a MONITOR of nothing. */
	ASSERT_EQ(0, monitor(fd[0], 0));
	ASSERT_EQ(0, net_del(self, "a"));
	close(fd[0]);
	sw_as(self, U1, NONE);
	ASSERT_EQ(0, net_new(self, "b"));
	EXPECT_EVENTS(
		ev, "NET_NEW b",
		"NET_NEW b owner=1001 explicit=1 ports=0 ageing=300 access=0\n");
	/* What the request asks for must be known. */
	EXPECT_EQ(-EINVAL, monitor(ev, 4));
	EXPECT_EQ(-EINVAL, monitor(ev, 0x80000000));
	close(ev);
	/* Closed sockets' subscriptions are gone: U1 may have the maximum. */
	ASSERT_EQ(0, listen_many_as(U1, INTNET_MONITOR_FDB, NULL, fd,
				    INTNET_MONITOR_MAX_PER_USER));
	EXPECT_EQ(-EDQUOT, listen_as(U1, INTNET_MONITOR_FDB, NULL));
	i = INTNET_MONITOR_MAX_PER_USER;
	/* Another user is not counted with him. */
	fd[i] = listen_as(U2, INTNET_MONITOR_FDB, NULL);
	ASSERT_LE(0, fd[i]);
	close(fd[i]);
	close(fd[0]);
	fd[0] = listen_as(U1, INTNET_MONITOR_FDB, NULL);
	ASSERT_LE(0, fd[0]);
	for (i = 0; i < INTNET_MONITOR_MAX_PER_USER; i++)
		close(fd[i]);
}

/* Events stay in their namespace, for group members and subscribers alike. */
TEST_F(sw, events_are_per_namespace)
{
	int ev = genl_join(INTNET_MCGRP_EVENTS), sub, status;
	static struct text got;
	pid_t pid;

	ASSERT_LE(0, ev);
	sub = listen_as(U1, INTNET_MONITOR_OBJECTS, NULL);
	ASSERT_LE(0, sub);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sw other;
		int oev;

		sw_init(&other);
		if (unshare(CLONE_NEWNET) || sw_connect(&other))
			_exit(1);
		oev = genl_join(INTNET_MCGRP_EVENTS);
		if (oev < 0 || net_new(&other, "there") ||
		    net_set(&other, "there", INTNET_ATTR_NET_ACCESS,
			    INTNET_ACCESS_PUBLIC))
			_exit(2);
		collect(_metadata, oev, "NET_SET", &got);
		_exit(strcmp(got.buf,
			     "NET_NEW there owner=0 explicit=1 ports=0 ageing=300 access=0\n"
			     "NET_SET there owner=0 explicit=1 ports=0 ageing=300 access=1\n") ?
			      3 :
			      0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* Here, the barrier comes first. */
	ASSERT_EQ(0, net_new(self, "here"));
	ASSERT_EQ(0, net_set(self, "here", INTNET_ATTR_NET_ACCESS,
			     INTNET_ACCESS_PUBLIC));
	EXPECT_EVENTS(
		ev, "NET_NEW",
		"NET_NEW here owner=0 explicit=1 ports=0 ageing=300 access=0\n");
	EXPECT_EVENTS(
		sub, "NET_SET",
		"NET_SET here owner=0 explicit=1 ports=0 ageing=300 access=1\n");
}

/* A listener that does not read is told it missed events: ENOBUFS. */
TEST_F(sw, overrun_is_reported)
{
	int ev = genl_join(INTNET_MCGRP_EVENTS), small = 4096, i, err = 0;
	int sub = listen_as(U1, INTNET_MONITOR_OBJECTS, NULL);
	char buf[NL_BUF];
	ssize_t n;

	ASSERT_LE(0, ev);
	ASSERT_LE(0, sub);
	ASSERT_EQ(0,
		  setsockopt(ev, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	ASSERT_EQ(0, setsockopt(sub, SOL_SOCKET, SO_RCVBUF, &small,
				sizeof(small)));
	sw_as(self, U1, NONE);
	ASSERT_EQ(0, net_new(self, "x"));
	sw_as(self, NONE, NONE);
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0,
			  net_set(self, "1001/x", INTNET_ATTR_NET_AGEING, i));
	for (i = 0; i < 2; i++) {
		int fd = i ? sub : ev;

		for (err = 0; !err;) {
			n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 0)
				err = errno;
		}
		EXPECT_EQ(ENOBUFS, err) TH_LOG("listener %d", i);
	}
}

TEST_HARNESS_MAIN
