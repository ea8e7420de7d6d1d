// SPDX-License-Identifier: GPL-2.0
/* intnet: networks, the named switches of a network namespace, and their lifetime. */

#include <linux/jhash.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>

#include "intnet.h"

static unsigned int intnet_net_id __read_mostly;

struct intnet_pernet *intnet_pernet(struct net *net)
{
	return net_generic(net, intnet_net_id);
}

/* Printable ASCII without space, and without '/', which tools put between a
 * network's owner and its name.
 */
bool intnet_name_valid(const char *name)
{
	size_t len = strnlen(name, INTNET_NAME_MAX + 1);
	size_t i;

	if (len == 0 || len > INTNET_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '/')
			return false;
	return true;
}

static u32 key_of(kuid_t owner, const char *name)
{
	return jhash(name, strlen(name), __kuid_val(owner));
}

void intnet_pernet_changed(struct net *net)
{
	intnet_pernet(net)->gen++;
}

struct intnet_network *intnet_network_find(struct net *net, kuid_t owner,
					   const char *name)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;

	ASSERT_RTNL();
	hash_for_each_possible(pn->nets, nw, node, key_of(owner, name))
		if (uid_eq(nw->owner, owner) && !strcmp(nw->name, name))
			return nw;
	return NULL;
}

struct intnet_network *intnet_network_create(struct net *net, const char *name,
					     kuid_t owner, bool explicit)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;

	ASSERT_RTNL();
	/* Charged to the caller's memory cgroup, as is all a request allocates. */
	nw = kzalloc(sizeof(*nw), GFP_KERNEL_ACCOUNT);
	if (!nw)
		return NULL;
	strscpy(nw->name, name, sizeof(nw->name));
	nw->net = net;
	nw->owner = owner;
	nw->explicit = explicit;
	nw->flood_unknown = true;
	nw->access = INTNET_ACCESS_RESTRICTED;
	nw->promisc_policy = INTNET_PROMISC_DENY;
	nw->ageing = INTNET_AGEING_DEFAULT;
	nw->fdb_max = INTNET_FDB_MAX_DEFAULT;
	nw->flood_burst = INTNET_FLOOD_BURST_DEFAULT;
	INIT_LIST_HEAD(&nw->ports);
	INIT_LIST_HEAD(&nw->shares);
	intnet_fdb_init(nw);
	hash_add(pn->nets, &nw->node, key_of(owner, name));
	pn->n_nets++;
	pn->gen++;
	return nw;
}

/* Detaches every port, empties the FDB, and frees the network after a grace period. */
void intnet_network_destroy(struct intnet_network *nw)
{
	struct intnet_pernet *pn = intnet_pernet(nw->net);
	struct intnet_port *port, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(port, tmp, &nw->ports, node)
		intnet_port_del(port);
	intnet_event_net(nw, INTNET_CMD_NET_DEL, false);
	hash_del(&nw->node);
	pn->n_nets--;
	pn->gen++;
	intnet_fdb_destroy(nw);
	intnet_ip_table_free(nw);
	kfree_rcu(nw, rcu);
}

/* An implicit network lives while it has ports. */
void intnet_network_put_implicit(struct intnet_network *nw)
{
	ASSERT_RTNL();
	if (!nw->explicit && !nw->n_ports)
		intnet_network_destroy(nw);
}

/* How many networks of @net @owner owns (for the per-user quota). */
unsigned int intnet_network_count_owned(struct net *net, kuid_t owner)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;
	unsigned int bkt, n = 0;

	ASSERT_RTNL();
	intnet_for_each_network(pn, bkt, nw)
		n += uid_eq(nw->owner, owner);
	return n;
}

/* How many ports of @net are @user's (for the per-user quota). */
unsigned int intnet_ports_of_user(struct net *net, kuid_t user)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;
	struct intnet_share *sh;
	unsigned int bkt, n = 0;

	ASSERT_RTNL();
	intnet_for_each_network(pn, bkt, nw)
		list_for_each_entry(sh, &nw->shares, node)
			if (uid_eq(sh->user, user))
				n += sh->ports;
	return n;
}

/*
 * Settings a request may not give: MAC PAUSE is never forwarded; a flood
 * limit is a rate up to INTNET_FLOOD_LIMIT_MAX, 0 (auto) or _OFF.
 */
