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
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        "<desc>"
        + escape(
            "; ".join(
                f"{label}: {a + u} ({a} {answered_label})"
                for label, a, u in zip(labels, answered, unanswered, strict=True)
            )
        )
        + "</desc>",
    ]
    for step in range(0, 5):
        value = scale * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>'
        )
    for i, (label, a, u) in enumerate(zip(labels, answered, unanswered, strict=True)):
        x = LEFT + i * slot + (slot - bar) / 2
        h_a = plot_h * a / scale
        h_u = plot_h * u / scale
        base = TOP + plot_h
        tip = escape(f"{label}: {a} {answered_label}, {u} {unanswered_label}")
        parts.append(f"<g><title>{tip}</title>")
        if a:
            parts.append(
                f'<rect class="answered" x="{x:.1f}" y="{base - h_a:.1f}" '
                f'width="{bar:.1f}" height="{h_a:.1f}"/>'
            )
        if u:
            parts.append(
                f'<rect class="unanswered" x="{x:.1f}" y="{base - h_a - h_u:.1f}" '
                f'width="{bar:.1f}" height="{h_u:.1f}"/>'
            )
        parts.append("</g>")
        if i % every_label == 0:
            parts.append(
                f'<text class="axis" x="{x + bar / 2:.1f}" y="{HEIGHT - 6}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _nice(top: int) -> int:
    """A round upper bound for the axis: 4, 8, 20, 40, 100, ... (divisible by 4)."""
    for bound in (4, 8, 12, 20, 40, 60, 100, 200, 400, 1000):
        if top <= bound:
            return bound
    return ((top + 999) // 1000) * 1000
