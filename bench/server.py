"""Start the product as production runs it: gunicorn, DEBUG off, Redis cache, collected static."""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"


def production_env(**extra) -> dict:
    """Production mode on 127.0.0.1 (no TLS in front, hence SECURE_SSL_REDIRECT=false)."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DB)
    env.setdefault("REDIS_URL", DEFAULT_REDIS)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1:8000",
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def collectstatic(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextmanager
def gunicorn(port: int, env: dict, log=subprocess.DEVNULL):
    """gunicorn with the product's gunicorn.conf.py (WEB_CONCURRENCY workers x WEB_THREADS)."""
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "newsroom.wsgi", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=log,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/robots.txt")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
