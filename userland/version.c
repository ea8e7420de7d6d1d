// SPDX-License-Identifier: GPL-2.0
/* intnetctl version: intnetctl's version, the module's, and its features. */

#include <string.h>

#include "intnetctl.h"

#ifndef INTNET_VERSION
#error "INTNET_VERSION must be defined by the build"
#endif

static const char version_usage[] =
	"  version            show intnetctl's and the module's versions\n";

static const struct {
	uint64_t bit;
	const char *name;
} feature_names[] = {
	{ INTNET_FEATURE_NETNS, "netns" },
	{ INTNET_FEATURE_SWITCH, "switch" },
	{ INTNET_FEATURE_ACCESS, "access" },
	{ INTNET_FEATURE_EVENTS, "events" },
	{ INTNET_FEATURE_OWNER_NAMES, "owner-names" },
	{ INTNET_FEATURE_SAFE_SHARING, "safe-sharing" },
	{ INTNET_FEATURE_UPLINK, "uplink" },
};

struct version_reply {
	char version[64];
	uint64_t features;
	bool seen;
};

static int version_cb(struct nl_msg *msg, void *arg)
{
	struct version_reply *v = arg;
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	int err;

	err = reply_parse(msg, tb);
	if (err < 0)
		return err;
	if (tb[INTNET_ATTR_VERSION])
		snprintf(v->version, sizeof(v->version), "%s",
			 nla_get_string(tb[INTNET_ATTR_VERSION]));
	if (tb[INTNET_ATTR_FEATURES])
		v->features = nla_get_u64(tb[INTNET_ATTR_FEATURES]);
	v->seen = true;
	return NL_OK;
}

/* The features' names; bits from a newer module are shown, not hidden. */
static void print_features(uint64_t features)
{
	uint64_t unknown = features;
	unsigned int n = 0;
	char bit[16];
	size_t i;

	open_array("features");
	for (i = 0; i < ARRAY_SIZE(feature_names); i++) {
		if (!(features & feature_names[i].bit))
			continue;
		print_string(PRINT_ANY, NULL, n++ ? " %s" : "%s",
			     feature_names[i].name);
		unknown &= ~feature_names[i].bit;
	}
	for (i = 0; i < 64; i++) {
		if (!(unknown & (1ULL << i)))
			continue;
		snprintf(bit, sizeof(bit), "bit%zu", i);
		print_string(PRINT_ANY, NULL, n++ ? " %s" : "%s", bit);
	}
	if (!n)
		print_text("none");
	close_array();
}

static int cmd_version(const struct object *obj, int argc, char **argv)
{
	struct version_reply v = { .version = "" };
	struct nl_msg *msg;
	struct conn c;
	int ret;

	if (argc == 1 && !strcmp(argv[0], "help")) {
		printf("Usage: intnetctl [OPTIONS] version\n\n%s", obj->usage);
		return 0;
	}
	if (argc > 0) {
		fprintf(stderr,
			"intnetctl: version takes no arguments (got '%s')\n",
			argv[0]);
		return EXIT_USAGE;
	}
	if (conn_open(&c))
		return 1;
	msg = conn_msg(&c, INTNET_CMD_VERSION_GET, 0, 0);
	if (!msg)
		fprintf(stderr, "intnetctl: out of memory\n");
	ret = msg ? conn_run(&c, msg, version_cb, &v) : -1;
	nlmsg_free(msg);
	conn_close(&c);
	if (ret)
		return 1;
	if (!v.seen) {
		fprintf(stderr, "intnetctl: the module sent no version\n");
		return 1;
	}
	open_object(NULL);
	print_string(PRINT_ANY, "intnetctl", "intnetctl %s\n", INTNET_VERSION);
	print_string(PRINT_ANY, "module", "module    %s\n", v.version);
	print_text("features  ");
	print_features(v.features);
	print_text("\n");
	close_object();
	return 0;
}

const struct object version_object = {
	.name = "version",
	.usage = version_usage,
	.run = cmd_version,
};
