// SPDX-License-Identifier: GPL-2.0
/* intnet: networks, the named switches of a network namespace, and their lifetime. */

#include <linux/jhash.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "intnet.h"

/* Printable ASCII without space, and without '/', which tools put between a
 * network's owner and its name.
 */
bool intnet_name_valid(const char *name)
{
	size_t len = strnlen(name, INTNET_NAME_MAX + 1);
	size_t i;

	if (len == 0 || len > INTNET_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '/')
			return false;
	return true;
}

static u32 key_of(kuid_t owner, const char *name)
{
	return jhash(name, strlen(name), __kuid_val(owner));
}

void intnet_pernet_changed(struct net *net)
{
	intnet_pernet(net)->gen++;
}

struct intnet_network *intnet_network_find(struct net *net, kuid_t owner,
					   const char *name)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;

	ASSERT_RTNL();
	hash_for_each_possible(pn->nets, nw, node, key_of(owner, name))
		if (uid_eq(nw->owner, owner) && !strcmp(nw->name, name))
			return nw;
	return NULL;
}

struct intnet_network *intnet_network_create(struct net *net, const char *name,
					     kuid_t owner, bool explicit)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;

	ASSERT_RTNL();
	/* Charged to the caller's memory cgroup, as is all a request allocates. */
	nw = kzalloc(sizeof(*nw), GFP_KERNEL_ACCOUNT);
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
	INIT_LIST_HEAD(&nw->shares);
	if (intnet_fdb_init(nw)) {
		kfree(nw);
		return NULL;
	}
	hash_add(pn->nets, &nw->node, key_of(owner, name));
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
	hash_del(&nw->node);
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
	unsigned int bkt, n = 0;

	ASSERT_RTNL();
	intnet_for_each_network(pn, bkt, nw)
		n += uid_eq(nw->owner, owner);
	return n;
}

/* How many ports of @net are @user's (for the per-user quota). */
unsigned int intnet_ports_of_user(struct net *net, kuid_t user)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;
	struct intnet_share *sh;
	unsigned int bkt, n = 0;

	ASSERT_RTNL();
	intnet_for_each_network(pn, bkt, nw)
		list_for_each_entry(sh, &nw->shares, node)
			if (uid_eq(sh->user, user))
				n += sh->ports;
	return n;
}

void intnet_pernet_init(struct net *net)
{
	struct intnet_pernet *pn = intnet_pernet(net);

	hash_init(pn->nets);
	/* A dump's sequence 0 would mean "no generation yet". */
	pn->gen = 1;
	atomic_set(&pn->fdb_gen, 0);
	intnet_monitors_init(pn);
}

void intnet_pernet_exit(struct net *net)
{
	struct intnet_pernet *pn = intnet_pernet(net);
	struct intnet_network *nw;
	struct hlist_node *tmp;
	unsigned int bkt;

	ASSERT_RTNL();
	hash_for_each_safe(pn->nets, bkt, tmp, nw, node)
		intnet_network_destroy(nw);
}
