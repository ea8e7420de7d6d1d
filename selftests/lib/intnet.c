// SPDX-License-Identifier: GPL-2.0
/* intnet requests for the selftests, as root or another user; replies parsed.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "intnet.h"
#include "sys.h"

struct nl_reply last;

/* Shared with the children; one per test process, made on first use. */
struct user_io *user_io;

struct fdb_find {
	const uint8_t *mac;
	struct fdb_info *fi;
	int found;
};

/* A switch of nothing yet: no socket, no ports, the administrator speaking. */
void sw_init(struct sw *self)
{
	memset(self, 0, sizeof(*self));
	self->nl = -1;
	self->uid = NONE;
	self->group = NONE;
}

/*
 * A new socket that speaks intnet in the current namespace, in place of any
 * old one: 0 or a negative errno.
 */
int sw_connect(struct sw *self)
{
	if (self->nl >= 0)
		close(self->nl);
	self->nl = nl_open();
	if (self->nl < 0)
		return self->nl;
	self->family = genl_family_id(self->nl, INTNET_GENL_NAME);
	return self->family < 0 ? self->family : 0;
}

void req_new(struct sw *self, struct req *q, uint8_t cmd)
{
	memset(q, 0, sizeof(*q));
	q->len = genl_start(q->buf, self->family, cmd, 0);
}

void req_put(struct req *q, uint16_t type, const void *data, uint16_t len)
{
	q->len = nl_put(q->buf, q->len, type, data, len);
}

void req_ip_lock(struct req *q, const char *list)
{
	uint8_t nest[64 * (NLA_HDRLEN + 16)];
	char copy[64 * 48], *addr, *save;
	size_t len = 0;
	uint8_t a[16];

	snprintf(copy, sizeof(copy), "%s", list);
	for (addr = strtok_r(copy, ",", &save);
	     addr && len + NLA_HDRLEN + 16 <= sizeof(nest);
	     addr = strtok_r(NULL, ",", &save)) {
		if (inet_pton(AF_INET6, addr, a) == 1) {
			len = nl_put(nest, len, INTNET_IP_LOCK_IPV6, a, 16);
			continue;
		}
		if (inet_pton(AF_INET, addr, a) != 1)
			memset(a, 0, 4);
		len = nl_put(nest, len, INTNET_IP_LOCK_IPV4, a, 4);
	}
	req_put(q, INTNET_ATTR_PORT_IP_LOCK | NLA_F_NESTED, nest, len);
}

/* The addresses of the IP lock @nest, comma-separated, into @out. */
static void parse_ip_lock(struct nlattr *nest, char *out, size_t size)
{
	char addr[INET6_ADDRSTRLEN];
	struct nlattr *a;
	size_t used = 0;
	int rem, af;

	out[0] = '\0';
	if (!nest)
		return;
	rem = nest->nla_len - NLA_HDRLEN;
	for (a = nla_payload(nest);
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	    a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		af = a->nla_len == NLA_HDRLEN + 4 ? AF_INET : AF_INET6;
		if (!inet_ntop(af, nla_payload(a), addr, sizeof(addr)))
			snprintf(addr, sizeof(addr), "?");
		used += snprintf(out + used, size - used, "%s%s",
				 used ? "," : "", addr);
		if (used >= size)
			return;
	}
}

void req_u8(struct req *q, uint16_t type, long v)
{
	uint8_t u = v;

	if (v != NONE)
		req_put(q, type, &u, sizeof(u));
}

void req_u32(struct req *q, uint16_t type, long v)
{
	uint32_t u = v;

	if (v != NONE)
		req_put(q, type, &u, sizeof(u));
}

void req_str(struct req *q, uint16_t type, const char *s)
{
	if (s)
		req_put(q, type, s, strlen(s) + 1);
}

/*
 * A network as the tools write it: "NAME", or "UID/NAME" for UID's network
 * (NET_NAME and NET_OWNER); NULL puts nothing.
 */
