// SPDX-License-Identifier: GPL-2.0
/*
 * What intnet-nat checks in the VMs' frames before libslirp sees them, and in
 * libslirp's before the network does: on a network other users' VMs may join,
 * libslirp believes any ARP, any DHCP client address and opens a socket of this
 * user's for every flow a VM asks for (a red team's findings, issue 18).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "nat.h"

/* A log line of a kind at most this often (ms); what was dropped meanwhile is counted. */
#define LOG_EVERY_MS 10000

struct ratelog {
	int64_t last_ms;
	unsigned long quiet; /* dropped since the last line */
};

/* IPv6 addresses bound to the MAC that claimed them first in NDP. */
#define ND_BINDINGS 256
#define ND_PER_USER 16

struct nd_binding {
	uint8_t addr[16];
	uint8_t mac[6];
	bool used;
	long user; /* its user's key (share.c: a bucket is reused, a key not), 0: bucket 0 */
};

static struct {
	const struct nat_opts *o;
	uint8_t gw_mac[6];
	/* DHCPACKs sent: address i of the pool is leased to lease[i] (all zero: none). */
	uint8_t lease[NAT_LEASES][6];
	/* DHCPOFFERs and DHCPACKs: libslirp holds slot i for pool[i] for good. */
	uint8_t pool[NAT_LEASES][6];
	int pool_port[NAT_LEASES]; /* the bucket (share.c) of pool[i]'s client */
	bool pool_full;
	const uint8_t *mac; /* the source MAC of the frame in nat_guard_in */
	int cur; /* its port's bucket (share.c) in slirp_input, -1: none */
	int *fd_src; /* libslirp's fds: their bucket, -1 none, -2 the host's side */
	int nfd_src;
	long nofile, fds, cap, cap0, reserve;
	struct nd_binding nd[ND_BINDINGS];
	struct ratelog arp_log, dhcp_log, pool_log, cap_log, fd_log, nd_log,
		host_log;
	struct {
		double tokens;
		int64_t at_ms;
	} host_ask[NAT_BUCKETS];
} g;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Two buffers in turn: a log line may name two MACs. */
const char *nat_mac(const uint8_t *m)
{
	static char buf[2][18];
	static int i;
	char *s = buf[i ^= 1];

	snprintf(s, sizeof(buf[0]), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		 m[2], m[3], m[4], m[5]);
	return s;
}

/* Whether to log now; if not, the drop is counted for the next line. */
static bool log_now(struct ratelog *r, unsigned long *quiet)
{
	int64_t now = now_ms();

	if (r->last_ms && now - r->last_ms < LOG_EVERY_MS) {
		r->quiet++;
		return false;
	}
	r->last_ms = now;
	*quiet = r->quiet;
	r->quiet = 0;
	return true;
}

static const char *since(unsigned long quiet)
{
	static char s[64];

	if (!quiet)
		return "";
	snprintf(s, sizeof(s), " (%lu more dropped since the last line)",
		 quiet);
	return s;
}

static long count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (!d)
		return 16;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the DIR's own */
}

/* The soft limit up to the hard one: the VMs' flows are this user's fds. */
static void raise_nofile(void)
{
	struct rlimit rl;
	rlim_t was;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		g.nofile = 1024;
		return;
	}
	was = rl.rlim_cur;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = was;
	}
	g.nofile = rl.rlim_cur > 1 << 20 ? 1 << 20 : (long)rl.rlim_cur;
	g.fds = count_fds();
	/* Kept for the forwards' connections, whatever the VMs open. */
	g.reserve = g.nofile >= 512 ? 64 : g.nofile / 8;
	g.cap = (g.nofile - g.fds - g.reserve) / 4;
	if (g.cap > 65536)
		g.cap = 65536;
	if (g.cap < 8)
		g.cap = 8;
	/* The MACs of no port seen (bucket 0) share half a user's: they starve no one. */
	g.cap0 = g.cap / 2;
	nat_log("file descriptors: %ld (soft limit %s %lu), at most %ld flows a user, %ld for MACs behind no port seen",
		g.nofile, (long)was == g.nofile ? "was" : "raised from",
		(unsigned long)was, g.cap, g.cap0);
}

void nat_guard_init(const struct nat_opts *o)
{
	memset(&g, 0, sizeof(g));
	g.o = o;
	g.cur = -1;
	g.gw_mac[0] = 0x52;
	g.gw_mac[1] = 0x55;
	memcpy(g.gw_mac + 2, &o->vhost, 4);
	raise_nofile();
}

