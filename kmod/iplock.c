// SPDX-License-Identifier: GPL-2.0
/*
 * intnet: IP anti-spoofing. A port's IP lock is the list of addresses it may
 * send from, and binds them to it: no other port of the network may claim
 * them. A network with any lock has a table of its locked addresses, rebuilt
 * whole under RTNL on every change and published under RCU; while it has one,
 * each frame its ports send into the switch is read on the way in: the
 * addresses it claims (IPv4 and IPv6 sources, ARP senders and probes, IPv6
 * neighbour advertisements and duplicate address detection) must be the
 * port's own if it is locked, and no other port's in any case; a locked port
 * sends no DHCP server messages (unless allowed) and no VLAN tags. A network
 * without locks pays one pointer test.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/log2.h>
#include <linux/tcp.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/netlink.h>

#include "intnet.h"
#include "iplock.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP6_CLIENT_PORT	546
#define DHCP6_SERVER_PORT	547
#define BOOTP_REPLY		2
/* DHCPv6 messages only a server or relay sends toward the server port. */
#define DHCP6_SERVER_MSGS	(BIT(2) | BIT(7) | BIT(10) | BIT(13))

/* A slot of a port that left: probing goes on past it, nothing matches it. */
#define GONE ((const struct intnet_port *)1)

static bool has4(const struct intnet_ip_lock *l, __be32 addr)
{
	unsigned int i;

	for (i = 0; i < l->n4; i++)
		if (l->v4[i] == addr)
			return true;
	return false;
}

static bool has6(const struct intnet_ip_lock *l, const struct in6_addr *addr)
{
	unsigned int i;

	for (i = 0; i < l->n6; i++)
		if (ipv6_addr_equal(&l->v6[i], addr))
			return true;
	return false;
}

/* The port @a (of hash @h) is locked to, or NULL. Under RCU or RTNL. */
static const struct intnet_port *owner_of(const struct intnet_ip_table *t,
					  const struct in6_addr *a, u32 h)
{
	const struct intnet_ip_slot *s;
	const struct intnet_port *p;
	unsigned int i, n;

	if (!(t->bloom & intnet_ip_bloom_bit(h)))
		return NULL;
	for (i = h >> t->shift, n = 0; n <= t->mask; i = (i + 1) & t->mask, n++) {
		s = &t->slot[i];
		p = READ_ONCE(s->port);
		if (!p)
			return NULL;
		if (ipv6_addr_equal(&s->addr, a))
			return p == GONE ? NULL : p;
	}
	return NULL;
}

static const struct intnet_port *owner_of6(const struct intnet_ip_table *t,
					   const struct in6_addr *a)
{
	return owner_of(t, a, intnet_ip_hash6(a));
}

static const struct intnet_port *owner_of4(const struct intnet_ip_table *t,
					   __be32 a)
{
	struct in6_addr m;
	u32 h = intnet_ip_hash4(a);

	if (!(t->bloom & intnet_ip_bloom_bit(h)))
		return NULL;
	ipv6_addr_set_v4mapped(a, &m);
	return owner_of(t, &m, h);
}

/* Puts @a for @port into @t (filled under RTNL, not yet published). */
static int table_put(struct intnet_ip_table *t, const struct in6_addr *a,
		     const struct intnet_port *port)
{
	struct intnet_ip_slot *s;
	u32 h = intnet_ip_hash6(a);
	unsigned int i;

	t->bloom |= intnet_ip_bloom_bit(h);
	for (i = h >> t->shift;; i = (i + 1) & t->mask) {
		s = &t->slot[i];
		if (!s->port) {
			s->addr = *a;
			s->port = port;
			return 0;
		}
		if (ipv6_addr_equal(&s->addr, a))
			return s->port == port ? 0 : -EEXIST;
	}
}

static int table_put_lock(struct intnet_ip_table *t,
			  const struct intnet_ip_lock *l,
			  const struct intnet_port *port)
{
	struct in6_addr m;
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < l->n4; i++) {
		ipv6_addr_set_v4mapped(l->v4[i], &m);
		err = table_put(t, &m, port);
	}
	for (i = 0; !err && i < l->n6; i++)
		err = table_put(t, &l->v6[i], port);
	return err;
}

