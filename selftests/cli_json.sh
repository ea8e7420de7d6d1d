#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# intnetctl -j: every show command's output parses as JSON (python3's json module),
# has the documented shape and member types, carries the values that were set (names
# with quotes and backslashes included), gives [] when empty and nothing on a refusal;
# as root and as unprivileged users (alice 1001, bob 1002), with and without -s; also
# -j version and -j monitor (one JSON object per line). Names are per owner: "name" and
# "net" are the bare name, "owner" and "net_owner" tell two of a name apart.
. "$(dirname "$0")/lib.sh"

load_module
ALICE=1001 BOB=1002
PY=/usr/bin/python3
# Two names that JSON must escape: a quote, a backslash, an apostrophe; brackets.
ODD1="cj-q\"'x\\"
ODD2='cj-[{,:}]|'
devs="cj-ta1 cj-ta2 cj-ta3 cj-tr cj-v1"
tmp=$(mktemp -d)
mon_pid='' amon_pid='' vms_pid=''

at_exit rm -rf "$tmp"
# shellcheck disable=SC2086
at_exit del_links $devs
at_exit del_nets cj-pub cj-root cj-empty "$ODD1" "$ODD2" cj-mon cj-dup 1001/cj-a 1001/cj-dup \
	1001/cj-amon 1001/cj-amon2
at_exit_late 'stop_pids "$mon_pid" "$amon_pid" "$vms_pid"'


# run KEY [UID] -- ARGS...: intnetctl ARGS as root (or UID); stdout, stderr and the
# exit status kept in $tmp/KEY.{out,err,rc} for the validator.
run() {
	local key=$1 uid=$2
	shift 3
	if [ "$uid" = 0 ]; then
		intnetctl "$@" >"$tmp/$key.out" 2>"$tmp/$key.err"
	else
		as_uid "$uid" intnetctl "$@" >"$tmp/$key.out" 2>"$tmp/$key.err"
	fi
	echo $? >"$tmp/$key.rc"
}

setup_ok=1
setup() { "$@" || { setup_ok=0; echo "# setup failed: $*"; }; }

ip -batch - <<EOF
tuntap add mode tap name cj-ta1 user $ALICE
tuntap add mode tap name cj-ta2 user $ALICE
tuntap add mode tap name cj-ta3 user $ALICE
tuntap add mode tap name cj-tr
link add cj-v1 type veth peer name cj-v1p
link set cj-v1p address 02:00:00:00:0c:01
EOF
# The veth's far end stands for a VM: it sends only what the test writes. (Under TCG
# every program run costs: builtins where they do.)
echo 1 >/proc/sys/net/ipv6/conf/cj-v1p/disable_ipv6
# shellcheck disable=SC2086
printf 'link set %s up\n' $devs cj-v1p | ip -batch -

# root: a public network with every setting changed, a restricted one with a veth
# port, a static and a learned entry, an empty one, and two odd names
setup intnetctl net add cj-pub public promisc-policy allow-all flood-unknown off \
	ageing 900 fdb-max 1000 port-fdb-max 10 group-fwd-mask 0x4000
setup intnetctl net add cj-root
setup intnetctl port add cj-v1 net cj-root
setup intnetctl fdb add 02:00:00:00:0c:99 dev cj-v1
setup intnetctl net add cj-empty
setup intnetctl net add "$ODD2" restricted
setup intnetctl port add cj-tr net "$ODD1"
setup intnetctl fdb add 02:00:00:00:0d:01 dev cj-tr
# alice: her restricted network with a locked port (its MAC and two IP addresses,
# a DHCP server) and a promiscuous one, a static entry, and her port on root's public
# network
setup as_uid $ALICE intnetctl net add cj-a ageing 600 promisc-policy allow-same-user
setup as_uid $ALICE intnetctl port add cj-ta1 net cj-a lock-mac 02:00:00:00:0a:01 \
	lock-ip 10.0.0.1 lock-ip fd00::a:1 dhcp-server on
setup as_uid $ALICE intnetctl port add cj-ta2 net cj-a promisc on
setup as_uid $ALICE intnetctl fdb add 02:00:00:00:0a:99 dev cj-ta2
setup as_uid $ALICE intnetctl port add cj-ta3 net cj-pub
# and one name twice: root's cj-dup and alice's
setup intnetctl net add cj-dup
setup as_uid $ALICE intnetctl net add cj-dup

