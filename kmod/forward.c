// SPDX-License-Identifier: GPL-2.0
/* intnet: the packet path: take a port's frame, learn, forward or flood, transmit. */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "compat.h"
#include "intnet.h"
#include "iplock.h"

/* MAC PAUSE (01:80:C2:00:00:01) is never forwarded, whatever the mask says. */
#define GROUP_PAUSE 1

/* Why a frame counted as dropped under each counter goes, for drop monitors. */
static const enum skb_drop_reason drop_reason[__INTNET_STATS_MAX] = {
	[INTNET_STATS_RX_DROP_PORT_DOWN] = SKB_DROP_REASON_DEV_READY,
	[INTNET_STATS_RX_DROP_DEST_DOWN] = SKB_DROP_REASON_DEV_READY,
	[INTNET_STATS_RX_DROP_INVALID_SRC] = INTNET_DROP_BAD_SOURCE,
	[INTNET_STATS_RX_DROP_MAC_LOCKED] = INTNET_DROP_BAD_SOURCE,
	[INTNET_STATS_RX_DROP_LOCAL] = SKB_DROP_REASON_OTHERHOST,
	[INTNET_STATS_RX_DROP_NOMEM] = SKB_DROP_REASON_NOMEM,
	[INTNET_STATS_RX_DROP_LINK_LOCAL] = SKB_DROP_REASON_UNHANDLED_PROTO,
	[INTNET_STATS_RX_DROP_NO_DEST] = INTNET_DROP_NO_TARGET,
	[INTNET_STATS_RX_DROP_BAD_HEADER] = SKB_DROP_REASON_DEV_HDR,
	[INTNET_STATS_RX_DROP_ISOLATED] = INTNET_DROP_NO_TARGET,
	[INTNET_STATS_RX_DROP_FLOOD_LIMIT] = SKB_DROP_REASON_NOT_SPECIFIED,
	[INTNET_STATS_RX_DROP_IP_SPOOF] = INTNET_DROP_BAD_SOURCE,
	[INTNET_STATS_RX_DROP_ARP_SPOOF] = INTNET_DROP_BAD_SOURCE,
	[INTNET_STATS_RX_DROP_ND_SPOOF] = INTNET_DROP_BAD_SOURCE,
	[INTNET_STATS_RX_DROP_DHCP_SERVER] = SKB_DROP_REASON_NOT_SPECIFIED,
	[INTNET_STATS_TX_DROP_OVERSIZE] = SKB_DROP_REASON_PKT_TOO_BIG,
};

static void drop(struct intnet_port *port, enum intnet_stats why,
		 struct sk_buff *skb)
{
	intnet_count(port, why);
	kfree_skb_reason(skb, drop_reason[why] ?: SKB_DROP_REASON_NOT_SPECIFIED);
}

/* Whether frames may leave through @p now: up, and its device able to send. */
static bool takes_frames(const struct intnet_port *p)
{
	return READ_ONCE(p->up) && intnet_port_dev_ok(p);
}

/* Whether a frame from @in may reach @p at all: not both isolated. */
static bool reachable(const struct intnet_port *in, bool in_isolated,
		      const struct intnet_port *p)
{
	return !in_isolated || !READ_ONCE(p->isolated);
}

/*
 * Whether promiscuous port @p gets a copy of a frame from @in to @to (NULL: an
 * unknown destination), under the network's promiscuous policy.
 */
static bool gets_copy(const struct intnet_port *p, const struct intnet_port *in,
		      const struct intnet_port *to, u8 policy)
{
	if (!READ_ONCE(p->promisc) || !takes_frames(p) ||
	    !reachable(in, READ_ONCE(in->isolated), p))
		return false;
	switch (policy) {
	case INTNET_PROMISC_ALLOW_ALL:
		return true;
	case INTNET_PROMISC_ALLOW_SAME_USER:
		return uid_eq(p->user, in->user) ||
		       (to && uid_eq(p->user, to->user));
	default:
		return false;
	}
}

/* The frame's length as the MTU counts it: no Ethernet header, no in-band tag. */
static unsigned int mtu_len(const struct sk_buff *skb)
{
	unsigned int len = skb->len - ETH_HLEN;

	if (eth_type_vlan(eth_hdr(skb)->h_proto) && len >= VLAN_HLEN)
		len -= VLAN_HLEN;
	return len;
}

