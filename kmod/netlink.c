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

static struct netlink_range_validation flood_burst_range = {
	.min = 1,
	.max = INTNET_FLOOD_BURST_MAX,
};

/* The addresses of an IP lock, each repeated as often as there are. */
static const struct nla_policy ip_lock_policy[INTNET_IP_LOCK_MAX + 1] = {
	[INTNET_IP_LOCK_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[INTNET_IP_LOCK_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
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
	[INTNET_ATTR_NET_GROUP_FWD_MASK] = { .type = NLA_U16 },              \
	[INTNET_ATTR_NET_FLOOD_LIMIT] = { .type = NLA_U32 },                  \
	[INTNET_ATTR_NET_FLOOD_BURST] =                                       \
		NLA_POLICY_FULL_RANGE(NLA_U32, &flood_burst_range)
#define P_IFINDEX \
	[INTNET_ATTR_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1)
#define P_MAC \
	[INTNET_ATTR_MAC] = NLA_POLICY_ETH_ADDR
#define P_PORT_SETTINGS                                          \
	[INTNET_ATTR_PORT_UP] = NLA_POLICY_MAX(NLA_U8, 1),       \
	[INTNET_ATTR_PORT_PROMISC] = NLA_POLICY_MAX(NLA_U8, 1),  \
	[INTNET_ATTR_PORT_ISOLATED] = NLA_POLICY_MAX(NLA_U8, 1), \
	[INTNET_ATTR_PORT_FLOOD_LIMIT] = { .type = NLA_U32 },     \
	[INTNET_ATTR_PORT_LOCK_MAC] = NLA_POLICY_ETH_ADDR,        \
	[INTNET_ATTR_PORT_IP_LOCK] = NLA_POLICY_NESTED(ip_lock_policy), \
	[INTNET_ATTR_PORT_DHCP_SERVER] = NLA_POLICY_MAX(NLA_U8, 1)

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
	[INTNET_ATTR_PORT_UPLINK] = NLA_POLICY_MAX(NLA_U8, 1),
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

/* ---- replies ---- */

/* Fills a message with object @a (and @b, where it takes two). */
typedef int (*fill_fn)(struct sk_buff *msg, void *a, void *b);

/* One object (of at most @size bytes) as the answer to a request. */
static int reply(struct genl_info *info, u8 cmd, size_t size, fill_fn fill,
		 void *a, void *b)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &intnet_family, 0, cmd);
	if (!hdr || WARN_ON_ONCE(fill(msg, a, b))) {
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

/* The objects as the caller sees them: uids in its user namespace. */
static int fill_net_any(struct sk_buff *msg, void *nw, void *unused)
{
	return intnet_network_fill(msg, nw, current_user_ns());
}

static int fill_port_any(struct sk_buff *msg, void *port, void *unused)
{
	return intnet_port_fill(msg, port, current_user_ns());
}

static int fill_fdb_any(struct sk_buff *msg, void *nw, void *e)
{
	return intnet_fdb_fill(msg, nw, e, current_user_ns());
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
	return reply(info, INTNET_CMD_VERSION_GET,
		     nla_total_size(sizeof(INTNET_VERSION)) +
			     nla_total_size_64bit(sizeof(u64)),
		     fill_version, NULL, NULL);
}

/* ---- networks ---- */

static int intnet_nl_net_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct intnet_network *nw;
	struct intnet_net_ref r;
	kuid_t owner;
	int err;

	err = intnet_req_net_ref(info->attrs, info->extack, &r);
	if (!err)
		err = intnet_network_check(info->attrs, info->extack);
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
	intnet_network_apply(nw, info->attrs);
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

	nw = intnet_req_network(net, info->attrs, &c, info->extack);
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

	err = intnet_network_check(info->attrs, info->extack);
	if (err)
		return err;
	rtnl_lock();
	nw = owned_network(skb, info);
	if (IS_ERR(nw)) {
		err = PTR_ERR(nw);
	} else {
		was_public = nw->access == INTNET_ACCESS_PUBLIC;
		intnet_network_apply(nw, info->attrs);
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
	nw = intnet_req_network(net, info->attrs, &c, info->extack);
	err = IS_ERR(nw) ? PTR_ERR(nw) :
			   reply(info, INTNET_CMD_NET_GET,
				 intnet_network_msg_size(), fill_net_any, nw,
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

static int intnet_nl_port_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_port_settings set = {
		.up = intnet_req_flag(attrs, INTNET_ATTR_PORT_UP, true),
		.promisc = intnet_req_flag(attrs, INTNET_ATTR_PORT_PROMISC, false),
		.isolated = intnet_req_flag(attrs, INTNET_ATTR_PORT_ISOLATED, false),
		.dhcp_server = intnet_req_flag(attrs, INTNET_ATTR_PORT_DHCP_SERVER,
					       false),
		.uplink = intnet_req_flag(attrs, INTNET_ATTR_PORT_UPLINK, false),
	};
	struct intnet_ip_table *ip_table = NULL;
	struct intnet_ip_lock *ip_lock = NULL;
	struct intnet_network *nw;
	struct intnet_tap_ids ids;
	struct intnet_port *port;
	struct net_device *dev;
	bool has_lock, created = false;
	const u8 *lock;
	struct intnet_net_ref r;
	kuid_t user;
	int err;

	err = intnet_req_net_ref(attrs, info->extack, &r);
	if (!err)
		err = intnet_req_lock_mac(attrs, &has_lock, &lock, info->extack);
	if (!err)
		err = intnet_flood_limit_check(attrs[INTNET_ATTR_PORT_FLOOD_LIMIT],
					       info->extack);
	if (!err && attrs[INTNET_ATTR_PORT_IP_LOCK])
		err = intnet_ip_lock_parse(attrs[INTNET_ATTR_PORT_IP_LOCK],
					   &ip_lock, info->extack);
	if (err)
		return err;
	if (attrs[INTNET_ATTR_PORT_FLOOD_LIMIT])
		set.flood_limit = nla_get_u32(attrs[INTNET_ATTR_PORT_FLOOD_LIMIT]);
	rtnl_lock();
	dev = intnet_req_device(net, attrs, info->extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto unlock;
	}
	/* A port whose TAP changed hands while down leaves before anything
	 * else is looked up (its network may go with it).
	 */
	port = intnet_port_get_rtnl(dev);
	if (port)
		intnet_port_follow_tap(port);
	err = intnet_tap_ids(dev, &ids);
	if (!err)
		err = intnet_port_check_kind(dev, &ids, info->extack);
	if (!err && set.uplink)
		err = intnet_uplink_check(&c, dev, NULL, info->extack);
	if (!err && set.uplink)
		err = intnet_uplink_options(set.promisc, lock, ip_lock,
					    info->extack);
	if (!err)
		err = intnet_port_user(&c, dev, &ids,
				       attrs[INTNET_ATTR_PORT_USER], &user,
				       info->extack);
	if (err)
		goto unlock;
	nw = intnet_req_join_network(net, &c, &r, user, attrs, info->extack);
	if (IS_ERR(nw)) {
		err = PTR_ERR(nw);
		goto unlock;
	}
	err = intnet_may_add_port(&c, net, user, info->extack);
	if (!err && set.uplink)
		err = intnet_uplink_check(&c, dev, nw, info->extack);
	if (!err)
		err = intnet_may_join(&c, net, nw, user, set.promisc,
				      info->extack);
	if (!err && set.isolated)
		err = intnet_may_isolate(&c, nw, info->extack);
	if (!err)
		err = intnet_may_flood_limit(&c, nw, user,
					     attrs[INTNET_ATTR_PORT_FLOOD_LIMIT],
					     info->extack);
	if (!err && (attrs[INTNET_ATTR_PORT_IP_LOCK] ||
		     attrs[INTNET_ATTR_PORT_DHCP_SERVER]))
		err = intnet_may_ip_lock(&c, nw, info->extack);
	if (!err && nw && lock)
		err = intnet_fdb_lock_check(nw, user, lock,
					    intnet_owns_net(&c, nw),
					    info->extack);
	if (!err)
		err = intnet_ip_lock_check(nw, ip_lock, info->extack);
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
	port = intnet_port_add(nw, dev, user, &ids, &set, info->extack);
	if (IS_ERR(port)) {
		err = PTR_ERR(port);
	} else {
		if (lock)
			err = intnet_fdb_lock(port, lock, intnet_owns_net(&c, nw),
					      info->extack);
		if (!err && ip_lock)
			err = intnet_ip_table_build(nw, port, ip_lock,
						    &ip_table, info->extack);
		if (err)
			intnet_port_del(port);
	}
	if (!err && ip_lock)
		intnet_ip_lock_publish(port, &ip_lock, &ip_table);
	/* Announced once complete: a failed attempt leaves no trace. */
	if (!err && created)
		intnet_event_net(nw, INTNET_CMD_NET_NEW, false);
	if (!err)
		intnet_event_port(port, INTNET_CMD_PORT_ADD);
	intnet_network_put_implicit(nw);
unlock:
	rtnl_unlock();
	kfree(ip_lock);
	kvfree(ip_table);
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
	port = intnet_req_port(net, info->attrs, &c, info->extack);
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
	struct intnet_ip_table *ip_table = NULL;
	struct intnet_ip_lock *ip_lock = NULL;
	bool ip_locks = attrs[INTNET_ATTR_PORT_IP_LOCK] ||
			attrs[INTNET_ATTR_PORT_DHCP_SERVER];
	struct intnet_port *port;
	const u8 *lock;
	bool has_lock;
	int err;

	if (!attrs[INTNET_ATTR_PORT_UP] && !attrs[INTNET_ATTR_PORT_PROMISC] &&
	    !attrs[INTNET_ATTR_PORT_ISOLATED] &&
	    !attrs[INTNET_ATTR_PORT_FLOOD_LIMIT] &&
	    !attrs[INTNET_ATTR_PORT_LOCK_MAC] && !ip_locks) {
		NL_SET_ERR_MSG_MOD(info->extack, "nothing to change");
		return -EINVAL;
	}
	err = intnet_req_lock_mac(attrs, &has_lock, &lock, info->extack);
	if (!err)
		err = intnet_flood_limit_check(attrs[INTNET_ATTR_PORT_FLOOD_LIMIT],
					       info->extack);
	if (!err && attrs[INTNET_ATTR_PORT_IP_LOCK])
		err = intnet_ip_lock_parse(attrs[INTNET_ATTR_PORT_IP_LOCK],
					   &ip_lock, info->extack);
	if (err)
		return err;
	rtnl_lock();
	port = intnet_req_port(net, attrs, &c, info->extack);
	if (IS_ERR(port)) {
		err = PTR_ERR(port);
		goto unlock;
	}
	if (port->uplink) {
		err = intnet_uplink_options(intnet_req_flag(attrs,
							    INTNET_ATTR_PORT_PROMISC,
							    false),
					    lock, ip_lock, info->extack);
		if (err)
			goto unlock;
	}
	if (intnet_req_flag(attrs, INTNET_ATTR_PORT_PROMISC, false)) {
		err = intnet_may_promisc(&c, port->network, info->extack);
		if (err)
			goto unlock;
	}
	if (attrs[INTNET_ATTR_PORT_ISOLATED]) {
		err = intnet_may_isolate(&c, port->network, info->extack);
		if (err)
			goto unlock;
	}
	err = intnet_may_flood_limit(&c, port->network, port->user,
				     attrs[INTNET_ATTR_PORT_FLOOD_LIMIT],
				     info->extack);
	if (!err && ip_locks)
		err = intnet_may_ip_lock(&c, port->network, info->extack);
	if (!err && attrs[INTNET_ATTR_PORT_IP_LOCK])
		err = intnet_ip_table_build(port->network, port, ip_lock,
					    &ip_table, info->extack);
	if (err)
		goto unlock;
	/* The changes that can fail go first. */
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
	if (attrs[INTNET_ATTR_PORT_ISOLATED])
		intnet_port_set_isolated(port,
					 nla_get_u8(attrs[INTNET_ATTR_PORT_ISOLATED]));
	if (attrs[INTNET_ATTR_PORT_FLOOD_LIMIT])
		intnet_port_set_flood_limit(port,
					    nla_get_u32(attrs[INTNET_ATTR_PORT_FLOOD_LIMIT]));
	if (attrs[INTNET_ATTR_PORT_DHCP_SERVER])
		intnet_port_set_dhcp_server(port,
					    nla_get_u8(attrs[INTNET_ATTR_PORT_DHCP_SERVER]));
	if (attrs[INTNET_ATTR_PORT_IP_LOCK])
		intnet_ip_lock_publish(port, &ip_lock, &ip_table);
	intnet_pernet_changed(port->network->net);
	intnet_event_port(port, INTNET_CMD_PORT_SET);
unlock:
	rtnl_unlock();
	kfree(ip_lock);
	kvfree(ip_table);
	return err;
}

static int intnet_nl_port_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct intnet_port *port;
	int err;

	rtnl_lock();
	port = intnet_req_port(net, info->attrs, &c, info->extack);
	err = IS_ERR(port) ? PTR_ERR(port) :
			     reply(info, INTNET_CMD_PORT_GET,
				   intnet_port_msg_size(), fill_port_any, port,
				   NULL);
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
		nw = intnet_req_network(net, attrs, &st->caller, st->cb->extack);
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

static int intnet_nl_fdb_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);
	struct nlattr **attrs = info->attrs;
	struct intnet_port *port;
	int err;

	if (INTNET_MISSING(info->extack, attrs, INTNET_ATTR_MAC,
			   "a MAC address is required"))
		return -EINVAL;
	if (!is_valid_ether_addr(nla_data(attrs[INTNET_ATTR_MAC]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[INTNET_ATTR_MAC],
				    "a static entry needs a unicast, non-zero address");
		return -EINVAL;
	}
	rtnl_lock();
	port = intnet_req_fdb_port(net, attrs, &c, info->extack);
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

	if (INTNET_MISSING(info->extack, attrs, INTNET_ATTR_MAC,
			   "a MAC address is required"))
		return -EINVAL;
	rtnl_lock();
	nw = intnet_req_fdb_network(net, attrs, &c, info->extack);
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
		port = intnet_req_fdb_port(net, attrs, &c, info->extack);
		if (IS_ERR(port))
			err = PTR_ERR(port);
		else
			intnet_fdb_flush(port->network, port);
	} else {
		nw = intnet_req_fdb_network(net, attrs, &c, info->extack);
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

	if (INTNET_MISSING(info->extack, attrs, INTNET_ATTR_MAC,
			   "a MAC address is required"))
		return -EINVAL;
	rtnl_lock();
	nw = intnet_req_network(net, attrs, &c, info->extack);
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
	 * learning can only move it, which intnet_fdb_fill() reads under RCU.
	 */
	if (!e) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[INTNET_ATTR_MAC],
				    "no such FDB entry");
		err = -ENOENT;
		goto unlock;
	}
	err = reply(info, INTNET_CMD_FDB_GET, intnet_fdb_msg_size(),
		    fill_fdb_any, nw, e);
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

static int intnet_nl_monitor(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct intnet_caller c = intnet_caller_of(skb, net);

	if (INTNET_MISSING(info->extack, info->attrs, INTNET_ATTR_MONITOR,
			   "what to monitor is required"))
		return -EINVAL;
	return intnet_monitor(net, &c, info->snd_portid,
			      nla_get_u32(info->attrs[INTNET_ATTR_MONITOR]),
			      info->extack);
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
	.n_mcgrps = INTNET_N_MCGRPS,
	/* A new family validates every operation strictly. */
	.resv_start_op = 0,
};

int __init intnet_genl_init(void)
{
	int err;

	err = genl_register_family(&intnet_family);
	if (!err)
		intnet_events_start(&intnet_family);
	return err;
}

void intnet_genl_exit(void)
{
	intnet_events_stop();
	genl_unregister_family(&intnet_family);
}
