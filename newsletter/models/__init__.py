from newsletter.models.audience import Subscriber, Subscription, Suppression
from newsletter.models.edition import Delivery, Edition, EditionArticle, SlotRun
from newsletter.models.newsletter import Newsletter

__all__ = [
    "Delivery",
    "Edition",
    "EditionArticle",
    "Newsletter",
    "SlotRun",
    "Subscriber",
    "Subscription",
    "Suppression",
]
