// SPDX-License-Identifier: GPL-2.0
/* intnet: the forwarding database of a network: learning, lookup, ageing, limits. */

#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "intnet.h"

/* The ageing worker runs at most this often, however the expiries fall. */
#define AGEING_FLOOR HZ

static struct kmem_cache *fdb_cache;

/*
 * The entries of every network, in one table keyed by network and address.
 * A table of each network's own would cost it an allocation that the kernel
 * charges to no one (rhashtable_init() and the table's growth allocate with
 * GFP_KERNEL): a user administering namespaces of their own, where networks
 * have no quota, would pin memory outside their memory cgroup with every
 * network. One table grows with the entries, which are charged.
 */
static struct rhashtable fdb_table;

/*
 * The packet path looks up two addresses a frame: the key is hashed and
 * compared as three words (the address, and the network's pointer folded),
 * not as 14 bytes through jhash() and memcmp().
 */
static u32 fdb_hash(const void *data, u32 len, u32 seed)
{
	const struct intnet_fdb_key *k = data;
	u64 nw = (unsigned long)k->nw;

	return jhash_3words(get_unaligned((const u32 *)k->addr),
			    get_unaligned((const u16 *)(k->addr + 4)),
			    lower_32_bits(nw) ^ upper_32_bits(nw), seed);
}

static int fdb_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct intnet_fdb_key *k = arg->key;
	const struct intnet_fdb_entry *e = obj;

	return e->key.nw != k->nw || !ether_addr_equal(e->key.addr, k->addr);
}

static const struct rhashtable_params fdb_params = {
	.head_offset = offsetof(struct intnet_fdb_entry, rhnode),
	.key_offset = offsetof(struct intnet_fdb_entry, key),
	/* The network's pointer and the address, not the padding after. */
	.key_len = offsetofend(struct intnet_fdb_key, addr),
	.hashfn = fdb_hash,
	.obj_cmpfn = fdb_cmp,
	.automatic_shrinking = true,
};

/* The table's key of @addr in @nw. */
static struct intnet_fdb_key fdb_key(struct intnet_network *nw, const u8 *addr)
{
	struct intnet_fdb_key key = { .nw = nw };

	ether_addr_copy(key.addr, addr);
	return key;
}

/* @nw's entry for @addr; the FDB lock held. */
static struct intnet_fdb_entry *lookup(struct intnet_network *nw,
				       const u8 *addr)
{
	struct intnet_fdb_key key = fdb_key(nw, addr);

	return rhashtable_lookup_fast(&fdb_table, &key, fdb_params);
}

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

/* A change for dumps to notice (genl_dump_check_consistent). */
void intnet_fdb_changed(struct intnet_network *nw)
{
	atomic_inc(&intnet_pernet(nw->net)->fdb_gen);
}

/* Counts @e in (@d = 1) or out (@d = -1) of the network, its port and user. */
static void account(struct intnet_network *nw, struct intnet_fdb_entry *e,
		    int d)
{
	struct intnet_port *port = entry_port(nw, e);

	lockdep_assert_held(&nw->fdb_lock);
	if (e->is_static) {
		nw->fdb_static += d;
	} else {
		nw->fdb_learned += d;
		port->fdb_learned += d;
	}
	port->share->entries += d;
	intnet_fdb_changed(nw);
}

/* The most entries behind one user's ports. */
static unsigned int share_max(const struct intnet_network *nw)
{
	u32 max = READ_ONCE(nw->port_fdb_max);

	return max ?: max(READ_ONCE(nw->fdb_max) / 2, 1U);
}

/* Whether @n more entries would overfill the table. */
static bool table_full(const struct intnet_network *nw, int n)
{
	return nw->fdb_learned + nw->fdb_static + n > READ_ONCE(nw->fdb_max);
}

static bool share_full(const struct intnet_network *nw,
		       const struct intnet_share *share, int n)
{
	return share->entries + n > share_max(nw);
}

