// SPDX-License-Identifier: GPL-2.0
/*
 * What one user's VMs may hold of the gateway: file descriptors (the flows
 * libslirp opens for them) and leases. intnet-nat sees frames on its TAP
 * only; the port a frame came in on is the one the kernel's FDB has its
 * source MAC behind, and the port's user (the kernel says it) is whose share
 * the frame counts against (issue 18: shares per source address let a VM that
 * forges addresses or MACs take every fd and every lease; shares per port, a
 * user with four ports four shares).
 *
 * The FDB is mirrored here: dumped at start (and again when events were lost),
 * then kept by the kernel's FDB and port events (watch.c). The kernel sends a
 * station's "learned" event before it forwards its first frame, and watch.c
 * drains the events before a MAC is looked up again, so a MAC missing from an
 * intact mirror is one the kernel did not learn (a user's FDB share full, the
 * network's too): those share bucket 0, whose share is half a user's, so that
 * they starve no one. Without a mirror (no subscription, events lost and not
 * dumped again yet) a MAC missing is asked with FDB_GET, at a bounded rate.
 *
 * The kernel tells only about entries and ports the gateway's user may see:
 * any port of a network it owns, its own ports elsewhere; the MACs behind any
 * other port are bucket 0's too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/intnet.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nat.h"

#define NBUCKETS NAT_BUCKETS
#define NCACHE 256
/* How long an FDB_GET answer is believed (ms): a port's, that there is none. */
#define KNOWN_MS 5000
#define UNKNOWN_MS 1000
/* FDB_GETs for MACs not cached (or cached too long ago): this many a second, this burst. */
#define ASK_RATE 20
#define ASK_BURST 40
/* The mirror: MACs kept at most (past that it is not intact: MACs missing are asked). */
#define MIRROR_MAX 65536
#define MIRROR_HASH 16384
/* Dumped again after a loss at most this often (ms). */
#define RESYNC_MS 1000

struct bucket {
	bool used; /* bucket 0 always is: the MACs of no port seen */
	uint32_t uid; /* the user whose ports' VMs these are */
	char ifname[IF_NAMESIZE]; /* the port last seen, for the log */
	int flows, leases;
	bool lease_logged;
};

struct cached {
	uint8_t mac[6];
	bool used;
	int ifindex; /* 0: behind no port seen */
	int64_t at_ms;
};

struct port {
	int ifindex;
	bool known; /* false: the kernel would not say (its MACs are bucket 0's) */
	uint32_t uid;
	char ifname[IF_NAMESIZE];
};

struct mentry {
	struct mentry *next;
	uint64_t mac;
	int ifindex;
};

static struct {
	struct nl_sock *sk;
	int family;
	char name[NAT_NAME_MAX + 1];
	bool has_owner, warned, port_warned;
	uint32_t owner;
	struct bucket b[NBUCKETS];
	struct cached c[NCACHE];
	int64_t tokens_at_ms;
	double tokens;
	struct port *ports;
	int nports, cap_ports;
	struct mentry *m[MIRROR_HASH];
	int nmirror;
	/* The mirror holds every entry the kernel shows (watched, dumped, not full). */
	bool intact;
	bool due; /* events were lost: dump again */
	int64_t resync_ms; /* the last dump */
} s;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The network as the TAP was attached to it: OWNER/NAME, or NAME (root's: uid 0's). */
static void net_of(const struct nat_opts *o)
{
	const char *slash = strchr(o->net, '/');
	struct passwd *pw;
	char owner[NAT_NAME_MAX + 1];
	char *end;

	snprintf(s.name, sizeof(s.name), "%s", slash ? slash + 1 : o->net);
	s.has_owner = slash || o->root;
	if (!slash)
		return;
	snprintf(owner, sizeof(owner), "%.*s", (int)(slash - o->net), o->net);
	s.owner = strtoul(owner, &end, 10);
	if (*end) {
		pw = getpwnam(owner);
		s.owner = pw ? pw->pw_uid : (uint32_t)-1;
	}
}

struct answer {
	uint32_t seq; /* the request's: a late answer to an earlier one is not it */
	bool got;
	int ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t owner;
	int access; /* -1: not said */
	bool has_user;
	uint32_t user; /* a port's */
	uint8_t mac[6];
	bool has_mac;
};

