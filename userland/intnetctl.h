/* SPDX-License-Identifier: GPL-2.0 */
/* intnetctl: what its files share: the grammar, the connection, the output. */
#ifndef INTNETCTL_H
#define INTNETCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/if_ether.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <linux/intnet.h>

#include "defaults.h"

#define EXIT_USAGE 2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The options that are not the output's (the output's are output.c's). */
extern struct opts {
	bool stats;
	bool batch; /* running -batch: a usage error says what, not the usage */
} opts;

/* ---- intnetctl.c and batch.c: a command line, or a file of them ---- */

int run_command(int argc, char **argv);
int run_batch(const char *name, bool force, bool json);

/* ---- conn.c: the module's family, and rtnetlink for devices ---- */

struct conn {
	struct nl_sock *sk;
	int family;
};

int conn_open(struct conn *c);
void conn_close(struct conn *c);
void conn_share(bool share);
struct nl_msg *conn_msg(struct conn *c, uint8_t cmd, int flags,
			size_t attrs_len);
int conn_run(struct conn *c, struct nl_msg *msg, nl_recvmsg_msg_cb_t valid,
	     void *arg);
int reply_parse(struct nl_msg *msg, struct nlattr **tb);

/* What RTM_GETLINK says of a device: its kind and, for tun's, more. */
struct link_info {
	char kind[16];
	bool has_owner;
	uint32_t owner; /* the TAP's, in our user namespace */
	uint32_t queues; /* fds attached to the TAP (one fd at most when it is not multi-queue) */
	uint32_t disabled; /* ... and detached from it (TUNSETQUEUE) */
};

int link_request(int type, int flags, const char *name, int ifindex,
		 const char *kind, const char *what);
int link_info(unsigned int ifindex, struct link_info *li);
int link_up(const char *name);

/* ---- grammar.c: keywords and parsing; usage from the tables ---- */

enum arg_kind {
	ARG_NAME, /* a network name, or OWNER/NAME: the owner goes to OWNER */
	ARG_DEV, /* a device name, sent as its ifindex */
	ARG_MAC, /* aa:bb:cc:dd:ee:ff, sent as 6 bytes */
	ARG_U32, /* a decimal number, from .min to .max when .max is set */
	ARG_MASK, /* a u16 in decimal or 0x hex */
	ARG_ONOFF, /* on or off, sent as a u8 1 or 0 */
	ARG_FLAG, /* the keyword alone, sent as the u8 .val */
	ARG_WORD, /* one of .words, sent as its index in a u8 */
	ARG_LOCK, /* a MAC, or off (sent as 00:00:00:00:00:00) */
	ARG_USER, /* a uid, or a user name sent as its uid */
	ARG_GROUP, /* a gid, or a group name (never sent) */
	ARG_IFNAME, /* a name for a new device (never sent) */
	ARG_RATE, /* frames a second, off, or .words[0] (sent as 0) */
	ARG_IP_LOCK, /* IPv4/IPv6 addresses, one a keyword, sent in one nest */
};

/* Slots past the attributes hold what intnetctl uses itself. */
enum {
	SLOT_IFNAME = INTNET_ATTR_MAX + 1,
	SLOT_GROUP,
	SLOT_VNET_HDR,
	SLOT_MULTI_QUEUE,
	N_SLOTS
};

/*
 * A keyword and its value, or (named by its metavariable) a command's
 * positional argument. .meta names the value in the usage when the kind's
 * own name would not do.
 */
struct keyword {
	const char *name;
	enum arg_kind kind;
	int attr;
	uint8_t val;
	const char *const *words;
	const char *meta;
	uint32_t min, max;
};

extern const struct keyword arg_name, arg_owner, arg_dev, arg_mac, arg_ifname;
extern const struct keyword kw_net, kw_dev, kw_flood, kw_ageing, kw_fdb_max,
	kw_port_fdb_max, kw_group_fwd_mask, kw_explicit, kw_public,
	kw_restricted, kw_policy, kw_net_flood_limit, kw_flood_burst, kw_up,
	kw_down, kw_promisc, kw_lock_mac, kw_isolated, kw_port_flood_limit,
	kw_lock_ip, kw_dhcp_server, kw_user, kw_group, kw_vnet_hdr,
	kw_multi_queue;

/* The words of the enums, indexed by value: both the grammar's and the output's. */
extern const char *const access_words[];
extern const char *const promisc_policy_words[];

/* A verb's keywords, NULL-terminated. */
#define KWS(...) ((const struct keyword *const[]){ __VA_ARGS__, NULL })

