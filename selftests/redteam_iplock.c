// SPDX-License-Identifier: GPL-2.0
/*
 * Red team of IP anti-spoofing (INTNET_ATTR_PORT_IP_LOCK): a locked port
 * (bob's) tries to get a packet, an ARP claim or a neighbour advertisement
 * for someone else's address past the lock, to serve DHCP without
 * dhcp-server, and to shed or steal locks. Each test asserts the secure
 * behaviour: a test that fails is a hole. Tests named observation_* record
 * what passes and is not claimed (they assert today's behaviour).
 */

#include "iplock_frames.h"

/* After switch_lib.h, as iplock_frames.h is. */
#include <linux/virtio_net.h>
#include <netinet/tcp.h>

#define ALICE 1001L
#define BOB 1002L

#define NOT_OWNER \
	"intnet: only the network's owner can change a port's IP locks or DHCP server setting"

/* ---- frames ---- */

/* The IPv6 pseudo-header's sum for @ip6 (at the IPv6 header) and @len. */
static uint32_t pseudo6(const uint8_t *ip6, uint32_t len, uint8_t nh)
{
	return sum16(ip6 + 8, 32, 0) + (len >> 16) + (len & 0xffff) + nh;
}

/* Sets the ICMPv6 checksum of the IPv6 frame @f (ICMPv6 right after IPv6). */
static void icmp6_fix(struct frame *f)
{
	uint8_t *ip6 = f->b + ETH_HLEN, *icmp = ip6 + 40;
	size_t n = f->len - ETH_HLEN - 40;

	put16(icmp + 2, 0);
	put16(icmp + 2, csum(icmp, n, pseudo6(ip6, n, IPPROTO_ICMPV6)));
}

/* ---- fixtures ---- */

/*
 * t0 (bob's VM) is locked to 10.0.0.1, fd00::1 and fe80::1 and MAC A; t1 is
 * the victim 10.0.0.2 / fd00::2; t2 listens. In "vn", t0 is opened with
 * IFF_VNET_HDR, as QEMU opens a TAP for virtio-net.
 */
#define _test_data_rt sw
FIXTURE(rt);
FIXTURE_SETUP(rt)
{
	sw_init(self);
	sw_enter_new_netns(_metadata, self);
	add_ports(_metadata, self, 3, "lab");
	lock_t0(_metadata, self);
}

FIXTURE_TEARDOWN(rt)
{
}

/*
 * TAP @name opened by @uid (not root) with @flags; the fd, passed back to
 * the test, or -errno.
 */
static __attribute__((unused)) int tap_open_as(long uid, const char *name,
					       int flags)
{
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct msghdr mh = { .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct iovec iov;
	int sv[2], fd, status;
	struct cmsghdr *cm;
	char c = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	iov = (struct iovec){ .iov_base = &c, .iov_len = 1 };
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(1);
		fd = tun_open(name, flags);
		if (fd < 0)
			_exit(2);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		_exit(sendmsg(sv[1], &mh, 0) == 1 ? 0 : 3);
	}
	waitpid(pid, &status, 0);
	fd = -EPERM;
	if (WIFEXITED(status) && !WEXITSTATUS(status) &&
	    recvmsg(sv[0], &mh, MSG_DONTWAIT) == 1) {
		cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	}
	close(sv[0]);
	close(sv[1]);
	return fd;
}

/*
 * t0 is bob's persistent TAP: bob (uid 1002, no privilege) opens it with
 * IFF_VNET_HDR, as QEMU does for virtio-net; t1 and t2 are plain TAPs (a
 * VM with an e1000 or rtl8139 NIC, which takes no offloads).
 */
#define _test_data_vn sw
FIXTURE(vn);
FIXTURE_SETUP(vn)
{
	int i;

	sw_init(self);
	sw_enter_new_netns(_metadata, self);
	/*
	 * Opened with IFF_VNET_HDR by root here; the TAP's owner may do the
	 * same unprivileged (TUNSETIFF takes IFF_VNET_HDR from whoever may
	 * attach). See tap_open_as() (the port then showed no destination in
	 * this guest: not pursued).
	 */
	for (i = 0; i < 3; i++) {
		snprintf(self->ifname[i], IFNAMSIZ, "t%d", i);
		self->fd[i] = tun_open(self->ifname[i],
				       IFF_TAP | (i ? 0 : IFF_VNET_HDR));
		ASSERT_LE(0, self->fd[i]);
		self->ifindex[i] = if_nametoindex(self->ifname[i]);
		ASSERT_LT(0, self->ifindex[i]);
		ASSERT_EQ(0, dev_set_up(self->ifname[i], 1));
		ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[i], NONE,
					 NONE));
	}
	self->nports = 3;
	lock_t0(_metadata, self);
}

FIXTURE_TEARDOWN(vn)
{
}

/* ---- DHCP server replies ---- */

/*
 * A DHCP client listens on UDP 68 (dhclient, udhcpc and systemd-networkd
 * filter their raw sockets on the destination port, not the source), a
 * DHCPv6 client on 546 whatever the source port: a rogue server's reply
 * from any other source port is as good to them.
 */
TEST_F(rt, dhcp_server_replies_from_another_source_port)
{
	struct udp_msg u;
	struct frame f;

	deliver(_metadata, self, 0,
		ip4(&f, A, "10.0.0.1", "255.255.255.255", udp(1067, 68)), 0);
	u = udp(1547, 546);
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_UDP, &u, sizeof(u)), 0);
}

/*
 * A relay agent takes the server's BOOTREPLY on UDP 67 (from 67) and hands
 * it to the client; a DHCPv6 relay takes RELAY-REPLY on 547: a rogue server
 * reaches clients behind a relay on the network.
 */
TEST_F(rt, dhcp_server_replies_to_a_relay_agent)
{
	struct {
		struct udphdr h;
		uint8_t op;
		uint8_t rest[3];
	} __attribute__((packed))
	m = { .h = { .source = htons(67), .dest = htons(67), .len = htons(12) },
	      .op = 2 /* BOOTREPLY */ };
	struct frame f;

	deliver(_metadata, self, 0,
		ip4p(&f, A, "10.0.0.1", "10.0.0.9", IPPROTO_UDP, &m, sizeof(m)),
		0);
	m.h.source = m.h.dest = htons(547);
	m.op = 13; /* RELAY-REPL */
	deliver(_metadata, self, 0,
		ip6(&f, A, "fd00::1", IPPROTO_UDP, &m, sizeof(m)), 0);
}

/* IPv4 options move UDP: the check follows the IHL. */
TEST_F(rt, ipv4_options_hide_nothing)
{
	struct {
		uint8_t opts[40];
		struct udp_msg u;
	} p;
	struct frame f;

	memset(p.opts, 1, sizeof(p.opts)); /* NOPs */
	p.u = udp(67, 68);
	ip4p(&f, A, "10.0.0.1", "255.255.255.255", IPPROTO_UDP, &p, sizeof(p));
	f.b[ETH_HLEN] = 0x4f;
	deliver(_metadata, self, 0, &f, 0);
	ip4p(&f, A, "10.0.0.2", "10.0.0.255", IPPROTO_UDP, &p, sizeof(p));
	f.b[ETH_HLEN] = 0x4f;
	deliver(_metadata, self, 0, &f, 0);
	/* IHL past the packet. */
	p.u = udp(1, 2);
	ip4p(&f, A, "10.0.0.1", "10.0.0.255", IPPROTO_UDP, &p.u, sizeof(p.u));
	f.b[ETH_HLEN] = 0x4f;
	deliver(_metadata, self, 0, &f, PORT(1) | PORT(2));
	expect_drops(_metadata, self, 0, 1, 0, 0, 1);
}

