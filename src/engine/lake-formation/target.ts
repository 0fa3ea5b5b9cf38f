import {
  AddLFTagsToResourceCommand, BatchGrantPermissionsCommand, BatchRevokePermissionsCommand, CreateDataCellsFilterCommand,
  CreateLakeFormationOptInCommand,
  CreateLFTagCommand, CreateLFTagExpressionCommand, DeleteDataCellsFilterCommand, DeleteLakeFormationOptInCommand, DeleteLFTagCommand,
  DeleteLFTagExpressionCommand, DeregisterResourceCommand, GetDataLakeSettingsCommand, PutDataLakeSettingsCommand, RegisterResourceCommand,
  RemoveLFTagsFromResourceCommand,
  UpdateDataCellsFilterCommand, UpdateLFTagCommand, UpdateLFTagExpressionCommand, UpdateResourceCommand, LakeFormationClient,
} from '@aws-sdk/client-lakeformation';
import type { BatchPermissionsFailureEntry, BatchPermissionsRequestEntry, DataCellsFilter, DataLakeSettings, LFTagError, Resource } from '@aws-sdk/client-lakeformation';
import type { DataLocation, LfTag, LfTagExpression, OptIn, PermissionEntry } from './state';
import { AwsClients } from '../kernel/clients';
import { chunk } from '../kernel/concurrency';
import { errorMessage } from '../kernel/errors';

/** BatchGrantPermissions and BatchRevokePermissions take at most 20 entries a call. */
export const BATCH_PERMISSIONS = 20;
/** CreateLFTag and UpdateLFTag take at most 50 values a call. */
export const TAG_VALUES_PER_CALL = 50;

export interface PermissionError { readonly entry: PermissionEntry; readonly error: string }

/** The writes of Lake Formation state into one target Region. */
export class LakeFormationTarget {
  private readonly lf: LakeFormationClient;

  constructor(clients: AwsClients, readonly region: string) {
    this.lf = clients.get(LakeFormationClient, region);
  }

  /**
   * PutDataLakeSettings replaces the whole object: the settings are read and merged immediately before
   * the put, so an admin another writer added since this run's listing is not dropped.
   */
  async putSettings(merge: (current: DataLakeSettings) => DataLakeSettings): Promise<void> {
    const { DataLakeSettings: current = {} } = await this.lf.send(new GetDataLakeSettingsCommand({}));
    await this.lf.send(new PutDataLakeSettingsCommand({ DataLakeSettings: merge(current) }));
  }

  async registerLocation(location: DataLocation): Promise<void> {
    await this.lf.send(new RegisterResourceCommand(location));
  }

  /**
   * A location on the service-linked role is updated with that role's ARN; only if Lake Formation refuses
   * that is it registered anew, which leaves it unregistered for a moment.
   */
  async updateLocation(location: DataLocation, accountId: string): Promise<void> {
    const { ResourceArn, RoleArn, WithFederation, HybridAccessEnabled, ExpectedResourceOwnerAccount } = location;
    const update = (role: string) => this.lf.send(new UpdateResourceCommand({
      ResourceArn, RoleArn: role, WithFederation, HybridAccessEnabled, ExpectedResourceOwnerAccount,
    }));
    if (RoleArn) {
      await update(RoleArn);
      return;
    }
    try {
      await update(serviceLinkedRoleArn(this.region, accountId));
    } catch {
      await this.deregisterLocation(ResourceArn!);
      await this.registerLocation(location);
    }
  }

  async deregisterLocation(ResourceArn: string): Promise<void> {
    await this.lf.send(new DeregisterResourceCommand({ ResourceArn }));
  }

  async createOptIn(optIn: OptIn): Promise<void> {
    await this.lf.send(new CreateLakeFormationOptInCommand(optIn));
  }

  async deleteOptIn(optIn: OptIn): Promise<void> {
    await this.lf.send(new DeleteLakeFormationOptInCommand(optIn));
  }

  async createTag(tag: LfTag): Promise<void> {
    const [first, ...rest] = chunk(tag.TagValues, TAG_VALUES_PER_CALL);
    await this.lf.send(new CreateLFTagCommand({ TagKey: tag.TagKey, TagValues: first }));
    for (const values of rest) await this.lf.send(new UpdateLFTagCommand({ TagKey: tag.TagKey, TagValuesToAdd: values }));
  }

