// SPDX-License-Identifier: GPL-2.0
/* intnet: the generic netlink family "intnet", its policy and its operations. */

#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "intnet.h"

#define REPLY_ONLY { .type = NLA_REJECT }

/* Not const: 6.1 takes a plain pointer. */
static struct netlink_range_validation ageing_range = {
	.max = INTNET_AGEING_MAX,
};

static struct netlink_range_validation fdb_max_range = {
	.min = 1,
	.max = INTNET_FDB_MAX_LIMIT,
};

static struct netlink_range_validation port_fdb_max_range = {
	.max = INTNET_FDB_MAX_LIMIT,
};

static const struct nla_policy intnet_policy[INTNET_ATTR_MAX + 1] = {
	[INTNET_ATTR_VERSION] = REPLY_ONLY,
	[INTNET_ATTR_FEATURES] = REPLY_ONLY,
	[INTNET_ATTR_PAD] = REPLY_ONLY,
	/* Content and length are checked by get_name(), with a clear message. */
	[INTNET_ATTR_NET_NAME] = { .type = NLA_NUL_STRING },
	[INTNET_ATTR_NET_FLOOD_UNKNOWN] = NLA_POLICY_MAX(NLA_U8, 1),
	[INTNET_ATTR_NET_AGEING] = NLA_POLICY_FULL_RANGE(NLA_U32, &ageing_range),
	[INTNET_ATTR_NET_FDB_MAX] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &fdb_max_range),
	[INTNET_ATTR_NET_EXPLICIT] = NLA_POLICY_MAX(NLA_U8, 1),
	[INTNET_ATTR_NET_OWNER] = REPLY_ONLY,
	[INTNET_ATTR_NET_PORTS] = REPLY_ONLY,
	[INTNET_ATTR_NET_FDB_LEARNED] = REPLY_ONLY,
	[INTNET_ATTR_NET_FDB_STATIC] = REPLY_ONLY,
	[INTNET_ATTR_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[INTNET_ATTR_IFNAME] = REPLY_ONLY,
	[INTNET_ATTR_PORT_UP] = NLA_POLICY_MAX(NLA_U8, 1),
	[INTNET_ATTR_PORT_PROMISC] = NLA_POLICY_MAX(NLA_U8, 1),
	[INTNET_ATTR_PORT_PROMISC_ACTIVE] = REPLY_ONLY,
	[INTNET_ATTR_MAC] = NLA_POLICY_ETH_ADDR,
	[INTNET_ATTR_FDB_IS_STATIC] = REPLY_ONLY,
	[INTNET_ATTR_FDB_AGE] = REPLY_ONLY,
	[INTNET_ATTR_STATS] = REPLY_ONLY,
	[INTNET_ATTR_NET_ACCESS] = NLA_POLICY_MAX(NLA_U8, INTNET_ACCESS_PUBLIC),
	[INTNET_ATTR_NET_PROMISC_POLICY] =
		NLA_POLICY_MAX(NLA_U8, INTNET_PROMISC_ALLOW_ALL),
	[INTNET_ATTR_NET_PORT_FDB_MAX] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &port_fdb_max_range),
	[INTNET_ATTR_PORT_USER] = { .type = NLA_U32 },
	[INTNET_ATTR_PORT_LOCK_MAC] = NLA_POLICY_ETH_ADDR,
	[INTNET_ATTR_PORT_FDB_LEARNED] = REPLY_ONLY,
	[INTNET_ATTR_FDB_LOCKED] = REPLY_ONLY,
};

static struct genl_family intnet_family;

/* ---- who asks, and what they may see and change ---- */

/*
 * An administrator (CAP_NET_ADMIN over the namespace's user namespace) may do
 * everything; anyone else acts on what they own: their networks, their ports and
 * the ports of their networks. What they may not see is answered as absent.
 */
struct caller {
	kuid_t uid;
	bool admin;
};

static struct caller caller_of(const struct sk_buff *skb, struct net *net)
{
	return (struct caller){
		.uid = current_euid(),
		.admin = netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN),
	};
}

static bool owns_net(const struct caller *c, const struct intnet_network *nw)
{
	return c->admin || uid_eq(c->uid, nw->owner);
}

