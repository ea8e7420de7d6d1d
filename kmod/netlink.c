// SPDX-License-Identifier: GPL-2.0
/* intnet: the generic netlink family "intnet", its policies and its operations. */

#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "intnet.h"

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

/*
 * Each operation takes only its own attributes: one policy per operation,
 * built from these entries, and strict validation refuses any other.
 */
#define P_NET_NAME \
	[INTNET_ATTR_NET_NAME] = { .type = NLA_NUL_STRING, .len = INTNET_NAME_MAX }
#define P_NET_OWNER \
	[INTNET_ATTR_NET_OWNER] = { .type = NLA_U32 }
#define P_NET_SETTINGS                                                        \
	[INTNET_ATTR_NET_FLOOD_UNKNOWN] = NLA_POLICY_MAX(NLA_U8, 1),          \
	[INTNET_ATTR_NET_AGEING] =                                            \
		NLA_POLICY_FULL_RANGE(NLA_U32, &ageing_range),                \
	[INTNET_ATTR_NET_FDB_MAX] =                                           \
		NLA_POLICY_FULL_RANGE(NLA_U32, &fdb_max_range),               \
	[INTNET_ATTR_NET_EXPLICIT] = NLA_POLICY_MAX(NLA_U8, 1),               \
	[INTNET_ATTR_NET_ACCESS] = NLA_POLICY_MAX(NLA_U8, INTNET_ACCESS_PUBLIC), \
	[INTNET_ATTR_NET_PROMISC_POLICY] =                                    \
		NLA_POLICY_MAX(NLA_U8, INTNET_PROMISC_ALLOW_ALL),             \
	[INTNET_ATTR_NET_PORT_FDB_MAX] =                                      \
		NLA_POLICY_FULL_RANGE(NLA_U32, &port_fdb_max_range),          \
	[INTNET_ATTR_NET_GROUP_FWD_MASK] = { .type = NLA_U16 }
#define P_IFINDEX \
	[INTNET_ATTR_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1)
#define P_MAC \
	[INTNET_ATTR_MAC] = NLA_POLICY_ETH_ADDR
#define P_PORT_SETTINGS                                          \
	[INTNET_ATTR_PORT_UP] = NLA_POLICY_MAX(NLA_U8, 1),       \
	[INTNET_ATTR_PORT_PROMISC] = NLA_POLICY_MAX(NLA_U8, 1),  \
	[INTNET_ATTR_PORT_LOCK_MAC] = NLA_POLICY_ETH_ADDR

static const struct nla_policy no_policy[INTNET_ATTR_MAX + 1] = {};

static const struct nla_policy net_change_policy[INTNET_ATTR_MAX + 1] = {
	P_NET_NAME,
	P_NET_OWNER,
	P_NET_SETTINGS,
};

static const struct nla_policy net_policy[INTNET_ATTR_MAX + 1] = {
	P_NET_NAME,
	P_NET_OWNER,
};

