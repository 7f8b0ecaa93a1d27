"""The first upload handler: a file past the largest upload bound (taizhang.limits) is cut off while it
arrives, so that neither memory nor the temporary folder holds more than that bound of it.

Such a file reaches the view as an empty :class:`OversizeFile` flagged ``oversize``; the services refuse it by
its size (``Upload.of(file, bound)``) with the bound's message, as they refuse a file just over its own bound.
"""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from taizhang import limits


class OversizeFile(UploadedFile):
    """What is left of a file cut off at the bound: its name, and the size seen so far (over the bound)."""

    oversize = True

    def __init__(self, name: str, content_type: str, seen: int):
        super().__init__(BytesIO(b""), name, content_type, seen)


class BoundedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.seen = 0
        self.limit = limits.largest_upload()

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > self.limit:
            return None  # the handlers after this one (memory, temporary file) get no more of it
        return raw_data

    def file_complete(self, file_size):
        if self.seen > self.limit:
            return OversizeFile(self.file_name, self.content_type, self.seen)
        return None  # the next handler makes the file
