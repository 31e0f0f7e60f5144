from django import forms
from django.core.exceptions import ValidationError

from newsletter.addresses import MAX_ADDRESS_LENGTH, normalize_address
from newsletter.models import Newsletter


class AddressField(forms.CharField):
    """An email address, normalized (see newsletter.addresses)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_ADDRESS_LENGTH)
        super().__init__(**kwargs)
        self.widget.input_type = "email"
        self.widget.attrs.update({"autocomplete": "email", "inputmode": "email"})

    def clean(self, value):
        value = super().clean(value)
        return normalize_address(value) if value else value


class SignupForm(forms.Form):
    """The sign-up page's form and the "Stay updated" box on article pages.

    The box sends no newsletter choice but its article's ``series``: the
    newsletters drawn from that series, or every newsletter if none is.
    """

    email = AddressField(label="Email address")
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Newsletters",
    )
    series = forms.SlugField(required=False, widget=forms.HiddenInput)
    source = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(required=False, label="Leave this field empty")

    def clean_source(self):
        source = self.cleaned_data["source"]
        # Only a path on this site is worth recording as where consent was given.
        return source if source.startswith("/") and not source.startswith("//") else ""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        chosen = list(data.get("newsletters") or [])
        if not chosen and "series" in self.data:
            active = Newsletter.objects.active()
            chosen = list(active.filter(series__slug=data.get("series"))) or list(active)
        if not chosen:
            raise ValidationError("Choose at least one newsletter.")
        data["newsletters"] = chosen
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(forms.Form):
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Send me",
    )