#define V_NEEDS_SETTING 0x1 /* at least one keyword */
#define V_NEEDS_DEV 0x2 /* the dev keyword is required */
#define V_DEFAULT_NET 0x4 /* net defaults to INTNET_NAME_DEFAULT */
#define V_NET_OR_DEV 0x8 /* not both; net defaults when neither */
#define V_GROUP_USER 0x10 /* group only together with user */

struct args;
typedef void (*print_fn)(struct nlattr **tb, struct nlattr **stats);

/*
 * A show (one with .print) dumps when its positional argument is absent. A
 * verb with .run does more than send .cmd: .run does it all.
 */
struct verb {
	const char *name;
	uint8_t cmd;
	const struct keyword *arg;
	const struct keyword *const *kws;
	unsigned int flags;
	print_fn print;
	int (*run)(struct conn *c, struct args *a);
};

/*
 * An object of the command line: its verbs (NULL-terminated), run by
 * run_verbs(); or, for one without verbs, its own .run and .usage.
 */
struct object {
	const char *name;
	const struct verb *verbs;
	const char *usage;
	int (*run)(const struct object *obj, int argc, char **argv);
};

extern const struct object net_object, port_object, fdb_object, tap_object,
	host_object, monitor_object, version_object;
/* intnetctl.c's table, NULL-terminated, in the order the usage shows them */
extern const struct object *const objects[];

/*
 * One value per attribute; .kw says which keyword set it, if any. .str holds
 * an ARG_NAME, and an ARG_DEV or ARG_USER until resolved (to .u32); .u32 the
 * numbers, and the index of an ARG_WORD; .mac an ARG_MAC or ARG_LOCK.
 */
struct slot {
	const struct keyword *kw;
	const char *str;
	uint32_t u32;
	uint8_t mac[ETH_ALEN];
};

/* An address of lock-ip: AF_INET (the first 4 bytes) or AF_INET6. */
struct ip_addr {
	int family;
	uint8_t addr[16];
};

struct args {
	const struct object *obj;
	const struct verb *verb;
	bool has_arg; /* the positional argument was given */
	unsigned int n_kws; /* keywords given */
	struct slot slot[N_SLOTS];
	/* lock-ip's addresses as given; its slot's .u32 counts them */
	struct ip_addr ip_lock[INTNET_PORT_IP_LOCK_MAX];
};

void usage(FILE *f);
void object_usage(const struct object *obj, FILE *f);
int usage_error(const struct object *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int parse_args(struct args *a, int argc, char **argv);

/* ---- request.c: a verb's request, sent; a show's replies, printed ---- */

int run_verbs(const struct object *obj, int argc, char **argv);
int port_add_for(struct conn *c, struct args *a, uint32_t ifindex);

/* ---- output.c: one writer for text and JSON ---- */

/* Where a print_*() call writes: the text, the JSON, or either. */
enum print_to {
	PRINT_TEXT = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_TEXT | PRINT_JSON,
};

void output_init(bool json);
bool output_json(void);
void output_event(const char *event);
void open_list(void);
void close_list(bool complete);
void open_object(const char *key);
void close_object(void);
void open_array(const char *key);
void close_array(void);
void print_string(enum print_to to, const char *key, const char *fmt,
		  const char *val);
void print_uint(enum print_to to, const char *key, const char *fmt,
		unsigned int val);
void print_u64(enum print_to to, const char *key, const char *fmt,
	       uint64_t val);
void print_bool(enum print_to to, const char *key, const char *fmt, bool val);
void print_null(const char *key);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_stats(struct nlattr **stats);

/* Absent attributes read as empty or zero: the printers stay simple. */
const char *attr_str(const struct nlattr *attr);
uint32_t attr_u32(const struct nlattr *attr);
uint16_t attr_u16(const struct nlattr *attr);
uint8_t attr_u8(const struct nlattr *attr);
bool attr_bool(const struct nlattr *attr);

const char *enum_word(const char *const *words, unsigned int val, char *buf,
		      size_t len);
void print_flood_limit(const struct nlattr *limit);
#define MAC_LEN sizeof("00:00:00:00:00:00")
void format_mac(char *buf, size_t len, const uint8_t *m);
/* Room for OWNER/NAME: a user name of up to 255 bytes, a slash, a name. */
#define LABEL_LEN (256 + INTNET_NAME_MAX + 1)
const char *net_label(char *buf, size_t len, struct nlattr **tb);

/* ---- the objects' printers, which the monitor shares ---- */

void print_net(struct nlattr **tb, struct nlattr **stats);
void print_port(struct nlattr **tb, struct nlattr **stats);
void print_fdb(struct nlattr **tb, struct nlattr **stats);

#endif
