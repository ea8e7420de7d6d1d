// SPDX-License-Identifier: GPL-2.0
/* intnet: the forwarding database of a network: learning, lookup, ageing, limits. */

#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "intnet.h"

static struct kmem_cache *fdb_cache;

static const struct rhashtable_params fdb_params = {
	.head_offset = offsetof(struct intnet_fdb_entry, rhnode),
	.key_offset = offsetof(struct intnet_fdb_entry, addr),
	.key_len = ETH_ALEN,
	.automatic_shrinking = true,
};

static void entry_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(fdb_cache,
			container_of(head, struct intnet_fdb_entry, rcu));
}

static void entry_remove(struct intnet_network *nw, struct intnet_fdb_entry *e)
{
	lockdep_assert_held(&nw->fdb_lock);
	rhashtable_remove_fast(&nw->fdb, &e->rhnode, fdb_params);
	list_del_rcu(&e->node);
	if (e->is_static)
		nw->fdb_static--;
	else
		nw->fdb_learned--;
	nw->fdb_gen++;
	call_rcu(&e->rcu, entry_free_rcu);
}

static bool entry_expired(const struct intnet_network *nw,
			  const struct intnet_fdb_entry *e, unsigned long now)
{
	return !e->is_static && nw->ageing &&
	       time_after_eq(now, READ_ONCE(e->updated) + nw->ageing * HZ);
}

/* Wakes at the earliest expiry rather than on a fixed tick. */
static void ageing_work(struct work_struct *work)
{
	struct intnet_network *nw = container_of(to_delayed_work(work),
						 struct intnet_network,
						 ageing_work);
	unsigned long now = jiffies, next = 0, expiry;
	struct intnet_fdb_entry *e, *tmp;
	bool any = false;

	spin_lock_bh(&nw->fdb_lock);
	list_for_each_entry_safe(e, tmp, &nw->fdb_list, node) {
		if (e->is_static || !nw->ageing)
			continue;
		if (entry_expired(nw, e, now)) {
			entry_remove(nw, e);
			continue;
		}
		expiry = READ_ONCE(e->updated) + nw->ageing * HZ;
		if (!any || time_before(expiry, next))
			next = expiry;
		any = true;
	}
	if (any)
		queue_delayed_work(system_power_efficient_wq, &nw->ageing_work,
				   next - now);
	spin_unlock_bh(&nw->fdb_lock);
}

int intnet_fdb_init(struct intnet_network *nw)
{
	spin_lock_init(&nw->fdb_lock);
	INIT_LIST_HEAD(&nw->fdb_list);
	INIT_DELAYED_WORK(&nw->ageing_work, ageing_work);
	return rhashtable_init(&nw->fdb, &fdb_params);
}

/* The network's ports are gone (each waited for its readers), so no reader is left. */
void intnet_fdb_destroy(struct intnet_network *nw)
{
	struct intnet_fdb_entry *e, *tmp;

	cancel_delayed_work_sync(&nw->ageing_work);
	spin_lock_bh(&nw->fdb_lock);
	list_for_each_entry_safe(e, tmp, &nw->fdb_list, node)
		entry_remove(nw, e);
	spin_unlock_bh(&nw->fdb_lock);
	rhashtable_destroy(&nw->fdb);
}

struct intnet_fdb_entry *intnet_fdb_lookup(struct intnet_network *nw,
					   const u8 *addr)
{
	return rhashtable_lookup(&nw->fdb, addr, fdb_params);
}

static struct intnet_fdb_entry *entry_insert(struct intnet_network *nw,
					     struct intnet_fdb_entry *e)
{
	struct intnet_fdb_entry *old;

	lockdep_assert_held(&nw->fdb_lock);
	old = rhashtable_lookup_get_insert_fast(&nw->fdb, &e->rhnode,
						fdb_params);
	if (old)
		return old;
	list_add_tail_rcu(&e->node, &nw->fdb_list);
	if (e->is_static)
		nw->fdb_static++;
	else
		nw->fdb_learned++;
	nw->fdb_gen++;
	return NULL;
}

