"""Newsletter benchmark: an edition to 100,000 or 1,000,000 subscribers, sent by N processes.

    .venv/bin/python -m bench.mail --audience 1m --workers 2 --seconds 60
    .venv/bin/python -m bench.mail --audience 100k --workers 2 --backend anymail-test

1. A new edition of ``bench-<audience>`` (from ``bench.fill``) is started in
   its own process (``sending.start_send``: render once, build the ledger):
   wall time, its commit, its slowest SQL statements, peak RSS.
2. ``--workers`` processes of ``manage.py send_edition ID`` work the ledger
   (``NEWSLETTER_SEND_RATE=0``) for at most ``--seconds`` or until it is sent:
   ``--backend smtp`` through Django's SMTP backend into ``bench.sink`` (its
   own process: messages per recipient, duplicates), ``--backend
   anymail-test`` through anymail's test backend (no network; one call per
   claimed batch, the ESP merging each reader's fields).
3. The edition is cancelled if unfinished, then deleted with its ledger.

Rates come from the ledger: each process's sent rows (the pid is in each
Message-ID; the anymail test backend's ids name none, so there only the mean
per worker) over the span of their ``sent_at``, and all rows over the span of
all. Peak RSS (``VmHWM``) and CPU time are read from /proc as processes run.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

from bench.server import ROOT, production_env

RESULTS = ROOT / "bench" / "results"
PORT = 2626
EMAIL_URLS = {"smtp": f"smtp://127.0.0.1:{PORT}", "anymail-test": "anymail+test://"}
TICK = os.sysconf("SC_CLK_TCK")


def bench_env(backend: str) -> dict:
    return production_env(
        EMAIL_URL=EMAIL_URLS[backend],
        NEWSLETTER_SEND_RATE=0,
        TASKS_BACKEND="django.tasks.backends.dummy.DummyBackend",
        LOG_LEVEL="WARNING",
    )


def proc_sample(pid: int) -> tuple[float, float] | None:
    """(peak RSS in MB, CPU seconds) of a live process."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            peak = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:"))
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, StopIteration):
        return None
    return peak / 1024, (int(fields[11]) + int(fields[12])) / TICK


