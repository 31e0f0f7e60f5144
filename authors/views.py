from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from authors.models import Author


class AuthorListView(ListView):
    """The experts directory."""

    template_name = "authors/author_list.html"
    context_object_name = "authors"
    paginate_by = 48

    def get_queryset(self):
        return Author.objects.active()


class AuthorDetailView(ListView):
    """An expert's profile with their live pieces, newest first."""

    template_name = "authors/author_detail.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.active(), slug=self.kwargs["slug"])
        # Reverse relation only: authors never imports articles (DESIGN.md).
        return self.author.articles.live().for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
