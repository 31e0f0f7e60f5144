from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import signals
        from articles.views import article
        from newsroom import http_cache, kept_pages

        http_cache.next_change_sources.append(signals.next_go_live)
        kept_pages.checks["article"] = article.current_identity
