// SPDX-License-Identifier: GPL-2.0
/*
 * Red team: attacks on the fixed access model (issues 14 and 15) by a local
 * user, as the real users alice (1001) and bob (1002) would make them: the
 * attacks that were tried and refused, where security.c does not cover them,
 * and those that got through once: each is fixed, its test kept.
 */

#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "switch_lib.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

#define ALICE 1001L
#define BOB 1002L

/* The kernel's reasons, word for word (from kmod/). */
#define NO_NETWORK "no such network"
#define NO_MAPPING "the owner has no mapping in this user namespace"
#define OTHERS_TAP "intnet: the TAP belongs to another user"
#define FOR_ANOTHER \
	"intnet: only an administrator can make a network for another user"

/* A request about the network @name of @owner, as @w. */
static int net_call_as(struct sw *self, const struct who *w, uint8_t cmd,
		       const char *name, long owner)
{
	struct req q;

	req_new(self, &q, cmd);
	req_str(&q, INTNET_ATTR_NET_NAME, name);
	req_u32(&q, INTNET_ATTR_NET_OWNER, owner);
	return who_call(self, w, &q);
}

/* ---- attacks that were refused (these pass) ---- */

/*
 * OWNER/NAME is read in the caller's user namespace: from a namespace of his
 * own, bob's uid numbers are bob. Mapping himself to 0 or to alice's number
 * names his own networks, never root's or alice's, and a network made that
 * way is his.
 */
TEST_F(sw, owner_number_from_a_user_namespace_means_that_namespaces_user)
{
	const struct who bob_as_root = { BOB, NONE, 0, 0 };
	const struct who bob_as_alice = { BOB, NONE, ALICE, 0 };
	const struct who bob_as_5 = { BOB, NONE, 5, 0 };
	struct req q;

	ASSERT_EQ(0, net_new(self, "lab"));
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new(self, "alab"));
	sw_as(self, NONE, NONE);
	tap_make_owned(_metadata, self, 0, BOB, NONE);

	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       net_call_as(self, &bob_as_root, INTNET_CMD_NET_GET,
				   "lab", 0));
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       net_call_as(self, &bob_as_alice, INTNET_CMD_NET_GET,
				   "alab", ALICE));
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       net_call_as(self, &bob_as_alice, INTNET_CMD_NET_DEL,
				   "alab", ALICE));
	/* An uid with no mapping there is nobody. */
	EXPECT_REFUSED(-EINVAL, NO_MAPPING,
		       net_call_as(self, &bob_as_5, INTNET_CMD_NET_GET, "alab",
				   ALICE));
	/* "alice's" alab, as bob-mapped-to-1001 names it, is bob's own. */
	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "alab");
	req_u32(&q, INTNET_ATTR_NET_OWNER, ALICE);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[0]);
	ASSERT_EQ(0, who_call(self, &bob_as_alice, &q))
	TH_LOG("PORT_ADD: %s", last.extack);
	{
		struct port_info pi;
		struct nlattr *tb[INTNET_ATTR_MAX + 1];

		ASSERT_EQ(0, port_get(self, self->ifindex[0], &pi));
		genl_index(last.msg, tb, INTNET_ATTR_MAX);
		EXPECT_EQ(BOB, get_u32_or_none(tb[INTNET_ATTR_NET_OWNER]));
		EXPECT_EQ(BOB, pi.user);
	}
}

/* In a child (a user): @io->q on the administrator's socket it inherited. */
static int on_roots_socket(void *arg)
{
	struct user_io *io = arg;
	static struct nl_reply r;

	io->q->nh.nlmsg_len = io->q->len;
	io->error = nl_request(io->self->nl, io->q->buf, io->q->len, &r);
	memcpy(io->extack, r.extack, sizeof(io->extack));
	return 0;
}

/*
 * A netlink socket opened by root and handed to bob (inherited, as from a
 * careless privileged parent) gives him no administrator's rights: the
 * kernel judges the sender as well as the opener.
 */
