import {
  READABLE_VERSIONS, SNAPSHOT_FORMAT, type SnapshotHeader, type SnapshotRecord, type SnapshotTotals,
} from './format';
import { openLines, SnapshotPins, type SnapshotLine } from './io';
import { ATTACHED_SHAPES, DATABASE_SHAPE, describe, isObject, LAKE_FORMATION_SHAPES, PARTITION_SHAPE, shapeProblem, TABLE_SHAPE, type Shape } from './record-shapes';
import { emptyFileRefused, SnapshotRefused } from './refusal';
import { ATTACHED_KIND_NAMES, ATTACHED_KINDS, type AttachedKind } from '../../shared/attached-kinds';
import { AwsClients } from '../kernel/clients';
import { Scope } from '../kernel/scope';
import { LF_KINDS, STATE_FIELDS, type LfField } from '../lake-formation';

const RECORD_KEYS = {
  lakeFormation: ['lakeFormation', 'items'],
  database: ['database'],
  table: ['table', 'database'],
  attached: ['attached', 'database', 'table', 'items'],
  partitions: ['partitions', 'database', 'table'],
  end: ['end'],
} as const;
type RecordKind = keyof typeof RECORD_KEYS;

const HEADER_SHAPE: Shape = {
  fields: {
    format: 'string',
    version: 'integer',
    createdAt: 'timestamp',
    source: { fields: { region: 'string', catalogId: 'string' }, required: ['region', 'catalogId'] },
    scope: { fields: { databases: { list: 'string' }, excludeDatabases: { list: 'string' } }, required: ['databases', 'excludeDatabases'] },
    lakeFormation: { fields: { kinds: { list: 'string' } }, required: ['kinds'] },
    attached: { fields: { kinds: { list: 'string' } }, required: ['kinds'] },
  },
  required: ['format', 'version', 'createdAt', 'source', 'scope'],
};

const TOTALS_SHAPE: Shape = {
  fields: { databases: 'integer', tables: 'integer', partitions: 'integer', lakeFormation: 'integer', attached: 'integer' },
  required: ['databases', 'tables', 'partitions'],
};

/** Where a record was, for the messages of later ones: "line 12", or "<file> line 12" when in another file. */
interface Place { readonly file: string; readonly line?: number; readonly label?: string }

/**
 * The checks of a snapshot, fed one line at a time, in order: the header, each record's shape against
 * the format version, the grouping (a database's tables follow it, a table's partitions follow it),
 * names listed once, Lake Formation records right after the header, the trailer last with the counts
 * of what came before it, and nothing after it. The first problem is thrown as a SnapshotRefused
 * naming the file and line. Memory stays small: names of databases and of one database's tables.
 */
export class SnapshotChecker {
  private header?: SnapshotHeader;
  private stage: 'header' | 'lakeFormation' | 'glue' | 'ended' = 'header';
  private trailer?: Place;
  private lastLine?: Place;
  private readonly databases = new Map<string, Place>();
  private database?: { readonly name: string; readonly at: Place; readonly tables: Map<string, Place> };
  private table?: { readonly name: string; readonly keys: number; readonly at: Place };
  private settingsAt?: Place;
  private readonly counted: Required<SnapshotTotals> = { databases: 0, tables: 0, partitions: 0, lakeFormation: 0, attached: 0 };
  /** Whether the current table's partitions have begun: its attached objects come before them. */
  private partitionsBegun = false;

