"""`notify:` and `risks:`: alert targets and accepted-risk limits, one clear line per mistake."""

from __future__ import annotations

import pytest

from tests.config.conftest import Fail, Load


def test_targets_load_with_defaults(load: Load) -> None:
    loaded = load(
        "notify:\n"
        "  - {type: webhook, url: 'https://hooks.example.com/e', secret_env: HOOK_SECRET}\n"
        "  - {type: slack, url_env: SLACK_URL, events: [new_failure, collection_missed]}\n"
        "  - {type: email, smtp_host: smtp.example.com, sender: e@example.com,\n"
        "     recipients: [owner@example.com], username: alerts, password_env: SMTP_PW}\n"
        "risks: {max_days: 180}\n")
    hook, slack, mail = loaded.settings.notify
    assert hook.events[0] == "new_failure" and len(hook.events) == 6
    assert tuple(slack.events) == ("new_failure", "collection_missed")
    assert mail.smtp_port == 587 and mail.starttls
    assert loaded.settings.risks.max_days == 180


@pytest.mark.parametrize(("text", "needle"), [
    ("notify:\n  - {type: pager, url: 'https://x.example.com'}\n",
     "notify[0].type: expected one of webhook, slack, email"),
    ("notify:\n  - {type: webhook}\n", "notify[0].url: expected exactly one of url or url_env"),
    ("notify:\n  - {type: webhook, url: 'file:///etc/passwd'}\n",
     "notify[0].url: expected an http(s) URL"),
    ("notify:\n  - {type: webhook, url: 'https://x.example.com', events: [lunch]}\n",
     "notify[0].events[0]: expected one of new_failure"),
    ("notify:\n  - {type: email, smtp_host: h, sender: s}\n",
     "notify[0].recipients: expected at least one recipient"),
    ("notify:\n  - {type: webhook, url_env: 'not a name'}\n",
     "notify[0].url_env: expected an environment variable name"),
    ("risks: {max_days: 0}\n", "risks.max_days: expected a number of days between 1 and 3660"),
])
def test_mistakes_are_one_line(fail: Fail, text: str, needle: str) -> None:
    line = fail(text)
    assert needle in line and "\n" not in line.strip()
