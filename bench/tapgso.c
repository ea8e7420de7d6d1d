// SPDX-License-Identifier: GPL-2.0
/*
 * tapgso: TAP to TAP bulk throughput with 64 KB GSO frames, the way a VM's
 * virtio-net hands TSO sends to the host. Opens the (persistent) TAPs TX and
 * RX with IFF_VNET_HDR, writes TCPv4 super-frames with a partial checksum on
 * TX and reads each one back on RX, which accepts checksum and TSO offloads
 * and so gets the super-frame whole. The switch between the two TAPs is set up
 * by the caller; DST must be a MAC it forwards to RX.
 *
 * Usage: tapgso TX RX DST FRAMES
 * Prints: frames N payload BYTES ns NS gbps G   (payload bits per ns of
 * CLOCK_MONOTONIC, which counts instructions in an icount guest).
 * Exits 1, saying why, when a frame is lost, cut or changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define VNET_LEN sizeof(struct virtio_net_hdr)
#define MSS 1448
/*
 * As a Linux guest sizes a TSO send: whole segments, the frame below the 64 KB
 * GSO limit (a device segments an skb of gso_max_size bytes or more, 65,536 by
 * default, Ethernet header included).
 */
#define PAYLOAD (45 * MSS)
#define HDRS (14 + 20 + 20)
#define FRAME_LEN (HDRS + PAYLOAD)

static const unsigned char src_mac[6] = { 0x02, 0xbe, 0, 0, 0, 0x01 };

static void die(const char *what)
{
	fprintf(stderr, "tapgso: %s: %s\n", what,
		errno ? strerror(errno) : "failed");
	exit(1);
}

static int tap_open(const char *name, unsigned int offloads)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("/dev/net/tun");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die(name);
	if (ioctl(fd, TUNSETOFFLOAD, offloads) < 0)
		die("TUNSETOFFLOAD");
	return fd;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static uint32_t sum16(const void *data, size_t len, uint32_t sum)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/*
 * vnet header + Ethernet + IPv4 + TCP + payload. The IPv4 header checksum is
 * complete; the TCP checksum field holds the pseudo-header sum, as a stack
 * leaves it for the device (CHECKSUM_PARTIAL) to finish.
 */
static void build(unsigned char *buf, const unsigned char *dst)
{
	struct virtio_net_hdr *vh = (void *)buf;
	unsigned char *eth = buf + VNET_LEN, *ip = eth + 14, *tcp = ip + 20;
	unsigned char pseudo[12];
	size_t i;

	memset(buf, 0, VNET_LEN + HDRS);
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh->hdr_len = HDRS;
	vh->gso_size = MSS;
	vh->csum_start = 14 + 20;
	vh->csum_offset = 16;

	memcpy(eth, dst, 6);
	memcpy(eth + 6, src_mac, 6);
	put16(eth + 12, 0x0800);

	ip[0] = 0x45;
	put16(ip + 2, 20 + 20 + PAYLOAD);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, (unsigned char[]){ 10, 0, 0, 1 }, 4);
	memcpy(ip + 16, (unsigned char[]){ 10, 0, 0, 2 }, 4);
	put16(ip + 10, ~fold(sum16(ip, 20, 0)));

	put16(tcp, 40000);
	put16(tcp + 2, 5201);
	put16(tcp + 4, 0x0001); /* seq */
	put16(tcp + 10, 0x0001); /* ack */
	tcp[12] = 5 << 4;
	tcp[13] = 0x18; /* PSH, ACK */
	put16(tcp + 14, 65535);

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, 20 + PAYLOAD);
	put16(tcp + 16, fold(sum16(pseudo, sizeof(pseudo), 0)));

	for (i = 0; i < PAYLOAD; i++)
		tcp[20 + i] = i * 13 + 7;
}

/* One frame from @fd into @buf within @ms milliseconds: its length, or -1. */
static ssize_t receive(int fd, unsigned char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		n = read(fd, buf, size);
		if (n >= 0)
			return n;
		if (errno != EAGAIN && errno != EINTR)
			die("read");
		if (poll(&p, 1, ms) == 0)
			return -1;
	}
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	size_t size = VNET_LEN + FRAME_LEN;
	unsigned char dst[6], *out, *in;
	long long t0, ns, frames, i;
	int tx, rx, tries;
	ssize_t n;

	if (argc != 5 || parse_mac(argv[3], dst) < 0 ||
	    (frames = atoll(argv[4])) <= 0) {
		fprintf(stderr, "usage: tapgso TX RX DST FRAMES\n");
		return 2;
	}
	out = malloc(size);
	in = malloc(size + 4096);
	if (!out || !in)
		die("malloc");
	build(out, dst);
	tx = tap_open(argv[1], TUN_F_CSUM | TUN_F_TSO4);
	rx = tap_open(argv[2], TUN_F_CSUM | TUN_F_TSO4);
	if (fcntl(rx, F_SETFL, O_NONBLOCK) < 0)
		die("O_NONBLOCK");

	/* The TAPs got their carrier as we attached: the switch may take a
	 * moment (link watch) to use them. Send until a frame comes through,
	 * then check it.
	 */
	for (tries = 0;; tries++) {
		if (tries == 100) {
			errno = 0;
			die("no frame came through the switch in 10 s");
		}
		if (write(tx, out, size) != (ssize_t)size)
			die("write");
		n = receive(rx, in, size + 4096, 100);
		if (n >= 0)
			break;
	}
	/* Drain any late copies of the warm-up frames. */
	while (receive(rx, in, size + 4096, 200) >= 0)
		;
	errno = 0;
	if (n != (ssize_t)size) {
		fprintf(stderr, "tapgso: %zd bytes out for %zu in\n", n, size);
		die("the frame came out with another length (segmented?)");
	}
	if (((struct virtio_net_hdr *)in)->gso_type != VIRTIO_NET_HDR_GSO_TCPV4)
		die("the frame came out without its GSO type");
	if (memcmp(in + VNET_LEN, out + VNET_LEN, FRAME_LEN))
		die("the frame came out changed");

	t0 = now_ns();
	for (i = 0; i < frames; i++) {
		if (write(tx, out, size) != (ssize_t)size)
			die("write");
		n = receive(rx, in, size + 4096, 1000);
		if (n != (ssize_t)size) {
			errno = 0;
			die(n < 0 ? "a frame was lost" :
				    "a frame came out cut");
		}
	}
	ns = now_ns() - t0;
	printf("frames %lld payload %lld ns %lld gbps %.3f\n", frames,
	       frames * PAYLOAD, ns, (double)frames * PAYLOAD * 8 / ns);
	return 0;
}
