// SPDX-License-Identifier: GPL-2.0
/*
 * Before serving: does another gateway already answer ARP for our host address?
 * Whose it is decides: the port the answer's source MAC is learned behind
 * (intnetctl's fdb and port dumps). A port of this user, of the network's owner
 * or of root is a gateway to leave alone; another user's VM answering is only
 * logged, so that it cannot keep the gateway from starting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "nat.h"

#define PROBES 3
#define PROBE_MS 200
/* Distinct answering MACs looked up; more are counted and logged. */
#define ANSWERS_MAX 64
#define DUMP_MAX (1 << 20)

/*
 * Each probe's own source: locally administered, never a gateway's (52:55:...),
 * its last three bytes random per probe. A VM that answers a probe from the
 * probe's MAC makes the switch learn that MAC behind its own port; had the next
 * probe the same MAC, the switch would learn it back behind our TAP and the
 * answer would look like one of ours. A fresh MAC per probe, and answers from
 * any of our probes' MACs ignored, leave nothing to re-learn.
 */
struct answers {
	char mac[ANSWERS_MAX][18];
	int n, more;
	uint8_t probe_mac[PROBES][6];
	int probes;
};

static bool ours(const struct answers *a, const uint8_t *mac)
{
	int i;

	for (i = 0; i < a->probes; i++)
		if (!memcmp(a->probe_mac[i], mac, 6))
			return true;
	return false;
}

/* An ARP probe (RFC 5227: sender address 0.0.0.0) for @ip, broadcast. */
static void arp_probe(uint8_t *f, struct in_addr ip, struct answers *a)
{
	static const uint8_t head[] = { 0x08, 0x06, 0x00, 0x01, 0x08,
					0x00, 0x06, 0x04, 0x00, 0x01 };
	uint8_t *probe_mac = a->probe_mac[a->probes];

	probe_mac[0] = 0x52;
	probe_mac[1] = 0x56;
	probe_mac[2] = 0x00;
	do {
		if (getrandom(probe_mac + 3, 3, 0) != 3)
			memset(probe_mac + 3, a->probes + 1, 3);
	} while (ours(a, probe_mac));
	a->probes++;
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, probe_mac, 6);
	memcpy(f + 12, head, sizeof(head));
	memcpy(f + 22, probe_mac, 6);
	memcpy(f + 38, &ip, 4);
}

/*
 * An ARP reply to the probe from @ip: its Ethernet source (what the switch
 * learned, whatever the ARP payload claims) noted once in @a.
 */
static void note_answer(const uint8_t *f, ssize_t n, struct in_addr ip,
			struct answers *a)
{
	char mac[18];
	int i;

	if (n < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 ||
	    f[21] != 2 || memcmp(f + 28, &ip, 4) || !ours(a, f + 32) ||
	    ours(a, f + 6))
		return;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", f[6], f[7],
		 f[8], f[9], f[10], f[11]);
	for (i = 0; i < a->n; i++)
		if (!strcmp(a->mac[i], mac))
			return;
	if (a->n == ANSWERS_MAX) {
		a->more++;
		return;
	}
	memcpy(a->mac[a->n++], mac, sizeof(mac));
}

static void ask(int tap, const struct nat_opts *o, struct answers *a)
{
	struct pollfd p = { .fd = tap, .events = POLLIN };
	uint8_t f[2048];
	struct timespec t0, t;
	ssize_t n;
	int i, left;

	for (i = 0; i < PROBES; i++) {
		arp_probe(f, o->vhost, a);
		if (write(tap, f, 60) != 60)
			return; /* no carrier yet: nobody to ask */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			left = PROBE_MS -
			       (int)((t.tv_sec - t0.tv_sec) * 1000 +
				     (t.tv_nsec - t0.tv_nsec) / 1000000);
			if (left <= 0 || poll(&p, 1, left) <= 0)
				break;
			while ((n = read(tap, f, sizeof(f))) > 0)
				note_answer(f, n, o->vhost, a);
		}
	}
}

/* A JSON string (at its quote) or other value: where it ends; NULL if cut. */
static const char *skip_str(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\' && !*++p)
			return NULL;
		if (*p == '"')
			return p + 1;
	}
	return NULL;
}

static const char *skip_val(const char *p)
{
	int depth = 0;

	if (*p == '"')
		return skip_str(p);
	if (*p != '{' && *p != '[') {
		while (*p && *p != ',' && *p != '}' && *p != ']')
			p++;
		return p;
	}
	while (*p) {
		if (*p == '"') {
			p = skip_str(p);
			if (!p)
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && !--depth)
			return p + 1;
		p++;
	}
	return NULL;
}

