"""HTTP benchmark: public pages under gunicorn in production mode, loaded with wrk.

    .venv/bin/python -m bench.web --label 100k [--rounds 3] [--duration 5]

Starts gunicorn (the product's gunicorn.conf.py, DEBUG off, Redis cache,
collected static files) with ``bench.settings`` — the product's URLs plus a
reference view returning a constant page the size of the article page. In each
round every page is loaded twice, each time right after the reference, and
its ratio is taken against that reference (this shared machine's speed drifts
by 2x within a run, so only paired ratios compare):

- cached: the same URL every request (the anonymous page cache answers);
- alone: uncached, one connection: latency with no queue in front;
- uncached: every request carries a unique ``?nocache=…`` parameter that no
  view reads, so each one misses the page cache and renders the page (and, as
  a real miss does, stores it) — what a page costs after a change drops it.
  ``bench.queries`` measures the same renders in-process.

gunicorn runs the product's config with one worker of four threads unless
WEB_CONCURRENCY / WEB_THREADS say otherwise, and wrk one thread with one
keep-alive connection per request slot. One worker because with two, wrk's
connections all land on whichever worker wins the accept race or are split
between both, by luck: the same reference measured 1,700 or 3,700 req/s from
one run to the next, and no ratio survived that. Reported per page: medians
over the rounds of req/s, p50, p95 and p99 latency, and the median of the
paired ratios.
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import urllib.request
import uuid
from pathlib import Path

from bench.server import ROOT, collectstatic, gunicorn, production_env

RESULTS = ROOT / "bench" / "results"
PORT = 8181

LUA = """
local bust = %(bust)s
local prefix = "%(prefix)s"
local counter = 0
request = function()
  local path = wrk.path
  if bust then
    counter = counter + 1
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "nocache=" .. prefix .. counter
  end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %%d %%d %%d %%d %%d %%d %%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def pages() -> dict[str, str]:
    """The pages to load, found in the database (the freshest piece that has everything)."""
    import django

    django.setup()
    from articles.models import Article

    article = (
        Article.objects.live()
        .filter(series__isnull=False, lead_photo__isnull=False, slug__startswith="bench-")
        .order_by("-published_at")
        .first()
    )
    urls = {
        "home": "/",
        "article": article.get_absolute_url(),
        "expert": "/experts/bench-expert-1/",
        "tag": "/tags/policy/",
        "series": "/series/bench-series-1/",
        "search": "/search/?q=sanctions+energy",
        # The generator's 247 words each appear in ~92% of pieces; a quoted
        # pair of them is in ~1%, the closest this data has to a rare term.
        "search phrase": "/search/?q=%22agreement+audit%22",
        "feed": "/feed/",
        "home p500": "/?page=500",
        "tag p500": "/tags/policy/?page=500",
    }
    # Page 500 as the site's own "Older" links reach it: a keyset cursor naming
    # the last piece of page 499 (newsroom.pagination).
    from taggit.models import Tag

    from newsroom.pagination import encode_cursor

    listings = {
        "home p500 keyset": ("/", Article.objects.live()),
        "tag p500 keyset": (
            "/tags/policy/",
            Article.objects.live().filter(tags__in=Tag.objects.filter(slug="policy")),
        ),
    }
    for name, (path, queryset) in listings.items():
        last_of_499 = queryset.order_by("-published_at", "-pk")[499 * 20 - 1 : 499 * 20].first()
        if last_of_499 is not None:
            urls[name] = f"{path}?page=500&before={encode_cursor(last_of_499)}"
    return urls


