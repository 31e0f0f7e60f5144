from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletters"

    def ready(self):
        from anymail.signals import tracking

        from articles.demo import demo_seeded
        from newsletter.demo import seed_newsletters
        from newsletter.health import check_sending
        from newsletter.webhooks import record_tracking_event
        from newsroom import health

        # seed_demo belongs to articles, which may not import this app.
        demo_seeded.connect(seed_newsletters, dispatch_uid="newsletter.demo")
        # Bounces and complaints arrive through anymail's webhook views.
        tracking.connect(record_tracking_event, dispatch_uid="newsletter.tracking")
        # /healthz lives in newsroom, which may not import this app.
        health.register("sending", check_sending)