/* A DHCP reply cut in IPv4 fragments: the first holds the UDP ports. */
TEST_F(rt, dhcp_reply_in_a_tiny_first_fragment)
{
	struct udp_msg u = udp(67, 68);
	struct frame f;

	ip4p(&f, A, "10.0.0.1", "255.255.255.255", IPPROTO_UDP, &u, 8);
	f.b[ETH_HLEN + 6] = 0x20; /* MF, offset 0 */
	deliver(_metadata, self, 0, &f, 0);
	expect_drops(_metadata, self, 0, 0, 0, 0, 1);
}

/* ---- IPv6: neighbour advertisements behind headers and fragments ---- */

struct frag6 {
	uint8_t next, res;
	uint16_t off;
	uint32_t id;
};

TEST_F(rt, na_in_a_first_fragment_cut_before_its_target)
{
	struct {
		struct frag6 fh;
		struct nd_neighbor_advert na;
	} __attribute__((packed)) p = { .fh = { .next = IPPROTO_ICMPV6,
						.off = htons(1), /* M */
						.id = 7 } };
	struct frame f;

	p.na = nd(ND_NEIGHBOR_ADVERT, "fd00::2");
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_FRAGMENT, &p, 8 + 8), 0);
	/* An atomic fragment (offset 0, no M) carrying the whole NA. */
	p.fh.off = 0;
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_FRAGMENT, &p, sizeof(p)), 0);
	expect_drops(_metadata, self, 0, 0, 0, 2, 0);
}

/* Hop-by-hop, routing and destination options before an NA. */
TEST_F(rt, na_behind_an_extension_header_chain)
{
	struct {
		uint8_t hbh[8], rt[8], dst[8];
		struct nd_neighbor_advert na;
	} __attribute__((packed)) p = {
		.hbh = { IPPROTO_ROUTING, 0, 1, 4 },
		.rt = { IPPROTO_DSTOPTS, 0, 0,
			0 }, /* type 0, no segments left */
		.dst = { IPPROTO_ICMPV6, 0, 1, 4 },
	};
	struct frame f;

	p.na = nd(ND_NEIGHBOR_ADVERT, "fd00::2");
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_HOPOPTS, &p, sizeof(p)), 0);
	expect_drops(_metadata, self, 0, 0, 0, 1, 0);
}

/* ---- ARP ---- */

/* Linux takes ARP hardware type 6 (IEEE 802) on Ethernet as type 1. */
TEST_F(rt, arp_with_ieee802_hardware_type)
{
	struct arp_eth a = arp_body(ARPHRD_IEEE802, ARPOP_REPLY, A, "10.0.0.2",
				    "10.0.0.2");
	struct frame f;

	deliver(_metadata, self, 0,
		put(eth(&f, BCAST, A, ETH_P_ARP), &a, sizeof(a)), 0);
	expect_drops(_metadata, self, 0, 0, 1, 0, 0);
}

/* ---- tags ---- */

TEST_F(rt, stacked_and_priority_tags)
{
	static const uint8_t qinq[] = { 0x00, 0x05, 0x81, 0x00,
					0x00, 0x07, 0x08, 0x06 };
	static const uint8_t prio[] = { 0xe0, 0x00, 0x08, 0x06 };
	struct arp_eth a =
		arp_body(ARPHRD_ETHER, ARPOP_REPLY, A, "10.0.0.2", "10.0.0.2");
	struct frame f;

	eth(&f, BCAST, A, ETH_P_8021AD);
	put(&f, qinq, sizeof(qinq));
	deliver(_metadata, self, 0, put(&f, &a, sizeof(a)), 0);
	eth(&f, BCAST, A, ETH_P_8021Q);
	put(&f, prio, sizeof(prio));
	deliver(_metadata, self, 0, put(&f, &a, sizeof(a)), 0);
	expect_drops(_metadata, self, 0, 2, 0, 0, 0);
}

/* ---- observations: what passes, not claimed ---- */

/*
 * Not claimed ("other protocols pass"): IPv4 in LLC/SNAP (802.3 length
 * field), RARP, and tags of the old QinQ ethertype 0x9100. Linux receivers
 * ignore all three (no SNAP IP, no RARP, 0x9100 is no VLAN protocol), other
 * systems or a VLAN-aware bridge behind a port may not.
 */
TEST_F(rt, observation_snap_rarp_and_0x9100_pass)
{
	static const uint8_t snap[] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
	static const uint8_t tag[] = { 0x00, 0x05, 0x08, 0x00 };
	struct udp_msg u = udp(1, 2);
	struct iphdr h = { .version = 4,
			   .ihl = 5,
			   .ttl = 64,
			   .protocol = IPPROTO_UDP,
			   .tot_len = htons(sizeof(h) + sizeof(u)) };
	struct arp_eth a = arp_body(ARPHRD_ETHER, 4 /* RARP reply */, A,
				    "10.0.0.2", "10.0.0.2");
	struct frame f;

	inet_pton(AF_INET, "10.0.0.2", &h.saddr);
	inet_pton(AF_INET, "10.0.0.255", &h.daddr);
	eth(&f, BCAST, A, sizeof(snap) + sizeof(h) + sizeof(u));
	put(&f, snap, sizeof(snap));
	put(&f, &h, sizeof(h));
	deliver(_metadata, self, 0, put(&f, &u, sizeof(u)), PORT(1) | PORT(2));
	deliver(_metadata, self, 0,
		put(eth(&f, BCAST, A, ETH_P_RARP), &a, sizeof(a)),
		PORT(1) | PORT(2));
	eth(&f, BCAST, A, 0x9100);
	put(&f, tag, sizeof(tag));
	put(&f, &h, sizeof(h));
	deliver(_metadata, self, 0, put(&f, &u, sizeof(u)), PORT(1) | PORT(2));
	expect_drops(_metadata, self, 0, 0, 0, 0, 0);
}

/*
 * Not claimed (no RA guard): a locked port may advertise itself as a router
 * from its own link-local address, and send redirects; and an IPv6 fragment
 * after the first is not read (Linux drops fragmented neighbour discovery,
 * RFC 6980).
 */
TEST_F(rt, observation_router_advertisements_redirects_and_later_fragments_pass)
{
	struct nd_router_advert ra = {
		.nd_ra_hdr = { .icmp6_type = ND_ROUTER_ADVERT },
		.nd_ra_router_lifetime = htons(1800)
	};
	struct nd_redirect rd = { .nd_rd_hdr = { .icmp6_type = ND_REDIRECT } };
	struct {
		struct frag6 fh;
		uint8_t target[16];
	} __attribute__((packed))
	later = { .fh = { .next = IPPROTO_ICMPV6, .off = htons(8), .id = 7 } };
	struct frame f;

	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_ICMPV6, &ra, sizeof(ra)),
		PORT(1) | PORT(2));
	inet_pton(AF_INET6, "fe80::1", &rd.nd_rd_target);
	inet_pton(AF_INET6, "fd00::99", &rd.nd_rd_dst);
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_ICMPV6, &rd, sizeof(rd)),
		PORT(1) | PORT(2));
	inet_pton(AF_INET6, "fd00::2", later.target);
	deliver(_metadata, self, 0,
		ip6(&f, A, "fe80::1", IPPROTO_FRAGMENT, &later, sizeof(later)),
		PORT(1) | PORT(2));
	expect_drops(_metadata, self, 0, 0, 0, 0, 0);
}

/*
 * Not claimed: only the outer header of a tunnel is read. IPv4 in IPv4 from
 * a locked address carries any inner source to a victim that terminates
 * such a tunnel (ipip, gre, sit, a VPN), which takes it as from there.
 */
