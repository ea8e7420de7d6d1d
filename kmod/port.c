// SPDX-License-Identifier: GPL-2.0
/* intnet: ports, the Ethernet devices attached to a network, and following them. */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/rtnetlink.h>

#include "intnet.h"

/* The port of @dev if @dev is ours. RTNL keeps rx_handler_data stable. */
struct intnet_port *intnet_port_get_rtnl(const struct net_device *dev)
{
	ASSERT_RTNL();
	if (intnet_is_host(dev))
		return intnet_host_port_rtnl(dev);
	if (rcu_access_pointer(dev->rx_handler) != intnet_handle_frame)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

/* What any caller is told first: devices that can never be ports. */
int intnet_port_check_kind(struct net_device *dev,
			   struct netlink_ext_ack *extack)
{
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack, "a loopback device cannot be a port");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
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

/* A numeric sysfs attribute @name of @dev's groups; -1 when absent or unset. */
static long dev_attr_number(struct net_device *dev, const char *name,
			    char *page)
{
	const struct attribute_group *const *grp;
	struct device_attribute *da;
	struct attribute *const *a;
	long v;

	for (grp = dev->sysfs_groups; grp < dev->sysfs_groups +
	     ARRAY_SIZE(dev->sysfs_groups) && *grp; grp++) {
		for (a = (*grp)->attrs; a && *a; a++) {
			if (strcmp((*a)->name, name))
				continue;
			da = container_of(*a, struct device_attribute, attr);
			if (!da->show || da->show(&dev->dev, da, page) <= 0 ||
			    kstrtol(page, 10, &v))
				return -1;
			return v;
		}
	}
	return -1;
}

/*
 * Whether @dev is a TAP (1, else 0, or -ENOMEM), and its owner and group
 * (invalid when unset). The tun driver keeps them private and offers them as
 * the sysfs attributes "owner" and "group" (numbers in the reader's user
 * namespace), so they are read the way sysfs reads them, into a page of our
 * own.
 */
int intnet_tap_ids(struct net_device *dev, kuid_t *owner, kgid_t *group)
{
	char *page;
	long v;

	*owner = INVALID_UID;
	*group = INVALID_GID;
	if (!dev->rtnl_link_ops || strcmp(dev->rtnl_link_ops->kind, "tun") ||
	    dev->type != ARPHRD_ETHER)
		return 0;
	page = (char *)get_zeroed_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	v = dev_attr_number(dev, "owner", page);
	if (v >= 0)
		*owner = make_kuid(current_user_ns(), v);
	v = dev_attr_number(dev, "group", page);
	if (v >= 0)
		*group = make_kgid(current_user_ns(), v);
	free_page((unsigned long)page);
	return 1;
}

struct intnet_port *intnet_port_add(struct intnet_network *nw,
				    struct net_device *dev, kuid_t user,
				    bool up, bool promisc,
				    struct netlink_ext_ack *extack)
{
	struct intnet_port *port;
	int err;

	ASSERT_RTNL();
	err = intnet_port_check_kind(dev, extack);
	if (!err)
		err = check_free(dev, extack);
	if (err)
		return ERR_PTR(err);

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return ERR_PTR(-ENOMEM);
	port->stats = netdev_alloc_pcpu_stats(struct intnet_pcpu_stats);
	if (!port->stats) {
		err = -ENOMEM;
		goto free_port;
	}
	port->network = nw;
	port->dev = dev;
	port->user = user;
	port->up = up;
	port->promisc = promisc;
	port->host = intnet_is_host(dev);

	/* A host port's frames come from its own transmit (host.c). */
	if (port->host)
		goto hold;
	/* Frames for the VMs behind the port carry other MACs than the device's. */
	err = dev_set_promiscuity(dev, 1);
	if (err)
		goto free_stats;
	err = netdev_rx_handler_register(dev, intnet_handle_frame, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot take the device's receive path");
		goto unpromisc;
	}
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
free_stats:
	free_percpu(port->stats);
free_port:
	kfree(port);
	return ERR_PTR(err);
}

static void port_free_rcu(struct rcu_head *head)
{
	struct intnet_port *port = container_of(head, struct intnet_port, rcu);

	free_percpu(port->stats);
	kfree(port);
}

/* Detaches @port; the caller decides whether an implicit network goes with it. */
void intnet_port_del(struct intnet_port *port)
{
	struct intnet_network *nw = port->network;
	struct net_device *dev = port->dev;
	u64 sum[__INTNET_STATS_MAX];
	int i;

	ASSERT_RTNL();
	if (port->host) {
		intnet_host_set_port(dev, NULL);
	} else {
		netdev_rx_handler_unregister(dev);
		dev_set_promiscuity(dev, -1);
	}
	list_del_rcu(&port->node);
	nw->n_ports--;
	intnet_fdb_port_gone(port);
	intnet_event_port(port, INTNET_CMD_PORT_DEL);

	/* Readers may still see the port until the grace period ends; keep its
	 * counts in the network's totals from here on.
	 */
	synchronize_net();
	intnet_stats_port_sum(port, sum);
	for (i = 0; i < __INTNET_STATS_MAX; i++)
		nw->gone[i] += sum[i];
	netdev_put(dev, &port->dev_tracker);
	intnet_pernet_changed(nw->net);
	call_rcu(&port->rcu, port_free_rcu);
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

/* A port follows its device: gone with it, and out of the network when it moves
 * to another namespace (that move sends NETDEV_UNREGISTER first).
 */
static int intnet_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct intnet_network *nw;
	struct intnet_port *port;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	port = intnet_port_get_rtnl(dev);
	if (!port)
		return NOTIFY_DONE;
	nw = port->network;
	intnet_port_del(port);
	intnet_network_put_implicit(nw);
	return NOTIFY_OK;
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
