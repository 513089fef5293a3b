import html


def page_text(response):
    """Return the page as a person reads it: HTML entities decoded (l&#x27;acteur → l'acteur)."""
    return html.unescape(response.content.decode())


def as_role(client, people, role):
    """Sign `client` in as `people[role]` (the `cast` fixture, or more), unless "anonymous".

    Return the client, to chain a request: `as_role(client, cast, "staff").get(url)`.
    """
    if role != "anonymous":
        client.force_login(people[role])
    return client
