// SPDX-License-Identifier: GPL-2.0
/* intnet: ports, the Ethernet devices attached to a network, and following them. */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/memcontrol.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>

#include "intnet.h"

/* The port of @dev if @dev is ours. RTNL keeps rx_handler_data stable. */
struct intnet_port *intnet_port_get_rtnl(const struct net_device *dev)
{
	ASSERT_RTNL();
	if (intnet_is_host(dev))
		return intnet_host_port_rtnl(dev);
	if (rcu_access_pointer(dev->rx_handler) != intnet_handle_frame &&
	    rcu_access_pointer(dev->rx_handler) != intnet_uplink_handle_frame)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

/*
 * What any caller is told first: devices that can never be ports. A port must
 * frame as Ethernet does, with a 14-byte header and a valid address, as a
 * bridge port must: a TUN (layer 3) device retyped ARPHRD_ETHER with
 * TUNSETLINK has neither, and the switch would read its IP header as an
 * Ethernet one and send stale headroom as a header.
 */
int intnet_port_check_kind(struct net_device *dev,
			   const struct intnet_tap_ids *ids,
			   struct netlink_ext_ack *extack)
{
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack, "a loopback device cannot be a port");
		return -EINVAL;
	}
	if (ids->tun && !ids->tap) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the device is a TUN (layer 3) device, not a TAP");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    dev->hard_header_len < ETH_HLEN ||
	    !is_valid_ether_addr(dev->dev_addr)) {
		NL_SET_ERR_MSG_MOD(extack, "the device is not an Ethernet device");
		return -EINVAL;
	}
	return 0;
}

static int check_free(struct net_device *dev, struct netlink_ext_ack *extack)
{
	if (intnet_port_get_rtnl(dev)) {
		NL_SET_ERR_MSG_MOD(extack, "the device is already a port");
		return -EBUSY;
	}
	if (netdev_is_rx_handler_busy(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the device is already attached to a bridge, bond or other switch");
		return -EBUSY;
	}
	return 0;
}

static void name_free(struct intnet_port *port)
{
	kfree(rcu_dereference_protected(port->name, true));
}

/* Takes @dev's current name for @port; the old one goes after a grace period. */
static int name_update(struct intnet_port *port)
{
	struct intnet_port_name *n, *old;

	ASSERT_RTNL();
	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	strscpy(n->name, port->dev->name, sizeof(n->name));
	old = rtnl_dereference(port->name);
	rcu_assign_pointer(port->name, n);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* Puts @port's device name as attribute @attr, from any context. */
int intnet_port_name_put(struct sk_buff *msg, int attr,
			 const struct intnet_port *port)
{
	const struct intnet_port_name *n;
	int err;

	rcu_read_lock();
	n = rcu_dereference(port->name);
	err = nla_put_string(msg, attr, n->name);
	rcu_read_unlock();
	return err;
}

/* A port as replies and events give it, uids in @ns. */
int intnet_port_fill(struct sk_buff *msg, struct intnet_port *port,
		     struct user_namespace *ns)
{
	struct intnet_network *nw = port->network;
	u64 sum[__INTNET_STATS_MAX];
	bool up = READ_ONCE(port->up);
	bool promisc = READ_ONCE(port->promisc);
	bool active = up && promisc &&
		      READ_ONCE(nw->promisc_policy) != INTNET_PROMISC_DENY;
	u64 lock = READ_ONCE(port->lock_mac);
	u8 mac[ETH_ALEN];

	intnet_stats_port_sum(port, sum);
	u64_to_ether_addr(lock, mac);
	if (nla_put_u32(msg, INTNET_ATTR_IFINDEX, port->dev->ifindex) ||
	    intnet_port_name_put(msg, INTNET_ATTR_IFNAME, port) ||
	    nla_put_string(msg, INTNET_ATTR_NET_NAME, nw->name) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_OWNER,
			from_kuid_munged(ns, nw->owner)) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_UP, up) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_PROMISC, promisc) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_PROMISC_ACTIVE, active) ||
	    nla_put_u32(msg, INTNET_ATTR_PORT_USER,
			from_kuid_munged(ns, port->user)) ||
	    nla_put_u32(msg, INTNET_ATTR_PORT_FDB_LEARNED,
			READ_ONCE(port->fdb_learned)) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_CARRIER,
		       intnet_port_dev_ok(port)) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_ISOLATED,
		       READ_ONCE(port->isolated)) ||
	    nla_put_u32(msg, INTNET_ATTR_PORT_FLOOD_LIMIT,
			READ_ONCE(port->flood_limit)) ||
	    nla_put_u32(msg, INTNET_ATTR_PORT_FLOOD_RATE,
			intnet_flood_rate(port, nw)) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_DHCP_SERVER,
		       READ_ONCE(port->dhcp_server)) ||
	    (lock && nla_put(msg, INTNET_ATTR_PORT_LOCK_MAC, ETH_ALEN, mac)) ||
	    nla_put_u8(msg, INTNET_ATTR_PORT_UPLINK, !!port->uplink) ||
	    (port->uplink && nla_put_u8(msg, INTNET_ATTR_PORT_UC_FILTER,
					intnet_uplink_uc_filter(port))) ||
	    intnet_ip_lock_put(msg, port))
		return -EMSGSIZE;
	return intnet_stats_put(msg, sum);
}

