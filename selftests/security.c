// SPDX-License-Identifier: GPL-2.0
/*
 * Security: the access model against a local attacker (issue 14). Each test
 * acts as the attacker, as the real users alice (1001), bob (1002) and
 * mallory (1003) would with setpriv and unshare: from user namespaces of their
 * own, with supplementary groups, with TUNSETOWNER and TUNSETLINK on TAPs they
 * hold, and asserts the exact answer, that a refusal changed nothing an
 * administrator can see, and which frames arrive where.
 */

#include <net/if_arp.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "switch_lib.h"

/* Forks a lot; the debug lane under TCG is slow (see access.c). */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

#define ALICE 1001L
#define BOB 1002L
#define MALLORY 1003L
/* A group that a test puts a user in, or not. */
#define G 2000L
/* What tun shows for an id without a mapping in the reader's namespace. */
#define OVERFLOW_ID 65534L

#define PARAMS "/sys/module/intnet/parameters/"
#define MAX_NETWORKS PARAMS "max_networks_per_user"
#define MAX_PORTS_PER_USER PARAMS "max_ports_per_user"
#define MAX_MONITORS PARAMS "max_monitors_per_user"
#define PARAM_DEFAULT "64"

/* The kernel's reasons, word for word (from kmod/). */
#define OTHERS_TAP "intnet: the TAP belongs to another user"
#define NOT_A_TAP "intnet: the device is a TUN (layer 3) device, not a TAP"
#define IN_USE_ELSEWHERE \
	"intnet: the address is in use behind another user's port"
#define FDB_FULL "intnet: the FDB is full (fdb-max)"
#define NO_NETWORK "no such network"
#define NOT_A_PORT "the device is not a port"
#define NO_ENTRY "no such FDB entry"
#define FOR_ANOTHER \
	"intnet: only an administrator can make a network for another user"
#define NET_QUOTA \
	"intnet: you own as many networks as max_networks_per_user allows"
#define PORT_QUOTA "intnet: you have as many ports as max_ports_per_user allows"
/* Whole, so that they can be grepped. */
/* clang-format off */
#define SHARE_FULL "intnet: the port's user has as many FDB entries as port-fdb-max allows"
#define MONITOR_QUOTA "intnet: you have as many subscriptions as max_monitors_per_user allows"
/* clang-format on */
#define PAUSE_REFUSED \
	"PAUSE frames (01:80:C2:00:00:01, bit 1) are never forwarded"
#define NAME_REQUIRED "intnet: a network name is required"
#define DEVICE_REQUIRED "intnet: a device (ifindex) is required"
#define MAC_REQUIRED "intnet: a MAC address is required"
#define WHAT_REQUIRED "intnet: what to monitor is required"
/* The netlink core's, for a strict policy (lib/nlattr.c). */
#define UNSUPPORTED "Unsupported attribute"
#define UNKNOWN_TYPE "Unknown attribute type"

static struct text before, after;

/* ---- who a child process becomes ---- */

/*
 * A real user (gid the same, one supplementary group or NONE) and, if @inner
 * is not NONE, a user namespace of its own where it is @inner (uid and gid),
 * as `unshare --map-user=INNER --map-group=INNER` makes; with a network
 * namespace of its own too if @netns (where it is then an administrator).
 */
/* ---- requests ---- */

/*
 * PORT_ADD of @ifindex to the network @name of @owner (NONE: the name alone),
 * with PORT_NO_CREATE, PORT_PROMISC and PORT_LOCK_MAC when not NONE (NULL).
 */
static void join_req(struct sw *self, struct req *q, const char *name,
		     long owner, long ifindex, long no_create, long promisc,
		     const uint8_t *lock)
{
	req_new(self, q, INTNET_CMD_PORT_ADD);
	req_str(q, INTNET_ATTR_NET_NAME, name);
	req_u32(q, INTNET_ATTR_NET_OWNER, owner);
	req_u32(q, INTNET_ATTR_IFINDEX, ifindex);
	req_u8(q, INTNET_ATTR_PORT_NO_CREATE, no_create);
	req_u8(q, INTNET_ATTR_PORT_PROMISC, promisc);
	if (lock)
		req_put(q, INTNET_ATTR_PORT_LOCK_MAC, lock, ETH_ALEN);
}

static int port_join(struct sw *self, const char *name, long owner,
		     long ifindex, long no_create)
{
	struct req q;

	join_req(self, &q, name, owner, ifindex, no_create, NONE, NULL);
	return req_call(self, &q);
}

/*
 * @owner where names are per owner (INTNET_FEATURE_OWNER_NAMES), else NONE.
 * A module without them has one name space for all, where the name alone
 * reaches another user's network (and NET_OWNER is refused in requests): the
 * set-up of a test then builds the same networks there, and what the test
 * asserts fails on such a module for the hole it is about.
 */
static long of(struct sw *self, long owner)
{
	static int features = -1;
	struct nl_reply *r;
	struct nlattr *a;
	struct req q;

	if (features < 0) {
		r = malloc(sizeof(*r));
		if (!r)
			return owner;
		req_new(self, &q, INTNET_CMD_VERSION_GET);
		features = 0;
		if (!nl_request(self->nl, q.buf, q.len, r) && r->msg) {
			a = genl_attr(r->msg, INTNET_ATTR_FEATURES);
			if (a && a->nla_len == NLA_HDRLEN + sizeof(uint64_t))
				features = *(uint64_t *)nla_payload(a);
		}
		free(r);
	}
	return features & INTNET_FEATURE_OWNER_NAMES ? owner : NONE;
}

/* A request about the network @name of @owner (NONE: the name alone). */
static int net_call(struct sw *self, uint8_t cmd, const char *name, long owner)
{
	struct req q;

	req_new(self, &q, cmd);
	req_str(&q, INTNET_ATTR_NET_NAME, name);
	req_u32(&q, INTNET_ATTR_NET_OWNER, owner);
	return req_call(self, &q);
}

/* NET_GET of the network @name of @owner; 0 or a negative errno. */
static int net_get_of(struct sw *self, const char *name, long owner,
		      struct net_info *ni)
{
	int err = net_call(self, INTNET_CMD_NET_GET, name, owner);

	memset(ni, 0, sizeof(*ni));
	if (!err && !last.msg)
		err = -ENODATA;
	if (!err)
		parse_net(last.msg, ni);
	return err;
}

/* A public network @name with the promiscuous policy @policy. */
static int net_new_public(struct sw *self, const char *name, long policy)
{
	return intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME, name,
			  INTNET_ATTR_NET_ACCESS, INTNET_ACCESS_PUBLIC,
			  INTNET_ATTR_NET_PROMISC_POLICY, (int)policy, 0);
}

/* NET_SET or NET_NEW (@cmd) of the network's group forward mask (a u16). */
static int net_mask(struct sw *self, uint8_t cmd, const char *name,
		    uint16_t mask)
{
	struct req q;

	req_new(self, &q, cmd);
	req_str(&q, INTNET_ATTR_NET_NAME, name);
	req_put(&q, INTNET_ATTR_NET_GROUP_FWD_MASK, &mask, sizeof(mask));
	return req_call(self, &q);
}

/*
 * The network (name, owner) of port @ifindex and whether it has a carrier,
 * as the administrator sees them; 0 or PORT_GET's error.
 */
struct port_net {
	char name[INTNET_NAME_MAX + 1];
	long net_owner, port_user;
	int carrier;
};

static int port_net_of(struct sw *self, long ifindex, struct port_net *pn)
{
	long uid = self->uid, group = self->group;
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	struct port_info pi;
	int err;

	memset(pn, 0, sizeof(*pn));
	sw_as(self, NONE, NONE);
	err = port_get(self, ifindex, &pi);
	sw_as(self, uid, group);
	if (err)
		return err;
	genl_index(last.msg, tb, INTNET_ATTR_MAX);
	snprintf(pn->name, sizeof(pn->name), "%s", pi.net);
	pn->net_owner = get_u32_or_none(tb[INTNET_ATTR_NET_OWNER]);
	pn->port_user = pi.user;
	pn->carrier = get_u8(tb[INTNET_ATTR_PORT_CARRIER]);
	return 0;
}

/* Port @i is on the network @net owned by @owner, and is @user's. */
#define EXPECT_PORT_ON(i, net, owner, user)                              \
	do {                                                             \
		struct port_net __pn;                                    \
		ASSERT_EQ(0, port_net_of(self, self->ifindex[i], &__pn)) \
		TH_LOG("t%d is not a port: %s", i, last.extack);         \
		EXPECT_STREQ(net, __pn.name);                            \
		EXPECT_EQ(owner, __pn.net_owner)                         \
		TH_LOG("t%d: network owner", i);                         \
		EXPECT_EQ(user, __pn.port_user)                          \
		TH_LOG("t%d: port user", i);                             \
	} while (0)

/* Forgets the TAP fd of port @i (closing it takes the TAP's carrier). */
static void tap_close(struct sw *self, int i)
{
	close(self->fd[i]);
	self->fd[i] = -1;
}

/* A link-local group frame 01:80:C2:00:00:@g from @src. */
static struct frame *link_local(struct frame *f, uint8_t g, const uint8_t *src)
{
	const uint8_t dst[ETH_ALEN] = { 0x01, 0x80, 0xc2, 0, 0, g };

	return frame_make(f, dst, src, 60);
}

/* The device type (ARPHRD_*) of @name in the current namespace, or -errno. */
static int dev_type(const char *name)
{
	struct ifreq ifr = { 0 };
	int err;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	err = dev_ioctl(SIOCGIFHWADDR, &ifr);
	return err ? err : ifr.ifr_hwaddr.sa_family;
}

/* ---- 1. TAP takeover from a user namespace ---- */

/*
 * bob, in a user namespace of his own where he is 65534 (unshare
 * --map-user=65534 --map-group=65534), names TAPs that are not his. tun shows
 * an owner or a group without a mapping there as 65534, which read back in
 * his namespace was bob himself.
 */
