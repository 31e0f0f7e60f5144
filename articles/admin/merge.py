"""The article form's side of merging a save with what others saved since it was opened.

The rules are in ``articles/merging.py``; this module only gathers the three
snapshots from the form and the database, and carries the outcome into the
admin's save: which posted values are written, and the message afterwards.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import merging, revisions
from articles.models import Article, ArticleAuthor

BYLINE_PREFIX = "article_authors"  # the admin inline's default prefix
TEXT_FIELDS = [
    "title",
    "slug",
    "dek",
    "body",
    "lead_photo_caption",
    "seo_description",
    "canonical_url",
]
CHOSEN_FIELDS = ["lead_photo", "series"]
# What ``keep_theirs`` refreshes from the row, locked, before the posted values go on top.
COLUMNS = TEXT_FIELDS + CHOSEN_FIELDS

# Read-only twin of the admin's byline inline: the form reads the posted byline
# with it; the admin's own formset still validates, shows and (when unmerged) saves it.
BylineFormSet = forms.inlineformset_factory(
    Article, ArticleAuthor, fields=["author", "position"], extra=0, can_delete=True
)


class MergingForm:
    """For ArticleForm. After ``merge_with_others`` in ``clean``, on a form opened
    before someone else saved: ``merge`` says whose value each field keeps, and
    only the fields in ``merge.take_mine`` are left in ``cleaned_data``; or, on a
    conflict, ``conflicts`` lists what to show and the form is invalid."""

    merge: merging.MergeResult | None = None
    mine: dict | None = None
    since: revisions.SinceOpened | None = None
    who: dict[str, list[str]] | None = None
    conflicts: tuple = ()
    conflict_version: int | None = None

    def merge_with_others(self, cleaned: dict) -> None:
        if self.instance.pk is None or self.errors:
            return  # nothing is saved anyway; the next save merges
        opened = cleaned.get("opened_version") or 0
        since = revisions.since_opened(article=self.instance, opened_version=opened)
        if since is None:
            return
        mine = self.posted_snapshot(since.theirs)
        if mine is None:
            return  # the byline has errors of its own, shown by the inline; nothing is saved
        who = merging.changed_by(since.base, since.newer)
        result = merging.three_way(since.base, since.theirs, mine)
        if result.conflicts:
            result = self.choices_made(result, since, mine, who)
        self.keep_theirs(result, cleaned)
        self.merge, self.mine, self.since, self.who = result, mine, since, who

    def posted_snapshot(self, theirs: dict) -> dict | None:
        """What this form would save, like ``revisions.snapshot``; None if the byline is invalid."""
        cleaned = self.cleaned_data
        mine = {name: cleaned[name] for name in TEXT_FIELDS if name in self.fields}
        for name in CHOSEN_FIELDS:
            if name in self.fields:
                mine[name] = revisions.labelled(cleaned[name])
        if "tags" in self.fields:
            mine["tags"] = sorted(cleaned["tags"])
        if "further_reading" in self.fields:
            mine["further_reading"] = self.posted_further_reading(theirs)
        if f"{BYLINE_PREFIX}-TOTAL_FORMS" in self.data:
            byline = BylineFormSet(self.data, instance=self.instance, prefix=BYLINE_PREFIX)
            if not byline.is_valid():
                return None
            rows = [
                (form.cleaned_data["position"], i, form.cleaned_data["author"])
                for i, form in enumerate(byline.forms)
                if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
            ]
            rows.sort(key=lambda row: row[:2])
            mine["authors"] = [{"id": author.pk, "name": author.name} for *_, author in rows]
        return mine

    def posted_further_reading(self, theirs: dict) -> list[dict]:
        # Picks this person cannot see were never in their form, and the admin
        # keeps them on save: for the merge they are as they stand.
        field = self.fields["further_reading"]
        stored = [piece["id"] for piece in theirs.get("further_reading", [])]
        visible = set(field.queryset.filter(pk__in=stored).values_list("pk", flat=True))
        posted = [revisions.labelled(piece) for piece in self.cleaned_data["further_reading"]]
        unseen = [p for p in theirs.get("further_reading", []) if p["id"] not in visible]
        return sorted(posted + unseen, key=lambda piece: piece["id"])

    def choices_made(self, result, since, mine, who) -> merging.MergeResult:
        """The merge with the person's choices applied, or a ValidationError showing the conflicts.

        Choices count only when made against the version that stands now: if
        someone saved again while the person was choosing, they choose again.
        """
        choices = {name: self.data.get(f"merge-{name}", "") for name in result.conflicts}
        errors = []
        if self.data.get("merge_version") == str(since.current):
            try:
                return merging.resolve(result, choices)
            except ValueError as unresolved:
                for name in unresolved.args[0]:
                    label = revisions.LABELS[name]
                    if choices[name]:
                        errors.append(f"That is no choice for the {label}: keep yours or theirs.")
                    else:
                        errors.append(f"Choose which {label} to keep: yours or theirs.")
        else:
            choices = {}
        self.conflicts = [
            merging.conflict(name, since.theirs, mine, who.get(name, []), choices.get(name, ""))
            for name in result.conflicts
        ]
        self.conflict_version = since.current
        names = merging.joined(sorted({p for name in result.conflicts for p in who.get(name, [])}))
        labels = merging.joined([revisions.LABELS[name] for name in result.conflicts])
        raise ValidationError(
            [
                f"{names or 'Someone'} also changed the {labels} since you opened this piece. "
                "Nothing has been saved yet: your text is still in the form. "
                "For each field below, keep yours or theirs, then save.",
                *errors,
            ],
            code="conflict",
        )

    def keep_theirs(self, result, cleaned: dict) -> None:
        """Leave in ``cleaned_data`` only the fields this save writes; the rest keep what is stored.

        The instance was read before the row was locked, so its columns are
        re-read now: what it writes back for the fields it keeps is what stands.
        """
        self.instance.refresh_from_db(fields=[name for name in COLUMNS if name in self.fields])
        for name in [*COLUMNS, "tags", "further_reading"]:
            if name in self.fields and name not in result.take_mine:
                cleaned.pop(name, None)


def save_merged_byline(form, formset) -> bool:
    """For ArticleAdmin.save_formset: the byline of a merged save. True when it was handled here.

    The admin's formset holds the rows as the form opened them; others may have
    reordered, added or replaced rows since, so it cannot be saved as it is.
    The byline is either left as it stands or set to exactly the posted order.
    """
    if formset.model is not ArticleAuthor or getattr(form, "merge", None) is None:
        return False
    # What the admin's change message reads from a saved formset.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    if "authors" in form.merge.take_mine:
        ids = [author["id"] for author in form.mine["authors"]]
        revisions.set_byline(article=form.instance, author_ids=ids)
    return True


def report_merge(request, form) -> None:
    """After a merged save is stored: say what was kept from whom, linking to the comparison."""
    merge = getattr(form, "merge", None)
    kept = [name for name, _label in revisions.FIELDS if merge and name in merge.take_theirs]
    if not kept:
        return
    since = form.since
    first = since.opened if since.base is not None else since.current
    url = reverse("admin:articles_article_revisions", args=[form.instance.pk])
    url += f"?from={first}&to={form.instance.version}"
    messages.info(request, merging.kept_message(kept, form.who, url))
