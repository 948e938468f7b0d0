"""The dashboard's service charts, drawn on the server: what a supervisor reads off them."""

from __future__ import annotations

import re

from hotline.web.supervisor.charts import level_chart, wait_chart

HOURS = ["20:00", "21:00", "22:00", "23:00"]


def _bars(svg: str, kind: str) -> list[float]:
    """Heights of the bars of one kind, left to right."""
    return [float(h) for h in re.findall(rf'<rect class="{kind}" [^>]*height="([\d.]+)"', svg)]


def test_an_hour_under_the_goal_is_marked_and_an_hour_without_calls_shows_a_dash() -> None:
    svg = level_chart(
        HOURS,
        [1.0, 0.5, None, 0.8],
        goal=0.8,
        title="Answered within target, by hour",
        goal_label="goal 80%",
        none_label="no calls",
    )
    met, missed = _bars(svg, "met"), _bars(svg, "missed")
    assert len(met) == 2 and len(missed) == 1  # 100% and 80% meet an 80% goal; 50% does not
    assert missed[0] == met[0] / 2
    assert svg.count(">–</text>") == 1
    assert '<line class="goal"' in svg and "<title>goal 80%</title>" in svg
    assert "<desc>20:00: 100%; 21:00: 50%; 22:00: no calls; 23:00: 80%</desc>" in svg
    assert re.findall(r'class="axis"[^>]*text-anchor="middle">([^<]+)<', svg) == [
        "20:00",
        "22:00",
    ]  # every other hour


def test_the_wait_axis_is_rounded_up_to_minutes_and_the_90th_percentile_stands_above() -> None:
    svg = wait_chart(
        HOURS,
        [30.0, 150.0, None, 10.0],
        [60.0, 250.0, None, 10.0],
        title="Wait in the queue, by hour",
        mean_label="mean",
        p90_label="90 in 100 less than",
        none_label="no calls",
    )
    assert re.findall(r'text-anchor="end">(\d+:\d\d)</text>', svg) == ["0:00", "2:30", "5:00"]
    means = _bars(svg, "mean")
    assert len(means) == 3 and means[1] == means[0] * 5
    assert svg.count('<line class="p90"') == 3
    assert "21:00: mean 2:30, 90 in 100 less than 4:10" in svg


def test_labels_are_escaped() -> None:
    svg = level_chart(
        ["<b>"], [0.9], goal=0.8, title="a & b", goal_label="g", none_label="-", every_label=1
    )
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    assert "a &amp; b" in svg
