"""Stored files go out through views that checked who asks, never through MEDIA_URL."""

from django.http import FileResponse, Http404


def stored_file_response(field_file, *, filename, content_type, missing_message,
                         as_attachment=True, private=True):
    """Stream a stored file, never sniffed by the browser; 404 with `missing_message` when
    the file is gone from storage. `private` files are never kept by shared caches."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404(missing_message) from None
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
