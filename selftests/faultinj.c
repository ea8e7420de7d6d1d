// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures: with the Nth allocation made with intnet's code on the
 * stack failing (/proc/thread-self/fail-nth; failslab and fail_page_alloc
 * filtered to intnet's text), for every N a request reaches it either succeeds
 * or fails with ENOMEM, and leaves the state exactly as it was or exactly as a
 * success makes it; a dump, whose messages the netlink core allocates, is
 * whole or fails when any of the request's allocations fails; a frame is still
 * counted once, and its copies that got out arrived. Only a kernel with fault
 * injection and its stack filter (the debug lane's) can do this: elsewhere
 * each test is skipped and says why.
 */

#include <limits.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <time.h>

#include "switch_lib.h"

/* A test makes hundreds of requests, of milliseconds each on the debug lane. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 240

#define DEBUGFS "/sys/kernel/debug"
#define FAIL_NTH "/proc/thread-self/fail-nth"
/* A request that reaches more failable allocations than this runs away. */
#define MAX_POINTS 400
/* intnet's last function ends before this much past its start. */
#define LAST_FUNCTION_MAX 65536UL
/* Dumps read this much at a time, so that a large one takes many messages. */
#define DUMP_READ 8192

#define U1 1001
#define U2 1002

/* ---- what the whole file did, across the tests' processes ---- */

struct totals {
	struct timespec start;
	unsigned long faults, requests;
	/* intnet's code, found once. */
	unsigned long text_start, text_end;
};

static struct totals *totals;

/* A "# " line; flushed, since a test's process ends with _exit(). */
static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void __attribute__((constructor)) totals_init(void)
{
	totals = mmap(NULL, sizeof(*totals), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (totals == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(totals, 0, sizeof(*totals));
	clock_gettime(CLOCK_MONOTONIC, &totals->start);
}

/* In the harness's process only: the tests' processes end with _exit(). */
static void __attribute__((destructor)) totals_report(void)
{
	if (!totals->requests)
		return;
	note("fault injection: %lu faults injected in %lu requests and frames, %.1f s in all",
	     totals->faults, totals->requests, seconds_since(&totals->start));
}

/* ---- fail-nth and the fault attributes ---- */

/* This thread's fail-nth, opened by each test. */
static int nth_fd = -1;

/* Makes the @n-th failable allocation from now on fail (0: none). */
static int nth_set(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

/* How many failable allocations were still to come: 0 once one failed. */
static long nth_left(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* The two fault attributes that fail-nth drives. */
static const char *const fault_attrs[] = { "failslab", "fail_page_alloc" };

struct knob {
	/* The attribute it belongs to; NULL for both. */
	const char *attr;
	const char *name;
	/* NULL: the stack filter, set by set_filter(). */
	const char *value;
};

static const struct knob knobs[] = {
	/* A failure must not print: a stack trace in dmesg fails the lane. */
	{ NULL, "verbose", "0" },
	/* Else GFP_KERNEL allocations are never failed. */
	{ NULL, "ignore-gfp-wait", "N" },
	{ "failslab", "cache-filter", "N" },
	{ "fail_page_alloc", "ignore-gfp-highmem", "N" },
	{ "fail_page_alloc", "min-order", "0" },
	{ NULL, "stacktrace-depth", "32" },
	{ NULL, "reject-start", "0" },
	{ NULL, "reject-end", "0" },
	{ NULL, "require-start", NULL },
	{ NULL, "require-end", NULL },
};

#define N_KNOBS (ARRAY_SIZE(knobs) * ARRAY_SIZE(fault_attrs))

/* The path of knob @i, or 0 if its attribute has no such knob. */
static int knob_path(unsigned int i, char *path, size_t size)
{
	const struct knob *k = &knobs[i / ARRAY_SIZE(fault_attrs)];
	const char *attr = fault_attrs[i % ARRAY_SIZE(fault_attrs)];

	if (k->attr && strcmp(k->attr, attr))
		return 0;
	snprintf(path, size, DEBUGFS "/%s/%s", attr, k->name);
	return 1;
}

/* Counts and fails only allocations with an address in [@start, @end) on the
 * stack: intnet's code, or with (0, ULONG_MAX) any code. */
static int set_filter(unsigned long start, unsigned long end)
{
	char path[128], value[32];
	unsigned int a;
	int err = 0;

	for (a = 0; a < ARRAY_SIZE(fault_attrs); a++) {
		snprintf(path, sizeof(path), DEBUGFS "/%s/require-start",
			 fault_attrs[a]);
		snprintf(value, sizeof(value), "0x%lx", start);
		err = err ?: write_file(path, value);
		snprintf(path, sizeof(path), DEBUGFS "/%s/require-end",
			 fault_attrs[a]);
		snprintf(value, sizeof(value), "0x%lx", end);
		err = err ?: write_file(path, value);
	}
	return err;
}

static int set_filter_intnet(void)
{
	return set_filter(totals->text_start, totals->text_end);
}

/*
 * intnet's code from /proc/kallsyms: its first function up to the next symbol
 * after its last one (at most LAST_FUNCTION_MAX on), so that the last function
 * is covered whole and nobody else's code is.
 */
static void find_intnet_text(struct __test_metadata *_metadata)
{
	unsigned long addr, lo = ULONG_MAX, hi = 0, next = ULONG_MAX;
	char line[512], type;
	int pass, n;
	FILE *f;

	for (pass = 0; pass < 2; pass++) {
		f = fopen("/proc/kallsyms", "re");
		ASSERT_NE(NULL, f);
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%lx %c %n", &addr, &type, &n) != 2)
				continue;
			if (pass == 1) {
				if (addr > hi && addr < next)
					next = addr;
				continue;
			}
			if (!strstr(line + n, "\t[intnet]") ||
			    (type != 't' && type != 'T'))
				continue;
			if (addr < lo)
				lo = addr;
			if (addr > hi)
				hi = addr;
		}
		fclose(f);
		ASSERT_NE(0ul, hi)
		TH_LOG("no intnet functions with addresses in /proc/kallsyms");
	}
	totals->text_start = lo;
	totals->text_end =
		next - hi < LAST_FUNCTION_MAX ? next : hi + LAST_FUNCTION_MAX;
	note("failing allocations with intnet's code on the stack: %#lx-%#lx (%lu KiB)",
	     lo, totals->text_end, (totals->text_end - lo) >> 10);
}

FIXTURE(fault)
{
	/* The knobs' values before the test, put back after it. */
	char saved[N_KNOBS][40];
};

/* Puts the knobs back as @saved says; 0 or the first error. */
static int restore_knobs(char saved[N_KNOBS][40])
{
	char path[128];
	unsigned int i;
	int err = 0;

	/* In reverse, so that verbose goes back last. */
	for (i = N_KNOBS; i-- > 0;)
		if (knob_path(i, path, sizeof(path)))
			err = err ?: write_file(path, saved[i]);
	return err;
}

FIXTURE_SETUP(fault)
{
	const char *value;
	struct utsname u;
	char path[128];
	unsigned int i;
	int err = 0;

	uname(&u);
	if (access(DEBUGFS "/failslab", F_OK) || access(FAIL_NTH, F_OK))
		SKIP(return,
			   "%s cannot fail allocations on demand (no " DEBUGFS
			   "/failslab or " FAIL_NTH
			   "): only the debug lane's kernel can",
			   u.release);
	if (access(DEBUGFS "/failslab/require-start", F_OK))
		SKIP(return,
			   "%s cannot fail only intnet's allocations (no CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)",
			   u.release);
	if (!totals->text_end)
		find_intnet_text(_metadata);
	for (i = 0; i < N_KNOBS; i++)
		if (knob_path(i, path, sizeof(path)))
			ASSERT_EQ(0, read_line(path, self->saved[i],
					       sizeof(self->saved[0])))
	TH_LOG("%s", path);
	for (i = 0; i < N_KNOBS && !err; i++) {
		value = knobs[i / ARRAY_SIZE(fault_attrs)].value;
		if (value && knob_path(i, path, sizeof(path)))
			err = write_file(path, value);
	}
	err = err ?: set_filter_intnet();
	if (err)
		restore_knobs(self->saved);
	ASSERT_EQ(0, err) TH_LOG("configuring %s: %s", path, strerror(-err));
	nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nth_fd);
}

/* In the harness's process: runs even when the test dies on an assertion. */
FIXTURE_TEARDOWN_PARENT(fault)
{
	EXPECT_EQ(0, restore_knobs(self->saved));
}

/* ---- the world of a test: devices, and the state around them ---- */

/* Where the veth goes in a struct sw (it has no fd). */
#define VETH 4

/*
 * A namespace with TAPs t0..t3 (t1 owned by U1) and a veth v0, none of them a
 * port yet.
 */
static struct sw *world(struct __test_metadata *_metadata)
{
	struct sw *self = sw_new(_metadata);
	int i;

	for (i = 0; i < VETH; i++)
		tap_make_owned(_metadata, self, i, i == 1 ? U1 : NONE, NONE);
	ASSERT_EQ(0, link_add("v0", "veth"));
	snprintf(self->ifname[VETH], IFNAMSIZ, "v0");
	self->ifindex[VETH] = if_nametoindex("v0");
	ASSERT_LT(0, self->ifindex[VETH]);
	self->fd[VETH] = -1;
	self->nports = VETH + 1;
	return self;
}

/* Reads whatever the TAPs hold. */
static void drain(struct sw *self)
{
	static uint8_t buf[FRAME_MAX];
	int i;

	for (i = 0; i < self->nports; i++)
		while (self->fd[i] >= 0 &&
		       read(self->fd[i], buf, sizeof(buf)) > 0)
			;
}

/* The switch learns @mac behind port t@i; what it flooded is thrown away. */
static void learn(struct __test_metadata *_metadata, struct sw *self, int i,
		  const uint8_t *mac)
{
	struct frame f;

	send_frame(_metadata, self, i, frame_make(&f, BCAST, mac, 60));
	drain(self);
}

/*
 * What every request starts from: the explicit network "lab" (entries never
 * age) with ports t2 and t3, a static entry X behind t2 and B learned behind
 * t3; and the explicit network "spare", empty.
 */
static void setup_lab(struct __test_metadata *_metadata, struct sw *self)
{
	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, "lab", NONE, 0, NONE,
			     NONE));
	ASSERT_EQ(0, net_new(self, "spare"));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[2], NONE, NONE));
	ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[3], NONE, NONE));
	ASSERT_EQ(0, fdb_add(self, self->ifindex[2], X));
	learn(_metadata, self, 3, B);
}

