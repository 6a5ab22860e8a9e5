#!/usr/bin/env python3
"""Turns the JMH JSON files and logs that run.sh writes into results/results.md."""
import glob
import json
import os
import re
import sys

out = sys.argv[1]


def load(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else []


def short(bench):
    return bench["benchmark"].rsplit(".", 1)[-1]


def score(bench, secondary=None):
    m = bench["primaryMetric"] if secondary is None else bench["secondaryMetrics"].get(secondary)
    if m is None:
        return None, None
    err = m.get("scoreError")
    return m["score"], (err if isinstance(err, (int, float)) and err == err else None)


def fmt(value, err=None, digits=0):
    if value is None:
        return "n/a"
    text = f"{value:,.{digits}f}"
    if err is not None:
        text += f" ± {err:,.{digits}f}"
    return text


drops = {}
cpu = {}
wire = {}
for log in glob.glob(os.path.join(out, "*.log")):
    with open(log) as f:
        for line in f:
            w = re.search(r"#wire gzip=(\S+) batchSize=(\S+) bodyBytesPerEvent=([\d.]+)", line)
            if w:
                wire[(w.group(2), w.group(1))] = float(w.group(3))
            c = re.search(r"#cpu benchmark=(\S+)((?: \w+=\S+)*) threads=(\S+) cpuNanosPerEvent=([\d.]+)", line)
            if c:
                params = dict(kv.split("=") for kv in c.group(2).split())
                cpu[(c.group(1), params.get("batchSize", "-"), params.get("gzip", "-"))] = float(c.group(4))
            m = re.search(r"#drops benchmark=(\S+) threads=(\d+) calls=(\d+) delivered=(\d+) dropped=(\d+) "
                          r"\(([\d.]+)%\) callerBytesPerCall=([\d.]+) callerCpuNanosPerCall=([\d.]+)", line)
            if m:
                drops[(m.group(1), int(m.group(2)))] = m

print("# Benchmark results\n")
with open(os.path.join(out, "machine.txt")) as f:
    print("```\n" + f.read().strip() + "\n```\n")

names = {"insideLlm": "InsideLLM `logEvent(Event.of(...))`",
         "insideLlmEnqueueOnly": "InsideLLM `logEvent(prebuilt)` (enqueue path only)",
         "openTelemetry": "OpenTelemetry `BatchLogRecordProcessor` emit",
         "segment": "Segment `Analytics.offer`"}
print("## Caller cost of recording one ~1 KB llm.response event\n")
print("| library / call | threads | ns per event (wall clock) | caller CPU ns per event | bytes allocated by caller "
      "per event | bytes allocated by JVM per event (`-prof gc`) | events dropped |")
print("|---|---:|---:|---:|---:|---:|---:|")
caller = {}
caller_cpu = {}
for t in (1, 2, 4):
    for b in load(f"caller-cost-t{t}"):
        name = short(b)
        s, e = score(b)
        norm, _ = score(b, "gc.alloc.rate.norm")
        d = drops.get((name, t))
        caller[(name, t)] = s
        caller_cpu[(name, t)] = float(d.group(8)) if d else None
        print(f"| {names.get(name, name)} | {t} | {fmt(s, e)} | {fmt(caller_cpu[(name, t)])} | "
              f"{fmt(float(d.group(7)) if d else None, digits=1)} | "
              f"{fmt(norm)} | {d.group(5) + ' of ' + d.group(3) if d else 'n/a'} |")

print("\n### Targets\n")
print("| target | threads | measured | met? |")
print("|---|---:|---|---|")
for label, table in (("wall clock", caller), ("caller CPU", caller_cpu)):
    for t in (1, 2, 4):
        ours, otel, seg = (table.get(("insideLlm", t)), table.get(("openTelemetry", t)),
                           table.get(("segment", t)))
        if ours and otel:
            r = ours / otel
            print(f"| caller cost ≤ 0.5 × OpenTelemetry ({label}) | {t} | {r:.2f} × | {'yes' if r <= 0.5 else 'no'} |")
        if ours and seg:
            r = ours / seg
            print(f"| caller cost ≤ 0.1 × Segment ({label}) | {t} | {r:.2f} × | {'yes' if r <= 0.1 else 'no'} |")
for t in (1, 2, 4):
    d = drops.get(("insideLlmEnqueueOnly", t))
    if d:
        b = float(d.group(7))
        print(f"| no allocation on the enqueue path | {t} | {b:.1f} bytes per event on the caller | "
              f"{'yes' if b < 1 else 'no'} |")

delivery = load("delivery")
if delivery:
    print("\n## Delivery throughput (events per second, log 10,000 then flush until acknowledged)\n")
    print("| benchmark | batch size | gzip | events/s (wall clock) | CPU ns per event (SDK flusher + sender / serialiser) "
          "| request body bytes per event | bytes allocated by JVM per event |")
    print("|---|---:|---|---:|---:|---:|---:|")
    best = 0
    for b in delivery:
        s, e = score(b)
        norm, _ = score(b, "gc.alloc.rate.norm")
        p = b.get("params", {})
        if short(b) == "deliverToDiscardingServer":
            best = max(best, s)
        c = cpu.get((short(b), str(p.get("batchSize", "-")), str(p.get("gzip", "-"))))
        body = wire.get((str(p.get("batchSize", "-")), str(p.get("gzip", "-"))))
        print(f"| {short(b)} | {p.get('batchSize', '-')} | {p.get('gzip', '-')} | {fmt(s, e)} | {fmt(c)} | "
              f"{fmt(body)} | {fmt(norm)} |")
    print(f"\nTarget ≥ 100,000 events/s to a discarding server: best {best:,.0f} events/s — "
          f"{'met' if best >= 100_000 else 'not met'}.")

for name, title in (("collector", "Delivery to the InsideLLM collector (events/s)"),
                    ("integrations", "Integration overhead (per chat call / per annotated call)"),
                    ("event-construction", "Event construction alone")):
    rows = load(name)
    if not rows:
        continue
    print(f"\n## {title}\n")
    print("| benchmark | params | score | unit | bytes allocated by JVM per op |")
    print("|---|---|---:|---|---:|")
    for b in rows:
        s, e = score(b)
        norm, _ = score(b, "gc.alloc.rate.norm")
        params = ", ".join(f"{k}={v}" for k, v in b.get("params", {}).items()) or "-"
        print(f"| {short(b)} | {params} | {fmt(s, e)} | {b['primaryMetric']['scoreUnit']} | {fmt(norm)} |")
