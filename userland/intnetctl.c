// SPDX-License-Identifier: GPL-2.0
/* intnetctl: drives the intnet kernel module over its netlink family. */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/intnet.h>

#include "defaults.h"

#ifndef INTNET_VERSION
#error "INTNET_VERSION must be defined by the build"
#endif

#define EXIT_USAGE 2

/* The parsed global options: the only state that is not on a stack (but for
 * user_label()'s last answer). */
static struct {
	bool json;
	bool stats;
	/* monitor: the event a printer's JSON object starts with, or NULL */
	const char *event;
} opts;

/* ---- Usage ---- */

static const char net_usage[] =
    "  net add NAME [public|restricted] [promisc-policy POLICY]\n"
    "               [flood-unknown on|off] [ageing SECS] [fdb-max N]\n"
    "               [port-fdb-max N] [group-fwd-mask MASK]\n"
    "  net set NAME [public|restricted] [promisc-policy POLICY]\n"
    "               [flood-unknown on|off] [ageing SECS] [fdb-max N]\n"
    "               [port-fdb-max N] [group-fwd-mask MASK] [explicit on|off]\n"
    "  net del NAME\n"
    "  net show [NAME]\n";

static const char port_usage[] =
    "  port add DEV [net NAME] [up|down] [promisc on|off] [lock-mac MAC|off]\n"
    "               [user USER]\n"
    "  port set DEV [up|down] [promisc on|off] [lock-mac MAC|off]\n"
    "  port del DEV\n"
    "  port show [DEV] [net NAME]\n";

static const char fdb_usage[] = "  fdb add MAC dev DEV\n"
				"  fdb del MAC [net NAME]\n"
				"  fdb flush [net NAME | dev DEV]\n"
				"  fdb show [net NAME]\n";

static const char monitor_usage[] =
    "  monitor [fdb]      print network and port events as they happen, and\n"
    "                     with fdb FDB events too, until interrupted\n";

static const char tap_usage[] =
    "  tap add DEV [net NAME] [user USER] [group GROUP] [vnet-hdr]\n"
    "              [multi-queue] [up|down] [promisc on|off]\n"
    "  tap del DEV\n";

static const char host_usage[] =
    "  host add DEV [net NAME] [up|down] [user USER]\n"
    "  host del DEV\n";

static const char usage_notes[] =
    "NAME is a network: your own of that name, else root's public one.\n"
    "OWNER/NAME is user OWNER's network NAME (OWNER: a user name or uid).\n"
    "A NAME is 1 to 127 printable ASCII characters, no space and no '/';\n"
    "\"" INTNET_NAME_DEFAULT "\" where a command may leave it out. "
    "DEV is a network device,\n"
    "MAC aa:bb:cc:dd:ee:ff, USER a user name or uid (only an administrator\n"
    "may give one). A network is restricted (to its owner's ports) unless\n"
    "public. POLICY is what promiscuous ports get: deny (nothing, the\n"
    "default), allow-same-user (frames from or to their user's ports) or\n"
    "allow-all. ageing 0 means never; port-fdb-max 0 (auto) means half of\n"
    "fdb-max. lock-mac off unlocks. MASK (decimal or 0x hex): bit N\n"
    "forwards 01:80:C2:00:00:0N (bit 1, PAUSE, never).\n"
    "\"list\" is \"show\", and an OBJECT alone is \"OBJECT show\".\n";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: intnetctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"\n"
		"Objects and commands:\n"
		"%s%s%s%s%s%s"
		"  OBJECT help        show OBJECT's commands\n"
		"  version            show intnetctl's and the module's "
		"versions\n"
		"  help [OBJECT]      show this text, or OBJECT's commands\n"
		"\n"
		"%s"
		"\n"
		"Options:\n"
		"  -j, --json         print JSON\n"
		"  -s, --stats        show statistics\n"
		"  -h, --help         show this text\n"
		"  -V, --version      show intnetctl's version\n",
		net_usage, port_usage, fdb_usage, tap_usage, host_usage,
		monitor_usage, usage_notes);
}

/* ---- The netlink connection ---- */

struct conn {
	struct nl_sock *sk;
	int family;
};

/*
 * Extended acks carry the module's reason for a refusal, and capped acks
 * leave out the echoed request. A kernel without them (before 4.12) still
 * sends the errno, which is then shown alone: so a failure here is no error.
 */
static void conn_want_extack(struct nl_sock *sk)
{
	int fd = nl_socket_get_fd(sk);
	int one = 1;

	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

static const char no_module[] =
    "intnetctl: kernel module not loaded (try: modprobe intnet)\n";

/* Opens the family; with the module absent, says so in one line. */
static int conn_open(struct conn *c)
{
	int err;

	c->sk = nl_socket_alloc();
	if (!c->sk) {
		fprintf(stderr, "intnetctl: out of memory\n");
		return -1;
	}
	err = genl_connect(c->sk);
	if (err < 0) {
		fprintf(stderr, "intnetctl: cannot open a netlink socket: %s\n",
			nl_geterror(err));
		goto fail;
	}
	/* A dump's message may outgrow libnl's first guess: peek its size. */
	nl_socket_enable_msg_peek(c->sk);
	conn_want_extack(c->sk);
	c->family = genl_ctrl_resolve(c->sk, INTNET_GENL_NAME);
	if (c->family == -NLE_OBJ_NOTFOUND) {
		fputs(no_module, stderr);
		goto fail;
	}
	if (c->family < 0) {
		fprintf(stderr,
			"intnetctl: cannot resolve the intnet family: %s\n",
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

/* A request of @cmd with room for @attrs_len bytes of attributes. */
static struct nl_msg *conn_msg(struct conn *c, uint8_t cmd, int flags,
			       size_t attrs_len)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + attrs_len);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, flags,
			 cmd, INTNET_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* How the kernel ended one request, apart from its data messages. */
struct answer {
	bool done;     /* an ack, an error or the end of a dump came */
	bool intr;     /* the dump was flagged inconsistent */
	int error;     /* a negative errno, or 0 */
	char msg[256]; /* the extended ack message, "" without one */
};

/* Keeps the extended ack message from the TLVs at @off in @nlh's payload. */
static void read_extack(struct answer *ans, const struct nlmsghdr *nlh,
			size_t off)
{
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN;
	const struct nlattr *attr;
	const char *text;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= len)
		return;
	attr = nla_find((const struct nlattr *)((char *)nlmsg_data(nlh) + off),
			len - off, NLMSGERR_ATTR_MSG);
	if (!attr)
		return;
	text = nla_data(attr);
	snprintf(ans->msg, sizeof(ans->msg), "%.*s",
		 (int)strnlen(text, nla_len(attr)), text);
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl passes the payload; its header sits just before it. */
	const struct nlmsghdr *nlh =
	    (const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct answer *ans = arg;
	size_t off;

	(void)nla;
	/* The TLVs follow the error and the request, echoed whole unless
	 * capped to its header. */
	off = sizeof(e->error) + ((nlh->nlmsg_flags & NLM_F_CAPPED)
				      ? sizeof(e->msg)
				      : e->msg.nlmsg_len);
	read_extack(ans, nlh, NLMSG_ALIGN(off));
	ans->error = e->error;
	ans->done = true;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct answer *ans = arg;

	(void)msg;
	ans->done = true;
	return NL_STOP;
}

/* A dump that fails midway says so in its NLMSG_DONE: an int errno first,
 * then the extended ack TLVs. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct answer *ans = arg;
	int error;

	ans->done = true;
	if (nlmsg_datalen(nlh) < (int)sizeof(error))
		return NL_STOP;
	memcpy(&error, nlmsg_data(nlh), sizeof(error));
	if (error < 0) {
		ans->error = error;
		read_extack(ans, nlh, NLMSG_ALIGN(sizeof(error)));
	}
	return NL_STOP;
}

/* Every message of the dump is still read, so that DONE ends it. */
static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct answer *ans = arg;

	(void)msg;
	ans->intr = true;
	return NL_OK;
}

static struct nl_cb *answer_cb(struct answer *ans, nl_recvmsg_msg_cb_t valid,
			       void *arg)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	if (nl_cb_err(cb, NL_CB_CUSTOM, error_cb, ans) < 0 ||
	    nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, ans) < 0 ||
	    nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, ans) < 0 ||
	    nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, ans) < 0 ||
	    (valid &&
	     nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, arg) < 0)) {
		nl_cb_put(cb);
		return NULL;
	}
	return cb;
}

/*
 * Sends @msg and runs @valid on every data message of the answer, a single
 * reply or a dump of many, until the ack, the error or the dump's end.
 * Says what went wrong on stderr; 0 or -1.
 */
