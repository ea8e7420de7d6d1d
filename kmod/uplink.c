// SPDX-License-Identifier: GPL-2.0
/*
 * intnet: the uplink, a host NIC shared with a network (VirtualBox's bridged
 * mode without a bridge). The NIC keeps its addresses and routes and the host
 * keeps using it; the network's VMs become stations of its LAN. Nothing of
 * the host's is moved: a receive hook on the NIC takes the frames the wire
 * brings for the network's stations, a netdev egress hook takes the host's
 * frames for them before the driver, and the NIC's unicast filter learns
 * their MACs. Frames the network sends out of the uplink go to the wire, to
 * the host's stack (its own MAC) or both (broadcast and multicast).
 */

#include <linux/bitops.h>
#include <linux/bsearch.h>
#include <linux/etherdevice.h>
#include <linux/hash.h>
#include <linux/if_vlan.h>
#include <linux/log2.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/arp.h>
#include <net/ipv6_stubs.h>
#include <net/neighbour.h>
#include <net/netlink.h>

#include "compat.h"
#include "intnet.h"

/* Bits of the uplink's filter of the network's stations (a power of two). */
#define STATION_BITS 256

struct intnet_uplink {
	struct intnet_port *port;
	/* A Bloom filter of the MACs of the network's stations behind other
	 * ports: a clear bit means no station, and spares the host's frames
	 * an FDB lookup. Bits are set under the FDB lock as stations come and
	 * cleared by the sync work, under it too; read locklessly.
	 */
	unsigned long station_bits[BITS_TO_LONGS(STATION_BITS)];
	struct nf_hook_ops egress;
	/* Brings the NIC's unicast list in line with the FDB, in process
	 * context and under RTNL (promiscuity needs it).
	 */
	struct delayed_work sync;
	/* The MACs this uplink put in the NIC's unicast list, sorted. */
	u8 (*macs)[ETH_ALEN];
	unsigned int n_macs;
};

/*
 * The frame an uplink is handing its host's stack on this CPU (its receive
 * hook must not take it for the wire's), while it does.
 */
static DEFINE_PER_CPU(struct sk_buff *, uplink_own);

static unsigned int station_bit(const u8 *addr)
{
	return hash_64(intnet_mac_u64(addr), ilog2(STATION_BITS));
}

/*
 * The FDB entry of @addr if it is a station the network knows behind a port
 * other than the uplink @u's (a VM's), else NULL. Under RCU, BH off; @src:
 * the frame's source address (else its destination), for the lookup's cache.
 */
static struct intnet_fdb_entry *network_station(struct intnet_uplink *u,
						const u8 *addr, bool src)
{
	struct intnet_pcpu_stats *st;
	struct intnet_fdb_entry *e;

	if (!test_bit(station_bit(addr), u->station_bits))
		return NULL;
	st = intnet_port_cpu(u->port);
	e = intnet_fdb_lookup_cached(u->port, src ? &st->src : &st->dst, addr);
	return e && rcu_access_pointer(e->port) != u->port ? e : NULL;
}

/*
 * The NIC's receive hook. A frame for a station of the network enters it
 * through the uplink, as any port's frame; a broadcast or multicast frame
 * goes to the host and a copy enters the network, unless it came from the
 * network (a station's frame the wire brought back); a frame from the wire
 * for the host teaches the FDB its source, a station of the LAN; everything
 * else is the host's, and so is what the uplink itself hands the host.
 * (Frames of the host's VLAN devices on the NIC reach them before this hook.)
 */
rx_handler_result_t intnet_uplink_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb, *copy;
	struct intnet_fdb_entry *dest;
	struct intnet_uplink *u;
	struct intnet_port *port;
	const struct ethhdr *eth;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK ||
		     skb->mac_len != ETH_HLEN) ||
	    skb == __this_cpu_read(uplink_own))
		return RX_HANDLER_PASS;
	port = rcu_dereference(skb->dev->rx_handler_data);
	if (unlikely(!READ_ONCE(port->up)))
		return RX_HANDLER_PASS;
	eth = eth_hdr(skb);
	if (skb->pkt_type == PACKET_HOST) {
		if (likely(!skb_vlan_tag_present(skb)))
			intnet_fdb_learn_wire(port, eth->h_source);
		return RX_HANDLER_PASS;
	}
	u = READ_ONCE(port->uplink);
	if (is_multicast_ether_addr(eth->h_dest)) {
		if (network_station(u, eth->h_source, true))
			return RX_HANDLER_PASS;
		copy = skb_clone(skb, GFP_ATOMIC);
		if (likely(copy))
			intnet_port_rx(port, copy);
		else
			intnet_count(port, INTNET_STATS_RX_DROP_NOMEM);
		return RX_HANDLER_PASS;
	}
	dest = network_station(u, eth->h_dest, false);
	if (!dest)
		return RX_HANDLER_PASS;
	intnet_port_rx_to(port, skb, dest);
	return RX_HANDLER_CONSUMED;
}

