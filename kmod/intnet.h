/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of the intnet module. */
#ifndef _INTNET_H
#define _INTNET_H

#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/intnet.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

#include "version.h"

struct mem_cgroup;
struct intnet_ip_table;
struct intnet_uplink;
struct intnet_uplink_peers;

/* What this build of the module implements, answered by INTNET_CMD_VERSION_GET. */
#define INTNET_FEATURES                                                  \
	((u64)(INTNET_FEATURE_NETNS | INTNET_FEATURE_SWITCH |           \
	       INTNET_FEATURE_ACCESS | INTNET_FEATURE_EVENTS |          \
	       INTNET_FEATURE_OWNER_NAMES | INTNET_FEATURE_SAFE_SHARING | \
	       INTNET_FEATURE_UPLINK))

/* Defaults of a new network (policy, not contract: not in the uapi). */
#define INTNET_AGEING_DEFAULT	300	/* seconds */
#define INTNET_FDB_MAX_DEFAULT	16384	/* entries; also a user's ceiling */
/*
 * Storm control's default for the ports of users other than the network's
 * owner: far above what a VM floods on its own (ARP, IPv6 neighbour and
 * router discovery, DHCP, mDNS: tens of frames at boot, a few a second
 * after), far below what starves a neighbour's TAP, whose queue holds 500
 * frames: a burst of 100 and 1,000 a second leave its reader room.
 */
#define INTNET_FLOOD_LIMIT_AUTO	1000	/* frames a second */
#define INTNET_FLOOD_BURST_DEFAULT 100

/*
 * Locking: every control-plane change (netlink requests, the netdev notifier,
 * namespace exit) runs under RTNL, which netdev_rx_handler_register() needs
 * anyway; one lock for all of it means no lock order to get wrong. The packet
 * path reads networks, ports and FDB entries under RCU only. The FDB has its own
 * spinlock because learning happens on the packet path.
 */

/* Per network namespace: the networks by owner and name. */
struct intnet_pernet {
	DECLARE_HASHTABLE(nets, 6);	/* RTNL */
	unsigned int n_nets;
	/* Bumped on every change of networks and ports (RTNL), and of FDB
	 * entries (fdb_gen, atomic: learning changes it from the packet path),
	 * so that dumps can flag a change mid-way. Both only grow, so their
	 * sum never repeats a value a dump has seen.
	 */
	unsigned int gen;
	atomic_t fdb_gen;
	/* INTNET_CMD_MONITOR subscribers, read under RCU (FDB events come from
	 * the packet path).
	 */
	struct list_head monitors;
	spinlock_t monitors_lock;	/* changes of monitors */
	/* Subscribers per enum intnet_monitor bit, to build nothing unheard. */
	atomic_t n_monitors[2];
};

/*
 * A port's last FDB hit on one CPU for its frames' source or destination
 * (fdb.c, intnet_fdb_lookup_cached()): the entry, and its network's count of
 * removed entries when it was found. Written on the packet path, BH off.
 */
struct intnet_fdb_cache {
	struct intnet_fdb_entry *e;
	unsigned long removed;
};

/* A port's counters on one CPU, and its lookup caches there. */
struct intnet_pcpu_stats {
	u64_stats_t c[__INTNET_STATS_MAX];
	struct u64_stats_sync syncp;
	struct intnet_fdb_cache src;
	struct intnet_fdb_cache dst;
};

struct intnet_network {
	struct hlist_node node;		/* in intnet_pernet.nets, RTNL */
	struct net *net;
	struct list_head ports;		/* RTNL + RCU */
	unsigned int n_ports;
	kuid_t owner;
	bool explicit;			/* RTNL */
	bool announced;			/* NET_NEW event sent; RTNL */
	bool flood_unknown;
	u8 access;			/* enum intnet_access */
	u8 promisc_policy;		/* enum intnet_promisc_policy */
	u16 group_fwd_mask;		/* link-local groups to forward */
	u32 ageing;			/* seconds, 0 = never */
	u32 fdb_max;
	u32 port_fdb_max;		/* per user; 0 = half of fdb_max */
	u32 flood_limit;		/* per port; 0 = auto, or _OFF */
	u32 flood_burst;

