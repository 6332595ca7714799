"""README.txt: what a bundle holds and how to verify it by hand with standard tools.

Lines starting with ``    $ `` are commands run from the folder the bundle was unzipped into;
the test suite runs exactly those lines against a real bundle.
"""

from __future__ import annotations

from collector.export.source import Selection

COMMAND_PREFIX = "    $ "

CHECK_FILES = (
    r"""sed -n 's/^  {"sha256": "\([0-9a-f]\{64\}\)", "path": "\([^"]*\)".*/\1  \2/p' """
    "manifest.json | sha256sum --strict --quiet -c"
)
CHECK_SIGNATURE = ("openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in manifest.json "
                   "-sigfile manifest.sig")
KEY_FINGERPRINT = "openssl pkey -pubin -in public.pem -outform DER | sha256sum"
CHAIN_HASHES = "sha256sum runs/*.json"
CHAIN_LINKS = """grep -o '"chain_seq":[0-9]*\\|"prev_sha256":[^,}]*' runs/*.json"""


def render(selection: Selection, tool_version: str, signed: bool) -> bytes:
    """The README.txt of a bundle."""
    if selection.kind == "type1":
        what = (f"a Type I bundle: the design of controls at a point in time, from run "
                f"{selection.head.run_id} (the latest complete run on or before "
                f"{selection.end}).")
    else:
        what = (f"a Type II bundle: the operating effectiveness of controls from {selection.start} "
                f"to {selection.end} (UTC days), from {len(selection.runs)} run(s).")
    scope = (", ".join(selection.criteria) if selection.criteria
             else "all SOC 2 criteria the checks map to")
    sig = ("manifest.sig is the Ed25519 signature of manifest.json." if signed else
           "This bundle is NOT signed (no signing_key was configured): manifest.json is only as "
           "trustworthy as the channel it came through; compare its sha256 with the one the "
           "exporter reported.")
    c = COMMAND_PREFIX
    text = f"""\
SOC 2 EVIDENCE BUNDLE
=====================

Produced by evidence {tool_version} (https://pypi.org/project/cloud-evidence-collector/).
This is {what}
Criteria covered: {scope}.
Run chain head (sha256 of the last run's manifest): {selection.head.manifest_sha256}
{sig}

WHAT IS INSIDE
--------------
manifest.json       every other file's sha256 and size, the period, the tool version and the
                    run chain (runs, their manifest hashes, the chain head)
manifest.sig        Ed25519 signature of manifest.json (only when the bundle is signed)
README.txt          this file
summary.html        the period report for people: criteria coverage, pass rate per criterion
                    over the period, exceptions with their durations, gaps; open it in any
                    browser (it loads nothing from the network)
summary.csv         one row per criterion: automated checks, pass rate, exceptions, gaps
results.csv         every result in the period: run_id, observed_at, provider, scope, region,
                    check_id, resource_id, status, criteria, message
runs/<run_id>.json  each run's manifest exactly as sealed in the evidence database; each one
                    names the previous run's manifest hash (prev_sha256), forming a chain
evidence/<criterion>/<check_id>/index.json
                    every observation of a check for a criterion: run, account/project, region,
                    counts, and the result set it produced
evidence/_result_sets/<sha256>.json
                    a result set: the verdict per resource, and under "calls" the digests of
                    the API calls it was based on
evidence/_calls/<digest>.json
                    provenance of one API call: operation, parameters, identity, region, HTTP
                    status, pages, and the sha256 of its response
evidence/_responses/<sha256>.json
                    the normalised API response (volatile fields such as request ids removed)
oscal/assessment-results.json
                    the same findings as NIST OSCAL assessment results
Files under evidence/_*/ are content-addressed: each name is the sha256 of the file's bytes.
attachments/<criterion>/
                    manual evidence attached with `evidence attach` (policies, reviews, tests),
                    with an index.json per criterion: title, who attached it, when, valid until
                    (present only when documents were attached)

HOW TO VERIFY
-------------
With the tool (offline; exit code 0 only if everything holds, 4 otherwise, naming the first
file or run that fails):
    evidence verify BUNDLE.zip --public-key public.pem

By hand, after unzipping the bundle and changing into its folder (GNU coreutils, OpenSSL 3):

1. Every file matches manifest.json (prints nothing and exits 0 when all match):
{c}{CHECK_FILES}
   Also check that the archive holds no file that manifest.json does not list
   (unzip -Z1 BUNDLE.zip lists the archive's names).

2. The signature of manifest.json holds ("Signature Verified Successfully"). Get public.pem
   from the organisation through a channel you trust, not from this bundle:
{c}{CHECK_SIGNATURE}
   The key's fingerprint must equal "public_key_sha256" in manifest.json:
{c}{KEY_FINGERPRINT}

3. The run chain holds: the sha256 of each runs/ file equals its "manifest_sha256" in
   manifest.json, each run's prev_sha256 equals the previous run's hash (in chain_seq order),
   and the last run's hash is the chain head above:
{c}{CHAIN_HASHES}
{c}{CHAIN_LINKS}
"""
    return text.encode("utf-8")


def commands(readme: str) -> list[str]:
    """The shell commands in a README.txt (lines starting with ``    $ ``)."""
    return [line[len(COMMAND_PREFIX):] for line in readme.splitlines()
            if line.startswith(COMMAND_PREFIX)]