/* A frame the host sends (data at the Ethernet header) enters the network. */
static void host_frame_in(struct intnet_port *port, struct sk_buff *skb)
{
	skb_reset_mac_header(skb);
	__skb_pull(skb, ETH_HLEN);
	intnet_port_rx(port, skb);
}

/*
 * The NIC's egress hook, before its qdisc: a frame of the host's for a station
 * of the network enters the network and never reaches the wire; a broadcast
 * or multicast frame goes out and a copy enters the network.
 */
static unsigned int uplink_egress(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct intnet_uplink *u = priv;
	struct intnet_port *port = u->port;
	struct sk_buff *copy;
	const u8 *dest;

	if (unlikely(!READ_ONCE(port->up) || !pskb_may_pull(skb, ETH_HLEN)))
		return NF_ACCEPT;
	dest = skb->data;
	if (is_multicast_ether_addr(dest)) {
		copy = skb_clone(skb, GFP_ATOMIC);
		if (likely(copy))
			host_frame_in(port, copy);
		else
			intnet_count(port, INTNET_STATS_RX_DROP_NOMEM);
		return NF_ACCEPT;
	}
	if (!network_station(u, dest, false))
		return NF_ACCEPT;
	host_frame_in(port, skb);
	return NF_STOLEN;
}

/*
 * The host's stack receives @skb (Ethernet header pushed) on the uplink's NIC
 * @dev, now: as it would from the wire, but the NIC's receive hook knows it
 * for the network's (uplink_own) and neither learns its source nor takes it
 * back into the network. False if it could not be given (then it is freed);
 * what the host's stack does with it is the host's, as with the wire's frames.
 */
static bool to_host(struct net_device *dev, struct sk_buff *skb)
{
	struct sk_buff *outer;

	if (__dev_forward_skb(dev, skb))
		return false;
	local_bh_disable();
	/* A delivery nested in this one (another uplink's) keeps its own. */
	outer = __this_cpu_read(uplink_own);
	__this_cpu_write(uplink_own, skb);
	netif_receive_skb_core(skb);
	__this_cpu_write(uplink_own, outer);
	local_bh_enable();
	return true;
}

/*
 * A frame the network sends out of the uplink @port (Ethernet header pushed,
 * skb->dev its NIC): to the host's own MAC, the host's stack only; broadcast
 * and multicast, both; the rest, the wire. What goes to the wire skips the
 * egress hook, which would take it back into the network. Returns what
 * dev_queue_xmit() does.
 */
int intnet_uplink_xmit(struct intnet_port *port, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct sk_buff *copy;

	if (is_multicast_ether_addr(skb->data)) {
		copy = skb_clone(skb, GFP_ATOMIC);
		if (likely(copy))
			to_host(dev, copy);
	} else if (ether_addr_equal(skb->data, dev->dev_addr)) {
		return to_host(dev, skb) ? NET_XMIT_SUCCESS : NET_XMIT_DROP;
	}
	nf_skip_egress(skb, true);
	return dev_queue_xmit(skb);
}

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, ETH_ALEN);
}