/* Unlinks @e (which the caller has counted out), announcing it first. */
static void entry_unlink(struct intnet_network *nw, struct intnet_fdb_entry *e,
			 u8 why)
{
	lockdep_assert_held(&nw->fdb_lock);
	intnet_event_fdb(nw, e, INTNET_CMD_FDB_DEL, why, NULL);
	list_del_rcu(&e->node);
	/* Out of the table before it is counted out of the lookup caches:
	 * whoever reads the new count does not find it there.
	 */
	smp_store_release(&nw->fdb_removed, nw->fdb_removed + 1);
	call_rcu(&e->rcu, entry_free_rcu);
}

/* Removes @e for reason @why (enum intnet_fdb_event). */
static void entry_remove(struct intnet_network *nw, struct intnet_fdb_entry *e,
			 u8 why)
{
	lockdep_assert_held(&nw->fdb_lock);
	rhashtable_remove_fast(&fdb_table, &e->rhnode, fdb_params);
	account(nw, e, -1);
	entry_unlink(nw, e, why);
}

/* Whether @e is still in the table (the packet path and the ageing worker
 * find entries without the lock; they may be gone once it is taken).
 */
static bool entry_live(struct intnet_network *nw, struct intnet_fdb_entry *e)
{
	lockdep_assert_held(&nw->fdb_lock);
	return rhashtable_lookup_fast(&fdb_table, &e->key, fdb_params) == e;
}

/*
 * Scans under RCU and takes the lock only to delete, so that learning never
 * waits behind a walk of the table; wakes at the earliest expiry, but not
 * more often than AGEING_FLOOR.
 */
static void ageing_work(struct work_struct *work)
{
	struct intnet_network *nw = container_of(to_delayed_work(work),
						 struct intnet_network,
						 ageing_work);
	unsigned long now = jiffies, life, next = 0, expiry;
	u32 ageing = READ_ONCE(nw->ageing);
	struct intnet_uplink_peers *peers = NULL;
	struct intnet_fdb_entry *e;
	bool any = false, asked = false;

	if (!ageing)
		return;
	life = (unsigned long)ageing * HZ;
	rcu_read_lock();
	list_for_each_entry_rcu(e, &nw->fdb_list, node) {
		if (e->is_static)
			continue;
		expiry = READ_ONCE(e->updated) + life;
		/* A station the host still has as a neighbour stays (uplink.c). */
		if (time_after_eq(now, expiry)) {
			if (!asked)
				peers = intnet_uplink_peers(nw);
			asked = true;
			if (intnet_uplink_is_peer(peers, e)) {
				WRITE_ONCE(e->updated, now);
				expiry = now + life;
			}
		}
		if (time_after_eq(now, expiry)) {
			spin_lock_bh(&nw->fdb_lock);
			if (entry_live(nw, e) &&
			    time_after_eq(now, READ_ONCE(e->updated) + life))
				entry_remove(nw, e, INTNET_FDB_EVENT_AGE);
			spin_unlock_bh(&nw->fdb_lock);
			continue;
		}
		if (!any || time_before(expiry, next))
			next = expiry;
		any = true;
	}
	rcu_read_unlock();
	kfree(peers);
	if (any)
		queue_delayed_work(system_power_efficient_wq, &nw->ageing_work,
				   max(next - now, (unsigned long)AGEING_FLOOR));
}

void intnet_fdb_init(struct intnet_network *nw)
{
	spin_lock_init(&nw->fdb_lock);
	INIT_LIST_HEAD(&nw->fdb_list);
	INIT_DELAYED_WORK(&nw->ageing_work, ageing_work);
}

/*
 * Every port has left by now, and each took its entries with it: the table
 * is empty, and an entry left here would point at a freed port.
 */
void intnet_fdb_destroy(struct intnet_network *nw)
{
	cancel_delayed_work_sync(&nw->ageing_work);
	WARN_ON_ONCE(!list_empty(&nw->fdb_list));
	WARN_ON_ONCE(!list_empty(&nw->shares));
}

struct intnet_fdb_entry *intnet_fdb_lookup(struct intnet_network *nw,
					   const u8 *addr)
{
	struct intnet_fdb_key key = fdb_key(nw, addr);

	return rhashtable_lookup(&fdb_table, &key, fdb_params);
}

/*
 * A miss of intnet_fdb_lookup_cached(): looks @addr up and keeps what it
 * finds in @c, with @removed, the count read (acquire) before the lookup.
 */