static int conn_run(struct conn *c, struct nl_msg *msg,
		    nl_recvmsg_msg_cb_t valid, void *arg)
{
	struct answer ans = { .done = false };
	struct nl_cb *cb;
	int err;

	cb = answer_cb(&ans, valid, arg);
	if (!cb) {
		fprintf(stderr, "intnetctl: out of memory\n");
		return -1;
	}
	err = nl_send_auto(c->sk, msg);
	/* 0 from a receive means a closed socket: never an answer. */
	while (err > 0 && !ans.done)
		err = nl_recvmsgs_report(c->sk, cb);
	nl_cb_put(cb);

	if (ans.error) {
		/* The module's own messages carry "intnet: " already
		 * (NL_SET_ERR_MSG_MOD); the core's (policy checks) don't: print
		 * both the same way. */
		const char *text = *ans.msg ? ans.msg : strerror(-ans.error);

		if (!strncmp(text, "intnet: ", 8))
			text += 8;
		fprintf(stderr, "intnet: %s\n", text);
		return -1;
	}
	if (!ans.done) {
		fprintf(stderr, "intnetctl: %s\n",
			err ? nl_geterror(err) : "no answer from the module");
		return -1;
	}
	if (ans.intr) {
		fprintf(
		    stderr,
		    "intnetctl: the state changed while dumping; try again\n");
		return -1;
	}
	return 0;
}

/* ---- Replies ---- */

static const struct nla_policy attr_policy[INTNET_ATTR_MAX + 1] = {
	[INTNET_ATTR_VERSION] = { .type = NLA_STRING },
	[INTNET_ATTR_FEATURES] = { .type = NLA_U64 },
	[INTNET_ATTR_NET_NAME] = { .type = NLA_STRING },
	[INTNET_ATTR_NET_FLOOD_UNKNOWN] = { .type = NLA_U8 },
	[INTNET_ATTR_NET_AGEING] = { .type = NLA_U32 },
	[INTNET_ATTR_NET_FDB_MAX] = { .type = NLA_U32 },
	[INTNET_ATTR_NET_EXPLICIT] = { .type = NLA_U8 },
	[INTNET_ATTR_NET_OWNER] = { .type = NLA_U32 },
	[INTNET_ATTR_NET_PORTS] = { .type = NLA_U32 },
	[INTNET_ATTR_NET_FDB_LEARNED] = { .type = NLA_U32 },
	[INTNET_ATTR_NET_FDB_STATIC] = { .type = NLA_U32 },
	[INTNET_ATTR_IFINDEX] = { .type = NLA_U32 },
	[INTNET_ATTR_IFNAME] = { .type = NLA_STRING },
	[INTNET_ATTR_PORT_UP] = { .type = NLA_U8 },
	[INTNET_ATTR_PORT_PROMISC] = { .type = NLA_U8 },
	[INTNET_ATTR_PORT_PROMISC_ACTIVE] = { .type = NLA_U8 },
	[INTNET_ATTR_MAC] = { .minlen = ETH_ALEN, .maxlen = ETH_ALEN },
	[INTNET_ATTR_FDB_IS_STATIC] = { .type = NLA_U8 },
	[INTNET_ATTR_FDB_AGE] = { .type = NLA_U32 },
	[INTNET_ATTR_STATS] = { .type = NLA_NESTED },
	[INTNET_ATTR_NET_ACCESS] = { .type = NLA_U8 },
	[INTNET_ATTR_NET_PROMISC_POLICY] = { .type = NLA_U8 },
	[INTNET_ATTR_NET_PORT_FDB_MAX] = { .type = NLA_U32 },
	[INTNET_ATTR_PORT_USER] = { .type = NLA_U32 },
	[INTNET_ATTR_PORT_LOCK_MAC] = { .minlen = ETH_ALEN,
					.maxlen = ETH_ALEN },
	[INTNET_ATTR_PORT_FDB_LEARNED] = { .type = NLA_U32 },
	[INTNET_ATTR_FDB_LOCKED] = { .type = NLA_U8 },
	[INTNET_ATTR_FDB_EVENT] = { .type = NLA_U8 },
	[INTNET_ATTR_NET_GROUP_FWD_MASK] = { .type = NLA_U16 },
	[INTNET_ATTR_FDB_PREV_IFINDEX] = { .type = NLA_U32 },
	[INTNET_ATTR_FDB_PREV_IFNAME] = { .type = NLA_STRING },
	[INTNET_ATTR_PORT_CARRIER] = { .type = NLA_U8 },
};

/* The words of the enums, indexed by value: both the grammar's and the
 * output's. */
static const char *const access_words[] = {
	[INTNET_ACCESS_RESTRICTED] = "restricted",
	[INTNET_ACCESS_PUBLIC] = "public",
	NULL,
};

static const char *const promisc_policy_words[] = {
	[INTNET_PROMISC_DENY] = "deny",
	[INTNET_PROMISC_ALLOW_SAME_USER] = "allow-same-user",
	[INTNET_PROMISC_ALLOW_ALL] = "allow-all",
	NULL,
};

static const struct nla_policy stats_policy[INTNET_STATS_MAX + 1] = {
	[INTNET_STATS_PAD + 1 ... INTNET_STATS_MAX] = { .type = NLA_U64 },
};

/*
 * The counters in the order they are shown, grouped (newer counters join
 * their group, wherever the enum put them). The JSON key is the enum name in
 * lower case; a human reads them one line per group.
 */
#define STAT(id, group, label)                                                 \
	{                                                                      \
		INTNET_STATS_##id, #id, group, label                           \
	}

static const struct stat_desc {
	int id;
	const char *key;
	const char *group;
	const char *label;
} stat_descs[] = {
	STAT(RX_PACKETS, "rx", "packets"),
	STAT(RX_BYTES, "rx", "bytes"),
	STAT(RX_FORWARDED, "rx", "forwarded"),
	STAT(RX_FLOODED, "rx", "flooded"),
	STAT(RX_DROP_PORT_DOWN, "rx drop", "port-down"),
	STAT(RX_DROP_INVALID_SRC, "rx drop", "invalid-src"),
	STAT(RX_DROP_LOCAL, "rx drop", "local"),
	STAT(RX_DROP_DEST_DOWN, "rx drop", "dest-down"),
	STAT(RX_DROP_NOMEM, "rx drop", "nomem"),
	STAT(RX_DROP_MAC_LOCKED, "rx drop", "mac-locked"),
	STAT(RX_DROP_LINK_LOCAL, "rx drop", "link-local"),
	STAT(RX_DROP_NO_DEST, "rx drop", "no-dest"),
	STAT(RX_DROP_BAD_HEADER, "rx drop", "bad-header"),
	STAT(FDB_FULL, "fdb", "full"),
	STAT(TX_PACKETS, "tx", "packets"),
	STAT(TX_BYTES, "tx", "bytes"),
	STAT(TX_DROP_OVERSIZE, "tx drop", "oversize"),
	STAT(TX_DROP_ERROR, "tx drop", "error"),
	STAT(TX_DROP_NOMEM, "tx drop", "nomem"),
};

/* Absent attributes read as empty or zero: the printers stay simple. */
static const char *attr_str(const struct nlattr *attr)
{
	return attr ? nla_get_string(attr) : "";
}