/* The MACs of the network's stations behind other ports, sorted; NULL: no memory. */
static u8 (*stations(struct intnet_uplink *u, unsigned int *n))[ETH_ALEN]
{
	struct intnet_network *nw = u->port->network;
	unsigned int cap = READ_ONCE(nw->fdb_max), i = 0;
	struct intnet_fdb_entry *e;
	u8 (*macs)[ETH_ALEN];

	macs = kvmalloc_array(max(cap, 1U), ETH_ALEN, GFP_KERNEL);
	if (!macs)
		return NULL;
	rcu_read_lock();
	list_for_each_entry_rcu(e, &nw->fdb_list, node) {
		if (i == cap)
			break;
		if (rcu_access_pointer(e->port) != u->port &&
		    is_unicast_ether_addr(e->key.addr))
			ether_addr_copy(macs[i++], e->key.addr);
	}
	rcu_read_unlock();
	sort(macs, i, ETH_ALEN, mac_cmp, NULL);
	*n = i;
	return macs;
}

/* Adds to the NIC's unicast list what @want has and the list not, and back. */
static void uc_apply(struct intnet_uplink *u, u8 (*want)[ETH_ALEN],
		     unsigned int n)
{
	struct net_device *dev = u->port->dev;
	unsigned int i = 0, j = 0;
	int d;

	while (i < n || j < u->n_macs) {
		if (i == n)
			d = 1;
		else if (j == u->n_macs)
			d = -1;
		else
			d = mac_cmp(want[i], u->macs[j]);
		if (d < 0)
			dev_uc_add(dev, want[i++]);
		else if (d > 0)
			dev_uc_del(dev, u->macs[j++]);
		else
			i++, j++;
	}
	kvfree(u->macs);
	u->macs = want;
	u->n_macs = n;
}

/*
 * Sets the station bits from the FDB: the bits of stations gone are cleared,
 * those of stations come meanwhile are not lost (the FDB lock orders both).
 */
static void refill_bits(struct intnet_uplink *u)
{
	unsigned long bits[BITS_TO_LONGS(STATION_BITS)] = {};
	struct intnet_network *nw = u->port->network;
	struct intnet_fdb_entry *e;
	unsigned int i;

	spin_lock_bh(&nw->fdb_lock);
	list_for_each_entry(e, &nw->fdb_list, node)
		if (rcu_access_pointer(e->port) != u->port)
			__set_bit(station_bit(e->key.addr), bits);
	for (i = 0; i < ARRAY_SIZE(bits); i++)
		WRITE_ONCE(u->station_bits[i], bits[i]);
	spin_unlock_bh(&nw->fdb_lock);
}

static void uplink_sync(struct work_struct *work)
{
	struct intnet_uplink *u = container_of(to_delayed_work(work),
					       struct intnet_uplink, sync);
	u8 (*want)[ETH_ALEN];
	unsigned int n;

	/* Detaching cancels this under RTNL: try, and come back if busy. */
	if (!rtnl_trylock()) {
		schedule_delayed_work(&u->sync, 1);
		return;
	}
	refill_bits(u);
	want = stations(u, &n);
	if (want)
		uc_apply(u, want, n);
	else
		schedule_delayed_work(&u->sync, HZ);
	rtnl_unlock();
}

/*
 * The FDB entry of @addr in @nw changed, behind @port (before: @prev, or
 * NULL), under the FDB lock: a station other than the uplink's own has its
 * bit at once, and the NIC's unicast list follows if one came or went.
 */
void intnet_uplink_fdb_changed(struct intnet_network *nw, const u8 *addr,
			       struct intnet_port *port,
			       struct intnet_port *prev)
{
	struct intnet_uplink *u = rcu_dereference_check(nw->uplink,
			lockdep_is_held(&nw->fdb_lock));

	if (likely(!u))
		return;
	if (port != u->port)
		set_bit(station_bit(addr), u->station_bits);
	if (port != u->port || (prev && prev != u->port))
		schedule_delayed_work(&u->sync, 0);
}

/*
 * The LAN and the network's other ports do not take each other's stations
 * while their entries live (until they age out or their port goes): a VM's
 * frames from its router's MAC would take the host's frames for the router, a
 * LAN station's from a VM's MAC the VM's traffic to the wire. The LAN's
 * stations are learned from every frame of theirs the NIC receives, those for
 * the host too (intnet_fdb_learn_wire()), and the entries of those the host
 * has as neighbours do not age (intnet_uplink_peers()). The NIC's own MAC is the
 * host's, behind the uplink @u only. Moves among the network's other ports
 * are theirs to decide (fdb.c).
 */