static bool sees_net(const struct caller *c, const struct intnet_network *nw)
{
	return owns_net(c, nw) || READ_ONCE(nw->access) == INTNET_ACCESS_PUBLIC;
}

/* Seeing a port is also the right to change or detach it. */
static bool sees_port(const struct caller *c, const struct intnet_port *port)
{
	return owns_net(c, port->network) || uid_eq(c->uid, port->user);
}

/* A refusal for want of a right: EPERM with the reason. */
#define DENY(extack, msg)                             \
	({                                            \
		NL_SET_ERR_MSG_MOD((extack), msg);    \
		-EPERM;                               \
	})

/* ---- request helpers: each says what is wrong in the extack ---- */

static const char *get_name(struct nlattr **attrs,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[INTNET_ATTR_NET_NAME];

	if (!a) {
		NL_SET_ERR_MSG_MOD(extack, "a network name is required");
		return NULL;
	}
	if (!intnet_name_valid(nla_data(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a network name is 1 to 127 printable ASCII characters without spaces");
		return NULL;
	}
	return nla_data(a);
}

static struct intnet_network *get_network(struct net *net,
					  struct nlattr **attrs,
					  const struct caller *c,
					  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw;
	const char *name;

	name = get_name(attrs, extack);
	if (!name)
		return ERR_PTR(-EINVAL);
	nw = intnet_network_find(net, name);
	if (!nw || !sees_net(c, nw)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[INTNET_ATTR_NET_NAME],
				    "no such network");
		return ERR_PTR(-ENOENT);
	}
	return nw;
}

static struct net_device *lookup_device(struct net *net,
					struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	if (!attrs[INTNET_ATTR_IFINDEX]) {
		NL_SET_ERR_MSG_MOD(extack, "a device (ifindex) is required");
		return ERR_PTR(-EINVAL);
	}
	dev = __dev_get_by_index(net, nla_get_u32(attrs[INTNET_ATTR_IFINDEX]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[INTNET_ATTR_IFINDEX],
				    "no such device in this network namespace");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

static struct intnet_port *get_port(struct net *net, struct nlattr **attrs,
				    const struct caller *c,
				    struct netlink_ext_ack *extack)
{
	struct intnet_port *port;
	struct net_device *dev;

	dev = lookup_device(net, attrs, extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	port = intnet_port_get_rtnl(dev);
	if (!port || !sees_port(c, port)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[INTNET_ATTR_IFINDEX],
				    "the device is not a port");
		return ERR_PTR(-ENOENT);
	}
	return port;
}

static bool get_flag(struct nlattr **attrs, int type, bool dflt)
{
	return attrs[type] ? nla_get_u8(attrs[type]) : dflt;
}

/*
 * A MAC lock in a request: *@addr is the address, or NULL to unlock (all
 * zeros); *@given says whether the request has one at all.
 */
static int get_lock_mac(struct nlattr **attrs, bool *given, const u8 **addr,
			struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[INTNET_ATTR_PORT_LOCK_MAC];

	*given = a;
	*addr = NULL;
	if (!a || is_zero_ether_addr(nla_data(a)))
		return 0;
	if (!is_valid_ether_addr(nla_data(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a MAC lock needs a unicast address (00:00:00:00:00:00 unlocks)");
		return -EINVAL;
	}
	*addr = nla_data(a);
	return 0;
}

static u8 policy_of(const struct intnet_network *nw)
{
	return READ_ONCE(nw->promisc_policy);
}

/* ---- replies ---- */

static int fill_net(struct sk_buff *msg, struct intnet_network *nw)
{
	u64 sum[__INTNET_STATS_MAX];

	intnet_stats_network_sum(nw, sum);
	if (nla_put_string(msg, INTNET_ATTR_NET_NAME, nw->name) ||
	    nla_put_u8(msg, INTNET_ATTR_NET_FLOOD_UNKNOWN, nw->flood_unknown) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_AGEING, nw->ageing) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_FDB_MAX, nw->fdb_max) ||
	    nla_put_u8(msg, INTNET_ATTR_NET_EXPLICIT, nw->explicit) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_OWNER,
			from_kuid_munged(current_user_ns(), nw->owner)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_PORTS, nw->n_ports) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_FDB_LEARNED,
			READ_ONCE(nw->fdb_learned)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_FDB_STATIC,
			READ_ONCE(nw->fdb_static)) ||
	    nla_put_u8(msg, INTNET_ATTR_NET_ACCESS, READ_ONCE(nw->access)) ||
	    nla_put_u8(msg, INTNET_ATTR_NET_PROMISC_POLICY, policy_of(nw)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_PORT_FDB_MAX,
			READ_ONCE(nw->port_fdb_max)))
		return -EMSGSIZE;
	return intnet_stats_put(msg, sum);
}

static int fill_port(struct sk_buff *msg, struct intnet_port *port)
{
	u64 sum[__INTNET_STATS_MAX];
	bool up = READ_ONCE(port->up);
	bool promisc = READ_ONCE(port->promisc);
	bool active = up && promisc &&
		      policy_of(port->network) != INTNET_PROMISC_DENY;
	u64 lock = READ_ONCE(port->lock_mac);
	u8 mac[ETH_ALEN];

	intnet_stats_port_sum(port, sum);
	u64_to_ether_addr(lock, mac);
	if (nla_put_u32(msg, INTNET_ATTR_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(msg, INTNET_ATTR_IFNAME, port->dev->name) ||
	    nla_put_string(msg, INTNET_ATTR_NET_NAME, port->network->name) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_UP, up) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_PROMISC, promisc) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_PROMISC_ACTIVE, active) ||
	    nla_put_u32(msg, INTNET_ATTR_PORT_USER,
			from_kuid_munged(current_user_ns(), port->user)) ||
	    nla_put_u32(msg, INTNET_ATTR_PORT_FDB_LEARNED,
			READ_ONCE(port->fdb_learned)) ||
	    (lock && nla_put(msg, INTNET_ATTR_PORT_LOCK_MAC, ETH_ALEN, mac)))
		return -EMSGSIZE;
	return intnet_stats_put(msg, sum);
}

