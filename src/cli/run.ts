import type { CliJob } from './args';
import { ReplicationEngine, type OnProgress } from '../engine/engine';
import { AwsClients } from '../engine/kernel/clients';
import { errorMessage } from '../engine/kernel/errors';
import type { Report } from '../engine/kernel/report';

/** A run that stopped with an error: the cause, and the report that gives its reason (`error`). */
export class RunFailed extends Error {
  constructor(readonly cause: unknown, readonly report: Report) {
    super(errorMessage(cause));
    this.name = 'RunFailed';
  }
}

/** One engine run with SDK clients of its own, closed when it ends; a run that throws throws RunFailed. */
export async function runEngine(job: CliJob, onProgress?: OnProgress): Promise<Report> {
  const { endpoint, maxAttempts, ...settings } = job;
  const clients = new AwsClients({ endpoint, maxAttempts });
  try {
    return await (await ReplicationEngine.create(settings, clients)).run(onProgress);
  } catch (error) {
    throw new RunFailed(error, ReplicationEngine.failedRun(settings, error, clients.apiCalls));
  } finally {
    clients.destroy();
  }
}
