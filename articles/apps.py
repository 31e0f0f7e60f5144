from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import signals
        from newsroom import http_cache

        http_cache.next_change_sources.append(signals.next_go_live)
