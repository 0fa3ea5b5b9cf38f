import { READABLE_VERSIONS, SNAPSHOT_FORMAT, type SnapshotHeader, type SnapshotRecord, type SnapshotTotals } from './format';
import { openLines } from './io';
import { LakeFormationCollector } from './lake-formation-records';
import { databaseInput, partitionInput, reviveTimestamps, tableInput } from '../glue';
import type { CatalogSource, PartitionPage, SourceDatabase, SourceTable } from '../glue';
import { AwsClients } from '../kernel/clients';
import { Scope } from '../kernel/scope';
import type { LakeFormationState } from '../lake-formation';

/**
 * A snapshot as a source: the restore path when the source Region is down. It is read once,
 * in order, so the engine visits it sequentially. A missing trailer (a truncated file) fails
 * the listing, which stops any pruning.
 */
export class SnapshotSource implements CatalogSource {
  readonly sequential = true;
  private lines?: AsyncIterator<string>;
  private lineNumber = 0;
  private peeked?: SnapshotRecord;
  private header?: SnapshotHeader;
  private lakeFormationState?: LakeFormationCollector;
  private readonly counted: SnapshotTotals = { databases: 0, tables: 0, partitions: 0 };

  constructor(
    readonly snapshotLocation: string,
    private readonly clients: AwsClients,
    private readonly scope: Scope,
    private readonly s3Region: string,
  ) {}

  /** Reads and checks the header; call before anything else. */
  async open(): Promise<SnapshotHeader> {
    if (this.header) return this.header;
    this.lines = await openLines(this.snapshotLocation, this.clients, this.s3Region);
    const first = await this.lines.next();
    const header = first.done ? undefined : JSON.parse(first.value) as Partial<SnapshotHeader>;
    this.lineNumber = 1;
    if (header?.format !== SNAPSHOT_FORMAT) {
      throw new Error(`${this.snapshotLocation} is not a lake-replica snapshot (its first line has no "format":"${SNAPSHOT_FORMAT}")`);
    }
    if (!READABLE_VERSIONS.includes(header.version as number)) {
      throw new Error(`${this.snapshotLocation} is snapshot format version ${header.version}; this lake-replica reads versions ${READABLE_VERSIONS.join(' and ')}`);
    }
    this.header = header as SnapshotHeader;
    if (this.header.lakeFormation) {
      const collector = new LakeFormationCollector(this.header.lakeFormation.kinds);
      for (let r = await this.peek(); 'lakeFormation' in r; r = await this.peek()) {
        this.peeked = undefined;
        collector.add(r.lakeFormation, r.items);
      }
      this.lakeFormationState = collector;
    }
    return this.header;
  }

  /** The Lake Formation state the snapshot holds; undefined when it holds none (version 1, or none captured). */
  async lakeFormation(): Promise<LakeFormationState | undefined> {
    await this.open();
    return this.lakeFormationState?.state;
  }

  get region(): string {
    return this.header?.source.region ?? 'unknown';
  }

  async catalogId(): Promise<string> {
    return (await this.open()).source.catalogId;
  }

  async* databases(): AsyncIterable<SourceDatabase> {
    await this.open();
    for (let r = await this.peek(); !('end' in r); r = await this.peek()) {
      this.peeked = undefined;
      if (!('database' in r) || 'table' in r || 'partitions' in r) continue; // contents of a database already visited
      const input = databaseInput(r.database);
      const name = input.Name!;
      if (this.scope.includes(name)) yield { input, tables: () => this.tables(name) };
    }
    this.checkTrailer((await this.peek()) as { end: SnapshotTotals });
  }

  private async* tables(databaseName: string): AsyncIterable<SourceTable> {
    for (let r = await this.peek(); 'table' in r || 'partitions' in r; r = await this.peek()) {
      this.peeked = undefined;
      if ('partitions' in r) continue; // partitions of a table already visited
      const input = reviveTimestamps(tableInput(r.table));
      const name = input.Name!;
      yield { databaseName, input, partitionPages: () => this.partitions(databaseName, name) };
    }
  }

  private async* partitions(databaseName: string, tableName: string): AsyncIterable<PartitionPage> {
    for (let r = await this.peek(); 'partitions' in r; r = await this.peek()) {
      this.peeked = undefined;
      if (r.database !== databaseName || r.table !== tableName) {
        throw new Error(`${this.snapshotLocation} line ${this.lineNumber}: partitions of ${r.database}.${r.table} where ${databaseName}.${tableName} was expected`);
      }
      yield { partitions: r.partitions.map(p => reviveTimestamps(partitionInput(p))) };
    }
  }

  private async peek(): Promise<SnapshotRecord> {
    if (this.peeked) return this.peeked;
    const next = await this.lines!.next();
    if (next.done) {
      throw new Error(`${this.snapshotLocation} ends after line ${this.lineNumber} without its trailer: the snapshot is truncated`);
    }
    this.lineNumber++;
    try {
      this.peeked = JSON.parse(next.value) as SnapshotRecord;
    } catch (error) {
      throw new Error(`${this.snapshotLocation} line ${this.lineNumber} is not JSON: ${(error as Error).message}`);
    }
    const r = this.peeked;
    if ('partitions' in r) this.counted.partitions += r.partitions.length;
    else if ('table' in r) this.counted.tables++;
    else if ('database' in r) this.counted.databases++;
    return r;
  }

  private checkTrailer(trailer: { end: SnapshotTotals }): void {
    const { end } = trailer;
    if (this.lakeFormationState && end.lakeFormation !== this.lakeFormationState.items) {
      throw new Error(`${this.snapshotLocation}: the trailer counts ${end.lakeFormation} Lake Formation items but the file holds ${this.lakeFormationState.items}`);
    }
    for (const kind of ['databases', 'tables', 'partitions'] as const) {
      if (end[kind] !== this.counted[kind]) {
        throw new Error(`${this.snapshotLocation}: the trailer counts ${end[kind]} ${kind} but the file holds ${this.counted[kind]}`);
      }
    }
  }
}
