// SPDX-License-Identifier: GPL-2.0
/*
 * IP anti-spoofing (INTNET_ATTR_PORT_IP_LOCK, INTNET_ATTR_PORT_DHCP_SERVER): a
 * port with an IP lock sends IPv4 and IPv6 only from its addresses, ARP only
 * claiming them with its own MAC, neighbour advertisements only for them, and
 * no DHCP server replies unless allowed; everything else is dropped and
 * counted by reason. Frame by frame through TAP fds, with exact counters and
 * exact refusals; only the network's owner or an administrator sets a lock.
 */

#include "iplock_frames.h"

#define ALICE 1001L
#define BOB 1002L

#define NOT_OWNER \
	"intnet: only the network's owner can change a port's IP locks or DHCP server setting"
#define TAKEN "intnet: an IP address is locked to another port of the network"
#define TOO_MANY "intnet: a port can have at most 8 IP addresses locked"
#define NOT_UNICAST \
	"intnet: an IP lock needs unicast addresses (an empty list lifts it)"

/* PORT_SET of t@i's IP lock to the addresses of @list ("" lifts it). */
static int lock_ip(struct sw *self, int i, const char *list)
{
	return intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
			  self->ifindex[i], INTNET_ATTR_PORT_IP_LOCK, list, 0);
}

static int dhcp_server(struct sw *self, int i, int on)
{
	return intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
			  self->ifindex[i], INTNET_ATTR_PORT_DHCP_SERVER, on,
			  0);
}

/* t@i's IP lock as PORT_GET lists it. */
static const char *locked_ips(struct __test_metadata *_metadata,
			      struct sw *self, int i)
{
	static struct port_info pi;

	EXPECT_EQ(0, port_get(self, self->ifindex[i], &pi));
	return pi.ip_lock;
}

/* The same behind a destination options header (8 bytes of padding). */
struct nd_behind_opts {
	uint8_t next, len, padn, padlen, pad[4];
	struct nd_neighbor_advert na;
};

/* ---- tests ---- */

TEST_F(sw, an_ip_lock_is_set_shown_replaced_and_lifted)
{
	struct port_info pi;

	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_STREQ("", pi.ip_lock);
	EXPECT_EQ(0, pi.dhcp_server);

	/* Duplicates count once; IPv4 first, then IPv6, in the order given. */
	ASSERT_EQ(0, lock_ip(self, 0, "10.0.0.5,fd00::5,10.0.0.5,fe80::5"))
	TH_LOG("PORT_SET ip lock: %s", last.extack);
	EXPECT_STREQ("10.0.0.5,fd00::5,fe80::5",
		     locked_ips(_metadata, self, 0));
	ASSERT_EQ(0, lock_ip(self, 0, "10.0.0.6"));
	EXPECT_STREQ("10.0.0.6", locked_ips(_metadata, self, 0));
	ASSERT_EQ(0, dhcp_server(self, 0, 1));
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(1, pi.dhcp_server);
	ASSERT_EQ(0, lock_ip(self, 0, ""));
	EXPECT_STREQ("", locked_ips(_metadata, self, 0));
	/* Eight is the most, and enough. */
	ASSERT_EQ(0, lock_ip(self, 1,
			     "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,"
			     "fd00::1,fd00::2,fd00::3,fd00::4"));
	EXPECT_STREQ("10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,fd00::1,fd00::2,"
		     "fd00::3,fd00::4",
		     locked_ips(_metadata, self, 1));

	/* A port attached locked is locked from its first frame. */
	tap_make(_metadata, self, 2);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME,
				"lab", INTNET_ATTR_IFINDEX, self->ifindex[2],
				INTNET_ATTR_PORT_IP_LOCK, "10.0.0.7",
				INTNET_ATTR_PORT_DHCP_SERVER, 1, 0))
	TH_LOG("PORT_ADD locked: %s", last.extack);
	ASSERT_EQ(0, port_get(self, self->ifindex[2], &pi));
	EXPECT_STREQ("10.0.0.7", pi.ip_lock);
	EXPECT_EQ(1, pi.dhcp_server);
}