TEST_F(sw, tap_of_another_user_is_refused_from_a_namespace_mapping_65534)
{
	const struct who bob = { BOB, NONE, OVERFLOW_ID, 0 };
	struct req q;
	int i;

	/* Alice's, owner only; group only; root's; made by root for alice
	 * (as intnetctl tap add does) and not attached yet; persistent,
	 * attached by alice and detached again.
	 */
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, NONE, G);
	tap_make_owned(_metadata, self, 2, 0, NONE);
	tap_make_owned(_metadata, self, 3, ALICE, ALICE);
	tap_make_owned(_metadata, self, 4, ALICE, NONE);
	ASSERT_EQ(0, ioctl(self->fd[4], TUNSETPERSIST, 1));
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[4], NONE, NONE))
	TH_LOG("PORT_ADD as alice: %s", last.extack);
	ASSERT_EQ(0, port_del(self, self->ifindex[4]));
	tap_close(self, 4);
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, net_new(self, "bobnet"));

	for (i = 0; i < 5; i++) {
		join_req(self, &q, "bobnet", NONE, self->ifindex[i], NONE, NONE,
			 NULL);
		state(_metadata, self, &before);
		EXPECT_EQ(-EPERM, who_call(self, &bob, &q))
		TH_LOG("bob attached t%d: %s", i, last.extack);
		EXPECT_STREQ(OTHERS_TAP, last.extack);
		state(_metadata, self, &after);
		EXPECT_STREQ(before.buf, after.buf);
	}
	/* Not to a network of his that is still to be made either. */
	join_req(self, &q, "new", NONE, self->ifindex[0], NONE, NONE, NULL);
	EXPECT_REFUSED(-EPERM, OTHERS_TAP, who_call(self, &bob, &q));
}

/*
 * Identity is the kuid whichever namespace asks: alice in `unshare -Ur`
 * attaches her TAP and a TAP of her group, which tun shows there as 0 and
 * 65534.
 */
TEST_F(sw, user_in_a_namespace_of_its_own_still_attaches_its_own_taps)
{
	const struct who alice = { ALICE, G, 0, 0 };
	struct frame f;
	struct req q;
	int i;

	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, NONE, G);
	for (i = 0; i < 2; i++) {
		join_req(self, &q, "alab", NONE, self->ifindex[i], NONE, NONE,
			 NULL);
		ASSERT_EQ(0, who_call(self, &alice, &q))
		TH_LOG("PORT_ADD t%d from alice's namespace: %s", i,
		       last.extack);
	}
	for (i = 0; i < 2; i++)
		EXPECT_PORT_ON(i, "alab", ALICE, ALICE);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));
	deliver(_metadata, self, 1, frame_make(&f, A, B, 60), PORT(0));
}

/* ---- 2. a TUN retyped as Ethernet ---- */

TEST_F(sw, tun_retyped_as_ethernet_is_not_a_port)
{
	int fd, ifindex;

	fd = tun_open("tun0", IFF_TUN);
	ASSERT_LE(0, fd);
	/* The device must be down for TUNSETLINK. */
	ASSERT_EQ(0, ioctl(fd, TUNSETLINK, ARPHRD_ETHER));
	ASSERT_EQ(ARPHRD_ETHER, dev_type("tun0"));
	ASSERT_EQ(0, dev_set_up("tun0", 1));
	ifindex = if_nametoindex("tun0");
	ASSERT_LT(0, ifindex);
	EXPECT_REFUSED(-EINVAL, NOT_A_TAP,
		       sw_port_add(self, "lab", ifindex, NONE, NONE));
	close(fd);
}

/* In the child, administrator of its own namespaces: retype, then attach. */
static int retyped_tun_child(void *arg)
{
	struct user_io *io = arg;
	struct req q;
	int fd;

	fd = tun_open("tun0", IFF_TUN);
	if (fd < 0)
		return 3;
	if (ioctl(fd, TUNSETLINK, ARPHRD_ETHER) || dev_set_up("tun0", 1))
		return 4;
	req_new(io->self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "lab");
	req_u32(&q, INTNET_ATTR_IFINDEX, if_nametoindex("tun0"));
	q.nh.nlmsg_len = q.len;
	io->q = &q;
	return user_io_run(io);
}

TEST_F(sw, tun_retyped_as_ethernet_is_not_a_port_for_a_namespace_administrator)
{
	const struct who alice = { ALICE, NONE, 0, 1 };

	EXPECT_EQ(-EINVAL, who_do(self, &alice, retyped_tun_child, NULL));
	EXPECT_STREQ(NOT_A_TAP, last.extack);
}

TEST_F(sw, attached_tap_cannot_change_its_type)
{
	struct frame f;

	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0, dev_set_up("t0", 0));
	state(_metadata, self, &before);
	EXPECT_EQ(-1, ioctl(self->fd[0], TUNSETLINK, ARPHRD_NONE));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(ARPHRD_ETHER, dev_type("t0"));
	state(_metadata, self, &after);
	EXPECT_STREQ(before.buf, after.buf);
	/* Still an Ethernet port, switching Ethernet frames. */
	ASSERT_EQ(0, dev_set_up("t0", 1));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));
	deliver(_metadata, self, 1, frame_make(&f, A, B, 60), PORT(0));
	deliver(_metadata, self, 0, frame_make(&f, B, A, 60), PORT(1));
}

/* ---- 3. tun's rule: owner and group ---- */

TEST_F(sw, member_of_the_taps_group_cannot_attach_the_owners_tap)
{
	struct frame f;

	tap_make_owned(_metadata, self, 0, ALICE, G);
	tap_make_owned(_metadata, self, 1, BOB, NONE);
	tap_make_owned(_metadata, self, 2, ALICE, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new(self, "alab"));
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[2], NONE, NONE));
	/* Bob's public allow-all network, with his promiscuous port. */
	sw_as(self, BOB, G);
	ASSERT_EQ(0, net_new_public(self, "sniff", INTNET_PROMISC_ALLOW_ALL));
	ASSERT_EQ(0, sw_port_add(self, "sniff", self->ifindex[1], NONE, 1));
	EXPECT_REFUSED(-EPERM, OTHERS_TAP,
		       sw_port_add(self, "sniff", self->ifindex[0], NONE,
				   NONE));
	/* Nor to alice's restricted network, as her port. */
	EXPECT_REFUSED(-EPERM, OTHERS_TAP,
		       port_join(self, "alab", of(self, ALICE),
				 self->ifindex[0], NONE));
	/* Alice, in the group, attaches it; bob sees none of her frames. */
	sw_as(self, ALICE, G);
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[0], NONE, NONE));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(2));
	deliver(_metadata, self, 2, frame_make(&f, A, C, 60), PORT(0));
}

TEST_F(sw, owner_outside_the_taps_group_cannot_attach_it)
{
	struct port_info pi;

	tap_make_owned(_metadata, self, 0, ALICE, G);
	sw_as(self, ALICE, NONE);
	EXPECT_REFUSED(-EPERM, OTHERS_TAP,
		       sw_port_add(self, "alab", self->ifindex[0], NONE, NONE));
	sw_as(self, ALICE, G);
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[0], NONE, NONE))
	TH_LOG("PORT_ADD in the group: %s", last.extack);
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(ALICE, pi.user);
}

/*
 * A TAP with a group only is its member's to use: the port is his, and
 * reaches only the networks he may join; alice's restricted one he cannot
 * even see.
 */
TEST_F(sw, group_only_tap_becomes_the_members_port_on_networks_he_may_join)
{
	struct frame f;

	tap_make_owned(_metadata, self, 0, NONE, G);
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new(self, "alab"));
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[1], NONE, NONE));
	sw_as(self, BOB, G);
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       port_join(self, "alab", of(self, ALICE),
				 self->ifindex[0], NONE));
	/* The name alone is his own "alab". */
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[0], NONE, NONE))
	TH_LOG("PORT_ADD: %s", last.extack);
	EXPECT_PORT_ON(0, "alab", BOB, BOB);
	EXPECT_PORT_ON(1, "alab", ALICE, ALICE);
	deliver(_metadata, self, 1, frame_make(&f, BCAST, A, 60), 0);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, B, 60), 0);
}

/* ---- 4. MAC locks ---- */

/* Alice's public network "pub": ports t0 and t2 hers, t1 bob's; A behind t0. */
static void alice_pub(struct __test_metadata *_metadata, struct sw *self)
{
	struct frame f;

	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, BOB, NONE);
	tap_make_owned(_metadata, self, 2, ALICE, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new_public(self, "pub", INTNET_PROMISC_DENY));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[2], NONE, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_join(self, "pub", of(self, ALICE), self->ifindex[1],
			       NONE))
	TH_LOG("PORT_ADD to alice's public network: %s", last.extack);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(1) | PORT(2));
}

TEST_F(sw, lock_cannot_take_an_address_learned_behind_another_users_port)
{
	struct fdb_info fi;
	struct frame f;
	struct req q;

	alice_pub(_metadata, self);
	tap_make_owned(_metadata, self, 3, BOB, NONE);
	sw_as(self, BOB, NONE);
	EXPECT_REFUSED(-EPERM, IN_USE_ELSEWHERE,
		       port_lock(self, self->ifindex[1], A));
	/* Nor as a new port is attached. */
	join_req(self, &q, "pub", of(self, ALICE), self->ifindex[3], NONE, NONE,
		 A);
	EXPECT_REFUSED(-EPERM, IN_USE_ELSEWHERE, req_call(self, &q));

	/* Alice's station keeps its address and its frames. */
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 2, frame_make(&f, A, C, 60), PORT(0));
	deliver(_metadata, self, 1, frame_make(&f, A, B, 60), PORT(0));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, fdb_get(self, NULL, A, &fi));
	EXPECT_EQ(self->ifindex[0], (int)fi.ifindex);
	EXPECT_EQ(0, fi.is_static);
	EXPECT_EQ(0u, port_stat(_metadata, self, 0,
				INTNET_STATS_RX_DROP_MAC_LOCKED));
}

