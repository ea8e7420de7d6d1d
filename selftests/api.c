// SPDX-License-Identifier: GPL-2.0
/* The control plane: refusals, lifetimes, dumps and rights. */

#include <sys/prctl.h>

#include "switch_lib.h"

/*
 * The harness gives a test 30 s. A namespace that an earlier test left behind
 * holds RTNL while its ports go, and under emulation with KASAN that can take
 * longer than that: allow for it (a hang still ends the test).
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

/* ---- a refusal must not change the namespace's state ---- */

static struct text before, after;

/* A network "lab" with ports t0 and t1, a static entry and a learned one. */
static void some_state(struct __test_metadata *_metadata, struct sw *self)
{
	struct frame f;

	ASSERT_EQ(0, net_new(self, "lab"));
	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], S));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60), PORT(1));
	state(_metadata, self, &before);
}

#define EXPECT_UNCHANGED()                           \
	do {                                         \
		state(_metadata, self, &after);      \
		EXPECT_STREQ(before.buf, after.buf); \
	} while (0)

/* ---- refusals ---- */

TEST_F(sw, port_add_refuses_loopback)
{
	some_state(_metadata, self);
	EXPECT_EQ(-EINVAL,
		  sw_port_add(self, "lab", if_nametoindex("lo"), NONE, NONE));
	EXPECT_STREQ("intnet: a loopback device cannot be a port", last.extack);
	/* Not even the network it would have made. */
	EXPECT_EQ(-EINVAL,
		  sw_port_add(self, "new", if_nametoindex("lo"), NONE, NONE));
	EXPECT_UNCHANGED();
}

TEST_F(sw, port_add_refuses_non_ethernet)
{
	int fd;

	some_state(_metadata, self);
	/* A TUN device carries IP packets without an Ethernet header. */
	fd = tun_open("tun0", IFF_TUN);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL,
		  sw_port_add(self, "lab", if_nametoindex("tun0"), NONE, NONE));
	EXPECT_STREQ("intnet: the device is a TUN (layer 3) device, not a TAP",
		     last.extack);
	EXPECT_EQ(-EINVAL,
		  sw_port_add(self, "new", if_nametoindex("tun0"), NONE, NONE));
	EXPECT_UNCHANGED();
	close(fd);
}

TEST_F(sw, port_add_refuses_device_already_a_port)
{
	some_state(_metadata, self);
	EXPECT_EQ(-EBUSY,
		  sw_port_add(self, "lab", self->ifindex[0], NONE, NONE));
	EXPECT_STREQ("intnet: the device is already a port", last.extack);
	EXPECT_EQ(-EBUSY,
		  sw_port_add(self, "new", self->ifindex[0], NONE, NONE));
	EXPECT_STREQ("intnet: the device is already a port", last.extack);
	EXPECT_UNCHANGED();
}

TEST_F(sw, port_add_refuses_bridge_member)
{
	int br, d0, d1;

	some_state(_metadata, self);
	ASSERT_EQ(0, link_add("br0", "bridge"));
	ASSERT_EQ(0, link_add("d0", "dummy"));
	ASSERT_EQ(0, link_add("d1", "dummy"));
	br = if_nametoindex("br0");
	d0 = if_nametoindex("d0");
	d1 = if_nametoindex("d1");
	ASSERT_EQ(0, link_set_u32(d0, IFLA_MASTER, br));

	EXPECT_EQ(-EBUSY, sw_port_add(self, "lab", d0, NONE, NONE));
	EXPECT_STREQ(
		"intnet: the device is already attached to a bridge, bond or other switch",
		last.extack);
	EXPECT_UNCHANGED();

	/* Nor can a bridge take a port. */
	ASSERT_EQ(0, sw_port_add(self, "lab", d1, NONE, NONE));
	state(_metadata, self, &before);
	EXPECT_EQ(-EBUSY, link_set_u32(d1, IFLA_MASTER, br));
	EXPECT_UNCHANGED();
}

TEST_F(sw, port_add_refuses_unknown_ifindex)
{
	some_state(_metadata, self);
	EXPECT_EQ(-ENODEV, sw_port_add(self, "lab", 99999, NONE, NONE));
	EXPECT_STREQ("no such device in this network namespace", last.extack);
	EXPECT_EQ(-ENODEV, sw_port_add(self, "new", 99999, NONE, NONE));
	EXPECT_EQ(-EINVAL, sw_port_add(self, "new", NONE, NONE, NONE));
	EXPECT_STREQ("intnet: a device (ifindex) is required", last.extack);
	EXPECT_EQ(-EINVAL,
		  sw_port_add(self, NULL, self->ifindex[0], NONE, NONE));
	EXPECT_STREQ("intnet: a network name is required", last.extack);
	EXPECT_UNCHANGED();
}

/* A request with @name as NET_NAME as it is (no OWNER/NAME splitting). */
static int raw_name_req(struct sw *self, uint8_t cmd, const char *name,
			long ifindex)
{
	struct req q;

	req_new(self, &q, cmd);
	req_str(&q, INTNET_ATTR_NET_NAME, name);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	return req_call(self, &q);
}

