"""Writes Iceberg delete files the way engines do, and reads rewritten ones back, as the tests' judge.

Usage: python delete_files.py make|read <dir>; prints one JSON object.
  make  position-delete Parquet files with pyarrow in the layouts writers use (dictionary or plain,
        data page v1 or v2, delta and byte-stream-split encodings, each codec, several row groups,
        optional columns), and a deletion-vector Puffin file (format v3) with pyroaring
  read  every *.parquet and *.puffin under <dir>/out, as pyarrow and PyIceberg see them
"""

import json
import os
import struct
import sys
import zlib

import pyarrow as pa
import pyarrow.parquet as pq
from pyroaring import BitMap

PATH_ID, POS_ID = 2147483546, 2147483545
SOURCE = "s3://lake-use1/warehouse/t/data"


def schema(nullable=False):
    return pa.schema(
        [
            pa.field("file_path", pa.string(), nullable=nullable, metadata={b"PARQUET:field_id": str(PATH_ID).encode()}),
            pa.field("pos", pa.int64(), nullable=nullable, metadata={b"PARQUET:field_id": str(POS_ID).encode()}),
        ],
        metadata={b"iceberg.schema": b'{"type":"struct","fields":[]}', b"writer": b"test"},
    )


def deletes(rows, nullable=False):
    paths = [f"{SOURCE}/file-{i // 1000:03d}.parquet" for i in range(rows)]
    return pa.table({"file_path": paths, "pos": [i * 3 for i in range(rows)]}, schema=schema(nullable))


VARIANTS = {
    "dictionary-snappy-v1": dict(compression="snappy"),
    "dictionary-zstd-v2": dict(compression="zstd", data_page_version="2.0"),
    "plain-gzip": dict(compression="gzip", use_dictionary=False),
    "plain-none-v2": dict(compression="none", use_dictionary=False, data_page_version="2.0"),
    "delta-brotli": dict(compression="brotli", use_dictionary=False,
                         column_encoding={"file_path": "DELTA_BYTE_ARRAY", "pos": "DELTA_BINARY_PACKED"}),
    "delta-length-zstd-v2": dict(compression="zstd", use_dictionary=False, data_page_version="2.0",
                                 column_encoding={"file_path": "DELTA_LENGTH_BYTE_ARRAY", "pos": "BYTE_STREAM_SPLIT"}),
    "row-groups-small-pages": dict(compression="snappy", row_group_size=700, data_page_size=512),
}


def puffin(path):
    """Two deletion vectors in one Puffin file, framed as deletion-vector-v1 blobs."""
    blobs, body = [], b"PFA1"
    for n, positions in enumerate([[0, 5, 9], [1, 2, 3, 70000]]):
        bitmap = BitMap(positions).serialize()
        vector = struct.pack("<Q", 1) + struct.pack("<I", 0) + bitmap
        framed_body = b"\xd1\xd3\x39\x64" + vector
        blob = struct.pack(">I", len(framed_body)) + framed_body + struct.pack(">I", zlib.crc32(framed_body))
        blobs.append({
            "type": "deletion-vector-v1", "fields": [PATH_ID], "snapshot-id": 9159220805409223552,
            "sequence-number": 7, "offset": len(body), "length": len(blob),
            "properties": {"referenced-data-file": f"{SOURCE}/dv-{n}.parquet", "cardinality": str(len(positions))},
        })
        body += blob
    footer = json.dumps({"blobs": blobs, "properties": {"created-by": "test"}}).encode()
    with open(path, "wb") as out:
        out.write(body + b"PFA1" + footer + struct.pack("<i", len(footer)) + b"\0\0\0\0" + b"PFA1")


def make(directory):
    made = {}
    for name, options in VARIANTS.items():
        path = os.path.join(directory, f"{name}.parquet")
        pq.write_table(deletes(2500), path, **options)
        made[name] = os.path.getsize(path)
    pq.write_table(deletes(300, nullable=True), os.path.join(directory, "optional-columns.parquet"))
    made["optional-columns"] = os.path.getsize(os.path.join(directory, "optional-columns.parquet"))
    # A position-delete file that also carries the deleted rows (the optional "row" column).
    os.makedirs(os.path.join(directory, "refused"))
    with_row = deletes(10).append_column(pa.field("row", pa.struct([pa.field("id", pa.int64())])), pa.array([{"id": i} for i in range(10)]))
    pq.write_table(with_row, os.path.join(directory, "refused", "with-row.parquet"))
    puffin(os.path.join(directory, "vectors.puffin"))
    made["vectors"] = os.path.getsize(os.path.join(directory, "vectors.puffin"))
    return made


def read(directory):
    from pyiceberg.table.deletion_vector import deletion_vectors_from_puffin_file
    from pyiceberg.table.puffin import PuffinFile

    out = {}
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.endswith(".parquet"):
            file = pq.ParquetFile(path)
            table = file.read()
            out[name[: -len(".parquet")]] = {
                "rows": table.num_rows,
                "paths": sorted(set(table.column("file_path").to_pylist())),
                "pos": table.column("pos").to_pylist()[:5] + table.column("pos").to_pylist()[-2:],
                "fieldIds": [f.metadata[b"PARQUET:field_id"].decode() for f in file.schema_arrow],
                "metadata": {k.decode(): v.decode() for k, v in (file.metadata.metadata or {}).items() if k != b"ARROW:schema"},
                "rowGroups": file.metadata.num_row_groups,
                "pathStats": [file.metadata.row_group(i).column(0).statistics.min for i in range(file.metadata.num_row_groups)],
            }
        elif name.endswith(".puffin"):
            with open(path, "rb") as f:
                vectors = deletion_vectors_from_puffin_file(PuffinFile(f.read()))
            out[name[: -len(".puffin")]] = {v.referenced_data_file: v.to_vector().to_pylist() for v in vectors}
    return out


if __name__ == "__main__":
    command, directory = sys.argv[1], sys.argv[2]
    result = {"make": make, "read": read}[command](directory)
    sys.stdout.write(json.dumps(result))
