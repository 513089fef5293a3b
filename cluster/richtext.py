"""Markdown written by people, turned into HTML that is safe to show anywhere.

Python-Markdown passes raw HTML through, so its output is never trusted: nh3
(the Rust ammonia sanitiser) keeps only the tags below, drops scripts with their
content, every event handler and style, and any link that is not http(s) or
mailto. Headings are shifted down two levels so that a "# Titre" in a section
never competes with the document's own titles.
"""

import re

import markdown
import nh3
from django.utils.safestring import mark_safe

from cluster.frenchtext import typography

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "del", "ins", "sup", "sub", "code", "pre",
    "blockquote", "ul", "ol", "li", "h3", "h4", "h5", "h6", "hr", "a", "abbr",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"},
                      "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_LENGTH = 20_000

_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def _shift_heading(match):
    return f"<{match.group(1)}h{min(6, int(match.group(2)) + 2)}"


def render_markdown(text):
    """Return the Markdown text as sanitised HTML, with French typography, marked safe."""
    if not text or not text.strip():
        return mark_safe("")  # noqa: S308 - an empty string
    html = markdown.markdown(typography(text), extensions=["extra", "sane_lists"],
                             output_format="html")
    html = _HEADING.sub(_shift_heading, html)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
