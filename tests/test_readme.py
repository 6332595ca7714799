"""The README shows the real CLI and the real check list; CI runs the README's test command."""

from pathlib import Path

from tests.support.readme import README, render

ROOT = Path(__file__).resolve().parents[1]


def test_generated_blocks_match_the_code() -> None:
    text = README.read_text()
    assert render(text) == text, "README drifted: run `python -m tests.support.readme`"


def test_ci_runs_the_readme_test_command() -> None:
    assert "<!-- test-command -->" in README.read_text()
    assert "<!-- test-command -->" in (ROOT / ".ci" / "run").read_text()


def test_readme_documents_every_exit_code() -> None:
    text = README.read_text()
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |"):
        assert code in text