	/* The FDB: lookups under RCU, changes under fdb_lock. */
	struct list_head fdb_list;	/* every entry, for dumps and flushes */
	spinlock_t fdb_lock;
	unsigned int fdb_learned;	/* fdb_lock */
	unsigned int fdb_static;	/* fdb_lock */
	/* Entries taken out of the table so far (fdb_lock; read locklessly):
	 * a cached entry found since the last is still in it.
	 */
	unsigned long fdb_removed;
	/* Each user's entries (struct intnet_share): RTNL for the list. */
	struct list_head shares;
	struct delayed_work ageing_work;

	/* The addresses its ports' IP locks bind (iplock.c); NULL: none. */
	struct intnet_ip_table __rcu *ip_table;
	/* Its uplink's state (uplink.c); NULL: none. RTNL + RCU. */
	struct intnet_uplink __rcu *uplink;

	/* Counters of ports that left, so that network totals don't go down. */
	u64 gone[__INTNET_STATS_MAX];
	struct rcu_head rcu;
	char name[INTNET_NAME_MAX + 1];
};

/*
 * What the ports of one user on a network hold of its FDB, so that a user's
 * limit is theirs however many ports they attach. Lives while the user has a
 * port on the network; @entries changes under the network's fdb_lock.
 */
struct intnet_share {
	struct list_head node;		/* in intnet_network.shares, RTNL */
	kuid_t user;
	unsigned int ports;		/* RTNL */
	unsigned int entries;		/* learned and static, fdb_lock */
};

/* A port's device name, replaced whole on a rename so that readers in any
 * context (FDB events come from the packet path) see a stable string.
 */
struct intnet_port_name {
	struct rcu_head rcu;
	char name[IFNAMSIZ];
};

struct intnet_port {
	struct list_head node;		/* in intnet_network.ports, RTNL + RCU */
	struct intnet_network *network;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct intnet_port_name __rcu *name;
	/* Whose port it is: the TAP's owner, or who attached it. */
	kuid_t user;
	struct intnet_share *share;
	/* A TAP's owner and group when attached: the port leaves if they change. */
	kuid_t tap_owner;
	kgid_t tap_group;
	bool tap;
	bool up;
	bool promisc;
	/* Reaches, and is reached by, only ports that are not isolated. */
	bool isolated;
	/* Storm control: 0 = the network's, INTNET_FLOOD_LIMIT_OFF, or pps. */
	u32 flood_limit;
	/* When the flood limit lets the port flood again, in ns (a GCRA). */
	atomic64_t flood_tat;
	bool announced;			/* PORT_ADD event sent; RTNL */
	/* An intnet device of the host's stack (host.c), not a receive hook. */
	bool host;
	/* The only source address allowed (intnet_mac_u64()), 0 = none; RTNL. */
	u64 lock_mac;
	/* The IP addresses it may send from (iplock.c); NULL: not checked. */
	struct intnet_ip_lock __rcu *ip_lock;
	/* Under an IP lock: whether it may send DHCP server replies. */
	bool dhcp_server;
	/* A host NIC shared with the network (uplink.c): its state; RTNL. */
	struct intnet_uplink *uplink;
	/* Set under the FDB lock when the port leaves: nothing learns onto it after. */
	bool gone;
	unsigned int fdb_learned;	/* learned entries behind it, fdb_lock */
	/* Whose memory the entries learned behind the port are: the memory
	 * cgroup of who attached it (a reference), since the packet path has
	 * no caller to charge.
	 */
	struct mem_cgroup *memcg;
	struct intnet_pcpu_stats __percpu *stats;
};

/* What a port is attached with (PORT_ADD). */
struct intnet_port_settings {
	bool up;
	bool promisc;
	bool isolated;
	bool dhcp_server;
	bool uplink;
	u32 flood_limit;
};

