/** A read of something that may not exist: undefined when the service says it does not (Glue and Lake Formation alike). */
export async function notFoundAsUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return undefined;
    throw error;
  }
}
