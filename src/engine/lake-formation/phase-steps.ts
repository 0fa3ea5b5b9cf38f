import { GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import type { Resource } from '@aws-sdk/client-lakeformation';
import {
  checksExtras, kindsOf, phaseKinds, REMOVAL_ORDER, TargetConvergence, type ConvergeLakeFormationOptions, type LfPhase,
} from './converge';
import { KIND_MODULES } from './kinds';
import type { KindReader } from './kinds/kind';
import { positionChunks, positionOf, type Position } from './positions';
import { ForeignEntries, sourceReadFailure } from './read-source';
import { resourceLabel } from './shapes';
import { kindReader, kindsToRead, readKinds } from './source';
import { kindState, type ItemOf, type LakeFormationState, type TagAssignment } from './state';
import type { LfKind } from '../../shared/lake-formation-kinds';
import { databasePages } from '../glue';
import { forEachConcurrent } from '../kernel/concurrency';
import { errorMessage, notFoundAsUndefined } from '../kernel/errors';
import type { Deadline, LakeFormationProgress } from '../kernel/resume';

/** The one kind read per database and table rather than listed: a GetResourceLFTags call each. */
const WALKED = 'lfTagAssignment';
/** Objects of a listed kind converged at once: enough to fill batches of 20 grants, few enough to end well inside an invocation. */
const CHUNK_OBJECTS = 2000;
/** A walk's chunk: one GetTables page of a database's tables. */
const TABLE_PAGE = 100;
/** GetResourceLFTags calls, and tag assignment writes, in flight at once. */
const IN_FLIGHT = 8;

type Action = 'converge' | 'snapshot' | 'remove';

/** One step of a phase: converge a kind, read the source's tag assignments into the snapshot, or remove a kind's extras. */
interface Step {
  readonly action: Action;
  readonly kind: LfKind;
}

const stepName = (s: Step): string => `${s.action} ${s.kind}`;

/**
 * A phase's steps, in order: each kind of the phase converged, then in the before phase (with a snapshot)
 * the source's tag assignments read into it, or in the after phase (with prune, or verify) the extras of the
 * kinds others refer to removed, last, once every step that could still refer to them is done.
 */
export function phaseSteps(phase: LfPhase, enabled: readonly LfKind[], extras: boolean, snapshot: boolean): string[] {
  return stepsOf(phase, enabled, extras, snapshot).map(stepName);
}

function stepsOf(phase: LfPhase, enabled: readonly LfKind[], extras: boolean, snapshot: boolean): Step[] {
  const steps: Step[] = kindsOf(phase).filter(k => enabled.includes(k)).map(kind => ({ action: 'converge', kind }));
  if (phase === 'before' && snapshot && enabled.includes(WALKED)) steps.push({ action: 'snapshot', kind: WALKED });
  if (phase === 'after' && extras) steps.push(...REMOVAL_ORDER.filter(k => enabled.includes(k)).map(kind => ({ action: 'remove' as const, kind })));
  return steps;
}

export interface PhaseStepsOptions extends ConvergeLakeFormationOptions {
  readonly phase: LfPhase;
  readonly sourceRegion: string;
  /** Where an earlier invocation of this phase stopped; absent for the first. */
  readonly progress?: LakeFormationProgress;
  readonly deadline: Deadline;
  /**
   * Takes the source's state for the run's snapshot, piece by piece: in the first invocation every listed
   * kind, then the tag assignments each invocation reads. Only the before phase writes the snapshot.
   */
  readonly snapshot?: (state: LakeFormationState) => void;
}

export interface PhaseStepsResult {
  /** Where the next invocation goes on; absent when the phase is done. */
  readonly progress?: LakeFormationProgress;
  /** The kinds the snapshot holds whole so far. */
  readonly snapshotKinds: LfKind[];
}

/**
 * One Lake Formation phase of the on-demand job, in steps that go on across invocations. A step converges
 * a kind chunk by chunk in catalog position order (database, then table), so it can stop between chunks
 * once the soft deadline has passed and the next invocation goes on after the last position done: no
 * object is converged or counted twice, none is skipped. Listings are read afresh in each invocation;
 * tag assignments, read one database or table at a time, are walked page by page through the source's
 * Glue tables, with the page token in the cursor. An invocation always finishes at least one chunk.
 */
export function convergePhaseSteps(o: PhaseStepsOptions): Promise<PhaseStepsResult> {
  return new PhaseSteps(o).run();
}

interface Target {
  readonly convergence: TargetConvergence;
  readonly reader: KindReader;
}

/** One side of a walk: what reads its tag assignments, and (a target) what converges them. */
interface WalkSide {
  readonly reader: KindReader;
  readonly target?: Target;
  /** Without LF-tags nothing is assigned there, so nothing is read. */
  readonly hasTags: boolean;
}

/** Where a step stopped, inside it. */
type Stop = Omit<LakeFormationProgress, 'step' | 'incomplete'>;

class PhaseSteps {
  private readonly source: KindReader;
  private readonly targets: Target[];
  private readonly foreign = new ForeignEntries();
  private readonly incomplete: Set<LfKind>;
  private readonly failedSources = new Set<LfKind>();
  private readonly extras: boolean;
  /** Chunks finished in this invocation: the deadline stops a step only after the first. */
  private chunks = 0;

  constructor(private readonly o: PhaseStepsOptions) {
    this.extras = checksExtras(o);
    const targetKinds = kindsToRead(phaseKinds(o.phase, o.kinds, this.extras), o.kinds);
    const common = { clients: o.clients, scope: o.scope, catalogId: o.catalogId };
    this.source = kindReader({ ...common, region: o.sourceRegion, kinds: o.snapshot ? o.kinds : targetKinds, onForeign: this.foreign.note });
    this.targets = o.targetRegions.map(region => ({
      convergence: new TargetConvergence(region, o),
      reader: kindReader({ ...common, region, kinds: targetKinds }),
    }));
    this.incomplete = new Set(o.progress?.incomplete);
  }

  async run(): Promise<PhaseStepsResult> {
    const steps = stepsOf(this.o.phase, this.o.kinds, this.extras, this.o.snapshot !== undefined);
    const progress = this.o.progress;
    const start = progress ? steps.findIndex(s => stepName(s) === progress.step) : 0;
    if (start < 0) {
      throw new Error(`the Lake Formation cursor names the step "${progress!.step}", which the ${this.o.phase} phase does not have `
        + `(its steps: ${steps.map(stepName).join(', ') || 'none'}); start the run again`);
    }
    try {
      if (this.o.snapshot && !progress) await this.snapshotListings();
      if (this.o.phase === 'after' && this.extras) for (const t of this.targets) await t.convergence.guardAdmins();
      for (let i = start; i < steps.length; i++) {
        const stop = await this.step(steps[i], i === start ? progress : undefined);
        if (stop) return this.result({ step: stepName(steps[i]), ...stop });
      }
      return this.result();
    } finally {
      this.foreign.warn(this.o.report);
    }
  }

  private result(progress?: Omit<LakeFormationProgress, 'incomplete'>): PhaseStepsResult {
    const incomplete = [...this.incomplete];
    return {
      progress: progress && { ...progress, ...(incomplete.length > 0 ? { incomplete } : {}) },
      snapshotKinds: this.o.kinds.filter(k => !this.incomplete.has(k)),
    };
  }

  private timeUp(): boolean {
    return this.chunks > 0 && Date.now() > this.o.deadline.soft;
  }

  /** Runs one step, from where `progress` says when resuming it; returns where it stopped, if it did. */
  private async step(step: Step, progress: LakeFormationProgress | undefined): Promise<Stop | undefined> {
    // Only a step after the invocation's first can be reached past the deadline, so it has not started.
    if (this.timeUp()) return {};
    if (step.action === 'remove') return this.removeExtras(step.kind);
    if (step.kind === WALKED) return this.walk(progress, step.action === 'converge');
    return this.convergeListed(step.kind, progress?.after);
  }

  /** The first invocation of a phase with a snapshot: every listed kind of the source, into it. */
  private async snapshotListings(): Promise<void> {
    const state = await readKinds(this.source, this.o.kinds.filter(k => k !== WALKED), (kind, error) => this.sourceFailed(kind, error, true));
    this.o.snapshot!(state);
  }

  /** A listed kind, chunk by chunk after `after`, in every target whose listing could be read. */
  private async convergeListed<K extends LfKind>(kind: K, after: Position | undefined): Promise<Stop | undefined> {
    const source = await this.sourceListing(kind);
    if (!source) return undefined;
    const targets = await this.readableTargets(kind);
    const chunks = positionChunks([source, ...targets.map(t => t.actual)], item => positionOf(kind, item), CHUNK_OBJECTS, after);
    let done = after;
    for (const chunk of chunks) {
      if (this.timeUp()) return done ? { after: done } : {};
      for (const [i, { target }] of targets.entries()) await target.convergence.convergeItems(kind, chunk.sides[0], chunk.sides[i + 1]);
      this.chunks++;
      done = chunk.last;
    }
    return undefined;
  }

  private async removeExtras<K extends LfKind>(kind: K): Promise<undefined> {
    const source = await this.sourceListing(kind);
    if (!source) return undefined;
    for (const { target, actual } of await this.readableTargets(kind)) await target.convergence.removeItems(kind, source, actual);
    this.chunks++;
    return undefined;
  }

  private async sourceListing<K extends LfKind>(kind: K): Promise<Array<ItemOf<K>> | undefined> {
    try {
      return await this.source.listed(kind);
    } catch (error) {
      this.sourceFailed(kind, errorMessage(error), false);
      return undefined;
    }
  }

  /** Each target with its listing of a kind; a target whose listing failed is reported and left out. */
  private async readableTargets<K extends LfKind>(kind: K): Promise<Array<{ target: Target; actual: Array<ItemOf<K>> }>> {
    const out: Array<{ target: Target; actual: Array<ItemOf<K>> }> = [];
    for (const target of this.targets) {
      try {
        out.push({ target, actual: await target.reader.listed(kind) });
      } catch (error) {
        target.convergence.readFailed(kind, errorMessage(error));
      }
    }
    return out;
  }

  /** A source listing failed: nothing of the kind is converged or removed; reported once a kind. */
  private sourceFailed(kind: LfKind, error: string, forSnapshot: boolean): void {
    if (forSnapshot) this.incomplete.add(kind);
    if (this.failedSources.has(kind)) return;
    this.failedSources.add(kind);
    this.o.report.fail(sourceReadFailure(kind, error));
  }

  /**
   * Tag assignments, database by database (in name order) and, within one, page by page of its tables:
   * each chunk reads every side's assignments on the database itself (with its first page) and on the
   * page's tables, then converges each target's (`converge`) or hands the source's to the snapshot.
   * Extras are removed per database and table, once that object's source side is read whole.
   */
  private async walk(progress: LakeFormationProgress | undefined, converge: boolean): Promise<Stop | undefined> {
    const sides = await this.walkSides(converge);
    if (!sides?.some(s => s.hasTags)) return undefined;
    const glue = this.o.clients.get(GlueClient, this.o.sourceRegion);
    let databases: string[];
    try {
      databases = await this.sourceDatabases(glue);
    } catch (error) {
      this.sourceFailed(WALKED, `listing the source's databases failed: ${errorMessage(error)}`, !converge);
      return undefined;
    }
    const from = progress?.database;
    for (const database of databases) {
      if (from !== undefined && database < from) continue;
      let tablePage = database === from ? progress?.tablePage : undefined;
      let first = tablePage === undefined;
      do {
        if (this.timeUp()) return { database, ...(tablePage === undefined ? {} : { tablePage }) };
        const page = await this.tablePage(glue, database, tablePage, !converge);
        if (!page) break;
        const resources = [...(first ? [databaseResource(database)] : []), ...page.tables.map(t => tableResource(database, t))];
        await this.walkChunk(resources, sides!, converge);
        this.chunks++;
        first = false;
        tablePage = page.next;
      } while (tablePage !== undefined);
    }
    return undefined;
  }

  /** The source, then (converging) each target whose LF-tags could be listed. */
  private async walkSides(converge: boolean): Promise<WalkSide[] | undefined> {
    let hasTags: boolean;
    try {
      hasTags = (await this.source.listed('lfTag')).length > 0;
    } catch (error) {
      this.sourceFailed(WALKED, `the LF-tags could not be listed, so no tag assignment could be read: ${errorMessage(error)}`, !converge);
      return undefined;
    }
    const sides: WalkSide[] = [{ reader: this.source, hasTags }];
    if (!converge) return sides;
    for (const target of this.targets) {
      try {
        sides.push({ reader: target.reader, target, hasTags: (await target.reader.listed('lfTag')).length > 0 });
      } catch (error) {
        target.convergence.readFailed(WALKED, `the LF-tags could not be listed: ${errorMessage(error)}`);
      }
    }
    return sides;
  }

  /** The source's databases in scope, resource links left out (their tags are the linked database's), in name order. */
  private async sourceDatabases(glue: GlueClient): Promise<string[]> {
    const names: string[] = [];
    for await (const page of databasePages(glue)) {
      for (const d of page) if (d.Name && this.o.scope.includes(d.Name) && !d.TargetDatabase) names.push(d.Name);
    }
    return names.sort();
  }

  /** One page of a database's tables (links left out) and the next page's token; undefined when the listing failed (reported). */
  private async tablePage(
    glue: GlueClient, DatabaseName: string, NextToken: string | undefined, forSnapshot: boolean,
  ): Promise<{ tables: string[]; next?: string } | undefined> {
    try {
      // A database deleted since it was listed has no tables left to walk.
      const page = await notFoundAsUndefined(glue.send(new GetTablesCommand({ DatabaseName, NextToken, MaxResults: TABLE_PAGE })));
      return { tables: (page?.TableList ?? []).filter(t => t.Name && !t.TargetTable).map(t => t.Name!), next: page?.NextToken };
    } catch (error) {
      if (forSnapshot) this.incomplete.add(WALKED);
      this.o.report.fail({
        kind: WALKED,
        key: `Database ${DatabaseName}`,
        error: `listing its tables in the source failed, so the tag assignments of its tables were not read: ${errorMessage(error)}`,
      });
      return undefined;
    }
  }

  /**
   * Reads each side's assignments on these resources, then hands the source's to the snapshot or converges
   * each target's, resource by resource. A resource whose read failed is left alone: on every side when
   * the source's failed, else on the side whose read failed.
   */
  private async walkChunk(resources: Resource[], sides: WalkSide[], converge: boolean): Promise<void> {
    const read = sides.map(() => new Map<number, TagAssignment[]>());
    const reads = sides.flatMap((side, s) => side.hasTags ? resources.map((_, r) => [s, r] as const) : []);
    await forEachConcurrent(reads, IN_FLIGHT, async ([s, r]) => {
      const resource = resources[r];
      try {
        read[s].set(r, await KIND_MODULES[WALKED].readOne!(sides[s].reader, { kind: WALKED, resource }));
      } catch (error) {
        const target = sides[s].target?.convergence.region;
        if (!target && !converge) this.incomplete.add(WALKED);
        this.o.report.fail({
          kind: WALKED,
          key: resourceLabel(resource),
          ...(target ? { target } : {}),
          error: `reading its tag assignments ${target ? 'in the target failed, so they were left as they are there' : 'in the source failed, so they were not replicated'}: ${errorMessage(error)}`,
        });
      }
    });
    // A side without LF-tags has no assignments; one whose read failed has no entry.
    const at = (s: number, r: number): TagAssignment[] | undefined => sides[s].hasTags ? read[s].get(r) : [];
    const readable = resources.map((_, r) => r).filter(r => at(0, r) !== undefined);
    if (!converge) {
      this.o.snapshot!(kindState(WALKED, readable.flatMap(r => at(0, r)!)));
      return;
    }
    const writes = sides.slice(1).flatMap((side, t) => readable.map(r => ({ side, source: at(0, r)!, actual: at(t + 1, r) })))
      .filter(w => w.actual !== undefined && (w.source.length > 0 || w.actual.length > 0));
    await forEachConcurrent(writes, IN_FLIGHT, w => w.side.target!.convergence.convergeItems(WALKED, w.source, w.actual!));
  }
}

function databaseResource(Name: string): Resource {
  return { Database: { Name } };
}

function tableResource(DatabaseName: string, Name: string): Resource {
  return { Table: { DatabaseName, Name } };
}
