"""Serving a stored file after the caller's own access check (ADR 0026).

On the file system the file is streamed from disk. In object storage it is either streamed
from the store in chunks (STORAGE_DOWNLOADS=stream, the default: the store may sit on a
private network) or answered with a redirect to a URL signed for STORAGE_URL_SECONDS
(=redirect). Never is a whole file read into the web process. The view decides who may
download before it calls this: an out-of-scope id is a 404 there, whatever the storage.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK_BYTES = 64 * 1024


def file_response(name: str, *, filename: str, content_type: str, storage=None):
    """A download of the stored file ``name`` as ``filename``."""
    from storages.backends.s3 import S3Storage  # boto3 loads on the first download only

    storage = storage or default_storage
    if not isinstance(storage, S3Storage):
        return FileResponse(
            storage.open(name, "rb"), as_attachment=True, filename=filename,
            content_type=content_type,
        )  # fmt: skip
    disposition = content_disposition_header(True, filename)
    if settings.STORAGE_DOWNLOADS == "redirect":
        response = HttpResponseRedirect(
            storage.url(
                name,
                parameters={
                    "ResponseContentDisposition": disposition,
                    "ResponseContentType": content_type,
                },
                expire=settings.STORAGE_URL_SECONDS,
            )
        )
    else:
        found = storage.connection.meta.client.get_object(
            Bucket=storage.bucket_name, Key=storage._normalize_name(name)
        )
        response = StreamingHttpResponse(_chunks(found["Body"]), content_type=content_type)
        response["Content-Length"] = str(found["ContentLength"])
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response


def _chunks(body):
    """The object's bytes CHUNK_BYTES at a time; the connection is let go when the response
    closes, read to the end or not."""
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()
