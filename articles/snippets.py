"""Search result snippets: a passage or two of the body with the query's words marked.

They are cut in Python from the body each result row already carries, so
they cost no query. PostgreSQL's ``ts_headline`` would parse every result's
text again in the database on each search, and reaching a match past the
opening would take a second query. Here a word is the query's when its
Snowball English stem (PyStemmer, the stemmer PostgreSQL's ``english``
configuration runs) is one of the query's lexemes, as PostgreSQL read them
(``querytree``: stop words and negated words dropped). On SQLite, where search
matches substrings, the query's terms are marked wherever they occur.
"""

import html
import re
import threading
from functools import lru_cache

import Stemmer
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

# Private-use characters mark the highlights, so the snippet can be escaped as
# a whole and only then turned into <mark> elements.
MARK_START, MARK_END = "\ue000", "\ue001"
# A passage: this many words, starting a few before its first match.
PASSAGE_WORDS = 22
LEAD_WORDS = 5
PASSAGES = 2
SNIPPET_CHARS = 220  # SQLite's passage

_TAG = re.compile(r"<[^>]+>")
# What PostgreSQL's parser reads as words: runs of letters and digits.
_WORD = re.compile(r"[^\W_]+")
_LEXEME = re.compile(r"'((?:[^']|'')*)'")
_local = threading.local()


def _stem(word: str) -> str:
    # A PyStemmer object keeps a cache and is not safe to share between threads.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer.stemWord(word.lower())


def plain_text(body: str) -> str:
    """The body's text: tags become spaces so paragraphs do not run together."""
    return " ".join(html.unescape(strip_tags(_TAG.sub(" ", body))).split())


def _highlight(text: str) -> SafeString:
    """Escape everything, then turn the markers into <mark> elements."""
    escaped = escape(text)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def query_stems(querytree: str, words: list[str]) -> frozenset[str]:
    """The stems that mark a word: the lexemes in PostgreSQL's ``querytree``
    output, and the Python stem of each of the reader's ``words`` that
    PostgreSQL kept (the two stemmers' releases differ on a few words:
    "emergency" is ``emerg`` to one and ``emergenc`` to the other)."""
    lexemes = {lexeme.replace("''", "'") for lexeme in _LEXEME.findall(querytree)}
    kept = {
        stem
        for word in words
        for token in _WORD.findall(word.lower())
        if (stem := _stem(token)) in lexemes or any(token.startswith(x) for x in lexemes)
    }
    return frozenset(lexemes | kept)


@lru_cache(maxsize=256)
def _candidates(stems: frozenset[str]) -> re.Pattern:
    """Words that may stem to one of ``stems``: those starting as one does,
    less its last letter (the stemmer turns "energy" into ``energi``). Only
    these are stemmed, so a long body is scanned at the regex engine's speed."""
    prefixes = sorted({stem[: max(2, len(stem) - 1)] for stem in stems}, key=len, reverse=True)
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def _mark_all(text: str, stems: frozenset[str]) -> str:
    def mark(match):
        word = match.group(0)
        return MARK_START + word + MARK_END if _stem(word) in stems else word

    return _candidates(stems).sub(mark, text)


def stem_snippet(body: str, stems: frozenset[str]) -> SafeString:
    """Up to two passages of ``body``, each from a little before a word whose
    stem is in ``stems``; the opening if none is (a match in the title only)."""
    plain = plain_text(body)
    words = plain.split(" ")
    passages: list[tuple[int, int]] = []
    found = 0
    taken = 0  # words before this one are in a passage already
    for match in _candidates(stems).finditer(plain) if stems else ():
        if found == PASSAGES:
            break
        index = plain.count(" ", 0, match.start())  # the word it is in
        if index < taken or _stem(match.group(0)) not in stems:
            continue
        found += 1
        start = max(taken, index - LEAD_WORDS)
        taken = min(len(words), start + PASSAGE_WORDS)
        if passages and passages[-1][1] == start:
            passages[-1] = (passages[-1][0], taken)  # one passage runs into the next
        else:
            passages.append((start, taken))
    if not passages:
        passages = [(0, min(len(words), PASSAGE_WORDS))]
    text = " … ".join(_mark_all(" ".join(words[start:end]), stems) for start, end in passages)
    prefix = "… " if passages[0][0] > 0 else ""
    suffix = " …" if passages[-1][1] < len(words) else ""
    return _highlight(prefix + text + suffix) if plain else mark_safe("")


def substring_snippet(body: str, terms: list[str]) -> SafeString:
    """A passage of ``body`` from a little before the first of ``terms``, each
    occurrence marked: the SQLite fallback, which matches substrings."""
    plain = plain_text(body)
    lowered = plain.lower()
    found = [i for term in terms if (i := lowered.find(term.lower())) >= 0]
    start = max(0, min(found) - SNIPPET_CHARS // 3) if found else 0
    cut = plain[start : start + SNIPPET_CHARS]
    if terms:
        pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
        cut = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", cut)
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_CHARS < len(plain) else ""
    return _highlight(prefix + cut + suffix)
