// SPDX-License-Identifier: GPL-2.0
/*
 * A netlink fuzzer: valid intnet requests built from the uapi header, then
 * mutated (wrong commands, flags, lengths, types, nesting; several messages in
 * one send; dumps abandoned half-read), sent half as root and half as an
 * unprivileged user at the same time, in a namespace of the test's own. What
 * must hold afterwards: the kernel answers correctly, a network of root's that
 * the fuzzing never named is unchanged, the user never saw or changed what is
 * not its own, and deleting what is left leaves the namespace empty.
 *
 *   INTNET_FUZZ_COUNT  messages in all, half per identity (default by the
 *			lane the guest names in INTNET_LANE: 40000 on "debug",
 *			whose kernel, with KASAN, lockdep and kmemleak, takes
 *			about 300 a second; 400000 elsewhere, 200000 for
 *			each identity, some 20 s). Printed after
 *			the seed as "# count N, lane L".
 *   INTNET_FUZZ_SEED   the seed (default: from the time); printed as "# seed N"
 *   INTNET_FUZZ_TRACE  1: print every message sent, in hex, before sending it
 *   INTNET_FUZZ_SECONDS  if set, stop sending after this many seconds of
 *			fuzzing even if the count is not reached (for slow
 *			lanes; the count reached is printed). Unset: no limit.
 *   TEST_TIMEOUT	the seconds run-tests.sh gives a test (default 300).
 *			The fuzzing stops TIME_MARGIN seconds before, and
 *			fails, if the count is not reached by then; a test
 *			still running KILL_MARGIN seconds before ends failed.
 *
 * The messages are a function of the seed and the count; what the kernel makes
 * of them also depends on how the two identities' requests interleave.
 */

#include <inttypes.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>

#include "switch_lib.h"

/*
 * The time the test has is TEST_TIMEOUT's, which the harness's own alarm, set
 * when compiled, cannot follow: the test keeps to it itself (time_limits()),
 * and the harness's alarm is only a last resort.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT (24 * 3600)
#define TIMEOUT_DEFAULT 300
/* Before the end: to stop fuzzing at, to leave the checks after it time. */
#define TIME_MARGIN 15
/* Before the end: to give up at, if the test still runs. */
#define KILL_MARGIN 5

#define COUNT_DEFAULT 400000UL
#define COUNT_DEFAULT_DEBUG 40000UL

/* The unprivileged identity, and another user that owns a TAP. */
#define FUZZ_UID 60123u
#define OTHER_UID 1001u

/*
 * The guard: a network of root's that root's fuzzing never names, on devices
 * whose unusual ifindexes nothing else produces.
 */
#define GUARD "fz-guard"
#define GUARD_IFINDEX 0x2b1e0a01
#define N_GUARD 2
static const uint8_t GUARD_STATIC[ETH_ALEN] = { 0x02, 0x9a, 0x17, 0, 0, 1 };
static const uint8_t GUARD_LOCK[ETH_ALEN] = { 0x02, 0x9a, 0x17, 0, 0, 2 };

/* Port candidates, and state large enough that dumps take many messages. */
#define N_DUMMY 16
#define N_TAP 4
#define N_BULK_NETS 128
#define N_BULK_FDB 512
#define BULK_NET "fz-bulk-001"

#define MAX_ATTRS 32
#define POOL_SIZE (160 * 1024)
#define MAX_BATCH 8
#define SEND_MAX (128 * 1024)
#define ERRNO_MAX 160
#define REPLY_MS 5000
#define RCVBUF (4 << 20)
#define SHOW_BYTES 512
#define SENTINEL_MAX 64

/* ---- randomness ---- */

struct rng {
	uint64_t s;
};

/* splitmix64: one 64-bit state, good enough spread for choosing. */
static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static int chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

#define PICK(r, arr) ((arr)[below((r), sizeof(arr) / sizeof((arr)[0]))])

static void fill_random(struct rng *r, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rnd(r);
}

/* ---- what both fuzzers aim at ---- */

struct world {
	int family;
	int dummy[N_DUMMY];
	int tap[N_TAP];
	int guard[N_GUARD];
};

static struct world world;

/* What one identity's fuzzing came to; the user's lives in shared memory. */
struct stats {
	unsigned long msgs, sends, batches, ok, silent, stray, stalls;
	unsigned long enobufs, abandoned, probes;
	unsigned long answer[ERRNO_MAX + 1], send_err[ERRNO_MAX + 1];
	unsigned long bad_probes, leaks;
	double seconds;
	char first_bad[2 * SHOW_BYTES + 256];
};

/* A pending request of the batch in flight, by sequence number. */
struct pend {
	uint32_t seq;
	int done, got_data, multi, error;
	/* A probe's expected answer: a negative errno, 1 any refusal. */
	int expect;
	const uint8_t *bytes;
	size_t len;
};

struct fuzzer {
	struct rng rng;
	int fd, user, trace;
	/* CLOCK_MONOTONIC second to stop at, or 0. */
	time_t deadline;
	/* Whether the batch in flight was answered to its end. */
	int answered;
	const char *who;
	uint32_t seq;
	struct stats *st;
	int npend;
	struct pend pend[MAX_BATCH + 1];
};

/* ---- messages before they are bytes ---- */

struct fattr {
	uint16_t type;
	/* The nla_len to write, or -1 for the true one. */
	int32_t nla_len;
	uint32_t plen;
	uint8_t *p;
};

struct fmsg {
	uint16_t type, flags;
	uint32_t pid;
	uint8_t cmd, version;
	uint16_t reserved;
	/* nlmsg_len: the true length plus @len_delta, or @len_value if set. */
	int len_delta, len_set;
	uint32_t len_value;
	/* Bytes to flip after the header, and how many bytes to send (-1 all).
	 */
	int flips;
	long trunc;
	/* Set by serialize(): nlmsg_len is the length sent. */
	int honest;
	int nattrs;
	struct fattr a[MAX_ATTRS];
	size_t used;
	uint8_t pool[POOL_SIZE];
};

static uint8_t *pool_alloc(struct fmsg *m, size_t n)
{
	uint8_t *p;

	if (m->used + n > sizeof(m->pool))
		return NULL;
	p = m->pool + m->used;
	m->used += n;
	return p;
}

static struct fattr *add_attr(struct fmsg *m, uint16_t type, const void *data,
			      uint32_t len)
{
	struct fattr *a;
	uint8_t *p;

	if (m->nattrs >= MAX_ATTRS)
		return NULL;
	p = pool_alloc(m, len);
	if (!p)
		return NULL;
	if (data)
		memcpy(p, data, len);
	a = &m->a[m->nattrs++];
	*a = (struct fattr){ .type = type, .nla_len = -1, .plen = len, .p = p };
	return a;
}

static void add_u8(struct fmsg *m, uint16_t type, uint8_t v)
{
	add_attr(m, type, &v, sizeof(v));
}

static void add_u32(struct fmsg *m, uint16_t type, uint32_t v)
{
	add_attr(m, type, &v, sizeof(v));
}

static void add_str(struct fmsg *m, uint16_t type, const char *s)
{
	add_attr(m, type, s, strlen(s) + 1);
}

static void msg_init(struct fmsg *m, uint8_t cmd, uint16_t flags)
{
	m->type = world.family;
	m->flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->pid = 0;
	m->cmd = cmd;
	m->version = INTNET_GENL_VERSION;
	m->reserved = 0;
	m->len_delta = 0;
	m->len_set = 0;
	m->flips = 0;
	m->trunc = -1;
	m->nattrs = 0;
	m->used = 0;
}

/* ---- the corpus: valid requests with values from the uapi header ---- */