/*
 * The flood limit in effect, frames a second (0: none), on a port of @user
 * on @nw whose own limit is @limit: that, else the network's, else (auto)
 * INTNET_FLOOD_LIMIT_AUTO for a port of a user other than the owner.
 */
static inline u32 intnet_flood_rate_of(u32 limit, kuid_t user,
				       const struct intnet_network *nw)
{
	if (!limit)
		limit = READ_ONCE(nw->flood_limit);
	if (!limit)
		return uid_eq(user, nw->owner) ? 0 : INTNET_FLOOD_LIMIT_AUTO;
	return limit == INTNET_FLOOD_LIMIT_OFF ? 0 : limit;
}

static inline u32 intnet_flood_rate(const struct intnet_port *port,
				    const struct intnet_network *nw)
{
	return intnet_flood_rate_of(READ_ONCE(port->flood_limit), port->user,
				    nw);
}

/* The addresses a port may send from (iplock.c); replaced whole, under RCU. */
struct intnet_ip_lock {
	struct rcu_head rcu;
	u8 n4;
	u8 n6;
	__be32 v4[INTNET_PORT_IP_LOCK_MAX];
	struct in6_addr v6[INTNET_PORT_IP_LOCK_MAX];
};

/*
 * @addr as a number, as ether_addr_to_u64() has it, in two loads rather than
 * a loop of six: the packet path compares a MAC lock with it.
 */
static inline u64 intnet_mac_u64(const u8 *addr)
{
	return (u64)get_unaligned_be32(addr) << 16 | get_unaligned_be16(addr + 4);
}

/* What the FDB, one table for every network (fdb.c), is keyed by. */
struct intnet_fdb_key {
	struct intnet_network *nw;
	u8 addr[ETH_ALEN];
};

struct intnet_fdb_entry {
	struct rhash_head rhnode;
	struct list_head node;		/* in intnet_network.fdb_list */
	struct intnet_fdb_key key;
	bool is_static;
	bool locked;			/* a port's MAC lock; also static */
	/*
	 * A lock of the network's owner or an administrator binds the address
	 * to its port against every other port; another user's binds it only
	 * against that user's other ports, and gives way to a station of
	 * someone else who sends from it (fdb.c, learn()).
	 */
	bool exclusive;
	/* Changed under the FDB lock, read under RCU (a station move). */
	struct intnet_port __rcu *port;
	/* Refreshed on the packet path without the lock. */
	unsigned long updated;
	struct rcu_head rcu;
};

/* A required attribute is missing: say which, and why in words. */
#define INTNET_MISSING(extack, attrs, type, msg)                          \
	({                                                                \
		struct netlink_ext_ack *__ack = (extack);                 \
		bool __missing = NL_REQ_ATTR_CHECK(__ack, NULL, attrs, type); \
		if (__missing)                                            \
			NL_SET_ERR_MSG_MOD(__ack, msg);                   \
		__missing;                                                \
	})

/* How a request names a network: a name, and maybe its owner. */
struct intnet_net_ref {
	const char *name;
	bool has_owner;
	kuid_t owner;
};

/* Who sends a request: an administrator may do everything (access.c). */
struct intnet_caller {
	kuid_t uid;
	bool admin;
};

/* What tun says of a device (tap.c); owner and group invalid when unset. */
struct intnet_tap_ids {
	bool tun;			/* a device of the tun driver */
	bool tap;			/* ... in TAP (Ethernet) mode */
	kuid_t owner;
	kgid_t group;
};

/* access.c: who may do what */
struct intnet_caller intnet_caller_of(const struct sk_buff *skb,
				      struct net *net);
bool intnet_owns_net(const struct intnet_caller *c,
		     const struct intnet_network *nw);
bool intnet_sees_net(const struct intnet_caller *c,
		     const struct intnet_network *nw);
bool intnet_sees_port(const struct intnet_caller *c,
		      const struct intnet_port *port);
struct intnet_network *intnet_resolve(const struct intnet_caller *c,
				      struct net *net, const char *name,
				      const kuid_t *owner, kuid_t user);