/* What a message (reply or event) says, into @a; false if it is not about this network. */
static bool parse(struct nlmsghdr *nlh, struct answer *a)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	char name[NAT_NAME_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, INTNET_ATTR_MAX, NULL) < 0)
		return false;
	if (tb[INTNET_ATTR_NET_NAME]) {
		nla_strlcpy(name, tb[INTNET_ATTR_NET_NAME], sizeof(name));
		if (strcmp(name, s.name))
			return false;
	}
	if (tb[INTNET_ATTR_NET_OWNER]) {
		a->owner = nla_get_u32(tb[INTNET_ATTR_NET_OWNER]);
		if (s.has_owner && a->owner != s.owner)
			return false;
	}
	if (tb[INTNET_ATTR_IFINDEX])
		a->ifindex = (int)nla_get_u32(tb[INTNET_ATTR_IFINDEX]);
	if (tb[INTNET_ATTR_IFNAME])
		nla_strlcpy(a->ifname, tb[INTNET_ATTR_IFNAME],
			    sizeof(a->ifname));
	if (tb[INTNET_ATTR_NET_ACCESS])
		a->access = nla_get_u8(tb[INTNET_ATTR_NET_ACCESS]);
	a->has_user = tb[INTNET_ATTR_PORT_USER];
	if (a->has_user)
		a->user = nla_get_u32(tb[INTNET_ATTR_PORT_USER]);
	a->has_mac = tb[INTNET_ATTR_MAC] && nla_len(tb[INTNET_ATTR_MAC]) == 6;
	if (a->has_mac)
		memcpy(a->mac, nla_data(tb[INTNET_ATTR_MAC]), 6);
	return true;
}

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct answer *a = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq != a->seq)
		return NL_SKIP;
	a->got = true;
	parse(nlmsg_hdr(msg), a);
	return NL_OK;
}

static uint64_t key_of(const uint8_t *mac)
{
	uint64_t k = 0;

	memcpy(&k, mac, 6);
	return k;
}

static struct mentry **slot_of(uint64_t k)
{
	struct mentry **p = &s.m[(k * 0x9e3779b97f4a7c15ULL) >> 50];

	while (*p && (*p)->mac != k)
		p = &(*p)->next;
	return p;
}

static void mirror_clear(void)
{
	struct mentry *e;
	int i;

	for (i = 0; i < MIRROR_HASH; i++)
		while ((e = s.m[i])) {
			s.m[i] = e->next;
			free(e);
		}
	s.nmirror = 0;
}

/* @mac is behind port @ifindex (0: nowhere any more). */
static void mirror_set(const uint8_t *mac, int ifindex)
{
	struct mentry **p = slot_of(key_of(mac)), *e = *p;

	if (!ifindex) {
		if (e) {
			*p = e->next;
			free(e);
			s.nmirror--;
		}
		return;
	}
	if (!e) {
		e = s.nmirror < MIRROR_MAX ? malloc(sizeof(*e)) : NULL;
		if (!e) {
			s.intact = false; /* its MACs missing are asked */
			return;
		}
		e->mac = key_of(mac);
		e->next = NULL;
		*p = e;
		s.nmirror++;
	}
	e->ifindex = ifindex;
}

static struct port *port_find(int ifindex)
{
	int i;

	for (i = 0; i < s.nports; i++)
		if (s.ports[i].ifindex == ifindex)
			return &s.ports[i];
	return NULL;
}

static void port_set(const struct answer *a)
{
	struct port *p = port_find(a->ifindex), *n;

	if (!a->ifindex || !a->has_user)
		return;
	if (!p) {
		if (s.nports == s.cap_ports) {
			n = realloc(s.ports,
				    (s.cap_ports * 2 + 8) * sizeof(*n));
			if (!n)
				return;
			s.ports = n;
			s.cap_ports = s.cap_ports * 2 + 8;
		}
		p = &s.ports[s.nports++];
	}
	p->ifindex = a->ifindex;
	p->known = true;
	p->uid = a->user;
	memcpy(p->ifname, a->ifname, sizeof(p->ifname));
}

