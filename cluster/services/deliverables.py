"""Deliverables of a roadmap step: check an uploaded file, store it, delete it."""

import os
import zipfile

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.utils import formats
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from cluster.models import Deliverable

# Accepted deliverables: extension → the content type they are served with.
DELIVERABLE_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "txt": "text/plain",
}
_SIGNATURES = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff",
               "jpeg": b"\xff\xd8\xff"}
_ODF = ("odt", "ods", "odp")
_OOXML = ("docx", "xlsx", "pptx")


def deliverable_extension(name):
    return os.path.splitext(name)[1].lower().lstrip(".")


def deliverable_max_bytes():
    return settings.DELIVERABLE_MAX_MB * 1024 * 1024


def _content_matches(upload, extension):
    """Return whether the file's bytes are what its extension claims."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension in _SIGNATURES:
        return head.startswith(_SIGNATURES[extension])
    if extension in _ODF + _OOXML:
        if not head.startswith(b"PK\x03\x04"):
            return False
        # Reading the zip's directory (not its members) tells an office file from any zip.
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            upload.seek(0)
        return ("mimetype" in names) if extension in _ODF else ("[Content_Types].xml" in names)
    content = upload.read()
    upload.seek(0)
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def deliverable_check_file(upload):
    """Refuse a file too large, empty, of a type not accepted, or whose bytes belie its name."""
    extension = deliverable_extension(upload.name)
    if extension not in DELIVERABLE_TYPES:
        raise DomainError(
            _("Type de fichier non accepté. Envoyez un PDF, un document bureautique (odt, ods, "
              "odp, docx, xlsx, pptx), une image (png, jpg), un tableau CSV ou un texte (txt)."),
            code="file_type", field="file")
    if upload.size > deliverable_max_bytes():
        raise DomainError(
            _("Fichier trop lourd : %(size)s Mo, pour %(max)s Mo au plus.")
            % {"size": formats.number_format(round(upload.size / 1_048_576, 1)),
               "max": settings.DELIVERABLE_MAX_MB},
            code="file_too_large", field="file")
    if upload.size == 0:
        raise DomainError(_("Le fichier est vide."), code="file_empty", field="file")
    if not _content_matches(upload, extension):
        raise DomainError(
            _("Le contenu du fichier ne correspond pas à son extension .%(extension)s : "
              "enregistrez-le à nouveau depuis son logiciel, puis déposez-le.")
            % {"extension": extension},
            code="file_content", field="file")


def deliverable_file_name(name):
    """Return a file name safe to store: no path, no odd characters, a bounded length."""
    stem, extension = os.path.splitext(os.path.basename(name.replace("\\", "/")))
    try:
        stem = get_valid_filename(stem)[:100]
    except SuspiciousFileOperation:
        stem = "livrable"
    return f"{stem}{extension.lower()}"


def deliverable_add(*, step, title, upload, by):
    """Store a file produced by a step, once checked (size, type and leading bytes)."""
    deliverable_check_file(upload)
    deliverable = Deliverable(step=step, title=title, size=upload.size, uploaded_by=by)
    deliverable.file.save(deliverable_file_name(upload.name), upload, save=False)
    try:
        with transaction.atomic():
            deliverable.save()
    except Exception:
        deliverable.file.delete(save=False)
        raise
    return deliverable


def deliverable_delete(*, deliverable):
    """Delete the deliverable and, once that is committed, its file."""
    storage, name = deliverable.file.storage, deliverable.file.name
    with transaction.atomic():
        deliverable.delete()
        transaction.on_commit(lambda: storage.delete(name))