static uint32_t attr_u32(const struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static uint16_t attr_u16(const struct nlattr *attr)
{
	return attr ? nla_get_u16(attr) : 0;
}

static uint8_t attr_u8(const struct nlattr *attr)
{
	return attr ? nla_get_u8(attr) : 0;
}

static bool attr_bool(const struct nlattr *attr)
{
	return attr && nla_get_u8(attr);
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

static const char *on_off(bool b)
{
	return b ? "on" : "off";
}

/* @val's word in @words; a value from a newer module is shown as its number
 * (in @buf), not hidden. */
static const char *enum_word(const char *const *words, unsigned int val,
			     char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; words[i]; i++)
		if (i == val)
			return words[i];
	snprintf(buf, len, "%u", val);
	return buf;
}

static void format_mac(char *buf, size_t len, const uint8_t *m)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

/*
 * User @uid's name, or its number when it has none, or one that would not
 * read back as that user in OWNER/NAME (digits first, or a '/'). A dump shows
 * one owner many times: the last answer is kept.
 */
static const char *user_label(uint32_t uid)
{
	static struct {
		bool valid;
		uint32_t uid;
		char name[256];
	} last;
	const struct passwd *pw;

	if (last.valid && last.uid == uid)
		return last.name;
	pw = getpwuid(uid);
	if (pw && pw->pw_name[0] && !isdigit((unsigned char)pw->pw_name[0]) &&
	    !strchr(pw->pw_name, '/'))
		snprintf(last.name, sizeof(last.name), "%s", pw->pw_name);
	else
		snprintf(last.name, sizeof(last.name), "%u", uid);
	last.uid = uid;
	last.valid = true;
	return last.name;
}

/* Room for OWNER/NAME: a user name of up to 255 bytes, a slash, a name. */
#define LABEL_LEN (256 + INTNET_NAME_MAX + 1)

/*
 * The network of @tb as the caller would name it: NAME for their own,
 * OWNER/NAME for another user's. A reply without an owner (from an older
 * module) gives the bare name.
 */
static const char *net_label(char *buf, size_t len, struct nlattr **tb)
{
	const char *name = attr_str(tb[INTNET_ATTR_NET_NAME]);
	const struct nlattr *owner = tb[INTNET_ATTR_NET_OWNER];

	if (!owner || nla_get_u32(owner) == geteuid())
		return name;
	snprintf(buf, len, "%s/%s", user_label(nla_get_u32(owner)), name);
	return buf;
}

/* Names may hold any byte but NUL: anything not printable ASCII is escaped,
 * so that the output is always JSON. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* An object's JSON opening, with the event it is part of (monitor). */
static void json_open(void)
{
	fputs(opts.event ? "{\"event\":" : "{", stdout);
	if (opts.event) {
		json_str(opts.event);
		putchar(',');
	}
}

/*
 * A counter for a human: exact below 100000, else three digits and a unit,
 * binary for bytes (12.3MiB), decimal for the rest (4.56M). JSON stays exact.
 */
static const char *human(char *buf, size_t len, uint64_t val, const char *label)
{
	static const char *const dec[] = { "", "k", "M", "G", "T", "P", "E" };
	static const char *const bin[] = { "",	 "Ki", "Mi", "Gi",
					   "Ti", "Pi", "Ei" };
	bool bytes = !strcmp(label, "bytes");
	double base = bytes ? 1024 : 1000, v = val;
	unsigned int u = 0;

	if (val < 100000) {
		snprintf(buf, len, "%" PRIu64, val);
		return buf;
	}
	while (v >= base * 0.9995 && u < 6) {
		v /= base;
		u++;
	}
	snprintf(buf, len, "%.*f%s%s", v < 9.995 ? 2 : (v < 99.95 ? 1 : 0), v,
		 bytes ? bin[u] : dec[u], bytes ? "B" : "");
	return buf;
}

/* @stats is NULL unless asked for and sent. */
static void print_stats(struct nlattr **stats)
{
	const char *prev = NULL; /* the group of the last counter printed */
	char num[32];
	const char *p;
	size_t i;

	if (!stats)
		return;
	if (opts.json)
		fputs(",\"stats\":{", stdout);
	for (i = 0; i < sizeof(stat_descs) / sizeof(stat_descs[0]); i++) {
		const struct stat_desc *d = &stat_descs[i];
		uint64_t val;

		/* An older module leaves out what it does not count. */
		if (!stats[d->id])
			continue;
		val = nla_get_u64(stats[d->id]);
		if (opts.json) {
			printf("%s\"", prev ? "," : "");
			for (p = d->key; *p; p++)
				putchar(tolower((unsigned char)*p));
			printf("\":%" PRIu64, val);
		} else if (!prev || strcmp(prev, d->group)) {
			printf("%s    %s %s %s", prev ? "\n" : "", d->group,
			       d->label,
			       human(num, sizeof(num), val, d->label));
		} else {
			printf("  %s %s", d->label,
			       human(num, sizeof(num), val, d->label));
		}
		prev = d->group;
	}
	if (opts.json)
		putchar('}');
	else if (prev)
		putchar('\n');
}

typedef void (*print_fn)(struct nlattr **tb, struct nlattr **stats);

static void print_net(struct nlattr **tb, struct nlattr **stats)
{
	const char *name = attr_str(tb[INTNET_ATTR_NET_NAME]);
	uint32_t ports = attr_u32(tb[INTNET_ATTR_NET_PORTS]);
	uint32_t learned = attr_u32(tb[INTNET_ATTR_NET_FDB_LEARNED]);
	uint32_t fixed = attr_u32(tb[INTNET_ATTR_NET_FDB_STATIC]);
	uint32_t max = attr_u32(tb[INTNET_ATTR_NET_FDB_MAX]);
	uint32_t port_max = attr_u32(tb[INTNET_ATTR_NET_PORT_FDB_MAX]);
	uint32_t ageing = attr_u32(tb[INTNET_ATTR_NET_AGEING]);
	bool flood = attr_bool(tb[INTNET_ATTR_NET_FLOOD_UNKNOWN]);
	bool explicit = attr_bool(tb[INTNET_ATTR_NET_EXPLICIT]);
	uint32_t owner = attr_u32(tb[INTNET_ATTR_NET_OWNER]);
	uint16_t fwd_mask = attr_u16(tb[INTNET_ATTR_NET_GROUP_FWD_MASK]);
	char access_buf[4], policy_buf[4], label[LABEL_LEN];
	const char *access =
	    enum_word(access_words, attr_u8(tb[INTNET_ATTR_NET_ACCESS]),
		      access_buf, sizeof(access_buf));
	const char *policy = enum_word(
	    promisc_policy_words, attr_u8(tb[INTNET_ATTR_NET_PROMISC_POLICY]),
	    policy_buf, sizeof(policy_buf));

	if (opts.json) {
		json_open();
		fputs("\"name\":", stdout);
		json_str(name);
		printf(",\"ports\":%u,\"fdb_learned\":%u,\"fdb_static\":%u,"
		       "\"fdb_max\":%u,\"port_fdb_max\":%u,\"ageing\":%u,"
		       "\"flood_unknown\":%s,\"explicit\":%s,\"owner\":%u,"
		       "\"access\":\"%s\",\"promisc_policy\":\"%s\","
		       "\"group_fwd_mask\":%u",
		       ports, learned, fixed, max, port_max, ageing,
		       json_bool(flood), json_bool(explicit), owner, access,
		       policy, fwd_mask);
		print_stats(stats);
		putchar('}');
		return;
	}
	printf("%-15s  ports %u  fdb %u/%u",
	       net_label(label, sizeof(label), tb), ports, learned, max);
	if (fixed)
		printf("  static %u", fixed);
	if (port_max)
		printf("  port-fdb-max %u", port_max);
	else
		printf("  port-fdb-max auto");
	printf("  ageing %u  flood-unknown %s  explicit %s  owner %u  %s"
	       "  promisc-policy %s",
	       ageing, on_off(flood), explicit ? "yes" : "no", owner, access,
	       policy);
	/* Shown only when set: it forwards what networks drop by default. */
	if (fwd_mask)
		printf("  group-fwd-mask 0x%x", fwd_mask);
	putchar('\n');
	print_stats(stats);
}

static void print_port(struct nlattr **tb, struct nlattr **stats)
{
	const char *ifname = attr_str(tb[INTNET_ATTR_IFNAME]);
	const char *net = attr_str(tb[INTNET_ATTR_NET_NAME]);
	bool up = attr_bool(tb[INTNET_ATTR_PORT_UP]);
	bool promisc = attr_bool(tb[INTNET_ATTR_PORT_PROMISC]);
	bool active = attr_bool(tb[INTNET_ATTR_PORT_PROMISC_ACTIVE]);
	bool carrier = attr_bool(tb[INTNET_ATTR_PORT_CARRIER]);
	uint32_t user = attr_u32(tb[INTNET_ATTR_PORT_USER]);
	uint32_t learned = attr_u32(tb[INTNET_ATTR_PORT_FDB_LEARNED]);
	const struct nlattr *lock = tb[INTNET_ATTR_PORT_LOCK_MAC];
	char mac[sizeof("00:00:00:00:00:00")] = "", label[LABEL_LEN];

	if (lock)
		format_mac(mac, sizeof(mac), nla_data(lock));
	if (opts.json) {
		json_open();
		fputs("\"ifname\":", stdout);
		json_str(ifname);
		printf(",\"ifindex\":%u,\"net\":",
		       attr_u32(tb[INTNET_ATTR_IFINDEX]));
		json_str(net);
		printf(",\"net_owner\":%u,\"up\":%s,\"carrier\":%s,"
		       "\"promisc\":%s,\"promisc_active\":%s,\"user\":%u,"
		       "\"fdb_learned\":%u,\"lock_mac\":",
		       attr_u32(tb[INTNET_ATTR_NET_OWNER]), json_bool(up),
		       json_bool(carrier), json_bool(promisc),
		       json_bool(active), user, learned);
		printf(lock ? "\"%s\"" : "null", mac);
		print_stats(stats);
		putchar('}');
		return;
	}
	/* "inactive": asked for, but down or denied by the network's policy. */
	printf("%-15s  net %-15s  %-4s  promisc %-3s  user %-5u  learned %u",
	       ifname, net_label(label, sizeof(label), tb), up ? "up" : "down",
	       promisc ? (active ? "on" : "on (inactive)") : "off", user,
	       learned);
	if (lock)
		printf("  lock-mac %s", mac);
	putchar('\n');
	print_stats(stats);
}

static void print_fdb(struct nlattr **tb, struct nlattr **stats)
{
	static const uint8_t none[ETH_ALEN];
	const uint8_t *m =
	    tb[INTNET_ATTR_MAC] ? nla_data(tb[INTNET_ATTR_MAC]) : none;
	const char *ifname = attr_str(tb[INTNET_ATTR_IFNAME]);
	const char *net = attr_str(tb[INTNET_ATTR_NET_NAME]);
	bool is_static = attr_bool(tb[INTNET_ATTR_FDB_IS_STATIC]);
	bool locked = attr_bool(tb[INTNET_ATTR_FDB_LOCKED]);
	uint32_t age = attr_u32(tb[INTNET_ATTR_FDB_AGE]);
	/* only in the event of a move: the port the entry was behind */
	const struct nlattr *prev = tb[INTNET_ATTR_FDB_PREV_IFNAME];
	char mac[sizeof("00:00:00:00:00:00")], label[LABEL_LEN];

	(void)stats;
	format_mac(mac, sizeof(mac), m);
	if (opts.json) {
		json_open();
		printf("\"mac\":\"%s\",\"ifname\":", mac);
		json_str(ifname);
		printf(",\"ifindex\":%u,\"net\":",
		       attr_u32(tb[INTNET_ATTR_IFINDEX]));
		json_str(net);
		printf(",\"net_owner\":%u,\"static\":%s,\"locked\":%s,"
		       "\"age_ms\":%u",
		       attr_u32(tb[INTNET_ATTR_NET_OWNER]),
		       json_bool(is_static), json_bool(locked), age);
		if (prev) {
			printf(",\"prev_ifindex\":%u,\"prev_ifname\":",
			       attr_u32(tb[INTNET_ATTR_FDB_PREV_IFINDEX]));
			json_str(attr_str(prev));
		}
		putchar('}');
		return;
	}
	printf("%s  dev %-15s  net %-15s  ", mac, ifname,
	       net_label(label, sizeof(label), tb));
	if (is_static)
		fputs(locked ? "static locked" : "static", stdout);
	else
		printf("learned  age %u.%us", age / 1000, age % 1000 / 100);
	if (prev)
		printf("  moved from %s", attr_str(prev));
	putchar('\n');
}

/* The objects of a show, as one JSON array or one line (or more) each. */
struct show {
	print_fn print;
	unsigned int count;
};

static int show_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	struct nlattr *stats[INTNET_STATS_MAX + 1];
	struct show *s = arg;
	bool with_stats;
	int err;

	err =
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, INTNET_ATTR_MAX, attr_policy);
	if (err < 0)
		return err;
	with_stats = opts.stats && tb[INTNET_ATTR_STATS];
	if (with_stats) {
		err = nla_parse_nested(stats, INTNET_STATS_MAX,
				       tb[INTNET_ATTR_STATS], stats_policy);
		if (err < 0)
			return err;
	}
	if (opts.json)
		putchar(s->count ? ',' : '[');
	s->print(tb, with_stats ? stats : NULL);
	s->count++;
	return NL_OK;
}

