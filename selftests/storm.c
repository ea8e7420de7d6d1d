// SPDX-License-Identifier: GPL-2.0
/*
 * Storm control: a port floods (broadcast, multicast, unknown unicast) at
 * most its flood limit, by default 1,000 frames a second with bursts of 100
 * for the ports of users other than the network's owner. The storm the
 * issue describes, run as the users: bob floods a public network as fast as
 * he can while alice's two VMs talk; none of alice's frames may be lost, and
 * bob's excess is counted. Then the settings, their exact effect and who may
 * change them.
 */

#include <pthread.h>
#include <time.h>

#include "switch_lib.h"

#define ALICE 1001L
#define BOB 1002L

#define STORM_SECS 10
#define ALICE_PPS 100
#define ALICE_FRAMES (STORM_SECS * ALICE_PPS + 0u)
/* The module's defaults (kmod/intnet.h), which the storm test is about. */
#define AUTO_LIMIT 1000
#define DEFAULT_BURST 100

#define RAISE \
	"intnet: only the network's owner can raise a port's flood limit above the network's"
#define TOO_HIGH "a flood limit is at most 10000000 frames a second"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A TAP's own count of frames it dropped on the way to its reader. */
static long tap_tx_dropped(int ifindex)
{
	char name[IFNAMSIZ], path[96];
	long v = -1;
	FILE *f;

	if (!if_indextoname(ifindex, name))
		return -1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_dropped",
		 name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

struct storm {
	int fd;
	volatile int stop;
	/* Flooder: frames written. Reader: alice's frames seen, by number. */
	unsigned long written;
	unsigned char seen[ALICE_FRAMES];
	unsigned long alice, dup;
};

/* Bob: broadcast and unknown unicast from 64 sources, as fast as he can. */
static void *flood_run(void *arg)
{
	struct storm *s = arg;
	struct frame f;
	uint8_t src[ETH_ALEN] = { 0x02, 0xb0, 0xb0, 0, 0, 0 };

	while (!s->stop) {
		src[5] = s->written % 64;
		frame_make(&f, s->written % 2 ? BCAST : NOBODY, src, 60);
		if (write(s->fd, f.b, f.len) != (ssize_t)f.len)
			break;
		s->written++;
	}
	return NULL;
}

/* Alice's reader: reads everything as fast as it can, counts her frames. */
static void *read_run(void *arg)
{
	struct storm *s = arg;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint8_t buf[FRAME_MAX + 64];
	uint32_t n;
	ssize_t len;

	while (!s->stop) {
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		len = read(s->fd, buf, sizeof(buf));
		if (len < ETH_HLEN + 4 || memcmp(buf + ETH_ALEN, A, ETH_ALEN))
			continue;
		memcpy(&n, buf + ETH_HLEN, sizeof(n));
		if (n >= ALICE_FRAMES)
			continue;
		if (s->seen[n]++)
			s->dup++;
		else
			s->alice++;
	}
	return NULL;
}

TEST_F_TIMEOUT(sw, a_neighbours_storm_costs_alice_nothing, 120)
{
	struct storm bob = { 0 }, rd0 = { 0 }, rd1 = { 0 };
	long drop0[2], drop1[2];
	uint64_t bound;
	pthread_t th[3];
	struct port_info pi;
	struct frame f;
	double t0, t;
	uint32_t n;
	int i;

	/* root's public network with default settings; alice's two VMs, bob's. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, 0));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	tap_make_owned(_metadata, self, 2, BOB, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[1], NONE, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[2], NONE, NONE));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, port_get(self, self->ifindex[2], &pi));
	EXPECT_EQ(AUTO_LIMIT, pi.flood_rate);
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
		PORT(1) | PORT(2));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 60),
		PORT(0) | PORT(2));
	for (i = 0; i < 2; i++)
		drop0[i] = tap_tx_dropped(self->ifindex[i]);

	bob.fd = self->fd[2];
	rd0.fd = self->fd[0];
	rd1.fd = self->fd[1];
	ASSERT_EQ(0, pthread_create(&th[0], NULL, read_run, &rd0));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, read_run, &rd1));
	ASSERT_EQ(0, pthread_create(&th[2], NULL, flood_run, &bob));

	/* Alice: 100 unicast frames a second from t0 (A) to t1 (B). */
	t0 = now_s();
	for (n = 0; n < ALICE_FRAMES; n++) {
		while ((t = now_s()) < t0 + (double)n / ALICE_PPS)
			usleep(1000);
		frame_make(&f, B, A, 60);
		memcpy(f.b + ETH_HLEN, &n, sizeof(n));
		ASSERT_EQ((ssize_t)f.len, write(self->fd[0], f.b, f.len));
	}
	bob.stop = 1;
	ASSERT_EQ(0, pthread_join(th[2], NULL));
	t = now_s() - t0;
	usleep(500 * 1000);
	rd0.stop = rd1.stop = 1;
	ASSERT_EQ(0, pthread_join(th[0], NULL));
	ASSERT_EQ(0, pthread_join(th[1], NULL));
	for (i = 0; i < 2; i++)
		drop1[i] = tap_tx_dropped(self->ifindex[i]);
	ksft_print_msg(
		"bob wrote %lu frames in %.1f s; alice's t1 read %lu of her %d\n",
		bob.written, t, rd1.alice, ALICE_FRAMES);

	/* Alice lost nothing: every frame arrived once, no TAP dropped any. */
	EXPECT_EQ(ALICE_FRAMES, rd1.alice);
	EXPECT_EQ(0u, rd1.dup);
	EXPECT_EQ(drop0[0], drop1[0]);
	EXPECT_EQ(drop0[1], drop1[1]);
	ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
	EXPECT_EQ(ALICE_FRAMES + 1ul, pi.st[INTNET_STATS_RX_PACKETS]);
	EXPECT_EQ(ALICE_FRAMES, pi.st[INTNET_STATS_RX_FORWARDED]);

	/* Bob's storm: every frame counted, the excess as flood-limit drops. */
	ASSERT_EQ(0, port_get(self, self->ifindex[2], &pi));
	EXPECT_EQ(bob.written, pi.st[INTNET_STATS_RX_PACKETS]);
	EXPECT_EQ(pi.st[INTNET_STATS_RX_PACKETS], rx_outcomes(pi.st));
	bound = (uint64_t)(AUTO_LIMIT * (t + 1)) + DEFAULT_BURST;
	EXPECT_GE(bound, pi.st[INTNET_STATS_RX_FLOODED]);
	/* Where bob wrote more than the limit lets through, the rest is
	 * dropped (the debug lane's kernel may write less than that).
	 */
	if (bob.written > bound)
		EXPECT_LT(0u, pi.st[INTNET_STATS_RX_DROP_FLOOD_LIMIT]);
	EXPECT_EQ(bob.written, pi.st[INTNET_STATS_RX_FLOODED] +
				       pi.st[INTNET_STATS_RX_DROP_FLOOD_LIMIT]);
}

/*
 * A request of @cmd for the network @net or the port @ifindex (when not
 * NULL, 0) setting the u32 @attr to @v: any u32, INTNET_FLOOD_LIMIT_OFF too
 * (which intnet_req() would take for NONE).
 */
static int set_u32(struct sw *self, uint8_t cmd, const char *net, long ifindex,
		   int attr, uint32_t v)
{
	struct req q;

	req_new(self, &q, cmd);
	if (net)
		req_net(&q, net);
	if (ifindex)
		req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	req_u32(&q, attr, v);
	return req_call(self, &q);
}

/* PORT_SET of t@i's flood limit. */
static int flood_limit(struct sw *self, int i, uint32_t limit)
{
	return set_u32(self, INTNET_CMD_PORT_SET, NULL, self->ifindex[i],
		       INTNET_ATTR_PORT_FLOOD_LIMIT, limit);
}

/* NET_SET of the network @net's flood limit. */
static int net_flood_limit(struct sw *self, const char *net, uint32_t limit)
{
	return set_u32(self, INTNET_CMD_NET_SET, net, 0,
		       INTNET_ATTR_NET_FLOOD_LIMIT, limit);
}

static long rate_of(struct __test_metadata *_metadata, struct sw *self, int i)
{
	struct port_info pi;

	EXPECT_EQ(0, port_get(self, self->ifindex[i], &pi));
	return pi.flood_rate;
}

TEST_F(sw, the_limit_lets_exactly_the_burst_through)
{
	struct frame f, burst[20];
	struct net_info ni;
	double t0;
	int i;

	/* root's network, a port of root's (the owner's) and one of alice's. */
	add_ports(_metadata, self, 1, "lab");
	tap_make_owned(_metadata, self, 1, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add_for(self, "lab", self->ifindex[1], ALICE));
	deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(0), 60), PORT(1));
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(0, ni.flood_limit);
	EXPECT_EQ(DEFAULT_BURST, ni.flood_burst);
	EXPECT_EQ(0, rate_of(_metadata, self, 0));
	EXPECT_EQ(AUTO_LIMIT, rate_of(_metadata, self, 1));

	/* One frame a second, five at once: 20 written at once, 5 flooded. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_SET, INTNET_ATTR_NET_NAME,
				"lab", INTNET_ATTR_NET_FLOOD_LIMIT, 1,
				INTNET_ATTR_NET_FLOOD_BURST, 5, 0));
	EXPECT_EQ(1, rate_of(_metadata, self, 0));
	EXPECT_EQ(1, rate_of(_metadata, self, 1));
	for (i = 0; i < 20; i++)
		frame_make(&burst[i], i % 2 ? BCAST : NOBODY, A, 60);
	t0 = now_s();
	for (i = 0; i < 20; i++)
		send_frame(_metadata, self, 1, &burst[i]);
	ASSERT_GT(1.0, now_s() - t0);
	for (i = 0; i < 5; i++)
		expect_frame(_metadata, self, 0, &burst[i]);
	expect_silence(_metadata, self, ~0u);
	EXPECT_EQ(5u, port_stat(_metadata, self, 1, INTNET_STATS_RX_FLOODED));
	EXPECT_EQ(15u, port_stat(_metadata, self, 1,
				 INTNET_STATS_RX_DROP_FLOOD_LIMIT));
	/* Known unicast is never limited. */
	for (i = 0; i < 10; i++) {
		deliver(_metadata, self, 1, frame_make(&f, MAC(0), A, 60),
			PORT(0));
		deliver(_metadata, self, 0, frame_make(&f, A, MAC(0), 60),
			PORT(1));
	}

	/* Off for the network: no limit for anyone. */
	ASSERT_EQ(0, net_flood_limit(self, "lab", INTNET_FLOOD_LIMIT_OFF));
	EXPECT_EQ(0, rate_of(_metadata, self, 1));
	for (i = 0; i < 10; i++)
		deliver(_metadata, self, 1, frame_make(&f, BCAST, A, 60),
			PORT(0));
}

