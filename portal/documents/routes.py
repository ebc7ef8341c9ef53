from flask import abort, send_file

from portal.core.downloads import protect
from portal.documents import bp, services


@bp.get("/documents/<int:document_id>")
def download(document_id: int):
    document = services.public_document(document_id) or abort(404)
    return protect(send_file(
        services.file_path(document),
        mimetype=document.mime_type,
        as_attachment=True,
        download_name=document.original_filename,
        max_age=3600,
    ))
