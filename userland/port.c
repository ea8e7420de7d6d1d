// SPDX-License-Identifier: GPL-2.0
/* intnetctl port: devices attached to networks, their verbs and how one is shown. */

#include <arpa/inet.h>
#include <sys/socket.h>

#include "intnetctl.h"

/*
 * The port's IP lock, present only when locked: the text as lock-ip takes
 * it, the addresses joined by commas, JSON an array of strings; each in the
 * order the module gives them.
 */
static void print_ip_lock(const struct nlattr *lock)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int n = 0;
	struct nlattr *ip;
	int rem, family;

	if (!lock)
		return;
	print_text("  lock-ip ");
	open_array("lock_ip");
	nla_for_each_nested(ip, lock, rem) {
		if (nla_type(ip) == INTNET_IP_LOCK_IPV4 &&
		    nla_len(ip) == sizeof(struct in_addr))
			family = AF_INET;
		else if (nla_type(ip) == INTNET_IP_LOCK_IPV6 &&
			 nla_len(ip) == sizeof(struct in6_addr))
			family = AF_INET6;
		else
			continue;
		inet_ntop(family, nla_data(ip), buf, sizeof(buf));
		print_string(PRINT_ANY, NULL, n++ ? ",%s" : "%s", buf);
	}
	close_array();
}

void print_port(struct nlattr **tb, struct nlattr **stats)
{
	bool up = attr_bool(tb[INTNET_ATTR_PORT_UP]);
	bool promisc = attr_bool(tb[INTNET_ATTR_PORT_PROMISC]);
	bool active = attr_bool(tb[INTNET_ATTR_PORT_PROMISC_ACTIVE]);
	const struct nlattr *lock = tb[INTNET_ATTR_PORT_LOCK_MAC];
	const struct nlattr *limit = tb[INTNET_ATTR_PORT_FLOOD_LIMIT];
	bool isolated = attr_bool(tb[INTNET_ATTR_PORT_ISOLATED]);
	bool dhcp_server = attr_bool(tb[INTNET_ATTR_PORT_DHCP_SERVER]);
	bool uplink = attr_bool(tb[INTNET_ATTR_PORT_UPLINK]);
	char mac[MAC_LEN], label[LABEL_LEN];

	open_object(NULL);
	print_string(PRINT_ANY, "ifname", "%-15s",
		     attr_str(tb[INTNET_ATTR_IFNAME]));
	print_uint(PRINT_JSON, "ifindex", NULL,
		   attr_u32(tb[INTNET_ATTR_IFINDEX]));
	print_string(PRINT_JSON, "net", NULL,
		     attr_str(tb[INTNET_ATTR_NET_NAME]));
	print_string(PRINT_TEXT, NULL, "  net %-15s",
		     net_label(label, sizeof(label), tb));
	print_uint(PRINT_JSON, "net_owner", NULL,
		   attr_u32(tb[INTNET_ATTR_NET_OWNER]));
	print_bool(PRINT_JSON, "up", NULL, up);
	print_text("  %-4s", up ? "up" : "down");
	print_bool(PRINT_JSON, "carrier", NULL,
		   attr_bool(tb[INTNET_ATTR_PORT_CARRIER]));
	print_bool(PRINT_JSON, "promisc", NULL, promisc);
	print_bool(PRINT_JSON, "promisc_active", NULL, active);
	/* "inactive": asked for, but down or denied by the network's policy. */
	print_text("  promisc %-3s",
		   promisc ? (active ? "on" : "on (inactive)") : "off");
	/* An uplink, and whether its NIC filters unicast or is promiscuous. */
	print_bool(PRINT_JSON, "uplink", NULL, uplink);
	if (uplink)
		print_string(PRINT_ANY, "uplink_filter", "  uplink filter %s",
			     attr_bool(tb[INTNET_ATTR_PORT_UC_FILTER]) ?
				     "unicast" :
				     "promisc");
	print_uint(PRINT_ANY, "user", "  user %-5u",
		   attr_u32(tb[INTNET_ATTR_PORT_USER]));
	print_uint(PRINT_ANY, "fdb_learned", "  learned %u",
		   attr_u32(tb[INTNET_ATTR_PORT_FDB_LEARNED]));
	if (lock) {
		format_mac(mac, sizeof(mac), nla_data(lock));
		print_string(PRINT_ANY, "lock_mac", "  lock-mac %s", mac);
	} else {
		print_null("lock_mac");
	}
	print_ip_lock(tb[INTNET_ATTR_PORT_IP_LOCK]);
	/* Shown when on, as isolated is: off is the default. */
	print_bool(dhcp_server ? PRINT_ANY : PRINT_JSON, "dhcp_server",
		   "  dhcp-server %s", dhcp_server);
	/* Shown when set, as a lock is: a port is not isolated by default. */
	print_bool(isolated ? PRINT_ANY : PRINT_JSON, "isolated",
		   "  isolated %s", isolated);
	/*
	 * The text shows the port's own flood limit, which is then the one in
	 * effect; JSON also the one in effect when it follows the network's
	 * (flood_rate, 0: none).
	 */
	print_flood_limit(limit);
	if (tb[INTNET_ATTR_PORT_FLOOD_RATE])
		print_uint(PRINT_JSON, "flood_rate", NULL,
			   attr_u32(tb[INTNET_ATTR_PORT_FLOOD_RATE]));
	print_text("\n");
	print_stats(stats);
	close_object();
}

static const struct verb port_verbs[] = {
	{ .name = "add",
	  .cmd = INTNET_CMD_PORT_ADD,
	  .arg = &arg_dev,
	  .kws = KWS(&kw_net, &kw_up, &kw_down, &kw_promisc, &kw_lock_mac,
		     &kw_isolated, &kw_port_flood_limit, &kw_lock_ip,
		     &kw_dhcp_server, &kw_uplink, &kw_user),
	  .flags = V_DEFAULT_NET },
	{ .name = "set",
	  .cmd = INTNET_CMD_PORT_SET,
	  .arg = &arg_dev,
	  .kws = KWS(&kw_up, &kw_down, &kw_promisc, &kw_lock_mac, &kw_isolated,
		     &kw_port_flood_limit, &kw_lock_ip, &kw_dhcp_server),
	  .flags = V_NEEDS_SETTING },
	{ .name = "del", .cmd = INTNET_CMD_PORT_DEL, .arg = &arg_dev },
	{ .name = "show",
	  .cmd = INTNET_CMD_PORT_GET,
	  .arg = &arg_dev,
	  .kws = KWS(&kw_net),
	  .print = print_port },
	{ .name = NULL },
};

const struct object port_object = {
	.name = "port",
	.verbs = port_verbs,
	.run = run_verbs,
};
