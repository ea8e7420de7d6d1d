// SPDX-License-Identifier: GPL-2.0
/*
 * intnet: events: who listens (administrators on the multicast groups, users
 * by subscription), what each may hear, and sending what the objects fill.
 *
 * Administrators listen on the multicast groups "events" and "fdb", which
 * carry every event of the namespace (GENL_MCAST_CAP_NET_ADMIN keeps others
 * out). Anyone else subscribes with INTNET_CMD_MONITOR and gets the events of
 * what they may see as unicast copies, filtered here against the subscriber's
 * view.
 *
 * Why not one group filtered per listener: 6.12 could do that with
 * genlmsg_multicast_netns_filtered(), but 6.1 has neither it nor
 * netlink_broadcast_filtered(), and a compat version cannot be written outside
 * the netlink core. A filter would also have to judge a listener from its
 * socket alone (sk_uid is the creator's, the capability check needs the
 * opener's credentials) in softirq. So the module keeps its own list of
 * subscribers, judged by who subscribed, on every kernel: one code path,
 * tested the same way on each.
 *
 * Nothing is lost in silence: a full receive buffer is an overrun for the
 * listener (ENOBUFS), and an event the module cannot build or copy is
 * reported as ENOBUFS to the sockets of its group, and of the group
 * "monitor", which subscribers join to hear of losses (it carries nothing
 * else).
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "intnet.h"

/* Group numbers, in the order of intnet_mcgrps; the first two are also the
 * bit numbers of enum intnet_monitor.
 */
enum { GRP_EVENTS, GRP_FDB, GRP_MONITOR };
static_assert(BIT(GRP_EVENTS) == INTNET_MONITOR_OBJECTS);
static_assert(BIT(GRP_FDB) == INTNET_MONITOR_FDB);

const struct genl_multicast_group intnet_mcgrps[] = {
	[GRP_EVENTS] = { .name = INTNET_MCGRP_EVENTS,
			 .flags = GENL_MCAST_CAP_NET_ADMIN },
	[GRP_FDB] = { .name = INTNET_MCGRP_FDB,
		      .flags = GENL_MCAST_CAP_NET_ADMIN },
	[GRP_MONITOR] = { .name = INTNET_MCGRP_MONITOR },
};

static_assert(ARRAY_SIZE(intnet_mcgrps) == INTNET_N_MCGRPS);

struct intnet_listener {
	struct list_head node;		/* in intnet_pernet.monitors, RCU */
	struct intnet_caller caller;	/* as it was when subscribing */
	u32 portid;
	u32 groups;			/* enum intnet_monitor */
	struct rcu_head rcu;
};

/* The family, while it is registered (NULL at module load and unload). */
static const struct genl_family *family;

/* What an event is about, to build it and to tell who may see it. */
struct event_obj {
	u8 cmd;
	struct intnet_network *nw;
	struct intnet_port *port;	/* port and FDB events */
	struct intnet_fdb_entry *e;	/* FDB events */
	u8 why;				/* enum intnet_fdb_event */
	struct intnet_port *prev;	/* an FDB move: where the entry was */
	bool was_public;		/* a NET_SET that restricted it */
};

/*
 * The message each listener gets: the event as it is, or of a station move
 * between ports of two users, what one of them may see of it: the entry's
 * arrival at the port they see (without where it was), or its departure from
 * there (an FDB_DEL).
 */
enum event_view { VIEW_ALL, VIEW_TO, VIEW_FROM, N_VIEWS, VIEW_NONE = N_VIEWS };

static enum event_view view_of(const struct intnet_caller *c,
			       const struct event_obj *o)
{
	bool to, from;

	if (!o->port)
		return o->was_public || intnet_sees_net(c, o->nw) ? VIEW_ALL :
								    VIEW_NONE;
	to = intnet_sees_port(c, o->port);
	from = o->prev && intnet_sees_port(c, o->prev);
	if (to && (from || !o->prev))
		return VIEW_ALL;
	if (to)
		return VIEW_TO;
	return from ? VIEW_FROM : VIEW_NONE;
}

static const struct genl_family *heard(struct net *net, int grp)
{
	const struct genl_family *f = READ_ONCE(family);

	if (!f || (genl_has_listeners(f, net, grp) <= 0 &&
		   !atomic_read(&intnet_pernet(net)->n_monitors[grp])))
		return NULL;
	return f;
}