static int fill_fdb(struct sk_buff *msg, struct intnet_network *nw,
		    struct intnet_fdb_entry *e)
{
	struct intnet_port *port = rcu_dereference(e->port);
	u64 idle = jiffies - READ_ONCE(e->updated);
	u32 age = e->is_static ? 0 : min_t(u64, idle * 1000 / HZ, U32_MAX);

	if (nla_put(msg, INTNET_ATTR_MAC, ETH_ALEN, e->addr) ||
	    nla_put_u32(msg, INTNET_ATTR_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(msg, INTNET_ATTR_IFNAME, port->dev->name) ||
	    nla_put_string(msg, INTNET_ATTR_NET_NAME, nw->name) ||
	    nla_put_u8(msg, INTNET_ATTR_FDB_IS_STATIC, e->is_static) ||
	    nla_put_u8(msg, INTNET_ATTR_FDB_LOCKED, e->locked) ||
	    nla_put_u32(msg, INTNET_ATTR_FDB_AGE, age))
		return -EMSGSIZE;
	return 0;
}

/* Fills a message with object @a (and @b, where it takes two). */
typedef int (*fill_fn)(struct sk_buff *msg, void *a, void *b);

/* One object as the answer to a request. */
static int reply(struct genl_info *info, u8 cmd, fill_fn fill, void *obj)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &intnet_family, 0, cmd);
	if (!hdr || fill(msg, obj, NULL)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* One object of a dump; -EMSGSIZE when the message is full. */
static int dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		    fill_fn fill, void *a, void *b)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &intnet_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (fill(skb, a, b)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int fill_net_any(struct sk_buff *msg, void *nw, void *unused)
{
	return fill_net(msg, nw);
}

static int fill_port_any(struct sk_buff *msg, void *port, void *unused)
{
	return fill_port(msg, port);
}

static int fill_fdb_any(struct sk_buff *msg, void *nw, void *e)
{
	return fill_fdb(msg, nw, e);
}

/* ---- version ---- */

static int fill_version(struct sk_buff *msg, void *unused, void *unused2)
{
	if (nla_put_string(msg, INTNET_ATTR_VERSION, INTNET_VERSION) ||
	    nla_put_u64_64bit(msg, INTNET_ATTR_FEATURES, INTNET_FEATURES,
			      INTNET_ATTR_PAD))
		return -EMSGSIZE;
	return 0;
}

static int intnet_nl_version_get(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, INTNET_CMD_VERSION_GET, fill_version, NULL);
}