static bool zero_mac(const uint8_t *m)
{
	static const uint8_t z[6];

	return !memcmp(m, z, 6);
}

/* The pool slot of an IPv4 address (network order bytes), or -1. */
static int slot(const uint8_t *ip)
{
	uint32_t a, start = ntohl(g.o->vdhcp_start.s_addr);

	memcpy(&a, ip, 4);
	a = ntohl(a);
	return a >= start && a < start + NAT_LEASES ? (int)(a - start) : -1;
}

/* ARP that claims an address leased to another MAC: libslirp would believe it. */
static bool arp_ok(const uint8_t *f, size_t n)
{
	const uint8_t *sha = f + 14 + 8, *sip = sha + 6;
	unsigned long quiet;
	struct in_addr a;
	int i;

	if (n < 14 + 28)
		return true;
	i = slot(sip);
	if (i < 0 || zero_mac(g.lease[i]) || !memcmp(g.lease[i], sha, 6))
		return true;
	if (log_now(&g.arp_log, &quiet)) {
		memcpy(&a, sip, 4);
		nat_log("ARP from %s claims %s, leased to %s: dropped%s",
			nat_mac(sha), nat_ip(a), nat_mac(g.lease[i]),
			since(quiet));
	}
	return false;
}

/*
 * The IPv6 counterpart of arp_ok(): libslirp 4.7 believes the source address
 * of a Router Solicitation, a Neighbour Solicitation and a Neighbour
 * Advertisement (whatever its target); the target of an Advertisement is
 * checked too. The first MAC to claim an address keeps it for the gateway's
 * life; a frame in which another MAC claims one is dropped. A user (the user
 * of the port its MAC is behind, bucket 0's MACs as one) binds ND_PER_USER
 * addresses at most, so that no user fills the table; past that (or with the
 * table full) claims pass unbound.
 */
static bool nd_ok(const uint8_t *f, size_t n)
{
	static const uint8_t unspec[16];
	const uint8_t *ip = f + 14, *icmp = ip + 40, *addr[2];
	struct nd_binding *e, *free_slot[2] = { NULL };
	bool bound[2] = { false };
	char text[INET6_ADDRSTRLEN];
	unsigned long quiet;
	int i, j, k = 0, nfree = 0, held = 0;
	long user;

	if (n < 14 + 40 + 8 || ip[6] != 58 || icmp[0] < 133 || icmp[0] > 136 ||
	    icmp[0] == 134)
		return true;
	/* RS, NS, NA: the source; none (::) in DAD; multicast is not learned. */
	if (memcmp(ip + 8, unspec, 16) && ip[8] != 0xff)
		addr[k++] = ip + 8;
	if (icmp[0] == 136 && n >= 14 + 40 + 24 &&
	    memcmp(icmp + 8, unspec, 16) && icmp[8] != 0xff &&
	    (!k || memcmp(icmp + 8, ip + 8, 16)))
		addr[k++] = icmp + 8;
	if (!k)
		return true;
	user = nat_share_key(nat_share_port(f + 6, true));
	/* One walk: the claims' bindings, the port's count, free slots. */
	for (i = 0; i < ND_BINDINGS; i++) {
		e = &g.nd[i];
		if (!e->used) {
			if (nfree < k)
				free_slot[nfree++] = e;
			continue;
		}
		held += e->user == user;
		for (j = 0; j < k; j++) {
			if (memcmp(e->addr, addr[j], 16))
				continue;
			if (!memcmp(e->mac, f + 6, 6)) {
				bound[j] = true;
				continue;
			}
			if (log_now(&g.nd_log, &quiet))
				nat_log("NDP from %s claims %s, bound to %s: dropped%s",
					nat_mac(f + 6),
					inet_ntop(AF_INET6, addr[j], text,
						  sizeof(text)),
					nat_mac(e->mac), since(quiet));
			return false;
		}
	}
	for (j = 0, i = 0; j < k; j++) {
		if (bound[j] || i == nfree || held >= ND_PER_USER)
			continue;
		e = free_slot[i++];
		memcpy(e->addr, addr[j], 16);
		memcpy(e->mac, f + 6, 6);
		e->user = user;
		e->used = true;
		held++;
	}
	return true;
}

/* The DHCP message type of BOOTP message @b (@len bytes), or 0. */
static int dhcp_type(const uint8_t *b, size_t len)
{
	const uint8_t *o = b + 240, *end = b + len;

	if (len < 240)
		return 0;
	while (o + 2 < end && o[0] != 255) {
		if (!o[0]) {
			o++;
			continue;
		}
		if (o[0] == 53 && o[1] == 1)
			return o[2];
		o += 2 + o[1];
	}
	return 0;
}