/* @o's message in view @v, or NULL if it cannot be built. */
static struct sk_buff *event_build(const struct genl_family *f,
				   const struct event_obj *o,
				   enum event_view v, gfp_t gfp)
{
	struct user_namespace *ns = o->nw->net->user_ns;
	u8 cmd = v == VIEW_FROM ? INTNET_CMD_FDB_DEL : o->cmd;
	struct sk_buff *msg;
	size_t size;
	void *hdr;
	int err;

	if (o->e)
		size = intnet_fdb_event_size();
	else if (o->port)
		size = intnet_port_msg_size();
	else
		size = intnet_network_msg_size();
	msg = genlmsg_new(size, gfp);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, f, 0, cmd);
	if (!hdr)
		goto fail;
	if (o->e)
		err = intnet_fdb_event_fill(msg, o->nw, o->e, o->why,
					    v == VIEW_FROM ? o->prev : o->port,
					    v == VIEW_ALL ? o->prev : NULL, ns);
	else if (o->port)
		err = intnet_port_fill(msg, o->port, ns);
	else
		err = intnet_network_fill(msg, o->nw, ns);
	/* The sizes are exact: a failure here is a bug. */
	if (WARN_ON_ONCE(err))
		goto fail;
	genlmsg_end(msg, hdr);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/*
 * Sends @o to the subscribers of @grp, each the view it may see, and to the
 * group (administrators: all of it). Nothing is built unless someone listens;
 * what cannot be built or copied is reported as lost.
 */
static void event_send(struct net *net, int grp, const struct event_obj *o,
		       gfp_t gfp)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct sk_buff *msg[N_VIEWS] = {}, *copy;
	const struct genl_family *f;
	struct intnet_listener *m;
	bool missed = false;
	enum event_view v;

	f = heard(net, grp);
	if (!f)
		return;
	if (atomic_read(&pn->n_monitors[grp])) {
		rcu_read_lock();
		list_for_each_entry_rcu(m, &pn->monitors, node) {
			if (!(m->groups & BIT(grp)))
				continue;
			v = view_of(&m->caller, o);
			if (v == VIEW_NONE)
				continue;
			if (!msg[v])
				msg[v] = event_build(f, o, v, GFP_ATOMIC);
			copy = msg[v] ? skb_clone(msg[v], GFP_ATOMIC) : NULL;
			if (copy)
				genlmsg_unicast(net, copy, m->portid);
			else
				missed = true;
		}
		rcu_read_unlock();
	}
	if (missed)
		genl_set_err(f, net, 0, GRP_MONITOR, -ENOBUFS);
	if (genl_has_listeners(f, net, grp) > 0) {
		if (!msg[VIEW_ALL])
			msg[VIEW_ALL] = event_build(f, o, VIEW_ALL, gfp);
		if (msg[VIEW_ALL])
			genlmsg_multicast_netns(f, net, msg[VIEW_ALL], 0, grp,
						gfp);
		else
			genl_set_err(f, net, 0, grp, -ENOBUFS);
		msg[VIEW_ALL] = NULL;
	}
	for (v = VIEW_ALL; v < N_VIEWS; v++)
		nlmsg_free(msg[v]);
}

/* NET_NEW, NET_SET or NET_DEL of @nw; RTNL held. */
void intnet_event_net(struct intnet_network *nw, u8 cmd, bool was_public)
{
	struct event_obj o = { .cmd = cmd, .nw = nw, .was_public = was_public };

	ASSERT_RTNL();
	if (cmd == INTNET_CMD_NET_NEW)
		nw->announced = true;
	else if (!nw->announced)
		return;
	event_send(nw->net, GRP_EVENTS, &o, GFP_KERNEL);
}

/* PORT_ADD, PORT_SET or PORT_DEL of @port; RTNL held. */
void intnet_event_port(struct intnet_port *port, u8 cmd)
{
	struct event_obj o = { .cmd = cmd, .nw = port->network, .port = port };

	ASSERT_RTNL();
	if (cmd == INTNET_CMD_PORT_ADD)
		port->announced = true;
	else if (!port->announced)
		return;
	event_send(port->network->net, GRP_EVENTS, &o, GFP_KERNEL);
}

/*
 * FDB_ADD or FDB_DEL of @e for reason @why (enum intnet_fdb_event); @prev is
 * where a moved entry was. Called under the FDB lock, from the packet path
 * too: atomic, and nothing is built unless someone listens.
 */
