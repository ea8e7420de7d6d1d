/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * intnet: the generic netlink contract between the intnet kernel module and its
 * userland (intnetctl). This header is the one place where numbers are defined.
 *
 * Objects: a *network* is a named Ethernet switch living in one network namespace;
 * a *port* is an Ethernet net_device of that namespace attached to one network; an
 * *FDB entry* maps a MAC address to the port behind which it was learned (or was
 * placed, for a static entry).
 *
 * Every request is answered with an error or an ack; a refused request carries an
 * extended ack message saying why, and changes nothing. All attributes are
 * top-level; statistics are nested in %INTNET_ATTR_STATS.
 */
#ifndef _UAPI_LINUX_INTNET_H
#define _UAPI_LINUX_INTNET_H

#define INTNET_GENL_NAME	"intnet"
#define INTNET_GENL_VERSION	1

/*
 * A network name: 1..INTNET_NAME_MAX bytes of printable ASCII other than space
 * and '/' (tools write another user's network as OWNER/NAME). Names are per
 * owner: see "Names" below.
 */
#define INTNET_NAME_MAX		127

#define INTNET_AGEING_MAX	1000000	/* seconds; 0 means never */
#define INTNET_FDB_MAX_LIMIT	1048576	/* FDB entries, learned and static */
/* Storm control: frames a second a port may flood, and the most at once. */
#define INTNET_FLOOD_LIMIT_MAX	10000000
#define INTNET_FLOOD_LIMIT_OFF	0xffffffff	/* no limit */
#define INTNET_FLOOD_BURST_MAX	1000000
/* IP anti-spoofing: the most addresses, IPv4 and IPv6 together, of a port. */
#define INTNET_PORT_IP_LOCK_MAX	8

/* The multicast groups of the family (see "Events" below). */
#define INTNET_MCGRP_EVENTS	"events"
#define INTNET_MCGRP_FDB	"fdb"
#define INTNET_MCGRP_MONITOR	"monitor"

