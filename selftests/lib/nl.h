/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the C selftests: no libnl, so that the tests depend
 * on the kernel's side of the contract only and can send malformed requests on
 * purpose.
 */
#ifndef INTNET_TEST_NL_H
#define INTNET_TEST_NL_H

#include <stddef.h>
#include <stdint.h>

#include <linux/genetlink.h>
#include <linux/intnet.h>
#include <linux/netlink.h>

#define NL_BUF 65536

/* The module's defaults and limits that are policy, not contract (kmod/intnet.h
 * and its module parameters).
 */
#define INTNET_AGEING_DEFAULT 300
#define INTNET_FDB_MAX_DEFAULT 16384
#define INTNET_MONITOR_MAX_PER_USER 64

struct nl_reply {
	/* The error the kernel answered (0 or a negative errno), and its extack
	 * text. */
	int error;
	char extack[256];
	/* NLMSGERR_ATTR_MISS_TYPE of the error: the attribute the request
	 * lacked, or -1. */
	long miss_type;
	/* The data messages that came before the ack. */
	unsigned int msgs;
	/* The first data message of the reply, if any. */
	char buf[NL_BUF];
	struct nlmsghdr *msg;
};

#define nla_payload(a) ((void *)((char *)(a) + NLA_HDRLEN))

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

typedef int (*nl_dump_cb)(struct nlmsghdr *nh, void *arg);

/* A netlink socket of protocol @proto (NETLINK_ROUTE for devices, say), with
 * extended acks. */
int nl_open_proto(int proto);

int nl_open(void);

/* Appends an attribute to the message in @buf; returns the message's length. */
size_t nl_put(void *buf, size_t len, uint16_t type, const void *data,
	      uint16_t dlen);

size_t genl_start(void *buf, uint16_t family, uint8_t cmd, uint16_t flags);

/* Sends a request of @len bytes, waits for its ack; 0 or a negative errno. */
int nl_request(int fd, void *req, size_t len, struct nl_reply *r);

/* Finds attribute @type at the top level of a generic netlink message. */
struct nlattr *genl_attr(struct nlmsghdr *nh, uint16_t type);

/* The family id of @name, or a negative errno (-ENOENT when not registered). */
int genl_family_id(int fd, const char *name);
/*
 * Sends the intnet request @cmd with the attributes @extra (@extra_len bytes)
 * on a new socket and waits for its ack, in @r (r->error: 0 or a negative
 * errno). Returns 0 once sent, or the negative errno of opening the socket or
 * finding the family (-ENOENT when it is not registered).
 */
int intnet_request_once(uint8_t cmd, const void *extra, size_t extra_len,
			struct nl_reply *r);

/* The top-level attributes of a generic netlink message, by type. */
void genl_index(struct nlmsghdr *nh, struct nlattr **tb, int max);

/*
 * Sends @req (@len bytes) as a dump request and reads the answer up to its
 * NLMSG_DONE (or error), calling @cb (if any) for each data message. Returns
 * @st->error.
 */
int nl_dump(int fd, void *req, size_t len, nl_dump_cb cb, void *arg,
	    struct nl_dump_status *st);

uint32_t get_u32(struct nlattr *a);

/* A u32 attribute, or -1 if absent or malformed. */
long get_u32_or_none(struct nlattr *a);

int get_u8(struct nlattr *a);

void get_str(struct nlattr *a, char *out, size_t size);

/* The extended ack of the error message @nh, into @r. */
void nl_extack(struct nlmsghdr *nh, struct nl_reply *r);

/* The attributes in @data (@len bytes) by type, up to @max, in @tb. */
void nla_index(const void *data, int len, struct nlattr **tb, int max);

/* The id of the multicast group @grp of the intnet family, or -errno. */
int genl_mcast_group_id(int fd, const char *grp);

/* A socket of the current namespace that joined group @grp; or -errno. */
int genl_join(const char *grp);

#endif