int intnet_may_create(const struct intnet_caller *c, struct net *net,
		      kuid_t owner, struct netlink_ext_ack *extack);
int intnet_may_change_net(const struct intnet_caller *c,
			  const struct intnet_network *nw,
			  struct netlink_ext_ack *extack);
int intnet_may_set(const struct intnet_caller *c, struct nlattr **attrs,
		   struct netlink_ext_ack *extack);
int intnet_port_user(const struct intnet_caller *c, struct net_device *dev,
		     const struct intnet_tap_ids *ids, struct nlattr *user_attr,
		     kuid_t *user, struct netlink_ext_ack *extack);
int intnet_may_join(const struct intnet_caller *c, struct net *net,
		    const struct intnet_network *nw, kuid_t user, bool promisc,
		    struct netlink_ext_ack *extack);
bool intnet_admits(const struct intnet_network *nw, kuid_t user);
int intnet_may_add_port(const struct intnet_caller *c, struct net *net,
			kuid_t user, struct netlink_ext_ack *extack);
int intnet_may_promisc(const struct intnet_caller *c,
		       const struct intnet_network *nw,
		       struct netlink_ext_ack *extack);
int intnet_may_isolate(const struct intnet_caller *c,
		       const struct intnet_network *nw,
		       struct netlink_ext_ack *extack);
int intnet_may_flood_limit(const struct intnet_caller *c,
			   const struct intnet_network *nw, kuid_t user,
			   struct nlattr *a, struct netlink_ext_ack *extack);
int intnet_may_ip_lock(const struct intnet_caller *c,
		       const struct intnet_network *nw,
		       struct netlink_ext_ack *extack);
int intnet_may_change_fdb(const struct intnet_caller *c,
			  const struct intnet_network *nw,
			  struct netlink_ext_ack *extack);
int intnet_may_monitor(const struct intnet_caller *c, unsigned int held,
		       struct netlink_ext_ack *extack);

/* request.c: what a request names, found for the caller */
int intnet_req_net_ref(struct nlattr **attrs, struct netlink_ext_ack *extack,
		       struct intnet_net_ref *r);
struct intnet_network *intnet_req_network(struct net *net, struct nlattr **attrs,
					  const struct intnet_caller *c,
					  struct netlink_ext_ack *extack);
struct intnet_network *intnet_req_join_network(struct net *net,
					       const struct intnet_caller *c,
					       const struct intnet_net_ref *r,
					       kuid_t user, struct nlattr **attrs,
					       struct netlink_ext_ack *extack);
struct net_device *intnet_req_device(struct net *net, struct nlattr **attrs,
				     struct netlink_ext_ack *extack);
struct intnet_port *intnet_req_port(struct net *net, struct nlattr **attrs,
				    const struct intnet_caller *c,
				    struct netlink_ext_ack *extack);
struct intnet_network *intnet_req_fdb_network(struct net *net,
					      struct nlattr **attrs,
					      const struct intnet_caller *c,
					      struct netlink_ext_ack *extack);
struct intnet_port *intnet_req_fdb_port(struct net *net, struct nlattr **attrs,
					const struct intnet_caller *c,
					struct netlink_ext_ack *extack);
bool intnet_req_flag(struct nlattr **attrs, int type, bool dflt);
int intnet_req_lock_mac(struct nlattr **attrs, bool *given, const u8 **addr,
			struct netlink_ext_ack *extack);

/* network.c */
int intnet_network_init(void);
void intnet_network_exit(void);
struct intnet_pernet *intnet_pernet(struct net *net);
bool intnet_name_valid(const char *name);
struct intnet_network *intnet_network_find(struct net *net, kuid_t owner,
					   const char *name);
struct intnet_network *intnet_network_create(struct net *net, const char *name,
					     kuid_t owner, bool explicit);