static const char *const root_names[] = {
	"fz-r0",  "fz-r1",  "fz-r2",	   "fz-r3",	  "fz-u0",
	"intnet", BULK_NET, "fz-bulk-000", "fz-bulk-002", "fz-bulk-127",
};

static const char *const user_names[] = {
	"fz-u0", "fz-u1", "fz-u2",  "fz-u3",	   "fz-r0",
	GUARD,	 GUARD,	  BULK_NET, "fz-bulk-000", "fz-bulk-003",
};

static const uint32_t edge_u32[] = {
	0,
	1,
	2,
	127,
	128,
	255,
	256,
	65535,
	65536,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	INTNET_AGEING_MAX,
	INTNET_AGEING_MAX + 1,
	INTNET_FDB_MAX_DEFAULT,
	INTNET_FDB_MAX_DEFAULT + 1,
	INTNET_FDB_MAX_LIMIT,
	INTNET_FDB_MAX_LIMIT + 1,
};

static const uint8_t macs[][ETH_ALEN] = {
	{ 0x02, 0, 0, 0, 0, 1 },
	{ 0x02, 0, 0, 0, 0, 2 },
	{ 0x02, 0, 0, 0, 0, 3 },
	{ 0x02, 0, 0, 0, 0, 4 },
	{ 0x02, 0x5c, 0, 0, 0, 7 },
	{ 0x01, 0x00, 0x5e, 0, 0, 1 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	{ 0, 0, 0, 0, 0, 0 },
};

static const char *pick_name(struct fuzzer *fz)
{
	return fz->user ? PICK(&fz->rng, user_names) :
			  PICK(&fz->rng, root_names);
}

/*
 * A network's name, now and then qualified with an owner (names are per
 * owner). The user names the guard only as root's: a "fz-guard" of its own
 * would be its to see.
 */
static void add_name(struct fuzzer *fz, struct fmsg *m)
{
	static const uint32_t owners[] = { 0, FUZZ_UID, OTHER_UID, 65534,
					   0xffffffff };
	const char *name = pick_name(fz);

	add_str(m, INTNET_ATTR_NET_NAME, name);
	if (fz->user && !strcmp(name, GUARD))
		add_u32(m, INTNET_ATTR_NET_OWNER, 0);
	else if (chance(&fz->rng, 25))
		add_u32(m, INTNET_ATTR_NET_OWNER, PICK(&fz->rng, owners));
}

static uint32_t pick_ifindex(struct fuzzer *fz)
{
	struct rng *r = &fz->rng;

	switch (below(r, 20)) {
	case 0:
		return 1; /* lo */
	case 1:
		return PICK(r, edge_u32);
	case 2:
		return fz->user ? world.guard[below(r, N_GUARD)] : 99999;
	case 3:
	case 4:
	case 5:
	case 6:
	case 7:
		return world.tap[below(r, N_TAP)];
	default:
		return world.dummy[below(r, N_DUMMY)];
	}
}

static uint32_t pick_u32(struct rng *r, uint32_t lo, uint32_t hi)
{
	return chance(r, 85) ? lo + below(r, hi - lo + 1) : PICK(r, edge_u32);
}

static uint8_t pick_u8(struct rng *r, uint8_t max)
{
	static const uint8_t edge[] = { 0, 1, 2, 3, 127, 255 };

	return chance(r, 90) ? below(r, max + 1) : PICK(r, edge);
}

static void add_mac(struct fuzzer *fz, struct fmsg *m, uint16_t type)
{
	uint8_t mac[ETH_ALEN];

	if (chance(&fz->rng, 80)) {
		add_attr(m, type, PICK(&fz->rng, macs), ETH_ALEN);
		return;
	}
	fill_random(&fz->rng, mac, ETH_ALEN);
	add_attr(m, type, mac, ETH_ALEN);
}

/*
 * An IP lock of up to 10 addresses (the limit is 8): a few that collide
 * across ports, some not unicast, now and then an unknown type, a wrong
 * length or no nest flag.
 */
static void add_ip_lock(struct fuzzer *fz, struct fmsg *m)
{
	static const uint8_t v4[][4] = { { 10, 0, 0, 1 },
					 { 10, 0, 0, 2 },
					 { 0, 0, 0, 0 },
					 { 224, 0, 0, 1 },
					 { 255, 255, 255, 255 } };
	static const uint8_t v6[][16] = {
		{ 0xfd, [15] = 1 },
		{ 0xfe, 0x80, [15] = 2 },
		{ 0 },
		{ 0xff, 0x02, [15] = 1 },
	};
	uint8_t nest[10 * (NLA_HDRLEN + 16)];
	struct rng *r = &fz->rng;
	unsigned int i, n = below(r, 11);
	struct nlattr *a;
	size_t len = 0;

	for (i = 0; i < n; i++) {
		a = (struct nlattr *)(nest + len);
		a->nla_type = chance(r, 95) ? 1 + below(r, 2) : below(r, 5);
		if (a->nla_type == INTNET_IP_LOCK_IPV6)
			memcpy(a + 1, PICK(r, v6), 16);
		else
			memcpy(a + 1, PICK(r, v4), 4);
		a->nla_len = NLA_HDRLEN +
			     (a->nla_type == INTNET_IP_LOCK_IPV6 ? 16 : 4);
		if (chance(r, 5))
			a->nla_len = NLA_HDRLEN + below(r, 17);
		len += NLA_ALIGN(a->nla_len);
	}
	add_attr(m,
		 INTNET_ATTR_PORT_IP_LOCK | (chance(r, 95) ? NLA_F_NESTED : 0),
		 nest, len);
}

/* 802.1X alone, all but PAUSE, PAUSE (refused), every bit (refused). */
static const uint16_t fwd_masks[] = { 0, 0x8, 0xfffd, 0x2, 0xffff };

static void net_settings(struct fuzzer *fz, struct fmsg *m, int set)
{
	struct rng *r = &fz->rng;

	if (chance(r, 30))
		add_u8(m, INTNET_ATTR_NET_FLOOD_UNKNOWN, pick_u8(r, 1));
	if (chance(r, 30))
		add_u32(m, INTNET_ATTR_NET_AGEING,
			pick_u32(r, 0, INTNET_AGEING_DEFAULT));
	if (chance(r, 20))
		add_u32(m, INTNET_ATTR_NET_FDB_MAX,
			pick_u32(r, 1, INTNET_FDB_MAX_DEFAULT));
	if (chance(r, 20))
		add_u32(m, INTNET_ATTR_NET_PORT_FDB_MAX, pick_u32(r, 0, 64));
	if (chance(r, 30))
		add_u8(m, INTNET_ATTR_NET_ACCESS,
		       pick_u8(r, INTNET_ACCESS_PUBLIC));
	if (chance(r, 30))
		add_u8(m, INTNET_ATTR_NET_PROMISC_POLICY,
		       pick_u8(r, INTNET_PROMISC_ALLOW_ALL));
	if (chance(r, 15))
		add_attr(m, INTNET_ATTR_NET_GROUP_FWD_MASK,
			 &(uint16_t){ chance(r, 70) ? PICK(r, fwd_masks) :
						      (uint16_t)rnd(r) },
			 sizeof(uint16_t));
	if (chance(r, 15))
		add_u32(m, INTNET_ATTR_NET_FLOOD_LIMIT,
			chance(r, 80) ? pick_u32(r, 0, 2000) : rnd(r));
	if (chance(r, 15))
		add_u32(m, INTNET_ATTR_NET_FLOOD_BURST, pick_u32(r, 0, 200));
	if (set && chance(r, 30))
		add_u8(m, INTNET_ATTR_NET_EXPLICIT, pick_u8(r, 1));
}

static void port_settings(struct fuzzer *fz, struct fmsg *m, int pct)
{
	struct rng *r = &fz->rng;
	static const uint32_t users[] = { 0, OTHER_UID, FUZZ_UID, 65534,
					  0xffffffff };
	static const uint32_t flood_limits[] = { 0, 1, 1000, 10000001,
						 0xffffffff };

	if (chance(r, pct))
		add_u8(m, INTNET_ATTR_PORT_UP, pick_u8(r, 1));
	if (chance(r, pct))
		add_u8(m, INTNET_ATTR_PORT_PROMISC, pick_u8(r, 1));
	if (chance(r, pct / 2))
		add_u8(m, INTNET_ATTR_PORT_ISOLATED, pick_u8(r, 1));
	if (chance(r, pct / 3))
		add_u32(m, INTNET_ATTR_PORT_FLOOD_LIMIT, PICK(r, flood_limits));
	if (chance(r, pct / 2))
		add_mac(fz, m, INTNET_ATTR_PORT_LOCK_MAC);
	if (chance(r, pct / 3))
		add_ip_lock(fz, m);
	if (chance(r, pct / 3))
		add_u8(m, INTNET_ATTR_PORT_DHCP_SERVER, pick_u8(r, 1));
	if (chance(r, pct / 3))
		add_u32(m, INTNET_ATTR_PORT_USER, PICK(r, users));
}

static void port_add_settings(struct fuzzer *fz, struct fmsg *m)
{
	port_settings(fz, m, 30);
	if (chance(&fz->rng, 15))
		add_u8(m, INTNET_ATTR_PORT_NO_CREATE, pick_u8(&fz->rng, 1));
}

/* A network's name and a device, each with the chance given (percent). */
static void name_and_dev(struct fuzzer *fz, struct fmsg *m, int name_pct,
			 int dev_pct)
{
	if (chance(&fz->rng, name_pct))
		add_name(fz, m);
	if (chance(&fz->rng, dev_pct))
		add_u32(m, INTNET_ATTR_IFINDEX, pick_ifindex(fz));
}

/* A valid request of a random command, as intnetctl would send it. */
static void valid_request(struct fuzzer *fz, struct fmsg *m)
{
	struct rng *r = &fz->rng;
	uint8_t cmd = 1 + below(r, INTNET_CMD_MAX);
	int dump = 0;

	if ((cmd == INTNET_CMD_FDB_GET || cmd == INTNET_CMD_NET_GET ||
	     cmd == INTNET_CMD_PORT_GET) &&
	    chance(r, cmd == INTNET_CMD_FDB_GET ? 70 : 50))
		dump = 1;
	msg_init(m, cmd, dump ? NLM_F_DUMP : 0);
	if (chance(r, 10))
		m->flags &= ~NLM_F_ACK;
	switch (cmd) {
	case INTNET_CMD_NET_NEW:
	case INTNET_CMD_NET_SET:
		if (chance(r, 95))
			add_name(fz, m);
		net_settings(fz, m, cmd == INTNET_CMD_NET_SET);
		break;
	case INTNET_CMD_NET_DEL:
		add_name(fz, m);
		break;
	case INTNET_CMD_NET_GET:
		if (!dump || chance(r, 40))
			add_name(fz, m);
		break;
	case INTNET_CMD_FDB_GET:
		if (!dump || chance(r, 40))
			add_name(fz, m);
		if (!dump)
			add_mac(fz, m, INTNET_ATTR_MAC);
		break;
	case INTNET_CMD_PORT_ADD:
		name_and_dev(fz, m, 90, 95);
		port_add_settings(fz, m);
		break;
	case INTNET_CMD_PORT_SET:
		add_u32(m, INTNET_ATTR_IFINDEX, pick_ifindex(fz));
		port_settings(fz, m, 60);
		break;
	case INTNET_CMD_PORT_DEL:
		add_u32(m, INTNET_ATTR_IFINDEX, pick_ifindex(fz));
		break;
	case INTNET_CMD_PORT_GET:
		if (!dump)
			add_u32(m, INTNET_ATTR_IFINDEX, pick_ifindex(fz));
		else if (chance(r, 40))
			add_name(fz, m);
		break;
	case INTNET_CMD_FDB_ADD:
		add_u32(m, INTNET_ATTR_IFINDEX, pick_ifindex(fz));
		add_mac(fz, m, INTNET_ATTR_MAC);
		break;
	case INTNET_CMD_FDB_DEL:
		add_name(fz, m);
		add_mac(fz, m, INTNET_ATTR_MAC);
		break;
	case INTNET_CMD_FDB_FLUSH:
		name_and_dev(fz, m, 70, 40);
		break;
	default:
		break;
	}
}

/* ---- mutations ---- */

/* Random attributes, some nested, some with lying lengths, into @buf. */
static size_t garbage_attrs(struct rng *r, uint8_t *buf, size_t cap, int depth)
{
	size_t len = 0, n = 1 + below(r, 4), i, plen;
	struct nlattr *a;

	for (i = 0; i < n; i++) {
		plen = chance(r, 50) ? below(r, 9) : below(r, 64);
		if (len + NLA_HDRLEN + NLA_ALIGN(plen) > cap)
			break;
		a = (struct nlattr *)(buf + len);
		a->nla_type = below(r, INTNET_ATTR_MAX + 3);
		if (depth > 0 && chance(r, 40)) {
			plen = garbage_attrs(r, buf + len + NLA_HDRLEN,
					     cap - len - NLA_HDRLEN, depth - 1);
			a->nla_type |= NLA_F_NESTED;
		} else {
			fill_random(r, buf + len + NLA_HDRLEN, plen);
		}
		memset(buf + len + NLA_HDRLEN + plen, 0,
		       NLA_ALIGN(plen) - plen);
		a->nla_len = NLA_HDRLEN + plen;
		if (chance(r, 10))
			a->nla_len = chance(r, 50) ?
					     below(r, NLA_HDRLEN) :
					     a->nla_len + 1 + below(r, 64);
		len += NLA_HDRLEN + NLA_ALIGN(plen);
	}
	return len;
}

/* A network name that is wrong in one of the ways names can be. */
static void bad_name(struct rng *r, struct fattr *a, struct fmsg *m)
{
	static const char *const odd[] = {
		"", "a b", "a\tz", "caf\xc3\xa9", "a\x7fz", "fz\0r0", "\xff"
	};
	const char *o;
	uint32_t n = 1, i;
	uint8_t *p;

	switch (below(r, 5)) {
	case 0: /* no NUL */
		a->plen = a->plen > 1 ? a->plen - 1 : 0;
		return;
	case 1: /* INTNET_NAME_MAX, one more, or far more */
		n = PICK(r, ((const uint32_t[]){ INTNET_NAME_MAX,
						 INTNET_NAME_MAX + 1,
						 INTNET_NAME_MAX + 2, 4000 }));
		break;
	case 2:
		n = strlen(PICK(r, odd));
		break;
	case 3: /* random bytes */
		n = below(r, 200);
		break;
	default: /* the NUL inside */
		n = 6;
		break;
	}
	p = pool_alloc(m, n + 1);
	if (!p)
		return;
	for (i = 0; i < n; i++)
		p[i] = '!' + below(r, 94);
	if (n == 6) {
		memcpy(p, "fz\0u0\0", 6);
	} else if (n < 16 && chance(r, 80)) {
		o = PICK(r, odd);
		memcpy(p, o, strnlen(o, n));
	} else if (chance(r, 30)) {
		fill_random(r, p, n);
	}
	p[n] = '\0';
	a->p = p;
	a->plen = n + chance(r, 80);
}

static void mutate_attr(struct rng *r, struct fmsg *m)
{
	struct fattr *a, tmp;
	uint32_t plen;
	uint8_t *p;
	int i, j;

	if (!m->nattrs)
		return;
	i = below(r, m->nattrs);
	a = &m->a[i];
	switch (below(r, 10)) {
	case 0: /* gone */
		m->a[i] = m->a[--m->nattrs];
		break;
	case 1: /* twice */
		if (m->nattrs < MAX_ATTRS)
			m->a[m->nattrs++] = *a;
		break;
	case 2: /* another type, maybe with flags */
		a->type = below(r, INTNET_ATTR_MAX + 3);
		if (chance(r, 20))
			a->type |= chance(r, 50) ? NLA_F_NESTED :
						   NLA_F_NET_BYTEORDER;
		break;
	case 3: /* shorter: a u8 where a u32 goes, a 5-byte MAC */
		a->plen = a->plen ? below(r, a->plen) : 0;
		break;
	case 4: /* longer: a u32 where a u8 goes, trailing bytes */
		plen = a->plen + 1 + below(r, 8);
		p = pool_alloc(m, plen);
		if (!p)
			break;
		fill_random(r, p, plen);
		memcpy(p, a->p, a->plen);
		a->p = p;
		a->plen = plen;
		break;
	case 5: /* a lying nla_len: below the header, or past the end */
		a->nla_len = chance(r, 40) ? (int32_t)below(r, NLA_HDRLEN) :
			     chance(r, 50) ? (int32_t)(NLA_HDRLEN + a->plen +
						       1 + below(r, 1000)) :
					     0xffff;
		break;
	case 6:
		if ((a->type & NLA_TYPE_MASK) == INTNET_ATTR_NET_NAME ||
		    chance(r, 20))
			bad_name(r, a, m);
		else
			fill_random(r, a->p, a->plen);
		break;
	case 7: /* nested garbage in place of the payload */
		p = pool_alloc(m, 1024);
		if (!p)
			break;
		a->p = p;
		a->plen = garbage_attrs(r, p, 1024, 3);
		if (chance(r, 70))
			a->type |= NLA_F_NESTED;
		break;
	case 8: /* another order */
		j = below(r, m->nattrs);
		tmp = m->a[i];
		m->a[i] = m->a[j];
		m->a[j] = tmp;
		break;
	default: /* oversized */
		plen = chance(r, 70) ? 256 + below(r, 4096) :
				       4096 + below(r, 60000);
		p = pool_alloc(m, plen);
		if (!p)
			break;
		fill_random(r, p, plen > 64 ? 64 : plen);
		memset(p + (plen > 64 ? 64 : plen), 'x',
		       plen > 64 ? plen - 64 : 0);
		a->p = p;
		a->plen = plen;
		break;
	}
}

static void mutate(struct rng *r, struct fmsg *m)
{
	static const uint16_t flags[] = {
		NLM_F_ACK,	 NLM_F_DUMP,   NLM_F_ROOT,    NLM_F_MATCH,
		NLM_F_CREATE,	 NLM_F_EXCL,   NLM_F_REPLACE, NLM_F_APPEND,
		NLM_F_ECHO,	 NLM_F_MULTI,  NLM_F_REQUEST, NLM_F_ATOMIC,
		NLM_F_DUMP_INTR, NLM_F_NONREC, 0x8000,
	};
	uint8_t buf[1024];
	size_t n;

	switch (below(r, 16)) {
	case 0: /* a command 0, past the last, or anything */
		m->cmd =
			PICK(r, ((const uint8_t[]){ 0, INTNET_CMD_MAX + 1,
						    INTNET_CMD_MAX + 2, 255 }));
		if (chance(r, 50))
			m->cmd = rnd(r);
		break;
	case 1:
		m->version = rnd(r);
		m->reserved = chance(r, 50) ? rnd(r) : 0;
		break;
	case 2:
	case 3:
		m->flags ^= PICK(r, flags);
		break;
	case 4: /* another family: the controller, none, a control type */
		m->type = PICK(r, ((const uint16_t[]){ GENL_ID_CTRL, NLMSG_NOOP,
						       NLMSG_ERROR, NLMSG_DONE,
						       NLMSG_OVERRUN, 0x7ff0,
						       0 }));
		break;
	case 5: /* nlmsg_len off by a little, a lot, or absurd */
		if (chance(r, 70)) {
			m->len_delta = chance(r, 50) ? -1 - (int)below(r, 24) :
						       1 + (int)below(r, 128);
		} else {
			m->len_set = 1;
			m->len_value = PICK(
				r, ((const uint32_t[]){
					   0, 1, NLMSG_HDRLEN - 1, NLMSG_HDRLEN,
					   NLMSG_HDRLEN + 1,
					   NLMSG_HDRLEN + GENL_HDRLEN - 1,
					   0xffff, 0x7fffffff, 0xffffffff }));
		}
		break;
	case 6:
		m->pid = rnd(r);
		break;
	case 7: /* attributes that nobody asked for */
		n = garbage_attrs(r, buf, sizeof(buf), chance(r, 30) ? 3 : 0);
		if (n >= NLA_HDRLEN && m->nattrs < MAX_ATTRS) {
			struct nlattr *g = (struct nlattr *)buf;

			add_attr(m, g->nla_type, buf + NLA_HDRLEN,
				 n - NLA_HDRLEN);
		}
		break;
	case 8:
		m->flips = 1 + below(r, 4);
		break;
	case 9: /* cut short on the wire */
		m->trunc = 1 + below(r, 95);
		break;
	default:
		mutate_attr(r, m);
		break;
	}
}

/* ---- bytes ---- */

static size_t serialize(struct rng *r, struct fmsg *m, uint8_t *dst, size_t cap,
			uint32_t seq)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)dst;
	struct genlmsghdr *gh = NLMSG_DATA(nh);
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN, need;
	struct nlattr *na;
	int i;

	if (cap < len)
		return 0;
	nh->nlmsg_type = m->type;
	nh->nlmsg_flags = m->flags;
	nh->nlmsg_seq = seq;
	nh->nlmsg_pid = m->pid;
	gh->cmd = m->cmd;
	gh->version = m->version;
	gh->reserved = m->reserved;
	for (i = 0; i < m->nattrs; i++) {
		need = NLA_HDRLEN + NLA_ALIGN(m->a[i].plen);
		if (len + need > cap || NLA_HDRLEN + m->a[i].plen > 0xffff)
			continue;
		na = (struct nlattr *)(dst + len);
		na->nla_len = m->a[i].nla_len >= 0 ? (uint32_t)m->a[i].nla_len :
						     NLA_HDRLEN + m->a[i].plen;
		na->nla_type = m->a[i].type;
		memcpy(dst + len + NLA_HDRLEN, m->a[i].p, m->a[i].plen);
		memset(dst + len + NLA_HDRLEN + m->a[i].plen, 0,
		       need - NLA_HDRLEN - m->a[i].plen);
		len += need;
	}
	nh->nlmsg_len = m->len_set ? m->len_value : len + m->len_delta;
	for (i = 0; i < m->flips; i++)
		dst[NLMSG_HDRLEN + below(r, len - NLMSG_HDRLEN)] ^=
			1 << below(r, 8);
	if (m->trunc >= 0 && (size_t)m->trunc < len)
		len = m->trunc;
	m->honest = !m->len_set && !m->len_delta && len == nh->nlmsg_len;
	return len;
}