# Frames into the switch (broadcast, ethertype 0x88b5; 60 bytes, cj-ta2's seventy 1514
# so that its byte counter passes 100000, where the table turns to units and JSON must
# not): through the TAPs' fds and the veth's far end. cj-ta1 sends one frame from its
# locked address and one from another (dropped: mac-locked). The "VMs" hold their TAPs
# open all along: a TAP without a reader has no carrier, gets no floods, and what was
# learned behind it is forgotten. cj-ta3 and cj-v1 are alone on their networks: their
# broadcasts reach no port (no-dest); cj-v1's far end also sends an LLDP frame, which
# cj-root (group-fwd-mask 0) drops (link-local).
cat >"$tmp/send.py" <<'EOF'
import fcntl, os, socket, struct, sys, time
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454ca, 0x0002, 0x1000
def frame(src, size=60, dst="ff:ff:ff:ff:ff:ff", etype=b"\x88\xb5"):
    return (bytes.fromhex(dst.replace(":", "")) + bytes.fromhex(src.replace(":", "")) +
            etype + bytes(size - 14))
def tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd
def send(fd, *srcs, size=60):
    for s in srcs:
        os.write(fd, frame(s, size))
fds = [tap(n) for n in ("cj-ta1", "cj-ta2", "cj-ta3")]
send(fds[0], "02:00:00:00:0a:01", "02:00:00:00:0a:05")
send(fds[1], *["02:00:00:00:0a:02"] * 70, size=1514)
send(fds[2], "02:00:00:00:0b:03")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("cj-v1p", 0))
s.send(frame("02:00:00:00:0c:01"))
s.send(frame("02:00:00:00:0c:01", dst="01:80:c2:00:00:0e", etype=b"\x88\xcc"))
print("ready", flush=True)
time.sleep(3600)
EOF
$PY "$tmp/send.py" >"$tmp/vms" &
vms_pid=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/vms" ] && break
	nap 0.1
done
setup grep -q ready "$tmp/vms"
# The learned entries are there once the last sender's is (frames are switched
# synchronously on write, a veth's by its softirq: poll).
learned_0c01() {
	local l
	while IFS= read -r l; do
		[[ $l =~ ^02:00:00:00:0c:01\ .*learned ]] && return 0
	done < <(intnetctl fdb show net cj-root)
	return 1
}
for ((i = 0; i < 50; i++)); do
	learned_0c01 && break
	nap 0.1
done

# every show command, as root
run net_all 0 -- -j net show
run net_text 0 -- net show
run a_net_text $ALICE -- net show
run net_pub 0 -- -j net show cj-pub
run net_odd1 0 -- -j net show "$ODD1"
run net_odd2 0 -- -j net show "$ODD2"
run net_s 0 -- -j -s net show
run net_a_s 0 -- -j -s net show 1001/cj-a
run port_all 0 -- -j port show
run port_ta1 0 -- -j port show cj-ta1
run port_a 0 -- -j port show net 1001/cj-a
run port_odd1 0 -- -j port show net "$ODD1"
run port_empty 0 -- -j port show net cj-empty
run port_s 0 -- -j -s port show
run port_ta1_s 0 -- -j -s port show cj-ta1
run port_ta2_s 0 -- -j -s port show cj-ta2
run port_ta2_table 0 -- -s port show cj-ta2
run fdb_all 0 -- -j fdb show
run fdb_a 0 -- -j fdb show net 1001/cj-a
run fdb_root 0 -- -j fdb show net cj-root
run fdb_odd1 0 -- -j fdb show net "$ODD1"
run fdb_empty 0 -- -j fdb show net cj-empty
run fdb_s 0 -- -j -s fdb show
run version 0 -- -j version
# as alice and bob
run a_net $ALICE -- -j net show
run a_net_root $ALICE -- -j net show cj-root
run a_net_root_q $ALICE -- -j net show root/cj-root
run a_port $ALICE -- -j port show
run a_port_s $ALICE -- -j -s port show cj-ta2
run a_fdb $ALICE -- -j fdb show
run a_fdb_pub $ALICE -- -j fdb show net cj-pub
run b_net $BOB -- -j net show
run b_port $BOB -- -j port show
run b_fdb $BOB -- -j fdb show
run b_fdb_pub $BOB -- -j fdb show net cj-pub
run port_v1_s 0 -- -j -s port show cj-v1
run port_ta3_s 0 -- -j -s port show cj-ta3
run port_v1_table 0 -- -s port show cj-v1
run net_dup 0 -- -j net show cj-dup
run net_dup_a 0 -- -j net show 1001/cj-dup
# The VMs go: their TAPs lose their carrier, and the entries behind them
kill "$vms_pid"
wait "$vms_pid" 2>/dev/null
vms_pid=''
run port_gone 0 -- -j port show net 1001/cj-a
run fdb_gone 0 -- -j fdb show net 1001/cj-a

