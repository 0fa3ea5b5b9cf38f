import { EntityNotFoundException, GetTableCommand, type GlueClient, type Table, type TableStatus } from '@aws-sdk/client-glue';
import { awaitViewWrite, isDataCatalogView, isMaterializedView, settledViewWrite, unsettledViewWrite, VIEW_WAIT, type ViewWait } from '../../../src/engine/glue/views';

/** A GlueClient whose GetTable answers the given statuses in turn (the last one again after them); `gone`: no table. */
function glueAnswering(...answers: Array<TableStatus | undefined | 'gone'>): { glue: GlueClient; reads: GetTableCommand[] } {
  const reads: GetTableCommand[] = [];
  const glue = {
    send: async (command: GetTableCommand) => {
      reads.push(command);
      const answer = answers[Math.min(reads.length - 1, answers.length - 1)];
      if (answer === 'gone') throw new EntityNotFoundException({ message: 'Table v not found.', $metadata: {} });
      const table: Table = { Name: 'v', DatabaseName: 'sales', ViewDefinition: { Definer: 'arn:aws:iam::123456789012:role/Definer' }, Status: answer };
      return { Table: table };
    },
  } as unknown as GlueClient;
  return { glue, reads };
}

function recordingWait(overrides: Partial<ViewWait> = {}): { wait: ViewWait; slept: number[] } {
  const slept: number[] = [];
  return { wait: { ...VIEW_WAIT, ...overrides, sleep: async ms => { slept.push(ms); } }, slept };
}

const queued: TableStatus = { Action: 'CREATE', State: 'QUEUED' };
const running: TableStatus = { Action: 'CREATE', State: 'IN_PROGRESS' };
const success: TableStatus = { Action: 'CREATE', State: 'SUCCESS' };

describe('awaitViewWrite: a view write is polled with GetTable until Glue says it ended', () => {
  test('QUEUED, IN_PROGRESS, then SUCCESS: three polls after doubling delays, with IncludeStatusDetails', async () => {
    const { glue, reads } = glueAnswering(queued, running, success);
    const { wait, slept } = recordingWait();
    await awaitViewWrite(glue, 'sales', 'v', wait);
    expect(reads).toHaveLength(3);
    expect(reads[0].input).toEqual({ DatabaseName: 'sales', Name: 'v', IncludeStatusDetails: true });
    expect(slept).toEqual([1_000, 2_000, 4_000]);
  });

  test('no Status (Glue ran the write synchronously) is done after one poll', async () => {
    const { glue, reads } = glueAnswering(undefined);
    await awaitViewWrite(glue, 'sales', 'v', recordingWait().wait);
    expect(reads).toHaveLength(1);
  });

  test("FAILED throws with Glue's ErrorCode and ErrorMessage, and a dialect's own error when it says more", async () => {
    const { glue } = glueAnswering(queued, {
      Action: 'UPDATE',
      State: 'FAILED',
      Error: { ErrorCode: 'InvalidInputException', ErrorMessage: 'The view did not validate.' },
      Details: {
        ViewValidations: [
          { Dialect: 'ATHENA', DialectVersion: '3', State: 'FAILED', Error: { ErrorCode: 'InvalidInputException', ErrorMessage: 'The view did not validate.' } },
          { Dialect: 'SPARK', DialectVersion: '3.5', State: 'FAILED', Error: { ErrorCode: 'SYNTAX_ERROR', ErrorMessage: 'Table sales.orders not found.' } },
        ],
      },
    });
    const error = await awaitViewWrite(glue, 'sales', 'v', recordingWait().wait).catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'ViewWriteFailed',
      message: "Glue's asynchronous UPDATE of the view ended FAILED: InvalidInputException: The view did not validate. (SPARK 3.5: SYNTAX_ERROR: Table sales.orders not found.)",
    });
  });

  test('STOPPED is not a success either', async () => {
    const { glue } = glueAnswering({ Action: 'CREATE', State: 'STOPPED' });
    await expect(awaitViewWrite(glue, 'sales', 'v', recordingWait().wait)).rejects.toThrow(/ended STOPPED: no error code: no message/);
  });

  test('still running at the bound: a failure saying it is still in progress, after a bounded number of polls', async () => {
    const { glue, reads } = glueAnswering(running);
    const { wait, slept } = recordingWait();
    await expect(awaitViewWrite(glue, 'sales', 'v', wait)).rejects.toThrow(
      "Glue's asynchronous CREATE of the view is still IN_PROGRESS after 125 s, so it is not in sync; the next run looks at it again");
    // 1 + 2 + 4 + 8 = 15 s, then every 10 s until 120 s are slept: 15 polls.
    expect(slept).toEqual([1_000, 2_000, 4_000, 8_000, ...Array(11).fill(10_000)]);
    expect(reads).toHaveLength(15);
  });

  test('a table deleted while its view was written is a failure, not a conflict to settle', async () => {
    const { glue } = glueAnswering('gone');
    await expect(awaitViewWrite(glue, 'sales', 'v', recordingWait().wait)).rejects.toMatchObject({
      name: 'ViewWriteFailed', message: 'the table was deleted in the target while Glue was writing its view',
    });
  });
});

