"""How to fix a failing check: the `Remediation` record and its place in the check's docstring.

A check's docstring is everything a person reads about it: the title (first line), how it
judges (the paragraphs after it) and, last, how to fix a failure, in labelled lines::

    How to fix: What to change, in one sentence.
    Console: Service > resource > setting
    CLI: aws service command --flag <placeholder>
        a long command goes on over indented lines, joined with one space
    Terraform:
        resource "aws_thing" "main" {
          enabled = true
        }
    Docs: https://docs.aws.amazon.com/...

`How to fix`, `Console`, `CLI` and `Docs` are required, `Terraform` is optional (an indented
block kept line for line). A label starts at the docstring's left margin; what is indented
below it continues it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

__all__ = ["Remediation", "RemediationSyntaxError", "split_docstring"]

SECTION = "How to fix"
LABELS = {SECTION: "summary", "Console": "console", "CLI": "cli", "Terraform": "terraform",
          "Docs": "docs"}
REQUIRED = ("summary", "console", "cli", "docs")
_LABEL = re.compile(rf"^({'|'.join(re.escape(k) for k in LABELS)}):(?: (.*)|$)")


class RemediationSyntaxError(ValueError):
    """The `How to fix` section of a docstring is malformed (the message says which line)."""


@dataclass(frozen=True)
class Remediation:
    """What to change, and how, when a check fails: written from the provider's documentation.

    Guidance for the control owner, shown beside failing results; never evidence itself."""

    summary: str
    """What to change, in one sentence (e.g. "Enable automatic rotation of the key")."""
    console: str
    """Where in the provider's console (e.g. "KMS > Customer managed keys > key > Key rotation")."""
    cli: str
    """The provider's CLI command (aws / gcloud / az), with <placeholders> for resource names."""
    docs: str
    """The provider's documentation page the guidance is taken from (https URL)."""
    terraform: str = ""
    """A Terraform snippet, where one is standard."""

    def as_json(self) -> dict[str, str]:
        out = {"summary": self.summary, "console": self.console, "cli": self.cli,
               "docs": self.docs}
        if self.terraform:
            out["terraform"] = self.terraform
        return out

    def one_line(self) -> str:
        """For CSV cells and narrow tables: what to change, then the command."""
        return f"{self.summary} — {self.cli}"


def split_docstring(doc: str) -> tuple[str, str, Remediation | None]:
    """A cleaned docstring (`inspect.getdoc`) as title, judgement and remediation.

    The judgement is the text between the title and the `How to fix` section; without that
    section the remediation is None. Raises `RemediationSyntaxError` for a malformed section."""
    title, _, rest = doc.partition("\n")
    lines = rest.split("\n")
    start = next((i for i, line in enumerate(lines) if _starts_section(line)), None)
    if start is None:
        return title.strip(), rest.strip(), None
    judgement = "\n".join(lines[:start]).strip()
    return title.strip(), judgement, _parse(lines[start:], first=start + 2)


def _starts_section(line: str) -> bool:
    label = _LABEL.match(line)
    return label is not None and label.group(1) == SECTION


def _parse(lines: list[str], first: int) -> Remediation:
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(lines, start=first):
        label = _LABEL.match(line)
        if label:
            name = LABELS[label.group(1)]
            if name in fields:
                raise RemediationSyntaxError(f"line {number}: {label.group(1)!r} given twice")
            current = fields[name] = [label.group(2) or ""]
        elif line[:1].isspace() or not line:
            assert current is not None  # the section starts with a label
            current.append(line)
        else:
            raise RemediationSyntaxError(
                f"line {number}: expected one of {', '.join(LABELS)} (or an indented "
                f"continuation), not {line!r}")
    values = {name: _value(name, parts) for name, parts in fields.items()}
    missing = [label for label, name in LABELS.items() if name in REQUIRED and not values.get(name)]
    if missing:
        raise RemediationSyntaxError(f"'{SECTION}' section lacks {', '.join(missing)}")
    return Remediation(**values)


def _value(name: str, parts: list[str]) -> str:
    if name == "terraform":  # a block: kept line for line, relative indentation included
        head, block = parts[0], textwrap.dedent("\n".join(parts[1:])).strip("\n")
        return "\n".join(p for p in (head, block) if p)
    return " ".join(p.strip() for p in parts if p.strip())
