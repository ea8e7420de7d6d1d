// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper: becoming the user who ran it, with CAP_NET_ADMIN
 * effective only around the TAP's creation.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "helper.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

struct caps {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
};

static int caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->hdr, c->data);
}

/* Sets the effective, permitted and inheritable sets to the masks given. */
static int caps_set(uint64_t eff, uint64_t perm)
{
	struct caps c;

	memset(&c, 0, sizeof(c));
	c.hdr.version = _LINUX_CAPABILITY_VERSION_3;
	c.data[0].effective = (uint32_t)eff;
	c.data[1].effective = (uint32_t)(eff >> 32);
	c.data[0].permitted = (uint32_t)perm;
	c.data[1].permitted = (uint32_t)(perm >> 32);
	return syscall(SYS_capset, &c.hdr, c.data);
}

#define NET_ADMIN (1ull << CAP_NET_ADMIN)

/*
 * Becomes the user who ran us, with CAP_NET_ADMIN permitted (not effective)
 * if we were given it and nothing else, for good: the bounding set loses the
 * rest where it can (setuid root), the ambient set is emptied, and no exec can
 * give anything back. Whether CAP_NET_ADMIN is there.
 */
bool drop_privileges(void)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	bool have = false;
	struct caps c;
	int cap;

	if (getresuid(&ruid, &euid, &suid) || getresgid(&rgid, &egid, &sgid))
		die("getresuid: %s", strerror(errno));
	if (caps_get(&c))
		die("capget: %s", strerror(errno));
	have = c.data[0].permitted & NET_ADMIN;
	/* Needs CAP_SETPCAP: setuid root has it, a file capability not. */
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (cap != CAP_NET_ADMIN)
			(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	/* From setuid root to the user, keeping the permitted set for now. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setresgid(rgid, rgid, rgid) ||
	    setresuid(ruid, ruid, ruid) || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
		die("cannot become uid %u gid %u: %s", (unsigned int)ruid,
		    (unsigned int)rgid, strerror(errno));
	if (caps_set(0, have ? NET_ADMIN : 0))
		die("capset: %s", strerror(errno));
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("no_new_privs: %s", strerror(errno));
	/* Whatever fs.suid_dumpable says: no core, no ptrace by the user. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		die("cannot make the helper non-dumpable: %s", strerror(errno));
	if (getresuid(&ruid, &euid, &suid) || euid != ruid || suid != ruid ||
	    getresgid(&rgid, &egid, &sgid) || egid != rgid || sgid != rgid ||
	    caps_get(&c) || c.data[0].effective || c.data[1].effective ||
	    c.data[0].inheritable || c.data[1].inheritable ||
	    c.data[1].permitted || (c.data[0].permitted & ~NET_ADMIN))
		die("cannot drop privileges");
	return have;
}

/* CAP_NET_ADMIN in effect (@on) or not. */
void net_admin(bool on)
{
	if (caps_set(on ? NET_ADMIN : 0, NET_ADMIN))
		die("capset: %s", strerror(errno));
}

/* Gives up CAP_NET_ADMIN for good. */
void drop_net_admin(void)
{
	struct caps c;

	if (caps_set(0, 0) || caps_get(&c) || c.data[0].permitted ||
	    c.data[1].permitted)
		die("cannot drop CAP_NET_ADMIN");
}
