// SPDX-License-Identifier: GPL-2.0
/* intnet-nat's options: QEMU's -netdev user keys and syntax, checked before anything runs. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nat.h"

#define USAGE                                                                        \
	"usage: " PROG " [OWNER/]NAME [KEY=VALUE[,KEY=VALUE...]]...\n"               \
	"Gives network NAME a gateway: DHCP, DNS, NAT through your own sockets.\n"   \
	"Keys (QEMU's -netdev user names):\n"                                        \
	"  net=ADDR[/MASK]     IPv4 network (10.0.2.0/24)\n"                         \
	"  host=ADDR           the gateway's address (net + 2)\n"                    \
	"  dhcpstart=ADDR      first of the 16 leases (net + 15)\n"                  \
	"  dns=ADDR            the DNS forwarder's address (net + 3)\n"              \
	"  hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT\n"            \
	"                      forward a port of this host to a VM (repeatable)\n"   \
	"  restrict=on|off     on: DHCP and DNS only, nothing gets out (off)\n"      \
	"  ipv4=on|off, ipv6=on|off   the protocols offered (both on)\n"             \
	"  ipv6-net=PREFIX/LEN, ipv6-host=ADDR, ipv6-dns=ADDR   (fec0::/64)\n"       \
	"  hostname=NAME, domainname=NAME   told to DHCP clients\n"                  \
	"  tap=DEV             root only: use (or make) this TAP\n"                  \
	"  helper=PATH         the TAP helper (" INTNET_NAT_HELPER ")\n"             \
	"  probe=on|off        refuse to start if a gateway of yours answers (on)\n" \
	"  user=NAME           root only: run as NAME once the port is up (nobody)\n"

void nat_usage(int status)
{
	fputs(USAGE, status ? stderr : stdout);
	exit(status);
}

/* Bad options: one line, exit 2, before anything was touched. */
static void __attribute__((format(printf, 1, 2))) bad(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see " PROG " --help)\n", stderr);
	exit(2);
}

const char *nat_ip(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int n;

	n = (n + 1) % 4;
	return inet_ntop(AF_INET, &a, buf[n], sizeof(buf[n]));
}

static bool on_off(const char *key, const char *v)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "y"))
		return true;
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "n"))
		return false;
	bad("%s=%s: expected on or off", key, v);
	return false;
}

static struct in_addr ip4(const char *key, const char *v)
{
	struct in_addr a;

	if (inet_pton(AF_INET, v, &a) != 1)
		bad("%s=%s: not an IPv4 address", key, v);
	return a;
}

static struct in6_addr ip6(const char *key, const char *v)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, v, &a) != 1)
		bad("%s=%s: not an IPv6 address", key, v);
	return a;
}

/* A decimal number in [min, max], all of @s. */
static long number(const char *what, const char *s, long min, long max)
{
	char *end;
	long n;

	if (!*s || !isdigit((unsigned char)*s))
		bad("%s: '%s' is not a number", what, s);
	n = strtol(s, &end, 10);
	if (*end || n < min || n > max)
		bad("%s: '%s' is not in %ld-%ld", what, s, min, max);
	return n;
}

/* net=ADDR[/MASK], MASK a length or a dotted mask, as QEMU takes it. */
static void parse_net(struct nat_opts *o, const char *v)
{
	char buf[64], *slash;
	uint32_t m;

	snprintf(buf, sizeof(buf), "%s", v);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	o->vnetwork = ip4("net", buf);
	o->prefix_len = 24;
	if (slash && strchr(slash, '.')) {
		o->vnetmask = ip4("net", slash);
		m = ntohl(o->vnetmask.s_addr);
		/* A mask is ones then zeros: its complement plus one is a power of two. */
		if (~m & (~m + 1))
			bad("net=%s: %s is not a netmask", v, slash);
		o->prefix_len = __builtin_popcount(m);
		return;
	}
	if (slash)
		o->prefix_len = number("net", slash, 0, 32);
	m = o->prefix_len ? ~0u << (32 - o->prefix_len) : 0;
	o->vnetmask.s_addr = htonl(m);
}

static void parse_net6(struct nat_opts *o, const char *v)
{
	char buf[80], *slash;

	snprintf(buf, sizeof(buf), "%s", v);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	o->vprefix6 = ip6("ipv6-net", buf);
	o->prefix6_len = slash ? number("ipv6-net", slash, 0, 126) : 64;
}

