#!/usr/bin/env python3
"""Reverse-engineering of the automatic filter weight of the Windows Filtering Platform.

Input: the two real `netsh wfp` dumps in engine/src/test/resources/netsh/ (nobody on the project wrote them).
Every filter there carries the weight its author gave (FWP_EMPTY, FWP_UINT8 or FWP_UINT64), its conditions and the
`effectiveWeight` Windows computed, so the low 60 bits of FWP_EMPTY/FWP_UINT8 filters are Windows' automatic weight.

Usage (Python 3.11, standard library only):

  tools/autoweight_analysis.py evidence [LAYER...]   per-field contributions recovered from the data (part 1)
  tools/autoweight_analysis.py layouts [LAYER...]    the slot layout the inferred algorithm derives (part 2)
  tools/autoweight_analysis.py check [--zh-build]    agreement of the inferred algorithm with both dumps (part 2)
  tools/autoweight_analysis.py misses [--zh-build]   the filters it gets wrong

Part 1 makes no assumption about the algorithm except additivity: for each layer and dump it solves, with exact
rational arithmetic, "effective weight = sum of one term per (field, conditions on that field)" over all filters.
The system is consistent (residual 0) for every layer: the weight is additive per field, and the recovered terms
show the bit slices directly (e.g. IP_PROTOCOL EQUAL = 0x3fc000000000 = bits 38..45 at ALE_RESOURCE_ASSIGNMENT_V4).

Part 2 is the algorithm inferred from those terms; it is mirrored by engine/.../weight/AutoWeight.java and
documented in docs/auto-weight.md. `check` recomputes every filter and prints the agreement.
"""
import collections
import ipaddress
import math
import pathlib
import re
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction

ROOT = pathlib.Path(__file__).resolve().parent.parent
NETSH = ROOT / "engine/src/test/resources/netsh"
DUMPS = [("windows-wfpstate.xml", "state"), ("windows11-zh-filters.xml", "zh")]
LOW60 = (1 << 60) - 1


# ---------------------------------------------------------------------------------------------------- parsing
def load(fn):
    """netsh output is not single-rooted (wfpstate is followed by firewallState) and starts with a BOM: wrap it."""
    s = (NETSH / fn).read_text(encoding="utf-8-sig")
    s = re.sub(r"<\?xml[^>]*\?>", "", s)
    return ET.fromstring("<root>" + s + "</root>")


def layers():
    """FWPM layer name -> (layer id, [(condition name without FWPM_CONDITION_, field type, data type)])."""
    out = {}
    for l in load("windows-wfpstate.xml").iter("layer"):
        fields = [(f.findtext("fieldKey").removeprefix("FWPM_CONDITION_"), f.findtext("type"), f.findtext("dataType"))
                  for f in l.find("field").findall("item")]
        out[l.findtext("layerKey")] = (int(l.findtext("layerId")), fields)
    return out


def value(cv):
    t = cv.findtext("type")
    if t == "FWP_EMPTY":
        return (t, None)
    if t == "FWP_RANGE_TYPE":
        rv = cv.find("rangeValue")
        return (t, (value(rv.find("valueLow")), value(rv.find("valueHigh"))))
    if t == "FWP_BYTE_BLOB_TYPE":
        return (t, cv.find("byteBlob").findtext("data") or "")
    for ch in cv:
        if ch.tag != "type":
            return (t, ch.text)
    return (t, None)


def filters():
    out = []
    for fn, src in DUMPS:
        for it in load(fn).iter("item"):
            if it.find("effectiveWeight") is None:
                continue
            fc = it.find("filterCondition")
            conds = [(c.findtext("fieldKey").removeprefix("FWPM_CONDITION_"), c.findtext("matchType").removeprefix("FWP_MATCH_"),
                      value(c.find("conditionValue"))) for c in (fc.findall("item") if fc is not None else [])]
            out.append(dict(src=src, id=int(it.findtext("filterId")), layer=it.findtext("layerKey"),
                            weight=value(it.find("weight")), conds=conds, eff=int(it.find("effectiveWeight").findtext("uint64"))))
    return out