TEST_F(rt, observation_tunnelled_inner_source_passes)
{
	struct {
		struct iphdr h;
		struct udp_msg u;
	} inner = { .h = { .version = 4,
			   .ihl = 5,
			   .ttl = 64,
			   .protocol = IPPROTO_UDP,
			   .tot_len = htons(sizeof(inner)) } };
	struct frame f;

	inner.u = udp(1, 2);
	inet_pton(AF_INET, "10.0.0.2", &inner.h.saddr);
	inet_pton(AF_INET, "10.0.0.9", &inner.h.daddr);
	deliver(_metadata, self, 0,
		ip4p(&f, A, "10.0.0.1", "10.0.0.2", IPPROTO_IPIP, &inner,
		     sizeof(inner)),
		PORT(1) | PORT(2));
	expect_drops(_metadata, self, 0, 0, 0, 0, 0);
}

/* ---- checksum offload: the TAP's virtio-net header ---- */

/*
 * A frame written with a virtio-net header asking the kernel to complete a
 * checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM): the kernel writes the one's
 * complement sum of the bytes from csum_start to the end at csum_start +
 * csum_offset, when the frame leaves through a device that does not take
 * the offload (a TAP without TUNSETOFFLOAD: e1000, rtl8139, a user-space
 * VM). csum_start only has to be 20 bytes in: pointed into the IP header or
 * the ARP body, the kernel rewrites an address after the lock has read it.
 * @free (a word in the range) is chosen so that the sum written is @want.
 */
static void vnet_free(struct __test_metadata *_metadata, struct frame *f,
		      unsigned int start, unsigned int free, uint16_t want)
{
	uint16_t s;

	put16(f->b + free, 0);
	s = fold(sum16(f->b + start, f->len - start, 0));
	put16(f->b + free, fold(0xffffu + (uint16_t)~want - s));
	/* Check: the kernel will write exactly @want. */
	ASSERT_EQ(want, csum(f->b + start, f->len - start, 0));
}

static void vnet_write(struct __test_metadata *_metadata, struct sw *self,
		       struct frame *f, unsigned int start, unsigned int off)
{
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .gso_type = VIRTIO_NET_HDR_GSO_NONE,
				     .csum_start = start,
				     .csum_offset = off };
	static uint8_t buf[sizeof(vh) + FRAME_MAX];

	memcpy(buf, &vh, sizeof(vh));
	memcpy(buf + sizeof(vh), f->b, f->len);
	ASSERT_EQ((ssize_t)(sizeof(vh) + f->len),
		  write(self->fd[0], buf, sizeof(vh) + f->len))
	TH_LOG("write on t0: %s", strerror(errno));
}

static void vnet_send(struct __test_metadata *_metadata, struct sw *self,
		      struct frame *f, unsigned int start, unsigned int off,
		      unsigned int free, uint16_t want)
{
	vnet_free(_metadata, f, start, free, want);
	vnet_write(_metadata, self, f, start, off);
}

/*
 * What the victim's port t1 received in ARRIVAL_MS, in @buf: its length, 0
 * for nothing. Whatever came to t2 is read and dropped.
 */
static ssize_t received(struct __test_metadata *_metadata, struct sw *self,
			uint8_t *buf, size_t size)
{
	struct pollfd pfd = { .fd = self->fd[1], .events = POLLIN };
	uint64_t in[__INTNET_STATS_MAX], out[__INTNET_STATS_MAX];
	uint8_t junk[FRAME_MAX];
	ssize_t n = 0;

	if (poll(&pfd, 1, ARRIVAL_MS) == 1)
		n = read(self->fd[1], buf, size);
	while (read(self->fd[2], junk, sizeof(junk)) > 0)
		;
	port_stats(_metadata, self, 0, in);
	port_stats(_metadata, self, 1, out);
	TH_LOG("t0: rx %llu flooded %llu; t1: tx %llu tx-error %llu; read %zd",
	       (unsigned long long)in[INTNET_STATS_RX_PACKETS],
	       (unsigned long long)in[INTNET_STATS_RX_FLOODED],
	       (unsigned long long)out[INTNET_STATS_TX_PACKETS],
	       (unsigned long long)out[INTNET_STATS_TX_DROP_ERROR], n);
	for (int k = 0; k < __INTNET_STATS_MAX; k++)
		if (in[k] && k != INTNET_STATS_RX_BYTES)
			TH_LOG("t0 counter %d: %llu", k,
			       (unsigned long long)in[k]);
	/* Not vacuous: the frame went into the switch. */
	EXPECT_EQ(1ull, in[INTNET_STATS_RX_PACKETS]);
	return n < 0 ? 0 : n;
}

