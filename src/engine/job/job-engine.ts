import type { RunStore } from './run-store';
import type { JobSettings, RunOptions } from '../../shared/job-settings';
import { deployedEngineSettings, ReplicationEngine } from '../engine';
import type { AwsClients } from '../kernel/clients';

/** The engine for one step of a run: the construct's settings, narrowed by the run's options. */
export function jobEngine(settings: JobSettings, options: RunOptions, clients: AwsClients, store: RunStore): Promise<ReplicationEngine> {
  return ReplicationEngine.create(deployedEngineSettings(settings, options, store.region), clients);
}
