"""Multi-node rehearsal: two web nodes and two RQ workers sharing one PostgreSQL and one Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_1k \\
        .venv/bin/python -m bench.rehearsal

1. Two gunicorn processes (production mode, ``TASKS_BACKEND=rq``) on ports
   8201 ("node A") and 8202 ("node B"). A draft is created; node B caches its
   home page (anonymous) and answers 404 for the draft.
2. An editor logs in to node A's admin over HTTP and presses Publish. At once,
   node B's next anonymous request shows the piece on the home page and
   serves the article: the page cache lives in the shared Redis, so the
   pages one node drops are gone for the other.
3. Both nodes serve the article; its expert is renamed by a third process
   (a shell): both show the new name at once (the pages tagged with the
   expert are dropped through the shared Redis too). Then unpublish through
   node B; node A answers 404 at once.
4. An edition to 2,000 subscribers is started (``NEWSLETTER_PARALLEL_TASKS=2``)
   and two ``rqworker`` processes work it. The sink counts every message per
   recipient: each subscriber exactly once, and the Message-IDs (which carry
   the sending pid) show both workers sent.

Prints each check and exits non-zero if one fails.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from bench.server import ROOT, collectstatic, gunicorn, production_env

NODE_A, NODE_B = 8201, 8202
SINK_PORT = 2727
AUDIENCE = 2000
PASSWORD = "rehearsal-pw-8431"
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"[{'ok' if ok else 'FAIL'}] {what}", flush=True)
    if not ok:
        failures.append(what)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(port: int, path: str, *, data: dict | None = None, cookies: dict | None = None):
    """(status, body, Set-Cookie values). Cookies by hand: production marks them Secure."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        response = OPENER.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    set_cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        set_cookies[name] = rest.split(";")[0]
    return response.status, response.read().decode(errors="replace"), set_cookies


def log_in(port: int, username: str) -> dict:
    _, page, cookies = http(port, "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _, more = http(
        port,
        "/admin/login/?next=/admin/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        cookies=cookies,
    )
    cookies |= more
    check(status == 302 and "sessionid" in cookies, f"editor logged in on :{port}")
    return cookies


def press(port: int, cookies: dict, article_pk: int, action: str) -> int:
    path = f"/admin/articles/article/{article_pk}/change/"
    _, page, more = http(port, path, cookies=cookies)
    cookies |= more
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _, _ = http(
        port,
        f"/admin/articles/article/{article_pk}/workflow/{action}/",
        data={"csrfmiddlewaretoken": token},
        cookies=cookies,
    )
    return status


def web_rehearsal(env: dict) -> None:
    from django.contrib.auth import get_user_model

    from articles.models import Article, ArticleAuthor, Photo, Series
    from authors.models import Author

    User = get_user_model()
    User.objects.filter(username="rehearsal").delete()
    User.objects.create_superuser("rehearsal", "rehearsal@bench.example", PASSWORD)
    stamp = time.strftime("%H%M%S")
    title = f"Rehearsal piece {stamp}"
    draft = Article.objects.create(
        title=title,
        slug=f"rehearsal-{stamp}",
        dek="Shared cache check.",
        body="<p>Text.</p>",
        lead_photo=Photo.objects.exclude(credit="").exclude(alt_text="").first(),
        series=Series.objects.order_by("pk").first(),  # the publication checklist asks for one
    )
    author = Author.objects.order_by("pk").first()
    ArticleAuthor.objects.create(article=draft, author=author)
    url = f"/articles/{draft.slug}/"

    with gunicorn(NODE_A, env), gunicorn(NODE_B, env):
        status, home_b, _ = http(NODE_B, "/")
        check(status == 200 and title not in home_b, "node B serves (and caches) its home page")
        check(http(NODE_B, url)[0] == 404, "node B: the draft is not public (404)")
        check(http(NODE_B, "/")[1] == home_b, "node B: home page served again from the cache")

        cookies = log_in(NODE_A, "rehearsal")
        status = press(NODE_A, cookies, draft.pk, "publish")
        published = time.monotonic()
        draft.refresh_from_db()
        check(
            status == 302 and draft.status == Article.Status.PUBLISHED,
            "node A: Publish pressed in the admin, and the piece is published",
        )
        status_b, page_b, _ = http(NODE_B, url)
        _, home_b, _ = http(NODE_B, "/")
        seen_after = time.monotonic() - published
        check(status_b == 200 and title in page_b, "node B: the article answers at once")
        check(title in home_b, f"node B: home page shows it at once ({seen_after * 1000:.0f} ms)")

        # Both nodes have the article page cached; an expert renamed by a third
        # process (a shell) must show on both at once.
        check(author.name in http(NODE_A, url)[1], "node A: the article shows its expert")
        renamed = f"{author.name} {stamp}"
        expert = Author.objects.get(pk=author.pk)
        expert.name = renamed
        expert.save()
        check(
            renamed in http(NODE_A, url)[1] and renamed in http(NODE_B, url)[1],
            "nodes A and B: an expert renamed elsewhere shows at once on the cached article page",
        )
        expert.name = author.name
        expert.save()

        cookies_b = log_in(NODE_B, "rehearsal")
        check(press(NODE_B, cookies_b, draft.pk, "unpublish") == 302, "node B: Unpublish pressed")
        check(http(NODE_A, url)[0] == 404, "node A: the article is gone at once (404)")
        check(title not in http(NODE_A, "/")[1], "node A: home page no longer lists it")