  /** The first line: the header. */
  checkHeader(at: SnapshotLine): SnapshotHeader {
    this.lastLine = at;
    let header: unknown;
    try {
      header = JSON.parse(at.text);
    } catch (error) {
      throw refuse(at, `this is not a lake-replica snapshot: its first line is not JSON (${(error as Error).message})`, true);
    }
    if (!isObject(header) || header.format !== SNAPSHOT_FORMAT) {
      throw refuse(at, `this is not a lake-replica snapshot: the first line has no "format":"${SNAPSHOT_FORMAT}"`, true);
    }
    if (!READABLE_VERSIONS.includes(header.version as number)) {
      throw refuse(at, `the header says snapshot format version ${JSON.stringify(header.version)}; this lake-replica reads versions ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_VERSIONS.at(-1)}`);
    }
    const problem = shapeProblem(header, HEADER_SHAPE, 'the header');
    if (problem) throw refuse(at, problem);
    const { scope, lakeFormation, attached, version } = header as unknown as SnapshotHeader;
    try {
      new Scope(scope);
    } catch (error) {
      throw refuse(at, `the header's scope has a pattern that does not compile: ${(error as Error).message}`);
    }
    if (lakeFormation) {
      if (version === 1) throw refuse(at, 'the header names Lake Formation kinds, but version 1 snapshots hold no Lake Formation state');
      const unknown = lakeFormation.kinds.find(k => !(LF_KINDS as readonly string[]).includes(k));
      if (unknown !== undefined) throw refuse(at, `the header names an unknown Lake Formation kind "${unknown}"; known kinds: ${LF_KINDS.join(', ')}`);
    }
    if (attached) {
      if (version < 3) throw refuse(at, `the header names attached kinds, but version ${version} snapshots hold none`);
      const unknown = attached.kinds.find(k => !(ATTACHED_KIND_NAMES as readonly string[]).includes(k));
      if (unknown !== undefined) throw refuse(at, `the header names an unknown attached kind "${unknown}"; known kinds: ${ATTACHED_KIND_NAMES.join(', ')}`);
    }
    this.header = header as unknown as SnapshotHeader;
    this.stage = 'lakeFormation';
    return this.header;
  }

  /** Every line after the header; undefined for a blank line after the trailer. */
  checkRecord(at: SnapshotLine): SnapshotRecord | undefined {
    if (this.stage === 'header') throw new Error('SnapshotChecker: checkHeader() comes first');
    this.lastLine = at;
    if (this.stage === 'ended') {
      if (at.text.trim() === '') return undefined;
      throw refuse(at, `a line follows the trailer (${where(this.trailer!, at)}): a snapshot ends with its trailer`);
    }
    if (at.text.trim() === '') throw refuse(at, 'the line is empty: every line of a snapshot is one JSON record');
    let value: unknown;
    try {
      value = JSON.parse(at.text);
    } catch (error) {
      throw refuse(at, `the line is not JSON: ${(error as Error).message}`);
    }
    const kind = recordKind(value, at);
    const record = value as Record<string, unknown>;
    switch (kind) {
      case 'lakeFormation': this.lakeFormationRecord(record, at); break;
      case 'database': this.databaseRecord(record, at); break;
      case 'table': this.tableRecord(record, at); break;
      case 'attached': this.attachedRecord(record, at); break;
      case 'partitions': this.partitionsRecord(record, at); break;
      case 'end': this.trailerRecord(record, at); break;
    }
    return value as SnapshotRecord;
  }

  /** The end of the stream: a snapshot without its trailer is truncated. */
  checkEnd(): void {
    if (this.stage === 'ended') return;
    const last = this.lastLine;
    if (!last) throw new Error('SnapshotChecker: checkHeader() comes first');
    throw refuse(last, 'the snapshot ends here, without its trailer: the snapshot is truncated');
  }

  private lakeFormationRecord(record: Record<string, unknown>, at: SnapshotLine): void {
    if (this.stage !== 'lakeFormation') {
      throw refuse(at, 'a Lake Formation record after the Glue objects: Lake Formation records come right after the header');
    }
    if (!this.header!.lakeFormation) {
      throw refuse(at, `a Lake Formation record, but the header names no Lake Formation kinds${this.header!.version === 1 ? ' (version 1 holds none)' : ''}`);
    }
    const field = record.lakeFormation as LfField;
    if (!STATE_FIELDS.includes(field)) {
      throw refuse(at, `"lakeFormation" is ${describe(field)}; one of ${STATE_FIELDS.join(', ')} was expected`);
    }
    const problem = shapeProblem(record.items, { list: LAKE_FORMATION_SHAPES[field] }, `${field} items`);
    if (problem) throw refuse(at, problem);
    const items = record.items as unknown[];
    if (field === 'settings' && items.length > 0) {
      if (this.settingsAt || items.length > 1) {
        throw refuse(at, `the data lake settings are listed more than once${this.settingsAt ? ` (first at ${where(this.settingsAt, at)})` : ''}`);
      }
      this.settingsAt = at;
    }
    this.counted.lakeFormation += items.length;
  }

  private databaseRecord(record: Record<string, unknown>, at: SnapshotLine): void {
    const problem = shapeProblem(record.database, DATABASE_SHAPE, 'database');
    if (problem) throw refuse(at, problem);
    const name = (record.database as { Name: string }).Name;
    if (name === '') throw refuse(at, 'database.Name is empty');
    const first = this.databases.get(name);
    if (first) throw refuse(at, `database ${name} is listed twice (first at ${where(first, at)})`);
    this.stage = 'glue';
    this.databases.set(name, at);
    this.database = { name, at, tables: new Map() };
    this.table = undefined;
    this.counted.databases++;
  }

