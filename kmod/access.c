// SPDX-License-Identifier: GPL-2.0
/*
 * intnet: who may do what. Every rule of access lives here; the request
 * handlers ask, and never compare identities themselves. Identities are
 * kuids and kgids from the kernel's own objects (the caller's credentials,
 * the TAP's owner and group as tun keeps them), never numbers printed in
 * somebody's user namespace.
 */

#include <linux/cred.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "intnet.h"

/* What one user who is not an administrator may have per network namespace. */
static unsigned int max_networks_per_user __read_mostly = 64;
module_param(max_networks_per_user, uint, 0644);
MODULE_PARM_DESC(max_networks_per_user,
		 "networks a user without CAP_NET_ADMIN may own per network namespace (default 64)");

static unsigned int max_ports_per_user __read_mostly = 64;
module_param(max_ports_per_user, uint, 0644);
MODULE_PARM_DESC(max_ports_per_user,
		 "ports a user without CAP_NET_ADMIN may have per network namespace (default 64)");

static unsigned int max_monitors_per_user __read_mostly = 64;
module_param(max_monitors_per_user, uint, 0644);
MODULE_PARM_DESC(max_monitors_per_user,
		 "sockets of a user without CAP_NET_ADMIN that may subscribe to events per network namespace (default 64)");

/* A refusal for want of a right: EPERM with the reason. */
#define DENY(extack, msg)                          \
	({                                         \
		NL_SET_ERR_MSG_MOD((extack), msg); \
		-EPERM;                            \
	})

/* A quota reached: EDQUOT with the reason. */
#define QUOTA(extack, msg)                         \
	({                                         \
		NL_SET_ERR_MSG_MOD((extack), msg); \
		-EDQUOT;                           \
	})

/*
 * An administrator has CAP_NET_ADMIN over the user namespace that owns the
 * request's network namespace (checked on the socket's opener and the sender,
 * as netlink does); anyone else acts as their effective uid.
 */
struct intnet_caller intnet_caller_of(const struct sk_buff *skb,
				      struct net *net)
{
	return (struct intnet_caller){
		.uid = current_euid(),
		.admin = netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN),
	};
}

bool intnet_owns_net(const struct intnet_caller *c,
		     const struct intnet_network *nw)
{
	return c->admin || uid_eq(c->uid, nw->owner);
}

bool intnet_sees_net(const struct intnet_caller *c,
		     const struct intnet_network *nw)
{
	return intnet_owns_net(c, nw) ||
	       READ_ONCE(nw->access) == INTNET_ACCESS_PUBLIC;
}

/* Seeing a port is also the right to change or detach it. */
bool intnet_sees_port(const struct intnet_caller *c,
		      const struct intnet_port *port)
{
	return intnet_owns_net(c, port->network) || uid_eq(c->uid, port->user);
}

/* The root user of @net's user namespace: whose networks everyone may name. */
static kuid_t root_of(const struct net *net)
{
	return make_kuid(net->user_ns, 0);
}

/*
 * The network a request names: @owner's if given; else @user's own (the
 * caller's, or for a port the port's user), else the namespace root's if it
 * is public or the caller an administrator. NULL if none; the caller still
 * checks that it may see what it got. RTNL held.
 */
struct intnet_network *intnet_resolve(const struct intnet_caller *c,
				      struct net *net, const char *name,
				      const kuid_t *owner, kuid_t user)
{
	struct intnet_network *nw;
	kuid_t root;

	if (owner)
		return intnet_network_find(net, *owner, name);
	nw = intnet_network_find(net, user, name);
	if (nw)
		return nw;
	root = root_of(net);
	if (!uid_valid(root) || uid_eq(root, user))
		return NULL;
	nw = intnet_network_find(net, root, name);
	if (nw && (c->admin || READ_ONCE(nw->access) == INTNET_ACCESS_PUBLIC))
		return nw;
	return NULL;
}

/* Whether the caller may make a network owned by @owner (NULL-free quota). */
int intnet_may_create(const struct intnet_caller *c, struct net *net,
		      kuid_t owner, struct netlink_ext_ack *extack)
{
	if (c->admin)
		return 0;
	if (!uid_eq(owner, c->uid))
		return DENY(extack,
			    "only an administrator can make a network for another user");
	if (intnet_network_count_owned(net, owner) <
	    READ_ONCE(max_networks_per_user))
		return 0;
	return QUOTA(extack,
		     "you own as many networks as max_networks_per_user allows");
}

int intnet_may_change_net(const struct intnet_caller *c,
			  const struct intnet_network *nw,
			  struct netlink_ext_ack *extack)
{
	if (intnet_owns_net(c, nw))
		return 0;
	return DENY(extack, "only the network's owner can change it");
}

/*
 * Settings only an administrator may give: a table larger than the default
 * would let a user pin that much kernel memory per network.
 */
int intnet_may_set(const struct intnet_caller *c, struct nlattr **attrs,
		   struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[INTNET_ATTR_NET_FDB_MAX];

	if (c->admin || !a || nla_get_u32(a) <= INTNET_FDB_MAX_DEFAULT)
		return 0;
	return DENY(extack,
		    "only an administrator can set fdb-max above 16384");
}

/*
 * tun's own rule for opening a TAP: its owner, if set, is the caller, and the
 * caller is in its group, if set. A TAP with neither is an administrator's
 * (whatever the kernel's tun makes of it).
 */
static bool may_use_tap(const struct intnet_caller *c,
			const struct intnet_tap_ids *ids)
{
	if (!uid_valid(ids->owner) && !gid_valid(ids->group))
		return false;
	if (uid_valid(ids->owner) && !uid_eq(ids->owner, c->uid))
		return false;
	return !gid_valid(ids->group) || in_egroup_p(ids->group);
}

