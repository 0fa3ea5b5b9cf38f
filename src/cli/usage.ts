import { ATTACHED_SWITCH_NAMES } from '../shared/attached-kinds';
/** The CLI's commands, options and help texts: one table, from which `--help`, `<command> --help` and the option checks come. */

export const COMMANDS = ['plan', 'sync', 'verify', 'snapshot', 'restore', 'redrive', 'promote', 'demote'] as const;
export type CommandName = typeof COMMANDS[number];

const ENGINE: readonly CommandName[] = ['plan', 'sync', 'verify', 'snapshot', 'restore'];
const WRITING: readonly CommandName[] = ['plan', 'sync', 'verify', 'restore'];
/** The commands of the day of failover (and of failing back). */
const FAILOVER: readonly CommandName[] = ['promote', 'demote'];

interface OptionHelp {
  /** As typed, with its value's placeholder: `--source-region R`. */
  readonly flag: string;
  readonly text: string;
  /** The commands it applies to; every command when absent. */
  readonly commands?: readonly CommandName[];
}

export const OPTIONS: readonly OptionHelp[] = [
  { flag: '--source-region R', text: 'Source Region (not needed by restore: the snapshot names it).', commands: ENGINE },
  { flag: '--target-region R', text: 'Target Region; repeat for several.', commands: [...WRITING, 'redrive'] },
  { flag: '--region R', text: 'promote, demote: the Region to promote to the primary (or demote).', commands: FAILOVER },
  { flag: '--database GLOB', text: 'Database name pattern (* ? [..]); repeat; default all.', commands: [...ENGINE, 'promote'] },
  { flag: '--exclude-database GLOB', text: 'Database name pattern to leave out; repeat.', commands: [...ENGINE, 'promote'] },
  { flag: '--role-map SRC=DST[@R]', text: 'Name IAM role DST where the source names role SRC (only for target R); repeat.\nRoles with no mapping are kept (IAM is global).', commands: WRITING },
  {
    flag: '--connection-map NAME@R=MEMBERS',
    text: 'Give Glue connection NAME its Region-specific settings in target R; MEMBERS\nis secret=ARN,subnet=ID,sg=ID1+ID2,az=ZONE (each optional). A connection\nnaming a secret or network settings is replicated only with one; repeat.',
    commands: WRITING,
  },
  { flag: '--bucket-map SRC=DST[@R]', text: 'Rewrite bucket SRC to DST in S3 locations (only for target R); repeat.\nIn target R, a mapping for R wins over one without @R.', commands: WRITING },
  { flag: '--prune', text: 'Delete target objects and revoke permissions in scope that the source\nlacks (plan, sync, restore).', commands: ['plan', 'sync', 'restore'] },
  { flag: '--out LOCATION', text: 'Where snapshot writes.', commands: ['snapshot'] },
  { flag: '--from LOCATION', text: 'What restore reads; promote: a snapshot of the old source, whose enabled\nstates and refresh intervals it restores (default: the replica\'s own form).', commands: ['restore', 'promote'] },
  { flag: '--endpoint-url URL', text: 'One endpoint for every AWS service (AWS_ENDPOINT_URL works too).' },
  { flag: '--concurrency N', text: 'Tables converged at once, 1-64 (default 8).', commands: ENGINE },
  {
    flag: '--skip GROUP',
    text: 'Leave a group alone; repeat. GROUP is a group of Lake Formation state:\ndata-lake-settings, data-locations, opt-ins, lf-tags, lf-tag-expressions,\ndata-cells-filters, permissions, or lake-formation (all of them); or Glue\nobjects of the account catalog and attached to tables and databases:\n' + `${ATTACHED_SWITCH_NAMES.join(', ')}.\n` + 'iceberg-metadata leaves Iceberg tables\' metadata files unrewritten: the\nreplicas then still read the source Region (a warning per table).',
    commands: [...ENGINE, 'promote'],
  },
  {
    flag: '--storage',
    text: 'verify: also check that each replicated Hive table\'s and partition\'s\nlocation has objects in the target Region (one listing per table prefix).',
    commands: ['verify'],
  },
  {
    flag: '--protect-principal ARN',
    text: 'Never revoke this principal\'s permissions, even with --prune; repeat.\nThe caller and each target\'s data lake admins are always protected.',
    commands: WRITING,
  },
  { flag: '--ledger-table NAME', text: 'redrive: the construct\'s ledger table (its stack output <id>LedgerTableName).', commands: ['redrive'] },
  { flag: '--ledger-region R', text: 'redrive: the ledger\'s Region (default AWS_REGION).', commands: ['redrive'] },
  { flag: '--dry-run', text: 'redrive: list the events it would retry; promote, demote: print the plan;\nneither changes anything.', commands: ['redrive', ...FAILOVER] },
  {
    flag: '--include-stale-pending',
    text: 'redrive: also retry PENDING events the applier has not answered for in\n15 minutes (it timed out, or their stream records expired or were dead-lettered).',
    commands: ['redrive'],
  },
  { flag: '--json', text: 'Print exactly the JSON report on stdout.' },
  { flag: '-h, --help', text: 'Show this help; after a command, that command\'s help.' },
];