  async updateTagValues(TagKey: string, add: string[], remove: string[]): Promise<void> {
    for (const values of chunk(add, TAG_VALUES_PER_CALL)) await this.lf.send(new UpdateLFTagCommand({ TagKey, TagValuesToAdd: values }));
    for (const values of chunk(remove, TAG_VALUES_PER_CALL)) await this.lf.send(new UpdateLFTagCommand({ TagKey, TagValuesToDelete: values }));
  }

  async deleteTag(TagKey: string): Promise<void> {
    await this.lf.send(new DeleteLFTagCommand({ TagKey }));
  }

  async putExpression(expression: LfTagExpression, exists: boolean): Promise<void> {
    if (exists) await this.lf.send(new UpdateLFTagExpressionCommand(expression));
    else await this.lf.send(new CreateLFTagExpressionCommand(expression));
  }

  async deleteExpression(Name: string): Promise<void> {
    await this.lf.send(new DeleteLFTagExpressionCommand({ Name }));
  }

  async putFilter(filter: DataCellsFilter, exists: boolean): Promise<void> {
    if (exists) await this.lf.send(new UpdateDataCellsFilterCommand({ TableData: filter }));
    else await this.lf.send(new CreateDataCellsFilterCommand({ TableData: filter }));
  }

  async deleteFilter(filter: DataCellsFilter): Promise<void> {
    const { DatabaseName, TableName, Name } = filter;
    await this.lf.send(new DeleteDataCellsFilterCommand({ DatabaseName, TableName, Name }));
  }

  /** Returns the per-tag failures; the call itself failing throws. */
  async addTags(Resource: Resource, LFTags: LfTag[]): Promise<string[]> {
    const r = await this.lf.send(new AddLFTagsToResourceCommand({ Resource, LFTags }));
    return tagErrors(r.Failures);
  }

  async removeTags(Resource: Resource, LFTags: LfTag[]): Promise<string[]> {
    const r = await this.lf.send(new RemoveLFTagsFromResourceCommand({ Resource, LFTags }));
    return tagErrors(r.Failures);
  }

  async grant(entries: PermissionEntry[]): Promise<PermissionError[]> {
    return this.batch(entries, Entries => this.lf.send(new BatchGrantPermissionsCommand({ Entries })));
  }

  async revoke(entries: PermissionEntry[]): Promise<PermissionError[]> {
    return this.batch(entries, Entries => this.lf.send(new BatchRevokePermissionsCommand({ Entries })));
  }

  /**
   * Sends entries 20 at a time. A failed entry is reported by its id; a failed call fails
   * only its own entries, never the other batches.
   */
  private async batch(
    entries: PermissionEntry[],
    send: (entries: BatchPermissionsRequestEntry[]) => Promise<{ Failures?: BatchPermissionsFailureEntry[] }>,
  ): Promise<PermissionError[]> {
    const errors: PermissionError[] = [];
    for (const batch of chunk(entries, BATCH_PERMISSIONS)) {
      const request = batch.map((e, i) => ({ Id: String(i), ...e }));
      try {
        const { Failures = [] } = await send(request);
        for (const f of Failures) {
          const entry = batch[Number(f.RequestEntry?.Id)];
          const error = [f.Error?.ErrorCode, f.Error?.ErrorMessage].filter(Boolean).join(': ') || 'failed without a reason';
          if (entry) errors.push({ entry, error });
        }
      } catch (error) {
        for (const entry of batch) errors.push({ entry, error: errorMessage(error) });
      }
    }
    return errors;
  }
}

/** Lake Formation's service-linked role in this Region's partition. */
export function serviceLinkedRoleArn(region: string, accountId: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${accountId}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess`;
}

function tagErrors(failures: LFTagError[] | undefined): string[] {
  return (failures ?? []).map(f => `${f.LFTag?.TagKey}=${(f.LFTag?.TagValues ?? []).join('|')}: ${[f.Error?.ErrorCode, f.Error?.ErrorMessage].filter(Boolean).join(': ')}`);
}