TEST_F(sw, socket_opened_by_the_administrator_gives_a_user_nothing)
{
	const struct who bob = { BOB, NONE, NONE, 0 };
	struct req q;

	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make(_metadata, self, 1);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_new(self, "alab"));
	sw_as(self, NONE, NONE);

	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "bnet");
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[0]);
	EXPECT_REFUSED(-EPERM, OTHERS_TAP,
		       who_do(self, &bob, on_roots_socket, &q));
	req_new(self, &q, INTNET_CMD_NET_NEW);
	req_str(&q, INTNET_ATTR_NET_NAME, "x");
	req_u32(&q, INTNET_ATTR_NET_OWNER, ALICE);
	EXPECT_REFUSED(-EPERM, FOR_ANOTHER,
		       who_do(self, &bob, on_roots_socket, &q));
	req_new(self, &q, INTNET_CMD_NET_DEL);
	req_str(&q, INTNET_ATTR_NET_NAME, "alab");
	req_u32(&q, INTNET_ATTR_NET_OWNER, ALICE);
	EXPECT_REFUSED(-ENOENT, NO_NETWORK,
		       who_do(self, &bob, on_roots_socket, &q));
}

/* ---- races on MAC locks (these pass: tried and refused) ---- */

#define RACE_SECONDS 4

/* Alice's public network pub: t0 and t2 alice's, t1 and t3 bob's. */
static void race_pub(struct __test_metadata *_metadata, struct sw *self)
{
	struct req q;

	tap_make_owned(_metadata, self, 0, ALICE, NONE);
	tap_make_owned(_metadata, self, 1, BOB, NONE);
	tap_make_owned(_metadata, self, 2, ALICE, NONE);
	tap_make_owned(_metadata, self, 3, BOB, NONE);
	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, 0));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[0], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "pub", self->ifindex[2], NONE, NONE));
	/* The owner's static entry: nothing of bob's may move it. */
	ASSERT_EQ(0, fdb_add(self, self->ifindex[2], S));
	sw_as(self, BOB, NONE);
	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "pub");
	req_u32(&q, INTNET_ATTR_NET_OWNER, ALICE);
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[1]);
	ASSERT_EQ(0, req_call(self, &q))
	TH_LOG("bob's PORT_ADD: %s", last.extack);
	sw_as(self, NONE, NONE);
}

/* What one racer does, until the deadline. */
enum racer { BOB_LOCKS, BOB_ATTACHES, ALICE_UPDOWN, FRAMES, N_RACERS };

static int race_loop(struct sw *self, enum racer r, time_t end)
{
	const struct who bob = { BOB, NONE, NONE, 0 };
	const struct who alice = { ALICE, NONE, NONE, 0 };
	const uint8_t *srcs[] = { A, S, B };
	struct frame f;
	struct req q;
	unsigned int i = 0;
	int port;

	if (r != FRAMES) {
		if (become(r == ALICE_UPDOWN ? &alice : &bob))
			return 1;
		self->uid = NONE;
		self->nl = nl_open();
		if (self->nl < 0)
			return 1;
	}
	for (; time(NULL) < end; i++) {
		switch (r) {
		case BOB_LOCKS:
			port_lock(self, self->ifindex[1], srcs[i % 3]);
			port_lock(self, self->ifindex[1], ZERO_MAC);
			port_lock(self, self->ifindex[1], A);
			port_set(self, self->ifindex[1], i & 1, NONE);
			break;
		case BOB_ATTACHES:
			req_new(self, &q, INTNET_CMD_PORT_ADD);
			req_str(&q, INTNET_ATTR_NET_NAME, "pub");
			req_u32(&q, INTNET_ATTR_NET_OWNER, ALICE);
			req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[3]);
			req_put(&q, INTNET_ATTR_PORT_LOCK_MAC, i & 1 ? A : B,
				ETH_ALEN);
			req_call(self, &q);
			intnet_req(self, INTNET_CMD_PORT_DEL,
				   INTNET_ATTR_IFINDEX, self->ifindex[3], 0);
			break;
		case ALICE_UPDOWN:
			port_set(self, self->ifindex[0], i & 1, NONE);
			break;
		case FRAMES:
			port = i % 4;
			frame_make(&f, i & 2 ? BCAST : B, srcs[(i / 4) % 3],
				   60);
			if (write(self->fd[port], f.b, f.len) < 0 &&
			    errno != EIO && errno != EAGAIN)
				return 1;
			break;
		default:
			return 1;
		}
	}
	return 0;
}