/* The devices' promiscuity counts: a port takes one, and must give it back. */
static int text_link(struct nlmsghdr *nh, void *arg)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	struct nlattr *tb[IFLA_MAX + 1];
	char name[IFNAMSIZ];

	if (nh->nlmsg_type != RTM_NEWLINK)
		return 0;
	nla_index((char *)ifi + NLMSG_ALIGN(sizeof(*ifi)),
		  nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)), tb, IFLA_MAX);
	get_str(tb[IFLA_IFNAME], name, sizeof(name));
	return text_add(arg, "dev %s promiscuity %u\n", name,
			get_u32(tb[IFLA_PROMISCUITY]));
}

/* Every network, port and FDB entry, and every device's promiscuity. */
static void snapshot(struct __test_metadata *_metadata, struct sw *self,
		     struct text *t)
{
	struct nl_dump_status st;
	uint32_t buf[64];
	size_t len;
	int fd;

	state(_metadata, self, t);
	fd = nl_open_proto(NETLINK_ROUTE);
	ASSERT_LE(0, fd);
	len = rtnl_link_start(buf, RTM_GETLINK, 0, 0);
	EXPECT_EQ(0, nl_dump(fd, buf, len, text_link, t, &st));
	close(fd);
}

/* Whether line @line (@len bytes, no newline) is one of @t's. */
static bool has_line(const struct text *t, const char *line, size_t len)
{
	const char *p = t->buf, *end;

	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) == len && !memcmp(p, line, len))
			return true;
	}
	return false;
}

