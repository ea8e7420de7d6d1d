// SPDX-License-Identifier: GPL-2.0
/*
 * Isolated ports (INTNET_ATTR_PORT_ISOLATED): an isolated port reaches, and is
 * reached by, only ports that are not isolated, flooding and promiscuous
 * copies included; only the network's owner or an administrator sets it.
 * Frame by frame through TAP fds, with exact counters and exact refusals.
 */

#include "switch_lib.h"

#define ALICE 1001L
#define BOB 1002L

#define NOT_OWNER "intnet: only the network's owner can isolate a port"

/* PORT_SET of t@i's isolated flag to @on. */
static int isolate(struct sw *self, int i, int on)
{
	return intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
			  self->ifindex[i], INTNET_ATTR_PORT_ISOLATED, on, 0);
}

/* Whether PORT_GET says t@i is isolated (-1: the reply left it out). */
static int isolated(struct __test_metadata *_metadata, struct sw *self, int i)
{
	struct port_info pi;

	EXPECT_EQ(0, port_get(self, self->ifindex[i], &pi));
	return pi.isolated;
}

/* Stations A, B, C, D behind t0..t3, learned by a broadcast from each. */
static void learn_stations(struct __test_metadata *_metadata, struct sw *self)
{
	static const uint8_t *const station[] = { A, B, C, D };
	struct frame f;
	int i;

	for (i = 0; i < 4; i++)
		deliver(_metadata, self, i,
			frame_make(&f, BCAST, station[i], 60),
			all_but(self, i));
}

TEST_F(sw, isolated_ports_reach_only_ports_that_are_not_isolated)
{
	uint64_t st[__INTNET_STATS_MAX];
	struct frame f;

	add_ports(_metadata, self, 4, "lab");
	learn_stations(_metadata, self);
	EXPECT_EQ(0, isolated(_metadata, self, 0));
	ASSERT_EQ(0, isolate(self, 0, 1));
	ASSERT_EQ(0, isolate(self, 1, 1));
	EXPECT_EQ(1, isolated(_metadata, self, 0));
	EXPECT_EQ(1, isolated(_metadata, self, 1));
	EXPECT_EQ(0, isolated(_metadata, self, 2));

	/* Floods: from an isolated port to the others only; to everyone else. */
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(2) | PORT(3));
	deliver(_metadata, self, 1, frame_make(&f, MCAST, B, 60),
		PORT(2) | PORT(3));
	deliver(_metadata, self, 0, frame_make(&f, NOBODY, A, 60),
		PORT(2) | PORT(3));
	deliver(_metadata, self, 2, frame_make(&f, BCAST, C, 60),
		PORT(0) | PORT(1) | PORT(3));

	/* Known unicast between the two isolated ports is dropped, counted. */
	deliver(_metadata, self, 0, frame_make(&f, B, A, 60), 0);
	deliver(_metadata, self, 1, frame_make(&f, A, B, 60), 0);
	EXPECT_EQ(1u,
		  port_stat(_metadata, self, 0, INTNET_STATS_RX_DROP_ISOLATED));
	EXPECT_EQ(1u,
		  port_stat(_metadata, self, 1, INTNET_STATS_RX_DROP_ISOLATED));
	/* ... and goes everywhere else. */
	deliver(_metadata, self, 0, frame_make(&f, C, A, 60), PORT(2));
	deliver(_metadata, self, 1, frame_make(&f, D, B, 60), PORT(3));
	deliver(_metadata, self, 2, frame_make(&f, A, C, 60), PORT(0));
	deliver(_metadata, self, 3, frame_make(&f, B, D, 60), PORT(1));

	/* Every frame t0 received is accounted for, once. */
	port_stats(_metadata, self, 0, st);
	EXPECT_EQ(st[INTNET_STATS_RX_PACKETS], rx_outcomes(st));
	EXPECT_EQ(1u, st[INTNET_STATS_RX_FORWARDED]);

	/* Made reachable again, t1 gets t0's unicast. */
	ASSERT_EQ(0, isolate(self, 1, 0));
	EXPECT_EQ(0, isolated(_metadata, self, 1));
	deliver(_metadata, self, 0, frame_make(&f, B, A, 60), PORT(1));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		all_but(self, 0));
}