/**
 * enum intnet_cmd - generic netlink commands of the "intnet" family
 * @INTNET_CMD_UNSPEC: unused, rejected
 * @INTNET_CMD_VERSION_GET: read-only, open to everyone. The reply carries
 *	%INTNET_ATTR_VERSION and %INTNET_ATTR_FEATURES.
 * @INTNET_CMD_NET_NEW: create an explicit network. Needs %INTNET_ATTR_NET_NAME;
 *	takes %INTNET_ATTR_NET_OWNER (the caller's own uid, or any user's from
 *	an administrator) and the settings of %INTNET_CMD_NET_SET. -EEXIST if
 *	the owner has a network of that name (an implicit network becomes
 *	explicit only through %INTNET_CMD_NET_SET).
 * @INTNET_CMD_NET_DEL: delete the network %INTNET_ATTR_NET_NAME, detaching
 *	its ports.
 * @INTNET_CMD_NET_SET: change the settings given (%INTNET_ATTR_NET_ACCESS,
 *	%INTNET_ATTR_NET_PROMISC_POLICY, %INTNET_ATTR_NET_FLOOD_UNKNOWN,
 *	%INTNET_ATTR_NET_AGEING, %INTNET_ATTR_NET_FDB_MAX,
 *	%INTNET_ATTR_NET_PORT_FDB_MAX, %INTNET_ATTR_NET_GROUP_FWD_MASK);
 *	%INTNET_ATTR_NET_EXPLICIT set to 1 keeps an implicit network after its
 *	last port leaves, set to 0 makes the network implicit (freed at once if
 *	it has no port).
 * @INTNET_CMD_NET_GET: one network (%INTNET_ATTR_NET_NAME) or, as a dump,
 *	every network of the namespace the caller may see. Replies carry the
 *	NET_ attributes and %INTNET_ATTR_STATS (sums over the network's ports).
 * @INTNET_CMD_PORT_ADD: attach the device %INTNET_ATTR_IFINDEX to the network
 *	%INTNET_ATTR_NET_NAME, creating an implicit network owned by the port's
 *	user if that user has none of the name (see "Names"). Takes
 *	%INTNET_ATTR_PORT_UP (default 1), %INTNET_ATTR_PORT_PROMISC,
 *	%INTNET_ATTR_PORT_LOCK_MAC, %INTNET_ATTR_PORT_ISOLATED,
 *	%INTNET_ATTR_PORT_FLOOD_LIMIT, %INTNET_ATTR_PORT_IP_LOCK,
 *	%INTNET_ATTR_PORT_DHCP_SERVER, %INTNET_ATTR_PORT_UPLINK,
 *	%INTNET_ATTR_PORT_NO_CREATE and (from an
 *	administrator)
 *	%INTNET_ATTR_PORT_USER.
 * @INTNET_CMD_PORT_DEL: detach the port %INTNET_ATTR_IFINDEX.
 * @INTNET_CMD_PORT_SET: change %INTNET_ATTR_PORT_UP, %INTNET_ATTR_PORT_PROMISC,
 *	%INTNET_ATTR_PORT_LOCK_MAC, %INTNET_ATTR_PORT_ISOLATED,
 *	%INTNET_ATTR_PORT_FLOOD_LIMIT, %INTNET_ATTR_PORT_IP_LOCK and/or
 *	%INTNET_ATTR_PORT_DHCP_SERVER of the port %INTNET_ATTR_IFINDEX.
 * @INTNET_CMD_PORT_GET: one port (%INTNET_ATTR_IFINDEX, whatever its network)
 *	or, as a dump, every port (of the network %INTNET_ATTR_NET_NAME when
 *	given).
 * @INTNET_CMD_FDB_ADD: add a static entry %INTNET_ATTR_MAC behind the port
 *	%INTNET_ATTR_IFINDEX; it replaces a learned entry, never a static one.
 * @INTNET_CMD_FDB_DEL: delete the entry %INTNET_ATTR_MAC of the network
 *	%INTNET_ATTR_NET_NAME (static or learned).
 * @INTNET_CMD_FDB_FLUSH: delete the learned entries of the network
 *	%INTNET_ATTR_NET_NAME, or of the port %INTNET_ATTR_IFINDEX only (which
 *	wins when both are given). Static entries stay.
 * @INTNET_CMD_FDB_GET: the entry %INTNET_ATTR_MAC of the network
 *	%INTNET_ATTR_NET_NAME or, as a dump, the entries of that network (of
 *	every network when absent).
 * @INTNET_CMD_MONITOR: subscribe the requesting socket to the events of
 *	&enum intnet_monitor %INTNET_ATTR_MONITOR (0 ends the subscription; a
 *	new request replaces the old one). Open to everyone; see "Events".
 *
 * Every command takes only the attributes listed for it (and
 * %INTNET_ATTR_NET_OWNER wherever it takes %INTNET_ATTR_NET_NAME); any other
 * is refused with -EINVAL. A missing required attribute is reported with
 * the extended ack's missing-attribute field and a message.
 *
 * Names: a network is named by its owner and its name, so every user has
 * their own "lab". A request names a network with %INTNET_ATTR_NET_NAME and,
 * optionally, %INTNET_ATTR_NET_OWNER (a uid in the caller's user namespace).
 * With an owner, it is that user's network of that name. Without one it is
 * the caller's own network of that name (for %INTNET_CMD_PORT_ADD: the port
 * user's), or else the one of that name owned by the root user of the
 * namespace (uid 0 of the user namespace owning the network namespace) if
 * that one is public or the caller an administrator. So another user's
 * network is only ever joined when named with its owner, and nothing is
 * joined by accident.
 *
 * Access control: a caller with CAP_NET_ADMIN over the user namespace that owns
 * the request's network namespace is an *administrator* and may do everything.
 * Any other caller may create networks (at most the module parameter
 * max_networks_per_user of them), attach a TAP it may open by tun's own rule
 * (its owner, if set, is the caller's effective uid, and the caller is in its
 * group, if set; a TAP with neither is an administrator's) to a network that
 * admits both the caller and the port's user (their own, or a public one), at
 * most max_ports_per_user ports, and change, detach or delete what it owns:
 * its networks, its ports and the ports of its networks. A port leaves its
 * network when its TAP's owner or group changes (TUNSETOWNER, TUNSETGROUP,
 * which whoever holds the TAP may do): the new owner attaches it again.
 * Networks a caller neither owns nor may join (public ones) are
 * invisible to it, as are ports and FDB entries that are neither its own nor
 * on its networks: requests about them answer -ENOENT as if they did not
 * exist, and dumps leave them out. Every refusal of a visible object is
 * -EPERM with an extended ack message; a quota reached is -EDQUOT.
 *
 * Events (%INTNET_FEATURE_EVENTS): changes are announced as messages that reuse
 * the command numbers and the attributes of the GET replies, sent with
 * portid 0 and sequence 0, in the network namespace of the change only:
 *
 * - %INTNET_CMD_NET_NEW: a network was made (by NET_NEW, or implicitly by
 *   its first port, announced just before that port); NET_ attributes as
 *   in a NET_GET reply.
 * - %INTNET_CMD_NET_SET: a network's settings changed (NET_SET).
 * - %INTNET_CMD_NET_DEL: a network is gone (NET_DEL, its last port left an
 *   implicit network, or it was made implicit without ports); it follows
 *   the PORT_DEL of each of its ports.
 * - %INTNET_CMD_PORT_ADD: a port was attached; attributes as in PORT_GET.
 * - %INTNET_CMD_PORT_SET: a port's up, promiscuous or MAC lock setting
 *   changed (PORT_SET).
 * - %INTNET_CMD_PORT_DEL: a port left (PORT_DEL, its device went away or
 *   left the namespace, its TAP changed hands, or its network was deleted);
 *   it follows the FDB_DEL
 *   events of the entries behind it.
 * - %INTNET_CMD_FDB_ADD: an entry appeared or moved; attributes as in
 *   FDB_GET, plus %INTNET_ATTR_FDB_EVENT saying why (learned, moved, added)
 *   and, for a move, %INTNET_ATTR_FDB_PREV_IFINDEX and
 *   %INTNET_ATTR_FDB_PREV_IFNAME (the port it was behind).
 * - %INTNET_CMD_FDB_DEL: an entry is gone; %INTNET_ATTR_FDB_EVENT says why
 *   (aged out, deleted, flushed).
 *
 * NET_ and PORT_ events go to %INTNET_MCGRP_EVENTS, FDB events to
 * %INTNET_MCGRP_FDB. In events, uids (%INTNET_ATTR_NET_OWNER,
 * %INTNET_ATTR_PORT_USER) are those of the user namespace that owns the
 * network namespace.
 *
 * Who receives what: an event goes only to listeners that may see its object
 * by the rules above (a NET_SET that makes a public network restricted still
 * reaches those who saw it public). Both multicast groups are for
 * administrators only (binding them needs CAP_NET_ADMIN over the namespace's
 * user namespace) and carry every event of the namespace. Other users
 * subscribe with %INTNET_CMD_MONITOR instead: the module then sends each event
 * the subscriber may see to the subscribing socket as a unicast message (the
 * same message as on the group), judged by the uid and rights the subscriber
 * had when subscribing. The subscription ends with the socket, and at most
 * max_monitors_per_user (a module parameter) sockets of one user may hold one
 * per namespace (-EDQUOT beyond). (A multicast group cannot be filtered per listener on
 * every supported kernel: 6.1 lacks genlmsg_multicast_netns_filtered(). So
 * the module filters for each subscriber itself, the same way on every
 * kernel.)
 *
 * No event is dropped silently: when a listener's receive buffer is full, its
 * socket reports ENOBUFS (as for any netlink overrun) and it should re-read
 * the state with the GET dumps. An event the module cannot build or copy
 * (no memory) is reported the same way, as ENOBUFS, to the members of its
 * group and to the members of %INTNET_MCGRP_MONITOR: a group open to
 * everyone that carries no message, which subscribers join to hear of such
 * losses.
 */