TEST_F(sw, a_port_user_may_lower_the_limit_never_raise_it)
{
	struct frame f;

	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, 0));
	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, BOB, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[1], NONE, NONE));

	/* Alice, on her own port: lower, back up to the network's, no more. */
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, flood_limit(self, 0, 10));
	EXPECT_EQ(10, rate_of(_metadata, self, 0));
	ASSERT_EQ(0, flood_limit(self, 0, AUTO_LIMIT));
	EXPECT_EQ(AUTO_LIMIT, rate_of(_metadata, self, 0));
	EXPECT_REFUSED(-EPERM, RAISE, flood_limit(self, 0, AUTO_LIMIT + 1));
	EXPECT_REFUSED(-EPERM, RAISE,
		       flood_limit(self, 0, INTNET_FLOOD_LIMIT_OFF));
	EXPECT_REFUSED(-EINVAL, TOO_HIGH, flood_limit(self, 0, 10000001));
	ASSERT_EQ(0, flood_limit(self, 0, 0));
	EXPECT_EQ(AUTO_LIMIT, rate_of(_metadata, self, 0));
	/* Not on bob's port, and not on the network. */
	EXPECT_REFUSED(-ENOENT, "the device is not a port",
		       flood_limit(self, 1, 5));
	EXPECT_REFUSED(-EPERM, "intnet: only the network's owner can change it",
		       net_flood_limit(self, "0/pub", 5));

	/* Bob attaches a port asking for more than the network gives. */
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_del(self, self->ifindex[1]));
	EXPECT_REFUSED(-EPERM, RAISE,
		       intnet_req(self, INTNET_CMD_PORT_ADD,
				  INTNET_ATTR_NET_NAME, "pub",
				  INTNET_ATTR_NET_OWNER, 0, INTNET_ATTR_IFINDEX,
				  self->ifindex[1],
				  INTNET_ATTR_PORT_FLOOD_LIMIT, 5000, 0));
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_OWNER, 0,
				INTNET_ATTR_IFINDEX, self->ifindex[1],
				INTNET_ATTR_PORT_FLOOD_LIMIT, 50, 0))
	TH_LOG("PORT_ADD with a lower limit: %s", last.extack);
	EXPECT_EQ(50, rate_of(_metadata, self, 1));

	/* The administrator lifts alice's limit; she may then only lower it. */
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, flood_limit(self, 0, INTNET_FLOOD_LIMIT_OFF));
	EXPECT_EQ(0, rate_of(_metadata, self, 0));
	for (int i = 0; i < 3; i++)
		deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 60),
			PORT(1));
}

/* On a network of his own, bob's ports have no limit unless he sets one. */
TEST_F(sw, the_owners_ports_are_not_limited_by_default)
{
	tap_make_owned(_metadata, self, 0, BOB, NONE);
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, sw_port_add(self, "mine", self->ifindex[0], NONE, NONE));
	EXPECT_EQ(0, rate_of(_metadata, self, 0));
	ASSERT_EQ(0, flood_limit(self, 0, INTNET_FLOOD_LIMIT_OFF));
	ASSERT_EQ(0, net_flood_limit(self, "mine", 20));
	ASSERT_EQ(0, flood_limit(self, 0, 0));
	EXPECT_EQ(20, rate_of(_metadata, self, 0));
}

TEST_HARNESS_MAIN