static const struct nla_policy port_add_policy[INTNET_ATTR_MAX + 1] = {
	P_NET_NAME,
	P_NET_OWNER,
	P_IFINDEX,
	P_PORT_SETTINGS,
	[INTNET_ATTR_PORT_USER] = { .type = NLA_U32 },
	[INTNET_ATTR_PORT_NO_CREATE] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy port_policy[INTNET_ATTR_MAX + 1] = {
	P_IFINDEX,
};

static const struct nla_policy port_set_policy[INTNET_ATTR_MAX + 1] = {
	P_IFINDEX,
	P_PORT_SETTINGS,
};

/* PORT_GET: a port by ifindex, or a dump filtered by network. */
static const struct nla_policy port_get_policy[INTNET_ATTR_MAX + 1] = {
	P_IFINDEX,
	P_NET_NAME,
	P_NET_OWNER,
};

static const struct nla_policy fdb_add_policy[INTNET_ATTR_MAX + 1] = {
	P_IFINDEX,
	P_MAC,
};

/* FDB_DEL and FDB_GET: an address of a network. */
static const struct nla_policy fdb_entry_policy[INTNET_ATTR_MAX + 1] = {
	P_NET_NAME,
	P_NET_OWNER,
	P_MAC,
};

static const struct nla_policy fdb_flush_policy[INTNET_ATTR_MAX + 1] = {
	P_NET_NAME,
	P_NET_OWNER,
	P_IFINDEX,
};

static const struct nla_policy monitor_policy[INTNET_ATTR_MAX + 1] = {
	[INTNET_ATTR_MONITOR] =
		NLA_POLICY_MASK(NLA_U32,
				INTNET_MONITOR_OBJECTS | INTNET_MONITOR_FDB),
};

static struct genl_family intnet_family;

/* ---- request helpers: each says what is wrong in the extack ---- */

/* A required attribute is missing: say which, and why in words. */
#define missing(extack, attrs, type, msg)                                 \
	({                                                                \
		struct netlink_ext_ack *__ack = (extack);                 \
		bool __missing = NL_REQ_ATTR_CHECK(__ack, NULL, attrs, type); \
		if (__missing)                                            \
			NL_SET_ERR_MSG_MOD(__ack, msg);                   \
		__missing;                                                \
	})

/* How a request names a network: a name, and maybe its owner. */
struct net_ref {
	const char *name;
	bool has_owner;
	kuid_t owner;
};

static int get_net_ref(struct nlattr **attrs, struct netlink_ext_ack *extack,
		       struct net_ref *r)
{
	struct nlattr *a = attrs[INTNET_ATTR_NET_NAME];
	struct nlattr *o = attrs[INTNET_ATTR_NET_OWNER];

	if (missing(extack, attrs, INTNET_ATTR_NET_NAME,
		    "a network name is required"))
		return -EINVAL;
	if (!intnet_name_valid(nla_data(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a network name is 1 to 127 printable ASCII characters without spaces or slashes");
		return -EINVAL;
	}
	r->name = nla_data(a);
	r->has_owner = o;
	if (!o)
		return 0;
	r->owner = make_kuid(current_user_ns(), nla_get_u32(o));
	if (!uid_valid(r->owner)) {
		NL_SET_ERR_MSG_ATTR(extack, o,
				    "the owner has no mapping in this user namespace");
		return -EINVAL;
	}
	return 0;
}

static struct intnet_network *resolve(struct net *net,
				      const struct intnet_caller *c,
				      const struct net_ref *r, kuid_t user)
{
	return intnet_resolve(c, net, r->name, r->has_owner ? &r->owner : NULL,
			      user);
}

static struct intnet_network *no_network(struct nlattr **attrs,
					 struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG_ATTR(extack, attrs[INTNET_ATTR_NET_NAME],
			    "no such network");
	return ERR_PTR(-ENOENT);
}

/* The network a request names, if the caller may see it. */
static struct intnet_network *get_network(struct net *net,
					  struct nlattr **attrs,
					  const struct intnet_caller *c,
					  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw;
	struct net_ref r;
	int err;

	err = get_net_ref(attrs, extack, &r);
	if (err)
		return ERR_PTR(err);
	nw = resolve(net, c, &r, c->uid);
	if (!nw || !intnet_sees_net(c, nw))
		return no_network(attrs, extack);
	return nw;
}

static struct net_device *lookup_device(struct net *net,
					struct nlattr **attrs,
					struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	if (missing(extack, attrs, INTNET_ATTR_IFINDEX,
		    "a device (ifindex) is required"))
		return ERR_PTR(-EINVAL);
	dev = __dev_get_by_index(net, nla_get_u32(attrs[INTNET_ATTR_IFINDEX]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[INTNET_ATTR_IFINDEX],
				    "no such device in this network namespace");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

static struct intnet_port *get_port(struct net *net, struct nlattr **attrs,
				    const struct intnet_caller *c,
				    struct netlink_ext_ack *extack)
{
	struct intnet_port *port;
	struct net_device *dev;

	dev = lookup_device(net, attrs, extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	port = intnet_port_get_rtnl(dev);
	if (!port || !intnet_sees_port(c, port)) {
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

/* Replies give uids in @ns: the caller's user namespace, or for events the one
 * owning the network namespace.
 */
static int fill_net(struct sk_buff *msg, struct intnet_network *nw,
		    struct user_namespace *ns)
{
	u64 sum[__INTNET_STATS_MAX];

	intnet_stats_network_sum(nw, sum);
	if (nla_put_string(msg, INTNET_ATTR_NET_NAME, nw->name) ||
	    nla_put_u8(msg, INTNET_ATTR_NET_FLOOD_UNKNOWN,
		       READ_ONCE(nw->flood_unknown)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_AGEING, READ_ONCE(nw->ageing)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_FDB_MAX, READ_ONCE(nw->fdb_max)) ||
	    nla_put_u8(msg, INTNET_ATTR_NET_EXPLICIT, READ_ONCE(nw->explicit)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_OWNER,
			from_kuid_munged(ns, nw->owner)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_PORTS, nw->n_ports) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_FDB_LEARNED,
			READ_ONCE(nw->fdb_learned)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_FDB_STATIC,
			READ_ONCE(nw->fdb_static)) ||
	    nla_put_u8(msg, INTNET_ATTR_NET_ACCESS, READ_ONCE(nw->access)) ||
	    nla_put_u8(msg, INTNET_ATTR_NET_PROMISC_POLICY, policy_of(nw)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_PORT_FDB_MAX,
			READ_ONCE(nw->port_fdb_max)) ||
	    nla_put_u16(msg, INTNET_ATTR_NET_GROUP_FWD_MASK,
			READ_ONCE(nw->group_fwd_mask)))
		return -EMSGSIZE;
	return intnet_stats_put(msg, sum);
}

static int fill_port(struct sk_buff *msg, struct intnet_port *port,
		     struct user_namespace *ns)
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
	    intnet_port_name_put(msg, INTNET_ATTR_IFNAME, port) ||
	    nla_put_string(msg, INTNET_ATTR_NET_NAME, port->network->name) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_OWNER,
			from_kuid_munged(ns, port->network->owner)) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_UP, up) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_PROMISC, promisc) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_PROMISC_ACTIVE, active) ||
	    nla_put_u32(msg, INTNET_ATTR_PORT_USER,
			from_kuid_munged(ns, READ_ONCE(port->user))) ||
	    nla_put_u32(msg, INTNET_ATTR_PORT_FDB_LEARNED,
			READ_ONCE(port->fdb_learned)) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_CARRIER,
		       intnet_port_dev_ok(port)) ||
	    (lock && nla_put(msg, INTNET_ATTR_PORT_LOCK_MAC, ETH_ALEN, mac)))
		return -EMSGSIZE;
	return intnet_stats_put(msg, sum);
}

