"""Writes and reads real Iceberg tables with PyIceberg's Glue catalog on moto, for the Iceberg tests.

Usage: python lake.py <command> '<json arguments>'; prints one JSON object. Commands:
  seed    create the namespace "lake" and its tables in one Region (several commits each)
  append  append rows to a table (in any Region: after failover, in the target)
  expire  expire one snapshot of a table
  read    scan tables (current and older snapshots) and list the files PyIceberg opened
Snapshot ids are passed as strings: they use all 64 bits.
"""

import json
import os
import random
import struct
import sys
import time
import uuid

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.catalog import load_catalog
from pyiceberg.expressions import EqualTo
from pyiceberg.manifest import (
    DataFile,
    DataFileContent,
    FileFormat,
    ManifestContent,
    ManifestEntry,
    ManifestEntryStatus,
    ManifestWriterV2,
    write_manifest_list,
)
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table.refs import SnapshotRefType
from pyiceberg.table.snapshots import Operation, Snapshot, Summary
from pyiceberg.table.update import AddSnapshotUpdate, AssertRefSnapshotId, SetSnapshotRefUpdate
from pyiceberg.transforms import IdentityTransform
from pyiceberg.typedef import Record
from pyiceberg.types import LongType, NestedField, StringType

NAMESPACE = "lake"
SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "region", StringType(), required=False),
    NestedField(3, "note", StringType(), required=False),
)
ARROW_SCHEMA = pa.schema([
    pa.field("id", pa.int64(), nullable=False),
    pa.field("region", pa.string()),
    pa.field("note", pa.string()),
])
# Iceberg's reserved field ids for a position-delete file's columns.
DELETE_FILE_PATH_ID = 2147483546
DELETE_POS_ID = 2147483545


def catalog(args, region):
    endpoint = args["endpoint"]
    return load_catalog(
        f"glue_{region.replace('-', '_')}",
        **{
            "type": "glue",
            "glue.region": region,
            "glue.endpoint": endpoint,
            "glue.access-key-id": "testing",
            "glue.secret-access-key": "testing",
            "s3.endpoint": endpoint,
            "s3.region": region,
            "s3.access-key-id": "testing",
            "s3.secret-access-key": "testing",
            "py-io-impl": "recording_io.RecordingFileIO",
        },
    )


def rows(ids, region_of=lambda i: "eu" if i % 2 == 0 else "us", note="v1"):
    return pa.Table.from_pylist(
        [{"id": i, "region": region_of(i), "note": note} for i in ids], schema=ARROW_SCHEMA
    )


def snapshot_ids(table):
    return [
        {"id": str(s.snapshot_id), "timestamp_ms": s.timestamp_ms}
        for s in sorted(table.metadata.snapshots, key=lambda s: s.timestamp_ms)
    ]


def ids_at(table, snapshot_id=None):
    scan = table.scan(snapshot_id=int(snapshot_id)) if snapshot_id else table.scan()
    return sorted(scan.to_arrow().column("id").to_pylist())