TEST_F(sw, net_new_refuses_bad_names)
{
	static const char *const bad[] = { "",	   "a b",    "a\x01z",
					   "a\tz", "a\x7fz", "caf\xc3\xa9",
					   "a/b",  "/" };
	char name[INTNET_NAME_MAX + 2];
	struct net_info ni;
	unsigned int i;

	some_state(_metadata, self);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL,
			  raw_name_req(self, INTNET_CMD_NET_NEW, bad[i], NONE))
		TH_LOG("name %u", i);
		EXPECT_STREQ(
			"a network name is 1 to 127 printable ASCII characters without spaces or slashes",
			last.extack);
		EXPECT_EQ(-EINVAL, raw_name_req(self, INTNET_CMD_PORT_ADD,
						bad[i], self->ifindex[0]));
	}
	memset(name, 'n', INTNET_NAME_MAX + 1);
	name[INTNET_NAME_MAX + 1] = '\0';
	/* Too long for the policy, before the module reads it. */
	EXPECT_EQ(-EINVAL, net_new(self, name));
	EXPECT_STREQ("Attribute failed policy validation", last.extack);
	EXPECT_EQ(-EINVAL, net_new(self, NULL));
	EXPECT_STREQ("intnet: a network name is required", last.extack);
	EXPECT_UNCHANGED();

	/* 127 bytes, every printable character but space and '/': fine. */
	for (i = 0; i < INTNET_NAME_MAX; i++) {
		name[i] = '!' + i % ('~' - '!' + 1);
		if (name[i] == '/')
			name[i] = '.';
	}
	name[INTNET_NAME_MAX] = '\0';
	ASSERT_EQ(0, net_new(self, name));
	ASSERT_EQ(0, net_get(self, name, &ni));
	EXPECT_STREQ(name, ni.name);
}

TEST_F(sw, net_new_refuses_existing_name)
{
	struct net_info ni;

	some_state(_metadata, self);
	EXPECT_EQ(-EEXIST,
		  net_req(self, INTNET_CMD_NET_NEW, "lab", 0, 5, 7, NONE));
	EXPECT_STREQ("intnet: a network with this name exists", last.extack);
	EXPECT_UNCHANGED();

	/* An implicit network stays implicit, with its settings. */
	tap_make(_metadata, self, 2);
	ASSERT_EQ(0, sw_port_add(self, "imp", self->ifindex[2], NONE, NONE));
	state(_metadata, self, &before);
	EXPECT_EQ(-EEXIST,
		  net_req(self, INTNET_CMD_NET_NEW, "imp", 0, 5, 7, NONE));
	EXPECT_UNCHANGED();
	ASSERT_EQ(0, net_get(self, "imp", &ni));
	EXPECT_EQ(0, ni.explicit);
	EXPECT_EQ(1, ni.flood_unknown);
}

TEST_F(sw, net_del_unknown)
{
	some_state(_metadata, self);
	EXPECT_EQ(-ENOENT, net_del(self, "nope"));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_EQ(-ENOENT, net_req(self, INTNET_CMD_NET_SET, "nope", 0, NONE,
				   NONE, NONE));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_EQ(-ENOENT, fdb_flush(self, "nope", NONE));
	EXPECT_EQ(-ENOENT, fdb_del(self, "nope", S));
	EXPECT_UNCHANGED();
}

TEST_F(sw, port_del_non_port)
{
	struct port_info pi;

	some_state(_metadata, self);
	tap_make(_metadata, self, 2);
	EXPECT_EQ(-ENOENT, port_del(self, self->ifindex[2]));
	EXPECT_STREQ("the device is not a port", last.extack);
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[2], &pi));
	EXPECT_STREQ("the device is not a port", last.extack);
	EXPECT_EQ(-ENOENT, port_set(self, self->ifindex[2], 0, NONE));
	EXPECT_EQ(-ENOENT, fdb_flush(self, NULL, self->ifindex[2]));
	EXPECT_EQ(-ENODEV, port_del(self, 99999));
	EXPECT_STREQ("no such device in this network namespace", last.extack);
	EXPECT_EQ(-EINVAL, port_del(self, NONE));
	EXPECT_STREQ("intnet: a device (ifindex) is required", last.extack);
	EXPECT_UNCHANGED();
}

TEST_F(sw, port_set_refuses_nothing_to_change)
{
	some_state(_metadata, self);
	EXPECT_EQ(-EINVAL, port_set(self, self->ifindex[0], NONE, NONE));
	EXPECT_STREQ("intnet: nothing to change", last.extack);
	EXPECT_UNCHANGED();
}

TEST_F(sw, fdb_add_refuses_multicast_mac)
{
	const uint8_t *bad[] = { MCAST, BCAST, ZERO_MAC };
	unsigned int i;
	struct req q;

	some_state(_metadata, self);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-EINVAL, fdb_add(self, self->ifindex[1], bad[i]));
		EXPECT_STREQ("a static entry needs a unicast, non-zero address",
			     last.extack);
	}
	req_new(self, &q, INTNET_CMD_FDB_ADD);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	EXPECT_EQ(-EINVAL, req_call(self, &q));
	EXPECT_STREQ("intnet: a MAC address is required", last.extack);
	/* A device that is not a port. */
	EXPECT_EQ(-ENOENT, fdb_add(self, if_nametoindex("lo"), MAC(9)));
	EXPECT_STREQ("the device is not a port", last.extack);
	EXPECT_UNCHANGED();
}

/* NET_NEW "lab" with one extra attribute (@len bytes of @data, as type @type).
 */
static int net_new_with(struct sw *self, uint16_t type, const void *data,
			uint16_t len)
{
	struct req q;

	req_new(self, &q, INTNET_CMD_NET_NEW);
	req_str(&q, INTNET_ATTR_NET_NAME, "new");
	req_put(&q, type, data, len);
	return req_call(self, &q);
}