int intnet_network_check(struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[INTNET_ATTR_NET_GROUP_FWD_MASK];

	if (a && (nla_get_u16(a) & BIT(1))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "PAUSE frames (01:80:C2:00:00:01, bit 1) are never forwarded");
		return -EINVAL;
	}
	return intnet_flood_limit_check(attrs[INTNET_ATTR_NET_FLOOD_LIMIT],
					extack);
}

/* A flood limit as a request gives it (NULL: none given). */
int intnet_flood_limit_check(struct nlattr *a, struct netlink_ext_ack *extack)
{
	u32 v = a ? nla_get_u32(a) : 0;

	if (v <= INTNET_FLOOD_LIMIT_MAX || v == INTNET_FLOOD_LIMIT_OFF)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, a,
			    "a flood limit is at most 10000000 frames a second");
	return -EINVAL;
}

/* The settings a request gives (checked), made the network's; RTNL held. */
void intnet_network_apply(struct intnet_network *nw, struct nlattr **attrs)
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
	if (attrs[INTNET_ATTR_NET_FLOOD_LIMIT])
		WRITE_ONCE(nw->flood_limit,
			   nla_get_u32(attrs[INTNET_ATTR_NET_FLOOD_LIMIT]));
	if (attrs[INTNET_ATTR_NET_FLOOD_BURST])
		WRITE_ONCE(nw->flood_burst,
			   nla_get_u32(attrs[INTNET_ATTR_NET_FLOOD_BURST]));
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

/*
 * A network as replies and events give it, uids in @ns (the caller's user
 * namespace, or for events the one owning the network namespace).
 */
int intnet_network_fill(struct sk_buff *msg, struct intnet_network *nw,
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
	    nla_put_u8(msg, INTNET_ATTR_NET_PROMISC_POLICY,
		       READ_ONCE(nw->promisc_policy)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_PORT_FDB_MAX,
			READ_ONCE(nw->port_fdb_max)) ||
	    nla_put_u16(msg, INTNET_ATTR_NET_GROUP_FWD_MASK,
			READ_ONCE(nw->group_fwd_mask)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_FLOOD_LIMIT,
			READ_ONCE(nw->flood_limit)) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_FLOOD_BURST,
			READ_ONCE(nw->flood_burst)))
		return -EMSGSIZE;
	return intnet_stats_put(msg, sum);
}

/*
 * The most intnet_network_fill() puts: the name; four u8 (FLOOD_UNKNOWN,
 * EXPLICIT, ACCESS, PROMISC_POLICY); nine u32 (AGEING, FDB_MAX, OWNER, PORTS,
 * FDB_LEARNED, FDB_STATIC, PORT_FDB_MAX, FLOOD_LIMIT, FLOOD_BURST);
 * GROUP_FWD_MASK; the counters.
 */
size_t intnet_network_msg_size(void)
{
	return nla_total_size(INTNET_NAME_MAX + 1) +
	       4 * nla_total_size(sizeof(u8)) +
	       9 * nla_total_size(sizeof(u32)) +
	       nla_total_size(sizeof(u16)) + intnet_stats_size();
}

static int __net_init pernet_init(struct net *net)
{
	struct intnet_pernet *pn = intnet_pernet(net);

	hash_init(pn->nets);
	/* A dump's sequence 0 would mean "no generation yet". */
	pn->gen = 1;
	atomic_set(&pn->fdb_gen, 0);
	intnet_monitors_init(pn);
	return 0;
}

/* The namespace's devices are gone by now (and their ports with them): what is
 * left are explicit networks.
 */
static void __net_exit pernet_exit(struct net *net)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;
	struct hlist_node *tmp;
	unsigned int bkt;

	rtnl_lock();
	hash_for_each_safe(pn->nets, bkt, tmp, nw, node)
		intnet_network_destroy(nw);
	rtnl_unlock();
	intnet_monitors_exit(pn);
}

static struct pernet_operations pernet_ops = {
	.init = pernet_init,
	.exit = pernet_exit,
	.id = &intnet_net_id,
	.size = sizeof(struct intnet_pernet),
};

int __init intnet_network_init(void)
{
	return register_pernet_subsys(&pernet_ops);
}

/* Tears down every namespace's networks. */
void intnet_network_exit(void)
{
	unregister_pernet_subsys(&pernet_ops);
}
