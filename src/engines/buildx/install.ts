/** Find, resolve, download, verify and install the docker buildx CLI plugin. */
import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import semver from 'semver'
import { Input } from '../../constants.js'
import { ActionError, InputError, errorMessage } from '../../errors.js'
import { exec } from '../../exec.js'
import { BUILDX_VERSION_FORMS } from '../../values.js'

const DOWNLOAD_BASE = 'https://github.com/docker/buildx/releases/download'
const TOOL_NAME = 'docker-buildx'

/** `docker buildx version` -> `0.17.1` (or `0.17.1-desktop.1`, `0.11.2+azure-1`); undefined when absent. */
export function parseBuildxVersion(output: string): string | undefined {
  return /github\.com\/docker\/buildx\s+v?(\d+\.\d+\.\d+[0-9A-Za-z.+~-]*)/.exec(output)?.[1]
}

/** The version as semver compares it; Docker Desktop's `-desktop.N` builds are releases. */
function comparableVersion(version: string): string | undefined {
  return semver.valid(version.replace(/-desktop\.\d+$/, '')) ?? undefined
}

/** Whether `version` is at least `minimum`; unknown spellings count as new (dev builds). */
export function buildxAtLeast(version: string, minimum: string): boolean {
  const comparable = comparableVersion(version)
  return comparable === undefined || semver.gte(comparable, minimum)
}

function checkedRange(range: string): string {
  const valid = semver.validRange(range)
  if (valid === null) {
    throw new InputError(
      Input.BuildxVersion,
      `\`${range}\` is not a version or range`,
      BUILDX_VERSION_FORMS
    )
  }
  return valid
}

/** `0.17.1` for an exact version (`v0.17.1` too); undefined for ranges and `latest`. */
export function exactVersion(range: string): string | undefined {
  const version = semver.valid(range.trim())
  return version === null ? undefined : version
}

/**
 * Whether the installed buildx falls short of the `buildx-version` input. Empty input: any
 * installed buildx will do. `latest`: only the release list knows, so resolve and compare.
 */
export function needsInstall(installed: string | undefined, range: string): boolean {
  const wanted = range.trim()
  if (installed === undefined) return true
  if (wanted === '') return false
  if (wanted === 'latest') return true
  const version = comparableVersion(installed)
  return (
    version === undefined ||
    !semver.satisfies(version, checkedRange(wanted), { includePrerelease: true })
  )
}

/** The highest non-prerelease in `tags` (`v0.17.1`, ...) that satisfies the input. */
export function resolveVersion(range: string, tags: readonly string[]): string {
  const wanted = range.trim()
  const spec = wanted === '' || wanted === 'latest' ? '*' : checkedRange(wanted)
  const releases = tags
    .map(tag => semver.valid(tag.trim()))
    .filter((version): version is string => version !== null && semver.prerelease(version) === null)
  const chosen = semver.maxSatisfying(releases, spec)
  if (chosen !== null) return chosen
  const newest = semver.maxSatisfying(releases, '*')
  throw new InputError(
    Input.BuildxVersion,
    `no buildx release satisfies \`${wanted}\`${newest === null ? '' : `; newest is v${newest}`}`,
    BUILDX_VERSION_FORMS
  )
}

/** buildx release asset suffixes, by Node's `process.arch`. */
const ASSET_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm-v7',
  s390x: 's390x',
  ppc64: 'ppc64le',
  riscv64: 'riscv64'
}

export interface ReleaseAsset {
  readonly name: string
  readonly url: string
  readonly checksumsUrl: string
}

/** Where the plugin binary of one release and its checksums live. */
export function releaseAsset(
  version: string,
  platform: { readonly os: 'linux'; readonly arch: string }
): ReleaseAsset {
  const arch = ASSET_ARCH[platform.arch]
  if (arch === undefined) {
    throw new ActionError(
      `buildx publishes no binary for this runner's architecture (${platform.arch})`,
      `Install docker-buildx yourself before this step; downloads exist for ${Object.keys(ASSET_ARCH).join(', ')}`
    )
  }
  const tag = `v${version.replace(/^v/, '')}`
  const name = `buildx-${tag}.${platform.os}-${arch}`
  return {
    name,
    url: `${DOWNLOAD_BASE}/${tag}/${name}`,
    checksumsUrl: `${DOWNLOAD_BASE}/${tag}/checksums.txt`
  }
}

/** Check a download against the release's `checksums.txt` (`<sha256>  *<name>` lines). */
export function verifyChecksum(checksumsText: string, assetName: string, sha256hex: string): void {
  const line = checksumsText
    .split('\n')
    .map(text => /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(text.trim()))
    .find(match => match?.[2] === assetName)
  const expected = line?.[1]?.toLowerCase()
  if (expected === undefined) {
    throw new ActionError(
      `checksums.txt of this buildx release has no line for ${assetName}`,
      'Nothing was installed; pin a `buildx-version` that publishes this binary'
    )
  }
  if (expected !== sha256hex.toLowerCase()) {
    throw new ActionError(
      `${assetName} has sha256 ${sha256hex.toLowerCase()}, but checksums.txt says ${expected}`,
      'The download is corrupt or altered, and nothing was installed; retry the job'
    )
  }
}

