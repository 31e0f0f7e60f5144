from django import forms
from django.contrib import admin
from django.db.models import Count, Q

from newsletter.models import Newsletter, Suppression
from newsletter.models.newsletter import WEEKDAY_NAMES


class NewsletterForm(forms.ModelForm):
    # Stored as "2,5"; edited as checkboxes so nobody types ISO weekday numbers.
    send_weekdays = forms.MultipleChoiceField(
        label="Send on",
        choices=[(str(n), name) for n, name in enumerate(WEEKDAY_NAMES, start=1)],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Newsletter
        fields = [
            "name",
            "slug",
            "description",
            "series",
            "is_active",
            "send_weekdays",
            "send_time",
            "time_zone",
            "send_mode",
            "from_name",
            "from_address",
            "reply_to",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["send_weekdays"] = [str(d) for d in self.instance.weekdays()]

    def clean_send_weekdays(self):
        return ",".join(sorted(set(self.cleaned_data["send_weekdays"])))


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    form = NewsletterForm
    list_display = ["name", "series", "schedule", "send_mode", "is_active", "active", "pending"]
    list_filter = ["is_active", "send_mode", "series"]
    list_select_related = ["series"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["series"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "series", "is_active"]}),
        ("Schedule", {"fields": ["send_weekdays", "send_time", "time_zone", "send_mode"]}),
        ("Sender", {"fields": ["from_name", "from_address", "reply_to"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_count=Count("subscriptions", filter=Q(subscriptions__status="active")),
                pending_count=Count("subscriptions", filter=Q(subscriptions__status="pending")),
            )
        )

    @admin.display(description="schedule")
    def schedule(self, obj):
        return obj.schedule_display()

    @admin.display(description="active subscribers", ordering="active_count")
    def active(self, obj):
        return obj.active_count

    @admin.display(description="pending", ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["address_hash", "reason", "created_at"]
    list_filter = ["reason", "created_at"]
    search_fields = ["address_hash"]
    readonly_fields = ["address_hash", "reason", "created_at"]

    def has_add_permission(self, request):
        # Suppressions come from erasure, bounces and complaints, and hold a hash
        # nobody can type; deleting one is how staff lift it.
        return False

    def has_change_permission(self, request, obj=None):
        return False