bool __intnet_uplink_may_learn(struct intnet_uplink *u,
			       const struct intnet_port *port, const u8 *addr,
			       const struct intnet_port *prev)
{
	if (ether_addr_equal(addr, u->port->dev->dev_addr))
		return port == u->port;
	return !prev || (prev != u->port && port != u->port);
}

/*
 * On a network with an uplink, an entry does not age while the host has its
 * MAC as a neighbour on the NIC or on a VLAN device on it: the host's router,
 * which may speak only when spoken to, stays the LAN's however long it is
 * quiet, and a VM, which may not take a live entry of the uplink's
 * (__intnet_uplink_may_learn()), cannot pose as it and take the host's frames
 * for it (issue 19's third red team, K); nor can a LAN station take a quiet
 * VM's MAC that the host talks to.
 */

/* The device under @dev, through the VLAN devices stacked on it. */
static const struct net_device *vlan_lowest(const struct net_device *dev)
{
	while (is_vlan_dev(dev))
		dev = vlan_dev_priv(dev)->real_dev;
	return dev;
}

/* Whether @n is a neighbour of the host's on @nic or a VLAN on it; its MAC in @mac. */
static bool host_peer(struct neighbour *n, const struct net_device *nic,
		      u8 *mac)
{
	if (READ_ONCE(n->dead) || !(READ_ONCE(n->nud_state) & NUD_VALID) ||
	    n->dev->addr_len != ETH_ALEN || vlan_lowest(n->dev) != nic)
		return false;
	neigh_ha_snapshot((char *)mac, n, n->dev);
	return is_valid_ether_addr(mac);
}

/* The host's IPv6 neighbours (NULL: no IPv6). */
static struct neigh_table *nd_table(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	return ipv6_stub->nd_tbl;
#else
	return NULL;
#endif
}

/* What the host has as neighbours on an uplink's NIC, for the ageing of the FDB. */
struct intnet_uplink_peers {
	const struct net_device *nic;
	unsigned int n, cap;
	u64 mac[];
};

/* At most this many neighbours are looked at (the rest may age, and come back). */
#define PEERS_MAX 4096

static void collect_peer(struct neighbour *n, void *arg)
{
	struct intnet_uplink_peers *p = arg;
	u8 mac[ETH_ALEN];

	if (p->n < p->cap && host_peer(n, p->nic, mac))
		p->mac[p->n++] = intnet_mac_u64(mac);
}

static int u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The host's neighbours on @nw's uplink, to be kfree()d; NULL when the network
 * has none (or memory is short: then entries age as on any network). Under
 * RCU: the uplink's NIC stays while it lasts.
 */
struct intnet_uplink_peers *intnet_uplink_peers(struct intnet_network *nw)
{
	struct intnet_uplink *u = rcu_dereference(nw->uplink);
	struct intnet_uplink_peers *p;
	unsigned int cap;

	if (!u)
		return NULL;
	cap = atomic_read(&arp_tbl.entries) + 16;
	if (nd_table())
		cap += atomic_read(&nd_table()->entries);
	cap = min(cap, PEERS_MAX);
	p = kmalloc(struct_size(p, mac, cap), GFP_ATOMIC | __GFP_NOWARN);
	if (!p)
		return NULL;
	p->nic = u->port->dev;
	p->n = 0;
	p->cap = cap;
	neigh_for_each(&arp_tbl, collect_peer, p);
	if (nd_table())
		neigh_for_each(nd_table(), collect_peer, p);
	sort(p->mac, p->n, sizeof(p->mac[0]), u64_cmp, NULL);
	return p;
}

/* Whether the MAC of @e is one of the host's neighbours in @p. */
bool intnet_uplink_is_peer(const struct intnet_uplink_peers *p,
			   const struct intnet_fdb_entry *e)
{
	u64 mac;

	if (!p)
		return false;
	mac = intnet_mac_u64(e->key.addr);
	return bsearch(&mac, p->mac, p->n, sizeof(mac), u64_cmp);
}

/* Whether the uplink @port's NIC filters unicast (else it is promiscuous). */
bool intnet_uplink_uc_filter(const struct intnet_port *port)
{
	return port->dev->priv_flags & IFF_UNICAST_FLT;
}

/*
 * Whether the caller may make @dev the uplink of @nw (NULL: a network still
 * to be made). RTNL held.
 */