static unsigned int lock_len(const struct intnet_ip_lock *l)
{
	return l ? l->n4 + l->n6 : 0;
}

#define TAKEN "an IP address is locked to another port of the network"

/*
 * The table of @nw's locks as they would be with @port's lock @l (NULL:
 * none), in *@tp (NULL when no port would have one): -EEXIST when an address
 * of @l is another port's.
 */
int intnet_ip_table_build(const struct intnet_network *nw,
			  const struct intnet_port *port,
			  const struct intnet_ip_lock *l,
			  struct intnet_ip_table **tp,
			  struct netlink_ext_ack *extack)
{
	const struct intnet_port *p;
	struct intnet_ip_table *t;
	unsigned int n = lock_len(l), size;
	int err = 0;

	ASSERT_RTNL();
	*tp = NULL;
	list_for_each_entry(p, &nw->ports, node)
		if (p != port)
			n += lock_len(rtnl_dereference(p->ip_lock));
	if (!n)
		return 0;
	size = roundup_pow_of_two(max(2 * n, 16u));
	t = kvzalloc(struct_size(t, slot, size), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->mask = size - 1;
	t->shift = 32 - ilog2(size);
	list_for_each_entry(p, &nw->ports, node)
		if (!err && p != port && rtnl_dereference(p->ip_lock))
			err = table_put_lock(t, rtnl_dereference(p->ip_lock), p);
	if (!err && l)
		err = table_put_lock(t, l, port);
	if (err) {
		kvfree(t);
		NL_SET_ERR_MSG_MOD(extack, TAKEN);
		return err;
	}
	*tp = t;
	return 0;
}

/* Makes *@tp @nw's table (*@tp becomes NULL); the old one goes after a grace period. */
void intnet_ip_table_publish(struct intnet_network *nw,
			     struct intnet_ip_table **tp)
{
	struct intnet_ip_table *old = rtnl_dereference(nw->ip_table);

	rcu_assign_pointer(nw->ip_table, *tp);
	*tp = NULL;
	if (old)
		kvfree_rcu(old, rcu);
}

/*
 * @port leaves its network: its addresses are free from now on. Marked in
 * place, since a port's leaving cannot fail for want of memory.
 */
void intnet_ip_table_port_gone(struct intnet_port *port)
{
	struct intnet_ip_table *t = rtnl_dereference(port->network->ip_table);
	struct intnet_ip_slot *s;
	unsigned int i;

	ASSERT_RTNL();
	if (!t)
		return;
	for (i = 0; i <= t->mask; i++) {
		s = &t->slot[i];
		if (s->port == port)
			WRITE_ONCE(s->port, GONE);
	}
}

/* The network is gone, and no reader is left. */
void intnet_ip_table_free(struct intnet_network *nw)
{
	kvfree(rcu_dereference_protected(nw->ip_table, 1));
}

/* Adds @a (validated by the policy) to @l unless it is there already. */
static int add_addr(struct intnet_ip_lock *l, const struct nlattr *a,
		    struct netlink_ext_ack *extack)
{
	struct in6_addr v6;
	__be32 v4;

	if (nla_type(a) == INTNET_IP_LOCK_IPV4) {
		v4 = nla_get_in_addr(a);
		if (!v4 || ipv4_is_multicast(v4) || ipv4_is_lbcast(v4))
			goto not_unicast;
		if (has4(l, v4))
			return 0;
	} else {
		v6 = nla_get_in6_addr(a);
		if (ipv6_addr_any(&v6) || ipv6_addr_is_multicast(&v6))
			goto not_unicast;
		if (has6(l, &v6))
			return 0;
	}
	if (l->n4 + l->n6 == INTNET_PORT_IP_LOCK_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a port can have at most 8 IP addresses locked");
		NL_SET_BAD_ATTR(extack, a);
		return -E2BIG;
	}
	if (nla_type(a) == INTNET_IP_LOCK_IPV4)
		l->v4[l->n4++] = v4;
	else
		l->v6[l->n6++] = v6;
	return 0;

not_unicast:
	NL_SET_ERR_MSG_MOD(extack,
			   "an IP lock needs unicast addresses (an empty list lifts it)");
	NL_SET_BAD_ATTR(extack, a);
	return -EINVAL;
}

/*
 * The lock a request's INTNET_ATTR_PORT_IP_LOCK @nest asks for, in *@lockp:
 * a new one, or NULL for none (an empty list). Duplicates count once.
 */
int intnet_ip_lock_parse(const struct nlattr *nest,
			 struct intnet_ip_lock **lockp,
			 struct netlink_ext_ack *extack)
{
	struct intnet_ip_lock *l;
	const struct nlattr *a;
	int rem, err;