/* A failure after the first object still closes the array: stdout stays
 * JSON. A failure before it prints nothing, as a failed doit should. */
static void show_end(const struct show *s, bool ok)
{
	if (opts.json && (s->count || ok))
		puts(s->count ? "]" : "[]");
}

/* ---- The grammar ---- */

enum arg_kind {
	ARG_NAME,   /* a network name, or OWNER/NAME: the owner goes to OWNER */
	ARG_DEV,    /* a device name, sent as its ifindex */
	ARG_MAC,    /* aa:bb:cc:dd:ee:ff, sent as 6 bytes */
	ARG_U32,    /* a decimal number */
	ARG_MASK,   /* a u16 in decimal or 0x hex */
	ARG_ONOFF,  /* on or off, sent as a u8 1 or 0 */
	ARG_FLAG,   /* the keyword alone, sent as the u8 .val */
	ARG_WORD,   /* one of .words, sent as its index in a u8 */
	ARG_LOCK,   /* a MAC, or off (sent as 00:00:00:00:00:00) */
	ARG_USER,   /* a uid, or a user name sent as its uid */
	ARG_GROUP,  /* a gid, or a group name (never sent) */
	ARG_IFNAME, /* a name for a new device (never sent) */
};

/* Slots past the attributes hold what intnetctl uses itself. */
enum {
	SLOT_IFNAME = INTNET_ATTR_MAX + 1,
	SLOT_GROUP,
	SLOT_VNET_HDR,
	SLOT_MULTI_QUEUE,
	N_SLOTS
};

/* A keyword and its value, or (named by its metavariable) a command's
 * positional argument. */
struct keyword {
	const char *name;
	enum arg_kind kind;
	int attr;
	uint8_t val;
	const char *const *words;
};

/* KW(name, kind, attr): .val and .words follow as designated initializers. */
#define KW(n, k, a)	  .name = n, .kind = k, .attr = INTNET_ATTR_##a
#define KW_LOCAL(n, k, a) .name = n, .kind = k, .attr = SLOT_##a

static const struct keyword arg_name = { KW("NAME", ARG_NAME, NET_NAME) };
/* Set by a NAME written OWNER/NAME, never by a keyword of its own. */
static const struct keyword arg_owner = { KW("OWNER", ARG_USER, NET_OWNER) };
static const struct keyword arg_dev = { KW("DEV", ARG_DEV, IFINDEX) };
static const struct keyword arg_mac = { KW("MAC", ARG_MAC, MAC) };

static const struct keyword kw_net = { KW("net", ARG_NAME, NET_NAME) };
static const struct keyword kw_dev = { KW("dev", ARG_DEV, IFINDEX) };
static const struct keyword kw_flood = { KW("flood-unknown", ARG_ONOFF,
					    NET_FLOOD_UNKNOWN) };
static const struct keyword kw_ageing = { KW("ageing", ARG_U32, NET_AGEING) };
static const struct keyword kw_fdb_max = { KW("fdb-max", ARG_U32,
					      NET_FDB_MAX) };
static const struct keyword kw_port_fdb_max = { KW("port-fdb-max", ARG_U32,
						   NET_PORT_FDB_MAX) };
static const struct keyword kw_group_fwd_mask = { KW("group-fwd-mask", ARG_MASK,
						     NET_GROUP_FWD_MASK) };
static const struct keyword kw_explicit = { KW("explicit", ARG_ONOFF,
					       NET_EXPLICIT) };
static const struct keyword kw_public = { KW("public", ARG_FLAG, NET_ACCESS),
					  .val = INTNET_ACCESS_PUBLIC };
static const struct keyword kw_restricted = {
	KW("restricted", ARG_FLAG, NET_ACCESS), .val = INTNET_ACCESS_RESTRICTED
};
static const struct keyword kw_policy = { KW("promisc-policy", ARG_WORD,
					     NET_PROMISC_POLICY),
					  .words = promisc_policy_words };
static const struct keyword kw_up = { KW("up", ARG_FLAG, PORT_UP), .val = 1 };
static const struct keyword kw_down = { KW("down", ARG_FLAG, PORT_UP),
					.val = 0 };
static const struct keyword kw_promisc = { KW("promisc", ARG_ONOFF,
					      PORT_PROMISC) };
static const struct keyword kw_lock_mac = { KW("lock-mac", ARG_LOCK,
					       PORT_LOCK_MAC) };
static const struct keyword kw_user = { KW("user", ARG_USER, PORT_USER) };
static const struct keyword arg_ifname = { KW_LOCAL("DEV", ARG_IFNAME,
						    IFNAME) };
static const struct keyword kw_group = { KW_LOCAL("group", ARG_GROUP, GROUP) };
static const struct keyword kw_vnet_hdr = {
	KW_LOCAL("vnet-hdr", ARG_FLAG, VNET_HDR), .val = 1
};
static const struct keyword kw_multi_queue = {
	KW_LOCAL("multi-queue", ARG_FLAG, MULTI_QUEUE), .val = 1
};

