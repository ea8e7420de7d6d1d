/* SPDX-License-Identifier: GPL-2.0 */
/*
 * intnet: a network's table of locked IP addresses (iplock.c), and the test
 * the packet path makes first, inline, so that a port with no lock of its own
 * pays a few instructions a frame for its neighbours' locks.
 */
#ifndef _INTNET_IPLOCK_H
#define _INTNET_IPLOCK_H

#include <linux/hash.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>

#include "intnet.h"

struct intnet_ip_slot {
	struct in6_addr addr;		/* IPv4 as ::ffff:a.b.c.d */
	const struct intnet_port *port;	/* NULL: empty, or GONE (iplock.c) */
};

/*
 * Open addressing, at most half full, so that a probe ends at an empty slot;
 * @bloom has a bit for each address's hash, so that most frames' addresses
 * (locked to no port) are known not to be there without a probe.
 */
struct intnet_ip_table {
	struct rcu_head rcu;
	u64 bloom;
	unsigned int mask;
	unsigned int shift;		/* 32 - log2(slots) */
	struct intnet_ip_slot slot[];
};

/*
 * An address's hash: a multiplicative hash of its words folded into one (an
 * IPv4 address as ::ffff:a.b.c.d, without building that). The table's
 * contents are the owner's, so nobody can crowd one of its probe runs.
 */
static inline u32 intnet_ip_hash6(const struct in6_addr *a)
{
	return (__force u32)(a->s6_addr32[0] ^ a->s6_addr32[1] ^
			     a->s6_addr32[2] ^ a->s6_addr32[3]) * GOLDEN_RATIO_32;
}

static inline u32 intnet_ip_hash4(__be32 a)
{
	return (__force u32)(a ^ htonl(0xffff)) * GOLDEN_RATIO_32;
}

static inline u64 intnet_ip_bloom_bit(u32 h)
{
	return BIT_ULL((h >> 20) & 63);
}

/*
 * Whether @port's frame @skb (of Ethernet type @proto, data at the payload)
 * surely claims no locked address, told without intnet_ip_verdict(): an
 * unlocked port's IPv4 packet, or IPv6 TCP or UDP, from an address no lock
 * has (the bloom word says so), with no checksum left to the egress device
 * (which could rewrite its source), or a frame that is not IP, ARP or IPv6.
 * False sends the frame to the full check.
 */
static __always_inline bool intnet_ip_unclaimed(const struct intnet_port *port,
						const struct intnet_ip_table *t,
						const struct sk_buff *skb,
						__be16 proto)
{
	const struct ipv6hdr *ip6h;
	const struct iphdr *iph;

	if (rcu_access_pointer(port->ip_lock) ||
	    skb->ip_summed == CHECKSUM_PARTIAL)
		return false;
	if (likely(proto == htons(ETH_P_IP))) {
		iph = (const struct iphdr *)skb->data;
		/* Version 4, a header of 20 to 60 bytes: a first byte 0x45 to 0x4f. */
		if (skb_headlen(skb) < sizeof(*iph) ||
		    (u8)(skb->data[0] - 0x45) > 0x0a)
			return false;
		return !(t->bloom &
			 intnet_ip_bloom_bit(intnet_ip_hash4(iph->saddr)));
	}
	if (proto == htons(ETH_P_IPV6)) {
		ip6h = (const struct ipv6hdr *)skb->data;
		if (skb_headlen(skb) < sizeof(*ip6h) || ip6h->version != 6 ||
		    (ip6h->nexthdr != IPPROTO_TCP && ip6h->nexthdr != IPPROTO_UDP))
			return false;
		return !(t->bloom &
			 intnet_ip_bloom_bit(intnet_ip_hash6(&ip6h->saddr)));
	}
	return proto != htons(ETH_P_ARP);
}

#endif /* _INTNET_IPLOCK_H */
