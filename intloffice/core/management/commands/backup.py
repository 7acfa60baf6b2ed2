from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from intloffice.core.backups import BackupError, backup, table_lines


def at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Write one dated archive of the database, the media and a manifest into "
        "BACKUP_DIR (default var/backups), under a temporary name renamed when complete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, help="Folder for the archive (default: $BACKUP_DIR or var/backups)."
        )
        parser.add_argument(
            "--keep",
            type=at_least_one,
            metavar="N",
            help="After a successful backup, delete older archives, keeping the newest N.",
        )

    def handle(self, *args, dir, keep, **options):
        try:
            report = backup(dir, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        verbosity = options["verbosity"]
        if verbosity >= 2:
            self.stdout.write("\n".join(table_lines(report.tables)))
        for name in report.vanished:
            self.stderr.write(f"Left out {name}: deleted while the backup ran.")
        if verbosity >= 1:
            self.stdout.write(
                f"Wrote {report.path} ({filesizeformat(report.size)}): "
                f"{table_lines(report.tables)[-1]}, {report.files} media files "
                f"({filesizeformat(report.media_bytes)}), {report.private_files} private "
                f"files in {report.seconds:.1f} s"
            )
            for path in report.pruned:
                self.stdout.write(f"Deleted the older archive {path}")