TEST_F(sw, bad_and_colliding_ip_locks_are_refused_and_change_nothing)
{
	struct port_info pi;
	struct req q;

	add_ports(_metadata, self, 3, "lab");
	ASSERT_EQ(0, lock_ip(self, 0, "10.0.0.1,fd00::1"));

	EXPECT_REFUSED(
		-E2BIG, TOO_MANY,
		lock_ip(self, 1,
			"10.0.0.11,10.0.0.12,10.0.0.13,10.0.0.14,"
			"10.0.0.15,fd00::11,fd00::12,fd00::13,fd00::14"));
	EXPECT_REFUSED(-EINVAL, NOT_UNICAST, lock_ip(self, 1, "0.0.0.0"));
	EXPECT_REFUSED(-EINVAL, NOT_UNICAST, lock_ip(self, 1, "224.0.0.1"));
	EXPECT_REFUSED(-EINVAL, NOT_UNICAST,
		       lock_ip(self, 1, "255.255.255.255"));
	EXPECT_REFUSED(-EINVAL, NOT_UNICAST, lock_ip(self, 1, "::"));
	EXPECT_REFUSED(-EINVAL, NOT_UNICAST, lock_ip(self, 1, "ff02::1"));
	EXPECT_REFUSED(-EINVAL, NOT_UNICAST,
		       lock_ip(self, 0, "10.0.0.1,ff02::1"));
	EXPECT_STREQ("10.0.0.1,fd00::1", locked_ips(_metadata, self, 0));

	/* One address of the list is t0's: nothing of the request happens,
	 * a MAC lock in the same request included.
	 */
	EXPECT_REFUSED(-EEXIST, TAKEN, lock_ip(self, 1, "10.0.0.2,fd00::1"));
	EXPECT_REFUSED(-EEXIST, TAKEN,
		       intnet_req(self, INTNET_CMD_PORT_SET,
				  INTNET_ATTR_IFINDEX, self->ifindex[1],
				  INTNET_ATTR_PORT_LOCK_MAC, B,
				  INTNET_ATTR_PORT_IP_LOCK, "10.0.0.1", 0));
	ASSERT_EQ(0, port_get(self, self->ifindex[1], &pi));
	EXPECT_STREQ("", pi.ip_lock);
	EXPECT_EQ(0, pi.locked);
	tap_make(_metadata, self, 3);
	EXPECT_REFUSED(-EEXIST, TAKEN,
		       intnet_req(self, INTNET_CMD_PORT_ADD,
				  INTNET_ATTR_NET_NAME, "lab",
				  INTNET_ATTR_IFINDEX, self->ifindex[3],
				  INTNET_ATTR_PORT_IP_LOCK, "fd00::1", 0));
	/* A port may take its own addresses again. */
	ASSERT_EQ(0, lock_ip(self, 0, "fd00::1,10.0.0.1"));
	/* On another network the same address is free. */
	ASSERT_EQ(0, port_del(self, self->ifindex[2]));
	ASSERT_EQ(0, sw_port_add(self, "other", self->ifindex[2], NONE, NONE));
	ASSERT_EQ(0, lock_ip(self, 2, "10.0.0.1"))
	TH_LOG("the same address on another network: %s", last.extack);
	/* Once t0 lets it go, t1 may have it. */
	ASSERT_EQ(0, lock_ip(self, 0, ""));
	ASSERT_EQ(0, lock_ip(self, 1, "10.0.0.1"));

	/* Malformed nests: an unknown type, a short address, no nest flag. */
	req_new(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	req_put(&q, INTNET_ATTR_PORT_IP_LOCK | NLA_F_NESTED,
		(const uint8_t[]){ 8, 0, 3, 0, 10, 0, 0, 9 }, 8);
	EXPECT_EQ(-EINVAL, req_call(self, &q));
	req_new(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	req_put(&q, INTNET_ATTR_PORT_IP_LOCK | NLA_F_NESTED,
		(const uint8_t[]){ 7, 0, 1, 0, 10, 0, 0, 0 }, 8);
	EXPECT_EQ(-ERANGE, req_call(self, &q));
	req_new(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	req_put(&q, INTNET_ATTR_PORT_IP_LOCK,
		(const uint8_t[]){ 8, 0, 1, 0, 10, 0, 0, 9 }, 8);
	EXPECT_EQ(-EINVAL, req_call(self, &q));
	EXPECT_STREQ("10.0.0.1", locked_ips(_metadata, self, 1));
}

/*
 * IP locks protect the network's ports from one another: only its owner (or
 * an administrator) gives or lifts them, or lets a port serve DHCP; a user
 * whose port is on someone else's public network may do neither.
 */
TEST_F(sw, only_the_networks_owner_locks_a_ports_ip)
{
	alice_pub_bob_joins(_metadata, self, ALICE, BOB);

	/* Bob, on his own port of alice's network: no lock, no lift, no DHCP. */
	EXPECT_REFUSED(-EPERM, NOT_OWNER, lock_ip(self, 1, "10.0.0.2"));
	EXPECT_REFUSED(-EPERM, NOT_OWNER, lock_ip(self, 1, ""));
	EXPECT_REFUSED(-EPERM, NOT_OWNER, dhcp_server(self, 1, 1));
	EXPECT_REFUSED(-EPERM, NOT_OWNER,
		       intnet_req(self, INTNET_CMD_PORT_ADD,
				  INTNET_ATTR_NET_NAME, "pub",
				  INTNET_ATTR_NET_OWNER, (int)ALICE,
				  INTNET_ATTR_IFINDEX, self->ifindex[2],
				  INTNET_ATTR_PORT_IP_LOCK, "10.0.0.3", 0));

	/* Alice, the owner: on bob's port too; bob cannot lift it. */
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, lock_ip(self, 1, "10.0.0.2"))
	TH_LOG("PORT_SET ip lock as the owner: %s", last.extack);
	sw_as(self, BOB, NONE);
	EXPECT_REFUSED(-EPERM, NOT_OWNER, lock_ip(self, 1, ""));
	EXPECT_REFUSED(-EPERM, NOT_OWNER, dhcp_server(self, 1, 1));
	EXPECT_STREQ("10.0.0.2", locked_ips(_metadata, self, 1));

	/* On a network of his own (made by this port), bob may. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME,
				"mine", INTNET_ATTR_IFINDEX, self->ifindex[2],
				INTNET_ATTR_PORT_IP_LOCK, "10.0.0.2", 0))
	TH_LOG("PORT_ADD locked on his own network: %s", last.extack);
	EXPECT_STREQ("10.0.0.2", locked_ips(_metadata, self, 2));

	/* An administrator, on anyone's port. */
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, lock_ip(self, 1, ""));
	EXPECT_STREQ("", locked_ips(_metadata, self, 1));
}

/*
 * t0 is locked to 10.0.0.1, fd00::1 and fe80::1 (and to MAC A); t1, not
 * locked, is the victim 10.0.0.2 / fd00::2 (MAC B); t2 listens.
 */
#define _test_data_lk sw
FIXTURE(lk);
FIXTURE_SETUP(lk)
{
	sw_init(self);
	sw_enter_new_netns(_metadata, self);
	add_ports(_metadata, self, 3, "lab");
	lock_t0(_metadata, self);
}

FIXTURE_TEARDOWN(lk)
{
}

TEST_F(lk, ipv4_only_from_the_locked_addresses)
{
	struct frame f;

	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.1", "10.0.0.255", udp(1000, 2000)),
		PORT(1) | PORT(2));
	/* A DHCP client has no address yet. */
	deliver(_metadata, self, 0,
		ip4(&f, A, "0.0.0.0", "255.255.255.255", udp(68, 67)),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.2", "10.0.0.255", udp(1000, 2000)), 0);
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.3", "10.0.0.255", udp(1000, 2000)), 0);
	/* A header that is not IPv4's. */
	eth(&f, BCAST, A, ETH_P_IP);
	deliver(_metadata, self, 0, put(&f, "\x45\0\0", 3), 0);
	expect_drops(_metadata, self, 0, 3, 0, 0, 0);
	/* A port that is not locked may send from any address but those
	 * locked to another port.
	 */
	deliver(_metadata, self, 1,
		ip4(&f, B, "10.0.0.9", "10.0.0.255", udp(1000, 2000)),
		PORT(0) | PORT(2));
	deliver(_metadata, self, 1,
		ip4(&f, B, "10.0.0.1", "10.0.0.255", udp(1000, 2000)), 0);
	expect_drops(_metadata, self, 1, 1, 0, 0, 0);
	/* Once t0's lock is lifted, the address is anyone's. */
	ASSERT_EQ(0, lock_ip(self, 0, ""));
	deliver(_metadata, self, 1,
		ip4(&f, B, "10.0.0.1", "10.0.0.255", udp(1000, 2000)),
		PORT(0) | PORT(2));
}

TEST_F(lk, arp_only_claiming_the_locked_addresses_with_the_ports_mac)
{
	struct frame f;

	deliver(_metadata, self, 0,
		arp(&f, A, ARPOP_REQUEST, A, "10.0.0.1", "10.0.0.2"),
		PORT(1) | PORT(2));
	/* A probe for its own address; a gratuitous ARP of it. */
	deliver(_metadata, self, 0,
		arp(&f, A, ARPOP_REQUEST, A, "0.0.0.0", "10.0.0.1"),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 0,
		arp(&f, A, ARPOP_REPLY, A, "10.0.0.1", "10.0.0.1"),
		PORT(1) | PORT(2));
	/* A spoofed reply and a gratuitous ARP for the victim's address. */
	deliver(_metadata, self, 0,
		arp(&f, A, ARPOP_REPLY, A, "10.0.0.2", "10.0.0.2"), 0);
	deliver(_metadata, self, 0,
		arp(&f, A, ARPOP_REQUEST, A, "10.0.0.2", "10.0.0.2"), 0);
	/* A probe for the victim's address tells it the address is taken. */
	deliver(_metadata, self, 0,
		arp(&f, A, ARPOP_REQUEST, A, "0.0.0.0", "10.0.0.2"), 0);
	/* Its own address with another station's MAC. */
	deliver(_metadata, self, 0,
		arp(&f, A, ARPOP_REPLY, B, "10.0.0.1", "10.0.0.2"), 0);
	/* Truncated, and ARP for another protocol. */
	arp(&f, A, ARPOP_REPLY, A, "10.0.0.1", "10.0.0.2");
	f.len = ETH_HLEN + 12;
	deliver(_metadata, self, 0, &f, 0);
	arp(&f, A, ARPOP_REPLY, A, "10.0.0.1", "10.0.0.2");
	f.b[ETH_HLEN + 2] = 0x86;
	f.b[ETH_HLEN + 3] = 0xdd;
	deliver(_metadata, self, 0, &f, 0);
	expect_drops(_metadata, self, 0, 0, 6, 0, 0);
	/* A port that is not locked may not claim t0's address either, nor
	 * probe it; other addresses, it may.
	 */
	deliver(_metadata, self, 1,
		arp(&f, B, ARPOP_REPLY, B, "10.0.0.1", "10.0.0.2"), 0);
	deliver(_metadata, self, 1,
		arp(&f, B, ARPOP_REQUEST, B, "0.0.0.0", "10.0.0.1"), 0);
	deliver(_metadata, self, 1,
		arp(&f, B, ARPOP_REPLY, B, "10.0.0.2", "10.0.0.1"),
		PORT(0) | PORT(2));
	deliver(_metadata, self, 1,
		arp(&f, B, ARPOP_REPLY, A, "10.0.0.2", "10.0.0.1"),
		PORT(0) | PORT(2));
	expect_drops(_metadata, self, 1, 0, 2, 0, 0);
}

TEST_F(lk, ipv6_and_neighbour_advertisements_only_for_the_locked_addresses)
{
	struct nd_neighbor_advert na;
	struct nd_behind_opts hidden = { .next = IPPROTO_ICMPV6,
					 .padn = 1,
					 .padlen = 4 };
	struct frame f;

	na = nd(ND_NEIGHBOR_ADVERT, "fd00::1");
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_ICMPV6, &na, sizeof(na)),
		PORT(1) | PORT(2));
	/* Duplicate address detection of its own address, from ::; of the
	 * victim's, it would tell the victim that its address is taken.
	 */
	na = nd(ND_NEIGHBOR_SOLICIT, "fd00::1");
	deliver(_metadata, self, 0,
		ip6(&f, A, "::", IPPROTO_ICMPV6, &na, sizeof(na)),
		PORT(1) | PORT(2));
	na = nd(ND_NEIGHBOR_SOLICIT, "fd00::2");
	deliver(_metadata, self, 0,
		ip6(&f, A, "::", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	/* A solicitation from its own address may ask for anyone. */
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_ICMPV6, &na, sizeof(na)),
		PORT(1) | PORT(2));
	/* From an address that is not t0's. */
	na = nd(ND_NEIGHBOR_SOLICIT, "fd00::1");
	deliver(_metadata, self, 0,
		ip6(&f, A, "fd00::2", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	/* Advertising the victim's address, plainly and behind an option. */
	na = nd(ND_NEIGHBOR_ADVERT, "fd00::2");
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	deliver(_metadata, self, 0,
		ip6(&f, A, "::", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	hidden.na = na;
	deliver(_metadata, self, 0,
		ip6(&f, A, "fd00::1", IPPROTO_DSTOPTS, &hidden, sizeof(hidden)),
		0);
	/* An advertisement cut before its target. */
	deliver(_metadata, self, 0,
		ip6(&f, A, "fd00::1", IPPROTO_ICMPV6, &na, 8), 0);
	/* An extension header chain that runs past the packet. */
	hidden.len = 200;
	deliver(_metadata, self, 0,
		ip6(&f, A, "fd00::1", IPPROTO_DSTOPTS, &hidden, sizeof(hidden)),
		0);
	expect_drops(_metadata, self, 0, 2, 0, 5, 0);
	/* A port that is not locked: no NA for t0's address, nor DAD. */
	na = nd(ND_NEIGHBOR_ADVERT, "fd00::1");
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::2", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	na = nd(ND_NEIGHBOR_SOLICIT, "fd00::1");
	deliver(_metadata, self, 1,
		ip6(&f, B, "::", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::1", IPPROTO_UDP, &na, sizeof(na)), 0);
	na = nd(ND_NEIGHBOR_ADVERT, "fd00::2");
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::2", IPPROTO_ICMPV6, &na, sizeof(na)),
		PORT(0) | PORT(2));
	expect_drops(_metadata, self, 1, 1, 0, 2, 0);
}

TEST_F(lk, dhcp_server_replies_only_when_allowed)
{
	struct udp_msg u;
	struct frame f;

	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.1", "255.255.255.255", udp(67, 68)), 0);
	u = udp(547, 546);
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_UDP, &u, sizeof(u)), 0);
	/* A client's and a relay's messages are not a server's. */
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.1", "10.0.0.255", udp(68, 67)),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.1", "10.0.0.255", udp(67, 67)),
		PORT(1) | PORT(2));
	u = udp_op(546, 547, 1);
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_UDP, &u, sizeof(u)),
		PORT(1) | PORT(2));
	/* A server's replies from any port, to a client or to a relay. */
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.1", "10.0.0.255", udp(1067, 68)), 0);
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.1", "10.0.0.255", udp_op(67, 67, 2)), 0);
	u = udp_op(547, 547, 13);
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_UDP, &u, sizeof(u)), 0);
	u = udp_op(547, 547, 7);
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_UDP, &u, sizeof(u)), 0);
	expect_drops(_metadata, self, 0, 0, 0, 0, 6);

	ASSERT_EQ(0, dhcp_server(self, 0, 1));
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.1", "255.255.255.255", udp(67, 68)),
		PORT(1) | PORT(2));
	u = udp(547, 546);
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_UDP, &u, sizeof(u)),
		PORT(1) | PORT(2));
	/* Serving DHCP is no licence to spoof. */
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.2", "255.255.255.255", udp(67, 68)), 0);
	expect_drops(_metadata, self, 0, 1, 0, 0, 6);
}