void req_net(struct req *q, const char *name)
{
	const char *slash = name ? strchr(name, '/') : NULL;

	if (!slash) {
		req_str(q, INTNET_ATTR_NET_NAME, name);
		return;
	}
	req_str(q, INTNET_ATTR_NET_NAME, slash + 1);
	req_u32(q, INTNET_ATTR_NET_OWNER, strtol(name, NULL, 10));
}

/* A setting @attr = @value in its type's format: a u8, u16 or u32. */
void req_setting(struct req *q, int attr, long value)
{
	uint16_t u16 = value;

	switch (attr) {
	case INTNET_ATTR_NET_GROUP_FWD_MASK:
		if (value != NONE)
			req_put(q, attr, &u16, sizeof(u16));
		break;
	case INTNET_ATTR_PORT_NO_CREATE:
	case INTNET_ATTR_NET_FLOOD_UNKNOWN:
	case INTNET_ATTR_NET_EXPLICIT:
	case INTNET_ATTR_NET_ACCESS:
	case INTNET_ATTR_NET_PROMISC_POLICY:
	case INTNET_ATTR_PORT_UP:
	case INTNET_ATTR_PORT_PROMISC:
	case INTNET_ATTR_PORT_ISOLATED:
	case INTNET_ATTR_PORT_DHCP_SERVER:
		req_u8(q, attr, value);
		break;
	default:
		req_u32(q, attr, value);
	}
}

static int user_io_store(struct nlmsghdr *nh, void *arg)
{
	struct user_io *io = arg;

	if (io->len + NLMSG_ALIGN(nh->nlmsg_len) > sizeof(io->data))
		return -ENOSPC;
	memcpy(io->data + io->len, nh, nh->nlmsg_len);
	io->len += NLMSG_ALIGN(nh->nlmsg_len);
	return 0;
}

/* In the child: its own socket (so the kernel sees a user's), the request. */
int user_io_run(void *arg)
{
	struct user_io *io = arg;
	static struct nl_reply r;
	int fd, family;

	fd = nl_open();
	if (fd < 0)
		return 1;
	family = genl_family_id(fd, INTNET_GENL_NAME);
	if (family != io->self->family)
		return 2;
	if (io->dump) {
		nl_dump(fd, io->q->buf, io->q->len, user_io_store, io, &io->st);
		io->error = io->st.error;
	} else {
		io->error = nl_request(fd, io->q->buf, io->q->len, &r);
		memcpy(io->extack, r.extack, sizeof(io->extack));
		if (r.msg)
			user_io_store(r.msg, io);
	}
	close(fd);
	return 0;
}

