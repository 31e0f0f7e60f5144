"""Indexes the listings need at 100,000 pieces (found with EXPLAIN ANALYZE; see BENCHMARKS.md).

article_live_listing replaces article_status_published: the same prefix plus
id, the listings' tie-break, so live() newest first — and each keyset page
(newsroom.pagination) — is one ordered index range scan with no sort.
article_series_listing serves a series' live pieces newest first.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
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
