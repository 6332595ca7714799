"""How to fix a failure, written as the last section of a check's docstring."""

from __future__ import annotations

import inspect

import pytest

from collector.model import Result
from collector.plugin import CheckDefinitionError, Remediation, check
from collector.remediation import RemediationSyntaxError, split_docstring

DOC = '''Keys rotate.

One result per key. Pass: rotation on.
Console: a line of the judgement that looks like a label stays in the judgement.

How to fix: Turn on automatic
    rotation of the key.
Console: KMS > Customer managed keys > key > Key rotation
CLI: gcloud projects get-iam-policy <project> > policy.yaml  # add auditConfigs,
    then: gcloud projects set-iam-policy <project> policy.yaml
Terraform:
    resource "aws_kms_key" "main" {
      enable_key_rotation = true

      tags = {}
    }
Docs:
    https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html'''


def test_the_section_is_split_from_the_judgement_and_read_field_by_field() -> None:
    title, judgement, fix = split_docstring(DOC)
    assert title == "Keys rotate."
    assert judgement == ("One result per key. Pass: rotation on.\nConsole: a line of the "
                         "judgement that looks like a label stays in the judgement.")
    assert fix == Remediation(
        summary="Turn on automatic rotation of the key.",
        console="KMS > Customer managed keys > key > Key rotation",
        cli=("gcloud projects get-iam-policy <project> > policy.yaml  # add auditConfigs, "
             "then: gcloud projects set-iam-policy <project> policy.yaml"),
        docs="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
        terraform=('resource "aws_kms_key" "main" {\n  enable_key_rotation = true\n\n'
                   '  tags = {}\n}'),
    )


def test_a_docstring_without_the_section_has_no_remediation() -> None:
    assert split_docstring("Title.\n\nHow it judges.") == ("Title.", "How it judges.", None)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("How to fix: x.\nConsole: c\nCLI: c", "lacks Docs"),
        ("How to fix: x.\nConsole: c\nCLI:\nDocs: https://d", "lacks CLI"),
        ("How to fix: x.\nConsole: c\nCLI: c\nDocs: https://d\nDocs: https://e", "given twice"),
        ("How to fix: x.\nConsole: c\nCLI: c\nDocs: https://d\nSee also: y", "line 9: expected"),
    ],
)
def test_a_malformed_section_names_its_fault(section: str, message: str) -> None:
    with pytest.raises(RemediationSyntaxError, match=message):
        split_docstring(f"Title.\n\nJudgement.\n\n{section}")


def test_the_decorator_reads_the_section_and_names_the_check_when_it_is_malformed() -> None:
    def thing(ctx: object) -> list[Result]:
        """Things are configured well.

        Pass: they are.

        How to fix: Configure them.
        Console: Things > thing
        CLI: things configure <thing>
        Docs: https://docs.aws.amazon.com/things
        """
        return []

    declared = check(id="aws_thing", criteria=("CC6.1",), permissions=("x:Get",))(thing)
    assert declared.description == "Pass: they are."
    assert declared.remediation is not None
    assert declared.remediation.cli == "things configure <thing>"

    thing.__doc__ = (inspect.getdoc(thing) or "").replace("CLI: things configure <thing>\n", "")
    with pytest.raises(CheckDefinitionError, match=r"test_remediation.*'aws_thing'.*lacks CLI"):
        check(id="aws_thing", criteria=("CC6.1",), permissions=("x:Get",))(thing)


def test_remediation_in_the_docstring_and_the_decorator_is_refused() -> None:
    def thing(ctx: object) -> list[Result]:
        """Title.

        How to fix: x.
        Console: c
        CLI: c
        Docs: https://d
        """
        return []

    fix = Remediation(summary="x.", console="c", cli="c", docs="https://d")
    with pytest.raises(CheckDefinitionError, match="remediation twice"):
        check(id="aws_x", criteria=("CC6.1",), permissions=("x:Get",), remediation=fix)(thing)
    thing.__doc__ = "Title."
    made = check(id="aws_x", criteria=("CC6.1",), permissions=("x:Get",), remediation=fix)(thing)
    assert made.remediation == fix