  private tableRecord(record: Record<string, unknown>, at: SnapshotLine): void {
    const problem = shapeProblem(record.table, TABLE_SHAPE, 'table') ?? shapeProblem(record.database, 'string', 'the table\'s "database"');
    if (problem) throw refuse(at, problem);
    const table = record.table as { Name: string; PartitionKeys?: unknown[] };
    const databaseName = record.database as string;
    const key = `${databaseName}.${table.Name}`;
    if (table.Name === '') throw refuse(at, 'table.Name is empty');
    if (!this.database) throw refuse(at, `table ${key} comes before any database record: a database's tables follow it`);
    if (databaseName !== this.database.name) {
      throw refuse(at, `table ${key} is listed under database "${databaseName}", but it follows database "${this.database.name}" (${where(this.database.at, at)}): a database's tables follow it`);
    }
    const first = this.database.tables.get(table.Name);
    if (first) throw refuse(at, `table ${key} is listed twice (first at ${where(first, at)})`);
    this.database.tables.set(table.Name, at);
    this.table = { name: table.Name, keys: table.PartitionKeys?.length ?? 0, at };
    this.partitionsBegun = false;
    this.counted.tables++;
  }

  private attachedRecord(record: Record<string, unknown>, at: SnapshotLine): void {
    const field = record.attached;
    const kind = ATTACHED_KIND_NAMES.find(k => ATTACHED_KINDS[k].field === field);
    if (!kind) throw refuse(at, `"attached" is ${describe(field)}; one of ${ATTACHED_KIND_NAMES.map(k => ATTACHED_KINDS[k].field).join(', ')} was expected`);
    if (!this.header!.attached?.kinds.includes(kind)) throw refuse(at, `${field} are recorded, but the header does not name ${kind} among the attached kinds it captured`);
    if (ATTACHED_KINDS[kind].owner === 'catalog') {
      this.catalogRecord(record, field as string, kind, at);
      return;
    }
    const problem = shapeProblem(record.database, 'string', `the ${field}' "database"`)
      ?? (record.table === undefined ? undefined : shapeProblem(record.table, 'string', `the ${field}' "table"`))
      ?? shapeProblem(record.items, { list: ATTACHED_SHAPES[kind] }, `${field} items`);
    if (problem) throw refuse(at, problem);
    const owner = ATTACHED_KINDS[kind].owner;
    const key = record.table === undefined ? String(record.database) : `${String(record.database)}.${String(record.table)}`;
    if ((owner === 'table') !== (record.table !== undefined)) throw refuse(at, `${field} of ${key}: they belong to a ${owner}, so the record ${owner === 'table' ? 'needs' : 'has no'} "table"`);
    const follows = owner === 'table'
      ? this.table !== undefined && !this.partitionsBegun && record.database === this.database!.name && record.table === this.table.name
      : this.database !== undefined && this.table === undefined && record.database === this.database.name;
    if (!follows) throw refuse(at, `${field} of ${key} do not follow their ${owner}'s record: a ${owner}'s attached objects come right after it`);
    this.counted.attached += (record.items as unknown[]).length;
  }

  /** The catalog's own objects (connections, catalogs): no "database", after the Lake Formation records and before the first database. */
  private catalogRecord(record: Record<string, unknown>, field: string, kind: AttachedKind, at: SnapshotLine): void {
    if (record.database !== undefined || record.table !== undefined) {
      throw refuse(at, `${field} belong to the account's catalog, so the record has no "database" or "table"`);
    }
    const problem = shapeProblem(record.items, { list: ATTACHED_SHAPES[kind] }, `${field} items`);
    if (problem) throw refuse(at, problem);
    if (this.database !== undefined) {
      throw refuse(at, `${field} follow database ${this.database.name} (${where(this.database.at, at)}): the catalog's own objects come before the first database`);
    }
    this.stage = 'glue';
    this.counted.attached += (record.items as unknown[]).length;
  }