def auto_weighted(fs):
    return [f for f in fs if f["weight"][0] in ("FWP_EMPTY", "FWP_UINT8")]


# ---------------------------------------------------------------------------------------------------- part 1
def short_value(match, tv):
    t, v = tv
    if t == "FWP_RANGE_TYPE":
        return "%s %s..%s" % (match, v[0][1], v[1][1])
    if t in ("FWP_BYTE_BLOB_TYPE", "FWP_SECURITY_DESCRIPTOR_TYPE", "FWP_SID"):
        return "%s <%s>" % (match, t[4:].lower())
    return "%s %s" % (match, v if match != "EQUAL" else "v")


def signature(conds):
    by = collections.defaultdict(list)
    for n, m, tv in conds:
        by[n].append(short_value(m, tv))
    return frozenset((n, " | ".join(sorted(v))) for n, v in by.items())


def decompose(fs, layer, src):
    """Exact least-commitment solve of weight = sum(term[field signature]); returns (terms, residual, rows)."""
    rows = {}
    for f in fs:
        if f["layer"] == layer and f["src"] == src:
            rows.setdefault(signature(f["conds"]), set()).add(f["eff"] & LOW60)
    unknowns = sorted({u for r in rows for u in r})
    idx = {u: i for i, u in enumerate(unknowns)}
    a = []
    conflicting = 0
    for sig, ws in rows.items():
        conflicting += len(ws) > 1
        row = [Fraction(0)] * len(unknowns)
        for u in sig:
            row[idx[u]] = Fraction(1)
        a.append(row + [Fraction(min(ws))])
    r, piv = 0, []
    for c in range(len(unknowns)):
        p = next((i for i in range(r, len(a)) if a[i][c] != 0), None)
        if p is None:
            continue
        a[r], a[p] = a[p], a[r]
        a[r] = [x / a[r][c] for x in a[r]]
        for i in range(len(a)):
            if i != r and a[i][c] != 0:
                k = a[i][c]
                a[i] = [x - k * y for x, y in zip(a[i], a[r])]
        piv.append(c)
        r += 1
    terms = {}
    for i, c in enumerate(piv):
        if all(a[i][j] == 0 for j in range(len(unknowns)) if j != c):
            terms[unknowns[c]] = a[i][-1]
    residual = sum(1 for i in range(r, len(a)) if a[i][-1] != 0) + conflicting
    return terms, residual, len(rows)


def cmd_evidence(args):
    ls, fs = layers(), auto_weighted(filters())
    wanted = ["FWPM_LAYER_" + a for a in args] or sorted({f["layer"] for f in fs}, key=lambda k: ls[k][0])
    for layer in wanted:
        names = [f[0] for f in ls[layer][1]]
        for src in ("state", "zh"):
            terms, residual, n = decompose(fs, layer, src)
            if not n:
                continue
            print("== %s [%s] %d distinct condition sets, residual %d (0 = the weight is additive per field)" % (layer[11:], src, n, residual))
            for (field, sig), t in sorted(terms.items(), key=lambda kv: -kv[1]):
                if t.denominator != 1:
                    continue
                t = int(t)
                pos = names.index(field) if field in names else -1
                print("   %2d %-34s %-44s %15x  %s" % (pos, field, sig[:44], t, format(t, "060b")))