#define KWS(...) ((const struct keyword *const[]){ __VA_ARGS__, NULL })

#define V_NEEDS_SETTING 0x1  /* at least one keyword */
#define V_NEEDS_DEV	0x2  /* the dev keyword is required */
#define V_DEFAULT_NET	0x4  /* net defaults to INTNET_NAME_DEFAULT */
#define V_NET_OR_DEV	0x8  /* not both; net defaults when neither */
#define V_GROUP_USER	0x10 /* group only together with user */

struct conn;
struct args;

/*
 * A show (one with .print) dumps when its positional argument is absent. A
 * verb with .run does more than send .cmd: .run does it all.
 */
struct verb {
	const char *name;
	uint8_t cmd;
	const struct keyword *arg;
	const struct keyword *const *kws;
	unsigned int flags;
	print_fn print;
	int (*run)(struct conn *c, struct args *a);
};

static int tap_add(struct conn *c, struct args *a);
static int tap_del(struct conn *c, struct args *a);
static int host_add(struct conn *c, struct args *a);
static int host_del(struct conn *c, struct args *a);

static const struct verb net_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_NET_NEW,
	  .arg = &arg_name,
	  .kws =
	      KWS(&kw_public, &kw_restricted, &kw_policy, &kw_flood, &kw_ageing,
		  &kw_fdb_max, &kw_port_fdb_max, &kw_group_fwd_mask) },
	{ .name = "set",
	  .cmd = INTNET_CMD_NET_SET,
	  .arg = &arg_name,
	  .kws = KWS(&kw_public, &kw_restricted, &kw_policy, &kw_flood,
		     &kw_ageing, &kw_fdb_max, &kw_port_fdb_max,
		     &kw_group_fwd_mask, &kw_explicit),
	  .flags = V_NEEDS_SETTING },
	{ .name = "del", .cmd = INTNET_CMD_NET_DEL, .arg = &arg_name },
	{ .name = "show",
	  .cmd = INTNET_CMD_NET_GET,
	  .arg = &arg_name,
	  .print = print_net },
	{ .name = NULL },
};

static const struct verb port_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_PORT_ADD,
	  .arg = &arg_dev,
	  .kws = KWS(&kw_net, &kw_up, &kw_down, &kw_promisc, &kw_lock_mac,
		     &kw_user),
	  .flags = V_DEFAULT_NET },
	{ .name = "set",
	  .cmd = INTNET_CMD_PORT_SET,
	  .arg = &arg_dev,
	  .kws = KWS(&kw_up, &kw_down, &kw_promisc, &kw_lock_mac),
	  .flags = V_NEEDS_SETTING },
	{ .name = "del", .cmd = INTNET_CMD_PORT_DEL, .arg = &arg_dev },
	{ .name = "show",
	  .cmd = INTNET_CMD_PORT_GET,
	  .arg = &arg_dev,
	  .kws = KWS(&kw_net),
	  .print = print_port },
	{ .name = NULL },
};

static const struct verb fdb_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_FDB_ADD,
	  .arg = &arg_mac,
	  .kws = KWS(&kw_dev),
	  .flags = V_NEEDS_DEV },
	{ .name = "del",
	  .cmd = INTNET_CMD_FDB_DEL,
	  .arg = &arg_mac,
	  .kws = KWS(&kw_net),
	  .flags = V_DEFAULT_NET },
	{ .name = "flush",
	  .cmd = INTNET_CMD_FDB_FLUSH,
	  .kws = KWS(&kw_net, &kw_dev),
	  .flags = V_NET_OR_DEV },
	{ .name = "show",
	  .cmd = INTNET_CMD_FDB_GET,
	  .kws = KWS(&kw_net),
	  .print = print_fdb },
	{ .name = NULL },
};

static const struct verb tap_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_PORT_ADD,
	  .arg = &arg_ifname,
	  .kws = KWS(&kw_net, &kw_user, &kw_group, &kw_vnet_hdr,
		     &kw_multi_queue, &kw_up, &kw_down, &kw_promisc),
	  .flags = V_DEFAULT_NET | V_GROUP_USER,
	  .run = tap_add },
	{ .name = "del", .arg = &arg_ifname, .run = tap_del },
	{ .name = NULL },
};

static const struct verb host_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_PORT_ADD,
	  .arg = &arg_ifname,
	  .kws = KWS(&kw_net, &kw_up, &kw_down, &kw_user),
	  .flags = V_DEFAULT_NET,
	  .run = host_add },
	{ .name = "del", .arg = &arg_ifname, .run = host_del },
	{ .name = NULL },
};

static const struct object {
	const char *name;
	const char *usage;
	const struct verb *verbs;
} objects[] = {
	{ "net", net_usage, net_verbs },    { "port", port_usage, port_verbs },
	{ "fdb", fdb_usage, fdb_verbs },    { "tap", tap_usage, tap_verbs },
	{ "host", host_usage, host_verbs },
};

#define N_OBJECTS (sizeof(objects) / sizeof(objects[0]))

static void object_usage(const struct object *obj, FILE *f)
{
	fprintf(f, "Usage: intnetctl [OPTIONS] %s COMMAND [ARGS]\n\n%s\n%s",
		obj->name, obj->usage, usage_notes);
}

static int usage_error(const struct object *obj, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Says what is wrong, then how @obj (or intnetctl) is used; exit status 2. */
static int usage_error(const struct object *obj, const char *fmt, ...)
{
	va_list ap;

	fputs("intnetctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	if (obj)
		object_usage(obj, stderr);
	else
		usage(stderr);
	return EXIT_USAGE;
}

/* ---- Parsing: every usage error is found before the module is asked ---- */

/* One value per attribute; .kw says which keyword set it, if any. */
struct slot {
	const struct keyword *kw;
	const char *str; /* ARG_NAME, and ARG_DEV or ARG_USER until resolved */
	uint32_t u32;	 /* ARG_U32, ARG_MASK, ARG_ONOFF, ARG_FLAG, ARG_WORD,
			    resolved ARG_DEV and ARG_USER */
	uint8_t mac[ETH_ALEN]; /* ARG_MAC, ARG_LOCK */
};

struct args {
	const struct object *obj;
	const struct verb *verb;
	bool has_arg;	    /* the positional argument was given */
	unsigned int n_kws; /* keywords given */
	struct slot slot[N_SLOTS];
};

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

/* Takes @val (NULL for a flag) as the value of @kw; 0 or exit status 2. */
static int parse_value(struct args *a, const struct keyword *kw, char *val)
{
	struct slot *s = &a->slot[kw->attr];

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
		if (!*val || strlen(val) >= IFNAMSIZ || !strcmp(val, ".") ||
		    !strcmp(val, "..") || strpbrk(val, "/:% \t\n\r\v\f"))
			return usage_error(a->obj,
					   "'%s' is not a device name (1 to %d "
					   "characters, no '/', ':', '%%' or "
					   "space)",
					   val, IFNAMSIZ - 1);
		s->str = val;
		return 0;
	case ARG_MAC:
		if (parse_mac(val, s->mac))
			return usage_error(a->obj,
					   "'%s' is not a MAC address "
					   "(aa:bb:cc:dd:ee:ff)",
					   val);
		return 0;
	case ARG_U32:
		if (parse_u32(val, &s->u32))
			return usage_error(a->obj,
					   "%s takes a number, not '%s'",
					   kw->name, val);
		return 0;
	case ARG_MASK:
		if (parse_mask(val, &s->u32))
			return usage_error(
			    a->obj,
			    "%s takes a number from 0 to 0xffff, not '%s'",
			    kw->name, val);
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
		if (parse_mac(val, s->mac))
			return usage_error(a->obj,
					   "%s takes a MAC address "
					   "(aa:bb:cc:dd:ee:ff) or off, not "
					   "'%s'",
					   kw->name, val);
		return 0;
	case ARG_USER:
	case ARG_GROUP:
		/* A number is an id, whether or not anyone has it. */
		if (!isdigit((unsigned char)*val)) {
			s->str = val;
			return 0;
		}
		if (parse_id(val, &s->u32))
			return usage_error(a->obj,
					   "%s takes a %s name or an "
					   "id, not '%s'",
					   kw->name, kw->name, val);
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
	if ((v->flags & V_GROUP_USER) && a->slot[SLOT_GROUP].kw &&
	    !a->slot[INTNET_ATTR_PORT_USER].kw)
		return usage_error(
		    a->obj,
		    "group without user makes a TAP only root can open");
	if (!net->kw && ((v->flags & V_DEFAULT_NET) ||
			 ((v->flags & V_NET_OR_DEV) && !dev->kw))) {
		net->kw = &kw_net;
		net->str = INTNET_NAME_DEFAULT;
	}
	return 0;
}

static int parse_args(struct args *a, int argc, char **argv)
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
				return usage_error(
				    a->obj, "%s needs an argument", kw->name);
			val = argv[i++];
		}
		ret = parse_value(a, kw, val);
		if (ret)
			return ret;
		a->n_kws++;
	}
	return check_args(a);
}

