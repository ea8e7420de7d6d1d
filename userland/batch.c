// SPDX-License-Identifier: GPL-2.0
/*
 * intnetctl -batch FILE: one command a line, as ip(8) -batch runs them, over
 * one connection to the module. Each line is what follows the options on a
 * command line (the options given before -batch hold for every line): its
 * words are separated by blanks, a word that starts with '#' starts a
 * comment, and a blank line is skipped. The first command that fails ends
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

/* Runs the commands of @name ("-": stdin); 0 when all succeeded, else 1. */
int run_batch(const char *name, bool force, bool json)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	char *line = NULL, **argv = NULL;
	size_t len = 0, room = 0;
	unsigned long lineno = 0;
	int argc, ret = 0;

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
		output_init(json);
		if (run_command(argc, argv)) {
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