# ---------------------------------------------------------------------------------------------------- part 2
TYPE_BITS = {"FWP_UINT8": 8, "FWP_UINT16": 16, "FWP_UINT32": 32, "FWP_UINT64": 64, "FWP_BYTE_ARRAY16_TYPE": 128}
# Conditions sharing one weight slot (a condition of a member is scored in the group's slot).
GROUPS = {
    "ADDRESS": ["IP_LOCAL_ADDRESS", "IP_REMOTE_ADDRESS", "IP_SOURCE_ADDRESS", "IP_DESTINATION_ADDRESS"],
    "INTERFACE": ["IP_LOCAL_INTERFACE", "IP_ARRIVAL_INTERFACE", "IP_NEXTHOP_INTERFACE", "IP_FORWARD_INTERFACE",
                  "IP_PHYSICAL_ARRIVAL_INTERFACE", "IP_PHYSICAL_NEXTHOP_INTERFACE"],
    "LOCAL_PORT": ["IP_LOCAL_PORT", "ORIGINAL_ICMP_TYPE"],
    "INTERFACE_TYPE": ["INTERFACE_TYPE", "ARRIVAL_INTERFACE_TYPE", "NEXTHOP_INTERFACE_TYPE"],
    "TUNNEL_TYPE": ["TUNNEL_TYPE", "ARRIVAL_TUNNEL_TYPE", "NEXTHOP_TUNNEL_TYPE"],
    "INTERFACE_INDEX": ["INTERFACE_INDEX", "ARRIVAL_INTERFACE_INDEX", "NEXTHOP_INTERFACE_INDEX"],
    "SUB_INTERFACE_INDEX": ["SUB_INTERFACE_INDEX", "NEXTHOP_SUB_INTERFACE_INDEX"],
    "INTERFACE_PROFILE": ["LOCAL_INTERFACE_PROFILE_ID", "ARRIVAL_INTERFACE_PROFILE_ID", "NEXTHOP_INTERFACE_PROFILE_ID"],
    "APP": ["ALE_APP_ID", "ALE_PACKAGE_ID", "ALE_ORIGINAL_APP_ID", "ALE_SECURITY_ATTRIBUTE_FQBN_VALUE", "ALE_PACKAGE_FAMILY_NAME"],
}
GROUP_OF = {m: g for g, ms in GROUPS.items() for m in ms}
# Fields whose slot width is proportional to log2(bits of the type); every other field gets exactly one bit.
GRADED = {"IP_LOCAL_ADDRESS", "IP_REMOTE_ADDRESS", "IP_SOURCE_ADDRESS", "IP_DESTINATION_ADDRESS", "IP_PROTOCOL",
          "IP_LOCAL_PORT", "IP_REMOTE_PORT", "ORIGINAL_ICMP_TYPE", "ALE_NAP_CONTEXT", "ALE_PROMISCUOUS_MODE",
          "INTERFACE_INDEX", "SUB_INTERFACE_INDEX", "ARRIVAL_INTERFACE_INDEX", "NEXTHOP_INTERFACE_INDEX",
          "NEXTHOP_SUB_INTERFACE_INDEX", "SOURCE_INTERFACE_INDEX", "SOURCE_SUB_INTERFACE_INDEX",
          "DESTINATION_INTERFACE_INDEX", "DESTINATION_SUB_INTERFACE_INDEX", "ORIGINAL_PROFILE_ID", "CURRENT_PROFILE_ID",
          "DIRECTION", "EMBEDDED_PROTOCOL", "EMBEDDED_REMOTE_ADDRESS", "EMBEDDED_LOCAL_PORT", "EMBEDDED_REMOTE_PORT"}
# Slots that come first, in this order; the remaining slots follow in layer field order.
HEAD_DEFAULT = ["ADDRESS", "INTERFACE", "IP_LOCAL_ADDRESS_TYPE", "IP_PROTOCOL", "LOCAL_PORT", "IP_REMOTE_PORT",
                "APP", "ALE_USER_ID", "ALE_REMOTE_USER_ID", "ALE_REMOTE_MACHINE_ID", "DIRECTION"]
