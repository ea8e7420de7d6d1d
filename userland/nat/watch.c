// SPDX-License-Identifier: GPL-2.0
/*
 * The network's events, so that the re-check before a packet to the host
 * (loop.c) costs one recv() while nothing changed, instead of a NET_GET each.
 *
 * Why no change can slip past: the kernel copies a NET_ or PORT_ event to its
 * subscribers before the request that made it returns (kmod/events.c), so
 * the event that made the network public is in this socket's queue before
 * another user can attach a port, let alone send a frame to the TAP. The loop
 * drains this socket before it lets a packet to the host through: any event,
 * a lost one (ENOBUFS, the module's or this socket's) or a broken socket has
 * the network asked again. Without a subscription (the user has
 * INTNET_MONITOR_MAX_PER_USER already) every such packet is asked about, as
 * before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/intnet.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nat.h"

static struct nl_sock *sk;

static int subscribe(void)
{
	struct nl_msg *msg;
	int family, grp, err;

	err = genl_connect(sk);
	if (err < 0)
		return err;
	family = genl_ctrl_resolve(sk, INTNET_GENL_NAME);
	if (family < 0)
		return family;
	/* Who loses an event is told on the group "monitor". */
	grp = genl_ctrl_resolve_grp(sk, INTNET_GENL_NAME, INTNET_MCGRP_MONITOR);
	if (grp < 0)
		return grp;
	err = nl_socket_add_membership(sk, grp);
	if (err < 0)
		return err;
	msg = nlmsg_alloc();
	if (!msg)
		return -NLE_NOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
			 INTNET_CMD_MONITOR, INTNET_GENL_VERSION) ||
	    nla_put_u32(msg, INTNET_ATTR_MONITOR, INTNET_MONITOR_OBJECTS) < 0) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	err = nl_send_sync(sk, msg); /* frees msg */
	if (err < 0)
		return err;
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	return nl_socket_set_nonblocking(sk);
}

/* Subscribes to the NET_ and PORT_ events the user may see; before the first NET_GET. */
void nat_watch_init(const char *net)
{
	int err = -NLE_NOMEM;

	sk = nl_socket_alloc();
	if (sk)
		err = subscribe();
	if (err >= 0) {
		nat_log("watching %s's events: a packet to the host is asked about once something changed",
			net);
		return;
	}
	nat_log("cannot watch %s's events (%s): every packet to the host that may open a flow is asked about",
		net, nl_geterror(err));
	nl_socket_free(sk);
	sk = NULL;
}

/* Whether no event came (nor was lost) since the last call; drains what did. */
bool nat_watch_quiet(void)
{
	static char buf[16384];
	bool quiet = true;
	ssize_t n;

	if (!sk)
		return false;
	for (;;) {
		n = recv(nl_socket_get_fd(sk), buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0 || (n < 0 && errno == ENOBUFS)) {
			quiet = false;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return quiet;
		nat_log("the events socket failed (%s): every packet to the host that may open a flow is asked about",
			n < 0 ? strerror(errno) : "closed");
		nat_watch_free();
		return false;
	}
}

void nat_watch_free(void)
{
	nl_socket_free(sk);
	sk = NULL;
}
