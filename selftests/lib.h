/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the C selftests: no libnl, so that the tests depend
 * on the kernel's side of the contract only and can send malformed requests on
 * purpose.
 */
#ifndef INTNET_SELFTEST_LIB_H
#define INTNET_SELFTEST_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/intnet.h>
#include <linux/netlink.h>

#define NL_BUF 65536

/* The module's defaults and limits that are policy, not contract (kmod/intnet.h
 * and its module parameters).
 */
#define INTNET_AGEING_DEFAULT	    300
#define INTNET_FDB_MAX_DEFAULT	    16384
#define INTNET_MONITOR_MAX_PER_USER 64

struct nl_reply {
	/* The error the kernel answered (0 or a negative errno), and its extack
	 * text. */
	int error;
	char extack[256];
	/* The first data message of the reply, if any. */
	char buf[NL_BUF];
	struct nlmsghdr *msg;
};

/* A netlink socket of protocol @proto (NETLINK_ROUTE for devices, say), with
 * extended acks. */
static inline int nl_open_proto(int proto)
{
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

static inline int nl_open(void)
{
	return nl_open_proto(NETLINK_GENERIC);
}

/* Appends an attribute to the message in @buf; returns the message's length. */
static inline size_t nl_put(void *buf, size_t len, uint16_t type,
			    const void *data, uint16_t dlen)
{
	struct nlattr *a = (struct nlattr *)((char *)buf + NLMSG_ALIGN(len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + dlen;
	if (dlen)
		memcpy((char *)a + NLA_HDRLEN, data, dlen);
	return NLMSG_ALIGN(len) + NLA_ALIGN(a->nla_len);
}

static inline size_t genl_start(void *buf, uint16_t family, uint8_t cmd,
				uint16_t flags)
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
static inline void nl_extack(struct nlmsghdr *nh, struct nl_reply *r)
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
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Sends a request of @len bytes, waits for its ack; 0 or a negative errno. */
static inline int nl_call(int fd, void *req, size_t len, struct nl_reply *r)
{
	struct nlmsghdr *nh;
	ssize_t n;

	((struct nlmsghdr *)req)->nlmsg_len = len;
	memset(r, 0, offsetof(struct nl_reply, buf));
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
				r->error =
				    ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
				nl_extack(nh, r);
				return r->error;
			}
			if (!r->msg && nh->nlmsg_len <= sizeof(r->buf)) {
				memcpy(r->buf, nh, nh->nlmsg_len);
				r->msg = (struct nlmsghdr *)r->buf;
			}
		}
	}
}

/* Finds attribute @type at the top level of a generic netlink message. */
static inline struct nlattr *genl_attr(struct nlmsghdr *nh, uint16_t type)
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

#define nla_payload(a) ((void *)((char *)(a) + NLA_HDRLEN))

/* The family id of @name, or a negative errno (-ENOENT when not registered). */
static inline int genl_family_id(int fd, const char *name)
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
	ret = nl_call(fd, req, len, r);
	if (!ret) {
		a = r->msg ? genl_attr(r->msg, CTRL_ATTR_FAMILY_ID) : NULL;
		ret = a ? *(uint16_t *)nla_payload(a) : -EPROTO;
	}
	free(r);
	return ret;
}

/* Indexes the attributes in @len bytes at @data by type into @tb[0..@max];
 * unknown types are skipped, the last of a repeated type wins. */
static inline void nla_index(const void *data, int len, struct nlattr **tb,
			     int max)
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
static inline void genl_index(struct nlmsghdr *nh, struct nlattr **tb, int max)
{
	nla_index((char *)NLMSG_DATA(nh) + GENL_HDRLEN,
		  nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb, max);
}

/* How a dump went: its end, and what it looked like on the wire. */
struct nl_dump_status {
	/* 0, or the negative errno the dump ended with (or the callback's). */
	int error;
	char extack[256];
	/* Some message carried NLM_F_DUMP_INTR: the state changed mid-way. */
	int intr;
	/* Data messages handed to the callback, and the reads they took. */
	unsigned int msgs;
	unsigned int reads;
};

/* Called for each data message of a dump; non-zero stops the calls (the dump
 * is still read to its end) and becomes the dump's error. */
typedef int (*nl_dump_cb)(struct nlmsghdr *nh, void *arg);

/* Copies the NLMSGERR_ATTR_MSG text out of the ack TLVs at offset @off of @nh.
 */
static inline void nl_tlv_msg(struct nlmsghdr *nh, int off, char *out,
			      size_t size)
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
static inline int nl_dump(int fd, void *req, size_t len, nl_dump_cb cb,
			  void *arg, struct nl_dump_status *st)
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
				nl_tlv_msg(
				    nh, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int)),
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

/* Seconds since @t0 (CLOCK_MONOTONIC). */
static inline double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Reads a whole small file (a sysfs attribute) without its trailing newline. */
static inline int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Writes @text to a file (a sysfs or procfs attribute); 0 or a negative errno.
 */
static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
}

#endif
