// SPDX-License-Identifier: GPL-2.0
/* What intnet-nat asks intnetctl, as its own user: who may join the network, the gateway's MAC lock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nat.h"

/* intnetctl ARGS with stdout and stderr in @out; its exit status, or -1. */
static int intnetctl(char *out, size_t len, char *const argv[])
{
	size_t got = 0;
	sigset_t set;
	int p[2], st;
	ssize_t n;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		sigemptyset(&set);
		sigprocmask(SIG_SETMASK, &set, NULL);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp("intnetctl", argv);
		execv(INTNET_NAT_INTNETCTL, argv);
		printf("intnetctl: %s\n", strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < len) {
		n = read(p[0], out + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	out[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	out[strcspn(out, "\n")] = '\0'; /* the first line, for a message */
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int nat_net_access(const struct nat_opts *o, unsigned long *owner, char *why,
		   size_t len)
{
	char *const argv[] = { "intnetctl", "-j",	    "net",
			       "show",	    (char *)o->net, NULL };
	char out[4096];
	const char *p;

	*owner = -1UL;
	if (intnetctl(out, sizeof(out), argv) != 0) {
		snprintf(why, len, "intnetctl -j net show %s: %s", o->net,
			 out[0] ? out : "failed");
		return NAT_NET_UNKNOWN;
	}
	p = strstr(out, "\"owner\":");
	if (!p) {
		snprintf(why, len, "intnetctl -j net show %s: no owner",
			 o->net);
		return NAT_NET_UNKNOWN;
	}
	*owner = strtoul(p + 8, NULL, 10);
	if (strstr(out, "\"access\":\"public\"")) {
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
		      unsigned long owner, const char *mac)
{
	char *const argv[] = { "intnetctl", "port",	 "set", (char *)ifname,
			       "lock-mac",  (char *)mac, NULL };
	char out[512];

	if (owner != geteuid() && geteuid() != 0) {
		nat_log("the gateway's MAC %s is not locked: only %s's owner or root can lock it against other ports, and a VM that sends from it draws what the VMs send the gateway",
			mac, o->net);
		return;
	}
	if (intnetctl(out, sizeof(out), argv) != 0) {
		nat_log("the gateway's MAC %s is not locked (intnetctl port set %s lock-mac: %s)",
			mac, ifname, out[0] ? out : "failed");
		return;
	}
	nat_log("the gateway's port %s: lock-mac %s (no other port of %s may send from it)",
		ifname, mac, o->net);
}
