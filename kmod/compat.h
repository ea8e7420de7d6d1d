/* SPDX-License-Identifier: GPL-2.0 */
/* The differences between the kernels intnet supports (6.1 to 6.12), in one place. */
#ifndef _INTNET_COMPAT_H
#define _INTNET_COMPAT_H

#include <linux/version.h>
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

#endif /* _INTNET_COMPAT_H */
