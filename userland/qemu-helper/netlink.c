// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper: its requests to intnet (the network's owner, the port),
 * over a netlink socket of its own.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "helper.h"

/* The most of a reply's attributes that nl_call() keeps. */
#define DATA_MAX 4096

struct nlreq {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[256];
} __attribute__((aligned(NLMSG_ALIGNTO)));

static void put_attr(struct nlreq *r, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr *a =
		(struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void req_init(struct nlreq *r, uint16_t family, uint8_t cmd)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	r->nh.nlmsg_type = family;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	r->gh.cmd = cmd;
	r->gh.version = INTNET_GENL_VERSION;
}

/* The first attribute @type in @len bytes at @p, or NULL. */
static const struct nlattr *find_attr(const void *p, size_t len, uint16_t type)
{
	const struct nlattr *a = p;
	size_t step;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		step = NLA_ALIGN(a->nla_len);
		if (step >= len)
			break;
		len -= step;
		a = (const struct nlattr *)((const char *)a + step);
	}
	return NULL;
}

/* The kernel's message in the ack @nh, if it has one, into @msg. */
static void ack_msg(const struct nlmsghdr *nh, char *msg, size_t msg_size)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	const struct nlattr *a;
	const char *text;
	size_t off = sizeof(*e);

	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    NLMSG_HDRLEN + off >= nh->nlmsg_len)
		return;
	a = find_attr((const char *)e + off, nh->nlmsg_len - NLMSG_HDRLEN - off,
		      NLMSGERR_ATTR_MSG);
	if (!a)
		return;
	text = (const char *)a + NLA_HDRLEN;
	snprintf(msg, msg_size, "%.*s",
		 (int)strnlen(text, a->nla_len - NLA_HDRLEN), text);
}

/* The attributes of the data message @nh into @data, at most DATA_MAX bytes. */
static void copy_data(const struct nlmsghdr *nh, void *data, size_t *data_len)
{
	size_t len;

	if (nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	len = nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	*data_len = len < DATA_MAX ? len : DATA_MAX;
	memcpy(data, (const char *)NLMSG_DATA(nh) + GENL_HDRLEN, *data_len);
}

/*
 * Sends @r and reads up to its ack: 0 or the negative errno, with the
 * kernel's message in @msg ("" without one); the first data message's
 * attributes are copied to @data (@data_len bytes, 0 without).
 */
static int nl_call(int s, struct nlreq *r, char *msg, size_t msg_size,
		   void *data, size_t *data_len)
{
	static char buf[32768];
	struct nlmsghdr *nh;
	ssize_t n;

	msg[0] = '\0';
	if (data_len)
		*data_len = 0;
	if (send(s, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_type != NLMSG_ERROR) {
				if (data_len && !*data_len)
					copy_data(nh, data, data_len);
				continue;
			}
			if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
				return -EPROTO;
			ack_msg(nh, msg, msg_size);
			return e->error;
		}
	}
}

/* The intnet netlink socket and family, opened when first needed. */
static struct {
	int s;
	uint16_t family;
} nl = { .s = -1 };

/*
 * Opens the socket. Never with a capability in effect (only tap_create() has
 * one): the kernel judges a request by the rights of the socket's opener as
 * well as the sender's.
 */
static void nl_open(void)
{
	static char data[DATA_MAX];
	const struct nlattr *a;
	char msg[256];
	struct nlreq r;
	int one = 1, err;
	size_t len;

	if (nl.s >= 0)
		return;
	nl.s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl.s < 0)
		die("cannot open a netlink socket: %s", strerror(errno));
	/* Without extended acks (old kernels) the errno alone is shown. */
	(void)setsockopt(nl.s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(nl.s, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, INTNET_GENL_NAME,
		 sizeof(INTNET_GENL_NAME));
	err = nl_call(nl.s, &r, msg, sizeof(msg), data, &len);
	if (err == -ENOENT)
		die("the intnet module is not loaded");
	a = err ? NULL : find_attr(data, len, CTRL_ATTR_FAMILY_ID);
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(uint16_t))
		die("cannot resolve the intnet netlink family: %s",
		    err ? strerror(-err) : "no family id");
	nl.family = *(const uint16_t *)((const char *)a + NLA_HDRLEN);
}

/*
 * Whose network NAME is, as the kernel takes it for us (our own, else
 * root's public one); ours if none, for then the port would make ours. The
 * port is then attached to that owner's network by name, so that it goes to
 * the network the ACL was read for or nowhere.
 */
void resolve_owner(struct target *t)
{
	static char data[DATA_MAX];
	const struct nlattr *a;
	char msg[256];
	struct nlreq r;
	size_t len;
	int err;

	if (t->has_owner)
		return;
	nl_open();
	req_init(&r, nl.family, INTNET_CMD_NET_GET);
	put_attr(&r, INTNET_ATTR_NET_NAME, t->name, strlen(t->name) + 1);
	err = nl_call(nl.s, &r, msg, sizeof(msg), data, &len);
	if (err == -ENOENT) {
		t->owner = getuid();
	} else if (err) {
		die("cannot look up the network %s: %s", Q(t->arg),
		    msg[0] ? msg : strerror(-err));
	} else {
		a = find_attr(data, len, INTNET_ATTR_NET_OWNER);
		if (!a || a->nla_len != NLA_HDRLEN + sizeof(uint32_t))
			die("no owner for %s in intnet's reply", Q(t->arg));
		memcpy(&t->owner, (const char *)a + NLA_HDRLEN,
		       sizeof(uint32_t));
	}
	t->has_owner = true;
}

/*
 * Attaches the device @ifindex to the network @t as whoever we are now;
 * @create lets the port make the network, else it joins one that exists
 * (@acl says which rule allowed that).
 */
void port_add(int ifindex, const struct target *t, bool create,
	      const struct acl *acl)
{
	uint32_t idx = ifindex, owner = t->owner;
	uint8_t one = 1;
	char msg[256];
	struct nlreq r;
	int err;

	nl_open();
	req_init(&r, nl.family, INTNET_CMD_PORT_ADD);
	put_attr(&r, INTNET_ATTR_IFINDEX, &idx, sizeof(idx));
	put_attr(&r, INTNET_ATTR_NET_NAME, t->name, strlen(t->name) + 1);
	if (t->has_owner)
		put_attr(&r, INTNET_ATTR_NET_OWNER, &owner, sizeof(owner));
	if (!create)
		put_attr(&r, INTNET_ATTR_PORT_NO_CREATE, &one, sizeof(one));
	err = nl_call(nl.s, &r, msg, sizeof(msg), NULL, NULL);
	if (err == -ENOENT && !create)
		die("%s (%s:%u allows joining %s, not creating it)",
		    msg[0] ? msg : "no such network", acl->first[ALLOW].file,
		    acl->first[ALLOW].line, Q(t->arg));
	if (err && msg[0])
		die("%s", msg);
	if (err)
		die("cannot attach the TAP to the network %s: %s", Q(t->arg),
		    strerror(-err));
	close(nl.s);
	nl.s = -1;
}