/*
 * Whose port @dev becomes: the user an administrator names, else the TAP's
 * owner, else the caller; and whether the caller may attach @dev at all.
 */
int intnet_port_user(const struct intnet_caller *c, struct net_device *dev,
		     const struct intnet_tap_ids *ids, struct nlattr *user_attr,
		     kuid_t *user, struct netlink_ext_ack *extack)
{
	if (user_attr && !c->admin)
		return DENY(extack,
			    "only an administrator can attach a port for another user");
	if (user_attr) {
		*user = make_kuid(current_user_ns(), nla_get_u32(user_attr));
		if (!uid_valid(*user)) {
			NL_SET_ERR_MSG_ATTR(extack, user_attr,
					    "the user has no mapping in this user namespace");
			return -EINVAL;
		}
		return 0;
	}
	*user = uid_valid(ids->owner) ? ids->owner : c->uid;
	if (c->admin)
		return 0;
	if (!ids->tap)
		return DENY(extack,
			    "only an administrator can attach a device that is not a TAP");
	if (!may_use_tap(c, ids))
		return DENY(extack, "the TAP belongs to another user");
	return 0;
}

/* Whether @nw takes ports of @user: its owner's, or anyone's if public. */
bool intnet_admits(const struct intnet_network *nw, kuid_t user)
{
	return READ_ONCE(nw->access) == INTNET_ACCESS_PUBLIC ||
	       uid_eq(nw->owner, user);
}

/*
 * Whether a port of @user, attached by the caller, may join @nw (NULL: a
 * network still to be made for @user), asking for promiscuous mode if
 * @promisc. Both the caller and the port's user must be admitted.
 */
int intnet_may_join(const struct intnet_caller *c, struct net *net,
		    const struct intnet_network *nw, kuid_t user, bool promisc,
		    struct netlink_ext_ack *extack)
{
	int err;

	if (c->admin)
		return 0;
	if (!nw) {
		err = intnet_may_create(c, net, user, extack);
		if (err)
			return err;
	} else if (!intnet_admits(nw, user) || !intnet_admits(nw, c->uid)) {
		return DENY(extack,
			    "the network is restricted to its owner's ports");
	}
	if (promisc && (!nw || READ_ONCE(nw->promisc_policy) ==
				       INTNET_PROMISC_DENY))
		return DENY(extack, "the network's promiscuous policy is deny");
	return 0;
}

/* Whether the caller may attach one more port for @user. */
int intnet_may_add_port(const struct intnet_caller *c, struct net *net,
			kuid_t user, struct netlink_ext_ack *extack)
{
	if (c->admin ||
	    intnet_ports_of_user(net, user) < READ_ONCE(max_ports_per_user))
		return 0;
	return QUOTA(extack,
		     "you have as many ports as max_ports_per_user allows");
}

int intnet_may_promisc(const struct intnet_caller *c,
		       const struct intnet_network *nw,
		       struct netlink_ext_ack *extack)
{
	if (c->admin ||
	    READ_ONCE(nw->promisc_policy) != INTNET_PROMISC_DENY)
		return 0;
	return DENY(extack, "the network's promiscuous policy is deny");
}

/*
 * Whether the caller may isolate a port on @nw, or make it reachable again:
 * the network's owner and administrators (NULL: the caller's network to be).
 */
int intnet_may_isolate(const struct intnet_caller *c,
		       const struct intnet_network *nw,
		       struct netlink_ext_ack *extack)
{
	if (!nw || intnet_owns_net(c, nw))
		return 0;
	return DENY(extack, "only the network's owner can isolate a port");
}

/*
 * Whether the caller may give a port of @user on @nw (NULL: the caller's
 * network to be) the flood limit @a (NULL: none asked): the network's owner
 * and administrators any; others may lower it, never raise it above what
 * the network gives the port.
 */
int intnet_may_flood_limit(const struct intnet_caller *c,
			   const struct intnet_network *nw, kuid_t user,
			   struct nlattr *a, struct netlink_ext_ack *extack)
{
	u32 cap, rate;

	if (!a || !nw || intnet_owns_net(c, nw))
		return 0;
	/* The rates the port would have: with the limit asked, and with none. */
	rate = intnet_flood_rate_of(nla_get_u32(a), user, nw);
	cap = intnet_flood_rate_of(0, user, nw);
	if (cap && (!rate || rate > cap))
		return DENY(extack,
			    "only the network's owner can raise a port's flood limit above the network's");
	return 0;
}

/*
 * Whether the caller may change a port's IP lock or DHCP server setting on
 * @nw (NULL: the caller's network to be): the network's owner and
 * administrators.
 */
int intnet_may_ip_lock(const struct intnet_caller *c,
		       const struct intnet_network *nw,
		       struct netlink_ext_ack *extack)
{
	if (!nw || intnet_owns_net(c, nw))
		return 0;
	return DENY(extack,
		    "only the network's owner can change a port's IP locks or DHCP server setting");
}

int intnet_may_change_fdb(const struct intnet_caller *c,
			  const struct intnet_network *nw,
			  struct netlink_ext_ack *extack)
{
	if (intnet_owns_net(c, nw))
		return 0;
	return DENY(extack, "only the network's owner can change its FDB");
}

/* Whether the caller, holding @held subscriptions, may hold one more. */
int intnet_may_monitor(const struct intnet_caller *c, unsigned int held,
		       struct netlink_ext_ack *extack)
{
	if (c->admin || held < READ_ONCE(max_monitors_per_user))
		return 0;
	return QUOTA(extack,
		     "you have as many subscriptions as max_monitors_per_user allows");
}
