// SPDX-License-Identifier: GPL-2.0
/*
 * intnetctl: drives the intnet kernel module over its netlink family. This
 * file reads the options and hands the command line to its object; each
 * object (net.c, port.c, fdb.c, tap.c, host.c, monitor.c, version.c) says
 * what it takes, and grammar.c, request.c and output.c do the rest.
 */

#include <getopt.h>
#include <string.h>

#include "intnetctl.h"

struct opts opts;

/* The objects, in the order the usage shows them. */
const struct object *const objects[] = {
	&net_object,  &port_object,    &fdb_object,	&tap_object,
	&host_object, &monitor_object, &version_object, NULL,
};

static const struct object *find_object(const char *name)
{
	const struct object *const *obj;

	for (obj = objects; *obj; obj++)
		if (!strcmp(name, (*obj)->name))
			return *obj;
	return NULL;
}

/* help, or help OBJECT: the same as OBJECT help. */
static int run_help(int argc, char **argv)
{
	const struct object *obj;

	if (argc > 2)
		return usage_error(NULL, "help takes one object at most");
	if (argc == 1) {
		usage(stdout);
		return 0;
	}
	obj = find_object(argv[1]);
	if (!obj)
		return usage_error(NULL, "unknown object '%s'", argv[1]);
	return obj->run(obj, 1, argv);
}

/* A command line from its object on; its exit status. */
int run_command(int argc, char **argv)
{
	const struct object *obj;

	if (!strcmp(argv[0], "help"))
		return run_help(argc, argv);
	obj = find_object(argv[0]);
	if (!obj)
		return usage_error(NULL, "unknown command '%s'", argv[0]);
	return obj->run(obj, argc - 1, argv + 1);
}

/*
 * The options: -j, -s, -h, -V, and ip(8)'s -batch FILE and -force, which
 * take one dash (getopt_long_only) or two.
 */
int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "batch", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *batch = NULL;
	bool json = false, force = false;
	int opt;

	while ((opt = getopt_long_only(argc, argv, "+jshVb:f", long_opts,
				       NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 's':
			opts.stats = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("intnetctl %s\n", INTNET_VERSION);
			return 0;
		case 'b':
			batch = optarg;
			break;
		case 'f':
			force = true;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	output_init(json);

	if (batch) {
		if (argc > 0)
			return usage_error(NULL,
					   "-batch takes no command ('%s')",
					   argv[0]);
		opts.batch = true;
		return run_batch(batch, force, json);
	}
	if (force)
		return usage_error(NULL, "-force goes with -batch");
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return run_command(argc, argv);
}
