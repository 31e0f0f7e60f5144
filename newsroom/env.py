"""Strict readers for settings that come from the environment.

A typo in production configuration must stop the process at start-up, not
silently fall back to a default (``DEBUG=Flase`` meaning "on" is the classic).
"""

import os
from urllib.parse import parse_qsl, unquote, urlsplit

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


def env_prefixed(prefix: str) -> dict:
    """Every variable named ``<prefix><NAME>``, as ``{NAME: value}``.

    Values stay strings but ``true``/``false`` (any case), which become
    booleans: a library reading ``"false"`` would take it for true.
    """
    return {
        name.removeprefix(prefix): _typed(value, numbers=False)
        for name, value in os.environ.items()
        if name.startswith(prefix) and name != prefix
    }


def _typed(value: str, *, numbers: bool):
    if value.lower() in {"true", "false"}:
        return value.lower() == "true"
    if numbers and value.isdigit():
        return int(value)
    return value


_MAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}

# The ESPs ``anymail+<esp>://`` names, each with the backend options its
# credentials fill, in URL order (``user``, then ``password``): the names each
# anymail backend reads with get_anymail_setting(..., kwargs=OPTIONS). A
# credential left out of the URL is read from ANYMAIL["<ESP>_<NAME>"] instead.
ANYMAIL_ESPS = {
    "amazon_ses": (),  # boto3 finds AWS's own credentials (environment, role)
    "brevo": ("api_key",),
    "mailersend": ("api_token",),
    "mailgun": ("api_key",),
    "mailjet": ("api_key", "secret_key"),
    "mailtrap": ("api_token",),
    "mandrill": ("api_key",),
    "postal": ("api_key",),  # with ?api_url=https://postal.example.org
    "postmark": ("server_token",),
    "resend": ("api_key",),
    "scaleway": ("secret_key",),  # with ?project_id=…
    "sendgrid": ("api_key",),
    "sparkpost": ("api_key",),
    "unisender_go": ("api_key",),  # with ?api_url=…
    "test": (),  # anymail's test backend: keeps messages in mail.outbox, sends nothing
}
_NO_KEYS = {
    "amazon_ses": ": boto3 reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION itself"
}


def parse_email_url(url: str) -> dict:
    """Turn ``EMAIL_URL`` into a ``MAILERS`` entry.

    ``smtp://user:password@host:25``, ``smtp+tls://…:587`` (STARTTLS),
    ``smtp+ssl://…:465``, ``file:///path/to/folder``, ``console:``, ``locmem:``,
    or an ESP through django-anymail: ``anymail+<esp>://CREDENTIALS@?option=value``
    (``anymail+postmark://SERVER_TOKEN@``, ``anymail+mailjet://KEY:SECRET@``,
    ``anymail+mailgun://KEY@?sender_domain=mg.example.org``, ``anymail+amazon_ses://``).
    """
    # Split the scheme by hand: urlsplit drops a scheme with "_" in it (amazon_ses).
    raw_scheme, colon, rest = url.partition(":")
    scheme = raw_scheme.strip().lower()
    parts = urlsplit("mail:" + rest)
    if colon and scheme.startswith("anymail+"):
        return _anymail_mailer(scheme.removeprefix("anymail+").replace("-", "_"), parts)
    if not colon or scheme not in _MAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be one of {sorted(_MAIL_BACKENDS)} or anymail+<esp>, "
            f"not {scheme!r}"
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


def _anymail_mailer(esp: str, parts) -> dict:
    """``anymail+<esp>://user:password@?key=value`` as anymail's backend for ``esp``."""
    if esp not in ANYMAIL_ESPS:
        raise ImproperlyConfigured(
            f"EMAIL_URL names an ESP anymail+{esp} we do not know; use one of "
            f"{', '.join('anymail+' + name for name in sorted(ANYMAIL_ESPS))}"
        )
    example = "e.g. anymail+mailgun://KEY@?sender_domain=mg.example.org"
    if parts.netloc.rpartition("@")[2] or parts.path.strip("/") or parts.fragment:
        raise ImproperlyConfigured(
            f"EMAIL_URL anymail+{esp}:// takes no host or path: credentials go before "
            f"the @ and options after the ?, {example}"
        )
    names = ANYMAIL_ESPS[esp]
    given = [unquote(value) for value in (parts.username, parts.password) if value is not None]
    if len(given) > len(names):
        form = ":".join(name.upper() for name in names)
        wanted = f"only {form}@" if names else "no credentials"
        raise ImproperlyConfigured(
            f"EMAIL_URL anymail+{esp}:// takes {wanted}{_NO_KEYS.get(esp, '')}"
        )
    credentials = {name: value for name, value in zip(names, given, strict=False) if value}
    try:
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ImproperlyConfigured(
            f"EMAIL_URL anymail+{esp}:// options must read ?key=value&key=value, {example}"
        ) from None
    options = {key: _typed(value, numbers=True) for key, value in query}
    if clash := sorted(options.keys() & credentials.keys()):
        raise ImproperlyConfigured(
            f"EMAIL_URL anymail+{esp}:// gives {', '.join(clash)} twice (before the @ and after ?)"
        )
    return {
        "BACKEND": f"anymail.backends.{esp}.EmailBackend",
        "OPTIONS": options | credentials,
    }
