// SPDX-License-Identifier: GPL-2.0
/* intnetctl host: host-side ports, devices of kind "intnet" made and attached, or deleted. */

#include <errno.h>
#include <string.h>
#include <net/if.h>

#include <linux/rtnetlink.h>

#include "intnetctl.h"

#define HOST_KIND "intnet"

/*
 * A host-side port: a device of the host's stack (kind "intnet"), up, attached
 * to the network; if the module refuses the port, the device goes again.
 */
static int host_add(struct conn *c, struct args *a)
{
	const char *name = a->slot[SLOT_IFNAME].str;
	uint32_t ifindex;
	int ret = 1;

	if (if_nametoindex(name)) {
		fprintf(stderr, "intnetctl: device '%s' exists\n", name);
		return 1;
	}
	if (link_request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, 0,
			 HOST_KIND, "create"))
		return 1;
	ifindex = if_nametoindex(name);
	if (link_up(name) < 0)
		fprintf(stderr, "intnetctl: cannot bring up '%s': %s\n", name,
			strerror(errno));
	else
		ret = port_add_for(c, a, ifindex);
	if (ret)
		link_request(RTM_DELLINK, 0, NULL, ifindex, NULL, "delete");
	return ret;
}

static int host_del(struct conn *c, struct args *a)
{
	const char *name = a->slot[SLOT_IFNAME].str;
	unsigned int ifindex = if_nametoindex(name);
	struct link_info li;

	(void)c;
	if (!ifindex) {
		fprintf(stderr, "intnetctl: no such device '%s'\n", name);
		return 1;
	}
	if (link_info(ifindex, &li) || strcmp(li.kind, HOST_KIND)) {
		fprintf(stderr, "intnetctl: '%s' is not a host port device\n",
			name);
		return 1;
	}
	return link_request(RTM_DELLINK, 0, name, 0, NULL, "delete") ? 1 : 0;
}

static const struct verb host_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_PORT_ADD,
	  .arg = &arg_ifname,
	  .kws = KWS(&kw_net, &kw_up, &kw_down, &kw_user),
	  .flags = V_DEFAULT_NET,
	  .run = host_add },
	{ .name = "del", .arg = &arg_ifname, .run = host_del },
	{ .name = NULL },
};

const struct object host_object = {
	.name = "host",
	.verbs = host_verbs,
	.run = run_verbs,
};
