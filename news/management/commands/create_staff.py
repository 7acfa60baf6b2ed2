import getpass
import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

ROLES = {"editor": "Editors", "publisher": "Publishers"}


class Command(BaseCommand):
    help = "Create a staff account in the Editors or Publishers group."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=ROLES, required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Do not ask for a password: generate one and show it once.",
        )

    def handle(self, *args, username, role, email, no_input, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        try:
            group = Group.objects.get(name=ROLES[role])
        except Group.DoesNotExist:
            raise CommandError(f"The {ROLES[role]} group is missing: run migrate first.") from None
        generated = no_input or not sys.stdin.isatty()
        password = secrets.token_urlsafe(12) if generated else self.ask_password(username)
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.add(group)
        self.stdout.write(f"Created {role} {username!r}.")
        if generated:
            self.stdout.write(f"Password (shown once): {password}")

    def ask_password(self, username):
        password = getpass.getpass(f"Password for {username}: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords did not match.")
        return password
