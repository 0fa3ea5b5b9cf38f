import type { Resource } from '@aws-sdk/client-lakeformation';
import type { EventParameters } from './kind';

/** A non-empty string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function isParameters(value: unknown): value is EventParameters {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function obj(value: unknown): EventParameters {
  return isParameters(value) ? value : {};
}

export function objects(value: unknown): EventParameters[] {
  return Array.isArray(value) ? value.filter(isParameters) : [];
}

/** Glue lower-cases database and table names; a caller may have typed them in any case. */
export function glueName(value: unknown): string | undefined {
  return str(value)?.toLowerCase();
}

/** The ref of a kind named by the resource it is on, when the parameter holds one. */
export function onResource<K extends 'permission' | 'optIn' | 'lfTagAssignment'>(kind: K, resource: unknown): Array<{ kind: K; resource: Resource }> {
  return isParameters(resource) ? [{ kind, resource: sdkResource(resource) }] : [];
}

/**
 * CloudTrail writes a request's members in lowerCamelCase (`table`, `databaseName`, `lFTag`);
 * the SDK's `Resource` uses the API's own names (`Table`, `DatabaseName`, `LFTag`). Only keys
 * change: values (names, column lists) are user data and are kept byte for byte.
 */
export function sdkResource(value: EventParameters): Resource {
  return pascalKeys(value) as Resource;
}

function pascalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (!isParameters(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[pascalKey(key)] = pascalKeys(v);
  return out;
}

function pascalKey(key: string): string {
  // LF-tag members keep their acronym: lFTag, lfTag and LFTag are all the SDK's LFTag.
  if (/^l[fF][A-Z]/.test(key)) return `LF${key.slice(2)}`;
  return key.charAt(0).toUpperCase() + key.slice(1);
}