TEST_F(sw, lock_displaces_only_own_addresses_unless_owner_or_administrator)
{
	struct fdb_info fi;
	struct frame f;

	alice_pub(_metadata, self);
	tap_make_owned(_metadata, self, 3, BOB, NONE);
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_join(self, "pub", of(self, ALICE), self->ifindex[3],
			       NONE));
	/* B behind bob's t1, C behind bob's t3, D behind alice's t2. */
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60),
		all_but(self, 1));
	deliver(_metadata, self, 3, frame_make(&f, BCAST, C, 60),
		all_but(self, 3));
	deliver(_metadata, self, 2, frame_make(&f, BCAST, D, 60),
		all_but(self, 2));

	EXPECT_REFUSED(-EPERM, IN_USE_ELSEWHERE,
		       port_lock(self, self->ifindex[3], D));
	/* His own station, from one of his ports to another. */
	ASSERT_EQ(0, port_lock(self, self->ifindex[1], C))
	TH_LOG("bob locks his own address: %s", last.extack);
	/* The network's owner takes anyone's. */
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, port_lock(self, self->ifindex[3], B))
	TH_LOG("alice locks bob's address: %s", last.extack);
	/* And so does the administrator. */
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, port_lock(self, self->ifindex[0], D))
	TH_LOG("root locks alice's address: %s", last.extack);

	ASSERT_EQ(0, fdb_get(self, NULL, C, &fi));
	EXPECT_EQ(self->ifindex[1], (int)fi.ifindex);
	EXPECT_EQ(1, fi.locked);
	ASSERT_EQ(0, fdb_get(self, NULL, B, &fi));
	EXPECT_EQ(self->ifindex[3], (int)fi.ifindex);
	EXPECT_EQ(1, fi.locked);
	ASSERT_EQ(0, fdb_get(self, NULL, D, &fi));
	EXPECT_EQ(self->ifindex[0], (int)fi.ifindex);
	EXPECT_EQ(1, fi.locked);
}

TEST_F(sw, failed_lock_change_leaves_the_old_lock_in_force)
{
	struct port_info pi;
	struct fdb_info fi;
	struct frame f;

	alice_pub(_metadata, self);
	tap_make_owned(_metadata, self, 3, BOB, NONE);
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_join(self, "pub", of(self, ALICE), self->ifindex[3],
			       NONE));
	ASSERT_EQ(0, port_lock(self, self->ifindex[1], M))
	TH_LOG("PORT_SET lock: %s", last.extack);
	EXPECT_REFUSED(-EPERM, IN_USE_ELSEWHERE,
		       port_lock(self, self->ifindex[1], A));
	ASSERT_EQ(0, port_get(self, self->ifindex[1], &pi));
	EXPECT_EQ(1, pi.locked);
	EXPECT_EQ(0, memcmp(M, pi.lock_mac, ETH_ALEN));

	/* M passes from t1, and only from t1; nothing else leaves t1. */
	deliver(_metadata, self, 1, frame_make(&f, BCAST, M, 60),
		all_but(self, 1));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, X, 60), 0);
	deliver(_metadata, self, 1, frame_make(&f, A, X, 60), 0);
	deliver(_metadata, self, 3, frame_make(&f, BCAST, M, 60), 0);
	deliver(_metadata, self, 0, frame_make(&f, M, A, 60), PORT(1));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, fdb_get(self, NULL, M, &fi));
	EXPECT_EQ(self->ifindex[1], (int)fi.ifindex);
	EXPECT_EQ(1, fi.locked);
	ASSERT_EQ(0, fdb_get(self, NULL, A, &fi));
	EXPECT_EQ(self->ifindex[0], (int)fi.ifindex);
	EXPECT_EQ(-ENOENT, fdb_get(self, NULL, X, &fi));
}

/*
 * Red team (holes/rednat3.sh F4, G2): bob's station sends from the address of
 * alice's, learned behind her port: its frames are dropped as MAC-locked and
 * do not keep her entry alive, the entry stays hers, her unicast keeps coming
 * to her, and bob cannot lock the address either. Her own other port takes it
 * (a station moving between one user's ports).
 */
TEST_F(sw, station_of_another_user_cannot_take_a_live_address)
{
	struct fdb_info fi;
	struct frame f;

	alice_pub(_metadata, self);
	deliver(_metadata, self, 1, frame_make(&f, BCAST, A, 60), 0);
	deliver(_metadata, self, 1, frame_make(&f, C, A, 60), 0);
	sw_as(self, BOB, NONE);
	EXPECT_REFUSED(-EPERM, IN_USE_ELSEWHERE,
		       port_lock(self, self->ifindex[1], A));
	sw_as(self, NONE, NONE);
	EXPECT_EQ(2u, port_stat(_metadata, self, 1,
				INTNET_STATS_RX_DROP_MAC_LOCKED));
	ASSERT_EQ(0, fdb_get(self, NULL, A, &fi));
	EXPECT_EQ(self->ifindex[0], (int)fi.ifindex);
	EXPECT_EQ(0, fi.is_static);
	deliver(_metadata, self, 2, frame_make(&f, A, C, 60), PORT(0));

	/* Alice's other port may take it, and bob's frames still go. */
	deliver(_metadata, self, 2, frame_make(&f, BCAST, A, 60),
		PORT(0) | PORT(1));
	ASSERT_EQ(0, fdb_get(self, NULL, A, &fi));
	EXPECT_EQ(self->ifindex[2], (int)fi.ifindex);
	deliver(_metadata, self, 1, frame_make(&f, C, A, 60), 0);
	EXPECT_EQ(3u, port_stat(_metadata, self, 1,
				INTNET_STATS_RX_DROP_MAC_LOCKED));
	EXPECT_EQ(0u, port_stat(_metadata, self, 2,
				INTNET_STATS_RX_DROP_MAC_LOCKED));
}

/*
 * Red team: bob locks alice's address while her station is away (her port
 * down, its entries flushed): the lock is taken, and gives way as soon as her
 * station speaks again.
 */
TEST_F(sw, lock_claimed_while_a_station_is_away_gives_way_when_it_speaks)
{
	struct fdb_info fi;
	struct frame f;

	alice_pub(_metadata, self);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, port_set(self, self->ifindex[0], 0, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_lock(self, self->ifindex[1], A))
	TH_LOG("bob locks an address no one uses now: %s", last.extack);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, port_set(self, self->ifindex[0], 1, NONE));

	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 2, frame_make(&f, A, C, 60), PORT(0));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, fdb_get(self, NULL, A, &fi));
	EXPECT_EQ(self->ifindex[0], (int)fi.ifindex);
	EXPECT_EQ(0, fi.locked);
	EXPECT_EQ(0u, port_stat(_metadata, self, 0,
				INTNET_STATS_RX_DROP_MAC_LOCKED));
}

/*
 * The network's owner binds an address against everyone: bob's station
 * sending from the address alice locked is dropped, and the lock stays.
 */
TEST_F(sw, lock_of_the_networks_owner_holds_against_other_users)
{
	struct fdb_info fi;
	struct frame f;

	alice_pub(_metadata, self);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, port_lock(self, self->ifindex[0], A));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, A, 60), 0);
	deliver(_metadata, self, 2, frame_make(&f, A, C, 60), PORT(0));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, fdb_get(self, NULL, A, &fi));
	EXPECT_EQ(self->ifindex[0], (int)fi.ifindex);
	EXPECT_EQ(1, fi.locked);
	EXPECT_EQ(1u, port_stat(_metadata, self, 1,
				INTNET_STATS_RX_DROP_MAC_LOCKED));
}

/* ---- 5. static entries, limits and memory ---- */

TEST_F(sw, static_entries_count_against_fdb_max_and_the_users_share)
{
	struct net_info ni;
	struct fdb_info fi;
	struct frame f;

	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, BOB, NONE);
	tap_make_owned(_metadata, self, 2, ALICE, NONE);
	sw_as(self, ALICE, NONE);
	/* Four entries at most, two of them per user. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, INTNET_ATTR_NET_FDB_MAX,
				4, 0));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[2], NONE, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_join(self, "pub", of(self, ALICE), self->ifindex[1],
			       NONE));

	/* The owner places static entries: alice's share is two, on any of
	 * her ports.
	 */
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, fdb_add(self, self->ifindex[0], MAC(0x31)))
	TH_LOG("FDB_ADD: %s", last.extack);
	ASSERT_EQ(0, fdb_add(self, self->ifindex[2], MAC(0x32)));
	EXPECT_REFUSED(-ENOSPC, SHARE_FULL,
		       fdb_add(self, self->ifindex[0], MAC(0x33)));
	EXPECT_REFUSED(-ENOSPC, SHARE_FULL,
		       fdb_add(self, self->ifindex[2], MAC(0x33)));
	/* Bob's share, until the table is full. */
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], MAC(0x34)));
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], MAC(0x35)));
	EXPECT_REFUSED(-ENOSPC, FDB_FULL,
		       fdb_add(self, self->ifindex[1], MAC(0x36)));
	ASSERT_EQ(0, net_get(self, "pub", &ni));
	EXPECT_EQ(4u, ni.fdb_static);
	EXPECT_EQ(0u, ni.fdb_learned);

	/* A full table learns nothing either. */
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60),
		PORT(0) | PORT(2));
	sw_as(self, NONE, NONE);
	EXPECT_EQ(-ENOENT, fdb_get(self, NULL, B, &fi));
	EXPECT_EQ(1u, port_stat(_metadata, self, 1, INTNET_STATS_FDB_FULL));

	/* One gone, one may come. */
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, fdb_del(self, "pub", MAC(0x35)));
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], MAC(0x36)))
	TH_LOG("FDB_ADD after FDB_DEL: %s", last.extack);
}

