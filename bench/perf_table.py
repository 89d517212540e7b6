#!/usr/bin/env python3
"""Turns `perf report --sort symbol -g none` lines (demangled) into markdown table rows for BENCHMARKS.md.

usage: perf_table.py FILE   (prints: | share | `symbol` | rows)
"""
import re
import sys

for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    match = re.match(r"\s*([0-9.]+%)\s+\[.\]\s+(.*?)[\s-]*$", line)
    if match:
        symbol = match.group(2).replace("|", "\\|")[:120]
        print(f"| {match.group(1)} | `{symbol}` |")