/** `$DOCKER_CONFIG/cli-plugins`, where the docker CLI looks for plugins first. */
export function pluginDirectory(env: Readonly<Record<string, string | undefined>>): string {
  return path.join(env.DOCKER_CONFIG ?? path.join(homedir(), '.docker'), 'cli-plugins')
}

/** The installed buildx version; undefined when docker has no buildx plugin. */
export async function installedBuildxVersion(): Promise<string | undefined> {
  let output: string
  try {
    const result = await exec('docker', ['buildx', 'version'], { silent: true, allowFailure: true })
    if (result.exitCode !== 0) return undefined
    output = result.stdout
  } catch (error) {
    throw new ActionError(
      `the buildx engine needs the docker CLI, which was not found (${errorMessage(error)})`,
      'Install Docker before this step, or choose `engine: buildah`'
    )
  }
  return parseBuildxVersion(output)
}

/** Lists buildx release tags; given the `github-token` input (empty: anonymous). */
export type ReleaseLister = (token: string) => Promise<string[]>

const LOOKUP_ATTEMPTS = 3

/** Whether a failed API call may succeed when tried again: server trouble, rate limits, the network. */
function retryable(error: unknown): boolean {
  const status = (error as { status?: unknown }).status
  return typeof status !== 'number' || status >= 500 || status === 429 || status === 403
}

/**
 * Tag names of the newest 100 buildx releases (older ones need an exact version), through
 * the GitHub API with the job's token: anonymous calls share 60 an hour per address.
 */
export async function fetchReleaseTags(token: string): Promise<string[]> {
  // Loaded only when a range must be resolved: most runs never pay for the client.
  const { GitHub, getOctokitOptions } = await import('@actions/github/lib/utils')
  const octokit = token === '' ? new GitHub() : new GitHub(getOctokitOptions(token))
  let failure: unknown
  for (let attempt = 1; attempt <= LOOKUP_ATTEMPTS; attempt++) {
    try {
      const response = await octokit.rest.repos.listReleases({
        owner: 'docker',
        repo: 'buildx',
        per_page: 100
      })
      const tags = response.data.map(release => release.tag_name)
      if (tags.length === 0) throw new Error('the release list is empty')
      return tags
    } catch (error) {
      failure = error
      if (!retryable(error) || attempt === LOOKUP_ATTEMPTS) break
      await new Promise(resolve => setTimeout(resolve, 1000 * 2 ** (attempt - 1)))
    }
  }
  throw new ActionError(
    `could not list buildx releases through the GitHub API${
      token === '' ? ' (anonymously, as `github-token` is empty)' : ''
    }: ${errorMessage(failure)}`,
    'Pin `buildx-version` to an exact version (e.g. 0.17.1) to skip the lookup, or pass `github-token`'
  )
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** The tool cache loads only when buildx must be installed. */
const toolCache = () => import('@actions/tool-cache')

/** Pauses before the second and third attempt: a reset connection or a 5xx gets a few seconds, no more. */
export const DOWNLOAD_RETRY_DELAYS_MS: readonly number[] = [500, 1500]
/** A whole download (a plugin is ~60 MB) may take this long. */
const DOWNLOAD_TIMEOUT_MS = 180_000

/** A failed download as far as retrying cares: an HTTP status, or the network's error code. */
export interface DownloadFailure {
  readonly status?: number
  readonly code?: string
}

/** Network codes that say the connection broke or the name lookup hiccupped, not that nothing is there. */
const TRANSIENT_CODES = [
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
]

/** Whether trying again may help: server trouble and broken connections; never a 404 or an unknown host. */
export function downloadRetryable(failure: DownloadFailure): boolean {
  if (failure.status !== undefined) {
    return failure.status >= 500 || failure.status === 408 || failure.status === 429
  }
  return failure.code !== undefined && TRANSIENT_CODES.includes(failure.code)
}

class DownloadError extends Error {
  constructor(
    message: string,
    readonly failure: DownloadFailure
  ) {
    super(message)
    this.name = 'DownloadError'
  }
}

/** The innermost `code` of a fetch error (`fetch failed` wraps the socket's error). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

async function downloadOnce(url: string, file: string): Promise<void> {
  // The runner's proxy settings (https_proxy, no_proxy) apply, as to every @actions client.
  const { HttpClient } = await import('@actions/http-client')
  const client = new HttpClient('multiarch-build-action', [], {
    allowRedirects: true,
    allowRetries: false,
    socketTimeout: DOWNLOAD_TIMEOUT_MS
  })
  try {
    const response = await client.get(url)
    const status = response.message.statusCode ?? 0
    if (status !== 200) {
      response.message.resume()
      throw new DownloadError(`HTTP ${status} ${response.message.statusMessage ?? ''}`.trim(), {
        status
      })
    }
    await pipeline(response.message, createWriteStream(file))
  } catch (error) {
    if (error instanceof DownloadError) throw error
    const code = networkCode(error)
    throw new DownloadError(errorMessage(error), code === undefined ? {} : { code })
  } finally {
    client.dispose()
  }
}

/**
 * Download `url` into a fresh file. Only what can recover within seconds is tried again
 * (see DOWNLOAD_RETRY_DELAYS_MS); a 404 or a host that does not resolve fails at once.
 */
export async function download(
  url: string,
  delaysMs: readonly number[] = DOWNLOAD_RETRY_DELAYS_MS
): Promise<string> {
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP ?? tmpdir(), 'buildx-download-'))
  const file = path.join(dir, path.basename(new URL(url).pathname) || 'download')
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadOnce(url, file)
      return file
    } catch (error) {
      const failure = error instanceof DownloadError ? error.failure : {}
      const delay = delaysMs[attempt]
      if (delay === undefined || !downloadRetryable(failure)) {
        await rm(dir, { recursive: true, force: true })
        throw new ActionError(
          `could not download ${url}: ${errorMessage(error)}${attempt === 0 ? '' : ` (after ${attempt + 1} attempts)`}`,
          failure.status === 404
            ? 'No such release asset: pin a `buildx-version` that exists, or install docker-buildx before this step'
            : 'Check that the runner reaches github.com, or install docker-buildx before this step'
        )
      }
      core.info(`download of ${url} failed (${errorMessage(error)}); trying again in ${delay} ms`)
      await new Promise(resolve => setTimeout(resolve, delay))
    }
  }
}

