// SPDX-License-Identifier: GPL-2.0
/* intnetctl monitor: the module's events, one line each, as they happen. */

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "intnetctl.h"

static const char monitor_usage[] =
	"  monitor [fdb]      print network and port events as they happen, and\n"
	"                     with fdb FDB events too, until interrupted\n";

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
	for (i = 0; i < ARRAY_SIZE(event_descs); i++)
		if (event_descs[i].cmd == genlmsg_hdr(nlmsg_hdr(msg))->cmd)
			d = &event_descs[i];
	/* Events a newer module may send are skipped, not misread. */
	if (!d || reply_parse(msg, tb) < 0)
		return NL_OK;
	if (d->words)
		snprintf(words, sizeof(words), "%s", d->words);
	else
		snprintf(words, sizeof(words), "fdb %s",
			 enum_word(fdb_event_words,
				   attr_u8(tb[INTNET_ATTR_FDB_EVENT]), num,
				   sizeof(num)));
	output_event(words);
	d->print(tb, NULL);
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

static int cmd_monitor(const struct object *obj, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = monitor_stop };
	bool fdb = argc == 1 && !strcmp(argv[0], "fdb");
	struct nl_cb *cb;
	struct conn c;
	int err;

	(void)obj;
	if (argc == 1 && !strcmp(argv[0], "help")) {
		printf("Usage: intnetctl [OPTIONS] monitor [fdb]\n\n%s\n"
		       "Each event is one line: the object and what happened to it (add, set, del;\n"
		       "for FDB entries learn, move, add, age, del or flush), then the object as\n"
		       "show prints it; with -j a JSON object with an \"event\" member. Users who\n"
		       "are not administrators see the events of what they may see.\n",
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
			fprintf(stderr,
				"intnetctl: events were lost (the receive buffer was full)\n");
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

const struct object monitor_object = {
	.name = "monitor",
	.usage = monitor_usage,
	.run = cmd_monitor,
};