# -j monitor fdb, as root and as alice: one JSON object per line. Both start, then root
# and alice each add and delete a network until each monitor has shown its own (at most
# 10 s); then root changes its restricted network's FDB and adds and deletes it again,
# and alice a second network of hers: once alice's monitor shows that, it has shown
# whatever of root's it was going to.
intnetctl -j monitor fdb >"$tmp/mon.out" 2>"$tmp/mon.err" &
mon_pid=$!
as_uid $ALICE intnetctl -j monitor fdb >"$tmp/amon.out" 2>"$tmp/amon.err" &
amon_pid=$!
in_file() { [[ $(<"$1") == *"$2"* ]]; }
alive() { kill -0 "$mon_pid" 2>/dev/null && kill -0 "$amon_pid" 2>/dev/null; }
# (Each one's commands in one intnetctl -force -batch: every line runs.)
for ((i = 0; i < 50; i++)); do
	printf '%s\n' "net add cj-amon" "net del cj-amon" | as_uid $ALICE intnetctl -force -batch - 2>/dev/null
	printf '%s\n' "net add cj-mon" "net del cj-mon" | intnetctl -force -batch - 2>/dev/null
	in_file "$tmp/amon.out" '"cj-amon"' && in_file "$tmp/mon.out" '"cj-mon"' && break
	alive || break
	nap 0.2
done
intnetctl -force -batch - <<EOF
fdb add 02:00:00:00:0e:01 dev cj-v1
fdb del 02:00:00:00:0e:01 net cj-root
EOF
printf '%s\n' "net add cj-mon" "net del cj-mon" | intnetctl -force -batch - 2>/dev/null
printf '%s\n' "net add cj-amon2" "net del cj-amon2" | as_uid $ALICE intnetctl -force -batch - 2>/dev/null
for ((i = 0; i < 50; i++)); do
	in_file "$tmp/amon.out" '"cj-amon2"' && in_file "$tmp/mon.out" '"cj-amon2"' && break
	alive || break
	nap 0.2
done
kill "$mon_pid" "$amon_pid" 2>/dev/null
wait "$mon_pid" "$amon_pid" 2>/dev/null
mon_pid='' amon_pid=''

# The validator prints one "ok|not ok<TAB>description" line per check, then details.
cat >"$tmp/check.py" <<'EOF'
import ipaddress, json, os, re, sys

tmp, odd1, odd2 = sys.argv[1:4]
ALICE, BOB = 1001, 1002
results = []
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
STATS = ["rx_packets", "rx_bytes", "rx_forwarded", "rx_flooded", "rx_drop_port_down",
         "rx_drop_invalid_src", "rx_drop_local", "rx_drop_dest_down", "rx_drop_nomem",
         "rx_drop_mac_locked", "rx_drop_link_local", "rx_drop_no_dest",
         "rx_drop_bad_header", "rx_drop_isolated", "rx_drop_flood_limit",
         "rx_drop_ip_spoof", "rx_drop_arp_spoof", "rx_drop_nd_spoof", "rx_drop_dhcp_server",
         "fdb_full", "tx_packets", "tx_bytes", "tx_drop_oversize", "tx_drop_error",
         "tx_drop_nomem"]
ifindex = {d: int(open("/sys/class/net/%s/ifindex" % d).read())
           for d in ("cj-ta1", "cj-ta2", "cj-ta3", "cj-tr", "cj-v1")}
modver = open("/sys/module/intnet/version").read().strip()

def result(ok, desc, detail=""):
    results.append((ok, desc, detail))

def read(key):
    p = os.path.join(tmp, key)
    return (open(p + ".out").read(), int(open(p + ".rc").read()),
            open(p + ".err").read())

def is_int(v):
    return type(v) is int and v >= 0

def is_str(v):
    return type(v) is str

def is_bool(v):
    return type(v) is bool

def is_mac(v):
    return is_str(v) and MAC.match(v) is not None

def one_of(*words):
    return lambda v: v in words

def mac_or_null(v):
    return v is None or is_mac(v)

def is_ip(v):
    """An IPv4 or IPv6 address, written as Python writes it (IPv6 compressed)."""
    try:
        return is_str(v) and str(ipaddress.ip_address(v)) == v
    except ValueError:
        return False

def ip_list(v):
    return type(v) is list and 1 <= len(v) <= 8 and all(is_ip(a) for a in v)

NET = {"name": is_str, "ports": is_int, "fdb_learned": is_int, "fdb_static": is_int,
       "fdb_max": is_int, "port_fdb_max": is_int, "ageing": is_int,
       "flood_unknown": is_bool, "explicit": is_bool, "owner": is_int,
       "access": one_of("restricted", "public"),
       "promisc_policy": one_of("deny", "allow-same-user", "allow-all"),
       "group_fwd_mask": lambda v: is_int(v) and v <= 0xffff and not v & 2,
       "flood_limit": lambda v: is_int(v) and (v <= 10000000 or v == 0xffffffff),
       "flood_burst": lambda v: is_int(v) and 1 <= v <= 1000000}