/* Whether @mac holds a slot of the pool; *@free: how many slots are free. */
static bool in_pool(const uint8_t *mac, int *free)
{
	bool in = false;
	int i;

	*free = 0;
	for (i = 0; i < NAT_LEASES; i++) {
		in |= !memcmp(g.pool[i], mac, 6);
		*free += zero_mac(g.pool[i]);
	}
	return in;
}

/*
 * A DHCP client asks for its own Ethernet address: a chaddr that is not the
 * frame's source is one VM asking in another's name (16 such take every lease).
 * A new client (DISCOVER or REQUEST: libslirp gives a slot on either) gets one
 * while its user holds less than its share (share.c): a VM forging MACs takes
 * no more than half of what is free.
 */
static bool dhcp_ok(const uint8_t *f, const uint8_t *b, size_t len)
{
	unsigned long quiet;
	int type, free;

	if (len < 34 || b[0] != 1)
		return true;
	if (b[1] != 1 || b[2] != 6 || memcmp(b + 28, f + 6, 6)) {
		if (log_now(&g.dhcp_log, &quiet))
			nat_log("DHCP from %s for client %s: dropped (a client asks for its own address)%s",
				nat_mac(f + 6), nat_mac(b + 28), since(quiet));
		return false;
	}
	type = dhcp_type(b, len);
	if ((type != 1 && type != 3) || in_pool(b + 28, &free))
		return true;
	if (free &&
	    !nat_share_lease_ok(nat_share_port(f + 6, true), b + 28, free))
		return false;
	if (g.pool_full && type == 1 && log_now(&g.pool_log, &quiet))
		nat_log("no lease for %s: all %d are taken (libslirp frees none until intnet-nat restarts)%s",
			nat_mac(b + 28), NAT_LEASES, since(quiet));
	return true;
}

static const char *src_str(const uint8_t *addr)
{
	static char s[INET6_ADDRSTRLEN];
	static const uint8_t v4[12] = { [10] = 0xff, [11] = 0xff };

	if (!memcmp(addr, v4, 12))
		return inet_ntop(AF_INET, addr + 12, s, sizeof(s));
	return inet_ntop(AF_INET6, addr, s, sizeof(s));
}

/*
 * A new flow from @addr: refused when the user of the port it came in on
 * (share.c; forged source addresses and MACs are all behind it) has its share,
 * bucket 0 its smaller one, or fds run short.
 */
static bool flow_ok(const uint8_t *addr)
{
	unsigned long quiet;
	long cap;

	g.cur = nat_share_port(g.mac, true);
	cap = g.cur ? g.cap : g.cap0;
	if (nat_share_flows(g.cur) < cap && g.fds < g.nofile - g.reserve)
		return true;
	if (g.fds >= g.nofile - g.reserve) {
		if (log_now(&g.fd_log, &quiet))
			nat_log("%ld of %ld file descriptors in use: new flows from the VMs dropped%s",
				g.fds, g.nofile, since(quiet));
	} else if (log_now(&g.cap_log, &quiet)) {
		nat_log("%s, %s from %s, has %d flows open, its share (at most %ld): new ones dropped%s",
			nat_share_name(g.cur), src_str(addr), nat_mac(g.mac),
			nat_share_flows(g.cur), cap, since(quiet));
	}
	g.cur = -1;
	return false;
}

/* Packets that may make libslirp open a socket: TCP SYN, UDP, ICMP echo. */
static bool opens_flow(int proto, const uint8_t *l4, size_t len)
{
	switch (proto) {
	case 6:
		return len >= 14 && (l4[13] & 0x12) == 0x02;
	case 17:
		return true;
	case 1:
		return len >= 1 && l4[0] == 8;
	}
	return false;
}