HEAD_CONNECT = ["PEER_NAME", "ADDRESS", "INTERFACE", "IP_LOCAL_ADDRESS_TYPE", "IP_PROTOCOL", "LOCAL_PORT", "IP_REMOTE_PORT",
                "APP", "ALE_USER_ID", "FLAGS", "ALE_REMOTE_USER_ID", "ALE_REMOTE_MACHINE_ID", "IP_DESTINATION_ADDRESS_TYPE",
                "INTERFACE_TYPE", "TUNNEL_TYPE", "REAUTHORIZE_REASON"]
HEAD_RESOURCE_ASSIGNMENT = ["LOCAL_PORT", "INTERFACE", "IP_LOCAL_ADDRESS_TYPE", "IP_PROTOCOL", "APP", "ALE_USER_ID",
                            "ALE_PROMISCUOUS_MODE", "FLAGS", "ADDRESS"]
HEAD_INBOUND_TRANSPORT = HEAD_DEFAULT + ["FLAGS"]


def head_of(layer):
    if "_ALE_AUTH_CONNECT_" in layer:
        return HEAD_CONNECT
    if "_ALE_RESOURCE_ASSIGNMENT_" in layer:
        return HEAD_RESOURCE_ASSIGNMENT
    if "_INBOUND_TRANSPORT_V" in layer:
        return HEAD_INBOUND_TRANSPORT
    return HEAD_DEFAULT


def layout(layer, fields):
    """[(slot, members, lo, hi)] from the top; fields: [(name, data type)] in layer order."""
    slots, order = {}, []
    for name, dt in fields:
        key = GROUP_OF.get(name, name)
        if key not in slots:
            slots[key] = dict(key=key, members=[], cost=0)
            order.append(key)
        slots[key]["members"].append(name)
        if name in GRADED:
            slots[key]["cost"] += TYPE_BITS[dt].bit_length() - 1
    head = [k for k in head_of(layer) if k in slots]
    seq = head + [k for k in order if k not in head]
    fixed = sum(1 for k in seq if not slots[k]["cost"])
    total = sum(slots[k]["cost"] for k in seq)
    out, fixed_above, cost_above = [], 0, 0

    def boundary():  # round-half-up of 60 - fixed_above - (60 - fixed) * cost_above / total, exactly
        if not total:
            return 60 - fixed_above
        num = (60 - fixed_above) * total - (60 - fixed) * cost_above
        return (2 * num + total) // (2 * total)

    for k in seq:
        hi = boundary()
        if slots[k]["cost"]:
            cost_above += slots[k]["cost"]
        else:
            fixed_above += 1
        out.append(dict(slots[k], hi=hi, lo=boundary()))
    return out


def log2_count(n):
    return n.bit_length() - 1 if n & (n - 1) == 0 else math.log2(n)


def as_int(tv):
    t, v = tv
    if t == "FWP_BYTE_ARRAY16_TYPE":
        return int(ipaddress.IPv6Address(v))
    if t == "FWP_UINT32" and "." in v:
        return int(ipaddress.IPv4Address(v))
    return int(v)


def specificity(match, tv, bits):
    """Fraction of the field's bits the condition pins: (bits - log2(values it accepts)) / bits."""
    t, v = tv
    if t == "FWP_RANGE_TYPE":
        n = as_int(v[1]) - as_int(v[0]) + 1
    elif match == "EQUAL":
        n = 1
    else:
        raise ValueError("no specificity rule for %s %s" % (match, t))
    return max(0.0, (bits - log2_count(n)) / bits)


def auto_weight(layer, fields, conds):
    if not fields:
        return (1 << 59) - 1  # observed for the *_FAST layers, which have no fields
    types = dict(fields)
    by = collections.defaultdict(list)
    for n, m, tv in conds:
        by[n].append((m, tv))
    total = 0
    for s in layout(layer, fields):
        width = s["hi"] - s["lo"]
        top = (1 << width) - 1
        k = len(s["members"])
        scored = s["members"] + [n for n in by if n not in types and GROUP_OF.get(n) == s["key"]]
        level = 0
        for n in scored:
            if n not in by:
                continue
            if s["cost"] and n in GRADED:
                bits = TYPE_BITS[types.get(n) or by[n][0][1][0]]
                spec = min(1.0, sum(specificity(m, tv, bits) for m, tv in by[n]))
                if spec > 0:
                    level += max(1, math.floor(spec * top / k + 0.5))
            else:
                level += 1 if top else 0
        total += min(level, top) << s["lo"]
    return total


