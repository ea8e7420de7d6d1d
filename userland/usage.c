// SPDX-License-Identifier: GPL-2.0
/*
 * intnetctl's usage, written from the objects' tables of verbs and keywords:
 * what the command line takes is said in one place, the tables.
 */

#include <stdarg.h>
#include <string.h>

#include "intnetctl.h"

/* What a keyword's value is called in the usage, unless it says (.meta). */
static const char *const kind_meta[] = {
	[ARG_NAME] = "NAME", [ARG_DEV] = "DEV",	     [ARG_MAC] = "MAC",
	[ARG_U32] = "N",     [ARG_MASK] = "MASK",    [ARG_ONOFF] = "on|off",
	[ARG_FLAG] = NULL,   [ARG_WORD] = "WORD",    [ARG_LOCK] = "MAC|off",
	[ARG_USER] = "USER", [ARG_GROUP] = "GROUP",  [ARG_IFNAME] = "DEV",
	[ARG_RATE] = "PPS",  [ARG_IP_LOCK] = "ADDR",
};

static const char usage_notes[] =
	"NAME is a network: your own of that name, else root's public one.\n"
	"OWNER/NAME is user OWNER's network NAME (OWNER: a user name or uid).\n"
	"A NAME is 1 to 127 printable ASCII characters, no space and no '/';\n"
	"\"" INTNET_NAME_DEFAULT
	"\" where a command may leave it out. DEV is a network device,\n"
	"MAC aa:bb:cc:dd:ee:ff, USER a user name or uid (only an administrator\n"
	"may give one). A network is restricted (to its owner's ports) unless\n"
	"public. POLICY is what promiscuous ports get: deny (nothing, the\n"
	"default), allow-same-user (frames from or to their user's ports) or\n"
	"allow-all. ageing 0 means never; port-fdb-max 0 (auto) means half of\n"
	"fdb-max. lock-mac off unlocks. MASK (decimal or 0x hex): bit N\n"
	"forwards 01:80:C2:00:00:0N (bit 1, PAUSE, never).\n"
	"flood-limit: storm control, the broadcast, multicast and unknown\n"
	"unicast a port may flood, PPS frames a second (1 to 10000000) in\n"
	"bursts of flood-burst (1 to 1000000); off: none; auto (the default)\n"
	"limits the ports of users other than the network's owner; net: the\n"
	"network's. An isolated port reaches only ports that are not.\n"
	"lock-ip: IP anti-spoofing, the IPv4 and IPv6 addresses (ADDR) the\n"
	"port may send from, lock-ip once for each, at most 8; off: any.\n"
	"dhcp-server on lets a port with a lock-ip send DHCP server replies.\n"
	"\"list\" is \"show\", and an OBJECT alone is \"OBJECT show\".\n";

/* A usage line fits in this many columns, its continuations indented. */
#define USAGE_WIDTH 72

/* Whether @a and @b may not be given together: they set the same value,
 * or the verb takes a network or one port of it (fdb flush).
 */
static bool exclusive(const struct verb *v, const struct keyword *a,
		      const struct keyword *b)
{
	if (a->attr == b->attr)
		return true;
	return (v->flags & V_NET_OR_DEV) && (a == &kw_net || a == &kw_dev) &&
	       (b == &kw_net || b == &kw_dev);
}

/* The keywords at *@kw that exclude each other, as "[a|b]", "[k V | l W]",
 * "[k V]..." when repeated, or bare when required; *@kw moves past them.
 */
static void keyword_usage(char *buf, size_t len, const struct verb *v,
			  const struct keyword *const **kw)
{
	const struct keyword *const *k = *kw;
	bool required = (v->flags & V_NEEDS_DEV) && *k == &kw_dev;
	bool flags = true;
	size_t used = 0;
	const char *meta;

	for (; *k && (k == *kw || exclusive(v, k[-1], *k)); k++)
		flags = flags && (*k)->kind == ARG_FLAG;
	for (k = *kw; *k && (k == *kw || exclusive(v, k[-1], *k)); k++) {
		meta = (*k)->meta ? (*k)->meta : kind_meta[(*k)->kind];
		used += snprintf(buf + used, len - used, "%s%s%s%s",
				 k != *kw ? (flags ? "|" : " | ") :
					    (required ? "" : "["),
				 (*k)->name, meta ? " " : "", meta ? meta : "");
		if (used >= len)
			used = len - 1;
	}
	/* lock-ip is given once for each address. */
	snprintf(buf + used, len - used, "%s%s", required ? "" : "]",
		 k[-1]->kind == ARG_IP_LOCK ? "..." : "");
	*kw = k;
}

/* "  OBJECT VERB ARG [keyword VALUE]...", wrapped below ARG. */
static void verb_usage(FILE *f, const struct object *obj, const struct verb *v)
{
	const struct keyword *const *kw = v->kws;
	char item[128];
	int col, indent;

	col = fprintf(f, "  %s %s", obj->name, v->name);
	if (v->arg)
		col += fprintf(f, v->print ? " [%s]" : " %s", v->arg->name);
	indent = col + 1;
	while (kw && *kw) {
		keyword_usage(item, sizeof(item), v, &kw);
		if (col + 1 + (int)strlen(item) > USAGE_WIDTH)
			col = fprintf(f, "\n%*s%s", indent, "", item) - 1;
		else
			col += fprintf(f, " %s", item);
	}
	fputc('\n', f);
}

/* The commands of @obj, one usage line (or more) each. */
static void object_lines(const struct object *obj, FILE *f)
{
	const struct verb *v;

	if (!obj->verbs) {
		fputs(obj->usage, f);
		return;
	}
	for (v = obj->verbs; v->name; v++)
		verb_usage(f, obj, v);
}

void usage(FILE *f)
{
	const struct object *const *obj;

	fputs("Usage: intnetctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
	      "       intnetctl [OPTIONS] -batch FILE [-force]\n\n"
	      "Objects and commands:\n",
	      f);
	for (obj = objects; *obj; obj++)
		object_lines(*obj, f);
	fprintf(f,
		"  OBJECT help        show OBJECT's commands\n"
		"  help [OBJECT]      show this text, or OBJECT's commands\n"
		"\n%s\n"
		"Options:\n"
		"  -j, --json         print JSON\n"
		"  -s, --stats        show statistics\n"
		"  -b, -batch FILE    run the commands of FILE (- for stdin), one a\n"
		"                     line; the first that fails ends it\n"
		"  -f, -force         with -batch: run every line, exit 1 if any failed\n"
		"  -h, --help         show this text\n"
		"  -V, --version      show intnetctl's version\n",
		usage_notes);
}

void object_usage(const struct object *obj, FILE *f)
{
	fprintf(f, "Usage: intnetctl [OPTIONS] %s COMMAND [ARGS]\n\n",
		obj->name);
	object_lines(obj, f);
	fprintf(f, "\n%s", usage_notes);
}

/* Says what is wrong, then how @obj (or intnetctl) is used; exit status 2. */
int usage_error(const struct object *obj, const char *fmt, ...)
{
	va_list ap;

	fputs("intnetctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(opts.batch ? "\n" : "\n\n", stderr);
	if (opts.batch)
		return EXIT_USAGE;
	if (obj)
		object_usage(obj, stderr);
	else
		usage(stderr);
	return EXIT_USAGE;
}