/* user_io, shared with the children, made on first use. */
static int user_io_map(void)
{
	if (user_io)
		return 0;
	user_io = mmap(NULL, sizeof(*user_io), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (user_io == MAP_FAILED) {
		user_io = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Sends @q as @w (as a dump if @dump); 0 or -ECHILD and the like. */
static int user_request(struct sw *self, const struct who *w, struct req *q,
			int dump, int (*fn)(void *))
{
	int ret = user_io_map();

	if (ret)
		return ret;
	user_io->self = self;
	user_io->q = q;
	user_io->dump = dump;
	user_io->error = -ECHILD;
	user_io->extack[0] = '\0';
	user_io->len = 0;
	memset(&user_io->st, 0, sizeof(user_io->st));
	ret = run_as_who(w, fn, user_io);
	if (ret < 0)
		return ret;
	return ret ? -ECHILD : 0;
}

/*
 * From now on, requests go out as @uid (NONE: as the test process, the
 * administrator), with the supplementary group @group (or NONE).
 */
void sw_as(struct sw *self, long uid, long group)
{
	self->uid = uid;
	self->group = group;
}

/* Sends the request; the answer is in last: 0 or a negative errno. */
/*
 * Runs @fn(user_io) as @w, with user_io->q = @q (NULL: none); what it left
 * in user_io goes to last, as for any request: 0 or a negative errno.
 */
int who_do(struct sw *self, const struct who *w, int (*fn)(void *),
	   struct req *q)
{
	int err;

	if (q)
		q->nh.nlmsg_len = q->len;
	memset(&last, 0, offsetof(struct nl_reply, buf));
	last.msg = NULL;
	err = user_request(self, w, q, 0, fn);
	if (err)
		return last.error = err;
	last.error = user_io->error;
	memcpy(last.extack, user_io->extack, sizeof(last.extack));
	if (user_io->len && user_io->len <= sizeof(last.buf)) {
		memcpy(last.buf, user_io->data, user_io->len);
		last.msg = (struct nlmsghdr *)last.buf;
	}
	return last.error;
}

/* Sends @q as @w; the answer is in last. */
int who_call(struct sw *self, const struct who *w, struct req *q)
{
	return who_do(self, w, user_io_run, q);
}

/* Sends the request as self->uid; the answer is in last: 0 or -errno. */
int req_call(struct sw *self, struct req *q)
{
	struct who w = { .uid = self->uid,
			 .group = self->group,
			 .inner = NONE };

	if (self->uid == NONE)
		return nl_request(self->nl, q->buf, q->len, &last);
	return who_call(self, &w, q);
}

/*
 * A request of @cmd with attributes given as (type, value) pairs ending with
 * 0; each goes out in its type's format: a string for NET_NAME, 6 bytes
 * (a pointer) for MAC and PORT_LOCK_MAC, a u8 for the flags and enums, a u32
 * for the rest. A value of NONE leaves its attribute out.
 *   intnet_req(self, INTNET_CMD_NET_SET, INTNET_ATTR_NET_NAME, "lab",
 *              INTNET_ATTR_NET_ACCESS, INTNET_ACCESS_PUBLIC, 0);
 */
int intnet_req(struct sw *self, uint8_t cmd, ...)
{
	const uint8_t *mac;
	struct req q;
	va_list ap;
	int type;

	req_new(self, &q, cmd);
	va_start(ap, cmd);
	while ((type = va_arg(ap, int))) {
		switch (type) {
		case INTNET_ATTR_NET_NAME:
			req_net(&q, va_arg(ap, const char *));
			break;
		case INTNET_ATTR_MAC:
		case INTNET_ATTR_PORT_LOCK_MAC:
			mac = va_arg(ap, const uint8_t *);
			if (mac)
				req_put(&q, type, mac, ETH_ALEN);
			break;
		case INTNET_ATTR_PORT_IP_LOCK:
			req_ip_lock(&q, va_arg(ap, const char *));
			break;
		default:
			req_setting(&q, type, va_arg(ap, int));
		}
	}
	va_end(ap);
	return req_call(self, &q);
}

/* NET_NEW or NET_SET with the settings that are not NONE. */
int net_req(struct sw *self, uint8_t cmd, const char *name, long flood_unknown,
	    long ageing, long fdb_max, long explicit)
{
	struct req q;

	req_new(self, &q, cmd);
	req_net(&q, name);
	req_u8(&q, INTNET_ATTR_NET_FLOOD_UNKNOWN, flood_unknown);
	req_u32(&q, INTNET_ATTR_NET_AGEING, ageing);
	req_u32(&q, INTNET_ATTR_NET_FDB_MAX, fdb_max);
	req_u8(&q, INTNET_ATTR_NET_EXPLICIT, explicit);
	return req_call(self, &q);
}

int net_new(struct sw *self, const char *name)
{
	return net_req(self, INTNET_CMD_NET_NEW, name, NONE, NONE, NONE, NONE);
}

int net_del(struct sw *self, const char *name)
{
	struct req q;

	req_new(self, &q, INTNET_CMD_NET_DEL);
	req_net(&q, name);
	return req_call(self, &q);
}

int sw_port_add(struct sw *self, const char *name, long ifindex, long up,
		long promisc)
{
	struct req q;

	req_new(self, &q, INTNET_CMD_PORT_ADD);
	req_net(&q, name);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	req_u8(&q, INTNET_ATTR_PORT_UP, up);
	req_u8(&q, INTNET_ATTR_PORT_PROMISC, promisc);
	return req_call(self, &q);
}

int port_set(struct sw *self, long ifindex, long up, long promisc)
{
	struct req q;

	req_new(self, &q, INTNET_CMD_PORT_SET);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	req_u8(&q, INTNET_ATTR_PORT_UP, up);
	req_u8(&q, INTNET_ATTR_PORT_PROMISC, promisc);
	return req_call(self, &q);
}

int port_del(struct sw *self, long ifindex)
{
	struct req q;

	req_new(self, &q, INTNET_CMD_PORT_DEL);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	return req_call(self, &q);
}

int fdb_add(struct sw *self, long ifindex, const uint8_t *mac)
{
	struct req q;

	req_new(self, &q, INTNET_CMD_FDB_ADD);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	req_put(&q, INTNET_ATTR_MAC, mac, ETH_ALEN);
	return req_call(self, &q);
}

int fdb_del(struct sw *self, const char *name, const uint8_t *mac)
{
	struct req q;

	req_new(self, &q, INTNET_CMD_FDB_DEL);
	req_net(&q, name);
	req_put(&q, INTNET_ATTR_MAC, mac, ETH_ALEN);
	return req_call(self, &q);
}

/* Flushes the network @name, or only the port @ifindex when not NONE. */
int fdb_flush(struct sw *self, const char *name, long ifindex)
{
	struct req q;

	req_new(self, &q, INTNET_CMD_FDB_FLUSH);
	req_net(&q, name);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	return req_call(self, &q);
}

/* NET_SET of one setting (@attr, a u8 or u32 one) of the network @name. */
int net_set(struct sw *self, const char *name, int attr, long value)
{
	return intnet_req(self, INTNET_CMD_NET_SET, INTNET_ATTR_NET_NAME, name,
			  attr, (int)value, 0);
}

/* PORT_ADD of @ifindex to @name for the user @uid (an administrator's). */
int sw_port_add_for(struct sw *self, const char *name, long ifindex, long uid)
{
	return intnet_req(self, INTNET_CMD_PORT_ADD, INTNET_ATTR_NET_NAME, name,
			  INTNET_ATTR_IFINDEX, (int)ifindex,
			  INTNET_ATTR_PORT_USER, (int)uid, 0);
}

/* PORT_SET of the port's MAC lock (ZERO_MAC-like all-zero: unlock). */
int port_lock(struct sw *self, long ifindex, const uint8_t *mac)
{
	return intnet_req(self, INTNET_CMD_PORT_SET, INTNET_ATTR_IFINDEX,
			  (int)ifindex, INTNET_ATTR_PORT_LOCK_MAC, mac, 0);
}

/* Reads INTNET_ATTR_STATS into @st (zeroed first); @seen flags each one. */
void parse_stats(struct nlattr *nest, uint64_t *st, uint32_t *seen)
{
	struct nlattr *tb[INTNET_STATS_MAX + 1];
	int i;

	memset(st, 0, sizeof(uint64_t) * __INTNET_STATS_MAX);
	*seen = 0;
	if (!nest)
		return;
	nla_index(nla_payload(nest), nest->nla_len - NLA_HDRLEN, tb,
		  INTNET_STATS_MAX);
	for (i = INTNET_STATS_RX_PACKETS; i <= INTNET_STATS_MAX; i++) {
		if (tb[i] && tb[i]->nla_len == NLA_HDRLEN + sizeof(uint64_t)) {
			memcpy(&st[i], nla_payload(tb[i]), sizeof(uint64_t));
			*seen |= 1u << i;
		}
	}
}

void parse_net(struct nlmsghdr *nh, struct net_info *ni)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];

	genl_index(nh, tb, INTNET_ATTR_MAX);
	get_str(tb[INTNET_ATTR_NET_NAME], ni->name, sizeof(ni->name));
	ni->flood_unknown = get_u8(tb[INTNET_ATTR_NET_FLOOD_UNKNOWN]);
	ni->explicit = get_u8(tb[INTNET_ATTR_NET_EXPLICIT]);
	ni->ageing = get_u32(tb[INTNET_ATTR_NET_AGEING]);
	ni->fdb_max = get_u32(tb[INTNET_ATTR_NET_FDB_MAX]);
	ni->owner = get_u32(tb[INTNET_ATTR_NET_OWNER]);
	ni->ports = get_u32(tb[INTNET_ATTR_NET_PORTS]);
	ni->fdb_learned = get_u32(tb[INTNET_ATTR_NET_FDB_LEARNED]);
	ni->fdb_static = get_u32(tb[INTNET_ATTR_NET_FDB_STATIC]);
	ni->access = get_u8(tb[INTNET_ATTR_NET_ACCESS]);
	ni->promisc_policy = get_u8(tb[INTNET_ATTR_NET_PROMISC_POLICY]);
	ni->port_fdb_max = get_u32_or_none(tb[INTNET_ATTR_NET_PORT_FDB_MAX]);
	ni->flood_limit = get_u32_or_none(tb[INTNET_ATTR_NET_FLOOD_LIMIT]);
	ni->flood_burst = get_u32_or_none(tb[INTNET_ATTR_NET_FLOOD_BURST]);
	ni->group_fwd_mask = 0;
	if (tb[INTNET_ATTR_NET_GROUP_FWD_MASK])
		memcpy(&ni->group_fwd_mask,
		       nla_payload(tb[INTNET_ATTR_NET_GROUP_FWD_MASK]),
		       sizeof(uint16_t));
	parse_stats(tb[INTNET_ATTR_STATS], ni->st, &ni->st_seen);
}

void parse_port(struct nlmsghdr *nh, struct port_info *pi)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1], *a;

	genl_index(nh, tb, INTNET_ATTR_MAX);
	pi->ifindex = get_u32(tb[INTNET_ATTR_IFINDEX]);
	get_str(tb[INTNET_ATTR_IFNAME], pi->ifname, sizeof(pi->ifname));
	get_str(tb[INTNET_ATTR_NET_NAME], pi->net, sizeof(pi->net));
	pi->up = get_u8(tb[INTNET_ATTR_PORT_UP]);
	pi->promisc = get_u8(tb[INTNET_ATTR_PORT_PROMISC]);
	pi->promisc_active = get_u8(tb[INTNET_ATTR_PORT_PROMISC_ACTIVE]);
	pi->isolated = tb[INTNET_ATTR_PORT_ISOLATED] ?
			       get_u8(tb[INTNET_ATTR_PORT_ISOLATED]) :
			       -1;
	pi->user = get_u32_or_none(tb[INTNET_ATTR_PORT_USER]);
	pi->fdb_learned = get_u32_or_none(tb[INTNET_ATTR_PORT_FDB_LEARNED]);
	pi->flood_limit = get_u32_or_none(tb[INTNET_ATTR_PORT_FLOOD_LIMIT]);
	pi->flood_rate = get_u32_or_none(tb[INTNET_ATTR_PORT_FLOOD_RATE]);
	a = tb[INTNET_ATTR_PORT_LOCK_MAC];
	pi->locked = a && a->nla_len == NLA_HDRLEN + ETH_ALEN;
	if (pi->locked)
		memcpy(pi->lock_mac, nla_payload(a), ETH_ALEN);
	else
		memset(pi->lock_mac, 0, ETH_ALEN);
	pi->dhcp_server = tb[INTNET_ATTR_PORT_DHCP_SERVER] ?
				  get_u8(tb[INTNET_ATTR_PORT_DHCP_SERVER]) :
				  -1;
	parse_ip_lock(tb[INTNET_ATTR_PORT_IP_LOCK], pi->ip_lock,
		      sizeof(pi->ip_lock));
	parse_stats(tb[INTNET_ATTR_STATS], pi->st, &pi->st_seen);
}

