"""Every admin page opens for a superuser: changelists, add forms and change forms of every
registered model, whichever app it belongs to."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import make_agreement, make_category, make_staff_member, make_tag

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def superuser_client(superuser_client, seed_article):
    """Signed in, with at least one object of every model to open."""
    make_category()
    make_tag()
    make_staff_member()
    make_agreement()
    Group.objects.create(name="Reviewers")
    # django-axes writes login records only when someone signs in: a failed login through
    # the real form leaves one to open (force_login recorded the successful one).
    superuser_client.post(reverse("admin:login"), {"username": "colleague", "password": "wrong"})
    return superuser_client


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_open(superuser_client, model):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    assert superuser_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert superuser_client.get(reverse(f"{prefix}_changelist") + "?q=ATURC").status_code == 200
    model_admin = admin.site._registry[model]
    request = superuser_client.get(reverse(f"{prefix}_changelist")).wsgi_request
    # Login records are written by django-axes only; its admin offers no add form.
    expected_add = 200 if model_admin.has_add_permission(request) else 403
    assert superuser_client.get(reverse(f"{prefix}_add")).status_code == expected_add
    instance = model._default_manager.order_by("pk").first()
    assert instance is not None, f"no {opts.label} to open"
    response = superuser_client.get(reverse(f"{prefix}_change", args=[instance.pk]))
    assert response.status_code == 200