TEST_F(lk, tags_are_dropped_other_protocols_pass_and_lifting_frees)
{
	static const uint8_t tag[] = { 0x00, 0x05, 0x08, 0x00 };
	struct frame f;

	/* IP in a VLAN tag would reach the VLAN's stations unchecked. */
	eth(&f, BCAST, A, ETH_P_8021Q);
	put(&f, tag, sizeof(tag));
	deliver(_metadata, self, 0, put(&f, "spoof", 5), 0);
	eth(&f, BCAST, A, ETH_P_8021AD);
	put(&f, tag, sizeof(tag));
	deliver(_metadata, self, 0, put(&f, "spoof", 5), 0);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(1) | PORT(2));
	expect_drops(_metadata, self, 0, 2, 0, 0, 0);

	/* The MAC lock still comes first. */
	deliver(_metadata, self, 0,
		ip4(&f, C, "10.0.0.1", "10.0.0.255", udp(1, 2)), 0);
	EXPECT_EQ(1u, port_stat(_metadata, self, 0,
				INTNET_STATS_RX_DROP_MAC_LOCKED));

	ASSERT_EQ(0, lock_ip(self, 0, ""));
	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.2", "10.0.0.255", udp(1, 2)),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 0,
		arp(&f, A, ARPOP_REPLY, A, "10.0.0.2", "10.0.0.2"),
		PORT(1) | PORT(2));
	expect_drops(_metadata, self, 0, 2, 0, 0, 0);
}

TEST_F(lk, a_port_that_leaves_frees_its_addresses)
{
	struct frame f;

	deliver(_metadata, self, 1,
		ip4(&f, B, "10.0.0.1", "10.0.0.255", udp(1, 2)), 0);
	ASSERT_EQ(0, port_del(self, self->ifindex[0]));
	deliver(_metadata, self, 1,
		ip4(&f, B, "10.0.0.1", "10.0.0.255", udp(1, 2)), PORT(2));
	ASSERT_EQ(0, lock_ip(self, 1, "10.0.0.1,fd00::1"))
	TH_LOG("PORT_SET of a lock on the addresses of a port gone: %s",
	       last.extack);
	deliver(_metadata, self, 2,
		ip4(&f, C, "10.0.0.1", "10.0.0.255", udp(1, 2)), 0);
	EXPECT_EQ(1u,
		  port_stat(_metadata, self, 2, INTNET_STATS_RX_DROP_IP_SPOOF));
}

TEST_HARNESS_MAIN
