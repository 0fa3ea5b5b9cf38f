import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The layers of docs/architecture.md, checked on the code's own imports.
const ROOT = resolve(__dirname, '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch { /* not this one */ }
  }
  return undefined;
}

const imports = new Map<string, string[]>();
for (const file of sourceFiles(SRC)) {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)'/gms)].map(m => m[1]);
  imports.set(rel(file), specs.map(s => resolveImport(file, s)).filter((p): p is string => !!p).map(rel));
}

function rel(path: string): string {
  return relative(ROOT, path);
}

/** The engine folder a file belongs to (`src/engine/glue`, ...; a nested folder is part of its top folder), or the engine root. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 3 ? parts.slice(0, 3).join('/') : dirname(file);
}

test('no import cycle between files of src/', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of imports.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of imports.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});

test('no import cycle between the engine\'s folders', () => {
  const edges = new Map<string, Set<string>>();
  for (const [file, targets] of imports) {
    if (!file.startsWith('src/engine/')) continue;
    for (const target of targets) {
      if (!target.startsWith('src/engine/') || folderOf(target) === folderOf(file)) continue;
      const set = edges.get(folderOf(file)) ?? new Set<string>();
      set.add(folderOf(target));
      edges.set(folderOf(file), set);
    }
  }
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (seen.has(from)) return false;
    seen.add(from);
    return [...edges.get(from) ?? []].some(next => next === to || reaches(next, to, seen));
  };
  const cyclic = [...edges.keys()].filter(folder => reaches(folder, folder));
  expect(cyclic).toEqual([]);
});

test('the engine imports neither the entry points nor the constructs, and its subfolders import siblings only through their entry', () => {
  const offences: string[] = [];
  for (const [file, targets] of imports) {
    if (!file.startsWith('src/engine/')) continue;
    for (const target of targets) {
      const outside = !target.startsWith('src/engine/') && !target.startsWith('src/shared/');
      if (outside) offences.push(`${file} imports ${target}`);
      const sub = file.split('/')[2];
      const targetSub = target.split('/')[2];
      const isSubfolder = (s: string | undefined) => s !== undefined && !s.endsWith('.ts');
      if (isSubfolder(sub) && isSubfolder(targetSub) && sub !== targetSub && targetSub !== 'kernel' && !target.endsWith('/index.ts')) {
        offences.push(`${file} reaches into ${target} (use ${dirname(target)}/index.ts)`);
      }
      if (sub === 'kernel' && targetSub !== 'kernel' && target.startsWith('src/engine/')) offences.push(`${file} (kernel) imports ${target}`);
    }
  }
  expect(offences).toEqual([]);
});

test('the engine never reads process.env', () => {
  const readers = [...imports.keys()].filter(f => f.startsWith('src/engine/') && /process\.env/.test(readFileSync(join(ROOT, f), 'utf8')));
  expect(readers).toEqual([]);
});

test('src/shared, the pure data below every floor, imports only src/shared', () => {
  const offences = [...imports].filter(([file]) => file.startsWith('src/shared/'))
    .flatMap(([file, targets]) => targets.filter(t => !t.startsWith('src/shared/')).map(t => `${file} imports ${t}`));
  expect(offences).toEqual([]);
});