int intnet_uplink_check(const struct intnet_caller *c, struct net_device *dev,
			const struct intnet_network *nw,
			struct netlink_ext_ack *extack)
{
	if (!c->admin) {
		NL_SET_ERR_MSG_MOD(extack,
				   "only an administrator can attach an uplink");
		return -EPERM;
	}
	if (intnet_is_wireless(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a wireless station cannot be an uplink: its access point accepts only the station's own MAC");
		return -EOPNOTSUPP;
	}
	if (intnet_is_host(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "an intnet device cannot be an uplink");
		return -EINVAL;
	}
	if (nw && rtnl_dereference(nw->uplink)) {
		NL_SET_ERR_MSG_MOD(extack, "the network already has an uplink");
		return -EBUSY;
	}
	return 0;
}

/*
 * Whether an uplink may have these options: @promisc on, a MAC lock @lock_mac
 * or an IP lock @ip_lock (NULL: none). An uplink stands for a whole LAN of
 * stations, and what it is given goes to the wire.
 */
int intnet_uplink_options(bool promisc, const u8 *lock_mac,
			  const struct intnet_ip_lock *ip_lock,
			  struct netlink_ext_ack *extack)
{
	if (promisc) {
		NL_SET_ERR_MSG_MOD(extack,
				   "an uplink cannot be promiscuous: the network's frames would go to the wire");
		return -EINVAL;
	}
	if (lock_mac) {
		NL_SET_ERR_MSG_MOD(extack,
				   "an uplink carries its LAN's MACs: it cannot be locked to one");
		return -EINVAL;
	}
	if (ip_lock) {
		NL_SET_ERR_MSG_MOD(extack,
				   "an uplink carries its LAN's addresses: it cannot be locked to some");
		return -EINVAL;
	}
	return 0;
}

/* Takes @port's NIC: its receive path, its egress hook, its unicast filter. */
int intnet_uplink_attach(struct intnet_port *port,
			 struct netlink_ext_ack *extack)
{
	struct net_device *dev = port->dev;
	struct intnet_uplink *u;
	int err;

	ASSERT_RTNL();
	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u)
		return -ENOMEM;
	u->port = port;
	INIT_DELAYED_WORK(&u->sync, uplink_sync);
	u->egress.hook = uplink_egress;
	u->egress.priv = u;
	u->egress.pf = NFPROTO_NETDEV;
	u->egress.hooknum = NF_NETDEV_EGRESS;
	u->egress.dev = dev;
	/* The hooks find it; from now on, stations set their bits... */
	WRITE_ONCE(port->uplink, u);
	rcu_assign_pointer(port->network->uplink, u);
	/* ... and those the network knows already have theirs. */
	refill_bits(u);
	err = netdev_rx_handler_register(dev, intnet_uplink_handle_frame, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot take the device's receive path");
		goto unpublish;
	}
	err = nf_register_net_hook(dev_net(dev), &u->egress);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot hook the device's transmit path");
		goto unregister;
	}
	/* As a bridge does: merged frames (LRO) cannot be forwarded. */
	dev_disable_lro(dev);
	/* The NIC's unicast list. */
	schedule_delayed_work(&u->sync, 0);
	return 0;

unregister:
	netdev_rx_handler_unregister(dev);
unpublish:
	RCU_INIT_POINTER(port->network->uplink, NULL);
	/* The FDB's changes read it under the FDB lock, an RCU section. */
	synchronize_net();
	cancel_delayed_work_sync(&u->sync);
	WRITE_ONCE(port->uplink, NULL);
	kfree(u);
	return err;
}

/* Gives the NIC back as it was: no hook, no handler, none of our MACs. */
void intnet_uplink_detach(struct intnet_port *port)
{
	struct intnet_uplink *u = port->uplink;

	ASSERT_RTNL();
	RCU_INIT_POINTER(port->network->uplink, NULL);
	nf_unregister_net_hook(dev_net(port->dev), &u->egress);
	/* Waits for every reader of the port: none schedules a sync after. */
	netdev_rx_handler_unregister(port->dev);
	cancel_delayed_work_sync(&u->sync);
	uc_apply(u, NULL, 0);
	WRITE_ONCE(port->uplink, NULL);
	kfree(u);
}
