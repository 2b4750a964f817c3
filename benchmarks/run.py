"""Run the whole benchmark: seed, serve, press, time, report.

scripts/bench [--cases N] [--database-url URL] [--compare bench-results/<earlier>.md]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.environment import BenchEnvironment, CommandFailed, describe_machine
from benchmarks.fixtures import (
    StaffAccount,
    app_for,
    create_account,
    give_a_case_a_long_timeline,
    sign_in,
)
from benchmarks.load import Client, LoadError, LoadPlan, Target, measure
from benchmarks.operations import encryption_overhead, time_indexed_selects, timed_restore
from benchmarks.report import (
    APP,
    BASELINES,
    FIXED_PAGE,
    INDEXED_SELECT,
    PageResult,
    RunResults,
    load_results,
    render,
    write_results,
)
from benchmarks.scenarios import PageContext, baseline_scenarios, page_scenarios
from benchmarks.server import RunningServer, serve
from fts_app.config import REPOSITORY_ROOT
from fts_app.quarters import latest_complete_quarter
from fts_app.timeutil import today_in_london

BASELINE_APPS = {
    FIXED_PAGE: "benchmarks.baselines:fixed_page_app()",
    INDEXED_SELECT: "benchmarks.baselines:indexed_select_app()",
}
#: the largest share of a scenario's requests that may fail before its figures are distrusted
MAX_ERROR_SHARE = 0.01


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--cases", type=int, default=10_000, help="synthetic cases to seed")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL URL whose database the benchmark may drop and recreate "
        "(default: SQLite in a temporary instance folder)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--connections",
        type=int,
        help="concurrent clients (default: one per worker, so no request waits in a queue)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="bursts per page, taking turns with the baselines"
    )
    parser.add_argument(
        "--seconds", type=float, default=4.5, help="measured seconds per page, over all bursts"
    )
    parser.add_argument(
        "--warmup", type=float, default=0.5, help="unmeasured seconds before each burst"
    )
    parser.add_argument(
        "--submissions", type=int, default=500, help="writes for the encryption comparison"
    )
    parser.add_argument("--compare", type=Path, help="an earlier results file to compare with")
    parser.add_argument(
        "--results-dir", type=Path, default=REPOSITORY_ROOT / "bench-results", help="where to write"
    )
    return parser.parse_args(argv)


class Progress:
    """Say on standard error what the run is doing, and how long it has been going."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.0f} s] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the report and write the results files."""
    arguments = parse_arguments(argv)
    earlier = load_results(arguments.compare) if arguments.compare else None
    progress = Progress()
    with tempfile.TemporaryDirectory(prefix="fts-bench-") as folder:
        results = Bench(arguments, Path(folder), progress).run()
    markdown = render(results, earlier)
    print(markdown)
    path = write_results(results, markdown, arguments.results_dir)
    progress(f"results written to {path} and {path.with_suffix('.json').name}")
    return 0


