"""IAM: the account password policy."""

from __future__ import annotations

from collections.abc import Iterator

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check


@check(
    id="aws_iam_password_policy_strong",
    criteria=("CC6.1",),
    permissions=("iam:GetAccountPasswordPolicy",),
    scoping="global",
)
def iam_password_policy_strong(
    ctx: AwsApi,
    *,
    min_length: int = 14,
    require_symbols: bool = True,
    require_numbers: bool = True,
    require_uppercase: bool = True,
    require_lowercase: bool = True,
    max_age_days: int = 90,
    reuse_prevention: int = 24,
) -> Iterator[Result]:
    """The IAM account password policy enforces length, complexity, expiry and reuse limits.

    Defaults follow the CIS AWS Foundations Benchmark (length >= 14, symbols, numbers, upper and
    lower case, expiry within 90 days, last 24 passwords not reusable). `max_age_days` or
    `reuse_prevention` set to 0 drops that requirement (NIST SP 800-63B advises against forced
    expiry). An account without a password policy fails: IAM's built-in defaults apply (8
    characters, no complexity, no expiry). One result for the account (resource: account ARN).
    A field GetAccountPasswordPolicy leaves out is not set (no minimum length, no complexity
    rule, no expiry, no reuse limit) and fails where it is required. Not applicable: never. A
    failed read is an `error` for the account.

    How to fix: Set an account password policy with the minimum length, character classes, expiry
        and reuse prevention.
    Console: IAM > Account settings > Password policy > Edit
    CLI: aws iam update-account-password-policy --minimum-password-length 14 --require-symbols
        --require-numbers --require-uppercase-characters --require-lowercase-characters
        --max-password-age 90 --password-reuse-prevention 24
    Terraform:
        resource "aws_iam_account_password_policy" "strict" {
          minimum_password_length = 14
          password_reuse_prevention = 24
        }
    Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
    """
    body = ctx.call("iam", "get_account_password_policy", absent=("NoSuchEntity",))
    if body is None:
        yield Result.failed(ctx.account_arn, "no account password policy is set (IAM defaults "
                                             "apply: minimum length 8, no complexity, no expiry)")
        return
    policy = body["PasswordPolicy"]
    gaps = []
    length = int(policy.get("MinimumPasswordLength") or 0)
    if length < min_length:
        gaps.append(f"minimum length is {length} (< {min_length})" if length
                    else "no minimum length is set")
    for wanted, key, what in (
        (require_symbols, "RequireSymbols", "symbols"),
        (require_numbers, "RequireNumbers", "numbers"),
        (require_uppercase, "RequireUppercaseCharacters", "uppercase letters"),
        (require_lowercase, "RequireLowercaseCharacters", "lowercase letters"),
    ):
        if wanted and not policy.get(key):
            gaps.append(f"{what} are not required")
    age = policy.get("MaxPasswordAge") or None
    if max_age_days > 0 and not (age and int(age) <= max_age_days):
        gaps.append(f"passwords expire after {age} days (> {max_age_days})" if age
                    else "passwords never expire")
    reuse = int(policy.get("PasswordReusePrevention") or 0)
    if reuse_prevention > 0 and reuse < reuse_prevention:
        gaps.append(f"reuse is prevented for the last {reuse} passwords (< {reuse_prevention})")
    if gaps:
        seen = "the password policy is below the required settings: " + "; ".join(gaps)
        yield Result.failed(ctx.account_arn, seen)
        return
    observed = [
        f"minimum length {length}",
        _complexity(policy),
        f"expiry after {age} days" if age else "no expiry",
        f"reuse of the last {reuse} passwords blocked" if reuse else "no reuse limit",
    ]
    yield Result.passed(ctx.account_arn, "the password policy sets " + "; ".join(observed))


def _complexity(policy: dict[str, object]) -> str:
    names = [what for key, what in (
        ("RequireSymbols", "symbols"),
        ("RequireNumbers", "numbers"),
        ("RequireUppercaseCharacters", "uppercase"),
        ("RequireLowercaseCharacters", "lowercase"),
    ) if policy.get(key)]
    return ("requires " + ", ".join(names)) if names else "no complexity rules"