/* ---- networks ---- */

static void apply_net_settings(struct intnet_network *nw, struct nlattr **attrs)
{
	if (attrs[INTNET_ATTR_NET_FLOOD_UNKNOWN])
		WRITE_ONCE(nw->flood_unknown,
			   nla_get_u8(attrs[INTNET_ATTR_NET_FLOOD_UNKNOWN]));
	if (attrs[INTNET_ATTR_NET_FDB_MAX])
		WRITE_ONCE(nw->fdb_max,
			   nla_get_u32(attrs[INTNET_ATTR_NET_FDB_MAX]));
	if (attrs[INTNET_ATTR_NET_PORT_FDB_MAX])
		WRITE_ONCE(nw->port_fdb_max,
			   nla_get_u32(attrs[INTNET_ATTR_NET_PORT_FDB_MAX]));
	if (attrs[INTNET_ATTR_NET_ACCESS])
		WRITE_ONCE(nw->access, nla_get_u8(attrs[INTNET_ATTR_NET_ACCESS]));
	if (attrs[INTNET_ATTR_NET_PROMISC_POLICY])
		WRITE_ONCE(nw->promisc_policy,
			   nla_get_u8(attrs[INTNET_ATTR_NET_PROMISC_POLICY]));
	if (attrs[INTNET_ATTR_NET_AGEING]) {
		WRITE_ONCE(nw->ageing,
			   nla_get_u32(attrs[INTNET_ATTR_NET_AGEING]));
		intnet_fdb_set_ageing(nw);
	}
	if (attrs[INTNET_ATTR_NET_EXPLICIT])
		nw->explicit = nla_get_u8(attrs[INTNET_ATTR_NET_EXPLICIT]);
	intnet_pernet_changed(nw->net);
}

/*
 * Settings only an administrator may give: a table larger than the default
 * would let a user pin that much kernel memory per network.
 */
static int check_settings(const struct caller *c, struct nlattr **attrs,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[INTNET_ATTR_NET_FDB_MAX];

	if (c->admin || !a || nla_get_u32(a) <= INTNET_FDB_MAX_DEFAULT)
		return 0;
	return DENY(extack,
		    "only an administrator can set fdb-max above 16384");
}

/* Whether @owner may own one more network of @net. */
static int check_quota(const struct caller *c, struct net *net, kuid_t owner,
		       struct netlink_ext_ack *extack)
{
	if (c->admin || intnet_network_count_owned(net, owner) <
			READ_ONCE(intnet_max_networks_per_user))
		return 0;
	return DENY(extack,
		    "you own as many networks as max_networks_per_user allows");
}

static int intnet_nl_net_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct intnet_network *nw;
	const char *name;
	int err = 0;

	name = get_name(info->attrs, info->extack);
	if (!name)
		return -EINVAL;
	rtnl_lock();
	if (intnet_network_find(net, name)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a network with this name exists");
		err = -EEXIST;
		goto unlock;
	}
	err = check_quota(&c, net, c.uid, info->extack);
	if (!err)
		err = check_settings(&c, info->attrs, info->extack);
	if (err)
		goto unlock;
	nw = intnet_network_create(net, name, c.uid, true);
	if (!nw) {
		err = -ENOMEM;
		goto unlock;
	}
	apply_net_settings(nw, info->attrs);
	/* NET_NEW always makes an explicit network. */
	nw->explicit = true;
unlock:
	rtnl_unlock();
	return err;
}

/* The network a request names, if the caller may change it. */
static struct intnet_network *owned_network(struct sk_buff *skb,
					    struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct intnet_network *nw;
	int err;

	nw = get_network(net, info->attrs, &c, info->extack);
	if (IS_ERR(nw))
		return nw;
	if (!owns_net(&c, nw))
		return ERR_PTR(DENY(info->extack,
				    "only the network's owner can change it"));
	err = check_settings(&c, info->attrs, info->extack);
	return err ? ERR_PTR(err) : nw;
}

