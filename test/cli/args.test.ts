import { parseCli } from '../../src/cli/args';
import { COMMANDS, commandUsage, didYouMean, helpText, OPTIONS, optionName, USAGE, UsageError } from '../../src/cli/usage';

const NO_ENV = {};
const BASE = ['--source-region', 'us-east-1', '--target-region', 'us-west-2'];

function refusal(argv: string[], env: NodeJS.ProcessEnv = NO_ENV): UsageError {
  try {
    parseCli(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`parseCli accepted ${JSON.stringify(argv)}`);
}

describe('parseCli refusals', () => {
  test.each<[string, string[], RegExp]>([
    ['missing command', [], /a command is required/],
    ['missing command with options', [...BASE], /a command is required/],
    ['unknown command', ['replicate', ...BASE], /unknown command "replicate"/],
    ['extra positional', ['sync', 'extra', ...BASE], /unexpected argument "extra"/],
    ['unknown short flag', ['sync', ...BASE, '-x'], /-x/],
    ['string flag without value', ['sync', '--source-region'], /source-region/],
    ['target equal to source', ['sync', '--source-region', 'us-east-1', '--target-region', 'us-east-1'], /is the source Region/],
    ['target listed twice', ['sync', ...BASE, '--target-region', 'us-west-2'], /listed twice/],
    ['no target', ['sync', '--source-region', 'us-east-1'], /at least one target Region/],
    ['no source', ['plan', '--target-region', 'us-west-2'], /plan needs --source-region/],
    ['invalid source Region', ['sync', '--source-region', 'US-EAST-1', '--target-region', 'us-west-2'], /"US-EAST-1" is not a valid AWS Region/],
    ['invalid target Region', ['verify', '--source-region', 'us-east-1', '--target-region', 'uswest2'], /"uswest2" is not a valid AWS Region/],
    ['malformed --bucket-map', ['sync', ...BASE, '--bucket-map', 'lake'], /--bucket-map "lake" is malformed/],
    ['invalid bucket in --bucket-map', ['sync', ...BASE, '--bucket-map', 'Lake=lake-dr'], /source bucket "Lake"/],
    ['--bucket-map twice for one source', ['sync', ...BASE, '--bucket-map', 'lake=a-dr', '--bucket-map', 'lake=b-dr'], /mapped twice/],
    ['--bucket-map for a Region that is not a target', ['sync', ...BASE, '--bucket-map', 'lake=lake-dr@eu-west-1'], /not a --target-region/],
    ['--out on sync', ['sync', ...BASE, '--out', 'x.jsonl'], /--out does not apply to sync/],
    ['--from on plan', ['plan', ...BASE, '--from', 'x.jsonl'], /--from does not apply to plan/],
    ['--prune on verify', ['verify', ...BASE, '--prune'], /--prune does not apply to verify/],
    ['--target-region on snapshot', ['snapshot', ...BASE, '--out', 'x'], /--target-region does not apply to snapshot/],
    ['malformed --role-map', ['sync', ...BASE, '--role-map', 'arn:aws:iam::111111111111:role/a'], /--role-map "arn:aws:iam::111111111111:role\/a" is malformed/],
    ['--role-map naming no role', ['sync', ...BASE, '--role-map', 'a=arn:aws:iam::111111111111:role/b'], /source role "a" is not an IAM role ARN/],
    ['malformed --connection-map', ['sync', ...BASE, '--connection-map', 'snowflake=secret=x'], /--connection-map "snowflake=secret=x" is malformed/],
    ['--connection-map with an unknown member', ['sync', ...BASE, '--connection-map', 'snowflake@us-west-2=vpc=v-1'], /"vpc=v-1" is not one of secret=, subnet=, sg=, az=/],
    ['--connection-map with a bad security group', ['sync', ...BASE, '--connection-map', 'snowflake@us-west-2=sg=sg-1+group'], /security group "sg-1" is not a security group ID/],
    ['--connection-map twice for one target', ['sync', ...BASE, '--connection-map', 'c@us-west-2=az=us-west-2a', '--connection-map', 'c@us-west-2=az=us-west-2b'], /connection "c" is mapped twice/],
    ['--connection-map on snapshot', ['snapshot', '--source-region', 'us-east-1', '--out', 'x', '--connection-map', 'c@us-west-2=az=us-west-2a'], /--connection-map does not apply/],
    ['--bucket-map on snapshot', ['snapshot', '--source-region', 'us-east-1', '--out', 'x', '--bucket-map', 'a-b=c-d'], /--bucket-map does not apply/],
    ['unknown --skip group', ['sync', ...BASE, '--skip', 'grants'], /--skip "grants" is not allowed; expected one of data-lake-settings, data-locations, opt-ins, lf-tags, lf-tag-expressions, data-cells-filters, permissions, lake-formation/],
    ['--protect-principal that is no principal', ['sync', ...BASE, '--protect-principal', 'admin'], /--protect-principal "admin" is not a Lake Formation principal/],
    ['--protect-principal on snapshot', ['snapshot', '--source-region', 'us-east-1', '--out', 'x', '--protect-principal', '111122223333'], /--protect-principal does not apply to snapshot/],
    ['--concurrency 0', ['sync', ...BASE, '--concurrency', '0'], /--concurrency "0" is not allowed/],
    ['--concurrency 65', ['sync', ...BASE, '--concurrency', '65'], /--concurrency "65"/],
    ['--concurrency 2.5', ['sync', ...BASE, '--concurrency', '2.5'], /--concurrency "2.5"/],
    ['--concurrency -1', ['sync', ...BASE, '--concurrency=-1'], /--concurrency "-1"/],
    ['--concurrency abc', ['sync', ...BASE, '--concurrency', 'abc'], /--concurrency "abc"/],
    ['--concurrency empty', ['sync', ...BASE, '--concurrency', ''], /--concurrency ""/],
    ['restore without --from', ['restore', '--target-region', 'us-west-2'], /restore needs --from/],
    ['restore without a target', ['restore', '--from', 'snap.jsonl'], /restore needs at least one --target-region/],
    ['restore with an invalid target', ['restore', '--from', 'snap.jsonl', '--target-region', 'west'], /"west" is not a valid AWS Region/],
    ['restore with a target twice', ['restore', '--from', 's', '--target-region', 'us-west-2', '--target-region', 'us-west-2'], /listed twice/],
    ['restore whose source is a target', ['restore', '--from', 's', '--source-region', 'us-west-2', '--target-region', 'us-west-2'], /is the source Region/],
    ['snapshot without --out', ['snapshot', '--source-region', 'us-east-1'], /snapshot needs --out/],
    ['snapshot without a source', ['snapshot', '--out', 'x'], /snapshot needs --source-region/],
    ['bad --database pattern', ['sync', ...BASE, '--database', 'sales_['], /--database pattern "sales_\[" has an unclosed/],
    ['bad --exclude-database pattern', ['sync', ...BASE, '--exclude-database', ']'], /--exclude-database pattern/],
    ['a --database pattern that does not compile (reversed range)', ['sync', ...BASE, '--database', '[z-a]*'],
      /--database pattern "\[z-a\]\*" has the range "z-a", whose first character comes after its last; write it as "a-z"/],
    ['a mistyped command', ['snyc', ...BASE], /unknown command "snyc" \(did you mean "sync"\?\); expected one of plan, sync/],
    ['a mistyped flag', ['sync', '--sorce-region', 'us-east-1', '--target-region', 'us-west-2'], /Unknown option '--sorce-region' \(did you mean --source-region\?\)/],
    ['a flag with swapped letters', ['sync', ...BASE, '--prnue'], /did you mean --prune\?/],
    ['--dry-run on sync points to plan', ['sync', ...BASE, '--dry-run'], /--dry-run does not apply to sync; it is for redrive, promote, demote \(plan shows what sync would change\)/],
    ['promote without --region', ['promote'], /promote needs --region R \(the Region to promote\)/],
    ['demote without --region', ['demote', '--dry-run'], /demote needs --region R/],
    ['promote with an invalid Region', ['promote', '--region', 'uswest2'], /"uswest2" is not a valid AWS Region/],
    ['promote with a target Region', ['promote', '--region', 'us-west-2', '--target-region', 'eu-west-1'], /--target-region does not apply to promote/],
    ['promote with a source Region', ['promote', '--region', 'us-west-2', '--source-region', 'us-east-1'], /--source-region does not apply to promote/],
    ['promote skipping a Lake Formation group', ['promote', '--region', 'us-west-2', '--skip', 'permissions'],
      /--skip "permissions" is not allowed for promote; expected one of connections, catalogs, catalog-optimization, partition-indexes, user-defined-functions, table-optimizers/],
    ['demote with --from', ['demote', '--region', 'us-west-2', '--from', 'lake.jsonl'], /--from does not apply to demote; it is for restore, promote/],
    ['--region on sync', ['sync', ...BASE, '--region', 'us-west-2'], /--region does not apply to sync; it is for promote, demote/],
    ['endpoint that is not http(s)', ['sync', ...BASE, '--endpoint-url', 'localhost:5000'], /endpoint URL "localhost:5000"/],
  ])('%s', (_why, argv, message) => {
    expect(refusal(argv).message).toMatch(message);
  });

  test('every problem is reported at once', () => {
    const error = refusal(['sync', '--source-region', 'us-east-1', '--target-region', 'us-east-1', '--bucket-map', 'x', '--concurrency', '0']);
    const lines = error.message.split('\n');
    expect(lines.some(l => l.includes('is the source Region'))).toBe(true);
    expect(lines.some(l => l.includes('malformed'))).toBe(true);
    expect(lines.some(l => l.includes('--concurrency'))).toBe(true);
  });

  test('a bad AWS_ENDPOINT_URL from the environment is refused', () => {
    expect(refusal(['sync', ...BASE], { AWS_ENDPOINT_URL: 'ftp://x' }).message).toMatch(/endpoint URL "ftp:\/\/x"/);
  });

  test('the parseArgs hint about positionals is not shown', () => {
    expect(refusal(['sync', ...BASE, '--bogus']).message).not.toMatch(/positional/);
  });
});

describe('parseCli accepted command lines', () => {
  test('--help wins over everything else', () => {
    expect(parseCli(['--help'], NO_ENV)).toEqual({ help: true, json: false });
    expect(parseCli(['-h', 'nonsense'], NO_ENV)).toEqual({ help: true, json: false });
  });

  test('<command> --help asks for that command\'s help, even with other options', () => {
    expect(parseCli(['sync', '--help'], NO_ENV)).toEqual({ help: true, json: false, helpCommand: 'sync' });
    expect(parseCli(['redrive', '-h', '--ledger-table', 'x'], NO_ENV)).toEqual({ help: true, json: false, helpCommand: 'redrive' });
  });

  test('--connection-map gives a connection its secret, subnet, security groups and zone in one target', () => {
    const secret = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:snowflake-dr';
    const command = parseCli(['sync', ...BASE, '--connection-map', `snowflake@us-west-2=secret=${secret},subnet=subnet-0abc1234,sg=sg-0abc1234+sg-0def5678,az=us-west-2b`], NO_ENV);
    expect(command.job?.connectionMappings).toEqual([{
      connection: 'snowflake',
      targetRegion: 'us-west-2',
      secretArn: secret,
      subnetId: 'subnet-0abc1234',
      securityGroupIds: ['sg-0abc1234', 'sg-0def5678'],
      availabilityZone: 'us-west-2b',
    }]);
    expect(parseCli(['sync', ...BASE], NO_ENV).job?.connectionMappings).toBeUndefined();
  });

  test('a full sync command line becomes the expected JobConfig', () => {
    const command = parseCli([
      'sync', '--source-region', 'us-east-1',
      '--target-region', 'us-west-2', '--target-region', 'eu-central-1',
      '--database', 'sales_*', '--database', 'hr',
      '--exclude-database', '*_tmp',
      '--bucket-map', 'lake-raw=lake-raw-dr', '--bucket-map', 'lake-raw=lake-raw-euc1@eu-central-1',
      '--role-map', 'arn:aws:iam::111122223333:role/glue-use1=arn:aws:iam::111122223333:role/glue-euc1@eu-central-1',
      '--prune', '--concurrency', '16', '--json',
      '--skip', 'opt-ins', '--skip', 'lf-tags', '--protect-principal', 'arn:aws:iam::111122223333:role/BreakGlass',
    ], NO_ENV);
    expect(command).toEqual({
      help: false,
      json: true,
      job: {
        mode: 'sync',
        sourceRegion: 'us-east-1',
        targetRegions: ['us-west-2', 'eu-central-1'],
        scope: { databases: ['sales_*', 'hr'], excludeDatabases: ['*_tmp'] },
        bucketMappings: [
          { sourceBucket: 'lake-raw', targetBucket: 'lake-raw-dr' },
          { sourceBucket: 'lake-raw', targetBucket: 'lake-raw-euc1', targetRegion: 'eu-central-1' },
        ],
        roleMappings: [
          { sourceRole: 'arn:aws:iam::111122223333:role/glue-use1', targetRole: 'arn:aws:iam::111122223333:role/glue-euc1', targetRegion: 'eu-central-1' },
        ],
        prune: true,
        concurrency: 16,
        lakeFormation: {
          kinds: ['dataLakeSettings', 'lfTagExpression', 'dataLocation', 'dataCellsFilter', 'permission'],
          protectedPrincipals: ['arn:aws:iam::111122223333:role/BreakGlass'],
        },
        attachedKinds: [
          'connection', 'catalog', 'catalogOptimization', 'partitionIndex', 'userDefinedFunction', 'tableOptimizer',
          'columnStatistics', 'partitionColumnStatistics', 'statisticsTaskSettings',
        ],
        snapshotLocation: undefined,
        endpoint: undefined,
      },
    });
  });

  test('defaults: concurrency 8, no prune, no json, all databases', () => {
    const { job, json } = parseCli(['plan', ...BASE], NO_ENV);
    expect(json).toBe(false);
    expect(job?.mode).toBe('plan');
    expect(job?.concurrency).toBe(8);
    expect(job?.prune).toBe(false);
    expect(job?.bucketMappings).toEqual([]);
    expect(job?.scope).toEqual({ databases: undefined, excludeDatabases: undefined });
    expect(job?.endpoint).toBeUndefined();
  });

  test.each(['1', '64'])('--concurrency %s is allowed', value => {
    expect(parseCli(['sync', ...BASE, '--concurrency', value], NO_ENV).job?.concurrency).toBe(Number(value));
  });

  test('AWS_ENDPOINT_URL is honoured through the env argument', () => {
    expect(parseCli(['verify', ...BASE], { AWS_ENDPOINT_URL: 'http://localhost:5000' }).job?.endpoint).toBe('http://localhost:5000');
  });

  test('an empty AWS_ENDPOINT_URL means no endpoint', () => {
    expect(parseCli(['verify', ...BASE], { AWS_ENDPOINT_URL: '' }).job?.endpoint).toBeUndefined();
  });

  test('--endpoint-url wins over AWS_ENDPOINT_URL', () => {
    const { job } = parseCli(['verify', ...BASE, '--endpoint-url', 'https://glue.example.com'], { AWS_ENDPOINT_URL: 'http://localhost:5000' });
    expect(job?.endpoint).toBe('https://glue.example.com');
  });

  test('snapshot takes --out as its location', () => {
    const { job } = parseCli(['snapshot', '--source-region', 'us-east-1', '--out', 's3://dr-snapshots/lake.jsonl.gz', '--database', 'sales'], NO_ENV);
    expect(job).toMatchObject({ mode: 'snapshot', sourceRegion: 'us-east-1', targetRegions: [], snapshotLocation: 's3://dr-snapshots/lake.jsonl.gz' });
  });

  test('restore needs no source Region and takes --from as its location', () => {
    const { job } = parseCli(['restore', '--from', 'lake.jsonl', '--target-region', 'us-west-2', '--prune', '--bucket-map', 'a-src=a-dst@us-west-2'], NO_ENV);
    expect(job).toMatchObject({
      mode: 'restore',
      sourceRegion: undefined,
      targetRegions: ['us-west-2'],
      snapshotLocation: 'lake.jsonl',
      prune: true,
      bucketMappings: [{ sourceBucket: 'a-src', targetBucket: 'a-dst', targetRegion: 'us-west-2' }],
    });
  });

  test('promote and demote: one Region, an optional snapshot, a dry run', () => {
    expect(parseCli(['promote', '--region', 'us-west-2', '--from', 's3://dr/lake.jsonl.gz', '--dry-run', '--skip', 'table-optimizers', '--json'], NO_ENV)).toEqual({
      help: false,
      json: true,
      promote: {
        command: 'promote',
        region: 'us-west-2',
        snapshotLocation: 's3://dr/lake.jsonl.gz',
        scope: { databases: undefined, excludeDatabases: undefined },
        attachedKinds: ['connection', 'catalog', 'catalogOptimization', 'partitionIndex', 'userDefinedFunction', 'columnStatistics', 'partitionColumnStatistics', 'statisticsTaskSettings'],
        dryRun: true,
        endpoint: undefined,
        maxAttempts: undefined,
      },
    });
    expect(parseCli(['demote', '--region', 'us-west-2'], NO_ENV).promote).toMatchObject({ command: 'demote', region: 'us-west-2', dryRun: false });
  });

  test('options may come before the command and use --flag=value', () => {
    const { job } = parseCli(['--source-region=us-east-1', '--target-region=us-west-2', 'plan'], NO_ENV);
    expect(job).toMatchObject({ mode: 'plan', sourceRegion: 'us-east-1', targetRegions: ['us-west-2'] });
  });
});

describe('help texts', () => {
  test('the usage names every command and option', () => {
    for (const command of COMMANDS) expect(USAGE).toContain(`  ${command} `);
    for (const option of OPTIONS) expect(USAGE).toContain(option.flag);
    expect(helpText()).toBe(USAGE);
  });

  test.each(COMMANDS)('%s --help shows its usage line, only the options it takes, and an example', command => {
    const help = helpText(command);
    expect(help).toBe(commandUsage(command));
    expect(help).toMatch(new RegExp(`^Usage: lake-replica ${command} `));
    expect(help).toContain(`lake-replica ${command} `);
    for (const option of OPTIONS) {
      const applies = !option.commands || option.commands.includes(command);
      expect({ option: option.flag, shown: help.includes(`  ${option.flag} `) }).toEqual({ option: option.flag, shown: applies });
    }
  });

  test('every option in the help is one the parser knows', () => {
    for (const option of OPTIONS) {
      const command = option.commands?.[0] ?? 'sync';
      let message = '';
      try {
        parseCli([command, `--${optionName(option)}`, 'x'], NO_ENV);
      } catch (error) {
        message = (error as Error).message;
      }
      expect({ option: option.flag, message }).not.toEqual({ option: option.flag, message: expect.stringMatching(/Unknown option/) });
    }
  });
});

describe('didYouMean', () => {
  test.each<[string, string[], string]>([
    ['snyc', ['plan', 'sync'], ' (did you mean "sync"?)'],
    ['verfy', ['verify', 'restore'], ' (did you mean "verify"?)'],
    ['source-regoin', ['source-region', 'target-region'], ' (did you mean "source-region"?)'],
    ['frobnicate', ['plan', 'sync', 'verify'], ''],
    ['x', ['plan'], ''],
  ])('%s among %j', (word, candidates, suggestion) => {
    expect(didYouMean(word, candidates)).toBe(suggestion);
  });
});