/* One side of a forward, "[ADDR]:PORT". */
static void fwd_side(const char *what, char *s, struct in_addr *a, int *port,
		     int min)
{
	char *colon = strrchr(s, ':');

	if (!colon)
		bad("%s '%s' is not [ADDR]:PORT", what, s);
	*colon = '\0';
	a->s_addr = 0;
	if (*s && inet_pton(AF_INET, s, a) != 1)
		bad("%s: '%s' is not an IPv4 address", what, s);
	*port = number(what, colon + 1, min, 65535);
}

/* hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT */
static void parse_fwd(struct nat_opts *o, const char *v)
{
	struct nat_fwd *f;
	char buf[128], what[160], *p, *dash;

	if (o->nfwd == NAT_MAX_FWDS)
		bad("hostfwd: at most %d forwards", NAT_MAX_FWDS);
	f = &o->fwd[o->nfwd++];
	snprintf(f->text, sizeof(f->text), "%s", v);
	snprintf(buf, sizeof(buf), "%s", v);
	p = buf;
	if (!strncmp(p, "tcp:", 4)) {
		p += 4;
	} else if (!strncmp(p, "udp:", 4)) {
		f->udp = true;
		p += 4;
	} else if (*p == ':') {
		p++;
	} else {
		bad("hostfwd=%s: expected tcp: or udp: first", v);
	}
	dash = strchr(p, '-');
	if (!dash)
		bad("hostfwd=%s: expected HOSTPORT-GUESTADDR:GUESTPORT", v);
	*dash = '\0';
	snprintf(what, sizeof(what), "hostfwd=%s: host port", v);
	fwd_side(what, p, &f->host_addr, &f->host_port, 0);
	snprintf(what, sizeof(what), "hostfwd=%s: guest port", v);
	fwd_side(what, dash + 1, &f->guest_addr, &f->guest_port, 1);
}

static bool inside(const struct nat_opts *o, struct in_addr a)
{
	return (a.s_addr & o->vnetmask.s_addr) == o->vnetwork.s_addr;
}

static struct in_addr plus(const struct nat_opts *o, uint32_t n)
{
	struct in_addr a = { htonl(ntohl(o->vnetwork.s_addr) | n) };

	return a;
}

static bool key_is(const char *kv, const char *key, const char **v)
{
	size_t n = strlen(key);

	if (strncmp(kv, key, n) || kv[n] != '=')
		return false;
	*v = kv + n + 1;
	return true;
}

/* Which keys were given, for the defaults that follow from net=. */
struct given {
	bool host, dhcpstart, dns, host6, dns6;
};

static void parse_one(struct nat_opts *o, struct given *g, char *kv)
{
	const char *v;

	if (key_is(kv, "net", &v)) {
		parse_net(o, v);
	} else if (key_is(kv, "host", &v)) {
		o->vhost = ip4("host", v);
		g->host = true;
	} else if (key_is(kv, "dhcpstart", &v)) {
		o->vdhcp_start = ip4("dhcpstart", v);
		g->dhcpstart = true;
	} else if (key_is(kv, "dns", &v)) {
		o->vnameserver = ip4("dns", v);
		g->dns = true;
	} else if (key_is(kv, "hostfwd", &v)) {
		parse_fwd(o, v);
	} else if (key_is(kv, "restrict", &v)) {
		o->restrict_ = on_off("restrict", v);
	} else if (key_is(kv, "ipv4", &v)) {
		o->ipv4 = on_off("ipv4", v);
	} else if (key_is(kv, "ipv6", &v)) {
		o->ipv6 = on_off("ipv6", v);
	} else if (key_is(kv, "ipv6-net", &v)) {
		parse_net6(o, v);
	} else if (key_is(kv, "ipv6-host", &v)) {
		o->vhost6 = ip6("ipv6-host", v);
		g->host6 = true;
	} else if (key_is(kv, "ipv6-dns", &v)) {
		o->vnameserver6 = ip6("ipv6-dns", v);
		g->dns6 = true;
	} else if (key_is(kv, "hostname", &v)) {
		o->hostname = v;
	} else if (key_is(kv, "domainname", &v)) {
		o->domainname = v;
	} else if (key_is(kv, "tap", &v)) {
		if (!*v || strlen(v) > 15 || strpbrk(v, "/ \t:"))
			bad("tap=%s: not a device name", v);
		if (geteuid() != 0)
			bad("tap=%s: only root names a TAP; users get theirs from the helper",
			    v);
		o->tap = v;
	} else if (key_is(kv, "helper", &v)) {
		if (*v != '/')
			bad("helper=%s: give an absolute path", v);
		o->helper = v;
		o->helper_given = true;
	} else if (key_is(kv, "probe", &v)) {
		o->quiet_probe = !on_off("probe", v);
	} else if (key_is(kv, "user", &v)) {
		if (geteuid() != 0)
			bad("user=%s: only root's gateway changes user", v);
		o->run_user = v;
	} else if (strchr(kv, '=')) {
		bad("unknown key '%.*s'", (int)(strchr(kv, '=') - kv), kv);
	} else {
		bad("'%s' is not KEY=VALUE", kv);
	}
}