PORT = {"ifname": is_str, "ifindex": is_int, "net": is_str, "net_owner": is_int,
        "up": is_bool, "carrier": is_bool, "promisc": is_bool, "promisc_active": is_bool,
        "user": is_int, "fdb_learned": is_int, "lock_mac": mac_or_null, "isolated": is_bool,
        "flood_limit": lambda v: is_int(v) and (v <= 10000000 or v == 0xffffffff),
        "flood_rate": lambda v: is_int(v) and v <= 10000000, "dhcp_server": is_bool,
        "uplink": is_bool}
# members present only at times: a port's lock_ip only while it has an IP lock, an
# uplink's filter only on an uplink
PORT_OPT = {"lock_ip": ip_list, "uplink_filter": lambda v: v in ("unicast", "promisc")}
FDB = {"mac": is_mac, "ifname": is_str, "ifindex": is_int, "net": is_str,
       "net_owner": is_int, "static": is_bool, "locked": is_bool, "age_ms": is_int}
# what an "fdb move" event adds
FDB_MOVE = {"prev_ifindex": is_int, "prev_ifname": is_str}

def shape_errors(obj, schema, stats, optional={}):
    errs = []
    if type(obj) is not dict:
        return ["member is %s, not an object" % type(obj).__name__]
    for k, ok in schema.items():
        if k not in obj:
            errs.append("no %s" % k)
        elif not ok(obj[k]):
            errs.append("%s=%r has the wrong type or value" % (k, obj[k]))
    for k, ok in optional.items():
        if k in obj and not ok(obj[k]):
            errs.append("%s=%r has the wrong type or value" % (k, obj[k]))
    extra = set(obj) - set(schema) - set(optional) - {"stats"}
    if extra:
        errs.append("unknown members %s" % sorted(extra))
    if stats is True:
        s = obj.get("stats")
        if type(s) is not dict:
            errs.append("no stats object")
        else:
            errs += ["stats.%s missing or not a non-negative integer" % k
                     for k in STATS if not is_int(s.get(k))]
            errs += ["unknown counter stats.%s" % k for k in s if k not in STATS]
    elif stats is False and "stats" in obj:
        errs.append("stats without -s")
    return errs

def optional_of(schema):
    return PORT_OPT if schema is PORT else {}

def load(key, desc, schema, stats=False):
    """Checks that KEY's output is a JSON list of SCHEMA objects; returns it or None."""
    out, rc, err = read(key)
    try:
        val = json.loads(out)
    except ValueError as e:
        result(False, desc, "rc %d, does not parse: %s\n%s%s" % (rc, e, out[:400], err[:200]))
        return None
    if rc != 0 or type(val) is not list:
        result(False, desc, "rc %d, a %s\n%s" % (rc, type(val).__name__, out[:400]))
        return None
    errs = []
    for i, obj in enumerate(val):
        errs += ["[%d] %s" % (i, e) for e in shape_errors(obj, schema, stats, optional_of(schema))]
    result(not errs, desc, "\n".join(errs[:10]))
    return val

def expect(desc, want, got):
    result(want == got, desc, "expected: %r\nactual:   %r" % (want, got))

def by(lst, key, prefix=None):
    if lst is None:
        return {}
    return {o[key]: o for o in lst if type(o) is dict and is_str(o.get(key))
            and (prefix is None or o[key].startswith(prefix))}

def pick(d, *keys):
    return None if d is None else {k: d.get(k) for k in keys}

def exactly(key, desc, text):
    out, rc, err = read(key)
    expect(desc, (0, text, ""), (rc, out, err))

# --- root: networks
all_nets = load("net_all", "-j net show: a list of network objects", NET)
nets = by(all_nets, "name", "cj-")
expect("-j net show lists every network (odd names round-trip)",
       sorted(["cj-pub", "cj-root", "cj-a", "cj-empty", "cj-dup", odd1, odd2]), sorted(nets))
expect("two networks named cj-dup, root's and alice's: name is the bare name, owner tells them apart",
       [("cj-dup", 0), ("cj-dup", ALICE)],
       sorted((n.get("name"), n.get("owner")) for n in all_nets or [] if n.get("name") == "cj-dup"))
