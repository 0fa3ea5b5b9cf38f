export const USAGE = `Usage: lake-replica <command> [options]

Commands:
  plan       Show what sync would change; writes nothing.
  sync       Converge the target Regions' Glue Data Catalogs and Lake Formation state to the source.
  verify     Compare source and targets; writes nothing. Exit 3 on drift.
  snapshot   Write the in-scope source state to --out FILE|s3://bucket/key (".gz" compresses).
  restore    Apply a snapshot (--from FILE|s3://bucket/key) to the target Regions.
  redrive    Retry the near-real-time ledger's FAILED events (--ledger-table, --ledger-region).

Options:
  --source-region R          Source Region (not needed by restore: the snapshot names it).
  --target-region R          Target Region; repeat for several.
  --database GLOB            Database name pattern (* ? [..]); repeat; default all.
  --exclude-database GLOB    Database name pattern to leave out; repeat.
  --bucket-map SRC=DST[@R]   Rewrite bucket SRC to DST in S3 locations (only for target R); repeat.
  --prune                    Delete target objects and revoke permissions in scope that the source
                             lacks (plan, sync, restore).
  --out LOCATION             Where snapshot writes.
  --from LOCATION            What restore reads.
  --endpoint-url URL         One endpoint for every AWS service (AWS_ENDPOINT_URL works too).
  --concurrency N            Tables converged at once, 1-64 (default 8).
  --skip GROUP               Leave a group of Lake Formation state alone; repeat. GROUP is one of
                             data-lake-settings, data-locations, opt-ins, lf-tags, lf-tag-expressions,
                             data-cells-filters, permissions, or lake-formation (all of them).
                             iceberg-metadata leaves Iceberg tables' metadata files unrewritten: the
                             replicas then still read the source Region (a warning per table).
  --storage                  verify: also check that each replicated Hive table's and partition's
                             location has objects in the target Region (one listing per table prefix).
  --protect-principal ARN    Never revoke this principal's permissions, even with --prune; repeat.
                             The caller and each target's data lake admins are always protected.
  --ledger-table NAME        redrive: the construct's ledger table.
  --ledger-region R          redrive: the ledger's Region (default AWS_REGION).
  --dry-run                  redrive: list the events it would retry, change nothing.
  --include-stale-pending    redrive: also retry PENDING events the applier has not answered for in
                             15 minutes (it timed out, or their stream records expired or were dead-lettered).
  --json                     Print exactly the JSON report on stdout.
  -h, --help                 Show this help.

Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration, 3 drift (verify).
Examples:
  lake-replica plan --source-region us-east-1 --target-region us-west-2
  lake-replica sync --source-region us-east-1 --target-region us-west-2 --bucket-map lake=lake-usw2 --prune
  lake-replica snapshot --source-region us-east-1 --out s3://dr-snapshots/lake.jsonl.gz
  lake-replica restore --from s3://dr-snapshots/lake.jsonl.gz --target-region us-west-2
  lake-replica redrive --ledger-table LakeReplica-Ledger --ledger-region us-west-2 --target-region us-west-2`;

/** Bad usage or configuration: exit 2 with a hint, before any AWS call. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
