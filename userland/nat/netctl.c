// SPDX-License-Identifier: GPL-2.0
/* What intnet-nat asks the kernel as its own user: who may join the network; intnetctl: the gateway's MAC lock. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nat.h"

/* intnetctl ARGS (by its path, tap.c) with the first line of its output in
 * @out (what it says on stderr goes to the log); its exit status, or -1.
 */
static int intnetctl(char *out, size_t len, const char *const *args)
{
	int ret;

	out[0] = '\0';
	ret = nat_intnetctl(args, out, len);
	out[strcspn(out, "\n")] = '\0';
	return ret;
}

/* Asked in-process (share.c's netlink socket): the re-check before a flow to the host costs no fork. */
int nat_net_access(const struct nat_opts *o, unsigned long *owner, char *why,
		   size_t len)
{
	uint32_t uid;
	bool public;

	*owner = -1UL;
	if (nat_share_net(&uid, &public, why, len) < 0)
		return NAT_NET_UNKNOWN;
	*owner = uid;
	if (public) {
		snprintf(why, len, "%s is public: other users' VMs may join",
			 o->net);
		return NAT_NET_SHARED;
	}
	if (*owner != geteuid()) {
		snprintf(why, len, "%s is uid %lu's, and their VMs' too",
			 o->net, *owner);
		return NAT_NET_SHARED;
	}
	snprintf(why, len, "%s is restricted and yours", o->net);
	return NAT_NET_OWN;
}

/*
 * The gateway's MAC locked to its port: a lock of the network's owner (or
 * root's) keeps every other port from sending from it, so no VM draws what
 * the others send the gateway. Another user's lock would bind only their own
 * ports: then the log says so.
 */
void nat_lock_gateway(const struct nat_opts *o, const char *ifname,
		      unsigned long owner)
{
	const uint8_t *h = (const uint8_t *)&o->vhost;
	char mac[18];
	const char *const args[] = { "port",	 "set", ifname,
				     "lock-mac", mac,	NULL };
	char out[512];

	snprintf(mac, sizeof(mac), "52:55:%02x:%02x:%02x:%02x", h[0], h[1],
		 h[2], h[3]);
	if (owner != geteuid() && geteuid() != 0) {
		nat_log("the gateway's MAC %s is not locked: only %s's owner or root can lock it against other ports, and a VM that sends from it draws what the VMs send the gateway",
			mac, o->net);
		return;
	}
	if (intnetctl(out, sizeof(out), args) != 0) {
		nat_log("the gateway's MAC %s is not locked (intnetctl port set %s lock-mac failed)",
			mac, ifname);
		return;
	}
	nat_log("the gateway's port %s: lock-mac %s (no other port of %s may send from it)",
		ifname, mac, o->net);
}
