from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView

from authors.models import Author
from newsroom import fragments, params
from newsroom import structured_data as sd
from newsroom.pagination import WindowPaginationMixin

# Reverse relations only below: authors never imports articles (DESIGN.md).
PROGRAM_MODEL = Author._meta.get_field("programs").related_model


class AuthorListView(WindowPaginationMixin, ListView):
    """The experts directory, optionally narrowed to one program (?program=slug)."""

    template_name = "authors/author_list.html"
    context_object_name = "authors"
    paginate_by = 48

    def get_queryset(self):
        authors = Author.objects.active()
        self.program = None
        if slug := params.clean_text(self.request.GET, "program"):
            self.program = get_object_or_404(PROGRAM_MODEL, slug=slug)
            authors = authors.filter(programs=self.program)
        return authors

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            program=self.program, programs=list(PROGRAM_MODEL.objects.all()), **kwargs
        )


class AuthorDetailView(fragments.CardPartsMixin, WindowPaginationMixin, ListView):
    """An expert's profile with their live pieces, newest first."""

    template_name = "authors/author_detail.html"
    context_object_name = "articles"
    paginate_by = 20
    keyset = True

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.active(), slug=self.kwargs["slug"])
        return self.author.articles.live().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, **kwargs)
        context["programs"] = list(self.author.programs.all())
        context["feed_url"] = reverse("articles:expert_feed", args=[self.author.slug])
        context["atom_url"] = reverse("articles:expert_feed_atom", args=[self.author.slug])
        context["structured_data"] = [
            sd.json_ld(
                {
                    "@context": "https://schema.org",
                    **sd.person(self.author, programs=context["programs"]),
                }
            ),
            sd.json_ld(
                sd.breadcrumbs(
                    ("Experts", reverse("authors:list")), (self.author.name, self.request.path)
                )
            ),
        ]
        return context
