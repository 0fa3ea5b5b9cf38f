import type { CliJob } from './args';
import { ReplicationEngine, type OnProgress } from '../engine/engine';
import { AwsClients } from '../engine/kernel/clients';
import type { Report } from '../engine/kernel/report';

/** One engine run with SDK clients of its own, closed when it ends. */
export async function runEngine(job: CliJob, onProgress?: OnProgress): Promise<Report> {
  const { endpoint, maxAttempts, ...settings } = job;
  const clients = new AwsClients({ endpoint, maxAttempts });
  try {
    return await (await ReplicationEngine.create(settings, clients)).run(onProgress);
  } finally {
    clients.destroy();
  }
}