/* Logs the lines that are in @a and not in @b, marked with @mark. */
static void log_missing(struct __test_metadata *_metadata, char mark,
			const struct text *a, const struct text *b)
{
	const char *p = a->buf, *end;
	int shown = 0;

	for (; *p && shown < 20; p = *end ? end + 1 : end) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (!has_line(b, p, end - p) && ++shown)
			TH_LOG("  %c%.*s", mark, (int)(end - p), p);
	}
}

/* Whether @got is @want; if not, says how they differ. */
static bool same(struct __test_metadata *_metadata, const struct text *want,
		 const struct text *got, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (!strcmp(want->buf, got->buf))
		return true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	TH_LOG("%s (- missing, + extra):", what);
	log_missing(_metadata, '-', want, got);
	log_missing(_metadata, '+', got, want);
	return false;
}

/* ---- requests ---- */

struct setting {
	int attr;
	long value;
};

/* A request, and what to expect of it. */
struct op {
	const char *what;
	uint8_t cmd;
	const char *net;
	/* A device by name, as INTNET_ATTR_IFINDEX. */
	const char *dev;
	/* A MAC address, as @mac_attr (INTNET_ATTR_MAC when 0). */
	const uint8_t *mac;
	int mac_attr;
	struct setting set[3];
	/* An IP lock, as req_ip_lock() takes it (NULL: none). */
	const char *ip_lock;
	/* Who asks: 0 for the administrator (the test), else this uid. */
	unsigned int user;
	/* Whether intnet's own code allocates on the request's path: then at
	 * least one allocation must have failed, or injection went silent. */
	bool allocates;
	/* For a read: renders the reply, which must not change. */
	nl_dump_cb show;
};

static void build(struct sw *self, const struct op *op, struct req *q)
{
	unsigned int i;

	req_new(self, q, op->cmd);
	req_net(q, op->net);
	if (op->dev)
		req_u32(q, INTNET_ATTR_IFINDEX, if_nametoindex(op->dev));
	if (op->mac)
		req_put(q, op->mac_attr ?: INTNET_ATTR_MAC, op->mac, ETH_ALEN);
	for (i = 0; i < ARRAY_SIZE(op->set) && op->set[i].attr; i++)
		req_setting(q, op->set[i].attr, op->set[i].value);
	if (op->ip_lock)
		req_ip_lock(q, op->ip_lock);
}

/* A request made by another user, from a child that became that user. */
struct user_shot {
	int family;
	unsigned int n;
	long left;
	int error;
	char extack[256];
	struct req q;
};

static struct user_shot *shot;

