/* SPDX-License-Identifier: GPL-2.0 */
/*
 * intnet requests for the selftests: a test's switch (namespace, socket,
 * TAPs), requests as root or as another user, replies parsed and written out
 * as text for comparisons.
 */
#ifndef INTNET_TEST_INTNET_H
#define INTNET_TEST_INTNET_H

#include <net/if.h>
#include <stdint.h>

#include <linux/if_ether.h>

#include "nl.h"
#include "sys.h"

#define MAX_PORTS 8

#define PORT(i) (1u << (i))

/* Leave an optional attribute out of a request; no user, no group. */
#define NONE (-1L)

/* The answer to the last request; each test is a process of its own. */
extern struct nl_reply last;

/* A test's switch: its namespace, intnet socket and TAPs. */
struct sw {
	int nl;
	int family;
	/*
	 * Who sends the requests: the test process itself (the administrator)
	 * when NONE, else this uid (gid the same, and the supplementary group
	 * @group unless NONE) from a child process; see sw_as().
	 */
	long uid, group;
	int nports;
	/* The TAPs' fds (O_NONBLOCK), kept: a TAP has no carrier without. */
	int fd[MAX_PORTS];
	int ifindex[MAX_PORTS];
	char ifname[MAX_PORTS][IFNAMSIZ];
};

struct req {
	size_t len;
	union {
		struct nlmsghdr nh;
		char buf[2048];
	};
};

/* What a child sends back: the answer to one request, or a whole dump. */
struct user_io {
	struct sw *self;
	struct req *q;
	int dump;
	/* The answer. */
	int error;
	char extack[256];
	struct nl_dump_status st;
	/* The data messages, one after the other (a request's first only). */
	size_t len;
	char data[8 << 20];
};

/* Shared with the children that send requests as other users (MAP_SHARED). */
extern struct user_io *user_io;

/* In a child: its own socket (so the kernel sees a user's), the request. */
int user_io_run(void *arg);

struct net_info {
	char name[INTNET_NAME_MAX + 1];
	int flood_unknown, explicit;
	uint32_t ageing, fdb_max, owner, ports, fdb_learned, fdb_static;
	/* -1 when the reply left them out. */
	int access, promisc_policy;
	long port_fdb_max, flood_limit, flood_burst;
	unsigned int group_fwd_mask;
	uint64_t st[__INTNET_STATS_MAX];
	/* Which counters the reply carried, by bit. */
	uint32_t st_seen;
};

struct port_info {
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	char net[INTNET_NAME_MAX + 1];
	int up, promisc, promisc_active, isolated;
	/* -1 when the reply left them out. */
	long user, fdb_learned, flood_limit, flood_rate;
	/* Whether the reply had a PORT_LOCK_MAC, and what it said. */
	int locked;
	uint8_t lock_mac[ETH_ALEN];
	/* DHCP_SERVER (-1 when left out); the IP lock's addresses as the
	 * reply lists them, comma-separated ("" without one). */
	int dhcp_server;
	char ip_lock[INTNET_PORT_IP_LOCK_MAX * 48];
	uint64_t st[__INTNET_STATS_MAX];
	uint32_t st_seen;
};

/* One FDB entry, as FDB_GET dumps it. */
struct fdb_info {
	uint8_t mac[ETH_ALEN];
	uint32_t ifindex, age;
	/* -1 when the reply left them out. */
	int is_static, locked;
};

struct text {
	size_t len;
	char buf[65536];
};

/* A switch of nothing yet: no socket, no ports, the administrator speaking. */
void sw_init(struct sw *self);

/*
 * A new socket that speaks intnet in the current namespace, in place of any
 * old one: 0 or a negative errno.
 */
int sw_connect(struct sw *self);

void req_new(struct sw *self, struct req *q, uint8_t cmd);

void req_put(struct req *q, uint16_t type, const void *data, uint16_t len);

void req_u8(struct req *q, uint16_t type, long v);

void req_u32(struct req *q, uint16_t type, long v);

void req_str(struct req *q, uint16_t type, const char *s);

/*
 * A network as the tools write it: "NAME", or "UID/NAME" for UID's network
 * (NET_NAME and NET_OWNER); NULL puts nothing.
 */
void req_net(struct req *q, const char *name);

/* A setting @attr = @value in its type's format: a u8, u16 or u32. */
void req_setting(struct req *q, int attr, long value);

