"""Export files in a private S3 bucket (template.yaml's ExportFilesBucket: encrypted with the
data key, public access blocked, files deleted after a day). A file is one PutObject, so it
appears whole or not at all; the caller downloads it through a presigned GET that lasts
minutes and saves it under the export's name."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from careroute.adapters.aws_client import AwsClient
from careroute.adapters.dynamodb.errors import BOTO_ERRORS, storage_errors
from careroute.adapters.export_files import export_file
from careroute.domain.export_jobs import ExportFormat, WrittenFile

if TYPE_CHECKING:
    from careroute.service_layer.export_tables import ExportTable


class S3ExportFiles(AwsClient):
    service = "s3"

    def __init__(self, bucket: str, client: Any = None) -> None:
        super().__init__(client)
        self.bucket = bucket

    @cached_property
    def _client(self) -> Any:
        """Signature version 4: what a presigned link to a KMS-encrypted object needs."""
        import boto3
        from botocore.config import Config

        return self._given_client or boto3.client("s3", config=Config(signature_version="s3v4"))

    def store(self, key: str, table: ExportTable, kind: ExportFormat) -> WrittenFile:
        written = export_file(table, kind)
        with storage_errors("store an export file", BOTO_ERRORS):
            self._client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=written.body,
                ContentType=written.content_type,
                ContentDisposition=written.disposition,
            )
        return WrittenFile(key, written.file_name, len(table.rows), len(written.body))

    def link(self, file: WrittenFile, lifetime: timedelta) -> str:
        with storage_errors("sign a link to an export file", BOTO_ERRORS):
            url: str = self._client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": file.key,
                    "ResponseContentDisposition": f'attachment; filename="{file.name}"',
                },
                ExpiresIn=int(lifetime.total_seconds()),
            )
        return url
