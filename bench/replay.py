"""Page-cache hit ratio under a realistic read mix while the newsroom publishes and edits.

    .venv/bin/python -m bench.replay --label 100k [--duration 120] [--baseline]

What it shows: how much of the public site's traffic the page cache still
answers when a piece is published or edited every ``--interval`` seconds
through the real workflow. It runs against whichever page-cache design the
checkout holds (the counters find its middleware by name, see
``bench.counting``), so two checkouts compare on the same database.

Steps, per phase:

1. The read mix, from the database (seeded, so the same data gives the same
   mix): the ``--articles`` newest live pieces, Zipf-weighted by recency
   (85% of requests), and listings (15%): the home page, every series, the
   most used tags and the experts on the most pieces. A list of
   ``--sequence`` paths is drawn from those weights and written to
   ``bench/results/``; ``bench/replay.lua`` makes wrk request them in order.
2. gunicorn as ``bench.web`` starts it (the product's config, ``DEBUG`` off,
   Redis cache, collected static files, ``bench.settings``), with the request
   counters switched on (``BENCH_COUNT_REDIS_URL``, a Redis database of
   their own). The bench's Redis cache database is flushed first.
3. Warm-up: every distinct path once. Then the counters are reset.
4. wrk replays the list for ``--duration`` seconds over ``--connections``
   keep-alive connections (as fast as the server answers, or with ``--rate``
   that many requests a second on a fixed schedule) while, in a thread of this process,
   a writer alternates every ``--interval`` seconds (the first at half an
   interval): publish a draft (``articles.workflow.publish`` by a bench
   editor) and edit the dek of a recent live piece (saved as the admin's
   change form saves it: the model, the slug history, "Further reading" and a
   revision). A second thread samples the counters every second (the
   timeline).
5. After the run the writer's changes are undone (drafts unpublished, deks put
   back), so every run starts from the same pieces (``--keep-changes`` skips it).

With ``--baseline`` the same replay runs once more first, with no writer.

Counted by the server, for public GETs only: requests, misses (the request
went past the page-cache middleware: the page was rendered), cache answers
that ran SQL (a stored page checked against the database before it was
served). Hit ratio = (requests - misses) / requests; plain hit ratio
leaves out the answers that ran SQL too. Request rate and
latency are wrk's. Results: ``bench/results/replay-<label>.json`` and a
Markdown table row on stdout.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import subprocess
import threading
import time
import traceback
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.server import ROOT, VENV_BIN, collectstatic, production_env, wait_until_up

RESULTS = ROOT / "bench" / "results"
LUA = Path(__file__).with_name("replay.lua")
PORT = 8182
COUNT_REDIS = "redis://127.0.0.1:6379/9"
EDITOR = "bench-replay-editor"

# Shares of the listing requests (together --listing-share of all requests).
LISTING_SHARES = {"home": 5, "series": 4, "tag": 3, "expert": 3}


def zipf(n: int, s: float) -> list[float]:
    return [1.0 / rank**s for rank in range(1, n + 1)]


# -- the read mix -------------------------------------------------------------


def read_mix(args) -> dict[str, list[tuple[str, float]]]:
    """Paths by kind, each with its weight within its kind."""
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import Article, Series
    from authors.models import Author

    pieces = list(
        Article.objects.live().order_by("-published_at", "-pk")[: args.articles].only("slug")
    )
    series = list(Series.objects.order_by("pk"))
    tags = list(
        Tag.objects.annotate(uses=Count("taggit_taggeditem_items")).order_by("-uses", "pk")[
            : args.tags
        ]
    )
    experts = list(
        Author.objects.annotate(pieces=Count("articles")).order_by("-pieces", "pk")[: args.experts]
    )
    return {
        "article": list(
            zip(
                [p.get_absolute_url() for p in pieces],
                zipf(len(pieces), args.zipf),
                strict=True,
            )
        ),
        "home": [("/", 1.0)],
        "series": [(s.get_absolute_url(), 1.0) for s in series],
        "tag": list(
            zip([f"/tags/{t.slug}/" for t in tags], zipf(len(tags), args.zipf), strict=True)
        ),
        "expert": list(
            zip([a.get_absolute_url() for a in experts], zipf(len(experts), args.zipf), strict=True)
        ),
    }


def draw(mix: dict, args) -> list[str]:
    """The request sequence: a kind by its share, then a path by its weight in the kind."""
    rng = random.Random(args.seed)
    listing_total = sum(LISTING_SHARES.values())
    shares = {"article": 1.0 - args.listing_share}
    shares |= {k: args.listing_share * v / listing_total for k, v in LISTING_SHARES.items()}
    kinds = [k for k in shares if mix.get(k)]
    kind_weights = [shares[k] for k in kinds]
    paths = {k: [p for p, _ in mix[k]] for k in kinds}
    weights = {k: [w for _, w in mix[k]] for k in kinds}
    sequence = []
    for kind in rng.choices(kinds, kind_weights, k=args.sequence):
        sequence.append(rng.choices(paths[kind], weights[kind])[0])
    return sequence


# -- the server ---------------------------------------------------------------


class Server:
    """gunicorn as ``bench.server.gunicorn`` runs it; its error log kept in a file."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log

    def __enter__(self):
        self.log_file = self.log.open("ab")
        # stdout is gunicorn's access log (a line a request): dropped, as bench.web does.
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "newsroom.wsgi", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**self.env, "PORT": str(PORT)},
            stdout=subprocess.DEVNULL,
            stderr=self.log_file,
        )
        wait_until_up(f"http://127.0.0.1:{PORT}/robots.txt", timeout=60)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log_file.close()


