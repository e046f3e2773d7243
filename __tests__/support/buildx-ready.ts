/**
 * Whether a buildx on this machine can really build: a `docker buildx` plugin alone is not
 * enough (a machine may carry the CLI and a plugin and run no daemon). Each probe is bounded
 * in time, and the answer says what was looked for, so a skip can name it.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

export interface BuildxReadiness {
  readonly ready: boolean
  /** `docker buildx version`'s line when the plugin answered. */
  readonly version?: string
  /** What was looked for and what answered, one line each. */
  readonly checks: readonly string[]
}

export interface ProbeOptions {
  /** A BuildKit address the suite's builders use with the `remote` driver. */
  readonly endpoint?: string
  readonly env?: NodeJS.ProcessEnv
  /** Per probe. */
  readonly timeoutMs?: number
}

function docker(args: string[], options: ProbeOptions): { ok: boolean; text: string } {
  const result = spawnSync('docker', args, {
    encoding: 'utf8',
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 20_000,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  if (result.error !== undefined) {
    const timedOut = (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
    return { ok: false, text: timedOut ? 'no answer in time' : result.error.message }
  }
  const text = `${result.stdout}${result.stderr}`.trim().split('\n')[0] ?? ''
  return { ok: result.status === 0, text }
}

/**
 * A builder on `endpoint` (remote driver) must bootstrap; without an endpoint the suite
 * creates docker-container builders, so a Docker daemon must answer.
 */
export function probeBuildx(options: ProbeOptions = {}): BuildxReadiness {
  const checks: string[] = []
  const plugin = docker(['buildx', 'version'], options)
  if (!plugin.ok) {
    checks.push(`\`docker buildx version\`: ${plugin.text || 'failed'}`)
    return { ready: false, checks }
  }
  checks.push(`\`docker buildx version\`: ${plugin.text}`)
  const endpoint = options.endpoint ?? ''
  if (endpoint !== '') {
    // A throwaway builder of our own name: bootstrapping it is the BuildKit handshake.
    const name = `probe-${randomBytes(4).toString('hex')}`
    const created = docker(
      ['buildx', 'create', '--name', name, '--driver', 'remote', endpoint],
      options
    )
    const booted = created.ok
      ? docker(['buildx', 'inspect', '--bootstrap', name], options)
      : created
    if (created.ok) docker(['buildx', 'rm', name], options)
    checks.push(
      `BuildKit at ${endpoint} (remote driver, \`docker buildx inspect --bootstrap\`): ${booted.ok ? 'answered' : booted.text}`
    )
    return { ready: booted.ok, version: plugin.text, checks }
  }
  const daemon = docker(['version', '--format', '{{.Server.Version}}'], {
    ...options,
    timeoutMs: Math.min(options.timeoutMs ?? 10_000, 10_000)
  })
  checks.push(
    `a Docker daemon for docker-container builders (\`docker version\`): ${daemon.ok ? `server ${daemon.text}` : daemon.text}`
  )
  return { ready: daemon.ok, version: plugin.text, checks }
}
