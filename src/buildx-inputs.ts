/** The rules of the inputs only the buildx engine reads; checked before anything runs. */
import semver from 'semver'
import { Input } from './constants.js'
import { InputError } from './errors.js'
import { PlatformError, formatPlatform, parsePlatform } from './platform.js'
import {
  type AppendNode,
  BUILDX_VERSION_FORMS,
  type BuildxDriver,
  type BuildxOptions,
  DRIVERS
} from './values.js'

export function parseDriver(text: string): BuildxDriver {
  const value = text.trim().toLowerCase()
  const driver = DRIVERS.find(candidate => candidate === value)
  if (driver === undefined) {
    throw new InputError(Input.Driver, `is \`${text.trim()}\``, `Valid: ${DRIVERS.join(', ')}`)
  }
  return driver
}

/** `buildx-version`: empty, `latest`, or something semver reads as a version or range. */
export function checkBuildxVersion(text: string): string {
  const value = text.trim()
  if (value !== '' && value !== 'latest' && semver.validRange(value) === null) {
    throw new InputError(
      Input.BuildxVersion,
      `\`${value}\` is not a version or range`,
      BUILDX_VERSION_FORMS
    )
  }
  return value
}

/** buildx's rule for builder names. */
const BUILDER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/

/** Cross-input rules of the builder inputs. */
export function checkBuildxOptions(options: BuildxOptions): void {
  const creating: [Input, boolean][] = [
    [Input.DriverOpts, options.driverOpts.length > 0],
    [Input.BuildkitdConfigInline, options.buildkitdConfigInline.trim() !== ''],
    [Input.BuilderName, options.builderName !== ''],
    [Input.Append, options.append.length > 0]
  ]
  if (options.builder !== '') {
    const reused: [Input, boolean][] = [...creating, [Input.Endpoint, options.endpoint !== '']]
    const [ignored] = reused.find(([, set]) => set) ?? []
    if (ignored !== undefined) {
      throw new InputError(
        Input.Builder,
        `reuses the existing builder \`${options.builder}\`, so \`${ignored}\` would have no effect`,
        'Set `builder` to use a builder as it is, or the builder inputs to create one'
      )
    }
    return
  }
  if (options.builderName !== '' && !BUILDER_NAME.test(options.builderName)) {
    throw new InputError(
      Input.BuilderName,
      `\`${options.builderName}\` is not a builder name`,
      'Use letters, digits, `.`, `_` and `-`, starting with a letter or digit'
    )
  }
  if (options.driver === 'docker') {
    // The docker driver is the daemon's own builder: buildx cannot create or configure it.
    const [configured] = creating.find(([, set]) => set) ?? []
    if (configured !== undefined) {
      throw new InputError(
        configured,
        'does not apply to driver `docker` (the docker daemon builds, with its own settings)',
        'Use driver docker-container, kubernetes or remote'
      )
    }
  }
  if (options.driver === 'remote' && options.buildkitdConfigInline.trim() !== '') {
    throw new InputError(
      Input.BuildkitdConfigInline,
      'does not apply to driver `remote` (buildx: setting config file is not supported for remote driver)',
      'Configure the remote buildkitd where it runs, or use driver docker-container or kubernetes'
    )
  }
  checkDriverOpts(Input.DriverOpts, options.driver, options.driverOpts)
  for (const node of options.append) checkDriverOpts(Input.Append, options.driver, node.driverOpts)
  if (options.driver === 'remote' && options.endpoint === '') {
    throw new InputError(
      Input.Endpoint,
      'is empty, and driver `remote` needs the address of a BuildKit daemon',
      'Example: tcp://buildkitd.example.com:1234'
    )
  }
}

const APPEND_FIX =
  'Write PLATFORMS=ENDPOINT[,driver=DRIVER][,driver-opt=KEY=VALUE]..., e.g. linux/arm64=ssh://user@arm-host'

/**
 * Parse an `append` line: `PLATFORMS=ENDPOINT[,driver=DRIVER][,driver-opt=KEY=VALUE]...`.
 * PLATFORMS is one or more platforms joined by commas (they hold no `=`, so the first `=`
 * ends them); ENDPOINT may be empty, or `kubernetes` as short for `,driver=kubernetes`.
 * Driver-opt values cannot hold commas. Every node of a builder runs on the builder's driver.
 */