static char *ntop(int af, const void *a)
{
	static char s[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return (char *)inet_ntop(af, a, s[i], sizeof(s[i]));
}

/* UDP 1000 -> 2000 with a word after the tag for vnet_free(). */
struct udp_free {
	struct udphdr h;
	uint32_t tag;
	uint16_t free;
} __attribute__((packed));

#define UDP_FREE                             \
	{                                    \
		.h = {.source = htons(1000), \
		      .dest = htons(2000),   \
		      .len = htons(14) }     \
	}

TEST_F(vn, offloaded_checksum_rewrites_the_ipv4_source)
{
	static uint8_t in[FRAME_MAX];
	struct udp_free u = UDP_FREE;
	uint32_t want;
	struct frame f;
	ssize_t n;

	/* Sent from 10.0.0.1 (header checksum made for 10.0.0.3, UDP none). */
	ip4p(&f, A, "10.0.0.3", "10.0.0.2", IPPROTO_UDP, &u, sizeof(u));
	inet_pton(AF_INET, "10.0.0.1", f.b + ETH_HLEN + 12);
	vnet_send(_metadata, self, &f, ETH_HLEN + 12, 2, f.len - 2, 0x0003);
	n = received(_metadata, self, in, sizeof(in));
	if (n >= ETH_HLEN + 20) {
		TH_LOG("t1 received IPv4 from %s, header checksum %s",
		       ntop(AF_INET, in + ETH_HLEN + 12),
		       csum(in + ETH_HLEN, 20, 0) ? "bad" : "good");
		inet_pton(AF_INET, "10.0.0.1", &want);
		EXPECT_EQ(0, memcmp(in + ETH_HLEN + 12, &want, 4));
	}
}

TEST_F(vn, offloaded_checksum_rewrites_the_arp_sender)
{
	static uint8_t in[FRAME_MAX];
	struct arp_eth a =
		arp_body(ARPHRD_ETHER, ARPOP_REPLY, A, "10.0.0.1", "10.0.0.2");
	static const uint8_t pad[18];
	uint32_t want;
	struct frame f;
	ssize_t n;

	eth(&f, BCAST, A, ETH_P_ARP);
	put(&f, &a, sizeof(a));
	put(&f, pad, sizeof(pad));
	/* The sender IP's last word becomes 0x0002: 10.0.0.2 is-at A. */
	vnet_send(_metadata, self, &f, ETH_HLEN + 14, 2, f.len - 2, 0x0002);
	n = received(_metadata, self, in, sizeof(in));
	if (n >= ETH_HLEN + 28) {
		TH_LOG("t1 received ARP: %s is-at %02x:..:%02x",
		       ntop(AF_INET, in + ETH_HLEN + 14), in[ETH_HLEN + 8],
		       in[ETH_HLEN + 13]);
		inet_pton(AF_INET, "10.0.0.1", &want);
		EXPECT_EQ(0, memcmp(in + ETH_HLEN + 14, &want, 4));
	}
}

TEST_F(vn, offloaded_checksum_rewrites_the_ipv6_source)
{
	static uint8_t in[FRAME_MAX];
	struct udp_msg u = udp(1000, 2000);
	struct in6_addr want;
	uint8_t *nh6, *uh;
	struct frame f;
	ssize_t n;

	/* UDP checksum made for fd00::2; a word after the payload is free. */
	ip6(&f, A, "fd00::2", IPPROTO_UDP, &u, sizeof(u));
	nh6 = f.b + ETH_HLEN;
	uh = nh6 + 40;
	put16(uh + 6,
	      csum(uh, sizeof(u), pseudo6(nh6, sizeof(u), IPPROTO_UDP)));
	put(&f, "\0\0", 2);
	inet_pton(AF_INET6, "fd00::1", nh6 + 8);
	vnet_send(_metadata, self, &f, ETH_HLEN + 8, 14, f.len - 2, 0x0002);
	n = received(_metadata, self, in, sizeof(in));
	if (n >= ETH_HLEN + 40) {
		TH_LOG("t1 received IPv6 from %s, UDP checksum %s",
		       ntop(AF_INET6, in + ETH_HLEN + 8),
		       csum(in + ETH_HLEN + 40, sizeof(u),
			    pseudo6(in + ETH_HLEN, sizeof(u), IPPROTO_UDP)) ?
			       "bad" :
			       "good");
		inet_pton(AF_INET6, "fd00::1", &want);
		EXPECT_EQ(0, memcmp(in + ETH_HLEN + 8, &want, 16));
	}
}

TEST_F(vn, offloaded_checksum_rewrites_the_na_target)
{
	static uint8_t in[FRAME_MAX];
	struct {
		struct nd_neighbor_advert na;
		uint8_t tlla[8];
		uint8_t nonce[8];
	} __attribute__((packed)) p = {
		.tlla = { ND_OPT_TARGET_LINKADDR, 1, 0x02, 0, 0, 0, 0, 0x0a },
		.nonce = { 14, 1 },
	};
	struct in6_addr want;
	uint8_t *target;
	struct frame f;
	ssize_t n;

	/*
	 * The NA for fd00::1 with a nonce that makes the kernel's sum 0x0002,
	 * its ICMPv6 checksum (before csum_start) made for fd00::2.
	 */
	p.na = nd(ND_NEIGHBOR_ADVERT, "fd00::1");
	ip6(&f, A, "fe80::1", IPPROTO_ICMPV6, &p, sizeof(p));
	target = f.b + ETH_HLEN + 40 + 8;
	vnet_free(_metadata, &f, target - f.b, f.len - 4, 0x0002);
	put16(target + 14, 0x0002);
	icmp6_fix(&f);
	put16(target + 14, 0x0001);
	vnet_write(_metadata, self, &f, target - f.b, 14);
	n = received(_metadata, self, in, sizeof(in));
	if (n >= ETH_HLEN + 40 + 24) {
		TH_LOG("t1 received an NA for %s, ICMPv6 checksum %s",
		       ntop(AF_INET6, in + ETH_HLEN + 48),
		       csum(in + ETH_HLEN + 40, sizeof(p),
			    pseudo6(in + ETH_HLEN, sizeof(p), IPPROTO_ICMPV6)) ?
			       "bad" :
			       "good");
		inet_pton(AF_INET6, "fd00::1", &want);
		EXPECT_EQ(0, memcmp(in + ETH_HLEN + 48, &want, 16));
	}
}

/* ---- the inline test of an unlocked port (kmod/iplock.h) ---- */

/*
 * The bloom bit the kernel gives an address (intnet_ip_bloom_bit() of
 * intnet_ip_hash4() or intnet_ip_hash6()): its 32-bit words XORed as they
 * lie in memory, times GOLDEN_RATIO_32, bits 20 to 25.
 */
static unsigned int bloom_bit(uint32_t folded)
{
	return (folded * 0x61c88647u >> 20) & 63;
}

static unsigned int bloom4(const char *a)
{
	uint32_t v;

	inet_pton(AF_INET, a, &v);
	return bloom_bit(v ^ htonl(0xffff));
}

static unsigned int bloom6(const char *a)
{
	uint32_t w[4];

	inet_pton(AF_INET6, a, w);
	return bloom_bit(w[0] ^ w[1] ^ w[2] ^ w[3]);
}

/* The first 10.0.x.y (x.y from 0.6 on) whose bloom bit is @bit, in @out. */
static void v4_of_bit(struct __test_metadata *_metadata, char *out,
		      unsigned int bit)
{
	unsigned int n;

	for (n = 6; n < 65536; n++) {
		snprintf(out, INET_ADDRSTRLEN, "10.0.%u.%u", n >> 8, n & 255);
		if (bloom4(out) == bit)
			return;
	}
	ASSERT_TRUE(0);
}

/* The first fd00::x (x from 6 on) whose bloom bit is @bit, in @out. */
static void v6_of_bit(struct __test_metadata *_metadata, char *out,
		      unsigned int bit)
{
	unsigned int n;

	for (n = 6; n < 65536; n++) {
		snprintf(out, INET6_ADDRSTRLEN, "fd00::%x", n);
		if (bloom6(out) == bit)
			return;
	}
	ASSERT_TRUE(0);
}

/*
 * Alice's t0 locked to 10.0.0.5 and fd00::5 (and MAC A); t1 is bob's VM,
 * unlocked, a plain TAP; t2 listens; t3 is bob's other VM, unlocked, opened
 * with IFF_VNET_HDR (as QEMU does for virtio-net): a port, but left out of
 * deliver()'s ports (what it reads has a virtio-net header).
 */
#define _test_data_fp sw
FIXTURE(fp);
FIXTURE_SETUP(fp)
{
	sw_init(self);
	sw_enter_new_netns(_metadata, self);
	add_ports(_metadata, self, 3, "lab");
	snprintf(self->ifname[3], IFNAMSIZ, "t3");
	self->fd[3] = tun_open(self->ifname[3], IFF_TAP | IFF_VNET_HDR);
	ASSERT_LE(0, self->fd[3]);
	self->ifindex[3] = if_nametoindex(self->ifname[3]);
	ASSERT_LT(0, self->ifindex[3]);
	ASSERT_EQ(0, dev_set_up(self->ifname[3], 1));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[3], NONE, NONE));
	ASSERT_EQ(0,
		  intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
			     self->ifindex[0], INTNET_ATTR_PORT_LOCK_MAC, A,
			     INTNET_ATTR_PORT_IP_LOCK, "10.0.0.5,fd00::5", 0))
	TH_LOG("PORT_SET locks: %s", last.extack);
}

FIXTURE_TEARDOWN(fp)
{
}

/* @f written on t3 after @vh; t0..t2 in @to receive @want (NULL: @f). */
static void vdeliver(struct __test_metadata *_metadata, struct sw *self,
		     const struct virtio_net_hdr *vh, const struct frame *f,
		     const struct frame *want, unsigned int to)
{
	static uint8_t buf[sizeof(*vh) + FRAME_MAX];
	int i;

	memcpy(buf, vh, sizeof(*vh));
	memcpy(buf + sizeof(*vh), f->b, f->len);
	ASSERT_EQ((ssize_t)(sizeof(*vh) + f->len),
		  write(self->fd[3], buf, sizeof(*vh) + f->len))
	TH_LOG("write on t3: %s", strerror(errno));
	for (i = 0; i < self->nports; i++)
		if (to & PORT(i))
			expect_frame(_metadata, self, i, want ? want : f);
	expect_silence(_metadata, self, ~0u);
}

/*
 * Every IPv4 first byte the inline test takes (0x45 to 0x4f), from alice's
 * address and from a free one; the bytes it leaves to the full check, which
 * drops them from an unlocked port too; a header cut short.
 */
