from articles.admin import article, photo, taxonomy

__all__ = ["article", "photo", "taxonomy"]