static void port_gone(int ifindex)
{
	struct port *p = port_find(ifindex);

	if (p)
		*p = s.ports[--s.nports];
}

static int on_dump(struct nl_msg *msg, void *arg)
{
	struct answer a = { .access = -1 };

	if (!parse(nlmsg_hdr(msg), &a))
		return NL_OK;
	if (*(int *)arg == INTNET_CMD_PORT_GET)
		port_set(&a);
	else if (a.has_mac)
		mirror_set(a.mac, a.ifindex);
	return NL_OK;
}

/* The network's name, and its owner when the TAP was attached as OWNER/NAME; false: no room. */
static bool put_net(struct nl_msg *msg)
{
	return nla_put_string(msg, INTNET_ATTR_NET_NAME, s.name) >= 0 &&
	       (!s.has_owner ||
		nla_put_u32(msg, INTNET_ATTR_NET_OWNER, s.owner) >= 0);
}

/* @cmd about the network (FDB_GET: its entry @mac; PORT_GET: port @ifindex);
 * the answer in @a, or a libnl error.
 */
static int request(int cmd, const uint8_t *mac, int ifindex, struct answer *a)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err = -NLE_NOMEM, i;

	memset(a, 0, sizeof(*a));
	a->access = -1;
	if (!msg)
		return err;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, s.family, 0, 0, cmd,
			 INTNET_GENL_VERSION) ||
	    (ifindex ? nla_put_u32(msg, INTNET_ATTR_IFINDEX, ifindex) < 0 :
		       !put_net(msg)) ||
	    (mac && nla_put(msg, INTNET_ATTR_MAC, 6, mac) < 0)) {
		nlmsg_free(msg);
		return err;
	}
	nl_socket_modify_cb(s.sk, NL_CB_VALID, NL_CB_CUSTOM, on_reply, a);
	err = nl_send_auto(s.sk, msg);
	a->seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	/* A late answer to an earlier request (timed out) is skipped. */
	for (i = 0; err >= 0 && !a->got && i < 4; i++)
		err = nl_recvmsgs_default(s.sk);
	if (err >= 0 && !a->got)
		err = -NLE_MSG_TRUNC; /* no answer to this request: a timeout */
	return err < 0 ? err : 0;
}

/* A dump of the network's ports or FDB entries into the tables; a libnl error. */
static int dump(int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err = -NLE_NOMEM;

	if (!msg)
		return err;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, s.family, 0,
			 NLM_F_DUMP, cmd, INTNET_GENL_VERSION) ||
	    !put_net(msg)) {
		nlmsg_free(msg);
		return err;
	}
	nl_socket_modify_cb(s.sk, NL_CB_VALID, NL_CB_CUSTOM, on_dump, &cmd);
	err = nl_send_auto(s.sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_recvmsgs_default(s.sk);
	return err < 0 ? err : 0;
}

/* The ports and the FDB dumped again: the mirror is intact if both came whole. */
static void resync(void)
{
	int err;

	s.due = false;
	s.resync_ms = now_ms();
	s.nports = 0;
	mirror_clear();
	s.intact = nat_watch_fd() >= 0;
	err = dump(INTNET_CMD_PORT_GET);
	if (err >= 0)
		err = dump(INTNET_CMD_FDB_GET);
	if (err < 0) {
		s.intact = false;
		nat_log("%s's ports and FDB could not be read (%s): MACs are asked about one by one",
			s.name, nl_geterror(err));
	}
}