static int ip4_in(const uint8_t *f, size_t n, bool *host)
{
	const uint8_t *ip = f + 14, *l4;
	uint8_t addr[16] = { [10] = 0xff, [11] = 0xff };
	struct in_addr dst;
	size_t hl;

	if (n < 14 + 20)
		return NAT_PASS;
	hl = (ip[0] & 0xf) * 4;
	if (hl < 20 || n < 14 + hl)
		return NAT_PASS;
	l4 = ip + hl;
	if (ip[9] == 17 && n >= 14 + hl + 8 && l4[2] == 0 && l4[3] == 67)
		return dhcp_ok(f, l4 + 8, n - 14 - hl - 8) ? NAT_PASS :
							     NAT_DROP;
	if (!opens_flow(ip[9], l4, n - 14 - hl))
		return NAT_PASS;
	/* libslirp 4.7 maps every vnetwork address but the DNS one to the host's loopback, 255.255.255.255 too. */
	memcpy(&dst, ip + 16, 4);
	*host = ((dst.s_addr & g.o->vnetmask.s_addr) == g.o->vnetwork.s_addr &&
		 dst.s_addr != g.o->vnameserver.s_addr) ||
		dst.s_addr == INADDR_BROADCAST;
	/* The DNS forwarder is libslirp's own socket of 10 s; it is counted all the same. */
	memcpy(addr + 12, ip + 12, 4);
	return flow_ok(addr) ? NAT_PASS : NAT_DROP;
}

static bool in_prefix6(const uint8_t *a)
{
	const uint8_t *p = g.o->vprefix6.s6_addr;
	int bits = g.o->prefix6_len, i;

	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != p[i])
			return false;
	return !bits || !((a[i] ^ p[i]) & (0xff00 >> bits));
}

static int ip6_in(const uint8_t *f, size_t n, bool *host)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const uint8_t *ip = f + 14;

	if (!nd_ok(f, n))
		return NAT_DROP;
	/* No extension headers: libslirp 4.7 takes none either. */
	if (n < 14 + 40 || ip[6] == 1 || !opens_flow(ip[6], ip + 40, n - 54))
		return NAT_PASS;
	/* So does it every address of the IPv6 prefix (fec0::77 too) but the DNS one, ff02::1 too. */
	*host = (in_prefix6(ip + 24) &&
		 memcmp(ip + 24, &g.o->vnameserver6, 16)) ||
		!memcmp(ip + 24, all_nodes, 16);
	return flow_ok(ip + 8) ? NAT_PASS : NAT_DROP;
}

int nat_guard_in(const uint8_t *f, size_t n, bool *host)
{
	*host = false;
	g.cur = -1;
	if (n < 14)
		return NAT_PASS;
	g.mac = f + 6;
	if (f[12] == 0x08 && f[13] == 0x06)
		return arp_ok(f, n) ? NAT_PASS : NAT_DROP;
	if (f[12] == 0x08 && f[13] == 0x00)
		return ip4_in(f, n, host);
	if (f[12] == 0x86 && f[13] == 0xdd)
		return ip6_in(f, n, host);
	return NAT_PASS;
}

/*
 * Every packet to the host that may open a flow has the network asked again
 * (loop.c): a flood from one port would have the gateway do nothing else, so
 * each port gets NAT_HOST_ASK_RATE a second; past that its packets to the host
 * are dropped, never passed unasked.
 */
bool nat_guard_host_ask(void)
{
	int b = g.cur < 0 ? 0 : g.cur;
	int64_t now = now_ms();
	double *t = &g.host_ask[b].tokens;
	unsigned long quiet;

	if (!g.host_ask[b].at_ms)
		*t = NAT_HOST_ASK_BURST;
	*t += (double)(now - g.host_ask[b].at_ms) * NAT_HOST_ASK_RATE / 1000;
	g.host_ask[b].at_ms = now;
	if (*t > NAT_HOST_ASK_BURST)
		*t = NAT_HOST_ASK_BURST;
	if (*t >= 1) {
		*t -= 1;
		return true;
	}
	if (log_now(&g.host_log, &quiet))
		nat_log("%s (%s) sends the host more than %d packets a second that may open a flow: dropped (the network is asked again before each)%s",
			nat_share_name(b), nat_mac(g.mac), NAT_HOST_ASK_RATE,
			since(quiet));
	return false;
}

void nat_guard_in_done(void)
{
	g.cur = -1;
}

/* libslirp opened (@open) or closed fd @fd: during slirp_input, for g.cur. */
void nat_guard_fd(int fd, bool open)
{
	int *p, old;

	if (fd < 0)
		return;
	if (fd >= g.nfd_src) {
		if (!open)
			return;
		p = realloc(g.fd_src, (fd + 64) * sizeof(*p));
		if (!p)
			return;
		for (old = g.nfd_src; old < fd + 64; old++)
			p[old] = -1;
		g.fd_src = p;
		g.nfd_src = fd + 64;
	}
	old = g.fd_src[fd];
	if (old != -1) {
		g.fds--;
		if (old >= 0)
			nat_share_flow(old, -1);
		g.fd_src[fd] = -1;
	}
	if (!open)
		return;
	g.fds++;
	g.fd_src[fd] = g.cur >= 0 ? g.cur : -2;
	if (g.cur >= 0)
		nat_share_flow(g.cur, 1);
}

