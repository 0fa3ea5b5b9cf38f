/**
 * Pure validation rules shared by the CLI and the constructs. No AWS SDK, no CDK.
 * Each function returns an error message (naming the bad value and what is allowed) or undefined.
 */

const REGION = /^[a-z]{2}(-(gov|iso|isob|isoe|isof))?-[a-z]+-\d{1,2}$/;

export function regionError(what: string, region: string): string | undefined {
  if (REGION.test(region)) return undefined;
  return `${what} "${region}" is not a valid AWS Region name; expected a name such as "us-east-1" or "eu-central-1"`;
}

export function bucketNameError(what: string, bucket: string): string | undefined {
  const allowed = 'S3 bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens, start and end with a letter or digit, and are not IP addresses';
  if (bucket.length < 3 || bucket.length > 63
    || !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)
    || bucket.includes('..')
    || /^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) {
    return `${what} "${bucket}" is not a valid S3 bucket name: ${allowed}`;
  }
  return undefined;
}

/** Errors for a source Region and its target list: invalid names, source as a target, duplicates, empty list. */
export function regionListErrors(sourceRegion: string, targetRegions: readonly string[]): string[] {
  const errors: string[] = [];
  const sourceError = regionError('source Region', sourceRegion);
  if (sourceError) errors.push(sourceError);
  if (targetRegions.length === 0) errors.push('at least one target Region is required');
  const seen = new Set<string>();
  for (const target of targetRegions) {
    const error = regionError('target Region', target);
    if (error) errors.push(error);
    if (target === sourceRegion) errors.push(`target Region "${target}" is the source Region; a replica must live in another Region`);
    if (seen.has(target)) errors.push(`target Region "${target}" is listed twice; list each target once`);
    seen.add(target);
  }
  return errors;
}

/** What Lake Formation takes as a principal: an ARN (IAM, SAML, Identity Center, organization), an account id, or IAM_ALLOWED_PRINCIPALS. */
const PRINCIPAL = /^(arn:[a-z-]+:[a-z-]+:\S*|IAM_ALLOWED_PRINCIPALS|\d{12})$/;

export function principalError(what: string, principal: string): string | undefined {
  if (PRINCIPAL.test(principal)) return undefined;
  return `${what} "${principal}" is not a Lake Formation principal; expected an ARN such as arn:aws:iam::111122223333:role/Analyst, a 12-digit account id, or IAM_ALLOWED_PRINCIPALS`;
}
