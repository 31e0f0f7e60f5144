"""Strict readers for settings that come from the environment.

A typo in production configuration must stop the process at start-up, not
silently fall back to a default (``DEBUG=Flase`` meaning "on" is the classic).
"""

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_MAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def parse_email_url(url: str) -> dict:
    """Turn ``EMAIL_URL`` into a ``MAILERS`` entry.

    ``smtp://user:password@host:25``, ``smtp+tls://…:587`` (STARTTLS),
    ``smtp+ssl://…:465``, ``file:///path/to/folder``, ``console:``, ``locmem:``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _MAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be one of {sorted(_MAIL_BACKENDS)}, not {scheme!r}"
        )
    options: dict = {}
    if scheme.startswith("smtp"):
        options = {
            "host": parts.hostname or "localhost",
            "port": parts.port or {"smtp+ssl": 465, "smtp+tls": 587}.get(scheme, 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": scheme == "smtp+tls",
            "use_ssl": scheme == "smtp+ssl",
            "timeout": env_int("EMAIL_TIMEOUT", 30),
        }
    elif scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a folder, e.g. file:///var/mail")
        options = {"file_path": parts.path}
    return {"BACKEND": _MAIL_BACKENDS[scheme], "OPTIONS": options}
