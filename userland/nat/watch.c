// SPDX-License-Identifier: GPL-2.0
/*
 * The network's events: the NET_ and PORT_ ones, so that the re-check before
 * a packet to the host (loop.c) costs one recv() while nothing changed,
 * instead of a NET_GET each; the FDB and PORT_ ones keep share.c's mirror of
 * the FDB (which port each MAC is behind, whose each port is).
 *
 * Why no change can slip past: the kernel copies an event to its subscribers
 * before the request that made it returns, and an FDB "learned" event before
 * the frame that made it is forwarded (kmod/events.c, fdb.c), so the event
 * that made the network public is in this socket's queue before another user
 * can attach a port, let alone send a frame to the TAP, and a station's
 * learned event before its first frame. The loop drains this socket before it
 * lets a packet to the host through, and share.c before it looks a MAC up
 * again: any NET_ or PORT_ event, a lost one (ENOBUFS, the module's or this
 * socket's) or a broken socket has the network asked again; a loss has the
 * FDB dumped again. Without a subscription (the user has
 * max_monitors_per_user already) every such packet is asked about, as before,
 * and MACs with FDB_GET.
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
static bool
	changed; /* a NET_ or PORT_ event, or a loss, since nat_watch_quiet() */

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
	    nla_put_u32(msg, INTNET_ATTR_MONITOR,
			INTNET_MONITOR_OBJECTS | INTNET_MONITOR_FDB) < 0) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	err = nl_send_sync(sk, msg); /* frees msg */
	if (err < 0)
		return err;
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	return nl_socket_set_nonblocking(sk);
}

/* Subscribes to the NET_, PORT_ and FDB events the user may see; before the first NET_GET and dump. */
bool nat_watch_init(const char *net)
{
	int err = -NLE_NOMEM;

	changed = false;
	sk = nl_socket_alloc();
	if (sk)
		err = subscribe();
	if (err >= 0) {
		nat_log("watching %s's events: a packet to the host is asked about once something changed, the FDB mirrored",
			net);
		return true;
	}
	nat_log("cannot watch %s's events (%s): every packet to the host that may open a flow is asked about, every MAC new to the gateway too",
		net, nl_geterror(err));
	nl_socket_free(sk);
	sk = NULL;
	return false;
}

int nat_watch_fd(void)
{
	return sk ? nl_socket_get_fd(sk) : -1;
}

static void handle(const char *buf, ssize_t n)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int len = (int)n;

	for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type == NLMSG_ERROR ||
		    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
			continue;
		switch (((struct genlmsghdr *)nlmsg_data(nlh))->cmd) {
		case INTNET_CMD_FDB_ADD:
		case INTNET_CMD_FDB_DEL:
			break;
		default:
			changed = true;
		}
		nat_share_event(nlh);
	}
}

void nat_watch_drain(void)
{
	static char buf[16384];
	ssize_t n;

	if (!sk)
		return;
	for (;;) {
		n = recv(nl_socket_get_fd(sk), buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			handle(buf, n);
			continue;
		}
		if (n < 0 && errno == ENOBUFS) {
			changed = true;
			nat_share_lost();
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			nat_share_resync();
			return;
		}
		nat_log("the events socket failed (%s): every packet to the host that may open a flow is asked about, every MAC new to the gateway too",
			n < 0 ? strerror(errno) : "closed");
		nat_watch_free();
		nat_share_lost();
		return;
	}
}

/* Whether no NET_ or PORT_ event came (nor was lost) since the last call. */
bool nat_watch_quiet(void)
{
	bool quiet;

	nat_watch_drain();
	quiet = sk && !changed;
	changed = false;
	return quiet;
}

void nat_watch_free(void)
{
	nl_socket_free(sk);
	sk = NULL;
}
