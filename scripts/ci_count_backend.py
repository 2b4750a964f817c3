"""Count the passed test cases of one database backend in a JUnit XML file."""

import sys
import xml.etree.ElementTree as ElementTree


def passed_on(junit_path: str, backend: str) -> int:
    """Return how many test cases whose id names the backend passed."""
    tree = ElementTree.parse(junit_path)  # noqa: S314
    passed = 0
    for case in tree.iter("testcase"):
        outcome_tags = {child.tag for child in case}
        if f"[{backend}" in case.get("name", "") and not outcome_tags & {
            "failure",
            "error",
            "skipped",
        }:
            passed += 1
    return passed


if __name__ == "__main__":
    print(passed_on(sys.argv[1], sys.argv[2]))
