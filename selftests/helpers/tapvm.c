// SPDX-License-Identifier: GPL-2.0
/*
 * tapvm: stands in for a VM behind a TAP port. Creates TAP PORT in the current
 * network namespace (for intnet to attach), TAP NIC inside the namespace of
 * /run/netns/NS (the "VM's" NIC), and copies frames between the two fds until
 * killed, the way a hypervisor's virtio backend does.
 *
 * Usage: tapvm PORT NS NIC   (prints "ready" once both TAPs exist)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int tap_create(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Copies one frame; 0 on success or nothing to read, -1 when the peer is gone.
 */
static int relay(int from, int to)
{
	char frame[65536 + 64];
	ssize_t n = read(from, frame, sizeof(frame));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (write(to, frame, n) < 0 && errno != EIO)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct pollfd p[2];
	char path[256];
	int nsfd, i;

	if (argc != 4) {
		fprintf(stderr, "usage: tapvm PORT NS NIC\n");
		return 2;
	}
	p[0].fd = tap_create(argv[1]);
	snprintf(path, sizeof(path), "/run/netns/%s", argv[2]);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (p[0].fd < 0 || nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		perror("tapvm");
		return 1;
	}
	p[1].fd = tap_create(argv[3]);
	if (p[1].fd < 0) {
		perror("tapvm");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	p[0].events = p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < 2; i++)
			if ((p[i].revents & POLLIN) &&
			    relay(p[i].fd, p[1 - i].fd) < 0)
				return 1;
	}
}