/* What a child in the memory cgroup does, and how it went. */
struct hog {
	struct sw *self;
	struct memcg *cg;
	int oom_proof;
	/* Frames from @count source addresses instead of requests. */
	int frames;
	unsigned int count;
	/* Child to parent and back: one byte per step. */
	int up[2], down[2];
	/* How far the child got and the first error (0: none). */
	unsigned int done;
	int error;
	const char *what;
	char extack[256];
	char failed[512];
};

static struct hog *hog;

/* Sends @q on @fd; 0 or the error, its text in hog->extack. */
static int hog_call(int fd, struct req *q)
{
	static struct nl_reply r;
	int err = nl_request(fd, q->buf, q->len, &r);

	if (err)
		snprintf(hog->extack, sizeof(hog->extack), "%s", r.extack);
	return err;
}

static int hog_step(char c)
{
	char got;

	if (write(hog->up[1], &c, 1) != 1 || read(hog->down[0], &got, 1) != 1)
		return -1;
	return 0;
}

#define HOG_FAIL(...)                                                    \
	do {                                                             \
		snprintf(hog->failed, sizeof(hog->failed), __VA_ARGS__); \
		return 1;                                                \
	} while (0)

/*
 * In the child (uid 1001, administrator of a user and network namespace of
 * its own): a network that takes a million entries and a port, one request
 * of each kind to warm up, then networks and static entries until the count
 * or the first error.
 */
static int hog_child(void)
{
	struct sw *self = hog->self;
	uint8_t mac[ETH_ALEN];
	struct frame f;
	char name[32];
	struct req q;
	int nl, tap, t0;

	tap = tun_open("t0", IFF_TAP);
	if (tap < 0 || dev_set_up("t0", 1))
		HOG_FAIL("TAP in the namespace: %d", tap);
	/* Looked up once: if_nametoindex() makes a socket, which is charged. */
	t0 = if_nametoindex("t0");
	nl = nl_open();
	if (nl < 0 || genl_family_id(nl, INTNET_GENL_NAME) != self->family)
		HOG_FAIL("intnet socket in the namespace");
	req_new(self, &q, INTNET_CMD_NET_NEW);
	req_str(&q, INTNET_ATTR_NET_NAME, "big");
	req_u32(&q, INTNET_ATTR_NET_FDB_MAX, INTNET_FDB_MAX_LIMIT);
	req_u32(&q, INTNET_ATTR_NET_PORT_FDB_MAX, INTNET_FDB_MAX_LIMIT);
	if (hog_call(nl, &q))
		HOG_FAIL("NET_NEW big: %s", hog->extack);
	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "big");
	req_u32(&q, INTNET_ATTR_IFINDEX, t0);
	if (hog_call(nl, &q))
		HOG_FAIL("PORT_ADD: %s", hog->extack);
	req_new(self, &q, INTNET_CMD_NET_NEW);
	req_str(&q, INTNET_ATTR_NET_NAME, "warm");
	if (hog_call(nl, &q))
		HOG_FAIL("NET_NEW warm: %s", hog->extack);
	mac_of(mac, 0xcc, 0xffffff);
	req_new(self, &q, INTNET_CMD_FDB_ADD);
	req_u32(&q, INTNET_ATTR_IFINDEX, t0);
	req_put(&q, INTNET_ATTR_MAC, mac, ETH_ALEN);
	if (hog_call(nl, &q))
		HOG_FAIL("FDB_ADD: %s", hog->extack);

	if (hog_step('r'))
		return 2;
	for (hog->done = 0; hog->frames && hog->done < hog->count;
	     hog->done++) {
		mac_of(mac, 0xcd, hog->done);
		frame_make(&f, BCAST, mac, 60);
		hog->what = "write";
		if (write(tap, f.b, f.len) != (ssize_t)f.len) {
			hog->error = -errno;
			snprintf(hog->extack, sizeof(hog->extack), "%s",
				 strerror(errno));
			break;
		}
	}
	for (; !hog->frames && hog->done < hog->count; hog->done++) {
		snprintf(name, sizeof(name), "n%u", hog->done);
		req_new(self, &q, INTNET_CMD_NET_NEW);
		req_str(&q, INTNET_ATTR_NET_NAME, name);
		hog->what = "NET_NEW";
		hog->error = hog_call(nl, &q);
		if (hog->error)
			break;
		mac_of(mac, 0xcc, hog->done);
		req_new(self, &q, INTNET_CMD_FDB_ADD);
		req_u32(&q, INTNET_ATTR_IFINDEX, t0);
		req_put(&q, INTNET_ATTR_MAC, mac, ETH_ALEN);
		hog->what = "FDB_ADD";
		hog->error = hog_call(nl, &q);
		if (hog->error)
			break;
	}
	if (hog_step('d'))
		return 2;
	return 0;
}

/* Faults in 512 kB of stack below the caller. */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char buf[512 << 10];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 0;
}

/* Forked as root: into the cgroup, then alice in namespaces of her own. */
static int hog_enter(void)
{
	const struct who alice = { ALICE, NONE, 0, 1 };

	if (memcg_write(hog->cg, "cgroup.procs", "0"))
		HOG_FAIL("cannot join %s: %s", hog->cg->dir, strerror(errno));
	/*
	 * Every page the child writes is its own (copied from its parent's)
	 * before the limit comes: a page fault that cannot be charged is
	 * retried for ever, and only the requests are to meet the limit.
	 */
	touch_stack();
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		HOG_FAIL("mlockall: %s", strerror(errno));
	/*
	 * With no process it may kill, the cgroup's OOM killer lets the
	 * charge fail, and the request answers ENOMEM.
	 */
	if (hog->oom_proof && write_file("/proc/self/oom_score_adj", "-1000"))
		HOG_FAIL("oom_score_adj: %s", strerror(errno));
	if (become(&alice))
		HOG_FAIL("cannot become alice in namespaces of her own");
	return hog_child();
}

/* The child of a memory cgroup test, and its steps. */
static pid_t hog_start(struct sw *self, struct memcg *cg, unsigned int count,
		       int oom_proof, int frames)
{
	pid_t pid;

	hog = mmap(NULL, sizeof(*hog), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (hog == MAP_FAILED)
		return -1;
	memset(hog, 0, sizeof(*hog));
	hog->self = self;
	hog->cg = cg;
	hog->count = count;
	hog->oom_proof = oom_proof;
	hog->frames = frames;
	if (pipe(hog->up) || pipe(hog->down))
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		_exit(hog_enter());
	return pid;
}

/* Waits for the child's step @want; 0, or -1 if it ended instead. */
static int hog_wait(char want)
{
	char got;

	if (read(hog->up[0], &got, 1) != 1 || got != want)
		return -1;
	return 0;
}

/* Lets the child take its next step; 0 or -1. */
static int hog_go(void)
{
	char c = 'g';

	return write(hog->down[1], &c, 1) == 1 ? 0 : -1;
}

static int hog_end(pid_t pid)
{
	int status;

	close(hog->down[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Alice, administrator of namespaces of her own, makes @count networks and
 * static entries, or (@frames) sends frames from @count source addresses;
 * her memory cgroup's memory.current grows by at least 1 MB for them.
 */
static void expect_charged(struct __test_metadata *_metadata, struct sw *self,
			   unsigned int count, int frames, const char *what)
{
	long before_loop, after_loop;
	struct memcg cg;
	pid_t pid;

	if (memcg_make(&cg, "security"))
		SKIP(return, "%s", cg.why);
	pid = hog_start(self, &cg, count, 0, frames);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, hog_wait('r'))
	TH_LOG("the child did not get ready: %s", hog->failed);
	before_loop = memcg_read(&cg, "memory.current", NULL);
	ASSERT_EQ(0, hog_go());
	ASSERT_EQ(0, hog_wait('d'));
	after_loop = memcg_read(&cg, "memory.current", NULL);
	ASSERT_EQ(0, hog_go());
	EXPECT_EQ(0, hog_end(pid));
	EXPECT_STREQ("", hog->failed);
	EXPECT_EQ(0, hog->error)
	TH_LOG("%s %u failed: %s", hog->what, hog->done, hog->extack);
	EXPECT_EQ(count, hog->done);
	ASSERT_LT(0, before_loop);
	ksft_print_msg("memory.current %ld -> %ld (%+ld kB) for %u %s\n",
		       before_loop, after_loop,
		       (after_loop - before_loop) / 1024, hog->done, what);
	EXPECT_LE(before_loop + (1L << 20), after_loop);
	memcg_remove(&cg);
}

#define HOG_NETWORKS 2000U

/*
 * What a request allocates is charged to the caller's memory cgroup: 2,000
 * networks (each ~1 kB) and static entries.
 */
TEST_F(sw, requests_are_charged_to_the_callers_memory_cgroup)
{
	expect_charged(_metadata, self, HOG_NETWORKS, 0,
		       "networks and static entries");
}

#define HOG_STATIONS 40000U

/*
 * Red team: what the switch learns from a user's traffic is charged to who
 * attached the port. Alice's network may learn a million stations, and she
 * sends frames from 40,000 addresses (the entries are 64 bytes each); before,
 * the table grew outside any limit of hers.
 */
TEST_F(sw, learned_entries_of_a_namespace_administrator_are_charged_to_it)
{
	expect_charged(_metadata, self, HOG_STATIONS, 1, "stations learned");
}

/*
 * A small memory.max stops her with ENOMEM. The cgroup's OOM killer has run by
 * then (and found nothing it may kill): its report, with a stack trace, goes
 * to the kernel log, which check.sh counts as a kernel report. So this one
 * runs only when asked (INTNET_SECURITY_OOM=1).
 */
#define HOG_BOUND 20000U

TEST_F(sw, memory_cgroup_limit_stops_a_namespace_administrator_with_enomem)
{
	long base, at_end;
	struct memcg cg;
	char limit[32];
	const char *ask = getenv("INTNET_SECURITY_OOM");
	pid_t pid;

	if (!ask || strcmp(ask, "1"))
		SKIP(return,
			   "reaching memory.max runs the cgroup's OOM killer, whose report fails the lane's dmesg check; INTNET_SECURITY_OOM=1 runs it");
	if (memcg_make(&cg, "security"))
		SKIP(return, "%s", cg.why);
	pid = hog_start(self, &cg, HOG_BOUND, 1, 0);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, hog_wait('r'))
	TH_LOG("the child did not get ready: %s", hog->failed);
	base = memcg_read(&cg, "memory.current", NULL);
	ASSERT_LT(0, base);
	snprintf(limit, sizeof(limit), "%ld", base + (2L << 20));
	ASSERT_EQ(0, memcg_write(&cg, "memory.max", limit));
	ASSERT_EQ(0, hog_go());
	ASSERT_EQ(0, hog_wait('d'));
	at_end = memcg_read(&cg, "memory.current", NULL);
	ASSERT_EQ(0, hog_go());
	EXPECT_EQ(0, hog_end(pid));
	EXPECT_STREQ("", hog->failed);
	ksft_print_msg(
		"stopped after %u networks and static entries: %s %s (\"%s\"); memory.current %ld of %s\n",
		hog->done, hog->what, strerror(-hog->error), hog->extack,
		at_end, limit);
	EXPECT_EQ(-ENOMEM, hog->error);
	EXPECT_GT(HOG_BOUND, hog->done);
	EXPECT_LE(base + (1L << 20), at_end);
	memcg_remove(&cg);
}

/* ---- 6. names per owner ---- */

/*
 * Mallory's public allow-all "intnet" with her promiscuous port t2: alice's
 * "intnet" is her own, unless she names mallory as its owner.
 */
TEST_F(sw, another_users_network_is_joined_only_when_named_with_its_owner)
{
	struct frame f;

	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	tap_make_owned(_metadata, self, 2, MALLORY, NONE);
	tap_make_owned(_metadata, self, 3, ALICE, NONE);
	sw_as(self, MALLORY, NONE);
	ASSERT_EQ(0, net_new_public(self, "intnet", INTNET_PROMISC_ALLOW_ALL));
	ASSERT_EQ(0, sw_port_add(self, "intnet", self->ifindex[2], NONE, 1));
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "intnet", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "intnet", self->ifindex[1], NONE, NONE));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));
	deliver(_metadata, self, 1, frame_make(&f, A, B, 60), PORT(0));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 60), PORT(1));
	EXPECT_PORT_ON(0, "intnet", ALICE, ALICE);
	EXPECT_PORT_ON(1, "intnet", ALICE, ALICE);

	/* On purpose, by its owner's name. */
	ASSERT_EQ(0, port_join(self, "intnet", MALLORY, self->ifindex[3], NONE))
	TH_LOG("PORT_ADD to mallory's intnet: %s", last.extack);
	EXPECT_PORT_ON(3, "intnet", MALLORY, ALICE);
	deliver(_metadata, self, 3, frame_make(&f, BCAST, C, 60), PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));
}