/*
 * The most intnet_port_fill() puts: IFINDEX, IFNAME, NET_NAME, NET_OWNER;
 * eight u8 (UP, PROMISC, PROMISC_ACTIVE, CARRIER, ISOLATED, DHCP_SERVER,
 * UPLINK, UC_FILTER); four
 * u32 (USER, FDB_LEARNED, FLOOD_LIMIT, FLOOD_RATE); the locks; the counters.
 */
size_t intnet_port_msg_size(void)
{
	return nla_total_size(sizeof(u32)) + nla_total_size(IFNAMSIZ) +
	       nla_total_size(INTNET_NAME_MAX + 1) +
	       nla_total_size(sizeof(u32)) + 8 * nla_total_size(sizeof(u8)) +
	       4 * nla_total_size(sizeof(u32)) + nla_total_size(ETH_ALEN) +
	       intnet_ip_lock_size() + intnet_stats_size();
}

static void port_free(struct intnet_port *port)
{
	/* Called when no reader is left (or there never was one). */
	kfree(rcu_dereference_protected(port->ip_lock, 1));
	name_free(port);
	mem_cgroup_put(port->memcg);
	free_percpu(port->stats);
	kfree(port);
}

static struct intnet_port *port_new(struct intnet_network *nw,
				    struct net_device *dev, kuid_t user,
				    const struct intnet_tap_ids *ids)
{
	struct intnet_port *port;

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return NULL;
	port->network = nw;
	port->dev = dev;
	port->user = user;
	port->tap = ids->tap;
	port->tap_owner = ids->owner;
	port->tap_group = ids->group;
	port->host = intnet_is_host(dev);
	/* Attached on a request: its caller is whose the port's entries are. */
	port->memcg = get_mem_cgroup_from_mm(current->mm);
	port->stats = __alloc_percpu_gfp(sizeof(*port->stats),
					 __alignof__(*port->stats),
					 GFP_KERNEL_ACCOUNT);
	if (!port->stats || name_update(port)) {
		port_free(port);
		return NULL;
	}
	return port;
}

struct intnet_port *intnet_port_add(struct intnet_network *nw,
				    struct net_device *dev, kuid_t user,
				    const struct intnet_tap_ids *ids,
				    const struct intnet_port_settings *set,
				    struct netlink_ext_ack *extack)
{
	struct intnet_port *port;
	int err;

	ASSERT_RTNL();
	err = intnet_port_check_kind(dev, ids, extack);
	if (!err)
		err = check_free(dev, extack);
	if (err)
		return ERR_PTR(err);

	port = port_new(nw, dev, user, ids);
	if (!port)
		return ERR_PTR(-ENOMEM);
	port->up = set->up;
	port->promisc = set->promisc;
	port->isolated = set->isolated;
	port->dhcp_server = set->dhcp_server;
	port->flood_limit = set->flood_limit;
	port->share = intnet_share_get(nw, user);
	if (!port->share) {
		err = -ENOMEM;
		goto free_port;
	}

	/* A host port's frames come from its own transmit (host.c). */
	if (port->host)
		goto hold;
	/* An uplink shares its NIC with the host (uplink.c). */
	if (set->uplink) {
		err = intnet_uplink_attach(port, extack);
		if (err)
			goto put_share;
		goto hold;
	}
	/* Frames for the VMs behind the port carry other MACs than the device's. */
	err = dev_set_promiscuity(dev, 1);
	if (err)
		goto put_share;
	err = netdev_rx_handler_register(dev, intnet_handle_frame, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot take the device's receive path");
		goto unpromisc;
	}
	/* As a bridge does: merged frames (LRO) cannot be forwarded. */
	dev_disable_lro(dev);
hold:
	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);
	list_add_tail_rcu(&port->node, &nw->ports);
	nw->n_ports++;
	if (port->host)
		intnet_host_set_port(dev, port);
	intnet_pernet_changed(nw->net);
	return port;

unpromisc:
	dev_set_promiscuity(dev, -1);
put_share:
	intnet_share_put(nw, port->share);
free_port:
	port_free(port);
	return ERR_PTR(err);
}

/*
 * Detaches @port; the caller decides whether an implicit network goes with
 * it. The port is unlinked from everything a reader could find it through
 * (the network's ports, the FDB, the device) first, so that one grace period
 * covers all of them: the one netdev_rx_handler_unregister() waits for, or
 * for a host port our own.
 */
