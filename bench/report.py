#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, the host side: turns the guest's raw.tsv (case, variant, switch, round,
value, unit; see bench.sh) into OUTDIR/results.md and OUTDIR/results.json, and prints
the Markdown.

Usage: report.py RAW.tsv OUTDIR [WALL_SECONDS]
"""
import datetime
import json
import os
import statistics
import sys

SWITCHES = ("direct", "intnet", "bridge")


def load(path):
    meta, runs = {}, {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6:
                continue
            case, variant, sw, rnd, value, unit = parts
            if case == "meta":
                meta[variant] = value
                continue
            runs.setdefault((case, variant, sw), {"unit": unit, "values": []})
            runs[(case, variant, sw)]["values"].append(float(value))
    return meta, runs


def summary(values):
    med = statistics.median(values)
    spread = (max(values) - min(values)) / med if med else 0.0
    return {"values": values, "median": med, "min": min(values), "max": max(values),
            "spread": spread}


def fmt(v, unit):
    if unit in ("Gbit/s", "CPU-s/GB"):
        return f"{v:.2f}"
    if unit == "ms":
        return f"{v:.1f}"
    return f"{v:,.0f}"


def cell(s, unit):
    if s is None:
        return "-"
    if len(s["values"]) == 1:
        return fmt(s["median"], unit)
    return f"{fmt(s['median'], unit)} ±{s['spread'] * 100:.1f}%"


def ratio(a, b):
    if a is None or b is None or not b["median"]:
        return None
    return a["median"] / b["median"]


def rtxt(r):
    return "-" if r is None else f"{r:.2f}x"


def fit(points):
    """Least-squares line through (x, y): (slope, intercept)."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    slope = sxy / sxx if sxx else 0.0
    return slope, my - slope * mx


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    meta, runs = load(sys.argv[1])
    outdir = sys.argv[2]
    wall = int(sys.argv[3]) if len(sys.argv) > 3 else None
    if not runs:
        sys.exit("report: no measurements in " + sys.argv[1])
    res = {k: dict(summary(v["values"]), unit=v["unit"]) for k, v in runs.items()}

    def get(case, variant, sw):
        return res.get((case, variant, sw))

    md = []
    # When the guest measured (report.py may run later on the same raw.tsv).
    date = meta.get("date") or datetime.datetime.now(
        datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md.append(f"# intnet benchmark: {meta.get('kernel', '?')}")
    md.append("")
    md.append(f"- kernel: {meta.get('kernel', '?')} (lane {meta.get('lane', '?')})")
    md.append(f"- date: {date}")
    md.append(f"- command: `{meta.get('command', '?')}`")
    if wall is not None:
        md.append(f"- wall time: {wall // 60} min {wall % 60} s")
    md.append(f"- method: one QEMU guest, TCG `-smp 1 -icount shift=0,sleep=off`: guest time "
              f"counts instructions (1 ns = 1 instruction), so rates are instructions per "
              f"packet and repeat from run to run. pktgen `netif_receive` into a dummy "
              f"ingress port, egress dummy, destination a static FDB entry. "
              f"{meta.get('rounds', '?')} rounds a case"
              + (f", packet counts at {meta['scale']}%" if meta.get("scale", "100") != "100"
                 else "")
              + "; figures are medians, ± the spread (max-min)/median.")
    md.append("")

    # Packet rates, side by side.
    md.append("## Forwarding")
    md.append("")
    md.append("| case | unit | direct | intnet | bridge | intnet/direct | intnet/bridge |")
    md.append("|---|---|---:|---:|---:|---:|---:|")
    rows = []
    labels = {
        ("unicast", "64B"): "a. unicast 64 B, dummy ports",
        ("unicast", "64B-fresh"): "a. unicast 64 B, dummy ports, unshared skb",
        ("unicast", "64B-maclock"):
            "a. unicast 64 B, dummy ports, ingress flood-limited and MAC-locked",
        ("unicast", "64B-protected"):
            "a. unicast 64 B, dummy ports, the same and the egress IP-locked",
        ("unicast", "64B-iplock"): "a. unicast 64 B, dummy ports, ingress IP-locked",
        ("unicast", "1518B"): "a. unicast 1518 B (MTU 1500), dummy ports",
        ("unicast", "veth-64B"): "a. unicast 64 B, veth ports",
        ("unicast", "veth-1518B"): "a. unicast 1518 B, veth ports",
        ("tap_gso", "64KB"): "b. TAP to TAP, 64 KB GSO frames",
    }
    for (case, variant), label in labels.items():
        rows.append((label, case, variant))
    for n in ("2", "8", "32", "128"):
        rows.append((f"c. broadcast, {n} ports", "flood", n))
    for n in ("16", "1024", "65536"):
        rows.append((f"d. unicast 64 B, {int(n):,} FDB entries", "fdb", n))
    rows.append(("e. ports added", "port_ops", "add"))
    rows.append(("e. ports removed", "port_ops", "del"))
    rows.append(("e. dump 65,536 FDB entries (JSON)", "fdb_dump", "65536"))
    for label, case, variant in rows:
        s = {sw: get(case, variant, sw) for sw in SWITCHES}
        if not any(s.values()):
            continue
        unit = next(v["unit"] for v in s.values() if v)
        md.append(f"| {label} | {unit} | {cell(s['direct'], unit)} | {cell(s['intnet'], unit)} "
                  f"| {cell(s['bridge'], unit)} | {rtxt(ratio(s['intnet'], s['direct']))} "
                  f"| {rtxt(ratio(s['intnet'], s['bridge']))} |")
    md.append("")
    md.append("For the dump, a ratio below 1 is intnet faster (milliseconds, not a rate). "
              "pktgen keeps a reference to the skb it injects, so a switch that changes it "
              "(intnet, the bridge) must clone it first, while tc mirred redirects it as it "
              "is; the unshared-skb row (pktgen `flag !SHARED`, where the kernel has it) "
              "is the frame a NIC, TAP or veth hands up. Port operations and the dump run "
              "one command each, the tools copied to tmpfs (see bench.sh).")
    md.append("")

    # Flooding: cost per packet against the number of ports.
    floodfit = {}
    flood_ports = sorted({int(v) for (c, v, _) in res if c == "flood"})
    if flood_ports:
        md.append("## Flooding cost per port")
        md.append("")
        md.append("| ports | intnet ns/packet | bridge ns/packet |")
        md.append("|---:|---:|---:|")
        for n in flood_ports:
            c = []
            for sw in ("intnet", "bridge"):
                s = get("flood", str(n), sw)
                c.append(f"{1e9 / s['median']:,.0f}" if s else "-")
            md.append(f"| {n} | {c[0]} | {c[1]} |")
        md.append("")
        for sw in ("intnet", "bridge"):
            pts = [(n, 1e9 / get("flood", str(n), sw)["median"])
                   for n in flood_ports if get("flood", str(n), sw)]
            if len(pts) < 2:
                continue
            slope, icpt = fit(pts)
            steps = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(pts, pts[1:])]
            floodfit[sw] = {"ns_per_port": slope, "ns_fixed": icpt,
                            "ns_per_port_steps": steps,
                            "points": [{"ports": n, "ns_per_packet": y} for n, y in pts]}
            md.append(f"- {sw}: {slope:,.0f} ns per packet per added port (linear fit, "
                      f"fixed part {icpt:,.0f} ns); step by step: "
                      + ", ".join(f"{s:,.0f}" for s in steps))
        md.append("")

    # Memory: slab objects only. The "kernel" figures (MemTotal - MemFree - ...) stay in
    # the JSON, but page-allocator noise swamps them (they came out below the slab
    # figure they include), so the table leaves them out.
    mem_rows = [("bytes per FDB entry", "fdb_entry"), ("bytes per port", "port")]
    if any(c in ("fdb_entry", "port") for (c, _, _) in res):
        md.append("## Memory")
        md.append("")
        md.append("| slab objects | intnet | bridge | intnet/bridge |")
        md.append("|---|---:|---:|---:|")
        for label, case in mem_rows:
            i, b = get(case, "slab", "intnet"), get(case, "slab", "bridge")
            md.append(f"| {label} | {i['median']:,.0f} | {b['median']:,.0f} | "
                      f"{rtxt(ratio(i, b))} |" if i and b else f"| {label} | - | - | - |")
        md.append("")
        md.append("Growth of the slab objects in use (/proc/slabinfo: active objects times "
                  "object size) after drop_caches, divided by the entries or ports added: "
                  "64,512 FDB entries learned (1,024 to 65,536), 1,000 dummies attached. "
                  "Not included: the hash tables' bucket arrays (both use an rhashtable, "
                  "at most 16 bytes an entry) and per-CPU counters.")
        md.append("")

    # NAT: intnet-nat (through the switch) against slirp4netns (a namespace's own TAP).
    nat = {sw: get("nat", "tcp", sw) for sw in ("intnet-nat", "slirp4netns")}
    cpu = {sw: get("nat_cpu", "tcp", sw) for sw in ("intnet-nat", "slirp4netns")}
    if any(nat.values()):
        md.append("## NAT: TCP from a VM to a server on the guest's loopback")
        md.append("")
        md.append("| gateway | throughput | gateway's CPU time per GB |")
        md.append("|---|---:|---:|")
        for sw in nat:
            md.append(f"| {sw} | {cell(nat[sw], 'Gbit/s') if nat[sw] else '-'} "
                      f"| {cell(cpu[sw], 'CPU-s/GB') if cpu[sw] else '-'} |")
        md.append("")
        md.append("iperf3, 2 s of guest time a round, MTU 1500, both on libslirp: intnet-nat "
                  "serves a namespace on a veth port of an intnet network, slirp4netns a "
                  "namespace's own TAP. CPU time is the gateway process's utime + stime.")
        md.append("")

    # The uplink (issue 19): the host's own rates on its NIC without and with the
    # uplink, and LAN-to-VM frames through the uplink and through a bridge.
    host = {(v, sw): get("uplink_host", v, sw) for v in ("tx", "rx", "tx-socket")
            for sw in ("none", "uplink")}
    lan_vm = {sw: get("uplink_vm", "64B", sw) for sw in ("intnet", "bridge")}

    def ins(s):
        return f"{1e9 / s['median']:,.0f}" if s else "-"

    if any(host.values()) or any(lan_vm.values()):
        md.append("## Uplink: the host's NIC shared with a network")
        md.append("")
        md.append("| case | unit | without | with the uplink | with/without | instructions a frame "
                  "(without, with) |")
        md.append("|---|---|---:|---:|---:|---:|")
        for v, label in (("tx", "h. host transmit 64 B (queue_xmit on the NIC)"),
                         ("rx", "h. host receive 64 B (the NIC's receive path to UDP)"),
                         ("tx-socket", "h. host transmit 64 B by a UDP socket (sendmmsg of "
                          "18-byte datagrams)")):
            a, b = host[(v, "none")], host[(v, "uplink")]
            if a or b:
                md.append(f"| {label} | pps | {cell(a, 'pps')} | {cell(b, 'pps')} "
                          f"| {rtxt(ratio(b, a))} | {ins(a)}, {ins(b)} |")
        n = get("uplink_host", "tx", "nft-egress")
        if n:
            a = host[("tx", "none")]
            md.append(f"| h. host transmit 64 B, an empty nftables egress chain instead | pps "
                      f"| {cell(a, 'pps')} | {cell(n, 'pps')} | {rtxt(ratio(n, a))} "
                      f"| {ins(a)}, {ins(n)} |")
        md.append("")
        if any(lan_vm.values()):
            i, b = lan_vm["intnet"], lan_vm["bridge"]
            md.append("| case | unit | intnet uplink | bridge | uplink/bridge | instructions a "
                      "frame (uplink, bridge) |")
            md.append("|---|---|---:|---:|---:|---:|")
            md.append(f"| h. LAN to VM 64 B, NIC to a veth port | pps | {cell(i, 'pps')} "
                      f"| {cell(b, 'pps')} | {rtxt(ratio(i, b))} | {ins(i)}, {ins(b)} |")
            p = get("uplink_vm", "64B", "intnet-port")
            if p:
                md.append(f"| h. the same, the NIC a plain intnet port instead of the uplink "
                          f"| pps | {cell(p, 'pps')} | {cell(b, 'pps')} | {rtxt(ratio(p, b))} "
                          f"| {ins(p)}, {ins(b)} |")
            md.append("")
        md.append("The NIC is a veth whose peer (the LAN) is in a namespace, the VM a veth port "
                  "whose peer is in another; both far ends drop at tc ingress. Transmit: "
                  "pktgen `queue_xmit` on the NIC (through its egress hooks); receive: pktgen "
                  "`netif_receive` on the NIC, to the host's MAC and address, a UDP port "
                  "without a listener (every frame counted in NoPorts); LAN to VM: the same "
                  "to the VM's MAC, the NIC the uplink or a bridge member. Unshared skbs "
                  "where pktgen has them. Socket transmit: bench/udpsend in the root "
                  "namespace, a connected UDP socket to the LAN's address, 64 datagrams a "
                  "sendmmsg() call, timed by CLOCK_MONOTONIC (the instructions of the "
                  "system calls, UDP, IP and the NIC's transmit).")
        md.append("")

    # The ratios the project's goals are judged by.
    goals = {}

    def goal(key, label, value, fmtv=rtxt):
        goals[key] = value
        md.append(f"- {label}: {fmtv(value) if value is not None else '-'}")

    md.append("## Goals")
    md.append("")
    goal("unicast64_intnet_over_direct", "unicast 64 B, intnet/direct",
         ratio(get("unicast", "64B", "intnet"), get("unicast", "64B", "direct")))
    goal("unicast64_intnet_over_bridge", "unicast 64 B, intnet/bridge",
         ratio(get("unicast", "64B", "intnet"), get("unicast", "64B", "bridge")))
    goal("unicast64_fresh_intnet_over_direct", "unicast 64 B, unshared skb, intnet/direct",
         ratio(get("unicast", "64B-fresh", "intnet"), get("unicast", "64B-fresh", "direct")))
    goal("unicast64_fresh_intnet_over_bridge", "unicast 64 B, unshared skb, intnet/bridge",
         ratio(get("unicast", "64B-fresh", "intnet"), get("unicast", "64B-fresh", "bridge")))
    goal("unicast64_maclock_over_plain_intnet",
         "unicast 64 B, flood limit and MAC lock / none (goal: at least 0.98x)",
         ratio(get("unicast", "64B-maclock", "intnet"), get("unicast", "64B", "intnet")))
    goal("unicast64_protected_over_plain_intnet",
         "unicast 64 B, flood limit, MAC lock and an IP lock on the network / none "
         "(goal: at least 0.98x)",
         ratio(get("unicast", "64B-protected", "intnet"), get("unicast", "64B", "intnet")))
    plain, locked = get("unicast", "64B", "intnet"), get("unicast", "64B-iplock", "intnet")
    goal("ip_lock_ns_per_frame", "an active IP lock, ns (instructions) a frame",
         1e9 / locked["median"] - 1e9 / plain["median"] if plain and locked else None,
         lambda v: f"{v:,.0f}")
    for sw in ("intnet", "bridge"):
        goal(f"fdb65536_over_fdb16_{sw}", f"{sw}: rate at 65,536 FDB entries / rate at 16",
             ratio(get("fdb", "65536", sw), get("fdb", "16", sw)))
    if "intnet" in floodfit and "bridge" in floodfit:
        i, b = floodfit["intnet"]["ns_per_port"], floodfit["bridge"]["ns_per_port"]
        goals["flood_ns_per_port_intnet"] = i
        goals["flood_ns_per_port_bridge"] = b
        goals["flood_per_port_intnet_over_bridge"] = i / b if b else None
        md.append(f"- flooding cost per added port: intnet {i:,.0f} ns, bridge {b:,.0f} ns "
                  f"(intnet/bridge {rtxt(i / b if b else None)})")
    goal("tap_gso_intnet_over_bridge", "TAP GSO throughput, intnet/bridge",
         ratio(get("tap_gso", "64KB", "intnet"), get("tap_gso", "64KB", "bridge")))
    goal("nat_tcp_intnet_nat_over_slirp4netns",
         "NAT TCP throughput, intnet-nat/slirp4netns (goal: at least 0.9x)",
         ratio(get("nat", "tcp", "intnet-nat"), get("nat", "tcp", "slirp4netns")))
    goal("nat_cpu_intnet_nat_over_slirp4netns",
         "NAT CPU time per GB, intnet-nat/slirp4netns (below 1: intnet-nat cheaper)",
         ratio(get("nat_cpu", "tcp", "intnet-nat"), get("nat_cpu", "tcp", "slirp4netns")))
    goal("uplink_host_tx_with_over_without",
         "host transmit with the uplink / without (goal: at least 0.97x)",
         ratio(host[("tx", "uplink")], host[("tx", "none")]))
    goal("uplink_host_socket_tx_with_over_without",
         "host transmit by a UDP socket with the uplink / without (the same goal)",
         ratio(host[("tx-socket", "uplink")], host[("tx-socket", "none")]))
    goal("uplink_host_rx_with_over_without",
         "host receive with the uplink / without (goal: at least 0.97x)",
         ratio(host[("rx", "uplink")], host[("rx", "none")]))
    goal("uplink_lan_to_vm_over_bridge",
         "LAN to VM through the uplink / through a bridge (goal: at least 1.1x)",
         ratio(lan_vm["intnet"], lan_vm["bridge"]))
    i, b = get("fdb_entry", "slab", "intnet"), get("fdb_entry", "slab", "bridge")
    if i and b:
        goals["fdb_entry_bytes_slab_intnet"] = i["median"]
        goals["fdb_entry_bytes_slab_bridge"] = b["median"]
        md.append(f"- bytes per FDB entry (slab): intnet {i['median']:,.0f}, bridge "
                  f"{b['median']:,.0f} (intnet/bridge {rtxt(ratio(i, b))})")
    md.append("")

    text = "\n".join(md)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write(text)
    doc = {
        "kernel": meta.get("kernel"), "lane": meta.get("lane"), "date": date,
        "command": meta.get("command"), "wall_seconds": wall,
        "rounds": int(meta.get("rounds", 0)), "scale_percent": int(meta.get("scale", 100)),
        "clock": "guest time under -icount shift=0 (1 ns = 1 instruction)",
        "results": [dict(case=c, variant=v, switch=sw, **s)
                    for (c, v, sw), s in sorted(res.items())],
        "flood_fit": floodfit,
        "goals": goals,
    }
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(text)
    print(f"(saved: {outdir}/results.md, {outdir}/results.json)")


if __name__ == "__main__":
    main()