def cpu_seconds() -> tuple[float, float]:
    """The machine's (busy, total) CPU seconds so far, all cores."""
    with open("/proc/stat") as handle:
        ticks = [int(t) for t in handle.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICK, sum(ticks) / TICK


def watch(processes: list[subprocess.Popen], deadline: float = float("inf")) -> list[tuple]:
    """Wait for the processes (SIGTERM at ``deadline``); each one's last (peak MB, CPU s)."""
    samples = [(0.0, 0.0)] * len(processes)
    while any(p.poll() is None for p in processes):
        samples = [proc_sample(p.pid) or old for p, old in zip(processes, samples, strict=True)]
        if time.monotonic() > deadline:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
        time.sleep(0.2)
    return samples


def spawn(args: list[str], env: dict, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, **options)


def sql(query: str, *params) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def child_start(edition_id: int) -> None:
    """Start the send here, timing each SQL statement and the commit."""
    from django.db import connection, transaction

    from newsletter import sending
    from newsletter.models import Edition

    statements = []

    def timed(execute, sql, params, many, context):
        began = time.monotonic()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((round(time.monotonic() - began, 2), " ".join(sql.split())[:90]))

    started = time.monotonic()
    # start_send's commit, timed apart: PostgreSQL checks the ledger's
    # deferred foreign keys there, not during the INSERT.
    with transaction.atomic():
        with connection.execute_wrapper(timed):
            edition = sending.start_send(edition=Edition.objects.get(pk=edition_id))
        committing = time.monotonic()
    result = {
        "seconds": round(time.monotonic() - started, 2),
        "commit_seconds": round(time.monotonic() - committing, 2),
        "sql_seconds": round(sum(took for took, _ in statements), 2),
        "slowest": sorted(statements, reverse=True)[:3],
        "audience": edition.audience_count,
    }
    print(json.dumps(result))


def start(audience: str, env: dict) -> tuple[int, dict]:
    """A new edition of the pieces newest in the newsletter's series, started in a child."""
    from articles.models import Article
    from newsletter.models import Edition, EditionArticle, Newsletter

    newsletter = Newsletter.objects.get(slug=f"bench-{audience}")
    edition = Edition.objects.create(
        newsletter=newsletter,
        subject=f"Bench edition {time.strftime('%H:%M:%S')}",
        intro="<p>This week: the pieces our fellows published on the region.</p>",
    )
    pieces = Article.objects.live().filter(series=newsletter.series).order_by("-published_at")
    for position, article in enumerate(pieces[:4]):
        EditionArticle.objects.create(edition=edition, article=article, position=position)
    starter = spawn(
        ["-m", "bench.mail", "--child-start", str(edition.pk)], env, stdout=subprocess.PIPE
    )
    peak = watch([starter])[0][0]
    if starter.returncode:
        sys.exit(f"start_send failed (exit {starter.returncode}); edition {edition.pk} is left")
    return edition.pk, json.loads(starter.stdout.read()) | {"peak_rss_mb": round(peak, 1)}


def rate(count: int, first: float, last: float) -> float:
    return round((count - 1) / (last - first), 1) if count > 1 and last > first else 0.0


def send(edition_id: int, workers: int, seconds: float, env: dict) -> dict:
    """The workers, until the edition is sent or ``seconds`` are up; rates from the ledger."""
    command = ["manage.py", "send_edition", str(edition_id), "-v0", "--skip-checks"]
    machine, began = cpu_seconds(), time.monotonic()
    senders = [spawn(command, env) for _ in range(workers)]
    samples = watch(senders, time.monotonic() + seconds)
    wall = time.monotonic() - began
    busy, total = [after - before for before, after in zip(machine, cpu_seconds(), strict=True)]
    rows = sql(
        "SELECT substring(message_id from '^<?[0-9]+[.]([0-9]+)[.]'), count(*),"
        " extract(epoch from min(sent_at)), extract(epoch from max(sent_at))"
        " FROM newsletter_delivery WHERE edition_id = %s AND state = 'sent' GROUP BY 1",
        edition_id,
    )
    by_pid = {pid: (n, float(first), float(last)) for pid, n, first, last in rows}
    sent = sum(n for n, _, _ in by_pid.values())
    spans = [(first, last) for _, first, last in by_pid.values()] or [(0.0, 0.0)]
    overall = rate(sent, min(s[0] for s in spans), max(s[1] for s in spans))
    named = any(str(s.pid) in by_pid for s in senders)
    processes = []
    for sender, (peak, cpu) in zip(senders, samples, strict=True):
        count, first, last = by_pid.pop(str(sender.pid), (0, 0.0, 0.0))
        processes.append(
            {
                "pid": sender.pid,
                "exit": sender.returncode,
                "sent": count if named else None,
                "rate": rate(count, first, last) if named else None,
                "peak_rss_mb": round(peak, 1),
                "cpu_seconds": round(cpu, 1),
            }
        )
    minutes = dict(
        sql(
            "SELECT minute, count(*) FROM (SELECT floor(extract(epoch from"
            " sent_at - min(sent_at) OVER ()) / 60)::int AS minute FROM newsletter_delivery"
            " WHERE edition_id = %s AND state = 'sent') m GROUP BY 1",
            edition_id,
        )
    )
    return {
        "sent": sent,
        "unattributed": sum(n for n, _, _ in by_pid.values()),  # rows no worker's pid names
        "processes": processes,
        "rate_total": overall,
        "rate_per_worker_mean": round(overall / workers, 1),
        "wall_seconds": round(wall, 1),
        # Does the rate hold as the ledger empties?
        "sent_per_minute": [minutes.get(m, 0) for m in range(max(minutes, default=-1) + 1)],
        # Shares of both cores while the workers ran: all busy (workers, sink,
        # PostgreSQL and anyone else), and the workers' own.
        "machine_cpu_busy": round(busy / total, 2),
        "workers_cpu_share": round(sum(cpu for _, cpu in samples) / total, 2),
    }


def sink_stats(path: str) -> dict:
    time.sleep(1.2)  # the sink writes its counts every second
    with open(path) as handle:
        return json.load(handle)


def run(audience: str, workers: int, seconds: float, backend: str) -> dict:
    from newsletter import sending
    from newsletter.models import Edition

    env = bench_env(backend)
    stats = f"/tmp/bench-sink-{os.getpid()}.json"
    sink = None
    if backend == "smtp":
        sink = spawn(["-m", "bench.sink", "--port", str(PORT), "--stats", stats], env)
        time.sleep(1.5)
    try:
        edition_id, started = start(audience, env)
        result = {"audience": audience, "backend": backend, "workers": workers}
        result["start_send"] = started
        before = sink_stats(stats) if sink else {}
        result |= send(edition_id, workers, seconds, env)
        if sink:
            after = sink_stats(stats)
            sunk = {key: after[key] - before[key] for key in after if key != "at"}
            result["sink"] = sunk | {"mean_bytes": sunk["bytes"] // max(sunk["messages"], 1)}
        edition = Edition.objects.get(pk=edition_id)
        result["finished"] = edition.status == Edition.Status.SENT
        if not result["finished"]:
            sending.cancel(edition=edition)
        # Every run starts from the same tables; this server may run without autovacuum.
        sql("DELETE FROM newsletter_delivery WHERE edition_id = %s", edition_id)
        edition.delete()
        sql("VACUUM newsletter_delivery")
        return result
    finally:
        if sink:
            sink.send_signal(signal.SIGTERM)
            sink.wait(timeout=30)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Send an edition with N send_edition processes.")
    parser.add_argument("--audience", choices=["100k", "1m"], default="100k")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=60, help="stop the send after this long")
    parser.add_argument("--backend", choices=sorted(EMAIL_URLS), default="smtp")
    parser.add_argument("--label", default="", help="added to the results file name, e.g. full")
    parser.add_argument("--child-start", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.child_start:  # a child has its parent's environment
        os.environ.update(bench_env(args.backend))
    import django

    django.setup()
    if args.child_start:
        return child_start(args.child_start)
    result = run(args.audience, args.workers, args.seconds, args.backend)
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    name = f"mail-{args.backend}-{args.audience}-w{args.workers}{label}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