enum intnet_cmd {
	INTNET_CMD_UNSPEC,
	INTNET_CMD_VERSION_GET,
	INTNET_CMD_NET_NEW,
	INTNET_CMD_NET_DEL,
	INTNET_CMD_NET_SET,
	INTNET_CMD_NET_GET,
	INTNET_CMD_PORT_ADD,
	INTNET_CMD_PORT_DEL,
	INTNET_CMD_PORT_SET,
	INTNET_CMD_PORT_GET,
	INTNET_CMD_FDB_ADD,
	INTNET_CMD_FDB_DEL,
	INTNET_CMD_FDB_FLUSH,
	INTNET_CMD_FDB_GET,
	INTNET_CMD_MONITOR,

	__INTNET_CMD_MAX,
	INTNET_CMD_MAX = __INTNET_CMD_MAX - 1
};

/**
 * enum intnet_attr - top-level attributes
 * @INTNET_ATTR_UNSPEC: unused, rejected
 * @INTNET_ATTR_VERSION: string, the module's version ("MAJOR.MINOR.PATCH"),
 *	the same as /sys/module/intnet/version (reply only)
 * @INTNET_ATTR_FEATURES: u64, a bitmask of &enum intnet_feature bits the
 *	module implements; userland must ignore bits it does not know (reply only)
 * @INTNET_ATTR_PAD: padding for 64-bit attributes, never sent alone
 * @INTNET_ATTR_NET_NAME: string, a network's name (see %INTNET_NAME_MAX)
 * @INTNET_ATTR_NET_FLOOD_UNKNOWN: u8 0 or 1; 1 (default) floods unicast to
 *	unknown MACs to every port, 0 only to promiscuous ports
 * @INTNET_ATTR_NET_AGEING: u32, seconds a learned entry lives unrefreshed;
 *	0 = never (default 300, at most %INTNET_AGEING_MAX)
 * @INTNET_ATTR_NET_FDB_MAX: u32, the most FDB entries, learned and static
 *	together (1 to %INTNET_FDB_MAX_LIMIT, default 16384; above the default
 *	only from an administrator); beyond it new sources are not learned
 *	(%INTNET_STATS_FDB_FULL counts them) and static entries are refused
 * @INTNET_ATTR_NET_EXPLICIT: u8; 1 for a network made by NET_NEW (or kept by
 *	NET_SET), 0 for one made by its first port and freed with its last
 * @INTNET_ATTR_NET_OWNER: u32, the uid (in the caller's user namespace) that
 *	owns the network; the overflow uid (65534) when it has no mapping there.
 *	In a request, it qualifies %INTNET_ATTR_NET_NAME (see "Names"); in
 *	PORT_GET and FDB_GET replies it is the owner of their network
 * @INTNET_ATTR_NET_PORTS: u32, how many ports the network has (reply only)
 * @INTNET_ATTR_NET_FDB_LEARNED: u32, learned FDB entries (reply only)
 * @INTNET_ATTR_NET_FDB_STATIC: u32, static FDB entries (reply only)
 * @INTNET_ATTR_IFINDEX: u32, a port's device in the request's namespace
 * @INTNET_ATTR_IFNAME: string, the device's current name (reply only)
 * @INTNET_ATTR_PORT_UP: u8; 1 = up, 0 = down (a pulled cable: nothing
 *	enters or leaves the switch through the port)
 * @INTNET_ATTR_PORT_PROMISC: u8; 1 = the port asks for a copy of every frame
 *	on its network
 * @INTNET_ATTR_PORT_PROMISC_ACTIVE: u8; whether the port is promiscuous in
 *	effect (reply only)
 * @INTNET_ATTR_MAC: 6 bytes, an Ethernet address
 * @INTNET_ATTR_FDB_IS_STATIC: u8; 1 for a static entry (reply only)
 * @INTNET_ATTR_FDB_AGE: u32, milliseconds since the entry was last refreshed,
 *	at most U32_MAX (reply only; 0 for static entries)
 * @INTNET_ATTR_STATS: nested &enum intnet_stats (reply only)
 * @INTNET_ATTR_NET_ACCESS: u8 &enum intnet_access (default restricted)
 * @INTNET_ATTR_NET_PROMISC_POLICY: u8 &enum intnet_promisc_policy (default
 *	deny)
 * @INTNET_ATTR_NET_PORT_FDB_MAX: u32, the most FDB entries behind the ports
 *	of one user, learned and static together (at most
 *	%INTNET_FDB_MAX_LIMIT); 0 (default) means half of
 *	%INTNET_ATTR_NET_FDB_MAX, at least 1. Shared by all of a user's ports
 *	on the network, so that no user fills the table with more ports
 * @INTNET_ATTR_PORT_USER: u32, the uid (in the caller's user namespace) the
 *	port belongs to: the TAP's owner if it has one, else the user who attached
 *	it; only an administrator may give it in a request
 * @INTNET_ATTR_PORT_LOCK_MAC: 6 bytes; the only source address the port may
 *	send, which no other port may then use or claim; 00:00:00:00:00:00 in a
 *	request unlocks; in a reply only when locked
 * @INTNET_ATTR_PORT_FDB_LEARNED: u32, learned entries behind the port (reply
 *	only)
 * @INTNET_ATTR_FDB_LOCKED: u8; 1 for the entry of a port's MAC lock (reply
 *	only; such an entry is also static)
 * @INTNET_ATTR_MONITOR: u32, a bitmask of &enum intnet_monitor (MONITOR)
 * @INTNET_ATTR_FDB_EVENT: u8 &enum intnet_fdb_event (FDB events only)
 * @INTNET_ATTR_NET_GROUP_FWD_MASK: u16; bit N set forwards frames to the IEEE
 *	802.1D link-local group address 01:80:C2:00:00:0N, which are dropped
 *	otherwise (default 0: none, as on a bridge). Bit 1, MAC PAUSE
 *	(01:80:C2:00:00:01), can never be set: PAUSE is never forwarded
 * @INTNET_ATTR_FDB_PREV_IFINDEX: u32, in an FDB move event: the port the
 *	entry was behind (reply only)
 * @INTNET_ATTR_FDB_PREV_IFNAME: string, that port's name (reply only)
 * @INTNET_ATTR_PORT_CARRIER: u8; 1 when the port's device is up and has a
 *	carrier, so that frames go out of it (reply only). A TAP has a carrier
 *	while a process holds it open
 * @INTNET_ATTR_PORT_NO_CREATE: u8; 1 in PORT_ADD: join only a network that
 *	exists, never make one (-ENOENT "no such network" instead)
 * @INTNET_ATTR_PORT_ISOLATED: u8; 1 = an isolated port: its frames reach only
 *	ports that are not isolated, and it gets frames only from those (copies
 *	to promiscuous ports included). Set by the network's owner or an
 *	administrator (default 0)
 * @INTNET_ATTR_NET_FLOOD_LIMIT: u32, storm control: the frames a second each
 *	port may flood (broadcast, multicast, unknown unicast; 1 to
 *	%INTNET_FLOOD_LIMIT_MAX), %INTNET_FLOOD_LIMIT_OFF for no limit, or 0
 *	(auto, the default): 1,000 a second for the ports of users other than
 *	the network's owner, no limit for the owner's. A port's own
 *	%INTNET_ATTR_PORT_FLOOD_LIMIT overrides it
 * @INTNET_ATTR_NET_FLOOD_BURST: u32, the most frames a port may flood at once
 *	before its limit paces it (1 to %INTNET_FLOOD_BURST_MAX, default 100)
 * @INTNET_ATTR_PORT_FLOOD_LIMIT: u32, the port's own flood limit: 0 (the
 *	default) follows the network's, %INTNET_FLOOD_LIMIT_OFF none, else
 *	frames a second. The network's owner and administrators set any; the
 *	port's user only a limit no higher than the network's for the port
 * @INTNET_ATTR_PORT_FLOOD_RATE: u32, the flood limit in effect on the port,
 *	frames a second; 0 for none (reply only)
 * @INTNET_ATTR_PORT_IP_LOCK: nested &enum intnet_ip_lock_attr, IP
 *	anti-spoofing: the addresses the port may send from (at most
 *	%INTNET_PORT_IP_LOCK_MAX, unicast), each bound to it: one port of a
 *	network at most has an address (-EEXIST when another port has it).
 *	While any port of a network has a lock, the frames its ports send are
 *	checked on the way in: no port may claim an address locked to another
 *	(as its IPv4 or IPv6 source, ARP sender or probed address, IPv6
 *	neighbour advertisement or duplicate address detection target), and a
 *	locked port may claim only its own (0.0.0.0 and :: claim nothing);
 *	a locked port's ARP must also have the frame's source as its sender
 *	MAC, and it may send no DHCP or DHCPv6 server messages unless
 *	%INTNET_ATTR_PORT_DHCP_SERVER, and no VLAN-tagged frames. A checksum
 *	left to the egress device must be a TCP or UDP one in place. Other
 *	protocols pass. In a request the nest replaces the port's list, and an
 *	empty nest lifts the lock; in a reply it is present only when locked.
 *	Set by the network's owner or an administrator (PORT_ADD and PORT_SET)
 * @INTNET_ATTR_PORT_DHCP_SERVER: u8; 1 lets a port with an IP lock send DHCP
 *	and DHCPv6 server messages (UDP to a client's port, 68 or 546; a
 *	BOOTREPLY to port 67; ADVERTISE, REPLY, RECONFIGURE or RELAY-REPL to
 *	port 547), 0 (the default) drops them. Set by the network's owner or an
 *	administrator
 * @INTNET_ATTR_PORT_UPLINK: u8; 1 in PORT_ADD attaches a host NIC as the
 *	network's uplink (an administrator only; one per network): the NIC keeps
 *	its addresses and routes and the host keeps using it, while the
 *	network's VMs become stations of its LAN with their own MACs. Frames
 *	from the wire to a MAC the network knows behind another port enter the
 *	network, broadcast and multicast go to both, the rest to the host only;
 *	the host's frames to a VM's MAC enter the network and never reach the
 *	wire. Refused for a wireless device. In replies and events of every port
 * @INTNET_ATTR_PORT_UC_FILTER: u8, an uplink's only: 1 when the NIC's
 *	unicast filter holds the MACs of the network's stations, 0 when the NIC
 *	has none and is promiscuous while it holds any (reply only)
 */
