import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetDatabasesCommand, GetPartitionsCommand, GetTablesCommand, InternalServiceException, EntityNotFoundException } from '@aws-sdk/client-glue';
import type { GetDatabasesRequest, GetPartitionsRequest, GetTablesRequest } from '@aws-sdk/client-glue';
import { LiveCatalogSource } from '../../../src/engine/glue/source';
import { AwsClients } from '../../../src/engine/kernel/clients';
import type { Report } from '../../../src/engine/kernel/report';
import { Scope } from '../../../src/engine/kernel/scope';
import { RetryingSource } from '../../../src/engine/snapshot/page-retry';
import { writeSnapshot } from '../../../src/engine/snapshot/write';
import { dailyPartitions, database, table, useFakeLake } from '../../support/fake-lake';
import { regionOf, SOURCE_REGION } from '../../support/sdk-harness';

/**
 * A snapshot run reads a source page again when its call still fails after the SDK's own attempts
 * (here 2): the listing carries on from the page token, table or database where it stopped, so the
 * snapshot is the same as one read without faults. The SDK runs its real middleware (retry included)
 * over a fake Glue (aws-sdk-client-mock): moto cannot be made to fail one page on purpose.
 */

const fx = useFakeLake(lake => {
  lake.region(SOURCE_REGION, { databases: 2, tables: 2, partitions: 1000 })
    .addDatabase(database('finance'), database('marketing'), database('sales'))
    .addTable(table('finance', 'ledger'), table('sales', 'orders'), table('sales', 'returns'), table('sales', 'refunds'), table('marketing', 'campaigns'))
    .addPartitions(...dailyPartitions('sales', 'orders', 2500));
});

const serverError = () => new InternalServiceException({ message: 'Internal service error', $metadata: { httpStatusCode: 500 } });
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'snapshot-retry-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A snapshot of the fake source into `name` in the test's folder; `text` is what the file holds after (empty when none). */
async function snapshot(name: string): Promise<{ report: Report; text: string }> {
  const clients = new AwsClients({ maxAttempts: 2 });
  const file = join(dir, name);
  try {
    const report = await writeSnapshot({
      source: new LiveCatalogSource(clients, SOURCE_REGION, new Scope()),
      scope: new Scope(),
      location: file,
      clients,
      pageRetry: { attempts: 3, firstDelayMs: 1 },
    });
    return { report, text: existsSync(file) ? readFileSync(file, 'utf8') : '' };
  } finally {
    clients.destroy();
  }
}

/** The snapshot's records without the header (whose createdAt differs per run). */
const records = (text: string) => text.split('\n').slice(1).join('\n');

/** Makes the source's calls of one command fail `times` times (every SDK attempt counts), where `when` says. */
function failing<I>(command: typeof GetPartitionsCommand | typeof GetTablesCommand | typeof GetDatabasesCommand, times: number,
  when: (input: I) => boolean, error: () => Error = serverError): { readonly failed: number } {
  const state = { failed: 0 };
  const answer = { [GetPartitionsCommand.name]: 'getPartitions', [GetTablesCommand.name]: 'getTables', [GetDatabasesCommand.name]: 'getDatabases' } as const;
  fx.aws.glue.on(command as typeof GetPartitionsCommand).callsFake(async (input: I, getClient) => {
    const region = await regionOf(getClient());
    if (region === SOURCE_REGION && state.failed < times && when(input)) {
      state.failed++;
      throw error();
    }
    return (fx.lake[answer[command.name]] as (i: I, r: string) => unknown).call(fx.lake, input, region);
  });
  return state;
}