TEST_F(fp, ipv4_claims_in_every_header_length)
{
	struct {
		uint8_t opts[40];
		struct udp_msg u;
	} p;
	static const uint8_t odd[] = { 0x44, 0x40, 0x50, 0x5f, 0x65, 0x35 };
	struct frame f;
	unsigned int b;

	memset(p.opts, 1, sizeof(p.opts)); /* NOPs */
	p.u = udp(1000, 2000);
	for (b = 0x45; b <= 0x4f; b++) {
		ip4p(&f, B, "10.0.0.5", "10.0.0.255", IPPROTO_UDP, &p,
		     sizeof(p));
		f.b[ETH_HLEN] = b;
		deliver(_metadata, self, 1, &f, 0);
		ip4p(&f, B, "10.0.0.6", "10.0.0.255", IPPROTO_UDP, &p,
		     sizeof(p));
		f.b[ETH_HLEN] = b;
		deliver(_metadata, self, 1, &f, PORT(0) | PORT(2));
	}
	for (b = 0; b < sizeof(odd); b++) {
		ip4p(&f, B, "10.0.0.6", "10.0.0.255", IPPROTO_UDP, &p,
		     sizeof(p));
		f.b[ETH_HLEN] = odd[b];
		deliver(_metadata, self, 1, &f, 0);
	}
	/* 19 bytes of header: the source is there, the header is not. */
	ip4p(&f, B, "10.0.0.5", "10.0.0.255", IPPROTO_UDP, &p, 0);
	f.len--;
	deliver(_metadata, self, 1, &f, 0);
	ip4p(&f, B, "10.0.0.6", "10.0.0.255", IPPROTO_UDP, &p, 0);
	f.len--;
	deliver(_metadata, self, 1, &f, 0);
	/* A DHCP client's 0.0.0.0 claims nothing. */
	deliver(_metadata, self, 1,
		ip4(&f, B, "0.0.0.0", "255.255.255.255", udp(68, 67)),
		PORT(0) | PORT(2));
	expect_drops(_metadata, self, 1, 11 + sizeof(odd) + 2, 0, 0, 0);
}

/*
 * IPv6 straight to TCP or UDP (the inline test's), behind extension headers
 * and fragments (the full check's): alice's address and its IPv4-mapped
 * form are hers; the NAT64 and IPv4-translated forms and addresses of the
 * same hash (the words of fd00::5 or ::ffff:10.0.0.5 in another order) are
 * other addresses.
 */
TEST_F(fp, ipv6_claims_straight_and_behind_headers)
{
	struct udp_msg u = udp(1000, 2000);
	struct tcphdr th = {
		.source = htons(1000), .dest = htons(2000), .doff = 5, .syn = 1
	};
	struct {
		uint8_t hdr[8];
		struct udp_msg u;
	} __attribute__((packed)) x = { .u = u };
	static const char *const free6[] = { "::",
					     "fd00::6",
					     "64:ff9b::a00:5",
					     "::ffff:0:a00:5",
					     "0:0:0:ffff::a00:5",
					     "0:0:fd00::5" };
	struct frame f;
	unsigned int i;

	ASSERT_EQ(bloom6("fd00::5"), bloom6("0:0:fd00::5"));
	ASSERT_EQ(bloom4("10.0.0.5"), bloom6("0:0:0:ffff::a00:5"));
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::5", IPPROTO_UDP, &u, sizeof(u)), 0);
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::5", IPPROTO_TCP, &th, sizeof(th)), 0);
	deliver(_metadata, self, 1,
		ip6(&f, B, "::ffff:10.0.0.5", IPPROTO_UDP, &u, sizeof(u)), 0);
	for (i = 0; i < sizeof(free6) / sizeof(free6[0]); i++) {
		deliver(_metadata, self, 1,
			ip6(&f, B, free6[i], IPPROTO_UDP, &u, sizeof(u)),
			PORT(0) | PORT(2));
		deliver(_metadata, self, 1,
			ip6(&f, B, free6[i], IPPROTO_TCP, &th, sizeof(th)),
			PORT(0) | PORT(2));
	}
	/* Destination options, then a fragment header, before UDP. */
	memcpy(x.hdr, (uint8_t[]){ IPPROTO_UDP, 0, 1, 4 }, 4);
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::5", IPPROTO_DSTOPTS, &x, sizeof(x)), 0);
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::6", IPPROTO_DSTOPTS, &x, sizeof(x)),
		PORT(0) | PORT(2));
	memset(x.hdr, 0, sizeof(x.hdr));
	x.hdr[0] = IPPROTO_UDP;
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::5", IPPROTO_FRAGMENT, &x, sizeof(x)), 0);
	/* Version 4 in an IPv6 frame; 39 bytes of header. */
	ip6(&f, B, "fd00::6", IPPROTO_UDP, &u, sizeof(u));
	f.b[ETH_HLEN] = 0x40;
	deliver(_metadata, self, 1, &f, 0);
	ip6(&f, B, "fd00::5", IPPROTO_UDP, &u, 0);
	f.len--;
	deliver(_metadata, self, 1, &f, 0);
	expect_drops(_metadata, self, 1, 7, 0, 0, 0);
}

/*
 * Addresses that share a bloom bit with a locked one go to the full check
 * and pass; a lock on addresses of the bits of 0.0.0.0 and :: sends a DHCP
 * client's and duplicate address detection's frames there too, and they
 * pass; those addresses themselves are alice's.
 */
TEST_F(fp, bloom_neighbours_pass_and_the_locked_bits_hold)
{
	char v4[INET_ADDRSTRLEN], v6[INET6_ADDRSTRLEN];
	char z4[INET_ADDRSTRLEN], z6[INET6_ADDRSTRLEN];
	char lock[128];
	struct udp_msg u = udp(1000, 2000);
	struct frame f;

	v4_of_bit(_metadata, v4, bloom4("10.0.0.5"));
	v6_of_bit(_metadata, v6, bloom6("fd00::5"));
	v4_of_bit(_metadata, z4, bloom4("0.0.0.0"));
	v6_of_bit(_metadata, z6, bloom6("::"));
	TH_LOG("bits: 10.0.0.5 %u (%s), fd00::5 %u (%s), 0.0.0.0 %u (%s), :: %u (%s)",
	       bloom4("10.0.0.5"), v4, bloom6("fd00::5"), v6, bloom4("0.0.0.0"),
	       z4, bloom6("::"), z6);
	deliver(_metadata, self, 1, ip4(&f, B, v4, "10.0.0.255", u),
		PORT(0) | PORT(2));
	deliver(_metadata, self, 1, ip6(&f, B, v6, IPPROTO_UDP, &u, sizeof(u)),
		PORT(0) | PORT(2));
	snprintf(lock, sizeof(lock), "10.0.0.5,fd00::5,%s,%s", z4, z6);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
				self->ifindex[0], INTNET_ATTR_PORT_IP_LOCK,
				lock, 0))
	TH_LOG("PORT_SET %s: %s", lock, last.extack);
	deliver(_metadata, self, 1,
		ip4(&f, B, "0.0.0.0", "255.255.255.255", udp(68, 67)),
		PORT(0) | PORT(2));
	deliver(_metadata, self, 1,
		ip6(&f, B, "::", IPPROTO_UDP, &u, sizeof(u)),
		PORT(0) | PORT(2));
	deliver(_metadata, self, 1, ip4(&f, B, z4, "10.0.0.255", u), 0);
	deliver(_metadata, self, 1, ip6(&f, B, z6, IPPROTO_UDP, &u, sizeof(u)),
		0);
	deliver(_metadata, self, 1, ip4(&f, B, "10.0.0.5", "10.0.0.255", u), 0);
	expect_drops(_metadata, self, 1, 3, 0, 0, 0);
}

/*
 * Frames of a page or more: written with a virtio-net header whose hdr_len
 * is 14 or 34 the TAP puts only that much in the linear part (0 and 20 bytes
 * after the Ethernet header), the rest in pages; a plain write of 9000 bytes
 * of IPv4 (the MTU, 9000 here, counts no Ethernet header).
 */
