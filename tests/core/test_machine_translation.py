"""Machine drafts (intloffice/core/machine_translation.py): the backend the settings name,
the deterministic test backend, and the LibreTranslate backend against a small
LibreTranslate-like server started on 127.0.0.1 (real HTTP: success, refusals, silence,
garbage), each failure one line and no texts."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from intloffice.core.glossary import Glossary
from intloffice.core.machine_translation import (
    Backend,
    LibreTranslateBackend,
    MarkingBackend,
    TranslationError,
    configured_backend,
    machine_drafts,
)


class FakeLibreTranslate:
    """Answers POST /translate as LibreTranslate does, or as a test tells it to."""

    def __init__(self):
        self.requests = []
        self.answer = self.translate
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.path, self.headers["Content-Type"], body))
                status, payload = server.answer(body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: what a timeout test wants

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @staticmethod
    def translate(body):
        texts = [q.replace("The ", "").replace("summit", "саммит") for q in body["q"]]
        return 200, {"translatedText": [f"{body['target']}:{text}" for text in texts]}


@pytest.fixture
def server():
    fake = FakeLibreTranslate()
    thread = threading.Thread(target=fake.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()


# The backend the settings name


def test_no_backend_is_configured_by_default(settings):
    assert settings.INTLOFFICE_TRANSLATION_BACKEND is None
    assert configured_backend() is None
    with pytest.raises(TranslationError, match="No translation backend is configured"):
        machine_drafts(["Hello"], "en", "ru", is_html=False)


def test_the_backend_is_made_from_its_dotted_path_and_options(settings, server):
    settings.INTLOFFICE_TRANSLATION_BACKEND = (
        "intloffice.core.machine_translation.LibreTranslateBackend"
    )
    settings.INTLOFFICE_TRANSLATION_OPTIONS = {"url": server.url, "api_key": "k", "timeout": 5}
    backend = configured_backend()
    assert isinstance(backend, LibreTranslateBackend)
    assert (backend.endpoint, backend.api_key, backend.timeout) == (
        server.url + "/translate",
        "k",
        5,
    )


def test_a_backend_that_cannot_be_imported_or_has_no_address_stops_with_one_line(settings):
    settings.INTLOFFICE_TRANSLATION_BACKEND = "intloffice.core.nowhere.Backend"
    with pytest.raises(ImproperlyConfigured, match="cannot be imported"):
        configured_backend()
    settings.INTLOFFICE_TRANSLATION_BACKEND = (
        "intloffice.core.machine_translation.LibreTranslateBackend"
    )
    for url in ("", "file:///etc/passwd", "localhost:5000"):
        settings.INTLOFFICE_TRANSLATION_OPTIONS = {"url": url, "api_key": "", "timeout": 5}
        with pytest.raises(ImproperlyConfigured, match="DJANGO_TRANSLATION_URL must be"):
            configured_backend()


# The test backend


def test_the_marking_backend_marks_text_and_keeps_html_tags():
    texts = ['<p>Hello <a href="/x/" title="Hello">world</a>.</p>', "Plain"]
    marked = MarkingBackend().translate(texts, "en", "zh-hans", True)
    assert marked[0] == (
        '<p>[MT zh-hans] Hello <a href="/x/" title="Hello">[MT zh-hans] world</a>[MT zh-hans] .</p>'
    )
    assert MarkingBackend().translate(["Plain"], "en", "ru", False) == ["[MT ru] Plain"]


def test_drafts_keep_blank_texts_blank_without_asking_the_backend():
    class Counting(MarkingBackend):
        batches = []

        def translate(self, texts, source, target, is_html):
            self.batches.append(texts)
            return super().translate(texts, source, target, is_html)

    backend = Counting()
    drafts = machine_drafts(["", "Hello", "  "], "en", "ru", is_html=False, backend=backend)
    assert drafts == ["", "[MT ru] Hello", "  "]
    assert backend.batches == [["Hello"]]
    assert machine_drafts(["", ""], "en", "ru", is_html=False, backend=backend) == ["", ""]
    assert len(backend.batches) == 1


def test_a_backend_answering_the_wrong_number_of_texts_gives_no_drafts():
    class Short(Backend):
        def translate(self, texts, source, target, is_html):
            return texts[:-1]

    with pytest.raises(TranslationError, match="gave 1 texts for 2"):
        machine_drafts(["One", "Two"], "en", "ru", is_html=False, backend=Short())


def test_the_same_language_on_both_sides_is_refused():
    with pytest.raises(TranslationError, match="the same"):
        machine_drafts(["One"], "ru", "ru", is_html=False, backend=MarkingBackend())


# The glossary on every draft, whatever the backend did


class Mangling(Backend):
    """A backend that would get partner names wrong: it must never see them."""

    def translate(self, texts, source, target, is_html):
        assert not any("ATURC" in text for text in texts)
        return [
            text.replace("summit", {"ru": "саммит", "zh-hans": "峰会"}[target]) for text in texts
        ]


GLOSSARIES = {
    "ru": Glossary([("ATURC", "АТУРК")]),
    "zh-hans": Glossary([("ATURC", "中俄工科大学联盟")]),
}


@pytest.mark.parametrize(
    ("target", "expected"), [("ru", "АТУРК саммит"), ("zh-hans", "中俄工科大学联盟 峰会")]
)
@pytest.mark.parametrize("backend", [Mangling(), MarkingBackend()])
def test_a_draft_of_aturc_summit_names_aturc_as_the_target_language_does(backend, target, expected):
    glossary = GLOSSARIES[target]
    [plain] = machine_drafts(
        ["ATURC summit"], "en", target, is_html=False, glossary=glossary, backend=backend
    )
    [html] = machine_drafts(
        ["<p>ATURC summit</p>"], "en", target, is_html=True, glossary=glossary, backend=backend
    )
    if isinstance(backend, Mangling):
        assert plain == expected
        assert html == f"<p>{expected}</p>"
    else:
        assert plain == f"[MT {target}] {expected.split()[0]} summit"
        assert html == f"<p>[MT {target}] {expected.split()[0]} summit</p>"


def test_a_backend_losing_a_glossary_term_gives_no_drafts():
    class Forgetful(Backend):
        def translate(self, texts, source, target, is_html):
            return ["Саммит" for _text in texts]

    with pytest.raises(TranslationError, match="lost the glossary term"):
        machine_drafts(
            ["ATURC summit"],
            "en",
            "ru",
            is_html=False,
            glossary=GLOSSARIES["ru"],
            backend=Forgetful(),
        )


# The LibreTranslate backend over real HTTP


def backend_for(server, **options) -> LibreTranslateBackend:
    return LibreTranslateBackend(url=server.url + "/", **{"timeout": 5, **options})


def test_libretranslate_is_asked_as_its_api_says_and_its_texts_come_back_in_order(server):
    backend = backend_for(server, api_key="secret")
    drafts = machine_drafts(
        ["<p>ATURC summit</p>", "The summit"],
        "en",
        "zh-hans",
        is_html=True,
        glossary=GLOSSARIES["zh-hans"],
        backend=backend,
    )
    assert drafts == ["zh:<p>中俄工科大学联盟 саммит</p>", "zh:саммит"]
    [(path, content_type, body)] = server.requests
    assert (path, content_type) == ("/translate", "application/json")
    assert body == {
        "q": ['<p><span translate="no">XG0X</span> summit</p>', "The summit"],
        "source": "en",
        "target": "zh",
        "format": "html",
        "api_key": "secret",
    }


def test_plain_text_is_sent_as_text_and_no_key_when_there_is_none(server):
    backend = backend_for(server)
    assert backend.translate(["Summit"], "ru", "en", False) == ["en:Summit"]
    assert server.requests[0][2] == {
        "q": ["Summit"],
        "source": "ru",
        "target": "en",
        "format": "text",
    }


def test_a_language_the_server_has_no_code_for_is_refused_before_asking(server):
    with pytest.raises(TranslationError, match="no code for the language 'de'"):
        backend_for(server).translate(["Hallo"], "de", "en", False)
    assert server.requests == []


@pytest.mark.parametrize(
    ("status", "payload", "reason"),
    [
        (400, {"error": "Invalid request: missing q parameter"}, "answered 400: Invalid request"),
        (403, {"error": "Invalid API key"}, "answered 403: Invalid API key"),
        (429, {"error": "Too many\nrequests"}, "answered 429: Too many requests"),
        (500, b"<html>Internal error</html>", "answered 500: Internal Server Error"),
        (200, b"{not json", "did not answer in JSON"),
        (200, {"error": "nothing"}, "answered without translated texts"),
        (200, {"translatedText": [1, 2]}, "answered without translated texts"),
        (200, {"translatedText": ["one"]}, "gave 1 texts for 2"),
    ],
)
def test_a_failing_server_gives_one_line_and_no_drafts(server, status, payload, reason):
    server.answer = lambda body: (status, payload)
    with pytest.raises(TranslationError) as failure:
        machine_drafts(["One", "Two"], "en", "ru", is_html=False, backend=backend_for(server))
    message = str(failure.value)
    assert reason in message
    assert "\n" not in message


def test_a_silent_server_is_given_up_after_the_timeout(server):
    def slow(body):
        time.sleep(1.5)
        return 200, {"translatedText": body["q"]}

    server.answer = slow
    started = time.monotonic()
    with pytest.raises(TranslationError, match="did not answer within 0.3 seconds"):
        backend_for(server, timeout=0.3).translate(["One"], "en", "ru", False)
    assert time.monotonic() - started < 1.4


def test_an_unreachable_server_is_one_line():
    backend = LibreTranslateBackend(url="http://127.0.0.1:9", timeout=2)
    with pytest.raises(TranslationError, match=r"could not be reached: .*refused"):
        backend.translate(["One"], "en", "ru", False)
