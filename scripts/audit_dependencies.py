"""Fail on any known vulnerability in the installed dependencies (pip-audit).

Where the vulnerability service cannot be reached, say so plainly rather than pass in silence.
"""

from __future__ import annotations

import json
import subprocess
import sys


def audit() -> dict:
    """Run pip-audit over this environment and return its JSON report."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--skip-editable",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        print(
            result.stderr.strip().splitlines()[-1]
            if result.stderr.strip()
            else "pip-audit gave no report"
        )
        return {"dependencies": []}


def main() -> int:
    """Print a summary; exit 1 when a vulnerability is known."""
    dependencies = audit().get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    unaudited = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"VULNERABLE {dependency['name']} {dependency['version']}: {ids}")
    audited = len(dependencies) - len(unaudited)
    print(
        f"pip-audit: {audited} packages audited, {len(vulnerable)} vulnerable, "
        f"{len(unaudited)} not audited"
    )
    if dependencies and audited == 0:
        print("WARNING: the vulnerability service could not be reached; nothing was audited.")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
