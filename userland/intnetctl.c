// SPDX-License-Identifier: GPL-2.0
/* intnetctl: drives the intnet kernel module over its netlink family. */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/intnet.h>

#ifndef INTNET_VERSION
#error "INTNET_VERSION must be defined by the build"
#endif

#define EXIT_USAGE 2

static bool json;

struct conn {
	struct nl_sock *sk;
	int family;
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: intnetctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
	    "\n"
	    "Objects and commands:\n"
	    "  version            show intnetctl's and the module's versions\n"
	    "  help               show this text\n"
	    "\n"
	    "Options:\n"
	    "  -j, --json         print JSON\n"
	    "  -h, --help         show this text\n"
	    "  -V, --version      show intnetctl's version\n");
}

/* Opens the family; with the module absent, says so in one line. */
static int conn_open(struct conn *c)
{
	int err;

	c->sk = nl_socket_alloc();
	if (!c->sk) {
		fprintf(stderr, "intnet: out of memory\n");
		return -1;
	}
	err = genl_connect(c->sk);
	if (err < 0) {
		fprintf(stderr, "intnet: cannot open a netlink socket: %s\n",
			nl_geterror(err));
		goto fail;
	}
	c->family = genl_ctrl_resolve(c->sk, INTNET_GENL_NAME);
	if (c->family == -NLE_OBJ_NOTFOUND) {
		fprintf(stderr, "intnet: kernel module not loaded (try: "
				"modprobe intnet)\n");
		goto fail;
	}
	if (c->family < 0) {
		fprintf(stderr,
			"intnet: cannot resolve the intnet family: %s\n",
			nl_geterror(c->family));
		goto fail;
	}
	return 0;
fail:
	nl_socket_free(c->sk);
	c->sk = NULL;
	return -1;
}

static void conn_close(struct conn *c)
{
	nl_socket_free(c->sk);
}

/* Sends a request built by the caller and runs @cb on every reply; 0 or -1. */
static int conn_request(struct conn *c, struct nl_msg *msg,
			nl_recvmsg_msg_cb_t cb, void *arg)
{
	int err;

	nl_socket_modify_cb(c->sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	err = nl_send_sync(c->sk, msg);
	if (err < 0) {
		fprintf(stderr, "intnet: %s\n", nl_geterror(err));
		return -1;
	}
	return 0;
}

static struct nl_msg *conn_msg(struct conn *c, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, flags,
			 cmd, INTNET_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static const struct {
	uint64_t bit;
	const char *name;
} feature_names[] = {
    {INTNET_FEATURE_NETNS, "netns"},
};

#define N_FEATURES (sizeof(feature_names) / sizeof(feature_names[0]))

struct version_reply {
	char version[64];
	uint64_t features;
	bool seen;
};

static int version_cb(struct nl_msg *msg, void *arg)
{
	struct version_reply *v = arg;
	struct nlattr *tb[INTNET_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, INTNET_ATTR_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[INTNET_ATTR_VERSION])
		snprintf(v->version, sizeof(v->version), "%s",
			 nla_get_string(tb[INTNET_ATTR_VERSION]));
	if (tb[INTNET_ATTR_FEATURES])
		v->features = nla_get_u64(tb[INTNET_ATTR_FEATURES]);
	v->seen = true;
	return NL_OK;
}

static void print_features(uint64_t features)
{
	uint64_t unknown = features;
	const char *sep = "";
	size_t i;

	for (i = 0; i < N_FEATURES; i++) {
		if (!(features & feature_names[i].bit))
			continue;
		printf(json ? "%s\"%s\"" : "%s%s", sep, feature_names[i].name);
		sep = json ? "," : " ";
		unknown &= ~feature_names[i].bit;
	}
	/* Bits from a newer module are shown, not hidden. */
	for (i = 0; i < 64; i++) {
		if (!(unknown & (1ULL << i)))
			continue;
		printf(json ? "%s\"bit%zu\"" : "%sbit%zu", sep, i);
		sep = json ? "," : " ";
	}
	if (!json && !*sep)
		printf("none");
}

static int cmd_version(int argc, char **argv)
{
	struct version_reply v = {.version = ""};
	struct nl_msg *msg;
	struct conn c;
	int ret;

	if (argc > 0) {
		fprintf(stderr,
			"intnetctl: version takes no arguments (got '%s')\n",
			argv[0]);
		return EXIT_USAGE;
	}
	if (conn_open(&c))
		return 1;
	msg = conn_msg(&c, INTNET_CMD_VERSION_GET, 0);
	ret = msg ? conn_request(&c, msg, version_cb, &v) : -1;
	conn_close(&c);
	if (ret)
		return 1;
	if (!v.seen) {
		fprintf(stderr, "intnet: the module sent no version\n");
		return 1;
	}

	if (json) {
		printf("{\"intnetctl\":\"%s\",\"module\":\"%s\",\"features\":[",
		       INTNET_VERSION, v.version);
		print_features(v.features);
		printf("]}\n");
	} else {
		printf("intnetctl %s\nmodule    %s\nfeatures  ", INTNET_VERSION,
		       v.version);
		print_features(v.features);
		printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "+jhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_USAGE;
		case 'V':
			printf("intnetctl %s\n", INTNET_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "version"))
		return cmd_version(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "intnetctl: unknown command '%s'\n\n", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}