static void hex(char *out, size_t size, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 3 < size; i++)
		o += snprintf(out + o, size - o, "%02x", p[i]);
	if (i < n && o + 4 < size)
		snprintf(out + o, size - o, "...");
}

/* Whether @p holds the 4 bytes of @v, in the order they are sent. */
static int has_u32(const uint8_t *p, size_t n, uint32_t v)
{
	return memmem(p, n, &v, sizeof(v)) != NULL;
}

/* Root's fuzzing must not name the guard: its state is the user's test. */
static int names_guard(const uint8_t *p, size_t n)
{
	int i;

	if (memmem(p, n, GUARD, strlen(GUARD)))
		return 1;
	for (i = 0; i < N_GUARD; i++)
		if (has_u32(p, n, world.guard[i]))
			return 1;
	return 0;
}

/* ---- talking to the kernel ---- */

static int fuzz_socket(void)
{
	struct timeval tv = { .tv_sec = REPLY_MS / 1000 };
	int fd = nl_open(), size = RCVBUF;

	if (fd < 0)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void reopen(struct fuzzer *fz)
{
	close(fz->fd);
	fz->fd = fuzz_socket();
}

static void note_bad(struct fuzzer *fz, const char *what, const struct pend *p)
{
	struct stats *st = fz->st;
	char bytes[2 * SHOW_BYTES + 8];

	if (st->first_bad[0])
		return;
	hex(bytes, sizeof(bytes), p->bytes,
	    p->len < SHOW_BYTES ? p->len : SHOW_BYTES);
	snprintf(st->first_bad, sizeof(st->first_bad),
		 "%s: answer %d to %zu bytes %s", what, p->error, p->len,
		 bytes);
}

/*
 * Whether a message shows the guard: root's network of that name (a
 * "fz-guard" of the user's own is the user's to see), or one of its devices.
 */
static int shows_guard(struct nlmsghdr *nh)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	char name[INTNET_NAME_MAX + 1];
	int i;

	genl_index(nh, tb, INTNET_ATTR_MAX);
	get_str(tb[INTNET_ATTR_NET_NAME], name, sizeof(name));
	if (!strcmp(name, GUARD) && get_u32(tb[INTNET_ATTR_NET_OWNER]) == 0)
		return 1;
	for (i = 0; i < N_GUARD; i++)
		if (tb[INTNET_ATTR_IFINDEX] &&
		    get_u32(tb[INTNET_ATTR_IFINDEX]) ==
			    (uint32_t)world.guard[i])
			return 1;
	return 0;
}

