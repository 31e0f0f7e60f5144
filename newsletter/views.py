"""Public sign-up pages and the personal pages reached from emails.

No GET here changes anything: mail scanners and link previewers follow every
link in a message, so confirming, unsubscribing and erasing all take a POST
from a page with a button.
"""

from urllib.parse import urlsplit

from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from newsletter import emails, subscriptions, tokens
from newsletter.forms import PreferencesForm, SignupForm
from newsletter.models import Edition, Newsletter, Subscription
from newsroom.client_ip import client_ip


def _bad_link(request):
    return render(request, "newsletter/bad_link.html", status=400)


def _signup_page(request, form, status=200):
    selected = set()
    for value in form["newsletters"].value() or []:
        if str(value).isdigit():
            selected.add(int(value))
    context = {
        "newsletters": Newsletter.objects.active().select_related("series"),
        "form": form,
        "selected": selected,
    }
    return render(request, "newsletter/newsletter_list.html", context, status=status)


def newsletter_list(request):
    return _signup_page(request, SignupForm())


def _cross_site(request) -> bool:
    """True when a browser tells us the form was posted from another site.

    The sign-up box sits on cached public pages, which carry no CSRF token
    (a token would need a cookie, and a cookie makes the page uncacheable).
    Browsers send ``Origin`` on every cross-site POST, so comparing it (or the
    ``Referer``) with our host blocks what a CSRF token would; clients that send
    neither are not browsers acting for a visitor. Double opt-in and the
    throttles still apply to everyone.
    """
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return bool(source)
    return urlsplit(source).netloc != request.get_host()


@csrf_exempt  # replaced by the same-origin check above, see _cross_site()
@require_POST
def subscribe(request):
    """Take a sign-up. Neither the answer nor its timing says whether the address was known."""
    if _cross_site(request):
        return HttpResponseForbidden("Sign-ups are taken from our own pages only.")
    if not subscriptions.signup_allowed_from(client_ip(request)):
        return render(request, "newsletter/throttled.html", status=429)
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _signup_page(request, form, status=400)
    if not form.is_bot:
        subscriptions.sign_up(
            email=form.cleaned_data["email"],
            newsletters=form.cleaned_data["newsletters"],
            source_detail=form.cleaned_data["source"],
        )
    return render(request, "newsletter/check_inbox.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    try:
        subscriber, newsletters = subscriptions.subscriber_for_confirmation(token)
    except tokens.BadToken:
        return _bad_link(request)
    if request.method == "POST":
        subscriber = subscriptions.confirm(token=token, consent_source=request.path[:255])
        return render(
            request,
            "newsletter/confirmed.html",
            {
                "newsletters": newsletters,
                "preferences_url": tokens.preferences_url(subscriber),
            },
        )
    return render(request, "newsletter/confirm.html", {"newsletters": newsletters})


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    try:
        subscriber = subscriptions.subscriber_for_preferences(token)
    except tokens.BadToken:
        return _bad_link(request)
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if "unsubscribe_all" in request.POST:
            subscriptions.unsubscribe_all(subscriber=subscriber)
            saved = True
        elif form.is_valid():
            subscriptions.update_preferences(
                subscriber=subscriber, newsletters=form.cleaned_data["newsletters"]
            )
            saved = True
    active = subscriber.subscriptions.filter(status=Subscription.Status.ACTIVE)
    form = PreferencesForm(initial={"newsletters": [s.newsletter_id for s in active]})
    return render(
        request,
        "newsletter/preferences.html",
        {"form": form, "subscriber": subscriber, "saved": saved, "token": token},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request, token):
    try:
        subscriber = subscriptions.subscriber_for_preferences(token)
    except tokens.BadToken:
        return _bad_link(request)
    if request.method == "POST":
        subscriptions.erase(subscriber=subscriber)
        return render(request, "newsletter/erased.html")
    return render(request, "newsletter/erase.html", {"token": token})


@csrf_exempt  # RFC 8058: mail providers POST here with no cookie and no CSRF token.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe (RFC 8058) from one newsletter.

    POST with ``List-Unsubscribe=One-Click`` in the body unsubscribes, however
    often it arrives; GET only shows a page whose button makes that POST.
    """
    try:
        uid, newsletter_id = tokens.read_unsubscribe_token(token)
    except tokens.BadToken:
        return _bad_link(request)
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") != "One-Click":
            return render(request, "newsletter/bad_link.html", status=400)
        newsletter = subscriptions.unsubscribe_by_token(token)
        return render(
            request,
            "newsletter/unsubscribed.html",
            {"newsletter": newsletter, "preferences_token": tokens.personal_token(uid)},
        )
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    return render(request, "newsletter/unsubscribe.html", {"newsletter": newsletter})


# --- Editions on the web --------------------------------------------------------


def edition_archive(request, slug):
    """Every edition of one newsletter that went out, newest first."""
    newsletter = get_object_or_404(Newsletter, slug=slug)
    editions = (
        newsletter.editions.archived()
        .order_by("-started_at")
        .only("pk", "subject", "preheader", "started_at", "newsletter_id")
    )
    return render(
        request,
        "newsletter/edition_archive.html",
        {"newsletter": newsletter, "editions": editions},
    )


def edition_detail(request, slug, pk):
    """ "View in browser": the edition exactly as mailed, minus the personal links."""
    edition = get_object_or_404(
        Edition.objects.public().select_related("newsletter"), pk=pk, newsletter__slug=slug
    )
    # Only live pieces, even if one was unpublished after the send.
    return HttpResponse(emails.web_copy(edition))
