// SPDX-License-Identifier: GPL-2.0
/* Before serving: does another gateway already answer ARP for our host address? */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nat.h"

#define PROBES 3
#define PROBE_MS 200

/* The probe's own source: locally administered, never a gateway's (52:55:...). */
static const uint8_t probe_mac[6] = { 0x52, 0x56, 0x00, 0x00, 0x00, 0x01 };

/* An ARP probe (RFC 5227: sender address 0.0.0.0) for @ip, broadcast. */
static void arp_probe(uint8_t *f, struct in_addr ip)
{
	static const uint8_t head[] = { 0x08, 0x06, 0x00, 0x01, 0x08,
					0x00, 0x06, 0x04, 0x00, 0x01 };

	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, probe_mac, 6);
	memcpy(f + 12, head, sizeof(head));
	memcpy(f + 22, probe_mac, 6);
	memcpy(f + 38, &ip, 4);
}

/* An ARP reply to the probe from @ip; its sender's MAC into @mac. */
static bool is_answer(const uint8_t *f, ssize_t n, struct in_addr ip, char *mac)
{
	if (n < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 ||
	    f[21] != 2 || memcmp(f + 28, &ip, 4) ||
	    memcmp(f + 32, probe_mac, 6))
		return false;
	snprintf(mac, 18, "%02x:%02x:%02x:%02x:%02x:%02x", f[22], f[23], f[24],
		 f[25], f[26], f[27]);
	return true;
}

bool nat_probe(int tap, const struct nat_opts *o, char *mac)
{
	struct pollfd p = { .fd = tap, .events = POLLIN };
	uint8_t f[2048];
	struct timespec t0, t;
	ssize_t n;
	int i, left;

	if (!o->ipv4)
		return false;
	for (i = 0; i < PROBES; i++) {
		arp_probe(f, o->vhost);
		if (write(tap, f, 60) != 60)
			return false; /* no carrier yet: nobody to ask */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			left = PROBE_MS -
			       (int)((t.tv_sec - t0.tv_sec) * 1000 +
				     (t.tv_nsec - t0.tv_nsec) / 1000000);
			if (left <= 0 || poll(&p, 1, left) <= 0)
				break;
			while ((n = read(tap, f, sizeof(f))) > 0)
				if (is_answer(f, n, o->vhost, mac))
					return true;
		}
	}
	return false;
}
