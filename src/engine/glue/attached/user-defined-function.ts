import {
  CreateUserDefinedFunctionCommand, DeleteUserDefinedFunctionCommand, GetUserDefinedFunctionCommand, UpdateUserDefinedFunctionCommand,
  paginateGetUserDefinedFunctions,
} from '@aws-sdk/client-glue';
import type { GlueClient, UserDefinedFunctionInput } from '@aws-sdk/client-glue';
import type { AttachedKindModule, AttachedRead } from './kind';
import { errorMessage, isNotFound, notFoundAsUndefined } from '../../kernel/errors';
import type { EntryError } from '../entry-error';
import { keep, mapUri, type FieldRules } from '../shapes';

/** The write shape: output-only members of the read shape (CreateTime, DatabaseName, CatalogId) are left out. */
const FUNCTION_FIELDS: FieldRules<UserDefinedFunctionInput> = {
  FunctionName: true,
  ClassName: true,
  OwnerName: true,
  FunctionType: true,
  OwnerType: true,
  ResourceUris: true,
  ArtifactLocation: true,
  GovernanceMode: true,
};

/** What Glue gives a function created without a governance mode. */
const DEFAULT_GOVERNANCE = 'IAM_ONLY';

/**
 * A database's user-defined functions. Their jars, files and archives (`ResourceUris`) and their `ArtifactLocation`
 * point at the target's buckets, as locations do. A function's governance mode cannot be changed, so a function
 * whose mode differs is deleted and created again.
 */
export const userDefinedFunction: AttachedKindModule<UserDefinedFunctionInput> = {
  async read(glue, owner) {
    const out: Array<AttachedRead<UserDefinedFunctionInput>> = [];
    try {
      const pages = paginateGetUserDefinedFunctions({ client: glue, pageSize: 100 }, { DatabaseName: owner.database, Pattern: '*' });
      for await (const page of pages) {
        for (const f of page.UserDefinedFunctions ?? []) out.push({ item: keep<UserDefinedFunctionInput>(f, FUNCTION_FIELDS) });
      }
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    return out;
  },

  key: f => f.FunctionName!,

  replica(f, ctx) {
    const out = structuredClone(f);
    if (out.ResourceUris) out.ResourceUris = out.ResourceUris.map(r => (r.Uri ? { ...r, Uri: mapUri(r.Uri, ctx) } : r));
    if (out.ArtifactLocation) out.ArtifactLocation = mapUri(out.ArtifactLocation, ctx);
    return out;
  },

  async write(glue, owner, outcome, functions) {
    const errors: Array<EntryError<string>> = [];
    for (const f of functions) {
      try {
        if (outcome === 'created') await create(glue, owner.database, f);
        else if (outcome === 'updated') await update(glue, owner.database, f);
        else await glue.send(new DeleteUserDefinedFunctionCommand({ DatabaseName: owner.database, FunctionName: f.FunctionName }));
      } catch (error) {
        errors.push({ key: f.FunctionName!, error: errorMessage(error), code: (error as { name?: string }).name });
      }
    }
    return errors;
  },
};

async function create(glue: GlueClient, DatabaseName: string, FunctionInput: UserDefinedFunctionInput): Promise<void> {
  await glue.send(new CreateUserDefinedFunctionCommand({ DatabaseName, FunctionInput }));
}

/** Updates a function in place, or, when it is gone meanwhile or its governance mode differs, creates it (again). */
async function update(glue: GlueClient, DatabaseName: string, f: UserDefinedFunctionInput): Promise<void> {
  const FunctionName = f.FunctionName;
  const current = (await notFoundAsUndefined(glue.send(new GetUserDefinedFunctionCommand({ DatabaseName, FunctionName }))))?.UserDefinedFunction;
  if (current && (current.GovernanceMode ?? DEFAULT_GOVERNANCE) === (f.GovernanceMode ?? DEFAULT_GOVERNANCE)) {
    await glue.send(new UpdateUserDefinedFunctionCommand({ DatabaseName, FunctionName, FunctionInput: f }));
    return;
  }
  if (current) await notFoundAsUndefined(glue.send(new DeleteUserDefinedFunctionCommand({ DatabaseName, FunctionName })));
  await create(glue, DatabaseName, f);
}
