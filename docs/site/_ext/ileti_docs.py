"""What the documentation site reads from the code at build time, so a page cannot drift from it.

- ``ileti-connection-fields <conn_type>``: the connection form of ``connection_forms.py`` as two tables
  (Airflow's standard fields as our form labels them, then the extras), the data Airflow's own forms use.
- ``ileti-screenshot <file name>``: a screenshot from ``docs/screenshots/`` when it is there; nothing when it
  is not (the pictures are taken from a running Airflow, separately from the build).
- ``ileti-guesses``: every named constant whose comment starts ``Guess``/``OCR guess``/``GUESS``, and every
  class whose docstring does, read from the source files.
- API pages: one page per folder of DAG-facing code (``_generated/api-<folder>.rst``), an ``automodule``
  per public module found on disk, so a new module (a new transfer) is documented without editing a page.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "airflow_provider_ileti"
SCREENSHOTS = ROOT / "docs" / "screenshots"

#: folder -> page title of the API reference, in the order the reference lists them.
API_FOLDERS = {
    "operators": "Operators",
    "sensors": "Sensors",
    "triggers": "Triggers",
    "notifications": "Notifier",
    "transfers": "Transfers",
    "hooks": "Hooks",
}
#: Single modules outside those folders that users meet (errors they catch, the models they read).
API_EXTRA_MODULES = {
    "Errors": "airflow_provider_ileti.core.errors",
    "Console scripts' missing extras": "airflow_provider_ileti.extras",
}

#: Airflow's standard connection fields, in the order its form shows them.
STANDARD_FIELDS = ("host", "schema", "login", "password", "port", "extra")
_GUESS = re.compile(r"^(Guess\b|OCR guess\b|GUESS\b)")


def _markdown_cell(text: str) -> str:
    """Text for a Markdown table cell: ``|`` and ``*`` escaped outside code spans, on one line."""
    parts = re.split(r"(``.*?``|`[^`]*`)", " ".join(str(text).split()))
    return "".join(p if p.startswith("`") else p.replace("|", "\\|").replace("*", "\\*") for p in parts)


def _schema_summary(schema: dict[str, Any]) -> str:
    kinds = [t for t in schema.get("type", []) if t != "null"] if isinstance(schema.get("type"), list) else []
    words = ", ".join(kinds) or str(schema.get("type", ""))
    if "enum" in schema:
        words = " / ".join(f"`{v}`" for v in schema["enum"])
    if schema.get("format") == "password":
        words += " (secret: masked)"
    if "default" in schema:
        words += f"; default `{schema['default']}`"
    if "minimum" in schema:
        words += f"; at least {schema['minimum']}"
    return words


class ConnectionFields(SphinxDirective):
    """The form of one connection type, as Markdown tables parsed in place."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from airflow_provider_ileti.connection_forms import CONNECTION_FORMS, ui_field_behaviour

        conn_type = self.arguments[0]
        if conn_type not in CONNECTION_FORMS:
            raise self.error(f"no connection type {conn_type!r}; known: {sorted(CONNECTION_FORMS)}")
        form = CONNECTION_FORMS[conn_type]
        # Port as the releases without the Test-button quirk show it; the page says when it appears.
        ui = ui_field_behaviour(conn_type, show_port=False)
        lines = [
            f"Connection type `{conn_type}` ({form['hook-name']}), hook `{form['hook-class-name']}`.",
            "",
            "| Airflow field | label in the form | what to put there |",
            "| --- | --- | --- |",
        ]
        for field in STANDARD_FIELDS:
            if field in ui["hidden-fields"] or field == "extra":
                continue
            label = ui["relabeling"].get(field, field.capitalize())
            hint = ui["placeholders"].get(field, "")
            lines.append(f"| `{field}` | {_markdown_cell(label)} | {_markdown_cell(hint)} |")
        hidden = ", ".join(f"`{f}`" for f in ui["hidden-fields"])
        lines += [
            "",
            f"Hidden in the form: {hidden}.",
            "",
            "| extra | label in the form | type | what it does |",
            "| --- | --- | --- | --- |",
        ]
        for name, spec in form["conn-fields"].items():
            cells = [f"`{name}`", spec["label"], _schema_summary(spec["schema"]), spec.get("description", "")]
            lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
        container = nodes.container(classes=["ileti-connection-fields"])
        self.state.nested_parse(StringList(lines, source=str(PACKAGE / "connection_forms.py")), 0, container)
        return [container]


