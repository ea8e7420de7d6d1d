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
};

static struct genl_family intnet_family;

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
					  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw;
	const char *name;

	name = get_name(attrs, extack);
	if (!name)
		return ERR_PTR(-EINVAL);
	nw = intnet_network_find(net, name);
	if (!nw) {
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
				    struct netlink_ext_ack *extack)
{
	struct intnet_port *port;
	struct net_device *dev;

	dev = lookup_device(net, attrs, extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	port = intnet_port_get_rtnl(dev);
	if (!port) {
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
			READ_ONCE(nw->fdb_static)))
		return -EMSGSIZE;
	return intnet_stats_put(msg, sum);
}

static int fill_port(struct sk_buff *msg, struct intnet_port *port)
{
	u64 sum[__INTNET_STATS_MAX];
	bool up = READ_ONCE(port->up);
	bool promisc = READ_ONCE(port->promisc);

	intnet_stats_port_sum(port, sum);
	if (nla_put_u32(msg, INTNET_ATTR_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(msg, INTNET_ATTR_IFNAME, port->dev->name) ||
	    nla_put_string(msg, INTNET_ATTR_NET_NAME, port->network->name) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_UP, up) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_PROMISC, promisc) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_PROMISC_ACTIVE, up && promisc))
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
	if (attrs[INTNET_ATTR_NET_AGEING]) {
		WRITE_ONCE(nw->ageing,
			   nla_get_u32(attrs[INTNET_ATTR_NET_AGEING]));
		intnet_fdb_set_ageing(nw);
	}
	if (attrs[INTNET_ATTR_NET_EXPLICIT])
		nw->explicit = nla_get_u8(attrs[INTNET_ATTR_NET_EXPLICIT]);
	intnet_pernet_changed(nw->net);
}

static int intnet_nl_net_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
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
	nw = intnet_network_create(net, name, current_euid(), true);
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

static int intnet_nl_net_del(struct sk_buff *skb, struct genl_info *info)
{
	struct intnet_network *nw;
	int err = 0;

	rtnl_lock();
	nw = get_network(genl_info_net(info), info->attrs, info->extack);
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
	nw = get_network(genl_info_net(info), info->attrs, info->extack);
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
	struct intnet_network *nw;
	int err;

	rtnl_lock();
	nw = get_network(genl_info_net(info), info->attrs, info->extack);
	err = IS_ERR(nw) ? PTR_ERR(nw) :
			   reply(info, INTNET_CMD_NET_GET, fill_net_any, nw);
	rtnl_unlock();
	return err;
}

/* Dumps resume by position (cb->args[0]); pernet->gen flags changes in between. */
static int intnet_nl_net_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct intnet_pernet *pn = intnet_pernet(sock_net(skb->sk));
	long idx = 0, skip = cb->args[0];
	struct intnet_network *nw;
	unsigned int i;

	rtnl_lock();
	cb->seq = pn->gen;
	for (i = 0; i < ARRAY_SIZE(pn->nets); i++) {
		hlist_for_each_entry(nw, &pn->nets[i], node) {
			if (idx++ < skip)
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

static int intnet_nl_port_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr **attrs = info->attrs;
	struct intnet_network *nw;
	struct net_device *dev;
	const char *name;
	int err;

	name = get_name(attrs, info->extack);
	if (!name)
		return -EINVAL;
	rtnl_lock();
	dev = lookup_device(net, attrs, info->extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto unlock;
	}
	/* A network is created by the first port that names it. */
	nw = intnet_network_find(net, name);
	if (!nw)
		nw = intnet_network_create(net, name, current_euid(), false);
	if (!nw) {
		err = -ENOMEM;
		goto unlock;
	}
	err = intnet_port_add(nw, dev, get_flag(attrs, INTNET_ATTR_PORT_UP, true),
			      get_flag(attrs, INTNET_ATTR_PORT_PROMISC, false),
			      info->extack);
	intnet_network_put_implicit(nw);
unlock:
	rtnl_unlock();
	return err;
}

static int intnet_nl_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct intnet_network *nw;
	struct intnet_port *port;
	int err = 0;

	rtnl_lock();
	port = get_port(genl_info_net(info), info->attrs, info->extack);
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
	struct nlattr **attrs = info->attrs;
	struct intnet_port *port;
	int err = 0;

	if (!attrs[INTNET_ATTR_PORT_UP] && !attrs[INTNET_ATTR_PORT_PROMISC]) {
		NL_SET_ERR_MSG_MOD(info->extack, "nothing to change");
		return -EINVAL;
	}
	rtnl_lock();
	port = get_port(genl_info_net(info), attrs, info->extack);
	if (IS_ERR(port)) {
		err = PTR_ERR(port);
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
	struct intnet_port *port;
	int err;

	rtnl_lock();
	port = get_port(genl_info_net(info), info->attrs, info->extack);
	err = IS_ERR(port) ? PTR_ERR(port) :
			     reply(info, INTNET_CMD_PORT_GET, fill_port_any, port);
	rtnl_unlock();
	return err;
}

/*
 * The networks a dump covers: the one named in the request, or all. Returns
 * the only one, NULL for all, or an error pointer (with the message set).
 */
static struct intnet_network *dump_filter(struct net *net,
					  struct netlink_callback *cb)
{
	struct nlattr **attrs = intnet_dump_attrs(cb);

	if (!attrs[INTNET_ATTR_NET_NAME])
		return NULL;
	return get_network(net, attrs, cb->extack);
}

/* Calls @fn for each network a dump covers until it returns non-zero. */
static int walk_dump_networks(struct net *net, struct netlink_callback *cb,
			      int (*fn)(struct intnet_network *, void *),
			      void *arg)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *only, *nw;
	unsigned int i;
	int err;

	only = dump_filter(net, cb);
	if (IS_ERR(only))
		return PTR_ERR(only);
	if (only)
		return fn(only, arg);
	for (i = 0; i < ARRAY_SIZE(pn->nets); i++)
		hlist_for_each_entry(nw, &pn->nets[i], node) {
			err = fn(nw, arg);
			if (err)
				return err;
		}
	return 0;
}