void nat_share_init(const struct nat_opts *o)
{
	struct answer a;
	int err;

	memset(&s, 0, sizeof(s));
	s.b[0].used = true;
	s.tokens = ASK_BURST;
	s.tokens_at_ms = now_ms();
	net_of(o);
	s.sk = nl_socket_alloc();
	if (!s.sk) {
		err = -NLE_NOMEM;
		goto fail;
	}
	err = genl_connect(s.sk);
	if (err >= 0)
		err = s.family = genl_ctrl_resolve(s.sk, INTNET_GENL_NAME);
	if (err >= 0) {
		/* One answer a request: the entry or the error, read at once. */
		nl_socket_disable_auto_ack(s.sk);
		setsockopt(nl_socket_get_fd(s.sk), SOL_SOCKET, SO_RCVTIMEO,
			   &(struct timeval){ .tv_usec = 500000 },
			   sizeof(struct timeval));
		/* Watched first (watch.c): no change after the dump goes unseen. */
		nat_watch_init(o->net);
		/* Events name their network: "lab" is one user's, whose it is learnt. */
		if (!s.has_owner &&
		    request(INTNET_CMD_NET_GET, NULL, 0, &a) >= 0) {
			s.owner = a.owner;
			s.has_owner = true;
		}
		resync();
		return;
	}
	nl_socket_free(s.sk);
	s.sk = NULL;
fail:
	nat_log("the kernel's FDB cannot be asked (%s): every VM's flows and leases count as one bucket's",
		nl_geterror(err));
}

void nat_share_free(void)
{
	nat_watch_free();
	if (s.sk)
		nl_socket_free(s.sk);
	s.sk = NULL;
	mirror_clear();
	free(s.ports);
	s.ports = NULL;
	s.nports = s.cap_ports = 0;
}

void nat_share_event(struct nlmsghdr *nlh)
{
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct answer a = { .access = -1 };

	if (!parse(nlh, &a))
		return;
	switch (gh->cmd) {
	case INTNET_CMD_FDB_ADD:
	case INTNET_CMD_FDB_DEL:
		if (a.has_mac)
			mirror_set(a.mac, gh->cmd == INTNET_CMD_FDB_ADD ?
						  a.ifindex :
						  0);
		break;
	case INTNET_CMD_PORT_ADD:
	case INTNET_CMD_PORT_SET:
		port_set(&a);
		break;
	case INTNET_CMD_PORT_DEL:
		port_gone(a.ifindex);
		break;
	}
}

void nat_share_lost(void)
{
	s.intact = false;
	s.due = true;
}

void nat_share_resync(void)
{
	/* At most once a RESYNC_MS: a flood of losses must not have the gateway only dump. */
	if (!s.due || !s.sk || now_ms() - s.resync_ms < RESYNC_MS)
		return;
	resync();
	nat_log("events of %s were lost: its ports and FDB read again (%d MACs)",
		s.name, s.nmirror);
}

/* FDB_GET @mac: the port's ifindex (its name in @a), 0 if none is seen. */
static int ask(const uint8_t *mac, struct answer *a)
{
	int err = request(INTNET_CMD_FDB_GET, mac, 0, a);

	/* Not learned, or behind a port not ours to see. */
	if (err == -NLE_OBJ_NOTFOUND)
		return 0;
	if (err < 0 && !s.warned) {
		s.warned = true;
		nat_log("FDB_GET %s on %s failed (%s): such MACs count as bucket 0's",
			nat_mac(mac), s.name, nl_geterror(err));
	}
	return err < 0 ? 0 : a->ifindex;
}

int nat_share_net(uint32_t *owner, bool *public, char *why, size_t len)
{
	struct answer a;
	int err;

	if (!s.sk) {
		snprintf(why, len, "the kernel cannot be asked about %s",
			 s.name);
		return -1;
	}
	err = request(INTNET_CMD_NET_GET, NULL, 0, &a);
	if (!err && a.access < 0)
		err = -NLE_MISSING_ATTR;
	if (err < 0) {
		snprintf(why, len, "NET_GET %s: %s", s.name, nl_geterror(err));
		return -1;
	}
	*owner = a.owner;
	*public = a.access == INTNET_ACCESS_PUBLIC;
	return 0;
}

