from newsletter.admin import edition, newsletter, subscribers  # noqa: F401  (registers the admins)
