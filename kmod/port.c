// SPDX-License-Identifier: GPL-2.0
/* intnet: ports, the Ethernet devices attached to a network, and following them. */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "intnet.h"

/* The port of @dev if @dev is ours. RTNL keeps rx_handler_data stable. */
struct intnet_port *intnet_port_get_rtnl(const struct net_device *dev)
{
	ASSERT_RTNL();
	if (rcu_access_pointer(dev->rx_handler) != intnet_handle_frame)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

static int check_device(struct net_device *dev, struct netlink_ext_ack *extack)
{
	struct intnet_port *port = intnet_port_get_rtnl(dev);

	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack, "a loopback device cannot be a port");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_MOD(extack, "the device is not an Ethernet device");
		return -EINVAL;
	}
	if (port) {
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

int intnet_port_add(struct intnet_network *nw, struct net_device *dev, bool up,
		    bool promisc, struct netlink_ext_ack *extack)
{
	struct intnet_port *port;
	int err;

	ASSERT_RTNL();
	err = check_device(dev, extack);
	if (err)
		return err;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return -ENOMEM;
	port->stats = netdev_alloc_pcpu_stats(struct intnet_pcpu_stats);
	if (!port->stats) {
		err = -ENOMEM;
		goto free_port;
	}
	port->network = nw;
	port->dev = dev;
	port->up = up;
	port->promisc = promisc;

	/* Frames for the VMs behind the port carry other MACs than the device's. */
	err = dev_set_promiscuity(dev, 1);
	if (err)
		goto free_stats;
	err = netdev_rx_handler_register(dev, intnet_handle_frame, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot take the device's receive path");
		goto unpromisc;
	}
	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);
	list_add_tail_rcu(&port->node, &nw->ports);
	nw->n_ports++;
	intnet_pernet_changed(nw->net);
	return 0;

unpromisc:
	dev_set_promiscuity(dev, -1);
free_stats:
	free_percpu(port->stats);
free_port:
	kfree(port);
	return err;
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
	netdev_rx_handler_unregister(dev);
	dev_set_promiscuity(dev, -1);
	list_del_rcu(&port->node);
	nw->n_ports--;
	intnet_fdb_port_gone(port);

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