void intnet_network_destroy(struct intnet_network *nw);
void intnet_network_put_implicit(struct intnet_network *nw);
unsigned int intnet_network_count_owned(struct net *net, kuid_t owner);
unsigned int intnet_ports_of_user(struct net *net, kuid_t user);
void intnet_pernet_changed(struct net *net);
int intnet_network_check(struct nlattr **attrs, struct netlink_ext_ack *extack);
int intnet_flood_limit_check(struct nlattr *a, struct netlink_ext_ack *extack);
void intnet_network_apply(struct intnet_network *nw, struct nlattr **attrs);
int intnet_network_fill(struct sk_buff *msg, struct intnet_network *nw,
			struct user_namespace *ns);
size_t intnet_network_msg_size(void);
#define intnet_for_each_network(pn, bkt, nw) \
	hash_for_each((pn)->nets, bkt, nw, node)

/* tap.c */
int intnet_tap_ids(struct net_device *dev, struct intnet_tap_ids *ids);
int intnet_tap_init(void);
void intnet_tap_exit(void);

/* port.c */
int intnet_port_check_kind(struct net_device *dev,
			   const struct intnet_tap_ids *ids,
			   struct netlink_ext_ack *extack);
struct intnet_port *intnet_port_add(struct intnet_network *nw,
				    struct net_device *dev, kuid_t user,
				    const struct intnet_tap_ids *ids,
				    const struct intnet_port_settings *set,
				    struct netlink_ext_ack *extack);
void intnet_port_del(struct intnet_port *port);
bool intnet_port_follow_tap(struct intnet_port *port);
struct intnet_port *intnet_port_get_rtnl(const struct net_device *dev);
void intnet_port_set_up(struct intnet_port *port, bool up);
void intnet_port_set_promisc(struct intnet_port *port, bool promisc);
void intnet_port_set_isolated(struct intnet_port *port, bool isolated);
void intnet_port_set_flood_limit(struct intnet_port *port, u32 limit);
void intnet_port_set_dhcp_server(struct intnet_port *port, bool on);
int intnet_port_name_put(struct sk_buff *msg, int attr,
			 const struct intnet_port *port);
int intnet_port_fill(struct sk_buff *msg, struct intnet_port *port,
		     struct user_namespace *ns);
size_t intnet_port_msg_size(void);
int intnet_notifier_init(void);
void intnet_notifier_exit(void);

/* Whether frames can leave through @port's device now: up, with a carrier. */
static inline bool intnet_port_dev_ok(const struct intnet_port *port)
{
	return netif_running(port->dev) && netif_carrier_ok(port->dev);
}

/* fdb.c */
void intnet_fdb_init(struct intnet_network *nw);
void intnet_fdb_destroy(struct intnet_network *nw);
struct intnet_fdb_entry *intnet_fdb_lookup(struct intnet_network *nw,
					   const u8 *addr);
struct intnet_fdb_entry *intnet_fdb_lookup_fill(struct intnet_network *nw,
						struct intnet_fdb_cache *c,
						const u8 *addr,
						unsigned long removed);
bool intnet_fdb_learn(struct intnet_port *port, const u8 *addr);
void intnet_fdb_learn_wire(struct intnet_port *port, const u8 *addr);
int intnet_fdb_lock_check(struct intnet_network *nw, kuid_t user,
			  const u8 *addr, bool displace_any,
			  struct netlink_ext_ack *extack);
int intnet_fdb_lock(struct intnet_port *port, const u8 *addr,
		    bool displace_any, struct netlink_ext_ack *extack);
int intnet_fdb_add_static(struct intnet_port *port, const u8 *addr,
			  struct netlink_ext_ack *extack);
int intnet_fdb_del(struct intnet_network *nw, const u8 *addr,
		   struct netlink_ext_ack *extack);
void intnet_fdb_flush(struct intnet_network *nw, struct intnet_port *port);
void intnet_fdb_port_gone(struct intnet_port *port);
void intnet_fdb_set_ageing(struct intnet_network *nw);
struct intnet_share *intnet_share_get(struct intnet_network *nw, kuid_t user);
void intnet_share_put(struct intnet_network *nw, struct intnet_share *share);
void intnet_fdb_changed(struct intnet_network *nw);
int intnet_fdb_fill(struct sk_buff *msg, struct intnet_network *nw,
		    struct intnet_fdb_entry *e, struct user_namespace *ns);
