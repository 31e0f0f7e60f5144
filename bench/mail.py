"""Newsletter benchmark: an edition sent to 100,000 or 1,000,000 subscribers into a local SMTP sink.

    .venv/bin/python -m bench.mail --audience 100k --workers 1 --seconds 60

One run, in this order, all against the same sink process (``bench.sink``):

1. a new edition of newsletter ``bench-<audience>`` (from ``bench.fill``) is
   started in its own process (``sending.start_send``: render once, write the
   ledger): wall time and peak RSS;
2. the limit: ``--workers`` processes of raw ``smtplib`` pushing one
   pre-rendered copy of that edition (bytes, built once by the product's own
   ``wire.EditionTemplate``) over one connection each, for ``--raw-seconds``;
3. the product: ``--workers`` processes of ``manage.py send_edition`` working
   the ledger (``NEWSLETTER_SEND_RATE=0``: no throttle), for at most
   ``--seconds`` or until the edition is sent;
4. the edition is cancelled if unfinished, so the next run starts clean.

Rates: raw = messages the sink counted / wall time; product = sent rows / the
span of their ``sent_at`` (steady state, start-up excluded) and also / wall
time. Peak RSS = each process's ``VmHWM`` from /proc, read just before it ends.
"""

import argparse
import json
import os
import signal
import smtplib
import subprocess
import sys
import time

from bench.server import ROOT, production_env

RESULTS = ROOT / "bench" / "results"
PORT = 2626


def bench_env() -> dict:
    return production_env(
        EMAIL_URL=f"smtp://127.0.0.1:{PORT}",
        NEWSLETTER_SEND_RATE=0,
        TASKS_BACKEND="django.tasks.backends.dummy.DummyBackend",
        LOG_LEVEL="WARNING",
    )


def peak_rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def watch(processes: list[subprocess.Popen], deadline: float | None) -> list[float]:
    """Wait for the processes (SIGTERM at ``deadline``), tracking each one's peak RSS."""
    peaks = [0.0] * len(processes)
    while True:
        for i, process in enumerate(processes):
            rss = peak_rss_mb(process.pid)
            if rss:
                peaks[i] = max(peaks[i], rss)
        if all(p.poll() is not None for p in processes):
            return peaks
        if deadline and time.monotonic() > deadline:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=30)
            return peaks
        time.sleep(0.2)


def sink_stats(path: str) -> dict:
    time.sleep(1.2)  # the sink writes its counts every second
    with open(path) as handle:
        return json.load(handle)


# --- Subcommands run in child processes ----------------------------------------


def child_start(edition_id: int) -> None:
    from newsletter import sending
    from newsletter.models import Edition

    started = time.monotonic()
    edition = sending.start_send(edition=Edition.objects.get(pk=edition_id))
    print(json.dumps({"seconds": time.monotonic() - started, "audience": edition.audience_count}))


def child_raw(edition_id: int, seconds: float, offset: int) -> None:
    """Push one pre-rendered copy of the edition as fast as smtplib can."""
    from newsletter import wire
    from newsletter.models import Edition, Subscriber

    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    subscriber = Subscriber.objects.order_by("pk").first()
    # The very bytes the product's SMTP path sends to that subscriber.
    payload = wire.EditionTemplate(edition).render(subscriber=subscriber, delivery_id=1).data
    sender = edition.newsletter.from_address
    sent = 0
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", PORT) as smtp:
        while time.monotonic() - started < seconds:
            smtp.sendmail(sender, [f"raw{offset}-{sent}@bench.example"], payload)
            sent += 1
    print(json.dumps({"sent": sent, "seconds": time.monotonic() - started, "bytes": len(payload)}))


# --- The run -------------------------------------------------------------------


def new_edition(audience: str) -> int:
    from articles.models import Article
    from newsletter.models import Edition, EditionArticle, Newsletter

    newsletter = Newsletter.objects.get(slug=f"bench-{audience}")
    edition = Edition.objects.create(
        newsletter=newsletter,
        subject=f"Bench edition {time.strftime('%H:%M:%S')}",
        intro="<p>This week: the pieces our fellows published on the region.</p>",
    )
    pieces = Article.objects.live().filter(series=newsletter.series).order_by("-published_at")[:4]
    for position, article in enumerate(pieces):
        EditionArticle.objects.create(edition=edition, article=article, position=position)
    return edition.pk