static int intnet_nl_net_del(struct sk_buff *skb, struct genl_info *info)
{
	struct intnet_network *nw;
	int err = 0;

	rtnl_lock();
	nw = owned_network(skb, info);
	if (IS_ERR(nw))
		err = PTR_ERR(nw);
	else
		intnet_network_destroy(nw);
	rtnl_unlock();
	return err;
}

static int intnet_nl_net_set(struct sk_buff *skb, struct genl_info *info)
{
	struct intnet_network *nw;
	int err = 0;

	rtnl_lock();
	nw = owned_network(skb, info);
	if (IS_ERR(nw)) {
		err = PTR_ERR(nw);
	} else {
		apply_net_settings(nw, info->attrs);
		intnet_network_put_implicit(nw);
	}
	rtnl_unlock();
	return err;
}

static int intnet_nl_net_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct intnet_network *nw;
	int err;

	rtnl_lock();
	nw = get_network(net, info->attrs, &c, info->extack);
	err = IS_ERR(nw) ? PTR_ERR(nw) :
			   reply(info, INTNET_CMD_NET_GET, fill_net_any, nw);
	rtnl_unlock();
	return err;
}

/* Dumps resume by position (cb->args[0]); pernet->gen flags changes in between. */
static int intnet_nl_net_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct intnet_pernet *pn = intnet_pernet(net);
	struct caller c = caller_of(cb->skb, net);
	long idx = 0, skip = cb->args[0];
	struct intnet_network *nw;
	unsigned int i;

	rtnl_lock();
	cb->seq = pn->gen;
	for (i = 0; i < ARRAY_SIZE(pn->nets); i++) {
		hlist_for_each_entry(nw, &pn->nets[i], node) {
			if (!sees_net(&c, nw) || idx++ < skip)
				continue;
			if (dump_one(skb, cb, INTNET_CMD_NET_GET,
				     fill_net_any, nw, NULL)) {
				idx--;
				goto out;
			}
		}
	}
out:
	rtnl_unlock();
	cb->args[0] = idx;
	return skb->len;
}

/* ---- ports ---- */

/*
 * Whose port @dev becomes: the user an administrator names, else the TAP's
 * owner, else the caller; and whether the caller may attach @dev at all.
 */
static int port_user(const struct caller *c, struct net_device *dev,
		     struct nlattr **attrs, kuid_t *user,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[INTNET_ATTR_PORT_USER];
	kuid_t owner;
	kgid_t group;
	int tap;

	if (a && !c->admin)
		return DENY(extack,
			    "only an administrator can attach a port for another user");
	tap = intnet_tap_ids(dev, &owner, &group);
	if (tap < 0)
		return tap;
	if (a) {
		*user = make_kuid(current_user_ns(), nla_get_u32(a));
		if (!uid_valid(*user)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "the user has no mapping in this user namespace");
			return -EINVAL;
		}
		return 0;
	}
	*user = uid_valid(owner) ? owner : c->uid;
	if (c->admin)
		return 0;
	if (!tap)
		return DENY(extack,
			    "only an administrator can attach a device that is not a TAP");
	if ((uid_valid(owner) && uid_eq(owner, c->uid)) ||
	    (gid_valid(group) && in_egroup_p(group)))
		return 0;
	return DENY(extack, "the TAP belongs to another user");
}

/*
 * Whether a port of @user may join @nw (NULL: a network still to be made for
 * it), asking for promiscuous mode if @promisc.
 */
static int may_join(const struct caller *c, struct net *net,
		    struct intnet_network *nw, kuid_t user, bool promisc,
		    struct netlink_ext_ack *extack)
{
	int err;

	if (c->admin)
		return 0;
	if (!nw) {
		err = check_quota(c, net, user, extack);
		if (err)
			return err;
	} else if (READ_ONCE(nw->access) != INTNET_ACCESS_PUBLIC &&
		   !uid_eq(nw->owner, user)) {
		return DENY(extack,
			    "the network is restricted to its owner's ports");
	}
	if (promisc && (!nw || policy_of(nw) == INTNET_PROMISC_DENY))
		return DENY(extack, "the network's promiscuous policy is deny");
	return 0;
}

