import type { LakeFormationClient, LakeFormationPaginationConfiguration } from '@aws-sdk/client-lakeformation';

/** Items a listing asks for a page. */
const PAGE_SIZE = 1000;

/**
 * How the SDK's Lake Formation paginators page a listing to its end. A paginator writes each page's
 * token into the one input object it was given; each call is sent with a copy of it, so every sent
 * command keeps the input it was sent with.
 */
export function paging(client: LakeFormationClient): LakeFormationPaginationConfiguration {
  return {
    client,
    pageSize: PAGE_SIZE,
    withCommand: command => {
      const Command = command.constructor as new (input: object) => typeof command;
      return new Command({ ...command.input as object });
    },
  };
}
