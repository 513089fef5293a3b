import html


def page_text(response):
    """Return the page as a person reads it: HTML entities decoded (l&#x27;acteur → l'acteur)."""
    return html.unescape(response.content.decode())
