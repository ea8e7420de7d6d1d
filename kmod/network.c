// SPDX-License-Identifier: GPL-2.0
/* intnet: networks, the named switches of a network namespace, and their lifetime. */

#include <linux/jhash.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "intnet.h"

bool intnet_name_valid(const char *name)
{
	size_t len = strnlen(name, INTNET_NAME_MAX + 1);
	size_t i;

	if (len == 0 || len > INTNET_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return false;
	return true;
}

static struct hlist_head *bucket(struct intnet_pernet *pn, const char *name)
{
	u32 h = jhash(name, strlen(name), 0);

	return &pn->nets[h % ARRAY_SIZE(pn->nets)];
}

void intnet_pernet_changed(struct net *net)
{
	intnet_pernet(net)->gen++;
}

struct intnet_network *intnet_network_find(struct net *net, const char *name)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;

	ASSERT_RTNL();
	hlist_for_each_entry(nw, bucket(pn, name), node)
		if (!strcmp(nw->name, name))
			return nw;
	return NULL;
}

struct intnet_network *intnet_network_create(struct net *net, const char *name,
					     kuid_t owner, bool explicit)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;

	ASSERT_RTNL();
	nw = kzalloc(sizeof(*nw), GFP_KERNEL);
	if (!nw)
		return NULL;
	strscpy(nw->name, name, sizeof(nw->name));
	nw->net = net;
	nw->owner = owner;
	nw->explicit = explicit;
	nw->flood_unknown = true;
	nw->access = INTNET_ACCESS_RESTRICTED;
	nw->promisc_policy = INTNET_PROMISC_DENY;
	nw->ageing = INTNET_AGEING_DEFAULT;
	nw->fdb_max = INTNET_FDB_MAX_DEFAULT;
	INIT_LIST_HEAD(&nw->ports);
	if (intnet_fdb_init(nw)) {
		kfree(nw);
		return NULL;
	}
	hlist_add_head_rcu(&nw->node, bucket(pn, name));
	pn->n_nets++;
	pn->gen++;
	return nw;
}

/* Detaches every port, empties the FDB, and frees the network after a grace period. */
void intnet_network_destroy(struct intnet_network *nw)
{
	struct intnet_pernet *pn = intnet_pernet(nw->net);
	struct intnet_port *port, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(port, tmp, &nw->ports, node)
		intnet_port_del(port);
	intnet_event_net(nw, INTNET_CMD_NET_DEL, false);
	hlist_del_rcu(&nw->node);
	pn->n_nets--;
	pn->gen++;
	intnet_fdb_destroy(nw);
	kfree_rcu(nw, rcu);
}

/* An implicit network lives while it has ports. */
void intnet_network_put_implicit(struct intnet_network *nw)
{
	ASSERT_RTNL();
	if (!nw->explicit && !nw->n_ports)
		intnet_network_destroy(nw);
}

/* How many networks of @net @owner owns (for the per-user quota). */
unsigned int intnet_network_count_owned(struct net *net, kuid_t owner)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;
	unsigned int i, n = 0;

	ASSERT_RTNL();
	for (i = 0; i < ARRAY_SIZE(pn->nets); i++)
		hlist_for_each_entry(nw, &pn->nets[i], node)
			n += uid_eq(nw->owner, owner);
	return n;
}

void intnet_pernet_exit(struct net *net)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;
	struct hlist_node *tmp;
	unsigned int i;

	ASSERT_RTNL();
	for (i = 0; i < ARRAY_SIZE(pn->nets); i++)
		hlist_for_each_entry_safe(nw, tmp, &pn->nets[i], node)
			intnet_network_destroy(nw);
}