static void check_name(const char *name)
{
	const char *p, *slash = strchr(name, '/');
	size_t len = strlen(slash ? slash + 1 : name);

	if (!len || len > 127 || (slash && slash == name))
		bad("'%s' is not a network name", name);
	for (p = name; *p; p++)
		if (*p <= ' ' || *p > '~' || (*p == '/' && p != slash))
			bad("'%s' is not a network name", name);
}

/* @a's host part, or ~0 if @a is outside the network. */
static uint32_t host_part(const struct nat_opts *o, struct in_addr a)
{
	return inside(o, a) ? ntohl(a.s_addr) & ~ntohl(o->vnetmask.s_addr) :
			      ~0u;
}

/* An address of the network that a VM may have: not its own, not its broadcast. */
static void in_net(const struct nat_opts *o, const char *key, struct in_addr a)
{
	uint32_t host = host_part(o, a);

	if (host == ~0u)
		bad("%s=%s is not in net=%s/%d", key, nat_ip(a),
		    nat_ip(o->vnetwork), o->prefix_len);
	if (host == 0 || host == ~ntohl(o->vnetmask.s_addr))
		bad("%s=%s is the network's own or broadcast address", key,
		    nat_ip(a));
}

/* The gateway's and the DNS address must not be handed out as leases. */
static void not_leased(const struct nat_opts *o, const char *key,
		       struct in_addr a)
{
	uint32_t first = ntohl(o->vdhcp_start.s_addr), n = ntohl(a.s_addr);

	if (n >= first && n < first + NAT_LEASES)
		bad("%s=%s is one of the %d leases from dhcpstart=%s: a VM would get it too",
		    key, nat_ip(a), NAT_LEASES, nat_ip(o->vdhcp_start));
}

/* Not 0.0.0.0/8 (this network), 127.0.0.0/8 (loopback), 224.0.0.0/3 (multicast,
 * reserved), nor larger than a /8.
 */
static void check_net(const struct nat_opts *o)
{
	uint8_t first = ntohl(o->vnetwork.s_addr) >> 24;

	if (o->vnetwork.s_addr & ~o->vnetmask.s_addr)
		bad("net=%s/%d: the address has host bits set",
		    nat_ip(o->vnetwork), o->prefix_len);
	if (o->prefix_len < 8)
		bad("net=%s/%d: too large a network (at least /8)",
		    nat_ip(o->vnetwork), o->prefix_len);
	if (o->prefix_len > 27)
		bad("net=%s/%d: too small for a gateway, DNS and %d leases (at most /27)",
		    nat_ip(o->vnetwork), o->prefix_len, NAT_LEASES);
	if (first == 0 || first == 127 || first >= 224)
		bad("net=%s/%d: not a network for VMs (this-network, loopback, multicast or reserved addresses)",
		    nat_ip(o->vnetwork), o->prefix_len);
}

static bool in_prefix6(const struct nat_opts *o, const struct in6_addr *a)
{
	int bits = o->prefix6_len, i;

	for (i = 0; bits > 0; i++, bits -= 8) {
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((a->s6_addr[i] ^ o->vprefix6.s6_addr[i]) & m)
			return false;
	}
	return true;
}

static const char *ip6_str(const struct in6_addr *a)
{
	static char buf[2][INET6_ADDRSTRLEN];
	static int n;

	n = !n;
	return inet_ntop(AF_INET6, a, buf[n], sizeof(buf[n]));
}

static void check_ipv6(struct nat_opts *o, const struct given *g)
{
	if (!g->host6) {
		o->vhost6 = o->vprefix6;
		o->vhost6.s6_addr[15] |= 2;
	}
	if (!g->dns6) {
		o->vnameserver6 = o->vprefix6;
		o->vnameserver6.s6_addr[15] |= 3;
	}
	if (!in_prefix6(o, &o->vhost6))
		bad("ipv6-host=%s is not in ipv6-net=%s/%d",
		    ip6_str(&o->vhost6), ip6_str(&o->vprefix6), o->prefix6_len);
	if (!in_prefix6(o, &o->vnameserver6))
		bad("ipv6-dns=%s is not in ipv6-net=%s/%d",
		    ip6_str(&o->vnameserver6), ip6_str(&o->vprefix6),
		    o->prefix6_len);
	if (!memcmp(&o->vhost6, &o->vnameserver6, sizeof(o->vhost6)))
		bad("ipv6-dns=%s: the DNS address must differ from the host's",
		    ip6_str(&o->vnameserver6));
}