/* NET_GET of one network; 0 or a negative errno (then @ni is zeroed). */
int net_get(struct sw *self, const char *name, struct net_info *ni)
{
	struct req q;
	int err;

	memset(ni, 0, sizeof(*ni));
	req_new(self, &q, INTNET_CMD_NET_GET);
	req_net(&q, name);
	err = req_call(self, &q);
	if (!err && !last.msg)
		err = -ENODATA;
	if (!err)
		parse_net(last.msg, ni);
	return err;
}

/* PORT_GET of one port; 0 or a negative errno (then @pi is zeroed). */
int port_get(struct sw *self, long ifindex, struct port_info *pi)
{
	struct req q;
	int err;

	memset(pi, 0, sizeof(*pi));
	req_new(self, &q, INTNET_CMD_PORT_GET);
	req_u32(&q, INTNET_ATTR_IFINDEX, ifindex);
	err = req_call(self, &q);
	if (!err && !last.msg)
		err = -ENODATA;
	if (!err)
		parse_port(last.msg, pi);
	return err;
}

/*
 * What the frames received (@st, a port's or a network's counters) became:
 * forwarded, flooded or dropped for one reason each. Equals the frames
 * received when every frame is accounted for.
 */
uint64_t rx_outcomes(const uint64_t *st)
{
	static const int outcomes[] = {
		INTNET_STATS_RX_FORWARDED,
		INTNET_STATS_RX_FLOODED,
		INTNET_STATS_RX_DROP_PORT_DOWN,
		INTNET_STATS_RX_DROP_INVALID_SRC,
		INTNET_STATS_RX_DROP_LOCAL,
		INTNET_STATS_RX_DROP_DEST_DOWN,
		INTNET_STATS_RX_DROP_NOMEM,
		INTNET_STATS_RX_DROP_MAC_LOCKED,
		INTNET_STATS_RX_DROP_LINK_LOCAL,
		INTNET_STATS_RX_DROP_NO_DEST,
		INTNET_STATS_RX_DROP_BAD_HEADER,
		INTNET_STATS_RX_DROP_ISOLATED,
		INTNET_STATS_RX_DROP_FLOOD_LIMIT,
		INTNET_STATS_RX_DROP_IP_SPOOF,
		INTNET_STATS_RX_DROP_ARP_SPOOF,
		INTNET_STATS_RX_DROP_ND_SPOOF,
		INTNET_STATS_RX_DROP_DHCP_SERVER,
	};
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		sum += st[outcomes[i]];
	return sum;
}

