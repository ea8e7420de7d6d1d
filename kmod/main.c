// SPDX-License-Identifier: GPL-2.0
/* intnet: module entry and exit; orders the set-up and tear-down of the other parts. */

#include <linux/module.h>
#include <linux/rcupdate.h>

#include "intnet.h"

static int __init intnet_init(void)
{
	int err;

	err = intnet_tap_init();
	if (err)
		return err;
	err = intnet_fdb_cache_init();
	if (err)
		goto tap_exit;
	err = intnet_network_init();
	if (err)
		goto free_cache;
	err = intnet_notifier_init();
	if (err)
		goto network_exit;
	err = intnet_host_init();
	if (err)
		goto unregister_notifier;
	err = intnet_events_init();
	if (err)
		goto unregister_host;
	err = intnet_genl_init();
	if (err)
		goto events_exit;

	pr_info("intnet %s loaded\n", INTNET_VERSION);
	return 0;

events_exit:
	intnet_events_exit();
unregister_host:
	intnet_host_exit();
unregister_notifier:
	intnet_notifier_exit();
network_exit:
	intnet_network_exit();
free_cache:
	intnet_fdb_cache_exit();
tap_exit:
	intnet_tap_exit();
	return err;
}

static void __exit intnet_exit(void)
{
	/* The family goes first, so that no new request arrives during tear-down;
	 * then every namespace's networks, then what waits for a grace period.
	 */
	intnet_genl_exit();
	intnet_events_exit();
	intnet_host_exit();
	intnet_network_exit();
	intnet_notifier_exit();
	rcu_barrier();
	intnet_fdb_cache_exit();
	intnet_tap_exit();
}

module_init(intnet_init);
module_exit(intnet_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("intnet: private Ethernet networks by name for VMs and containers");
MODULE_AUTHOR("The intnet developers");
MODULE_VERSION(INTNET_VERSION);
MODULE_ALIAS_GENL_FAMILY(INTNET_GENL_NAME);
