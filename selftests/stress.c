// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: traffic through eight TAP ports while other processes attach and
 * close TAPs, create and delete networks, flush the FDB, change settings and
 * move devices into namespaces that then die; the module unloaded under
 * traffic with 256 ports; a MAC flood of a million frames (40,000 on a
 * kernel with KASAN, where each frame costs some 70 times more: still 19
 * times a flooding port's share of the FDB). Afterwards the
 * switch must show exactly what is left, and its counters must add up: every
 * frame a port received is forwarded, flooded or dropped for a counted reason.
 *
 *   INTNET_STRESS_SECONDS  how long the churn runs (default 60)
 */

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "switch_lib.h"

/* The debug kernel under emulation: minutes for each test. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 800

#define NET "stress"
#define SECONDS 60
#define N_WRITERS 2
#define N_WORKERS 4
#define BIG_PORTS 256
#define MILLION 1000000u
/*
 * The debug lane's kernel forwards some 2,000 frames a second under TCG: 40,000
 * frames (20,000 a port, 19 times its share; 100,000 took 54 s) are checked
 * for the same counts as a million.
 */
#define FLOOD_FRAMES_KASAN 40000u
#define FLOOD_FDB_MAX 4096u
/* Each flooding port's share: together they can't fill the network's FDB. */
#define FLOOD_SHARE (FLOOD_FDB_MAX / 4)
#define FLOOD_PAYLOAD 46
#define STRESS_PAYLOAD 64

/* Station of stable port t@i. */
#define STATION(i) MAC(0x10 + (i))

/* ---- what the churning processes report, in memory shared with them ---- */

struct result {
	const char *what;
	unsigned long rounds;
	char failure[512];
};

struct shared {
	volatile int stop;
	struct result w[N_WORKERS];
};

/* Records the first failure of a worker; always -1. */
static int fail(struct result *r, const char *what, int err)
{
	if (!r->failure[0])
		snprintf(r->failure, sizeof(r->failure),
			 "round %lu: %s: %s%s%s", r->rounds, what,
			 strerror(err < 0 ? -err : err),
			 last.extack[0] ? ": " : "", last.extack);
	return -1;
}

static int link_del(int ifindex)
{
	uint32_t buf[64];

	return rtnl_call(buf, rtnl_link_start(buf, RTM_DELLINK, 0, ifindex));
}

/* Writes a broadcast frame from @src on @fd; 0 or a negative errno. */
static int send_bcast(int fd, const uint8_t *src)
{
	uint8_t f[ETH_ZLEN] = { 0 };

	memcpy(f, BCAST, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	return write(fd, f, sizeof(f)) == sizeof(f) ? 0 : -errno;
}

/*
 * A TAP attached to the network, a frame from it, then closed: its port must
 * go with it. Every other round the port is detached first.
 */
static int churn_taps(struct sw *sw, struct result *r)
{
	uint8_t src[ETH_ALEN] = { 0x02, 0xc1, 0, 0, r->rounds >> 8, r->rounds };
	struct port_info pi;
	char name[IFNAMSIZ];
	int fd, ifindex, err;

	snprintf(name, sizeof(name), "pc%lu", r->rounds % 1000);
	fd = tun_open(name, IFF_TAP);
	if (fd < 0)
		return fail(r, "open a TAP", fd);
	ifindex = if_nametoindex(name);
	err = dev_set_up(name, 1);
	if (!err)
		err = sw_port_add(sw, NET, ifindex, NONE, NONE);
	if (!err)
		err = send_bcast(fd, src);
	if (!err && r->rounds % 2)
		err = port_del(sw, ifindex);
	close(fd);
	if (err)
		return fail(r, "attach a TAP and send", err);
	/* The device is gone: "no such device". */
	err = port_get(sw, ifindex, &pi);
	if (err != -ENODEV)
		return fail(r, "the port of a closed TAP is still there",
			    err ? err : EEXIST);
	return 0;
}

/*
 * A network with two dummy ports and a static entry, a setting changed, then
 * deleted: every other round with its ports, else after them.
 */
static int churn_networks(struct sw *sw, struct result *r)
{
	int a, b, err;

	err = net_new(sw, "churn");
	if (err)
		return fail(r, "NET_NEW churn", err);
	a = dummy_up("cd0", 0);
	b = dummy_up("cd1", 0);
	if (a < 0 || b < 0)
		return fail(r, "create dummies", a < 0 ? a : b);
	err = sw_port_add(sw, "churn", a, NONE, NONE);
	if (!err)
		err = sw_port_add(sw, "churn", b, NONE, NONE);
	if (!err)
		err = fdb_add(sw, a, MAC(0x99));
	if (!err)
		err = net_set(sw, "churn", INTNET_ATTR_NET_AGEING,
			      10 + r->rounds % 100);
	if (err)
		return fail(r, "fill the network churn", err);
	if (r->rounds % 2) {
		err = net_del(sw, "churn");
		if (err)
			return fail(r, "NET_DEL churn with its ports", err);
	}
	err = link_del(a);
	if (!err)
		err = link_del(b);
	if (err)
		return fail(r, "delete the dummies", err);
	if (!(r->rounds % 2)) {
		err = net_del(sw, "churn");
		if (err)
			return fail(r, "NET_DEL churn without ports", err);
	}
	return 0;
}

static int count_msg(struct nlmsghdr *nh, void *arg)
{
	++*(unsigned long *)arg;
	return 0;
}

/*
 * FDB flushes, settings of the network and of port t6 (up and down), and
 * dumps of everything while it all changes.
 */
static int churn_settings(struct sw *sw, struct result *r, const int *ifindex)
{
	static const uint8_t cmds[] = { INTNET_CMD_NET_GET, INTNET_CMD_PORT_GET,
					INTNET_CMD_FDB_GET };
	unsigned long n = r->rounds, msgs = 0;
	struct nl_dump_status st;
	int err;

	err = fdb_flush(sw, NET, n % 3 ? NONE : ifindex[n % 8]);
	if (err)
		return fail(r, "FDB_FLUSH", err);
	err = net_set(sw, NET, INTNET_ATTR_NET_AGEING, 1 + n % 300);
	if (!err)
		err = net_set(sw, NET, INTNET_ATTR_NET_FDB_MAX, 64 + n % 1024);
	if (!err)
		err = net_set(sw, NET, INTNET_ATTR_NET_FLOOD_UNKNOWN,
			      n % 5 != 0);
	if (!err)
		err = port_set(sw, ifindex[6], n % 4 != 1, NONE);
	if (err)
		return fail(r, "change a setting", err);
	err = intnet_dump(sw, cmds[n % 3], NULL, count_msg, &msgs, &st);
	if (err)
		return fail(r, "dump", err);
	return 0;
}

/*
 * A dummy port of the network moved into a new namespace (where it must no
 * longer be a port), attached there to a network of that namespace next to a
 * TAP, and the namespace left to die with both.
 */
static int ns_child(int ready, int moved, const char *name)
{
	struct sw sw;
	char c = 0;
	int fd, dev, tap;

	sw_init(&sw);
	if (unshare(CLONE_NEWNET) || write(ready, &c, 1) != 1 ||
	    read(moved, &c, 1) != 1 || sw_connect(&sw))
		return 1;
	fd = tun_open("nt0", IFF_TAP);
	dev = if_nametoindex(name);
	tap = if_nametoindex("nt0");
	if (fd < 0 || !dev || !tap || dev_set_up(name, 1) ||
	    dev_set_up("nt0", 1))
		return 2;
	if (sw_port_add(&sw, "ns", dev, NONE, NONE) ||
	    sw_port_add(&sw, "ns", tap, NONE, NONE))
		return 3;
	if (send_bcast(fd, MAC(0x77)))
		return 4;
	/* No cleanup: the namespace's end takes the network and its ports. */
	return 0;
}

static int churn_namespaces(struct sw *sw, struct result *r)
{
	int ready[2], moved[2], ifindex, nsfd, err, status;
	struct port_info pi;
	char name[IFNAMSIZ], path[64], c = 0;
	pid_t pid;

	snprintf(name, sizeof(name), "mv%lu", r->rounds % 1000);
	ifindex = dummy_up(name, 0);
	if (ifindex < 0)
		return fail(r, "create a dummy", ifindex);
	err = sw_port_add(sw, NET, ifindex, NONE, NONE);
	if (err)
		return fail(r, "attach a dummy", err);
	if (pipe(ready) || pipe(moved))
		return fail(r, "pipe", errno);
	pid = fork();
	if (pid < 0)
		return fail(r, "fork", errno);
	if (pid == 0) {
		close(ready[0]);
		close(moved[1]);
		_exit(ns_child(ready[1], moved[0], name));
	}
	close(ready[1]);
	close(moved[0]);
	err = read(ready[0], &c, 1) == 1 ? 0 : -EPIPE;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	nsfd = err ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (!err && nsfd < 0)
		err = -errno;
	if (!err)
		err = link_set_u32(ifindex, IFLA_NET_NS_FD, nsfd);
	if (nsfd >= 0)
		close(nsfd);
	if (!err && port_get(sw, ifindex, &pi) != -ENODEV)
		err = -EEXIST;
	if (write(moved[1], &c, 1) != 1 && !err)
		err = -EPIPE;
	close(ready[0]);
	close(moved[1]);
	if (waitpid(pid, &status, 0) != pid)
		return fail(r, "waitpid", errno);
	if (err)
		return fail(r, "move a port into a new namespace", err);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail(r, "the namespace's child failed",
			    WIFEXITED(status) ? WEXITSTATUS(status) : EINTR);
	return 0;
}

/* Worker @i: its kind of churn, round after round, until told to stop. */
static void worker(struct shared *sh, int i, const int *ifindex)
{
	struct result *r = &sh->w[i];
	struct sw sw;
	int err;

	sw_init(&sw);
	err = sw_connect(&sw);
	if (err) {
		fail(r, "open an intnet socket", err);
		_exit(0);
	}
	while (!sh->stop && !err) {
		switch (i) {
		case 0:
			err = churn_taps(&sw, r);
			break;
		case 1:
			err = churn_networks(&sw, r);
			break;
		case 2:
			err = churn_settings(&sw, r, ifindex);
			break;
		default:
			err = churn_namespaces(&sw, r);
		}
		if (!err)
			r->rounds++;
	}
	/* t6 ends up, as it began. */
	if (i == 2) {
		err = port_set(&sw, ifindex[6], 1, NONE);
		if (err)
			fail(r, "bring t6 up again", err);
	}
	_exit(0);
}

/* ---- the traffic ---- */

struct traffic {
	struct sw *self;
	volatile int stop;
	/* Per stable port: frames and bytes written, frames read. */
	uint64_t written[MAX_PORTS], bytes[MAX_PORTS], read[MAX_PORTS];
	char failure[128];
};

struct writer {
	struct traffic *t;
	int first;
};

/*
 * Writer: ports first, first + 2, ...; the frames cycle through known
 * unicast, broadcast, multicast, unknown unicast and new sources.
 */
static void *write_run(void *arg)
{
	static const uint8_t unknown[ETH_ALEN] = { 0x02, 0xdd, 0, 0, 0, 1 };
	struct writer *w = arg;
	struct traffic *t = w->t;
	uint8_t f[ETH_HLEN + STRESS_PAYLOAD] = { 0 };
	unsigned long n = 0;
	int i, kind;

	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	while (!t->stop) {
		for (i = w->first; i < MAX_PORTS; i += N_WRITERS) {
			kind = (n + i) % 8;
			if (kind < 4)
				memcpy(f, STATION((i + 1 + kind) % 8),
				       ETH_ALEN);
			else
				memcpy(f,
				       kind == 4 ? BCAST :
				       kind == 5 ? MCAST :
						   unknown,
				       ETH_ALEN);
			memcpy(f + ETH_ALEN, STATION(i), ETH_ALEN);
			if (kind == 7) {
				f[ETH_ALEN + 1] = 0xee;
				f[ETH_ALEN + 3] = n >> 16;
				f[ETH_ALEN + 4] = n >> 8;
			}
			if (write(t->self->fd[i], f, sizeof(f)) != sizeof(f)) {
				snprintf(t->failure, sizeof(t->failure),
					 "write on t%d: %s", i,
					 strerror(errno));
				return NULL;
			}
			t->written[i]++;
			t->bytes[i] += sizeof(f);
		}
		n++;
	}
	return NULL;
}

/* Reader: drains every stable port until stopped and quiet for 200 ms. */
static void *read_run(void *arg)
{
	static uint8_t buf[FRAME_MAX];
	struct traffic *t = arg;
	struct pollfd pfd[MAX_PORTS];
	int i, ret;

	for (i = 0; i < MAX_PORTS; i++)
		pfd[i] = (struct pollfd){ .fd = t->self->fd[i],
					  .events = POLLIN };
	for (;;) {
		ret = poll(pfd, MAX_PORTS, 200);
		if (ret == 0 && t->stop)
			return NULL;
		for (i = 0; ret > 0 && i < MAX_PORTS; i++)
			while ((pfd[i].revents & POLLIN) &&
			       read(pfd[i].fd, buf, sizeof(buf)) > 0)
				t->read[i]++;
	}
}

/* ---- the consistency of what the switch shows ---- */

struct census {
	const int *ifindex;
	int nets, ports, stray_ports, fdb, stray_fdb, unbalanced;
	char net[INTNET_NAME_MAX + 1];
	char note[256];
};

/* Frames received that were not counted as forwarded, flooded or dropped. */
static int64_t unaccounted(const uint64_t *st)
{
	return st[INTNET_STATS_RX_PACKETS] - rx_outcomes(st);
}

/* Notes a network's or port's counters that do not add up. */
static void balance(struct census *c, const char *what, const char *name,
		    const uint64_t *st)
{
	if (!unaccounted(st))
		return;
	c->unbalanced++;
	snprintf(c->note, sizeof(c->note),
		 "%s %s: %" PRId64 " frames unaccounted", what, name,
		 unaccounted(st));
}

static int stable(const struct census *c, uint32_t ifindex)
{
	int i;

	for (i = 0; i < MAX_PORTS; i++)
		if ((uint32_t)c->ifindex[i] == ifindex)
			return 1;
	return 0;
}

static int census_net(struct nlmsghdr *nh, void *arg)
{
	struct census *c = arg;
	struct net_info ni;

	parse_net(nh, &ni);
	c->nets++;
	snprintf(c->net, sizeof(c->net), "%s", ni.name);
	balance(c, "network", ni.name, ni.st);
	return 0;
}

static int census_port(struct nlmsghdr *nh, void *arg)
{
	struct census *c = arg;
	struct port_info pi;
	char name[IF_NAMESIZE];

	parse_port(nh, &pi);
	c->ports++;
	if (!stable(c, pi.ifindex) || !if_indextoname(pi.ifindex, name)) {
		c->stray_ports++;
		snprintf(c->note, sizeof(c->note), "stray port %u %s",
			 pi.ifindex, pi.ifname);
	}
	balance(c, "port", pi.ifname, pi.st);
	return 0;
}

static int census_fdb(struct nlmsghdr *nh, void *arg)
{
	struct census *c = arg;
	struct fdb_info fi;

	parse_fdb(nh, &fi);
	c->fdb++;
	if (!stable(c, fi.ifindex))
		c->stray_fdb++;
	return 0;
}

static double stress_seconds(void)
{
	const char *v = getenv("INTNET_STRESS_SECONDS");

	return v ? atof(v) : SECONDS;
}

TEST_F(sw, churn_under_traffic_leaves_a_consistent_switch)
{
	struct traffic t = { .self = self };
	struct writer w[N_WRITERS];
	pthread_t writers[N_WRITERS], reader;
	pid_t pid[N_WORKERS];
	struct census c = { .ifindex = self->ifindex };
	struct nl_dump_status st;
	uint64_t written = 0, rd = 0;
	struct port_info pi;
	struct shared *sh;
	double secs = stress_seconds(), start, t0;
	int i, status = -1;

	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, NET, NONE, NONE, 4096,
			     NONE));
	add_ports(_metadata, self, MAX_PORTS, NET);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	sh->w[0].what = "TAPs attached and closed";
	sh->w[1].what = "networks made and deleted";
	sh->w[2].what = "flushes, settings and dumps";
	sh->w[3].what = "ports moved to namespaces that died";

	start = now();
	for (i = 0; i < N_WRITERS; i++) {
		w[i] = (struct writer){ .t = &t, .first = i };
		ASSERT_EQ(0,
			  pthread_create(&writers[i], NULL, write_run, &w[i]));
	}
	ASSERT_EQ(0, pthread_create(&reader, NULL, read_run, &t));
	for (i = 0; i < N_WORKERS; i++) {
		fflush(stdout);
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			worker(sh, i, self->ifindex);
	}
	while (now() - start < secs && !t.failure[0])
		usleep(100000);
	sh->stop = 1;
	t.stop = 1;
	for (i = 0; i < N_WRITERS; i++)
		ASSERT_EQ(0, pthread_join(writers[i], NULL));
	for (i = 0; i < N_WORKERS; i++) {
		t0 = now();
		while (!waitpid(pid[i], &status, WNOHANG) && now() - t0 < 60)
			usleep(10000);
		if (now() - t0 >= 60) {
			kill(pid[i], SIGKILL);
			waitpid(pid[i], &status, 0);
		}
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("the worker for %s did not end (round %lu)",
		       sh->w[i].what, sh->w[i].rounds);
	}
	ASSERT_EQ(0, pthread_join(reader, NULL));
	secs = now() - start;

	EXPECT_STREQ("", t.failure);
	for (i = 0; i < MAX_PORTS; i++) {
		written += t.written[i];
		rd += t.read[i];
	}
	ksft_print_msg("%.0f s: %" PRIu64
		       " frames written on 8 ports (%.0f/s), %" PRIu64
		       " read\n",
		       secs, written, written / secs, rd);
	for (i = 0; i < N_WORKERS; i++) {
		ksft_print_msg("%lu %s\n", sh->w[i].rounds, sh->w[i].what);
		EXPECT_STREQ("", sh->w[i].failure)
		TH_LOG("%s", sh->w[i].what);
		EXPECT_LT(0u, sh->w[i].rounds)
		TH_LOG("no round of %s", sh->w[i].what);
	}

	/* Every frame written on a TAP went into the switch, and out again. */
	for (i = 0; i < MAX_PORTS; i++) {
		ASSERT_EQ(0, port_get(self, self->ifindex[i], &pi));
		EXPECT_EQ(t.written[i], pi.st[INTNET_STATS_RX_PACKETS])
		TH_LOG("t%d", i);
		EXPECT_EQ(t.bytes[i], pi.st[INTNET_STATS_RX_BYTES])
		TH_LOG("t%d", i);
		EXPECT_EQ(0, unaccounted(pi.st))
		TH_LOG("t%d", i);
		EXPECT_LT(0u, t.read[i])
		TH_LOG("t%d", i);
		EXPECT_GE(pi.st[INTNET_STATS_TX_PACKETS], t.read[i])
		TH_LOG("t%d", i);
		EXPECT_EQ(1, pi.up)
		TH_LOG("t%d", i);
	}

	/* Only the network and its eight ports are left, all consistent. */
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_NET_GET, NULL, census_net, &c,
				 &st));
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, NULL, census_port,
				 &c, &st));
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_FDB_GET, NULL, census_fdb, &c,
				 &st));
	EXPECT_EQ(1, c.nets);
	EXPECT_STREQ(NET, c.net);
	EXPECT_EQ(MAX_PORTS, c.ports);
	EXPECT_EQ(0, c.stray_ports);
	EXPECT_EQ(0, c.stray_fdb);
	EXPECT_EQ(0, c.unbalanced)
	TH_LOG("%s", c.note);
	ksft_print_msg("afterwards: %d network, %d ports, %d FDB entries\n",
		       c.nets, c.ports, c.fdb);
	munmap(sh, sizeof(*sh));
}

