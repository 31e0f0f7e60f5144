from articles.snippets import query_stems, stem_snippet, substring_snippet

STEMS = query_stems("'sanction' & 'energi'", ["sanctions", "energy"])


def test_query_stems_take_postgres_lexemes_and_the_readers_kept_words():
    assert set(STEMS) == {"sanction", "energi"}
    # Stop words PostgreSQL dropped stay out; a word the two stemmers' releases
    # stem differently is matched by both stems.
    assert query_stems("'emerg'", ["the", "emergency"]) == {"emerg", "emergenc"}
    # Negated words are not in querytree's output, so they mark nothing.
    assert query_stems("'sanction'", ["sanctions"]) == {"sanction"}
    assert query_stems("'o''neil'", ["O'Neil"]) >= {"o'neil"}


def test_stem_snippet_marks_every_form_and_escapes_the_text():
    body = "<p>Energy <b>sanctions</b> &amp; sanctioned energies &lt;script&gt; hold.</p>"
    assert stem_snippet(body, STEMS) == (
        "<mark>Energy</mark> <mark>sanctions</mark> &amp; <mark>sanctioned</mark> "
        "<mark>energies</mark> &lt;script&gt; hold."
    )


def test_stem_snippet_marks_whole_words_only():
    body = "<p>Synergy, resanctioning: other words; energy is not.</p>"
    assert stem_snippet(body, STEMS) == (
        "Synergy, resanctioning: other words; <mark>energy</mark> is not."
    )


def test_stem_snippet_starts_a_few_words_before_a_late_match():
    body = "<p>" + "one two three four five six seven eight " * 10 + "energy at last.</p>"
    snippet = stem_snippet(body, STEMS)
    assert snippet == "… four five six seven eight <mark>energy</mark> at last."


def test_stem_snippet_without_a_match_shows_the_opening():
    body = "<p>" + "Plain words. " * 30 + "</p>"
    snippet = stem_snippet(body, STEMS)
    assert snippet.startswith("Plain words.") and snippet.endswith(" …")
    assert "<mark>" not in snippet
    assert stem_snippet("", STEMS) == ""
    assert stem_snippet(body, frozenset()).startswith("Plain words.")


def test_stem_snippet_shows_at_most_two_passages():
    filler = "word " * 40
    body = f"<p>energy one. {filler} sanctions two. {filler} energy three.</p>"
    snippet = stem_snippet(body, STEMS)
    assert snippet.count(" … ") == 1 and snippet.count("<mark>") == 2
    assert "three" not in snippet


def test_substring_snippet_marks_the_terms_where_they_occur():
    body = "<p>Upstream dams &amp; rivers.</p>"
    assert substring_snippet(body, ["dams", "river"]) == (
        "Upstream <mark>dams</mark> &amp; <mark>river</mark>s."
    )
