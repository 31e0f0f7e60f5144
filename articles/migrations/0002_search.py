"""Full-text search: a stored weighted tsvector per article, a GIN index on it, filled for existing rows.

The index and the backfill run on PostgreSQL only; SQLite searches with its
fallback (articles.search) and leaves the column empty.
"""

import django.contrib.postgres.search
from django.db import migrations

# Serves: WHERE search_vector @@ websearch_to_tsquery(...) (articles.search.search).
CREATE_INDEX = "CREATE INDEX IF NOT EXISTS article_search_vector_gin ON articles_article USING gin (search_vector)"
DROP_INDEX = "DROP INDEX IF EXISTS article_search_vector_gin"

BACKFILL = """
UPDATE articles_article AS a SET search_vector =
    setweight(to_tsvector('english', coalesce(a.title, '')), 'A')
 || setweight(to_tsvector('english', coalesce(a.dek, '')), 'B')
 || setweight(to_tsvector('english', regexp_replace(coalesce(a.body, ''), '<[^>]+>', ' ', 'g')), 'C')
 || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(t.name, ' ')
        FROM taggit_taggeditem ti
        JOIN taggit_tag t ON t.id = ti.tag_id
        JOIN django_content_type ct ON ct.id = ti.content_type_id
        WHERE ct.app_label = 'articles' AND ct.model = 'article' AND ti.object_id = a.id
    ), '')), 'C')
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_INDEX)
    schema_editor.execute(BACKFILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("taggit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
