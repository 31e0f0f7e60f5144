from newsletter.admin import newsletter, subscribers  # noqa: F401  (registers the admins)
