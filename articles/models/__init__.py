from articles.models.article import Article, ArticleAuthor, ArticleQuerySet, SuggestedReading
from articles.models.editing import ArticleDraft, EditingPresence
from articles.models.photo import Photo, Rendition
from articles.models.taxonomy import Program, Series
from articles.models.workflow import (
    ArticleEvent,
    ArticleRevision,
    ArticleSlug,
    Correction,
    PreviewLink,
    State,
)

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleDraft",
    "ArticleEvent",
    "ArticleQuerySet",
    "ArticleRevision",
    "ArticleSlug",
    "Correction",
    "EditingPresence",
    "Photo",
    "PreviewLink",
    "Program",
    "Rendition",
    "Series",
    "State",
    "SuggestedReading",
]
