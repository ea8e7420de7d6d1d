// SPDX-License-Identifier: GPL-2.0
/* intnet: module entry and exit; orders the set-up and tear-down of the other parts. */

#include <linux/module.h>
#include <net/genetlink.h>

#include "intnet.h"

static int __init intnet_init(void)
{
	int err;

	err = intnet_genl_init();
	if (err)
		return err;

	pr_info("intnet %s loaded\n", INTNET_VERSION);
	return 0;
}

static void __exit intnet_exit(void)
{
	/* The family goes first, so that no new request arrives during tear-down. */
	intnet_genl_exit();
}

module_init(intnet_init);
module_exit(intnet_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("intnet: private Ethernet networks by name for VMs and containers");
MODULE_AUTHOR("The intnet developers");
MODULE_VERSION(INTNET_VERSION);
MODULE_ALIAS_GENL_FAMILY(INTNET_GENL_NAME);
