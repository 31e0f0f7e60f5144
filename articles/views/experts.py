"""The experts directory and each expert's profile, with their live pieces.

Authors (the model) live in ``authors``; their public pages live here, beside
the rest of the public site, because a profile lists pieces and programs.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView

from articles import page_tags
from articles import structured_data as sd
from articles.models import Program
from authors.models import Author
from newsroom import page_cache, params
from newsroom.pagination import WindowPaginationMixin


class ExpertListView(WindowPaginationMixin, ListView):
    """The experts directory, optionally narrowed to one program (?program=slug)."""

    template_name = "articles/expert_list.html"
    context_object_name = "authors"
    paginate_by = 48

    def get_queryset(self):
        self.program = None
        if slug := params.clean_text(self.request.GET, "program"):
            self.program = get_object_or_404(Program, slug=slug)
            return self.program.experts.active()
        return Author.objects.active()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            program=self.program, programs=list(Program.objects.all()), **kwargs
        )


class ExpertDetailView(WindowPaginationMixin, ListView):
    """An expert's profile with their live pieces, newest first."""

    template_name = "articles/expert_detail.html"
    context_object_name = "articles"
    paginate_by = 20
    keyset = True

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.active(), slug=self.kwargs["slug"])
        return self.author.articles.live().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(author=self.author, **kwargs)
        context["programs"] = list(self.author.programs.all())
        page_cache.tag(
            self.request,
            page_tags.of("author", self.author.pk),
            page_tags.pieces_of("author", self.author.pk),
            *(page_tags.of("program", program.pk) for program in context["programs"]),
            *page_tags.cards(context["articles"]),
        )
        page_cache.expire_at(self.request, page_tags.next_go_live(authors=self.author))
        context["feed_url"] = reverse("authors:feed", args=[self.author.slug])
        context["atom_url"] = reverse("authors:feed_atom", args=[self.author.slug])
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
