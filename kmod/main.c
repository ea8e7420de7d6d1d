// SPDX-License-Identifier: GPL-2.0
/* intnet: module entry and exit; orders the set-up and tear-down of the other parts. */

#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "intnet.h"

unsigned int intnet_net_id __read_mostly;

unsigned int intnet_max_networks_per_user __read_mostly = 64;
module_param_named(max_networks_per_user, intnet_max_networks_per_user, uint,
		   0644);
MODULE_PARM_DESC(max_networks_per_user,
		 "networks a user without CAP_NET_ADMIN may own per network namespace (default 64)");

unsigned int intnet_max_ports_per_user __read_mostly = 64;
module_param_named(max_ports_per_user, intnet_max_ports_per_user, uint, 0644);
MODULE_PARM_DESC(max_ports_per_user,
		 "ports a user without CAP_NET_ADMIN may have per network namespace (default 64)");

unsigned int intnet_max_monitors_per_user __read_mostly = 64;
module_param_named(max_monitors_per_user, intnet_max_monitors_per_user, uint,
		   0644);
MODULE_PARM_DESC(max_monitors_per_user,
		 "sockets of a user without CAP_NET_ADMIN that may subscribe to events per network namespace (default 64)");

struct intnet_pernet *intnet_pernet(struct net *net)
{
	return net_generic(net, intnet_net_id);
}

static int __net_init intnet_net_init(struct net *net)
{
	intnet_pernet_init(net);
	return 0;
}

/* The namespace's devices are gone by now (and their ports with them): what is
 * left are explicit networks.
 */
static void __net_exit intnet_net_exit(struct net *net)
{
	rtnl_lock();
	intnet_pernet_exit(net);
	rtnl_unlock();
	intnet_monitors_exit(intnet_pernet(net));
}

static struct pernet_operations intnet_net_ops = {
	.init = intnet_net_init,
	.exit = intnet_net_exit,
	.id = &intnet_net_id,
	.size = sizeof(struct intnet_pernet),
};

static int __init intnet_init(void)
{
	int err;

	err = intnet_tap_init();
	if (err)
		return err;
	err = intnet_fdb_cache_init();
	if (err)
		goto tap_exit;
	err = register_pernet_subsys(&intnet_net_ops);
	if (err)
		goto free_cache;
	err = intnet_notifier_init();
	if (err)
		goto unregister_pernet;
	err = intnet_host_init();
	if (err)
		goto unregister_notifier;
	err = intnet_genl_init();
	if (err)
		goto unregister_host;

	pr_info("intnet %s loaded\n", INTNET_VERSION);
	return 0;

unregister_host:
	intnet_host_exit();
unregister_notifier:
	intnet_notifier_exit();
unregister_pernet:
	unregister_pernet_subsys(&intnet_net_ops);
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
	intnet_host_exit();
	unregister_pernet_subsys(&intnet_net_ops);
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