/* An FDB entry (its port read under RCU: it may move meanwhile). */
static int fill_fdb(struct sk_buff *msg, struct intnet_network *nw,
		    struct intnet_fdb_entry *e, struct user_namespace *ns)
{
	u64 idle = jiffies - READ_ONCE(e->updated);
	u32 age = e->is_static ? 0 : min_t(u64, jiffies_to_msecs(idle), U32_MAX);
	struct intnet_port *port;
	int err;

	rcu_read_lock();
	port = rcu_dereference(e->port);
	err = nla_put(msg, INTNET_ATTR_MAC, ETH_ALEN, e->addr) ||
	      nla_put_u32(msg, INTNET_ATTR_IFINDEX, port->dev->ifindex) ||
	      intnet_port_name_put(msg, INTNET_ATTR_IFNAME, port) ||
	      nla_put_string(msg, INTNET_ATTR_NET_NAME, nw->name) ||
	      nla_put_u32(msg, INTNET_ATTR_NET_OWNER,
			  from_kuid_munged(ns, nw->owner)) ||
	      nla_put_u8(msg, INTNET_ATTR_FDB_IS_STATIC, e->is_static) ||
	      nla_put_u8(msg, INTNET_ATTR_FDB_LOCKED, e->locked) ||
	      nla_put_u32(msg, INTNET_ATTR_FDB_AGE, age);
	rcu_read_unlock();
	return err ? -EMSGSIZE : 0;
}

/* Fills a message with object @a (and @b, where it takes two). */
typedef int (*fill_fn)(struct sk_buff *msg, void *a, void *b);

/* One object as the answer to a request. */
static int reply(struct genl_info *info, u8 cmd, fill_fn fill, void *a,
		 void *b)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &intnet_family, 0, cmd);
	if (!hdr || fill(msg, a, b)) {
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
	return fill_net(msg, nw, current_user_ns());
}

static int fill_port_any(struct sk_buff *msg, void *port, void *unused)
{
	return fill_port(msg, port, current_user_ns());
}

static int fill_fdb_any(struct sk_buff *msg, void *nw, void *e)
{
	return fill_fdb(msg, nw, e, current_user_ns());
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
	return reply(info, INTNET_CMD_VERSION_GET, fill_version, NULL, NULL);
}

/* ---- networks ---- */

/* MAC PAUSE is never forwarded: a mask that asks for it is refused. */
static int check_settings(struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[INTNET_ATTR_NET_GROUP_FWD_MASK];

	if (a && (nla_get_u16(a) & BIT(1))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "PAUSE frames (01:80:C2:00:00:01, bit 1) are never forwarded");
		return -EINVAL;
	}
	return 0;
}

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
	if (attrs[INTNET_ATTR_NET_GROUP_FWD_MASK])
		WRITE_ONCE(nw->group_fwd_mask,
			   nla_get_u16(attrs[INTNET_ATTR_NET_GROUP_FWD_MASK]));
	if (attrs[INTNET_ATTR_NET_AGEING]) {
		WRITE_ONCE(nw->ageing,
			   nla_get_u32(attrs[INTNET_ATTR_NET_AGEING]));
		intnet_fdb_set_ageing(nw);
	}
	if (attrs[INTNET_ATTR_NET_EXPLICIT])
		WRITE_ONCE(nw->explicit,
			   nla_get_u8(attrs[INTNET_ATTR_NET_EXPLICIT]));
	intnet_pernet_changed(nw->net);
}

static int intnet_nl_net_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct intnet_network *nw;
	struct net_ref r;
	kuid_t owner;
	int err;

	err = get_net_ref(info->attrs, info->extack, &r);
	if (!err)
		err = check_settings(info->attrs, info->extack);
	if (err)
		return err;
	owner = r.has_owner ? r.owner : c.uid;
	rtnl_lock();
	/* Whether another user has the name is none of the caller's business. */
	if (!c.admin && !uid_eq(owner, c.uid)) {
		err = intnet_may_create(&c, net, owner, info->extack);
		goto unlock;
	}
	if (intnet_network_find(net, owner, r.name)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a network with this name exists");
		err = -EEXIST;
		goto unlock;
	}
	err = intnet_may_create(&c, net, owner, info->extack);
	if (!err)
		err = intnet_may_set(&c, info->attrs, info->extack);
	if (err)
		goto unlock;
	nw = intnet_network_create(net, r.name, owner, true);
	if (!nw) {
		err = -ENOMEM;
		goto unlock;
	}
	apply_net_settings(nw, info->attrs);
	/* NET_NEW always makes an explicit network. */
	nw->explicit = true;
	intnet_event_net(nw, INTNET_CMD_NET_NEW, false);
