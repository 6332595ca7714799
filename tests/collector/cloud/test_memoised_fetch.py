"""The one memoised fetch every context uses (collector.cloud.base.memoised_fetch): one request
per key, each caller cites it, `absent` codes are None, and a memoised error reaches every
caller as its own exception, never one object shared between threads or kept with the scope."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest

from collector.cloud.base import (
    AccessDenied,
    CallLog,
    CloudError,
    Memo,
    NotOffered,
    Outcome,
    memoised_fetch,
)

WAITERS = 8


class Scope:
    """The shape of every provider's scope: a memo per run, requests that return outcomes."""

    def __init__(self, outcomes: dict[str, Outcome], delay: float = 0.0) -> None:
        self.memo = Memo()
        self.outcomes = outcomes
        self.delay = delay
        self.sent: list[str] = []

    def read(self, key: str, log: CallLog, absent: tuple[str, ...] = ()) -> object:
        return memoised_fetch(self.memo, key, lambda: self._request(key), log, absent)

    def _request(self, key: str) -> Outcome:
        self.sent.append(key)
        time.sleep(self.delay)  # concurrent callers arrive while it is in flight
        return self.outcomes[key]


def denied(key: str) -> Outcome:
    return Outcome(None, f"digest-{key}",
                   AccessDenied("AccessDeniedException", "not authorized",
                                operation="kms:DescribeKey"))


def test_concurrent_waiters_of_a_failing_key_each_get_their_own_exception() -> None:
    scope = Scope({"k": denied("k")}, delay=0.2)
    barrier = threading.Barrier(WAITERS)
    caught: list[BaseException] = []
    logs = [CallLog() for _ in range(WAITERS)]
    lock = threading.Lock()

    def worker(log: CallLog) -> None:
        barrier.wait()
        try:
            scope.read("k", log)
        except CloudError as exc:
            with lock:
                caught.append(exc)

    threads = [threading.Thread(target=worker, args=(log,)) for log in logs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert scope.sent == ["k"]  # one request, however many waiters
    assert len(caught) == WAITERS and len({id(e) for e in caught}) == WAITERS
    memoised = scope.outcomes["k"].error
    assert all(e is not memoised for e in caught)
    assert all(type(e) is AccessDenied for e in caught)
    assert {(e.code, e.detail, e.operation, str(e)) for e in caught} == {  # type: ignore[attr-defined]
        ("AccessDeniedException", "not authorized", "kms:DescribeKey",
         "AccessDeniedException: not authorized")}
    assert memoised is not None and memoised.__traceback__ is None  # never raised itself
    assert all(log.digests() == ["digest-k"] for log in logs)  # every caller cites the call


def test_a_failing_outcome_does_not_keep_the_scope_alive() -> None:
    scope = Scope({"k": denied("k")})
    for _ in range(2):
        with pytest.raises(AccessDenied):
            scope.read("k", CallLog())
    gone = weakref.ref(scope)
    gc.disable()
    try:
        del scope
        assert gone() is None  # freed by reference counting alone
    finally:
        gc.enable()


def test_absent_codes_are_none_and_still_cited() -> None:
    scope = Scope({"policy": Outcome(None, "d-policy",
                                     CloudError("NoSuchBucketPolicy", "none", operation="s3"))})
    log = CallLog()

    assert scope.read("policy", log, absent=("NoSuchBucketPolicy",)) is None
    with pytest.raises(CloudError) as err:
        scope.read("policy", CallLog(), absent=("Other",))  # absent is the caller's, per call
    assert err.value.code == "NoSuchBucketPolicy" and type(err.value) is CloudError
    assert log.digests() == ["d-policy"] and scope.sent == ["policy"]


def test_each_call_is_cited_in_its_callers_log_and_sent_once() -> None:
    body = {"Keys": [{"KeyId": "k1"}]}
    scope = Scope({"keys": Outcome(body, "d-keys"), "key": Outcome({"KeyId": "k1"}, "d-key")})
    first, second = CallLog(), CallLog()

    assert scope.read("keys", first) is body
    assert scope.read("keys", second) is body
    scope.read("key", second)

    assert first.digests() == ["d-keys"]
    assert second.digests() == ["d-key", "d-keys"]
    assert scope.sent == ["keys", "key"]


def test_fresh_keeps_type_code_detail_and_operation_without_a_traceback() -> None:
    with pytest.raises(NotOffered) as info:
        raise NotOffered("ServiceNotInRegion", "not here", operation="kms:ListKeys")
    raised = info.value
    copy = raised.fresh()
    assert raised.__traceback__ is not None and copy.__traceback__ is None
    assert (type(copy), copy.code, copy.detail, copy.operation, copy.args) == (
        NotOffered, "ServiceNotInRegion", "not here", "kms:ListKeys", raised.args)