def mail_rehearsal(env: dict) -> None:
    from django.utils import timezone

    from articles.models import Article, Series
    from newsletter import sending
    from newsletter.models import (
        Delivery,
        Edition,
        EditionArticle,
        Newsletter,
        Subscriber,
        Subscription,
    )

    series = Series.objects.order_by("pk").first()
    newsletter, _ = Newsletter.objects.get_or_create(
        slug="rehearsal",
        defaults={
            "name": "Rehearsal list",
            "series": series,
            "from_name": "Newsroom",
            "from_address": "news@bench.example",
        },
    )
    now = timezone.now()
    if not newsletter.subscriptions.exists():
        people = Subscriber.objects.bulk_create(
            Subscriber(email=f"rehearsal{i}@bench.example", email_key=f"rehearsal{i}@bench.example")
            for i in range(AUDIENCE)
        )
        Subscription.objects.bulk_create(
            Subscription(subscriber=p, newsletter=newsletter, status="active", confirmed_at=now)
            for p in people
        )
    edition = Edition.objects.create(
        newsletter=newsletter, subject="Rehearsal edition", intro="<p>Two workers, one send.</p>"
    )
    article = Article.objects.live().order_by("-published_at").first()
    EditionArticle.objects.create(edition=edition, article=article, position=0)

    stats = f"/tmp/rehearsal-sink-{os.getpid()}.json"
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.sink", "--port", str(SINK_PORT), "--stats", stats],
        cwd=ROOT,
        env=env,
    )
    workers = []
    try:
        time.sleep(1.5)
        sending.start_send(edition=edition)  # enqueues NEWSLETTER_PARALLEL_TASKS jobs on RQ
        command = [sys.executable, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job"]
        workers = [
            subprocess.Popen(
                [*command, "--burst", "--name", f"rehearsal-{i}-{os.getpid()}", "default"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for i in (1, 2)
        ]
        started = time.monotonic()
        for worker in workers:
            worker.wait(timeout=600)
        elapsed = time.monotonic() - started
        time.sleep(1.5)
        with open(stats) as handle:
            counted = json.load(handle)
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    edition.refresh_from_db()
    pids = {
        mid.split(".")[1]
        for mid in Delivery.objects.filter(edition=edition).values_list("message_id", flat=True)
    }
    check(edition.status == "sent", f"edition sent ({edition.sent_count} in {elapsed:.1f} s)")
    check(
        counted["messages"] == AUDIENCE and counted["recipients"] == AUDIENCE,
        f"sink: {counted['messages']} messages to {counted['recipients']} recipients "
        f"(audience {AUDIENCE})",
    )
    check(counted["duplicated_recipients"] == 0, "sink: no recipient got a message twice")
    check(len(pids) == 2, f"both workers sent (sending pids: {sorted(pids)})")


def main() -> None:
    env = production_env(
        TASKS_BACKEND="rq",
        EMAIL_URL=f"smtp://127.0.0.1:{SINK_PORT}",
        NEWSLETTER_SEND_RATE=0,
        NEWSLETTER_PARALLEL_TASKS=2,
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    import django

    django.setup()
    collectstatic(env)
    web_rehearsal(env)
    mail_rehearsal(env)
    print("REHEARSAL", "FAILED: " + "; ".join(failures) if failures else "PASSED")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