/*
 * The user must not see a network that is neither its own nor public, nor
 * anything of the guard's.
 */
static void check_visible(struct fuzzer *fz, struct nlmsghdr *nh,
			  struct pend *p)
{
	struct genlmsghdr *gh = NLMSG_DATA(nh);
	struct net_info ni;

	if (!fz->user || nh->nlmsg_type != world.family ||
	    nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	if (shows_guard(nh)) {
		fz->st->leaks++;
		note_bad(fz, "the user saw the guard", p);
		return;
	}
	if (gh->cmd != INTNET_CMD_NET_GET)
		return;
	parse_net(nh, &ni);
	if (ni.access == INTNET_ACCESS_RESTRICTED && ni.owner != FUZZ_UID) {
		fz->st->leaks++;
		note_bad(fz, "the user saw a restricted network of another", p);
	}
}

static struct pend *pend_of(struct fuzzer *fz, uint32_t seq)
{
	int i;

	for (i = 0; i < fz->npend; i++)
		if (fz->pend[i].seq == seq)
			return &fz->pend[i];
	return NULL;
}

static int open_dumps(struct fuzzer *fz)
{
	int i, n = 0;

	for (i = 0; i < fz->npend; i++)
		n += fz->pend[i].multi && !fz->pend[i].done;
	return n;
}

static void take(struct fuzzer *fz, struct nlmsghdr *nh)
{
	struct pend *p = pend_of(fz, nh->nlmsg_seq);
	struct nlmsgerr *e;

	if (!p) {
		fz->st->stray++;
		return;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		e = NLMSG_DATA(nh);
		if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(e->error))
			return;
		/* An ack after a dump's data ends nothing. */
		if (!e->error && p->multi)
			return;
		p->error = e->error;
		p->done = 1;
	} else if (nh->nlmsg_type == NLMSG_DONE) {
		p->error = nh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int) ?
				   *(int *)NLMSG_DATA(nh) :
				   0;
		p->done = 1;
	} else if (nh->nlmsg_type >= NLMSG_MIN_TYPE) {
		p->got_data = 1;
		if (nh->nlmsg_flags & NLM_F_MULTI)
			p->multi = 1;
		check_visible(fz, nh, p);
	}
}