TEST_F(sw, unknown_attribute_is_refused)
{
	uint32_t v = 1;

	some_state(_metadata, self);
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_MAX + 1, &v, 4));
	EXPECT_STREQ("Unknown attribute type", last.extack);
	EXPECT_EQ(-EINVAL, net_new_with(self, 1000, &v, 4));
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_UNSPEC, &v, 4));
	/* Reply-only attributes are not settings. */
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_NET_PORTS, &v, 4));
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_PORT_CARRIER, &v, 1));
	/* Nor are another command's attributes. */
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_IFINDEX, &v, 4));
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_MONITOR, &v, 4));
	EXPECT_EQ(-EINVAL,
		  net_new_with(self, INTNET_ATTR_NET_FDB_LEARNED, &v, 4));
	EXPECT_EQ(-EINVAL,
		  net_new_with(self, INTNET_ATTR_PORT_FDB_LEARNED, &v, 4));
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_FDB_LOCKED, &v, 1));
	EXPECT_EQ(-EINVAL,
		  net_new_with(self, INTNET_ATTR_PORT_PROMISC_ACTIVE, &v, 1));
	EXPECT_UNCHANGED();
}

TEST_F(sw, wrong_attribute_length_is_refused)
{
	uint8_t mac[8] = { 0x02, 0, 0, 0, 0, 0x10, 0, 0 };
	uint32_t v = 1;
	struct req q;

	some_state(_metadata, self);
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_NET_AGEING, &v, 2));
	EXPECT_STREQ("invalid attribute length", last.extack);
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_NET_AGEING, &v, 8));
	EXPECT_EQ(-EINVAL,
		  net_new_with(self, INTNET_ATTR_NET_FLOOD_UNKNOWN, &v, 4));
	EXPECT_STREQ("invalid attribute length", last.extack);
	/* A name without its terminating NUL. */
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_NET_NAME, "x", 1));

	req_new(self, &q, INTNET_CMD_FDB_ADD);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	req_put(&q, INTNET_ATTR_MAC, mac, 5);
	EXPECT_EQ(-ERANGE, req_call(self, &q));
	EXPECT_STREQ("binary attribute size out of range", last.extack);
	req_new(self, &q, INTNET_CMD_FDB_ADD);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	req_put(&q, INTNET_ATTR_MAC, mac, 7);
	EXPECT_EQ(-ERANGE, req_call(self, &q));
	EXPECT_STREQ("binary attribute size out of range", last.extack);

	/* A MAC lock is exactly 6 bytes too. */
	req_new(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	req_put(&q, INTNET_ATTR_PORT_LOCK_MAC, mac, 5);
	EXPECT_EQ(-ERANGE, req_call(self, &q));
	EXPECT_STREQ("binary attribute size out of range", last.extack);
	req_new(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	req_put(&q, INTNET_ATTR_PORT_LOCK_MAC, mac, 7);
	EXPECT_EQ(-ERANGE, req_call(self, &q));
	EXPECT_STREQ("binary attribute size out of range", last.extack);
	/* The u8 and u32 settings of access control. */
	EXPECT_EQ(-EINVAL, net_new_with(self, INTNET_ATTR_NET_ACCESS, &v, 4));
	EXPECT_STREQ("invalid attribute length", last.extack);
	EXPECT_EQ(-EINVAL,
		  net_new_with(self, INTNET_ATTR_NET_PROMISC_POLICY, &v, 4));
	EXPECT_EQ(-EINVAL,
		  net_new_with(self, INTNET_ATTR_NET_PORT_FDB_MAX, &v, 1));
	EXPECT_STREQ("invalid attribute length", last.extack);
	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "lab");
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	req_put(&q, INTNET_ATTR_PORT_USER, &v, 2);
	EXPECT_EQ(-EINVAL, req_call(self, &q));
	EXPECT_STREQ("invalid attribute length", last.extack);
	EXPECT_UNCHANGED();
}