/* The user (or @group) name in @s as its id; 1 when there is none such. */
static int resolve_id(struct slot *s, bool group)
{
	struct passwd *pw = NULL;
	struct group *gr = NULL;

	if (!s->kw || !s->str)
		return 0;
	if (group) {
		gr = getgrnam(s->str);
		if (gr)
			s->u32 = gr->gr_gid;
	} else {
		pw = getpwnam(s->str);
		if (pw)
			s->u32 = pw->pw_uid;
	}
	if (group ? !gr : !pw) {
		fprintf(stderr, "intnetctl: no such %s '%s'\n",
			group ? "group" : "user", s->str);
		return 1;
	}
	return 0;
}

/* After the syntax, so that a usage error wins over a missing device or
 * user. */
static int resolve_names(struct args *a)
{
	struct slot *dev = &a->slot[INTNET_ATTR_IFINDEX];

	if (dev->kw) {
		dev->u32 = if_nametoindex(dev->str);
		if (!dev->u32) {
			fprintf(stderr, "intnetctl: no such device '%s'\n",
				dev->str);
			return 1;
		}
	}
	if (resolve_id(&a->slot[INTNET_ATTR_NET_OWNER], false) ||
	    resolve_id(&a->slot[INTNET_ATTR_PORT_USER], false) ||
	    resolve_id(&a->slot[SLOT_GROUP], true))
		return 1;
	return 0;
}

/* Room enough for any slot: a string, or at most 8 bytes. */
static size_t slot_room(const struct slot *s)
{
	if (!s->kw)
		return 0;
	return nla_total_size(s->str ? strlen(s->str) + 1 : sizeof(uint64_t));
}

static int put_slot(struct nl_msg *msg, int attr, const struct slot *s)
{
	if (!s->kw)
		return 0;
	switch (s->kw->kind) {
	case ARG_NAME:
		return nla_put_string(msg, attr, s->str);
	case ARG_DEV:
	case ARG_U32:
	case ARG_USER:
		return nla_put_u32(msg, attr, s->u32);
	case ARG_MASK:
		return nla_put_u16(msg, attr, s->u32);
	case ARG_ONOFF:
	case ARG_FLAG:
	case ARG_WORD:
		return nla_put_u8(msg, attr, s->u32);
	case ARG_MAC:
	case ARG_LOCK:
		return nla_put(msg, attr, ETH_ALEN, s->mac);
	case ARG_GROUP:
	case ARG_IFNAME:
		break;
	}
	return 0;
}

static struct nl_msg *build_request(struct conn *c, const struct args *a)
{
	int flags = a->verb->print && !a->has_arg ? NLM_F_DUMP : 0;
	struct nl_msg *msg;
	size_t len = 0;
	int attr, err = 0;

	for (attr = 0; attr <= INTNET_ATTR_MAX; attr++)
		len += slot_room(&a->slot[attr]);
	msg = conn_msg(c, a->verb->cmd, flags, len);
	if (!msg) {
		fprintf(stderr, "intnetctl: out of memory\n");
		return NULL;
	}
	for (attr = 0; attr <= INTNET_ATTR_MAX && !err; attr++)
		err = put_slot(msg, attr, &a->slot[attr]);
	if (err < 0) {
		fprintf(stderr, "intnetctl: %s\n", nl_geterror(err));
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int run_verb(const struct object *obj, const struct verb *v, int argc,
		    char **argv)
{
	struct args a = { .obj = obj, .verb = v };
	struct show s = { .print = v->print };
	struct nl_msg *msg;
	struct conn c;
	int ret;

	ret = parse_args(&a, argc, argv);
	if (!ret)
		ret = resolve_names(&a);
	if (ret)
		return ret;
	if (conn_open(&c))
		return 1;
	if (v->run) {
		ret = v->run(&c, &a);
		goto out;
	}
	ret = 1;
	msg = build_request(&c, &a);
	if (!msg)
		goto out;
	ret = conn_run(&c, msg, v->print ? show_cb : NULL, &s) ? 1 : 0;
	if (v->print)
		show_end(&s, !ret);
	nlmsg_free(msg);
out:
	conn_close(&c);
	return ret;
}

static const struct verb *find_verb(const struct object *obj, const char *name)
{
	const struct verb *v;

	for (v = obj->verbs; v->name; v++)
		if (!strcmp(name, v->name) ||
		    (v->print && !strcmp(name, "list")))
			return v;
	return NULL;
}

static int run_object(const struct object *obj, int argc, char **argv)
{
	/* Like ip(8): an object alone lists what there is of it. */
	const char *name = argc ? argv[0] : "show";
	const struct verb *v;

	if (!strcmp(name, "help")) {
		object_usage(obj, stdout);
		return 0;
	}
	v = find_verb(obj, name);
	if (!v)
		return usage_error(obj, "unknown %s command '%s'", obj->name,
				   name);
	if (argc) {
		argc--;
		argv++;
	}
	return run_verb(obj, v, argc, argv);
}

/* ---- links: what rtnetlink makes, deletes and says of devices ---- */

/*
 * An rtnetlink request about a link: @name (NULL: by @ifindex), with @kind
 * when given; 0 or a libnl error, printed as "cannot WHAT 'NAME': reason".
 */
static int link_request(int type, int flags, const char *name, int ifindex,
			const char *kind, const char *what)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_index = ifindex };
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	struct nlattr *info;
	int err = -NLE_NOMEM;

	if (!sk)
		goto out;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err < 0)
		goto out;
	err = -NLE_NOMEM;
	msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK | flags);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0))
		goto out;
	if (kind) {
		info = nla_nest_start(msg, IFLA_LINKINFO);
		if (!info || nla_put_string(msg, IFLA_INFO_KIND, kind) < 0)
			goto out;
		nla_nest_end(msg, info);
	}
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_wait_for_ack(sk);
out:
	if (err < 0)
		fprintf(stderr, "intnetctl: cannot %s '%s': %s\n", what,
			name ? name : "?", nl_geterror(err));
	nlmsg_free(msg);
	nl_socket_free(sk);
	return err < 0 ? err : 0;
}

/* What RTM_GETLINK says of a device: its kind and, for tun's, more. */
struct link_info {
	char kind[16];
	bool has_owner;
	uint32_t owner;	   /* the TAP's, in our user namespace */
	uint32_t queues;   /* fds attached to the TAP (one fd at most when
			      it is not multi-queue) */
	uint32_t disabled; /* ... and detached from it (TUNSETQUEUE) */
};

static int link_info_cb(struct nl_msg *msg, void *arg)
{
	static struct nla_policy tun_policy[IFLA_TUN_MAX + 1] = {
		[IFLA_TUN_OWNER] = { .type = NLA_U32 },
		[IFLA_TUN_NUM_QUEUES] = { .type = NLA_U32 },
		[IFLA_TUN_NUM_DISABLED_QUEUES] = { .type = NLA_U32 },
	};
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	struct nlattr *tun[IFLA_TUN_MAX + 1];
	struct link_info *li = arg;
	const struct nlattr *kind;

	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct ifinfomsg), tb, IFLA_MAX,
			NULL) < 0 ||
	    !tb[IFLA_LINKINFO] ||
	    nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0)
		return NL_OK;
	kind = info[IFLA_INFO_KIND];
	if (kind)
		snprintf(li->kind, sizeof(li->kind), "%.*s", nla_len(kind),
			 (const char *)nla_data(kind));
	if (strcmp(li->kind, "tun") || !info[IFLA_INFO_DATA] ||
	    nla_parse_nested(tun, IFLA_TUN_MAX, info[IFLA_INFO_DATA],
			     tun_policy) < 0)
		return NL_OK;
	li->has_owner = tun[IFLA_TUN_OWNER];
	li->owner = tun[IFLA_TUN_OWNER] ? nla_get_u32(tun[IFLA_TUN_OWNER]) : 0;
	/* Said of multi-queue TAPs only: a single queue takes one fd alone. */
	li->queues = tun[IFLA_TUN_NUM_QUEUES]
			 ? nla_get_u32(tun[IFLA_TUN_NUM_QUEUES])
			 : 1;
	if (tun[IFLA_TUN_NUM_DISABLED_QUEUES])
		li->disabled = nla_get_u32(tun[IFLA_TUN_NUM_DISABLED_QUEUES]);
	return NL_OK;
}