unlock:
	rtnl_unlock();
	return err;
}

/* The network a request names, if the caller may change it. */
static struct intnet_network *owned_network(struct sk_buff *skb,
					    struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct intnet_network *nw;
	int err;

	nw = get_network(net, info->attrs, &c, info->extack);
	if (IS_ERR(nw))
		return nw;
	err = intnet_may_change_net(&c, nw, info->extack);
	if (!err)
		err = intnet_may_set(&c, info->attrs, info->extack);
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
	bool was_public;
	int err;

	err = check_settings(info->attrs, info->extack);
	if (err)
		return err;
	rtnl_lock();
	nw = owned_network(skb, info);
	if (IS_ERR(nw)) {
		err = PTR_ERR(nw);
	} else {
		was_public = nw->access == INTNET_ACCESS_PUBLIC;
		apply_net_settings(nw, info->attrs);
		intnet_event_net(nw, INTNET_CMD_NET_SET, was_public);
		intnet_network_put_implicit(nw);
	}
	rtnl_unlock();
	return err;
}

static int intnet_nl_net_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct intnet_network *nw;
	int err;

	rtnl_lock();
	nw = get_network(net, info->attrs, &c, info->extack);
	err = IS_ERR(nw) ? PTR_ERR(nw) :
			   reply(info, INTNET_CMD_NET_GET, fill_net_any, nw,
				 NULL);
	rtnl_unlock();
	return err;
}

/* Dumps resume by position (cb->args[0]); pernet->gen flags changes in between. */
static int intnet_nl_net_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_caller c = intnet_caller_of(cb->skb, net);
	long idx = 0, skip = cb->args[0];
	struct intnet_network *nw;
	unsigned int bkt;

	rtnl_lock();
	cb->seq = pn->gen;
	intnet_for_each_network(pn, bkt, nw) {
		if (!intnet_sees_net(&c, nw) || idx++ < skip)
			continue;
		if (dump_one(skb, cb, INTNET_CMD_NET_GET, fill_net_any, nw,
			     NULL)) {
			idx--;
			break;
		}
	}
	rtnl_unlock();
	cb->args[0] = idx;
	return skb->len;
}

/* ---- ports ---- */

/*
 * The network a port of @user joins: the one the request names, if the
 * caller may see it; NULL if it is to be made (for @user, or the named
 * owner if an administrator names one).
 */
static struct intnet_network *join_network(struct net *net,
					   const struct intnet_caller *c,
					   const struct net_ref *r, kuid_t user,
					   struct nlattr **attrs,
					   struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = resolve(net, c, r, user);

	if (nw)
		return intnet_sees_net(c, nw) ? nw : no_network(attrs, extack);
	if (get_flag(attrs, INTNET_ATTR_PORT_NO_CREATE, false) ||
	    (r->has_owner && !c->admin && !uid_eq(r->owner, user)))
		return no_network(attrs, extack);
	return NULL;
}

static int intnet_nl_port_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	bool promisc = get_flag(attrs, INTNET_ATTR_PORT_PROMISC, false);
	struct intnet_network *nw;
	struct intnet_tap_ids ids;
	struct intnet_port *port;
	struct net_device *dev;
	bool has_lock, created = false;
	const u8 *lock;
	struct net_ref r;
	kuid_t user;
	int err;

	err = get_net_ref(attrs, info->extack, &r);
	if (!err)
		err = get_lock_mac(attrs, &has_lock, &lock, info->extack);
	if (err)
		return err;
	rtnl_lock();
	dev = lookup_device(net, attrs, info->extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto unlock;
	}
	err = intnet_tap_ids(dev, &ids);
	if (!err)
		err = intnet_port_check_kind(dev, &ids, info->extack);
	if (!err)
		err = intnet_port_user(&c, dev, &ids,
				       attrs[INTNET_ATTR_PORT_USER], &user,
				       info->extack);
	if (err)
		goto unlock;
	nw = join_network(net, &c, &r, user, attrs, info->extack);
	if (IS_ERR(nw)) {
		err = PTR_ERR(nw);
		goto unlock;
	}
	err = intnet_may_add_port(&c, net, user, info->extack);
	if (!err)
		err = intnet_may_join(&c, net, nw, user, promisc, info->extack);
	if (!err && nw && lock)
		err = intnet_fdb_lock_check(nw, user, lock,
					    intnet_owns_net(&c, nw),
					    info->extack);
	if (err)
		goto unlock;
	/* A network is created by the first port that names it, for its user. */
	if (!nw) {
		nw = intnet_network_create(net, r.name,
					   r.has_owner ? r.owner : user, false);
		if (!nw) {
			err = -ENOMEM;
			goto unlock;
		}
		created = true;
	}
	port = intnet_port_add(nw, dev, user, &ids,
			       get_flag(attrs, INTNET_ATTR_PORT_UP, true),
			       promisc, info->extack);
	if (IS_ERR(port)) {
		err = PTR_ERR(port);
	} else if (lock) {
		err = intnet_fdb_lock(port, lock, intnet_owns_net(&c, nw),
				      info->extack);
		if (err)
			intnet_port_del(port);
	}
	/* Announced once complete: a failed attempt leaves no trace. */
	if (!err && created)
		intnet_event_net(nw, INTNET_CMD_NET_NEW, false);
	if (!err)
		intnet_event_port(port, INTNET_CMD_PORT_ADD);
	intnet_network_put_implicit(nw);
