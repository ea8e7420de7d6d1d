// SPDX-License-Identifier: GPL-2.0
/* intnetctl net: networks, their verbs and how one is shown. */

#include "intnetctl.h"

/*
 * The module's burst for a new network (INTNET_ATTR_NET_FLOOD_BURST): the
 * text shows the burst only when it is another.
 */
#define FLOOD_BURST_DEFAULT 100

/* Storm control: JSON always; the text when not the defaults (auto, 100). */
static void print_flood(struct nlattr **tb)
{
	const struct nlattr *limit = tb[INTNET_ATTR_NET_FLOOD_LIMIT];
	const struct nlattr *burst = tb[INTNET_ATTR_NET_FLOOD_BURST];

	print_flood_limit(limit);
	if (burst)
		print_uint(attr_u32(burst) != FLOOD_BURST_DEFAULT ? PRINT_ANY :
								    PRINT_JSON,
			   "flood_burst", "  flood-burst %u", attr_u32(burst));
}

void print_net(struct nlattr **tb, struct nlattr **stats)
{
	uint32_t fixed = attr_u32(tb[INTNET_ATTR_NET_FDB_STATIC]);
	uint32_t port_max = attr_u32(tb[INTNET_ATTR_NET_PORT_FDB_MAX]);
	bool explicit = attr_bool(tb[INTNET_ATTR_NET_EXPLICIT]);
	uint16_t fwd_mask = attr_u16(tb[INTNET_ATTR_NET_GROUP_FWD_MASK]);
	char access_buf[4], policy_buf[4], label[LABEL_LEN];

	open_object(NULL);
	print_string(PRINT_JSON, "name", NULL,
		     attr_str(tb[INTNET_ATTR_NET_NAME]));
	print_string(PRINT_TEXT, NULL, "%-15s",
		     net_label(label, sizeof(label), tb));
	print_uint(PRINT_ANY, "ports", "  ports %u",
		   attr_u32(tb[INTNET_ATTR_NET_PORTS]));
	print_uint(PRINT_ANY, "fdb_learned", "  fdb %u",
		   attr_u32(tb[INTNET_ATTR_NET_FDB_LEARNED]));
	print_uint(PRINT_JSON, "fdb_static", NULL, fixed);
	print_uint(PRINT_ANY, "fdb_max", "/%u",
		   attr_u32(tb[INTNET_ATTR_NET_FDB_MAX]));
	if (fixed)
		print_uint(PRINT_TEXT, NULL, "  static %u", fixed);
	print_uint(port_max ? PRINT_ANY : PRINT_JSON, "port_fdb_max",
		   "  port-fdb-max %u", port_max);
	if (!port_max)
		print_text("  port-fdb-max auto");
	print_uint(PRINT_ANY, "ageing", "  ageing %u",
		   attr_u32(tb[INTNET_ATTR_NET_AGEING]));
	print_bool(PRINT_ANY, "flood_unknown", "  flood-unknown %s",
		   attr_bool(tb[INTNET_ATTR_NET_FLOOD_UNKNOWN]));
	print_bool(PRINT_JSON, "explicit", NULL, explicit);
	print_text("  explicit %s", explicit ? "yes" : "no");
	print_uint(PRINT_ANY, "owner", "  owner %u",
		   attr_u32(tb[INTNET_ATTR_NET_OWNER]));
	print_string(PRINT_ANY, "access", "  %s",
		     enum_word(access_words,
			       attr_u8(tb[INTNET_ATTR_NET_ACCESS]), access_buf,
			       sizeof(access_buf)));
	print_string(PRINT_ANY, "promisc_policy", "  promisc-policy %s",
		     enum_word(promisc_policy_words,
			       attr_u8(tb[INTNET_ATTR_NET_PROMISC_POLICY]),
			       policy_buf, sizeof(policy_buf)));
	/* Shown only when set: it forwards what networks drop by default. */
	print_uint(fwd_mask ? PRINT_ANY : PRINT_JSON, "group_fwd_mask",
		   "  group-fwd-mask 0x%x", fwd_mask);
	print_flood(tb);
	print_text("\n");
	print_stats(stats);
	close_object();
}

static const struct verb net_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_NET_NEW,
	  .arg = &arg_name,
	  .kws = KWS(&kw_public, &kw_restricted, &kw_policy, &kw_flood,
		     &kw_ageing, &kw_fdb_max, &kw_port_fdb_max,
		     &kw_group_fwd_mask, &kw_net_flood_limit,
		     &kw_flood_burst) },
	{ .name = "set",
	  .cmd = INTNET_CMD_NET_SET,
	  .arg = &arg_name,
	  .kws = KWS(&kw_public, &kw_restricted, &kw_policy, &kw_flood,
		     &kw_ageing, &kw_fdb_max, &kw_port_fdb_max,
		     &kw_group_fwd_mask, &kw_net_flood_limit, &kw_flood_burst,
		     &kw_explicit),
	  .flags = V_NEEDS_SETTING },
	{ .name = "del", .cmd = INTNET_CMD_NET_DEL, .arg = &arg_name },
	{ .name = "show",
	  .cmd = INTNET_CMD_NET_GET,
	  .arg = &arg_name,
	  .print = print_net },
	{ .name = NULL },
};

const struct object net_object = {
	.name = "net",
	.verbs = net_verbs,
	.run = run_verbs,
};
