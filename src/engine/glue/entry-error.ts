/** One entry of a batch call that did not succeed, with the service's error code when it gave one. */
export interface EntryError<K> { readonly key: K; readonly error: string; readonly code?: string }