/* A dump of @cmd, optionally limited to the network @name. */
int intnet_dump(struct sw *self, uint8_t cmd, const char *name, nl_dump_cb cb,
		void *arg, struct nl_dump_status *st)
{
	struct who w = { .uid = self->uid,
			 .group = self->group,
			 .inner = NONE };
	struct nlmsghdr *nh;
	struct req q;
	size_t off;
	int err = 0;

	req_new(self, &q, cmd);
	req_net(&q, name);
	if (self->uid == NONE)
		return nl_dump(self->nl, q.buf, q.len, cb, arg, st);
	/* As another user: the child collects the messages, @cb reads them. */
	q.nh.nlmsg_len = q.len;
	q.nh.nlmsg_flags |= NLM_F_DUMP;
	memset(st, 0, sizeof(*st));
	err = user_request(self, &w, &q, 1, user_io_run);
	if (err)
		return st->error = err;
	*st = user_io->st;
	for (off = 0; off < user_io->len && !err;
	     off += NLMSG_ALIGN(nh->nlmsg_len)) {
		nh = (struct nlmsghdr *)(user_io->data + off);
		if (cb)
			err = cb(nh, arg);
	}
	if (!st->error)
		st->error = err;
	return st->error;
}

void parse_fdb(struct nlmsghdr *nh, struct fdb_info *fi)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	struct nlattr *a;

	genl_index(nh, tb, INTNET_ATTR_MAX);
	a = tb[INTNET_ATTR_MAC];
	memset(fi->mac, 0, ETH_ALEN);
	if (a && a->nla_len == NLA_HDRLEN + ETH_ALEN)
		memcpy(fi->mac, nla_payload(a), ETH_ALEN);
	fi->ifindex = get_u32(tb[INTNET_ATTR_IFINDEX]);
	fi->age = get_u32(tb[INTNET_ATTR_FDB_AGE]);
	fi->is_static = get_u8(tb[INTNET_ATTR_FDB_IS_STATIC]);
	fi->locked = get_u8(tb[INTNET_ATTR_FDB_LOCKED]);
}

