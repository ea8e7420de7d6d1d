// SPDX-License-Identifier: GPL-2.0
/* intnet: the forwarding database of a network: learning, lookup, ageing, limits. */

#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
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

static struct intnet_port *entry_port(struct intnet_network *nw,
				      struct intnet_fdb_entry *e)
{
	return rcu_dereference_protected(e->port, lockdep_is_held(&nw->fdb_lock));
}

/* Removes @e for reason @why (enum intnet_fdb_event), announcing it first. */
static void entry_remove(struct intnet_network *nw, struct intnet_fdb_entry *e,
			 u8 why)
{
	lockdep_assert_held(&nw->fdb_lock);
	intnet_event_fdb(nw, e, INTNET_CMD_FDB_DEL, why);
	rhashtable_remove_fast(&nw->fdb, &e->rhnode, fdb_params);
	list_del_rcu(&e->node);
	if (e->is_static) {
		nw->fdb_static--;
	} else {
		nw->fdb_learned--;
		entry_port(nw, e)->fdb_learned--;
	}
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
			entry_remove(nw, e, INTNET_FDB_EVENT_AGE);
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
		entry_remove(nw, e, INTNET_FDB_EVENT_FLUSH);
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
	if (e->is_static) {
		nw->fdb_static++;
	} else {
		nw->fdb_learned++;
		entry_port(nw, e)->fdb_learned++;
	}
	nw->fdb_gen++;
	return NULL;
}

/* What one port may learn: its share of the table, so that it cannot fill it. */
static unsigned int port_fdb_max(const struct intnet_network *nw)
{
	u32 max = READ_ONCE(nw->port_fdb_max);

	return max ?: max(READ_ONCE(nw->fdb_max) / 2, 1U);
}

static void learn_new(struct intnet_port *port, const u8 *addr)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e;
	void *old;

	spin_lock(&nw->fdb_lock);
	if (port->gone)
		goto unlock;
	if (nw->fdb_learned >= READ_ONCE(nw->fdb_max) ||
	    port->fdb_learned >= port_fdb_max(nw)) {
		intnet_count(port, INTNET_STATS_FDB_FULL);
		goto unlock;
	}
	e = kmem_cache_alloc(fdb_cache, GFP_ATOMIC);
	if (!e)
		goto unlock;
	ether_addr_copy(e->addr, addr);
	e->is_static = false;
	e->locked = false;
	RCU_INIT_POINTER(e->port, port);
	e->updated = jiffies;
	old = entry_insert(nw, e);
	if (old) {
		/* Another CPU learned it first (or the table refused). */
		kmem_cache_free(fdb_cache, e);
		goto unlock;
	}
	intnet_event_fdb(nw, e, INTNET_CMD_FDB_ADD, INTNET_FDB_EVENT_LEARN);
	if (nw->ageing && !delayed_work_pending(&nw->ageing_work))
		queue_delayed_work(system_power_efficient_wq, &nw->ageing_work,
				   nw->ageing * HZ);
unlock:
	spin_unlock(&nw->fdb_lock);
}

/*
 * Packet path, RCU and BH held: a known station costs a lookup and at most a
 * store. False when @addr is locked to another port: the frame must go.
 */
bool intnet_fdb_learn(struct intnet_port *port, const u8 *addr)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e;
	unsigned long now = jiffies;

	e = intnet_fdb_lookup(nw, addr);
	if (!e) {
		learn_new(port, addr);
		return true;
	}
	if (e->is_static)
		return !e->locked || rcu_access_pointer(e->port) == port;
	if (READ_ONCE(e->updated) != now)
		WRITE_ONCE(e->updated, now);
	if (likely(rcu_access_pointer(e->port) == port))
		return true;

	/* The station moved: re-learn it behind this port at once. The entry may
	 * have been removed meanwhile (only under the lock): moving it is moot then.
	 */
	spin_lock(&nw->fdb_lock);
	if (!port->gone && !e->is_static &&
	    rhashtable_lookup_fast(&nw->fdb, addr, fdb_params) == e) {
		entry_port(nw, e)->fdb_learned--;
		port->fdb_learned++;
		rcu_assign_pointer(e->port, port);
		intnet_event_fdb(nw, e, INTNET_CMD_FDB_ADD,
				 INTNET_FDB_EVENT_MOVE);
	}
	nw->fdb_gen++;
	spin_unlock(&nw->fdb_lock);
	return true;
}

static struct intnet_fdb_entry *static_new(struct intnet_port *port,
					   const u8 *addr, bool locked)
{
	struct intnet_fdb_entry *e = kmem_cache_zalloc(fdb_cache, GFP_KERNEL);

	if (!e)
		return NULL;
	ether_addr_copy(e->addr, addr);
	e->is_static = true;
	e->locked = locked;
	RCU_INIT_POINTER(e->port, port);
	e->updated = jiffies;
	return e;
}

