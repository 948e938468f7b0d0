"""Bar charts as inline SVG, drawn on the server: no script, no outside library."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 180
LEFT, BOTTOM, TOP = 34, 22, 10


def bar_chart(
    labels: Sequence[str],
    answered: Sequence[int],
    unanswered: Sequence[int],
    *,
    title: str,
    answered_label: str,
    unanswered_label: str,
    every_label: int = 1,
) -> Markup:
    """Stacked bars (answered below, not answered above), a few gridlines, every
    `every_label`-th label under its bar; the title and a table-like <desc> for readers."""
    n = max(1, len(labels))
    top = max([a + u for a, u in zip(answered, unanswered, strict=True)] + [1])
    scale = _nice(top)
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    slot = plot_w / n
    bar = max(2.0, slot * 0.72)
    rows = [
        f"{label}: {a + u} ({a} {answered_label})"
        for label, a, u in zip(labels, answered, unanswered, strict=True)
    ]
    parts = _open(title, rows, kind="chart", size=(WIDTH, HEIGHT))
    for step in range(0, 5):
        value = scale * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>'
        )
    for i, (label, a, u) in enumerate(zip(labels, answered, unanswered, strict=True)):
        x = LEFT + i * slot + (slot - bar) / 2
        tip = f"{label}: {a} {answered_label}, {u} {unanswered_label}"
        parts.append(_stack(x, bar, plot_h * a / scale, plot_h * u / scale, tip))
        if i % every_label == 0:
            parts.append(
                f'<text class="axis" x="{x + bar / 2:.1f}" y="{HEIGHT - 6}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _stack(x: float, width: float, answered: float, unanswered: float, tip: str) -> str:
    """One bar of `bar_chart`, heights in the plot's units: answered from the base up, not
    answered on top of it (an empty part is left out), `tip` as its tooltip."""
    base = HEIGHT - BOTTOM
    parts = [f"<g><title>{escape(tip)}</title>"]
    if answered:
        parts.append(
            f'<rect class="answered" x="{x:.1f}" y="{base - answered:.1f}" '
            f'width="{width:.1f}" height="{answered:.1f}"/>'
        )
    if unanswered:
        parts.append(
            f'<rect class="unanswered" x="{x:.1f}" y="{base - answered - unanswered:.1f}" '
            f'width="{width:.1f}" height="{unanswered:.1f}"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def _nice(top: int) -> int:
    """A round upper bound for the axis: 4, 8, 20, 40, 100, ... (divisible by 4)."""
    for bound in (4, 8, 12, 20, 40, 60, 100, 200, 400, 1000):
        if top <= bound:
            return bound
    return ((top + 999) // 1000) * 1000


# The service chart: wider text than the volume charts above, read from across a room.
S_WIDTH, S_HEIGHT = 600, 210
S_LEFT, S_RIGHT, S_BOTTOM, S_TOP = 58, 12, 30, 24


def level_chart(
    labels: Sequence[str],
    levels: Sequence[float | None],
    *,
    goal: float,
    title: str,
    goal_label: str,
    none_label: str,
    every_label: int = 2,
) -> Markup:
    """Service level per bucket as bars (0-100%), the goal as a dashed line; a bar under
    the goal is marked `missed`, a bucket with no decided caller shows a dash."""
    plot_w, plot_h = S_WIDTH - S_LEFT - S_RIGHT, S_HEIGHT - S_BOTTOM - S_TOP
    slot = plot_w / max(1, len(labels))
    bar = slot * 0.7
    base = S_TOP + plot_h
    parts = _open(
        title, [f"{label}: {_pct(v, none_label)}" for label, v in zip(labels, levels, strict=True)]
    )
    for share in (0.0, 0.5, 1.0):
        y = base - plot_h * share
        parts.append(_grid(y, _pct(share, none_label)))
    goal_y = base - plot_h * goal
    parts.append(  # named in the page's legend and here for screen readers
        f'<line class="goal" x1="{S_LEFT}" x2="{S_WIDTH - S_RIGHT}" '
        f'y1="{goal_y:.1f}" y2="{goal_y:.1f}"><title>{escape(goal_label)}</title></line>'
    )
    for i, (label, level) in enumerate(zip(labels, levels, strict=True)):
        x = S_LEFT + i * slot + (slot - bar) / 2
        middle = x + bar / 2
        if level is None:
            parts.append(_text("none", middle, base - 6, "–"))
        else:
            h = plot_h * level
            kind = "missed" if level < goal else "met"
            parts.append(
                f'<rect class="{kind}" x="{x:.1f}" y="{base - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"><title>{escape(label)}: '
                f"{escape(_pct(level, none_label))}</title></rect>"
            )
        if i % every_label == 0:
            parts.append(_text("axis", middle, S_HEIGHT - 8, label))
    parts.append("</svg>")
    return Markup("".join(parts))


def wait_chart(
    labels: Sequence[str],
    means: Sequence[float | None],
    p90s: Sequence[float | None],
    *,
    title: str,
    mean_label: str,
    p90_label: str,
    none_label: str,
    every_label: int = 2,
) -> Markup:
    """Mean wait per bucket as bars, the 90th percentile as a bold tick above each; the
    axis in minutes and seconds."""
    plot_w, plot_h = S_WIDTH - S_LEFT - S_RIGHT, S_HEIGHT - S_BOTTOM - S_TOP
    slot = plot_w / max(1, len(labels))
    bar = slot * 0.7
    base = S_TOP + plot_h
    top = max([w for w in (*means, *p90s) if w is not None] + [1.0])
    scale = next((b for b in (60, 120, 180, 300, 600, 900, 1800, 3600) if top <= b), 7200)
    rows = [
        f"{label}: {mean_label} {_mmss(m, none_label)}, {p90_label} {_mmss(p, none_label)}"
        for label, m, p in zip(labels, means, p90s, strict=True)
    ]
    parts = _open(title, rows)
    for share in (0.0, 0.5, 1.0):
        parts.append(_grid(base - plot_h * share, _mmss(scale * share, none_label)))
    for i, (label, mean, high) in enumerate(zip(labels, means, p90s, strict=True)):
        x = S_LEFT + i * slot + (slot - bar) / 2
        middle = x + bar / 2
        if mean is None:
            parts.append(_text("none", middle, base - 6, "–"))
        else:
            h = plot_h * min(mean, scale) / scale
            parts.append(
                f'<rect class="mean" x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}"><title>{escape(rows[i])}</title></rect>'
            )
        if high is not None:
            y = base - plot_h * min(high, scale) / scale
            parts.append(
                f'<line class="p90" x1="{x:.1f}" x2="{x + bar:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
            )
        if i % every_label == 0:
            parts.append(_text("axis", middle, S_HEIGHT - 8, label))
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(
    title: str,
    rows: Sequence[str],
    *,
    kind: str = "chart service",
    size: tuple[int, int] = (S_WIDTH, S_HEIGHT),
) -> list[str]:
    """A chart's opening: the <svg>, its title, and its figures as a <desc> for readers."""
    width, height = size
    return [
        f'<svg class="{kind}" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape('; '.join(rows))}</desc>",
    ]


def _grid(y: float, label: str) -> str:
    return (
        f'<line class="grid" x1="{S_LEFT}" x2="{S_WIDTH - S_RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<text class="axis" x="{S_LEFT - 8}" y="{y + 5:.1f}" text-anchor="end">'
        f"{escape(label)}</text>"
    )


def _text(kind: str, x: float, y: float, value: str) -> str:
    where = f'x="{x:.1f}" y="{y:.1f}"'
    return f'<text class="{kind}" {where} text-anchor="middle">{escape(value)}</text>'


def _pct(share: float | None, none_label: str) -> str:
    return none_label if share is None else f"{share * 100:.0f}%"


def _mmss(seconds: float | None, none_label: str) -> str:
    if seconds is None:
        return none_label
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