struct intnet_fdb_entry *intnet_fdb_lookup_fill(struct intnet_network *nw,
						struct intnet_fdb_cache *c,
						const u8 *addr,
						unsigned long removed)
{
	struct intnet_fdb_entry *e = intnet_fdb_lookup(nw, addr);

	/* The entry first: a pair that a nested writer tears never holds an
	 * entry with a count newer than the one read before it was found.
	 */
	if (e) {
		WRITE_ONCE(c->e, e);
		WRITE_ONCE(c->removed, removed);
	}
	return e;
}

/* Puts @e in the table; counted if it went in. */
static int entry_insert(struct intnet_network *nw, struct intnet_fdb_entry *e)
{
	struct intnet_fdb_entry *old;

	lockdep_assert_held(&nw->fdb_lock);
	old = rhashtable_lookup_get_insert_fast(&fdb_table, &e->rhnode,
						fdb_params);
	if (IS_ERR(old))
		return PTR_ERR(old);
	if (old)
		return -EEXIST;
	list_add_tail_rcu(&e->node, &nw->fdb_list);
	account(nw, e, 1);
	return 0;
}

/* Puts @e in the place of @old (same address) without a moment without either. */
static int entry_replace(struct intnet_network *nw,
			 struct intnet_fdb_entry *old,
			 struct intnet_fdb_entry *e)
{
	int err;

	lockdep_assert_held(&nw->fdb_lock);
	err = rhashtable_replace_fast(&fdb_table, &old->rhnode, &e->rhnode,
				      fdb_params);
	if (err)
		return err;
	account(nw, old, -1);
	entry_unlink(nw, old, INTNET_FDB_EVENT_DEL);
	list_add_tail_rcu(&e->node, &nw->fdb_list);
	account(nw, e, 1);
	return 0;
}

static void arm_ageing(struct intnet_network *nw)
{
	u32 ageing = READ_ONCE(nw->ageing);

	if (ageing && !delayed_work_pending(&nw->ageing_work))
		queue_delayed_work(system_power_efficient_wq, &nw->ageing_work,
				   (unsigned long)ageing * HZ);
}

/* An entry for @addr behind @port (a locked entry is a static one). */
static struct intnet_fdb_entry *entry_new(struct intnet_port *port,
					  const u8 *addr, gfp_t gfp,
					  bool is_static, bool locked,
					  bool exclusive)
{
	struct intnet_fdb_entry *e = kmem_cache_alloc(fdb_cache, gfp);

	if (!e)
		return NULL;
	e->key.nw = port->network;
	ether_addr_copy(e->key.addr, addr);
	e->is_static = is_static;
	e->locked = locked;
	e->exclusive = exclusive;
	RCU_INIT_POINTER(e->port, port);
	e->updated = jiffies;
	return e;
}

/*
 * A learned entry for @addr behind @port. The packet path has no caller to
 * charge: the entry is charged to the memory cgroup of who attached the port,
 * so that the table a user's traffic fills (up to the fdb-max they may have
 * set in a namespace of their own) is bounded by their memory.max too. Not
 * GFP_ATOMIC: its __GFP_HIGH lets a charge go past memory.max, where a
 * station that cannot be learned costs only flooding.
 */
static struct intnet_fdb_entry *learned_new(struct intnet_port *port,
					    const u8 *addr)
{
	struct mem_cgroup *prev = set_active_memcg(port->memcg);
	struct intnet_fdb_entry *e;

	e = entry_new(port, addr, GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN,
		      false, false, false);
	set_active_memcg(prev);
	return e;
}

/* Whether @port may have an entry now: the lock held, the port still in. */
static bool port_learns(struct intnet_port *port)
{
	lockdep_assert_held(&port->network->fdb_lock);
	/* Nothing learns behind a port that left or was pulled down since the
	 * frame passed its checks: the flush that went with it is done.
	 */
	return !port->gone && READ_ONCE(port->up);
}

/*
 * Learns @addr behind @port, in the place of nothing, or of @lock: a MAC lock
 * of someone who is neither the network's owner nor an administrator, which
 * a station of another user behind @port sends from. Such a lock gives way:
 * its user cannot know whose an address is (a spoofed frame moves it behind
 * their port a moment before the lock; the station may be away, its port
 * down or its entry aged), so it binds only their own ports, and their port
 * still sends from that address only.
 */