  private partitionsRecord(record: Record<string, unknown>, at: SnapshotLine): void {
    const problem = shapeProblem(record.database, 'string', 'the partitions\' "database"')
      ?? shapeProblem(record.table, 'string', 'the partitions\' "table"')
      ?? shapeProblem(record.partitions, { list: PARTITION_SHAPE }, 'partitions');
    if (problem) throw refuse(at, problem);
    const key = `${record.database as string}.${record.table as string}`;
    if (!this.table || record.database !== this.database!.name || record.table !== this.table.name) {
      const follows = this.table ? `they follow table ${this.database!.name}.${this.table.name} (${where(this.table.at, at)})` : 'no table precedes them';
      throw refuse(at, `partitions of ${key}, but ${follows}: a table's partitions follow it`);
    }
    this.partitionsBegun = true;
    const partitions = record.partitions as Array<{ Values: string[] }>;
    const wrong = partitions.findIndex(p => p.Values.length !== this.table!.keys);
    if (wrong >= 0) {
      throw refuse(at, `partitions[${wrong}].Values has ${partitions[wrong].Values.length} value(s), but table ${key} has ${this.table.keys} partition key(s)`);
    }
    this.counted.partitions += partitions.length;
  }

  private trailerRecord(record: Record<string, unknown>, at: SnapshotLine): void {
    const problem = shapeProblem(record.end, TOTALS_SHAPE, 'the trailer');
    if (problem) throw refuse(at, problem);
    const end = record.end as SnapshotTotals;
    const withLakeFormation = this.header!.lakeFormation !== undefined;
    if (withLakeFormation && end.lakeFormation === undefined) throw refuse(at, 'the trailer does not count the Lake Formation items the header names');
    if (!withLakeFormation && end.lakeFormation !== undefined) throw refuse(at, 'the trailer counts Lake Formation items, but the header names no Lake Formation kinds');
    const withAttached = this.header!.attached !== undefined;
    if (withAttached && end.attached === undefined) throw refuse(at, 'the trailer does not count the attached objects the header names');
    if (!withAttached && end.attached !== undefined) throw refuse(at, 'the trailer counts attached objects, but the header names no attached kinds');
    const kinds = [
      'databases', 'tables', 'partitions', ...withLakeFormation ? ['lakeFormation'] as const : [], ...withAttached ? ['attached'] as const : [],
    ] as const;
    for (const kind of kinds) {
      if (end[kind] !== this.counted[kind]) {
        const what = kind === 'lakeFormation' ? 'Lake Formation items' : kind === 'attached' ? 'attached objects' : kind;
        throw refuse(at, `the trailer counts ${end[kind]} ${what}, but the snapshot holds ${this.counted[kind]}`);
      }
    }
    this.stage = 'ended';
    this.trailer = at;
  }
}

function recordKind(value: unknown, at: SnapshotLine): RecordKind {
  if (!isObject(value)) throw refuse(at, `the line is ${describe(value)}, not a snapshot record`);
  const keys = Object.keys(value);
  const kind = (['end', 'lakeFormation', 'attached', 'partitions', 'table', 'database'] as const).find(k => keys.includes(k));
  if (!kind) {
    const excerpt = at.text.length > 60 ? `${at.text.slice(0, 60)}...` : at.text;
    throw refuse(at, `${excerpt} is not a snapshot record: a record has one of "database", "table", "attached", "partitions", "lakeFormation" or "end"`);
  }
  const allowed: readonly string[] = RECORD_KEYS[kind];
  const extra = keys.find(k => !allowed.includes(k));
  if (extra !== undefined) throw refuse(at, `a ${kind === 'end' ? 'trailer' : `${kind} record`} has an unexpected field "${extra}" (it has ${allowed.map(k => `"${k}"`).join(', ')})`);
  return kind;
}

function refuse(at: Place, problem: string, notASnapshot = false): SnapshotRefused {
  return new SnapshotRefused(at.file, at.line, problem, notASnapshot, at.label);
}

function where(earlier: Place, now: Place): string {
  const line = earlier.line === undefined ? earlier.label ?? 'its start' : `line ${earlier.line}`;
  return earlier.file === now.file ? line : `${earlier.file} ${line}`;
}

/**
 * Reads a whole snapshot once and checks it (see SnapshotChecker), before a restore writes anything.
 * `pins` records what was read, so the restore's own read can insist on the same bytes.
 */
export async function validateSnapshot(location: string, clients: AwsClients, region: string, pins?: SnapshotPins): Promise<SnapshotHeader> {
  const checker = new SnapshotChecker();
  let header: SnapshotHeader | undefined;
  for await (const line of openLines(location, clients, region, pins)) {
    if (!header) header = checker.checkHeader(line);
    else checker.checkRecord(line);
  }
  if (!header) throw emptyFileRefused(location);
  checker.checkEnd();
  return header;
}
