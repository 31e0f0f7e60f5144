from django.db import models
from django.urls import reverse

from newsroom.validators import validate_plain_text


class Program(models.Model):
    """A research program or center: it owns series and has its experts."""

    name = models.CharField(max_length=200, validators=[validate_plain_text])
    slug = models.SlugField(max_length=200, unique=True)
    mission = models.TextField(
        "mission blurb",
        blank=True,
        help_text="Shown at the foot of its series' articles.",
        validators=[validate_plain_text],
    )
    website = models.URLField(blank=True)
    x_handle = models.CharField("X handle", max_length=50, blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    bluesky_handle = models.CharField("Bluesky handle", max_length=253, blank=True)
    # Declared here, not on Author: the articles app may know about authors,
    # never the other way round (docs/architecture.md, "Layers").
    experts = models.ManyToManyField("authors.Author", blank=True, related_name="programs")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:program", kwargs={"slug": self.slug})


class Series(models.Model):
    """A blog or recurring series, such as an "Alert" series of a program."""

    name = models.CharField(max_length=200, validators=[validate_plain_text])
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True, validators=[validate_plain_text])
    disclaimer = models.TextField(
        blank=True,
        help_text="Printed at the end of every article in this series.",
        validators=[validate_plain_text],
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="series")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:series", kwargs={"slug": self.slug})
