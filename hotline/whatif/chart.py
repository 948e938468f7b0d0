"""The what-if chart: one self-contained HTML file with inline SVG (no scripts, no downloads).

Two panels: the mean wait by local hour of the day with Erlang C's line over it, and the
service level of each tier beside Erlang C's and the target share.
"""

from __future__ import annotations

from html import escape

from hotline.whatif.report import Report
from hotline.whatif.text import percent, render

SERVICE_TARGET = 0.8  # share of calls answered within the tier's answer_within
WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 760, 300, 60, 30, 50
SIM, ERLANG, TARGET = "#3b6ea8", "#d1495b", "#555"


def _text(x: float, y: float, words: str, size: int = 11, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}">'
        f"{escape(words)}</text>"
    )


def _axis(top: float, label: str, ticks: list[tuple[float, str]]) -> list[str]:
    bottom = HEIGHT - BOTTOM
    out = [f'<line x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{bottom}" stroke="#999"/>']
    out.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - 10}" y2="{bottom}" stroke="#999"/>')
    for y, words in ticks:
        out.append(f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" '
                   'stroke="#eee"/>')  # fmt: skip
        out.append(_text(LEFT - 6, y + 4, words, 10, "end"))
    out.append(_text(14, top - 10, label, 11, "start"))
    return out


def waits_by_hour(report: Report) -> str:
    hours = report.hours
    sim = [h.mean_wait or 0.0 for h in hours]
    erlang = [h.erlang_mean_wait for h in hours]
    top_value = max([*sim, 1.0])
    finite = [e for e in erlang if e is not None]
    scale_max = max(top_value, min(max(finite, default=0.0), 4 * top_value)) * 1.1
    bottom, span = HEIGHT - BOTTOM, HEIGHT - BOTTOM - TOP
    step = (WIDTH - 10 - LEFT) / 24

    def y(value: float) -> float:
        return bottom - span * min(value, scale_max) / scale_max

    ticks = [(y(scale_max * i / 4), f"{scale_max * i / 4:.0f} s") for i in range(5)]
    parts = _axis(TOP, "mean wait (s), by local hour of arrival", ticks)
    for i, h in enumerate(hours):
        x = LEFT + i * step
        parts.append(
            f'<rect x="{x + 3:.1f}" y="{y(sim[i]):.1f}" width="{step - 6:.1f}" '
            f'height="{bottom - y(sim[i]):.1f}" fill="{SIM}"><title>{h.hour:02d}:00 '
            f"{h.calls} calls, mean wait {sim[i]:.0f} s</title></rect>"
        )
        parts.append(_text(x + step / 2, bottom + 14, f"{h.hour:02d}", 10))
        parts.append(_text(x + step / 2, bottom + 27, f"{h.agents:.1f}", 9))
    points: list[str] = []
    runs: list[list[str]] = []
    for i, value in enumerate(erlang):
        if value is None:
            if points:
                runs.append(points)
            points = []
            continue
        cx, cy = LEFT + (i + 0.5) * step, y(value)
        points.append(f"{cx:.1f},{cy:.1f}")
        if value > scale_max:
            parts.append(_text(cx, cy - 4, "↑", 12))
    runs.append(points)
    for run in runs:
        if run:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{ERLANG}" '
                'stroke-width="2"/>'
            )
    parts.append(_text(LEFT - 6, bottom + 27, "on shift", 9, "end"))
    return _svg("Waits by hour", parts)


def service_by_tier(report: Report) -> str:
    tiers = [*report.tiers, report.overall]
    bottom, span = HEIGHT - BOTTOM, HEIGHT - BOTTOM - TOP

    def y(share: float) -> float:
        return bottom - span * share

    parts = _axis(TOP, "answered within target", [(y(i / 4), f"{25 * i}%") for i in range(5)])
    step = (WIDTH - 10 - LEFT) / len(tiers)
    for i, t in enumerate(tiers):
        x, sl = LEFT + i * step, t.service_level or 0.0
        parts.append(
            f'<rect x="{x + step * 0.25:.1f}" y="{y(sl):.1f}" width="{step * 0.5:.1f}" '
            f'height="{bottom - y(sl):.1f}" fill="{SIM}"><title>{escape(t.tier)}: '
            f"{percent(t.service_level)}</title></rect>"
        )
        if t.erlang_service_level is not None:
            ey = y(t.erlang_service_level)
            parts.append(
                f'<line x1="{x + step * 0.18:.1f}" y1="{ey:.1f}" x2="{x + step * 0.82:.1f}" '
                f'y2="{ey:.1f}" stroke="{ERLANG}" stroke-width="3"/>'
            )
        parts.append(_text(x + step / 2, y(sl) - 6, percent(t.service_level)))
        within = f"within {t.target} s" if t.target is not None else "each its own"
        parts.append(_text(x + step / 2, bottom + 14, t.tier, 11))
        parts.append(_text(x + step / 2, bottom + 27, within, 9))
    ty = y(SERVICE_TARGET)
    parts.append(
        f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - 10}" y2="{ty:.1f}" stroke="{TARGET}" '
        'stroke-dasharray="6 4"/>'
    )
    parts.append(_text(LEFT + 4, ty - 4, f"target {SERVICE_TARGET:.0%}", 10, "start"))
    return _svg("Service level by tier", parts)


def _svg(title: str, parts: list[str]) -> str:
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">\n'
        f"<title>{escape(title)}</title>\n{body}\n</svg>"
    )


def chart_html(report: Report, *, rules_file: str = "", roster_file: str = "") -> str:
    legend = (
        f'<p><span style="color:{SIM}">■</span> simulated &nbsp; '
        f'<span style="color:{ERLANG}">━</span> Erlang C, all counselors on shift pooled '
        "(↑: off the scale) &nbsp; - - target</p>"
    )
    summary = escape(render(report, rules_file=rules_file, roster_file=roster_file))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Hotline what-if simulation</title>\n"
        "<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
        "pre{font-size:12px;background:#f6f6f6;padding:1em;overflow-x:auto}</style>\n"
        "</head>\n<body>\n<h1>What-if simulation</h1>\n"
        f"{legend}\n<h2>Waits by hour</h2>\n{waits_by_hour(report)}\n"
        f"<h2>Service level by tier</h2>\n{service_by_tier(report)}\n"
        f"<h2>Report</h2>\n<pre>{summary}</pre>\n</body>\n</html>\n"
    )