TEST_F(sw, out_of_range_values_are_refused)
{
	struct net_info ni;

	some_state(_metadata, self);
	EXPECT_EQ(-ERANGE, net_req(self, INTNET_CMD_NET_NEW, "new", NONE,
				   INTNET_AGEING_MAX + 1, NONE, NONE));
	EXPECT_STREQ("integer out of range", last.extack);
	EXPECT_EQ(-ERANGE, net_req(self, INTNET_CMD_NET_NEW, "new", NONE, NONE,
				   0, NONE));
	EXPECT_EQ(-ERANGE, net_req(self, INTNET_CMD_NET_NEW, "new", NONE, NONE,
				   INTNET_FDB_MAX_LIMIT + 1, NONE));
	EXPECT_EQ(-ERANGE, net_req(self, INTNET_CMD_NET_NEW, "new", 2, NONE,
				   NONE, NONE));
	EXPECT_EQ(-ERANGE, net_req(self, INTNET_CMD_NET_SET, "lab", NONE, NONE,
				   0, NONE));
	EXPECT_EQ(-ERANGE, net_req(self, INTNET_CMD_NET_SET, "lab", NONE, NONE,
				   NONE, 2));
	EXPECT_EQ(-ERANGE, port_set(self, self->ifindex[0], 2, NONE));
	EXPECT_EQ(-ERANGE, port_set(self, self->ifindex[0], NONE, 2));
	EXPECT_EQ(-ERANGE, sw_port_add(self, "lab", 0, NONE, NONE));
	EXPECT_EQ(-ERANGE,
		  intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
			     "new", INTNET_ATTR_NET_ACCESS, 2, 0));
	EXPECT_STREQ("integer out of range", last.extack);
	EXPECT_EQ(-ERANGE, net_set(self, "lab", INTNET_ATTR_NET_ACCESS, 255));
	EXPECT_EQ(-ERANGE,
		  intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
			     "new", INTNET_ATTR_NET_PROMISC_POLICY, 3, 0));
	EXPECT_STREQ("integer out of range", last.extack);
	EXPECT_EQ(-ERANGE,
		  net_set(self, "lab", INTNET_ATTR_NET_PROMISC_POLICY, 3));
	EXPECT_EQ(-ERANGE,
		  intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
			     "new", INTNET_ATTR_NET_PORT_FDB_MAX,
			     INTNET_FDB_MAX_LIMIT + 1, 0));
	EXPECT_STREQ("integer out of range", last.extack);
	EXPECT_EQ(-ERANGE, net_set(self, "lab", INTNET_ATTR_NET_PORT_FDB_MAX,
				   INTNET_FDB_MAX_LIMIT + 1));
	EXPECT_UNCHANGED();

	/* The limits themselves are accepted. */
	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, "max", NONE,
			     INTNET_AGEING_MAX, INTNET_FDB_MAX_LIMIT, NONE));
	ASSERT_EQ(0, net_get(self, "max", &ni));
	EXPECT_EQ((unsigned int)INTNET_AGEING_MAX, ni.ageing);
	EXPECT_EQ((unsigned int)INTNET_FDB_MAX_LIMIT, ni.fdb_max);
	ASSERT_EQ(0,
		  net_req(self, INTNET_CMD_NET_NEW, "min", NONE, 0, 1, NONE));
	ASSERT_EQ(0, net_get(self, "min", &ni));
	EXPECT_EQ(0u, ni.ageing);
	EXPECT_EQ(1u, ni.fdb_max);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"top", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC,
				INTNET_ATTR_NET_PROMISC_POLICY,
				INTNET_PROMISC_ALLOW_ALL,
				INTNET_ATTR_NET_PORT_FDB_MAX,
				INTNET_FDB_MAX_LIMIT, 0));
	ASSERT_EQ(0, net_get(self, "top", &ni));
	EXPECT_EQ(INTNET_ACCESS_PUBLIC, ni.access);
	EXPECT_EQ(INTNET_PROMISC_ALLOW_ALL, ni.promisc_policy);
	EXPECT_EQ(INTNET_FDB_MAX_LIMIT, ni.port_fdb_max);
	ASSERT_EQ(0, net_set(self, "top", INTNET_ATTR_NET_PORT_FDB_MAX, 0));
	ASSERT_EQ(0, net_get(self, "top", &ni));
	EXPECT_EQ(0, ni.port_fdb_max);
}

/* ---- what requests report and change ---- */

TEST_F(sw, net_get_reports_settings)
{
	struct net_info ni;

	ASSERT_EQ(0, net_new(self, "lab"));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_STREQ("lab", ni.name);
	EXPECT_EQ(1, ni.flood_unknown);
	EXPECT_EQ((unsigned int)INTNET_AGEING_DEFAULT, ni.ageing);
	EXPECT_EQ((unsigned int)INTNET_FDB_MAX_DEFAULT, ni.fdb_max);
	EXPECT_EQ(1, ni.explicit);
	EXPECT_EQ(0u, ni.owner);
	EXPECT_EQ(0u, ni.ports);
	EXPECT_EQ(0u, ni.fdb_learned);
	EXPECT_EQ(0u, ni.fdb_static);
	/* Restricted to its owner, no promiscuous copies, half each. */
	EXPECT_EQ(INTNET_ACCESS_RESTRICTED, ni.access);
	EXPECT_EQ(INTNET_PROMISC_DENY, ni.promisc_policy);
	EXPECT_EQ(0, ni.port_fdb_max);
	EXPECT_EQ((1u << __INTNET_STATS_MAX) - (1u << INTNET_STATS_RX_PACKETS),
		  ni.st_seen);

	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0,
		  net_req(self, INTNET_CMD_NET_SET, "lab", 0, 60, 100, NONE));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(0, ni.flood_unknown);
	EXPECT_EQ(60u, ni.ageing);
	EXPECT_EQ(100u, ni.fdb_max);
	EXPECT_EQ(1, ni.explicit);
	EXPECT_EQ(2u, ni.ports);
	/* Settings not named stay as they are. */
	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_SET, "lab", NONE, 0, NONE,
			     NONE));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(0, ni.flood_unknown);
	EXPECT_EQ(0u, ni.ageing);
	EXPECT_EQ(100u, ni.fdb_max);

	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_SET, INTNET_ATTR_NET_NAME,
				"lab", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC,
				INTNET_ATTR_NET_PROMISC_POLICY,
				INTNET_PROMISC_ALLOW_SAME_USER,
				INTNET_ATTR_NET_PORT_FDB_MAX, 7, 0));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(INTNET_ACCESS_PUBLIC, ni.access);
	EXPECT_EQ(INTNET_PROMISC_ALLOW_SAME_USER, ni.promisc_policy);
	EXPECT_EQ(7, ni.port_fdb_max);
	EXPECT_EQ(0, ni.flood_unknown);
	EXPECT_EQ(100u, ni.fdb_max);
	ASSERT_EQ(0, net_set(self, "lab", INTNET_ATTR_NET_PROMISC_POLICY,
			     INTNET_PROMISC_DENY));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(INTNET_ACCESS_PUBLIC, ni.access);
	EXPECT_EQ(INTNET_PROMISC_DENY, ni.promisc_policy);
	EXPECT_EQ(7, ni.port_fdb_max);
}