/*
 * Reads until the sentinel (the last pending request, a VERSION_GET sent on
 * its own) is answered and every dump begun has ended: requests are handled
 * in order, so whatever has not answered by then never will.
 */
static void read_answers(struct fuzzer *fz)
{
	static uint8_t buf[NL_BUF];
	struct pend *sentinel = &fz->pend[fz->npend - 1];
	struct nlmsghdr *nh;
	ssize_t n;

	fz->answered = 0;
	while (!sentinel->done || open_dumps(fz)) {
		n = recv(fz->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == ENOBUFS)
			fz->st->enobufs++;
		if (n < 0 && (errno == ENOBUFS || errno == EINTR))
			continue;
		if (n < 0) {
			/* EAGAIN: nothing for REPLY_MS (SO_RCVTIMEO). */
			fz->st->stalls++;
			reopen(fz);
			return;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n))
			take(fz, nh);
	}
	fz->answered = 1;
}

static void count_answer(struct stats *st, int error)
{
	int e = error < 0 ? -error : error;

	st->answer[e > ERRNO_MAX ? ERRNO_MAX : e]++;
	if (!error)
		st->ok++;
}

static void tally(struct fuzzer *fz)
{
	struct pend *p;
	int i;

	for (i = 0; i < fz->npend - 1; i++) {
		p = &fz->pend[i];
		if (p->expect && fz->answered) {
			fz->st->probes++;
			if (!p->done || (p->expect == 1 && p->error >= 0) ||
			    (p->expect < 0 && p->error != p->expect)) {
				fz->st->bad_probes++;
				note_bad(fz,
					 "a probe was not refused as expected",
					 p);
			}
			continue;
		}
		if (p->done)
			count_answer(fz->st, p->error);
		else if (p->got_data)
			count_answer(fz->st, 0);
		else
			fz->st->silent++;
	}
}

static void trace(struct fuzzer *fz, const uint8_t *p, size_t n)
{
	static char text[2 * SEND_MAX + 64];
	size_t len, done;
	ssize_t w;

	len = snprintf(text, sizeof(text), "# %s %lu: ", fz->who, fz->st->msgs);
	hex(text + len, sizeof(text) - len - 1, p, n);
	len += strlen(text + len);
	text[len++] = '\n';
	/* In one write(), lest the other identity's lines land inside it. */
	fflush(stdout);
	for (done = 0; done < len; done += w) {
		w = write(STDOUT_FILENO, text + done, len - done);
		if (w <= 0)
			break;
	}
}

static struct pend *pend_add(struct fuzzer *fz, const uint8_t *bytes,
			     size_t len)
{
	struct pend *p = &fz->pend[fz->npend++];

	*p = (struct pend){ .seq = ++fz->seq, .bytes = bytes, .len = len };
	return p;
}

/*
 * Sends @len bytes holding the pending requests, then the sentinel: in the
 * same send() when every length in @buf is true (@buf has room for it), else
 * on its own, lest a lying length swallow it.
 */