bool nat_guard_starved(void)
{
	return g.fds >= g.nofile - 8;
}

void nat_guard_free(void)
{
	free(g.fd_src);
	g.fd_src = NULL;
	g.nfd_src = 0;
	nat_share_free();
}

/* ICMPv6 checksum of @ip (an IPv6 header, then @len bytes of ICMPv6). */
static uint16_t icmp6_sum(const uint8_t *ip, size_t len)
{
	const uint8_t *p = ip + 40;
	uint32_t s = 58 + (uint32_t)len;
	size_t i;

	for (i = 8; i < 40; i += 2)
		s += ip[i] << 8 | ip[i + 1];
	for (i = 0; i + 1 < len; i += 2)
		if (i != 2) /* the checksum itself */
			s += p[i] << 8 | p[i + 1];
	if (len & 1)
		s += p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* NDP from libslirp names 52:56:..., its address for the IPv6 one: the gateway's MAC instead. */
static void ndp_out(uint8_t *f, size_t n)
{
	uint8_t *ip = f + 14, *icmp = ip + 40, *o, *end;
	size_t len, off;
	uint16_t sum;

	if (n < 14 + 40 + 8 || ip[6] != 58 || icmp[0] < 133 || icmp[0] > 137)
		return;
	len = (size_t)(ip[4] << 8 | ip[5]);
	if (14 + 40 + len > n)
		return;
	end = icmp + len;
	off = icmp[0] == 134 ? 16 : icmp[0] == 133 ? 8 : 24;
	for (o = icmp + off; o + 8 <= end && o[1]; o += o[1] * 8)
		if ((o[0] == 1 || o[0] == 2) && o[1] == 1)
			memcpy(o + 2, g.gw_mac, 6);
	sum = icmp6_sum(ip, len);
	icmp[2] = sum >> 8;
	icmp[3] = sum & 0xff;
}

/* Leases (DHCPOFFER: held for good, DHCPACK: taken) read on their way out. */
static void bootp_out(const uint8_t *f, size_t n)
{
	const uint8_t *ip = f + 14, *udp = ip + 20, *b = udp + 8;
	struct in_addr yiaddr;
	int type, i, j;

	if (n < 14 + 20 + 8 + 240 || ip[0] != 0x45 || ip[9] != 17 ||
	    udp[0] != 0 || udp[1] != 67 || udp[2] != 0 || udp[3] != 68 ||
	    b[0] != 2)
		return;
	type = dhcp_type(b, n - 14 - 20 - 8);
	i = slot(b + 16);
	if ((type != 2 && type != 5) || i < 0)
		return;
	if (memcmp(g.pool[i], b + 28, 6)) { /* the slot's port: its client's */
		if (!zero_mac(g.pool[i]))
			nat_share_leased(g.pool_port[i], -1);
		g.pool_port[i] = nat_share_port(b + 28, false);
		nat_share_leased(g.pool_port[i], 1);
	}
	memcpy(g.pool[i], b + 28, 6);
	if (!g.pool_full) {
		g.pool_full = true;
		for (j = 0; j < NAT_LEASES; j++)
			g.pool_full &= !zero_mac(g.pool[j]);
		if (g.pool_full)
			nat_log("all %d leases are taken: a new VM gets none until intnet-nat restarts",
				NAT_LEASES);
	}
	if (type != 5)
		return;
	memcpy(g.lease[i], b + 28, 6);
	memcpy(&yiaddr, b + 16, 4);
	nat_log("lease %s to %s", nat_ip(yiaddr), nat_mac(b + 28));
}

/*
 * libslirp sends from 52:55 and the sender's IPv4 address (the DNS address's
 * ARP replies too) and from 52:56:... for IPv6: one MAC, the gateway's, so that
 * its port can be locked to it.
 */
void nat_guard_out(uint8_t *f, size_t n)
{
	if (n < 14)
		return;
	if (f[6] == 0x52 && (f[7] == 0x55 || f[7] == 0x56))
		memcpy(f + 6, g.gw_mac, 6);
	if (f[12] == 0x08 && f[13] == 0x06 && n >= 14 + 28 &&
	    f[14 + 8] == 0x52 && f[14 + 9] == 0x55)
		memcpy(f + 14 + 8, g.gw_mac, 6);
	else if (f[12] == 0x08 && f[13] == 0x00)
		bootp_out(f, n);
	else if (f[12] == 0x86 && f[13] == 0xdd)
		ndp_out(f, n);
}