def spawn(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def run(audience: str, workers: int, seconds: float, raw_seconds: float) -> dict:
    from django.db.models import Max, Min

    from newsletter import sending
    from newsletter.models import Delivery, Edition

    env = bench_env()
    stats_path = f"/tmp/bench-sink-{os.getpid()}.json"
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.sink", "--port", str(PORT), "--stats", stats_path],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(1.5)
        edition_id = new_edition(audience)
        me = [sys.executable, "-m", "bench.mail"]

        starter = spawn([*me, "--child-start", str(edition_id)], env)
        start_peak = watch([starter], None)[0]
        start = json.loads(starter.stdout.read())

        before = sink_stats(stats_path)["messages"]
        pushers = [
            spawn([*me, "--child-raw", str(edition_id), str(raw_seconds), str(i)], env)
            for i in range(workers)
        ]
        raw_peaks = watch(pushers, None)
        raw = [json.loads(p.stdout.read()) for p in pushers]
        raw_count = sink_stats(stats_path)["messages"] - before
        raw_rate = raw_count / max(r["seconds"] for r in raw)

        before_stats = sink_stats(stats_path)
        began = time.monotonic()
        senders = [
            spawn([sys.executable, "manage.py", "send_edition", str(edition_id), "-v0"], env)
            for _ in range(workers)
        ]
        worker_peaks = watch(senders, time.monotonic() + seconds)
        wall = time.monotonic() - began
        after_stats = sink_stats(stats_path)

        sent = Delivery.objects.filter(edition_id=edition_id, state="sent")
        span = sent.aggregate(first=Min("sent_at"), last=Max("sent_at"))
        count = sent.count()
        steady = (
            (count - 1) / (span["last"] - span["first"]).total_seconds()
            if count > 1 and span["last"] > span["first"]
            else 0.0
        )
        edition = Edition.objects.get(pk=edition_id)
        finished = edition.status == "sent"
        if not finished:
            sending.cancel(edition=edition)
        return {
            "audience": audience,
            "audience_count": start["audience"],
            "workers": workers,
            "ledger_seconds": round(start["seconds"], 2),
            "ledger_peak_rss_mb": round(start_peak, 1),
            "raw_messages": raw_count,
            "raw_rate": round(raw_rate, 1),
            "raw_peak_rss_mb": [round(p, 1) for p in raw_peaks],
            "message_bytes": raw[0]["bytes"],
            "sent": count,
            "sink_received": after_stats["messages"] - before_stats["messages"],
            "duplicated_recipients": after_stats["duplicated_recipients"]
            - before_stats["duplicated_recipients"],
            "wall_seconds": round(wall, 1),
            "rate_steady": round(steady, 1),
            "rate_wall": round(count / wall, 1),
            "ratio_to_raw": round(steady / raw_rate, 3) if raw_rate else None,
            "worker_peak_rss_mb": [round(p, 1) for p in worker_peaks],
            "finished": finished,
        }
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Send an edition into a local SMTP sink.")
    parser.add_argument("--audience", choices=["100k", "1m"], default="100k")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=60, help="stop the send after this long")
    parser.add_argument("--raw-seconds", type=float, default=15)
    parser.add_argument("--label", default="", help="added to the results file name, e.g. full")
    parser.add_argument("--child-start", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-raw", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    os.environ.update(bench_env())
    import django

    django.setup()
    if args.child_start:
        return child_start(args.child_start)
    if args.child_raw:
        edition_id, seconds, offset = args.child_raw
        return child_raw(int(edition_id), float(seconds), int(offset))
    result = run(args.audience, args.workers, args.seconds, args.raw_seconds)
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    path = RESULTS / f"mail-{args.audience}-w{args.workers}{label}.json"
    path.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
