// SPDX-License-Identifier: GPL-2.0
/*
 * intnet-qemu-helper: QEMU's network helper for intnet. QEMU runs it as
 * "intnet-qemu-helper [--use-vnet] --fd=N --br=[OWNER/]NAME"; it creates a TAP
 * owned by the user who ran QEMU, attaches it to the intnet network as that
 * user and passes the TAP's fd back over the socket N.
 *
 * It runs with CAP_NET_ADMIN (a file capability, or setuid root) and keeps it
 * only to create the TAP and give it to the user; the port is attached with no
 * privilege at all, so that the kernel's access rules apply to the user.
 *
 * This file: the order of it all, and the messages' helpers (die, quote).
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"

/* One line on stderr, then exit 1: the TAP, if any, goes with our fd. */
void die(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": %s\n", line);
	exit(1);
}

/*
 * @s (up to @len bytes) quoted for a terminal: printable ASCII as is, the
 * rest (and the quote and backslash) as escapes, cut after 64 bytes.
 */
const char *quote(const char *s, size_t len)
{
	static char out[2][64 * 4 + 8];
	static int which;
	char *o = out[which ^= 1], *p = o;
	size_t i;

	*p++ = '"';
	for (i = 0; i < len && i < 64; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			p += sprintf(p, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			*p++ = c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	if (i < len)
		p += sprintf(p, "...");
	*p++ = '"';
	*p = '\0';
	return o;
}

/* With fd 0, 1 or 2 closed, the TAP could become stderr. */
static void std_fds_open(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd < 0)
		exit(1);
	close(fd);
}

int main(int argc, char **argv)
{
	static struct acl acl;
	struct args a;
	bool have, create;
	int tap, ifindex;

	std_fds_open();
	have = drop_privileges();
	/* Nothing of the caller's environment is wanted, or trusted. */
	clearenv();
	parse_args(argc, argv, &a);
	create = acl_check(&acl, &a.net);
	/* clang-format off */
	if (!have)
		die("no CAP_NET_ADMIN to create a TAP: install the helper with the file capability cap_net_admin+ep (setcap), or setuid root");
	/* clang-format on */
	tap = tap_create(a.vnet, &ifindex);
	drop_net_admin();
	port_add(ifindex, &a.net, create, &acl);
	send_fd(a.fd, tap);
	return 0;
}
