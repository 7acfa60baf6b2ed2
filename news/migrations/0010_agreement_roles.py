"""The Editors and Publishers groups' permissions on agreements, beside those 0004_roles
gave them on articles, partners, people and events (the groups are news' roles).

Editors record agreements and their parties, see the reminders sent and download signed
copies; they cannot show an agreement on the site, hide it, or delete one. Publishers can
also publish and delete. Permissions the groups hold on other apps are left as they are.
"""

from django.db import migrations

EDITORS = [
    "add_agreement", "change_agreement", "view_agreement", "view_signed_copy",
    "add_agreementparty", "change_agreementparty", "delete_agreementparty",
    "view_agreementparty", "view_reminder",
]
PUBLISHERS = [*EDITORS, "publish_agreement", "delete_agreement"]
ROLES = {"Editors": {"agreements": EDITORS}, "Publishers": {"agreements": PUBLISHERS}}


def add_permissions(apps, schema_editor):
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
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codenames in by_app.items()
                for codename in codenames
            )
        )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="agreements"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("agreements", "0001_agreements"),
        ("news", "0009_article_agreements"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
