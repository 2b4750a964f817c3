"""Reading a worker's peak memory out of its /proc status."""

from __future__ import annotations

import pytest

from benchmarks.server import parse_peak_resident_mb

STATUS = """Name:\tgunicorn
VmPeak:\t  300000 kB
VmHWM:\t  153600 kB
VmRSS:\t  120000 kB
"""


def test_peak_memory_is_the_high_water_mark_in_megabytes() -> None:
    assert parse_peak_resident_mb(STATUS) == pytest.approx(150.0)


def test_a_status_without_a_high_water_mark_is_refused() -> None:
    with pytest.raises(ValueError, match="VmHWM"):
        parse_peak_resident_mb("Name:\tgunicorn\n")
