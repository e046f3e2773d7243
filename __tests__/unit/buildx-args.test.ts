import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, test } from 'vitest'
import type { BuildRequest } from '../../src/engines/engine.js'
import { checkBuildxOptions } from '../../src/buildx-inputs.js'
import {
  type BuildxRun,
  appendNodeArgs,
  bootstrapArgs,
  buildxBuildArgs,
  createBuilderArgs,
  removeBuilderArgs,
  smokeBuildArgs,
  smokeDockerfile
} from '../../src/engines/buildx/argv.js'
import { withWorkerParallelism } from '../../src/engines/buildx/builder.js'
import {
  cachePlan,
  cacheScope,
  describeCache,
  formatCacheSpec
} from '../../src/engines/buildx/cache.js'
import { dockerConfigWithLogins } from '../../src/engines/buildx/docker-config.js'
import { describeFailure, summarizeProgress } from '../../src/engines/buildx/progress.js'
import { builtImage, layoutBesidePush, planOutputs } from '../../src/engines/buildx/result.js'
import type { BuildxOptions } from '../../src/values.js'
import { parsePlatform, platformSlug } from '../../src/platform.js'
import type { PlannedPlatform } from '../../src/plan.js'
import { parseReference } from '../../src/reference.js'

const fixtures = path.join(import.meta.dirname, '..', '..', '__fixtures__', 'buildx')

function planned(...names: string[]): PlannedPlatform[] {
  return names.map(name => {
    const platform = parsePlatform(name)
    return { platform, name, slug: platformSlug(platform), emulated: name !== 'linux/amd64' }
  })
}

const baseRequest: BuildRequest = {
  platforms: planned('linux/amd64'),
  context: '/src',
  file: '',
  tags: [],
  labels: [],
  annotations: [],
  buildArgs: [],
  secrets: [],
  target: '',
  noCache: false,
  pull: false,
  push: false,
  keepForChecks: false,
  cacheFrom: [],
  cacheTo: [],
  logins: [],
  tempDir: '/tmp/run',
  maxParallelism: 2,
  sourceDateEpoch: undefined,
  buildPlatform: parsePlatform('amd64')
}

const baseOptions: BuildxOptions = {
  version: '',
  githubToken: '',
  driver: 'docker-container',
  driverOpts: [],
  buildkitdConfigInline: '',
  workerParallelism: undefined,
  endpoint: '',
  builderName: '',
  builder: '',
  append: [],
  buildContexts: [],
  secretEnvs: [],
  secretFiles: [],
  ssh: [],
  network: '',
  addHosts: [],
  shmSize: '',
  ulimits: [],
  provenance: '',
  sbom: '',
  outputs: [],
  load: false
}

const baseRun: BuildxRun = {
  builder: 'multiarch-b1',
  metadataFile: '/tmp/run/buildx-metadata.json',
  iidFile: '/tmp/run/buildx-iid',
  secretFiles: []
}

const tag = (text: string) => parseReference(text)
const ghaV1 = {
  ACTIONS_CACHE_URL: 'https://artifactcache.example/abc/',
  ACTIONS_RUNTIME_TOKEN: 't'
}
const ghaV2 = { ACTIONS_RESULTS_URL: 'https://results.example/', ACTIONS_RUNTIME_TOKEN: 't' }

type Row = [
  number,
  string,
  Partial<BuildRequest>,
  Partial<BuildxOptions>,
  Partial<BuildxRun>,
  Record<string, string>,
  string[]
]