struct dump_state {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	long idx, skip;
};

static int dump_ports_of(struct intnet_network *nw, void *arg)
{
	struct dump_state *st = arg;
	struct intnet_port *port;

	list_for_each_entry(port, &nw->ports, node) {
		if (st->idx++ < st->skip)
			continue;
		if (dump_one(st->skb, st->cb, INTNET_CMD_PORT_GET,
			     fill_port_any, port, NULL)) {
			st->idx--;
			return -EMSGSIZE;
		}
	}
	return 0;
}

static int intnet_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_state st = { .skb = skb, .cb = cb, .skip = cb->args[0] };
	struct net *net = sock_net(skb->sk);
	int err;

	rtnl_lock();
	cb->seq = intnet_pernet(net)->gen;
	err = walk_dump_networks(net, cb, dump_ports_of, &st);
	rtnl_unlock();
	cb->args[0] = st.idx;
	return err && err != -EMSGSIZE ? err : skb->len;
}

/* ---- FDB ---- */

static int intnet_nl_fdb_add(struct sk_buff *skb, struct genl_info *info)
{
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
	port = get_port(genl_info_net(info), attrs, info->extack);
	err = IS_ERR(port) ? PTR_ERR(port) :
			     intnet_fdb_add_static(port,
						   nla_data(attrs[INTNET_ATTR_MAC]),
						   info->extack);
	rtnl_unlock();
	return err;
}

static int intnet_nl_fdb_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct intnet_network *nw;
	int err;

	if (!attrs[INTNET_ATTR_MAC]) {
		NL_SET_ERR_MSG_MOD(info->extack, "a MAC address is required");
		return -EINVAL;
	}
	rtnl_lock();
	nw = get_network(genl_info_net(info), attrs, info->extack);
	if (IS_ERR(nw)) {
		err = PTR_ERR(nw);
		goto unlock;
	}
	err = intnet_fdb_del(nw, nla_data(attrs[INTNET_ATTR_MAC]));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[INTNET_ATTR_MAC],
				    "no such FDB entry");
unlock:
	rtnl_unlock();
	return err;
}

static int intnet_nl_fdb_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr **attrs = info->attrs;
	struct intnet_network *nw;
	struct intnet_port *port;
	int err = 0;

	rtnl_lock();
	if (attrs[INTNET_ATTR_IFINDEX]) {
		port = get_port(net, attrs, info->extack);
		if (IS_ERR(port))
			err = PTR_ERR(port);
		else
			intnet_fdb_flush(port->network, port);
	} else {
		nw = get_network(net, attrs, info->extack);
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
		if (st->idx++ < st->skip)
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
	struct dump_state st = { .skb = skb, .cb = cb, .skip = cb->args[0] };
	struct net *net = sock_net(skb->sk);
	unsigned int gen;
	int err;

	rtnl_lock();
	gen = intnet_pernet(net)->gen;
	err = walk_dump_networks(net, cb, add_fdb_gen, &gen);
	if (!err) {
		cb->seq = gen;
		err = walk_dump_networks(net, cb, dump_fdb_of, &st);
	}
	rtnl_unlock();
	cb->args[0] = st.idx;
	return err && err != -EMSGSIZE ? err : skb->len;
}

#define OP(c, fn, fl) { .cmd = (c), .doit = (fn), .flags = (fl) }
#define DUMP_OP(c, fn, dfn) { .cmd = (c), .doit = (fn), .dumpit = (dfn) }

/* Reads are open; every change needs CAP_NET_ADMIN over the namespace. */
static const struct genl_small_ops intnet_ops[] = {
	OP(INTNET_CMD_VERSION_GET, intnet_nl_version_get, 0),
	OP(INTNET_CMD_NET_NEW, intnet_nl_net_new, GENL_UNS_ADMIN_PERM),
	OP(INTNET_CMD_NET_DEL, intnet_nl_net_del, GENL_UNS_ADMIN_PERM),
	OP(INTNET_CMD_NET_SET, intnet_nl_net_set, GENL_UNS_ADMIN_PERM),
	DUMP_OP(INTNET_CMD_NET_GET, intnet_nl_net_get, intnet_nl_net_dump),
	OP(INTNET_CMD_PORT_ADD, intnet_nl_port_add, GENL_UNS_ADMIN_PERM),
	OP(INTNET_CMD_PORT_DEL, intnet_nl_port_del, GENL_UNS_ADMIN_PERM),
	OP(INTNET_CMD_PORT_SET, intnet_nl_port_set, GENL_UNS_ADMIN_PERM),
	DUMP_OP(INTNET_CMD_PORT_GET, intnet_nl_port_get, intnet_nl_port_dump),
	OP(INTNET_CMD_FDB_ADD, intnet_nl_fdb_add, GENL_UNS_ADMIN_PERM),
	OP(INTNET_CMD_FDB_DEL, intnet_nl_fdb_del, GENL_UNS_ADMIN_PERM),
	OP(INTNET_CMD_FDB_FLUSH, intnet_nl_fdb_flush, GENL_UNS_ADMIN_PERM),
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
