"""The report's chart: a PNG of exactly the requested size, the same bytes for the same report,
drawn without pyplot (headless, usable from the listener threads)."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.charts import report_chart_png
from tests.unit.test_report_views import period, sample_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first (and its CRC must hold)."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    header = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert crc == zlib.crc32(kind + header)
    width, height = struct.unpack(">II", header[:8])
    return width, height


def png_chunks(data: bytes) -> list[bytes]:
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        chunks.append(kind)
        offset += 12 + length
    return chunks


def test_the_chart_is_a_png_of_the_default_size():
    data = report_chart_png(sample_report())
    assert png_size(data) == (1200, 600)
    assert png_chunks(data)[-1] == b"IEND"


@pytest.mark.parametrize(("width", "height"), [(800, 400), (333, 217), (1920, 1080), (300, 200)])
def test_the_chart_has_exactly_the_requested_size(width, height):
    assert png_size(report_chart_png(sample_report(), width_px=width, height_px=height)) == (width, height)


@pytest.mark.parametrize(("width", "height"), [(299, 600), (1200, 199), (4001, 600), (1200, 4001)])
def test_a_size_out_of_bounds_is_refused(width, height):
    with pytest.raises(ValueError, match="outside"):
        report_chart_png(sample_report(), width_px=width, height_px=height)


def test_the_same_report_draws_the_same_bytes_without_a_version_or_date_inside():
    first, second = report_chart_png(sample_report()), report_chart_png(sample_report())
    assert first == second
    assert b"matplotlib" not in first.lower()
    assert b"tIME" not in png_chunks(first)


def test_charts_drawn_in_parallel_threads_are_all_whole_and_identical():
    expected = report_chart_png(sample_report())
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda _: report_chart_png(sample_report()), range(8)))
    assert all(data == expected for data in drawn)


def test_empty_long_and_oddly_named_cohorts_are_drawn():
    nothing_yet = sample_report(periods=(), current_period=0)
    not_asked = sample_report(periods=(period(1, live=2, asked=0, met=0, closed=False),))
    a_year = sample_report(
        period_count=52, periods=tuple(period(k, live=40, asked=38, met=20) for k in range(1, 53))
    )
    # "$" would start matplotlib's math text, and "\" its commands: drawn as typed.
    odd_name = sample_report(cohort_name=r"Costs $ & \frac{mentoring} _ ^ 🚀 ")
    for report in (nothing_yet, not_asked, a_year, odd_name):
        assert png_size(report_chart_png(report)) == (1200, 600)
    assert report_chart_png(nothing_yet) != report_chart_png(sample_report())


def test_drawing_never_loads_pyplot():
    code = (
        "import sys\n"
        "from bot.charts import report_chart_png\n"
        "from tests.unit.test_report_views import sample_report\n"
        "report_chart_png(sample_report())\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