TEST_F(sw, user_makes_a_network_of_a_name_another_user_has)
{
	struct net_info ni;
	int n = 0;
	char *p;

	sw_as(self, MALLORY, NONE);
	ASSERT_EQ(0, net_new(self, "lab"));
	ASSERT_EQ(0, net_new_public(self, "plab", INTNET_PROMISC_DENY));
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new(self, "lab"))
	TH_LOG("NET_NEW lab: %s", last.extack);
	ASSERT_EQ(0, net_new(self, "plab"))
	TH_LOG("NET_NEW plab: %s", last.extack);
	/* Her own, by the name alone; mallory's public one by its owner's. */
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(ALICE, ni.owner);
	ASSERT_EQ(0, net_get(self, "plab", &ni));
	EXPECT_EQ(ALICE, ni.owner);
	ASSERT_EQ(0, net_get_of(self, "plab", MALLORY, &ni));
	EXPECT_EQ(MALLORY, ni.owner);
	state(_metadata, self, &after);
	for (p = after.buf; (p = strstr(p, "net ")); p++)
		n++;
	EXPECT_EQ(4, n);
}

TEST_F(sw, root_public_network_is_reached_by_name_unless_the_user_has_one)
{
	struct frame f;

	ASSERT_EQ(0, net_new_public(self, "shared", INTNET_PROMISC_DENY));
	ASSERT_EQ(0, net_new(self, "rootonly"));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, BOB, NONE);
	tap_make_owned(_metadata, self, 2, ALICE, NONE);
	tap_make_owned(_metadata, self, 3, MALLORY, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "shared", self->ifindex[0], NONE, NONE))
	TH_LOG("PORT_ADD shared: %s", last.extack);
	EXPECT_PORT_ON(0, "shared", 0, ALICE);
	/* Bob's own "shared" wins over root's. */
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, net_new(self, "shared"))
	TH_LOG("NET_NEW shared: %s", last.extack);
	ASSERT_EQ(0, sw_port_add(self, "shared", self->ifindex[1], NONE, NONE));
	EXPECT_PORT_ON(1, "shared", BOB, BOB);
	/* Root's restricted network is not reached: the name makes hers. */
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0,
		  sw_port_add(self, "rootonly", self->ifindex[2], NONE, NONE))
	TH_LOG("PORT_ADD rootonly: %s", last.extack);
	EXPECT_PORT_ON(2, "rootonly", ALICE, ALICE);
	/* Mallory joins root's. */
	sw_as(self, MALLORY, NONE);
	ASSERT_EQ(0, sw_port_add(self, "shared", self->ifindex[3], NONE, NONE));
	EXPECT_PORT_ON(3, "shared", 0, MALLORY);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(3));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60), 0);
}

TEST_F(sw,
       owner_given_for_another_users_restricted_network_answers_no_such_network)
{
	struct req q;

	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, MALLORY, NONE);
	sw_as(self, MALLORY, NONE);
	ASSERT_EQ(0, net_new(self, "lab"));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[1], NONE, NONE));
	sw_as(self, ALICE, NONE);
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       port_join(self, "lab", MALLORY, self->ifindex[0], NONE));
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       net_call(self, INTNET_CMD_NET_GET, "lab", MALLORY));
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       net_call(self, INTNET_CMD_NET_DEL, "lab", MALLORY));
	req_new(self, &q, INTNET_CMD_FDB_FLUSH);
	req_str(&q, INTNET_ATTR_NET_NAME, "lab");
	req_u32(&q, INTNET_ATTR_NET_OWNER, MALLORY);
	EXPECT_REFUSED(-ENOENT, NO_NETWORK, req_call(self, &q));
	/* Nor does she make one in mallory's name. */
	EXPECT_REFUSED(-EPERM, FOR_ANOTHER,
		       net_call(self, INTNET_CMD_NET_NEW, "lab2", MALLORY));
}

TEST_F(sw, no_create_joins_only_a_network_that_exists)
{
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	sw_as(self, MALLORY, NONE);
	ASSERT_EQ(0, net_new_public(self, "pub", INTNET_PROMISC_DENY));
	sw_as(self, ALICE, NONE);
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       port_join(self, "nothere", NONE, self->ifindex[0], 1));
	/* She has no "pub", nor has root: mallory's is not meant. */
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       port_join(self, "pub", NONE, self->ifindex[0], 1));
	ASSERT_EQ(0, port_join(self, "pub", MALLORY, self->ifindex[0], 1))
	TH_LOG("PORT_ADD no-create to mallory's pub: %s", last.extack);
	EXPECT_PORT_ON(0, "pub", MALLORY, ALICE);
	ASSERT_EQ(0, net_new(self, "mine"));
	ASSERT_EQ(0, port_join(self, "mine", NONE, self->ifindex[1], 1));
	EXPECT_PORT_ON(1, "mine", ALICE, ALICE);
}

/* ---- 7. the port's user follows the TAP's owner ---- */

TEST_F(sw, tap_given_to_another_user_leaves_a_restricted_network)
{
	struct port_info pi;
	struct net_info ni;
	struct fdb_info fi;
	struct frame f;

	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new(self, "alab"));
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[1], NONE, NONE));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));

	ASSERT_EQ(0, ioctl(self->fd[0], TUNSETOWNER, BOB));
	sw_as(self, NONE, NONE);
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(-ENOENT, fdb_get(self, NULL, A, &fi));
	ASSERT_EQ(0, net_get_of(self, "alab", ALICE, &ni));
	EXPECT_EQ(1u, ni.ports);
	EXPECT_EQ(0u, ni.fdb_learned);
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60), 0);
	/* Bob's TAP now, for bob's networks. */
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "bnet", self->ifindex[0], NONE, NONE))
	TH_LOG("PORT_ADD by the new owner: %s", last.extack);
	EXPECT_PORT_ON(0, "bnet", BOB, BOB);
}

/*
 * On a network that would take the new owner's ports too, the port still
 * leaves: whoever gave the TAP away may still hold it, and must not get the
 * new owner's view of the network. The new owner attaches it again.
 */