test('mocked: a partition page that fails after the SDK\'s attempts is read again from its token; the snapshot is as without faults', async () => {
  const clean = await snapshot('clean.jsonl');
  expect(clean.report.failures).toEqual([]);
  fx.aws.glue.resetHistory();

  const fault = failing<GetPartitionsRequest>(GetPartitionsCommand, 2, i => i.TableName === 'orders' && i.NextToken !== undefined);
  const retried = await snapshot('retried.jsonl');

  expect(fault.failed).toBe(2); // both SDK attempts of the second page
  expect(retried.report.failures).toEqual([]);
  expect(records(retried.text)).toBe(records(clean.text));
  expect(retried.report.snapshot).toMatchObject({ databases: 3, tables: 5, partitions: 2500 });
  expect(retried.report.warnings).toEqual([
    '1 source read(s) still failed after the SDK\'s retries and were read again from where they stopped ' +
    '(the last: the partitions of sales.orders: InternalServiceException: Internal service error)',
  ]);
  // The retry asked for the failed page's token, not the first page again.
  const tokens = fx.aws.glue.commandCalls(GetPartitionsCommand).map(c => c.args[0].input.NextToken).filter(t => t !== undefined);
  expect(new Set(tokens).size).toBe(2);
  expect(fx.aws.glue.commandCalls(GetPartitionsCommand).filter(c => c.args[0].input.TableName === 'orders' && !c.args[0].input.NextToken)).toHaveLength(1);
});

test('mocked: a table page and a database page that fail are listed again without repeating a table or a database', async () => {
  const clean = await snapshot('clean.jsonl');
  failing<GetTablesRequest>(GetTablesCommand, 2, i => i.DatabaseName === 'sales' && i.NextToken !== undefined);
  const retriedTables = await snapshot('tables.jsonl');
  expect(retriedTables.report.failures).toEqual([]);
  expect(records(retriedTables.text)).toBe(records(clean.text));

  failing<GetDatabasesRequest>(GetDatabasesCommand, 2, i => i.NextToken !== undefined);
  const retriedDatabases = await snapshot('databases.jsonl');
  expect(retriedDatabases.report.failures).toEqual([]);
  expect(records(retriedDatabases.text)).toBe(records(clean.text));
});

test('mocked: a page that keeps failing gives up after the bounded attempts, and the previous file is left as it was', async () => {
  const file = join(dir, 'latest.jsonl');
  writeFileSync(file, 'previous\n');
  failing<GetPartitionsRequest>(GetPartitionsCommand, 1000, i => i.NextToken !== undefined);
  const { report, text } = await snapshot('latest.jsonl');
  expect(report.failures).toEqual([{
    kind: 'snapshot',
    key: file,
    error: 'the snapshot was not completed: reading the partitions of sales.orders failed 3 times in a row, the last time with InternalServiceException: ' +
      `Internal service error; the previous snapshot at ${file} was left as it was`,
  }]);
  // 3 reads of the page, each with the SDK's 2 attempts.
  expect(fx.aws.glue.commandCalls(GetPartitionsCommand).filter(c => c.args[0].input.NextToken !== undefined)).toHaveLength(6);
  expect(text).toBe('previous\n');
});

test('mocked: a failure that cannot pass (the table was deleted meanwhile) is not read again', async () => {
  failing<GetPartitionsRequest>(GetPartitionsCommand, 1000, i => i.NextToken !== undefined,
    () => new EntityNotFoundException({ message: 'Table orders not found.', $metadata: { httpStatusCode: 400 } }));
  const { report, text } = await snapshot('gone.jsonl');
  expect(text).toBe('');
  expect(report.failures[0].error).toMatch(/^the snapshot was not completed: reading the partitions of sales\.orders failed: EntityNotFoundException: Table orders not found\.; /);
  expect(fx.aws.glue.commandCalls(GetPartitionsCommand).filter(c => c.args[0].input.NextToken !== undefined)).toHaveLength(1);
});

test('the wait before each retry doubles, from the policy\'s first delay', async () => {
  let calls = 0;
  const waits: number[] = [];
  const flaky = new RetryingSource({
    region: SOURCE_REGION,
    sequential: false,
    catalogId: async () => '123456789012',
    async* databases() {
      calls++;
      throw serverError();
    },
  }, { attempts: 4, firstDelayMs: 250 }, async (ms) => { waits.push(ms); });
  const names: string[] = [];
  await expect((async () => { for await (const db of flaky.databases()) names.push(db.input.Name!); })())
    .rejects.toThrow('reading the source\'s databases failed 4 times in a row, the last time with InternalServiceException: Internal service error');
  expect(calls).toBe(4);
  expect(waits).toEqual([250, 500, 1000]);
  expect(flaky.retried).toBe(3);
});
