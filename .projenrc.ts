import { awscdk, javascript } from 'projen';

const SDK_CLIENTS = [
  '@aws-sdk/client-glue',
  '@aws-sdk/client-lakeformation',
  '@aws-sdk/client-cloudtrail',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sts',
];

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-multi-region-lake-replica',
  description:
    'Disaster-recovery replica of a data lake\'s metadata (AWS Glue Data Catalog and Lake Formation) in other AWS Regions.',
  author: 'Lake Replica Developers',
  authorAddress: 'maintainers@lakereplica.dev',
  repositoryUrl: 'https://github.com/lakereplica/cdk-multi-region-lake-replica.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  keywords: ['awscdk', 'aws-cdk', 'cdk', 'glue', 'lake-formation', 'data-catalog', 'disaster-recovery', 'multi-region'],

  // The minimum aws-cdk-lib we support (documented in the README): cdk-nag 3 and `Validations` need 2.257.0,
  // which also has the distributed map's ResultWriterV2, JSON logging and the custom resource's serviceTimeout.
  cdkVersion: '2.257.0',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: { compilerOptions: {}, include: ['.projenrc.ts', '**/*.ts'] },
  minNodeVersion: '20.0.0',

  bin: { 'lake-replica': 'assets/cli/lake-replica/lake-replica.js' },

  // SDK clients are bundled into assets/ by esbuild: tested SDK = shipped SDK.
  devDeps: [
    ...SDK_CLIENTS,
    '@smithy/types',
    '@aws-sdk/util-dynamodb',
    '@types/aws-lambda',
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    'fast-check',
    // Both cdk-nag majors, so the construct's acknowledgements are tested as either reads them.
    'cdk-nag@^2.38.2',
    'cdk-nag-v3@npm:cdk-nag@3.0.2',
    // jsii-pacmak writes the installed versions of aws-cdk-lib's jsii dependencies into the Go module's go.mod:
    // install the cloud assembly schema that aws-cdk-go v2.257.0 (our floor) requires, so the Go module asks for
    // what Go users get with the floor (npm would pick a newer 53.x, which the Go module proxy we reach refuses).
    '@aws-cdk/cloud-assembly-schema@53.25.0',
    // Iceberg metadata rewrite (src/engine/iceberg): Avro, lossless JSON numbers, Avro/Parquet codecs.
    'avsc@^5.7.9',
    'lossless-json@^4.3.3',
    'fzstd@^0.1.1',
    'snappyjs@^0.7.0',
    '@types/snappyjs@^0.7.1',
  ],

  // Handlers (src/handlers/*.lambda.ts) run on Node 22 with the SDK bundled: tested SDK = shipped SDK.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    // No source maps: with them the package was 8 MB (docs/benchmarks.md, "Package size"). Names are kept so
    // stack traces and error names stay readable in the minified bundles (see below).
    bundlingOptions: { externals: [], sourcemap: false },
    awsSdkConnectionReuse: false,
  },

  publishToPypi: {
    distName: 'cdk-multi-region-lake-replica',
    module: 'cdk_multi_region_lake_replica',
  },
  publishToMaven: {
    mavenGroupId: 'io.github.lakereplica',
    mavenArtifactId: 'cdk-multi-region-lake-replica',
    javaPackage: 'io.github.lakereplica.cdk',
    mavenServerId: 'central-ossrh',
  },
  publishToGo: {
    moduleName: 'github.com/lakereplica/cdk-multi-region-lake-replica-go',
  },
  // .NET is generated and published by the release workflow; this machine has no dotnet SDK, so the
  // test command only checks that its code generates (scripts/test-consumers.sh).
  publishToNuget: {
    dotNetNamespace: 'LakeReplica.Cdk.MultiRegionLakeReplica',
    packageId: 'LakeReplica.Cdk.MultiRegionLakeReplica',
  },

  jestOptions: {
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // Each integration test file starts its own moto server; two cores.
      maxWorkers: 2,
      // The Python, Java and Go consumer apps run from scripts/test-consumers.sh, not from jest.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    // Engine, CLI and handlers are bundled by esbuild, so they may import the devDependency SDK clients.
    devdirs: ['test', 'scripts', 'src/engine', 'src/cli', 'src/handlers'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  gitignore: [
    // Without the trailing slash, so a worktree's links to the shared install are ignored too (a committed link
    // replaced the checkout's install when merged).
    '/.venv', '/node_modules', '/.bench/', '/.demo/',
    // jsii-rosetta's tablet of translated README examples (written by the rosetta task).
    '/.jsii.tabl.json',
    '__pycache__/', '.pytest_cache/',
  ],
  npmignoreEnabled: true,
});