expect("cj-pub: its settings, public, owner 0, group_fwd_mask 0x4000",
       {"ports": 1, "fdb_max": 1000, "port_fdb_max": 10, "ageing": 900, "flood_unknown": False,
        "explicit": True, "owner": 0, "access": "public", "promisc_policy": "allow-all",
        "group_fwd_mask": 0x4000},
       pick(nets.get("cj-pub"), "ports", "fdb_max", "port_fdb_max", "ageing", "flood_unknown",
            "explicit", "owner", "access", "promisc_policy", "group_fwd_mask"))
expect("cj-root: the defaults, one learned and one static entry",
       {"ports": 1, "fdb_learned": 1, "fdb_static": 1, "fdb_max": 16384, "port_fdb_max": 0,
        "ageing": 300, "flood_unknown": True, "explicit": True, "owner": 0,
        "access": "restricted", "promisc_policy": "deny", "group_fwd_mask": 0},
       pick(nets.get("cj-root"), "ports", "fdb_learned", "fdb_static", "fdb_max",
            "port_fdb_max", "ageing", "flood_unknown", "explicit", "owner", "access",
            "promisc_policy", "group_fwd_mask"))
one = load("net_dup", "-j net show cj-dup (root's)", NET)
expect("root's cj-dup is root's own", [("cj-dup", 0)], [(o.get("name"), o.get("owner")) for o in one or []])
one = load("net_dup_a", "-j net show 1001/cj-dup", NET)
expect("1001/cj-dup is alice's", [("cj-dup", ALICE)],
       [(o.get("name"), o.get("owner")) for o in one or []])
expect("net show (text) names users' networks OWNER/NAME", ["1001/cj-a", "1001/cj-dup", "cj-dup"],
       sorted(w[0] for w in map(str.split, read("net_text")[0].splitlines())
              if w and w[0].split("/")[-1] in ("cj-a", "cj-dup")))
expect("alice's own are NAME, root's public one root/NAME (text)", ["cj-a", "cj-dup", "root/cj-pub"],
       sorted(w[0] for w in map(str.split, read("a_net_text")[0].splitlines())
              if w and w[0].split("/")[-1] in ("cj-a", "cj-dup", "cj-pub")))
expect("cj-a: alice's, her settings, learned 1, static 2 (the lock and fdb add)",
       {"ports": 2, "fdb_learned": 1, "fdb_static": 2, "ageing": 600, "owner": ALICE,
        "access": "restricted", "promisc_policy": "allow-same-user"},
       pick(nets.get("cj-a"), "ports", "fdb_learned", "fdb_static", "ageing", "owner",
            "access", "promisc_policy"))
expect("the implicit network with the odd name: explicit false, one port",
       {"name": odd1, "explicit": False, "ports": 1, "fdb_static": 1},
       pick(nets.get(odd1), "name", "explicit", "ports", "fdb_static"))
expect("the empty network has 0 of everything",
       {"ports": 0, "fdb_learned": 0, "fdb_static": 0}, pick(nets.get("cj-empty"), "ports",
                                                             "fdb_learned", "fdb_static"))
one = load("net_pub", "-j net show NAME: a list of one network", NET)
expect("-j net show NAME is that network, as in the dump",
       [nets.get("cj-pub")], one)
one = load("net_odd1", "-j net show with quotes and backslashes in NAME", NET)
expect("the name comes back exactly", [odd1], [o.get("name") for o in one or []])
one = load("net_odd2", "-j net show with brackets, commas and colons in NAME", NET)
expect("that name comes back exactly", [odd2], [o.get("name") for o in one or []])
load("net_s", "-j -s net show: networks with complete stats", NET, True)
one = load("net_a_s", "-j -s net show NAME", NET, True)
s = (one or [{}])[0].get("stats", {})
expect("a network's stats are its ports' sums, exact",
       {"rx_packets": 72, "rx_bytes": 106100, "rx_flooded": 71, "rx_drop_mac_locked": 1},
       pick(s, "rx_packets", "rx_bytes", "rx_flooded", "rx_drop_mac_locked"))

# --- root: ports
ports = by(load("port_all", "-j port show: a list of port objects", PORT), "ifname", "cj-")
expect("-j port show lists every port", ["cj-ta1", "cj-ta2", "cj-ta3", "cj-tr", "cj-v1"],
       sorted(ports))
expect("the ports' values: network and its owner, user, state, promiscuity, lock, ifindex",
       {"cj-ta1": ["cj-a", ALICE, ALICE, True, False, False, "02:00:00:00:0a:01", ifindex["cj-ta1"]],
        "cj-ta2": ["cj-a", ALICE, ALICE, True, True, True, None, ifindex["cj-ta2"]],
        "cj-ta3": ["cj-pub", 0, ALICE, True, False, False, None, ifindex["cj-ta3"]],
        "cj-tr": [odd1, 0, 0, True, False, False, None, ifindex["cj-tr"]],
        "cj-v1": ["cj-root", 0, 0, True, False, False, None, ifindex["cj-v1"]]},
       {k: [p.get(x) for x in ("net", "net_owner", "user", "up", "promisc", "promisc_active",
                               "lock_mac", "ifindex")] for k, p in ports.items()})