TEST_F(sw, tap_given_to_another_user_on_a_public_network_leaves_it)
{
	struct port_info pi;
	struct fdb_info fi;
	struct net_info ni;
	struct frame f;

	ASSERT_EQ(0, net_new_public(self, "pub", INTNET_PROMISC_DENY));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[1], NONE, NONE));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));

	ASSERT_EQ(0, ioctl(self->fd[0], TUNSETOWNER, BOB));
	/* Nobody's port: not alice's, not bob's, and nothing behind it. */
	EXPECT_REFUSED(-ENOENT, NOT_A_PORT,
		       port_get(self, self->ifindex[0], &pi));
	sw_as(self, BOB, NONE);
	EXPECT_REFUSED(-ENOENT, NOT_A_PORT,
		       port_get(self, self->ifindex[0], &pi));
	sw_as(self, NONE, NONE);
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(-ENOENT, fdb_get(self, "pub", A, &fi));
	ASSERT_EQ(0, net_get(self, "pub", &ni));
	EXPECT_EQ(1u, ni.ports);
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60), 0);
	/* Bob's to attach, now, and his port then. */
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE))
	TH_LOG("PORT_ADD by the new owner: %s", last.extack);
	EXPECT_PORT_ON(0, "pub", 0, BOB);
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60), PORT(0));
}

/*
 * The same, for the only port its user has on the network, with a station
 * learned behind it: the entry and the user's share of the FDB go with the
 * port, without a trace in the kernel log.
 */
TEST_F(sw, tap_given_away_as_its_users_only_port_leaves_cleanly)
{
	char report[512] = "";
	struct port_info pi;
	struct fdb_info fi;
	struct net_info ni;
	struct frame f;
	int kmsg;

	ASSERT_EQ(0, net_new_public(self, "pub", INTNET_PROMISC_DENY));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, MALLORY, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	sw_as(self, MALLORY, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[1], NONE, NONE));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));

	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, ioctl(self->fd[0], TUNSETOWNER, BOB));
	EXPECT_EQ(0, kmsg_report(kmsg, report, sizeof(report)))
	TH_LOG("the kernel reported: %s", report);
	close(kmsg);
	sw_as(self, NONE, NONE);
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(-ENOENT, fdb_get(self, "pub", A, &fi));
	ASSERT_EQ(0, net_get(self, "pub", &ni));
	EXPECT_EQ(0u, ni.fdb_learned);
	EXPECT_EQ(1u, ni.ports);
	/* Alice may have a port there again, with her share whole. */
	ioctl(self->fd[0], TUNSETOWNER, ALICE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(1, pi.fdb_learned);
}

/* Root opens persistent TAP @name again, gives it to @uid, and lets it go. */
static int give_persistent(const char *name, long uid)
{
	int fd = tun_open(name, IFF_TAP), err = 0;

	if (fd < 0)
		return fd;
	if (ioctl(fd, TUNSETOWNER, uid))
		err = -errno;
	close(fd);
	return err;
}

TEST_F(sw, persistent_tap_given_away_by_root_leaves_its_network)
{
	struct port_info pi;
	struct net_info ni;
	int i;

	ASSERT_EQ(0, net_new_public(self, "pub", INTNET_PROMISC_DENY));
	for (i = 0; i < 2; i++) {
		tap_make_owned(_metadata, self, i, ALICE, NONE);
		ASSERT_EQ(0, ioctl(self->fd[i], TUNSETPERSIST, 1));
		tap_close(self, i);
	}
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, net_new(self, "alab"));
	ASSERT_EQ(0, sw_port_add(self, "alab", self->ifindex[1], NONE, NONE));

	ASSERT_EQ(0, give_persistent("t0", BOB));
	ASSERT_EQ(0, give_persistent("t1", BOB));
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[0], &pi));
	sw_as(self, NONE, NONE);
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[1], &pi));
	ASSERT_EQ(0, net_get_of(self, "alab", ALICE, &ni));
	EXPECT_EQ(0u, ni.ports);
	ASSERT_EQ(0, net_get(self, "pub", &ni));
	EXPECT_EQ(0u, ni.ports);
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	EXPECT_PORT_ON(0, "pub", 0, BOB);
}

/*
 * tun announces a new owner (NETDEV_CHANGE) only while the device is up: a
 * TAP given away while down leaves its network when it comes up, or as soon
 * as a request names it, whichever comes first.
 */
TEST_F(sw, tap_given_away_while_down_leaves_when_up_or_named)
{
	struct nl_dump_status st;
	static struct text t;
	int i;

	ASSERT_EQ(0, net_new_public(self, "pub", INTNET_PROMISC_DENY));
	sw_as(self, ALICE, NONE);
	for (i = 0; i < 3; i++) {
		tap_make_owned(_metadata, self, i, ALICE, NONE);
		ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[i], NONE,
					 NONE));
		ASSERT_EQ(0, dev_set_up(self->ifname[i], 0));
		ASSERT_EQ(0, ioctl(self->fd[i], TUNSETOWNER, BOB));
	}
	/* t0, still down, named by its old owner: gone. */
	EXPECT_EQ(-ENOENT, port_del(self, self->ifindex[0]));
	EXPECT_STREQ(NOT_A_PORT, last.extack);
	/* t1 comes up: gone, before anyone asks. */
	ASSERT_EQ(0, dev_set_up("t1", 1));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, NULL, text_port, &t,
				 &st));
	EXPECT_EQ(NULL, strstr(t.buf, " t0 "));
	EXPECT_EQ(NULL, strstr(t.buf, " t1 "));
	/* t2, still down: the new owner attaches it, as his. */
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[2], NONE, NONE))
	TH_LOG("PORT_ADD by the new owner: %s", last.extack);
	EXPECT_PORT_ON(2, "pub", 0, BOB);
}

/*
 * Whoever holds a TAP may give it to anyone (TUNSETOWNER asks nothing), and
 * keeps reading it: bob's promiscuous port on a network whose policy shows a
 * user the frames of their own ports must not become a window on alice's
 * frames by giving his TAP to her.
 */
TEST_F(sw, tap_given_away_gets_none_of_its_new_owners_frames)
{
	struct frame f;

	ASSERT_EQ(0,
		  net_new_public(self, "pub", INTNET_PROMISC_ALLOW_SAME_USER));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	tap_make_owned(_metadata, self, 2, BOB, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[1], NONE, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[2], NONE, 1))
	TH_LOG("PORT_ADD promiscuous: %s", last.extack);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, C, 60),
		PORT(0) | PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, C, A, 60), PORT(1));

	ASSERT_EQ(0, ioctl(self->fd[2], TUNSETOWNER, ALICE));
	deliver(_metadata, self, 0, frame_make(&f, C, A, 60), PORT(1));
	deliver(_metadata, self, 1, frame_make(&f, A, C, 60), PORT(0));
}

/*
 * A TAP with a group only is its member's port; moved to a group he is not
 * in (TUNSETGROUP), it is no longer his to use, by tun's rule or intnet's.
 */
TEST_F(sw, group_only_tap_moved_to_another_group_is_no_longer_the_members)
{
	struct port_info pi;

	ASSERT_EQ(0, net_new_public(self, "pub", INTNET_PROMISC_DENY));
	tap_make_owned(_metadata, self, 0, NONE, G);
	sw_as(self, BOB, G);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(BOB, pi.user);
	ASSERT_EQ(0, ioctl(self->fd[0], TUNSETGROUP, G + 1));
	EXPECT_REFUSED(-ENOENT, NOT_A_PORT,
		       port_get(self, self->ifindex[0], &pi));
	EXPECT_REFUSED(-ENOENT, NOT_A_PORT,
		       port_set(self, self->ifindex[0], NONE, 1));
}

/* ---- 8. carrier ---- */

TEST_F(sw, tap_without_carrier_gets_no_copies_and_loses_its_entries)
{
	uint64_t st[__INTNET_STATS_MAX];
	struct port_net pn;
	struct fdb_info fi;
	struct frame f;
	int i, err;

	add_ports(_metadata, self, 3, "lab");
	ASSERT_EQ(0, ioctl(self->fd[1], TUNSETPERSIST, 1));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60),
		PORT(0) | PORT(2));
	ASSERT_EQ(0, fdb_get(self, "lab", B, &fi));
	ASSERT_EQ(self->ifindex[1], (int)fi.ifindex);
	ASSERT_EQ(0, port_net_of(self, self->ifindex[1], &pn));
	EXPECT_EQ(1, pn.carrier);

	/* Nobody holds t1 any more: no carrier. */
	tap_close(self, 1);
	ASSERT_EQ(0, port_net_of(self, self->ifindex[1], &pn));
	EXPECT_EQ(0, pn.carrier);
	/* Its entries go (the kernel tells of a carrier change within 1 s). */
	for (i = 0; i < 50; i++) {
		err = fdb_get(self, "lab", B, &fi);
		if (err)
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(-ENOENT, err);
	/* Floods and unknown unicast skip it. */
	for (i = 0; i < 5; i++)
		deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
			PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, B, A, 60), PORT(2));
	port_stats(_metadata, self, 1, st);
	EXPECT_EQ(0u, st[INTNET_STATS_TX_PACKETS]);
	EXPECT_EQ(0u, st[INTNET_STATS_TX_DROP_ERROR]);
	EXPECT_EQ(0u, st[INTNET_STATS_TX_DROP_NOMEM]);
	EXPECT_EQ(0u, st[INTNET_STATS_TX_DROP_OVERSIZE]);
}

/* ---- 9. IEEE 802.1D link-local groups ---- */