static void exchange(struct fuzzer *fz, uint8_t *buf, size_t len, int honest)
{
	static uint8_t alone[SENTINEL_MAX];
	uint8_t *sbuf = honest ? buf + len : alone;
	struct nlmsghdr *nh = (struct nlmsghdr *)sbuf;
	size_t slen;
	int e;

	slen = genl_start(sbuf, world.family, INTNET_CMD_VERSION_GET, 0);
	nh->nlmsg_seq = pend_add(fz, sbuf, slen)->seq;
	nh->nlmsg_len = slen;
	if (honest)
		len += slen;
	if (fz->trace)
		trace(fz, buf, len);
	fz->st->sends++;
	if (send(fz->fd, buf, len, 0) < 0) {
		e = errno > ERRNO_MAX ? ERRNO_MAX : errno;
		fz->st->send_err[e] += fz->npend - 1;
		fz->npend = 0;
		return;
	}
	if (!honest && send(fz->fd, sbuf, slen, 0) < 0) {
		reopen(fz);
		fz->npend = 0;
		return;
	}
	read_answers(fz);
	tally(fz);
	fz->npend = 0;
}

/* ---- what a user must be refused, asked now and then ---- */

/*
 * A request of the user's and the answer it must get. Its attributes, each if
 * set, in this order: the network's name, the device, then one more (a u8, a
 * u32 or a MAC address).
 */
struct probe {
	uint8_t cmd;
	uint16_t flags;
	/* A network: root's (the user's probes name the guard as root's) or,
	 * with @own, the user's own.
	 */
	const char *name;
	int own;
	const int *ifindex;
	uint16_t u8_attr, u32_attr;
	uint32_t value;
	const uint8_t *mac;
	/* A negative errno, or 1: any refusal. */
	int expect;
};

static const struct probe probes[] = {
	{ .cmd = INTNET_CMD_NET_GET, .name = GUARD, .expect = -ENOENT },
	{ .cmd = INTNET_CMD_NET_SET,
	  .name = GUARD,
	  .u32_attr = INTNET_ATTR_NET_AGEING,
	  .value = 5,
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_NET_DEL, .name = GUARD, .expect = -ENOENT },
	/* another user's network is an administrator's to make */
	{ .cmd = INTNET_CMD_NET_NEW, .name = GUARD, .expect = -EPERM },
	{ .cmd = INTNET_CMD_FDB_GET,
	  .name = GUARD,
	  .mac = GUARD_STATIC,
	  .expect = -ENOENT },
	/* join only: the user's own "fz-u9" does not exist */
	{ .cmd = INTNET_CMD_PORT_ADD,
	  .name = "fz-u9",
	  .own = 1,
	  .ifindex = &world.tap[0],
	  .u8_attr = INTNET_ATTR_PORT_NO_CREATE,
	  .value = 1,
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_PORT_GET,
	  .ifindex = &world.guard[0],
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_PORT_SET,
	  .ifindex = &world.guard[1],
	  .u8_attr = INTNET_ATTR_PORT_UP,
	  .value = 0,
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_PORT_DEL,
	  .ifindex = &world.guard[0],
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_FDB_ADD,
	  .ifindex = &world.guard[0],
	  .mac = macs[0],
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_FDB_DEL,
	  .name = GUARD,
	  .mac = GUARD_STATIC,
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_FDB_FLUSH, .name = GUARD, .expect = -ENOENT },
	{ .cmd = INTNET_CMD_FDB_FLUSH,
	  .ifindex = &world.guard[1],
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_FDB_GET,
	  .flags = NLM_F_DUMP,
	  .name = GUARD,
	  .expect = -ENOENT },
	{ .cmd = INTNET_CMD_PORT_GET,
	  .flags = NLM_F_DUMP,
	  .name = GUARD,
	  .expect = -ENOENT },
	/* restricted, or the TAP is already a port */
	{ .cmd = INTNET_CMD_PORT_ADD,
	  .name = GUARD,
	  .ifindex = &world.tap[0],
	  .expect = 1 },
	/* the guard's device is not the user's TAP */
	{ .cmd = INTNET_CMD_PORT_ADD,
	  .name = "fz-u9",
	  .own = 1,
	  .ifindex = &world.guard[0],
	  .expect = -EPERM },
	/* settings and ports for others are an administrator's */
	{ .cmd = INTNET_CMD_PORT_ADD,
	  .name = "fz-u9",
	  .own = 1,
	  .ifindex = &world.tap[0],
	  .u32_attr = INTNET_ATTR_PORT_USER,
	  .value = 0,
	  .expect = 1 },
};

static void probe(struct fuzzer *fz, struct fmsg *m, int *expect)
{
	const struct probe *p = &PICK(&fz->rng, probes);

	msg_init(m, p->cmd, p->flags);
	if (p->name)
		add_str(m, INTNET_ATTR_NET_NAME, p->name);
	if (p->name && !p->own)
		add_u32(m, INTNET_ATTR_NET_OWNER, 0);
	if (p->ifindex)
		add_u32(m, INTNET_ATTR_IFINDEX, *p->ifindex);
	if (p->u8_attr)
		add_u8(m, p->u8_attr, p->value);
	if (p->u32_attr)
		add_u32(m, p->u32_attr, p->value);
	if (p->mac)
		add_attr(m, INTNET_ATTR_MAC, p->mac, ETH_ALEN);
	*expect = p->expect;
}

/* ---- dumps left half-read ---- */

static void abandon_dump(struct fuzzer *fz)
{
	static const uint8_t cmds[] = { INTNET_CMD_NET_GET, INTNET_CMD_PORT_GET,
					INTNET_CMD_FDB_GET };
	static uint8_t buf[NL_BUF], req[256];
	struct rng *r = &fz->rng;
	struct nlmsghdr *nh;
	int fd, i, named, reads, again, ended = 0;
	size_t len, size[3];
	uint8_t cmd;
	ssize_t n;

	/* Every choice first: what the kernel answers must not change them. */
	cmd = PICK(r, cmds);
	named = chance(r, 30);
	reads = below(r, 4);
	for (i = 0; i < reads; i++)
		size[i] = chance(r, 20) ? 64 : sizeof(buf);
	again = chance(r, 40);

	fd = fuzz_socket();
	if (fd < 0)
		return;
	len = genl_start(req, world.family, cmd, NLM_F_DUMP);
	if (named)
		len = nl_put(req, len, INTNET_ATTR_NET_NAME, BULK_NET,
			     sizeof(BULK_NET));
	((struct nlmsghdr *)req)->nlmsg_len = len;
	if (fz->trace)
		trace(fz, req, len);
	if (send(fd, req, len, 0) < 0)
		goto out;
	/*
	 * The first part is queued by send(), each next one by the recv() that
	 * makes room for it: nothing to wait for.
	 */
	for (i = 0; i < reads && !ended; i++) {
		n = recv(fd, buf, size[i], MSG_DONTWAIT);
		if (n <= 0)
			break;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			ended |= nh->nlmsg_type == NLMSG_DONE ||
				 nh->nlmsg_type == NLMSG_ERROR;
			check_visible(fz, nh,
				      &(struct pend){ .bytes = req,
						      .len = len });
		}
	}
	/* Another dump (refused while one runs), or a request, on top. */
	if (again)
		send(fd, req, len, 0);
out:
	close(fd);
	fz->st->abandoned++;
}

/* ---- one identity's fuzzing ---- */

