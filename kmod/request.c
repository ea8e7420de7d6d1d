// SPDX-License-Identifier: GPL-2.0
/*
 * intnet: what a request names (a network by owner and name, a device, a port,
 * a MAC lock), found for the caller; each refusal says what is wrong in the
 * extack, and what the caller may not see is answered as absent.
 */

#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "intnet.h"

int intnet_req_net_ref(struct nlattr **attrs, struct netlink_ext_ack *extack,
		       struct intnet_net_ref *r)
{
	struct nlattr *a = attrs[INTNET_ATTR_NET_NAME];
	struct nlattr *o = attrs[INTNET_ATTR_NET_OWNER];

	if (INTNET_MISSING(extack, attrs, INTNET_ATTR_NET_NAME,
			   "a network name is required"))
		return -EINVAL;
	if (!intnet_name_valid(nla_data(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a network name is 1 to 127 printable ASCII characters without spaces or slashes");
		return -EINVAL;
	}
	r->name = nla_data(a);
	r->has_owner = o;
	if (!o)
		return 0;
	r->owner = make_kuid(current_user_ns(), nla_get_u32(o));
	if (!uid_valid(r->owner)) {
		NL_SET_ERR_MSG_ATTR(extack, o,
				    "the owner has no mapping in this user namespace");
		return -EINVAL;
	}
	return 0;
}

static struct intnet_network *resolve(struct net *net,
				      const struct intnet_caller *c,
				      const struct intnet_net_ref *r,
				      kuid_t user)
{
	return intnet_resolve(c, net, r->name, r->has_owner ? &r->owner : NULL,
			      user);
}

static struct intnet_network *no_network(struct nlattr **attrs,
					 struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG_ATTR(extack, attrs[INTNET_ATTR_NET_NAME],
			    "no such network");
	return ERR_PTR(-ENOENT);
}

/* The network a request names, if the caller may see it. */
struct intnet_network *intnet_req_network(struct net *net, struct nlattr **attrs,
					  const struct intnet_caller *c,
					  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw;
	struct intnet_net_ref r;
	int err;

	err = intnet_req_net_ref(attrs, extack, &r);
	if (err)
		return ERR_PTR(err);
	nw = resolve(net, c, &r, c->uid);
	if (!nw || !intnet_sees_net(c, nw))
		return no_network(attrs, extack);
	return nw;
}

struct net_device *intnet_req_device(struct net *net, struct nlattr **attrs,
				     struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	if (INTNET_MISSING(extack, attrs, INTNET_ATTR_IFINDEX,
			   "a device (ifindex) is required"))
		return ERR_PTR(-EINVAL);
	dev = __dev_get_by_index(net, nla_get_u32(attrs[INTNET_ATTR_IFINDEX]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[INTNET_ATTR_IFINDEX],
				    "no such device in this network namespace");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

struct intnet_port *intnet_req_port(struct net *net, struct nlattr **attrs,
				    const struct intnet_caller *c,
				    struct netlink_ext_ack *extack)
{
	struct intnet_port *port;
	struct net_device *dev;

	dev = intnet_req_device(net, attrs, extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	port = intnet_port_get_rtnl(dev);
	if (port && intnet_port_follow_tap(port))
		port = NULL;
	if (!port || !intnet_sees_port(c, port)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[INTNET_ATTR_IFINDEX],
				    "the device is not a port");
		return ERR_PTR(-ENOENT);
	}
	return port;
}

bool intnet_req_flag(struct nlattr **attrs, int type, bool dflt)
{
	return attrs[type] ? nla_get_u8(attrs[type]) : dflt;
}

/*
 * A MAC lock in a request: *@addr is the address, or NULL to unlock (all
 * zeros); *@given says whether the request has one at all.
 */
int intnet_req_lock_mac(struct nlattr **attrs, bool *given, const u8 **addr,
			struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[INTNET_ATTR_PORT_LOCK_MAC];

	*given = a;
	*addr = NULL;
	if (!a || is_zero_ether_addr(nla_data(a)))
		return 0;
	if (!is_valid_ether_addr(nla_data(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a MAC lock needs a unicast address (00:00:00:00:00:00 unlocks)");
		return -EINVAL;
	}
	*addr = nla_data(a);
	return 0;
}

/*
 * The network a port of @user joins: the one the request names, if the
 * caller may see it; NULL if it is to be made (for @user, or the named
 * owner if an administrator names one).
 */
struct intnet_network *intnet_req_join_network(struct net *net,
					       const struct intnet_caller *c,
					       const struct intnet_net_ref *r,
					       kuid_t user, struct nlattr **attrs,
					       struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = resolve(net, c, r, user);

	if (nw)
		return intnet_sees_net(c, nw) ? nw : no_network(attrs, extack);
	if (intnet_req_flag(attrs, INTNET_ATTR_PORT_NO_CREATE, false) ||
	    (r->has_owner && !c->admin && !uid_eq(r->owner, user)))
		return no_network(attrs, extack);
	return NULL;
}

/* The network whose FDB a request changes, if the caller may. */
struct intnet_network *intnet_req_fdb_network(struct net *net,
					      struct nlattr **attrs,
					      const struct intnet_caller *c,
					      struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = intnet_req_network(net, attrs, c, extack);
	int err;

	if (IS_ERR(nw))
		return nw;
	err = intnet_may_change_fdb(c, nw, extack);
	return err ? ERR_PTR(err) : nw;
}

/* The port a request changes the FDB of (or behind), if the caller may. */
struct intnet_port *intnet_req_fdb_port(struct net *net, struct nlattr **attrs,
					const struct intnet_caller *c,
					struct netlink_ext_ack *extack)
{
	struct intnet_port *port = intnet_req_port(net, attrs, c, extack);
	int err;

	if (IS_ERR(port))
		return port;
	err = intnet_may_change_fdb(c, port->network, extack);
	return err ? ERR_PTR(err) : port;
}

