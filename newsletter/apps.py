from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletters"

    def ready(self):
        from anymail.signals import tracking

        from articles.demo import demo_seeded
        from newsletter.demo import seed_newsletters
        from newsletter.webhooks import record_tracking_event

        # seed_demo belongs to articles, which may not import this app.
        demo_seeded.connect(seed_newsletters, dispatch_uid="newsletter.demo")
        # Bounces and complaints arrive through anymail's webhook views.
        tracking.connect(record_tracking_event, dispatch_uid="newsletter.tracking")