static int fdb_find_cb(struct nlmsghdr *nh, void *arg)
{
	struct fdb_find *ff = arg;
	struct fdb_info fi;

	parse_fdb(nh, &fi);
	if (!memcmp(fi.mac, ff->mac, ETH_ALEN)) {
		*ff->fi = fi;
		ff->found++;
	}
	return 0;
}

/*
 * The entry for @mac in the FDB of the network @name: 0, -ENOENT if there is
 * none, or the dump's error (@fi is zeroed unless found).
 */
int fdb_get(struct sw *self, const char *name, const uint8_t *mac,
	    struct fdb_info *fi)
{
	struct fdb_find ff = { .mac = mac, .fi = fi };
	struct nl_dump_status st;
	int err;

	memset(fi, 0, sizeof(*fi));
	err = intnet_dump(self, INTNET_CMD_FDB_GET, name, fdb_find_cb, &ff,
			  &st);
	if (err)
		return err;
	if (ff.found > 1)
		return -EEXIST;
	return ff.found ? 0 : -ENOENT;
}

int text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t->len += vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	return t->len >= sizeof(t->buf) ? -ENOSPC : 0;
}

int text_net(struct nlmsghdr *nh, void *arg)
{
	struct net_info ni;

	parse_net(nh, &ni);
	return text_add(
		arg,
		"net %s flood=%d ageing=%u max=%u explicit=%d owner=%u ports=%u learned=%u static=%u access=%d promisc=%d port_max=%ld fwd=%#x flood=%ld/%ld\n",
		ni.name, ni.flood_unknown, ni.ageing, ni.fdb_max, ni.explicit,
		ni.owner, ni.ports, ni.fdb_learned, ni.fdb_static, ni.access,
		ni.promisc_policy, ni.port_fdb_max, ni.group_fwd_mask,
		ni.flood_limit, ni.flood_burst);
}