size_t intnet_fdb_msg_size(void);
int intnet_fdb_event_fill(struct sk_buff *msg, struct intnet_network *nw,
			  struct intnet_fdb_entry *e, u8 why,
			  struct intnet_port *port, struct intnet_port *prev,
			  struct user_namespace *ns);
size_t intnet_fdb_event_size(void);
int intnet_fdb_cache_init(void);
void intnet_fdb_cache_exit(void);

/* @port's lookup caches on this CPU (the packet path, BH off). */
static inline struct intnet_pcpu_stats *intnet_port_cpu(struct intnet_port *port)
{
	return this_cpu_ptr(port->stats);
}

/*
 * intnet_fdb_lookup() in @port's network through @c, one of the port's caches
 * on this CPU: the entry found last is the answer again while no entry has left
 * the table since (an entry in it keeps its address; its port may change, and
 * the caller reads that). Under RCU with BH off. The count is read before the
 * cached entry is used: an entry removed after that is not freed before the
 * RCU section ends, and one removed before has a count that differs.
 */
static inline struct intnet_fdb_entry *
intnet_fdb_lookup_cached(struct intnet_port *port, struct intnet_fdb_cache *c,
			 const u8 *addr)
{
	struct intnet_network *nw = port->network;
	/* Pairs with entry_unlink(): a miss's lookup cannot find an entry
	 * whose removal this count includes.
	 */
	unsigned long removed = smp_load_acquire(&nw->fdb_removed);
	struct intnet_fdb_entry *e = READ_ONCE(c->e);

	if (likely(e && READ_ONCE(c->removed) == removed &&
		   ether_addr_equal(e->key.addr, addr)))
		return e;
	return intnet_fdb_lookup_fill(nw, c, addr, removed);
}

/* iplock.c */
int intnet_ip_lock_parse(const struct nlattr *nest,
			 struct intnet_ip_lock **lockp,
			 struct netlink_ext_ack *extack);
int intnet_ip_lock_check(const struct intnet_network *nw,
			 const struct intnet_ip_lock *l,
			 struct netlink_ext_ack *extack);
int intnet_ip_table_build(const struct intnet_network *nw,
			  const struct intnet_port *port,
			  const struct intnet_ip_lock *l,
			  struct intnet_ip_table **tp,
			  struct netlink_ext_ack *extack);
void intnet_ip_table_publish(struct intnet_network *nw,
			     struct intnet_ip_table **tp);
void intnet_ip_table_port_gone(struct intnet_port *port);
void intnet_ip_table_free(struct intnet_network *nw);
void intnet_ip_lock_publish(struct intnet_port *port,
			    struct intnet_ip_lock **lockp,
			    struct intnet_ip_table **tp);
int intnet_ip_lock_put(struct sk_buff *msg, const struct intnet_port *port);
size_t intnet_ip_lock_size(void);
enum intnet_stats intnet_ip_verdict(const struct intnet_port *port,
				    const struct intnet_ip_table *t,
				    const struct sk_buff *skb);

/* forward.c */
void intnet_port_rx_to(struct intnet_port *port, struct sk_buff *skb,
		       struct intnet_fdb_entry *dest);
rx_handler_result_t intnet_handle_frame(struct sk_buff **pskb);

/* A frame @port received, to be switched (intnet_port_rx_to()). */
static inline void intnet_port_rx(struct intnet_port *port, struct sk_buff *skb)
{
	intnet_port_rx_to(port, skb, NULL);
}

/* uplink.c */
int intnet_uplink_check(const struct intnet_caller *c, struct net_device *dev,
			const struct intnet_network *nw,
			struct netlink_ext_ack *extack);
int intnet_uplink_attach(struct intnet_port *port,
			 struct netlink_ext_ack *extack);
