# Newsletter, Subscriber, Subscription, Edition, Delivery and Suppression
# arrive with the subscriptions and sending issues.
