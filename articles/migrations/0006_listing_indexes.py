"""Indexes for the public listings: live pieces newest first, overall and per series.

Named ``0006_bench_indexes`` until renamed for what it serves (``replaces``):
a database that applied it under the old name counts it as applied.

article_live_listing replaces article_status_published: the same prefix plus
id, the listings' tie-break, so live() newest first — and each keyset page
(newsroom.pagination) — is one ordered index range scan with no sort.
article_series_listing serves a series' live pieces newest first.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("articles", "0006_bench_indexes")]

    dependencies = [
        ("articles", "0005_workflow_roles"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_status_published",
        ),
        # Serves: WHERE status = 'published' AND published_at <= now()
        #   [AND published_at <= cursor] ORDER BY published_at DESC, id DESC LIMIT 21
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "-published_at", "-id"], name="article_live_listing"
            ),
        ),
        # Serves: WHERE series_id = %s AND status = 'published' AND published_at <= now()
        #   [AND published_at <= cursor] ORDER BY published_at DESC, id DESC LIMIT 21
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["series", "status", "-published_at", "-id"],
                name="article_series_listing",
            ),
        ),
    ]