int text_port(struct nlmsghdr *nh, void *arg)
{
	struct port_info pi;
	const uint8_t *m = pi.lock_mac;

	parse_port(nh, &pi);
	return text_add(
		arg,
		"port %u %s net=%s up=%d promisc=%d active=%d isolated=%d flood=%ld/%ld user=%ld learned=%ld lock=%s%02x:%02x:%02x:%02x:%02x:%02x dhcp=%d ip=%s\n",
		pi.ifindex, pi.ifname, pi.net, pi.up, pi.promisc,
		pi.promisc_active, pi.isolated, pi.flood_limit, pi.flood_rate,
		pi.user, pi.fdb_learned, pi.locked ? "" : "none/", m[0], m[1],
		m[2], m[3], m[4], m[5], pi.dhcp_server,
		pi.ip_lock[0] ? pi.ip_lock : "none");
}

int text_fdb(struct nlmsghdr *nh, void *arg)
{
	struct fdb_info fi;
	const uint8_t *m = fi.mac;

	parse_fdb(nh, &fi);
	return text_add(
		arg,
		"fdb %02x:%02x:%02x:%02x:%02x:%02x port=%u static=%d locked=%d\n",
		m[0], m[1], m[2], m[3], m[4], m[5], fi.ifindex, fi.is_static,
		fi.locked > 0);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the lines of @t: dumps come in no particular order. */
void sort_lines(struct text *t)
{
	static char copy[sizeof(t->buf)];
	static char *line[4096];
	size_t n = 0, i, len = 0;
	char *p, *save;

	memcpy(copy, t->buf, sizeof(copy));
	for (p = strtok_r(copy, "\n", &save); p && n < 4096;
	     p = strtok_r(NULL, "\n", &save))
		line[n++] = p;
	qsort(line, n, sizeof(line[0]), cmp_lines);
	t->buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += snprintf(t->buf + len, sizeof(t->buf) - len, "%s\n",
				line[i]);
	t->len = len;
}

int text_net_name(struct nlmsghdr *nh, void *arg)
{
	struct net_info ni;

	parse_net(nh, &ni);
	return text_add(arg, "%u/%s\n", ni.owner, ni.name);
}

unsigned int all_but(struct sw *self, int in)
{
	return (PORT(self->nports) - 1) & ~PORT(in);
}