void intnet_port_del(struct intnet_port *port)
{
	struct intnet_network *nw = port->network;
	struct net_device *dev = port->dev;
	u64 sum[__INTNET_STATS_MAX];
	int i;

	ASSERT_RTNL();
	list_del_rcu(&port->node);
	nw->n_ports--;
	intnet_fdb_port_gone(port);
	intnet_ip_table_port_gone(port);
	intnet_event_port(port, INTNET_CMD_PORT_DEL);
	if (port->host) {
		intnet_host_set_port(dev, NULL);
		synchronize_net();
	} else if (port->uplink) {
		intnet_uplink_detach(port);
	} else {
		netdev_rx_handler_unregister(dev);
		dev_set_promiscuity(dev, -1);
	}

	/* No reader is left: the counts are final. */
	intnet_stats_port_sum(port, sum);
	for (i = 0; i < __INTNET_STATS_MAX; i++)
		nw->gone[i] += sum[i];
	if (port->host)
		intnet_host_port_gone(dev, sum);
	intnet_share_put(nw, port->share);
	netdev_put(dev, &port->dev_tracker);
	intnet_pernet_changed(nw->net);
	port_free(port);
}

void intnet_port_set_up(struct intnet_port *port, bool up)
{
	ASSERT_RTNL();
	WRITE_ONCE(port->up, up);
	if (port->host)
		intnet_host_set_carrier(port->dev, up);
	if (!up)
		intnet_fdb_flush(port->network, port);
}

void intnet_port_set_promisc(struct intnet_port *port, bool promisc)
{
	ASSERT_RTNL();
	WRITE_ONCE(port->promisc, promisc);
}

void intnet_port_set_isolated(struct intnet_port *port, bool isolated)
{
	ASSERT_RTNL();
	WRITE_ONCE(port->isolated, isolated);
}

void intnet_port_set_flood_limit(struct intnet_port *port, u32 limit)
{
	ASSERT_RTNL();
	WRITE_ONCE(port->flood_limit, limit);
}

void intnet_port_set_dhcp_server(struct intnet_port *port, bool on)
{
	ASSERT_RTNL();
	WRITE_ONCE(port->dhcp_server, on);
}

/* Detaches @port, and its network if that was its last port and implicit. */
static void port_leave(struct intnet_port *port)
{
	struct intnet_network *nw = port->network;

	intnet_port_del(port);
	intnet_network_put_implicit(nw);
}

/*
 * Whether @port's TAP may still be opened by the same users as when it was
 * attached: tun changes its owner and group (TUNSETOWNER, TUNSETGROUP) at the
 * word of whoever holds it open, and that holder keeps it. Handing the port
 * to the new owner would give the holder the new owner's view of the network;
 * keeping it the old owner's would let whoever may open it now use the old
 * owner's port. So the port leaves, and the new owner attaches it again.
 */
static bool tap_unchanged(struct intnet_port *port)
{
	struct intnet_tap_ids ids;

	return !intnet_tap_ids(port->dev, &ids) &&
	       uid_eq(ids.owner, port->tap_owner) &&
	       gid_eq(ids.group, port->tap_group);
}

/*
 * Checks @port against its TAP's owner and group; true if the port left for
 * it. tun announces a change only while the device is up, so the notifier
 * looks again when it comes up, and so does every request that names the
 * port or its device. RTNL held.
 */
bool intnet_port_follow_tap(struct intnet_port *port)
{
	ASSERT_RTNL();
	if (!port->tap || tap_unchanged(port))
		return false;
	port_leave(port);
	return true;
}

/*
 * A port follows its device: gone with it, and out of the network when it moves
 * to another namespace (that move sends NETDEV_UNREGISTER first); its FDB
 * entries go when it loses its carrier or goes down, as a bridge port's do;
 * it leaves when its TAP changes hands; and its type cannot change under it.
 */
static int intnet_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct intnet_port *port;

	port = intnet_port_get_rtnl(dev);
	if (!port)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UNREGISTER:
		port_leave(port);
		return NOTIFY_OK;
	case NETDEV_PRE_TYPE_CHANGE:
		return notifier_from_errno(-EBUSY);
	case NETDEV_CHANGENAME:
		/* Without memory the old name stays: only what events say. */
		name_update(port);
		return NOTIFY_OK;
	case NETDEV_UP:
		intnet_port_follow_tap(port);
		return NOTIFY_OK;
	case NETDEV_CHANGE:
	case NETDEV_DOWN:
		if (event == NETDEV_CHANGE && intnet_port_follow_tap(port))
			return NOTIFY_OK;
		if (!intnet_port_dev_ok(port))
			intnet_fdb_flush(port->network, port);
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block intnet_notifier = {
	.notifier_call = intnet_netdev_event,
};

int __init intnet_notifier_init(void)
{
	return register_netdevice_notifier(&intnet_notifier);
}

void intnet_notifier_exit(void)
{
	unregister_netdevice_notifier(&intnet_notifier);
}
