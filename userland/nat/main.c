// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-nat: a network's gateway without root. libslirp (QEMU's user networking)
 * serves DHCP and DNS to every VM on the network and carries their TCP, UDP and
 * ICMP out through this user's own sockets; the TAP it sits on is a port like a VM's.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

#include "nat.h"

int main(int argc, char **argv)
{
	struct nat_opts o;
	char ifname[16];
	int tap, sfd, ret;

	nat_parse(argc, argv, &o);
	/* Blocked from here: a SIGTERM while the TAP is being made is kept for the loop. */
	sfd = nat_signals();
	if (sfd < 0) {
		perror(PROG ": signalfd");
		return 1;
	}
	tap = nat_tap_open(&o, ifname);
	if (tap < 0)
		return 1;
	/* Root: nothing more needs it once the port is up, the probe done and
	 * the gateway's MAC locked.
	 */
	o.root = geteuid() == 0;
	if (!o.quiet_probe && nat_probe(tap, &o, ifname)) {
		close(tap);
		return 1;
	}
	if (o.root)
		nat_lock_gateway(&o, ifname, 0);
	/* The network's FDB and ports mirrored (share.c): root's subscription, made
	 * before the drop, keeps root's view of them.
	 */
	nat_share_init(&o);
	if (!nat_drop_root(&o)) {
		nat_share_free();
		close(tap);
		return 1;
	}
	ret = nat_run(&o, tap, ifname, sfd);
	close(tap);
	close(sfd);
	return ret;
}
