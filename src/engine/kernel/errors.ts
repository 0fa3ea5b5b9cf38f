/** The service says the object a create names exists already: a lost response of ours, or another writer. */
export function isAlreadyExists(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'AlreadyExistsException';
}

/** The service says the object a write names does not exist (any more). */
export function isNotFound(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'EntityNotFoundException';
}

/** A read of something that may not exist: undefined when the service says it does not (Glue and Lake Formation alike). */
export async function notFoundAsUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** An error as one line: its name (when it has a meaningful one) and message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
