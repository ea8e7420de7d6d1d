// SPDX-License-Identifier: GPL-2.0
/*
 * intnet: the host-side port (VirtualBox's host-only adapter). A device of kind
 * "intnet" (ip link add NAME type intnet) is an Ethernet device of the host's
 * stack whose other end is a network: attached as a port, what the host sends
 * through it enters the network as if a VM had sent it, and what the network
 * sends to the port is received by the host. Unattached, it has no carrier and
 * drops what it is given.
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "intnet.h"

struct intnet_host {
	struct intnet_port __rcu *port;
	/* What ports that left counted, so that the device's counters never go
	 * back; written under RTNL, read by get_stats64 from anywhere.
	 */
	u64 gone[__INTNET_STATS_MAX];
};

static netdev_tx_t host_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct intnet_host *h = netdev_priv(dev);
	struct intnet_port *port;

	/* The switch reads its objects under RCU, not only with BH off. */
	rcu_read_lock();
	port = rcu_dereference(h->port);
	if (unlikely(!port || !pskb_may_pull(skb, ETH_HLEN))) {
		rcu_read_unlock();
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	/* As a port's receive path hands a frame over: data at the payload. */
	skb_reset_mac_header(skb);
	__skb_pull(skb, ETH_HLEN);
	intnet_port_rx(port, skb);
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

/*
 * The device's counters are its ports', seen from the host's side: the port
 * it has now plus those it had before.
 */
static void host_get_stats64(struct net_device *dev,
			     struct rtnl_link_stats64 *s)
{
	struct intnet_host *h = netdev_priv(dev);
	u64 sum[__INTNET_STATS_MAX] = { 0 };
	struct intnet_port *port;
	int i;

	rcu_read_lock();
	port = rcu_dereference(h->port);
	if (port)
		intnet_stats_port_sum(port, sum);
	rcu_read_unlock();
	for (i = 0; i < __INTNET_STATS_MAX; i++)
		sum[i] += READ_ONCE(h->gone[i]);
	s->tx_packets = sum[INTNET_STATS_RX_PACKETS];
	s->tx_bytes = sum[INTNET_STATS_RX_BYTES];
	s->rx_packets = sum[INTNET_STATS_TX_PACKETS];
	s->rx_bytes = sum[INTNET_STATS_TX_BYTES];
	s->rx_dropped = sum[INTNET_STATS_TX_DROP_ERROR];
}

static const struct net_device_ops host_ops = {
	.ndo_start_xmit = host_xmit,
	.ndo_get_stats64 = host_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void host_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &host_ops;
	dev->needs_free_netdev = true;
	/* Its transmit is the switch's receive: no lock of its own is needed,
	 * and netpoll (which sends with interrupts off) cannot go through it.
	 */
	intnet_set_lltx(dev);
	dev->priv_flags |= IFF_NO_QUEUE | IFF_DISABLE_NETPOLL;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	/* Other ports segment and checksum what their devices cannot. */
	dev->features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA |
			NETIF_F_GSO_SOFTWARE;
	dev->hw_features = dev->features;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);
	/* No cable until it is a port that is up. */
	netif_carrier_off(dev);
}

static struct rtnl_link_ops host_link_ops __read_mostly = {
	.kind = "intnet",
	.priv_size = sizeof(struct intnet_host),
	.setup = host_setup,
};

bool intnet_is_host(const struct net_device *dev)
{
	return dev->netdev_ops == &host_ops;
}

struct intnet_port *intnet_host_port_rtnl(const struct net_device *dev)
{
	const struct intnet_host *h = netdev_priv(dev);

	return rtnl_dereference(h->port);
}

/* @port (NULL: none) becomes @dev's; the carrier says whether it is plugged. */
void intnet_host_set_port(struct net_device *dev, struct intnet_port *port)
{
	struct intnet_host *h = netdev_priv(dev);

	ASSERT_RTNL();
	rcu_assign_pointer(h->port, port);
	intnet_host_set_carrier(dev, port && port->up);
}

/* @dev's port left, having counted @sum (its final counts). */
void intnet_host_port_gone(struct net_device *dev, const u64 *sum)
{
	struct intnet_host *h = netdev_priv(dev);
	int i;

	ASSERT_RTNL();
	for (i = 0; i < __INTNET_STATS_MAX; i++)
		WRITE_ONCE(h->gone[i], h->gone[i] + sum[i]);
}

void intnet_host_set_carrier(struct net_device *dev, bool on)
{
	if (on)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
}

/* A frame from the network to the host, Ethernet header pushed. */
int intnet_host_receive(struct net_device *dev, struct sk_buff *skb)
{
	return dev_forward_skb(dev, skb);
}

int __init intnet_host_init(void)
{
	return rtnl_link_register(&host_link_ops);
}

/* Deletes every host device, in every namespace: their ports go with them. */
void intnet_host_exit(void)
{
	rtnl_link_unregister(&host_link_ops);
}

MODULE_ALIAS_RTNL_LINK("intnet");
