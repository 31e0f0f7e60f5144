"""Queries per page and server render time, in-process, with the page cache out of the way.

    .venv/bin/python -m bench.queries --label 100k [--repeat 15] [--profile home]

Each page is requested through Django's test client (the full middleware
stack, production settings, ``DEBUG`` off) with the page cache off and a
dummy cache, so every request renders cold. Reported per page: the number of
SQL queries, the time spent in SQL, the slowest query, and the median (p50)
wall time of the whole request over ``--repeat`` requests after one warm-up.
``--explain`` prints EXPLAIN ANALYZE for each page's slowest query.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import time

from bench.server import ROOT, production_env

RESULTS = ROOT / "bench" / "results"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Queries and render time per public page.")
    parser.add_argument("--label", required=True)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--profile", help="a page name to run under cProfile")
    args = parser.parse_args(argv)

    os.environ.update(production_env())
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.web import pages

    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    targets = pages()
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy, PUBLIC_PAGE_CACHE_SECONDS=0):
        for name, url in targets.items():
            response = client.get(url)  # warm-up (and the status to report)
            if response.status_code != 200:
                results[name] = {"status": response.status_code}
                continue
            if args.profile == name:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(5):
                    client.get(url)
                profiler.disable()
                pstats.Stats(profiler).sort_stats(
                    os.environ.get("BENCH_SORT", "cumulative")
                ).print_stats(35)
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            times = [float(q["time"]) * 1000 for q in captured.captured_queries]
            slowest = max(range(len(times)), key=times.__getitem__) if times else None
            results[name] = {
                "status": 200,
                "queries": len(times),
                "sql_ms": round(sum(times), 2),
                "slowest_ms": round(times[slowest], 2) if times else 0,
                "render_ms": round(statistics.median(timings), 2),
                "bytes": len(response.content),
            }
            if args.explain and slowest is not None:
                sql = captured.captured_queries[slowest]["sql"]
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                results[name]["slowest_sql"] = sql
                results[name]["plan"] = plan
                print(f"--- {name}: {sql[:300]}…\n{plan}\n")
    print(f"{'page':<18}{'queries':>8}{'sql ms':>9}{'slowest':>9}{'p50 ms':>9}{'bytes':>9}")
    for name, r in results.items():
        if r.get("status") != 200:
            print(f"{name:<18} status {r['status']}")
            continue
        print(
            f"{name:<18}{r['queries']:>8}{r['sql_ms']:>9.1f}{r['slowest_ms']:>9.1f}"
            f"{r['render_ms']:>9.1f}{r['bytes']:>9}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"queries-{args.label}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
