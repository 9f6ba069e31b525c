"""Symbolises a callgrind profile of a NativeAOT gateway and prints its costliest functions, inclusive, in
instructions per request: callgrind_annotate names managed code by address only (valgrind loads a PIE executable at
0x108000 and reads no symbols from NativeAOT's stripped binary), so addresses are mapped through `nm` of the
binary's switchyard.dbg.
usage: callgrind-top.py SYMBOLS.txt CALLGRIND.OUT REQUESTS TOP"""
import bisect
import re
import subprocess
import sys
from collections import Counter

BASE = 0x108000
symbols_file, profile, requests, top = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
table = []
for line in open(symbols_file):
    parts = line.split(None, 2)
    if len(parts) == 3 and parts[1] in "tTwW":
        table.append((int(parts[0], 16), parts[2].strip()))
table.sort()
starts = [a for a, _ in table]


def name(address):
    i = bisect.bisect_right(starts, address) - 1
    return table[i][1] if i >= 0 else "?"


out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", profile], capture_output=True, text=True, check=True).stdout
totals = Counter()
for line in out.splitlines():
    m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)", line)
    if not m or "PROGRAM TOTALS" in m.group(2):
        continue
    count, rest = int(m.group(1).replace(",", "")), m.group(2)
    a = re.match(r"\?\?\?:0x([0-9a-f]+)\S* \[([^\]]+)\]", rest)
    label = (name(int(a.group(1), 16) - BASE) if a.group(2) == "???" else name(int(a.group(1), 16))) if a else rest
    if "AsyncMethodBuilderCore__Start" in label or "StateMachineBox" in label:
        continue  # the async machinery's frames repeat their method's figure
    totals[label] += count
for label, count in totals.most_common(top):
    print(f"{count // requests:10d}  {label[:160]}")
