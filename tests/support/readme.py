"""The README's generated blocks: the real `--help` output, the check catalog table, the example
configuration and the exit codes (from collector/cli/errors.py).

`python -m tests.support.readme` rewrites them; tests/test_readme.py fails when they drift.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from collector.cli import main
from collector.plugin import discover

README = Path(__file__).resolve().parents[2] / "README.md"
HELP_COMMANDS: tuple[tuple[str, ...], ...] = ((), ("collect",), ("results",))


def help_text(args: tuple[str, ...]) -> str:
    """`evidence [args] --help` as a 100-column terminal shows it."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            main([*args, "--help"])
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved
    return out.getvalue().rstrip() + "\n"


def help_block() -> str:
    parts = []
    for args in HELP_COMMANDS:
        parts.append(f"$ evidence {' '.join(args)} --help".replace("  ", " "))
        parts.append(help_text(args))
    return "```text\n" + "\n".join(parts) + "```\n"


def checks_block() -> str:
    rows = ["| Check | Title | How it judges | Criteria | Scope |", "|---|---|---|---|---|"]
    for c in discover():
        if c.origin.startswith("cloud-evidence-collector "):
            how = c.judgement.replace("|", "\\|")
            rows.append(f"| `{c.id}` | {c.title} | {how} | {', '.join(c.criteria)} "
                        f"| {c.scoping} |")
    return "\n".join(rows) + "\n"


def config_block() -> str:
    example = Path(__file__).resolve().parents[2] / "config" / "evidence.example.yaml"
    return "```yaml\n" + example.read_text() + "```\n"


ERRORS = Path(__file__).resolve().parents[2] / "collector" / "cli" / "errors.py"


def exit_codes() -> dict[int, str]:
    """Each `EXIT_*` constant of collector/cli/errors.py: its code and its docstring (one line).
    A code without a docstring is an error: the README documents every one."""
    body = ast.parse(ERRORS.read_text()).body
    out: dict[int, str] = {}
    for node, after in zip(body, [*body[1:], None], strict=True):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.startswith("EXIT_")):
            continue
        name = node.targets[0].id
        value = node.value.value if isinstance(node.value, ast.Constant) else None
        doc = (after.value.value if isinstance(after, ast.Expr)
               and isinstance(after.value, ast.Constant) else None)
        if not isinstance(value, int) or not isinstance(doc, str):
            raise ValueError(f"{ERRORS}: {name} needs an int value and a docstring")
        out[value] = " ".join(doc.split())
    return dict(sorted(out.items()))


def exit_codes_block() -> str:
    rows = ["| code | meaning |", "|---|---|"]
    for code, meaning in exit_codes().items():
        escaped = meaning.replace("|", "\\|")
        rows.append(f"| {code} | {escaped} |")
    return "\n".join(rows) + "\n"


BLOCKS: dict[str, Callable[[], str]] = {
    "help": help_block, "config": config_block, "checks": checks_block,
    "exit-codes": exit_codes_block}


def render(text: str) -> str:
    """`text` with every generated block between its markers made afresh (a block is made only
    where its markers are)."""
    for name, make in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN generated:{name} -->\n).*?(<!-- END generated:{name} -->)", re.S)

        def fill(m: re.Match[str], make: Callable[[], str] = make) -> str:
            return m.group(1) + make() + m.group(2)

        text = pattern.sub(fill, text)
    return text


if __name__ == "__main__":
    README.write_text(render(README.read_text()))
    sys.stdout.write(f"rewrote generated blocks in {README}\n")
