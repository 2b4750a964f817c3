"""The load generator: keep-alive HTTP clients on loopback, run in a process of its own.

`measure(plan, targets)` starts `python -m benchmarks.load`, hands it the plan and targets as
JSON on standard input and reads a `LoadResult` per target back from standard output, so the
clients never share an interpreter (or its lock) with the process that prepared the run.
Gunicorn's sync workers close the connection after each response; the client then reconnects.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"
SOCKET_TIMEOUT_SECONDS = 30.0
#: time the child may take beyond its plan (start-up, requests in flight) before it is stopped
GRACE_SECONDS = 60.0
CSRF_FIELD = re.compile(rb'name="csrf_token"[^>]*?value="([^"]+)"')
EXPIRED_COOKIE = re.compile(r"max-age=0|expires=thu, 01 jan 1970", re.IGNORECASE)
TRANSPORT_ERRORS = (http.client.HTTPException, OSError)
NO_STATUS = 0


class LoadError(Exception):
    """The load could not be generated as planned; the message says why."""


@dataclass(frozen=True)
class Scenario:
    """One kind of request, repeated by every connection."""

    name: str
    path: str
    method: str = "GET"
    cookies: dict[str, str] = field(default_factory=dict)
    #: form fields of a POST; a CSRF token from `form_page` is added to them
    form: dict[str, str] | None = None
    form_page: str | None = None
    #: form fields given a new random value on every request
    fresh_fields: tuple[str, ...] = ()
    expected_status: tuple[int, ...] = (200,)


@dataclass(frozen=True)
class LoadPlan:
    """How hard and how long to press each server.

    Each target is pressed in `rounds` short bursts, taking turns with the other targets, so a
    page and its baselines see the same share of a noisy machine's spare time.
    """

    connections: int = 4
    rounds: int = 3
    #: unmeasured seconds at the start of every burst
    warmup_seconds: float = 0.5
    #: measured seconds per target, over all its bursts
    seconds: float = 4.5
    #: an upper bound on measured requests per target, so a fast server cannot exhaust memory
    max_requests: int = 100_000

    @property
    def burst_seconds(self) -> float:
        """Return the measured seconds of one burst."""
        return self.seconds / self.rounds

    def time_bound(self, targets: int) -> float:
        """Return how long pressing `targets` targets may take before it is stopped."""
        return targets * self.rounds * (self.warmup_seconds + self.burst_seconds) + GRACE_SECONDS


@dataclass(frozen=True)
class Target:
    """A scenario against the server listening on a port."""

    port: int
    scenario: Scenario


@dataclass(frozen=True)
class LoadResult:
    """What the clients saw during the measured window."""

    scenario: str
    requests: int
    errors: int
    seconds: float
    requests_per_second: float
    median_ms: float
    p95_ms: float
    statuses: dict[str, int]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadResult:
        """Rebuild a result from its JSON form."""
        return cls(**data)


@dataclass(frozen=True)
class Sample:
    """One measured request: when it started and finished, and the status it got."""

    started: float
    finished: float
    status: int

    @property
    def latency(self) -> float:
        """Return the request's round trip in seconds."""
        return self.finished - self.started


def percentile(values: list[float], fraction: float) -> float:
    """Return the `fraction` quantile of `values`, interpolating between the nearest ranks."""
    if not values:
        raise ValueError("no values to take a percentile of")
    if not 0 <= fraction <= 1:
        raise ValueError("the fraction must be between 0 and 1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def summarise(
    name: str, samples: list[Sample], expected: tuple[int, ...], seconds: float
) -> LoadResult:
    """Turn the samples of `seconds` measured seconds into throughput, percentiles and errors."""
    if not samples:
        raise LoadError(f"{name}: no request finished inside the measured window")
    statuses: dict[str, int] = {}
    for sample in samples:
        statuses[str(sample.status)] = statuses.get(str(sample.status), 0) + 1
    latencies = [sample.latency for sample in samples]
    return LoadResult(
        scenario=name,
        requests=len(samples),
        errors=sum(1 for sample in samples if sample.status not in expected),
        seconds=seconds,
        requests_per_second=len(samples) / seconds,
        median_ms=percentile(latencies, 0.5) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        statuses=statuses,
    )


@dataclass(frozen=True)
class Reply:
    """A response as the clients need it: status, body and any redirect target."""

    status: int
    body: bytes = b""
    location: str = ""


