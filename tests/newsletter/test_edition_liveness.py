"""An edition carries only live pieces: when composed, when sent, and on the web."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsletter import schedule, sending
from newsletter.models import Edition, EditionArticle
from tests.factories import make_article, make_edition, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def pieces(briefing):
    """A live piece, a draft, a scheduled piece and an archived one, all in the series."""
    series = briefing.series
    return {
        "live": make_article(series=series, title="Harbour power deal signed"),
        "draft": make_article(series=series, title="Secret draft", status=Article.Status.DRAFT),
        "scheduled": make_article(
            series=series,
            title="Embargoed until Friday",
            published_at=timezone.now() + timedelta(days=2),
        ),
        "archived": make_article(
            series=series, title="Withdrawn analysis", status=Article.Status.ARCHIVED
        ),
    }


def edition_form(edition, article_ids):
    data = {
        "newsletter": edition.newsletter_id,
        "subject": edition.subject,
        "preheader": "",
        "intro": "<p>Hello.</p>",
        "scheduled_for_0": "",
        "scheduled_for_1": "",
        "edition_articles-TOTAL_FORMS": str(len(article_ids)),
        "edition_articles-INITIAL_FORMS": "0",
    }
    for i, pk in enumerate(article_ids):
        data[f"edition_articles-{i}-position"] = str(i)
        data[f"edition_articles-{i}-article"] = str(pk)
    return data


def test_the_admin_autocomplete_offers_only_live_pieces(admin_client, pieces):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "newsletter",
            "model_name": "editionarticle",
            "field_name": "article",
            "term": "",
        },
    )
    assert response.status_code == 200
    titles = {result["text"] for result in response.json()["results"]}
    assert titles == {"Harbour power deal signed"}


@pytest.mark.parametrize("kind", ["draft", "scheduled", "archived"])
def test_a_crafted_post_adding_a_piece_that_is_not_live_is_refused(
    admin_client, briefing, pieces, kind
):
    edition = make_edition(briefing, articles=[])
    url = reverse("admin:newsletter_edition_change", args=[edition.pk])
    response = admin_client.post(url, edition_form(edition, [pieces[kind].pk]))
    assert response.status_code == 200
    assert "Only live pieces can go in an edition" in response.text
    assert not EditionArticle.objects.exists()


def test_the_admin_adds_a_live_piece(admin_client, briefing, pieces):
    edition = make_edition(briefing, articles=[])
    url = reverse("admin:newsletter_edition_change", args=[edition.pk])
    response = admin_client.post(url, edition_form(edition, [pieces["live"].pk]))
    assert response.status_code == 302
    assert list(edition.articles.all()) == [pieces["live"]]


@pytest.mark.parametrize("kind", ["draft", "scheduled", "archived"])
def test_full_clean_refuses_a_piece_that_is_not_live(briefing, pieces, kind):
    edition = make_edition(briefing, articles=[])
    link = EditionArticle(edition=edition, article=pieces[kind], position=0)
    with pytest.raises(ValidationError) as caught:
        link.full_clean()
    assert "Only live pieces" in " ".join(caught.value.message_dict["article"])


def test_a_piece_unpublished_before_the_send_is_left_out_of_the_mail_and_the_web_copy(
    client, briefing, pieces, mailoutbox, settings
):
    settings.NEWSLETTER_SEND_RATE = 0
    make_subscriber(active=[briefing])
    withdrawn = make_article(series=briefing.series, title="Pulled before sending")
    edition = make_edition(briefing, articles=[pieces["live"], withdrawn])
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.DRAFT)

    sending.start_send(edition=edition)
    sending.run(edition_id=edition.pk)

    [message] = mailoutbox
    html = message.alternatives[0].content
    assert "Harbour power deal signed" in message.body and "Harbour power deal signed" in html
    assert "Pulled before sending" not in message.body + html
    page = client.get(edition.get_absolute_url())
    assert page.status_code == 200
    assert "Harbour power deal signed" in page.text
    assert "Pulled before sending" not in page.text


def test_a_piece_archived_after_the_send_leaves_the_web_copy(
    client, briefing, pieces, mailoutbox, settings
):
    settings.NEWSLETTER_SEND_RATE = 0
    make_subscriber(active=[briefing])
    later = make_article(series=briefing.series, title="Archived after sending")
    edition = make_edition(briefing, articles=[pieces["live"], later])
    sending.start_send(edition=edition)
    sending.run(edition_id=edition.pk)
    assert "Archived after sending" in client.get(edition.get_absolute_url()).text

    Article.objects.filter(pk=later.pk).update(status=Article.Status.ARCHIVED)

    page = client.get(edition.get_absolute_url())
    assert page.status_code == 200
    assert "Harbour power deal signed" in page.text
    assert "Archived after sending" not in page.text
    assert "/newsletters/unsubscribe/" not in page.text


def test_an_edition_whose_pieces_all_stopped_being_live_is_not_sent(briefing, mailoutbox):
    make_subscriber(active=[briefing])
    gone = make_article(series=briefing.series)
    edition = make_edition(briefing, articles=[gone])
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.ARCHIVED)

    with pytest.raises(ValidationError, match="None of this edition's pieces is live"):
        sending.start_send(edition=edition)

    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    assert not edition.deliveries.exists() and not mailoutbox


def test_a_scheduled_edition_with_nothing_live_left_fails_once_with_its_reason(
    briefing, mailoutbox
):
    make_subscriber(active=[briefing])
    gone = make_article(series=briefing.series)
    edition = make_edition(
        briefing,
        articles=[gone],
        status=Edition.Status.SCHEDULED,
        scheduled_for=timezone.now() - timedelta(minutes=1),
    )
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.DRAFT)

    first = schedule.tick()
    second = schedule.tick()

    edition.refresh_from_db()
    assert edition.status == Edition.Status.FAILED
    assert "None of this edition's pieces is live" in edition.failure_reason
    assert first["started"] == second["started"] == second["revived"] == []
    assert not edition.deliveries.exists() and not mailoutbox


def test_the_test_send_shows_only_live_pieces(briefing, pieces, mailoutbox):
    edition = make_edition(briefing, articles=[pieces["live"]])
    # A row written before pieces were checked (create() runs no validation).
    EditionArticle.objects.create(edition=edition, article=pieces["draft"], position=1)
    sending.send_test(edition=edition, to="editor@example.org")
    [message] = mailoutbox
    assert "Harbour power deal signed" in message.body
    assert "Secret draft" not in message.body + message.alternatives[0].content


def test_the_admin_warns_about_a_piece_that_stopped_being_live(admin_client, briefing, pieces):
    edition = make_edition(briefing, articles=[pieces["live"]])
    EditionArticle.objects.create(edition=edition, article=pieces["archived"], position=1)
    page = admin_client.get(reverse("admin:newsletter_edition_change", args=[edition.pk]))
    assert page.status_code == 200
    assert "No longer live, so left out when this edition is sent" in page.text
    assert "Withdrawn analysis" in page.text