TEST_F(fp, large_and_nonlinear_frames)
{
	static const struct {
		const char *src;
		uint16_t hdr_len;
		unsigned int to;
	} v4[] = { { "10.0.0.5", 14, 0 },
		   { "10.0.0.5", 34, 0 },
		   { "10.0.0.6", 14, PORT(0) | PORT(1) | PORT(2) },
		   { "10.0.0.6", 34, PORT(0) | PORT(1) | PORT(2) } },
	  v6[] = { { "fd00::5", 14, 0 },
		   { "fd00::5", 34, 0 },
		   { "fd00::5", 54, 0 },
		   { "fd00::6", 14, PORT(0) | PORT(1) | PORT(2) },
		   { "fd00::6", 54, PORT(0) | PORT(1) | PORT(2) } };
	static uint8_t big[9000];
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	struct frame f;
	unsigned int i;

	memset(big, 0x5a, sizeof(big));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, dev_set_mtu(self->ifname[i], 9000));
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		vh.hdr_len = v4[i].hdr_len;
		ip4p(&f, B, v4[i].src, "10.0.0.255", IPPROTO_UDP, big, 5000);
		vdeliver(_metadata, self, &vh, &f, NULL, v4[i].to);
	}
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		vh.hdr_len = v6[i].hdr_len;
		ip6(&f, B, v6[i].src, IPPROTO_UDP, big, 5000);
		vdeliver(_metadata, self, &vh, &f, NULL, v6[i].to);
	}
	expect_drops(_metadata, self, 3, 5, 0, 0, 0);
	deliver(_metadata, self, 1,
		ip4p(&f, B, "10.0.0.5", "10.0.0.255", IPPROTO_UDP, big, 8980),
		0);
	deliver(_metadata, self, 1,
		ip4p(&f, B, "10.0.0.6", "10.0.0.255", IPPROTO_UDP, big, 8980),
		PORT(0) | PORT(2));
	expect_drops(_metadata, self, 1, 1, 0, 0, 0);
}

/*
 * A checksum left to the egress from an unlocked port: pointed into the
 * IPv4 or IPv6 source it would write alice's address there after the
 * check; at the UDP checksum it is written there, and the frame passes.
 */
TEST_F(fp, offloaded_checksums_from_an_unlocked_port)
{
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	struct udp_free u = UDP_FREE;
	struct frame f, want;

	/* 10.0.0.3 becomes 10.0.0.5 when the egress writes the sum. */
	ip4p(&f, B, "10.0.0.3", "10.0.0.255", IPPROTO_UDP, &u, sizeof(u));
	vnet_free(_metadata, &f, ETH_HLEN + 12, f.len - 2, 0x0005);
	vh.csum_start = ETH_HLEN + 12;
	vh.csum_offset = 2;
	vdeliver(_metadata, self, &vh, &f, NULL, 0);
	/* fd00::3 becomes fd00::5. */
	ip6(&f, B, "fd00::3", IPPROTO_UDP, &u, sizeof(u));
	vnet_free(_metadata, &f, ETH_HLEN + 8, f.len - 2, 0x0005);
	vh.csum_start = ETH_HLEN + 8;
	vh.csum_offset = 14;
	vdeliver(_metadata, self, &vh, &f, NULL, 0);
	/* At the UDP checksum: from a free address it passes, summed. */
	vh.csum_start = ETH_HLEN + 20;
	vh.csum_offset = 6;
	ip4p(&f, B, "10.0.0.6", "10.0.0.255", IPPROTO_UDP, &u, sizeof(u));
	want = f;
	put16(want.b + ETH_HLEN + 26,
	      csum(f.b + ETH_HLEN + 20, f.len - ETH_HLEN - 20, 0));
	vdeliver(_metadata, self, &vh, &f, &want, PORT(0) | PORT(1) | PORT(2));
	ip4p(&f, B, "10.0.0.5", "10.0.0.255", IPPROTO_UDP, &u, sizeof(u));
	vdeliver(_metadata, self, &vh, &f, NULL, 0);
	vh.csum_start = ETH_HLEN + 40;
	ip6(&f, B, "fd00::6", IPPROTO_UDP, &u, sizeof(u));
	want = f;
	put16(want.b + ETH_HLEN + 46,
	      csum(f.b + ETH_HLEN + 40, f.len - ETH_HLEN - 40, 0));
	vdeliver(_metadata, self, &vh, &f, &want, PORT(0) | PORT(1) | PORT(2));
	expect_drops(_metadata, self, 3, 3, 0, 0, 0);
}

/* IPv4 or IPv6 with TCP and @n bytes of payload, from @src, for TSO. */
static struct frame *tso_frame(struct frame *f, bool v6, const char *src,
			       size_t n)
{
	static uint8_t p[sizeof(struct tcphdr) + 3 * 1448];
	struct tcphdr *th = (struct tcphdr *)p;
	size_t i;

	memset(p, 0, sizeof(*th));
	th->source = htons(1000);
	th->dest = htons(2000);
	th->doff = 5;
	th->ack = 1;
	for (i = sizeof(*th); i < sizeof(*th) + n; i++)
		p[i] = i * 7;
	if (v6)
		return ip6(f, B, src, IPPROTO_TCP, p, sizeof(*th) + n);
	return ip4p(f, B, src, "10.0.0.255", IPPROTO_TCP, p, sizeof(*th) + n);
}

/* How many frames t@i received, in ARRIVAL_MS each, all from @src. */
static int segments_from(struct __test_metadata *_metadata, struct sw *self,
			 int i, const char *src)
{
	struct pollfd pfd = { .fd = self->fd[i], .events = POLLIN };
	static uint8_t buf[FRAME_MAX];
	uint32_t want;
	int n = 0;

	inet_pton(AF_INET, src, &want);
	while (poll(&pfd, 1, ARRIVAL_MS) == 1 &&
	       read(self->fd[i], buf, sizeof(buf)) >= ETH_HLEN + 20) {
		EXPECT_EQ(0, memcmp(buf + ETH_HLEN + 12, &want, 4))
		TH_LOG("t%d: a segment from %s", i,
		       ntop(AF_INET, buf + ETH_HLEN + 12));
		n++;
	}
	return n;
}

/*
 * TSO super-frames of three segments from an unlocked port, the checksum
 * left to the egress or not (CHECKSUM_NONE: the inline test's): from
 * alice's address none goes out; from a free one each port gets three
 * segments, from that address.
 */
TEST_F(fp, tso_super_frames_from_an_unlocked_port)
{
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
				     .hdr_len = ETH_HLEN + 40,
				     .gso_size = 1448,
				     .csum_start = ETH_HLEN + 20,
				     .csum_offset = 16 };
	struct frame f;
	int i;

	vdeliver(_metadata, self, &vh, tso_frame(&f, false, "10.0.0.5", 4344),
		 NULL, 0);
	vh.flags = 0;
	vdeliver(_metadata, self, &vh, tso_frame(&f, false, "10.0.0.5", 4344),
		 NULL, 0);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	vh.hdr_len = ETH_HLEN + 60;
	vdeliver(_metadata, self, &vh, tso_frame(&f, true, "fd00::5", 4344),
		 NULL, 0);
	expect_drops(_metadata, self, 3, 3, 0, 0, 0);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.hdr_len = ETH_HLEN + 40;
	tso_frame(&f, false, "10.0.0.6", 4344);
	{
		static uint8_t buf[sizeof(vh) + FRAME_MAX];

		memcpy(buf, &vh, sizeof(vh));
		memcpy(buf + sizeof(vh), f.b, f.len);
		ASSERT_EQ((ssize_t)(sizeof(vh) + f.len),
			  write(self->fd[3], buf, sizeof(vh) + f.len))
		TH_LOG("write on t3: %s", strerror(errno));
	}
	for (i = 0; i < 3; i++)
		EXPECT_EQ(3, segments_from(_metadata, self, i, "10.0.0.6"));
	expect_drops(_metadata, self, 3, 3, 0, 0, 0);
}

/*
 * Tagged in the frame: the kernel takes an 802.1Q or 802.1ad tag off
 * before the switch sees the frame, which checks what it carries and puts
 * the tag back on the way out.
 */
