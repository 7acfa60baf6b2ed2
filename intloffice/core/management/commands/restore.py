from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intloffice.core.backups import BackupError, restore, table_lines


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into the configured database and "
        "media storage, which must be empty (same database engine only). Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore over a database and media that are not empty: the backup's tables "
            "are replaced, its files overwrite files of the same name.",
        )

    def handle(self, *args, archive, force, **options):
        try:
            report = restore(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        verbosity = options["verbosity"]
        if verbosity >= 2:
            self.stdout.write("\n".join(table_lines(report.tables)))
        if verbosity >= 1:
            self.stdout.write(
                f"Restored {archive} into {report.database} and the media {report.media}: "
                f"{table_lines(report.tables)[-1]}, {report.files} media files, "
                f"{report.private_files} private files in {report.seconds:.1f} s. Every "
                "checksum, row count and table digest matches."
            )
        for note in report.notes:
            self.stderr.write(note)