def add_position_deletes(table, positions, delete_location):
    """Commits a position-delete file for the table's largest data file, in the spec's layout.

    PyIceberg 0.12 reads position deletes but cannot write them: the Parquet file is written with
    pyarrow (columns file_path and pos with Iceberg's reserved field ids), its entry in a delete
    manifest with PyIceberg's manifest writer, and the snapshot committed through the catalog.
    """
    parent = table.current_snapshot()
    data_files = [
        entry.data_file
        for manifest in parent.manifests(table.io)
        for entry in manifest.fetch_manifest_entry(table.io)
    ]
    # The first append's file (the largest), so the rows deleted are known: positions of ids 20, 21, ...
    target = max(data_files, key=lambda f: f.record_count)
    schema = pa.schema([
        pa.field("file_path", pa.string(), nullable=False, metadata={b"PARQUET:field_id": str(DELETE_FILE_PATH_ID).encode()}),
        pa.field("pos", pa.int64(), nullable=False, metadata={b"PARQUET:field_id": str(DELETE_POS_ID).encode()}),
    ])
    deletes = pa.table({"file_path": [target.file_path] * len(positions), "pos": positions}, schema=schema)
    with table.io.new_output(delete_location).create(overwrite=True) as out:
        pq.write_table(deletes, out)
    size = len(table.io.new_input(delete_location))

    path = target.file_path.encode()
    delete_file = DataFile.from_args(
        content=DataFileContent.POSITION_DELETES,
        file_path=delete_location,
        file_format=FileFormat.PARQUET,
        partition=Record(),
        record_count=len(positions),
        file_size_in_bytes=size,
        value_counts={DELETE_FILE_PATH_ID: len(positions), DELETE_POS_ID: len(positions)},
        null_value_counts={DELETE_FILE_PATH_ID: 0, DELETE_POS_ID: 0},
        lower_bounds={DELETE_FILE_PATH_ID: path, DELETE_POS_ID: struct.pack("<q", min(positions))},
        upper_bounds={DELETE_FILE_PATH_ID: path, DELETE_POS_ID: struct.pack("<q", max(positions))},
    )
    delete_file.spec_id = table.spec().spec_id

    snapshot_id = random.getrandbits(63)
    sequence_number = table.metadata.next_sequence_number()
    codec = {"gzip": "deflate", "zstd": "zstandard"}.get(
        table.properties.get("write.avro.compression-codec", "gzip"),
        table.properties.get("write.avro.compression-codec", "gzip"),
    )
    commit = uuid.uuid4()
    manifest_location = table.location_provider().new_metadata_location(f"{commit}-m0.avro")

    class DeleteManifestWriter(ManifestWriterV2):
        def content(self):
            return ManifestContent.DELETES

        @property
        def _meta(self):
            return {**super()._meta, "content": "deletes"}

    writer = DeleteManifestWriter(table.spec(), table.schema(), table.io.new_output(manifest_location), snapshot_id, codec)
    with writer:
        writer.add(ManifestEntry.from_args(status=ManifestEntryStatus.ADDED, snapshot_id=snapshot_id, data_file=delete_file))
    delete_manifest = writer.to_manifest_file()

    list_location = table.location_provider().new_metadata_location(f"snap-{snapshot_id}-0-{commit}.avro")
    with write_manifest_list(
        format_version=2,
        output_file=table.io.new_output(list_location),
        snapshot_id=snapshot_id,
        parent_snapshot_id=parent.snapshot_id,
        sequence_number=sequence_number,
        avro_compression=codec,
    ) as manifest_list:
        manifest_list.add_manifests(parent.manifests(table.io) + [delete_manifest])

    snapshot = Snapshot(
        snapshot_id=snapshot_id,
        parent_snapshot_id=parent.snapshot_id,
        sequence_number=sequence_number,
        timestamp_ms=int(time.time() * 1000),
        manifest_list=list_location,
        summary=Summary(operation=Operation.DELETE, **{"added-delete-files": "1", "added-position-deletes": str(len(positions))}),
        schema_id=table.metadata.current_schema_id,
    )
    transaction = table.transaction()
    transaction._apply(
        (
            AddSnapshotUpdate(snapshot=snapshot),
            SetSnapshotRefUpdate(snapshot_id=snapshot_id, parent_snapshot_id=parent.snapshot_id, ref_name="main", type=SnapshotRefType.BRANCH),
        ),
        (AssertRefSnapshotId(snapshot_id=parent.snapshot_id, ref="main"),),
    )
    transaction.commit_transaction()
    return target.file_path


