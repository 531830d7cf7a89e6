"""A small browser over Flask's test client: reads a page's form as a browser would (hidden
fields, selected options, typed values), changes some fields, presses a button."""

from __future__ import annotations

import re
from html.parser import HTMLParser

PASSWORDS = {"admin": "admin-pass-1", "worker": "worker-pass-1", "inspector": "inspector-pass-1"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: list[str] | None = None
        self.count = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.count += 1
            self.current = self.forms.setdefault(a.get("id") or f"form{self.count}", [])
        elif self.current is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.current.append([a["name"], a.get("value") or ""])
        elif tag == "select" and a.get("name"):
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select is not None and self.current is not None:
            chosen = [v for v, s in self.options if s] or [v for v, _ in self.options[:1]]
            for value in chosen:
                self.current.append([self.select, value])
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.current is not None:
            self.current.append(self.textarea)
            self.textarea = None


def form_fields(html: str, form_id: str | None = None) -> list[list[str]]:
    parser = _Forms()
    parser.feed(html)
    if form_id is None:
        form_id = "work" if "work" in parser.forms else next(iter(parser.forms))
    return [list(pair) for pair in parser.forms[form_id]]


class Page:
    """`page = Page(client).login("worker")`; `page.open("/app/receive")`; `page.send(…)`."""

    def __init__(self, client):
        self.client = client
        self.html = ""
        self.response = None
        self.url = "/"

    def login(self, role: str, name: str | None = None) -> Page:
        self.open("/login")
        response = self.send({"username": name or f"{role}-1", "password": PASSWORDS[role]})
        assert response.status_code in (200, 302), response.status_code
        return self

    def open(self, url: str, **kwargs):
        self.response = self.client.get(url, follow_redirects=True, **kwargs)
        self.url = self.response.request.path + (
            "?" + self.response.request.query_string.decode()
            if self.response.request.query_string
            else ""
        )
        self.html = self.response.get_data(as_text=True)
        return self.response

    def send(
        self,
        changes: dict | None = None,
        action: str | None = None,
        form: str | None = None,
        url: str | None = None,
        follow: bool = True,
        **kwargs,
    ):
        """Post the page's form (`form`: its id) with `changes`; a list value gives a field
        several values; `action` is the button pressed."""
        fields = form_fields(self.html, form)
        for name, value in (changes or {}).items():
            fields = [f for f in fields if f[0] != name]
            for one in value if isinstance(value, list) else [value]:
                fields.append([name, str(one)])
        if action is not None:
            fields.append(["action", action])
        target = url or self._action(form) or self.url
        data = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        self.response = self.client.post(target, data=data, follow_redirects=follow, **kwargs)
        if follow:
            self.url = self.response.request.path
        self.html = self.response.get_data(as_text=True)
        return self.response

    def _action(self, form: str | None) -> str | None:
        pattern = (
            rf'<form[^>]*id="{form or "work"}"[^>]*>' if form else r'<form[^>]*id="work"[^>]*>'
        )
        match = re.search(pattern, self.html)
        if match:
            action = re.search(r'action="([^"]+)"', match.group(0))
            return action.group(1).replace("&amp;", "&") if action else None
        return None

    def text(self) -> str:
        """The page's text without tags (for assertions on what a person reads)."""
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.html))


def staffed_app(template, folder, **settings):
    """An app on a fresh copy of the migrated SQLite template, with the staff users (admin-1,
    worker-1, inspector-1 and their web passwords) and the walkthrough's master data; returns
    (app, api, ids) for the browser tests to build their season on; `settings` as the app's."""
    from sqlmodel import Session

    from tests.browser import sqlite_app
    from tests.conftest import Api
    from tests.flows import master_data
    from trace.services import users

    app = sqlite_app(template, folder, **settings)
    tokens = {}
    with Session(app.extensions["trace.engine"], expire_on_commit=False) as session:
        for role, password in PASSWORDS.items():
            _, tokens[role] = users.create(session, f"{role}-1", role, password=password)
    api = Api(app.test_client(), tokens)
    return app, api, master_data(api)
