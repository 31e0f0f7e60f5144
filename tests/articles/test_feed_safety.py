"""Feeds carry plain-text fields as text: no markup typed into a dek, an SEO
description, a name or a description becomes an element in a feed reader.

Each feed is decoded twice, as readers do: strictly (parse the XML, then parse
as HTML every element a reader renders as HTML) and with feedparser.
"""

from html import unescape
from html.parser import HTMLParser
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from taggit.models import Tag

from tests.factories import make_article, make_author, make_series

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(2)>",
    "<IMG SRC=x ONERROR=alert(2)>",
    '<img src="x" onerror="alert(2)">',
    "<img src=x onerror=alert`2`>",
    "<img/src=x/onerror=alert(2)>",
    "<svg onload=alert(3)>",
    "<svg><script>alert(3)</script></svg>",
    "<svg/onload=alert(3)//",
    "<body onload=alert(4)>",
    "<iframe src=javascript:alert(5)></iframe>",
    '<iframe srcdoc="<script>alert(5)</script>"></iframe>',
    '<a href="javascript:alert(6)">click</a>',
    '<a href="jav&#x09;ascript:alert(6)">click</a>',
    '<a href="JaVaScRiPt:alert(6)">click</a>',
    "<a href=data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==>x</a>",
    "<details open ontoggle=alert(7)>",
    "<video><source onerror=alert(8)></video>",
    "<audio src=x onerror=alert(8)>",
    "<input autofocus onfocus=alert(9)>",
    "<select autofocus onfocus=alert(9)>",
    "<textarea autofocus onfocus=alert(9)>",
    "<marquee onstart=alert(10)>",
    "<object data=javascript:alert(11)>",
    "<embed src=javascript:alert(11)>",
    '<form action="javascript:alert(12)"><button>go</button></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(13)">',
    "<style>@import 'javascript:alert(14)';</style>",
    '<div style="background:url(javascript:alert(15))">x</div>',
    '<link rel="stylesheet" href="javascript:alert(16)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(17)">',
    "<base href=javascript:alert(18)//>",
    '"><script>alert(19)</script>',
    "'><img src=x onerror=alert(19)>",
    "</title><script>alert(20)</script>",
    "</description><script>alert(20)</script>",
    "]]><script>alert(21)</script><![CDATA[",
    "<![CDATA[<img src=x onerror=alert(21)>]]>",
    "&lt;script&gt;alert(22)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(22)&#62;",
    "&#x3C;svg onload=alert(22)&#x3E;",
    "&amp;lt;img src=x onerror=alert(22)&amp;gt;",
    "<!--><img src=x onerror=alert(23)>-->",
    "<scr<script>ipt>alert(24)</scr</script>ipt>",
    "<p onclick=alert(25)>Plain words</p>",
    "A dek with <b>bold</b> & an ampersand < a less-than",
]

# Feeds whose chosen object every payload reaches, by URL name: the arguments come
# from the objects made for the payload.
FEEDS = ["articles:feed", "articles:series_feed", "authors:feed", "articles:tag_feed"]


class _Markup(HTMLParser):
    """Every tag, comment or declaration an HTML parser finds, as a browser-based reader would.

    Plain text makes none of them; a comment counts too, because parsers disagree
    on where one ends (``<!-->`` closes a comment in a browser, not here).
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    def handle_comment(self, data):
        self.found.append(("<!--", data))

    def handle_decl(self, decl):
        self.found.append(("<!", decl))

    def unknown_decl(self, data):
        self.found.append(("<![", data))

    def handle_pi(self, data):
        self.found.append(("<?", data))

    handle_startendtag = handle_starttag


def _markup(html: str) -> list:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.found


def _objects_carrying(payload):
    """A series, expert, tag and two live pieces, every plain-text field set to the payload."""
    series = make_series(name=payload, description=payload)
    author = make_author(name=payload, description=payload[:255])
    tag = Tag.objects.create(name=payload, slug="hostile")
    with_dek = make_article(title=payload, dek=payload, series=series, authors=[author])
    with_seo = make_article(
        title=payload, dek="Plain.", seo_description=payload[:300], series=series, authors=[author]
    )
    for article in (with_dek, with_seo):
        article.tags.add(tag)
    return {
        "articles:feed": [],
        "articles:series_feed": [series.slug],
        "authors:feed": [author.slug],
        "articles:tag_feed": ["hostile"],
    }


def _html_parts(body: bytes) -> dict[str, str]:
    """The text of every element a feed reader renders as HTML, by element path."""
    root = ElementTree.fromstring(body)
    parts = {}
    if root.tag == "rss":
        # RSS leaves title and description undefined as text or HTML; readers take both as HTML.
        for path in ("channel/title", "channel/description", "channel/item/title"):
            parts |= {f"{path}[{i}]": el.text or "" for i, el in enumerate(root.findall(path))}
        for i, el in enumerate(root.findall("channel/item/description")):
            parts[f"item/description[{i}]"] = el.text or ""
    else:
        for i, el in enumerate(root.iter()):
            kind = el.get("type", "text")
            assert kind in ("text", "html"), f"{el.tag} is {kind}"
            if kind == "html":
                assert not list(el), f"{el.tag} has child elements"
                parts[f"{el.tag}[{i}]"] = el.text or ""
    return parts


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("name", FEEDS)
@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_no_plain_text_field_becomes_markup_when_a_reader_decodes_the_feed(
    client, payload, name, atom
):
    args = _objects_carrying(payload)[name]
    response = client.get(reverse(name + ("_atom" if atom else ""), args=args))
    assert response.status_code == 200

    parts = _html_parts(response.content)
    assert parts, "the feed has descriptions or summaries"
    for where, html in parts.items():
        assert _markup(html) == [], where

    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 2
    details = [feed.feed.title_detail]
    details += [d for e in feed.entries for d in (e.title_detail, e.summary_detail)]
    for detail in details:
        if detail.type in ("text/html", "application/xhtml+xml"):
            # The reader shows this HTML: it must be text only, reading as typed.
            assert _markup(detail.value) == [], detail
            seen = unescape(detail.value)
        else:
            seen = detail.value
        if detail is not feed.feed.title_detail:
            assert seen in (payload, payload[:300]), detail


def test_atom_titles_are_text_and_keep_what_was_typed(client):
    make_article(title="Tariffs <b>& trade</b>", dek="Costs < benefits & more")
    root = ElementTree.fromstring(client.get(reverse("articles:feed_atom")).content)
    entry = root.find(f"{ATOM}entry")
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert title.get("type", "text") == "text" and title.text == "Tariffs <b>& trade</b>"
    assert summary.get("type") == "html"
    assert unescape(summary.text) == "Costs < benefits & more"


def test_rss_titles_and_descriptions_are_escaped_text(client):
    make_article(title="Tariffs <b>& trade</b>", dek="Costs < benefits & more")
    root = ElementTree.fromstring(client.get(reverse("articles:feed")).content)
    item = root.find("channel/item")
    assert item.find("title").text == "Tariffs &lt;b&gt;&amp; trade&lt;/b&gt;"
    assert item.find("description").text == "Costs &lt; benefits &amp; more"