static void fuzz(struct fuzzer *fz, unsigned long count)
{
	static uint8_t out[SEND_MAX];
	static struct fmsg m;
	struct timespec t0, t1;
	struct rng *r = &fz->rng;
	int i, batch, mutations, tries, expect, honest;
	size_t len, n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (fz->st->msgs < count) {
		if (fz->deadline) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (t1.tv_sec >= fz->deadline)
				break;
		}
		fz->st->msgs++;
		if (below(r, 1000) < 30) {
			abandon_dump(fz);
			continue;
		}
		/* A probe goes alone: nothing before it may swallow it. */
		if (fz->user && chance(r, 2)) {
			probe(fz, &m, &expect);
			n = serialize(r, &m, out, sizeof(out) - SENTINEL_MAX,
				      fz->seq + 1);
			pend_add(fz, out, n)->expect = expect;
			exchange(fz, out, n, 1);
			continue;
		}
		/*
		 * Mostly several messages in one send(), as the kernel then
		 * takes them in one go, which is also what makes the count
		 * affordable under emulation; a lying length ends the batch.
		 */
		batch = chance(r, 25) ? 1 : 2 + below(r, MAX_BATCH - 1);
		if (batch > 1)
			fz->st->batches++;
		len = 0;
		honest = 1;
		for (i = 0; i < batch && honest; i++) {
			if (i && fz->st->msgs >= count)
				break;
			if (i)
				fz->st->msgs++;
			n = 0;
			for (tries = 0; tries < 16; tries++) {
				valid_request(fz, &m);
				mutations = chance(r, 30) ? 0 : 1 + below(r, 4);
				while (mutations--)
					mutate(r, &m);
				n = serialize(r, &m, out + len,
					      sizeof(out) - SENTINEL_MAX - len,
					      fz->seq + 1);
				if (fz->user || !names_guard(out + len, n))
					break;
			}
			if (!n || tries == 16)
				continue;
			pend_add(fz, out + len, n);
			len += n;
			honest = m.honest;
		}
		if (fz->npend)
			exchange(fz, out, len, honest);
	}
	fz->st->seconds = seconds_since(&t0);
}

static void print_stats(const char *who, const struct stats *st)
{
	const char *name;
	int e;

	printf("# %s: %lu messages in %lu sends (%lu batches, %lu dumps abandoned) in %.1f s, %.0f/s\n",
	       who, st->msgs, st->sends, st->batches, st->abandoned,
	       st->seconds, st->seconds > 0 ? st->msgs / st->seconds : 0.0);
	printf("# %s: succeeded %lu, no answer %lu, stray answers %lu, stalls %lu, ENOBUFS %lu, probes %lu\n",
	       who, st->ok, st->silent, st->stray, st->stalls, st->enobufs,
	       st->probes);
	for (e = 1; e <= ERRNO_MAX; e++) {
		name = strerrorname_np(e);
		if (st->answer[e])
			printf("# %s: answered %-14s %lu\n", who,
			       name ? name : "E?", st->answer[e]);
		if (st->send_err[e])
			printf("# %s: send() failed %-11s %lu\n", who,
			       name ? name : "E?", st->send_err[e]);
	}
	fflush(stdout);
}

/* ---- setup ---- */

static void guard_create(struct __test_metadata *_metadata, struct sw *self)
{
	char name[IFNAMSIZ];
	int i;

	for (i = 0; i < N_GUARD; i++) {
		snprintf(name, sizeof(name), "fzg%d", i);
		world.guard[i] = dummy_up(name, GUARD_IFINDEX + i);
		ASSERT_EQ(GUARD_IFINDEX + i, world.guard[i]);
	}
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				GUARD, INTNET_ATTR_NET_AGEING, 1234,
				INTNET_ATTR_NET_FDB_MAX, 999,
				INTNET_ATTR_NET_PORT_FDB_MAX, 77,
				INTNET_ATTR_NET_FLOOD_UNKNOWN, 0,
				INTNET_ATTR_NET_PROMISC_POLICY,
				INTNET_PROMISC_ALLOW_ALL, 0))
	TH_LOG("NET_NEW %s: %s", GUARD, last.extack);
	ASSERT_EQ(0, sw_port_add(self, GUARD, world.guard[0], 1, 1));
	ASSERT_EQ(0, sw_port_add_for(self, GUARD, world.guard[1], OTHER_UID));
	ASSERT_EQ(0, fdb_add(self, world.guard[0], GUARD_STATIC));
	ASSERT_EQ(0, port_lock(self, world.guard[1], GUARD_LOCK));
}

/* The guard as root sees it: its settings, owner, ports and FDB. */
static void guard_state(struct __test_metadata *_metadata, struct sw *self,
			struct text *t)
{
	struct nl_dump_status st;
	struct net_info ni;

	t->len = 0;
	t->buf[0] = '\0';
	ASSERT_EQ(0, net_get(self, GUARD, &ni))
	TH_LOG("NET_GET %s: %s", GUARD, last.extack);
	ASSERT_EQ(0, text_net(last.msg, t));
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_PORT_GET, GUARD, text_port, t,
				 &st));
	ASSERT_EQ(0, intnet_dump(self, INTNET_CMD_FDB_GET, GUARD, text_fdb, t,
				 &st));
	sort_lines(t);
}

/* Networks, ports and static entries enough for dumps of many messages. */
static void bulk_create(struct __test_metadata *_metadata, struct sw *self)
{
	char name[INTNET_NAME_MAX + 1], dev[IFNAMSIZ];
	uint8_t mac[ETH_ALEN] = { 0x02, 0xb0 };
	int i;

	for (i = 0; i < N_TAP; i++)
		tap_make_owned(_metadata, self, i,
			       i == 0 ? FUZZ_UID :
			       i == 1 ? OTHER_UID :
					NONE,
			       i == 3 ? FUZZ_UID : NONE);
	memcpy(world.tap, self->ifindex, sizeof(world.tap));
	for (i = 0; i < N_DUMMY; i++) {
		snprintf(dev, sizeof(dev), "fzd%d", i);
		world.dummy[i] = dummy_up(dev, 0);
		ASSERT_LT(0, world.dummy[i]);
	}
	for (i = 0; i < N_BULK_NETS; i++) {
		snprintf(name, sizeof(name), "fz-bulk-%03d", i);
		ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW,
					INTNET_ATTR_NET_NAME, name,
					INTNET_ATTR_NET_ACCESS, i % 2, 0));
	}
	for (i = 0; i < N_DUMMY / 2; i++)
		ASSERT_EQ(0, sw_port_add_for(self, BULK_NET, world.dummy[i],
					     i % 2 ? FUZZ_UID : 0));
	for (i = 0; i < N_BULK_FDB; i++) {
		mac[4] = i >> 8;
		mac[5] = i;
		ASSERT_EQ(0, fdb_add(self, world.dummy[i % 2], mac));
	}
}

/* ---- after the fuzzing ---- */

/* A valid sequence as root, with the answers it must get. */
static void still_answers(struct __test_metadata *_metadata, struct sw *self)
{
	static const uint8_t mac[ETH_ALEN] = { 0x02, 0xc4, 0, 0, 0, 1 };
	struct port_info pi;
	struct fdb_info fi;
	struct net_info ni;
	int dev = world.dummy[N_DUMMY - 1];

	/* The fuzzing may have left the device a port anywhere. */
	port_del(self, dev);
	ASSERT_EQ(0,
		  intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
			     "fz-check", INTNET_ATTR_NET_AGEING, 42,
			     INTNET_ATTR_NET_ACCESS, INTNET_ACCESS_PUBLIC, 0))
	TH_LOG("NET_NEW fz-check: %s", last.extack);
	ASSERT_EQ(0, sw_port_add(self, "fz-check", dev, 1, NONE))
	TH_LOG("PORT_ADD fz-check: %s", last.extack);
	ASSERT_EQ(0, fdb_add(self, dev, mac));
	ASSERT_EQ(0, net_get(self, "fz-check", &ni));
	EXPECT_STREQ("fz-check", ni.name);
	EXPECT_EQ(42u, ni.ageing);
	EXPECT_EQ(1u, ni.ports);
	EXPECT_EQ(1u, ni.fdb_static);
	EXPECT_EQ(0u, ni.owner);
	EXPECT_EQ(INTNET_ACCESS_PUBLIC, ni.access);
	ASSERT_EQ(0, port_get(self, dev, &pi));
	EXPECT_STREQ("fz-check", pi.net);
	EXPECT_EQ(1, pi.up);
	ASSERT_EQ(0, fdb_get(self, "fz-check", mac, &fi));
	EXPECT_EQ((uint32_t)dev, fi.ifindex);
	EXPECT_EQ(1, fi.is_static);
	ASSERT_EQ(0, net_del(self, "fz-check"));
	EXPECT_EQ(-ENOENT, net_get(self, "fz-check", &ni));
	EXPECT_EQ(-ENOENT, port_get(self, dev, &pi));
}

