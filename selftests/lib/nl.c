// SPDX-License-Identifier: GPL-2.0
/* Raw generic netlink: sockets, messages, requests, dumps, attributes. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl.h"

/* A netlink socket of protocol @proto (NETLINK_ROUTE for devices, say), with
 * extended acks. */
int nl_open_proto(int proto)
{
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

int nl_open(void)
{
	return nl_open_proto(NETLINK_GENERIC);
}

/* Appends an attribute to the message in @buf; returns the message's length. */
size_t nl_put(void *buf, size_t len, uint16_t type, const void *data,
	      uint16_t dlen)
{
	struct nlattr *a = (struct nlattr *)((char *)buf + NLMSG_ALIGN(len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + dlen;
	if (dlen)
		memcpy((char *)a + NLA_HDRLEN, data, dlen);
	return NLMSG_ALIGN(len) + NLA_ALIGN(a->nla_len);
}

size_t genl_start(void *buf, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nh = buf;
	struct genlmsghdr *gh = NLMSG_DATA(nh);

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nh->nlmsg_type = family;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nh->nlmsg_seq = 1;
	gh->cmd = cmd;
	gh->version = 1;
	return NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Reads the extack message out of an error message's trailing attributes. */
void nl_extack(struct nlmsghdr *nh, struct nl_reply *r)
{
	struct nlmsgerr *e = NLMSG_DATA(nh);
	size_t off = sizeof(*e);
	struct nlattr *a;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (NLMSG_HDRLEN + off + NLA_HDRLEN <= nh->nlmsg_len) {
		a = (struct nlattr *)((char *)e + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(r->extack, sizeof(r->extack), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN),
				 (char *)a + NLA_HDRLEN);
		if (a->nla_type == NLMSGERR_ATTR_MISS_TYPE &&
		    a->nla_len == NLA_HDRLEN + sizeof(uint32_t))
			r->miss_type = *(uint32_t *)((char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Sends a request of @len bytes, waits for its ack; 0 or a negative errno. */
int nl_request(int fd, void *req, size_t len, struct nl_reply *r)
{
	struct nlmsghdr *nh;
	ssize_t n;

	((struct nlmsghdr *)req)->nlmsg_len = len;
	memset(r, 0, offsetof(struct nl_reply, buf));
	r->miss_type = -1;
	r->msg = NULL;
	if (send(fd, req, len, 0) < 0)
		return -errno;
	for (;;) {
		char tmp[NL_BUF];

		n = recv(fd, tmp, sizeof(tmp), 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)tmp; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_ERROR) {
				r->error = ((struct nlmsgerr *)NLMSG_DATA(nh))
						   ->error;
				nl_extack(nh, r);
				return r->error;
			}
			if (nh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			r->msgs++;
			if (!r->msg && nh->nlmsg_len <= sizeof(r->buf)) {
				memcpy(r->buf, nh, nh->nlmsg_len);
				r->msg = (struct nlmsghdr *)r->buf;
			}
		}
	}
}

/* Finds attribute @type at the top level of a generic netlink message. */
struct nlattr *genl_attr(struct nlmsghdr *nh, uint16_t type)
{
	int rem = nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	struct nlattr *a =
		(struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);

	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		rem -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

/* The family id of @name, or a negative errno (-ENOENT when not registered). */
int genl_family_id(int fd, const char *name)
{
	char req[256];
	struct nl_reply *r;
	struct nlattr *a;
	size_t len;
	int ret;

	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	len = genl_start(req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	len = nl_put(req, len, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	ret = nl_request(fd, req, len, r);
	if (!ret) {
		a = r->msg ? genl_attr(r->msg, CTRL_ATTR_FAMILY_ID) : NULL;
		ret = a ? *(uint16_t *)nla_payload(a) : -EPROTO;
	}
	free(r);
	return ret;
}

/* Indexes the attributes in @len bytes at @data by type into @tb[0..@max];
 * unknown types are skipped, the last of a repeated type wins. */
void nla_index(const void *data, int len, struct nlattr **tb, int max)
{
	const struct nlattr *a = data;
	int type;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		type = a->nla_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = (struct nlattr *)a;
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a +
					    NLA_ALIGN(a->nla_len));
	}
}

/* The top-level attributes of a generic netlink message, by type. */
void genl_index(struct nlmsghdr *nh, struct nlattr **tb, int max)
{
	nla_index((char *)NLMSG_DATA(nh) + GENL_HDRLEN,
		  nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb, max);
}

/* Copies the NLMSGERR_ATTR_MSG text out of the ack TLVs at offset @off of @nh.
 */
static void nl_tlv_msg(struct nlmsghdr *nh, int off, char *out, size_t size)
{
	struct nlattr *a;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (off + NLA_HDRLEN <= (int)nh->nlmsg_len) {
		a = (struct nlattr *)((char *)nh + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(out, size, "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN),
				 (char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Sends @req (@len bytes) as a dump request and reads the answer up to its
 * NLMSG_DONE (or error), calling @cb (if any) for each data message. Returns
 * @st->error.
 */
int nl_dump(int fd, void *req, size_t len, nl_dump_cb cb, void *arg,
	    struct nl_dump_status *st)
{
	struct nlmsghdr *nh = req;
	int err = 0;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	nh->nlmsg_len = len;
	nh->nlmsg_flags |= NLM_F_DUMP;
	if (send(fd, req, len, 0) < 0)
		return st->error = -errno;
	for (;;) {
		char tmp[NL_BUF];

		n = recv(fd, tmp, sizeof(tmp), 0);
		if (n < 0)
			return st->error = -errno;
		st->reads++;
		for (nh = (struct nlmsghdr *)tmp; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
				st->intr = 1;
			if (nh->nlmsg_type == NLMSG_DONE) {
				/* The TLVs follow the int error. */
				st->error = *(int *)NLMSG_DATA(nh);
				nl_tlv_msg(nh,
					   NLMSG_HDRLEN +
						   NLMSG_ALIGN(sizeof(int)),
					   st->extack, sizeof(st->extack));
				if (!st->error)
					st->error = err;
				return st->error;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);
				int off = NLMSG_HDRLEN + sizeof(*e);

				/* An ack ends nothing; a dump ends with DONE.
				 */
				st->error = e->error;
				if (!st->error)
					continue;
				if (!(nh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				nl_tlv_msg(nh, off, st->extack,
					   sizeof(st->extack));
				return st->error;
			}
			if (nh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			st->msgs++;
			if (cb && !err)
				err = cb(nh, arg);
		}
	}
}

uint32_t get_u32(struct nlattr *a)
{
	uint32_t v = 0;

	if (a && a->nla_len == NLA_HDRLEN + sizeof(v))
		memcpy(&v, nla_payload(a), sizeof(v));
	return v;
}

/* A u32 attribute, or -1 if absent or malformed. */
long get_u32_or_none(struct nlattr *a)
{
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(uint32_t))
		return -1;
	return get_u32(a);
}

int get_u8(struct nlattr *a)
{
	return a && a->nla_len == NLA_HDRLEN + 1 ? *(uint8_t *)nla_payload(a) :
						   -1;
}

void get_str(struct nlattr *a, char *out, size_t size)
{
	snprintf(out, size, "%.*s", a ? (int)(a->nla_len - NLA_HDRLEN) : 0,
		 a ? (char *)nla_payload(a) : "");
}

/* The id of the multicast group @grp of the intnet family, or -errno. */
int genl_mcast_group_id(int fd, const char *grp)
{
	struct nlattr *groups, *g, *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	static struct nl_reply r;
	char req[256], name[32];
	size_t len;
	int rem, ret;

	len = genl_start(req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	len = nl_put(req, len, CTRL_ATTR_FAMILY_NAME, INTNET_GENL_NAME,
		     strlen(INTNET_GENL_NAME) + 1);
	ret = nl_request(fd, req, len, &r);
	if (ret)
		return ret;
	groups = r.msg ? genl_attr(r.msg, CTRL_ATTR_MCAST_GROUPS) : NULL;
	if (!groups)
		return -ENOENT;
	rem = groups->nla_len - NLA_HDRLEN;
	for (g = nla_payload(groups); rem >= NLA_HDRLEN && g->nla_len <= rem;
	     rem -= NLA_ALIGN(g->nla_len),
	    g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
		nla_index(nla_payload(g), g->nla_len - NLA_HDRLEN, tb,
			  CTRL_ATTR_MCAST_GRP_MAX);
		get_str(tb[CTRL_ATTR_MCAST_GRP_NAME], name, sizeof(name));
		if (!strcmp(name, grp) && tb[CTRL_ATTR_MCAST_GRP_ID])
			return get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return -ENOENT;
}

/* A socket of the current namespace that joined group @grp; or -errno. */
int genl_join(const char *grp)
{
	int fd = nl_open(), id;

	if (fd < 0)
		return fd;
	id = genl_mcast_group_id(fd, grp);
	if (id < 0 || setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &id,
				 sizeof(id))) {
		id = id < 0 ? id : -errno;
		close(fd);
		return id;
	}
	return fd;
}

int intnet_request_once(uint8_t cmd, const void *extra, size_t extra_len,
			struct nl_reply *r)
{
	char req[512];
	size_t len;
	int fd, family;

	if (extra_len > sizeof(req) - NLMSG_HDRLEN - GENL_HDRLEN)
		return -EMSGSIZE;
	fd = nl_open();
	if (fd < 0)
		return fd;
	family = genl_family_id(fd, INTNET_GENL_NAME);
	if (family < 0) {
		close(fd);
		return family;
	}
	len = genl_start(req, family, cmd, 0);
	if (extra_len)
		memcpy(req + len, extra, extra_len);
	len += extra_len;
	r->error = nl_request(fd, req, len, r);
	close(fd);
	return 0;
}
