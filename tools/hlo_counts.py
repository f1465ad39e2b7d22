"""Counts instructions of an optimized HLO text dump (*.cpu_after_optimizations.txt), for the
whole module and per while-loop body (with the loop's trip count when XLA knows it):
  python3 tools/hlo_counts.py FILE [--bodies]"""
import re
import sys
from collections import Counter, defaultdict

KINDS = ["fusion", "copy", "transpose", "while", "dot", "custom-call", "reduce-window", "scatter", "gather",
         "dynamic-slice", "dynamic-update-slice", "conditional", "sort", "rng-bit-generator", "call"]


def parse(path):
    comps = {}
    cur = None
    for line in open(path):
        m = re.match(r"^(ENTRY )?%?([\w.\-]+) .*\{\s*$", line)
        if m and not line.startswith(" "):
            cur = m.group(2)
            comps[cur] = []
            if m.group(1):
                comps["__entry__"] = cur
            continue
        if line.startswith("}"):
            cur = None
            continue
        if cur and "=" in line:
            comps[cur].append(line.strip())
    return comps


def op_of(instr):
    m = re.search(r"=\s*(?:\([^=]*?\)|[\w\[\]{},:\d ]+?)\s+([a-z][\w\-]*)\(", instr)
    return m.group(1) if m else None


def main():
    path = sys.argv[1]
    comps = parse(path)
    entry = comps.pop("__entry__", None)
    # Computations called as fusion bodies are not counted as instructions of the program.
    fused = set()
    for name, ins in comps.items():
        for i in ins:
            for c in re.findall(r"calls=%?([\w.\-]+)", i):
                fused.add(c)
    total = Counter()
    for name, ins in comps.items():
        if name in fused and not name.startswith("wrapped"):
            continue
        for i in ins:
            op = op_of(i)
            if op:
                total[op] += 1
    lines = sum(1 for _ in open(path))
    print(f"{path}: {lines} lines; " + ", ".join(f"{k} {total[k]}" for k in KINDS if total[k]))
    if "--bodies" in sys.argv:
        for name, ins in comps.items():
            for i in ins:
                if " while(" in i:
                    body = re.search(r"body=%?([\w.\-]+)", i).group(1)
                    trips = re.search(r'"known_trip_count":\{"n":"(\d+)"', i)
                    c = Counter(op_of(x) for x in comps.get(body, []))
                    print(f"  while {body} (in {name}; trips {trips.group(1) if trips else '?'}): {len(comps.get(body, []))} instrs; "
                          + ", ".join(f"{k} {c[k]}" for k in KINDS if c[k]))


main()
