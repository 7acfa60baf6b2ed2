"""What a browser would post back from an admin page's form, read from its HTML."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, list[str]] = {}
        self.select: tuple[str, bool] | None = None  # name, multiple
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs)
            self.first_option = None
            self.fields.setdefault(name, [])
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.add(self.select[0], attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, multiple = self.select
            # A single select with nothing marked submits its first option.
            if not multiple and not self.fields[name] and self.first_option is not None:
                self.add(name, self.first_option)
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the one newline that follows <textarea>.
            self.add(self.textarea, "".join(self.text).removeprefix("\n"))
            self.textarea = None


def form_fields(html: str, form_id: str) -> dict[str, str | list[str]]:
    """The fields of ``<form id=form_id>`` as the browser submits them unchanged: one value,
    or a list for several values of one name (a multiple select)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {
        name: values[0] if len(values) == 1 else values for name, values in reader.fields.items()
    }