/*
 * Whether a static entry (a MAC lock if @locked) for @addr behind @port (NULL: a
 * port still to come) may take the place of what the table holds: a learned
 * entry gives way, and so does anything behind the same port for a lock.
 */
static int static_conflict(struct intnet_network *nw, const u8 *addr,
			   struct intnet_port *port, bool locked,
			   struct netlink_ext_ack *extack)
{
	struct intnet_fdb_entry *old;

	old = rhashtable_lookup_fast(&nw->fdb, addr, fdb_params);
	if (!old || !old->is_static)
		return 0;
	if (locked && entry_port(nw, old) == port)
		return 0;
	if (old->locked && locked)
		NL_SET_ERR_MSG_MOD(extack, "another port has locked this address");
	else if (old->locked)
		NL_SET_ERR_MSG_MOD(extack, "the address is locked to a port");
	else if (locked)
		NL_SET_ERR_MSG_MOD(extack,
				   "a static entry puts this address behind another port");
	else
		NL_SET_ERR_MSG_MOD(extack, "a static entry for this address exists");
	return -EEXIST;
}

/* Puts @e in place of whatever static_conflict() let go. */
static int static_insert(struct intnet_network *nw, struct intnet_fdb_entry *e)
{
	struct intnet_fdb_entry *old;

	old = rhashtable_lookup_fast(&nw->fdb, e->addr, fdb_params);
	if (old)
		entry_remove(nw, old, INTNET_FDB_EVENT_DEL);
	old = entry_insert(nw, e);
	if (!old) {
		intnet_event_fdb(nw, e, INTNET_CMD_FDB_ADD, INTNET_FDB_EVENT_ADD);
		return 0;
	}
	return IS_ERR(old) ? PTR_ERR(old) : -EBUSY;
}

int intnet_fdb_add_static(struct intnet_port *port, const u8 *addr,
			  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e;
	int err;

	e = static_new(port, addr, false);
	if (!e)
		return -ENOMEM;
	spin_lock_bh(&nw->fdb_lock);
	err = static_conflict(nw, addr, port, false, extack);
	if (!err)
		err = static_insert(nw, e);
	spin_unlock_bh(&nw->fdb_lock);
	if (err)
		kmem_cache_free(fdb_cache, e);
	return err;
}

/* Whether a port still to come may lock @addr on @nw (RTNL keeps the answer). */
int intnet_fdb_lock_check(struct intnet_network *nw, struct intnet_port *port,
			  const u8 *addr, struct netlink_ext_ack *extack)
{
	int err;

	spin_lock_bh(&nw->fdb_lock);
	err = static_conflict(nw, addr, port, true, extack);
	spin_unlock_bh(&nw->fdb_lock);
	return err;
}

/* Locks @port to source @addr, or unlocks it (@addr NULL); RTNL held. */
int intnet_fdb_lock(struct intnet_port *port, const u8 *addr,
		    struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e = NULL, *old;
	u8 cur[ETH_ALEN];
	int err = 0;

	ASSERT_RTNL();
	if (addr) {
		e = static_new(port, addr, true);
		if (!e)
			return -ENOMEM;
	}
	spin_lock_bh(&nw->fdb_lock);
	if (e) {
		err = static_conflict(nw, addr, port, true, extack);
		if (err)
			goto unlock;
	}
	if (port->lock_mac) {
		u64_to_ether_addr(port->lock_mac, cur);
		old = rhashtable_lookup_fast(&nw->fdb, cur, fdb_params);
		if (old && old->locked && entry_port(nw, old) == port)
			entry_remove(nw, old, INTNET_FDB_EVENT_DEL);
	}
	if (e) {
		err = static_insert(nw, e);
		if (err)
			goto unlock;
		e = NULL;
	}
	WRITE_ONCE(port->lock_mac, addr ? ether_addr_to_u64(addr) : 0);
unlock:
	spin_unlock_bh(&nw->fdb_lock);
	if (e)
		kmem_cache_free(fdb_cache, e);
	return err;
}

int intnet_fdb_del(struct intnet_network *nw, const u8 *addr,
		   struct netlink_ext_ack *extack)
{
	struct intnet_fdb_entry *e;
	int err = 0;

	spin_lock_bh(&nw->fdb_lock);
	e = rhashtable_lookup_fast(&nw->fdb, addr, fdb_params);
	if (!e) {
		err = -ENOENT;
	} else if (e->locked) {
		NL_SET_ERR_MSG_MOD(extack, "the address is locked to a port");
		err = -EPERM;
	} else {
		entry_remove(nw, e, INTNET_FDB_EVENT_DEL);
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
		entry_remove(nw, e, INTNET_FDB_EVENT_FLUSH);
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
			entry_remove(nw, e, INTNET_FDB_EVENT_FLUSH);
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