expect("carrier: the TAPs held open and the veth have one, the TAP nobody opened none",
       {"cj-ta1": True, "cj-ta2": True, "cj-ta3": True, "cj-tr": False, "cj-v1": True},
       {k: p.get("carrier") for k, p in ports.items()})
expect("learned entries per port", {"cj-ta1": 0, "cj-ta2": 1, "cj-ta3": 1, "cj-tr": 0, "cj-v1": 1},
       {k: p.get("fdb_learned") for k, p in ports.items()})
expect("storm control: every port follows its network's (auto), which limits alice's port on "
       "root's public network to 1000 frames a second and the owners' ports not at all",
       {"cj-ta1": [0, 0], "cj-ta2": [0, 0], "cj-ta3": [0, 1000], "cj-tr": [0, 0], "cj-v1": [0, 0]},
       {k: [p.get("flood_limit"), p.get("flood_rate")] for k, p in ports.items()})
expect("IP anti-spoofing: cj-ta1's lock_ip (as given, IPv6 compressed) and dhcp_server; the "
       "other ports have no lock_ip and dhcp_server false",
       {"cj-ta1": [["10.0.0.1", "fd00::a:1"], True], "cj-ta2": [None, False],
        "cj-ta3": [None, False], "cj-tr": [None, False], "cj-v1": [None, False]},
       {k: [p.get("lock_ip"), p.get("dhcp_server")] for k, p in ports.items()})
one = load("port_ta1", "-j port show DEV: a list of one port", PORT)
expect("-j port show DEV is that port, as in the dump", [ports.get("cj-ta1")], one)
lst = load("port_a", "-j port show net NAME", PORT)
expect("-j port show net NAME: that network's ports", ["cj-ta1", "cj-ta2"],
       sorted(p.get("ifname") for p in lst or []))
lst = load("port_odd1", "-j port show net NAME with an odd NAME", PORT)
expect("its port, whose net member is the odd name", [("cj-tr", odd1)],
       [(p.get("ifname"), p.get("net")) for p in lst or []])
exactly("port_empty", "-j port show net EMPTY prints []", "[]\n")
load("port_s", "-j -s port show: ports with complete stats", PORT, True)
out = read("port_ta2_table")[0]
expect("while the table gives the bytes in units", [True, False],
       ["rx packets 70  bytes 103KiB" in out, "105980" in out])
one = load("port_ta1_s", "-j -s port show DEV (the locked port)", PORT, True)
s = (one or [{}])[0].get("stats", {})
expect("its exact counters: 2 received, 1 flooded, 1 dropped mac-locked",
       {"rx_packets": 2, "rx_bytes": 120, "rx_flooded": 1, "rx_drop_mac_locked": 1,
        "rx_forwarded": 0}, pick(s, "rx_packets", "rx_bytes", "rx_flooded",
                                 "rx_drop_mac_locked", "rx_forwarded"))
one = load("port_ta2_s", "-j -s port show DEV (the promiscuous port)", PORT, True)
s = (one or [{}])[0].get("stats", {})
expect("its exact counters: 70 received and flooded, 105980 bytes",
       {"rx_packets": 70, "rx_bytes": 105980, "rx_flooded": 70, "rx_drop_mac_locked": 0},
       pick(s, "rx_packets", "rx_bytes", "rx_flooded", "rx_drop_mac_locked"))

# --- root: FDB
fdb = load("fdb_all", "-j fdb show: a list of FDB entry objects", FDB)
mine = {e.get("mac"): e for e in fdb or [] if str(e.get("net", "")).startswith("cj-")}
expect("-j fdb show: every entry with its port, network and its owner, kind",
       {"02:00:00:00:0a:01": ["cj-ta1", "cj-a", ALICE, True, True, 0],
        "02:00:00:00:0a:02": ["cj-ta2", "cj-a", ALICE, False, False],
        "02:00:00:00:0a:99": ["cj-ta2", "cj-a", ALICE, True, False, 0],
        "02:00:00:00:0b:03": ["cj-ta3", "cj-pub", 0, False, False],
        "02:00:00:00:0c:01": ["cj-v1", "cj-root", 0, False, False],
        "02:00:00:00:0c:99": ["cj-v1", "cj-root", 0, True, False, 0],
        "02:00:00:00:0d:01": ["cj-tr", odd1, 0, True, False, 0]},
       {m: [e.get("ifname"), e.get("net"), e.get("net_owner"), e.get("static"), e.get("locked")] +
        ([e.get("age_ms")] if e.get("static") else []) for m, e in mine.items()})
