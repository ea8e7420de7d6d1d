// SPDX-License-Identifier: GPL-2.0
/* intnet: what the tun driver says of a device: TAP or TUN, its owner and group. */

#include <linux/cred.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <linux/sched/task.h>
#include <linux/skbuff.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>

#include "intnet.h"

/*
 * tun keeps its owner, group and mode private; the one interface it offers
 * for them is its rtnl_link_ops->fill_info(), the function that answers
 * RTM_GETLINK (IFLA_TUN_TYPE, IFLA_TUN_OWNER, IFLA_TUN_GROUP). It prints the
 * ids as numbers in current_user_ns(), mapping ids without a mapping there to
 * the overflow id, so read in a caller's namespace the answer could belong to
 * anyone. We therefore call it with these credentials, whose user namespace is
 * init_user_ns: every valid kuid and kgid has an identity mapping there, so
 * from_kuid_munged(&init_user_ns, k) is __kuid_val(k) and make_kuid() of it
 * gives back exactly the kernel's own kuid, whichever namespace the caller is
 * in. fill_info() reads nothing else of current's credentials; the
 * credentials hold no capability all the same.
 */
static const struct cred *reader_cred;

/*
 * Where fill_info() writes: one buffer, used under RTNL, made at load. So
 * reading a TAP's ids never fails for want of memory: a port must not leave
 * its network, or stay with the wrong owner, because memory was short.
 */
static struct sk_buff *reader_skb;

int __init intnet_tap_init(void)
{
	struct cred *cred = prepare_kernel_cred(&init_task);

	if (!cred)
		return -ENOMEM;
	reader_skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reader_skb) {
		put_cred(cred);
		return -ENOMEM;
	}
	cap_clear(cred->cap_inheritable);
	cap_clear(cred->cap_permitted);
	cap_clear(cred->cap_effective);
	cap_clear(cred->cap_bset);
	cap_clear(cred->cap_ambient);
	reader_cred = cred;
	return 0;
}

void intnet_tap_exit(void)
{
	kfree_skb(reader_skb);
	put_cred(reader_cred);
}

static bool is_tun(const struct net_device *dev)
{
	return dev->rtnl_link_ops && dev->rtnl_link_ops->fill_info &&
	       !strcmp(dev->rtnl_link_ops->kind, "tun");
}

/*
 * Fills @ids for @dev: all false and invalid for a device that is not tun's.
 * RTNL held (fill_info() runs under it when rtnetlink calls it, and it keeps
 * reader_skb ours). 0, or fill_info()'s error (none that tun has).
 */
int intnet_tap_ids(struct net_device *dev, struct intnet_tap_ids *ids)
{
	struct sk_buff *skb = reader_skb;
	const struct cred *old;
	struct nlattr *a;
	int err;

	ASSERT_RTNL();
	*ids = (struct intnet_tap_ids){ .owner = INVALID_UID,
					.group = INVALID_GID };
	if (!is_tun(dev))
		return 0;
	skb_trim(skb, 0);
	old = override_creds(reader_cred);
	err = dev->rtnl_link_ops->fill_info(skb, dev);
	revert_creds(old);
	if (err)
		return err;
	ids->tun = true;
	a = nla_find((struct nlattr *)skb->data, skb->len, IFLA_TUN_TYPE);
	ids->tap = a && nla_len(a) >= 1 && nla_get_u8(a) == IFF_TAP;
	a = nla_find((struct nlattr *)skb->data, skb->len, IFLA_TUN_OWNER);
	if (a && nla_len(a) >= 4)
		ids->owner = make_kuid(&init_user_ns, nla_get_u32(a));
	a = nla_find((struct nlattr *)skb->data, skb->len, IFLA_TUN_GROUP);
	if (a && nla_len(a) >= 4)
		ids->group = make_kgid(&init_user_ns, nla_get_u32(a));
	return 0;
}
