"""Accepted risks: a failing result that a named approver accepted, for a bounded time.

An accepted risk never rewrites what was observed: a failing result stays `fail` and is only
annotated with the id of the risk that covers it. Acceptance is itself evidence: each record
(and each revocation) is an append-only, chained entry, so editing or deleting one is detected.
"""
