"""Machine drafts of translations, from a pluggable backend: optional, off by default.

``INTLOFFICE_TRANSLATION_BACKEND`` (from ``DJANGO_TRANSLATION_BACKEND``) is the dotted path of
a ``Backend`` class, made with ``INTLOFFICE_TRANSLATION_OPTIONS`` (the server's address, key
and timeout, from the environment: never a secret in the repository). A backend turns a batch
of texts from one site language ("en", "ru", "zh-hans") into another and knows nothing else;
``machine_drafts()`` wraps it with the language pair's glossary (core/glossary.py), so that
partners' names come out as the office writes them whatever the machine did. What becomes of
a draft (never public until a person approves it) is the caller's business: this module
takes texts in and gives texts out, or raises ``TranslationError`` with one line and gives
nothing, so a failure can never leave half a batch written.

Two backends ship: ``MarkingBackend``, deterministic, for tests and trials (it marks every
text so that a test sees where it came from, and keeps HTML tags); ``LibreTranslateBackend``,
for a self-hosted LibreTranslate-compatible server (``POST /translate``), over urllib so
that no dependency is added.
"""

import json
import re
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .glossary import Glossary, GlossaryError


class TranslationError(Exception):
    """A batch could not be translated; the message is one line, for a person."""


def _one_line(text: object, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Backend:
    """Translates batches of texts; subclasses override ``translate``."""

    def __init__(self, **options):
        self.options = options

    def translate(self, texts: list[str], source: str, target: str, is_html: bool) -> list[str]:
        """The texts in ``target``, in order; ``source`` and ``target`` are the site's codes."""
        raise NotImplementedError


class MarkingBackend(Backend):
    """A deterministic stand-in: prefixes each text (in HTML, each run of text between tags)
    with ``[MT <target>]`` and leaves tags, and what ``translate="no"`` protects, untouched."""

    _KEPT = re.compile(r'<span translate="no">.*?</span>', re.DOTALL)
    _TAG = re.compile(r"(<[^>]*>)")

    def mark(self, target: str) -> str:
        return f"[MT {target}] "

    def translate(self, texts, source, target, is_html):
        marker = self.mark(target)
        if not is_html:
            return [marker + text for text in texts]
        return [self._mark_html(text, marker) for text in texts]

    def _mark_html(self, text: str, marker: str) -> str:
        # What translate="no" keeps is set aside as a word of the text, then put back.
        kept = self._KEPT.findall(text)
        text = self._KEPT.sub("\x00", text)
        marked = "".join(
            part if index % 2 or not part.strip() else marker + part
            for index, part in enumerate(self._TAG.split(text))
        )
        for span in kept:
            marked = marked.replace("\x00", span, 1)
        return marked


class LibreTranslateBackend(Backend):
    """A self-hosted LibreTranslate (or compatible) server: ``POST <url>/translate`` with the
    texts as a list in ``q``, ``source``, ``target``, ``format`` and ``api_key``."""

    # The site's language codes and the server's; a subclass may change them (newer
    # servers also accept "zh-Hans").
    languages = {"en": "en", "ru": "ru", "zh-hans": "zh"}

    def __init__(self, url: str = "", api_key: str = "", timeout: float = 60, **options):
        super().__init__(**options)
        parts = urlsplit(url or "")
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ImproperlyConfigured(
                "DJANGO_TRANSLATION_URL must be the translation server's http(s) address, "
                f"not {url!r}."
            )
        self.endpoint = url.rstrip("/") + "/translate"
        self.api_key = api_key
        self.timeout = timeout

    def code(self, language: str) -> str:
        try:
            return self.languages[language]
        except KeyError:
            raise TranslationError(
                f"The translation server has no code for the language {language!r}."
            ) from None

    def translate(self, texts, source, target, is_html):
        body = {
            "q": texts,
            "source": self.code(source),
            "target": self.code(target),
            "format": "html" if is_html else "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        request = Request(
            self.endpoint,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        answer = self._post(request)
        try:
            data = json.loads(answer)
        except (UnicodeDecodeError, ValueError):
            raise TranslationError(
                f"The translation server at {self.endpoint} did not answer in JSON."
            ) from None
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(translated, str) and len(texts) == 1:
            translated = [translated]
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise TranslationError(
                f"The translation server at {self.endpoint} answered without translated texts."
            )
        return translated

    def _post(self, request: Request) -> bytes:
        where = self.endpoint
        try:
            with urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except HTTPError as error:
            raise TranslationError(
                f"The translation server at {where} answered {error.code}: {self._reason(error)}"
            ) from None
        except TimeoutError:
            raise TranslationError(
                f"The translation server at {where} did not answer within {self.timeout} seconds."
            ) from None
        except URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise TranslationError(
                    f"The translation server at {where} did not answer within "
                    f"{self.timeout} seconds."
                ) from None
            raise TranslationError(
                f"The translation server at {where} could not be reached: "
                f"{_one_line(error.reason)}."
            ) from None
        except OSError as error:
            raise TranslationError(
                f"The translation server at {where} broke off the answer: {_one_line(error)}."
            ) from None

    @staticmethod
    def _reason(error: HTTPError) -> str:
        """The server's own reason (LibreTranslate answers ``{"error": "..."}``), else
        the status's."""
        try:
            data = json.loads(error.read(64 * 1024))
        except (OSError, UnicodeDecodeError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("error"):
            return _one_line(data["error"])
        return _one_line(error.reason or "no reason given")


def configured_backend() -> Backend | None:
    """The backend the settings name, or None when machine drafts are off."""
    path = settings.INTLOFFICE_TRANSLATION_BACKEND
    if not path:
        return None
    try:
        backend_class = import_string(path)
    except ImportError:
        raise ImproperlyConfigured(
            f"DJANGO_TRANSLATION_BACKEND names {path!r}, which cannot be imported."
        ) from None
    return backend_class(**settings.INTLOFFICE_TRANSLATION_OPTIONS)


def machine_drafts(
    texts: list[str],
    source: str,
    target: str,
    *,
    is_html: bool,
    glossary: Glossary | None = None,
    backend: Backend | None = None,
) -> list[str]:
    """Drafts of ``texts`` in ``target``, in order, with the glossary's terms applied.

    Blank texts stay as they are and are not sent. Raises ``TranslationError`` when no
    backend is configured, the backend fails, or its answer does not fit the batch.
    """
    backend = backend or configured_backend()
    if backend is None:
        raise TranslationError("No translation backend is configured (DJANGO_TRANSLATION_BACKEND).")
    if source == target:
        raise TranslationError(f"The source and target languages are the same ({source}).")
    glossary = glossary or Glossary()
    drafts = list(texts)
    try:
        protected = {
            index: glossary.protect(text, is_html=is_html)
            for index, text in enumerate(texts)
            if text.strip()
        }
        if not protected:
            return drafts
        answers = backend.translate([p.text for p in protected.values()], source, target, is_html)
        if not isinstance(answers, list) or len(answers) != len(protected):
            count = len(answers) if isinstance(answers, list) else "no list of"
            raise TranslationError(
                f"The translation backend gave {count} texts for {len(protected)}."
            )
        for (index, text), answer in zip(protected.items(), answers, strict=True):
            drafts[index] = glossary.restore(text, answer, is_html=is_html)
    except GlossaryError as error:
        raise TranslationError(str(error)) from None
    return drafts