class Client:
    """One HTTP connection with its own cookies, reopened when the server closes it."""

    def __init__(self, port: int, cookies: dict[str, str]) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=SOCKET_TIMEOUT_SECONDS)
        self.cookies = dict(cookies)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        """Send one request and read the whole response; a broken connection gives status 0."""
        headers = {"Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except TRANSPORT_ERRORS:
            self.connection.close()
            return Reply(NO_STATUS)
        self.cookies = updated_cookies(self.cookies, response.headers.get_all("Set-Cookie") or [])
        return Reply(response.status, content, response.headers.get("Location", ""))

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def updated_cookies(cookies: dict[str, str], set_cookie_headers: list[str]) -> dict[str, str]:
    """Return the cookies after a response's Set-Cookie headers: set, replaced or deleted."""
    updated = dict(cookies)
    for header in set_cookie_headers:
        name, _, rest = header.partition("=")
        value, _, attributes = rest.partition(";")
        if value and not EXPIRED_COOKIE.search(attributes):
            updated[name.strip()] = value
        else:
            updated.pop(name.strip(), None)
    return updated


def csrf_token(page: bytes) -> str:
    """Return the CSRF token of a rendered form."""
    match = CSRF_FIELD.search(page)
    if match is None:
        raise LoadError("the form page has no CSRF token")
    return match.group(1).decode()


def form_for(client: Client, scenario: Scenario) -> dict[str, str] | None:
    """Return the POST body for this client: the scenario's fields and a fresh CSRF token."""
    if scenario.form is None:
        return None
    if scenario.form_page is None:
        return dict(scenario.form)
    reply = client.request("GET", scenario.form_page)
    if reply.status != 200:
        raise LoadError(f"the form page {scenario.form_page} answered {reply.status}")
    return {**scenario.form, "csrf_token": csrf_token(reply.body)}


def with_fresh_fields(form: dict[str, str] | None, scenario: Scenario) -> dict[str, str] | None:
    """Return the form with a new random value in each of the scenario's fresh fields."""
    if form is None or not scenario.fresh_fields:
        return form
    return {**form, **{name: secrets.token_urlsafe(12) for name in scenario.fresh_fields}}


def run_connection(
    target: Target, window: tuple[float, float], budget: int, samples: list[Sample]
) -> None:
    """Repeat the scenario on one connection until the window has closed or the budget is spent."""
    scenario = target.scenario
    window_start, stop_at = window
    client = Client(target.port, scenario.cookies)
    form = form_for(client, scenario)
    measured = 0
    try:
        while measured < budget:
            started = time.perf_counter()
            # a page slower than the window still gets one measured request per connection
            if started >= stop_at and measured:
                break
            reply = client.request(
                scenario.method, scenario.path, with_fresh_fields(form, scenario)
            )
            if started >= window_start:
                samples.append(Sample(started, time.perf_counter(), reply.status))
                measured += 1
    finally:
        client.close()


def run_burst(plan: LoadPlan, target: Target) -> tuple[list[Sample], float]:
    """Press one server with `plan.connections` clients for a burst; return samples, seconds."""
    window_start = time.perf_counter() + plan.warmup_seconds
    window = (window_start, window_start + plan.burst_seconds)
    budget = max(1, plan.max_requests // (plan.rounds * plan.connections))
    samples: list[Sample] = []
    failures: list[LoadError] = []

    def work() -> None:
        try:
            run_connection(target, window, budget, samples)
        except LoadError as error:
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(plan.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise LoadError(f"{target.scenario.name}: {failures[0]}")
    if not samples:
        return [], plan.burst_seconds
    return samples, max(sample.finished for sample in samples) - window_start


def run_alternating(plan: LoadPlan, targets: list[Target]) -> list[LoadResult]:
    """Press the targets in turn, round after round, and summarise each over all its bursts."""
    samples: list[list[Sample]] = [[] for _ in targets]
    seconds = [0.0 for _ in targets]
    for _ in range(plan.rounds):
        for index, target in enumerate(targets):
            burst, burst_seconds = run_burst(plan, target)
            samples[index].extend(burst)
            seconds[index] += burst_seconds
    return [
        summarise(target.scenario.name, found, target.scenario.expected_status, spent)
        for target, found, spent in zip(targets, samples, seconds, strict=True)
    ]


def encode_job(plan: LoadPlan, targets: list[Target]) -> str:
    """Return the JSON the load process reads from standard input."""
    return json.dumps({"plan": asdict(plan), "targets": [asdict(target) for target in targets]})


def decode_job(text: str) -> tuple[LoadPlan, list[Target]]:
    """Rebuild a plan and its targets from `encode_job`'s JSON."""
    job = json.loads(text)
    targets = []
    for target in job["targets"]:
        scenario = target["scenario"]
        scenario["expected_status"] = tuple(scenario["expected_status"])
        scenario["fresh_fields"] = tuple(scenario["fresh_fields"])
        targets.append(Target(target["port"], Scenario(**scenario)))
    return LoadPlan(**job["plan"]), targets


def measure(plan: LoadPlan, targets: list[Target]) -> list[LoadResult]:
    """Press the targets from a separate load-generating process; return a result for each."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.load"],
        input=encode_job(plan, targets),
        capture_output=True,
        text=True,
        timeout=plan.time_bound(len(targets)),
        check=False,
    )
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines()
        raise LoadError(lines[-1] if lines else f"the load process exited {completed.returncode}")
    return [LoadResult.from_dict(result) for result in json.loads(completed.stdout)]


def main() -> None:
    """Read a job on standard input, run it, write the results as JSON on standard output."""
    plan, targets = decode_job(sys.stdin.read())
    try:
        results = run_alternating(plan, targets)
    except LoadError as error:
        sys.exit(str(error))
    json.dump([asdict(result) for result in results], sys.stdout)


if __name__ == "__main__":
    main()
