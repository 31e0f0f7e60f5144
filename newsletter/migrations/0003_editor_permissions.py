"""Let Editors run the newsletters: compose, approve and send editions, look after subscribers.

Uses the roles migration's helper, which creates permission rows that Django
would otherwise only add after ``migrate``.
"""

from importlib import import_module

from django.db import migrations

roles = import_module("articles.migrations.0005_workflow_roles")

EDITORS = {
    ("newsletter", "newsletter"): ["change", "view"],
    ("newsletter", "edition"): ["add", "change", "delete", "view"],
    ("newsletter", "editionarticle"): ["add", "change", "delete", "view"],
    ("newsletter", "subscriber"): ["change", "view"],
    ("newsletter", "subscription"): ["change", "view"],
    ("newsletter", "suppression"): ["view"],
    ("newsletter", "delivery"): ["view"],
}


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.get(name="Editors")
    for (app_label, model), actions in EDITORS.items():
        for action in actions:
            group.permissions.add(roles.permission(apps, app_label, model, action))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.get(name="Editors")
    group.permissions.remove(
        *apps.get_model("auth", "Permission").objects.filter(content_type__app_label="newsletter")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0002_editions"),
        ("articles", "0005_workflow_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
