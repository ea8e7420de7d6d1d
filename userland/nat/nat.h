/* SPDX-License-Identifier: GPL-2.0 */
/* intnet-nat: what its files share (options, the TAP, the event loop). */
#ifndef INTNET_NAT_H
#define INTNET_NAT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROG "intnet-nat"

/* Where the unprivileged user's TAP comes from (the Makefile may say otherwise). */
#ifndef INTNET_NAT_HELPER
#define INTNET_NAT_HELPER "/usr/local/libexec/intnet-qemu-helper"
#endif
/* intnetctl, for root's own TAP (attached as `intnetctl port add`). */
#ifndef INTNET_NAT_INTNETCTL
#define INTNET_NAT_INTNETCTL "/usr/local/sbin/intnetctl"
#endif

/* libslirp's DHCP server has this many leases, from dhcpstart on. */
#define NAT_LEASES 16
/* share.c's buckets: one a user (of switch ports), bucket 0 for the MACs of no port seen. */
#define NAT_BUCKETS 64
/* Re-checks of the network before a packet to the host: a second, a burst, a port. */
#define NAT_HOST_ASK_RATE 200
#define NAT_HOST_ASK_BURST 50
#define NAT_MAX_FWDS 32
#define NAT_NAME_MAX 140

struct nat_fwd {
	bool udp;
	struct in_addr host_addr;
	int host_port;
	struct in_addr guest_addr; /* 0: dhcpstart, as QEMU does */
	int guest_port;
	char text[128]; /* as given, for the log */
};

struct nat_opts {
	char net[NAT_NAME_MAX + 1]; /* [OWNER/]NAME, as the helper takes it */
	bool ipv4, ipv6, restrict_;
	struct in_addr vnetwork, vnetmask, vhost, vdhcp_start, vnameserver;
	int prefix_len;
	struct in6_addr vprefix6, vhost6, vnameserver6;
	int prefix6_len;
	const char *hostname, *domainname;
	const char *tap; /* root: this TAP (made if missing) */
	const char *helper; /* the unprivileged user's way to a TAP */
	struct nat_fwd fwd[NAT_MAX_FWDS];
	int nfwd;
	bool helper_given; /* root too uses the helper */
	bool quiet_probe; /* probe=off: no check for another gateway first */
	/* root: whom libslirp runs as once the port is set up (user=, nobody) */
	const char *run_user;
	uid_t run_uid;
	gid_t run_gid;
	/* started as root: the port locked before the drop, the loopback closed */
	bool root;
};

/* options.c: exits 2 with a message on anything it does not take. */
void nat_parse(int argc, char **argv, struct nat_opts *o);
void nat_usage(int status);
const char *nat_ip(struct in_addr a);

/* tap.c: a TAP fd attached to the network, its name in @ifname (IFNAMSIZ). */
int nat_tap_open(const struct nat_opts *o, char *ifname);
extern bool nat_tap_made;
/* root: setgroups, setgid, setuid to o->run_uid, checked; false if not done. */
bool nat_drop_root(const struct nat_opts *o);
/* intnetctl (by its absolute path) with @args; its output into @out if not NULL
 * (NUL-terminated, cut at @len - 1). Its exit status, -1 if it did not run.
 */
int nat_intnetctl(const char *const *args, char *out, size_t len);

/* probe.c: true (said why on stderr) if a gateway of this user, the network's
 * owner or root answers ARP for the host address on TAP @ifname already; an
 * answer from another user's port is only logged.
 */
bool nat_probe(int tap, const struct nat_opts *o, const char *ifname);

/* loop.c: SIGTERM, SIGINT and SIGHUP blocked and read from the fd returned. */
int nat_signals(void);
/* Runs libslirp until one of them comes; returns the exit status. */
int nat_run(const struct nat_opts *o, int tap, const char *ifname, int sfd);

void nat_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* guard.c: the VMs' frames checked before libslirp, libslirp's before the network. */
enum { NAT_PASS, NAT_DROP };
void nat_guard_init(const struct nat_opts *o);
/* NAT_PASS or NAT_DROP; *@host: it opens a flow to the host address (loopback). */
int nat_guard_in(const uint8_t *f, size_t n, bool *host);
void nat_guard_in_done(void);
/* For a packet to the host (nat_guard_in's *@host): whether its port may have the
 * network asked again now (at most NAT_HOST_ASK_RATE a second a port); logged if not.
 */
bool nat_guard_host_ask(void);
void nat_guard_out(uint8_t *f, size_t n);
/* libslirp opened or closed a socket (its register_poll_fd callbacks). */
void nat_guard_fd(int fd, bool open);
/* Nearly out of file descriptors: the loop must not spin on what it cannot accept. */
bool nat_guard_starved(void);
void nat_guard_free(void);
const char *nat_mac(const uint8_t *m);

/*
 * share.c: what one user's VMs may hold (flows, leases). A user is a bucket,
 * found by a frame's source MAC in a mirror of the kernel's FDB (kept by its
 * events, watch.c) and the user of the port it is behind; without the mirror,
 * the FDB is asked at a bounded rate, answers cached a few seconds. Bucket 0
 * holds the MACs behind no port the gateway's user may see, or not learned.
 */
struct nlmsghdr;
/* Subscribes (watch.c) and dumps the network's ports and FDB: before root's drop. */
void nat_share_init(const struct nat_opts *o);
void nat_share_free(void);
/* watch.c: an event; events were lost; after a drain, the dump a loss calls for (at most 1/s). */
void nat_share_event(struct nlmsghdr *nlh);
void nat_share_lost(void);
void nat_share_resync(void);
/* @mac's bucket; without an intact mirror the kernel is asked only if @may (else what is cached, or 0). */
int nat_share_port(const uint8_t *mac, bool may);
const char *nat_share_name(int b);
/* Bucket @b's user, as a key that stays while the gateway runs (not reused as a bucket is), 0 for bucket 0. */
long nat_share_key(int b);
/* NET_GET on the same socket: the network's owner and whether it is public;
 * -1 with why in @why if it cannot be had.
 */
int nat_share_net(uint32_t *owner, bool *public, char *why, size_t len);
int nat_share_flows(int b);
void nat_share_flow(int b, int delta);
void nat_share_leased(int b, int delta);
/* Whether bucket @b may take one more lease (for client @mac) of @free_leases
 * left: at most half of them, one at least; a refusal is logged once a user.
 */
bool nat_share_lease_ok(int b, const uint8_t *mac, int free_leases);

/* netctl.c: intnetctl asked as this user. */
enum { NAT_NET_UNKNOWN = -1, NAT_NET_OWN, NAT_NET_SHARED };
int nat_net_access(const struct nat_opts *o, unsigned long *owner, char *why,
		   size_t len);
/* watch.c: the network's events, so that a packet to the host is asked about
 * only once something changed (or could not be watched), and share.c's FDB
 * mirror kept. false if not subscribed.
 */
bool nat_watch_init(const char *net);
/* The events socket (for poll), -1 if none. */
int nat_watch_fd(void);
/* Reads every event queued (FDB and ports to share.c). */
void nat_watch_drain(void);
bool nat_watch_quiet(void);
void nat_watch_free(void);
/* The gateway's MAC (52:55 and host=) locked to its port, when @owner (the
 * network's) is this user or this is root; logged either way.
 */
void nat_lock_gateway(const struct nat_opts *o, const char *ifname,
		      unsigned long owner);

#endif
