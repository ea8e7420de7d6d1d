// SPDX-License-Identifier: GPL-2.0
/* Network devices for the selftests: TUN/TAP, rtnetlink links, ioctls, qdiscs.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "dev.h"
#include "nl.h"

/* Opens a new TUN/TAP device @name (@flags: IFF_TAP or IFF_TUN); its fd. */
int tun_open(const char *name, int flags)
{
	struct ifreq ifr = { .ifr_flags = flags | IFF_NO_PI };
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* An ioctl on a device by name, through a throw-away socket. */
int dev_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s, ret = 0;

	s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (ioctl(s, req, ifr) < 0)
		ret = -errno;
	close(s);
	return ret;
}

int dev_set_up(const char *name, int up)
{
	struct ifreq ifr = { 0 };
	int err;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	err = dev_ioctl(SIOCGIFFLAGS, &ifr);
	if (err)
		return err;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return dev_ioctl(SIOCSIFFLAGS, &ifr);
}

int dev_set_mtu(const char *name, int mtu)
{
	struct ifreq ifr = { .ifr_mtu = mtu };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	return dev_ioctl(SIOCSIFMTU, &ifr);
}

int dev_rename(const char *name, const char *newname)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	snprintf(ifr.ifr_newname, sizeof(ifr.ifr_newname), "%s", newname);
	return dev_ioctl(SIOCSIFNAME, &ifr);
}

/* Appends a nest start; close it with nest_end(). */
size_t nest_start(void *buf, size_t len, uint16_t type, size_t *nest)
{
	*nest = NLMSG_ALIGN(len);
	return nl_put(buf, len, type | NLA_F_NESTED, NULL, 0);
}

void nest_end(void *buf, size_t len, size_t nest)
{
	((struct nlattr *)((char *)buf + nest))->nla_len = len - nest;
}

/* Sends one RTNETLINK request of @len bytes in @buf; 0 or a negative errno. */
int rtnl_call(void *buf, size_t len)
{
	static struct nl_reply r;
	int fd, err;

	fd = nl_open_proto(NETLINK_ROUTE);
	if (fd < 0)
		return fd;
	err = nl_request(fd, buf, len, &r);
	close(fd);
	return err;
}

size_t rtnl_link_start(void *buf, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nh = buf;
	struct ifinfomsg *ifi = NLMSG_DATA(nh);

	memset(buf, 0, NLMSG_HDRLEN + sizeof(*ifi));
	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nh->nlmsg_seq = 1;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifi));
}

/*
 * Creates the device @name of kind @kind ("dummy", "bridge") with the ifindex
 * @ifindex (0: any).
 */
int link_add_at(const char *name, const char *kind, int ifindex)
{
	uint32_t buf[256];
	size_t len, nest;

	len = rtnl_link_start(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			      ifindex);
	len = nl_put(buf, len, IFLA_IFNAME, name, strlen(name) + 1);
	len = nest_start(buf, len, IFLA_LINKINFO, &nest);
	len = nl_put(buf, len, IFLA_INFO_KIND, kind, strlen(kind));
	nest_end(buf, len, nest);
	return rtnl_call(buf, len);
}

int link_add(const char *name, const char *kind)
{
	return link_add_at(name, kind, 0);
}

/* A dummy device @name (ifindex @ifindex, 0: any), up; its ifindex or -errno.
 */
int dummy_up(const char *name, int ifindex)
{
	int err = link_add_at(name, "dummy", ifindex);

	if (!err)
		err = dev_set_up(name, 1);
	return err ? err : (int)if_nametoindex(name);
}

/* Sets a u32 link attribute (IFLA_MASTER, IFLA_NET_NS_FD) of a device. */
int link_set_u32(int ifindex, uint16_t type, uint32_t value)
{
	uint32_t buf[64];
	size_t len;

	len = rtnl_link_start(buf, RTM_NEWLINK, 0, ifindex);
	len = nl_put(buf, len, type, &value, sizeof(value));
	return rtnl_call(buf, len);
}

/* Makes @kind ("fq", say) the root qdisc of a device. */
int qdisc_replace(int ifindex, const char *kind)
{
	uint32_t buf[64];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct tcmsg *tcm = NLMSG_DATA(nh);
	size_t len;

	memset(buf, 0, sizeof(buf));
	nh->nlmsg_type = RTM_NEWQDISC;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
			  NLM_F_REPLACE;
	nh->nlmsg_seq = 1;
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_ROOT;
	len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*tcm));
	len = nl_put(buf, len, TCA_KIND, kind, strlen(kind) + 1);
	return rtnl_call(buf, len);
}
