// SPDX-License-Identifier: GPL-2.0
/*
 * Scale: 65,536 FDB entries and 1,024 ports on one network, dumped across many
 * messages with every object exactly once, and a dump flagged when the state
 * changes in the middle of it.
 */

#include "switch_lib.h"

#define ENTRIES 65536U
#define MANY_PORTS 1024U

/* A source MAC per index: 02:5c:00:00:hi:lo. */
static void station(uint8_t *mac, unsigned int n)
{
	mac_of(mac, 0x5c, n);
}

/*
 * @count frames from port 0 with sources 1..@count, all to station 0 learned
 * behind port 0 itself: each is learned, then dropped as local, so nothing
 * queues up on the other ports.
 */
static void learn_many(struct __test_metadata *_metadata, struct sw *self,
		       unsigned int first, unsigned int count)
{
	uint8_t f[60] = { 0 };
	unsigned int n;

	station(f, 0);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	for (n = first; n < first + count; n++) {
		station(f + ETH_ALEN, n);
		ASSERT_EQ((ssize_t)sizeof(f), write(self->fd[0], f, sizeof(f)));
	}
}

struct seen {
	uint8_t *bits;
	unsigned int msgs, dups, bad;
};

static int count_fdb(struct nlmsghdr *nh, void *arg)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	struct seen *s = arg;
	uint8_t *mac;
	unsigned int n;

	genl_index(nh, tb, INTNET_ATTR_MAX);
	s->msgs++;
	if (!tb[INTNET_ATTR_MAC]) {
		s->bad++;
		return 0;
	}
	mac = nla_payload(tb[INTNET_ATTR_MAC]);
	n = (mac[4] << 8) | mac[5];
	if (mac[0] != 0x02 || mac[1] != 0x5c || mac[2] || mac[3] > 1) {
		s->bad++;
		return 0;
	}
	n |= mac[3] << 16;
	if (s->bits[n / 8] & (1 << (n % 8)))
		s->dups++;
	s->bits[n / 8] |= 1 << (n % 8);
	return 0;
}

/* 65,536 frames and 1,024 devices take minutes under emulation and KASAN. */
FIXTURE(slow){};
FIXTURE_SETUP(slow)
{
}
FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, fdb_dump_lists_65536_entries_once_each, 600)
{
	struct sw *sw = sw_new(_metadata);
	struct nl_dump_status st;
	struct seen s = { 0 };
	struct net_info ni;

	/* All from one port: its share is the whole table. */
	ASSERT_EQ(0, intnet_req(sw, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"big", INTNET_ATTR_NET_AGEING, 0,
				INTNET_ATTR_NET_FDB_MAX, ENTRIES,
				INTNET_ATTR_NET_PORT_FDB_MAX, ENTRIES, 0));
	add_ports(_metadata, sw, 2, "big");
	/* Station 0 first, then 65,535 more. */
	learn_many(_metadata, sw, 0, ENTRIES);
	ASSERT_EQ(0, net_get(sw, "big", &ni));
	EXPECT_EQ(ENTRIES, ni.fdb_learned);
	/* One more source is over the limit: not learned, counted. */
	learn_many(_metadata, sw, ENTRIES, 1);
	EXPECT_EQ(1U, port_stat(_metadata, sw, 0, INTNET_STATS_FDB_FULL));

	s.bits = calloc(ENTRIES * 2 / 8, 1);
	ASSERT_NE(NULL, s.bits);
	ASSERT_EQ(0, intnet_dump(sw, INTNET_CMD_FDB_GET, "big", count_fdb, &s,
				 &st));
	EXPECT_EQ(ENTRIES, s.msgs);
	EXPECT_EQ(0U, s.dups);
	EXPECT_EQ(0U, s.bad);
	EXPECT_LT(10U, st.reads);
	EXPECT_EQ(0, st.intr);
	free(s.bits);
}

static int count_msgs(struct nlmsghdr *nh, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

TEST_F_TIMEOUT(slow, network_takes_1024_ports, 600)
{
	struct sw *sw = sw_new(_metadata);
	struct nl_dump_status st;
	unsigned int n = 0;
	struct net_info ni;
	char name[IFNAMSIZ];
	struct frame f;
	unsigned int i;
	int ifindex;

	ASSERT_EQ(0, net_new(sw, "wide"));
	for (i = 0; i < MANY_PORTS; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		ASSERT_EQ(0, link_add(name, "dummy"));
		ASSERT_EQ(0, dev_set_up(name, 1));
		ifindex = if_nametoindex(name);
		ASSERT_EQ(0, sw_port_add(sw, "wide", ifindex, NONE, NONE))
		TH_LOG("port %u: %s", i, last.extack);
	}
	ASSERT_EQ(0, net_get(sw, "wide", &ni));
	EXPECT_EQ(MANY_PORTS, ni.ports);
	ASSERT_EQ(0, intnet_dump(sw, INTNET_CMD_PORT_GET, "wide", count_msgs,
				 &n, &st));
	EXPECT_EQ(MANY_PORTS, n);
	EXPECT_LT(1U, st.reads);

	/* A broadcast from one more port goes out of all 1,024. */
	tap_make(_metadata, sw, 0);
	ASSERT_EQ(0, sw_port_add(sw, "wide", sw->ifindex[0], NONE, NONE));
	send_frame(_metadata, sw, 0, frame_make(&f, BCAST, MAC(1), 46));
	ASSERT_EQ(0, net_get(sw, "wide", &ni));
	EXPECT_EQ(MANY_PORTS, ni.st[INTNET_STATS_TX_PACKETS]);

	/* Deleting the network lets go of every device. */
	ASSERT_EQ(0, net_del(sw, "wide"));
	n = 0;
	ASSERT_EQ(0, intnet_dump(sw, INTNET_CMD_PORT_GET, NULL, count_msgs, &n,
				 &st));
	EXPECT_EQ(0U, n);
}

TEST_F(sw, dump_is_flagged_when_the_fdb_changes_midway)
{
	struct nlmsghdr *nh;
	int intr = 0, done = 0, reads = 0;
	static char buf[NL_BUF];
	struct req q;
	ssize_t len;

	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, "busy", NONE, 0, 10000,
			     NONE));
	add_ports(_metadata, self, 2, "busy");
	learn_many(_metadata, self, 0, 4000);

	req_new(self, &q, INTNET_CMD_FDB_GET);
	req_str(&q, INTNET_ATTR_NET_NAME, "busy");
	nh = (struct nlmsghdr *)q.buf;
	nh->nlmsg_len = q.len;
	nh->nlmsg_flags |= NLM_F_DUMP;
	ASSERT_EQ((ssize_t)q.len, send(self->nl, q.buf, q.len, 0));
	while (!done) {
		len = recv(self->nl, buf, sizeof(buf), 0);
		ASSERT_LT(0, len);
		/* After the first part, a new station arrives. */
		if (reads++ == 0)
			learn_many(_metadata, self, 5000, 1);
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (nh->nlmsg_type == NLMSG_DONE ||
			    nh->nlmsg_type == NLMSG_ERROR)
				done = 1;
		}
	}
	EXPECT_LT(1, reads);
	EXPECT_EQ(1, intr);
}

TEST_HARNESS_MAIN