def warm_up(paths: list[str]) -> dict[int, int]:
    """Every path once (four at a time); the count of each status."""

    def fetch(path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as error:
            return error.code

    statuses: dict[int, int] = {}
    with ThreadPoolExecutor(4) as pool:
        for status in pool.map(fetch, paths):
            statuses[status] = statuses.get(status, 0) + 1
    return statuses


# -- counters -----------------------------------------------------------------


def counters_client():
    import redis

    return redis.Redis.from_url(COUNT_REDIS)


def read_counters(client) -> dict[str, int]:
    from bench.counting import COUNTERS, PREFIX

    values = client.mget(COUNTERS)
    return {k.removeprefix(PREFIX): int(v or 0) for k, v in zip(COUNTERS, values, strict=True)}


def sample(client, stop: threading.Event, started: float, timeline: list) -> None:
    while not stop.wait(1.0 - (time.monotonic() - started) % 1.0):
        # The load average too: on a shared machine, other work shows there.
        timeline.append(
            {
                "t": round(time.monotonic() - started, 2),
                **read_counters(client),
                "load1": os.getloadavg()[0],
            }
        )


# -- the writer ---------------------------------------------------------------


def editor():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username=EDITOR, defaults={"email": "bench-editor@bench.example"}
    )
    if not (user.is_staff and user.is_superuser and user.is_active):
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
    return user


class Writer:
    """Every ``interval`` seconds, alternately: publish a draft, edit a recent live piece."""

    def __init__(self, interval: float, duration: float, seed: int):
        self.interval, self.duration = interval, duration
        self.rng = random.Random(seed)
        self.log: list[dict] = []
        self.published: list[int] = []
        self.edited: dict[int, str] = {}  # pk: dek before the first edit
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="writer", daemon=True)

    def start(self, started: float) -> None:
        self.started = started
        self.thread.start()

    def finish(self) -> None:
        self.stop.set()
        self.thread.join()

    def run(self) -> None:
        from django.db import connection

        try:
            self.user = editor()
            number = 1
            # Mid-interval (at 5, 15, 25 … s for 10 s), so every write lands
            # inside the replay and has the same time after it to show.
            while (due := (number - 0.5) * self.interval) < self.duration and not self.stop.wait(
                max(0.0, self.started + due - time.monotonic())
            ):
                action = "publish" if number % 2 == 1 else "edit"
                begun = time.monotonic()
                entry = {"n": number, "action": action, "at_s": round(begun - self.started, 2)}
                try:
                    entry["piece"] = self.publish() if action == "publish" else self.edit()
                except Exception:
                    entry["error"] = traceback.format_exc(limit=3)
                entry["took_ms"] = round((time.monotonic() - begun) * 1000, 1)
                self.log.append(entry)
                print(f"  write {number}: {entry}", flush=True)
                number += 1
        finally:
            connection.close()

    def publish(self) -> str:
        from django.utils import timezone

        from articles import workflow
        from articles.models import Article

        drafts = (
            Article.objects.filter(
                status=Article.Status.DRAFT,
                series__isnull=False,
                lead_photo__isnull=False,
                article_authors__isnull=False,
            )
            .exclude(pk__in=self.published)
            .distinct()
            .order_by("-pk")
        )
        for draft in drafts[:50]:
            if not workflow.missing_for_publication(draft, timezone.now()):
                workflow.publish(draft, by=self.user)
                self.published.append(draft.pk)
                return draft.get_absolute_url()
        raise RuntimeError("no draft ready to publish")

    def edit(self) -> str:
        from articles.models import Article

        recent = list(
            Article.objects.live()
            .exclude(pk__in=self.published)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[:50]
        )
        pk = self.rng.choice(recent)
        piece = Article.objects.get(pk=pk)
        self.edited.setdefault(pk, piece.dek)
        stamp = timezone_stamp()
        base = self.edited[pk]
        save_as_admin(piece, self.user, dek=f"{base} (Updated {stamp}.)")
        return piece.get_absolute_url()

    def undo(self) -> dict:
        """Put back what the writer changed: drafts unpublished, deks restored."""
        from articles import workflow
        from articles.models import Article

        user = editor()
        for pk in self.published:
            workflow.unpublish(Article.objects.get(pk=pk), by=user)
        for pk, dek in self.edited.items():
            save_as_admin(Article.objects.get(pk=pk), user, dek=dek)
        return {"unpublished": len(self.published), "deks_restored": len(self.edited)}