static void learn_new(struct intnet_port *port, const u8 *addr)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e;
	void *old;

	spin_lock(&nw->fdb_lock);
	if (port->gone)
		goto unlock;
	if (nw->fdb_learned >= nw->fdb_max) {
		intnet_count(port, INTNET_STATS_FDB_FULL);
		goto unlock;
	}
	e = kmem_cache_alloc(fdb_cache, GFP_ATOMIC);
	if (!e)
		goto unlock;
	ether_addr_copy(e->addr, addr);
	e->is_static = false;
	RCU_INIT_POINTER(e->port, port);
	e->updated = jiffies;
	old = entry_insert(nw, e);
	if (old) {
		/* Another CPU learned it first (or the table refused). */
		kmem_cache_free(fdb_cache, e);
		goto unlock;
	}
	if (nw->ageing && !delayed_work_pending(&nw->ageing_work))
		queue_delayed_work(system_power_efficient_wq, &nw->ageing_work,
				   nw->ageing * HZ);
unlock:
	spin_unlock(&nw->fdb_lock);
}

/* Packet path, RCU and BH held: a known station costs a lookup and at most a store. */
void intnet_fdb_learn(struct intnet_port *port, const u8 *addr)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e;
	unsigned long now = jiffies;

	e = intnet_fdb_lookup(nw, addr);
	if (!e) {
		learn_new(port, addr);
		return;
	}
	if (e->is_static)
		return;
	if (READ_ONCE(e->updated) != now)
		WRITE_ONCE(e->updated, now);
	if (likely(rcu_access_pointer(e->port) == port))
		return;

	/* The station moved: re-learn it behind this port at once. */
	spin_lock(&nw->fdb_lock);
	if (!port->gone && !e->is_static)
		rcu_assign_pointer(e->port, port);
	nw->fdb_gen++;
	spin_unlock(&nw->fdb_lock);
}

int intnet_fdb_add_static(struct intnet_port *port, const u8 *addr,
			  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e, *old;
	int err = 0;

	e = kmem_cache_zalloc(fdb_cache, GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	ether_addr_copy(e->addr, addr);
	e->is_static = true;
	RCU_INIT_POINTER(e->port, port);
	e->updated = jiffies;

	spin_lock_bh(&nw->fdb_lock);
	old = entry_insert(nw, e);
	if (IS_ERR(old)) {
		err = PTR_ERR(old);
	} else if (old && old->is_static) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a static entry for this address exists");
		err = -EEXIST;
	} else if (old) {
		/* A static entry takes over from a learned one. */
		entry_remove(nw, old);
		old = entry_insert(nw, e);
		err = old ? -EBUSY : 0;
		e = NULL;
	} else {
		e = NULL;
	}
	spin_unlock_bh(&nw->fdb_lock);
	if (e)
		kmem_cache_free(fdb_cache, e);
	return err;
}

int intnet_fdb_del(struct intnet_network *nw, const u8 *addr)
{
	struct intnet_fdb_entry *e;
	int err = -ENOENT;

	spin_lock_bh(&nw->fdb_lock);
	e = rhashtable_lookup_fast(&nw->fdb, addr, fdb_params);
	if (e) {
		entry_remove(nw, e);
		err = 0;
	}
	spin_unlock_bh(&nw->fdb_lock);
	return err;
}

/* Removes the learned entries of @nw, or only those behind @port. */
void intnet_fdb_flush(struct intnet_network *nw, struct intnet_port *port)
{
	struct intnet_fdb_entry *e, *tmp;

	spin_lock_bh(&nw->fdb_lock);
	list_for_each_entry_safe(e, tmp, &nw->fdb_list, node) {
		if (e->is_static)
			continue;
		if (port && rcu_access_pointer(e->port) != port)
			continue;
		entry_remove(nw, e);
	}
	spin_unlock_bh(&nw->fdb_lock);
}

/* The port leaves: every entry behind it goes, and none can be made after. */
void intnet_fdb_port_gone(struct intnet_port *port)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e, *tmp;

	spin_lock_bh(&nw->fdb_lock);
	port->gone = true;
	list_for_each_entry_safe(e, tmp, &nw->fdb_list, node)
		if (rcu_access_pointer(e->port) == port)
			entry_remove(nw, e);
	spin_unlock_bh(&nw->fdb_lock);
}

/* The ageing time changed: recompute the next expiry now. */
void intnet_fdb_set_ageing(struct intnet_network *nw)
{
	mod_delayed_work(system_power_efficient_wq, &nw->ageing_work, 0);
}

int __init intnet_fdb_cache_init(void)
{
	fdb_cache = KMEM_CACHE(intnet_fdb_entry, 0);
	return fdb_cache ? 0 : -ENOMEM;
}

void intnet_fdb_cache_exit(void)
{
	kmem_cache_destroy(fdb_cache);
}
