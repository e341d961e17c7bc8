#!/usr/bin/env python3
"""Usage: scripts/analyze-json-diff.py BEFORE.json AFTER.json

Diffs two `condense analyze --json` reports: per field (and GPTQ vs round-to-nearest settings), the count of
numbers, how many differ, the max and median relative difference |a-b|/max(|a|,|b|)."""
import json, sys, statistics
a, b = [json.load(open(p)) for p in sys.argv[1:3]]
rows = {}
def walk(x, y, path, kind):
    if isinstance(x, dict):
        if 'setting' in x and isinstance(x['setting'], str):
            kind = 'rtn' if x['setting'].endswith('-rtn') else 'gptq'
        if 'name' in x and isinstance(x['name'], str) and x['name'].startswith('uniform'):
            kind = 'rtn' if x['name'].endswith('-rtn') else 'gptq'
        for k in x:
            if k == 'elapsed': continue
            walk(x[k], y[k], path + [k], kind)
    elif isinstance(x, list):
        assert len(x) == len(y), path
        for i, (p, q) in enumerate(zip(x, y)): walk(p, q, path, kind)
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        d = abs(x - y) / max(abs(x), abs(y)) if x != y else 0.0
        rows.setdefault((path[-1], kind or "-"), []).append(d)
    else:
        assert x == y, (path, x, y)
walk(a, b, [], None)
print(f"{'field':16} {'settings':8} {'numbers':>7} {'differ':>6} {'max rel':>10} {'median rel':>10}")
for (field, kind), ds in sorted(rows.items()):
    print(f"{field:16} {kind:8} {len(ds):7} {sum(d > 0 for d in ds):6} {max(ds):10.2e} {statistics.median(ds):10.2e}")