/** Everything between `--platform P` and `--metadata-file`, per case. */
const rows: Row[] = [
  [1, 'defaults', {}, {}, {}, {}, []],
  [2, 'file', { file: '/src/Dockerfile.prod' }, {}, {}, {}, ['--file', '/src/Dockerfile.prod']],
  [3, 'target', { target: 'runtime' }, {}, {}, {}, ['--target', 'runtime']],
  [
    4,
    'tags, formatted in full',
    { tags: [tag('app'), tag('ghcr.io/acme/app:1.4.2')] },
    {},
    {},
    {},
    ['--tag', 'docker.io/library/app', '--tag', 'ghcr.io/acme/app:1.4.2']
  ],
  [
    5,
    'labels',
    { labels: [{ key: 'org.opencontainers.image.source', value: 'https://github.com/acme/app' }] },
    {},
    {},
    {},
    ['--label', 'org.opencontainers.image.source=https://github.com/acme/app']
  ],
  [
    6,
    'annotations, index-level too',
    {
      annotations: [
        { level: 'manifest', key: 'org.opencontainers.image.title', value: 'app' },
        { level: 'index', key: 'org.opencontainers.image.version', value: '1.4.2' },
        { level: 'manifest-descriptor', platform: 'linux/arm64', key: 'd', value: 'x' }
      ]
    },
    {},
    {},
    {},
    [
      '--annotation',
      'manifest:org.opencontainers.image.title=app',
      '--annotation',
      'index:org.opencontainers.image.version=1.4.2',
      '--annotation',
      'manifest-descriptor[linux/arm64]:d=x'
    ]
  ],
  [
    7,
    'build-args with = in the value',
    { buildArgs: [{ key: 'FLAGS', value: '-O2 -DX=1' }] },
    {},
    {},
    {},
    ['--build-arg', 'FLAGS=-O2 -DX=1']
  ],
  [
    8,
    'build-contexts',
    {},
    {
      buildContexts: [
        { key: 'alpine', value: 'docker-image://alpine:3.20' },
        { key: 'src', value: '../shared' }
      ]
    },
    {},
    {},
    ['--build-context', 'alpine=docker-image://alpine:3.20', '--build-context', 'src=../shared']
  ],
  [
    9,
    'secrets go by file',
    { secrets: [{ id: 'npm', value: 'npm_s3cr3t' }] },
    {},
    { secretFiles: [{ id: 'npm', file: '/tmp/run/buildx-secret-0' }] },
    {},
    ['--secret', 'id=npm,src=/tmp/run/buildx-secret-0']
  ],
  [
    10,
    'secret-envs',
    {},
    { secretEnvs: [{ key: 'gh', value: 'GITHUB_TOKEN' }] },
    {},
    {},
    ['--secret', 'id=gh,env=GITHUB_TOKEN']
  ],
  [
    11,
    'secret-files',
    {},
    { secretFiles: [{ key: 'aws', value: '/home/runner/.aws/credentials' }] },
    {},
    {},
    ['--secret', 'id=aws,src=/home/runner/.aws/credentials']
  ],
  [
    12,
    'a secret-file path with a comma is CSV-quoted',
    {},
    { secretFiles: [{ key: 'cfg', value: '/tmp/a,b.json' }] },
    {},
    {},
    ['--secret', 'id=cfg,"src=/tmp/a,b.json"']
  ],
  [
    13,
    'ssh',
    {},
    { ssh: ['default', 'github=/home/runner/.ssh/id_ed25519'] },
    {},
    {},
    ['--ssh', 'default', '--ssh', 'github=/home/runner/.ssh/id_ed25519']
  ],
  [14, 'no-cache', { noCache: true }, {}, {}, {}, ['--no-cache']],
  [15, 'pull', { pull: true }, {}, {}, {}, ['--pull']],
  [16, 'network', {}, { network: 'host' }, {}, {}, ['--network', 'host']],
  [
    17,
    'add-hosts',
    {},
    { addHosts: ['registry.lab:10.0.0.5', 'mirror.lab:10.0.0.6'] },
    {},
    {},
    ['--add-host', 'registry.lab:10.0.0.5', '--add-host', 'mirror.lab:10.0.0.6']
  ],
  [18, 'shm-size', {}, { shmSize: '2g' }, {}, {}, ['--shm-size', '2g']],
  [
    19,
    'ulimit',
    {},
    { ulimits: ['nofile=1024:4096', 'nproc=512'] },
    {},
    {},
    ['--ulimit', 'nofile=1024:4096', '--ulimit', 'nproc=512']
  ],
  [20, 'provenance off', {}, { provenance: 'false' }, {}, {}, ['--provenance=false']],
  [21, 'provenance max', {}, { provenance: 'mode=max' }, {}, {}, ['--provenance=mode=max']],
  [22, 'sbom', {}, { sbom: 'true' }, {}, {}, ['--sbom=true']],
  [
    23,
    'outputs',
    {},
    { outputs: ['type=oci,dest=/tmp/layout,tar=false', 'type=local,dest=out'] },
    {},
    {},
    ['--output', 'type=oci,dest=/tmp/layout,tar=false', '--output', 'type=local,dest=out']
  ],
  [
    24,
    "push: by digest into the first tag's repository, and no tag at all",
    { push: true, tags: [tag('ghcr.io/acme/app:1'), tag('ghcr.io/acme/app:latest')] },
    {},
    { pushTo: tag('ghcr.io/acme/app:1') },
    {},
    [
      '--output',
      'type=image,name=ghcr.io/acme/app,push-by-digest=true,name-canonical=true,push=true'
    ]
  ],
  [
    34,
    "no push, checks wanted: an OCI layout of the action's own",
    {},
    {},
    { layoutDir: '/tmp/run/layout-1' },
    {},
    ['--output', 'type=oci,dest=/tmp/run/layout-1,tar=false']
  ],
  [
    35,
    'a Docker Hub short name pushes under its canonical name',
    { push: true, tags: [tag('someuser/app:1')] },
    {},
    { pushTo: tag('someuser/app:1') },
    {},
    [
      '--output',
      'type=image,name=docker.io/someuser/app,push-by-digest=true,name-canonical=true,push=true'
    ]
  ],
  [
    36,
    'push with a layout beside it: the layout first, the push last, whose answer the metadata keeps',
    { push: true, tags: [tag('127.0.0.1:5000/acme/app:1')] },
    {},
    { pushTo: tag('127.0.0.1:5000/acme/app:1'), layoutDir: '/tmp/run/layout-2' },
    {},
    [
      '--output',
      'type=oci,dest=/tmp/run/layout-2,tar=false',
      '--output',
      'type=image,name=127.0.0.1:5000/acme/app,push-by-digest=true,name-canonical=true,push=true'
    ]
  ],
  [
    37,
    "the user's outputs, then the layout, then the push",
    { push: true, tags: [tag('ghcr.io/acme/app:1')] },
    { outputs: ['type=local,dest=out'] },
    { pushTo: tag('ghcr.io/acme/app:1'), layoutDir: '/tmp/run/a,b' },
    {},
    [
      '--output',
      'type=local,dest=out',
      '--output',
      'type=oci,"dest=/tmp/run/a,b",tar=false',
      '--output',
      'type=image,name=ghcr.io/acme/app,push-by-digest=true,name-canonical=true,push=true'
    ]
  ],
  [25, 'load', {}, { load: true }, {}, {}, ['--load']],
  [
    34,
    'source-date-epoch with a push: the build arg, OCI media types and rewrite-timestamp on the image output',
    { sourceDateEpoch: 1700000000 },
    {},
    { pushTo: tag('ghcr.io/acme/app:1') },
    {},
    [
      '--build-arg',
      'SOURCE_DATE_EPOCH=1700000000',
      '--output',
      'type=image,name=ghcr.io/acme/app,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true,rewrite-timestamp=true'
    ]
  ],
  [
    35,
    "source-date-epoch: the user's image outputs and the action's layout get rewrite-timestamp, a local one not",
    { sourceDateEpoch: 0, buildArgs: [{ key: 'A', value: '1' }] },
    {
      outputs: [
        'type=oci,dest=out.tar',
        'type=local,dest=files',
        'type=docker,dest=img.tar,rewrite-timestamp=false'
      ]
    },
    { layoutDir: '/tmp/run/layout' },
    {},
    [
      '--build-arg',
      'A=1',
      '--build-arg',
      'SOURCE_DATE_EPOCH=0',
      '--output',
      'type=oci,dest=out.tar,rewrite-timestamp=true',
      '--output',
      'type=local,dest=files',
      '--output',
      'type=docker,dest=img.tar,rewrite-timestamp=false',
      '--output',
      'type=oci,dest=/tmp/run/layout,tar=false,rewrite-timestamp=true'
    ]
  ],
  [
    26,
    'explicit registry cache, rendered back to CSV',
    {
      cacheFrom: [{ type: 'registry', attributes: { ref: 'ghcr.io/acme/app:cache' } }],
      cacheTo: [{ type: 'registry', attributes: { ref: 'ghcr.io/acme/app:cache', mode: 'max' } }]
    },
    {},
    {},
    ghaV1,
    [
      '--cache-from',
      'type=registry,ref=ghcr.io/acme/app:cache',
      '--cache-to',
      'type=registry,ref=ghcr.io/acme/app:cache,mode=max'
    ]
  ],
  [
    27,
    'GitHub cache service (v1): one scope per image and platform',
    { tags: [tag('ghcr.io/acme/app:1.4.2')] },
    {},
    {},
    ghaV1,
    [
      '--tag',
      'ghcr.io/acme/app:1.4.2',
      '--cache-from',
      'type=gha,scope=acme-app-linux-amd64',
      '--cache-to',
      'type=gha,scope=acme-app-linux-amd64,mode=max,ignore-error=true'
    ]
  ],
  [
    28,
    'GitHub cache service (v2), many platforms: a hashed scope, reading the legs too',
    { tags: [tag('ghcr.io/acme/app:1.4.2')], platforms: planned('linux/arm64', 'linux/amd64') },
    {},
    {},
    ghaV2,
    [
      '--tag',
      'ghcr.io/acme/app:1.4.2',
      '--cache-from',
      'type=gha,scope=acme-app-multi-da806241',
      '--cache-from',
      'type=gha,scope=acme-app-linux-arm64',
      '--cache-from',
      'type=gha,scope=acme-app-linux-amd64',
      '--cache-to',
      'type=gha,scope=acme-app-multi-da806241,mode=max,ignore-error=true'
    ]
  ],
  [
    29,
    'GitHub cache without tags is scoped `image`',
    {},
    {},
    {},
    ghaV1,
    [
      '--cache-from',
      'type=gha,scope=image-linux-amd64',
      '--cache-to',
      'type=gha,scope=image-linux-amd64,mode=max,ignore-error=true'
    ]
  ],
  [30, 'no runtime token: no cache', {}, {}, {}, { ACTIONS_CACHE_URL: 'https://x/' }, []],
  [31, 'docker driver: no gha cache', {}, { driver: 'docker' }, {}, ghaV1, []],
  [
    32,
    'an explicit cache-from alone replaces the whole default',
    { cacheFrom: [{ type: 'gha', attributes: { scope: 'main' } }] },
    {},
    {},
    ghaV1,
    ['--cache-from', 'type=gha,scope=main']
  ],
  [
    33,
    'everything, in argv order',
    {
      file: '/src/Dockerfile',
      target: 'runtime',
      tags: [tag('ghcr.io/acme/app:1')],
      labels: [{ key: 'l', value: '1' }],
      annotations: [{ level: 'manifest', key: 'a', value: '2' }],
      buildArgs: [{ key: 'B', value: '3' }],
      secrets: [{ id: 's', value: 'hidden' }],
      noCache: true,
      pull: true,
      push: true,
      cacheTo: [{ type: 'inline', attributes: {} }]
    },
    {
      buildContexts: [{ key: 'c', value: 'dir' }],
      secretEnvs: [{ key: 'e', value: 'E' }],
      secretFiles: [{ key: 'f', value: '/f' }],
      ssh: ['default'],
      network: 'none',
      addHosts: ['h:1.2.3.4'],
      shmSize: '64m',
      ulimits: ['nofile=1:2'],
      provenance: 'false',
      sbom: 'false',
      outputs: ['type=local,dest=out'],
      load: true
    },
    { secretFiles: [{ id: 's', file: '/tmp/run/s' }] },
    {},
    [
      '--file',
      '/src/Dockerfile',
      '--target',
      'runtime',
      '--tag',
      'ghcr.io/acme/app:1',
      '--label',
      'l=1',
      '--annotation',
      'manifest:a=2',
      '--build-arg',
      'B=3',
      '--build-context',
      'c=dir',
      '--secret',
      'id=s,src=/tmp/run/s',
      '--secret',
      'id=e,env=E',
      '--secret',
      'id=f,src=/f',
      '--ssh',
      'default',
      '--no-cache',
      '--pull',
      '--network',
      'none',
      '--add-host',
      'h:1.2.3.4',
      '--shm-size',
      '64m',
      '--ulimit',
      'nofile=1:2',
      '--cache-to',
      'type=inline',
      '--provenance=false',
      '--sbom=false',
      '--output',
      'type=local,dest=out',
      '--load'
    ]
  ]
]

