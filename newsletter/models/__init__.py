from newsletter.models.audience import Subscriber, Subscription, Suppression
from newsletter.models.newsletter import Newsletter

__all__ = ["Newsletter", "Subscriber", "Subscription", "Suppression"]
