// SPDX-License-Identifier: GPL-2.0
/*
 * udpsend: the host's own UDP transmit, as an application does it: a socket
 * connected to DST:PORT sends COUNT datagrams of 18 bytes (60-byte frames,
 * pktgen's 64 B frames less the FCS), BATCH a sendmmsg() call.
 *
 * Usage: udpsend DST PORT COUNT [BATCH]
 * Prints: frames N ns NS pps P   (CLOCK_MONOTONIC, which counts instructions
 * in an icount guest).
 * Exits 1, saying why, when a send fails or sends less than asked.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 18
#define BATCH_MAX 1024

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[BATCH_MAX];
	static char payload[PAYLOAD];
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long count, sent = 0;
	struct iovec iov = { payload, sizeof(payload) };
	unsigned int batch = 64, i, n;
	double t0, t1;
	int fd, r;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: udpsend DST PORT COUNT [BATCH]\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "udpsend: %s: not an IPv4 address\n", argv[1]);
		return 2;
	}
	to.sin_port = htons(atoi(argv[2]));
	count = strtoul(argv[3], NULL, 10);
	if (argc == 5)
		batch = atoi(argv[4]);
	if (!count || !batch || batch > BATCH_MAX) {
		fprintf(stderr,
			"udpsend: COUNT and BATCH (1..%d) must be given\n",
			BATCH_MAX);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		perror("udpsend: socket");
		return 1;
	}
	for (i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_ns();
	while (sent < count) {
		n = count - sent < batch ? count - sent : batch;
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			perror("udpsend: sendmmsg");
			return 1;
		}
		if ((unsigned int)r != n) {
			fprintf(stderr, "udpsend: sendmmsg sent %d of %u\n", r,
				n);
			return 1;
		}
		sent += n;
	}
	t1 = now_ns();
	printf("frames %lu ns %.0f pps %.0f\n", sent, t1 - t0,
	       sent * 1e9 / (t1 - t0));
	close(fd);
	return 0;
}