TEST_F(sw,
       link_local_frames_are_dropped_unless_the_group_fwd_mask_forwards_them)
{
	static const uint8_t groups[] = { 0x00, 0x02, 0x03, 0x0e };
	struct nlattr *a;
	struct net_info ni;
	struct frame f;
	unsigned int i;

	add_ports(_metadata, self, 3, "lab");
	for (i = 0; i < sizeof(groups); i++)
		deliver(_metadata, self, 0, link_local(&f, groups[i], A), 0);
	EXPECT_EQ(4u, port_stat(_metadata, self, 0,
				INTNET_STATS_RX_DROP_LINK_LOCAL));
	EXPECT_EQ(0u, port_stat(_metadata, self, 0, INTNET_STATS_RX_FLOODED));

	/* 802.1X (01:80:C2:00:00:03) forwarded, the others still not. */
	ASSERT_EQ(0, net_mask(self, INTNET_CMD_NET_SET, "lab", 1 << 3))
	TH_LOG("NET_SET group-fwd-mask: %s", last.extack);
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	a = genl_attr(last.msg, INTNET_ATTR_NET_GROUP_FWD_MASK);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(1 << 3, *(uint16_t *)nla_payload(a));
	deliver(_metadata, self, 0, link_local(&f, 0x03, A), PORT(1) | PORT(2));
	deliver(_metadata, self, 1, link_local(&f, 0x03, B), PORT(0) | PORT(2));
	deliver(_metadata, self, 0, link_local(&f, 0x00, A), 0);
	deliver(_metadata, self, 0, link_local(&f, 0x0e, A), 0);
	EXPECT_EQ(6u, port_stat(_metadata, self, 0,
				INTNET_STATS_RX_DROP_LINK_LOCAL));
	EXPECT_EQ(1u, port_stat(_metadata, self, 0, INTNET_STATS_RX_FLOODED));
}

TEST_F(sw, pause_is_never_forwarded)
{
	struct frame f;

	add_ports(_metadata, self, 3, "lab");
	EXPECT_REFUSED(-EINVAL, PAUSE_REFUSED,
		       net_mask(self, INTNET_CMD_NET_SET, "lab", 1 << 1));
	EXPECT_REFUSED(-EINVAL, PAUSE_REFUSED,
		       net_mask(self, INTNET_CMD_NET_SET, "lab", 0xffff));
	EXPECT_REFUSED(-EINVAL, PAUSE_REFUSED,
		       net_mask(self, INTNET_CMD_NET_NEW, "lab2", 1 << 1));
	/* Every other group forwarded: PAUSE still not. */
	ASSERT_EQ(0, net_mask(self, INTNET_CMD_NET_SET, "lab", 0xfffd))
	TH_LOG("NET_SET group-fwd-mask: %s", last.extack);
	link_local(&f, 0x01, A);
	f.b[12] = 0x88;
	f.b[13] = 0x08;
	deliver(_metadata, self, 0, &f, 0);
	deliver(_metadata, self, 0, link_local(&f, 0x02, A), PORT(1) | PORT(2));
	EXPECT_EQ(1u, port_stat(_metadata, self, 0,
				INTNET_STATS_RX_DROP_LINK_LOCAL));
}

/* ---- 10. the learning share is per user ---- */

TEST_F(sw, users_share_of_the_fdb_spans_all_their_ports)
{
	uint64_t full = 0;
	struct port_info pi;
	struct fdb_info fi;
	struct frame f;
	long learned = 0;
	int i;

	/* Eight entries, four per user. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, INTNET_ATTR_NET_FDB_MAX,
				8, 0));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	tap_make_owned(_metadata, self, 2, BOB, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[1], NONE, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[2], NONE, NONE));
	sw_as(self, NONE, NONE);

	/* Alice floods random sources from both her TAPs. */
	for (i = 0; i < 12; i++)
		deliver(_metadata, self, i % 2,
			frame_make(&f, BCAST, MAC(0x40 + i), 60),
			all_but(self, i % 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, port_get(self, self->ifindex[i], &pi));
		learned += pi.fdb_learned;
		full += pi.st[INTNET_STATS_FDB_FULL];
	}
	EXPECT_EQ(4, learned);
	EXPECT_EQ(8u, full);

	/* Bob's stations are still learned, and his unicast not flooded. */
	deliver(_metadata, self, 2, frame_make(&f, BCAST, B, 60),
		PORT(0) | PORT(1));
	deliver(_metadata, self, 2, frame_make(&f, BCAST, C, 60),
		PORT(0) | PORT(1));
	ASSERT_EQ(0, fdb_get(self, "pub", B, &fi));
	EXPECT_EQ(self->ifindex[2], (int)fi.ifindex);
	deliver(_metadata, self, 0, frame_make(&f, B, MAC(0x40), 60), PORT(2));
	deliver(_metadata, self, 1, frame_make(&f, C, MAC(0x41), 60), PORT(2));
}

/* ---- 11. and the rest that can be seen from outside ---- */

struct blaster {
	int fd;
	volatile int stop;
	unsigned long frames;
};

/* New sources, one frame each, as fast as the TAP takes them. */
static void *blast(void *arg)
{
	static const uint8_t dst[ETH_ALEN] = { 0x02, 0xd5, 0, 0, 0, 1 };
	struct blaster *b = arg;
	uint8_t f[60] = { 0 };

	memcpy(f, dst, ETH_ALEN);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	while (!b->stop) {
		flood_source(f + ETH_ALEN, b->frames++);
		if (write(b->fd, f, sizeof(f)) != sizeof(f))
			break;
	}
	return NULL;
}

/* How long the race is run, in seconds. */
#define DOWN_SECONDS 10

/*
 * A frame that passed the port's "up" check as the port was pulled down must
 * not be learned after the flush that went with it: once PORT_SET up=0 has
 * returned, nothing is behind the port. A race: frames with new sources come
 * from another CPU the whole time, and the port goes down and up again as
 * often as it can for DOWN_SECONDS.
 */
TEST_F(sw, nothing_is_learned_onto_a_port_pulled_down)
{
	struct blaster b = { 0 };
	int behind = 0, rounds = 0, hit = 0;
	struct port_info pi;
	struct timespec t0;
	pthread_t thread;

	add_ports(_metadata, self, 1, "lab");
	b.fd = self->fd[0];
	ASSERT_EQ(0, pthread_create(&thread, NULL, blast, &b));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (seconds_since(&t0) < DOWN_SECONDS) {
		ASSERT_EQ(0, port_set(self, self->ifindex[0], 1, NONE));
		ASSERT_EQ(0, port_set(self, self->ifindex[0], 0, NONE));
		ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
		rounds++;
		if (pi.fdb_learned) {
			behind += pi.fdb_learned;
			hit++;
			ASSERT_EQ(0, fdb_flush(self, NULL, self->ifindex[0]));
		}
	}
	b.stop = 1;
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ksft_print_msg(
		"%lu frames; %d entries behind the down port in %d of %d rounds\n",
		b.frames, behind, hit, rounds);
	EXPECT_LT(1000ul, b.frames);
	EXPECT_EQ(0, behind);
}

/*
 * A station does not move to another user's port while its entry lives, so no
 * move charges one user's share for another's station: B, bob's, stays his
 * when alice's port sends from it, and her share stays as it was.
 */
TEST_F(sw, station_does_not_move_into_another_users_share)
{
	struct fdb_info fi;
	struct frame f;

	/* Four entries, two per user. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, INTNET_ATTR_NET_FDB_MAX,
				4, 0));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, BOB, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[1], NONE, NONE));
	sw_as(self, NONE, NONE);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, C, 60), PORT(1));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60), PORT(0));

	/* B shows up behind alice's port: dropped, B stays bob's. */
	deliver(_metadata, self, 0, frame_make(&f, BCAST, B, 60), 0);
	ASSERT_EQ(0, fdb_get(self, "pub", B, &fi));
	EXPECT_EQ(self->ifindex[1], (int)fi.ifindex);
	EXPECT_EQ(1u, port_stat(_metadata, self, 0,
				INTNET_STATS_RX_DROP_MAC_LOCKED));
	EXPECT_EQ(0u, port_stat(_metadata, self, 0, INTNET_STATS_FDB_FULL));
	state(_metadata, self, &before);
	EXPECT_NE(NULL, strstr(before.buf, "user=1001 learned=2"));
	EXPECT_NE(NULL, strstr(before.buf, "user=1002 learned=1"));
}

/* ---- listening ---- */

/* The next message of @cmd on @fd within a second, into @buf; 0 or -ETIME. */
static int next_event(int fd, uint8_t cmd, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct nlmsghdr *nh;
	ssize_t n;

	while (poll(&pfd, 1, 1000) == 1) {
		n = recv(fd, buf, size, 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type < NLMSG_MIN_TYPE ||
			    ((struct genlmsghdr *)NLMSG_DATA(nh))->cmd != cmd)
				continue;
			memmove(buf, nh, nh->nlmsg_len);
			return 0;
		}
	}
	return -ETIME;
}

TEST_F(sw, fdb_move_event_names_the_previous_port)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	static char buf[NL_BUF];
	char name[IFNAMSIZ];
	struct frame f;
	int fd, found = 0;

	fd = genl_join(INTNET_MCGRP_FDB);
	ASSERT_LE(0, fd);
	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, A, 60),
		PORT(0) | PORT(2));
	while (!found &&
	       !next_event(fd, INTNET_CMD_FDB_ADD, buf, sizeof(buf))) {
		genl_index((struct nlmsghdr *)buf, tb, INTNET_ATTR_MAX);
		found = get_u8(tb[INTNET_ATTR_FDB_EVENT]) ==
			INTNET_FDB_EVENT_MOVE;
	}
	ASSERT_TRUE(found);
	ASSERT_NE(NULL, tb[INTNET_ATTR_MAC]);
	EXPECT_EQ(0, memcmp(A, nla_payload(tb[INTNET_ATTR_MAC]), ETH_ALEN));
	EXPECT_EQ(self->ifindex[1], (int)get_u32(tb[INTNET_ATTR_IFINDEX]));
	EXPECT_EQ(self->ifindex[0],
		  (int)get_u32_or_none(tb[INTNET_ATTR_FDB_PREV_IFINDEX]));
	get_str(tb[INTNET_ATTR_FDB_PREV_IFNAME], name, sizeof(name));
	EXPECT_STREQ("t0", name);
	close(fd);
}

/*
 * Sends @q as the administrator: how many data messages came before the ack
 * (the first copied to @first), or the negative errno it answered.
 */
static int call_counting(struct sw *self, struct req *q, char *first,
			 size_t size)
{
	int err = nl_request(self->nl, q->buf, q->len, &last);

	if (err)
		return err;
	if (last.msg && last.msg->nlmsg_len <= size)
		memcpy(first, last.msg, last.msg->nlmsg_len);
	return last.msgs;
}

