// SPDX-License-Identifier: GPL-2.0
/*
 * intnetctl's grammar: the keywords the objects' verbs take (their tables
 * are in the objects' files), and the parsing of a command line, which finds
 * every usage error before the module is asked anything.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "intnetctl.h"

const char *const access_words[] = {
	[INTNET_ACCESS_RESTRICTED] = "restricted",
	[INTNET_ACCESS_PUBLIC] = "public",
	NULL,
};

const char *const promisc_policy_words[] = {
	[INTNET_PROMISC_DENY] = "deny",
	[INTNET_PROMISC_ALLOW_SAME_USER] = "allow-same-user",
	[INTNET_PROMISC_ALLOW_ALL] = "allow-all",
	NULL,
};

/* The word a flood limit of 0 is given as: a network's default, or a port's
 * "follow the network's".
 */
static const char *const net_rate_words[] = { "auto", NULL };
static const char *const port_rate_words[] = { "net", NULL };

/* KW(name, kind, attr): .val, .words and .meta follow as designated
 * initializers.
 */
#define KW(n, k, a) .name = n, .kind = k, .attr = INTNET_ATTR_##a
#define KW_LOCAL(n, k, a) .name = n, .kind = k, .attr = SLOT_##a

/* The positional arguments, named by their metavariables */
const struct keyword arg_name = { KW("NAME", ARG_NAME, NET_NAME) };
/* Set by a NAME written OWNER/NAME, never by a keyword of its own. */
const struct keyword arg_owner = { KW("OWNER", ARG_USER, NET_OWNER) };
const struct keyword arg_dev = { KW("DEV", ARG_DEV, IFINDEX) };
const struct keyword arg_mac = { KW("MAC", ARG_MAC, MAC) };
const struct keyword arg_ifname = { KW_LOCAL("DEV", ARG_IFNAME, IFNAME) };

/* What a command is about */
const struct keyword kw_net = { KW("net", ARG_NAME, NET_NAME) };
const struct keyword kw_dev = { KW("dev", ARG_DEV, IFINDEX) };

/* A network's settings */
const struct keyword kw_public = { KW("public", ARG_FLAG, NET_ACCESS),
				   .val = INTNET_ACCESS_PUBLIC };
const struct keyword kw_restricted = { KW("restricted", ARG_FLAG, NET_ACCESS),
				       .val = INTNET_ACCESS_RESTRICTED };
const struct keyword kw_flood = { KW("flood-unknown", ARG_ONOFF,
				     NET_FLOOD_UNKNOWN) };
const struct keyword kw_ageing = { KW("ageing", ARG_U32, NET_AGEING),
				   .meta = "SECS" };
const struct keyword kw_fdb_max = { KW("fdb-max", ARG_U32, NET_FDB_MAX) };
const struct keyword kw_port_fdb_max = { KW("port-fdb-max", ARG_U32,
					    NET_PORT_FDB_MAX) };
const struct keyword kw_group_fwd_mask = { KW("group-fwd-mask", ARG_MASK,
					      NET_GROUP_FWD_MASK) };
const struct keyword kw_explicit = { KW("explicit", ARG_ONOFF, NET_EXPLICIT) };
const struct keyword kw_policy = {
	KW("promisc-policy", ARG_WORD, NET_PROMISC_POLICY),
	.words = promisc_policy_words, .meta = "POLICY"
};

const struct keyword kw_net_flood_limit = {
	KW("flood-limit", ARG_RATE, NET_FLOOD_LIMIT), .words = net_rate_words,
	.meta = "PPS|auto|off"
};

const struct keyword kw_flood_burst = {
	KW("flood-burst", ARG_U32, NET_FLOOD_BURST), .min = 1,
	.max = INTNET_FLOOD_BURST_MAX
};

/* A port's settings */
const struct keyword kw_up = { KW("up", ARG_FLAG, PORT_UP), .val = 1 };
const struct keyword kw_down = { KW("down", ARG_FLAG, PORT_UP), .val = 0 };
const struct keyword kw_promisc = { KW("promisc", ARG_ONOFF, PORT_PROMISC) };
const struct keyword kw_lock_mac = { KW("lock-mac", ARG_LOCK, PORT_LOCK_MAC) };
const struct keyword kw_user = { KW("user", ARG_USER, PORT_USER) };
const struct keyword kw_isolated = { KW("isolated", ARG_ONOFF, PORT_ISOLATED) };
const struct keyword kw_port_flood_limit = {
	KW("flood-limit", ARG_RATE, PORT_FLOOD_LIMIT), .words = port_rate_words,
	.meta = "PPS|off|net"
};