static int user_shot_run(void *arg)
{
	struct user_shot *s = arg;
	static struct nl_reply r;
	int nl, nth;

	/* The new identity made the task undumpable: its /proc files root's. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return 1;
	nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	nl = nl_open();
	if (nth < 0 || nl < 0 ||
	    genl_family_id(nl, INTNET_GENL_NAME) != s->family)
		return 2;
	if (nth_set(nth, s->n))
		return 3;
	s->error = nl_request(nl, s->q.buf, s->q.len, &r);
	s->left = nth_left(nth);
	nth_set(nth, 0);
	memcpy(s->extack, r.extack, sizeof(s->extack));
	return 0;
}

/*
 * Makes the request of @op with the @n-th failable allocation failing (0:
 * none); 0 or a negative errno, and in @left what fail-nth had left.
 */
static int attempt(struct __test_metadata *_metadata, struct sw *self,
		   const struct op *op, unsigned int n, long *left)
{
	static struct req q;
	int err;

	build(self, op, &q);
	totals->requests++;
	if (op->user) {
		if (!shot) {
			shot = mmap(NULL, sizeof(*shot), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			ASSERT_NE(MAP_FAILED, shot);
		}
		memset(shot, 0, sizeof(*shot));
		shot->family = self->family;
		shot->n = n;
		shot->q = q;
		ASSERT_EQ(0, run_as(op->user, NONE, user_shot_run, shot));
		*left = shot->left;
		memset(&last, 0, offsetof(struct nl_reply, buf));
		last.msg = NULL;
		last.error = shot->error;
		memcpy(last.extack, shot->extack, sizeof(last.extack));
		return shot->error;
	}
	ASSERT_EQ(0, nth_set(nth_fd, n));
	err = nl_request(self->nl, q.buf, q.len, &last);
	*left = nth_left(nth_fd);
	ASSERT_EQ(0, nth_set(nth_fd, 0));
	return err;
}

static void render(const struct op *op, struct text *t)
{
	t->len = 0;
	t->buf[0] = '\0';
	if (last.msg)
		op->show(last.msg, t);
}

/* Back to the start every request has, which must look like @before. */
static void restore(struct __test_metadata *_metadata, struct sw *self,
		    const struct text *before)
{
	static struct text now;

	net_del_all(_metadata, self);
	setup_lab(_metadata, self);
	if (!before)
		return;
	snapshot(_metadata, self, &now);
	ASSERT_TRUE(same(_metadata, before, &now, "after a reset"));
}

/*
 * Makes @op's request with its 1st, 2nd, ... failable allocation failing,
 * until it no longer reaches the Nth; each time, a failure must be ENOMEM and
 * leave the state as it was, a success must leave it as a success without a
 * fault does. Returns the faults injected.
 */
static unsigned int try_op(struct __test_metadata *_metadata, struct sw *self,
			   const struct op *op)
{
	static struct text before, after, now, answer, got;
	unsigned int n, failed = 0, survived = 0;
	long left;
	int err;

	restore(_metadata, self, NULL);
	snapshot(_metadata, self, &before);
	err = attempt(_metadata, self, op, 0, &left);
	ASSERT_EQ(0, err) TH_LOG("%s: %s", op->what, last.extack);
	snapshot(_metadata, self, &after);
	if (op->show) {
		render(op, &answer);
		ASSERT_NE(0ul, answer.len) TH_LOG("%s: no reply", op->what);
	} else {
		ASSERT_STRNE(before.buf, after.buf)
		TH_LOG("%s changed nothing", op->what);
		restore(_metadata, self, &before);
	}

	for (n = 1;; n++) {
		ASSERT_GE((unsigned int)MAX_POINTS, n)
		TH_LOG("%s: still allocating after %u failures", op->what,
		       MAX_POINTS);
		err = attempt(_metadata, self, op, n, &left);
		ASSERT_LE(0, left);
		snapshot(_metadata, self, &now);
		if (left) {
			/* Reached no Nth allocation: as without a fault. */
			EXPECT_EQ(0, err)
			TH_LOG("%s: %s", op->what, last.extack);
			EXPECT_TRUE(same(_metadata, &after, &now,
					 "%s without a fault", op->what));
			break;
		}
		if (!err) {
			survived++;
			EXPECT_TRUE(same(_metadata, &after, &now,
					 "%s succeeded despite fault %u",
					 op->what, n));
			if (op->show) {
				render(op, &got);
				EXPECT_TRUE(same(_metadata, &answer, &got,
						 "%s answered despite fault %u",
						 op->what, n));
			}
		} else {
			failed++;
			EXPECT_EQ(-ENOMEM, err)
			TH_LOG("%s: fault %u answered %s (\"%s\"), not ENOMEM",
			       op->what, n, strerror(-err), last.extack);
			EXPECT_TRUE(same(
				_metadata, &before, &now,
				"%s failed (%s) on fault %u but changed the state",
				op->what, strerror(-err), n));
		}
		if (strcmp(now.buf, before.buf))
			restore(_metadata, self, &before);
	}
	note("%s: %u fault points: %u failed, %u succeeded anyway", op->what,
	     n - 1, failed, survived);
	if (op->allocates)
		EXPECT_LT(0u, n - 1)
	TH_LOG("%s: no allocation was failed: is injection working?", op->what);
	totals->faults += n - 1;
	return n - 1;
}

static void try_ops(struct __test_metadata *_metadata, const struct op *ops,
		    unsigned int count)
{
	struct sw *self = world(_metadata);
	unsigned int i, faults = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++)
		faults += try_op(_metadata, self, &ops[i]);
	note("%u requests: %u faults injected in %.1f s", count, faults,
	     seconds_since(&t0));
	EXPECT_LT(0u, faults);
}

/* ---- control requests, each from the same start ---- */

TEST_F(fault, network_requests_fail_cleanly)
{
	static const struct op ops[] = {
		{ .what = "net new",
		  .cmd = INTNET_CMD_NET_NEW,
		  .net = "fi",
		  .set = { { INTNET_ATTR_NET_FLOOD_UNKNOWN, 0 },
			   { INTNET_ATTR_NET_AGEING, 10 },
			   { INTNET_ATTR_NET_FDB_MAX, 100 } },
		  .allocates = true },
		{ .what = "net set flood-unknown",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_FLOOD_UNKNOWN, 0 } } },
		{ .what = "net set ageing",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_AGEING, 60 } } },
		{ .what = "net set fdb-max",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_FDB_MAX, 100 } } },
		{ .what = "net set port-fdb-max",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_PORT_FDB_MAX, 10 } } },
		{ .what = "net set access",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_ACCESS, INTNET_ACCESS_PUBLIC } } },
		{ .what = "net set promisc-policy",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_PROMISC_POLICY,
			     INTNET_PROMISC_ALLOW_ALL } } },
		{ .what = "net set explicit=0 (its ports keep it)",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_EXPLICIT, 0 } } },
		{ .what = "net set explicit=0 (frees it)",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "spare",
		  .set = { { INTNET_ATTR_NET_EXPLICIT, 0 } } },
		{ .what = "net set group-fwd-mask",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_GROUP_FWD_MASK, 0x8 } } },
		{ .what = "net set flood-limit and burst",
		  .cmd = INTNET_CMD_NET_SET,
		  .net = "lab",
		  .set = { { INTNET_ATTR_NET_FLOOD_LIMIT, 50 },
			   { INTNET_ATTR_NET_FLOOD_BURST, 5 } } },
		{ .what = "net new for another user",
		  .cmd = INTNET_CMD_NET_NEW,
		  .net = "1001/fi",
		  .allocates = true },
		{ .what = "net del with ports and FDB entries",
		  .cmd = INTNET_CMD_NET_DEL,
		  .net = "lab" },
	};

	try_ops(_metadata, ops, ARRAY_SIZE(ops));
}

