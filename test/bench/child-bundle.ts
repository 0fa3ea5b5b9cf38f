import { build } from 'esbuild';

/** A bench's child entry point as plain JavaScript, so no TypeScript compiler sits in the measured process's memory. */
export async function bundleChild(entryPoint: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
}
