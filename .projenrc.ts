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

  // The minimum aws-cdk-lib we support (documented in the README).
  cdkVersion: '2.189.1',
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
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    'fast-check',
    'cdk-nag@^2.38.2',
  ],

  // Handlers (src/handlers/*.lambda.ts) run on Node 22 with the SDK bundled: tested SDK = shipped SDK.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    bundlingOptions: { externals: [], sourcemap: true },
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

  jestOptions: {
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // Each integration test file starts its own moto server; two cores.
      maxWorkers: 2,
    },
  },
  eslintOptions: {
    dirs: ['src'],
    // Engine, CLI and handlers are bundled by esbuild, so they may import the devDependency SDK clients.
    devdirs: ['test', 'scripts', 'src/engine', 'src/cli', 'src/handlers'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  gitignore: ['/.venv/', '/.bench/', '/.demo/'],
  npmignoreEnabled: true,
});

project.jest!.addReporter(new javascript.JestReporter('<rootDir>/test/support/summary-reporter.js'));

project.bundler.addBundle('./src/cli/lake-replica.ts', {
  platform: 'node',
  target: 'node20',
  outfile: 'lake-replica.js',
  sourcemap: false,
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
  description: 'Run the integration tests against moto only',
  exec: 'jest --testPathPatterns test/integration',
  receiveArgs: true,
});

project.synth();