unlock:
	rtnl_unlock();
	return err;
}

static int intnet_nl_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
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
	struct intnet_caller c = intnet_caller_of(skb, net);
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
	if (get_flag(attrs, INTNET_ATTR_PORT_PROMISC, false)) {
		err = intnet_may_promisc(&c, port->network, info->extack);
		if (err)
			goto unlock;
	}
	/* The one change that can fail goes first. */
	if (has_lock) {
		err = intnet_fdb_lock(port, lock,
				      intnet_owns_net(&c, port->network),
				      info->extack);
		if (err)
			goto unlock;
	}
	if (attrs[INTNET_ATTR_PORT_UP])
		intnet_port_set_up(port, nla_get_u8(attrs[INTNET_ATTR_PORT_UP]));
	if (attrs[INTNET_ATTR_PORT_PROMISC])
		intnet_port_set_promisc(port,
					nla_get_u8(attrs[INTNET_ATTR_PORT_PROMISC]));
	intnet_pernet_changed(port->network->net);
	intnet_event_port(port, INTNET_CMD_PORT_SET);
unlock:
	rtnl_unlock();
	return err;
}

static int intnet_nl_port_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct intnet_port *port;
	int err;

	rtnl_lock();
	port = get_port(net, info->attrs, &c, info->extack);
	err = IS_ERR(port) ? PTR_ERR(port) :
			     reply(info, INTNET_CMD_PORT_GET, fill_port_any,
				   port, NULL);
	rtnl_unlock();
	return err;
}

struct dump_state {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct intnet_caller caller;
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
	unsigned int bkt;
	int err;

	if (attrs[INTNET_ATTR_NET_NAME]) {
		nw = get_network(net, attrs, &st->caller, st->cb->extack);
		return IS_ERR(nw) ? PTR_ERR(nw) : fn(nw, arg);
	}
	intnet_for_each_network(pn, bkt, nw) {
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
		if (!intnet_sees_port(&st->caller, port) ||
		    st->idx++ < st->skip)
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
	st->caller = intnet_caller_of(cb->skb, sock_net(skb->sk));
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

/* The network whose FDB a request changes, if the caller may. */
static struct intnet_network *fdb_network(struct net *net,
					  struct nlattr **attrs,
					  const struct intnet_caller *c,
					  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = get_network(net, attrs, c, extack);
	int err;

	if (IS_ERR(nw))
		return nw;
	err = intnet_may_change_fdb(c, nw, extack);
	return err ? ERR_PTR(err) : nw;
}

/* The port a request changes the FDB of (or behind), if the caller may. */
static struct intnet_port *fdb_port(struct net *net, struct nlattr **attrs,
				    const struct intnet_caller *c,
				    struct netlink_ext_ack *extack)
{
	struct intnet_port *port = get_port(net, attrs, c, extack);
	int err;

	if (IS_ERR(port))
		return port;
	err = intnet_may_change_fdb(c, port->network, extack);
	return err ? ERR_PTR(err) : port;
}

static int intnet_nl_fdb_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_port *port;
	int err;

	if (missing(info->extack, attrs, INTNET_ATTR_MAC,
		    "a MAC address is required"))
		return -EINVAL;
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
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_network *nw;
	int err;

	if (missing(info->extack, attrs, INTNET_ATTR_MAC,
		    "a MAC address is required"))
		return -EINVAL;
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
	struct intnet_caller c = intnet_caller_of(skb, net);
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

/* One entry: the network and address a request names, if the caller sees it. */
static int intnet_nl_fdb_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_fdb_entry *e = NULL;
	struct intnet_network *nw;
	int err;

	if (missing(info->extack, attrs, INTNET_ATTR_MAC,
		    "a MAC address is required"))
		return -EINVAL;
	rtnl_lock();
	nw = get_network(net, attrs, &c, info->extack);
	if (IS_ERR(nw)) {
		err = PTR_ERR(nw);
		goto unlock;
	}
	rcu_read_lock();
	e = intnet_fdb_lookup(nw, nla_data(attrs[INTNET_ATTR_MAC]));
	if (e && !intnet_sees_port(&c, rcu_dereference(e->port)))
		e = NULL;
	rcu_read_unlock();
	/* RTNL keeps the entry: ports, and so their entries, leave under it;
	 * learning can only move it, which fill_fdb() reads under RCU.
	 */
	if (!e) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[INTNET_ATTR_MAC],
				    "no such FDB entry");
		err = -ENOENT;
		goto unlock;
	}
	err = reply(info, INTNET_CMD_FDB_GET, fill_fdb_any, nw, e);