static void learn(struct intnet_port *port, const u8 *addr,
		  struct intnet_fdb_entry *lock)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e = NULL;
	int err;

	spin_lock(&nw->fdb_lock);
	if (!port_learns(port) ||
	    (lock && (!entry_live(nw, lock) || !lock->locked || lock->exclusive)))
		goto unlock;
	/* Full: the table, the user's share, or their memory cgroup. */
	if ((lock || !table_full(nw, 1)) && !share_full(nw, port->share, 1))
		e = learned_new(port, addr);
	if (!e) {
		intnet_count(port, INTNET_STATS_FDB_FULL);
		goto not_learned;
	}
	err = lock ? entry_replace(nw, lock, e) : entry_insert(nw, e);
	if (!err) {
		intnet_event_fdb(nw, e, INTNET_CMD_FDB_ADD,
				 INTNET_FDB_EVENT_LEARN, NULL);
		arm_ageing(nw);
		goto unlock;
	}
	/* Another CPU learned it first (or the table refused). */
	kmem_cache_free(fdb_cache, e);
not_learned:
	/* Not learned: a lock that had to give way goes all the same. */
	if (lock)
		entry_remove(nw, lock, INTNET_FDB_EVENT_DEL);
unlock:
	spin_unlock(&nw->fdb_lock);
}

/*
 * Whether the station learned behind @prev may move behind @port while its
 * entry lives: only between ports of one user (another user's frames from its
 * address must not take its traffic), and as the uplink allows.
 */
static bool may_move(const struct intnet_port *port, const u8 *addr,
		     const struct intnet_port *prev)
{
	return prev->share == port->share &&
	       intnet_uplink_may_learn(port, addr, prev);
}

/*
 * The station behind @e moved to @port: re-learn it there. False when @port
 * may not take it (may_move()): the frame must go.
 */
static bool learn_move(struct intnet_port *port, struct intnet_fdb_entry *e)
{
	struct intnet_network *nw = port->network;
	struct intnet_port *prev;
	bool ok = true;

	spin_lock(&nw->fdb_lock);
	if (!port_learns(port) || e->is_static || !entry_live(nw, e))
		goto unlock;
	prev = entry_port(nw, e);
	if (prev == port)
		goto unlock;
	if (!may_move(port, e->key.addr, prev)) {
		ok = false;
		goto unlock;
	}
	account(nw, e, -1);
	rcu_assign_pointer(e->port, port);
	account(nw, e, 1);
	intnet_event_fdb(nw, e, INTNET_CMD_FDB_ADD, INTNET_FDB_EVENT_MOVE,
			 prev);
unlock:
	spin_unlock(&nw->fdb_lock);
	return ok;
}

/*
 * Packet path, RCU and BH held: a known station costs a lookup (none when it
 * sent the port's last frame on this CPU too) and at most a store. False when
 * @addr is locked to another port, or is a station @port may not take
 * (may_move(), asked first without the lock, so that a flood from a stolen
 * address does not contend for it; intnet_uplink_may_learn()): the frame must
 * go, and does not keep the entry alive.
 */
bool intnet_fdb_learn(struct intnet_port *port, const u8 *addr)
{
	struct intnet_fdb_entry *e;
	unsigned long now = jiffies;
	struct intnet_port *behind;

	e = intnet_fdb_lookup_cached(port, &intnet_port_cpu(port)->src, addr);
	if (!e) {
		if (unlikely(!intnet_uplink_may_learn(port, addr, NULL)))
			return false;
		learn(port, addr, NULL);
		return true;
	}
	if (e->is_static) {
		behind = rcu_dereference(e->port);
		if (!e->locked || behind == port)
			return true;
		if (e->exclusive || uid_eq(behind->user, port->user))
			return false;
		learn(port, addr, e);
		return true;
	}
	behind = rcu_dereference(e->port);
	if (unlikely(behind != port) &&
	    (!may_move(port, addr, behind) || !learn_move(port, e)))
		return false;
	if (READ_ONCE(e->updated) != now)
		WRITE_ONCE(e->updated, now);
	return true;
}

