"""The README shows the real CLI and the real check list; CI runs the README's test command."""

from pathlib import Path

from collector.cli import errors
from tests.support.readme import README, exit_codes, render

ROOT = Path(__file__).resolve().parents[1]


def test_generated_blocks_match_the_code() -> None:
    text = README.read_text()
    assert render(text) == text, "README drifted: run `python -m tests.support.readme`"


def test_ci_runs_the_readme_test_command() -> None:
    assert "<!-- test-command -->" in README.read_text()
    assert "<!-- test-command -->" in (ROOT / ".ci" / "run").read_text()


def test_readme_documents_every_exit_code() -> None:
    """Every EXIT_* code of collector/cli/errors.py is a row of the README's exit-code table
    (generated between `<!-- BEGIN generated:exit-codes -->` markers from the docstrings)."""
    codes = {v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    assert set(exit_codes()) == codes and len(codes) >= 6
    text = README.read_text()
    missing = [code for code in sorted(codes) if f"\n| {code} | " not in text]
    assert not missing, f"README documents no exit code {missing}"


def test_the_exit_code_table_is_generated_from_the_docstrings() -> None:
    text = ("### Exit codes\n\n<!-- BEGIN generated:exit-codes -->\n| 9 | stale |\n"
            "<!-- END generated:exit-codes -->\n\nafter\n")
    out = render(text)
    assert "| 9 | stale |" not in out and out.endswith("\n\nafter\n")
    assert "| 0 | Success. |\n" in out
    assert "| 2 | Usage, configuration or output error" in out
    assert out.count("\n| ") == 1 + len(exit_codes())  # the header row and one row per code