class Screenshot(SphinxDirective):
    """An image from docs/screenshots/ if the file exists at build time; otherwise nothing at all."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    option_spec = {"alt": str}

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        path = SCREENSHOTS / name
        # noted even when missing: Sphinx re-reads a page whose dependency is missing, so a screenshot
        # committed later shows up in an incremental build too
        self.env.note_dependency(str(path))
        if not path.is_file():
            return []
        # a leading / is relative to the site's source folder (docs/site), wherever the page is
        uri = "/" + os.path.relpath(path, self.env.srcdir)
        return [nodes.image(uri=uri, alt=self.options.get("alt", name), classes=["ileti-screenshot"])]


def collect_guesses() -> list[tuple[str, str, str]]:
    """(module, name, text) of every guessed constant and class, in file order."""
    found: list[tuple[str, str, str]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "sandbox" in path.relative_to(PACKAGE).parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        lines = path.read_text(encoding="utf-8").splitlines()
        comment: list[str] = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("#:"):
                comment.append(stripped[2:].strip())
                continue
            if comment:
                text = " ".join(comment)
                match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*[:=]", line)
                start = next((i for i, c in enumerate(comment) if _GUESS.match(c)), None)
                if match and start is not None:
                    text = " ".join(comment[start:])
                    found.append((module, match.group(1), text))
                comment = []
            inline = re.match(r"#\s*(OCR guess:.*|Guess:.*)", stripped)
            if inline:
                found.append((module, "(comment)", inline.group(1)))
        tree = ast.parse("\n".join(lines))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                doc = ast.get_docstring(node) or ""
                para = doc.split("\n\n")[0]
                if "OCR guess" in para or _GUESS.match(para):
                    found.append((module, node.name, para))
    return found


class Guesses(SphinxDirective):
    """One table per module of what the code guessed, with the comment that says why."""

    def run(self) -> list[nodes.Node]:
        lines: list[str] = []
        current = None
        for module, name, text in collect_guesses():
            if module != current:
                lines += [
                    "",
                    f"**`{module}`**",
                    "",
                    "| name | the guess, as the code says it |",
                    "| --- | --- |",
                ]
                current = module
            lines.append(f"| `{name}` | {_markdown_cell(text)} |")
        container = nodes.container(classes=["ileti-guesses"])
        self.state.nested_parse(StringList(lines, source="ileti-guesses"), 0, container)
        return [container]


def public_modules(folder: str) -> list[str]:
    """Modules of ``airflow_provider_ileti/<folder>/`` on disk; ``__init__`` and ``_private`` left out."""
    directory = PACKAGE / folder
    if not directory.is_dir():
        return []
    names = sorted(p.stem for p in directory.glob("*.py") if not p.stem.startswith("_"))
    return [f"airflow_provider_ileti.{folder}.{name}" for name in names]


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_api_pages(app: Sphinx) -> None:
    """``_generated/api-<folder>.rst`` for every folder of ``API_FOLDERS`` that has modules."""
    out = Path(app.srcdir) / "_generated"
    out.mkdir(exist_ok=True)
    pages: list[str] = []
    for folder, title in API_FOLDERS.items():
        modules = public_modules(folder)
        if not modules:
            continue
        body = [title, "=" * len(title), ""]
        for module in modules:
            body += [f".. automodule:: {module}", ""]
        _write_if_changed(out / f"api-{folder}.rst", "\n".join(body))
        pages.append(f"api-{folder}")
    other = ["Errors and helpers", "=" * len("Errors and helpers"), ""]
    for title, module in API_EXTRA_MODULES.items():
        other += [title, "-" * len(title), "", f".. automodule:: {module}", ""]
    _write_if_changed(out / "api-other.rst", "\n".join(other))
    pages.append("api-other")
    index = [
        "API reference",
        "=============",
        "",
        "From the docstrings of every public module of the folders a DAG uses (found on disk at build time).",
        "",
        ".. toctree::",
        "   :maxdepth: 2",
        "",
    ] + [f"   {page}" for page in pages]
    _write_if_changed(out / "api.rst", "\n".join(index) + "\n")


#: Links between repository files, as README.md and README.tr.md write them (GitHub shows those), -> the page
#: of this site with the same text. Applied to every file a page includes, so an included section keeps
#: working links; a link to a repository file missing here stays a build error (myst.xref_missing).
REPO_LINKS = {
    "docs/send-progress.md": "exactly-once.md#the-progress-records-and-cleaning-them-up",
    "docs/sandbox.md": "sandbox.md",
    "README.tr.md": "quickstart-tr.md",
    "CHANGELOG.md": "changelog.md",
    "README.md": "index.md",
}


def rewrite_repo_links(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    """``](docs/sandbox.md)`` in an included file -> ``](sandbox.md)``, relative to the including page."""
    depth = parent_docname.count("/")
    text = content[0]
    for target, page in REPO_LINKS.items():
        text = text.replace(f"]({target})", f"]({'../' * depth}{page})")
        text = text.replace(f"]({target}#", f"]({'../' * depth}{page.split('#')[0]}#")
    content[0] = text


def setup(app: Sphinx) -> dict[str, Any]:
    from pygments.lexers.shell import BashLexer

    # crontab lines in docs/send-progress.md: comments and a command, close enough to shell
    app.add_lexer("cron", BashLexer)
    app.connect("include-read", rewrite_repo_links)
    app.add_directive("ileti-connection-fields", ConnectionFields)
    app.add_directive("ileti-screenshot", Screenshot)
    app.add_directive("ileti-guesses", Guesses)
    app.connect("builder-inited", write_api_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