static int count_msgs(struct nlmsghdr *nh, void *arg)
{
	(void)nh;
	(*(unsigned int *)arg)++;
	return 0;
}

/*
 * Bob locks and unlocks alice's address A on his port (and the owner's
 * static S, refused), pulls his port down and up, attaches and detaches a
 * second port with a lock of A or B, while alice's port goes down and up and
 * frames from A, S and B come in on all four ports. Locks give way and come
 * back thousands of times; at the end the counts agree with the table, the
 * owner's static entry is where she put it, and the ports leave without a
 * warning (a share's count gone wrong WARNs in intnet_share_put()).
 */
TEST_F(sw, lock_races_keep_the_fdb_counts_and_the_owners_static_entry)
{
	struct nl_dump_status st;
	unsigned int in_dump = 0, sum = 0;
	struct port_info pi;
	struct net_info ni;
	struct fdb_info fi;
	pid_t pid[N_RACERS];
	time_t end;
	int r, i, status;

	race_pub(_metadata, self);
	end = time(NULL) + RACE_SECONDS;
	fflush(stdout);
	fflush(stderr);
	for (r = 0; r < N_RACERS; r++) {
		pid[r] = fork();
		ASSERT_LE(0, pid[r]);
		if (pid[r] == 0)
			_exit(race_loop(self, r, end));
	}
	for (r = 0; r < N_RACERS; r++) {
		ASSERT_EQ(pid[r], waitpid(pid[r], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("racer %d", r);
	}

	sw_as(self, ALICE, NONE);
	ASSERT_EQ(0, net_get(self, "pub", &ni));
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_FDB_GET, NULL, count_msgs,
				 &in_dump, &st));
	EXPECT_EQ(in_dump, ni.fdb_learned + ni.fdb_static);
	for (i = 0; i < 4; i++)
		if (!port_get(self, self->ifindex[i], &pi))
			sum += pi.fdb_learned;
	EXPECT_EQ(ni.fdb_learned, sum);
	ASSERT_EQ(0, fdb_get(self, NULL, S, &fi));
	EXPECT_EQ(self->ifindex[2], (int)fi.ifindex);
	EXPECT_EQ(1, fi.is_static);
	ksft_print_msg("after the races: %u learned, %u static, %u dumped\n",
		       ni.fdb_learned, ni.fdb_static, in_dump);
	sw_as(self, ALICE, NONE);
	EXPECT_EQ(0, intnet_req(self, INTNET_CMD_NET_DEL, INTNET_ATTR_NET_NAME,
				"pub", 0));
}

/* ---- attacks that got through (these fail until fixed) ---- */
/*
 * A lock of a user who is neither the network's owner nor an administrator
 * binds an address only against that user's ports and gives way to anyone
 * else's station; but it still refuses the owner's own lock of the address.
 * On alice's public network bob locks A, which no station uses yet (her VM's
 * address, before it boots: QEMU's default 52:54:00:12:34:56 is everyone's).
 * Alice's "port add t0 net pub lock-mac A" was refused ("another port has
 * locked this address"), as were her lock of A on a port already attached and
 * her static entry for A: a squatter's lock kept the owner from locking her
 * own VMs' addresses on her own network, the one lock meant to hold against
 * everybody. Now the owner's lock displaces his.
 */
TEST_F(sw, users_lock_does_not_squat_an_address_against_the_networks_owner)
{
	struct fdb_info fi;
	struct req q;

	race_pub(_metadata, self);
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_PORT_DEL, INTNET_ATTR_IFINDEX,
				self->ifindex[0], 0));
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_lock(self, self->ifindex[1], A))
	TH_LOG("bob locks an address no station uses: %s", last.extack);

	/* Her lock on a port already attached displaces his. */
	sw_as(self, ALICE, NONE);
	EXPECT_EQ(0, port_lock(self, self->ifindex[2], A))
	TH_LOG("the owner's lock of A on her attached port: %s", last.extack);
	ASSERT_EQ(0, port_lock(self, self->ifindex[2], ZERO_MAC));
	/* And so does her port attached with a lock. */
	sw_as(self, BOB, NONE);
	ASSERT_EQ(0, port_lock(self, self->ifindex[1], A));
	sw_as(self, ALICE, NONE);
	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "pub");
	req_u32(&q, INTNET_ATTR_IFINDEX, self->ifindex[0]);
	req_put(&q, INTNET_ATTR_PORT_LOCK_MAC, A, ETH_ALEN);
	EXPECT_EQ(0, req_call(self, &q))
	TH_LOG("the owner's PORT_ADD with lock-mac A: %s", last.extack);
	sw_as(self, NONE, NONE);
	ASSERT_EQ(0, fdb_get(self, NULL, A, &fi));
	EXPECT_EQ(self->ifindex[0], (int)fi.ifindex);
	EXPECT_EQ(1, fi.locked);
}