/** Download (or take from the tool cache), verify, and install one buildx version as the plugin. */
export async function installBuildx(
  version: string,
  nodeArch: string = process.arch
): Promise<string> {
  const asset = releaseAsset(version, { os: 'linux', arch: nodeArch })
  const cache = await toolCache()
  let cached = cache.find(TOOL_NAME, version, nodeArch)
  if (cached === '') {
    core.info(`downloading ${asset.url}`)
    const binary = await download(asset.url)
    const checksumsFile = await download(asset.checksumsUrl)
    try {
      const checksums = await readFile(checksumsFile, 'utf8')
      verifyChecksum(checksums, asset.name, await sha256OfFile(binary))
      cached = await cache.cacheFile(binary, TOOL_NAME, TOOL_NAME, version, nodeArch)
    } finally {
      for (const file of [binary, checksumsFile]) {
        await rm(path.dirname(file), { recursive: true, force: true })
      }
    }
  }
  const directory = pluginDirectory(process.env)
  await mkdir(directory, { recursive: true })
  const plugin = path.join(directory, TOOL_NAME)
  await copyFile(path.join(cached, TOOL_NAME), plugin)
  await chmod(plugin, 0o755)
  return plugin
}

/** Make `docker buildx` satisfy the `buildx-version` input; returns the version in use. */
export async function ensureBuildx(
  range: string,
  token: string,
  listReleases: ReleaseLister = fetchReleaseTags
): Promise<string> {
  const installed = await installedBuildxVersion()
  if (installed !== undefined && !needsInstall(installed, range)) {
    core.info(
      `buildx ${installed} (installed${range.trim() === '' ? '' : `; satisfies \`${range.trim()}\``})`
    )
    return installed
  }
  const shortfall =
    installed === undefined
      ? 'docker has no buildx plugin'
      : `installed buildx ${installed} does not satisfy \`${range.trim()}\``
  let version: string
  try {
    version = exactVersion(range) ?? resolveVersion(range, await listReleases(token))
  } catch (error) {
    throw new ActionError(
      `${shortfall}, and no version to install could be chosen: ${errorMessage(error)}`
    )
  }
  if (installed !== undefined && comparableVersion(installed) === version) {
    core.info(`buildx ${installed} (installed; the newest release for \`${range.trim()}\`)`)
    return installed
  }
  core.info(`${shortfall}: installing buildx ${version}`)
  try {
    await installBuildx(version)
  } catch (error) {
    throw new ActionError(`${shortfall}, and installing ${version} failed: ${errorMessage(error)}`)
  }
  const active = await installedBuildxVersion()
  if (active === undefined || comparableVersion(active) !== version) {
    throw new ActionError(
      `installed buildx ${version}, but \`docker buildx version\` reports ${active ?? 'nothing'}`,
      'Another docker-buildx plugin shadows it; remove it or set DOCKER_CONFIG'
    )
  }
  core.info(`buildx ${active} (installed now, checksum verified)`)
  return active
}