TEST_F(fp, tagged_claims_from_an_unlocked_port)
{
	static const uint8_t q5_ip[] = { 0x00, 0x05, 0x08, 0x00 },
			     q5_ip6[] = { 0x00, 0x05, 0x86, 0xdd },
			     q5_arp[] = { 0x00, 0x05, 0x08, 0x06 },
			     prio_ip[] = { 0xe0, 0x00, 0x08, 0x00 };
	static const struct {
		uint16_t tpid;
		const uint8_t *tag;
	} tags[] = { { ETH_P_8021Q, q5_ip },
		     { ETH_P_8021AD, q5_ip },
		     { ETH_P_8021Q, prio_ip } };
	struct arp_eth a =
		arp_body(ARPHRD_ETHER, ARPOP_REPLY, B, "10.0.0.5", "10.0.0.5");
	struct udp_msg u = udp(1000, 2000);
	struct frame f, in;
	unsigned int i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		ip4(&in, B, "10.0.0.5", "10.0.0.255", u);
		eth(&f, BCAST, B, tags[i].tpid);
		put(&f, tags[i].tag, 4);
		put(&f, in.b + ETH_HLEN, in.len - ETH_HLEN);
		deliver(_metadata, self, 1, &f, 0);
		ip4(&in, B, "10.0.0.6", "10.0.0.255", u);
		eth(&f, BCAST, B, tags[i].tpid);
		put(&f, tags[i].tag, 4);
		put(&f, in.b + ETH_HLEN, in.len - ETH_HLEN);
		deliver(_metadata, self, 1, &f, PORT(0) | PORT(2));
	}
	ip6(&in, B, "fd00::5", IPPROTO_UDP, &u, sizeof(u));
	eth(&f, MCAST, B, ETH_P_8021Q);
	put(&f, q5_ip6, 4);
	deliver(_metadata, self, 1, put(&f, in.b + ETH_HLEN, in.len - ETH_HLEN),
		0);
	eth(&f, BCAST, B, ETH_P_8021Q);
	put(&f, q5_arp, 4);
	deliver(_metadata, self, 1, put(&f, &a, sizeof(a)), 0);
	expect_drops(_metadata, self, 1, 4, 1, 0, 0);
}

/*
 * Not claimed: two tags. The kernel takes the outer off; the switch sees
 * a tagged frame, which an unlocked port may send, and alice's VM gets IPv4
 * "from" her address inside VLAN 5 in VLAN 7 (a stack with both on her NIC
 * would take it as from there). Both paths pass it: today's behaviour.
 */
TEST_F(fp, observation_double_tagged_claim_passes)
{
	static const uint8_t qinq[] = { 0x00, 0x07, 0x81, 0x00,
					0x00, 0x05, 0x08, 0x00 };
	struct frame f, in;

	ip4(&in, B, "10.0.0.5", "10.0.0.255", udp(1000, 2000));
	eth(&f, BCAST, B, ETH_P_8021AD);
	put(&f, qinq, sizeof(qinq));
	deliver(_metadata, self, 1, put(&f, in.b + ETH_HLEN, in.len - ETH_HLEN),
		PORT(0) | PORT(2));
	expect_drops(_metadata, self, 1, 0, 0, 0, 0);
}

/* ARP and neighbour discovery are never the inline test's. */
TEST_F(fp, arp_and_nd_claims_from_an_unlocked_port)
{
	struct nd_neighbor_advert na;
	struct frame f;

	deliver(_metadata, self, 1,
		arp(&f, B, ARPOP_REPLY, B, "10.0.0.5", "10.0.0.5"), 0);
	deliver(_metadata, self, 1,
		arp(&f, B, ARPOP_REQUEST, B, "0.0.0.0", "10.0.0.5"), 0);
	deliver(_metadata, self, 1,
		arp(&f, B, ARPOP_REPLY, B, "10.0.0.6", "10.0.0.6"),
		PORT(0) | PORT(2));
	na = nd(ND_NEIGHBOR_ADVERT, "fd00::5");
	deliver(_metadata, self, 1,
		ip6(&f, B, "fe80::b", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	na = nd(ND_NEIGHBOR_SOLICIT, "fd00::5");
	deliver(_metadata, self, 1,
		ip6(&f, B, "::", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	na = nd(ND_NEIGHBOR_ADVERT, "fd00::6");
	deliver(_metadata, self, 1,
		ip6(&f, B, "fe80::b", IPPROTO_ICMPV6, &na, sizeof(na)),
		PORT(0) | PORT(2));
	na = nd(ND_NEIGHBOR_ADVERT, "fd00::6");
	deliver(_metadata, self, 1,
		ip6(&f, B, "fd00::5", IPPROTO_ICMPV6, &na, sizeof(na)), 0);
	expect_drops(_metadata, self, 1, 1, 2, 2, 0);
}

/*
 * A MAC lock read in two loads (intnet_mac_u64()): a source that differs
 * in any one byte, high bit or low, is another; the locked one passes, and
 * PORT_GET shows it as set.
 */
TEST_F(sw, mac_lock_compares_every_byte)
{
	static const uint8_t locks[][ETH_ALEN] = {
		{ 0x82, 0x01, 0x02, 0x03, 0x04, 0x05 },
		{ 0xfe, 0xff, 0xff, 0xff, 0xff, 0xfe },
	};
	struct port_info pi;
	uint8_t src[ETH_ALEN];
	struct frame f;
	unsigned int l, i, drops = 0;

	add_ports(_metadata, self, 2, "lab");
	for (l = 0; l < 2; l++) {
		ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_SET,
					INTNET_ATTR_IFINDEX, self->ifindex[0],
					INTNET_ATTR_PORT_LOCK_MAC, locks[l], 0))
		TH_LOG("PORT_SET lock_mac: %s", last.extack);
		ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
		EXPECT_EQ(1, pi.locked);
		EXPECT_EQ(0, memcmp(pi.lock_mac, locks[l], ETH_ALEN));
		deliver(_metadata, self, 0, frame_make(&f, BCAST, locks[l], 60),
			PORT(1));
		for (i = 0; i < ETH_ALEN; i++) {
			memcpy(src, locks[l], ETH_ALEN);
			/* Bit 7, or bit 1 of the first byte (unicast kept). */
			src[i] ^= i ? 0x80 : 0x02;
			deliver(_metadata, self, 0,
				frame_make(&f, BCAST, src, 60), 0);
			memcpy(src, locks[l], ETH_ALEN);
			src[i] ^= i ? 0x01 : 0x80;
			deliver(_metadata, self, 0,
				frame_make(&f, BCAST, src, 60), 0);
			drops += 2;
		}
		/* The same bytes in another order, the first kept. */
		src[0] = locks[l][0];
		memcpy(src + 1, locks[l] + 5, 1);
		memcpy(src + 2, locks[l] + 1, 4);
		deliver(_metadata, self, 0, frame_make(&f, BCAST, src, 60), 0);
		drops++;
	}
	EXPECT_EQ(drops, port_stat(_metadata, self, 0,
				   INTNET_STATS_RX_DROP_MAC_LOCKED));
}

/* ---- locks: who sets them, who keeps them ---- */

/* Alice's public network "pub" with her t0 and bob's t1, locked by alice. */
static void alice_locks_bob(struct __test_metadata *_metadata, struct sw *self)
{
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, BOB, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, 0));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_OWNER, (int)ALICE,
				INTNET_ATTR_IFINDEX, self->ifindex[1], 0))
	TH_LOG("bob's PORT_ADD: %s", last.extack);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
				self->ifindex[1], INTNET_ATTR_PORT_IP_LOCK,
				"10.0.0.2", 0));
	sw_as(self, BOB, NONE);
}

