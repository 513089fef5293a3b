"""The request bodies the API reads: bounded in size and depth, never a NUL character.

JSON must be an object (every operation takes one), nested at most `MAX_JSON_DEPTH`
levels; forms and JSON alike refuse the NUL character, which PostgreSQL cannot store or
compare and which no person types. Each refusal is a 4xx in the API's error shape.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_JSON_DEPTH = 32

NULL_CHARACTER = _("La requête contient un caractère nul (\\u0000) : retirez-le.")


def refuse_null_characters(values):
    """Raise a 400 if one of the strings contains a NUL character."""
    if any("\x00" in value for value in values if isinstance(value, str)):
        raise ParseError(NULL_CHARACTER, code="null_character")


def _read_bounded(stream):
    """Read the body, never more than Django's DATA_UPLOAD_MAX_MEMORY_SIZE (then 413)."""
    if stream is None:
        return b""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise RequestDataTooBig(_("Le corps de la requête dépasse la taille permise."))
    return body


def _check_json(data):
    """Walk the parsed JSON without recursion: refuse deep nesting and NUL characters."""
    if not isinstance(data, dict):
        raise ParseError(_("Le corps de la requête doit être un objet JSON ({…})."),
                         code="not_an_object")
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
            refuse_null_characters(value.keys())
        elif isinstance(value, list):
            children = value
        else:
            refuse_null_characters([value])
            continue
        if depth > MAX_JSON_DEPTH:
            raise ParseError(
                _("Le JSON envoyé est imbriqué sur plus de %(depth)s niveaux.")
                % {"depth": MAX_JSON_DEPTH}, code="too_deep")
        pending.extend((child, depth + 1) for child in children)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        body = _read_bounded(stream)
        try:
            data = json.loads(body.decode(encoding),
                              parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(
                _("Le JSON envoyé est imbriqué sur plus de %(depth)s niveaux.")
                % {"depth": MAX_JSON_DEPTH}, code="too_deep") from None
        except ValueError as error:
            raise ParseError(_("Le corps de la requête n'est pas un JSON valide : %(error)s.")
                             % {"error": error}, code="parse_error") from None
        _check_json(data)
        return data


class _BoundedStream:
    def __init__(self, stream):
        self.stream = stream

    def read(self, *args):
        return _read_bounded(self.stream)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(_BoundedStream(stream), media_type, parser_context)
        for key, values in data.lists():
            refuse_null_characters([key, *values])
        return data


class MultiPartParser(parsers.MultiPartParser):
    # Django's multipart parser bounds the fields by itself (RequestDataTooBig).
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        for key, values in result.data.lists():
            refuse_null_characters([key, *values])
        refuse_null_characters(upload.name for upload in result.files.values())
        return result
