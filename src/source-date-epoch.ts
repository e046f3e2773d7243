/**
 * `source-date-epoch`: the one time a reproducible build stamps on its images (created time,
 * history, every layer file), as a Unix time or the commit time of the context's HEAD.
 */
import { Input } from './constants.js'
import { InputError } from './errors.js'
import { exec } from './exec.js'

/** What was asked for, before any git command runs. */
export type EpochSetting =
  | { readonly kind: 'seconds'; readonly seconds: number; readonly from: EpochOrigin }
  | { readonly kind: 'commit'; readonly from: EpochOrigin }

/** The input, or the job's `SOURCE_DATE_EPOCH` variable when the input is empty. */
export type EpochOrigin = 'input' | 'environment'

/** The last second an OCI `created` time (RFC 3339, four-digit year) can name: 9999-12-31. */
export const MAX_EPOCH = 253402300799

const VALID =
  'Valid: a Unix time in whole seconds (e.g. 1700000000), or `commit` for the commit time of HEAD in the build context'

/** Pure: the input wins; an empty one falls back to the environment's value; neither: none. */
export function parseSourceDateEpoch(
  input: string,
  environment: string | undefined
): EpochSetting | undefined {
  const given = input.trim()
  const from: EpochOrigin = given === '' ? 'environment' : 'input'
  const text = given === '' ? (environment ?? '').trim() : given
  if (text === '') return undefined
  const where =
    from === 'input'
      ? `is \`${text}\``
      : `is empty, and the environment's SOURCE_DATE_EPOCH is \`${text}\``
  if (text.toLowerCase() === 'commit') return { kind: 'commit', from }
  if (!/^[0-9]+$/.test(text)) throw new InputError(Input.SourceDateEpoch, where, VALID)
  const seconds = Number(text)
  if (!Number.isSafeInteger(seconds) || seconds > MAX_EPOCH) {
    throw new InputError(
      Input.SourceDateEpoch,
      `${where}, past the year 9999`,
      `${VALID}; at most ${MAX_EPOCH}`
    )
  }
  return { kind: 'seconds', seconds, from }
}

/** Pure: the commit time `git log -1 --format=%ct` printed. */
export function epochFromGitLog(stdout: string): number | undefined {
  const text = stdout.trim()
  return /^[0-9]+$/.test(text) ? Number(text) : undefined
}

/** What `git log -1 --format=%ct` answered in a folder. */
export interface GitAnswer {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** HEAD's commit time in `context`, asked of git; a missing git answers like a failure. */
export async function gitCommitTime(context: string): Promise<GitAnswer> {
  return exec('git', ['-C', context, 'log', '-1', '--format=%ct'], {
    silent: true,
    allowFailure: true
  }).catch((error: unknown) => ({
    exitCode: -1,
    stdout: '',
    stderr: error instanceof Error ? error.message : String(error)
  }))
}

/** The Unix time the build uses; `commit` asks git in the build context. */
export async function resolveSourceDateEpoch(
  setting: EpochSetting | undefined,
  context: string,
  askGit: (context: string) => Promise<GitAnswer> = gitCommitTime
): Promise<number | undefined> {
  if (setting === undefined) return undefined
  if (setting.kind === 'seconds') return setting.seconds
  const result = await askGit(context)
  const seconds = result.exitCode === 0 ? epochFromGitLog(result.stdout) : undefined
  if (seconds === undefined) {
    throw new InputError(
      Input.SourceDateEpoch,
      `${setting.from === 'input' ? 'is' : "is empty, and the environment's SOURCE_DATE_EPOCH is"} \`commit\`, but git found no commit for the build context ${context}${
        result.stderr.trim() === '' ? '' : ` (git: ${result.stderr.trim().split('\n')[0] ?? ''})`
      }`,
      'Check the repository out with actions/checkout (any fetch-depth) and give a context inside it, or give the Unix time itself'
    )
  }
  return seconds
}