/* A refused change of a lock takes nothing else of the request with it. */
TEST_F(sw, a_lock_in_a_mixed_request_is_refused_whole)
{
	alice_locks_bob(_metadata, self);
	EXPECT_REFUSED(-EPERM, NOT_OWNER,
		       intnet_req(self, INTNET_CMD_PORT_SET,
				  INTNET_ATTR_IFINDEX, self->ifindex[1],
				  INTNET_ATTR_PORT_UP, 0,
				  INTNET_ATTR_PORT_IP_LOCK, "", 0));
	EXPECT_REFUSED(-EPERM, NOT_OWNER,
		       intnet_req(self, INTNET_CMD_PORT_SET,
				  INTNET_ATTR_IFINDEX, self->ifindex[1],
				  INTNET_ATTR_PORT_DHCP_SERVER, 0, 0));
	/* Bob's own address again, and a lift with a MAC lock. */
	EXPECT_REFUSED(-EPERM, NOT_OWNER,
		       intnet_req(self, INTNET_CMD_PORT_SET,
				  INTNET_ATTR_IFINDEX, self->ifindex[1],
				  INTNET_ATTR_PORT_IP_LOCK, "10.0.0.2", 0));
	EXPECT_REFUSED(-EPERM, NOT_OWNER,
		       intnet_req(self, INTNET_CMD_PORT_SET,
				  INTNET_ATTR_IFINDEX, self->ifindex[1],
				  INTNET_ATTR_PORT_LOCK_MAC, B,
				  INTNET_ATTR_PORT_IP_LOCK, "", 0));
}

/*
 * "The port's user may not lift it": bob detaches his locked port and
 * attaches the same TAP again, unlocked, and sends from alice's address.
 */
/*
 * A lock is the port's: bob may detach his locked port and attach it again,
 * without the lock (the man page says so). What must hold is the binding of
 * the addresses locked to the ports that stay: alice's, locked to her port,
 * stays out of bob's reach.
 */
TEST_F(sw, reattaching_sheds_the_ports_lock_but_not_the_binding)
{
	struct port_info pi;
	struct arp_eth a;
	struct frame f;

	alice_locks_bob(_metadata, self);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
				self->ifindex[0], INTNET_ATTR_PORT_IP_LOCK,
				"10.0.0.1", 0));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_del(self, self->ifindex[1]));
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_OWNER, (int)ALICE,
				INTNET_ATTR_IFINDEX, self->ifindex[1], 0));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, port_get(self, self->ifindex[1], &pi));
	EXPECT_STREQ("", pi.ip_lock);
	deliver(_metadata, self, 1,
		ip4(&f, B, "10.0.0.1", "10.0.0.255", udp(1, 2)), 0);
	a = arp_body(ARPHRD_ETHER, ARPOP_REPLY, B, "10.0.0.1", "10.0.0.1");
	eth(&f, BCAST, B, ETH_P_ARP);
	deliver(_metadata, self, 1, put(&f, &a, sizeof(a)), 0);
	EXPECT_EQ(1u,
		  port_stat(_metadata, self, 1, INTNET_STATS_RX_DROP_IP_SPOOF));
	EXPECT_EQ(1u, port_stat(_metadata, self, 1,
				INTNET_STATS_RX_DROP_ARP_SPOOF));
}

/*
 * Two administrators lock the same address to two ports at once, by
 * PORT_SET and by PORT_ADD: while one holds it, the other never does.
 */
TEST_F(sw, racing_locks_never_share_an_address)
{
	int i, status, conflicts = 0;
	struct port_info pi;
	pid_t pid;

	add_ports(_metadata, self, 2, "lab");
	tap_make(_metadata, self, 2);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		self->nl = -1;
		if (sw_connect(self))
			_exit(2);
		for (i = 0; i < 300; i++) {
			if (!intnet_req(self, INTNET_CMD_PORT_ADD,
					INTNET_ATTR_NET_NAME, "lab",
					INTNET_ATTR_IFINDEX, self->ifindex[2],
					INTNET_ATTR_PORT_IP_LOCK,
					"10.9.0.1,fd09::1", 0)) {
				if (!port_get(self, self->ifindex[0], &pi) &&
				    strstr(pi.ip_lock, "10.9.0.1"))
					conflicts++;
				port_del(self, self->ifindex[2]);
			}
			if (!intnet_req(self, INTNET_CMD_PORT_ADD,
					INTNET_ATTR_NET_NAME, "lab",
					INTNET_ATTR_IFINDEX, self->ifindex[2],
					0)) {
				if (!intnet_req(self, INTNET_CMD_PORT_SET,
						INTNET_ATTR_IFINDEX,
						self->ifindex[2],
						INTNET_ATTR_PORT_IP_LOCK,
						"fd09::1", 0) &&
				    !port_get(self, self->ifindex[1], &pi) &&
				    strstr(pi.ip_lock, "fd09::1"))
					conflicts++;
				port_del(self, self->ifindex[2]);
			}
		}
		_exit(conflicts ? 1 : 0);
	}
	for (i = 0; i < 300; i++) {
		if (!intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
				self->ifindex[0], INTNET_ATTR_PORT_IP_LOCK,
				"10.9.0.1", 0)) {
			if (!port_get(self, self->ifindex[2], &pi) &&
			    strstr(pi.ip_lock, "10.9.0.1"))
				conflicts++;
			intnet_req(self, INTNET_CMD_PORT_SET,
				   INTNET_ATTR_IFINDEX, self->ifindex[0],
				   INTNET_ATTR_PORT_IP_LOCK, "", 0);
		}
		if (!intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
				self->ifindex[1], INTNET_ATTR_PORT_IP_LOCK,
				"fd09::1", 0)) {
			if (!port_get(self, self->ifindex[2], &pi) &&
			    strstr(pi.ip_lock, "fd09::1"))
				conflicts++;
			intnet_req(self, INTNET_CMD_PORT_SET,
				   INTNET_ATTR_IFINDEX, self->ifindex[1],
				   INTNET_ATTR_PORT_IP_LOCK, "", 0);
		}
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, conflicts);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Many attributes in one nest: duplicates once, a ninth address refused. */
TEST_F(sw, long_and_odd_nests)
{
	static const uint8_t v4[] = { 10, 0, 0, 9 };
	struct port_info pi;
	struct req q;
	size_t nest;
	int i;

	add_ports(_metadata, self, 1, "lab");
	req_new(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[0]);
	nest = q.len;
	req_put(&q, INTNET_ATTR_PORT_IP_LOCK | NLA_F_NESTED, v4, 0);
	for (i = 0; i < 200; i++)
		req_put(&q, INTNET_IP_LOCK_IPV4, v4, 4);
	((struct nlattr *)(q.buf + nest))->nla_len = q.len - nest;
	EXPECT_EQ(0, req_call(self, &q))
	TH_LOG("200 copies of one address: %s", last.extack);
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_STREQ("10.0.0.9", pi.ip_lock);

	/* Eight addresses, then the ninth after 150 duplicates. */
	req_new(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[0]);
	nest = q.len;
	req_put(&q, INTNET_ATTR_PORT_IP_LOCK | NLA_F_NESTED, v4, 0);
	for (i = 1; i <= 8; i++)
		req_put(&q, INTNET_IP_LOCK_IPV4, (uint8_t[]){ 10, 1, 0, i }, 4);
	for (i = 0; i < 150; i++)
		req_put(&q, INTNET_IP_LOCK_IPV4, (uint8_t[]){ 10, 1, 0, 1 }, 4);
	req_put(&q, INTNET_IP_LOCK_IPV6, (uint8_t[16]){ 0xfd, [15] = 9 }, 16);
	((struct nlattr *)(q.buf + nest))->nla_len = q.len - nest;
	EXPECT_EQ(-E2BIG, req_call(self, &q));
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_STREQ("10.0.0.9", pi.ip_lock);
}

TEST_HARNESS_MAIN