TEST_F(sw, port_add_defaults_up_not_promiscuous)
{
	struct port_info pi;
	struct frame f;

	tap_make(_metadata, self, 0);
	tap_make(_metadata, self, 1);
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(self->ifindex[0], (int)pi.ifindex);
	EXPECT_STREQ("t0", pi.ifname);
	EXPECT_STREQ("lab", pi.net);
	EXPECT_EQ(1, pi.up);
	EXPECT_EQ(0, pi.promisc);
	EXPECT_EQ(0, pi.promisc_active);
	/* A TAP without an owner, attached by root: root's port. */
	EXPECT_EQ(0, pi.user);
	EXPECT_EQ(0, pi.fdb_learned);
	EXPECT_EQ(0, pi.locked);

	/* Added down and promiscuous: it switches nothing until set up. */
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[1], 0, 1));
	ASSERT_EQ(0, port_get(self, self->ifindex[1], &pi));
	EXPECT_EQ(0, pi.up);
	EXPECT_EQ(1, pi.promisc);
	EXPECT_EQ(0, pi.promisc_active);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60), 0);
	deliver(_metadata, self, 1, frame_make(&f, BCAST, MAC(2), 60), 0);
	/* Up, but the network's policy is deny (the default). */
	ASSERT_EQ(0, port_set(self, self->ifindex[1], 1, NONE));
	ASSERT_EQ(0, port_get(self, self->ifindex[1], &pi));
	EXPECT_EQ(1, pi.promisc);
	EXPECT_EQ(0, pi.promisc_active);
	ASSERT_EQ(0, net_set(self, "lab", INTNET_ATTR_NET_PROMISC_POLICY,
			     INTNET_PROMISC_ALLOW_ALL));
	ASSERT_EQ(0, port_get(self, self->ifindex[1], &pi));
	EXPECT_EQ(1, pi.promisc_active);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60), PORT(1));
}

/* ---- lifetimes ---- */

TEST_F(sw, implicit_network_goes_with_last_port)
{
	struct net_info ni;

	tap_make(_metadata, self, 0);
	tap_make(_metadata, self, 1);
	tap_make(_metadata, self, 2);
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(0, ni.explicit);
	EXPECT_EQ(1u, ni.ports);
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[1], NONE, NONE));

	/* Closing a TAP's fd unregisters the device: its port goes. */
	close(self->fd[1]);
	self->fd[1] = -1;
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(1u, ni.ports);
	close(self->fd[0]);
	self->fd[0] = -1;
	EXPECT_EQ(-ENOENT, net_get(self, "lab", &ni));
	EXPECT_STREQ("no such network", last.extack);

	/* The same when the last port is deleted. */
	ASSERT_EQ(0, sw_port_add(self, "lab2", self->ifindex[2], NONE, NONE));
	ASSERT_EQ(0, port_del(self, self->ifindex[2]));
	EXPECT_EQ(-ENOENT, net_get(self, "lab2", &ni));
	state(_metadata, self, &after);
	EXPECT_STREQ("", after.buf);
}

TEST_F(sw, explicit_network_stays_without_ports)
{
	struct net_info ni;

	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, "lab", NONE, 42, NONE,
			     NONE));
	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0, port_del(self, self->ifindex[0]));
	close(self->fd[1]);
	self->fd[1] = -1;
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(1, ni.explicit);
	EXPECT_EQ(0u, ni.ports);
	EXPECT_EQ(42u, ni.ageing);
}

TEST_F(sw, net_set_explicit_keeps_implicit_network)
{
	struct net_info ni;

	add_ports(_metadata, self, 1, "lab");
	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_SET, "lab", NONE, NONE, NONE,
			     1));
	ASSERT_EQ(0, port_del(self, self->ifindex[0]));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(1, ni.explicit);
	EXPECT_EQ(0u, ni.ports);
}

TEST_F(sw, net_del_detaches_ports)
{
	struct port_info pi;
	struct net_info ni;
	struct frame f;

	ASSERT_EQ(0, net_new(self, "lab"));
	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60),
		PORT(1) | PORT(2));
	ASSERT_EQ(0, net_del(self, "lab"));
	EXPECT_EQ(-ENOENT, net_get(self, "lab", &ni));
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[0], &pi));
	EXPECT_STREQ("the device is not a port", last.extack);
	/* The devices are plain devices again: nothing is switched. */
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60), 0);
	deliver(_metadata, self, 1, frame_make(&f, MAC(1), MAC(2), 60), 0);
	state(_metadata, self, &after);
	EXPECT_STREQ("", after.buf);

	/* And free to join another network. */
	ASSERT_EQ(0, sw_port_add(self, "lab2", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "lab2", self->ifindex[2], NONE, NONE));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60), PORT(2));
}

TEST_F(sw, port_follows_rename)
{
	struct port_info pi;
	struct frame f;

	add_ports(_metadata, self, 2, "lab");
	deliver(_metadata, self, 1, frame_make(&f, BCAST, MAC(2), 60), PORT(0));
	/* 6.1 renames only devices that are down. */
	ASSERT_EQ(0, dev_set_up("t0", 0));
	ASSERT_EQ(0, dev_rename("t0", "x0"));
	ASSERT_EQ(0, dev_set_up("x0", 1));
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_STREQ("x0", pi.ifname);
	EXPECT_STREQ("lab", pi.net);
	deliver(_metadata, self, 0, frame_make(&f, MAC(2), MAC(1), 60),
		PORT(1));
	deliver(_metadata, self, 1, frame_make(&f, MAC(1), MAC(2), 60),
		PORT(0));
}

static int ns_open(void)
{
	return open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
}

/* A new intnet socket in the namespace the test is in now. */
static void sw_reopen(struct __test_metadata *_metadata, struct sw *self)
{
	close(self->nl);
	self->nl = nl_open();
	ASSERT_LE(0, self->nl);
	self->family = genl_family_id(self->nl, INTNET_GENL_NAME);
	ASSERT_LT(0, self->family);
}

