#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The YNL spec of the family, the uapi header and the module's per-operation
policies say the same thing: every attribute, counter, command, enum value and
group has the same name and number in the spec and the header, and each
command's policy takes exactly the attributes the spec lists for its requests.

    selftests/ynl_spec.py [SCHEMA]   (make lint runs it; prints TAP)

With SCHEMA (Documentation/netlink/genetlink.yaml of a kernel tree), the spec is
first validated against it, as tools/net/ynl does before using a spec.
"""

import os
import re
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(REPO, "Documentation/netlink/specs/intnet.yaml")
UAPI = os.path.join(REPO, "include/uapi/linux/intnet.h")
NETLINK = os.path.join(REPO, "kmod/netlink.c")

results = []


def check(ok, what, detail=""):
    results.append((bool(ok), what, detail))


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def header_constants(text):
    """Every enumerator and #define of the header, with its value."""
    consts = {}
    for m in re.finditer(r"#define\s+(INTNET_\w+)\s+(\"[^\"]*\"|\d+)", text):
        v = m.group(2)
        consts[m.group(1)] = v.strip('"') if v.startswith('"') else int(v)
    for body in re.findall(r"enum\s+\w+\s*\{(.*?)\};", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        nxt = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition("=")
            name = name.strip()
            if expr.strip():
                nxt = eval(expr.strip(), {}, dict(consts))
            consts[name] = nxt
            nxt += 1
    return consts


def attr_values(attr_set):
    """Name -> value of an attribute set, numbered from 1 as YNL does."""
    out, nxt = {}, 1
    for a in attr_set["attributes"]:
        nxt = a.get("value", nxt)
        out[a["name"]] = nxt
        nxt += 1
    return out


def check_set(spec, consts, set_name, c_prefix):
    aset = next(s for s in spec["attribute-sets"] if s["name"] == set_name)
    prefix = aset.get("name-prefix", "")
    vals = attr_values(aset)
    for name, value in vals.items():
        cn = c_name(prefix, name)
        check(consts.get(cn) == value, f"{set_name}: {name} is {cn} = {value}",
              f"header: {consts.get(cn)}")
    spec_names = {c_name(prefix, n) for n in vals}
    for cn in consts:
        if cn.startswith(c_prefix) and cn not in (c_prefix + "UNSPEC",
                                                  c_prefix + "MAX"):
            check(cn in spec_names, f"{set_name}: header's {cn} is in the spec")


def check_ops(spec, consts):
    ops = spec["operations"]
    prefix = ops.get("name-prefix", "")
    nxt = 1
    for op in ops["list"]:
        value = op.get("value", nxt)
        nxt = value + 1
        base = op["name"][:-4] if op["name"].endswith("-ntf") else op["name"]
        cn = c_name(prefix, base)
        check(consts.get(cn) == value,
              f"operation {op['name']} is {cn} = {value}",
              f"header: {consts.get(cn)}")
    calls = {c_name(prefix, op["name"]) for op in ops["list"]
             if "do" in op or "dump" in op}
    for cn in consts:
        if cn.startswith("INTNET_CMD_") and cn not in (
                "INTNET_CMD_UNSPEC", "INTNET_CMD_MAX", "__INTNET_CMD_MAX"):
            check(cn in calls, f"the header's command {cn} is in the spec")


def check_definitions(spec, consts):
    family = spec["name"]
    for d in spec.get("definitions", []):
        for i, entry in enumerate(d["entries"]):
            name = entry if isinstance(entry, str) else entry["name"]
            value = (1 << i) if d["type"] == "flags" else i
            cn = c_name(f"{family}-{d['name']}-", name)
            check(consts.get(cn) == value,
                  f"{d['type']} {d['name']}: {name} is {cn} = {value}",
                  f"header: {consts.get(cn)}")
    for g in spec["mcast-groups"]["list"]:
        cn = c_name("intnet-mcgrp-", g["name"])
        check(consts.get(cn) == g["name"],
              f"multicast group {g['name']} is {cn}")


def check_limits(spec, consts):
    aset = next(s for s in spec["attribute-sets"] if s["name"] == "intnet")
    attrs = {a["name"]: a for a in aset["attributes"]}
    for attr, key, const in (("net-name", "max-len", "INTNET_NAME_MAX"),
                             ("net-ageing", "max", "INTNET_AGEING_MAX"),
                             ("net-fdb-max", "max", "INTNET_FDB_MAX_LIMIT"),
                             ("net-port-fdb-max", "max",
                              "INTNET_FDB_MAX_LIMIT")):
        got = attrs[attr].get("checks", {}).get(key)
        check(got == consts.get(const), f"{attr}'s {key} is {const}",
              f"spec {got}, header {consts.get(const)}")


def kernel_policies(text):
    """Command -> the attributes its policy accepts, from netlink.c."""
    macros = {}
    for m in re.finditer(r"#define\s+(P_\w+)\s*((?:[^\n]*\\\n)*[^\n]*)", text):
        macros[m.group(1)] = set(re.findall(r"\[(INTNET_ATTR_\w+)\]",
                                            m.group(2)))
    policies = {}
    for m in re.finditer(r"static const struct nla_policy (\w+)\[[^]]*\]\s*="
                         r"\s*\{(.*?)\};", text, re.S):
        attrs = set(re.findall(r"\[(INTNET_ATTR_\w+)\]", m.group(2)))
        for macro in re.findall(r"\b(P_\w+)\b", m.group(2)):
            attrs |= macros[macro]
        policies[m.group(1)] = attrs
    by_cmd = {}
    for m in re.finditer(r"\b(?:DUMP_)?OP\((INTNET_CMD_\w+),[^;]*?(\w+_policy)\)",
                         text):
        by_cmd[m.group(1)] = policies[m.group(2)]
    return by_cmd


def check_policies(spec, text):
    by_cmd = kernel_policies(text)
    aset = next(s for s in spec["attribute-sets"] if s["name"] == "intnet")
    prefix = aset["name-prefix"]
    for op in spec["operations"]["list"]:
        if "do" not in op and "dump" not in op:
            continue
        cmd = c_name(spec["operations"]["name-prefix"], op["name"])
        want = set()
        for mode in ("do", "dump"):
            req = op.get(mode, {}).get("request", {})
            want |= {c_name(prefix, a) for a in req.get("attributes", [])}
        got = by_cmd.get(cmd)
        check(got == want, f"{op['name']}: the policy takes what the spec says",
              f"only in the policy: {sorted((got or set()) - want)}; "
              f"only in the spec: {sorted(want - (got or set()))}")


def main():
    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    with open(UAPI) as f:
        consts = header_constants(f.read())
    with open(NETLINK) as f:
        kernel = f.read()
    if len(sys.argv) > 1:
        import jsonschema

        with open(sys.argv[1]) as f:
            schema = yaml.safe_load(f)
        try:
            jsonschema.validate(spec, schema)
            check(True, "the spec is valid by YNL's genetlink schema")
        except jsonschema.ValidationError as e:
            check(False, "the spec is valid by YNL's genetlink schema",
                  e.message)
    check(spec["name"] == consts.get("INTNET_GENL_NAME"), "the family's name")
    check_set(spec, consts, "intnet", "INTNET_ATTR_")
    check_set(spec, consts, "stats", "INTNET_STATS_")
    check_set(spec, consts, "ip-lock", "INTNET_IP_LOCK_")
    check_ops(spec, consts)
    check_definitions(spec, consts)
    check_limits(spec, consts)
    check_policies(spec, kernel)
    print("TAP version 13")
    print(f"1..{len(results)}")
    failed = 0
    for i, (ok, what, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {what}")
        if not ok:
            failed += 1
            print(f"# {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
