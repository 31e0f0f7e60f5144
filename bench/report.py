"""Tables (Markdown) and the throughput plot from bench/results/*.json.

.venv/bin/pip install -r bench/requirements.txt   # matplotlib, bench only
.venv/bin/python -m bench.report --sizes 1k 100k
"""

import argparse
import json

from bench.server import ROOT

RESULTS = ROOT / "bench" / "results"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}


def load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def http_table(label: str) -> str:
    data = load(f"http-{label}.json")
    if not data:
        return ""
    lines = [
        f"HTTP at {label} ({data['workers']} gunicorn workers x {data['threads']} threads, "
        f"wrk 1 thread x {data['connections']} connections, {data['rounds']} rounds x "
        f"{data['duration_s']} s, medians):",
        "",
        "| page | bytes | cached req/s | ratio | p50 ms | p99 ms "
        "| uncached req/s | ratio | p50 ms | p95 ms | p99 ms | alone p50 ms | alone p95 ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, modes in data["summary"].items():
        if name == "reference" or "cached" not in modes:
            continue
        c, u, a = modes["cached"], modes["uncached"], modes.get("alone")
        alone = f"{a['p50_ms']:.0f} | {a['p95_ms']:.0f}" if a else " | "
        lines.append(
            f"| {name} | {data['sizes'].get(name)} | {c['rps']:.0f} | {c['ratio']:.2f} "
            f"| {c['p50_ms']:.1f} | {c['p99_ms']:.1f} | {u['rps']:.1f} | {u['ratio']:.3f} "
            f"| {u['p50_ms']:.0f} | {u['p95_ms']:.0f} | {u['p99_ms']:.0f} | {alone} |"
        )
    ref = data["summary"]["reference"]["cached"]
    lines.append(
        f"| **reference** (constant {data['sizes']['reference']} bytes) | "
        f"{data['sizes']['reference']} | {ref['rps']:.0f} | 1.00 | {ref['p50_ms']:.1f} "
        f"| {ref['p99_ms']:.1f} | | | | | | | |"
    )
    return "\n".join(lines)


def queries_table(label: str) -> str:
    data = load(f"queries-{label}.json")
    if not data:
        return ""
    lines = [
        f"Queries and cold render time at {label} (in-process, no cache at all, p50):",
        "",
        "| page | queries | SQL ms | slowest query ms | render ms p50 |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, r in data.items():
        if r.get("status") != 200:
            lines.append(f"| {name} | — (status {r.get('status')}) | | | |")
            continue
        lines.append(
            f"| {name} | {r['queries']} | {r['sql_ms']:.0f} | {r['slowest_ms']:.0f} "
            f"| {r['render_ms']:.0f} |"
        )
    return "\n".join(lines)


def before_after(label: str, before: str = "run2") -> str:
    """Per page: the run saved as *-<before>.json against the current one."""
    http0, http1 = load(f"http-{label}-{before}.json"), load(f"http-{label}.json")
    q0, q1 = load(f"queries-{label}-{before}.json"), load(f"queries-{label}.json")
    if not (http0 and http1 and q0 and q1):
        return ""
    lines = [
        f"{before} -> now at {label} (ratios are to the reference of the same run):",
        "",
        "| page | uncached req/s | uncached ratio | uncached p95 ms | cached ratio "
        "| SQL ms (in-process) | render ms (in-process) |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]

    def pair(a, b, fmt):
        return f"{'—' if a is None else format(a, fmt)} -> {'—' if b is None else format(b, fmt)}"

    for name, modes in http1["summary"].items():
        if name == "reference" or "uncached" not in modes:
            continue
        old = http0["summary"].get(name, {})
        u0, u1 = old.get("uncached", {}), modes["uncached"]
        c0, c1 = old.get("cached", {}), modes["cached"]
        r0, r1 = q0.get(name, {}), q1.get(name, {})
        lines.append(
            f"| {name} | {pair(u0.get('rps'), u1['rps'], '.1f')} "
            f"| {pair(u0.get('ratio'), u1['ratio'], '.3f')} "
            f"| {pair(u0.get('p95_ms'), u1['p95_ms'], '.0f')} "
            f"| {pair(c0.get('ratio'), c1['ratio'], '.2f')} "
            f"| {pair(r0.get('sql_ms'), r1.get('sql_ms'), '.0f')} "
            f"| {pair(r0.get('render_ms'), r1.get('render_ms'), '.0f')} |"
        )
    ref0 = http0["summary"]["reference"]["cached"]["rps"]
    ref1 = http1["summary"]["reference"]["cached"]["rps"]
    lines.append(f"| **reference** req/s | {ref0:.0f} -> {ref1:.0f} | | | | | |")
    return "\n".join(lines)


def mail_table() -> str:
    lines = [
        "| audience | workers | ledger s | ledger peak RSS MB | raw smtplib msg/s "
        "| product msg/s (steady) | ratio | sent in run | sink duplicates | worker peak RSS MB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for audience in ("100k", "1m"):
        for workers in (1, 2):
            r = load(f"mail-{audience}-w{workers}.json")
            if not r:
                continue
            lines.append(
                f"| {r['audience_count']:,} | {workers} | {r['ledger_seconds']} "
                f"| {r['ledger_peak_rss_mb']} | {r['raw_rate']:.0f} | {r['rate_steady']:.0f} "
                f"| {r['ratio_to_raw']:.2f} | {r['sent']:,} | {r['duplicated_recipients']} "
                f"| {', '.join(str(x) for x in r['worker_peak_rss_mb'])} |"
            )
    return "\n".join(lines)


def plot(labels: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [(SIZES[label], load(f"http-{label}.json")) for label in labels]
    runs = [(size, data) for size, data in runs if data]
    pages = [p for p in runs[-1][1]["summary"] if p != "reference" and "p500" not in p]
    pages = [p for p in pages if all(p in d["summary"] for _, d in runs)]
    fig, (cached, uncached) = plt.subplots(1, 2, figsize=(11, 4.2))
    for page in pages:
        points = [(s, d["summary"][page]) for s, d in runs if d["summary"].get(page)]
        xs = [s for s, _ in points]
        cached.plot(xs, [m["cached"]["rps"] for _, m in points], marker="o", label=page)
        uncached.plot(xs, [m["uncached"]["rps"] for _, m in points], marker="o", label=page)
    refs = [(s, d["summary"]["reference"]["cached"]["rps"]) for s, d in runs]
    cached.plot([s for s, _ in refs], [r for _, r in refs], "k--", marker="s", label="reference")
    for axis, title in ((cached, "cached (anonymous page cache)"), (uncached, "uncached")):
        axis.set_xscale("log")
        axis.set_xlabel("articles in the database")
        axis.set_ylabel("requests/s (median)")
        axis.set_title(title)
        axis.grid(True, alpha=0.3)
    cached.legend(fontsize=7)
    last = runs[-1][1]
    fig.suptitle(
        f"Throughput against data size (gunicorn {last['workers']}x{last['threads']}, "
        f"wrk {last['connections']} connections, 2 shared cores)"
    )
    fig.tight_layout()
    fig.savefig(RESULTS / "throughput.png", dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1k", "100k"])
    parser.add_argument(
        "--compare", nargs="*", default=[], help="earlier runs kept as *-<name>.json"
    )
    args = parser.parse_args()
    for label in args.sizes:
        print(http_table(label), "\n")
        print(queries_table(label), "\n")
        for before in args.compare:
            print(before_after(label, before), "\n")
    print(mail_table())
    plot(args.sizes)


if __name__ == "__main__":
    main()