enum intnet_attr {
	INTNET_ATTR_UNSPEC,
	INTNET_ATTR_VERSION,
	INTNET_ATTR_FEATURES,
	INTNET_ATTR_PAD,
	INTNET_ATTR_NET_NAME,
	INTNET_ATTR_NET_FLOOD_UNKNOWN,
	INTNET_ATTR_NET_AGEING,
	INTNET_ATTR_NET_FDB_MAX,
	INTNET_ATTR_NET_EXPLICIT,
	INTNET_ATTR_NET_OWNER,
	INTNET_ATTR_NET_PORTS,
	INTNET_ATTR_NET_FDB_LEARNED,
	INTNET_ATTR_NET_FDB_STATIC,
	INTNET_ATTR_IFINDEX,
	INTNET_ATTR_IFNAME,
	INTNET_ATTR_PORT_UP,
	INTNET_ATTR_PORT_PROMISC,
	INTNET_ATTR_PORT_PROMISC_ACTIVE,
	INTNET_ATTR_MAC,
	INTNET_ATTR_FDB_IS_STATIC,
	INTNET_ATTR_FDB_AGE,
	INTNET_ATTR_STATS,
	INTNET_ATTR_NET_ACCESS,
	INTNET_ATTR_NET_PROMISC_POLICY,
	INTNET_ATTR_NET_PORT_FDB_MAX,
	INTNET_ATTR_PORT_USER,
	INTNET_ATTR_PORT_LOCK_MAC,
	INTNET_ATTR_PORT_FDB_LEARNED,
	INTNET_ATTR_FDB_LOCKED,
	INTNET_ATTR_MONITOR,
	INTNET_ATTR_FDB_EVENT,
	INTNET_ATTR_NET_GROUP_FWD_MASK,
	INTNET_ATTR_FDB_PREV_IFINDEX,
	INTNET_ATTR_FDB_PREV_IFNAME,
	INTNET_ATTR_PORT_CARRIER,
	INTNET_ATTR_PORT_NO_CREATE,
	INTNET_ATTR_PORT_ISOLATED,
	INTNET_ATTR_NET_FLOOD_LIMIT,
	INTNET_ATTR_NET_FLOOD_BURST,
	INTNET_ATTR_PORT_FLOOD_LIMIT,
	INTNET_ATTR_PORT_FLOOD_RATE,
	INTNET_ATTR_PORT_IP_LOCK,
	INTNET_ATTR_PORT_DHCP_SERVER,
	INTNET_ATTR_PORT_UPLINK,
	INTNET_ATTR_PORT_UC_FILTER,

