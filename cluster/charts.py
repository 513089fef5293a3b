"""Charts drawn on the server as SVG: sharp in a PDF, readable without JavaScript.

Each function returns an <svg> element as safe HTML. Every piece of text in it
(titles of objectives, names of funders) is escaped here, and every figure is
also written out as text beside its bar: the chart never relies on colour alone.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cluster import frenchtext as fr

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
TRACK = "#e5e7eb"
BAR = "#1d4e89"
DONE = "#2f7d4f"
# Distinct, print-safe colours for the parts of a breakdown (colour-blind friendly order).
PALETTE = ["#1d4e89", "#e08a1e", "#2f7d4f", "#8e3b8a", "#c0392b", "#4b8bbe", "#7f8c8d",
           "#b8860b"]
WIDTH = 640


def _text(x, y, content, *, size=11, weight="normal", anchor="start", fill=INK):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
            f'font-weight="{weight}" text-anchor="{anchor}" fill="{fill}">'
            f"{escape(content)}</text>")


def wrap(text, width):
    """Split a label into lines of at most `width` characters, between words when it can:
    a long défi title or funder name is shown whole, never cut with "…"."""
    lines, line = [], ""
    for word in str(text).split():
        while len(word) > width:  # a word longer than a line (an address): split it
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines or [""]


def _svg(height, title, body):
    return mark_safe(  # noqa: S308 - every text escaped by _text and below
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} '
        f'{height:.0f}" width="100%" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _share(value):
    amount = fr.to_decimal(value)
    if amount is None:
        return None
    return max(Decimal(0), min(Decimal(1), amount))


def progress_chart(challenges, *, title):
    """Horizontal bars of the objectives' progress from baseline to target, by défi.

    `challenges` is the snapshot's list: [{"title", "objectives": [{"title",
    "progress", "latest_value", "target", "unit"}]}].
    """
    body, y = [], 0.0
    bar_width = WIDTH - 70
    for challenge in challenges:
        if not challenge["objectives"]:
            continue
        for line in wrap(challenge["title"], 90):
            y += 16
            body.append(_text(0, y, line, size=12, weight="bold"))
        y += 4
        for objective in challenge["objectives"]:
            share = _share(objective.get("progress"))
            label = objective["title"]
            if objective.get("latest_value") is not None:
                label += (f" — {fr.number(objective['latest_value'])} / "
                          f"{fr.number(objective['target'])} {objective['unit']}")
            for line in wrap(label, 100):
                y += 14
                body.append(_text(0, y, line, size=10, fill=INK))
            y += 6
            body.append(f'<rect x="0" y="{y:.1f}" width="{bar_width}" height="10" rx="3" '
                        f'fill="{TRACK}"/>')
            if share:
                colour = DONE if share >= 1 else BAR
                body.append(f'<rect x="0" y="{y:.1f}" width="{bar_width * float(share):.1f}" '
                            f'height="10" rx="3" fill="{colour}"/>')
            body.append(_text(WIDTH, y + 9, fr.percent(share) if share is not None
                              else _("non mesuré"), size=10, weight="bold", anchor="end",
                              fill=INK if share is not None else MUTED))
            y += 14
    if not body:
        return ""
    return _svg(y + 4, title, body)


def _legend(parts, colours, y):
    """Legend items laid out on as many lines as needed; return (elements, height)."""
    body, x, top, row_height = [], 0.0, float(y), 16
    for index, part in enumerate(parts):
        lines = wrap(f"{part['label']} {fr.percentage(part['percent'])} "
                     f"({fr.money(part['amount'])})", 100)
        width = 16 + max(len(line) for line in lines) * 5.6 + 14
        if x + width > WIDTH and x > 0:
            x, top, row_height = 0.0, top + row_height, 16
        row_height = max(row_height, 16 + (len(lines) - 1) * 12)
        body.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="10" height="10" '
                    f'fill="{colours[index % len(colours)]}"/>')
        for number, line in enumerate(lines):
            body.append(_text(x + 14, top + 9 + number * 12, line, size=9.5))
        x += width
    return body, top + row_height - y


def breakdown_chart(rows, *, title):
    """Stacked 100 % bars, one per breakdown of the funding mix, each with its legend.

    `rows` is [(row title, [{"label", "amount", "percent"}])]; parts worth nothing are
    left out of the bar but kept in no legend either.
    """
    body, y = [], 0.0
    for row_title, parts in rows:
        parts = [part for part in parts if fr.to_decimal(part["amount"])]
        if not parts:
            continue
        total = sum(fr.to_decimal(part["amount"]) for part in parts)
        y += 14
        body.append(_text(0, y, row_title, size=11, weight="bold"))
        y += 6
        x = 0.0
        for index, part in enumerate(parts):
            width = float(fr.to_decimal(part["amount"]) / total) * WIDTH
            colour = PALETTE[index % len(PALETTE)]
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="18" '
                        f'fill="{colour}"/>')
            if width > 44:
                body.append(_text(x + width / 2, y + 13, f"{part['percent']}{fr.NBSP}%",
                                  size=10, weight="bold", anchor="middle", fill="#ffffff"))
            x += width
        y += 24
        legend, height = _legend(parts, PALETTE, y)
        body += legend
        y += height + 6
    if not body:
        return ""
    return _svg(y, title, body)


def years_chart(years, *, title):
    """For each year of the plan: the budget, and the money secured and still uncertain.

    `years` is the snapshot's [{"year", "budget", "secured", "uncertain"}].
    """
    if not years:
        return ""
    largest = max(max(fr.to_decimal(year["budget"]) or 0,
                      (fr.to_decimal(year["secured"]) or 0)
                      + (fr.to_decimal(year["uncertain"]) or 0)) for year in years)
    if not largest:
        return ""
    label_width, bar_width = 54, WIDTH - 54
    body, y = [], 4.0
    for year in years:
        budget = fr.to_decimal(year["budget"]) or 0
        secured = fr.to_decimal(year["secured"]) or 0
        uncertain = fr.to_decimal(year["uncertain"]) or 0
        scale = bar_width / float(largest)
        body.append(_text(0, y + 20, str(year["year"]), size=12, weight="bold"))
        body.append(f'<rect x="{label_width}" y="{y:.1f}" width="{float(budget) * scale:.1f}" '
                    f'height="12" fill="none" stroke="{MUTED}" stroke-width="1.2" '
                    'stroke-dasharray="3 2"/>')
        body.append(f'<rect x="{label_width}" y="{y + 14:.1f}" '
                    f'width="{float(secured) * scale:.1f}" height="12" fill="{DONE}"/>')
        body.append(f'<rect x="{label_width + float(secured) * scale:.1f}" y="{y + 14:.1f}" '
                    f'width="{float(uncertain) * scale:.1f}" height="12" fill="#9bc4a8"/>')
        body.append(_text(label_width, y + 40,
                          _("budget %(budget)s · acquis %(secured)s · en attente %(uncertain)s")
                          % {"budget": fr.money(budget), "secured": fr.money(secured),
                             "uncertain": fr.money(uncertain)}, size=9.5, fill=INK))
        y += 50
    legend = [
        f'<rect x="0" y="{y:.1f}" width="14" height="10" fill="none" stroke="{MUTED}" '
        'stroke-dasharray="3 2"/>', _text(18, y + 9, _("budget"), size=9.5),
        f'<rect x="80" y="{y:.1f}" width="10" height="10" fill="{DONE}"/>',
        _text(94, y + 9, _("acquis (accordé ou versé)"), size=9.5),
        f'<rect x="250" y="{y:.1f}" width="10" height="10" fill="#9bc4a8"/>',
        _text(264, y + 9, _("en attente (envisagé ou demandé)"), size=9.5),
    ]
    return _svg(y + 16, title, body + legend)


def bars_chart(rows, *, title):
    """Horizontal bars, one per row, each with its figure written beside it.

    `rows` is [(label, value, text)]: `value` sets the bar's length (every row in the same
    unit), `text` is the figure as the reader sees it.
    """
    rows = [(label, fr.to_decimal(value) or Decimal(0), text) for label, value, text in rows]
    largest = max((value for _label, value, _text in rows), default=0)
    if not rows or largest <= 0:
        return ""
    label_width, text_width = 210, 110
    bar_width = WIDTH - label_width - text_width
    body, y = [], 2.0
    for label, value, text in rows:
        # A long label wraps under itself, whole, beside its bar.
        lines = wrap(label, 34)
        for index, line in enumerate(lines):
            body.append(_text(0, y + 11 + 13 * index, line, size=10.5))
        body.append(f'<rect x="{label_width}" y="{y:.1f}" width="{bar_width}" height="14" '
                    f'rx="2" fill="{TRACK}"/>')
        if value > 0:
            body.append(f'<rect x="{label_width}" y="{y:.1f}" '
                        f'width="{bar_width * float(value / largest):.1f}" height="14" rx="2" '
                        f'fill="{BAR}"/>')
        body.append(_text(WIDTH, y + 11, text, size=10.5, weight="bold", anchor="end"))
        y += max(20, 13 * len(lines) + 7)
    return _svg(y + 2, title, body)
