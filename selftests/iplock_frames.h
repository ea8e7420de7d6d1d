/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crafted IPv4, ARP, IPv6 and UDP frames, the locks and the counters of the
 * IP anti-spoofing tests (iplock.c, redteam_iplock.c).
 */
#ifndef INTNET_IPLOCK_FRAMES_H
#define INTNET_IPLOCK_FRAMES_H

#include "switch_lib.h"

/* After switch_lib.h: its net/if.h must come before linux/if.h. */
#include <arpa/inet.h>
#include <linux/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>

static unsigned int frame_ids;

static inline struct frame *eth(struct frame *f, const uint8_t *dst,
				const uint8_t *src, uint16_t type)
{
	memcpy(f->b, dst, ETH_ALEN);
	memcpy(f->b + ETH_ALEN, src, ETH_ALEN);
	f->b[12] = type >> 8;
	f->b[13] = type & 0xff;
	f->len = ETH_HLEN;
	f->id = ++frame_ids;
	return f;
}

static inline struct frame *put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
	return f;
}

/* Big-endian 16-bit words of @p, added to @s (one's complement, unfolded). */
static inline uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (p[i] << 8) | p[i + 1];
	if (n & 1)
		s += p[n - 1] << 8;
	return s;
}

static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* The Internet checksum of @p (stored big-endian by put16()). */
static inline uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	return ~fold(sum16(p, n, s)) & 0xffff;
}

/* UDP @sport -> @dport with a payload that tells frames apart. */
struct udp_msg {
	struct udphdr h;
	/* Where BOOTP has its op and DHCPv6 its message type. */
	uint8_t op;
	uint8_t pad[3];
	uint32_t tag;
};

/* UDP @sport -> @dport, its first byte @op (1: a BOOTREQUEST, a SOLICIT). */
static inline struct udp_msg udp_op(uint16_t sport, uint16_t dport, uint8_t op)
{
	return (struct udp_msg){ .h = { .source = htons(sport),
					.dest = htons(dport),
					.len = htons(sizeof(struct udp_msg)) },
				 .op = op,
				 .tag = ++frame_ids };
}

static inline struct udp_msg udp(uint16_t sport, uint16_t dport)
{
	return udp_op(sport, dport, 1);
}

/* IPv4 (header checksum right) carrying @n bytes of @proto. */
static inline struct frame *ip4p(struct frame *f, const uint8_t *src,
				 const char *saddr, const char *daddr,
				 uint8_t proto, const void *p, size_t n)
{
	struct iphdr h = { .version = 4,
			   .ihl = 5,
			   .ttl = 64,
			   .protocol = proto,
			   .tot_len = htons(sizeof(h) + n) };

	inet_pton(AF_INET, saddr, &h.saddr);
	inet_pton(AF_INET, daddr, &h.daddr);
	h.check = htons(csum((const uint8_t *)&h, sizeof(h), 0));
	eth(f, BCAST, src, ETH_P_IP);
	put(f, &h, sizeof(h));
	return put(f, p, n);
}

static inline struct frame *ip4(struct frame *f, const uint8_t *src,
				const char *saddr, const char *daddr,
				struct udp_msg u)
{
	return ip4p(f, src, saddr, daddr, IPPROTO_UDP, &u, sizeof(u));
}

struct arp_eth {
	struct arphdr h;
	uint8_t sha[ETH_ALEN];
	uint8_t sip[4];
	uint8_t tha[ETH_ALEN];
	uint8_t tip[4];
} __attribute__((packed));

static inline struct arp_eth arp_body(uint16_t hrd, uint16_t op,
				      const uint8_t *sha, const char *sip,
				      const char *tip)
{
	struct arp_eth a = { .h = { .ar_hrd = htons(hrd),
				    .ar_pro = htons(ETH_P_IP),
				    .ar_hln = ETH_ALEN,
				    .ar_pln = 4,
				    .ar_op = htons(op) } };

	memcpy(a.sha, sha, ETH_ALEN);
	inet_pton(AF_INET, sip, a.sip);
	inet_pton(AF_INET, tip, a.tip);
	return a;
}

/* Ethernet ARP @op from @src with the sender @sha/@sip, for @tip. */
static inline struct frame *arp(struct frame *f, const uint8_t *src,
				uint16_t op, const uint8_t *sha,
				const char *sip, const char *tip)
{
	struct arp_eth a = arp_body(ARPHRD_ETHER, op, sha, sip, tip);

	eth(f, BCAST, src, ETH_P_ARP);
	return put(f, &a, sizeof(a));
}

/* IPv6 from @saddr to ff02::1 carrying @n bytes of @nexthdr. */
static inline struct frame *ip6(struct frame *f, const uint8_t *src,
				const char *saddr, uint8_t nexthdr,
				const void *p, size_t n)
{
	struct ip6_hdr h = { .ip6_flow = htonl(6u << 28),
			     .ip6_plen = htons(n),
			     .ip6_nxt = nexthdr,
			     .ip6_hlim = 255 };

	inet_pton(AF_INET6, saddr, &h.ip6_src);
	inet_pton(AF_INET6, "ff02::1", &h.ip6_dst);
	eth(f, MCAST, src, ETH_P_IPV6);
	put(f, &h, sizeof(h));
	return put(f, p, n);
}

/* A neighbour advertisement (or solicitation, @type) for @target. */
static inline struct nd_neighbor_advert nd(uint8_t type, const char *target)
{
	struct nd_neighbor_advert na = { .nd_na_hdr = { .icmp6_type = type } };

	inet_pton(AF_INET6, target, &na.nd_na_target);
	if (type == ND_NEIGHBOR_ADVERT)
		na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	return na;
}

/* t0 locked to 10.0.0.1, fd00::1 and fe80::1, and to MAC A. */
static inline void lock_t0(struct __test_metadata *_metadata, struct sw *self)
{
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
				self->ifindex[0], INTNET_ATTR_PORT_LOCK_MAC, A,
				INTNET_ATTR_PORT_IP_LOCK,
				"10.0.0.1,fd00::1,fe80::1", 0))
	TH_LOG("PORT_SET locks: %s", last.extack);
}

/* t@i's drop counters of IP anti-spoofing, and every frame counted once. */
static inline void expect_drops(struct __test_metadata *_metadata,
				struct sw *self, int i, uint64_t ip,
				uint64_t arp_, uint64_t nd_, uint64_t dhcp)
{
	uint64_t st[__INTNET_STATS_MAX];

	port_stats(_metadata, self, i, st);
	EXPECT_EQ(ip, st[INTNET_STATS_RX_DROP_IP_SPOOF]);
	EXPECT_EQ(arp_, st[INTNET_STATS_RX_DROP_ARP_SPOOF]);
	EXPECT_EQ(nd_, st[INTNET_STATS_RX_DROP_ND_SPOOF]);
	EXPECT_EQ(dhcp, st[INTNET_STATS_RX_DROP_DHCP_SERVER]);
	/* Every frame the port received is accounted for, once. */
	EXPECT_EQ(st[INTNET_STATS_RX_PACKETS], rx_outcomes(st));
}

#endif
