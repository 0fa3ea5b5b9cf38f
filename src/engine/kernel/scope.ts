import { compileGlob } from '../../shared/glob';

/** Which databases a run covers: include patterns (default all) minus exclude patterns. */
export interface ScopeConfig {
  readonly databases?: readonly string[];
  readonly excludeDatabases?: readonly string[];
}

export class Scope {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];

  /** @param within a scope this one is narrowed to, e.g. the scope a snapshot was taken with */
  constructor(readonly config: ScopeConfig = {}, private readonly within?: Scope) {
    const include = config.databases && config.databases.length > 0 ? config.databases : ['*'];
    this.include = include.map(compileGlob);
    this.exclude = (config.excludeDatabases ?? []).map(compileGlob);
  }

  includes(databaseName: string): boolean {
    return this.include.some(r => r.test(databaseName)) && !this.exclude.some(r => r.test(databaseName))
      && (this.within?.includes(databaseName) ?? true);
  }

  toJSON() {
    return { databases: this.config.databases ?? ['*'], excludeDatabases: this.config.excludeDatabases ?? [] };
  }
}