expect("entries name their port's ifindex",
       True, all(e.get("ifindex") == ifindex.get(e.get("ifname")) for e in mine.values()))
expect("a learned entry's age is under a minute", True,
       all(e.get("age_ms", -1) < 60000 for e in mine.values()))
lst = load("fdb_a", "-j fdb show net NAME", FDB)
expect("that network's entries", ["02:00:00:00:0a:01", "02:00:00:00:0a:02", "02:00:00:00:0a:99"],
       sorted(e.get("mac") for e in lst or []))
lst = load("fdb_root", "-j fdb show net NAME (a veth's learned entry)", FDB)
expect("that network's entries (the veth's)", ["02:00:00:00:0c:01", "02:00:00:00:0c:99"],
       sorted(e.get("mac") for e in lst or []))
lst = load("fdb_odd1", "-j fdb show net NAME with an odd NAME", FDB)
expect("its entry, whose net member is the odd name", [("02:00:00:00:0d:01", odd1)],
       [(e.get("mac"), e.get("net")) for e in lst or []])
exactly("fdb_empty", "-j fdb show net EMPTY prints []", "[]\n")
load("fdb_s", "-j -s fdb show: FDB entries (no stats member)", FDB)

one = load("port_ta3_s", "-j -s port show DEV (alone on its network)", PORT, True)
s = (one or [{}])[0].get("stats", {})
expect("its broadcast reached no port: no-dest, not flooded",
       {"rx_packets": 1, "rx_flooded": 0, "rx_drop_no_dest": 1},
       pick(s, "rx_packets", "rx_flooded", "rx_drop_no_dest"))
one = load("port_v1_s", "-j -s port show DEV (a veth, alone, sent LLDP)", PORT, True)
s = (one or [{}])[0].get("stats", {})
expect("its broadcast: no-dest; its LLDP frame: link-local (group_fwd_mask 0)",
       {"rx_packets": 2, "rx_flooded": 0, "rx_drop_no_dest": 1, "rx_drop_link_local": 1,
        "rx_drop_bad_header": 0},
       pick(s, "rx_packets", "rx_flooded", "rx_drop_no_dest", "rx_drop_link_local",
            "rx_drop_bad_header"))
out = read("port_v1_table")[0]
expect("the table names them link-local, no-dest, bad-header", True,
       "mac-locked 0  link-local 1  no-dest 1  bad-header 0" in out)
lst = load("port_gone", "-j port show net NAME, the VMs gone", PORT)
expect("their TAPs have no carrier now", {"cj-ta1": False, "cj-ta2": False},
       {p.get("ifname"): p.get("carrier") for p in lst or []})
lst = load("fdb_gone", "-j fdb show net NAME, the VMs gone", FDB)
expect("and what was learned behind them is forgotten; static entries stay",
       ["02:00:00:00:0a:01", "02:00:00:00:0a:99"], sorted(e.get("mac") for e in lst or []))

# --- version
out, rc, err = read("version")
try:
    v = json.loads(out)
except ValueError as e:
    v = "does not parse: %s: %r" % (e, out)
expect("-j version: an object of intnetctl, module and features",
       (0, dict, ["features", "intnetctl", "module"]),
       (rc, type(v), sorted(v) if type(v) is dict else v))
v = v if type(v) is dict else {}
expect("its values: version strings, the module's from sysfs, features a list of strings",
       (True, modver, True, True),
       (is_str(v.get("intnetctl")), v.get("module"),
        type(v.get("features")) is list and all(is_str(f) for f in v.get("features", [0])),
        "switch" in v.get("features", []) and "access" in v.get("features", [])))

# --- alice: her objects and root's public network, nothing else
lst = by(load("a_net", "alice: -j net show", NET), "name", "cj-")
expect("alice sees her networks and the public one", {"cj-a": ALICE, "cj-dup": ALICE, "cj-pub": 0},
       {k: n.get("owner") for k, n in lst.items()})
expect("her network as root sees it", nets.get("cj-a"), lst.get("cj-a"))
out, rc, err = read("a_net_root")
expect("alice: -j net show of root's restricted network: exit 1, nothing on stdout",
       (1, "", "intnet: no such network\n"), (rc, out, err))
out, rc, err = read("a_net_root_q")
expect("and so when she names its owner",
       (1, "", "intnet: no such network\n"), (rc, out, err))