const struct keyword kw_lock_ip = { KW("lock-ip", ARG_IP_LOCK, PORT_IP_LOCK),
				    .max = INTNET_PORT_IP_LOCK_MAX,
				    .meta = "ADDR|off" };
const struct keyword kw_dhcp_server = { KW("dhcp-server", ARG_ONOFF,
					   PORT_DHCP_SERVER) };
const struct keyword kw_uplink = { KW("uplink", ARG_FLAG, PORT_UPLINK),
				   .val = 1 };

/* What tap add makes, never sent */
const struct keyword kw_group = { KW_LOCAL("group", ARG_GROUP, GROUP) };
const struct keyword kw_vnet_hdr = { KW_LOCAL("vnet-hdr", ARG_FLAG, VNET_HDR),
				     .val = 1 };
const struct keyword kw_multi_queue = {
	KW_LOCAL("multi-queue", ARG_FLAG, MULTI_QUEUE), .val = 1
};

/* ---- Parsing: every usage error is found before the module is asked ---- */

/* Decimal digits only: no sign, no space, no 0x, nothing after. */
static int parse_u32(const char *s, uint32_t *val)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n > UINT32_MAX)
		return -1;
	*val = n;
	return 0;
}

/* A uid or gid: a number, but not -1 (which the kernel reads as none). */
static int parse_id(const char *s, uint32_t *id)
{
	return parse_u32(s, id) || *id == (uint32_t)-1 ? -1 : 0;
}

/* A number from 0 to 0xffff, in decimal or 0x hex. */
static int parse_mask(const char *s, uint32_t *val)
{
	unsigned long n;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoul(s, &end, base);
	if (errno || *end || n > 0xffff)
		return -1;
	*val = n;
	return 0;
}

/*
 * What the module takes as a network name: 1 to INTNET_NAME_MAX printable
 * ASCII characters, no space, no '/' (which writes OWNER/NAME).
 */
static bool name_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!*p || strlen(s) > INTNET_NAME_MAX)
		return false;
	for (; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '/')
			return false;
	return true;
}

/*
 * NAME, or OWNER/NAME: OWNER (a user name, resolved with the other names, or
 * a uid) goes to its own slot and is sent as INTNET_ATTR_NET_OWNER. argv is
 * ours to cut: the owner's part ends where the name starts.
 */