/* Deletes every network; then nothing is left to dump. */
static void delete_all(struct __test_metadata *_metadata, struct sw *self)
{
	static struct text t;

	net_del_all(_metadata, self);
	view(_metadata, self, &t);
	EXPECT_STREQ("", t.buf);
}

/* ---- the test ---- */

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 0);
	return *end ? dflt : n;
}

/* The default count on the lane @lane (INTNET_LANE; NULL: not a guest's). */
static unsigned long lane_count(const char *lane)
{
	return lane && !strcmp(lane, "debug") ? COUNT_DEFAULT_DEBUG :
						COUNT_DEFAULT;
}

/* What the test is doing, for out_of_time(); and what it says then. */
static const char *volatile doing = "setting up";
static char last_words[160];

static void out_of_time(int sig)
{
	const char *d = doing;
	ssize_t n;

	(void)sig;
	n = write(STDOUT_FILENO, last_words, strlen(last_words));
	n = write(STDOUT_FILENO, d, strlen(d));
	n = write(STDOUT_FILENO, "\n", 1);
	(void)n;
	_exit(KSFT_FAIL);
}

/* The second, @margin before the end of @limit seconds. */
static time_t before_end(time_t start, unsigned long limit,
			 unsigned long margin)
{
	return start + (limit > 2 * margin ? limit - margin : limit / 2);
}

/*
 * Keeps the test inside @limit seconds (0: none) from @t0: the second for the
 * fuzzing to stop at (0: none), and an alarm that ends the test, with what it
 * was doing, shortly before the outer timeout would kill it unheard.
 */
static time_t time_limits(const struct timespec *t0, unsigned long limit,
			  uint64_t seed)
{
	if (!limit)
		return 0;
	snprintf(last_words, sizeof(last_words),
		 "# seed %" PRIu64
		 ": out of time, %d s before TEST_TIMEOUT=%lu ran out, while ",
		 seed, KILL_MARGIN, limit);
	signal(SIGALRM, out_of_time);
	alarm(before_end(0, limit, KILL_MARGIN));
	return before_end(t0->tv_sec, limit, TIME_MARGIN);
}

/* The unprivileged half: a user from the start, its sockets made after. */
static void user_half(struct stats *st, uint64_t seed, unsigned long count,
		      int trace, time_t deadline)
{
	static struct fuzzer fz;

	if (setgroups(0, NULL) || setresgid(FUZZ_UID, FUZZ_UID, FUZZ_UID) ||
	    setresuid(FUZZ_UID, FUZZ_UID, FUZZ_UID))
		_exit(2);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(3);
	fz = (struct fuzzer){ .rng = { seed ^ 0x5eed0fa11u },
			      .user = 1,
			      .who = "user",
			      .st = st,
			      .trace = trace,
			      .deadline = deadline };
	fz.fd = fuzz_socket();
	if (fz.fd < 0)
		_exit(4);
	fuzz(&fz, count);
	close(fz.fd);
	_exit(0);
}

TEST(random_requests_leave_switch_working_and_others_state_alone)
{
	const char *lane = getenv("INTNET_LANE");
	unsigned long count = env_ulong("INTNET_FUZZ_COUNT", lane_count(lane));
	uint64_t seed = env_ulong("INTNET_FUZZ_SEED", 0);
	int trace = env_ulong("INTNET_FUZZ_TRACE", 0) != 0;
	unsigned long seconds = env_ulong("INTNET_FUZZ_SECONDS", 0);
	unsigned long limit = env_ulong("TEST_TIMEOUT", TIMEOUT_DEFAULT);
	time_t stop_at, deadline;
	struct timespec t0, t1;
	static struct text before, after;
	static struct fuzzer fz;
	struct sw *self;
	struct stats *user;
	unsigned long total;
	int status;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!getenv("INTNET_FUZZ_SEED")) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		seed = (uint64_t)now.tv_sec * 1000003u ^ now.tv_nsec ^ getpid();
		seed &= 0xffffffffffffULL;
	}
	printf("# seed %" PRIu64 "\n# count %lu%s, lane %s\n", seed, count,
	       getenv("INTNET_FUZZ_COUNT") ? " (INTNET_FUZZ_COUNT)" : "",
	       lane ? lane : "unknown");
	fflush(stdout);
	stop_at = time_limits(&t0, limit, seed);
	self = sw_new(_metadata);
	world.family = self->family;
	bulk_create(_metadata, self);
	guard_create(_metadata, self);
	guard_state(_metadata, self, &before);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# setup %.1f s\n", seconds_since(&t0));
	deadline = stop_at;
	if (seconds && (!deadline || t1.tv_sec + (time_t)seconds < deadline))
		deadline = t1.tv_sec + seconds;

	user = mmap(NULL, sizeof(*user), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, user);
	memset(user, 0, sizeof(*user));
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		user_half(user, seed, count / 2, trace, deadline);
	doing = "fuzzing";

	fz = (struct fuzzer){ .rng = { seed },
			      .who = "root",
			      .trace = trace,
			      .deadline = deadline };
	fz.st = calloc(1, sizeof(*fz.st));
	ASSERT_NE(NULL, fz.st);
	fz.fd = fuzz_socket();
	ASSERT_LE(0, fz.fd);
	fuzz(&fz, count - count / 2);
	close(fz.fd);
	doing = "waiting for the user's fuzzer";
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	doing = "checking what the fuzzing left";

	print_stats("root", fz.st);
	print_stats("user", user);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
	TH_LOG("the user's fuzzer ended with status 0x%x", status);
	total = user->msgs + fz.st->msgs;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (total < count && deadline != stop_at) {
		printf("# INTNET_FUZZ_SECONDS=%lu: stopped after %lu of %lu messages\n",
		       seconds, total, count);
	} else if (total < count && stop_at && t1.tv_sec >= stop_at) {
		EXPECT_EQ(count, total)
		TH_LOG("out of time: the fuzzing stopped at %ld s of TEST_TIMEOUT=%lu, after %lu of %lu messages; raise TEST_TIMEOUT or lower INTNET_FUZZ_COUNT",
		       (long)(stop_at - t0.tv_sec), limit, total, count);
	} else {
		EXPECT_EQ(count, total);
	}
	printf("# total: %lu messages, %lu succeeded\n", total,
	       user->ok + fz.st->ok);
	EXPECT_EQ(0UL, user->leaks)
	TH_LOG("%s", user->first_bad);
	EXPECT_EQ(0UL, user->bad_probes)
	TH_LOG("%s", user->first_bad);
	if (count >= 2000)
		EXPECT_LT(0UL, user->probes);

	guard_state(_metadata, self, &after);
	EXPECT_STREQ(before.buf, after.buf);
	still_answers(_metadata, self);
	delete_all(_metadata, self);
}

TEST_HARNESS_MAIN