/*
 * INTNET_ATTR_PORT_IP_LOCK with the addresses of @list, IPv4 or IPv6 text
 * separated by commas ("": an empty nest, which lifts the lock). An address
 * that does not parse is sent as 0.0.0.0.
 */
void req_ip_lock(struct req *q, const char *list);

/*
 * From now on, requests go out as @uid (NONE: as the test process, the
 * administrator), with the supplementary group @group (or NONE).
 */
void sw_as(struct sw *self, long uid, long group);

/* Sends the request; the answer is in reply: 0 or a negative errno. */
int req_call(struct sw *self, struct req *q);

/*
 * A request of @cmd with attributes given as (type, value) pairs ending with
 * 0; each goes out in its type's format: a string for NET_NAME, 6 bytes
 * (a pointer) for MAC and PORT_LOCK_MAC, a u8 for the flags and enums, a u32
 * for the rest. A value of NONE leaves its attribute out.
 *   intnet_req(self, INTNET_CMD_NET_SET, INTNET_ATTR_NET_NAME, "lab",
 *              INTNET_ATTR_NET_ACCESS, INTNET_ACCESS_PUBLIC, 0);
 */
int intnet_req(struct sw *self, uint8_t cmd, ...);

/* NET_NEW or NET_SET with the settings that are not NONE. */
int net_req(struct sw *self, uint8_t cmd, const char *name, long flood_unknown,
	    long ageing, long fdb_max, long explicit);

int net_new(struct sw *self, const char *name);

int net_del(struct sw *self, const char *name);

int sw_port_add(struct sw *self, const char *name, long ifindex, long up,
		long promisc);

int port_set(struct sw *self, long ifindex, long up, long promisc);

int port_del(struct sw *self, long ifindex);

int fdb_add(struct sw *self, long ifindex, const uint8_t *mac);

int fdb_del(struct sw *self, const char *name, const uint8_t *mac);

/* Flushes the network @name, or only the port @ifindex when not NONE. */
int fdb_flush(struct sw *self, const char *name, long ifindex);

/* NET_SET of one setting (@attr, a u8 or u32 one) of the network @name. */
int net_set(struct sw *self, const char *name, int attr, long value);

/* PORT_ADD of @ifindex to @name for the user @uid (an administrator's). */
int sw_port_add_for(struct sw *self, const char *name, long ifindex, long uid);

/* PORT_SET of the port's MAC lock (ZERO_MAC-like all-zero: unlock). */
int port_lock(struct sw *self, long ifindex, const uint8_t *mac);

/* Reads INTNET_ATTR_STATS into @st (zeroed first); @seen flags each one. */
void parse_stats(struct nlattr *nest, uint64_t *st, uint32_t *seen);

void parse_net(struct nlmsghdr *nh, struct net_info *ni);

void parse_port(struct nlmsghdr *nh, struct port_info *pi);

/* NET_GET of one network; 0 or a negative errno (then @ni is zeroed). */
int net_get(struct sw *self, const char *name, struct net_info *ni);

/* PORT_GET of one port; 0 or a negative errno (then @pi is zeroed). */
int port_get(struct sw *self, long ifindex, struct port_info *pi);

/*
 * What the frames received (@st, a port's or a network's counters) became:
 * forwarded, flooded or dropped for one reason each. Equals the frames
 * received when every frame is accounted for.
 */
uint64_t rx_outcomes(const uint64_t *st);

/* A dump of @cmd, optionally limited to the network @name. */
int intnet_dump(struct sw *self, uint8_t cmd, const char *name, nl_dump_cb cb,
		void *arg, struct nl_dump_status *st);

void parse_fdb(struct nlmsghdr *nh, struct fdb_info *fi);

/*
 * The entry for @mac in the FDB of the network @name: 0, -ENOENT if there is
 * none, or the dump's error (@fi is zeroed unless found).
 */
int fdb_get(struct sw *self, const char *name, const uint8_t *mac,
	    struct fdb_info *fi);

int text_add(struct text *t, const char *fmt, ...);

int text_net(struct nlmsghdr *nh, void *arg);

int text_port(struct nlmsghdr *nh, void *arg);

int text_fdb(struct nlmsghdr *nh, void *arg);

/* Sorts the lines of @t: dumps come in no particular order. */
void sort_lines(struct text *t);

int text_net_name(struct nlmsghdr *nh, void *arg);

unsigned int all_but(struct sw *self, int in);

int who_do(struct sw *self, const struct who *w, int (*fn)(void *),
	   struct req *q);
int who_call(struct sw *self, const struct who *w, struct req *q);

#endif
