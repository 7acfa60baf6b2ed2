"""Editors and Publishers keep an organisation's other names (partners.OrganizationName) as
they keep its memberships: Editors add and change them, Publishers also delete them."""

from django.db import migrations

EDITORS = {"partners": [f"{action}_organizationname" for action in ("add", "change", "view")]}
PUBLISHERS = {"partners": [*EDITORS["partners"], "delete_organizationname"]}
ROLES = {"Editors": EDITORS, "Publishers": PUBLISHERS}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; these are needed now.
    partners = apps.get_app_config("partners")
    partners.models_module = True
    create_permissions(partners, apps=apps, verbosity=0)
    partners.models_module = None

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


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="partners", codename__endswith="_organizationname"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0007_search_forgiving"),
        ("partners", "0008_identifiers_names_and_membership_dates"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