lst = by(load("a_port", "alice: -j port show", PORT), "ifname")
expect("alice sees her three ports only, user 1001, and whose networks they are on",
       {"cj-ta1": [ALICE, ALICE], "cj-ta2": [ALICE, ALICE], "cj-ta3": [ALICE, 0]},
       {k: [p.get("user"), p.get("net_owner")] for k, p in lst.items()})
one = load("a_port_s", "alice: -j -s port show DEV", PORT, True)
root_ta2 = json.loads(read("port_ta2_s")[0] or "null")
expect("alice reads the same port and counters as root", root_ta2, one)
lst = load("a_fdb", "alice: -j fdb show", FDB)
expect("alice sees the entries behind her ports only",
       ["02:00:00:00:0a:01", "02:00:00:00:0a:02", "02:00:00:00:0a:99", "02:00:00:00:0b:03"],
       sorted(e.get("mac") for e in lst or []))
lst = load("a_fdb_pub", "alice: -j fdb show net PUBLIC", FDB)
expect("on the public network, her port's entry only", ["02:00:00:00:0b:03"],
       sorted(e.get("mac") for e in lst or []))

# --- bob: the public network, and empty lists
lst = by(load("b_net", "bob: -j net show", NET), "name", "cj-")
expect("bob sees the public network only, owner 0", {"cj-pub": 0},
       {k: n.get("owner") for k, n in lst.items()})
exactly("b_port", "bob: -j port show prints []", "[]\n")
exactly("b_fdb", "bob: -j fdb show prints []", "[]\n")
exactly("b_fdb_pub", "bob: -j fdb show net PUBLIC prints [] (not alice's entry)", "[]\n")

# --- monitor
def events(key, who):
    out, err = (open(os.path.join(tmp, key + x)).read() for x in (".out", ".err"))
    lines = out.splitlines()
    objs, bad = [], []
    for l in lines:
        try:
            o = json.loads(l)
        except ValueError:
            o = None
        (objs if type(o) is dict else bad).append(o if type(o) is dict else l)
    result(bool(lines) and not bad, "%s: -j monitor fdb prints one JSON object per line" % who,
           "lines %d, not objects: %r\nstderr: %s" % (len(lines), bad[:3], err[:300]))
    return objs

def seen(objs, key, val):
    return sorted(set(str(o.get("event")) for o in objs if o.get(key) == val))

objs = events("mon", "root")
expect("root's monitor: the network events of its network, with an event member",
       ["net add", "net del"], seen(objs, "name", "cj-mon"))
expect("and those of alice's network", ["net add", "net del"], seen(objs, "name", "cj-amon2"))
expect("and the FDB events of a static entry", ["fdb add", "fdb del"],
       seen(objs, "mac", "02:00:00:00:0e:01"))
errs = []
for o in objs:
    schema = {"net": NET, "port": PORT, "fdb": FDB}.get(str(o.get("event")).split(" ")[0], {})
    optional = FDB_MOVE if o.get("event") == "fdb move" else optional_of(schema)
    errs += ["%s: %s" % (o.get("event"), e) for e in shape_errors(
        {k: v for k, v in o.items() if k != "event"}, schema, None, optional)
        if not str(o.get("event")).endswith(" del")]
result(not errs, "root's monitor: each event object has its show's members and types",
       "\n".join(errs[:10]))
objs = events("amon", "alice")
expect("alice's monitor: her networks' events, owner 1001",
       [["net add", "net del"], [ALICE]],
       [seen(objs, "name", "cj-amon2"),
        sorted(set(o.get("owner") for o in objs if o.get("name") == "cj-amon2"))])
expect("and nothing of root's restricted network or its FDB", [],
       [o for o in objs if o.get("name") == "cj-mon" or o.get("net") == "cj-root"])

for ok, desc, detail in results:
    print("%s\t%s" % ("ok" if ok else "not ok", desc))
    if not ok and detail:
        for l in str(detail).splitlines():
            print("#\t" + l)
EOF
$PY "$tmp/check.py" "$tmp" "$ODD1" "$ODD2" >"$tmp/results" 2>&1
rc=$?

n=0
while IFS= read -r line; do
	case $line in "ok	"* | "not ok	"*) n=$((n + 1)) ;; esac
done <"$tmp/results"
plan $((2 + n))
expect_eq "the setup succeeds" 1 "$setup_ok"
expect_eq "the validator runs to its end" 0 "$rc"
while IFS= read -r line; do
	case $line in
	"ok	"*) ok "${line#ok	}" ;;
	"not ok	"*) not_ok "${line#not ok	}" ;;
	"#	"*) echo "#   ${line#\#	}" ;;
	*) echo "# $line" ;;
	esac
done <"$tmp/results"
finish
