from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from newsletter import csvio, subscriptions
from newsletter.admin.stats import counts_per_newsletter, weekly_chart
from newsletter.models import Newsletter, Subscriber, Subscription

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class SubscriptionInline(admin.TabularInline):
    # Read-only: statuses change through the process (confirm, preferences,
    # unsubscribe, import), which keeps consent and timestamps consistent.
    model = Subscription
    extra = 0
    fields = ["newsletter", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    title = "subscription status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Subscription.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Subscription.Status.values:
            return queryset.filter(subscriptions__status=self.value()).distinct()
        return queryset


class NewsletterFilter(admin.SimpleListFilter):
    title = "newsletter"
    parameter_name = "newsletter"

    def lookups(self, request, model_admin):
        return [(str(n.pk), n.name) for n in Newsletter.objects.all()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(subscriptions__newsletter_id=int(self.value())).distinct()
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with a header row that has an “email” column.")
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.active(), widget=forms.CheckboxSelectMultiple
    )
    consent_on_record = forms.BooleanField(
        required=False,
        label="Consent is on record for every address in this file",
        help_text="Ticked: the addresses become active subscribers. Not ticked: each is sent "
        "a confirmation email and stays pending until confirmed.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        try:
            return upload.name, upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None


class ApplyImportForm(forms.Form):
    """The preview's "Import" button: the same file carried in the page."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.active(), widget=forms.MultipleHiddenInput
    )
    consent_on_record = forms.BooleanField(required=False, widget=forms.HiddenInput)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    change_list_template = "admin/newsletter/subscriber/change_list.html"
    list_display = ["email", "newsletters", "source", "created_at", "consent_at"]
    list_filter = [StatusFilter, NewsletterFilter, "source", "created_at", "consent_method"]
    search_fields = ["email_key"]
    date_hierarchy = "created_at"
    inlines = [SubscriptionInline]
    actions = ["export_csv", "erase_selected"]
    fields = [
        "email",
        "source",
        "source_detail",
        "created_at",
        "consent_at",
        "consent_method",
        "consent_source",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        # New addresses come in through sign-up or import, with consent recorded.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subscriptions__newsletter")

    def get_search_results(self, request, queryset, search_term):
        # email_key is lower-case: search case-insensitively through its index.
        return super().get_search_results(request, queryset, search_term.strip().lower())

    @admin.display(description="newsletters")
    def newsletters(self, obj):
        return ", ".join(
            f"{s.newsletter.name} ({s.get_status_display().lower()})"
            for s in obj.subscriptions.all()
        )

    @admin.action(description="Export selected subscribers as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(csvio.export_csv(queryset), content_type="text/csv")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.csv"'
        return response

    @admin.action(description="Erase selected subscribers (keep only a hashed suppression)")
    def erase_selected(self, request, queryset):
        count = 0
        for subscriber in queryset:
            subscriptions.erase(subscriber=subscriber)
            count += 1
        self.message_user(request, f"Erased {count} subscriber(s).", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="newsletter_subscriber_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_all_view),
                name="newsletter_subscriber_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "newsletter_counts": counts_per_newsletter(),
            "weekly_chart": weekly_chart(),
        }
        return super().changelist_view(request, extra_context)

    def export_all_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        return self.export_csv(request, Subscriber.objects.all())

    def import_view(self, request):
        if not self.has_change_permission(request):
            return HttpResponse(status=403)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        if request.method == "POST" and "apply" in request.POST:
            return self._apply_import(request, context)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            filename, text = form.cleaned_data["file"]
            newsletters = list(form.cleaned_data["newsletters"])
            consent = form.cleaned_data["consent_on_record"]
            plan = csvio.plan_import(text=text, newsletters=newsletters, consent_on_record=consent)
            apply_form = ApplyImportForm(
                initial={
                    "text": text,
                    "filename": filename,
                    "newsletters": newsletters,
                    "consent_on_record": consent,
                }
            )
            context.update(plan=plan, apply_form=apply_form, newsletters=newsletters)
            return TemplateResponse(
                request, "admin/newsletter/subscriber/import_preview.html", context
            )
        context["form"] = form
        return TemplateResponse(request, "admin/newsletter/subscriber/import.html", context)

    def _apply_import(self, request, context):
        form = ApplyImportForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The import form was incomplete; upload the file again.")
            return redirect("admin:newsletter_subscriber_import")
        data = form.cleaned_data
        try:
            plan = csvio.apply_import(
                text=data["text"],
                newsletters=list(data["newsletters"]),
                consent_on_record=data["consent_on_record"],
                filename=data["filename"],
                imported_by=request.user.get_username(),
            )
        except csvio.ImportRefused as refused:
            context.update(plan=refused.plan, refused=True, newsletters=data["newsletters"])
            return TemplateResponse(
                request, "admin/newsletter/subscriber/import_preview.html", context, status=400
            )
        messages.success(
            request,
            f"Imported {data['filename']}: {plan.count('subscribe')} subscribed, "
            f"{plan.count('confirm')} sent a confirmation, {plan.count('skip')} skipped.",
        )
        return redirect(reverse("admin:newsletter_subscriber_changelist"))