/*
 * The uplink @port's NIC received a frame from the wire for the host, sent
 * from @addr: a station of the LAN that the host talks to, learned behind the
 * uplink, or kept alive there. A MAC the network has behind another port stays
 * there (__intnet_uplink_may_learn()). RCU and BH held.
 */
void intnet_fdb_learn_wire(struct intnet_port *port, const u8 *addr)
{
	struct intnet_fdb_entry *e;
	unsigned long now = jiffies;

	if (unlikely(!is_valid_ether_addr(addr)))
		return;
	e = intnet_fdb_lookup_cached(port, &intnet_port_cpu(port)->src, addr);
	if (!e) {
		if (intnet_uplink_may_learn(port, addr, NULL))
			learn(port, addr, NULL);
	} else if (!e->is_static && rcu_access_pointer(e->port) == port &&
		   READ_ONCE(e->updated) != now) {
		WRITE_ONCE(e->updated, now);
	}
}

/*
 * A static entry, a MAC lock if @locked (@exclusive: see the entry's field),
 * made on a request: charged to the caller's memory cgroup.
 */
static struct intnet_fdb_entry *static_new(struct intnet_port *port,
					   const u8 *addr, bool locked,
					   bool exclusive)
{
	return entry_new(port, addr, GFP_KERNEL_ACCOUNT, true, locked,
			 exclusive);
}

/*
 * Whether a static entry (a MAC lock if @locked) for @addr behind a port of
 * @user (@port, or NULL for a port still to come) may take the place of @old,
 * what the table holds for @addr: a learned entry gives way to a static one;
 * to a lock only if it is behind a port of the same user, or @displace_any
 * (the network's owner or an administrator asks). A lock also replaces the
 * same port's own lock; and what @displace_any places replaces a lock that is
 * not exclusive (another user's: it binds only that user's ports).
 */
static int static_conflict(struct intnet_network *nw,
			   struct intnet_fdb_entry *old,
			   struct intnet_port *port, kuid_t user, bool locked,
			   bool displace_any, struct netlink_ext_ack *extack)
{
	struct intnet_port *behind;

	if (!old)
		return 0;
	behind = entry_port(nw, old);
	if (!old->is_static) {
		if (!locked || displace_any || behind == port ||
		    uid_eq(behind->user, user))
			return 0;
		NL_SET_ERR_MSG_MOD(extack,
				   "the address is in use behind another user's port");
		return -EPERM;
	}
	if (locked && port && behind == port)
		return 0;
	/* A lock that binds only its user's ports binds nobody else's. */
	if (old->locked && !old->exclusive && displace_any)
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

/*
 * Whether one more entry behind @port fits, in place of @old (or of nothing)
 * and with @freed entries of @port's user going at the same time.
 */
static int static_fits(struct intnet_network *nw, struct intnet_fdb_entry *old,
		       struct intnet_port *port, int freed,
		       struct netlink_ext_ack *extack)
{
	if (!old && table_full(nw, 1 - freed)) {
		NL_SET_ERR_MSG_MOD(extack, "the FDB is full (fdb-max)");
		return -ENOSPC;
	}
	if ((!old || entry_port(nw, old)->share != port->share) &&
	    share_full(nw, port->share, 1 - freed)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the port's user has as many FDB entries as port-fdb-max allows");
		return -ENOSPC;
	}
	return 0;
}

/* Puts @e in place of @old (or of nothing); announces it. */
static int static_place(struct intnet_network *nw, struct intnet_fdb_entry *old,
			struct intnet_fdb_entry *e)
{
	int err = old ? entry_replace(nw, old, e) : entry_insert(nw, e);

	if (!err)
		intnet_event_fdb(nw, e, INTNET_CMD_FDB_ADD,
				 INTNET_FDB_EVENT_ADD, NULL);
	return err;
}

int intnet_fdb_add_static(struct intnet_port *port, const u8 *addr,
			  struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e, *old;
	int err;

	e = static_new(port, addr, false, false);
	if (!e)
		return -ENOMEM;
	spin_lock_bh(&nw->fdb_lock);
	old = lookup(nw, addr);
	err = static_conflict(nw, old, port, port->user, false, true, extack);
	if (!err)
		err = static_fits(nw, old, port, 0, extack);
	if (!err)
		err = static_place(nw, old, e);
	spin_unlock_bh(&nw->fdb_lock);
	if (err)
		kmem_cache_free(fdb_cache, e);
	return err;
}

/* Whether a port of @user still to come may lock @addr on @nw (RTNL keeps the answer). */
int intnet_fdb_lock_check(struct intnet_network *nw, kuid_t user,
			  const u8 *addr, bool displace_any,
			  struct netlink_ext_ack *extack)
{
	struct intnet_fdb_entry *old;
	int err;

	spin_lock_bh(&nw->fdb_lock);
	old = lookup(nw, addr);
	err = static_conflict(nw, old, NULL, user, true, displace_any, extack);
	spin_unlock_bh(&nw->fdb_lock);
	return err;
}

/* @port's own lock entry, if the table still holds it. */
static struct intnet_fdb_entry *lock_entry(struct intnet_port *port)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e;
	u8 cur[ETH_ALEN];

	if (!port->lock_mac)
		return NULL;
	u64_to_ether_addr(port->lock_mac, cur);
	e = lookup(nw, cur);
	return e && e->locked && entry_port(nw, e) == port ? e : NULL;
}

