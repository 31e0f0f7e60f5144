from articles.models.article import Article, ArticleAuthor, ArticleQuerySet
from articles.models.photo import Photo, Rendition
from articles.models.taxonomy import Program, Series

__all__ = ["Article", "ArticleAuthor", "ArticleQuerySet", "Photo", "Program", "Rendition", "Series"]