	__INTNET_ATTR_MAX,
	INTNET_ATTR_MAX = __INTNET_ATTR_MAX - 1
};

/**
 * enum intnet_stats - u64 counters nested in %INTNET_ATTR_STATS
 *
 * Every frame a port receives is counted once in %INTNET_STATS_RX_PACKETS and
 * once more as exactly one of: forwarded (%INTNET_STATS_RX_FORWARDED),
 * flooded (%INTNET_STATS_RX_FLOODED) or dropped for one reason
 * (%INTNET_STATS_RX_DROP_*). Transmit counters are per egress port.
 *
 * @INTNET_STATS_UNSPEC: unused
 * @INTNET_STATS_PAD: padding
 * @INTNET_STATS_RX_PACKETS: frames received from the device into the switch
 * @INTNET_STATS_RX_BYTES: their bytes, Ethernet header included
 * @INTNET_STATS_RX_FORWARDED: sent to the one port behind a known unicast MAC
 * @INTNET_STATS_RX_FLOODED: broadcast, multicast or unknown unicast, sent to
 *	every other eligible port
 * @INTNET_STATS_RX_DROP_PORT_DOWN: received while the port was down
 * @INTNET_STATS_RX_DROP_INVALID_SRC: multicast, broadcast or all-zero source
 * @INTNET_STATS_RX_DROP_LOCAL: the destination is behind the ingress port
 * @INTNET_STATS_RX_DROP_DEST_DOWN: the destination's port is down
 * @INTNET_STATS_RX_DROP_NOMEM: no memory to take the frame (a copy that
 *	cannot be made for one egress port counts there, as
 *	%INTNET_STATS_TX_DROP_NOMEM)
 * @INTNET_STATS_FDB_FULL: sources not learned because the FDB, or the
 *	share of it of the port's user
 *	(%INTNET_ATTR_NET_PORT_FDB_MAX), was full (the frames were still
 *	switched)
 * @INTNET_STATS_TX_PACKETS: frames sent out of the port's device
 * @INTNET_STATS_TX_BYTES: their bytes, Ethernet header included
 * @INTNET_STATS_TX_DROP_OVERSIZE: not sent: larger than the device's MTU
 * @INTNET_STATS_TX_DROP_ERROR: not sent: the device refused the frame
 * @INTNET_STATS_RX_DROP_MAC_LOCKED: the source address is not the port's
 *	locked one, or is locked to another port, or is a station learned
 *	behind another user's port, or on the other side of the network's
 *	uplink (or the uplink NIC's own address)
 * @INTNET_STATS_TX_DROP_NOMEM: not sent: no memory for this port's copy of a
 *	flooded frame, or of a frame a promiscuous port sees
 * @INTNET_STATS_RX_DROP_LINK_LOCAL: an IEEE 802.1D link-local frame
 *	(01:80:C2:00:00:0X) that %INTNET_ATTR_NET_GROUP_FWD_MASK does not forward
 * @INTNET_STATS_RX_DROP_NO_DEST: a flooded frame that no port could take (no
 *	other port is up with a carrier, or unknown unicast with flood-unknown
 *	off and no promiscuous port to see it)
 * @INTNET_STATS_RX_DROP_BAD_HEADER: the frame did not come with a 14-byte
 *	Ethernet header
 * @INTNET_STATS_RX_DROP_ISOLATED: known unicast from an isolated port to
 *	another isolated port
 * @INTNET_STATS_RX_DROP_FLOOD_LIMIT: a frame to flood beyond the port's flood
 *	limit (storm control)
 * @INTNET_STATS_RX_DROP_IP_SPOOF: on a network with IP locks: an IPv4 or
 *	IPv6 packet from an address the port may not claim, a malformed IP
 *	header or extension header chain, a checksum left to the egress device
 *	out of place; from a locked port, a VLAN-tagged frame
 * @INTNET_STATS_RX_DROP_ARP_SPOOF: on a network with IP locks: ARP claiming
 *	or probing an address the port may not claim; from a locked port, ARP
 *	with a sender MAC other than the frame's source, or not Ethernet/IPv4
 * @INTNET_STATS_RX_DROP_ND_SPOOF: on a network with IP locks: an IPv6
 *	neighbour advertisement, or a solicitation from ::, for a target the
 *	port may not claim
 * @INTNET_STATS_RX_DROP_DHCP_SERVER: from a port with an IP lock and without
 *	%INTNET_ATTR_PORT_DHCP_SERVER: a DHCP or DHCPv6 server message
 */