export function parseAppendLine(line: string, driver: BuildxDriver): AppendNode {
  const text = line.trim()
  const equals = text.indexOf('=')
  if (equals <= 0) {
    throw new InputError(Input.Append, `line \`${text}\` names no platform`, APPEND_FIX)
  }
  let platforms: string[]
  try {
    platforms = text
      .slice(0, equals)
      .split(',')
      .map(name => formatPlatform(parsePlatform(name)))
  } catch (error) {
    if (error instanceof PlatformError) throw new InputError(Input.Append, error.message)
    throw error
  }
  const [first = '', ...fields] = text.slice(equals + 1).split(',')
  let endpoint = first.trim()
  let nodeDriver: string = driver
  if (endpoint === 'kubernetes') {
    endpoint = ''
    nodeDriver = 'kubernetes'
  }
  const driverOpts: string[] = []
  for (const field of fields) {
    const split = field.indexOf('=')
    const key = field.slice(0, Math.max(split, 0)).trim()
    const value = field.slice(split + 1).trim()
    if (key === 'driver') nodeDriver = value
    else if (key === 'driver-opt' && value !== '') driverOpts.push(value)
    else {
      throw new InputError(
        Input.Append,
        `line \`${text}\` has a field \`${field.trim()}\`; valid fields: driver=, driver-opt=`,
        APPEND_FIX
      )
    }
  }
  if (driver === 'docker') {
    throw new InputError(
      Input.Append,
      'adds nodes, which a `docker` driver builder cannot have',
      'Use driver docker-container, kubernetes or remote'
    )
  }
  if (nodeDriver !== driver) {
    throw new InputError(
      Input.Append,
      `line \`${text}\` asks for driver \`${nodeDriver}\`, but the builder uses \`${driver}\``,
      `buildx runs every node of a builder on one driver: set \`driver: ${nodeDriver}\` or drop it from the line`
    )
  }
  if (endpoint === '' && driver !== 'kubernetes') {
    throw new InputError(
      Input.Append,
      `line \`${text}\` names no endpoint`,
      'Give a docker context, tcp://HOST:PORT or ssh://USER@HOST after the `='
    )
  }
  return { platforms, endpoint, driverOpts }
}

/** The driver options each driver accepts (buildx refuses any other key); `env.` prefixes a variable. */
export const DRIVER_OPT_KEYS: Readonly<Record<Exclude<BuildxDriver, 'docker'>, readonly string[]>> =
  {
    'docker-container': [
      'image',
      'network',
      'memory',
      'memory-swap',
      'cpu-period',
      'cpu-quota',
      'cpu-shares',
      'cpuset-cpus',
      'cpuset-mems',
      'cgroup-parent',
      'restart-policy',
      'default-load',
      'provenance-add-gha',
      'allow-untrusted-image',
      'env.*'
    ],
    kubernetes: [
      'image',
      'namespace',
      'replicas',
      'requests.cpu',
      'requests.memory',
      'requests.ephemeral-storage',
      'persistent-volume-claim.requests.storage',
      'limits.cpu',
      'limits.memory',
      'limits.ephemeral-storage',
      'rootless',
      'schedulername',
      'serviceaccount',
      'nodeselector',
      'annotations',
      'labels',
      'tolerations',
      'loadbalance',
      'qemu.install',
      'qemu.image',
      'buildkit-root-volume-memory',
      'default-load',
      'timeout',
      'env.*'
    ],
    remote: ['servername', 'cacert', 'cert', 'key', 'default-load']
  }

/** The fields of one `--driver-opt` value, which buildx reads as CSV (`a=1,"b=2,3"`). */
export function driverOptFields(value: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let index = 0; index < value.length; index++) {
    const char = value.charAt(index)
    if (char === '"') {
      if (quoted && value[index + 1] === '"') {
        field += '"'
        index++
      } else quoted = !quoted
    } else if (char === ',' && !quoted) {
      fields.push(field)
      field = ''
    } else field += char
  }
  fields.push(field)
  return fields.map(item => item.trim()).filter(item => item !== '')
}

/**
 * Refuse, naming the input, what buildx would refuse only once the builder is created: a key
 * the driver does not know, a relative TLS file for `remote`, half a client certificate.
 */
export function checkDriverOpts(
  input: Input,
  driver: BuildxDriver,
  values: readonly string[]
): void {
  if (driver === 'docker' || values.length === 0) return
  const known = DRIVER_OPT_KEYS[driver]
  const given = new Map<string, string>()
  for (const field of values.flatMap(driverOptFields)) {
    const equals = field.indexOf('=')
    const key = equals < 0 ? field : field.slice(0, equals)
    const value = equals < 0 ? '' : field.slice(equals + 1)
    const accepted = known.some(name =>
      name.endsWith('.*')
        ? key.startsWith(name.slice(0, -1)) && key.length > name.length - 1
        : name === key
    )
    if (equals <= 0 || !accepted) {
      throw new InputError(
        input,
        `\`${field}\` is not a driver option of driver \`${driver}\``,
        `Valid keys for ${driver}: ${known.join(', ')} (each as key=value)`
      )
    }
    given.set(key, value)
  }
  if (driver !== 'remote') return
  for (const key of ['cacert', 'cert', 'key']) {
    const file = given.get(key)
    if (file !== undefined && !file.startsWith('/')) {
      throw new InputError(
        input,
        `\`${key}=${file}\` is not an absolute path, which driver \`remote\` requires`,
        'Give the absolute path of the file on the runner'
      )
    }
  }
  const tls = ['servername', 'cacert', 'cert', 'key'].some(key => given.has(key))
  const missing = [
    ...(tls && !given.has('cacert') ? ['cacert'] : []),
    ...(given.has('cert') && !given.has('key') ? ['key'] : []),
    ...(given.has('key') && !given.has('cert') ? ['cert'] : [])
  ]
  if (missing.length > 0) {
    throw new InputError(
      input,
      `sets up TLS for driver \`remote\` without ${missing.join(', ')}`,
      'Give cacert=, and cert= with key= for a client certificate (absolute paths)'
    )
  }
}
