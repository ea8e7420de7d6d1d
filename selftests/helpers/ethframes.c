// SPDX-License-Identifier: GPL-2.0
/*
 * ethframes: sends or counts raw Ethernet frames on an interface, for the shell
 * tests (a C program starts in milliseconds where python3 takes seconds on the
 * debug kernel).
 *
 *   ethframes send IFACE SRC DST TYPE COUNT [GAP_MS]
 *	COUNT frames from SRC ("random": 06:00 and four random bytes, a new
 *	one each frame) to DST, EtherType TYPE (hex), 60 bytes, GAP_MS apart.
 *   ethframes count IFACE SRCS DSTS [both]
 *	Prints "ready", then counts the frames IFACE receives (not those it
 *	sends) from a MAC of SRCS to one of DSTS (comma-separated lists; with
 *	"both", the other way too) until SIGTERM or SIGINT, and prints the count.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_MACS 16

struct mac_set {
	unsigned char mac[MAX_MACS][ETH_ALEN];
	int n;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[ETH_ALEN];
	char end;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &end) != ETH_ALEN)
		return -1;
	for (i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_set(char *list, struct mac_set *set)
{
	char *tok, *save = NULL;

	set->n = 0;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (set->n == MAX_MACS || parse_mac(tok, set->mac[set->n]))
			return -1;
		set->n++;
	}
	return set->n ? 0 : -1;
}

static int in_set(const struct mac_set *set, const unsigned char *mac)
{
	int i;

	for (i = 0; i < set->n; i++)
		if (!memcmp(set->mac[i], mac, ETH_ALEN))
			return 1;
	return 0;
}

static int open_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int fd;

	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "ethframes: %s: %s\n", ifname, strerror(errno));
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("ethframes: socket");
		return -1;
	}
	return fd;
}

static int do_send(int fd, char **argv, int argc)
{
	unsigned char frame[60] = { 0 };
	int random_src = !strcmp(argv[0], "random");
	unsigned long type, count, gap_ms = 0, i;
	struct timespec gap;

	if (argc < 4 || (!random_src && parse_mac(argv[0], frame + ETH_ALEN)) ||
	    parse_mac(argv[1], frame))
		return 2;
	type = strtoul(argv[2], NULL, 16);
	count = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		gap_ms = strtoul(argv[4], NULL, 10);
	frame[12] = type >> 8;
	frame[13] = type & 0xff;
	memcpy(frame + 14, "ethframes", 9);
	gap.tv_sec = gap_ms / 1000;
	gap.tv_nsec = (gap_ms % 1000) * 1000000;
	for (i = 0; i < count; i++) {
		if (random_src) {
			frame[6] = 0x06;
			frame[7] = 0x00;
			if (getrandom(frame + 8, 4, 0) != 4)
				return 1;
		}
		if (send(fd, frame, sizeof(frame), 0) != sizeof(frame)) {
			perror("ethframes: send");
			return 1;
		}
		if (gap_ms && i + 1 < count)
			nanosleep(&gap, NULL);
	}
	return 0;
}

static int do_count(int fd, char **argv, int argc)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timeval tick = { .tv_usec = 200000 };
	struct mac_set src, dst;
	unsigned char frame[64];
	struct sockaddr_ll from;
	socklen_t len;
	unsigned long n = 0;
	int both;
	ssize_t r;

	if (argc < 2 || parse_set(argv[0], &src) || parse_set(argv[1], &dst))
		return 2;
	both = argc > 2 && !strcmp(argv[2], "both");
	/* A signal between the test of stop and recvfrom() waits 0.2 s at most. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	/* No SA_RESTART: the signal ends the wait in recvfrom(). */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		len = sizeof(from);
		r = recvfrom(fd, frame, sizeof(frame), 0,
			     (struct sockaddr *)&from, &len);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			perror("ethframes: recvfrom");
			return 1;
		}
		if (r < ETH_HLEN || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if ((in_set(&src, frame + ETH_ALEN) && in_set(&dst, frame)) ||
		    (both && in_set(&dst, frame + ETH_ALEN) &&
		     in_set(&src, frame)))
			n++;
	}
	printf("%lu\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 3) {
		fprintf(stderr,
			"usage: ethframes send IFACE SRC DST TYPE COUNT [GAP_MS]\n"
			"       ethframes count IFACE SRCS DSTS [both]\n");
		return 2;
	}
	fd = open_socket(argv[2]);
	if (fd < 0)
		return 1;
	if (!strcmp(argv[1], "send"))
		return do_send(fd, argv + 3, argc - 3);
	if (!strcmp(argv[1], "count"))
		return do_count(fd, argv + 3, argc - 3);
	fprintf(stderr, "ethframes: unknown command %s\n", argv[1]);
	return 2;
}
