"""Make headless Chromium available to the browser tests, or say in one line why it is not.

`python -m tests.support.browser` runs before pytest in the README's test command (and so in
CI). When Debian's `chromium` is missing and this process may install it (root, apt-get on the
PATH, a package registry reachable), it installs it; otherwise it prints one line saying the
browser tests will be skipped and why, and exits 0: every other test still runs. The browser
tests themselves skip with the same reason (`skip_reason`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGE = "chromium"
OPT_OUT = "EVIDENCE_TEST_SKIP_BROWSER"
"""Set to 1 to skip the browser tests without trying to install anything."""


def find_chromium() -> str | None:
    """The Chromium executable on PATH, if any."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def skip_reason() -> str | None:
    """Why the browser tests cannot run here (None when Chromium is available)."""
    if os.environ.get(OPT_OUT) == "1":
        return f"{OPT_OUT}=1 is set"
    if find_chromium() is not None:
        return None
    return ("chromium is not installed (as root: apt-get install -y chromium, or run "
            "`python -m tests.support.browser`)")


def install() -> str | None:
    """Install Chromium with apt-get when possible; the reason it was not, else None."""
    if os.environ.get(OPT_OUT) == "1" or find_chromium() is not None:
        return None
    if shutil.which("apt-get") is None:
        return "chromium is not installed and this machine has no apt-get"
    if os.geteuid() != 0:
        return "chromium is not installed and installing it needs root (apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", PACKAGE])
    for step in steps:
        done = subprocess.run(step, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return f"`{' '.join(step)}` failed: {last}"
    return None if find_chromium() is not None else f"{PACKAGE} installed no executable"


def main() -> int:
    why = install()
    if why is not None:
        sys.stdout.write(f"browser tests will be skipped: {why}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