/*
 * Locks @port to source @addr, or unlocks it (@addr NULL); RTNL held. The new
 * lock is in place before the old one goes, and a refusal changes nothing.
 */
int intnet_fdb_lock(struct intnet_port *port, const u8 *addr,
		    bool displace_any, struct netlink_ext_ack *extack)
{
	struct intnet_network *nw = port->network;
	struct intnet_fdb_entry *e = NULL, *old = NULL, *cur;
	int err = 0;

	ASSERT_RTNL();
	if (addr) {
		e = static_new(port, addr, true, displace_any);
		if (!e)
			return -ENOMEM;
	}
	spin_lock_bh(&nw->fdb_lock);
	cur = lock_entry(port);
	if (e) {
		old = lookup(nw, addr);
		err = static_conflict(nw, old, port, port->user, true,
				      displace_any, extack);
		if (!err)
			err = static_fits(nw, old, port,
					  cur && cur != old ? 1 : 0, extack);
		if (!err)
			err = static_place(nw, old, e);
		if (err)
			goto unlock;
		e = NULL;
	}
	if (cur && cur != old)
		entry_remove(nw, cur, INTNET_FDB_EVENT_DEL);
	WRITE_ONCE(port->lock_mac, addr ? intnet_mac_u64(addr) : 0);
unlock:
	spin_unlock_bh(&nw->fdb_lock);
	if (e)
		kmem_cache_free(fdb_cache, e);
	return err;
}

/* The network's owner or an administrator removes @addr's entry: anything but an
 * exclusive lock, which goes only with its port's unlock.
 */
int intnet_fdb_del(struct intnet_network *nw, const u8 *addr,
		   struct netlink_ext_ack *extack)
{
	struct intnet_fdb_entry *e;
	int err = 0;

