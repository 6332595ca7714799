"""Cloud Logging: every project's log entries are exported by a sink without a filter."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from checks.gcp._assets import LIST_RESOURCE, data, lineage, node_of, verdict
from collector.cloud.api import GcpApi
from collector.model import Result
from collector.plugin import check

DESTINATIONS = ("storage.googleapis.com/", "bigquery.googleapis.com/", "logging.googleapis.com/")


@check(
    id="gcp_logging_sink_all_logs",
    criteria=("CC7.2",),
    permissions=(LIST_RESOURCE,),
)
def logging_sink_all_logs(ctx: GcpApi) -> Iterator[Result]:
    """Every project exports all its log entries through a sink with an empty filter.

    One result per active project (resource: the project's full name). A project passes when
    an enabled sink with an empty filter exports to a Cloud Storage bucket, a BigQuery dataset
    or a log bucket, and that sink is the project's own or an aggregated sink
    (`includeChildren`) of one of its folders or its organisation (LogSink assets); fails
    otherwise. A sink with an enabled exclusion filter does not export all entries
    (logging.v2 LogSink.exclusions) and does not count; Pub/Sub destinations do not count.

    How to fix: Create a sink with an empty filter that exports every log entry to a retained
        destination.
    Console: Logging > Log Router > Create sink (no inclusion filter)
    CLI: gcloud logging sinks create <name> storage.googleapis.com/<bucket> --project <project>
    Docs: https://cloud.google.com/logging/docs/export/configure_export_v2
    """
    sinks = ctx.assets("logging.googleapis.com/LogSink")
    for project in ctx.projects():
        chain = lineage(project)
        covering = [s for s in sinks if _exports_all(s, chain)]
        names = ", ".join(sorted(str(data(s).get("name")) for s in covering))
        yield verdict(ctx, project, bool(covering),
                      f"all log entries are exported by: {names}",
                      "no enabled sink without a filter exports this project's log entries")


def _exports_all(sink: Mapping[str, Any], chain: list[str]) -> bool:
    d = data(sink)
    node = node_of(sink)
    if node not in chain or (node != chain[0] and not d.get("includeChildren")):
        return False
    excluding = [e for e in d.get("exclusions") or [] if e.get("disabled") is not True]
    return (not str(d.get("filter") or "").strip() and d.get("disabled") is not True
            and not excluding and str(d.get("destination", "")).startswith(DESTINATIONS))