describe('buildxBuildArgs', () => {
  test.each(rows)('%i: %s', (_n, _name, request, options, run, env, middle) => {
    const fullRequest = { ...baseRequest, ...request }
    expect(
      buildxBuildArgs(fullRequest, { ...baseOptions, ...options }, { ...baseRun, ...run }, env)
    ).toEqual([
      'buildx',
      'build',
      '--builder',
      'multiarch-b1',
      '--progress',
      'plain',
      '--platform',
      fullRequest.platforms.map(entry => entry.name).join(','),
      ...middle,
      '--metadata-file',
      '/tmp/run/buildx-metadata.json',
      '--iidfile',
      '/tmp/run/buildx-iid',
      '/src'
    ])
  })

  it('passes every planned platform in one --platform, in plan order', () => {
    const args = buildxBuildArgs(
      { ...baseRequest, platforms: planned('linux/arm64', 'linux/amd64', 'linux/arm/v7') },
      baseOptions,
      baseRun,
      {}
    )
    expect(args.slice(6, 8)).toEqual(['--platform', 'linux/arm64,linux/amd64,linux/arm/v7'])
  })

  it('never puts a secret value in argv', () => {
    const secrets = [
      { id: 'npm', value: 'npm_Zq81x' },
      { id: 'multi', value: 'line one\nline,two "quoted"' }
    ]
    const args = buildxBuildArgs(
      { ...baseRequest, secrets },
      { ...baseOptions, secretEnvs: [{ key: 'gh', value: 'GITHUB_TOKEN' }] },
      {
        ...baseRun,
        secretFiles: secrets.map((secret, index) => ({
          id: secret.id,
          file: `/tmp/run/buildx-secret-${index}`
        }))
      },
      {}
    )
    const joined = args.join('\u0000')
    for (const secret of secrets) {
      expect(joined).not.toContain(secret.value)
      for (const part of secret.value.split(/[\s,"]+/).filter(piece => piece.length > 3)) {
        expect(joined).not.toContain(part)
      }
    }
    expect(args.filter(arg => arg.startsWith('id='))).toEqual([
      'id=npm,src=/tmp/run/buildx-secret-0',
      'id=multi,src=/tmp/run/buildx-secret-1',
      'id=gh,env=GITHUB_TOKEN'
    ])
  })
})

describe('cacheScope', () => {
  it.each([
    [[], ['linux/amd64'], 'image-linux-amd64'],
    [['ghcr.io/acme/app:1'], ['linux/arm/v7'], 'acme-app-linux-arm-v7'],
    [['alpine'], ['linux/s390x'], 'library-alpine-linux-s390x'],
    [['ghcr.io/acme/app:1'], ['linux/amd64', 'linux/arm64'], 'acme-app-multi-da806241'],
    [['ghcr.io/acme/app:1'], ['linux/arm64', 'linux/amd64'], 'acme-app-multi-da806241'],
    [
      ['ghcr.io/acme/app:1'],
      ['linux/arm/v7', 'linux/amd64', 'linux/arm64'],
      'acme-app-multi-8d071aa7'
    ]
  ])('%j on %j -> %s', (tags, platforms, scope) => {
    expect(cacheScope(tags.map(tag), planned(...platforms))).toBe(scope)
  })
})

describe('formatCacheSpec', () => {
  it.each([
    [
      { type: 'registry', attributes: { ref: 'r.io/a:cache', mode: 'max' } },
      'type=registry,ref=r.io/a:cache,mode=max'
    ],
    [{ type: 'inline', attributes: {} }, 'type=inline'],
    [{ type: 'local', attributes: { src: '/tmp/a,b' } }, 'type=local,"src=/tmp/a,b"']
  ])('%j -> %s', (spec, text) => {
    expect(formatCacheSpec(spec)).toBe(text)
  })
})

describe('builder argv', () => {
  test.each([
    [
      1,
      'docker-container, no options',
      { name: 'b', driver: 'docker-container', driverOpts: [], version: '0.17.1' },
      ['buildx', 'create', '--name', 'b', '--driver', 'docker-container']
    ],
    [
      2,
      'driver-opts and inline config on buildx >= 0.13',
      {
        name: 'b',
        driver: 'docker-container',
        driverOpts: ['network=host', 'image=moby/buildkit:v0.16.0'],
        configFile: '/tmp/run/buildkitd-b.toml',
        version: '0.17.1'
      },
      [
        'buildx',
        'create',
        '--name',
        'b',
        '--driver',
        'docker-container',
        '--driver-opt',
        'network=host',
        '--driver-opt',
        'image=moby/buildkit:v0.16.0',
        '--buildkitd-config',
        '/tmp/run/buildkitd-b.toml'
      ]
    ],
    [
      3,
      'inline config on buildx 0.12 uses --config',
      {
        name: 'b',
        driver: 'docker-container',
        driverOpts: [],
        configFile: '/c.toml',
        version: '0.12.1'
      },
      ['buildx', 'create', '--name', 'b', '--driver', 'docker-container', '--config', '/c.toml']
    ],
    [
      4,
      'remote driver with its endpoint last',
      {
        name: 'b',
        driver: 'remote',
        driverOpts: ['cacert=/certs/ca.pem'],
        endpoint: 'tcp://buildkitd:1234',
        version: '0.17.1'
      },
      [
        'buildx',
        'create',
        '--name',
        'b',
        '--driver',
        'remote',
        '--driver-opt',
        'cacert=/certs/ca.pem',
        'tcp://buildkitd:1234'
      ]
    ]
  ] as const)('%i: %s', (_n, _name, spec, argv) => {
    expect(createBuilderArgs(spec)).toEqual(argv)
  })

  it('appends nodes after the first (`<builder>0`), with fixed platforms', () => {
    expect(
      appendNodeArgs(
        'b',
        {
          platforms: ['linux/arm64', 'linux/arm/v7'],
          endpoint: 'ssh://ci@arm',
          driverOpts: ['env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760']
        },
        0
      )
    ).toEqual([
      'buildx',
      'create',
      '--name',
      'b',
      '--append',
      '--node',
      'b1',
      '--platform',
      'linux/arm64,linux/arm/v7',
      '--driver-opt',
      'env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760',
      'ssh://ci@arm'
    ])
    expect(
      appendNodeArgs('k', { platforms: ['linux/s390x'], endpoint: '', driverOpts: [] }, 1)
    ).toEqual([
      'buildx',
      'create',
      '--name',
      'k',
      '--append',
      '--node',
      'k2',
      '--platform',
      'linux/s390x'
    ])
  })

  it('boots and removes by name', () => {
    expect(bootstrapArgs('b')).toEqual(['buildx', 'inspect', '--bootstrap', '--builder', 'b'])
    expect(removeBuilderArgs('b')).toEqual(['buildx', 'rm', 'b'])
  })
})

describe('checkBuildxOptions', () => {
  it.each([
    [
      { builder: 'shared', driverOpts: ['network=host'] },
      /^input `builder`: .*`driver-opts` would have no effect/
    ],
    [
      {
        builder: 'shared',
        append: [{ platforms: ['linux/arm64'], endpoint: 'ssh://a', driverOpts: [] }]
      },
      /^input `builder`: .*`append`/
    ],
    [{ builder: 'shared', endpoint: 'tcp://b:1234' }, /^input `builder`: .*`endpoint`/],
    [
      { driver: 'docker', driverOpts: ['network=host'] },
      /^input `driver-opts`: does not apply to driver `docker`/
    ],
    [
      { driver: 'docker', buildkitdConfigInline: '[worker.oci]\n' },
      /^input `buildkitd-config-inline`/
    ],
    [{ driver: 'docker', builderName: 'mine' }, /^input `builder-name`/],
    [{ driver: 'remote' }, /^input `endpoint`: is empty, and driver `remote` needs/],
    [{ builderName: '-bad' }, /^input `builder-name`: `-bad` is not a builder name/],
    [
      { driver: 'remote', endpoint: 'tcp://bk:1234', buildkitdConfigInline: '[worker.oci]\n' },
      /^input `buildkitd-config-inline`: does not apply to driver `remote` \(buildx: setting config file is not supported for remote driver\)/
    ],
    [
      { driver: 'remote', endpoint: 'tcp://bk:1234', driverOpts: ['image=moby/buildkit'] },
      /^input `driver-opts`: `image=moby\/buildkit` is not a driver option of driver `remote`.*Valid keys for remote: servername, cacert, cert, key, default-load/
    ],
    [
      { driver: 'remote', endpoint: 'tcp://bk:1234', driverOpts: ['cacert=certs/ca.pem'] },
      /^input `driver-opts`: `cacert=certs\/ca.pem` is not an absolute path/
    ],
    [
      { driver: 'remote', endpoint: 'tcp://bk:1234', driverOpts: ['cacert=/ca.pem,cert=/c.pem'] },
      /^input `driver-opts`: sets up TLS for driver `remote` without key/
    ],
    [
      { driver: 'remote', endpoint: 'tcp://bk:1234', driverOpts: ['servername=bk'] },
      /^input `driver-opts`: sets up TLS for driver `remote` without cacert/
    ],
    [
      { driverOpts: ['namespace=ci'] },
      /^input `driver-opts`: `namespace=ci` is not a driver option of driver `docker-container`/
    ],
    [{ driverOpts: ['network'] }, /^input `driver-opts`: `network` is not a driver option/],
    [
      { driver: 'kubernetes', driverOpts: ['memory=2g'] },
      /^input `driver-opts`: `memory=2g` is not a driver option of driver `kubernetes`/
    ],
    [
      {
        driver: 'remote',
        endpoint: 'tcp://bk:1234',
        append: [
          { platforms: ['linux/arm64'], endpoint: 'tcp://arm:1234', driverOpts: ['network=host'] }
        ]
      },
      /^input `append`: `network=host` is not a driver option of driver `remote`/
    ]
  ] as [Partial<BuildxOptions>, RegExp][])('refuses %j', (options, message) => {
    expect(() => {
      checkBuildxOptions({ ...baseOptions, ...options })
    }).toThrow(message)
  })
})

describe('checkBuildxOptions accepts', () => {
  it.each([
    [
      {
        driverOpts: [
          'network=host',
          'image=moby/buildkit:v0.16.0',
          'env.BUILDKIT_STEP_LOG_MAX_SIZE=1'
        ]
      }
    ],
    [{ driverOpts: ['"memory=2g",cpu-quota=50000'] }],
    [{ driver: 'kubernetes', driverOpts: ['namespace=ci,replicas=2', '"nodeselector=a=b,c=d"'] }],
    [
      {
        driver: 'remote',
        endpoint: 'tcp://bk:1234',
        driverOpts: ['cacert=/ca.pem', 'cert=/c.pem', 'key=/k.pem', 'servername=bk']
      }
    ],
    [{ driver: 'remote', endpoint: 'tcp://bk:1234', driverOpts: ['default-load=true'] }]
  ] as [Partial<BuildxOptions>][])('%j', options => {
    expect(() => {
      checkBuildxOptions({ ...baseOptions, ...options })
    }).not.toThrow()
  })
})

describe('cachePlan', () => {
  const request = { ...baseRequest, tags: [parseReference('ghcr.io/acme/app:1')] }
  it.each([
    [
      {},
      "not on GitHub Actions (the cache service's variables are absent: ACTIONS_CACHE_URL and ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN)"
    ],
    [
      { GITHUB_ACTIONS: 'true' },
      "the cache service's variables are absent (ACTIONS_CACHE_URL and ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN)"
    ],
    [
      { GITHUB_ACTIONS: 'true', ACTIONS_RESULTS_URL: 'https://r/' },
      "the cache service's variables are absent (ACTIONS_RUNTIME_TOKEN)"
    ]
  ])('%j: no cache, saying why', (env, reason) => {
    expect(cachePlan(request, 'docker-container', env)).toEqual({
      args: [],
      chosenBy: 'none',
      from: [],
      to: [],
      reason
    })
  })

  it('says the docker driver is why', () => {
    expect(cachePlan(request, 'docker', ghaV2).reason).toMatch(/^driver `docker` exports no cache/)
  })

  it('chooses the GitHub cache itself, with an export that never fails the build', () => {
    const plan = cachePlan(request, 'docker-container', ghaV2)
    expect(plan.chosenBy).toBe('action')
    expect(plan.to).toEqual(['type=gha,scope=acme-app-linux-amd64,mode=max,ignore-error=true'])
  })

  it('keeps what the user wrote as written', () => {
    const plan = cachePlan(
      {
        ...request,
        cacheTo: [{ type: 'gha', attributes: { scope: 'main', mode: 'max' } }]
      },
      'docker-container',
      ghaV2
    )
    expect(plan).toMatchObject({
      chosenBy: 'inputs',
      from: [],
      to: ['type=gha,scope=main,mode=max']
    })
  })
})

describe('describeCache', () => {
  it('says what was read, written, hit and failed, in one line', () => {
    const plan = cachePlan(
      { ...baseRequest, tags: [parseReference('ghcr.io/acme/app:1')] },
      'docker-container',
      ghaV2
    )
    expect(
      describeCache(plan, { 'linux/amd64': 3 }, [
        { direction: 'export', target: 'GitHub Actions Cache', message: 'error writing layer blob' }
      ])
    ).toBe(
      'cache (GitHub cache, chosen by the action): read type=gha,scope=acme-app-linux-amd64; wrote type=gha,scope=acme-app-linux-amd64,mode=max,ignore-error=true; steps from cache: linux/amd64 3; export to GitHub Actions Cache failed'
    )
    expect(
      describeCache(
        { args: [], chosenBy: 'none', from: [], to: [], reason: 'not on GitHub Actions' },
        { 'linux/amd64': 0, 'linux/arm64': 2 },
        []
      )
    ).toBe('cache: none (not on GitHub Actions); steps from cache: linux/amd64 0, linux/arm64 2')
  })
})

describe('summarizeProgress', () => {
  it('counts cache hits per platform and names the platform that failed', () => {
    const log = readFileSync(path.join(fixtures, 'progress-multi-failed.log'), 'utf8')
    expect(summarizeProgress(log, ['linux/amd64', 'linux/arm64'])).toEqual({
      cacheHits: { 'linux/amd64': 2, 'linux/arm64': 2 },
      failed: ['linux/arm64'],
      cacheFailures: [],
      pushed: undefined
    })
  })

  it('gives unnamed steps to the only platform', () => {
    const log = readFileSync(path.join(fixtures, 'progress-single.log'), 'utf8')
    expect(summarizeProgress(log, ['linux/s390x'])).toEqual({
      cacheHits: { 'linux/s390x': 2 },
      failed: [],
      cacheFailures: [],
      pushed: undefined
    })
  })

  it('keeps failed cache steps apart from the platform, and notes what was pushed', () => {
    const log = readFileSync(path.join(fixtures, 'progress-cache-failed.log'), 'utf8')
    expect(summarizeProgress(log, ['linux/amd64'])).toEqual({
      cacheHits: { 'linux/amd64': 1 },
      failed: [],
      cacheFailures: [
        {
          direction: 'import',
          target: 'gha:4402913776538913817',
          message: 'failed to parse error response 503: Service Unavailable'
        },
        {
          direction: 'export',
          target: 'GitHub Actions Cache',
          message:
            'error writing layer blob: failed to parse error response 503: Service Unavailable'
        }
      ],
      pushed:
        'ghcr.io/acme/app@sha256:5e8b2b4f1b0c9bdb3f1b1f2cf4b07d5b5b7f9e3d1c2b3a4f5e6d7c8b9a0f1e2d'
    })
  })

  it('names emulated platforms in the failure', () => {
    const plan = planned('linux/amd64', 'linux/arm64')
    expect(describeFailure(plan, ['linux/arm64'])).toBe('build of linux/arm64 (under QEMU) failed')
    expect(describeFailure(plan, ['linux/amd64'])).toBe('build of linux/amd64 failed')
    expect(describeFailure(plan, [])).toBe('build failed')
  })
})

describe('planOutputs', () => {
  const temp = '/tmp/run/layout-x'
  it.each([
    ['push wins', [], false, true, true, { kind: 'push' }],
    [
      "the user's OCI directory",
      ['type=local,dest=out', 'type=oci,tar=false,dest=oci'],
      false,
      false,
      true,
      { kind: 'layout', dir: 'oci', temporary: false }
    ],
    [
      "the user's OCI tar",
      ['type=oci,dest=/tmp/image.tar'],
      false,
      false,
      false,
      { kind: 'oci-tar', file: '/tmp/image.tar' }
    ],
    [
      'an OCI tar on stdout cannot be read',
      ['type=oci,dest=-'],
      false,
      false,
      true,
      {
        kind: 'unavailable',
        reason: 'the `outputs` write no OCI image (only type=oci gives one the action can read)'
      }
    ],
    [
      'load',
      [],
      true,
      false,
      true,
      { kind: 'unavailable', reason: 'it was loaded into the docker image store' }
    ],
    [
      'checks wanted, nothing asked for: a layout of our own',
      [],
      false,
      false,
      true,
      { kind: 'layout', dir: temp, temporary: true }
    ],
    [
      'no checks, nothing asked for',
      [],
      false,
      false,
      false,
      { kind: 'unavailable', reason: "it stays in the builder's cache" }
    ]
  ] as const)('%s', (_name, outputs, load, push, keep, plan) => {
    expect(planOutputs(outputs, load, push, keep, temp)).toEqual(plan)
  })

  it.each([
    ['a push the checks read, where BuildKit can: a layout beside it', true, true, temp],
    ['a push the checks read, where BuildKit cannot: the push alone', true, false, undefined],
    ['a push no check reads: the push alone', false, true, undefined]
  ] as const)('%s', (_name, keep, beside, layout) => {
    expect(planOutputs([], false, true, keep, temp, beside)).toEqual(
      layout === undefined ? { kind: 'push' } : { kind: 'push', besideLayout: layout }
    )
  })

  it('hands the layout beside a push to the checks with the pushed image', async () => {
    const pushed = { registry: '127.0.0.1:5000', repository: 'acme/app', digest: 'sha256:ab' }
    await expect(
      builtImage({ kind: 'push', besideLayout: 'rel/layout' }, pushed, '/tmp')
    ).resolves.toEqual({
      kind: 'registry',
      ...pushed,
      localCopy: path.resolve('rel/layout')
    })
    await expect(builtImage({ kind: 'push' }, pushed, '/tmp')).resolves.toEqual({
      kind: 'registry',
      ...pushed
    })
  })
})

describe('layoutBesidePush', () => {
  test.each([
    [1, '0.28.0', 'remote', ['0.24.0'], true, /buildx 0\.28\.0 and BuildKit 0\.24\.0 run several/],
    [2, '0.13.0', 'docker-container', ['0.13.0', '0.16.0'], true, /BuildKit 0\.13\.0, 0\.16\.0/],
    [3, '0.12.1', 'docker-container', ['0.16.0'], false, /buildx 0\.12\.1 takes one output only/],
    [4, '0.10.5', 'remote', ['0.11.6'], false, /takes one output only/],
    [5, '0.28.0', 'remote', ['0.11.6'], false, /BuildKit 0\.11\.6 runs one exporter per build/],
    [6, '0.17.1', 'docker-container', ['0.16.0', '0.12.5'], false, /BuildKit 0\.12\.5 runs one/],
    [7, '0.17.1', 'docker', ['0.16.0'], false, /docker driver/],
    [8, '0.17.1', 'remote', [undefined], true, /not shown, so it is tried/],
    [9, '0.17.1', 'remote', [], true, /not shown, so it is tried/],
    [10, '0.17.1', 'remote', ['0.16.0', undefined], true, /not shown, so it is tried/],
    [11, '0.19.0-desktop.1', 'docker-container', ['0.18.0'], true, /run several/],
    [12, '0.30.0-dev', 'remote', ['0.25.0-rc1'], true, /run several/],
    [13, '0.0.0+unknown', 'remote', ['0.0.0+unknown'], true, /not shown, so it is tried/]
  ] as [number, string, string, (string | undefined)[], boolean, RegExp][])(
    '%i: buildx %s, %s driver, BuildKit %j',
    (_n, version, driver, buildkit, layout, reason) => {
      const decision = layoutBesidePush(version, driver, buildkit, 'ghcr.io')
      expect(decision.layout).toBe(layout)
      expect(decision.reason).toMatch(reason)
    }
  )

  test.each([
    ['127.0.0.1:5000', false],
    ['localhost:5000', false],
    ['localhost', false],
    ['[::1]:5000', false],
    ['127.10.0.3', false],
    ['ghcr.io', true],
    ['registry.example:5000', true],
    ['localhost.example', true],
    ['10.0.0.5:5000', true]
  ])('a push to %s: layout beside it %s', (registry, layout) => {
    expect(layoutBesidePush('0.28.0', 'remote', ['0.24.0'], registry).layout).toBe(layout)
  })
})

describe('smoke test argv', () => {
  it('runs the command from a build arg, keeps its output and exit code, and never caches', () => {
    expect(smokeDockerfile({ kind: 'registry', reference: 'ghcr.io/acme/app@sha256:ab' })).toBe(
      [
        'FROM ghcr.io/acme/app@sha256:ab AS smoke',
        'ARG SMOKE_COMMAND',
        'RUN sh -c "$SMOKE_COMMAND" > /.smoke-output 2>&1; echo $? > /.smoke-exit',
        'FROM scratch',
        'COPY --from=smoke /.smoke-output /.smoke-exit /',
        ''
      ].join('\n')
    )
    expect(
      smokeBuildArgs(
        '0.10.5',
        'b1',
        ['linux/amd64', 'linux/arm64'],
        { kind: 'layout', dir: '/tmp/run/layout', digest: 'sha256:cd' },
        'uname -m',
        '/tmp/run/smoke/context',
        '/tmp/run/smoke/out'
      )
    ).toEqual([
      'buildx',
      'build',
      '--builder',
      'b1',
      '--progress',
      'plain',
      '--platform',
      'linux/amd64,linux/arm64',
      '--file',
      '/tmp/run/smoke/context/Dockerfile',
      '--build-context',
      'smoke-image=oci-layout:///tmp/run/layout@sha256:cd',
      '--no-cache',
      '--build-arg',
      'SMOKE_COMMAND=uname -m',
      '--provenance=false',
      '--output',
      'type=local,dest=/tmp/run/smoke/out',
      '/tmp/run/smoke/context'
    ])
  })

  it('leaves out --provenance for buildx before 0.10, which does not know it', () => {
    const args = smokeBuildArgs(
      '0.9.1',
      'b1',
      ['linux/amd64'],
      { kind: 'registry', reference: 'r/a@sha256:ab' },
      'true',
      '/c',
      '/o'
    )
    expect(args).not.toContain('--provenance=false')
    expect(args).not.toContain('--build-context')
  })
})

describe('dockerConfigWithLogins', () => {
  const logins = [
    { registry: 'ghcr.io', credentials: { username: 'bot', password: 'pw' } },
    { registry: 'docker.io', credentials: { username: 'me', password: 'hub' } }
  ]

  it('adds inline auths (Docker Hub under its legacy key) and keeps other settings', () => {
    expect(
      dockerConfigWithLogins(
        {
          auths: { 'quay.io': { auth: 'cXVheTpx' } },
          credHelpers: { 'ghcr.io': 'gh', '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
          credsStore: 'desktop',
          currentContext: 'lab',
          proxies: { default: { httpProxy: 'http://proxy:3128' } }
        },
        logins
      )
    ).toEqual({
      auths: {
        'quay.io': { auth: 'cXVheTpx' },
        'ghcr.io': { auth: Buffer.from('bot:pw').toString('base64') },
        'https://index.docker.io/v1/': { auth: Buffer.from('me:hub').toString('base64') }
      },
      credHelpers: { '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
      currentContext: 'lab',
      proxies: { default: { httpProxy: 'http://proxy:3128' } }
    })
  })

  it('starts from nothing when there is no config', () => {
    expect(dockerConfigWithLogins(undefined, logins.slice(0, 1))).toEqual({
      auths: { 'ghcr.io': { auth: 'Ym90OnB3' } },
      credHelpers: {}
    })
  })
})

describe('withWorkerParallelism', () => {
  test.each([
    [1, '', 4, '[worker.oci]\n  max-parallelism = 4\n'],
    [2, '[worker.oci]\n  gc = true\n', 2, '[worker.oci]\n  max-parallelism = 2\n  gc = true\n'],
    [3, 'debug = true', 3, 'debug = true\n[worker.oci]\n  max-parallelism = 3\n'],
    // The user's own limit wins; no limit leaves the config alone.
    [4, '[worker.oci]\nmax-parallelism = 8\n', 2, '[worker.oci]\nmax-parallelism = 8\n'],
    [5, 'debug = true\n', undefined, 'debug = true\n']
  ] as const)('%i', (_, config, limit, expected) => {
    expect(withWorkerParallelism(config, limit)).toBe(expected)
  })
})