describe('settledViewWrite: an earlier write is looked at before an update', () => {
  test('immediately: the first read goes out without a delay; an ended write is returned as Glue has it', async () => {
    const { glue, reads } = glueAnswering({ Action: 'CREATE', State: 'FAILED', Error: { ErrorCode: 'X', ErrorMessage: 'y' } });
    const { wait, slept } = recordingWait();
    const settled = await settledViewWrite(glue, 'sales', 'v', wait, true);
    expect(settled.status).toMatchObject({ Action: 'CREATE', State: 'FAILED' });
    expect([reads.length, slept]).toEqual([1, []]);
  });

  test('a running one is waited for, then returned', async () => {
    const { glue } = glueAnswering(running, success);
    const { wait, slept } = recordingWait({ firstDelayMs: 5, maxDelayMs: 5, boundMs: 50 });
    expect((await settledViewWrite(glue, 'sales', 'v', wait, true)).status).toEqual(success);
    expect(slept).toEqual([5]);
  });

  test('a table that is not there comes back without one', async () => {
    const { glue } = glueAnswering('gone');
    expect(await settledViewWrite(glue, 'sales', 'v', recordingWait().wait, true)).toEqual({ table: undefined, status: undefined });
  });
});

describe('which tables are Data Catalog views', () => {
  test('a ViewDefinition makes a view; on an Iceberg table, a materialized view; a Hive view is neither', () => {
    const hiveView = { Name: 'h', TableType: 'VIRTUAL_VIEW', ViewOriginalText: '/* Presto View: abc= */' };
    const view = { Name: 'v', TableType: 'VIRTUAL_VIEW', ViewDefinition: { Representations: [{ Dialect: 'ATHENA' as const }] } };
    const materialized = { Name: 'm', Parameters: { table_type: 'iceberg' }, ViewDefinition: { RefreshSeconds: 3600 } };
    expect([hiveView, view, materialized].map(isDataCatalogView)).toEqual([false, true, true]);
    expect([hiveView, view, materialized].map(isMaterializedView)).toEqual([false, false, true]);
  });

  test('a view whose last write is running or did not succeed is unsettled; a succeeded one, or one with no Status, is not', () => {
    expect(unsettledViewWrite({ Name: 'v', Status: queued })).toBe('CREATE QUEUED');
    expect(unsettledViewWrite({ Name: 'v', Status: { Action: 'UPDATE', State: 'FAILED' } })).toBe('UPDATE FAILED');
    expect(unsettledViewWrite({ Name: 'v', Status: success })).toBeUndefined();
    expect(unsettledViewWrite({ Name: 'v' })).toBeUndefined();
  });
});
