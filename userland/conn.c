// SPDX-License-Identifier: GPL-2.0
/*
 * intnetctl's connections to the kernel: the intnet family over generic
 * netlink (requests, replies and the module's extended acks), and rtnetlink
 * for the devices tap and host make, delete and look at.
 */

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <net/if.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "intnetctl.h"

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

/* A batch's commands share one connection, the first one opened. */
static struct {
	bool on;
	struct conn conn;
} shared;

/*
 * Opens the family; with the module absent, says so in one line. While
 * shared, the connection a command opened before is the next one's.
 */
int conn_open(struct conn *c)
{
	int err;

	if (shared.on && shared.conn.sk) {
		*c = shared.conn;
		return 0;
	}
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
	if (shared.on)
		shared.conn = *c;
	return 0;
fail:
	nl_socket_free(c->sk);
	c->sk = NULL;
	return -1;
}

/* A shared connection stays open until conn_share(false). */
void conn_close(struct conn *c)
{
	if (!shared.on || c->sk != shared.conn.sk)
		nl_socket_free(c->sk);
}

void conn_share(bool share)
{
	if (!share && shared.conn.sk) {
		nl_socket_free(shared.conn.sk);
		shared.conn.sk = NULL;
	}
	shared.on = share;
}

/* A request of @cmd with room for @attrs_len bytes of attributes. */
struct nl_msg *conn_msg(struct conn *c, uint8_t cmd, int flags,
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
	bool done; /* an ack, an error or the end of a dump came */
	bool intr; /* the dump was flagged inconsistent */
	int error; /* a negative errno, or 0 */
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
	 * capped to its header.
	 */
	off = sizeof(e->error) + ((nlh->nlmsg_flags & NLM_F_CAPPED) ?
					  sizeof(e->msg) :
					  e->msg.nlmsg_len);
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
 * then the extended ack TLVs.
 */
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
int conn_run(struct conn *c, struct nl_msg *msg, nl_recvmsg_msg_cb_t valid,
	     void *arg)
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
		 * both the same way.
		 */
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
		fprintf(stderr,
			"intnetctl: the state changed while dumping; try again\n");
		return -1;
	}
	return 0;
}

/* What a reply of the module may hold. */
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
	[INTNET_ATTR_PORT_IP_LOCK] = { .type = NLA_NESTED },
	[INTNET_ATTR_PORT_DHCP_SERVER] = { .type = NLA_U8 },
};

/* The attributes of a reply or an event, into @tb; 0 or a libnl error. */
int reply_parse(struct nl_msg *msg, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, INTNET_ATTR_MAX,
			     attr_policy);
}

/* ---- links: what rtnetlink makes, deletes and says of devices ---- */

/* An rtnetlink socket in @sk, and in @msg a request @type about the link
 * @ifindex; 0 or a libnl error. The caller frees both, made or not.
 */
static int link_msg(struct nl_sock **sk, struct nl_msg **msg, int type,
		    int flags, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_index = ifindex };
	int err;

	*msg = NULL;
	*sk = nl_socket_alloc();
	if (!*sk)
		return -NLE_NOMEM;
	err = nl_connect(*sk, NETLINK_ROUTE);
	if (err < 0)
		return err;
	*msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | flags);
	if (!*msg || nlmsg_append(*msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		return -NLE_NOMEM;
	return 0;
}

/*
 * An rtnetlink request about a link: @name (NULL: by @ifindex), with @kind
 * when given; 0 or a libnl error, printed as "cannot WHAT 'NAME': reason".
 */
int link_request(int type, int flags, const char *name, int ifindex,
		 const char *kind, const char *what)
{
	struct nl_sock *sk;
	struct nl_msg *msg;
	struct nlattr *info;
	int err;

	err = link_msg(&sk, &msg, type, NLM_F_ACK | flags, ifindex);
	if (err < 0)
		goto out;
	err = -NLE_NOMEM;
	if (name && nla_put_string(msg, IFLA_IFNAME, name) < 0)
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
	li->queues = tun[IFLA_TUN_NUM_QUEUES] ?
			     nla_get_u32(tun[IFLA_TUN_NUM_QUEUES]) :
			     1;
	if (tun[IFLA_TUN_NUM_DISABLED_QUEUES])
		li->disabled = nla_get_u32(tun[IFLA_TUN_NUM_DISABLED_QUEUES]);
	return NL_OK;
}

/* What rtnetlink says of the device @ifindex; 0, or -1 if it cannot. */
int link_info(unsigned int ifindex, struct link_info *li)
{
	struct nl_sock *sk;
	struct nl_msg *msg;
	int err;

	*li = (struct link_info){ .kind = "" };
	err = link_msg(&sk, &msg, RTM_GETLINK, 0, ifindex);
	if (err < 0)
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

/* Brings @name up, as qemu's ifup script would: the user cannot. */
int link_up(const char *name)
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