TEST_F(sw, device_moved_to_another_netns_leaves_network)
{
	struct port_info pi;
	struct net_info ni;
	struct frame f;
	int home, away;

	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 1, frame_make(&f, BCAST, MAC(2), 60),
		PORT(0) | PORT(2));
	home = ns_open();
	ASSERT_LE(0, home);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	away = ns_open();
	ASSERT_LE(0, away);
	ASSERT_EQ(0, setns(home, CLONE_NEWNET));

	ASSERT_EQ(0, link_set_u32(self->ifindex[1], IFLA_NET_NS_FD, away));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(2u, ni.ports);
	/* What was learned behind it went with it. */
	EXPECT_EQ(0u, ni.fdb_learned);
	EXPECT_EQ(-ENODEV, port_get(self, self->ifindex[1], &pi));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60), PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, MAC(2), MAC(1), 60),
		PORT(2));

	/* Over there, it is a plain device. */
	ASSERT_EQ(0, setns(away, CLONE_NEWNET));
	sw_reopen(_metadata, self);
	ASSERT_EQ(-ENOENT, port_get(self, if_nametoindex("t1"), &pi));
	EXPECT_STREQ("the device is not a port", last.extack);
	state(_metadata, self, &after);
	EXPECT_STREQ("", after.buf);
}

TEST_F(sw, networks_are_per_namespace)
{
	struct net_info ni;
	int home;

	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, "lab", NONE, 11, NONE,
			     NONE));
	home = ns_open();
	ASSERT_LE(0, home);
	sw_enter_new_netns(_metadata, self);
	EXPECT_EQ(-ENOENT, net_get(self, "lab", &ni));
	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, "lab", NONE, 22, NONE,
			     NONE));
	ASSERT_EQ(0, setns(home, CLONE_NEWNET));
	sw_reopen(_metadata, self);
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(11u, ni.ageing);
}

/* ---- dumps ---- */

#define MANY 300
#define MAX_IFINDEX 4096

struct seen {
	unsigned int count[MAX_IFINDEX];
	unsigned int msgs;
	/* Ports: the network they must all be in (if set). FDB entries: the
	 * port each must be behind. */
	char net[INTNET_NAME_MAX + 1];
	const int *ifindex;
	unsigned int wrong;
	/* If set, changes the state as the first message comes in. */
	struct sw *changer;
};

static int count_port(struct nlmsghdr *nh, void *arg)
{
	struct seen *s = arg;
	struct port_info pi;

	parse_port(nh, &pi);
	if (s->changer && !s->msgs && net_new(s->changer, "changed"))
		return -EIO;
	if (pi.ifindex >= MAX_IFINDEX)
		return -ERANGE;
	s->count[pi.ifindex]++;
	s->msgs++;
	if (s->net[0] && strcmp(s->net, pi.net))
		s->wrong++;
	return 0;
}

/* MAC addresses 02:00:00:01:HI:LO, counted by their last two bytes. */
static int count_fdb(struct nlmsghdr *nh, void *arg)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	struct seen *s = arg;
	uint8_t *m;
	int i;

	genl_index(nh, tb, INTNET_ATTR_MAX);
	if (!tb[INTNET_ATTR_MAC])
		return -EPROTO;
	m = nla_payload(tb[INTNET_ATTR_MAC]);
	i = m[4] << 8 | m[5];
	if (i >= MANY + 3)
		return -ERANGE;
	s->count[i]++;
	s->msgs++;
	if (get_u8(tb[INTNET_ATTR_FDB_IS_STATIC]) != 1 ||
	    get_u32(tb[INTNET_ATTR_FDB_AGE]) != 0 ||
	    (int)get_u32(tb[INTNET_ATTR_IFINDEX]) != s->ifindex[i])
		s->wrong++;
	return 0;
}

static int count_net(struct nlmsghdr *nh, void *arg)
{
	struct seen *s = arg;
	struct net_info ni;
	int i;

	parse_net(nh, &ni);
	s->msgs++;
	if (ni.name[0] == 'n' && sscanf(ni.name, "n%d", &i) == 1 && i >= 0 &&
	    i < MAX_IFINDEX)
		s->count[i]++;
	return 0;
}