def timezone_stamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%H:%M:%S")


def save_as_admin(piece, user, **changes) -> None:
    """Save changed fields the way the admin's change form does (``ArticleAdmin``)."""
    from django.db import transaction

    from articles import related, revisions, workflow

    with transaction.atomic():
        old_slug = piece.slug
        for name, value in changes.items():
            setattr(piece, name, value)
        piece.full_clean()
        piece.save()
        workflow.record_slug_change(article=piece, old_slug=old_slug)
        related.refresh(piece)
        revisions.save_revision(article=piece, by=user, note="")


# -- one phase ----------------------------------------------------------------


def run_wrk(list_file: Path, args) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{PORT}/",
            "--",
            str(list_file),
            str(args.threads),
            str(args.rate / args.threads),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    p50, p90, p99, requests, duration_us, bad_status, socket_errors, max_us = map(
        int, line.split()[1:]
    )
    return {
        "requests": requests,
        "rps": round(requests / (duration_us / 1e6), 1),
        "p50_ms": p50 / 1000,
        "p90_ms": p90 / 1000,
        "p99_ms": p99 / 1000,
        "max_ms": max_us / 1000,
        "non_2xx": bad_status,
        "socket_errors": socket_errors,
    }


def phase(name: str, env: dict, distinct: list[str], list_file: Path, args) -> dict:
    from bench.counting import COUNTERS, SERVED_BY

    print(f"[{name}] flush the cache, start gunicorn, warm up {len(distinct)} paths", flush=True)
    subprocess.run(
        ["redis-cli", "-u", env["REDIS_URL"], "FLUSHDB"], check=True, stdout=subprocess.DEVNULL
    )
    client = counters_client()
    client.delete(SERVED_BY, *COUNTERS)
    result: dict = {"phase": name, "load_before": os.getloadavg()}
    with Server(env, RESULTS / f"replay-{args.label}-gunicorn.log"):
        begun = time.monotonic()
        result["warm_up_statuses"] = warm_up(distinct)
        result["warm_up_s"] = round(time.monotonic() - begun, 1)
        served_by = {k.decode(): v.decode() for k, v in client.hgetall(SERVED_BY).items()}
        if not served_by:
            raise SystemExit("the server counted nothing: are bench.settings' counters installed?")
        if Path(served_by["newsroom"]).resolve() != (ROOT / "newsroom").resolve():
            raise SystemExit(f"the server runs {served_by['newsroom']}, not {ROOT / 'newsroom'}")
        result["served_by"] = served_by
        print(f"[{name}] server runs {served_by}", flush=True)
        client.delete(*COUNTERS)

        writer = Writer(args.interval, args.duration, args.seed) if name == "writer" else None
        timeline: list = []
        stop = threading.Event()
        started = time.monotonic()
        sampler = threading.Thread(
            target=sample, args=(counters_client(), stop, started, timeline), daemon=True
        )
        sampler.start()
        if writer:
            writer.start(started)
        print(f"[{name}] replay for {args.duration} s", flush=True)
        try:
            result["wrk"] = run_wrk(list_file, args)
        finally:
            if writer:
                writer.finish()
            stop.set()
            sampler.join()
        time.sleep(0.5)  # the last responses' counts
        counts = read_counters(client)
    result["counters"] = counts
    result["timeline"] = timeline
    total, misses = counts["requests"], counts["misses"]
    result["hit_ratio"] = round((total - misses) / total, 4) if total else None
    # Answered by a plain lookup: neither rendered nor checked against the database.
    plain = total - misses - counts["answered-with-sql"]
    result["plain_hit_ratio"] = round(plain / total, 4) if total else None
    if writer:
        result["writes"] = writer.log
        done = result["writes_done"] = sum(1 for w in writer.log if "error" not in w)
        result["write_errors"] = sum(1 for w in writer.log if "error" in w)
        if done:
            # Less tied to the request rate than the ratios: pages rendered
            # again, and stored pages checked against the database, per write.
            result["misses_per_write"] = round(misses / done, 1)
            result["answered_with_sql_per_write"] = round(counts["answered-with-sql"] / done, 1)
        if not args.keep_changes:
            result["undone"] = writer.undo()
    return result