/* ---- rmmod under traffic ---- */

struct bcaster {
	int fd;
	volatile int stop;
	unsigned long sent;
};

static void *bcast_run(void *arg)
{
	struct bcaster *b = arg;

	while (!b->stop)
		if (!send_bcast(b->fd, MAC(0x42)))
			b->sent++;
	return NULL;
}

TEST_F(sw, rmmod_under_traffic_with_256_ports)
{
	static int fd[BIG_PORTS], ifindex[BIG_PORTS];
	const char *ko = getenv("INTNET_KO");
	struct bcaster b[2] = { 0 };
	pthread_t thread[2];
	struct pollfd pfd;
	char name[IFNAMSIZ];
	unsigned long sent;
	int i, br;

	ASSERT_NE(NULL, ko)
	TH_LOG("INTNET_KO (set by run-tests.sh) names the module to reload");
	ASSERT_EQ(0, net_new(self, NET));
	for (i = 0; i < BIG_PORTS; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		fd[i] = tun_open(name, IFF_TAP);
		ASSERT_LE(0, fd[i]);
		ifindex[i] = if_nametoindex(name);
		ASSERT_EQ(0, dev_set_up(name, 1));
		ASSERT_EQ(0, sw_port_add(self, NET, ifindex[i], NONE, NONE))
		TH_LOG("r%d: %s", i, last.extack);
	}
	for (i = 0; i < 2; i++) {
		b[i].fd = fd[i];
		ASSERT_EQ(0,
			  pthread_create(&thread[i], NULL, bcast_run, &b[i]));
	}
	/* The broadcasts reach the last port: traffic is flowing. */
	pfd = (struct pollfd){ .fd = fd[BIG_PORTS - 1], .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	usleep(500000);

	sent = b[0].sent + b[1].sent;
	ASSERT_EQ(0, module_unload());
	EXPECT_FALSE(module_loaded());
	usleep(500000);
	for (i = 0; i < 2; i++) {
		b[i].stop = 1;
		ASSERT_EQ(0, pthread_join(thread[i], NULL));
	}
	ksft_print_msg(
		"%lu broadcasts to 255 ports before the rmmod, %lu in all\n",
		sent, b[0].sent + b[1].sent);
	EXPECT_LT(sent, b[0].sent + b[1].sent);

	/* The devices stay, free of the switch: a bridge may take them. */
	ASSERT_EQ(0, link_add("rbr", "bridge"));
	br = if_nametoindex("rbr");
	for (i = 0; i < BIG_PORTS; i += BIG_PORTS / 4 - 1) {
		snprintf(name, sizeof(name), "r%d", i);
		EXPECT_EQ((unsigned int)ifindex[i], if_nametoindex(name));
		EXPECT_EQ(0, link_set_u32(ifindex[i], IFLA_MASTER, br))
		TH_LOG("r%d still taken", i);
	}
	EXPECT_GT(0, genl_family_id(self->nl, INTNET_GENL_NAME));

	/* Back again, empty, and working. */
	ASSERT_EQ(0, module_load(ko));
	for (i = 0; i < BIG_PORTS; i++)
		close(fd[i]);
	sw_enter_new_netns(_metadata, self);
	ASSERT_EQ(-ENOENT, net_get(self, NET, &(struct net_info){ 0 }));
	add_ports(_metadata, self, 2, NET);
	{
		struct frame f;

		deliver(_metadata, self, 0, frame_make(&f, BCAST, MAC(1), 60),
			PORT(1));
	}
}

/* ---- a MAC flood of a million frames (FLOOD_FRAMES_KASAN with KASAN) ---- */

struct flooder {
	int fd;
	const uint8_t *dst;
	uint32_t first, count;
	int err;
};

static void *flood_run(void *arg)
{
	struct flooder *f = arg;

	f->err = flood(f->fd, f->dst, f->first, f->count);
	return NULL;
}

TEST_F(sw, mac_flood_of_distinct_sources)
{
	static const uint8_t dst[2][ETH_ALEN] = { { 0x02, 0xd5, 0, 0, 0, 1 },
						  { 0x02, 0xd5, 0, 0, 0, 2 } };
	struct talk talk = {
		.self = self, .a = 2, .b = 3, .mac_a = MAC(2), .mac_b = MAC(3)
	};
	struct flooder f[2];
	pthread_t thread[3];
	struct port_info pi;
	struct net_info ni;
	long slab0, slab1, slab2;
	uint32_t frames = kernel_has_kasan() ? FLOOD_FRAMES_KASAN : MILLION;
	struct frame fr;
	double t0, secs;
	int i;

	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, NET, NONE, 0,
			     FLOOD_FDB_MAX, NONE));
	ASSERT_EQ(0, net_set(self, NET, INTNET_ATTR_NET_PORT_FDB_MAX,
			     FLOOD_SHARE));
	/* A user each: a share each, the static entry counted in it. */
	add_user_ports(_metadata, self, 4, NET, 1001);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, fdb_add(self, self->ifindex[i], dst[i]));
	deliver(_metadata, self, 2, frame_make(&fr, BCAST, MAC(2), 60),
		PORT(0) | PORT(1) | PORT(3));
	deliver(_metadata, self, 3, frame_make(&fr, BCAST, MAC(3), 60),
		PORT(0) | PORT(1) | PORT(2));

	slab0 = slab_kb();
	ASSERT_LT(0, slab0);
	t0 = now();
	ASSERT_EQ(0, pthread_create(&thread[2], NULL, talk_run, &talk));
	for (i = 0; i < 2; i++) {
		f[i] = (struct flooder){ .fd = self->fd[i],
					 .dst = dst[i],
					 .first = i * (frames / 2),
					 .count = frames / 2 };
		ASSERT_EQ(0,
			  pthread_create(&thread[i], NULL, flood_run, &f[i]));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(thread[i], NULL));
	secs = now() - t0;
	talk.stop = 1;
	ASSERT_EQ(0, pthread_join(thread[2], NULL));
	slab1 = slab_kb();

	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, f[i].err);
		ASSERT_EQ(0, port_get(self, self->ifindex[i], &pi));
		EXPECT_EQ(FLOOD_SHARE - 1, pi.fdb_learned);
		EXPECT_EQ(frames / 2, pi.st[INTNET_STATS_RX_PACKETS]);
		EXPECT_EQ(frames / 2, pi.st[INTNET_STATS_RX_DROP_LOCAL]);
		EXPECT_EQ(frames / 2 - FLOOD_SHARE + 1,
			  pi.st[INTNET_STATS_FDB_FULL]);
	}
	EXPECT_STREQ("", talk.failure);
	EXPECT_LT(0u, talk.rounds);
	for (i = 2; i < 4; i++) {
		ASSERT_EQ(0, port_get(self, self->ifindex[i], &pi));
		EXPECT_EQ(1u + talk.rounds, pi.st[INTNET_STATS_RX_PACKETS]);
		EXPECT_EQ(talk.rounds, pi.st[INTNET_STATS_RX_FORWARDED]);
		EXPECT_EQ(0, unaccounted(pi.st));
	}
	ASSERT_EQ(0, net_get(self, NET, &ni));
	EXPECT_EQ(2 * (FLOOD_SHARE - 1) + 2, ni.fdb_learned);
	EXPECT_EQ(0, unaccounted(ni.st));

	/* Deleting the network gives the memory back. */
	ASSERT_EQ(0, net_del(self, NET));
	slab2 = slab_kb();
	ksft_print_msg(
		"%u frames with distinct sources in %.1f s (%.0f/s); %u round trips meanwhile; slab %+ld kB with the network, %+ld kB after deleting it\n",
		frames, secs, frames / secs, talk.rounds, slab1 - slab0,
		slab2 - slab0);
	/*
	 * Not on the debug kernel, whose debugobjects keep a record of every
	 * RCU callback (kmemleak frees its own records through RCU) and give
	 * them back over minutes: measured, 70 MB of debug_objects_cache after
	 * the flood. kmemleak is the leak check there.
	 */
	if (!kernel_has_kasan())
		EXPECT_GT(4096, slab2 - slab0);
}

TEST_HARNESS_MAIN