// Only the library ships: none of the dev tooling, test environments or consumer apps, and none of the code that
// only the bundles in assets/ run (the engine, the CLI and the handlers are compiled into them). Of lib/handlers
// only the generated function constructs are the construct's.
for (const path of [
  '/.venv/', '/.bench/', '/.demo/', '/.ci/', '/scripts/', '/requirements-dev.txt', '/rosetta/', '/.jsii.tabl.json',
  '/lib/engine/', '/lib/cli/', '/lib/handlers/*', '!/lib/handlers/*-function.js', '!/lib/handlers/*-function.d.ts',
]) {
  project.addPackageIgnore(path);
}

// README examples compile in strict mode (rosetta/default.ts-fixture); pacmak then translates them
// into the Python, Java, Go and .NET packages' READMEs from the tablet.
project.package.addField('jsii', { ...project.package.manifest.jsii, metadata: { jsii: { rosetta: { strict: true } } } });
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile the README examples in strict mode and translate them (.jsii.tabl.json)',
  exec: 'jsii-rosetta extract --strict .jsii',
});
project.postCompileTask.spawn(rosetta);

// Every language is packaged, in CI too (projen packages only JavaScript there by default). .NET is left
// to the release workflow: this machine has no dotnet SDK.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package-all')!);
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset();
for (const language of ['js', 'python', 'java', 'go']) packageAll.spawn(project.tasks.tryFind(`package:${language}`)!);
// Generate the Go module, then build it with the aws-cdk-go the Go consumer test pins (scripts/package-go-build.sh).
const packageGo = project.tasks.tryFind('package:go')!;
packageGo.reset();
packageGo.exec('jsii-pacmak -v --target go --code-only');
packageGo.exec('bash scripts/package-go-build.sh');

// The engine is handed what it needs; only the entry points (CLI, handlers) read the environment.
project.eslint!.addOverride({
  files: ['src/engine/**/*.ts'],
  rules: {
    'no-restricted-properties': ['error', {
      object: 'process', property: 'env', message: 'The engine never reads process.env: the CLI or the handler passes the value in.',
    }],
  },
});

project.jest!.addReporter(new javascript.JestReporter('<rootDir>/test/support/summary-reporter.js'));
// The construct tests once more under the feature flags `cdk init` writes today (LAKE_REPLICA_TEST_FLAGS, see
// test/support/synth.ts); the first run has none, as an old app's cdk.json.
project.testTask.insertStep(1, {
  name: 'construct tests with the recommended feature flags',
  // The construct tests are the ones beside src/'s construct files, at the top of test/.
  exec: 'jest --ci --coverage=false --testPathPatterns "test/[^/]+\\.test\\.ts$"',
  env: { LAKE_REPLICA_TEST_FLAGS: 'recommended' },
});

project.bundler.addBundle('./src/cli/lake-replica.ts', {
  platform: 'node',
  target: 'node20',
  outfile: 'lake-replica.js',
  sourcemap: false,
  minify: true,
  keepNames: true,
  watchTask: false,
  banner: '#!/usr/bin/env node',
});

project.addTask('demo', {
  description: 'Start a local moto, seed a sample lake, then run plan, sync and verify',
  exec: 'bash scripts/demo.sh',
});
project.addTask('bench', {
  description: 'Benchmark the engine against a synthetic lake on moto (see docs/benchmarks.md)',
  exec: 'ts-node --project tsconfig.dev.json test/bench/bench.ts',
  receiveArgs: true,
});
project.addTask('test:integration', {
  description: 'Run every test against moto (the files named *.moto.test.ts)',
  exec: 'jest --testPathPatterns "\\.moto\\.test\\.ts$"',
  receiveArgs: true,
});

// What the consumer tests leave behind (scripts/test-consumers.sh); added after projen's own `!/test/`.
project.gitignore.exclude('/test/consumers/java/target/', '/test/consumers/go/go.sum', '/test/consumers/go/readmeexample*/');

// projen's Lambda bundling options have no minify switch: add it to each handler's bundle task. Every bundle
// (handlers and CLI) prefers the SDK's ES module builds, so esbuild keeps only the commands the code sends
// (the CommonJS builds carry every operation's serializers: the item handler went from 1.19 MB to 0.69 MB).
for (const task of project.tasks.all.filter(t => /^bundle:(handlers\/.*\.lambda|cli\/lake-replica)$/.test(t.name))) {
  task.steps.forEach((step, index) => {
    if (step.execArgs?.[0] !== 'esbuild') return;
    const minify = task.name.startsWith('bundle:handlers/') ? ['--minify', '--keep-names'] : [];
    task.updateStep(index, { ...step, execArgs: [...step.execArgs, ...minify, '--main-fields=module,main'] });
  });
}

project.synth();