enum intnet_stats {
	INTNET_STATS_UNSPEC,
	INTNET_STATS_PAD,
	INTNET_STATS_RX_PACKETS,
	INTNET_STATS_RX_BYTES,
	INTNET_STATS_RX_FORWARDED,
	INTNET_STATS_RX_FLOODED,
	INTNET_STATS_RX_DROP_PORT_DOWN,
	INTNET_STATS_RX_DROP_INVALID_SRC,
	INTNET_STATS_RX_DROP_LOCAL,
	INTNET_STATS_RX_DROP_DEST_DOWN,
	INTNET_STATS_RX_DROP_NOMEM,
	INTNET_STATS_FDB_FULL,
	INTNET_STATS_TX_PACKETS,
	INTNET_STATS_TX_BYTES,
	INTNET_STATS_TX_DROP_OVERSIZE,
	INTNET_STATS_TX_DROP_ERROR,
	INTNET_STATS_RX_DROP_MAC_LOCKED,
	INTNET_STATS_TX_DROP_NOMEM,
	INTNET_STATS_RX_DROP_LINK_LOCAL,
	INTNET_STATS_RX_DROP_NO_DEST,
	INTNET_STATS_RX_DROP_BAD_HEADER,
	INTNET_STATS_RX_DROP_ISOLATED,
	INTNET_STATS_RX_DROP_FLOOD_LIMIT,
	INTNET_STATS_RX_DROP_IP_SPOOF,
	INTNET_STATS_RX_DROP_ARP_SPOOF,
	INTNET_STATS_RX_DROP_ND_SPOOF,
	INTNET_STATS_RX_DROP_DHCP_SERVER,