/* Member @key of the object at @obj (intnetctl -j: no blanks), quotes left off. */
static bool field(const char *obj, const char *key, char *val, size_t len)
{
	const char *p = obj + 1, *kend, *vend;
	size_t klen = strlen(key);

	while (*p == '"') {
		kend = skip_str(p);
		if (!kend || *kend != ':')
			return false;
		vend = skip_val(kend + 1);
		if (!vend)
			return false;
		if ((size_t)(kend - p) == klen + 2 &&
		    !strncmp(p + 1, key, klen)) {
			p = kend + 1;
			if (*p == '"')
				snprintf(val, len, "%.*s", (int)(vend - p - 2),
					 p + 1);
			else
				snprintf(val, len, "%.*s", (int)(vend - p), p);
			return true;
		}
		p = vend;
		if (*p++ != ',')
			return false;
	}
	return false;
}

/* The object of the array in @dump whose @key is @want; NULL if none. */
static const char *find(const char *dump, const char *key, const char *want)
{
	const char *p = strchr(dump, '['), *end;
	char val[64];

	if (!p)
		return NULL;
	for (p++; *p == '{'; p = end + 1) {
		end = skip_val(p);
		if (!end)
			return NULL;
		if (field(p, key, val, sizeof(val)) && !strcmp(val, want))
			return p;
		if (*end != ',')
			return NULL;
	}
	return NULL;
}

/* `intnetctl -j WHAT show net NAME` into @buf; false (said why) if it failed. */
static bool dump(const struct nat_opts *o, const char *what, char *buf)
{
	const char *args[] = { "-j", what, "show", "net", o->net, NULL };

	if (nat_intnetctl(args, buf, DUMP_MAX) == 0 && strchr(buf, '['))
		return true;
	fprintf(stderr, PROG ": intnetctl %s show net %s failed\n", what,
		o->net);
	return false;
}

/* Number @key of @obj, or -1. */
static long number_of(const char *obj, const char *key)
{
	char val[32], *end;
	long n;

	if (!obj || !field(obj, key, val, sizeof(val)))
		return -1;
	n = strtol(val, &end, 10);
	return *end || end == val ? -1 : n;
}

/*
 * Whose port each answering MAC is behind. True (said on stderr) when one is
 * this user's, the network owner's or root's, or cannot be told apart from one.
 */
static bool judge(const struct nat_opts *o, const char *ifname,
		  const struct answers *a)
{
	char *ports = malloc(DUMP_MAX), *fdb = malloc(DUMP_MAX), dev[32];
	long me = geteuid(), owner, user;
	const char *e;
	bool refuse = true, all;
	int i;

	if (!ports || !fdb || !dump(o, "port", ports) || !dump(o, "fdb", fdb))
		goto out;
	owner = number_of(find(ports, "ifname", ifname), "net_owner");
	if (owner < 0) {
		fprintf(stderr,
			PROG ": %s: our port %s is not in intnetctl's dump\n",
			o->net, ifname);
		goto out;
	}
	/* root and the network's owner see every port; others their own only. */
	all = me == 0 || me == owner;
	refuse = false;
	for (i = 0; i < a->n && !refuse; i++) {
		e = find(fdb, "mac", a->mac[i]);
		user = -1;
		if (e && field(e, "ifname", dev, sizeof(dev)))
			user = number_of(find(ports, "ifname", dev), "user");
		if (user == me || user == owner || user == 0) {
			fprintf(stderr,
				PROG
				": %s has a gateway already: %s answers for %s (asked on %s), behind port %s of user %ld; not starting a second one\n",
				o->net, a->mac[i], nat_ip(o->vhost), ifname,
				dev, user);
			refuse = true;
		} else if (user >= 0) {
			nat_log("warning: %s answers ARP for %s from port %s of user %ld, not a gateway of this network's: starting all the same",
				a->mac[i], nat_ip(o->vhost), dev, user);
		} else if (all) {
			nat_log("warning: %s answers ARP for %s but is learned behind no port: starting all the same",
				a->mac[i], nat_ip(o->vhost));
		} else {
			fprintf(stderr,
				PROG
				": %s has a gateway already, perhaps: %s answers for %s (asked on %s) from a port you cannot see (the network owner's or another user's); not starting a second one (probe=off starts anyway)\n",
				o->net, a->mac[i], nat_ip(o->vhost), ifname);
			refuse = true;
		}
	}
	if (!refuse && a->more)
		nat_log("warning: %d more MACs answered ARP for %s, not looked up",
			a->more, nat_ip(o->vhost));
out:
	free(ports);
	free(fdb);
	return refuse;
}

bool nat_probe(int tap, const struct nat_opts *o, const char *ifname)
{
	struct answers *a;
	bool refuse;

	if (!o->ipv4)
		return false;
	a = calloc(1, sizeof(*a));
	if (!a) {
		fprintf(stderr, PROG ": out of memory\n");
		return true;
	}
	ask(tap, o, a);
	refuse = a->n && judge(o, ifname, a);
	free(a);
	return refuse;
}
