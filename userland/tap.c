// SPDX-License-Identifier: GPL-2.0
/* intnetctl tap: persistent TAPs for users, made and attached, or deleted. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <net/if.h>

#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#include "intnetctl.h"

/* The TAP @name from /dev/net/tun (made if it does not exist); -1 and errno. */
static int tap_open(const char *name, int flags)
{
	struct ifreq ifr = { .ifr_flags = flags };
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int tap_fail(const char *what, const char *name)
{
	fprintf(stderr, "intnetctl: cannot %s TAP '%s': %s\n", what, name,
		strerror(errno));
	return 1;
}

/*
 * Whether the TAP @ifindex, just made, is as tap_add() made it: tun's, ours,
 * and open by our fd alone. A multi-queue TAP gives a queue to anyone while
 * it has no owner, and so in the instant between TUNSETIFF and TUNSETOWNER to
 * another program, which would keep it: a TAP with another queue is given up.
 */
static int tap_alone(unsigned int ifindex, const char *name, uint32_t owner)
{
	struct link_info li;

	if (link_info(ifindex, &li) || strcmp(li.kind, "tun") ||
	    !li.has_owner || li.owner != owner) {
		fprintf(stderr, "intnetctl: TAP '%s' changed while made\n",
			name);
		return -1;
	}
	if (li.queues != 1 || li.disabled) {
		fprintf(stderr, "intnetctl: another program opened TAP '%s'\n",
			name);
		return -1;
	}
	return 0;
}

/*
 * A persistent TAP for a user (what VBoxTunctl made), attached as a port.
 *
 * IFF_TUN_EXCL makes it new: a device of that name is refused, never taken
 * over. It gets its owner (the user, or the caller) and group at once, before
 * it is a port: the module takes a port off its network when its TAP changes
 * hands, and only that user may open or attach it meanwhile. Then it is
 * attached, and only then made persistent: until then it lives by our fd
 * alone, and any failure takes it away with the fd, its port with it:
 * nothing is left half made, and nothing that was there is touched.
 */
static int tap_add(struct conn *c, struct args *a)
{
	const char *name = a->slot[SLOT_IFNAME].str;
	const struct slot *user = &a->slot[INTNET_ATTR_PORT_USER];
	const struct slot *group = &a->slot[SLOT_GROUP];
	int flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL;
	unsigned int ifindex = 0;
	uint32_t owner;
	int fd, ret = 1;

	if (a->slot[SLOT_VNET_HDR].kw)
		flags |= IFF_VNET_HDR;
	if (a->slot[SLOT_MULTI_QUEUE].kw)
		flags |= IFF_MULTI_QUEUE;
	fd = tap_open(name, flags);
	if (fd < 0 && (errno == EBUSY || errno == EEXIST)) {
		fprintf(stderr, "intnetctl: device '%s' exists\n", name);
		return 1;
	}
	if (fd < 0)
		return tap_fail("create", name);
	owner = user->kw ? user->u32 : geteuid();
	if (ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0) {
		tap_fail("set the owner of", name);
		goto out;
	}
	if (group->kw &&
	    ioctl(fd, TUNSETGROUP, (unsigned long)group->u32) < 0) {
		tap_fail("set the group of", name);
		goto out;
	}
	ifindex = if_nametoindex(name);
	if (tap_alone(ifindex, name, owner))
		goto out;
	if (link_up(name) < 0) {
		tap_fail("bring up", name);
		goto out;
	}
	if (port_add_for(c, a, ifindex))
		goto out;
	if (ioctl(fd, TUNSETPERSIST, 1UL) < 0) {
		tap_fail("make persistent", name);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	/* Gone with the fd, unless another program opened it (tap_alone()). */
	if (ret && ifindex && if_nametoindex(name) == ifindex)
		link_request(RTM_DELLINK, 0, name, ifindex, NULL, "delete");
	return ret;
}

/* The TAP's flags as tun shows them in sysfs; -1 if @name is no TUN/TAP. */
static int tap_flags(const char *name)
{
	char path[64 + IFNAMSIZ], buf[32];
	unsigned int flags;
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && sscanf(buf, "%x", &flags) == 1)
		ret = flags;
	fclose(f);
	return ret;
}

/* Deleting the TAP detaches its port: the module follows its devices. */
static int tap_del(struct conn *c, struct args *a)
{
	const char *name = a->slot[SLOT_IFNAME].str;
	int flags = tap_flags(name);
	int fd, ret = 0;

	(void)c;
	if (!if_nametoindex(name)) {
		fprintf(stderr, "intnetctl: no such device '%s'\n", name);
		return 1;
	}
	if (flags < 0 || !(flags & IFF_TAP)) {
		fprintf(stderr, "intnetctl: '%s' is not a TAP\n", name);
		return 1;
	}
	if (!(flags & IFF_PERSIST)) {
		fprintf(stderr,
			"intnetctl: TAP '%s' is not persistent: it goes when its program closes it\n",
			name);
		return 1;
	}
	fd = tap_open(name, flags & (IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE));
	if (fd < 0) {
		if (errno == EBUSY) {
			fprintf(stderr,
				"intnetctl: TAP '%s' is in use (stop the VM first)\n",
				name);
			return 1;
		}
		return tap_fail("open", name);
	}
	if (ioctl(fd, TUNSETPERSIST, 0UL) < 0)
		ret = tap_fail("delete", name);
	close(fd);
	return ret;
}

static const struct verb tap_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_PORT_ADD,
	  .arg = &arg_ifname,
	  .kws = KWS(&kw_net, &kw_user, &kw_group, &kw_vnet_hdr,
		     &kw_multi_queue, &kw_up, &kw_down, &kw_promisc),
	  .flags = V_DEFAULT_NET | V_GROUP_USER,
	  .run = tap_add },
	{ .name = "del", .arg = &arg_ifname, .run = tap_del },
	{ .name = NULL },
};

const struct object tap_object = {
	.name = "tap",
	.verbs = tap_verbs,
	.run = run_verbs,
};