class Bench:
    """One run over one fresh database."""

    def __init__(self, arguments: argparse.Namespace, folder: Path, progress: Progress) -> None:
        self.arguments = arguments
        self.folder = folder
        self.progress = progress
        self.environment = BenchEnvironment.fresh(folder, arguments.database_url)
        self.plan = LoadPlan(
            connections=arguments.connections or arguments.workers,
            rounds=arguments.rounds,
            warmup_seconds=arguments.warmup,
            seconds=arguments.seconds,
        )
        self.quarter = str(latest_complete_quarter(today_in_london()))
        self.results = RunResults(
            started_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            machine=describe_machine(self.environment),
            settings={
                "cases": arguments.cases,
                "workers": arguments.workers,
                "connections": self.plan.connections,
                "rounds": arguments.rounds,
                "measured seconds per page": arguments.seconds,
                "warm-up seconds per burst": arguments.warmup,
            },
        )

    def run(self) -> RunResults:
        """Prepare the database, then measure pages, operations and encryption in turn."""
        cases = self.arguments.cases
        self.progress("creating the schema")
        self.environment.flask("db", "upgrade")
        self.progress(f"seeding {cases:,} cases")
        self.time_operation(f"seed {cases:,} cases", "demo", "seed", "--cases", str(cases))
        self.time_operation("command start-up (db upgrade, nothing to do)", "db", "upgrade")
        guardian = create_account(self.environment, "bench.lead@trust.nhs.example", "lead-guardian")
        reference = give_a_case_a_long_timeline(app_for(self.environment))
        self.measure_pages(reference, guardian)
        self.measure_operations()
        self.progress(
            f"timing {self.arguments.submissions} submissions with and without encryption"
        )
        self.results.encryption = encryption_overhead(
            app_for(self.environment), self.arguments.submissions
        )
        return self.results

    def serve(
        self, name: str, app_spec: str, ready_path: str
    ) -> AbstractContextManager[RunningServer]:
        """Serve an app with gunicorn as the run's workers and environment say."""
        return serve(
            app_spec,
            workers=self.arguments.workers,
            env={
                **self.environment.variables(),
                "FTS_BENCH_DATABASE_URL": self.environment.database_url,
            },
            log_path=self.folder / f"{name.replace(' ', '-')}.log",
            ready_path=ready_path,
            cwd=REPOSITORY_ROOT,
        )

    def measure_pages(self, reference: str, guardian: StaffAccount) -> None:
        """Serve the app and both baselines at once; press each page in turn with them."""
        baseline_scenario = baseline_scenarios(reference)
        with ExitStack() as stack:
            servers = {
                name: stack.enter_context(
                    self.serve(name, BASELINE_APPS[name], baseline_scenario[name].path)
                )
                for name in BASELINES
            }
            servers[APP] = stack.enter_context(self.serve(APP, "wsgi:app", "/healthz"))
            baselines = [Target(servers[name].port, baseline_scenario[name]) for name in BASELINES]
            context = PageContext(
                case_reference=reference,
                quarter=self.quarter,
                guardian_cookies=self.signed_in(servers[APP].port, guardian),
            )
            for scenario in page_scenarios(context):
                self.measure_page(Target(servers[APP].port, scenario), baselines)
            for name, server in servers.items():
                self.results.memory_mb[name] = max(server.peak_worker_memory_mb())

    def signed_in(self, port: int, account: StaffAccount) -> dict[str, str]:
        """Return a signed-in session's cookies, or none (with a note) if sign-in fails."""
        try:
            return sign_in(port, account)
        except LoadError as error:
            self.results.notes.append(f"could not sign in as {account.role}: {error}")
            return {}

    def measure_page(self, page: Target, baselines: list[Target]) -> None:
        """Press a page, taking turns with the baselines, if it answers; else say why not."""
        name = page.scenario.name
        problem = unavailable(page)
        if problem:
            self.results.notes.append(f"{name} not measured: {problem}")
            return
        self.progress(f"page: {name}")
        try:
            *baseline_results, result = measure(self.plan, [*baselines, page])
        except LoadError as error:
            self.results.notes.append(f"{name} not measured: {error}")
            return
        self.results.pages.append(
            PageResult(
                page=result,
                baselines={found.scenario: found for found in baseline_results},
            )
        )
        if result.errors > result.requests * MAX_ERROR_SHARE:
            self.results.notes.append(
                f"{name}: {result.errors} of {result.requests} requests failed "
                f"(statuses {result.statuses})"
            )

    def measure_operations(self) -> None:
        """Time the SELECT baseline, key rotation, backup, restore and the national return."""
        self.progress("timing operations")
        self.results.operations_baseline_seconds = time_indexed_selects(
            self.environment.database_url
        )
        rotated = self.environment.with_new_master_key()
        if self.attempt("rotate keys", lambda: rotated.timed_flask("keys", "rotate")):
            self.environment = rotated
        backup = self.folder / "fts.backup"
        quarter = self.quarter
        self.attempt(
            "back up", lambda: self.environment.timed_flask("backup", "create", str(backup))
        )
        if backup.exists():
            self.attempt("restore", lambda: timed_restore(self.environment, backup, self.folder))
        self.attempt(
            f"national return {quarter}",
            lambda: self.environment.timed_flask(
                "reports",
                "national-return",
                "--quarter",
                quarter,
                output=self.folder / "national-return.csv",
            ),
        )

    def time_operation(self, name: str, *arguments: str) -> None:
        """Time one command that must succeed."""
        self.results.operations[name] = self.environment.timed_flask(*arguments)

    def attempt(self, name: str, operation: Callable[[], float]) -> bool:
        """Time an operation; if the command fails, note why and carry on."""
        self.progress(f"operation: {name}")
        try:
            self.results.operations[name] = operation()
        except CommandFailed as error:
            self.results.notes.append(f"{name} not timed: {error}")
            return False
        return True


def unavailable(target: Target) -> str | None:
    """Return why a page cannot be measured yet (it is missing or refuses), if so."""
    scenario = target.scenario
    client = Client(target.port, scenario.cookies)
    try:
        path = scenario.form_page or scenario.path
        reply = client.request("GET", path)
    finally:
        client.close()
    if reply.status == 200 or (not scenario.form_page and reply.status in scenario.expected_status):
        return None
    return f"GET {path} answered {reply.status}"


if __name__ == "__main__":
    sys.exit(main())
