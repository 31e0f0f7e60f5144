from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, Program, Series

PAGE_SIZE = 20


class HomeView(ListView):
    """The front page: the latest live pieces."""

    template_name = "articles/home.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Article.objects.live().for_listing()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.live()
            .for_listing()
            .select_related("series__program")
            .prefetch_related("tags")
        )


class _ArticleListView(ListView):
    """A paginated list of live pieces belonging to one object (series, program, tag).

    Subclasses name where the object comes from and how articles point at it.
    """

    context_object_name = "articles"
    paginate_by = PAGE_SIZE
    template_name = "articles/article_list.html"
    object_queryset = None
    article_lookup = ""

    def get_queryset(self):
        self.object = get_object_or_404(self.object_queryset, slug=self.kwargs["slug"])
        articles = Article.objects.live().for_listing()
        return articles.filter(**{self.article_lookup: self.object})

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)


class SeriesView(_ArticleListView):
    object_queryset = Series.objects.select_related("program")
    article_lookup = "series"


class ProgramView(_ArticleListView):
    object_queryset = Program.objects.all()
    article_lookup = "series__program"


class TagView(_ArticleListView):
    object_queryset = Tag.objects.all()
    article_lookup = "tags"
