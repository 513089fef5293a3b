"""Renderers of the API's files (PDF, XLSX, CSV): the bytes as they are, errors in JSON.

Listed after JSONRenderer on each action that sends a file: a client that asks for the
file's type by its Accept header is served, and an error (a dict) still goes out as JSON,
under `application/json`, as the schema declares it.
"""

from rest_framework import renderers


class FileRenderer(renderers.BaseRenderer):
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, str)):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = renderers.JSONRenderer.media_type
        return renderers.JSONRenderer().render(data)


class CsvRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XlsxRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"