/* What rtnetlink says of the device @ifindex; 0, or -1 if it cannot. */
static int link_info(unsigned int ifindex, struct link_info *li)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_index = ifindex };
	struct nl_sock *sk;
	struct nl_msg *msg = NULL;
	int err = -NLE_NOMEM;

	*li = (struct link_info){ .kind = "" };
	sk = nl_socket_alloc();
	if (!sk)
		goto out;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err < 0)
		goto out;
	err = -NLE_NOMEM;
	msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_REQUEST);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		goto out;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, link_info_cb, li);
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return err < 0 ? -1 : 0;
}

/* ---- tap: persistent TAPs for users ---- */

/* The TAP @name from /dev/net/tun (made if it does not exist); -1 and errno. */
static int tap_open(const char *name, int flags)
{
	struct ifreq ifr = { .ifr_flags = flags };
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Brings @name up, as qemu's ifup script would: the user cannot. */
static int link_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd, ret = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

static int tap_fail(const char *what, const char *name)
{
	fprintf(stderr, "intnetctl: cannot %s TAP '%s': %s\n", what, name,
		strerror(errno));
	return 1;
}

/* The request of @a (a PORT_ADD) for the device @ifindex; 0 or 1. */
static int port_add_for(struct conn *c, struct args *a, uint32_t ifindex)
{
	struct slot *dev = &a->slot[INTNET_ATTR_IFINDEX];
	struct nl_msg *msg;
	int ret;

	dev->kw = &kw_dev;
	dev->u32 = ifindex;
	msg = build_request(c, a);
	if (!msg)
		return 1;
	ret = conn_run(c, msg, NULL, NULL) ? 1 : 0;
	nlmsg_free(msg);
	return ret;
}

/*
 * Whether the TAP @ifindex, just made, is as tap_add() made it: tun's, ours,
 * and open by our fd alone. A multi-queue TAP gives a queue to anyone while
 * it has no owner, and so in the instant between TUNSETIFF and TUNSETOWNER to
 * another program, which would keep it: a TAP with another queue is given up.
 */
static int tap_alone(unsigned int ifindex, const char *name, uint32_t owner)
{
	struct link_info li;

	if (link_info(ifindex, &li) || strcmp(li.kind, "tun") ||
	    !li.has_owner || li.owner != owner) {
		fprintf(stderr, "intnetctl: TAP '%s' changed while made\n",
			name);
		return -1;
	}
	if (li.queues != 1 || li.disabled) {
		fprintf(stderr, "intnetctl: another program opened TAP '%s'\n",
			name);
		return -1;
	}
	return 0;
}

/*
 * A persistent TAP for a user (what VBoxTunctl made), attached as a port.
 *
 * IFF_TUN_EXCL makes it new: a device of that name is refused, never taken
 * over. It gets its owner (the user, or the caller) and group at once, before
 * it is a port: the module takes a port off its network when its TAP changes
 * hands, and only that user may open or attach it meanwhile. Then it is
 * attached, and only then made persistent: until then it lives by our fd
 * alone, and any failure takes it away with the fd, its port with it:
 * nothing is left half made, and nothing that was there is touched.
 */
static int tap_add(struct conn *c, struct args *a)
{
	const char *name = a->slot[SLOT_IFNAME].str;
	const struct slot *user = &a->slot[INTNET_ATTR_PORT_USER];
	const struct slot *group = &a->slot[SLOT_GROUP];
	int flags = IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL;
	unsigned int ifindex = 0;
	uint32_t owner;
	int fd, ret = 1;

	if (a->slot[SLOT_VNET_HDR].kw)
		flags |= IFF_VNET_HDR;
	if (a->slot[SLOT_MULTI_QUEUE].kw)
		flags |= IFF_MULTI_QUEUE;
	fd = tap_open(name, flags);
	if (fd < 0 && (errno == EBUSY || errno == EEXIST)) {
		fprintf(stderr, "intnetctl: device '%s' exists\n", name);
		return 1;
	}
	if (fd < 0)
		return tap_fail("create", name);
	owner = user->kw ? user->u32 : geteuid();
	if (ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0) {
		tap_fail("set the owner of", name);
		goto out;
	}
	if (group->kw &&
	    ioctl(fd, TUNSETGROUP, (unsigned long)group->u32) < 0) {
		tap_fail("set the group of", name);
		goto out;
	}
	ifindex = if_nametoindex(name);
	if (tap_alone(ifindex, name, owner))
		goto out;
	if (link_up(name) < 0) {
		tap_fail("bring up", name);
		goto out;
	}
	if (port_add_for(c, a, ifindex))
		goto out;
	if (ioctl(fd, TUNSETPERSIST, 1UL) < 0) {
		tap_fail("make persistent", name);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	/* Gone with the fd, unless another program opened it (tap_alone()). */
	if (ret && ifindex && if_nametoindex(name) == ifindex)
		link_request(RTM_DELLINK, 0, name, ifindex, NULL, "delete");
	return ret;
}

/* The TAP's flags as tun shows them in sysfs; -1 if @name is no TUN/TAP. */
static int tun_flags(const char *name)
{
	char path[64 + IFNAMSIZ], buf[32];
	unsigned int flags;
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && sscanf(buf, "%x", &flags) == 1)
		ret = flags;
	fclose(f);
	return ret;
}

/* Deleting the TAP detaches its port: the module follows its devices. */
static int tap_del(struct conn *c, struct args *a)
{
	const char *name = a->slot[SLOT_IFNAME].str;
	int flags = tun_flags(name);
	int fd, ret = 0;

	(void)c;
	if (!if_nametoindex(name)) {
		fprintf(stderr, "intnetctl: no such device '%s'\n", name);
		return 1;
	}
	if (flags < 0 || !(flags & IFF_TAP)) {
		fprintf(stderr, "intnetctl: '%s' is not a TAP\n", name);
		return 1;
	}
	if (!(flags & IFF_PERSIST)) {
		fprintf(stderr,
			"intnetctl: TAP '%s' is not persistent: it goes when "
			"its program closes it\n",
			name);
		return 1;
	}
	fd = tap_open(name, flags & (IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE));
	if (fd < 0) {
		if (errno == EBUSY) {
			fprintf(stderr,
				"intnetctl: TAP '%s' is in use (stop the VM "
				"first)\n",
				name);
			return 1;
		}
		return tap_fail("open", name);
	}
	if (ioctl(fd, TUNSETPERSIST, 0UL) < 0)
		ret = tap_fail("delete", name);
	close(fd);
	return ret;
}

/* ---- monitor: events ---- */

static const char *const fdb_event_words[] = {
	[INTNET_FDB_EVENT_LEARN] = "learn",
	[INTNET_FDB_EVENT_MOVE] = "move",
	[INTNET_FDB_EVENT_ADD] = "add",
	[INTNET_FDB_EVENT_AGE] = "age",
	[INTNET_FDB_EVENT_DEL] = "del",
	[INTNET_FDB_EVENT_FLUSH] = "flush",
	NULL,
};

/* Events reuse the commands and replies of the show commands. */
static const struct event_desc {
	uint8_t cmd;
	const char *words; /* "OBJECT VERB"; FDB events say why instead */
	print_fn print;
} event_descs[] = {
	{ INTNET_CMD_NET_NEW, "net add", print_net },
	{ INTNET_CMD_NET_SET, "net set", print_net },
	{ INTNET_CMD_NET_DEL, "net del", print_net },
	{ INTNET_CMD_PORT_ADD, "port add", print_port },
	{ INTNET_CMD_PORT_SET, "port set", print_port },
	{ INTNET_CMD_PORT_DEL, "port del", print_port },
	{ INTNET_CMD_FDB_ADD, NULL, print_fdb },
	{ INTNET_CMD_FDB_DEL, NULL, print_fdb },
};

/* One line per event: its words, then the object as its show prints it. */
static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	const struct event_desc *d = NULL;
	char words[32], num[4];
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof(event_descs) / sizeof(event_descs[0]); i++)
		if (event_descs[i].cmd == genlmsg_hdr(nlmsg_hdr(msg))->cmd)
			d = &event_descs[i];
	/* Events a newer module may send are skipped, not misread. */
	if (!d || genlmsg_parse(nlmsg_hdr(msg), 0, tb, INTNET_ATTR_MAX,
				attr_policy) < 0)
		return NL_OK;
	if (d->words)
		snprintf(words, sizeof(words), "%s", d->words);
	else
		snprintf(words, sizeof(words), "fdb %s",
			 enum_word(fdb_event_words,
				   attr_u8(tb[INTNET_ATTR_FDB_EVENT]), num,
				   sizeof(num)));
	if (opts.json) {
		opts.event = words;
		d->print(tb, NULL);
		opts.event = NULL;
		putchar('\n');
	} else {
		printf("%s ", words);
		d->print(tb, NULL);
	}
	fflush(stdout);
	return NL_OK;
}

