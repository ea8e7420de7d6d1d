/* SPDX-License-Identifier: GPL-2.0 */
/*
 * intnet-qemu-helper: what its files share. libc only, on purpose: it runs
 * with CAP_NET_ADMIN for every local user, and shares no code with intnetctl.
 */
#ifndef INTNET_QEMU_HELPER_H
#define INTNET_QEMU_HELPER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <linux/intnet.h>

/* Fixed at build time: whoever runs the helper has no say in it. */
#ifndef INTNET_QEMU_HELPER_CONF
#define INTNET_QEMU_HELPER_CONF "/etc/intnet/qemu-helper.conf"
#endif

#define PROG "intnet-qemu-helper"
#define USAGE "usage: " PROG " [--use-vnet] --fd=N --br=[OWNER/]NAME"
/* Longer than any valid argument ("--br=", an owner, '/' and a name). */
#define ARG_MAX_LEN 200
/* How deep "include" may nest below the ACL file. */
#define INCLUDE_DEPTH 8
/* The longest ACL line read; a longer one is an error. */
#define LINE_MAX_LEN 1024
/* How many directories deep, and how many symbolic links, a path may go. */
#define WALK_DEPTH 64
#define WALK_LINKS 40

/*
 * A network as named: NAME (whichever network the kernel takes the name to
 * mean for the user: their own, else root's public one) or OWNER/NAME.
 */
struct target {
	const char *arg; /* as given, for messages */
	char name[INTNET_NAME_MAX + 1];
	/* Whether the network's owner is known: given, or asked of intnet. */
	bool has_owner;
	uid_t owner;
};

struct args {
	bool vnet;
	int fd;
	struct target net;
};

enum rule { ALLOW, ALLOW_CREATE, DENY, RULES };

struct acl {
	struct target *net;
	/* Where each kind of rule first named the network (line 0: never). */
	struct {
		char file[PATH_MAX];
		unsigned int line;
	} first[RULES];
	/* The files being read, outermost first, to refuse loops. */
	struct stat open[INCLUDE_DEPTH + 1];
};

/* main.c */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
const char *quote(const char *s, size_t len);
/* A C string, quoted. */
static inline const char *Q(const char *s)
{
	return quote(s, strlen(s));
}

/* privilege.c */
bool drop_privileges(void);
void net_admin(bool on);
void drop_net_admin(void);

/* args.c */
bool printable(const char *s);
const char *name_problem(const char *s);
bool owner_uid(const char *s, uid_t *uid);
void parse_args(int argc, char **argv, struct args *a);

/* netlink.c */
void resolve_owner(struct target *t);
void port_add(int ifindex, const struct target *t, bool create,
	      const struct acl *acl);

/* walk.c */
int acl_open(const char *path, bool top, struct stat *st);

/* acl.c */
bool acl_check(struct acl *acl, struct target *net);

/* tap.c */
int tap_create(bool vnet, int *ifindex);
void send_fd(int sock, int fd);

#endif