def fetch_size(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return len(response.read())
    except Exception:
        return None


def wrk(url: str, *, bust: bool, duration: int, connections: int) -> dict:
    script = LUA % {"bust": "true" if bust else "false", "prefix": uuid.uuid4().hex[:8] + "-"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    p50, p95, p99, requests, duration_us, bad_status, socket_errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "requests": requests,
        "non_2xx": bad_status,
        "socket_errors": socket_errors,
    }


def median_of(runs: list[dict]) -> dict:
    keys = ["rps", "p50_ms", "p95_ms", "p99_ms"]
    summary = {key: statistics.median(run[key] for run in runs) for key in keys}
    summary["non_2xx"] = sum(run["non_2xx"] for run in runs)
    summary["socket_errors"] = sum(run["socket_errors"] for run in runs)
    return summary


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Load the public pages with wrk.")
    parser.add_argument("--label", required=True, help="e.g. the data size: 1k, 10k, 100k")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="page names to run (default: all)")
    parser.add_argument("--connections-per-slot", type=int, default=1)
    args = parser.parse_args(argv)

    env = production_env()
    env.setdefault("WEB_CONCURRENCY", "1")
    env.setdefault("WEB_THREADS", "4")
    os.environ.update(env)
    targets = pages()
    if args.only:
        targets = {name: url for name, url in targets.items() if name in args.only}
    workers = int(env["WEB_CONCURRENCY"])
    threads = int(env["WEB_THREADS"])
    connections = workers * threads * args.connections_per_slot
    collectstatic(env)
    subprocess.run(
        ["redis-cli", "-u", env["REDIS_URL"], "FLUSHDB"], check=True, stdout=subprocess.DEVNULL
    )

    base = f"http://127.0.0.1:{PORT}"
    runs: dict = {name: {"cached": [], "uncached": [], "alone": []} for name in targets}
    runs["reference"] = {"cached": []}
    with gunicorn(PORT, env) as master:
        sizes = {name: fetch_size(base + url) for name, url in targets.items()}
        targets = {name: url for name, url in targets.items() if sizes[name] is not None}
        reference_size = sizes.get("article") or 40_000
        reference = f"{base}/__bench__/constant/{reference_size}/"
        sizes["reference"] = fetch_size(reference)
        for round_number in range(args.rounds):
            for name, url in targets.items():
                # The reference runs right before each page, and each ratio is
                # taken against it: the machine's speed drifts within a run.
                paired = wrk(reference, bust=False, duration=args.duration, connections=connections)
                runs["reference"]["cached"].append(paired)
                for mode in ("cached", "uncached"):
                    result = wrk(
                        base + url,
                        bust=mode == "uncached",
                        duration=args.duration,
                        connections=connections,
                    )
                    result["ratio"] = result["rps"] / paired["rps"]
                    runs[name][mode].append(result)
                    print(
                        f"round {round_number + 1} {name:<16} {mode:<8} {result['rps']:8.1f} req/s "
                        f"ratio {result['ratio']:5.2f} (reference {paired['rps']:7.1f}) "
                        f"p50 {result['p50_ms']:7.1f} ms p99 {result['p99_ms']:7.1f} ms",
                        flush=True,
                    )
                # One request at a time, each a page-cache miss: the latency a
                # reader sees when nothing queues in front of the request.
                alone = wrk(base + url, bust=True, duration=args.duration, connections=1)
                runs[name]["alone"].append(alone)
                print(
                    f"round {round_number + 1} {name:<16} alone    p50 {alone['p50_ms']:7.1f} ms "
                    f"p95 {alone['p95_ms']:7.1f} ms p99 {alone['p99_ms']:7.1f} ms",
                    flush=True,
                )
        memory = worker_memory(master.pid)
        print(f"web workers' memory (MB): {memory}", flush=True)

    summary = {
        name: {mode: median_of(results) for mode, results in modes.items() if results}
        for name, modes in runs.items()
    }
    for name, modes in runs.items():
        for mode, results in modes.items():
            ratios = [r["ratio"] for r in results if "ratio" in r]
            if ratios:
                summary[name][mode]["ratio"] = statistics.median(ratios)
    summary["reference"]["cached"]["ratio"] = 1.0
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"http-{args.label}.json"
    out.write_text(
        json.dumps(
            {
                "label": args.label,
                "connections": connections,
                "workers": workers,
                "threads": threads,
                "duration_s": args.duration,
                "rounds": args.rounds,
                "urls": targets,
                "sizes": sizes,
                "summary": summary,
                "worker_memory_mb": memory,
                "runs": runs,
            },
            indent=2,
        )
    )
    print(
        f"\n{'page':<12}{'mode':<10}{'req/s':>9}{'ratio':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    )
    for name, modes in summary.items():
        for mode, s in modes.items():
            print(
                f"{name:<12}{mode:<10}{s['rps']:9.1f}{s.get('ratio', float('nan')):8.2f}"
                f"{s['p50_ms']:9.1f}{s['p95_ms']:9.1f}{s['p99_ms']:9.1f}"
            )
    print(f"written {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


def worker_memory(master_pid: int) -> list[dict]:
    """Each gunicorn worker's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    found = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        fields = dict(line.split(":", 1) for line in status if ":" in line)
        found.append(
            {name: round(int(fields[name].split()[0]) / 1024, 1) for name in ("VmRSS", "VmHWM")}
        )
    return found


if __name__ == "__main__":
    main()