TEST_F(sw, isolated_promiscuous_port_gets_no_copies_from_isolated_ports)
{
	struct frame f;

	add_ports(_metadata, self, 4, "lab");
	ASSERT_EQ(0, net_set(self, "lab", INTNET_ATTR_NET_PROMISC_POLICY,
			     INTNET_PROMISC_ALLOW_ALL));
	learn_stations(_metadata, self);
	ASSERT_EQ(0, port_set(self, self->ifindex[3], NONE, 1));
	ASSERT_EQ(0, isolate(self, 3, 1));
	ASSERT_EQ(0, isolate(self, 0, 1));

	/* Between ports that are not isolated: the copy comes. */
	deliver(_metadata, self, 1, frame_make(&f, C, B, 60),
		PORT(2) | PORT(3));
	/* From an isolated port: no copy, known unicast or flooded. */
	deliver(_metadata, self, 0, frame_make(&f, C, A, 60), PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, NOBODY, A, 60),
		PORT(1) | PORT(2));
	/* To an isolated port from one that is not: the copy comes. */
	deliver(_metadata, self, 1, frame_make(&f, A, B, 60),
		PORT(0) | PORT(3));
}

TEST_F(sw, a_port_is_isolated_when_attached_so)
{
	struct frame f;

	add_ports(_metadata, self, 3, "lab");
	tap_make(_metadata, self, 3);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME,
				"lab", INTNET_ATTR_IFINDEX, self->ifindex[3],
				INTNET_ATTR_PORT_ISOLATED, 1, 0))
	TH_LOG("PORT_ADD isolated: %s", last.extack);
	ASSERT_EQ(0, isolate(self, 0, 1));
	EXPECT_EQ(1, isolated(_metadata, self, 3));
	deliver(_metadata, self, 3, frame_make(&f, BCAST, D, 60),
		PORT(1) | PORT(2));
}

/*
 * Isolation protects the network's ports from one another: only its owner
 * (or an administrator) sets it, on any port; a user whose port is on
 * someone else's public network may neither isolate it nor lift it.
 */
TEST_F(sw, only_the_networks_owner_isolates_a_port)
{
	alice_pub_bob_joins(_metadata, self, ALICE, BOB);

	/* Bob: not on his own port of alice's network, set or cleared. */
	EXPECT_REFUSED(-EPERM, NOT_OWNER, isolate(self, 1, 1));
	EXPECT_REFUSED(-EPERM, NOT_OWNER, isolate(self, 1, 0));
	EXPECT_REFUSED(-EPERM, NOT_OWNER,
		       intnet_req(self, INTNET_CMD_PORT_ADD,
				  INTNET_ATTR_NET_NAME, "pub",
				  INTNET_ATTR_NET_OWNER, (int)ALICE,
				  INTNET_ATTR_IFINDEX, self->ifindex[2],
				  INTNET_ATTR_PORT_ISOLATED, 1, 0));

	/* Alice, the owner: on bob's port too; bob cannot lift it. */
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, isolate(self, 1, 1))
	TH_LOG("PORT_SET isolated as the owner: %s", last.extack);
	sw_as(self, BOB, NONE);
	EXPECT_REFUSED(-EPERM, NOT_OWNER, isolate(self, 1, 0));
	EXPECT_EQ(1, isolated(_metadata, self, 1));

	/* On a network of his own (made by this port), bob may. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME,
				"mine", INTNET_ATTR_IFINDEX, self->ifindex[2],
				INTNET_ATTR_PORT_ISOLATED, 1, 0))
	TH_LOG("PORT_ADD isolated on his own network: %s", last.extack);
	EXPECT_EQ(1, isolated(_metadata, self, 2));

	/* An administrator, on anyone's port. */
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, isolate(self, 1, 0));
	EXPECT_EQ(0, isolated(_metadata, self, 1));
}

TEST_HARNESS_MAIN
