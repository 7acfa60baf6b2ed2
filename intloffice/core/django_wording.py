"""Django admin sentences the office words differently in its own catalogs.

Translations in the project's ``locale/`` come before Django's own, but ``makemessages``
keeps only the sentences it finds in the project's code: listing them here keeps them in
``locale/*/django.po``. Nothing calls this module.

Why the Russian wording differs from Django's:

- the related-record links' titles ("Изменить выбранный объект типа "рубрика"") put
  straight quotes inside an HTML attribute, which ends it early (invalid HTML, and a
  screen reader reads half a title);
- the confirmations say "был успешно добавлен" whatever the gender of the record
  ("статья … был добавлен"): "Добавлено: статья «…»." agrees with every model.
"""

from django.utils.translation import gettext_noop

SENTENCES = [
    # Links beside a related field (admin/widgets/related_widget_wrapper.html).
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    # Confirmations after a save or a deletion, and the History's lines.
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    # The list's action and the inlines' button.
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Add another %(verbose_name)s"),
]
