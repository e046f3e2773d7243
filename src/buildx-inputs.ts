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
