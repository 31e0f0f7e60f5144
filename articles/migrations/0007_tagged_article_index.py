"""An index joining taggit's TaggedItem to articles the way PostgreSQL is asked to.

TaggedItem.object_id is an integer and Article.id a bigint, so every ORM join
reads ``articles_article.id = taggit_taggeditem.object_id::bigint``; the cast
hides taggit's own object_id indexes from the planner. Without this index a
tag's newest pieces (tag pages, "Further reading") hash-join every tagging of
the tag (90-110 ms for a tag on a fifth of 100,000 pieces); with it they walk
the live-listing index newest first and probe here (about 1 ms). SQLite
compares without a cast and needs nothing.
"""

from django.db import migrations

INDEX = "tagged_article_bigint"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON taggit_taggeditem (((object_id)::bigint), tag_id, content_type_id)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_listing_indexes"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create, drop)]