TEST_F(fault, port_requests_fail_cleanly)
{
	static const struct op ops[] = {
		{ .what = "port add to a new network",
		  .cmd = INTNET_CMD_PORT_ADD,
		  .net = "new",
		  .dev = "t0",
		  .allocates = true },
		{ .what = "port add of a TAP with an owner",
		  .cmd = INTNET_CMD_PORT_ADD,
		  .net = "lab",
		  .dev = "t1",
		  .allocates = true },
		{ .what = "port add of a veth",
		  .cmd = INTNET_CMD_PORT_ADD,
		  .net = "lab",
		  .dev = "v0",
		  .allocates = true },
		{ .what = "port add locked, down, promiscuous",
		  .cmd = INTNET_CMD_PORT_ADD,
		  .net = "lab",
		  .dev = "t0",
		  .mac = M,
		  .mac_attr = INTNET_ATTR_PORT_LOCK_MAC,
		  .set = { { INTNET_ATTR_PORT_UP, 0 },
			   { INTNET_ATTR_PORT_PROMISC, 1 },
			   { INTNET_ATTR_PORT_ISOLATED, 1 } },
		  .allocates = true },
		{ .what = "port add locked to a new network",
		  .cmd = INTNET_CMD_PORT_ADD,
		  .net = "new",
		  .dev = "t0",
		  .mac = M,
		  .mac_attr = INTNET_ATTR_PORT_LOCK_MAC,
		  .allocates = true },
		{ .what = "port set down",
		  .cmd = INTNET_CMD_PORT_SET,
		  .dev = "t3",
		  .set = { { INTNET_ATTR_PORT_UP, 0 } } },
		{ .what = "port set promisc",
		  .cmd = INTNET_CMD_PORT_SET,
		  .dev = "t3",
		  .set = { { INTNET_ATTR_PORT_PROMISC, 1 } } },
		{ .what = "port set isolated",
		  .cmd = INTNET_CMD_PORT_SET,
		  .dev = "t3",
		  .set = { { INTNET_ATTR_PORT_ISOLATED, 1 } } },
		{ .what = "port set flood-limit",
		  .cmd = INTNET_CMD_PORT_SET,
		  .dev = "t3",
		  .set = { { INTNET_ATTR_PORT_FLOOD_LIMIT, 10 } } },
		{ .what = "port set ip lock and dhcp-server",
		  .cmd = INTNET_CMD_PORT_SET,
		  .dev = "t3",
		  .ip_lock = "10.0.0.3,fd00::3",
		  .set = { { INTNET_ATTR_PORT_DHCP_SERVER, 1 } },
		  .allocates = true },
		{ .what = "port add ip locked",
		  .cmd = INTNET_CMD_PORT_ADD,
		  .net = "lab",
		  .dev = "t0",
		  .ip_lock = "10.0.0.9",
		  .allocates = true },
		{ .what = "port set lock",
		  .cmd = INTNET_CMD_PORT_SET,
		  .dev = "t3",
		  .mac = M,
		  .mac_attr = INTNET_ATTR_PORT_LOCK_MAC,
		  .allocates = true },
		{ .what = "port set lock over an address learned elsewhere",
		  .cmd = INTNET_CMD_PORT_SET,
		  .dev = "t2",
		  .mac = B,
		  .mac_attr = INTNET_ATTR_PORT_LOCK_MAC,
		  .allocates = true },
		{ .what = "port add joining only",
		  .cmd = INTNET_CMD_PORT_ADD,
		  .net = "lab",
		  .dev = "t0",
		  .set = { { INTNET_ATTR_PORT_NO_CREATE, 1 } },
		  .allocates = true },
		{ .what = "port del", .cmd = INTNET_CMD_PORT_DEL, .dev = "t3" },
	};

	try_ops(_metadata, ops, ARRAY_SIZE(ops));
}

TEST_F(fault, fdb_requests_fail_cleanly)
{
	static const struct op ops[] = {
		{ .what = "fdb add",
		  .cmd = INTNET_CMD_FDB_ADD,
		  .dev = "t2",
		  .mac = Y,
		  .allocates = true },
		{ .what = "fdb add over a learned entry",
		  .cmd = INTNET_CMD_FDB_ADD,
		  .dev = "t2",
		  .mac = B,
		  .allocates = true },
		{ .what = "fdb del",
		  .cmd = INTNET_CMD_FDB_DEL,
		  .net = "lab",
		  .mac = X },
		{ .what = "fdb flush of a network",
		  .cmd = INTNET_CMD_FDB_FLUSH,
		  .net = "lab" },
		{ .what = "fdb flush of a port",
		  .cmd = INTNET_CMD_FDB_FLUSH,
		  .dev = "t3" },
	};

	try_ops(_metadata, ops, ARRAY_SIZE(ops));
}

static int text_version(struct nlmsghdr *nh, void *arg)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	char version[32];
	uint64_t features = 0;

	genl_index(nh, tb, INTNET_ATTR_MAX);
	get_str(tb[INTNET_ATTR_VERSION], version, sizeof(version));
	if (tb[INTNET_ATTR_FEATURES])
		memcpy(&features, nla_payload(tb[INTNET_ATTR_FEATURES]),
		       sizeof(features));
	return text_add(arg, "version %s features %#llx\n", version,
			(unsigned long long)features);
}

TEST_F(fault, replies_fail_cleanly)
{
	static const struct op ops[] = {
		{ .what = "version get",
		  .cmd = INTNET_CMD_VERSION_GET,
		  .allocates = true,
		  .show = text_version },
		{ .what = "net get",
		  .cmd = INTNET_CMD_NET_GET,
		  .net = "lab",
		  .allocates = true,
		  .show = text_net },
		{ .what = "port get",
		  .cmd = INTNET_CMD_PORT_GET,
		  .dev = "t3",
		  .allocates = true,
		  .show = text_port },
		{ .what = "fdb get",
		  .cmd = INTNET_CMD_FDB_GET,
		  .net = "lab",
		  .mac = B,
		  .allocates = true,
		  .show = text_fdb },
	};

	try_ops(_metadata, ops, ARRAY_SIZE(ops));
}