/* Sends @skb (data at the payload, as the rx path left it) out of @port. */
static void xmit(struct intnet_port *port, struct sk_buff *skb)
{
	struct net_device *dev = port->dev;
	unsigned int len;
	int rc;

	skb_push(skb, ETH_HLEN);
	if (unlikely(mtu_len(skb) > READ_ONCE(dev->mtu) && !skb_is_gso(skb))) {
		drop(port, INTNET_STATS_TX_DROP_OVERSIZE, skb);
		return;
	}
	skb_forward_csum(skb);
	/* A receive timestamp is wall-clock time; a qdisc such as fq would take it
	 * for a departure time and hold or drop the frame.
	 */
	skb_clear_tstamp(skb);
	skb->dev = dev;
	len = skb->len;
	if (port->host) {
		if (intnet_host_receive(dev, skb) == NET_RX_SUCCESS)
			intnet_count_len(port, INTNET_STATS_TX_PACKETS,
					 INTNET_STATS_TX_BYTES, len);
		else
			intnet_count(port, INTNET_STATS_TX_DROP_ERROR);
		return;
	}
	rc = unlikely(port->uplink) ? intnet_uplink_xmit(port, skb) :
				      dev_queue_xmit(skb);
	if (likely(rc == NET_XMIT_SUCCESS || rc == NET_XMIT_CN))
		intnet_count_len(port, INTNET_STATS_TX_PACKETS,
				 INTNET_STATS_TX_BYTES, len);
	else
		intnet_count(port, INTNET_STATS_TX_DROP_ERROR);
}

/* A copy for @to; the original stays with the caller. */
static void xmit_copy(struct intnet_port *to, struct sk_buff *skb)
{
	struct sk_buff *copy = skb_clone(skb, GFP_ATOMIC);

	/* The frame is still flooded or forwarded: the loss is @to's. */
	if (unlikely(!copy)) {
		intnet_count(to, INTNET_STATS_TX_DROP_NOMEM);
		return;
	}
	xmit(to, copy);
}

/*
 * Every port but the ingress that takes frames now and that the frame may
 * reach (only the promiscuous ones the policy lets see the frame when
 * @copies_only); clones for all but the last, which takes the original.
 * Counted as flooded if any port got it.
 */
static void flood(struct intnet_port *in, struct sk_buff *skb, bool copies_only)
{
	u8 policy = READ_ONCE(in->network->promisc_policy);
	bool in_isolated = READ_ONCE(in->isolated);
	struct intnet_port *p, *prev = NULL;

	list_for_each_entry_rcu(p, &in->network->ports, node) {
		if (p == in || !takes_frames(p) || !reachable(in, in_isolated, p))
			continue;
		if (copies_only && !gets_copy(p, in, NULL, policy))
			continue;
		if (prev)
			xmit_copy(prev, skb);
		prev = p;
	}
	if (!prev) {
		drop(in, INTNET_STATS_RX_DROP_NO_DEST, skb);
		return;
	}
	intnet_count(in, INTNET_STATS_RX_FLOODED);
	xmit(prev, skb);
}

/* Known unicast: promiscuous ports get a copy, the destination the original. */
static void forward(struct intnet_port *in, struct intnet_port *to,
		    struct sk_buff *skb)
{
	u8 policy = READ_ONCE(in->network->promisc_policy);
	struct intnet_port *p;

	if (policy != INTNET_PROMISC_DENY)
		list_for_each_entry_rcu(p, &in->network->ports, node)
			if (p != in && p != to && gets_copy(p, in, to, policy))
				xmit_copy(p, skb);
	xmit(to, skb);
}

/*
 * Storm control: whether @port may flood one more frame now. A token bucket
 * as a GCRA: flood_tat is when the port's bucket is full again; each frame
 * moves it one interval on, and a frame that would move it more than the
 * burst ahead of now is over the limit. One cmpxchg and no lock, and
 * nothing at all for a port without a limit.
 */
static bool may_flood(struct intnet_port *port)
{
	const struct intnet_network *nw = port->network;
	u32 rate = intnet_flood_rate(port, nw);
	u64 now, interval, tolerance;
	s64 tat, next;

	if (!rate)
		return true;
	interval = div_u64(NSEC_PER_SEC, rate);
	tolerance = interval * READ_ONCE(nw->flood_burst);
	now = ktime_get_ns();
	tat = atomic64_read(&port->flood_tat);
	do {
		next = max_t(s64, tat, now) + interval;
		if (next - now > tolerance)
			return false;
	} while (!atomic64_try_cmpxchg(&port->flood_tat, &tat, next));
	return true;
}

/* An IEEE 802.1D link-local group frame that the network does not forward. */
static bool link_local_dropped(const struct intnet_network *nw, const u8 *dest)
{
	return is_link_local_ether_addr(dest) &&
	       (dest[5] == GROUP_PAUSE ||
		!(READ_ONCE(nw->group_fwd_mask) & BIT(dest[5] & 0xf)));
}