static int parse_name(struct args *a, struct slot *s, char *val)
{
	struct slot *owner = &a->slot[INTNET_ATTR_NET_OWNER];
	char *slash = strchr(val, '/');
	bool ok;

	if (!slash) {
		if (!name_valid(val))
			goto bad;
		s->str = val;
		return 0;
	}
	*slash = '\0';
	ok = *val && name_valid(slash + 1) &&
	     (!isdigit((unsigned char)*val) || !parse_id(val, &owner->u32));
	if (!ok) {
		*slash = '/';
		goto bad;
	}
	s->str = slash + 1;
	owner->kw = &arg_owner;
	owner->str = isdigit((unsigned char)*val) ? NULL : val;
	return 0;
bad:
	return usage_error(a->obj, "'%s' is not a network name or OWNER/NAME",
			   val);
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower((unsigned char)ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Exactly six colon-separated pairs of hex digits. */
static int parse_mac(const char *s, uint8_t *mac)
{
	int i, hi, lo;

	if (strlen(s) != sizeof("00:00:00:00:00:00") - 1)
		return -1;
	for (i = 0; i < ETH_ALEN; i++, s += 3) {
		hi = hex_digit(s[0]);
		lo = hex_digit(s[1]);
		if (hi < 0 || lo < 0 || (i < ETH_ALEN - 1 && s[2] != ':'))
			return -1;
		mac[i] = hi << 4 | lo;
	}
	return 0;
}

/* "a, b or c": the words @kw takes, for a usage error. */
static void list_words(char *buf, size_t len, const struct keyword *kw)
{
	size_t n, i, used = 0;

	*buf = '\0';
	for (n = 0; kw->words[n]; n++)
		;
	for (i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s",
				 !i ? "" : (i == n - 1 ? " or " : ", "),
				 kw->words[i]);
}

static int parse_word(struct args *a, const struct keyword *kw, const char *val,
		      uint32_t *index)
{
	char words[128];
	uint32_t i;

	for (i = 0; kw->words[i]; i++) {
		if (!strcmp(val, kw->words[i])) {
			*index = i;
			return 0;
		}
	}
	list_words(words, sizeof(words), kw);
	return usage_error(a->obj, "%s takes %s, not '%s'", kw->name, words,
			   val);
}

/*
 * A flood limit: frames a second, off, or the keyword's word for 0. A rate
 * of 0 is no rate: the module reads 0 as that word.
 */
static int parse_rate(struct args *a, const struct keyword *kw, const char *val,
		      uint32_t *limit)
{
	if (!strcmp(val, "off")) {
		*limit = INTNET_FLOOD_LIMIT_OFF;
		return 0;
	}
	if (!strcmp(val, kw->words[0])) {
		*limit = 0;
		return 0;
	}
	if (!parse_u32(val, limit) && *limit >= 1 &&
	    *limit <= INTNET_FLOOD_LIMIT_MAX)
		return 0;
	/* clang-format off */
	return usage_error(a->obj,
			   "%s takes frames a second (1 to %u), %s or off, not '%s'",
			   kw->name, INTNET_FLOOD_LIMIT_MAX, kw->words[0], val);
	/* clang-format on */
}

/*
 * lock-ip: one address each time it is given, up to .max (the module takes
 * the list whole); or off, alone, which sends none: the lock is lifted.
 */
static int parse_ip_lock(struct args *a, const struct keyword *kw,
			 const char *val)
{
	struct slot *s = &a->slot[kw->attr];
	bool off = !strcmp(val, "off");
	struct ip_addr *ip;

	/* A slot taken without an address is an off given before. */
	if (s->kw && (off || !s->u32))
		return usage_error(a->obj,
				   "%s off goes alone, without addresses",
				   kw->name);
	s->kw = kw;
	if (off)
		return 0;
	if (s->u32 == kw->max)
		return usage_error(a->obj, "%s takes at most %u addresses",
				   kw->name, kw->max);
	ip = &a->ip_lock[s->u32];
	if (inet_pton(AF_INET, val, ip->addr) == 1) {
		ip->family = AF_INET;
	} else if (inet_pton(AF_INET6, val, ip->addr) == 1) {
		ip->family = AF_INET6;
	} else {
		/* clang-format off */
		return usage_error(a->obj,
				   "%s takes an IPv4 or IPv6 address or off, not '%s'",
				   kw->name, val);
		/* clang-format on */
	}
	s->u32++;
	return 0;
}

/* Takes @val (NULL for a flag) as the value of @kw; 0 or exit status 2. */
static int parse_value(struct args *a, const struct keyword *kw, char *val)
{
	struct slot *s = &a->slot[kw->attr];

	/* The one keyword that may be given more than once. */
	if (kw->kind == ARG_IP_LOCK)
		return parse_ip_lock(a, kw, val);
	if (s->kw == kw)
		return usage_error(a->obj, "%s given twice", kw->name);
	if (s->kw)
		return usage_error(a->obj, "%s and %s are exclusive",
				   s->kw->name, kw->name);
	s->kw = kw;
	switch (kw->kind) {
	case ARG_NAME:
		return parse_name(a, s, val);
	case ARG_DEV:
		s->str = val;
		return 0;
	case ARG_IFNAME:
		/*
		 * What the kernel's dev_valid_name() takes, but for '%': the
		 * kernel would read tap%d as a template and pick a name.
		 */
		/* clang-format off */
		if (!*val || strlen(val) >= IFNAMSIZ || !strcmp(val, ".") ||
		    !strcmp(val, "..") || strpbrk(val, "/:% \t\n\r\v\f"))
			return usage_error(a->obj,
					   "'%s' is not a device name (1 to %d characters, no '/', ':', '%%' or space)",
					   val, IFNAMSIZ - 1);
		/* clang-format on */
		s->str = val;
		return 0;
	case ARG_MAC:
		/* clang-format off */
		if (parse_mac(val, s->mac))
			return usage_error(a->obj,
					   "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
					   val);
		/* clang-format on */
		return 0;
	case ARG_U32:
		if (parse_u32(val, &s->u32))
			return usage_error(a->obj,
					   "%s takes a number, not '%s'",
					   kw->name, val);
		/* clang-format off */
		if (kw->max && (s->u32 < kw->min || s->u32 > kw->max))
			return usage_error(a->obj,
					   "%s takes a number from %u to %u, not '%s'",
					   kw->name, kw->min, kw->max, val);
		/* clang-format on */
		return 0;
	case ARG_RATE:
		return parse_rate(a, kw, val, &s->u32);
	case ARG_IP_LOCK:
		break; /* parse_ip_lock()'s */
	case ARG_MASK:
		/* clang-format off */
		if (parse_mask(val, &s->u32))
			return usage_error(a->obj,
					   "%s takes a number from 0 to 0xffff, not '%s'",
					   kw->name, val);
		/* clang-format on */
		return 0;
	case ARG_ONOFF:
		if (strcmp(val, "on") && strcmp(val, "off"))
			return usage_error(a->obj,
					   "%s takes on or off, not '%s'",
					   kw->name, val);
		s->u32 = !strcmp(val, "on");
		return 0;
	case ARG_FLAG:
		s->u32 = kw->val;
		return 0;
	case ARG_WORD:
		return parse_word(a, kw, val, &s->u32);
	case ARG_LOCK:
		if (!strcmp(val, "off")) {
			memset(s->mac, 0, sizeof(s->mac));
			return 0;
		}
		/* clang-format off */
		if (parse_mac(val, s->mac))
			return usage_error(a->obj,
					   "%s takes a MAC address (aa:bb:cc:dd:ee:ff) or off, not '%s'",
					   kw->name, val);
		/* clang-format on */
		return 0;
	case ARG_USER:
	case ARG_GROUP:
		/* A number is an id, whether or not anyone has it. */
		if (!isdigit((unsigned char)*val)) {
			s->str = val;
			return 0;
		}
		/* clang-format off */
		if (parse_id(val, &s->u32))
			return usage_error(a->obj,
					   "%s takes a %s name or an id, not '%s'",
					   kw->name, kw->name, val);
		/* clang-format on */
		return 0;
	}
	return 0;
}

static const struct keyword *find_keyword(const struct verb *v,
					  const char *word)
{
	const struct keyword *const *kw;

	for (kw = v->kws; kw && *kw; kw++)
		if (!strcmp((*kw)->name, word))
			return *kw;
	return NULL;
}

/* The rules that span keywords; fills in the default network. */
static int check_args(struct args *a)
{
	const struct verb *v = a->verb;
	struct slot *net = &a->slot[INTNET_ATTR_NET_NAME];
	struct slot *dev = &a->slot[INTNET_ATTR_IFINDEX];

	if ((v->flags & V_NEEDS_SETTING) && !a->n_kws)
		return usage_error(a->obj, "%s %s needs at least one setting",
				   a->obj->name, v->name);
	if ((v->flags & V_NEEDS_DEV) && !dev->kw)
		return usage_error(a->obj, "%s %s needs dev DEV", a->obj->name,
				   v->name);
	if ((v->flags & V_NET_OR_DEV) && net->kw && dev->kw)
		return usage_error(a->obj, "net and dev are exclusive");
	/* tun lets only a TAP's owner open it, and only while in its group. */
	/* clang-format off */
	if ((v->flags & V_GROUP_USER) && a->slot[SLOT_GROUP].kw &&
	    !a->slot[INTNET_ATTR_PORT_USER].kw)
		return usage_error(a->obj,
				   "group without user makes a TAP only root can open");
	/* clang-format on */
	if (!net->kw && ((v->flags & V_DEFAULT_NET) ||
			 ((v->flags & V_NET_OR_DEV) && !dev->kw))) {
		net->kw = &kw_net;
		net->str = INTNET_NAME_DEFAULT;
	}
	return 0;
}

int parse_args(struct args *a, int argc, char **argv)
{
	const struct verb *v = a->verb;
	const struct keyword *kw;
	char *val;
	int i = 0, ret;

	/* A show's argument is optional: a keyword there is no argument. */
	if (v->arg && argc > 0 && !(v->print && find_keyword(v, argv[0]))) {
		ret = parse_value(a, v->arg, argv[i++]);
		if (ret)
			return ret;
		a->has_arg = true;
	} else if (v->arg && !v->print) {
		return usage_error(a->obj, "%s %s needs %s", a->obj->name,
				   v->name, v->arg->name);
	}
	while (i < argc) {
		kw = find_keyword(v, argv[i]);
		if (!kw)
			return usage_error(a->obj, "%s %s does not take '%s'",
					   a->obj->name, v->name, argv[i]);
		i++;
		val = NULL;
		if (kw->kind != ARG_FLAG) {
			if (i == argc)
				return usage_error(a->obj,
						   "%s needs an argument",
						   kw->name);
			val = argv[i++];
		}
		ret = parse_value(a, kw, val);
		if (ret)
			return ret;
		a->n_kws++;
	}
	return check_args(a);
}