/* The user bucket of port @ifindex, made if need be; 0 when none is left or no port. */
static int bucket_of(int ifindex)
{
	struct port *p = port_find(ifindex);
	struct answer a;
	int i, free_i = 0;

	if (!ifindex)
		return 0;
	/* A port not seen yet (no event of it, or none watched): asked once. */
	if (!p) {
		if (!s.sk ||
		    request(INTNET_CMD_PORT_GET, NULL, ifindex, &a) < 0 ||
		    a.ifindex != ifindex || !a.has_user) {
			memset(&a, 0, sizeof(a));
			a.ifindex = ifindex;
			a.has_user = true;
		}
		port_set(&a);
		p = port_find(ifindex);
		if (p && !a.got)
			p->known = false;
	}
	if (!p || !p->known) {
		if (!s.port_warned)
			nat_log("port ifindex %d: its user is not known: its MACs count as bucket 0's",
				ifindex);
		s.port_warned = true;
		return 0;
	}
	for (i = 1; i < NBUCKETS; i++) {
		if (s.b[i].used && s.b[i].uid == p->uid)
			break;
		if (!free_i &&
		    (!s.b[i].used || (!s.b[i].flows && !s.b[i].leases)))
			free_i = i;
	}
	if (i == NBUCKETS) {
		if (!free_i)
			return 0;
		i = free_i;
		/* A user gone or idle gives its bucket up. */
		memset(&s.b[i], 0, sizeof(s.b[i]));
		s.b[i].used = true;
		s.b[i].uid = p->uid;
	}
	memcpy(s.b[i].ifname, p->ifname, sizeof(p->ifname));
	return i;
}

static bool may_ask(int64_t now)
{
	s.tokens += (double)(now - s.tokens_at_ms) * ASK_RATE / 1000;
	s.tokens_at_ms = now;
	if (s.tokens > ASK_BURST)
		s.tokens = ASK_BURST;
	if (!s.sk || s.tokens < 1)
		return false;
	s.tokens--;
	return true;
}

/* Without an intact mirror: @mac's port asked with FDB_GET (cached), if @may and the budget lets. */
static int asked_port(const uint8_t *mac, bool may)
{
	int64_t now = now_ms();
	struct cached *e = NULL, *old = &s.c[0];
	struct answer a;
	int i, life;

	for (i = 0; i < NCACHE; i++) {
		if (s.c[i].used && !memcmp(s.c[i].mac, mac, 6)) {
			e = &s.c[i];
			break;
		}
		if (!s.c[i].used ? old->used :
				   (old->used && s.c[i].at_ms < old->at_ms))
			old = &s.c[i];
	}
	if (e) {
		life = e->ifindex ? KNOWN_MS : UNKNOWN_MS;
		/* An old answer still beats none when the budget is spent. */
		if (now - e->at_ms < life || !may || !may_ask(now))
			return e->ifindex;
	} else if (!may || !may_ask(now)) {
		return 0;
	}
	if (!e)
		e = old;
	memcpy(e->mac, mac, 6);
	e->used = true;
	e->ifindex = ask(mac, &a);
	e->at_ms = now;
	return e->ifindex;
}

int nat_share_port(const uint8_t *mac, bool may)
{
	struct mentry *e = *slot_of(key_of(mac));

	if (!e) {
		/* Its "learned" event, queued before the frame: read now. */
		nat_watch_drain();
		e = *slot_of(key_of(mac));
	}
	if (e)
		return bucket_of(e->ifindex);
	/* Not learned (an intact mirror misses nothing the kernel shows). */
	if (s.intact)
		return 0;
	return bucket_of(asked_port(mac, may));
}

long nat_share_key(int b)
{
	return b ? (long)s.b[b].uid + 1 : 0;
}

const char *nat_share_name(int b)
{
	static char buf[IF_NAMESIZE + 64];

	if (!b)
		return "bucket 0 (MACs behind no port seen)";
	snprintf(buf, sizeof(buf), "user %u (port %s)", s.b[b].uid,
		 s.b[b].ifname);
	return buf;
}

int nat_share_flows(int b)
{
	return s.b[b].flows;
}

void nat_share_flow(int b, int delta)
{
	s.b[b].flows += delta;
}

void nat_share_leased(int b, int delta)
{
	s.b[b].leases += delta;
}

bool nat_share_lease_ok(int b, const uint8_t *mac, int free_leases)
{
	int held = s.b[b].leases;

	if (!held || 2 * held < free_leases)
		return true;
	if (!s.b[b].lease_logged) {
		s.b[b].lease_logged = true;
		nat_log("no lease for %s: %s holds %d, %d are free (a user gets at most half of those left, one at least): refused, logged once a user",
			nat_mac(mac), nat_share_name(b), held, free_leases);
	}
	return false;
}
