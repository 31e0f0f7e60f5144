from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletters"

    def ready(self):
        from articles.demo import demo_seeded
        from newsletter.demo import seed_newsletters

        # seed_demo belongs to articles, which may not import this app.
        demo_seeded.connect(seed_newsletters, dispatch_uid="newsletter.demo")
