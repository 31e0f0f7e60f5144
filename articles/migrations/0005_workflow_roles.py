"""Create the Contributors and Editors groups with their permissions.

Permissions are normally created after ``migrate`` (post_migrate), too late for
a data migration, so the rows this needs are created here with the same names.
"""

from django.db import migrations

VERBS = {"add": "Can add", "change": "Can change", "delete": "Can delete", "view": "Can view"}

CONTRIBUTORS = {
    ("articles", "article"): ["add", "change", "view"],
    ("articles", "articleauthor"): ["add", "change", "delete", "view"],
    ("articles", "photo"): ["add", "change", "view"],
    ("articles", "series"): ["view"],
    ("articles", "program"): ["view"],
    ("authors", "author"): ["view"],
}
EDITORS = {
    ("articles", "article"): ["add", "change", "delete", "view", "publish_article"],
    ("articles", "articleauthor"): ["add", "change", "delete", "view"],
    ("articles", "photo"): ["add", "change", "delete", "view"],
    ("articles", "series"): ["add", "change", "view"],
    ("articles", "program"): ["add", "change", "view"],
    ("articles", "correction"): ["add", "view"],
    ("articles", "previewlink"): ["add", "change", "view"],
    ("authors", "author"): ["add", "change", "view"],
}
CUSTOM = {"publish_article": "Can publish, schedule, unpublish and archive"}


def permission(apps, app_label, model, action):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    if action in CUSTOM:
        codename, name = action, CUSTOM[action]
    else:
        verbose = apps.get_model(app_label, model)._meta.verbose_name
        codename, name = f"{action}_{model}", f"{VERBS[action]} {verbose}"
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return perm


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, grants in [("Contributors", CONTRIBUTORS), ("Editors", EDITORS)]:
        group, _ = Group.objects.get_or_create(name=name)
        for (app_label, model), actions in grants.items():
            for action in actions:
                group.permissions.add(permission(apps, app_label, model, action))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Contributors", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
        ("authors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