	__INTNET_STATS_MAX,
	INTNET_STATS_MAX = __INTNET_STATS_MAX - 1
};

/**
 * enum intnet_feature - bits of %INTNET_ATTR_FEATURES
 * @INTNET_FEATURE_NETNS: the family answers in every network namespace, and
 *	each namespace has its own state
 * @INTNET_FEATURE_SWITCH: networks, ports, the learning FDB and statistics
 *	(the NET_, PORT_ and FDB_ commands)
 * @INTNET_FEATURE_ACCESS: owners, restricted and public networks, the
 *	promiscuous policy, MAC locks, per-port learning limits and unprivileged
 *	use
 * @INTNET_FEATURE_EVENTS: events: the multicast groups %INTNET_MCGRP_EVENTS
 *	and %INTNET_MCGRP_FDB, and %INTNET_CMD_MONITOR
 * @INTNET_FEATURE_OWNER_NAMES: names per owner (%INTNET_ATTR_NET_OWNER in
 *	requests, see "Names"), ports that follow their TAP's owner, and
 *	%INTNET_ATTR_NET_GROUP_FWD_MASK
 * @INTNET_FEATURE_SAFE_SHARING: storm control (the FLOOD_LIMIT attributes),
 *	isolated ports and IP anti-spoofing (%INTNET_ATTR_PORT_IP_LOCK,
 *	%INTNET_ATTR_PORT_DHCP_SERVER)
 * @INTNET_FEATURE_UPLINK: host NICs as uplinks (%INTNET_ATTR_PORT_UPLINK)
 *
 * New capabilities add a bit here when they land, so that a newer intnetctl
 * can tell what an older module supports.
 */