TEST_F(fault, user_requests_fail_cleanly)
{
	static const struct op ops[] = {
		{ .what = "net new by a user",
		  .cmd = INTNET_CMD_NET_NEW,
		  .net = "mine",
		  .user = U1,
		  .allocates = true },
		{ .what = "port add by a user to a new network",
		  .cmd = INTNET_CMD_PORT_ADD,
		  .net = "mine",
		  .dev = "t1",
		  .user = U1,
		  .allocates = true },
	};

	try_ops(_metadata, ops, ARRAY_SIZE(ops));
}

/*
 * A TAP given to another user while it is a port (TUNSETOWNER on the held fd)
 * with the Nth failable allocation failing: the port leaves; it never stays
 * the old owner's, nor becomes the new one's. (The module reads the TAP's ids
 * into a buffer made at load: the path may allocate nothing of intnet's.)
 */
static void follow_owner(struct __test_metadata *_metadata)
{
	struct sw *self = world(_metadata);
	struct port_info pi;
	unsigned int n;
	long left;
	int err;

	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"pub", INTNET_ATTR_NET_ACCESS,
				INTNET_ACCESS_PUBLIC, 0));
	for (n = 1;; n++) {
		ASSERT_GE((unsigned int)MAX_POINTS, n);
		ASSERT_EQ(0, ioctl(self->fd[1], TUNSETOWNER, n % 2 ? U1 : U2));
		ASSERT_EQ(0, sw_port_add(self, "0/pub", self->ifindex[1], NONE,
					 NONE))
		TH_LOG("PORT_ADD: %s", last.extack);
		totals->requests++;
		ASSERT_EQ(0, nth_set(nth_fd, n));
		err = ioctl(self->fd[1], TUNSETOWNER, n % 2 ? U2 : U1);
		left = nth_left(nth_fd);
		ASSERT_EQ(0, nth_set(nth_fd, 0));
		ASSERT_EQ(0, err);
		EXPECT_EQ(-ENOENT, port_get(self, self->ifindex[1], &pi))
		TH_LOG("fault %u: the port stayed on its network", n);
		if (left)
			break;
	}
	note("TUNSETOWNER: %u fault points, the port left each time", n - 1);
	totals->faults += n - 1;
}

TEST_F(fault, port_leaves_when_its_tap_changes_hands)
{
	follow_owner(_metadata);
}

/* ---- dumps ---- */

/* The messages of a dump, kept to be read once fail-nth is off. */
static char dumped[1 << 20];

/*
 * A dump of @cmd on a socket of its own (one cut short leaves its socket busy)
 * with the @n-th failable allocation failing (0: none), read DUMP_READ bytes
 * at a time; its lines, sorted, in @t, its reads in @reads. While fail-nth is
 * on, nothing else is done: with the filter off every allocation counts.
 */
static int dump_attempt(struct __test_metadata *_metadata, struct sw *self,
			uint8_t cmd, nl_dump_cb show, unsigned int n,
			long *left, struct text *t, unsigned int *reads)
{
	static char buf[DUMP_READ];
	struct timeval tv = { .tv_sec = 10 };
	size_t used = 0, off;
	struct nlmsghdr *nh;
	int fd, err = 0, end = 0;
	struct req q;
	ssize_t len;

	fd = nl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	req_new(self, &q, cmd);
	q.nh.nlmsg_flags |= NLM_F_DUMP;
	q.nh.nlmsg_len = q.len;
	*reads = 0;
	totals->requests++;
	ASSERT_EQ(0, nth_set(nth_fd, n));
	if (send(fd, q.buf, q.len, 0) < 0)
		err = -errno;
	while (!err && !end) {
		len = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (len < 0) {
			err = -errno;
			break;
		}
		(*reads)++;
		if (len > (ssize_t)sizeof(buf)) {
			/* Not the kernel's answer: flagged below. */
			err = -EMSGSIZE;
			break;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				err = *(int *)NLMSG_DATA(nh);
				end = 1;
				break;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
				end = err != 0;
				continue;
			}
			if ((nh->nlmsg_flags & NLM_F_DUMP_INTR) ||
			    used + NLMSG_ALIGN(nh->nlmsg_len) >
				    sizeof(dumped)) {
				err = -EINTR;
				break;
			}
			memcpy(dumped + used, nh, nh->nlmsg_len);
			used += NLMSG_ALIGN(nh->nlmsg_len);
		}
	}
	*left = nth_left(nth_fd);
	ASSERT_EQ(0, nth_set(nth_fd, 0));
	close(fd);

	t->len = 0;
	t->buf[0] = '\0';
	for (off = 0; off < used; off += NLMSG_ALIGN(nh->nlmsg_len)) {
		nh = (struct nlmsghdr *)(dumped + off);
		ASSERT_EQ(0, show(nh, t));
	}
	sort_lines(t);
	return err;
}

static unsigned int count_lines(const struct text *t)
{
	unsigned int n = 0;
	const char *p;

	for (p = t->buf; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* A station per number, for a large FDB: 02:fd:00:00:hi:lo. */
static const uint8_t *station(unsigned int n)
{
	static uint8_t mac[ETH_ALEN] = { 0x02, 0xfd };

	mac[4] = n >> 8;
	mac[5] = n;
	return mac;
}

#define MANY_NETS 30
#define MANY_ENTRIES 600

/*
 * Many networks (MANY_NETS besides "lab"), four ports, MANY_ENTRIES learned
 * entries: each dump takes several messages.
 */
static void setup_many(struct __test_metadata *_metadata, struct sw *self)
{
	static const uint8_t DST[ETH_ALEN] = { 0x02, 0xfd, 0xff, 0, 0, 0 };
	uint8_t f[60] = { 0 };
	char name[16];
	struct net_info ni;
	unsigned int n;
	int i;

	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, "lab", NONE, 0, NONE,
			     NONE));
	for (n = 0; n < MANY_NETS; n++) {
		snprintf(name, sizeof(name), "n%02u", n);
		ASSERT_EQ(0, net_new(self, name));
	}
	for (i = 0; i < VETH; i++)
		ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[i], NONE,
					 NONE));
	/* Frames to DST behind t0 itself are learned from, and go nowhere. */
	learn(_metadata, self, 0, DST);
	memcpy(f, DST, ETH_ALEN);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	for (n = 0; n < MANY_ENTRIES; n++) {
		memcpy(f + ETH_ALEN, station(n), ETH_ALEN);
		ASSERT_EQ((ssize_t)sizeof(f), write(self->fd[0], f, sizeof(f)));
	}
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	ASSERT_EQ((uint32_t)MANY_ENTRIES + 1, ni.fdb_learned);
}

