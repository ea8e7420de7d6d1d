/* SPDX-License-Identifier: GPL-2.0 */
/* The differences between the kernels intnet supports (6.1 to 6.12), in one place. */
#ifndef _INTNET_COMPAT_H
#define _INTNET_COMPAT_H

#include <linux/netdevice.h>
#include <linux/version.h>
#include <net/dropreason.h>
#include <net/genetlink.h>

/* The parsed attributes of a dump request. */
static inline struct nlattr **intnet_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* Drop reasons that 6.1 does not have yet. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define INTNET_DROP_BAD_SOURCE	SKB_DROP_REASON_MAC_INVALID_SOURCE
#define INTNET_DROP_NO_TARGET	SKB_DROP_REASON_NO_TX_TARGET
#else
#define INTNET_DROP_BAD_SOURCE	SKB_DROP_REASON_NOT_SPECIFIED
#define INTNET_DROP_NO_TARGET	SKB_DROP_REASON_NOT_SPECIFIED
#endif

/* A device whose transmit takes no lock of its own (6.12 made it a flag). */
static inline void intnet_set_lltx(struct net_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* A wireless device (cfg80211); a kernel without cfg80211 has none. */
static inline bool intnet_is_wireless(const struct net_device *dev)
{
#if IS_ENABLED(CONFIG_CFG80211)
	return dev->ieee80211_ptr;
#else
	return false;
#endif
}

#endif /* _INTNET_COMPAT_H */
