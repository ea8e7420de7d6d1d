// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: the same seeded random sequence of frames through intnet
 * and through a Linux bridge (STP off, vlan_filtering 0, same ageing) must
 * reach the same ports. Set INTNET_SEED to replay a failure; the seed is always
 * printed.
 */

#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kselftest_harness.h"
#include "lib.h"

#define PORTS	 8
#define STATIONS 24
#define FRAMES	 10000
#define FLEN	 64

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int tap(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	int s;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return -1;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ifr.ifr_flags = IFF_UP;
	if (s < 0 || ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return -1;
	close(s);
	return fd;
}

static int port_add(int nl, int family, const char *ifname)
{
	static struct nl_reply r;
	uint32_t ifindex = if_nametoindex(ifname);
	char req[256];
	size_t len;

	len = genl_start(req, family, INTNET_CMD_PORT_ADD, 0);
	len = nl_put(req, len, INTNET_ATTR_NET_NAME, "diff", 5);
	len = nl_put(req, len, INTNET_ATTR_IFINDEX, &ifindex, 4);
	return nl_call(nl, req, len, &r);
}

/* Which of @fds hold a copy of @frame now: a bitmask; -1 on a wrong frame. */
static int delivered(const int *fds, const unsigned char *frame)
{
	unsigned char buf[2048];
	int mask = 0, i;
	ssize_t n;

	for (i = 0; i < PORTS; i++) {
		while ((n = read(fds[i], buf, sizeof(buf))) > 0) {
			if (n != FLEN || memcmp(buf, frame, FLEN))
				return -1;
			mask |= 1 << i;
		}
	}
	return mask;
}

static void mac(unsigned char *m, int kind, int n)
{
	static const unsigned char bcast[6] = { 0xff, 0xff, 0xff,
						0xff, 0xff, 0xff };
	static const unsigned char mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };

	if (kind == 0) {
		memcpy(m, bcast, 6);
		return;
	}
	if (kind == 1) {
		memcpy(m, mcast, 6);
		return;
	}
	/* Stations (kind 2) and never-seen addresses (kind 3). */
	m[0] = 0x02;
	m[1] = 0x10;
	m[2] = kind;
	m[3] = 0;
	m[4] = n >> 8;
	m[5] = n;
}

TEST(same_deliveries_as_linux_bridge)
{
	int ifds[PORTS], bfds[PORTS], home[STATIONS];
	unsigned char frame[FLEN];
	char name[IFNAMSIZ];
	unsigned int seed;
	int nl, family, i, n, p, st, seen[PORTS + 1] = { 0 };
	const char *env = getenv("INTNET_SEED");

	seed = env ? strtoul(env, NULL, 0) : (unsigned int)time(NULL);
	printf("# seed %u (replay with INTNET_SEED=%u)\n", seed, seed);
	srandom(seed);

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	ASSERT_EQ(0, system("ip link add br0 type bridge stp_state 0 "
			    "ageing_time 30000"));
	/* Off by default, or not built in: either is fine. Before br0 is up, so
	 * that the bridge sends nothing of its own out of the ports.
	 */
	system("ip link set br0 type bridge vlan_filtering 0 2>/dev/null");
	system("ip link set br0 type bridge mcast_snooping 0 2>/dev/null");
	ASSERT_EQ(0, system("ip link set br0 up"));

	nl = nl_open();
	ASSERT_GE(nl, 0);
	family = genl_family_id(nl, INTNET_GENL_NAME);
	ASSERT_GT(family, 0);
	for (i = 0; i < PORTS; i++) {
		char cmd[64];

		snprintf(name, sizeof(name), "i%d", i);
		ifds[i] = tap(name);
		ASSERT_GE(ifds[i], 0);
		ASSERT_EQ(0, port_add(nl, family, name));
		snprintf(name, sizeof(name), "b%d", i);
		bfds[i] = tap(name);
		ASSERT_GE(bfds[i], 0);
		snprintf(cmd, sizeof(cmd), "ip link set b%d master br0", i);
		ASSERT_EQ(0, system(cmd));
	}
	for (st = 0; st < STATIONS; st++)
		home[st] = st % PORTS;

	for (n = 0; n < FRAMES; n++) {
		int kind = random() % 10, got_i, got_b;

		st = random() % STATIONS;
		/* Now and then a station moves to another port. */
		if (random() % 20 == 0)
			home[st] = random() % PORTS;
		p = home[st];
		memset(frame, 0, sizeof(frame));
		/* Destination: broadcast, multicast, a station or an unknown
		 * MAC. */
		mac(frame,
		    kind == 0	? 0
		    : kind == 1 ? 1
		    : kind == 2 ? 3
				: 2,
		    random() % STATIONS);
		mac(frame + 6, 2, st);
		frame[12] = 0x88;
		frame[13] = 0xb5;
		memcpy(frame + 14, &n, sizeof(n));

		ASSERT_EQ(FLEN, write(ifds[p], frame, FLEN));
		ASSERT_EQ(FLEN, write(bfds[p], frame, FLEN));
		got_i = delivered(ifds, frame);
		got_b = delivered(bfds, frame);
		ASSERT_GE(got_i, 0);
		ASSERT_GE(got_b, 0);
		if (got_i != got_b) {
			TH_LOG("frame %d from port %d: intnet 0x%02x, bridge "
			       "0x%02x",
			       n, p, got_i, got_b);
			ASSERT_EQ(got_b, got_i);
		}
		seen[__builtin_popcount(got_i)]++;
	}
	/* The sequence must have exercised every kind of decision. */
	TH_LOG("to one port %d, flooded %d, dropped %d", seen[1],
	       seen[PORTS - 1], seen[0]);
	EXPECT_GT(seen[1], FRAMES / 4);
	EXPECT_GT(seen[PORTS - 1], FRAMES / 10);
	EXPECT_GT(seen[0], 10);
	close(nl);
}

TEST_HARNESS_MAIN
