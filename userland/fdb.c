// SPDX-License-Identifier: GPL-2.0
/* intnetctl fdb: the forwarding database, its verbs and how an entry is shown. */

#include "intnetctl.h"

void print_fdb(struct nlattr **tb, struct nlattr **stats)
{
	static const uint8_t none[ETH_ALEN];
	bool is_static = attr_bool(tb[INTNET_ATTR_FDB_IS_STATIC]);
	bool locked = attr_bool(tb[INTNET_ATTR_FDB_LOCKED]);
	uint32_t age = attr_u32(tb[INTNET_ATTR_FDB_AGE]);
	/* only in the event of a move: the port the entry was behind */
	const struct nlattr *prev = tb[INTNET_ATTR_FDB_PREV_IFNAME];
	char mac[MAC_LEN], label[LABEL_LEN];

	(void)stats;
	format_mac(mac, sizeof(mac),
		   tb[INTNET_ATTR_MAC] ? nla_data(tb[INTNET_ATTR_MAC]) : none);
	open_object(NULL);
	print_string(PRINT_ANY, "mac", "%s", mac);
	print_string(PRINT_ANY, "ifname", "  dev %-15s",
		     attr_str(tb[INTNET_ATTR_IFNAME]));
	print_uint(PRINT_JSON, "ifindex", NULL,
		   attr_u32(tb[INTNET_ATTR_IFINDEX]));
	print_string(PRINT_JSON, "net", NULL,
		     attr_str(tb[INTNET_ATTR_NET_NAME]));
	print_string(PRINT_TEXT, NULL, "  net %-15s  ",
		     net_label(label, sizeof(label), tb));
	print_uint(PRINT_JSON, "net_owner", NULL,
		   attr_u32(tb[INTNET_ATTR_NET_OWNER]));
	print_bool(PRINT_JSON, "static", NULL, is_static);
	print_bool(PRINT_JSON, "locked", NULL, locked);
	print_uint(PRINT_JSON, "age_ms", NULL, age);
	if (!is_static)
		print_text("learned  age %u.%us", age / 1000, age % 1000 / 100);
	else
		print_text(locked ? "static locked" : "static");
	if (prev) {
		print_uint(PRINT_JSON, "prev_ifindex", NULL,
			   attr_u32(tb[INTNET_ATTR_FDB_PREV_IFINDEX]));
		print_string(PRINT_ANY, "prev_ifname", "  moved from %s",
			     attr_str(prev));
	}
	print_text("\n");
	close_object();
}

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

const struct object fdb_object = {
	.name = "fdb",
	.verbs = fdb_verbs,
	.run = run_verbs,
};
