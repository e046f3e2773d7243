/** Image references (`registry/repository:tag@digest`), parsed by the distribution grammar. */

export interface ImageReference {
  /** Host and optional port, as used in URLs: `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string
  /** Repository path inside the registry: `library/alpine`, `org/app`. */
  readonly repository: string
  readonly tag?: string
  readonly digest?: string
}

const DOCKER_HUB = 'docker.io'
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`
)
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/

export class ReferenceError extends Error {
  constructor(given: string, problem: string) {
    super(`\`${given}\` ${problem}`)
    this.name = 'ImageReferenceError'
  }
}

/**
 * Parse `[registry/]repository[:tag][@digest]`. A first component is a registry when it
 * has a dot or a port or is `localhost`, as docker decides it; otherwise the image is on
 * Docker Hub, where one-component names live under `library/`.
 */
export function parseReference(text: string): ImageReference {
  const given = text.trim()
  if (given.length > 4096) throw new ReferenceError(`${given.slice(0, 40)}...`, 'is too long')
  if (given === '') throw new ReferenceError(given, 'is empty')
  let rest = given
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) {
      throw new ReferenceError(
        given,
        'has a digest that is not sha256:<64 hex> or sha512:<128 hex>'
      )
    }
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) {
      throw new ReferenceError(
        given,
        'has a tag that is not 1-128 of [A-Za-z0-9_.-] starting with a letter, digit or _'
      )
    }
  }
  let registry = DOCKER_HUB
  let repository = rest
  const slash = rest.indexOf('/')
  if (slash !== -1) {
    const first = rest.slice(0, slash)
    if (
      first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first.startsWith('[')
    ) {
      registry = first
      repository = rest.slice(slash + 1)
      if (!DOMAIN.test(registry)) throw new ReferenceError(given, 'has an invalid registry host')
    }
  }
  if (!REPOSITORY.test(repository)) {
    throw new ReferenceError(
      given,
      'has an invalid repository name (lowercase letters, digits and . _ - separators, parts joined by /)'
    )
  }
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest })
  }
}

/** `registry/repository` without tag or digest. */
export function repositoryName(reference: ImageReference): string {
  return `${reference.registry}/${reference.repository}`
}

export function formatReference(reference: ImageReference): string {
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`
  const digest = reference.digest === undefined ? '' : `@${reference.digest}`
  return `${repositoryName(reference)}${tag}${digest}`
}
