// SPDX-License-Identifier: GPL-2.0
/*
 * GSO and checksum offload pass through the switch: a 64 KB TCP super-frame
 * written on a TAP with IFF_VNET_HDR reaches a peer TAP that accepts offloads
 * as the same super-frame, and one that does not as MTU-sized segments.
 */

#include <linux/virtio_net.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include "switch_lib.h"

#define VNET_LEN sizeof(struct virtio_net_hdr)
#define PAYLOAD 64000
#define MSS 1448
#define HDRS (14 + 20 + 20)

static const unsigned char mac_a[6] = { 2, 0x20, 0, 0, 0, 0xa };
static const unsigned char mac_b[6] = { 2, 0x20, 0, 0, 0, 0xb };

/* A vnet-header TAP, up; @offloads says whether its reader takes GSO frames. */
static int vnet_tap(const char *name, int offloads)
{
	int fd = tun_open(name, IFF_TAP | IFF_VNET_HDR);

	if (fd < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, offloads ? TUN_F_CSUM | TUN_F_TSO4 : 0) <
		    0 ||
	    dev_set_up(name, 1))
		return -1;
	return fd;
}

/* vnet header + Ethernet + IPv4 + TCP + @payload bytes, as a guest's virtio-net
 * would hand over a TSO send: checksum left to the host, segmentation too.
 */
static size_t super_frame(unsigned char *buf, const unsigned char *src,
			  const unsigned char *dst, size_t payload)
{
	struct virtio_net_hdr *vh = (void *)buf;
	unsigned char *eth = buf + VNET_LEN;
	struct iphdr *ip = (void *)(eth + 14);
	struct tcphdr *tcp = (void *)(eth + 34);
	size_t i;

	memset(buf, 0, VNET_LEN + HDRS);
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->gso_type = payload > MSS ? VIRTIO_NET_HDR_GSO_TCPV4 : 0;
	vh->hdr_len = HDRS;
	vh->gso_size = payload > MSS ? MSS : 0;
	vh->csum_start = 34;
	vh->csum_offset = 16;
	memcpy(eth, dst, 6);
	memcpy(eth + 6, src, 6);
	eth[12] = 0x08;
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons(40 + payload);
	ip->saddr = htonl(0x0a000001);
	ip->daddr = htonl(0x0a000002);
	tcp->source = htons(1000);
	tcp->dest = htons(2000);
	tcp->doff = 5;
	tcp->ack = 1;
	tcp->psh = 1;
	for (i = 0; i < payload; i++)
		eth[HDRS + i] = i * 7;
	return VNET_LEN + HDRS + payload;
}

FIXTURE(gso)
{
	struct sw *sw;
	int a, b, plain;
	unsigned char *out, *in;
};

FIXTURE_SETUP(gso)
{
	self->sw = sw_new(_metadata);
	self->a = vnet_tap("ga", 1);
	self->b = vnet_tap("gb", 1);
	self->plain = vnet_tap("gp", 0);
	ASSERT_GE(self->a, 0);
	ASSERT_GE(self->b, 0);
	ASSERT_GE(self->plain, 0);
	ASSERT_EQ(0, sw_port_add(self->sw, "gso", if_nametoindex("ga"), NONE,
				 NONE));
	ASSERT_EQ(0, sw_port_add(self->sw, "gso", if_nametoindex("gb"), NONE,
				 NONE));
	self->out = malloc(VNET_LEN + HDRS + PAYLOAD);
	self->in = malloc(VNET_LEN + HDRS + PAYLOAD + 4096);
	ASSERT_NE(NULL, self->out);
	ASSERT_NE(NULL, self->in);
}

FIXTURE_TEARDOWN(gso)
{
	free(self->out);
	free(self->in);
}

static ssize_t drain_one(int fd, unsigned char *buf, size_t size)
{
	return read(fd, buf, size);
}

TEST_F(gso, tso_super_frame_arrives_whole)
{
	struct virtio_net_hdr *vh;
	size_t len;
	ssize_t n;

	/* Let the switch learn B behind gb. */
	len = super_frame(self->out, mac_b, mac_a, 10);
	ASSERT_EQ((ssize_t)len, write(self->b, self->out, len));
	drain_one(self->a, self->in, VNET_LEN + HDRS + PAYLOAD + 4096);

	len = super_frame(self->out, mac_a, mac_b, PAYLOAD);
	ASSERT_EQ((ssize_t)len, write(self->a, self->out, len));
	n = drain_one(self->b, self->in, VNET_LEN + HDRS + PAYLOAD + 4096);
	ASSERT_EQ((ssize_t)len, n);
	vh = (struct virtio_net_hdr *)self->in;
	EXPECT_EQ(VIRTIO_NET_HDR_GSO_TCPV4, vh->gso_type);
	EXPECT_EQ(MSS, vh->gso_size);
	EXPECT_EQ(VIRTIO_NET_HDR_F_NEEDS_CSUM,
		  vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
	/* The frame itself is byte for byte what was sent. */
	EXPECT_EQ(0, memcmp(self->out + VNET_LEN, self->in + VNET_LEN,
			    len - VNET_LEN));
	/* Once, not twice. */
	EXPECT_EQ(-1, drain_one(self->b, self->in, 64));
}

TEST_F(gso, reader_without_offloads_gets_segments)
{
	size_t len, total = 0;
	int segments = 0;
	ssize_t n;

	ASSERT_EQ(0, sw_port_add(self->sw, "gso", if_nametoindex("gp"), NONE,
				 NONE));
	len = super_frame(self->out, mac_a, mac_b, PAYLOAD);
	ASSERT_EQ((ssize_t)len, write(self->a, self->out, len));
	while ((n = drain_one(self->plain, self->in,
			      VNET_LEN + HDRS + PAYLOAD)) > 0) {
		struct virtio_net_hdr *vh = (void *)self->in;

		EXPECT_EQ(0, vh->gso_type);
		EXPECT_LE((size_t)n, VNET_LEN + HDRS + MSS);
		total += n - VNET_LEN - HDRS;
		segments++;
	}
	EXPECT_EQ((PAYLOAD + MSS - 1) / MSS, segments);
	EXPECT_EQ((size_t)PAYLOAD, total);
}

TEST_HARNESS_MAIN