def zh_build_fields(layer, fields):
    """The field list of the zh dump's newer build, as inferred (see docs/auto-weight.md): the SDK lists
    PACKAGE_FAMILY_NAME for the ALE layers and RESERVED_n fields for RESOURCE_ASSIGNMENT, AUTH_RECV_ACCEPT and
    AUTH_CONNECT; the data fits one extra one-bit slot at the end of exactly those layers."""
    if any(x in layer for x in ("_ALE_RESOURCE_ASSIGNMENT_", "_ALE_AUTH_RECV_ACCEPT_", "_ALE_AUTH_CONNECT_")):
        return fields + [("ALE_PACKAGE_FAMILY_NAME", "FWP_SECURITY_DESCRIPTOR_TYPE"), ("RESERVED", "FWP_EMPTY")]
    return fields


def effective(f, ls, zh_build):
    t, v = f["weight"]
    if t == "FWP_UINT64":
        return int(v)
    fields = [(n, dt) for n, _, dt in ls[f["layer"]][1]]
    if zh_build and f["src"] == "zh":
        fields = zh_build_fields(f["layer"], fields)
    auto = auto_weight(f["layer"], fields, f["conds"])
    return auto if t == "FWP_EMPTY" else (int(v) << 60) | auto


def cmd_check(args, show_misses=False):
    zh_build = "--zh-build" in args
    ls, fs = layers(), filters()
    ok, tot, misses = collections.Counter(), collections.Counter(), []
    for f in fs:
        key = (f["src"], f["layer"].removeprefix("FWPM_LAYER_"))
        tot[key] += 1
        got = effective(f, ls, zh_build)
        if got == f["eff"]:
            ok[key] += 1
        else:
            misses.append((key, f, got))
    for src in ("state", "zh"):
        a, n = sum(v for k, v in ok.items() if k[0] == src), sum(v for k, v in tot.items() if k[0] == src)
        print("%-5s %5d / %5d filters agree (%.1f%%)" % (src, a, n, 100.0 * a / n))
        for k in sorted(t for t in tot if t[0] == src and ok[t] != tot[t]):
            print("      %-36s %4d / %4d" % (k[1], ok[k], tot[k]))
    a, n = sum(ok.values()), sum(tot.values())
    print("total %5d / %5d filters agree (%.1f%%)" % (a, n, 100.0 * a / n))
    if show_misses:
        for key, f, got in misses:
            print(key, f["id"], "%016x expected %016x" % (got, f["eff"]), [(c[0], c[1], str(c[2])[:48]) for c in f["conds"]])


def cmd_layouts(args):
    ls = layers()
    wanted = ["FWPM_LAYER_" + a for a in args] or sorted(ls, key=lambda k: ls[k][0])
    for layer in wanted:
        fields = [(n, dt) for n, _, dt in ls[layer][1]]
        print("== %s (id %d)" % (layer[11:], ls[layer][0]))
        for s in layout(layer, fields):
            print("   bits %2d..%2d  %-28s %s %s" % (s["lo"], s["hi"] - 1, s["key"], "graded" if s["cost"] else "one bit",
                                                  "+".join(s["members"]) if len(s["members"]) > 1 else ""))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    rest = sys.argv[2:]
    {"evidence": cmd_evidence, "layouts": cmd_layouts, "check": cmd_check,
     "misses": lambda a: cmd_check(a, True)}[cmd](rest)
