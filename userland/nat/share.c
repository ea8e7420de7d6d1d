// SPDX-License-Identifier: GPL-2.0
/*
 * What one switch port's VMs may hold of the gateway: file descriptors (the
 * flows libslirp opens for them) and leases. intnet-nat sees frames on its TAP
 * only; the port a frame came in on is the one the kernel's FDB has its
 * source MAC behind, asked with FDB_GET (issue 18: shares per source address
 * let a VM that forges addresses or MACs take every fd and every lease).
 *
 * The kernel answers FDB_GET only about entries the gateway's user may see:
 * behind any port of a network it owns, behind its own ports elsewhere; any
 * other MAC is "no such FDB entry", like one not learned (yet, or any more).
 * Those MACs share one bucket, bucket 0.
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
/* How long an answer is believed (ms): a port's, that there is none. */
#define KNOWN_MS 5000
#define UNKNOWN_MS 1000
/* FDB_GETs for MACs not cached (or cached too long ago): this many a second, this burst. */
#define ASK_RATE 20
#define ASK_BURST 40

struct bucket {
	int ifindex; /* 0: free (bucket 0: the MACs of no port seen) */
	char ifname[IF_NAMESIZE];
	int flows, leases;
	bool lease_logged;
};

struct cached {
	uint8_t mac[6];
	int bucket; /* -1: slot unused */
	int64_t at_ms;
};

static struct {
	struct nl_sock *sk;
	int family;
	char name[NAT_NAME_MAX + 1];
	bool has_owner, warned;
	uint32_t owner;
	struct bucket b[NBUCKETS];
	struct cached c[NCACHE];
	int64_t tokens_at_ms;
	double tokens;
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

void nat_share_init(const struct nat_opts *o)
{
	int err, i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < NCACHE; i++)
		s.c[i].bucket = -1;
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
		return;
	}
	nl_socket_free(s.sk);
	s.sk = NULL;
fail:
	nat_log("the kernel's FDB cannot be asked (%s): every VM's flows and leases count as one port's",
		nl_geterror(err));
}

void nat_share_free(void)
{
	if (s.sk)
		nl_socket_free(s.sk);
	s.sk = NULL;
}

struct answer {
	uint32_t seq; /* the request's: a late answer to an earlier one is not it */
	bool got;
	int ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t owner;
	int access; /* -1: not said */
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	struct answer *a = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq != a->seq ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, INTNET_ATTR_MAX, NULL) < 0)
		return NL_SKIP;
	a->got = true;
	if (tb[INTNET_ATTR_IFINDEX])
		a->ifindex = (int)nla_get_u32(tb[INTNET_ATTR_IFINDEX]);
	if (tb[INTNET_ATTR_IFNAME])
		nla_strlcpy(a->ifname, tb[INTNET_ATTR_IFNAME],
			    sizeof(a->ifname));
	if (tb[INTNET_ATTR_NET_OWNER])
		a->owner = nla_get_u32(tb[INTNET_ATTR_NET_OWNER]);
	if (tb[INTNET_ATTR_NET_ACCESS])
		a->access = nla_get_u8(tb[INTNET_ATTR_NET_ACCESS]);
	return NL_OK;
}

/* @cmd about the network (FDB_GET: its entry @mac); the answer in @a, or a libnl error. */
static int request(int cmd, const uint8_t *mac, struct answer *a)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err = -NLE_NOMEM, i;

	memset(a, 0, sizeof(*a));
	a->access = -1;
	if (!msg)
		return err;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, s.family, 0, 0, cmd,
			 INTNET_GENL_VERSION) ||
	    nla_put_string(msg, INTNET_ATTR_NET_NAME, s.name) < 0 ||
	    (s.has_owner &&
	     nla_put_u32(msg, INTNET_ATTR_NET_OWNER, s.owner) < 0) ||
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

/* FDB_GET @mac: the port's ifindex (its name in @a), 0 if none is seen. */
static int ask(const uint8_t *mac, struct answer *a)
{
	int err = request(INTNET_CMD_FDB_GET, mac, a);

	/* Not learned, or behind a port not ours to see. */
	if (err == -NLE_OBJ_NOTFOUND)
		return 0;
	if (err < 0 && !s.warned) {
		s.warned = true;
		nat_log("FDB_GET %s on %s failed (%s): such MACs count as one port's",
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
	err = request(INTNET_CMD_NET_GET, NULL, &a);
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

/* The bucket of port @a, made if need be; 0 when none is left. */
static int bucket_of(const struct answer *a)
{
	int i, j, free_i = 0;

	if (!a->ifindex)
		return 0;
	for (i = 1; i < NBUCKETS; i++) {
		if (s.b[i].ifindex == a->ifindex)
			break;
		if (!free_i &&
		    (!s.b[i].ifindex || (!s.b[i].flows && !s.b[i].leases)))
			free_i = i;
	}
	if (i == NBUCKETS) {
		if (!free_i)
			return 0;
		i = free_i;
		/* A port gone or idle gives its bucket up: its MACs are asked again. */
		for (j = 0; j < NCACHE; j++)
			if (s.c[j].bucket == i)
				s.c[j].bucket = -1;
		memset(&s.b[i], 0, sizeof(s.b[i]));
		s.b[i].ifindex = a->ifindex;
	}
	/* A name may change, an ifindex is reused only once the port is gone. */
	memcpy(s.b[i].ifname, a->ifname, sizeof(a->ifname));
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

int nat_share_port(const uint8_t *mac, bool may)
{
	int64_t now = now_ms();
	struct cached *e = NULL, *old = &s.c[0];
	struct answer a;
	int i, life;

	for (i = 0; i < NCACHE; i++) {
		if (s.c[i].bucket >= 0 && !memcmp(s.c[i].mac, mac, 6)) {
			e = &s.c[i];
			break;
		}
		if (s.c[i].bucket < 0 ?
			    old->bucket >= 0 :
			    (old->bucket >= 0 && s.c[i].at_ms < old->at_ms))
			old = &s.c[i];
	}
	if (e) {
		life = e->bucket ? KNOWN_MS : UNKNOWN_MS;
		/* An old answer still beats none when the budget is spent. */
		if (now - e->at_ms < life || !may || !may_ask(now))
			return e->bucket;
	} else if (!may || !may_ask(now)) {
		return 0;
	}
	ask(mac, &a);
	if (!e)
		e = old;
	memcpy(e->mac, mac, 6);
	e->bucket = bucket_of(&a);
	e->at_ms = now;
	return e->bucket;
}

int nat_share_ifindex(int b)
{
	return s.b[b].ifindex;
}

const char *nat_share_name(int b)
{
	static char buf[IF_NAMESIZE + 32];

	if (!b)
		return "no port it may see (one bucket for all such MACs)";
	snprintf(buf, sizeof(buf), "port %s", s.b[b].ifname);
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
		nat_log("no lease for %s: its %s holds %d, %d are free (a port gets at most half of those left, one at least): refused, logged once a port",
			nat_mac(mac), nat_share_name(b), held, free_leases);
	}
	return false;
}