unlock:
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
		if (!intnet_sees_port(&st->caller, rcu_dereference(e->port)) ||
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

static int intnet_nl_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct intnet_pernet *pn = intnet_pernet(net);
	struct dump_state st;
	int err;

	dump_state_init(&st, skb, cb);
	rtnl_lock();
	cb->seq = pn->gen + atomic_read(&pn->fdb_gen);
	err = walk_dump_networks(net, &st, dump_fdb_of, &st);
	rtnl_unlock();
	cb->args[0] = st.idx;
	return err && err != -EMSGSIZE ? err : skb->len;
}

/* ---- events ---- */

/*
 * Administrators listen on the multicast groups, which carry every event of
 * the namespace (GENL_MCAST_CAP_NET_ADMIN keeps others out). Anyone else
 * subscribes with INTNET_CMD_MONITOR and gets the events of what they may see
 * as unicast copies, filtered here against the subscriber's view.
 *
 * Why not one group filtered per listener: 6.12 could do that with
 * genlmsg_multicast_netns_filtered(), but 6.1 has neither it nor
 * netlink_broadcast_filtered(), and a compat version cannot be written outside
 * the netlink core. A filter would also have to judge a listener from its
 * socket alone (sk_uid is the creator's, the capability check needs the
 * opener's credentials) in softirq. So the module keeps its own list of
 * subscribers, judged by who subscribed, on every kernel: one code path,
 * tested the same way on each. A full receive buffer is an overrun for the
 * subscriber (ENOBUFS) exactly as for a group member.
 */
enum { GRP_EVENTS, GRP_FDB };	/* also bit numbers of enum intnet_monitor */

