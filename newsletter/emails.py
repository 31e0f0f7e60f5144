"""Emails built from three templates — subject, plain text, HTML — by one helper.

``templates/newsletter/email/<name>_subject.txt``, ``<name>.txt`` and
``<name>.html``; the HTML's ``<style>`` is inlined with css-inline because
many mail clients drop style sheets.
"""

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


def build_email(
    name: str,
    context: dict,
    *,
    to: list[str],
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict | None = None,
) -> EmailMultiAlternatives:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"newsletter/email/{name}_subject.txt", context)
    subject = " ".join(subject.split())  # a header must be one line
    text = render_to_string(f"newsletter/email/{name}.txt", context)
    html = _inliner.inline(render_to_string(f"newsletter/email/{name}.html", context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or [],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message
