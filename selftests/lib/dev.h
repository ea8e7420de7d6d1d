/* SPDX-License-Identifier: GPL-2.0 */
/* Network devices for the selftests: TUN/TAP, rtnetlink links, ioctls, qdiscs.
 */
#ifndef INTNET_TEST_DEV_H
#define INTNET_TEST_DEV_H

#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

/* Opens a new TUN/TAP device @name (@flags: IFF_TAP or IFF_TUN); its fd. */
int tun_open(const char *name, int flags);

/* An ioctl on a device by name, through a throw-away socket. */
int dev_ioctl(unsigned long req, struct ifreq *ifr);

int dev_set_up(const char *name, int up);

int dev_set_mtu(const char *name, int mtu);

int dev_rename(const char *name, const char *newname);

/* Appends a nest start; close it with nest_end(). */
size_t nest_start(void *buf, size_t len, uint16_t type, size_t *nest);

void nest_end(void *buf, size_t len, size_t nest);

/* Sends one RTNETLINK request of @len bytes in @buf; 0 or a negative errno. */
int rtnl_call(void *buf, size_t len);

size_t rtnl_link_start(void *buf, uint16_t type, uint16_t flags, int ifindex);

/*
 * Creates the device @name of kind @kind ("dummy", "bridge") with the ifindex
 * @ifindex (0: any).
 */
int link_add_at(const char *name, const char *kind, int ifindex);

int link_add(const char *name, const char *kind);

/* A dummy device @name (ifindex @ifindex, 0: any), up; its ifindex or -errno.
 */
int dummy_up(const char *name, int ifindex);

/* Sets a u32 link attribute (IFLA_MASTER, IFLA_NET_NS_FD) of a device. */
int link_set_u32(int ifindex, uint16_t type, uint32_t value);

/* Makes @kind ("fq", say) the root qdisc of a device. */
int qdisc_replace(int ifindex, const char *kind);

#endif
