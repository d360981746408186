"""What keeps a coach's workbooks off the disk and out of error reports.

Workbooks hold personal data: they are handled in memory and forgotten when the
request ends. Django writes an upload over 2.5 MB to a temporary file unless only a
memory handler is configured, and its memory handler then silently drops a file that
is larger than FILE_UPLOAD_MAX_MEMORY_SIZE. This handler keeps every file in memory
up to the size limit and only counts the rest, so the form can say "too large" and no
byte of it ever touches the disk.
"""

from __future__ import annotations

import logging
import traceback
from io import BytesIO

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.views.debug import SafeExceptionReporterFilter

from pipeline.publish.formatting import number

MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_FILES = 3
# The whole request: three files at the limit and the form around them.
MAX_REQUEST_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024


def megabytes(size: int) -> str:
    """'12,3 MB': a file's size as the page says it."""
    return f"{number(round(size / (1024 * 1024), 1))} MB"


class InMemoryUploadHandler(FileUploadHandler):
    """Every uploaded file in memory (at most MAX_FILE_BYTES + 1 bytes of it kept)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = BytesIO()
        self.kept = 0
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        room = MAX_FILE_BYTES + 1 - self.kept
        if room > 0:
            self.file.write(raw_data[:room])
            self.kept += min(room, len(raw_data))
        return None

    def file_complete(self, file_size):
        """The file, with its real size: larger than what is kept when it was too large."""
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class NoExceptionText(logging.Filter):
    """A logged traceback without the exception's message: the message may quote a cell
    of a workbook (pandas and the readers put values in theirs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            record.exc_text = (
                "Traceback (most recent call last):\n"
                + "".join(traceback.format_tb(trace))
                + f"{kind.__module__}.{kind.__qualname__} (meddelandet loggas inte)"
            )
        return True


class NoContentsReporterFilter(SafeExceptionReporterFilter):
    """Error reports without form values or local variables (a workbook may be one)."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return []


def request_size_limit(get_response):
    """Middleware: a request larger than three full workbooks is answered before its body
    is read (the HTTPS proxy in front should refuse it first; see README)."""
    from django.shortcuts import render

    def middleware(request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > MAX_REQUEST_BYTES:
            response = render(
                request,
                "413.html",
                {"size": megabytes(size), "max_mb": MAX_FILE_MB, "max_files": MAX_FILES},
                status=413,
            )
            response["Connection"] = "close"
            return response
        return get_response(request)

    return middleware