	*lockp = NULL;
	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return -ENOMEM;
	nla_for_each_nested(a, nest, rem) {
		err = add_addr(l, a, extack);
		if (err) {
			kfree(l);
			return err;
		}
	}
	if (l->n4 + l->n6)
		*lockp = l;
	else
		kfree(l);
	return 0;
}

/*
 * Whether the lock @l may be given to a new port of @nw (NULL: a network to
 * be): none of its addresses may be locked to another port already.
 */
int intnet_ip_lock_check(const struct intnet_network *nw,
			 const struct intnet_ip_lock *l,
			 struct netlink_ext_ack *extack)
{
	const struct intnet_ip_table *t;
	unsigned int i;

	ASSERT_RTNL();
	t = nw ? rtnl_dereference(nw->ip_table) : NULL;
	if (!t || !l)
		return 0;
	for (i = 0; i < l->n4; i++)
		if (owner_of4(t, l->v4[i]))
			goto taken;
	for (i = 0; i < l->n6; i++)
		if (owner_of6(t, &l->v6[i]))
			goto taken;
	return 0;

taken:
	NL_SET_ERR_MSG_MOD(extack, TAKEN);
	return -EEXIST;
}

/*
 * Gives @port the lock *@lockp (NULL lifts it) and its network the table
 * *@tp built for it (intnet_ip_table_build()); both are theirs from now on
 * (and NULL here). What is replaced goes after a grace period. In the order
 * that never drops the port's own frames: a lock after the table that has
 * its addresses, a lift before the table that has them no more.
 */
void intnet_ip_lock_publish(struct intnet_port *port,
			    struct intnet_ip_lock **lockp,
			    struct intnet_ip_table **tp)
{
	struct intnet_ip_lock *old;
	bool lock = *lockp;