/*
 * A frame @port received (data at the payload, the Ethernet header before it),
 * under RCU with BH off: learn, then forward, flood or drop it. @dest: the FDB
 * entry of its unicast destination if the caller looked it up already (in this
 * RCU section), else NULL.
 */
void intnet_port_rx_to(struct intnet_port *port, struct sk_buff *skb,
		       struct intnet_fdb_entry *dest)
{
	const struct intnet_ip_table *ip_table;
	struct intnet_fdb_entry *e;
	struct intnet_port *to;
	const struct ethhdr *eth;
	enum intnet_stats why;
	u64 lock;

	intnet_count_len(port, INTNET_STATS_RX_PACKETS, INTNET_STATS_RX_BYTES,
			 skb->len + ETH_HLEN);

	if (unlikely(!READ_ONCE(port->up))) {
		drop(port, INTNET_STATS_RX_DROP_PORT_DOWN, skb);
		return;
	}
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		intnet_count(port, INTNET_STATS_RX_DROP_NOMEM);
		return;
	}
	eth = eth_hdr(skb);
	if (unlikely(!is_valid_ether_addr(eth->h_source))) {
		drop(port, INTNET_STATS_RX_DROP_INVALID_SRC, skb);
		return;
	}
	lock = READ_ONCE(port->lock_mac);
	if (unlikely(lock && intnet_mac_u64(eth->h_source) != lock)) {
		drop(port, INTNET_STATS_RX_DROP_MAC_LOCKED, skb);
		return;
	}
	ip_table = rcu_dereference(port->network->ip_table);
	if (unlikely(ip_table) &&
	    !intnet_ip_unclaimed(port, ip_table, skb, eth->h_proto)) {
		why = intnet_ip_verdict(port, ip_table, skb);
		if (why) {
			drop(port, why, skb);
			return;
		}
	}

	if (is_multicast_ether_addr(eth->h_dest)) {
		if (unlikely(link_local_dropped(port->network, eth->h_dest))) {
			drop(port, INTNET_STATS_RX_DROP_LINK_LOCAL, skb);
			return;
		}
		if (unlikely(!intnet_fdb_learn(port, eth->h_source))) {
			drop(port, INTNET_STATS_RX_DROP_MAC_LOCKED, skb);
			return;
		}
		if (unlikely(!may_flood(port))) {
			drop(port, INTNET_STATS_RX_DROP_FLOOD_LIMIT, skb);
			return;
		}
		flood(port, skb, false);
		return;
	}
	if (unlikely(!intnet_fdb_learn(port, eth->h_source))) {
		drop(port, INTNET_STATS_RX_DROP_MAC_LOCKED, skb);
		return;
	}
	/* Learning the source moved the destination's entry if they are one. */
	e = dest && !ether_addr_equal_64bits(eth->h_source, eth->h_dest) ? dest :
	    intnet_fdb_lookup_cached(port, &intnet_port_cpu(port)->dst,
				     eth->h_dest);
	if (!e) {
		if (unlikely(!may_flood(port))) {
			drop(port, INTNET_STATS_RX_DROP_FLOOD_LIMIT, skb);
			return;
		}
		flood(port, skb, !READ_ONCE(port->network->flood_unknown));
		return;
	}
	to = rcu_dereference(e->port);
	if (to == port) {
		drop(port, INTNET_STATS_RX_DROP_LOCAL, skb);
		return;
	}
	if (unlikely(!takes_frames(to))) {
		drop(port, INTNET_STATS_RX_DROP_DEST_DOWN, skb);
		return;
	}
	if (unlikely(!reachable(port, READ_ONCE(port->isolated), to))) {
		drop(port, INTNET_STATS_RX_DROP_ISOLATED, skb);
		return;
	}
	intnet_count(port, INTNET_STATS_RX_FORWARDED);
	forward(port, to, skb);
}

/*
 * A port's receive hook. Only a frame with a 14-byte Ethernet header is ours
 * to switch: anything else (a device that frames otherwise) would have the
 * switch read its payload as addresses.
 */
rx_handler_result_t intnet_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct intnet_port *port;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	port = rcu_dereference(skb->dev->rx_handler_data);
	if (unlikely(skb->mac_len != ETH_HLEN)) {
		intnet_count_len(port, INTNET_STATS_RX_PACKETS,
				 INTNET_STATS_RX_BYTES, skb->len + skb->mac_len);
		drop(port, INTNET_STATS_RX_DROP_BAD_HEADER, skb);
		return RX_HANDLER_CONSUMED;
	}
	intnet_port_rx(port, skb);
	return RX_HANDLER_CONSUMED;
}