/* DHCP carries each in an option whose length is a byte. */
static void check_names(const struct nat_opts *o)
{
	if (o->hostname && strlen(o->hostname) > 255)
		bad("hostname= is %zu bytes long (at most 255)",
		    strlen(o->hostname));
	if (o->domainname && !*o->domainname)
		bad("domainname= is empty (leave it out instead)");
	if (o->domainname && strlen(o->domainname) > 255)
		bad("domainname= is %zu bytes long (at most 255)",
		    strlen(o->domainname));
}

/* root: the user to become once the port is up, resolved now (nobody by default). */
static void check_user(struct nat_opts *o)
{
	const char *name = o->run_user ? o->run_user : "nobody";
	struct passwd *pw;

	if (geteuid() != 0)
		return;
	pw = getpwnam(name);
	if (!pw)
		bad("user=%s: no such user", name);
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		bad("user=%s: uid or gid 0 would keep root's privileges", name);
	o->run_uid = pw->pw_uid;
	o->run_gid = pw->pw_gid;
}

/* What libslirp would take badly, or QEMU refuses, said before anything starts. */
static void check(struct nat_opts *o, const struct given *g)
{
	int i;

	if (!o->ipv4 && !o->ipv6)
		bad("ipv4=off and ipv6=off leave nothing to offer");
	check_net(o);
	if (!g->host)
		o->vhost = plus(o, 2);
	if (!g->dns)
		o->vnameserver = plus(o, 3);
	if (!g->dhcpstart)
		o->vdhcp_start = plus(o, 15);
	in_net(o, "host", o->vhost);
	in_net(o, "dns", o->vnameserver);
	if (o->vnameserver.s_addr == o->vhost.s_addr)
		bad("dns=%s: the DNS address must differ from host=%s",
		    nat_ip(o->vnameserver), nat_ip(o->vhost));
	in_net(o, "dhcpstart", o->vdhcp_start);
	/* The 16 leases, before the network's broadcast address. */
	if (host_part(o, o->vdhcp_start) + NAT_LEASES - 1 >=
	    ~ntohl(o->vnetmask.s_addr))
		bad("dhcpstart=%s: its %d leases do not fit in net=%s/%d",
		    nat_ip(o->vdhcp_start), NAT_LEASES, nat_ip(o->vnetwork),
		    o->prefix_len);
	not_leased(o, "host", o->vhost);
	not_leased(o, "dns", o->vnameserver);
	check_ipv6(o, g);
	check_names(o);
	for (i = 0; i < o->nfwd; i++) {
		if (!o->fwd[i].guest_addr.s_addr)
			o->fwd[i].guest_addr = o->vdhcp_start;
		else if (!inside(o, o->fwd[i].guest_addr))
			bad("hostfwd=%s: the guest address is not in net=%s/%d",
			    o->fwd[i].text, nat_ip(o->vnetwork), o->prefix_len);
		if (o->fwd[i].guest_addr.s_addr == o->vhost.s_addr ||
		    o->fwd[i].guest_addr.s_addr == o->vnameserver.s_addr)
			bad("hostfwd=%s: the guest address is the gateway's own",
			    o->fwd[i].text);
	}
	check_user(o);
}

void nat_parse(int argc, char **argv, struct nat_opts *o)
{
	struct given g = { 0 };
	char *copy, *kv, *save;
	int i;

	memset(o, 0, sizeof(*o));
	o->ipv4 = o->ipv6 = true;
	o->helper = INTNET_NAT_HELPER;
	parse_net(o, "10.0.2.0/24");
	parse_net6(o, "fec0::/64");
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		nat_usage(0);
	if (argc < 2 || argv[1][0] == '-' || strchr(argv[1], '='))
		bad("give the network's name first");
	check_name(argv[1]);
	snprintf(o->net, sizeof(o->net), "%s", argv[1]);
	for (i = 2; i < argc; i++) {
		/* Commas separate keys as in QEMU's -netdev user,...; kept for life. */
		copy = strdup(argv[i]);
		if (!copy)
			bad("out of memory");
		for (kv = strtok_r(copy, ",", &save); kv;
		     kv = strtok_r(NULL, ",", &save))
			parse_one(o, &g, kv);
	}
	check(o, &g);
}