TEST_F(sw, dump_spans_many_messages)
{
	static int ifindex[MANY + 3];
	static struct seen seen;
	struct nl_dump_status st;
	char name[IFNAMSIZ];
	uint8_t mac[ETH_ALEN] = { 0x02, 0, 0, 1, 0, 0 };
	struct sw changer;
	int i;

	changer = *self;
	changer.nl = nl_open();
	ASSERT_LE(0, changer.nl);
	for (i = 0; i < MANY + 3; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		ASSERT_EQ(0, link_add(name, "dummy"));
		ifindex[i] = if_nametoindex(name);
		ASSERT_LT(0, ifindex[i]);
		ASSERT_GT(MAX_IFINDEX, ifindex[i]);
		ASSERT_EQ(0, sw_port_add(self, i < MANY ? "lab" : "other",
					 ifindex[i], NONE, NONE));
	}
	for (i = 0; i < MANY + 3; i++) {
		mac[4] = i >> 8;
		mac[5] = i & 0xff;
		ASSERT_EQ(0, fdb_add(self, ifindex[i], mac));
	}
	for (i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		ASSERT_EQ(0, net_new(self, name));
	}

	memset(&seen, 0, sizeof(seen));
	strcpy(seen.net, "lab");
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, "lab", count_port,
				 &seen, &st));
	EXPECT_EQ(0, st.intr);
	EXPECT_LT(1u, st.reads);
	EXPECT_EQ((unsigned int)MANY, seen.msgs);
	EXPECT_EQ(0u, seen.wrong);
	for (i = 0; i < MANY; i++) {
		EXPECT_EQ(1u, seen.count[ifindex[i]])
		TH_LOG("port d%d", i);
	}

	memset(&seen, 0, sizeof(seen));
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, NULL, count_port,
				 &seen, &st));
	EXPECT_EQ(MANY + 3u, seen.msgs);
	for (i = 0; i < MANY + 3; i++) {
		EXPECT_EQ(1u, seen.count[ifindex[i]])
		TH_LOG("port d%d", i);
	}

	memset(&seen, 0, sizeof(seen));
	seen.ifindex = ifindex;
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_FDB_GET, "lab", count_fdb,
				 &seen, &st));
	EXPECT_EQ(0, st.intr);
	EXPECT_LT(1u, st.reads);
	EXPECT_EQ((unsigned int)MANY, seen.msgs);
	EXPECT_EQ(0u, seen.wrong);
	for (i = 0; i < MANY; i++) {
		EXPECT_EQ(1u, seen.count[i])
		TH_LOG("entry %d", i);
	}

	memset(&seen, 0, sizeof(seen));
	seen.ifindex = ifindex;
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_FDB_GET, NULL, count_fdb,
				 &seen, &st));
	EXPECT_EQ((unsigned int)MANY + 3, seen.msgs);
	EXPECT_EQ(0u, seen.wrong);
	for (i = 0; i < MANY + 3; i++) {
		EXPECT_EQ(1u, seen.count[i])
		TH_LOG("entry %d", i);
	}

	memset(&seen, 0, sizeof(seen));
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_NET_GET, NULL, count_net,
				 &seen, &st));
	EXPECT_EQ(0, st.intr);
	EXPECT_LT(1u, st.reads);
	EXPECT_EQ(MANY + 2u, seen.msgs);
	for (i = 0; i < MANY; i++) {
		EXPECT_EQ(1u, seen.count[i])
		TH_LOG("network n%d", i);
	}

	/* A change between two parts of a dump is flagged. */
	memset(&seen, 0, sizeof(seen));
	seen.changer = &changer;
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, "lab", count_port,
				 &seen, &st));
	EXPECT_EQ(1, st.intr);

	/*
	 * Each port takes grace periods to go, under RTNL: let them go here,
	 * in this test's time, not while the next test waits for RTNL.
	 */
	ASSERT_EQ(0, net_del(self, "lab"));
	ASSERT_EQ(0, net_del(self, "other"));
	EXPECT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, NULL, NULL, NULL,
				 &st));
	EXPECT_EQ(0u, st.msgs);
}

TEST_F(sw, dump_of_unknown_network_is_refused)
{
	struct nl_dump_status st;

	some_state(_metadata, self);
	EXPECT_EQ(-ENOENT, intnet_dump(self, INTNET_CMD_PORT_GET, "nope", NULL,
				       NULL, &st));
	EXPECT_STREQ("no such network", st.extack);
	EXPECT_EQ(0u, st.msgs);
	EXPECT_EQ(-ENOENT, intnet_dump(self, INTNET_CMD_FDB_GET, "nope", NULL,
				       NULL, &st));
	EXPECT_STREQ("no such network", st.extack);
	EXPECT_EQ(0u, st.msgs);
}

TEST_F(sw, fdb_dump_lists_entries_with_their_ports)
{
	struct frame f;

	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], S));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60), PORT(1));
	state(_metadata, self, &after);
	snprintf(
		before.buf, sizeof(before.buf),
		"net lab flood=1 ageing=300 max=16384 explicit=0 owner=0 ports=2 learned=1 static=1 access=0 promisc=0 port_max=0 fwd=0 flood=0/100\n"
		"port %d t0 net=lab up=1 promisc=0 active=0 isolated=0 flood=0/0 user=0 learned=1 lock=none/00:00:00:00:00:00 dhcp=0 ip=none\n"
		"port %d t1 net=lab up=1 promisc=0 active=0 isolated=0 flood=0/0 user=0 learned=0 lock=none/00:00:00:00:00:00 dhcp=0 ip=none\n"
		"fdb 02:00:00:00:00:53 port=%d static=1 locked=0\n"
		"fdb 02:00:00:00:00:01 port=%d static=0 locked=0\n",
		self->ifindex[0], self->ifindex[1], self->ifindex[1],
		self->ifindex[0]);
	sort_lines(&before);
	EXPECT_STREQ(before.buf, after.buf);
}

/* The device's promiscuity count (IFLA_PROMISCUITY), or a negative errno. */
static int promiscuity(int ifindex)
{
	static struct nl_reply r;
	struct nlattr *tb[IFLA_MAX + 1];
	struct nlmsghdr *nh;
	uint32_t buf[64];
	size_t len;
	int fd, err;

	len = rtnl_link_start(buf, RTM_GETLINK, 0, ifindex);
	fd = nl_open_proto(NETLINK_ROUTE);
	if (fd < 0)
		return fd;
	err = nl_request(fd, buf, len, &r);
	close(fd);
	if (err)
		return err;
	nh = r.msg;
	if (!nh)
		return -ENODATA;
	nla_index((char *)NLMSG_DATA(nh) +
			  NLMSG_ALIGN(sizeof(struct ifinfomsg)),
		  nh->nlmsg_len - NLMSG_HDRLEN -
			  NLMSG_ALIGN(sizeof(struct ifinfomsg)),
		  tb, IFLA_MAX);
	return tb[IFLA_PROMISCUITY] ? (int)get_u32(tb[IFLA_PROMISCUITY]) :
				      -ENODATA;
}