static int intnet_nl_port_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	bool promisc = get_flag(attrs, INTNET_ATTR_PORT_PROMISC, false);
	struct intnet_network *nw;
	struct intnet_port *port;
	struct net_device *dev;
	const char *name;
	const u8 *lock;
	bool has_lock;
	kuid_t user;
	int err;

	name = get_name(attrs, info->extack);
	if (!name)
		return -EINVAL;
	err = get_lock_mac(attrs, &has_lock, &lock, info->extack);
	if (err)
		return err;
	rtnl_lock();
	dev = lookup_device(net, attrs, info->extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto unlock;
	}
	err = intnet_port_check_kind(dev, info->extack);
	if (!err)
		err = port_user(&c, dev, attrs, &user, info->extack);
	if (err)
		goto unlock;
	nw = intnet_network_find(net, name);
	err = may_join(&c, net, nw, user, promisc, info->extack);
	if (!err && nw && lock)
		err = intnet_fdb_lock_check(nw, NULL, lock, info->extack);
	if (err)
		goto unlock;
	/* A network is created by the first port that names it, for its user. */
	if (!nw)
		nw = intnet_network_create(net, name, user, false);
	if (!nw) {
		err = -ENOMEM;
		goto unlock;
	}
	port = intnet_port_add(nw, dev, user,
			       get_flag(attrs, INTNET_ATTR_PORT_UP, true),
			       promisc, info->extack);
	if (IS_ERR(port)) {
		err = PTR_ERR(port);
	} else if (lock) {
		err = intnet_fdb_lock(port, lock, info->extack);
		if (err)
			intnet_port_del(port);
	}
	intnet_network_put_implicit(nw);
unlock:
	rtnl_unlock();
	return err;
}

static int intnet_nl_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct intnet_network *nw;
	struct intnet_port *port;
	int err = 0;

	rtnl_lock();
	port = get_port(net, info->attrs, &c, info->extack);
	if (IS_ERR(port)) {
		err = PTR_ERR(port);
	} else {
		nw = port->network;
		intnet_port_del(port);
		intnet_network_put_implicit(nw);
	}
	rtnl_unlock();
	return err;
}

static int intnet_nl_port_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_port *port;
	const u8 *lock;
	bool has_lock;
	int err;

	err = get_lock_mac(attrs, &has_lock, &lock, info->extack);
	if (err)
		return err;
	if (!attrs[INTNET_ATTR_PORT_UP] && !attrs[INTNET_ATTR_PORT_PROMISC] &&
	    !has_lock) {
		NL_SET_ERR_MSG_MOD(info->extack, "nothing to change");
		return -EINVAL;
	}
	rtnl_lock();
	port = get_port(net, attrs, &c, info->extack);
	if (IS_ERR(port)) {
		err = PTR_ERR(port);
		goto unlock;
	}
	if (get_flag(attrs, INTNET_ATTR_PORT_PROMISC, false) && !c.admin &&
	    policy_of(port->network) == INTNET_PROMISC_DENY) {
		err = DENY(info->extack,
			   "the network's promiscuous policy is deny");
		goto unlock;
	}
	/* The one change that can fail goes first. */
	if (has_lock) {
		err = intnet_fdb_lock(port, lock, info->extack);
		if (err)
			goto unlock;
	}
	if (attrs[INTNET_ATTR_PORT_UP])
		intnet_port_set_up(port, nla_get_u8(attrs[INTNET_ATTR_PORT_UP]));
	if (attrs[INTNET_ATTR_PORT_PROMISC])
		intnet_port_set_promisc(port,
					nla_get_u8(attrs[INTNET_ATTR_PORT_PROMISC]));
	intnet_pernet_changed(port->network->net);
unlock:
	rtnl_unlock();
	return err;
}

static int intnet_nl_port_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct intnet_port *port;
	int err;

	rtnl_lock();
	port = get_port(net, info->attrs, &c, info->extack);
	err = IS_ERR(port) ? PTR_ERR(port) :
			     reply(info, INTNET_CMD_PORT_GET, fill_port_any, port);
	rtnl_unlock();
	return err;
}

struct dump_state {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct caller caller;
	long idx, skip;
};

/*
 * Calls @fn for each network a dump covers (the one the request names, or all)
 * until it returns non-zero; the caller's view filters what @fn emits.
 */
