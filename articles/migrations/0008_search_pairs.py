"""Adjacent word pairs of each piece, indexed, so a quoted phrase of common words is cheap.

A phrase query (``"grid reform"``) can use the search vector's GIN index only
for its words: when each word is in most pieces, PostgreSQL reads the vector of
every piece holding both to check that they stand side by side (380-550 ms at
100,000 pieces). ``search_pairs`` holds every pair of lexemes at adjacent
positions of ``search_vector`` ("grid reform", one lexeme with a space) as a
tsvector, so ``search_pairs @@ the phrase's pairs``
(``articles.search.HoldsPairsOf``) finds the few pieces that can hold the
phrase, through its own GIN index, before the phrase itself is checked.

A trigger derives the column from ``search_vector`` on every write, whatever
the path (the ORM, ``update()``, the bench's bulk fill, SQL by hand), so it is
never stale. Only PostgreSQL fills it; SQLite searches with its fallback. The
backfill reads every piece once: about 6 minutes at 100,000 pieces on 2 cores,
while saves of pieces wait (seconds for an archive of a few thousand).
"""

import django.contrib.postgres.search
from django.db import migrations

# Pairs from the stored positions that PostgreSQL's own phrase check reads: a
# pair it cannot see (a lexeme's positions past its 256th) is not here either.
# The query function ANDs a phrase's pairs, quoted as tsquery input wants
# (quotes and backslashes doubled); it is NULL when the phrase has none.
CREATE_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION article_search_pairs(vector tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT array_to_tsvector(coalesce(array_agg(first.lexeme || ' ' || second.lexeme), '{}'))
    FROM (SELECT u.lexeme, p FROM unnest(vector) AS u, unnest(u.positions) AS p) AS first
    JOIN (SELECT u.lexeme, p FROM unnest(vector) AS u, unnest(u.positions) AS p) AS second
      ON second.p = first.p + 1
$$;
CREATE OR REPLACE FUNCTION article_search_pairs_query(vector tsvector) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT string_agg(
        '''' || replace(replace(pair, '\', '\\'), '''', '''''') || '''', ' & '
    )::tsquery
    FROM unnest(tsvector_to_array(article_search_pairs(vector))) AS pair
$$;
"""
CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION article_search_pairs_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_pairs := article_search_pairs(NEW.search_vector);
    RETURN NEW;
END
$$;
CREATE TRIGGER article_search_pairs_keep
    BEFORE INSERT OR UPDATE OF search_vector ON articles_article
    FOR EACH ROW EXECUTE FUNCTION article_search_pairs_keep();
"""
# Serves: WHERE search_pairs @@ article_search_pairs_query(to_tsvector(...)).
CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS article_search_pairs_gin ON articles_article USING gin (search_pairs)"
)
DROP_INDEX = "DROP INDEX IF EXISTS article_search_pairs_gin"
BACKFILL = (
    "UPDATE articles_article SET search_pairs = article_search_pairs(search_vector) "
    "WHERE search_vector IS NOT NULL"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTIONS)
    schema_editor.execute(CREATE_TRIGGER)
    schema_editor.execute(BACKFILL)
    schema_editor.execute(CREATE_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS article_search_pairs_keep ON articles_article")
    schema_editor.execute("DROP FUNCTION IF EXISTS article_search_pairs_keep()")
    schema_editor.execute(DROP_INDEX)
    schema_editor.execute("DROP FUNCTION IF EXISTS article_search_pairs_query(tsvector)")
    schema_editor.execute("DROP FUNCTION IF EXISTS article_search_pairs(tsvector)")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_tagged_article_index")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_pairs",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