/** An option's name as parseArgs knows it: `--source-region R` is `source-region`. */
export function optionName(option: OptionHelp): string {
  return option.flag.split(/[ ,]/).filter(w => w.startsWith('--'))[0].slice(2);
}

const COMMAND_HELP: Readonly<Record<CommandName, { readonly summary: string; readonly usage: string; readonly examples: readonly string[] }>> = {
  plan: {
    summary: 'Show what sync would change; writes nothing.',
    usage: 'plan --source-region R --target-region R [--target-region R ...] [options]',
    examples: ['lake-replica plan --source-region us-east-1 --target-region us-west-2'],
  },
  sync: {
    summary: 'Converge the target Regions\' Glue Data Catalogs and Lake Formation state to the source.',
    usage: 'sync --source-region R --target-region R [--target-region R ...] [--prune] [options]',
    examples: ['lake-replica sync --source-region us-east-1 --target-region us-west-2 --bucket-map lake=lake-usw2 --prune'],
  },
  verify: {
    summary: 'Compare source and targets; writes nothing. Exit 3 on drift.',
    usage: 'verify --source-region R --target-region R [--target-region R ...] [options]',
    examples: ['lake-replica verify --source-region us-east-1 --target-region us-west-2 || echo "drift: exit $?"'],
  },
  snapshot: {
    summary: 'Write the in-scope source state to --out FILE|s3://bucket/key (".gz" compresses).',
    usage: 'snapshot --source-region R --out FILE|s3://bucket/key [options]',
    examples: ['lake-replica snapshot --source-region us-east-1 --out s3://dr-snapshots/lake.jsonl.gz'],
  },
  restore: {
    summary: 'Apply a snapshot (--from FILE|s3://bucket/key) to the target Regions.',
    usage: 'restore --from FILE|s3://bucket/key --target-region R [--target-region R ...] [--prune] [options]',
    examples: ['lake-replica restore --from s3://dr-snapshots/lake.jsonl.gz --target-region us-west-2'],
  },
  redrive: {
    summary: 'Retry the near-real-time ledger\'s FAILED events (--ledger-table, --ledger-region).',
    usage: 'redrive --ledger-table NAME --ledger-region R [--target-region R] [--include-stale-pending] [--dry-run]',
    examples: ['lake-replica redrive --ledger-table LakeReplica-Ledger --ledger-region us-west-2 --target-region us-west-2'],
  },
  promote: {
    summary: 'Failover: turn --region into the primary (optimizers, refresh on) and stop replicating into it.',
    usage: 'promote --region R [--from FILE|s3://bucket/key] [--dry-run] [--database GLOB ...] [--skip GROUP ...]',
    examples: ['lake-replica promote --region us-west-2 --from s3://dr-snapshots/lake.jsonl.gz --dry-run'],
  },
  demote: {
    summary: 'Failing back: remove --region\'s promoted mark, so it takes replication again.',
    usage: 'demote --region R [--dry-run]',
    examples: ['lake-replica demote --region us-west-2'],
  },
};

const EXIT_CODES = 'Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration, 3 drift (verify).';

function optionLines(options: readonly OptionHelp[]): string {
  const width = Math.max(...OPTIONS.map(o => o.flag.length)) + 2;
  return options.map(o => {
    const [first, ...rest] = o.text.split('\n');
    return [`  ${o.flag.padEnd(width)} ${first}`, ...rest.map(line => `  ${''.padEnd(width)} ${line}`)].join('\n');
  }).join('\n');
}

export const USAGE = [
  'Usage: lake-replica <command> [options]',
  '',
  'Commands:',
  ...COMMANDS.map(c => `  ${c.padEnd(10)} ${COMMAND_HELP[c].summary}`),
  '',
  'Options:',
  optionLines(OPTIONS),
  '',
  EXIT_CODES,
  'Run "lake-replica <command> --help" for one command\'s options.',
  'Examples:',
  ...COMMANDS.map(c => `  ${COMMAND_HELP[c].examples[0]}`),
].join('\n');

/** One command's help: what it does, how to call it, the options it takes, an example. */
export function commandUsage(command: CommandName): string {
  const help = COMMAND_HELP[command];
  return [
    `Usage: lake-replica ${help.usage}`,
    '',
    help.summary,
    '',
    'Options:',
    optionLines(OPTIONS.filter(o => !o.commands || o.commands.includes(command))),
    '',
    EXIT_CODES,
    'Example:',
    ...help.examples.map(e => `  ${e}`),
  ].join('\n');
}

/** The help to print: one command's when a command was named, else the whole usage. */
export function helpText(command?: CommandName): string {
  return command ? commandUsage(command) : USAGE;
}

/** ` (did you mean "x"?)` when one candidate is a likely typo of `word`, else nothing. */
export function didYouMean(word: string, candidates: readonly string[], quote = (s: string) => `"${s}"`): string {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const [best] = candidates
    .map(c => ({ c, d: editDistance(word.toLowerCase(), c.toLowerCase()) }))
    .filter(x => x.d <= limit)
    .sort((a, b) => a.d - b.d);
  return best ? ` (did you mean ${quote(best.c)}?)` : '';
}

/** Levenshtein distance, with a swap of two neighbouring characters counted as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Bad usage or configuration: exit 2 with a hint, before any AWS call. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