void intnet_uplink_detach(struct intnet_port *port);
rx_handler_result_t intnet_uplink_handle_frame(struct sk_buff **pskb);
int intnet_uplink_xmit(struct intnet_port *port, struct sk_buff *skb);
bool __intnet_uplink_may_learn(struct intnet_uplink *u,
			       const struct intnet_port *port, const u8 *addr,
			       const struct intnet_port *prev);
void intnet_uplink_fdb_changed(struct intnet_network *nw, const u8 *addr,
			       struct intnet_port *port,
			       struct intnet_port *prev);
bool intnet_uplink_uc_filter(const struct intnet_port *port);
struct intnet_uplink_peers *intnet_uplink_peers(struct intnet_network *nw);
bool intnet_uplink_is_peer(const struct intnet_uplink_peers *p,
			   const struct intnet_fdb_entry *e);
int intnet_uplink_options(bool promisc, const u8 *lock_mac,
			  const struct intnet_ip_lock *ip_lock,
			  struct netlink_ext_ack *extack);

/*
 * Whether @port may have @addr learned behind it, the entry behind @prev now
 * (NULL: none). Under RCU, or the FDB lock.
 */
static inline bool intnet_uplink_may_learn(const struct intnet_port *port,
					   const u8 *addr,
					   const struct intnet_port *prev)
{
	struct intnet_uplink *u = rcu_dereference_check(port->network->uplink,
			lockdep_is_held(&port->network->fdb_lock));

	return likely(!u) || __intnet_uplink_may_learn(u, port, addr, prev);
}

/* host.c */
bool intnet_is_host(const struct net_device *dev);
struct intnet_port *intnet_host_port_rtnl(const struct net_device *dev);
void intnet_host_set_port(struct net_device *dev, struct intnet_port *port);
void intnet_host_port_gone(struct net_device *dev, const u64 *sum);
void intnet_host_set_carrier(struct net_device *dev, bool on);
int intnet_host_receive(struct net_device *dev, struct sk_buff *skb);
int intnet_host_init(void);
void intnet_host_exit(void);

/* stats.c; counting happens in softirq context (BH off), so plain per-CPU writes. */
static inline void intnet_count(struct intnet_port *port, enum intnet_stats s)
{
	struct intnet_pcpu_stats *st = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->c[s]);
	u64_stats_update_end(&st->syncp);
}

static inline void intnet_count_len(struct intnet_port *port,
				    enum intnet_stats packets,
				    enum intnet_stats bytes, unsigned int len)
{
	struct intnet_pcpu_stats *st = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->c[packets]);
	u64_stats_add(&st->c[bytes], len);
	u64_stats_update_end(&st->syncp);
}

void intnet_stats_port_sum(const struct intnet_port *port, u64 *sum);
void intnet_stats_network_sum(const struct intnet_network *nw, u64 *sum);
int intnet_stats_put(struct sk_buff *msg, const u64 *sum);
size_t intnet_stats_size(void);

/* events.c */
#define INTNET_N_MCGRPS 3
extern const struct genl_multicast_group intnet_mcgrps[INTNET_N_MCGRPS];
int intnet_events_init(void);
void intnet_events_exit(void);
void intnet_events_start(const struct genl_family *family);
void intnet_events_stop(void);
void intnet_monitors_init(struct intnet_pernet *pn);
void intnet_monitors_exit(struct intnet_pernet *pn);
int intnet_monitor(struct net *net, const struct intnet_caller *c, u32 portid,
		   u32 groups, struct netlink_ext_ack *extack);
void intnet_event_net(struct intnet_network *nw, u8 cmd, bool was_public);
void intnet_event_port(struct intnet_port *port, u8 cmd);
void intnet_event_fdb(struct intnet_network *nw, struct intnet_fdb_entry *e,
		      u8 cmd, u8 why, struct intnet_port *prev);

/* netlink.c */
int intnet_genl_init(void);
void intnet_genl_exit(void);

#endif /* _INTNET_H */