TEST_F(sw, port_device_is_promiscuous_while_a_port)
{
	tap_make(_metadata, self, 0);
	EXPECT_EQ(0, promiscuity(self->ifindex[0]));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[0], NONE, NONE));
	EXPECT_EQ(1, promiscuity(self->ifindex[0]));
	/* A refused request leaves it as it was. */
	EXPECT_EQ(-EBUSY,
		  sw_port_add(self, "lab", self->ifindex[0], NONE, NONE));
	EXPECT_EQ(1, promiscuity(self->ifindex[0]));
	ASSERT_EQ(0, port_del(self, self->ifindex[0]));
	EXPECT_EQ(0, promiscuity(self->ifindex[0]));
}

TEST_F(sw, port_del_forgets_its_fdb_entries)
{
	struct net_info ni;
	struct frame f;

	ASSERT_EQ(0, net_new(self, "lab"));
	add_ports(_metadata, self, 3, "lab");
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], S));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, MAC(2), 60),
		PORT(0) | PORT(2));
	deliver(_metadata, self, 2, frame_make(&f, BCAST, MAC(3), 60),
		PORT(0) | PORT(1));
	ASSERT_EQ(0, port_del(self, self->ifindex[1]));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(1u, ni.fdb_learned);
	EXPECT_EQ(0u, ni.fdb_static);
	deliver(_metadata, self, 0, frame_make(&f, S, MAC(1), 60), PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, MAC(2), MAC(1), 60),
		PORT(2));
}

/* ---- rights ---- */

TEST_F(sw, unprivileged_user_sees_nothing_of_roots_restricted_network)
{
	struct nl_dump_status st;
	struct port_info pi;
	struct net_info ni;
	struct req q;

	some_state(_metadata, self);
	tap_make_owned(_metadata, self, 2, 65534, NONE);
	sw_as(self, 65534, NONE);

	/* Root's network, ports and entries are not there for it. */
	EXPECT_EQ(-ENOENT, net_get(self, "lab", &ni));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_EQ(-ENOENT, net_del(self, "lab"));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_EQ(-ENOENT, net_set(self, "lab", INTNET_ATTR_NET_AGEING, 1));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[0], &pi));
	EXPECT_STREQ("the device is not a port", last.extack);
	EXPECT_EQ(-ENOENT, port_set(self, self->ifindex[0], 0, NONE));
	EXPECT_STREQ("the device is not a port", last.extack);
	EXPECT_EQ(-ENOENT, port_del(self, self->ifindex[0]));
	EXPECT_STREQ("the device is not a port", last.extack);
	EXPECT_EQ(-ENOENT, fdb_add(self, self->ifindex[0], MAC(9)));
	EXPECT_STREQ("the device is not a port", last.extack);
	EXPECT_EQ(-ENOENT, fdb_del(self, "lab", S));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_EQ(-ENOENT, fdb_flush(self, "lab", NONE));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_EQ(-ENOENT, fdb_flush(self, NULL, self->ifindex[0]));
	EXPECT_STREQ("the device is not a port", last.extack);
	EXPECT_EQ(0,
		  intnet_dump(self, INTNET_CMD_NET_GET, NULL, NULL, NULL, &st));
	EXPECT_EQ(0u, st.msgs);
	EXPECT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, NULL, NULL, NULL,
				 &st));
	EXPECT_EQ(0u, st.msgs);
	EXPECT_EQ(0,
		  intnet_dump(self, INTNET_CMD_FDB_GET, NULL, NULL, NULL, &st));
	EXPECT_EQ(0u, st.msgs);
	EXPECT_EQ(-ENOENT, intnet_dump(self, INTNET_CMD_FDB_GET, "lab", NULL,
				       NULL, &st));
	EXPECT_STREQ("no such network", st.extack);
	/* Nor can it join it, named with its owner. */
	EXPECT_EQ(-ENOENT,
		  sw_port_add(self, "0/lab", self->ifindex[2], NONE, NONE));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_EQ(-ENOENT, net_get(self, "0/lab", &ni));
	EXPECT_STREQ("no such network", last.extack);
	EXPECT_UNCHANGED();
	/* Names are per owner: "lab" is free for it, another network. */
	ASSERT_EQ(0, net_new(self, "lab"));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(65534u, ni.owner);
	EXPECT_EQ(0u, ni.ports);
	ASSERT_EQ(0, net_del(self, "lab"));
	EXPECT_UNCHANGED();

	/* The version is open to all. */
	req_new(self, &q, INTNET_CMD_VERSION_GET);
	EXPECT_EQ(0, req_call(self, &q));
	ASSERT_NE(NULL, last.msg);
	EXPECT_NE(NULL, genl_attr(last.msg, INTNET_ATTR_VERSION));
}

TEST_F(sw, rootless_container_manages_its_own_networks)
{
	struct net_info ni;
	struct frame f;

	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	/* Changing uid made the process undumpable: /proc/self is root's. */
	ASSERT_EQ(0, prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
	/* Its own user and network namespaces; uid 65534 is 1000 inside. */
	ASSERT_EQ(0, unshare(CLONE_NEWUSER | CLONE_NEWNET));
	ASSERT_EQ(0, write_file("/proc/self/uid_map", "1000 65534 1"));
	no_ipv6(_metadata);
	sw_reopen(_metadata, self);

	ASSERT_EQ(0, net_new(self, "lab"));
	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(1000u, ni.owner);
	EXPECT_EQ(2u, ni.ports);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60), PORT(1));
}

TEST_HARNESS_MAIN