static int walk_dump_networks(struct net *net, struct dump_state *st,
			      int (*fn)(struct intnet_network *, void *),
			      void *arg)
{
	struct nlattr **attrs = intnet_dump_attrs(st->cb);
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;
	unsigned int i;
	int err;

	if (attrs[INTNET_ATTR_NET_NAME]) {
		nw = get_network(net, attrs, &st->caller, st->cb->extack);
		return IS_ERR(nw) ? PTR_ERR(nw) : fn(nw, arg);
	}
	for (i = 0; i < ARRAY_SIZE(pn->nets); i++)
		hlist_for_each_entry(nw, &pn->nets[i], node) {
			err = fn(nw, arg);
			if (err)
				return err;
		}
	return 0;
}

static int dump_ports_of(struct intnet_network *nw, void *arg)
{
	struct dump_state *st = arg;
	struct intnet_port *port;

	list_for_each_entry(port, &nw->ports, node) {
		if (!sees_port(&st->caller, port) || st->idx++ < st->skip)
			continue;
		if (dump_one(st->skb, st->cb, INTNET_CMD_PORT_GET,
			     fill_port_any, port, NULL)) {
			st->idx--;
			return -EMSGSIZE;
		}
	}
	return 0;
}

static void dump_state_init(struct dump_state *st, struct sk_buff *skb,
			    struct netlink_callback *cb)
{
	st->skb = skb;
	st->cb = cb;
	st->caller = caller_of(cb->skb, sock_net(skb->sk));
	st->idx = 0;
	st->skip = cb->args[0];
}

static int intnet_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct dump_state st;
	int err;

	dump_state_init(&st, skb, cb);
	rtnl_lock();
	cb->seq = intnet_pernet(net)->gen;
	err = walk_dump_networks(net, &st, dump_ports_of, &st);
	rtnl_unlock();
	cb->args[0] = st.idx;
	return err && err != -EMSGSIZE ? err : skb->len;
}

/* ---- FDB ---- */

#define FDB_OWNER_ONLY "only the network's owner can change its FDB"

/* The network whose FDB a request changes, if the caller may. */
static struct intnet_network *fdb_network(struct net *net,
					  struct nlattr **attrs,
					  const struct caller *c,
					  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = get_network(net, attrs, c, extack);

	if (!IS_ERR(nw) && !owns_net(c, nw))
		return ERR_PTR(DENY(extack, FDB_OWNER_ONLY));
	return nw;
}

/* The port a request changes the FDB of (or behind), if the caller may. */
static struct intnet_port *fdb_port(struct net *net, struct nlattr **attrs,
				    const struct caller *c,
				    struct netlink_ext_ack *extack)
{
	struct intnet_port *port = get_port(net, attrs, c, extack);

	if (!IS_ERR(port) && !owns_net(c, port->network))
		return ERR_PTR(DENY(extack, FDB_OWNER_ONLY));
	return port;
}

static int intnet_nl_fdb_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_port *port;
	int err;

	if (!attrs[INTNET_ATTR_MAC]) {
		NL_SET_ERR_MSG_MOD(info->extack, "a MAC address is required");
		return -EINVAL;
	}
	if (!is_valid_ether_addr(nla_data(attrs[INTNET_ATTR_MAC]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[INTNET_ATTR_MAC],
				    "a static entry needs a unicast, non-zero address");
		return -EINVAL;
	}
	rtnl_lock();
	port = fdb_port(net, attrs, &c, info->extack);
	err = IS_ERR(port) ? PTR_ERR(port) :
			     intnet_fdb_add_static(port,
						   nla_data(attrs[INTNET_ATTR_MAC]),
						   info->extack);
	rtnl_unlock();
	return err;
}

static int intnet_nl_fdb_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_network *nw;
	int err;

	if (!attrs[INTNET_ATTR_MAC]) {
		NL_SET_ERR_MSG_MOD(info->extack, "a MAC address is required");
		return -EINVAL;
	}
	rtnl_lock();
	nw = fdb_network(net, attrs, &c, info->extack);
	err = IS_ERR(nw) ? PTR_ERR(nw) :
			   intnet_fdb_del(nw, nla_data(attrs[INTNET_ATTR_MAC]),
					  info->extack);
	rtnl_unlock();
	if (err == -ENOENT && !IS_ERR(nw))
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[INTNET_ATTR_MAC],
				    "no such FDB entry");
	return err;
}