def seed(args):
    """Tables in one Region: several commits, a partitioned table with an overwrite, position deletes."""
    cat = catalog(args, args["region"])
    cat.create_namespace(NAMESPACE)
    bucket, data_bucket = args["bucket"], args["dataBucket"]
    out = {}
    wanted = args.get("tables", ["events", "orders", "ledger", "legacy"])

    if "events" in wanted:
        events = cat.create_table(f"{NAMESPACE}.events", schema=SCHEMA, location=f"s3://{bucket}/warehouse/events",
                                  properties={"write.avro.compression-codec": "gzip"})
        for batch in ([1, 2, 3], [4, 5, 6], [7, 8, 9]):
            events.append(rows(batch))
        events = cat.load_table(f"{NAMESPACE}.events")
        out["events"] = {"snapshots": snapshot_ids(events)}

    if "orders" in wanted:
        spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="region"))
        orders = cat.create_table(f"{NAMESPACE}.orders", schema=SCHEMA, partition_spec=spec, location=f"s3://{bucket}/warehouse/orders",
                                  properties={"write.avro.compression-codec": "zstd"})
        orders.append(rows(range(10, 16)))
        orders.append(rows(range(16, 20)))
        orders.overwrite(rows([100, 102, 104], region_of=lambda i: "eu", note="v2"), overwrite_filter=EqualTo("region", "eu"))
        orders = cat.load_table(f"{NAMESPACE}.orders")
        out["orders"] = {"snapshots": snapshot_ids(orders)}

    if "ledger" in wanted:
        # Data in a second bucket: the table's files span two buckets, each mapped.
        ledger = cat.create_table(f"{NAMESPACE}.ledger", schema=SCHEMA, location=f"s3://{bucket}/warehouse/ledger",
                                  properties={"write.avro.compression-codec": "snappy", "write.data.path": f"s3://{data_bucket}/ledger/data"})
        ledger.append(rows(range(20, 30)))
        ledger.append(rows(range(30, 35)))
        ledger = cat.load_table(f"{NAMESPACE}.ledger")
        deleted_from = add_position_deletes(ledger, [1, 3], f"s3://{data_bucket}/ledger/data/deletes-{uuid.uuid4()}.parquet")
        ledger = cat.load_table(f"{NAMESPACE}.ledger")
        out["ledger"] = {"snapshots": snapshot_ids(ledger), "deletedFrom": deleted_from}

    if "legacy" in wanted:
        # Format v1: manifests without a content field, the older manifest-list layout.
        legacy = cat.create_table(f"{NAMESPACE}.legacy", schema=SCHEMA, location=f"s3://{bucket}/warehouse/legacy",
                                  properties={"format-version": "1", "write.avro.compression-codec": "null"})
        legacy.append(rows([40, 41]))
        legacy.append(rows([42]))
        legacy = cat.load_table(f"{NAMESPACE}.legacy")
        out["legacy"] = {"snapshots": snapshot_ids(legacy), "formatVersion": legacy.metadata.format_version}

    for name, info in out.items():
        table = cat.load_table(f"{NAMESPACE}.{name}")
        info["ids"] = [ids_at(table, s["id"]) for s in info["snapshots"]]
    return out


def append(args):
    cat = catalog(args, args["region"])
    table = cat.load_table(f"{NAMESPACE}.{args['table']}")
    table.append(rows(args["ids"], note=args.get("note", "v1")))
    table = cat.load_table(f"{NAMESPACE}.{args['table']}")
    snapshot = table.current_snapshot()
    added = [
        entry.data_file.file_path
        for manifest in snapshot.manifests(table.io)
        for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True)
        if entry.snapshot_id == snapshot.snapshot_id
    ]
    return {"metadataLocation": table.metadata_location, "manifestList": snapshot.manifest_list, "addedFiles": added,
            "location": table.location(), "ids": ids_at(table)}


def expire(args):
    """Expires one snapshot (PyIceberg removes it from the metadata and deletes no file)."""
    cat = catalog(args, args["region"])
    table = cat.load_table(f"{NAMESPACE}.{args['table']}")
    table.maintenance.expire_snapshots().by_id(int(args["snapshot"])).commit()
    table = cat.load_table(f"{NAMESPACE}.{args['table']}")
    return {"snapshots": snapshot_ids(table)}


def read(args):
    cat = catalog(args, args["region"])
    out = {}
    for request in args["tables"]:
        table = cat.load_table(f"{NAMESPACE}.{request['name']}")
        out[request["name"]] = {
            "ids": ids_at(table),
            "older": [ids_at(table, s) for s in request.get("snapshots", [])],
            "location": table.location(),
        }
    return out


if __name__ == "__main__":
    command, arguments = sys.argv[1], json.loads(sys.argv[2])
    result = {"seed": seed, "append": append, "expire": expire, "read": read}[command](arguments)
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)