static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Every line is out already: stopping is all there is to do. */
static void monitor_stop(int sig)
{
	(void)sig;
	_exit(0);
}

/*
 * An administrator joins the family's multicast groups; anyone else (whom
 * the kernel refuses them) subscribes with INTNET_CMD_MONITOR, and is sent
 * what he may see.
 */
static int monitor_listen(struct conn *c, bool fdb)
{
	static const char *const groups[] = { INTNET_MCGRP_EVENTS,
					      INTNET_MCGRP_FDB };
	uint32_t what = INTNET_MONITOR_OBJECTS | (fdb ? INTNET_MONITOR_FDB : 0);
	struct nl_msg *msg;
	int err = 0, grp, ret;
	size_t i;

	for (i = 0; i < (fdb ? 2u : 1u) && !err; i++) {
		grp = genl_ctrl_resolve_grp(c->sk, INTNET_GENL_NAME, groups[i]);
		if (grp < 0) {
			fprintf(stderr,
				"intnetctl: the module has no events (%s)\n",
				nl_geterror(grp));
			return -1;
		}
		err = nl_socket_add_membership(c->sk, grp);
	}
	if (!err)
		return 0;
	if (err != -NLE_PERM) {
		fprintf(stderr, "intnetctl: cannot listen to events: %s\n",
			nl_geterror(err));
		return -1;
	}
	/* Joined groups would repeat what the subscription sends: leave them.
	 */
	for (i = 0; i < 2; i++) {
		grp = genl_ctrl_resolve_grp(c->sk, INTNET_GENL_NAME, groups[i]);
		if (grp >= 0)
			nl_socket_drop_membership(c->sk, grp);
	}
	msg = conn_msg(c, INTNET_CMD_MONITOR, 0, 8);
	if (!msg || nla_put_u32(msg, INTNET_ATTR_MONITOR, what) < 0) {
		fprintf(stderr, "intnetctl: out of memory\n");
		nlmsg_free(msg);
		return -1;
	}
	ret = conn_run(c, msg, NULL, NULL);
	nlmsg_free(msg);
	return ret;
}

static int cmd_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = monitor_stop };
	bool fdb = argc == 1 && !strcmp(argv[0], "fdb");
	struct nl_cb *cb;
	struct conn c;
	int err;

	if (argc == 1 && !strcmp(argv[0], "help")) {
		printf("Usage: intnetctl [OPTIONS] monitor [fdb]\n\n%s\n"
		       "Each event is one line: the object and what happened "
		       "to it (add, set, del;\n"
		       "for FDB entries learn, move, add, age, del or flush), "
		       "then the object as\n"
		       "show prints it; with -j a JSON object with an "
		       "\"event\" member. Users who\n"
		       "are not administrators see the events of what they "
		       "may see.\n",
		       monitor_usage);
		return 0;
	}
	if (argc > 1 || (argc == 1 && !fdb)) {
		fprintf(stderr,
			"intnetctl: unknown monitor argument '%s'\n\n"
			"Usage: intnetctl [OPTIONS] monitor [fdb]\n\n%s",
			argv[argc > 1 && fdb ? 1 : 0], monitor_usage);
		return EXIT_USAGE;
	}
	if (conn_open(&c))
		return 1;
	if (monitor_listen(&c, fdb)) {
		conn_close(&c);
		return 1;
	}
	/* Events come with sequence 0, not as answers. */
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb ||
	    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, NULL) < 0 ||
	    nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL) < 0) {
		nl_cb_put(cb);
		fprintf(stderr, "intnetctl: out of memory\n");
		conn_close(&c);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (;;) {
		err = nl_recvmsgs(c.sk, cb);
		/* A full receive buffer lost events: say so, and go on. */
		if (err == -NLE_NOMEM) {
			fprintf(stderr, "intnetctl: events were lost (the "
					"receive buffer was full)\n");
			continue;
		}
		if (err < 0) {
			fprintf(stderr, "intnetctl: %s\n", nl_geterror(err));
			break;
		}
	}
	nl_cb_put(cb);
	conn_close(&c);
	return 1;
}

/* ---- host: host-side ports, devices of kind "intnet" ---- */

#define HOST_KIND "intnet"

/*
 * A host-side port: a device of the host's stack (kind "intnet"), up, attached
 * to the network; if the module refuses the port, the device goes again.
 */
static int host_add(struct conn *c, struct args *a)
{
	const char *name = a->slot[SLOT_IFNAME].str;
	uint32_t ifindex;
	int ret = 1;

	if (if_nametoindex(name)) {
		fprintf(stderr, "intnetctl: device '%s' exists\n", name);
		return 1;
	}
	if (link_request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, 0,
			 HOST_KIND, "create"))
		return 1;
	ifindex = if_nametoindex(name);
	if (link_up(name) < 0)
		fprintf(stderr, "intnetctl: cannot bring up '%s': %s\n", name,
			strerror(errno));
	else
		ret = port_add_for(c, a, ifindex);
	if (ret)
		link_request(RTM_DELLINK, 0, NULL, ifindex, NULL, "delete");
	return ret;
}

static int host_del(struct conn *c, struct args *a)
{
	const char *name = a->slot[SLOT_IFNAME].str;
	unsigned int ifindex = if_nametoindex(name);
	struct link_info li;

	(void)c;
	if (!ifindex) {
		fprintf(stderr, "intnetctl: no such device '%s'\n", name);
		return 1;
	}
	if (link_info(ifindex, &li) || strcmp(li.kind, HOST_KIND)) {
		fprintf(stderr, "intnetctl: '%s' is not a host port device\n",
			name);
		return 1;
	}
	return link_request(RTM_DELLINK, 0, name, 0, NULL, "delete") ? 1 : 0;
}

/* ---- version ---- */

static const struct {
	uint64_t bit;
	const char *name;
} feature_names[] = {
	{ INTNET_FEATURE_NETNS, "netns" },
	{ INTNET_FEATURE_SWITCH, "switch" },
	{ INTNET_FEATURE_ACCESS, "access" },
	{ INTNET_FEATURE_EVENTS, "events" },
	{ INTNET_FEATURE_OWNER_NAMES, "owner-names" },
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
	int err;

	err =
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, INTNET_ATTR_MAX, attr_policy);
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

static void print_features(uint64_t features)
{
	uint64_t unknown = features;
	const char *sep = "";
	size_t i;

	for (i = 0; i < N_FEATURES; i++) {
		if (!(features & feature_names[i].bit))
			continue;
		printf(opts.json ? "%s\"%s\"" : "%s%s", sep,
		       feature_names[i].name);
		sep = opts.json ? "," : " ";
		unknown &= ~feature_names[i].bit;
	}
	/* Bits from a newer module are shown, not hidden. */
	for (i = 0; i < 64; i++) {
		if (!(unknown & (1ULL << i)))
			continue;
		printf(opts.json ? "%s\"bit%zu\"" : "%sbit%zu", sep, i);
		sep = opts.json ? "," : " ";
	}
	if (!opts.json && !*sep)
		printf("none");
}

static int cmd_version(int argc, char **argv)
{
	struct version_reply v = { .version = "" };
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

	if (opts.json) {
		printf("{\"intnetctl\":\"%s\",\"module\":", INTNET_VERSION);
		json_str(v.version);
		printf(",\"features\":[");
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
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int opt;

	while ((opt = getopt_long(argc, argv, "+jshV", long_opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'j':
			opts.json = true;
			break;
		case 's':
			opts.stats = true;
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
	if (!strcmp(argv[0], "monitor"))
		return cmd_monitor(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		if (argc > 2)
			return usage_error(NULL,
					   "help takes one object at most");
		for (i = 0; argc == 2 && i < N_OBJECTS; i++)
			if (!strcmp(argv[1], objects[i].name))
				return run_object(&objects[i], 1, argv);
		if (argc == 2 && !strcmp(argv[1], "monitor"))
			return cmd_monitor(1, argv);
		if (argc == 2)
			return usage_error(NULL, "unknown object '%s'",
					   argv[1]);
		usage(stdout);
		return 0;
	}
	for (i = 0; i < N_OBJECTS; i++)
		if (!strcmp(argv[0], objects[i].name))
			return run_object(&objects[i], argc - 1, argv + 1);
	return usage_error(NULL, "unknown command '%s'", argv[0]);
}