static int intnet_nl_fdb_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct caller c = caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_network *nw;
	struct intnet_port *port;
	int err = 0;

	rtnl_lock();
	if (attrs[INTNET_ATTR_IFINDEX]) {
		port = fdb_port(net, attrs, &c, info->extack);
		if (IS_ERR(port))
			err = PTR_ERR(port);
		else
			intnet_fdb_flush(port->network, port);
	} else {
		nw = fdb_network(net, attrs, &c, info->extack);
		if (IS_ERR(nw))
			err = PTR_ERR(nw);
		else
			intnet_fdb_flush(nw, NULL);
	}
	rtnl_unlock();
	return err;
}

static int dump_fdb_of(struct intnet_network *nw, void *arg)
{
	struct dump_state *st = arg;
	struct intnet_fdb_entry *e;
	int err = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(e, &nw->fdb_list, node) {
		if (!sees_port(&st->caller, rcu_dereference(e->port)) ||
		    st->idx++ < st->skip)
			continue;
		if (dump_one(st->skb, st->cb, INTNET_CMD_FDB_GET,
			     fill_fdb_any, nw, e)) {
			st->idx--;
			err = -EMSGSIZE;
			break;
		}
	}
	rcu_read_unlock();
	return err;
}

static int add_fdb_gen(struct intnet_network *nw, void *arg)
{
	*(unsigned int *)arg += READ_ONCE(nw->fdb_gen);
	return 0;
}

static int intnet_nl_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct dump_state st;
	unsigned int gen;
	int err;

	dump_state_init(&st, skb, cb);
	rtnl_lock();
	gen = intnet_pernet(net)->gen;
	err = walk_dump_networks(net, &st, add_fdb_gen, &gen);
	if (!err) {
		cb->seq = gen;
		err = walk_dump_networks(net, &st, dump_fdb_of, &st);
	}
	rtnl_unlock();
	cb->args[0] = st.idx;
	return err && err != -EMSGSIZE ? err : skb->len;
}

#define OP(c, fn) { .cmd = (c), .doit = (fn) }
#define DUMP_OP(c, fn, dfn) { .cmd = (c), .doit = (fn), .dumpit = (dfn) }

/* No operation needs a capability as such: each decides what the caller may do. */
static const struct genl_small_ops intnet_ops[] = {
	OP(INTNET_CMD_VERSION_GET, intnet_nl_version_get),
	OP(INTNET_CMD_NET_NEW, intnet_nl_net_new),
	OP(INTNET_CMD_NET_DEL, intnet_nl_net_del),
	OP(INTNET_CMD_NET_SET, intnet_nl_net_set),
	DUMP_OP(INTNET_CMD_NET_GET, intnet_nl_net_get, intnet_nl_net_dump),
	OP(INTNET_CMD_PORT_ADD, intnet_nl_port_add),
	OP(INTNET_CMD_PORT_DEL, intnet_nl_port_del),
	OP(INTNET_CMD_PORT_SET, intnet_nl_port_set),
	DUMP_OP(INTNET_CMD_PORT_GET, intnet_nl_port_get, intnet_nl_port_dump),
	OP(INTNET_CMD_FDB_ADD, intnet_nl_fdb_add),
	OP(INTNET_CMD_FDB_DEL, intnet_nl_fdb_del),
	OP(INTNET_CMD_FDB_FLUSH, intnet_nl_fdb_flush),
	DUMP_OP(INTNET_CMD_FDB_GET, NULL, intnet_nl_fdb_dump),
};

static struct genl_family intnet_family __ro_after_init = {
	.name = INTNET_GENL_NAME,
	.version = INTNET_GENL_VERSION,
	.maxattr = INTNET_ATTR_MAX,
	.policy = intnet_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = intnet_ops,
	.n_small_ops = ARRAY_SIZE(intnet_ops),
	.resv_start_op = INTNET_CMD_MAX + 1,
};

int __init intnet_genl_init(void)
{
	return genl_register_family(&intnet_family);
}

void intnet_genl_exit(void)
{
	genl_unregister_family(&intnet_family);
}