enum intnet_feature {
	INTNET_FEATURE_NETNS = 1 << 0,
	INTNET_FEATURE_SWITCH = 1 << 1,
	INTNET_FEATURE_ACCESS = 1 << 2,
	INTNET_FEATURE_EVENTS = 1 << 3,
	INTNET_FEATURE_OWNER_NAMES = 1 << 4,
	INTNET_FEATURE_SAFE_SHARING = 1 << 5,
	INTNET_FEATURE_UPLINK = 1 << 6,
};

/**
 * enum intnet_ip_lock_attr - attributes nested in %INTNET_ATTR_PORT_IP_LOCK,
 *	each repeated once per address
 * @INTNET_IP_LOCK_UNSPEC: unused, rejected
 * @INTNET_IP_LOCK_IPV4: 4 bytes, an IPv4 address, network byte order
 * @INTNET_IP_LOCK_IPV6: 16 bytes, an IPv6 address
 */
enum intnet_ip_lock_attr {
	INTNET_IP_LOCK_UNSPEC,
	INTNET_IP_LOCK_IPV4,
	INTNET_IP_LOCK_IPV6,

	__INTNET_IP_LOCK_MAX,
	INTNET_IP_LOCK_MAX = __INTNET_IP_LOCK_MAX - 1
};

/**
 * enum intnet_monitor - what %INTNET_CMD_MONITOR subscribes to
 * @INTNET_MONITOR_OBJECTS: the NET_ and PORT_ events
 * @INTNET_MONITOR_FDB: the FDB events
 */
enum intnet_monitor {
	INTNET_MONITOR_OBJECTS = 1 << 0,
	INTNET_MONITOR_FDB = 1 << 1,
};

/**
 * enum intnet_fdb_event - why an FDB event was sent
 * @INTNET_FDB_EVENT_LEARN: FDB_ADD: a new source was learned
 * @INTNET_FDB_EVENT_MOVE: FDB_ADD: a learned source moved to another port
 * @INTNET_FDB_EVENT_ADD: FDB_ADD: a static entry or a MAC lock was placed
 * @INTNET_FDB_EVENT_AGE: FDB_DEL: a learned entry aged out
 * @INTNET_FDB_EVENT_DEL: FDB_DEL: deleted by FDB_DEL, replaced by a static
 *	entry, or a MAC lock was lifted or changed
 * @INTNET_FDB_EVENT_FLUSH: FDB_DEL: flushed by FDB_FLUSH, by its port going
 *	down, or by its port leaving
 */
enum intnet_fdb_event {
	INTNET_FDB_EVENT_LEARN,
	INTNET_FDB_EVENT_MOVE,
	INTNET_FDB_EVENT_ADD,
	INTNET_FDB_EVENT_AGE,
	INTNET_FDB_EVENT_DEL,
	INTNET_FDB_EVENT_FLUSH,
};

/**
 * enum intnet_access - who may attach ports to a network
 * @INTNET_ACCESS_RESTRICTED: only ports whose user is the network's owner
 * @INTNET_ACCESS_PUBLIC: ports of any user; the network is visible to all
 */
enum intnet_access {
	INTNET_ACCESS_RESTRICTED,
	INTNET_ACCESS_PUBLIC,
};

/**
 * enum intnet_promisc_policy - what a promiscuous port of a network receives
 * @INTNET_PROMISC_DENY: nothing more than a normal port
 * @INTNET_PROMISC_ALLOW_SAME_USER: copies of the frames whose ingress or
 *	destination port has the same user as the promiscuous port
 * @INTNET_PROMISC_ALLOW_ALL: a copy of every frame on the network
 */
enum intnet_promisc_policy {
	INTNET_PROMISC_DENY,
	INTNET_PROMISC_ALLOW_SAME_USER,
	INTNET_PROMISC_ALLOW_ALL,
};

#endif /* _UAPI_LINUX_INTNET_H */
