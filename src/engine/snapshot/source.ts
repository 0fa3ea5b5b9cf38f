import type { SnapshotHeader, SnapshotRecord } from './format';
import { openLines, SnapshotPins, type SnapshotLine } from './io';
import { LakeFormationCollector } from './lake-formation-records';
import { emptyFileRefused } from './refusal';
import { SnapshotChecker } from './validate';
import { ATTACHED_KINDS, type AttachedKind } from '../../shared/attached-kinds';
import { databaseInput, partitionInput, reviveTimestamps, tableInput } from '../glue';
import type { CatalogSource, PartitionPage, SourceAttachments, SourceDatabase, SourceTable } from '../glue';
import { AwsClients } from '../kernel/clients';
import { Scope } from '../kernel/scope';
import type { LakeFormationState } from '../lake-formation';

/**
 * A snapshot as a source: the restore path when the source Region is down. It is read once,
 * in order, so the engine visits it sequentially. A restore checks the whole snapshot first
 * (validateSnapshot) and reads it again here with the same pins; every line is checked again as it
 * is read, so a problem (a truncated file, above all) also fails the listing, which stops any pruning.
 */
export class SnapshotSource implements CatalogSource {
  readonly sequential = true;
  private lines?: AsyncIterator<SnapshotLine>;
  private peeked?: SnapshotRecord;
  private header?: SnapshotHeader;
  private lakeFormationState?: LakeFormationCollector;
  /** The catalog's own objects (connections, catalogs), by field: they come before the first database. */
  private catalogRecords = new Map<string, object[]>();
  private readonly checker = new SnapshotChecker();

  constructor(
    readonly snapshotLocation: string,
    private readonly clients: AwsClients,
    private readonly scope: Scope,
    private readonly s3Region: string,
    /** What a validation pass read, so this read insists on the same files. */
    private readonly pins = new SnapshotPins(),
  ) {}

  /** Reads and checks the header; call before anything else. */
  async open(): Promise<SnapshotHeader> {
    if (this.header) return this.header;
    this.lines = openLines(this.snapshotLocation, this.clients, this.s3Region, this.pins)[Symbol.asyncIterator]();
    const first = await this.lines.next();
    if (first.done) throw emptyFileRefused(this.snapshotLocation);
    this.header = this.checker.checkHeader(first.value);
    if (this.header.lakeFormation) {
      const collector = new LakeFormationCollector(this.header.lakeFormation.kinds);
      for (let r = await this.peek(); 'lakeFormation' in r; r = await this.peek()) {
        this.peeked = undefined;
        collector.add(r.lakeFormation, r.items);
      }
      this.lakeFormationState = collector;
    }
    this.catalogRecords = await this.attachedRecords();
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

  async catalogAttachments(kinds: readonly AttachedKind[]): Promise<SourceAttachments> {
    await this.open();
    return this.attachments(this.catalogRecords, kinds);
  }

  async* databases(): AsyncIterable<SourceDatabase> {
    await this.open();
    for (let r = await this.peek(); !('end' in r); r = await this.peek()) {
      this.peeked = undefined;
      if (!isDatabaseRecord(r)) continue; // contents of a database already visited
      const input = databaseInput(r.database);
      const name = input.Name!;
      const attached = await this.attachedRecords();
      if (this.scope.includes(name)) yield { input, tables: () => this.tables(name), attachments: kinds => this.attachments(attached, kinds) };
    }
    // Past the trailer only blank lines may follow.
    for (let next = await this.lines!.next(); !next.done; next = await this.lines!.next()) this.checker.checkRecord(next.value);
  }

  private async* tables(databaseName: string): AsyncIterable<SourceTable> {
    for (let r = await this.peek(); 'table' in r || 'partitions' in r; r = await this.peek()) {
      this.peeked = undefined;
      if (!('table' in r) || typeof r.table !== 'object') continue; // partitions or attached objects of a table already visited
      const input = reviveTimestamps(tableInput(r.table));
      // A table's attached objects are few and come right after it: they are read with it.
      const attached = await this.attachedRecords();
      yield { databaseName, input, partitionPages: () => this.partitions(), attachments: kinds => this.attachments(attached, kinds) };
    }
  }

  /** The attached records that follow an owner's record, by field. */
  private async attachedRecords(): Promise<Map<string, object[]>> {
    const out = new Map<string, object[]>();
    for (let r = await this.peek(); 'attached' in r; r = await this.peek()) {
      this.peeked = undefined;
      out.set(r.attached, [...out.get(r.attached) ?? [], ...r.items]);
    }
    return out;
  }

  /** An owner's objects of the kinds the snapshot captured; a kind it did not capture is left out, so nothing of it is touched. */
  private async attachments(records: ReadonlyMap<string, object[]>, kinds: readonly AttachedKind[]): Promise<SourceAttachments> {
    const captured = (await this.open()).attached?.kinds ?? [];
    return new Map(kinds.filter(k => captured.includes(k)).map(k => [k, records.get(ATTACHED_KINDS[k].field) ?? []]));
  }

  /** The partition pages that follow the current table (the checker refuses any of another table). */
  private async* partitions(): AsyncIterable<PartitionPage> {
    for (let r = await this.peek(); 'partitions' in r; r = await this.peek()) {
      this.peeked = undefined;
      yield { partitions: r.partitions.map(p => reviveTimestamps(partitionInput(p))) };
    }
  }

  private async peek(): Promise<SnapshotRecord> {
    if (this.peeked) return this.peeked;
    const next = await this.lines!.next();
    if (next.done) {
      this.checker.checkEnd();
      throw new Error(`${this.snapshotLocation}: read past its trailer`);
    }
    // Only a line after the trailer is ever skipped, and the walk ends at the trailer.
    this.peeked = this.checker.checkRecord(next.value)!;
    return this.peeked;
  }
}

function isDatabaseRecord(r: SnapshotRecord): r is Extract<SnapshotRecord, { database: object }> {
  return 'database' in r && typeof r.database === 'object';
}