/* Shared between the test and alice's child. */
struct flood {
	int up[2], down[2];
	char failed[320];
	unsigned int sent;
	long learned;
};

#define FLOOD_FAIL(fl, ...)                                                \
	do {                                                               \
		snprintf((fl)->failed, sizeof((fl)->failed), __VA_ARGS__); \
		return 1;                                                  \
	} while (0)

static int flood_step(struct flood *fl, char c)
{
	char got;

	if (write(fl->up[1], &c, 1) != 1 || read(fl->down[0], &got, 1) != 1)
		return -1;
	return 0;
}

/*
 * Alice in the memory cgroup @cg, then administrator of namespaces of her
 * own: a network that may learn a million stations, her TAP t0 on it; then,
 * at the test's word, frames from @count source addresses.
 */
static int flood_child(struct sw *self, struct flood *fl,
		       const struct memcg *cg, unsigned int count)
{
	const struct who alice = { ALICE, NONE, 0, 1 };
	static struct nl_reply r;
	struct port_info pi;
	uint8_t mac[ETH_ALEN];
	struct frame f;
	struct req q;
	int nl, tap, t0;

	if (memcg_write(cg, "cgroup.procs", "0"))
		FLOOD_FAIL(fl, "cannot join %s: %s", cg->dir, strerror(errno));
	if (become(&alice))
		FLOOD_FAIL(fl, "cannot become alice in namespaces of her own");
	tap = tun_open("t0", IFF_TAP);
	if (tap < 0 || dev_set_up("t0", 1))
		FLOOD_FAIL(fl, "TAP in the namespace: %d", tap);
	t0 = if_nametoindex("t0");
	nl = nl_open();
	if (nl < 0 || genl_family_id(nl, INTNET_GENL_NAME) != self->family)
		FLOOD_FAIL(fl, "intnet socket in the namespace");
	req_new(self, &q, INTNET_CMD_NET_NEW);
	req_str(&q, INTNET_ATTR_NET_NAME, "big");
	req_u32(&q, INTNET_ATTR_NET_FDB_MAX, INTNET_FDB_MAX_LIMIT);
	req_u32(&q, INTNET_ATTR_NET_PORT_FDB_MAX, INTNET_FDB_MAX_LIMIT);
	if (nl_request(nl, q.buf, q.len, &r))
		FLOOD_FAIL(fl, "NET_NEW: %s", r.extack);
	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_str(&q, INTNET_ATTR_NET_NAME, "big");
	req_u32(&q, INTNET_ATTR_IFINDEX, t0);
	if (nl_request(nl, q.buf, q.len, &r))
		FLOOD_FAIL(fl, "PORT_ADD: %s", r.extack);
	if (flood_step(fl, 'r'))
		return 2;
	for (fl->sent = 0; fl->sent < count; fl->sent++) {
		mac_of(mac, 0xcd, fl->sent);
		frame_make(&f, BCAST, mac, 60);
		if (write(tap, f.b, f.len) != (ssize_t)f.len)
			FLOOD_FAIL(fl, "write %u: %s", fl->sent,
				   strerror(errno));
	}
	req_new(self, &q, INTNET_CMD_PORT_GET);
	req_u32(&q, INTNET_ATTR_IFINDEX, t0);
	if (nl_request(nl, q.buf, q.len, &r) || !r.msg)
		FLOOD_FAIL(fl, "PORT_GET: %s", r.extack);
	parse_port(r.msg, &pi);
	fl->learned = pi.fdb_learned;
	if (flood_step(fl, 'd'))
		return 2;
	return 0;
}

/* What alice's side of a memory cgroup test does, in the memory cgroup @cg. */
typedef int (*child_fn)(struct sw *self, struct flood *fl,
			const struct memcg *cg, unsigned int count);

