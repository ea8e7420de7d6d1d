// SPDX-License-Identifier: GPL-2.0
/* intnet-nat's port: a TAP from intnet-qemu-helper (users) or made and attached (root). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
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

/* The installed intnetctl; INTNET_NAT_INTNETCTL (an absolute path) instead, for
 * tests, unless this runs setuid or with capabilities (secure_getenv).
 */
static const char *intnetctl_path(void)
{
	const char *env = secure_getenv("INTNET_NAT_INTNETCTL");

	return env && *env == '/' ? env : INTNET_NAT_INTNETCTL;
}

int nat_intnetctl(const char *const *args, char *out, size_t len)
{
	const char *argv[16] = { "intnetctl" };
	size_t i, got = 0;
	int pfd[2] = { -1, -1 }, status;
	ssize_t n;
	pid_t pid;

	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = args[i];
	if (out && pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		if (out) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return -1;
	}
	if (!pid) {
		unblock();
		if (out && dup2(pfd[1], STDOUT_FILENO) < 0)
			_exit(127);
		execv(intnetctl_path(), (char *const *)argv);
		fprintf(stderr, PROG ": %s: %s\n", intnetctl_path(),
			strerror(errno));
		_exit(127);
	}
	if (out) {
		close(pfd[1]);
		while (got + 1 < len) {
			n = read(pfd[0], out + got, len - 1 - got);
			if (n > 0)
				got += n;
			else if (n == 0 || errno != EINTR)
				break;
		}
		out[got] = '\0';
		close(pfd[0]); /* the rest, if any: intnetctl gets EPIPE */
	}
	status = reap(pid);
	return status;
}

/* Root: `intnetctl port add IF net NAME`, which says why when it refuses. */
static int attach(const char *ifname, const char *net)
{
	const char *args[] = { "port", "add", ifname, "net", net, NULL };

	return nat_intnetctl(args, NULL, 0) == 0 ? 0 : -1;
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

/* Root, the port set up: libslirp and the VMs' sockets are o->run_uid's from here. */
bool nat_drop_root(const struct nat_opts *o)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid, groups[1];

	if (geteuid() != 0)
		return true;
	if (setgroups(0, NULL) < 0 || setgid(o->run_gid) < 0 ||
	    setuid(o->run_uid) < 0) {
		fprintf(stderr, PROG ": cannot become uid %u gid %u: %s\n",
			(unsigned int)o->run_uid, (unsigned int)o->run_gid,
			strerror(errno));
		return false;
	}
	/* Checked: every id is the new one, and root's cannot come back. */
	if (getresuid(&ruid, &euid, &suid) < 0 ||
	    getresgid(&rgid, &egid, &sgid) < 0 || ruid != o->run_uid ||
	    euid != o->run_uid || suid != o->run_uid || rgid != o->run_gid ||
	    egid != o->run_gid || sgid != o->run_gid ||
	    getgroups(1, groups) != 0 || setuid(0) == 0) {
		fprintf(stderr, PROG ": still privileged after setuid(%u)\n",
			(unsigned int)o->run_uid);
		return false;
	}
	return true;
}