def git_head() -> dict:
    def git(*cmd) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), *cmd], capture_output=True, text=True
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": git("status", "--porcelain", "--", "newsroom", "articles", "templates"),
    }


def row(label: str, r: dict) -> str:
    w = r["wrk"]
    writes = r.get("writes_done", 0)
    return (
        f"| {label} | {r['phase']} | {r['counters']['requests']:,} | {w['rps']:,.0f} | "
        f"{w['p50_ms']:.1f} | {w['p99_ms']:.1f} | {r['counters']['misses']:,} | "
        f"{r['counters']['answered-with-sql']:,} | {r['hit_ratio']:.1%} | "
        f"{r['plain_hit_ratio']:.1%} | {writes} |"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Page-cache hit ratio while the site changes.")
    parser.add_argument("--label", required=True, help="e.g. 100k-old, 100k-new")
    parser.add_argument("--duration", type=int, default=120, help="seconds of replay per phase")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between writes")
    parser.add_argument("--baseline", action="store_true", help="also replay with no writer")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="offer this many requests/s on a fixed schedule (bench/replay.lua) instead of "
        "as many as the server answers: the same requests per write for every design and "
        "machine load, as long as the server keeps up",
    )
    parser.add_argument("--articles", type=int, default=1000, help="newest live pieces read")
    parser.add_argument("--tags", type=int, default=20)
    parser.add_argument("--experts", type=int, default=20)
    parser.add_argument("--listing-share", type=float, default=0.15)
    parser.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent within a kind")
    parser.add_argument("--sequence", type=int, default=300_000, help="paths in the list")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--keep-changes", action="store_true", help="leave the writes in place")
    args = parser.parse_args(argv)

    env = production_env(BENCH_COUNT_REDIS_URL=COUNT_REDIS)
    env.setdefault("WEB_CONCURRENCY", "1")
    env.setdefault("WEB_THREADS", "4")
    os.environ.update(env)
    import django

    django.setup()
    import newsroom

    if Path(newsroom.__file__).resolve().parent != (ROOT / "newsroom").resolve():
        raise SystemExit(f"this process imported {newsroom.__file__}, not {ROOT}'s: set PYTHONPATH")

    RESULTS.mkdir(parents=True, exist_ok=True)
    mix = read_mix(args)
    sequence = draw(mix, args)
    list_file = RESULTS / f"replay-{args.label}-paths.txt"
    list_file.write_text("\n".join(sequence) + "\n")
    distinct = list(dict.fromkeys(p for kind in mix.values() for p, _ in kind))
    kinds = {kind: len(paths) for kind, paths in mix.items()}
    print(f"read mix: {kinds}, {len(sequence):,} paths drawn, written to {list_file}", flush=True)
    collectstatic(env)

    report = {
        "label": args.label,
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "root": str(ROOT),
        "git": git_head(),
        "database": env["DATABASE_URL"],
        "workers": int(env["WEB_CONCURRENCY"]),
        "web_threads": int(env["WEB_THREADS"]),
        "args": vars(args),
        "mix": {"distinct": kinds, "listing_shares": LISTING_SHARES},
        "sequence_sha256": hashlib.sha256("\n".join(sequence).encode()).hexdigest(),
        "phases": {},
    }
    out = RESULTS / f"replay-{args.label}.json"
    for name in (["baseline"] if args.baseline else []) + ["writer"]:
        report["phases"][name] = phase(name, env, distinct, list_file, args)
        out.write_text(json.dumps(report, indent=2))
    report["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    out.write_text(json.dumps(report, indent=2))

    print(
        "\n| label | phase | requests | req/s | p50 ms | p99 ms | misses | "
        "answered with SQL | hit ratio | plain hit ratio | writes |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result in report["phases"].values():
        print(row(args.label, result))
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
