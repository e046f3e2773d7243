import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeBinaries, runMain } from '../../harness/runner.mjs'

/** A workspace with a Dockerfile and no git repository. */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'contract-epoch-'))
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n')
  return dir
}

describe.each(nodeBinaries())('refused before anything runs, through dist/ under %s', node => {
  it.each([
    [
      'a source-date-epoch that is no time',
      { 'source-date-epoch': '2024-05-01' },
      {},
      'input `source-date-epoch`: is `2024-05-01`. Valid: a Unix time in whole seconds'
    ],
    [
      "the environment's SOURCE_DATE_EPOCH when the input is empty",
      {},
      { SOURCE_DATE_EPOCH: 'soon' },
      "input `source-date-epoch`: is empty, and the environment's SOURCE_DATE_EPOCH is `soon`"
    ],
    [
      '`commit` where the context is in no repository',
      { 'source-date-epoch': 'commit' },
      { GIT_CEILING_DIRECTORIES: tmpdir() },
      'input `source-date-epoch`: is `commit`, but git found no commit for the build context'
    ],
    [
      'expect-digests that is not JSON',
      { 'expect-digests': 'linux/amd64=sha256:aa' },
      {},
      'input `expect-digests`: is not JSON'
    ],
    [
      'an annotation level that does not exist',
      { annotations: 'indexes:org.opencontainers.image.version=1' },
      {},
      'input `annotations`: line `indexes:org.opencontainers.image.version=...` names the level `indexes`'
    ]
  ])('%s', async (_name, inputs, env, message) => {
    const step = await runMain({
      node,
      inputs: { engine: 'buildah', ...inputs },
      env,
      cwd: workspace()
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toContain(message)
    expect(step.outputs).toEqual({})
  })
})