struct dump_kind {
	const char *what;
	uint8_t cmd;
	nl_dump_cb show;
};

static const struct dump_kind dump_kinds[] = {
	{ "networks", INTNET_CMD_NET_GET, text_net },
	{ "ports", INTNET_CMD_PORT_GET, text_port },
	{ "FDB", INTNET_CMD_FDB_GET, text_fdb },
};

/*
 * Dumps @k with its 1st, 2nd, ... failable allocation failing until it no
 * longer reaches the Nth: each must be whole (@want) or fail with ENOMEM or
 * ENOBUFS. Returns the faults injected.
 */
static unsigned int try_dump(struct __test_metadata *_metadata, struct sw *self,
			     const struct dump_kind *k, const struct text *want,
			     const char *filter)
{
	static struct text got;
	unsigned int n, reads, failed = 0, whole = 0;
	long left;
	int err;

	for (n = 1;; n++) {
		ASSERT_GE((unsigned int)MAX_POINTS, n)
		TH_LOG("dump of %s: still allocating after %u failures",
		       k->what, MAX_POINTS);
		err = dump_attempt(_metadata, self, k->cmd, k->show, n, &left,
				   &got, &reads);
		ASSERT_LE(0, left);
		if (left || !err) {
			EXPECT_EQ(0, err)
			TH_LOG("dump of %s: %s", k->what, strerror(-err));
			EXPECT_TRUE(same(_metadata, want, &got,
					 "dump of %s, fault %u (%s)", k->what,
					 n, left ? "not reached" : "survived"));
			if (left)
				break;
			whole++;
			continue;
		}
		failed++;
		EXPECT_TRUE(err == -ENOMEM || err == -ENOBUFS)
		TH_LOG("dump of %s: fault %u ended it with %s, not ENOMEM or ENOBUFS",
		       k->what, n, strerror(-err));
	}
	note("dump of %s, %s: %u fault points: %u failed, %u whole anyway",
	     k->what, filter, n - 1, failed, whole);
	totals->faults += n - 1;
	return n - 1;
}

/*
 * intnet's dump callbacks fill messages that the netlink core allocated: with
 * the filter on intnet, a dump may reach no failable allocation at all. Then
 * with the filter off, every allocation of the request counts (the core's
 * for each message, the request's, the acknowledgement's): a dump cut short
 * there must say so, never pass for whole.
 */
static void dumps(struct __test_metadata *_metadata)
{
	static struct text want[ARRAY_SIZE(dump_kinds)], check;
	struct sw *self = world(_metadata);
	struct nl_dump_status st;
	unsigned int k, n, reads, faults = 0;
	struct timespec t0;
	long left;

	setup_many(_metadata, self);
	for (k = 0; k < ARRAY_SIZE(dump_kinds); k++) {
		ASSERT_EQ(0, dump_attempt(_metadata, self, dump_kinds[k].cmd,
					  dump_kinds[k].show, 0, &left,
					  &want[k], &reads));
		check.len = 0;
		check.buf[0] = '\0';
		ASSERT_EQ(0, intnet_dump(self, dump_kinds[k].cmd, NULL,
					 dump_kinds[k].show, &check, &st));
		sort_lines(&check);
		ASSERT_TRUE(same(_metadata, &check, &want[k], "dump of %s",
				 dump_kinds[k].what));
		note("dump of %s: %u lines in %u reads", dump_kinds[k].what,
		     count_lines(&want[k]), reads);
		if (dump_kinds[k].cmd != INTNET_CMD_PORT_GET)
			EXPECT_LT(2u, reads);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < ARRAY_SIZE(dump_kinds); k++)
		faults += try_dump(_metadata, self, &dump_kinds[k], &want[k],
				   "intnet's code");
	/* No page of ours may fault in while every allocation counts. */
	ASSERT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	ASSERT_EQ(0, set_filter(0, ULONG_MAX));
	for (k = 0; k < ARRAY_SIZE(dump_kinds); k++) {
		n = try_dump(_metadata, self, &dump_kinds[k], &want[k],
			     "any code");
		EXPECT_LT(0u, n);
		faults += n;
	}
	ASSERT_EQ(0, set_filter_intnet());
	munlockall();
	note("dumps: %u faults injected in %.1f s", faults, seconds_since(&t0));
}

TEST_F(fault, dumps_are_whole_or_fail)
{
	dumps(_metadata);
}

/* ---- the data path ---- */

/* Every port's counters, by index in the struct sw. */
struct counters {
	struct sw *self;
	uint64_t st[MAX_PORTS][__INTNET_STATS_MAX];
};

static int collect_counters(struct nlmsghdr *nh, void *arg)
{
	struct counters *c = arg;
	struct port_info pi;
	int i;

	parse_port(nh, &pi);
	for (i = 0; i < c->self->nports; i++)
		if (c->self->ifindex[i] == (int)pi.ifindex)
			memcpy(c->st[i], pi.st, sizeof(pi.st));
	return 0;
}

