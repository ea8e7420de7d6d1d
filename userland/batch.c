// SPDX-License-Identifier: GPL-2.0
/*
 * intnetctl -batch FILE: one command a line, as ip(8) -batch runs them, over
 * one connection to the module. Each line is what follows the options on a
 * command line (the options given before -batch hold for every line, and a
 * line may start with -j and -s of its own): its words are separated by
 * blanks, a word that starts with '#' starts a comment, and a blank line is
 * skipped. The first command that fails ends
 * the batch, after "Command failed FILE:LINE"; with -force every line runs.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intnetctl.h"

/* The words of @line, cut in place, into *@argv (grown as needed). */
static int split_line(char *line, char ***argv, size_t *room)
{
	static const char blanks[] = " \t\r\n\v\f";
	char *word, *save = NULL;
	int argc = 0;
	char **grown;

	for (word = strtok_r(line, blanks, &save); word && *word != '#';
	     word = strtok_r(NULL, blanks, &save)) {
		if ((size_t)argc + 1 >= *room) {
			grown = realloc(*argv,
					(*room * 2 + 8) * sizeof(*grown));
			if (!grown)
				return -1;
			*argv = grown;
			*room = *room * 2 + 8;
		}
		(*argv)[argc++] = word;
	}
	if (*argv)
		(*argv)[argc] = NULL;
	return argc;
}

/*
 * The options a line starts with, -j and -s (--json, --stats, or both as -js),
 * set for this line only; how many words they are, or -1 after a usage error.
 */
static int line_opts(int argc, char **argv, bool *json)
{
	const char *o;
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		o = argv[i] + 1;
		if (!strcmp(o, "-json") || !strcmp(o, "json")) {
			*json = true;
			continue;
		}
		if (!strcmp(o, "-stats") || !strcmp(o, "stats")) {
			opts.stats = true;
			continue;
		}
		for (; *o == 'j' || *o == 's'; o++)
			*(*o == 'j' ? json : &opts.stats) = true;
		if (*o || o == argv[i] + 1) {
			usage_error(NULL, "a line takes -j and -s, not '%s'",
				    argv[i]);
			return -1;
		}
	}
	return i;
}

/* Runs the commands of @name ("-": stdin); 0 when all succeeded, else 1. */
int run_batch(const char *name, bool force, bool json)
{
	bool stats = opts.stats, line_json;
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	char *line = NULL, **argv = NULL;
	size_t len = 0, room = 0;
	unsigned long lineno = 0;
	int argc, skip, ret = 0;

	if (!f) {
		fprintf(stderr, "intnetctl: cannot open '%s': %s\n", name,
			strerror(errno));
		return 1;
	}
	conn_share(true);
	while (getline(&line, &len, f) >= 0) {
		lineno++;
		argc = split_line(line, &argv, &room);
		if (argc < 0) {
			fprintf(stderr, "intnetctl: out of memory\n");
			ret = 1;
			break;
		}
		if (!argc)
			continue;
		line_json = json;
		opts.stats = stats;
		skip = line_opts(argc, argv, &line_json);
		output_init(line_json);
		if (skip < 0 || skip == argc ||
		    run_command(argc - skip, argv + skip)) {
			if (skip == argc)
				usage_error(NULL, "a line with options only");
			fflush(stdout);
			fprintf(stderr, "Command failed %s:%lu\n", name,
				lineno);
			ret = 1;
			if (!force)
				break;
		}
		fflush(stdout);
	}
	if (ferror(f)) {
		fprintf(stderr, "intnetctl: cannot read '%s': %s\n", name,
			strerror(errno));
		ret = 1;
	}
	conn_share(false);
	free(argv);
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}