static const struct genl_multicast_group intnet_mcgrps[] = {
	[GRP_EVENTS] = { .name = INTNET_MCGRP_EVENTS,
			 .flags = GENL_MCAST_CAP_NET_ADMIN },
	[GRP_FDB] = { .name = INTNET_MCGRP_FDB,
		      .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct intnet_listener {
	struct list_head node;		/* in intnet_pernet.monitors, RCU */
	struct intnet_caller caller;	/* as it was when subscribing */
	u32 portid;
	u32 groups;			/* enum intnet_monitor */
	struct rcu_head rcu;
};

/* Off while the family is not registered (module load and unload). */
static bool events_on;

/* What an event is about, to tell who may see it. */
struct event_obj {
	struct intnet_network *nw;
	struct intnet_port *port;	/* port and FDB events */
	struct intnet_port *prev;	/* an FDB move: where the entry was */
	bool was_public;		/* a NET_SET that restricted it */
};

static bool event_visible(const struct intnet_caller *c,
			  const struct event_obj *o)
{
	if (o->port)
		return intnet_sees_port(c, o->port) ||
		       (o->prev && intnet_sees_port(c, o->prev));
	return o->was_public || intnet_sees_net(c, o->nw);
}

static bool heard(struct net *net, int grp)
{
	return READ_ONCE(events_on) &&
	       (genl_has_listeners(&intnet_family, net, grp) > 0 ||
		atomic_read(&intnet_pernet(net)->n_monitors[grp]));
}

static struct sk_buff *event_new(u8 cmd, size_t size, gfp_t gfp, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(size, gfp);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &intnet_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Sends @msg to the subscribers of @grp that may see @o, then to the group;
 * consumes @msg. A copy that cannot be made is not sent; a full receive buffer
 * marks the listener's socket as overrun.
 */
static void event_send(struct net *net, struct sk_buff *msg, int grp,
		       const struct event_obj *o, gfp_t gfp)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_listener *m;
	struct sk_buff *copy;

	if (atomic_read(&pn->n_monitors[grp])) {
		rcu_read_lock();
		list_for_each_entry_rcu(m, &pn->monitors, node) {
			if (!(m->groups & BIT(grp)) ||
			    !event_visible(&m->caller, o))
				continue;
			copy = skb_clone(msg, GFP_ATOMIC);
			if (copy)
				genlmsg_unicast(net, copy, m->portid);
		}
		rcu_read_unlock();
	}
	if (genl_has_listeners(&intnet_family, net, grp) > 0)
		genlmsg_multicast_netns(&intnet_family, net, msg, 0, grp, gfp);
	else
		nlmsg_free(msg);
}

/* NET_NEW, NET_SET or NET_DEL of @nw; RTNL held. */
void intnet_event_net(struct intnet_network *nw, u8 cmd, bool was_public)
{
	struct event_obj o = { .nw = nw, .was_public = was_public };
	struct sk_buff *msg;
	void *hdr;

	ASSERT_RTNL();
	if (cmd == INTNET_CMD_NET_NEW)
		nw->announced = true;
	else if (!nw->announced)
		return;
	if (!heard(nw->net, GRP_EVENTS))
		return;
	msg = event_new(cmd, NLMSG_GOODSIZE, GFP_KERNEL, &hdr);
	if (!msg)
		return;
	if (fill_net(msg, nw, nw->net->user_ns)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	event_send(nw->net, msg, GRP_EVENTS, &o, GFP_KERNEL);
}

/* PORT_ADD, PORT_SET or PORT_DEL of @port; RTNL held. */
void intnet_event_port(struct intnet_port *port, u8 cmd)
{
	struct event_obj o = { .nw = port->network, .port = port };
	struct net *net = port->network->net;
	struct sk_buff *msg;
	void *hdr;

	ASSERT_RTNL();
	if (cmd == INTNET_CMD_PORT_ADD)
		port->announced = true;
	else if (!port->announced)
		return;
	if (!heard(net, GRP_EVENTS))
		return;
	msg = event_new(cmd, NLMSG_GOODSIZE, GFP_KERNEL, &hdr);
	if (!msg)
		return;
	if (fill_port(msg, port, net->user_ns)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	event_send(net, msg, GRP_EVENTS, &o, GFP_KERNEL);
}

/* The largest FDB event: what fill_fdb() puts, the reason and a move's origin. */
static size_t fdb_event_size(void)
{
	return nla_total_size(ETH_ALEN) +		/* MAC */
	       2 * nla_total_size(sizeof(u32)) +	/* IFINDEX, PREV_ */
	       2 * nla_total_size(IFNAMSIZ) +		/* IFNAME, PREV_ */
	       nla_total_size(INTNET_NAME_MAX + 1) +	/* NET_NAME */
	       nla_total_size(sizeof(u32)) +		/* NET_OWNER */
	       3 * nla_total_size(sizeof(u8)) +		/* STATIC, LOCKED, EVENT */
	       nla_total_size(sizeof(u32));		/* AGE */
}

/*
 * FDB_ADD or FDB_DEL of @e for reason @why (enum intnet_fdb_event); @prev is
 * where a moved entry was. Called under the FDB lock, from the packet path
 * too: atomic, and nothing is built unless someone listens.
 */
void intnet_event_fdb(struct intnet_network *nw, struct intnet_fdb_entry *e,
		      u8 cmd, u8 why, struct intnet_port *prev)
{
	struct event_obj o = { .nw = nw, .prev = prev };
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&nw->fdb_lock);
	if (!heard(nw->net, GRP_FDB))
		return;
	msg = event_new(cmd, fdb_event_size(), GFP_ATOMIC, &hdr);
	if (!msg)
		return;
	o.port = rcu_dereference_protected(e->port,
					   lockdep_is_held(&nw->fdb_lock));
	if (WARN_ON_ONCE(fill_fdb(msg, nw, e, nw->net->user_ns) ||
			 nla_put_u8(msg, INTNET_ATTR_FDB_EVENT, why) ||
			 (prev && (nla_put_u32(msg, INTNET_ATTR_FDB_PREV_IFINDEX,
					       prev->dev->ifindex) ||
				   intnet_port_name_put(msg,
							INTNET_ATTR_FDB_PREV_IFNAME,
							prev))))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	event_send(nw->net, msg, GRP_FDB, &o, GFP_ATOMIC);
}

static void monitor_link(struct intnet_pernet *pn, struct intnet_listener *m)
{
	int grp;

	lockdep_assert_held(&pn->monitors_lock);
	list_add_tail_rcu(&m->node, &pn->monitors);
	for (grp = GRP_EVENTS; grp <= GRP_FDB; grp++)
		if (m->groups & BIT(grp))
			atomic_inc(&pn->n_monitors[grp]);
}

static void monitor_unlink(struct intnet_pernet *pn, struct intnet_listener *m)
{
	int grp;

	lockdep_assert_held(&pn->monitors_lock);
	list_del_rcu(&m->node);
	for (grp = GRP_EVENTS; grp <= GRP_FDB; grp++)
		if (m->groups & BIT(grp))
			atomic_dec(&pn->n_monitors[grp]);
	kfree_rcu(m, rcu);
}

static int intnet_nl_monitor(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct intnet_listener *m, *old = NULL, *new = NULL;
	unsigned int n = 0;
	int err = 0;

	if (missing(info->extack, info->attrs, INTNET_ATTR_MONITOR,
		    "what to monitor is required"))
		return -EINVAL;
	if (nla_get_u32(info->attrs[INTNET_ATTR_MONITOR])) {
		new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
		if (!new)
			return -ENOMEM;
		new->caller = c;
		new->portid = info->snd_portid;
		new->groups = nla_get_u32(info->attrs[INTNET_ATTR_MONITOR]);
	}
	spin_lock_bh(&pn->monitors_lock);
	list_for_each_entry(m, &pn->monitors, node) {
		if (m->portid == info->snd_portid)
			old = m;
		else if (uid_eq(m->caller.uid, c.uid))
			n++;
	}
	if (new && !c.admin && n >= READ_ONCE(intnet_max_monitors_per_user)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "you have as many subscriptions as max_monitors_per_user allows");
		err = -EDQUOT;
		goto unlock;
	}
	if (old)
		monitor_unlink(pn, old);
	if (new) {
		monitor_link(pn, new);
		new = NULL;
	}
unlock:
	spin_unlock_bh(&pn->monitors_lock);
	kfree(new);
	return err;
}

/* A subscription ends with its socket. */
static int monitor_release(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct netlink_notify *n = ptr;
	struct intnet_pernet *pn;
	struct intnet_listener *m;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	pn = intnet_pernet(n->net);
	spin_lock_bh(&pn->monitors_lock);
	list_for_each_entry(m, &pn->monitors, node) {
		if (m->portid == n->portid) {
			monitor_unlink(pn, m);
			break;
		}
	}
	spin_unlock_bh(&pn->monitors_lock);
	return NOTIFY_DONE;
}

static struct notifier_block monitor_notifier = {
	.notifier_call = monitor_release,
};

void intnet_monitors_init(struct intnet_pernet *pn)
{
	INIT_LIST_HEAD(&pn->monitors);
	spin_lock_init(&pn->monitors_lock);
}

/* The namespace goes; its sockets, and so its subscriptions, are gone already
 * unless the module is unloaded.
 */
void intnet_monitors_exit(struct intnet_pernet *pn)
{
	struct intnet_listener *m, *tmp;

	spin_lock_bh(&pn->monitors_lock);
	list_for_each_entry_safe(m, tmp, &pn->monitors, node)
		monitor_unlink(pn, m);
	spin_unlock_bh(&pn->monitors_lock);
}

#define OP(c, fn, pol)                                      \
	{ .cmd = (c), .doit = (fn), .policy = (pol),        \
	  .maxattr = INTNET_ATTR_MAX }
#define DUMP_OP(c, fn, dfn, pol)                            \
	{ .cmd = (c), .doit = (fn), .dumpit = (dfn),        \
	  .policy = (pol), .maxattr = INTNET_ATTR_MAX }

/* No operation needs a capability as such: each decides what the caller may do. */
static const struct genl_ops intnet_ops[] = {
	OP(INTNET_CMD_VERSION_GET, intnet_nl_version_get, no_policy),
	OP(INTNET_CMD_NET_NEW, intnet_nl_net_new, net_change_policy),
	OP(INTNET_CMD_NET_DEL, intnet_nl_net_del, net_policy),
	OP(INTNET_CMD_NET_SET, intnet_nl_net_set, net_change_policy),
	DUMP_OP(INTNET_CMD_NET_GET, intnet_nl_net_get, intnet_nl_net_dump,
		net_policy),
	OP(INTNET_CMD_PORT_ADD, intnet_nl_port_add, port_add_policy),
	OP(INTNET_CMD_PORT_DEL, intnet_nl_port_del, port_policy),
	OP(INTNET_CMD_PORT_SET, intnet_nl_port_set, port_set_policy),
	DUMP_OP(INTNET_CMD_PORT_GET, intnet_nl_port_get, intnet_nl_port_dump,
		port_get_policy),
	OP(INTNET_CMD_FDB_ADD, intnet_nl_fdb_add, fdb_add_policy),
	OP(INTNET_CMD_FDB_DEL, intnet_nl_fdb_del, fdb_entry_policy),
	OP(INTNET_CMD_FDB_FLUSH, intnet_nl_fdb_flush, fdb_flush_policy),
	DUMP_OP(INTNET_CMD_FDB_GET, intnet_nl_fdb_get, intnet_nl_fdb_dump,
		fdb_entry_policy),
	OP(INTNET_CMD_MONITOR, intnet_nl_monitor, monitor_policy),
};

static struct genl_family intnet_family __ro_after_init = {
	.name = INTNET_GENL_NAME,
	.version = INTNET_GENL_VERSION,
	.maxattr = INTNET_ATTR_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = intnet_ops,
	.n_ops = ARRAY_SIZE(intnet_ops),
	.mcgrps = intnet_mcgrps,
	.n_mcgrps = ARRAY_SIZE(intnet_mcgrps),
	/* A new family validates every operation strictly. */
	.resv_start_op = 0,
};

int __init intnet_genl_init(void)
{
	int err;

	err = netlink_register_notifier(&monitor_notifier);
	if (err)
		return err;
	err = genl_register_family(&intnet_family);
	if (err) {
		netlink_unregister_notifier(&monitor_notifier);
		return err;
	}
	WRITE_ONCE(events_on, true);
	return 0;
}

/*
 * Events stop first, and whoever was sending one (under RTNL, or from the
 * packet path under RCU) is done before the family goes.
 */
void intnet_genl_exit(void)
{
	WRITE_ONCE(events_on, false);
	rtnl_lock();
	rtnl_unlock();
	synchronize_net();
	genl_unregister_family(&intnet_family);
	netlink_unregister_notifier(&monitor_notifier);
}
