// SPDX-License-Identifier: GPL-2.0
/* intnet-nat's port: a TAP from intnet-qemu-helper (users) or made and attached (root). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nat.h"

bool nat_tap_made;

/* A child runs with the signals intnet-nat blocks unblocked again. */
static void unblock(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/* The child's exit status, or -1 if it did not exit. */
static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The fd sent with SCM_RIGHTS on @sock, as QEMU takes it from its helper. */
static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	c = CMSG_FIRSTHDR(&mh);
	if (n != 1 || !c || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/* QEMU's -netdev bridge: socketpair, the helper on one end, the TAP back on the other. */
static int from_helper(const struct nat_opts *o)
{
	char fdarg[32], brarg[NAT_NAME_MAX + 8];
	int sv[2], fd, status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		fprintf(stderr, PROG ": socketpair: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (!pid) {
		unblock();
		/* The helper's end survives exec; ours does not. */
		fcntl(sv[1], F_SETFD, 0);
		snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
		snprintf(brarg, sizeof(brarg), "--br=%s", o->net);
		execl(o->helper, "intnet-qemu-helper", fdarg, brarg,
		      (char *)NULL);
		fprintf(stderr, PROG ": %s: %s\n", o->helper, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	close(sv[0]);
	status = reap(pid);
	if (status != 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		/* The helper said why on stderr already. */
		fprintf(stderr, PROG ": no TAP on %s from %s\n", o->net,
			o->helper);
		return -1;
	}
	return fd;
}

/* Root: `intnetctl port add IF net NAME`, which says why when it refuses. */
static int attach(const char *ifname, const char *net)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		unblock();
		execlp("intnetctl", "intnetctl", "port", "add", ifname, "net",
		       net, (char *)NULL);
		fprintf(stderr, PROG ": intnetctl: %s\n", strerror(errno));
		_exit(127);
	}
	return reap(pid) == 0 ? 0 : -1;
}

static int set_up(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -1;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return r;
}

/* Root: tap=DEV (an existing TAP is used as it is) or a new TAP, attached. */
static int as_root(const struct nat_opts *o)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	char sys[64];
	bool existed;
	int fd;

	snprintf(sys, sizeof(sys), "/sys/class/net/%s", o->tap ? o->tap : "");
	existed = o->tap && !access(sys, F_OK);
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, PROG ": /dev/net/tun: %s\n", strerror(errno));
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s",
		 o->tap ? o->tap : "nat%d");
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, PROG ": TAP %s: %s\n", ifr.ifr_name,
			strerror(errno));
		close(fd);
		return -1;
	}
	nat_tap_made = !existed;
	if (existed)
		return fd;
	if (set_up(ifr.ifr_name) < 0 || attach(ifr.ifr_name, o->net) < 0) {
		fprintf(stderr, PROG ": cannot attach TAP %s to %s\n",
			ifr.ifr_name, o->net);
		close(fd); /* not persistent: the TAP goes with it */
		return -1;
	}
	return fd;
}

int nat_tap_open(const struct nat_opts *o, char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd;

	/* Root goes through the helper only when told to (helper=). */
	if (geteuid() == 0 && !o->helper_given)
		fd = as_root(o);
	else
		fd = from_helper(o);
	if (fd < 0)
		return -1;
	if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
		fprintf(stderr, PROG ": TUNGETIFF: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(ifname, IFNAMSIZ, "%s", ifr.ifr_name);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}