/* Forks @child, sharing *@fl with it; on return it is ready for its step. */
static void child_start(struct __test_metadata *_metadata, struct sw *self,
			struct flood **fl, pid_t *pid, const struct memcg *cg,
			child_fn child, unsigned int count)
{
	char got;

	*fl = mmap(NULL, sizeof(**fl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, *fl);
	memset(*fl, 0, sizeof(**fl));
	ASSERT_EQ(0, pipe((*fl)->up));
	ASSERT_EQ(0, pipe((*fl)->down));
	fflush(stdout);
	fflush(stderr);
	*pid = fork();
	ASSERT_LE(0, *pid);
	if (*pid == 0)
		_exit(child(self, *fl, cg, count));
	ASSERT_EQ(1, read((*fl)->up[0], &got, 1))
	TH_LOG("the child did not get ready: %s", (*fl)->failed);
}

/* Lets the child take its step; on return it is done. */
static void child_step(struct __test_metadata *_metadata, struct flood *fl)
{
	char c = 'g', got;

	ASSERT_EQ(1, write(fl->down[1], &c, 1));
	ASSERT_EQ(1, read(fl->up[0], &got, 1))
	TH_LOG("the child stopped: %s", fl->failed);
}

/* Lets the child end, and checks that it ended well. */
static void child_end(struct __test_metadata *_metadata, struct flood *fl,
		      pid_t pid)
{
	char c = 'g';
	int status;

	ASSERT_EQ(1, write(fl->down[1], &c, 1));
	close(fl->down[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_STREQ("", fl->failed);
}

#define FLOOD_STATIONS 40000U

/*
 * Learned entries were charged to the memory cgroup of who attached the port,
 * but with GFP_ATOMIC (now GFP_NOWAIT): a charge with __GFP_HIGH is forced
 * past memory.max
 * (mm/memcontrol.c, try_charge_memcg(): "let these go through as privileged
 * allocations"). Alice, administrator of namespaces of her own, attaches her
 * TAP from a cgroup whose memory.max is 1 MB above what it holds, to a
 * network with fdb-max 1048576, and sends from 40,000 addresses (~3 MB of
 * entries): every one was learned and memory.current ended far above
 * memory.max. Her memory.max bounded nothing the switch learns; only
 * fdb-max did, which she sets, per network, as many networks as she likes.
 * (The test's child leaves the cgroup after the attach, so no OOM killer
 * runs: the charges follow the port, not the process.)
 */
TEST_F_TIMEOUT(sw, learned_entries_stay_within_the_attachers_memory_max, 900)
{
	long base, at_end, max_events;
	char limit[32], pidbuf[16];
	struct memcg cg;
	struct flood *fl;
	pid_t pid;

	if (memcg_make(&cg, "redteam"))
		SKIP(return, "%s", cg.why);
	child_start(_metadata, self, &fl, &pid, &cg, flood_child,
		    FLOOD_STATIONS);
	/* The port is attached: its entries are the cgroup's, not the child's. */
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	ASSERT_EQ(0, write_file(CGROUP_ROOT "/cgroup.procs", pidbuf));
	base = memcg_read(&cg, "memory.current", NULL);
	ASSERT_LT(0, base);
	snprintf(limit, sizeof(limit), "%ld", base + (1L << 20));
	ASSERT_EQ(0, memcg_write(&cg, "memory.max", limit));
	child_step(_metadata, fl);
	at_end = memcg_read(&cg, "memory.current", NULL);
	max_events = memcg_read(&cg, "memory.events", "max");
	child_end(_metadata, fl, pid);
	ksft_print_msg(
		"memory.max %s: memory.current %ld -> %ld (%+ld kB), %ld stations learned of %u, memory.events max %ld\n",
		limit, base, at_end, (at_end - base) / 1024, fl->learned,
		fl->sent, max_events);
	EXPECT_LE(at_end, atol(limit))
	TH_LOG("memory.current is %ld kB above memory.max",
	       (at_end - atol(limit)) / 1024);
	EXPECT_GT((long)FLOOD_STATIONS, fl->learned);
	memcg_remove(&cg);
}

/*
 * Objects in kmalloc-1k, which no memory cgroup is charged for (charged
 * allocations go to kmalloc-cg-1k), once the count has been still for a
 * second (what an earlier test's namespaces free goes on in the background).
 */
static long uncharged_1k(void)
{
	char line[512], name[64];
	long active, now = -1, prev;
	int i;
	FILE *f;

	for (i = 0; i < 20; i++) {
		prev = now;
		now = -1;
		f = fopen("/proc/slabinfo", "r");
		if (!f)
			return -1;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%63s %ld", name, &active) == 2 &&
			    !strcmp(name, "kmalloc-1k"))
				now = active;
		fclose(f);
		if (now < 0 || (prev >= 0 && labs(now - prev) < 16))
			break;
		sleep(1);
	}
	return now;
}

/* Alice, in the memory cgroup @cg and namespaces of her own, makes @count networks. */
static int nets_child(struct sw *self, struct flood *fl, const struct memcg *cg,
		      unsigned int count)
{
	const struct who alice = { ALICE, NONE, 0, 1 };
	static struct nl_reply r;
	char name[32];
	struct req q;
	int nl;

	if (memcg_write(cg, "cgroup.procs", "0"))
		FLOOD_FAIL(fl, "cannot join %s: %s", cg->dir, strerror(errno));
	if (become(&alice))
		FLOOD_FAIL(fl, "cannot become alice in namespaces of her own");
	nl = nl_open();
	if (nl < 0 || genl_family_id(nl, INTNET_GENL_NAME) != self->family)
		FLOOD_FAIL(fl, "intnet socket in the namespace");
	req_new(self, &q, INTNET_CMD_NET_NEW);
	req_str(&q, INTNET_ATTR_NET_NAME, "warm");
	if (nl_request(nl, q.buf, q.len, &r))
		FLOOD_FAIL(fl, "NET_NEW: %s", r.extack);
	if (flood_step(fl, 'r'))
		return 2;
	for (fl->sent = 0; fl->sent < count; fl->sent++) {
		snprintf(name, sizeof(name), "n%u", fl->sent);
		req_new(self, &q, INTNET_CMD_NET_NEW);
		req_str(&q, INTNET_ATTR_NET_NAME, name);
		if (nl_request(nl, q.buf, q.len, &r))
			FLOOD_FAIL(fl, "NET_NEW %u: %s", fl->sent, r.extack);
	}
	if (flood_step(fl, 'd'))
		return 2;
	return 0;
}

#define NETS 4000U

/*
 * A network's FDB table of its own (rhashtable_init(): 64 buckets, 576 bytes,
 * in kmalloc-1k) was allocated with GFP_KERNEL, charged to no one, and so were
 * the larger tables it grew into (rht_deferred_worker()); now every network's
 * entries are in one table. Alice, administrator
 * of namespaces of her own, where networks have no quota and memory.max is
 * to bound her, makes 4,000 networks: kmalloc-1k gets one object more for
 * each (6.12: 4,032 kB, as her memory cgroup grew 4,060 kB), so she pinned
 * about twice her memory.max (and an eighth more for every table she fills).
 */
TEST_F(sw, networks_of_a_namespace_administrator_leave_nothing_uncharged)
{
	long cg0, cg1, k0, k1;
	struct memcg cg;
	struct flood *fl;
	pid_t pid;

	if (memcg_make(&cg, "redteam"))
		SKIP(return, "%s", cg.why);
	if (uncharged_1k() < 0)
		SKIP(return, "no /proc/slabinfo");
	child_start(_metadata, self, &fl, &pid, &cg, nets_child, NETS);
	cg0 = memcg_read(&cg, "memory.current", NULL);
	k0 = uncharged_1k();
	child_step(_metadata, fl);
	cg1 = memcg_read(&cg, "memory.current", NULL);
	k1 = uncharged_1k();
	child_end(_metadata, fl, pid);
	ksft_print_msg(
		"%u networks: memory.current %+ld kB, kmalloc-1k (charged to no one) %+ld objects\n",
		fl->sent, (cg1 - cg0) / 1024, k1 - k0);
	EXPECT_GT((long)NETS / 4, k1 - k0)
	TH_LOG("kmalloc-1k grew by %ld objects (%ld kB) for her %ld kB",
	       k1 - k0, k1 - k0, (cg1 - cg0) / 1024);
	memcg_remove(&cg);
}

TEST_HARNESS_MAIN
