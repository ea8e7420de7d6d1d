// SPDX-License-Identifier: GPL-2.0
/*
 * intnet: IP anti-spoofing. A port's IP lock is the list of addresses it may
 * send from. While it has one, each frame the port sends into the switch is
 * read on the way in: IPv4 and IPv6 sources, ARP senders, IPv6 neighbour
 * advertisements and DHCP server replies must match the lock. The lock is
 * replaced whole and published under RCU, so that a port without one pays
 * one pointer test, and the packet path reads it without a lock.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/netlink.h>

#include "intnet.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP6_CLIENT_PORT	546
#define DHCP6_SERVER_PORT	547

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
 * Whether @l may be given to @port (NULL: a port to be) on @nw (NULL: a
 * network to be): none of its addresses may be locked to another port.
 */
int intnet_ip_lock_check(const struct intnet_network *nw,
			 const struct intnet_port *port,
			 const struct intnet_ip_lock *l,
			 struct netlink_ext_ack *extack)
{
	const struct intnet_ip_lock *o;
	const struct intnet_port *p;
	unsigned int i;

	ASSERT_RTNL();
	if (!nw || !l)
		return 0;
	list_for_each_entry(p, &nw->ports, node) {
		o = rtnl_dereference(p->ip_lock);
		if (p == port || !o)
			continue;
		for (i = 0; i < l->n4; i++)
			if (has4(o, l->v4[i]))
				goto taken;
		for (i = 0; i < l->n6; i++)
			if (has6(o, &l->v6[i]))
				goto taken;
	}
	return 0;

taken:
	NL_SET_ERR_MSG_MOD(extack,
			   "an IP address is locked to another port of the network");
	return -EEXIST;
}

/*
 * Gives @port the lock *@lockp (checked; NULL lifts it), which is the
 * port's from now on (*@lockp becomes NULL); the old one goes after a
 * grace period.
 */
void intnet_ip_lock_publish(struct intnet_port *port,
			    struct intnet_ip_lock **lockp)
{
	struct intnet_ip_lock *old;

	ASSERT_RTNL();
	old = rtnl_dereference(port->ip_lock);
	rcu_assign_pointer(port->ip_lock, *lockp);
	*lockp = NULL;
	if (old)
		kfree_rcu(old, rcu);
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

/* Whether UDP at @off of @skb goes from port @from to port @to. */
static bool udp_ports(const struct sk_buff *skb, int off, u16 from, u16 to)
{
	const struct udphdr *uh;
	struct udphdr buf;

	uh = skb_header_pointer(skb, off, sizeof(buf), &buf);
	return uh && uh->source == htons(from) && uh->dest == htons(to);
}

static enum intnet_stats check_ipv4(const struct intnet_ip_lock *l,
				    bool dhcp_server, const struct sk_buff *skb)
{
	const struct iphdr *iph;
	struct iphdr buf;

	iph = skb_header_pointer(skb, 0, sizeof(buf), &buf);
	if (!iph || iph->version != 4 || iph->ihl < 5)
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	/* 0.0.0.0 claims no address: a DHCP client's, say. */
	if (iph->saddr && !has4(l, iph->saddr))
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	if (!dhcp_server && iph->protocol == IPPROTO_UDP &&
	    !(iph->frag_off & htons(IP_OFFSET)) &&
	    udp_ports(skb, iph->ihl * 4, DHCP_SERVER_PORT, DHCP_CLIENT_PORT))
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

static enum intnet_stats check_arp(const struct intnet_ip_lock *l,
				   const struct sk_buff *skb, const u8 *src)
{
	const struct arp_eth *a;
	struct arp_eth buf;

	a = skb_header_pointer(skb, 0, sizeof(buf), &buf);
	if (!a || a->h.ar_hrd != htons(ARPHRD_ETHER) ||
	    a->h.ar_pro != htons(ETH_P_IP) || a->h.ar_hln != ETH_ALEN ||
	    a->h.ar_pln != sizeof(a->sip))
		return INTNET_STATS_RX_DROP_ARP_SPOOF;
	/* The source passed the MAC lock: the sender is held to it. */
	if (!ether_addr_equal(a->sha, src))
		return INTNET_STATS_RX_DROP_ARP_SPOOF;
	/*
	 * Sender 0.0.0.0 is a probe (address conflict detection): one for
	 * another's address would tell its owner that the address is taken.
	 */
	if (!has4(l, a->sip ?: a->tip))
		return INTNET_STATS_RX_DROP_ARP_SPOOF;
	return INTNET_STATS_UNSPEC;
}

static enum intnet_stats check_ipv6(const struct intnet_ip_lock *l,
				    bool dhcp_server, const struct sk_buff *skb)
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
	if (!ipv6_addr_any(&ip6h->saddr) && !has6(l, &ip6h->saddr))
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	nexthdr = ip6h->nexthdr;
	off = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
	/* A chain no receiver can walk could hide what it carries. */
	if (off < 0 || off > skb->len)
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	/* A fragment after the first carries no upper-layer header. */
	if (frag_off & htons(IP6_OFFSET))
		return INTNET_STATS_UNSPEC;
	if (nexthdr == IPPROTO_ICMPV6) {
		/*
		 * Advertisements, and the solicitations of duplicate address
		 * detection (from ::), only for its own addresses: either for
		 * another's would tell its owner that the address is taken.
		 */
		type = skb_header_pointer(skb, off, sizeof(tbuf), &tbuf);
		if (!type || (*type != NDISC_NEIGHBOUR_ADVERTISEMENT &&
			      (*type != NDISC_NEIGHBOUR_SOLICITATION ||
			       !ipv6_addr_any(&ip6h->saddr))))
			return INTNET_STATS_UNSPEC;
		/* A message too short to name its target is no less one. */
		nd = skb_header_pointer(skb, off, sizeof(ndbuf), &ndbuf);
		if (!nd || !has6(l, &nd->target))
			return INTNET_STATS_RX_DROP_ND_SPOOF;
	} else if (!dhcp_server && nexthdr == IPPROTO_UDP &&
		   udp_ports(skb, off, DHCP6_SERVER_PORT, DHCP6_CLIENT_PORT)) {
		return INTNET_STATS_RX_DROP_DHCP_SERVER;
	}
	return INTNET_STATS_UNSPEC;
}

/*
 * Why @port's frame @skb (data at the payload, the Ethernet header before
 * it) breaks the port's lock @l: a drop counter, or INTNET_STATS_UNSPEC if
 * it may pass. Under RCU, on the packet path.
 */
enum intnet_stats intnet_ip_lock_verdict(const struct intnet_port *port,
					 const struct intnet_ip_lock *l,
					 const struct sk_buff *skb)
{
	const struct ethhdr *eth = eth_hdr(skb);
	bool dhcp_server = READ_ONCE(port->dhcp_server);

	/* A tag would carry IP past the checks to the VLAN's stations. */
	if (skb_vlan_tag_present(skb))
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	switch (eth->h_proto) {
	case htons(ETH_P_IP):
		return check_ipv4(l, dhcp_server, skb);
	case htons(ETH_P_ARP):
		return check_arp(l, skb, eth->h_source);
	case htons(ETH_P_IPV6):
		return check_ipv6(l, dhcp_server, skb);
	case htons(ETH_P_8021Q):
	case htons(ETH_P_8021AD):
		return INTNET_STATS_RX_DROP_IP_SPOOF;
	default:
		return INTNET_STATS_UNSPEC;
	}
}
