// SPDX-License-Identifier: GPL-2.0
/*
 * A verb of an object, run: its names resolved, its request built from the
 * parsed slots and sent, and for a show each reply printed by the object's
 * printer (one JSON array, or one line or more each).
 */

#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <netlink/genl/genl.h>

#include "intnetctl.h"

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
 * user.
 */
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

/* Room enough for any slot: a string, lock-ip's nest, or at most 8 bytes. */
static size_t slot_room(const struct slot *s)
{
	if (!s->kw)
		return 0;
	if (s->kw->kind == ARG_IP_LOCK)
		return nla_total_size(s->u32 *
				      nla_total_size(sizeof(struct in6_addr)));
	return nla_total_size(s->str ? strlen(s->str) + 1 : sizeof(uint64_t));
}

/*
 * lock-ip's addresses, one attribute each, in a nest that is sent even
 * empty: an empty one (lock-ip off) lifts the lock.
 */
static int put_ip_lock(struct nl_msg *msg, int attr, const struct args *a)
{
	const struct ip_addr *ip;
	struct nlattr *nest;
	uint32_t i;
	int err;

	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -NLE_NOMEM;
	for (i = 0; i < a->slot[attr].u32; i++) {
		ip = &a->ip_lock[i];
		if (ip->family == AF_INET)
			err = nla_put(msg, INTNET_IP_LOCK_IPV4,
				      sizeof(struct in_addr), ip->addr);
		else
			err = nla_put(msg, INTNET_IP_LOCK_IPV6,
				      sizeof(struct in6_addr), ip->addr);
		if (err < 0)
			return err;
	}
	return nla_nest_end_keep_empty(msg, nest);
}

static int put_slot(struct nl_msg *msg, int attr, const struct args *a)
{
	const struct slot *s = &a->slot[attr];

	if (!s->kw)
		return 0;
	switch (s->kw->kind) {
	case ARG_NAME:
		return nla_put_string(msg, attr, s->str);
	case ARG_DEV:
	case ARG_U32:
	case ARG_USER:
	case ARG_RATE:
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
	case ARG_IP_LOCK:
		return put_ip_lock(msg, attr, a);
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
		err = put_slot(msg, attr, a);
	if (err < 0) {
		fprintf(stderr, "intnetctl: %s\n", nl_geterror(err));
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Sends the request of @a, with @valid run on each reply; 0 or 1. */
static int send_request(struct conn *c, const struct args *a,
			nl_recvmsg_msg_cb_t valid, void *arg)
{
	struct nl_msg *msg;
	int ret;

	msg = build_request(c, a);
	if (!msg)
		return 1;
	ret = conn_run(c, msg, valid, arg) ? 1 : 0;
	nlmsg_free(msg);
	return ret;
}

/* One object of a show, as its printer shows it. */
static int show_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[INTNET_ATTR_MAX + 1];
	struct nlattr *stats[INTNET_STATS_MAX + 1];
	static const struct nla_policy stats_policy[INTNET_STATS_MAX + 1] = {
		[INTNET_STATS_PAD +
		 1 ... INTNET_STATS_MAX] = { .type = NLA_U64 },
	};
	const struct verb *v = arg;
	bool with_stats;
	int err;

	err = reply_parse(msg, tb);
	if (err < 0)
		return err;
	with_stats = opts.stats && tb[INTNET_ATTR_STATS];
	if (with_stats) {
		err = nla_parse_nested(stats, INTNET_STATS_MAX,
				       tb[INTNET_ATTR_STATS], stats_policy);
		if (err < 0)
			return err;
	}
	v->print(tb, with_stats ? stats : NULL);
	return NL_OK;
}

/* The request of @a (a PORT_ADD) for the device @ifindex; 0 or 1. */
int port_add_for(struct conn *c, struct args *a, uint32_t ifindex)
{
	struct slot *dev = &a->slot[INTNET_ATTR_IFINDEX];

	dev->kw = &kw_dev;
	dev->u32 = ifindex;
	return send_request(c, a, NULL, NULL);
}

static int run_verb(const struct object *obj, const struct verb *v, int argc,
		    char **argv)
{
	struct args a = { .obj = obj, .verb = v };
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
	} else if (v->print) {
		open_list();
		ret = send_request(&c, &a, show_cb, (void *)v);
		close_list(!ret);
	} else {
		ret = send_request(&c, &a, NULL, NULL);
	}
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

/* An object's command line, from its verb on. */
int run_verbs(const struct object *obj, int argc, char **argv)
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
