"""The Editors and Publishers groups with their exact permissions (DESIGN.md, Roles).

Editors write and link articles and keep partners, people and events up to date; they
cannot publish, delete articles or manage users. Publishers can also publish, schedule,
unpublish, archive and delete. Neither group touches users or groups.
"""

from django.db import migrations

EDITORS = {
    "news": [
        "add_article", "change_article", "view_article",
        "add_category", "change_category", "view_category",
        "add_tag", "change_tag", "view_tag",
    ],
    "partners": [
        f"{action}_{model}"
        for model in ("organization", "membership", "person", "event", "participation")
        for action in ("add", "change", "view")
    ],
}
PUBLISHERS = {
    "news": [
        *EDITORS["news"], "publish_article", "delete_article", "delete_category", "delete_tag",
    ],
    "partners": [
        *EDITORS["partners"],
        *(
            f"delete_{model}"
            for model in ("organization", "membership", "person", "event", "participation")
        ),
    ],
}
ROLES = {"Editors": EDITORS, "Publishers": PUBLISHERS}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, by_app in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codenames in by_app.items()
            for codename in codenames
        ]
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0003_editorial_fields"),
        ("partners", "0004_event_time_zone_validator"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
