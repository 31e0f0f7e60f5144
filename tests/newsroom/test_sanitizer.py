import pytest

from newsroom.sanitizer import sanitize_html
from tests.factories import make_article


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<p>hi</p><script>alert(1)</script>", "alert"),
        ('<img src="https://example.org/a.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<img src="data:image/png;base64,AAAA">', "data:"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
        ("<style>body{display:none}</style><p>x</p>", "display"),
        ('<iframe src="https://evil.example/"></iframe>', "iframe"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "style"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ('<a href="http://plain.example/">x</a>', "http://"),
        ("<p><b>unclosed <i>tags", "<i>tags</p>"),
        ('<form action="https://evil.example/"><input name="q"></form>', "form"),
        ("<!-- secret --><p>x</p>", "secret"),
    ],
)
def test_dangerous_markup_is_removed(dirty, forbidden):
    assert forbidden.lower() not in sanitize_html(dirty).lower()


def test_malformed_markup_is_closed():
    assert sanitize_html("<p><b>unclosed <i>tags") == "<p><b>unclosed <i>tags</i></b></p>"


@pytest.mark.parametrize(
    "keep",
    [
        "<h2>Heading</h2>",
        "<h3>Sub</h3>",
        "<ul><li>one</li><li>two</li></ul>",
        "<ol><li>one</li></ol>",
        "<blockquote><p>Quoted</p></blockquote>",
        '<img src="https://example.org/a.png" alt="A chart" width="10" height="5">',
        "<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
        "<p><strong>bold</strong> <em>em</em></p>",
    ],
)
def test_editorial_markup_survives(keep):
    assert sanitize_html(keep) == keep


def test_links_keep_https_and_mailto_and_get_rel():
    clean = sanitize_html(
        '<a href="https://example.org/">a</a> <a href="mailto:x@example.org">b</a>'
    )
    assert clean == (
        '<a href="https://example.org/" rel="noopener noreferrer">a</a> '
        '<a href="mailto:x@example.org" rel="noopener noreferrer">b</a>'
    )


@pytest.mark.django_db
def test_body_is_sanitized_before_it_reaches_the_database():
    article = make_article(body='<p onclick="x()">Safe</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>Safe</p>"


@pytest.mark.django_db
def test_body_is_sanitized_on_every_later_save_too():
    article = make_article()
    article.body = '<h2>New</h2><iframe src="https://evil.example/"></iframe>'
    article.save()
    article.refresh_from_db()
    assert article.body == "<h2>New</h2>"
