"""Information pages and the staff directory for the Editors and Publishers groups.

Editors write pages and keep the staff directory; they cannot publish or delete pages.
Publishers can also publish, schedule, unpublish, archive and delete (as for articles).
"""

from django.db import migrations

EDITORS = [
    "add_page", "change_page", "view_page",
    "add_staffmember", "change_staffmember", "view_staffmember",
]  # fmt: skip
PUBLISHERS = [*EDITORS, "publish_page", "delete_page", "delete_staffmember"]
ROLES = {"Editors": EDITORS, "Publishers": PUBLISHERS}


def add_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; these are needed now.
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="pages", codename__in=codenames)
        )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    pages = Permission.objects.filter(content_type__app_label="pages")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*pages)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_pages_and_staff"),
        ("news", "0004_roles"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