TEST_F(sw, fdb_get_request_answers_one_entry)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	static char msg[NL_BUF];
	struct frame f;
	struct req q;

	add_ports(_metadata, self, 2, "lab");
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60), PORT(1));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60), PORT(0));
	req_new(self, &q, INTNET_CMD_FDB_GET);
	req_str(&q, INTNET_ATTR_NET_NAME, "lab");
	req_put(&q, INTNET_ATTR_MAC, B, ETH_ALEN);
	ASSERT_EQ(1, call_counting(self, &q, msg, sizeof(msg)))
	TH_LOG("FDB_GET: %s", last.extack);
	EXPECT_EQ(
		INTNET_CMD_FDB_GET,
		((struct genlmsghdr *)NLMSG_DATA((struct nlmsghdr *)msg))->cmd);
	genl_index((struct nlmsghdr *)msg, tb, INTNET_ATTR_MAX);
	ASSERT_NE(NULL, tb[INTNET_ATTR_MAC]);
	EXPECT_EQ(0, memcmp(B, nla_payload(tb[INTNET_ATTR_MAC]), ETH_ALEN));
	EXPECT_EQ(self->ifindex[1], (int)get_u32(tb[INTNET_ATTR_IFINDEX]));
	EXPECT_EQ(0, get_u8(tb[INTNET_ATTR_FDB_IS_STATIC]));

	req_new(self, &q, INTNET_CMD_FDB_GET);
	req_str(&q, INTNET_ATTR_NET_NAME, "lab");
	req_put(&q, INTNET_ATTR_MAC, C, ETH_ALEN);
	EXPECT_EQ(-ENOENT, call_counting(self, &q, msg, sizeof(msg)));
	EXPECT_STREQ(NO_ENTRY, last.extack);
}

/* ---- quotas ---- */

/* Each test sets the parameter it is about. */
FIXTURE(quota){};
FIXTURE_SETUP(quota)
{
}
/*
 * In the test's parent: runs even when the test dies on an assertion. A
 * parameter the module does not have is left alone.
 */
FIXTURE_TEARDOWN_PARENT(quota)
{
	static const char *const params[] = { MAX_NETWORKS, MAX_PORTS_PER_USER,
					      MAX_MONITORS };
	char value[32];
	unsigned int i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (read_line(params[i], value, sizeof(value)))
			continue;
		EXPECT_EQ(0, write_file(params[i], PARAM_DEFAULT));
	}
}

/* (A fixture's test has a "self" of its own: the tests are functions.) */
static void network_quota(struct __test_metadata *_metadata)
{
	struct sw *self = sw_new(_metadata);

	ASSERT_EQ(0, write_file(MAX_NETWORKS, "2"));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new(self, "n1"));
	ASSERT_EQ(0, net_new(self, "n2"));
	EXPECT_REFUSED(-EDQUOT, NET_QUOTA, net_new(self, "n3"));
	EXPECT_REFUSED(-EDQUOT, NET_QUOTA,
		       sw_port_add(self, "n3", self->ifindex[0], NONE, NONE));
}

TEST_F(quota, networks_beyond_max_networks_per_user_answer_edquot)
{
	network_quota(_metadata);
}

static void port_quota(struct __test_metadata *_metadata)
{
	struct sw *self = sw_new(_metadata);
	int i;

	ASSERT_EQ(0, write_file(MAX_PORTS_PER_USER, "2"));
	for (i = 0; i < 3; i++)
		tap_make_owned(_metadata, self, i, ALICE, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new(self, "n1"));
	ASSERT_EQ(0, sw_port_add(self, "n1", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "n1", self->ifindex[1], NONE, NONE));
	EXPECT_REFUSED(-EDQUOT, PORT_QUOTA,
		       sw_port_add(self, "n1", self->ifindex[2], NONE, NONE));
	/* Nor on another network (which is not made either). */
	EXPECT_REFUSED(-EDQUOT, PORT_QUOTA,
		       sw_port_add(self, "n2", self->ifindex[2], NONE, NONE));
	/* One gone, one may come. */
	ASSERT_EQ(0, port_del(self, self->ifindex[0]));
	ASSERT_EQ(0, sw_port_add(self, "n1", self->ifindex[2], NONE, NONE));
}

TEST_F(quota, ports_beyond_max_ports_per_user_answer_edquot)
{
	port_quota(_metadata);
}

/* INTNET_CMD_MONITOR of @what on @fd: 0 or a negative errno (text in @r). */
static int monitor(int fd, uint32_t what, struct nl_reply *r)
{
	int family = genl_family_id(fd, INTNET_GENL_NAME);
	char req[256];
	size_t len;

	if (family < 0)
		return family;
	len = genl_start(req, family, INTNET_CMD_MONITOR, 0);
	len = nl_put(req, len, INTNET_ATTR_MONITOR, &what, sizeof(what));
	return nl_request(fd, req, len, r);
}

/* In a child: two subscriptions; the second's answer goes to user_io. */
static int two_monitors(void *arg)
{
	struct user_io *io = arg;
	static struct nl_reply r;
	int a = nl_open(), b = nl_open();

	if (a < 0 || b < 0 || monitor(a, INTNET_MONITOR_OBJECTS, &r))
		return 3;
	io->error = monitor(b, INTNET_MONITOR_OBJECTS, &r);
	memcpy(io->extack, r.extack, sizeof(io->extack));
	return 0;
}

static void monitor_quota(struct __test_metadata *_metadata)
{
	const struct who alice = { ALICE, NONE, NONE, 0 };
	struct sw *self = sw_new(_metadata);

	ASSERT_EQ(0, write_file(MAX_MONITORS, "1"));
	EXPECT_EQ(-EDQUOT, who_do(self, &alice, two_monitors, NULL));
	EXPECT_STREQ(MONITOR_QUOTA, last.extack);
}

TEST_F(quota, subscriptions_beyond_max_monitors_per_user_answer_edquot)
{
	monitor_quota(_metadata);
}

/* ---- requests the family's policies refuse ---- */

/* @q as the administrator, with one attribute @type of 4 bytes added. */
static int with_extra(struct sw *self, struct req *q, uint16_t type)
{
	uint32_t v = 1;

	req_put(q, type, &v, sizeof(v));
	return req_call(self, q);
}

TEST_F(sw, attribute_irrelevant_to_a_command_is_refused)
{
	struct req q;

	add_ports(_metadata, self, 1, "lab");
	ASSERT_EQ(0, net_new(self, "keep"));
	req_new(self, &q, INTNET_CMD_VERSION_GET);
	EXPECT_REFUSED(-EINVAL, UNSUPPORTED,
		       with_extra(self, &q, INTNET_ATTR_IFINDEX));
	req_new(self, &q, INTNET_CMD_NET_DEL);
	req_str(&q, INTNET_ATTR_NET_NAME, "keep");
	EXPECT_REFUSED(-EINVAL, UNSUPPORTED,
		       with_extra(self, &q, INTNET_ATTR_NET_AGEING));
	req_new(self, &q, INTNET_CMD_PORT_DEL);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[0]);
	EXPECT_REFUSED(-EINVAL, UNSUPPORTED,
		       with_extra(self, &q, INTNET_ATTR_NET_FDB_MAX));
	req_new(self, &q, INTNET_CMD_FDB_ADD);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[0]);
	req_put(&q, INTNET_ATTR_MAC, A, ETH_ALEN);
	EXPECT_REFUSED(-EINVAL, UNSUPPORTED,
		       with_extra(self, &q, INTNET_ATTR_NET_OWNER));
	req_new(self, &q, INTNET_CMD_NET_DEL);
	req_str(&q, INTNET_ATTR_NET_NAME, "keep");
	EXPECT_REFUSED(-EINVAL, UNKNOWN_TYPE,
		       with_extra(self, &q, INTNET_ATTR_MAX + 5));
}

/* Sends @q as the administrator; its error and NLMSGERR_ATTR_MISS_TYPE. */
static int call_missing(struct sw *self, struct req *q, long *miss)
{
	int err = nl_request(self->nl, q->buf, q->len, &last);

	*miss = last.miss_type;
	return err;
}

/* @q is refused with EINVAL, @msg, and the missing attribute @type. */
#define EXPECT_MISSING(type, msg, q)                                \
	do {                                                        \
		long __miss;                                        \
		state(_metadata, self, &before);                    \
		EXPECT_EQ(-EINVAL, call_missing(self, q, &__miss)); \
		EXPECT_STREQ(msg, last.extack);                     \
		EXPECT_EQ(type, __miss);                            \
		state(_metadata, self, &after);                     \
		EXPECT_STREQ(before.buf, after.buf);                \
	} while (0)

TEST_F(sw, missing_attribute_is_named_in_the_extack)
{
	struct req q;

	add_ports(_metadata, self, 1, "lab");
	req_new(self, &q, INTNET_CMD_NET_NEW);
	EXPECT_MISSING(INTNET_ATTR_NET_NAME, NAME_REQUIRED, &q);
	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "lab");
	EXPECT_MISSING(INTNET_ATTR_IFINDEX, DEVICE_REQUIRED, &q);
	req_new(self, &q, INTNET_CMD_FDB_ADD);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[0]);
	EXPECT_MISSING(INTNET_ATTR_MAC, MAC_REQUIRED, &q);
	req_new(self, &q, INTNET_CMD_FDB_DEL);
	req_str(&q, INTNET_ATTR_NET_NAME, "lab");
	EXPECT_MISSING(INTNET_ATTR_MAC, MAC_REQUIRED, &q);
	req_new(self, &q, INTNET_CMD_MONITOR);
	EXPECT_MISSING(INTNET_ATTR_MONITOR, WHAT_REQUIRED, &q);
}

TEST_HARNESS_MAIN