	spin_lock_bh(&nw->fdb_lock);
	e = lookup(nw, addr);
	if (!e) {
		err = -ENOENT;
	} else if (e->locked && e->exclusive) {
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

/* @user's share of @nw's FDB, made for their first port; RTNL held. */
struct intnet_share *intnet_share_get(struct intnet_network *nw, kuid_t user)
{
	struct intnet_share *sh;

	ASSERT_RTNL();
	list_for_each_entry(sh, &nw->shares, node) {
		if (uid_eq(sh->user, user)) {
			sh->ports++;
			return sh;
		}
	}
	sh = kzalloc(sizeof(*sh), GFP_KERNEL_ACCOUNT);
	if (!sh)
		return NULL;
	sh->user = user;
	sh->ports = 1;
	list_add(&sh->node, &nw->shares);
	return sh;
}

/* A port of the share's user left it (its entries went before). */
void intnet_share_put(struct intnet_network *nw, struct intnet_share *sh)
{
	ASSERT_RTNL();
	if (--sh->ports)
		return;
	WARN_ON_ONCE(sh->entries);
	list_del(&sh->node);
	/* Only ever read under RTNL or the FDB lock through a port that held it. */
	kfree(sh);
}

/* @e as if behind @port, the owner's uid in @ns. */
static int fill_at(struct sk_buff *msg, struct intnet_network *nw,
		   struct intnet_fdb_entry *e, struct intnet_port *port,
		   struct user_namespace *ns)
{
	unsigned long idle = jiffies - READ_ONCE(e->updated);
	u32 age = e->is_static ? 0 :
				 min_t(u64, jiffies64_to_msecs(idle), U32_MAX);

	if (nla_put(msg, INTNET_ATTR_MAC, ETH_ALEN, e->key.addr) ||
	    nla_put_u32(msg, INTNET_ATTR_IFINDEX, port->dev->ifindex) ||
	    intnet_port_name_put(msg, INTNET_ATTR_IFNAME, port) ||
	    nla_put_string(msg, INTNET_ATTR_NET_NAME, nw->name) ||
	    nla_put_u32(msg, INTNET_ATTR_NET_OWNER,
			from_kuid_munged(ns, nw->owner)) ||
	    nla_put_u8(msg, INTNET_ATTR_FDB_IS_STATIC, e->is_static) ||
	    nla_put_u8(msg, INTNET_ATTR_FDB_LOCKED, e->locked) ||
	    nla_put_u32(msg, INTNET_ATTR_FDB_AGE, age))
		return -EMSGSIZE;
	return 0;
}

/* An FDB entry as replies give it (its port read under RCU: it may move
 * meanwhile), the owner's uid in @ns.
 */
int intnet_fdb_fill(struct sk_buff *msg, struct intnet_network *nw,
		    struct intnet_fdb_entry *e, struct user_namespace *ns)
{
	int err;

	rcu_read_lock();
	err = fill_at(msg, nw, e, rcu_dereference(e->port), ns);
	rcu_read_unlock();
	return err;
}

/*
 * The most intnet_fdb_fill() puts: MAC, IFINDEX, IFNAME, NET_NAME, NET_OWNER,
 * IS_STATIC, LOCKED and AGE.
 */
size_t intnet_fdb_msg_size(void)
{
	return nla_total_size(ETH_ALEN) + nla_total_size(sizeof(u32)) +
	       nla_total_size(IFNAMSIZ) + nla_total_size(INTNET_NAME_MAX + 1) +
	       nla_total_size(sizeof(u32)) + 2 * nla_total_size(sizeof(u8)) +
	       nla_total_size(sizeof(u32));
}

/*
 * An FDB event, under the FDB lock: the entry as behind @port (where it is,
 * or for a listener who may see only where a moved entry was, there), why
 * (enum intnet_fdb_event), and where a moved entry was (@prev, or NULL).
 */
int intnet_fdb_event_fill(struct sk_buff *msg, struct intnet_network *nw,
			  struct intnet_fdb_entry *e, u8 why,
			  struct intnet_port *port, struct intnet_port *prev,
			  struct user_namespace *ns)
{
	lockdep_assert_held(&nw->fdb_lock);
	if (fill_at(msg, nw, e, port, ns) ||
	    nla_put_u8(msg, INTNET_ATTR_FDB_EVENT, why))
		return -EMSGSIZE;
	if (prev &&
	    (nla_put_u32(msg, INTNET_ATTR_FDB_PREV_IFINDEX, prev->dev->ifindex) ||
	     intnet_port_name_put(msg, INTNET_ATTR_FDB_PREV_IFNAME, prev)))
		return -EMSGSIZE;
	return 0;
}

/* The most intnet_fdb_event_fill() puts. */
size_t intnet_fdb_event_size(void)
{
	return intnet_fdb_msg_size() + nla_total_size(sizeof(u8)) +
	       nla_total_size(sizeof(u32)) + nla_total_size(IFNAMSIZ);
}

int __init intnet_fdb_cache_init(void)
{
	int err;

	fdb_cache = KMEM_CACHE(intnet_fdb_entry, SLAB_ACCOUNT);
	if (!fdb_cache)
		return -ENOMEM;
	err = rhashtable_init(&fdb_table, &fdb_params);
	if (err)
		kmem_cache_destroy(fdb_cache);
	return err;
}

/* Every network is gone, and its entries with it. */
void intnet_fdb_cache_exit(void)
{
	rhashtable_destroy(&fdb_table);
	kmem_cache_destroy(fdb_cache);
}
