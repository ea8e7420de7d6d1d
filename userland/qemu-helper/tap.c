// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper: creating the TAP, given to the user, and handing it to
 * QEMU.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>

#include "helper.h"

/*
 * Creates the TAP, owned by the user and by no group (QEMU needs none, and
 * a group shared with others would let them open it when QEMU does not
 * hold it): its fd; its index in @ifindex.
 */
int tap_create(bool vnet, int *ifindex)
{
	struct ifreq ifr;
	int fd, s;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("cannot open /dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	net_admin(true);
	if (ioctl(fd, TUNSETIFF, &ifr))
		die("cannot create a TAP: %s", strerror(errno));
	if (ioctl(fd, TUNSETOWNER, (unsigned long)getuid()))
		die("cannot give the TAP to uid %u: %s", (unsigned int)getuid(),
		    strerror(errno));
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket: %s", strerror(errno));
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		die("%s: %s", ifr.ifr_name, strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		die("cannot bring %s up: %s", ifr.ifr_name, strerror(errno));
	if (ioctl(s, SIOCGIFINDEX, &ifr))
		die("%s: %s", ifr.ifr_name, strerror(errno));
	*ifindex = ifr.ifr_ifindex;
	close(s);
	net_admin(false);
	return fd;
}

/* Hands the TAP to QEMU: one byte, with the fd. */
void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		die("cannot pass the TAP over --fd=%d: %s", sock,
		    n < 0 ? strerror(errno) : "short write");
}