void intnet_event_fdb(struct intnet_network *nw, struct intnet_fdb_entry *e,
		      u8 cmd, u8 why, struct intnet_port *prev)
{
	struct event_obj o = {
		.cmd = cmd, .nw = nw, .e = e, .why = why, .prev = prev,
		.port = rcu_dereference_protected(e->port,
						  lockdep_is_held(&nw->fdb_lock)),
	};

	intnet_uplink_fdb_changed(nw, e->key.addr, o.port, prev);
	event_send(nw->net, GRP_FDB, &o, GFP_ATOMIC);
}

static void monitor_link(struct intnet_pernet *pn, struct intnet_listener *m)
{
	int grp;

	lockdep_assert_held(&pn->monitors_lock);
	list_add_tail_rcu(&m->node, &pn->monitors);
	for (grp = GRP_EVENTS; grp <= GRP_FDB; grp++)
		if (m->groups & BIT(grp))
			atomic_inc(&pn->n_monitors[grp]);
}

static void monitor_unlink(struct intnet_pernet *pn, struct intnet_listener *m)
{
	int grp;

	lockdep_assert_held(&pn->monitors_lock);
	list_del_rcu(&m->node);
	for (grp = GRP_EVENTS; grp <= GRP_FDB; grp++)
		if (m->groups & BIT(grp))
			atomic_dec(&pn->n_monitors[grp]);
	kfree_rcu(m, rcu);
}

/*
 * Subscribes the socket @portid of @net to @groups (enum intnet_monitor; 0
 * ends the subscription, a new one replaces the old), judged as @c.
 */
int intnet_monitor(struct net *net, const struct intnet_caller *c, u32 portid,
		   u32 groups, struct netlink_ext_ack *extack)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_listener *m, *old = NULL, *new = NULL;
	unsigned int n = 0;
	int err = 0;

	if (groups) {
		new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
		if (!new)
			return -ENOMEM;
		new->caller = *c;
		new->portid = portid;
		new->groups = groups;
	}
	spin_lock_bh(&pn->monitors_lock);
	list_for_each_entry(m, &pn->monitors, node) {
		if (m->portid == portid)
			old = m;
		else if (uid_eq(m->caller.uid, c->uid))
			n++;
	}
	if (new) {
		err = intnet_may_monitor(c, n, extack);
		if (err)
			goto unlock;
	}
	if (old)
		monitor_unlink(pn, old);
	if (new) {
		monitor_link(pn, new);
		new = NULL;
	}
unlock:
	spin_unlock_bh(&pn->monitors_lock);
	kfree(new);
	return err;
}

/* A subscription ends with its socket. */
static int monitor_release(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct netlink_notify *n = ptr;
	struct intnet_pernet *pn;
	struct intnet_listener *m;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	pn = intnet_pernet(n->net);
	spin_lock_bh(&pn->monitors_lock);
	list_for_each_entry(m, &pn->monitors, node) {
		if (m->portid == n->portid) {
			monitor_unlink(pn, m);
			break;
		}
	}
	spin_unlock_bh(&pn->monitors_lock);
	return NOTIFY_DONE;
}

static struct notifier_block monitor_notifier = {
	.notifier_call = monitor_release,
};

void intnet_monitors_init(struct intnet_pernet *pn)
{
	INIT_LIST_HEAD(&pn->monitors);
	spin_lock_init(&pn->monitors_lock);
}

/* The namespace goes; its sockets, and so its subscriptions, are gone already
 * unless the module is unloaded.
 */
void intnet_monitors_exit(struct intnet_pernet *pn)
{
	struct intnet_listener *m, *tmp;

	spin_lock_bh(&pn->monitors_lock);
	list_for_each_entry_safe(m, tmp, &pn->monitors, node)
		monitor_unlink(pn, m);
	spin_unlock_bh(&pn->monitors_lock);
}

int __init intnet_events_init(void)
{
	return netlink_register_notifier(&monitor_notifier);
}

/* The family is registered: events may go out. */
void intnet_events_start(const struct genl_family *f)
{
	WRITE_ONCE(family, f);
}

/*
 * Events stop, and whoever was sending one (under RTNL, or from the packet
 * path under RCU) is done before the family goes.
 */
void intnet_events_stop(void)
{
	WRITE_ONCE(family, NULL);
	rtnl_lock();
	rtnl_unlock();
	synchronize_net();
}

void intnet_events_exit(void)
{
	netlink_unregister_notifier(&monitor_notifier);
}