static void counters(struct __test_metadata *_metadata, struct sw *self,
		     struct counters *c)
{
	struct nl_dump_status st;

	memset(c, 0, sizeof(*c));
	c->self = self;
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, NULL,
				 collect_counters, c, &st));
}

#define DELTA(c0, c1, i, s) ((c1).st[i][s] - (c0).st[i][s])

/*
 * Writes frames to @dst on t0, one per N, each from a new source (learning it
 * allocates), with the Nth failable allocation failing: the switch runs in
 * the writer's task, as the TAP's write() hands it the frame. t1, t2 and t3
 * are to get the frame. Returns the faults injected.
 */
static unsigned int try_frames(struct __test_metadata *_metadata,
			       struct sw *self, const char *what,
			       const uint8_t *dst, unsigned int *seq)
{
	static struct counters c0, c1;
	uint8_t src[ETH_ALEN] = { 0x02, 0xfa };
	unsigned int n, i, arrived, lost = 0;
	uint64_t tx, sent, nomem;
	struct fdb_info fi;
	struct frame f;
	ssize_t len;
	long left;
	int err;

	for (n = 1;; n++) {
		ASSERT_GE((unsigned int)MAX_POINTS, n)
		TH_LOG("%s: still allocating after %u failures", what,
		       MAX_POINTS);
		++*seq;
		src[4] = *seq >> 8;
		src[5] = *seq;
		frame_make(&f, dst, src, 60);
		counters(_metadata, self, &c0);
		totals->requests++;
		ASSERT_EQ(0, nth_set(nth_fd, n));
		len = write(self->fd[0], f.b, f.len);
		left = nth_left(nth_fd);
		ASSERT_EQ(0, nth_set(nth_fd, 0));
		ASSERT_EQ((ssize_t)f.len, len);
		ASSERT_LE(0, left);
		counters(_metadata, self, &c1);

		EXPECT_EQ(1ull, DELTA(c0, c1, 0, INTNET_STATS_RX_PACKETS));
		EXPECT_EQ(1ull, rx_outcomes(c1.st[0]) - rx_outcomes(c0.st[0]))
		TH_LOG("%s, fault %u: one frame counted %llu times as forwarded (%llu), flooded (%llu) or dropped (%llu of them for want of memory)",
		       what, n,
		       (unsigned long long)(rx_outcomes(c1.st[0]) -
					    rx_outcomes(c0.st[0])),
		       (unsigned long long)DELTA(c0, c1, 0,
						 INTNET_STATS_RX_FORWARDED),
		       (unsigned long long)DELTA(c0, c1, 0,
						 INTNET_STATS_RX_FLOODED),
		       (unsigned long long)DELTA(c0, c1, 0,
						 INTNET_STATS_RX_DROP_NOMEM));
		/* What went out of a port arrived there, intact. */
		arrived = 0;
		nomem = 0;
		for (i = 1; i < VETH; i++) {
			nomem += DELTA(c0, c1, i, INTNET_STATS_TX_DROP_NOMEM);
			tx = DELTA(c0, c1, i, INTNET_STATS_TX_PACKETS);
			EXPECT_GE(1ull, tx);
			if (!tx)
				continue;
			expect_frame(_metadata, self, i, &f);
			arrived++;
		}
		expect_silence(_metadata, self, ~0u);
		/* A copy that was not made is counted on its port, once. */
		sent = DELTA(c0, c1, 0, INTNET_STATS_RX_FORWARDED) +
		       DELTA(c0, c1, 0, INTNET_STATS_RX_FLOODED);
		if (sent) {
			EXPECT_EQ(3ull, arrived + nomem)
			TH_LOG("%s, fault %u: %u of 3 copies arrived, %llu counted as not made for want of memory",
			       what, n, arrived, (unsigned long long)nomem);
		} else {
			EXPECT_EQ(0u, arrived);
		}
		/* The source was learned behind t0, or not at all. */
		err = fdb_get(self, "lab", src, &fi);
		if (!err) {
			EXPECT_EQ(self->ifindex[0], (int)fi.ifindex);
			EXPECT_EQ(0, fi.is_static);
		} else {
			EXPECT_EQ(-ENOENT, err);
		}
		if (left) {
			EXPECT_EQ(3u, arrived);
			EXPECT_EQ(0, err);
			break;
		}
		lost += arrived < 3;
	}
	note("%s: %u fault points: %u frames lost a copy", what, n - 1, lost);
	EXPECT_LT(0u, n - 1);
	totals->faults += n - 1;
	return n - 1;
}

static void frames(struct __test_metadata *_metadata)
{
	struct sw *self = world(_metadata);
	unsigned int seq = 0, faults = 0;
	struct timespec t0;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, net_new(self, "lab"));
	for (i = 0; i < VETH; i++)
		ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[i], NONE,
					 NONE));
	faults += try_frames(_metadata, self, "broadcast", BCAST, &seq);
	faults += try_frames(_metadata, self, "unknown unicast", NOBODY, &seq);
	/* t1 gets the frame, promiscuous t2 and t3 copies of it. */
	ASSERT_EQ(0, net_set(self, "lab", INTNET_ATTR_NET_PROMISC_POLICY,
			     INTNET_PROMISC_ALLOW_ALL));
	ASSERT_EQ(0, port_set(self, self->ifindex[2], NONE, 1));
	ASSERT_EQ(0, port_set(self, self->ifindex[3], NONE, 1));
	learn(_metadata, self, 1, A);
	faults += try_frames(_metadata, self, "known unicast, copied", A, &seq);
	note("frames: %u faults injected in %.1f s", faults,
	     seconds_since(&t0));
}

TEST_F(fault, flooded_frames_are_counted_once)
{
	frames(_metadata);
}

TEST_HARNESS_MAIN
