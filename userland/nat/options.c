// SPDX-License-Identifier: GPL-2.0
/* intnet-nat's options: QEMU's -netdev user keys and syntax, checked before anything runs. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nat.h"

#define USAGE                                                                      \
	"usage: " PROG " [OWNER/]NAME [KEY=VALUE[,KEY=VALUE...]]...\n"             \
	"Gives network NAME a gateway: DHCP, DNS, NAT through your own sockets.\n" \
	"Keys (QEMU's -netdev user names):\n"                                      \
	"  net=ADDR[/MASK]     IPv4 network (10.0.2.0/24)\n"                       \
	"  host=ADDR           the gateway's address (net + 2)\n"                  \
	"  dhcpstart=ADDR      first of the 16 leases (net + 15)\n"                \
	"  dns=ADDR            the DNS forwarder's address (net + 3)\n"            \
	"  hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT\n"          \
	"                      forward a port of this host to a VM (repeatable)\n" \
	"  restrict=on|off     on: DHCP and DNS only, nothing gets out (off)\n"    \
	"  ipv4=on|off, ipv6=on|off   the protocols offered (both on)\n"           \
	"  ipv6-net=PREFIX/LEN, ipv6-host=ADDR, ipv6-dns=ADDR   (fec0::/64)\n"     \
	"  hostname=NAME, domainname=NAME   told to DHCP clients\n"                \
	"  tap=DEV             root only: use (or make) this TAP\n"                \
	"  helper=PATH         the TAP helper (" INTNET_NAT_HELPER ")\n"           \
	"  probe=on|off        refuse to start if a gateway answers already (on)\n"

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

/* What libslirp would take badly, or QEMU refuses, said before anything starts. */
static void check(struct nat_opts *o, const struct given *g)
{
	uint32_t mask = ntohl(o->vnetmask.s_addr), host;
	int i;

	if (!o->ipv4 && !o->ipv6)
		bad("ipv4=off and ipv6=off leave nothing to offer");
	if (o->vnetwork.s_addr & ~o->vnetmask.s_addr)
		bad("net=%s/%d: the address has host bits set",
		    nat_ip(o->vnetwork), o->prefix_len);
	if (o->prefix_len > 27)
		bad("net=%s/%d: too small for a gateway, DNS and %d leases (at most /27)",
		    nat_ip(o->vnetwork), o->prefix_len, NAT_LEASES);
	if (!g->host)
		o->vhost = plus(o, 2);
	if (!g->dns)
		o->vnameserver = plus(o, 3);
	if (!g->dhcpstart)
		o->vdhcp_start = plus(o, 15);
	if (!inside(o, o->vhost))
		bad("host=%s is not in net=%s/%d", nat_ip(o->vhost),
		    nat_ip(o->vnetwork), o->prefix_len);
	if (!inside(o, o->vnameserver))
		bad("dns=%s is not in net=%s/%d", nat_ip(o->vnameserver),
		    nat_ip(o->vnetwork), o->prefix_len);
	if (!inside(o, o->vdhcp_start))
		bad("dhcpstart=%s is not in net=%s/%d", nat_ip(o->vdhcp_start),
		    nat_ip(o->vnetwork), o->prefix_len);
	host = ntohl(o->vdhcp_start.s_addr) & ~mask;
	/* The 16 leases, the network's own address and its broadcast. */
	if (host == 0 || host + NAT_LEASES - 1 >= ~mask)
		bad("dhcpstart=%s: its %d leases do not fit in net=%s/%d",
		    nat_ip(o->vdhcp_start), NAT_LEASES, nat_ip(o->vnetwork),
		    o->prefix_len);
	host = ntohl(o->vhost.s_addr) & ~mask;
	if (host == 0 || host == ~mask)
		bad("host=%s is the network's own or broadcast address",
		    nat_ip(o->vhost));
	if (!g->host6) {
		o->vhost6 = o->vprefix6;
		o->vhost6.s6_addr[15] |= 2;
	}
	if (!g->dns6) {
		o->vnameserver6 = o->vprefix6;
		o->vnameserver6.s6_addr[15] |= 3;
	}
	for (i = 0; i < o->nfwd; i++) {
		if (!o->fwd[i].guest_addr.s_addr)
			o->fwd[i].guest_addr = o->vdhcp_start;
		else if (!inside(o, o->fwd[i].guest_addr))
			bad("hostfwd=%s: the guest address is not in net=%s/%d",
			    o->fwd[i].text, nat_ip(o->vnetwork), o->prefix_len);
	}
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