	ASSERT_RTNL();
	if (lock)
		intnet_ip_table_publish(port->network, tp);
	old = rtnl_dereference(port->ip_lock);
	rcu_assign_pointer(port->ip_lock, *lockp);
	*lockp = NULL;
	if (old)
		kfree_rcu(old, rcu);
	if (!lock)
		intnet_ip_table_publish(port->network, tp);
}

/* INTNET_ATTR_PORT_IP_LOCK of @port, when it has a lock. */
int intnet_ip_lock_put(struct sk_buff *msg, const struct intnet_port *port)
{
	const struct intnet_ip_lock *l;
	struct nlattr *nest;
	unsigned int i;
	int err = 0;

	rcu_read_lock();
	l = rcu_dereference(port->ip_lock);
	if (!l)
		goto out;
	err = -EMSGSIZE;
	nest = nla_nest_start(msg, INTNET_ATTR_PORT_IP_LOCK);
	if (!nest)
		goto out;
	for (i = 0; i < l->n4; i++)
		if (nla_put_in_addr(msg, INTNET_IP_LOCK_IPV4, l->v4[i]))
			goto cancel;
	for (i = 0; i < l->n6; i++)
		if (nla_put_in6_addr(msg, INTNET_IP_LOCK_IPV6, &l->v6[i]))
			goto cancel;
	nla_nest_end(msg, nest);
	err = 0;
	goto out;
cancel:
	nla_nest_cancel(msg, nest);
out:
	rcu_read_unlock();
	return err;
}

/* The most intnet_ip_lock_put() puts. */
size_t intnet_ip_lock_size(void)
{
	return nla_total_size(0) +
	       INTNET_PORT_IP_LOCK_MAX * nla_total_size(sizeof(struct in6_addr));
}

/* What a frame is checked against: its port, whether locked, the table. */
struct claim {
	const struct intnet_port *port;
	const struct intnet_ip_table *t;
	bool locked;
	bool dhcp_server;
};

/* Whether the port may claim @a: its own, or (unlocked) none locked elsewhere. */
static bool may_claim(const struct claim *c, const struct in6_addr *a)
{
	const struct intnet_port *owner = owner_of6(c->t, a);

	return owner == c->port || (!c->locked && !owner);
}

static bool may_claim4(const struct claim *c, __be32 a)
{
	const struct intnet_port *owner = owner_of4(c->t, a);

	return owner == c->port || (!c->locked && !owner);
}

/*
 * A checksum left to the egress device (a TAP's virtio header asks for it)
 * is written where the frame says: only at the checksum field of a TCP or
 * UDP header at @l4off, or it could rewrite what was checked.
 */
static bool csum_in_place(const struct sk_buff *skb, int l4off, u8 proto)
{
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return true;
	if (skb_checksum_start_offset(skb) != l4off)
		return false;
	if (proto == IPPROTO_TCP)
		return skb->csum_offset == offsetof(struct tcphdr, check);
	if (proto == IPPROTO_UDP)
		return skb->csum_offset == offsetof(struct udphdr, check);
	return false;
}

/*
 * Whether UDP at @off of @skb is a DHCP (@v6: DHCPv6) server's message:
 * anything to a client's port, and at the server's port, what only a server
 * or relay sends (a BOOTREPLY; ADVERTISE, REPLY, RECONFIGURE, RELAY-REPL).
 */
static bool dhcp_server_msg(const struct sk_buff *skb, int off, bool v6)
{
	const struct udphdr *uh;
	struct udphdr buf;
	const u8 *op;
	u8 obuf;

	uh = skb_header_pointer(skb, off, sizeof(buf), &buf);
	if (!uh)
		return false;
	if (uh->dest == htons(v6 ? DHCP6_CLIENT_PORT : DHCP_CLIENT_PORT))
		return true;
	if (uh->dest != htons(v6 ? DHCP6_SERVER_PORT : DHCP_SERVER_PORT))
		return false;
	op = skb_header_pointer(skb, off + sizeof(buf), sizeof(obuf), &obuf);
	if (!op)
		return false;
	return v6 ? *op < 32 && (DHCP6_SERVER_MSGS & BIT(*op)) :
		    *op == BOOTP_REPLY;
}

static enum intnet_stats check_ipv4(const struct claim *c,
				    const struct sk_buff *skb)
{
	const struct iphdr *iph;
	struct iphdr buf;
	bool first;

	iph = skb_header_pointer(skb, 0, sizeof(buf), &buf);
	if (!iph || iph->version != 4 || iph->ihl < 5)
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	/* 0.0.0.0 claims no address: a DHCP client's, say. */
	if (iph->saddr && !may_claim4(c, iph->saddr))
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	first = !(iph->frag_off & htons(IP_OFFSET));
	if (!csum_in_place(skb, first ? iph->ihl * 4 : -1, iph->protocol))
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	if (c->locked && !c->dhcp_server && first &&
	    iph->protocol == IPPROTO_UDP &&
	    dhcp_server_msg(skb, iph->ihl * 4, false))
		return INTNET_STATS_RX_DROP_DHCP_SERVER;
	return INTNET_STATS_UNSPEC;
}

/* Ethernet/IPv4 ARP. */
struct arp_eth {
	struct arphdr h;
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
} __packed;

static enum intnet_stats check_arp(const struct claim *c,
				   const struct sk_buff *skb, const u8 *src)
{
	const struct arp_eth *a;
	struct arp_eth buf;

	a = skb_header_pointer(skb, 0, sizeof(buf), &buf);
	if (!a || a->h.ar_hrd != htons(ARPHRD_ETHER) ||
	    a->h.ar_pro != htons(ETH_P_IP) || a->h.ar_hln != ETH_ALEN ||
	    a->h.ar_pln != sizeof(a->sip)) {
		/* Another kind of ARP claims nothing we know of. */
		return c->locked ? INTNET_STATS_RX_DROP_ARP_SPOOF :
				   INTNET_STATS_UNSPEC;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		return INTNET_STATS_RX_DROP_ARP_SPOOF;
	/* The source passed the MAC lock: the sender is held to it. */
	if (c->locked && !ether_addr_equal(a->sha, src))
		return INTNET_STATS_RX_DROP_ARP_SPOOF;
	/*
	 * Sender 0.0.0.0 is a probe (address conflict detection): one for
	 * another's address would tell its owner that the address is taken.
	 */
	if (!may_claim4(c, a->sip ?: a->tip))
		return INTNET_STATS_RX_DROP_ARP_SPOOF;
	return INTNET_STATS_UNSPEC;
}

static enum intnet_stats check_ipv6(const struct claim *c,
				    const struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h;
	const struct nd_msg *nd;
	struct ipv6hdr buf;
	struct nd_msg ndbuf;
	const u8 *type;
	__be16 frag_off;
	u8 nexthdr, tbuf;
	int off;

	ip6h = skb_header_pointer(skb, 0, sizeof(buf), &buf);
	if (!ip6h || ip6h->version != 6)
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	/* :: claims no address: duplicate address detection's. */
	if (!ipv6_addr_any(&ip6h->saddr) && !may_claim(c, &ip6h->saddr))
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	nexthdr = ip6h->nexthdr;
	off = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
	/* A chain no receiver can walk could hide what it carries. */
	if (off < 0 || off > skb->len)
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	/* A fragment after the first carries no upper-layer header. */
	if (frag_off & htons(IP6_OFFSET))
		return csum_in_place(skb, -1, nexthdr) ?
			       INTNET_STATS_UNSPEC : INTNET_STATS_RX_DROP_IP_SPOOF;
	if (!csum_in_place(skb, off, nexthdr))
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	if (nexthdr == IPPROTO_ICMPV6) {
		/*
		 * Advertisements, and the solicitations of duplicate address
		 * detection (from ::), only for addresses it may claim:
		 * either for another's would tell its owner that the address
		 * is taken.
		 */
		type = skb_header_pointer(skb, off, sizeof(tbuf), &tbuf);
		if (!type || (*type != NDISC_NEIGHBOUR_ADVERTISEMENT &&
			      (*type != NDISC_NEIGHBOUR_SOLICITATION ||
			       !ipv6_addr_any(&ip6h->saddr))))
			return INTNET_STATS_UNSPEC;
		/* A message too short to name its target is no less one. */
		nd = skb_header_pointer(skb, off, sizeof(ndbuf), &ndbuf);
		if (!nd)
			return c->locked ? INTNET_STATS_RX_DROP_ND_SPOOF :
					   INTNET_STATS_UNSPEC;
		if (!may_claim(c, &nd->target))
			return INTNET_STATS_RX_DROP_ND_SPOOF;
	} else if (c->locked && !c->dhcp_server && nexthdr == IPPROTO_UDP &&
		   dhcp_server_msg(skb, off, true)) {
		return INTNET_STATS_RX_DROP_DHCP_SERVER;
	}
	return INTNET_STATS_UNSPEC;
}

/*
 * Why @port's frame @skb (data at the payload, the Ethernet header before
 * it) breaks the IP locks of its network, whose table is @t: a drop counter,
 * or INTNET_STATS_UNSPEC if it may pass. Under RCU, on the packet path.
 */
enum intnet_stats intnet_ip_verdict(const struct intnet_port *port,
				    const struct intnet_ip_table *t,
				    const struct sk_buff *skb)
{
	const struct ethhdr *eth = eth_hdr(skb);
	struct claim c = {
		.port = port,
		.t = t,
		.locked = rcu_access_pointer(port->ip_lock),
		.dhcp_server = READ_ONCE(port->dhcp_server),
	};

	/* A tag would carry IP past the checks to the VLAN's stations. */
	if (c.locked && skb_vlan_tag_present(skb))
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	switch (eth->h_proto) {
	case htons(ETH_P_IP):
		return check_ipv4(&c, skb);
	case htons(ETH_P_ARP):
		return check_arp(&c, skb, eth->h_source);
	case htons(ETH_P_IPV6):
		return check_ipv6(&c, skb);
	case htons(ETH_P_8021Q):
	case htons(ETH_P_8021AD):
		return c.locked ? INTNET_STATS_RX_DROP_IP_SPOOF :
				  INTNET_STATS_UNSPEC;
	default:
		return INTNET_STATS_UNSPEC;
	}
}
