/** `WWW-Authenticate` challenges and token scopes of the distribution auth spec. Pure. */

export type Challenge =
  | { readonly scheme: 'basic'; readonly realm?: string }
  | {
      readonly scheme: 'bearer'
      readonly realm: string
      readonly service?: string
      /** Space-separated scopes the registry says this request needs. */
      readonly scope?: string
      readonly error?: string
    }

export type BearerChallenge = Extract<Challenge, { scheme: 'bearer' }>

// One item of a challenge list: `name=value`, `name="quoted, value"` or a scheme name.
const ITEM = /\s*(?:([A-Za-z][\w.-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)|([A-Za-z][\w.-]*))\s*,?/y

/**
 * Every challenge in a `WWW-Authenticate` value (Node joins repeated headers with `, `),
 * e.g. `Bearer realm="https://auth.io/token",service="reg",scope="repository:a:pull"`.
 */
export function parseChallenges(header: string): Challenge[] {
  const found: { scheme: string; parameters: Record<string, string> }[] = []
  ITEM.lastIndex = 0
  let match: RegExpExecArray | null
  while (ITEM.lastIndex < header.length && (match = ITEM.exec(header)) !== null) {
    const [, name, value, scheme] = match
    if (scheme !== undefined) {
      found.push({ scheme: scheme.toLowerCase(), parameters: {} })
    } else if (name !== undefined && value !== undefined) {
      const unquoted = value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value
      const current = found.at(-1)
      if (current !== undefined) current.parameters[name.toLowerCase()] = unquoted
    }
  }
  const challenges: Challenge[] = []
  for (const { scheme, parameters } of found) {
    if (scheme === 'basic') {
      challenges.push({
        scheme: 'basic',
        ...(parameters.realm === undefined ? {} : { realm: parameters.realm })
      })
    } else if (scheme === 'bearer' && parameters.realm !== undefined) {
      challenges.push({
        scheme: 'bearer',
        realm: parameters.realm,
        ...(parameters.service === undefined ? {} : { service: parameters.service }),
        ...(parameters.scope === undefined ? {} : { scope: parameters.scope }),
        ...(parameters.error === undefined ? {} : { error: parameters.error })
      })
    }
  }
  return challenges
}

/** The challenge we answer: bearer when offered (it scopes access), else basic. */
export function preferredChallenge(header: string): Challenge | undefined {
  const challenges = parseChallenges(header)
  return challenges.find(challenge => challenge.scheme === 'bearer') ?? challenges[0]
}

export type RepositoryActions = 'pull' | 'pull,push'

export function repositoryScope(repository: string, actions: RepositoryActions): string {
  return `repository:${repository}:${actions}`
}

/** What reading a repository needs. */
export function pullScope(repository: string): string {
  return repositoryScope(repository, 'pull')
}

/** What writing a repository needs (a push reads too: HEAD before upload). */
export function pushScope(repository: string): string {
  return repositoryScope(repository, 'pull,push')
}

/** Scopes in a stable order, duplicates dropped, so equal requests share one cached token. */
export function normaliseScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes.flatMap(scope => scope.split(/\s+/)).filter(Boolean))].sort()
}

/** The token request: `realm?service=...&scope=...&scope=...[&account=...]`. */
export function tokenUrl(
  challenge: BearerChallenge,
  scopes: readonly string[],
  account?: string
): URL {
  const url = new URL(challenge.realm)
  if (challenge.service !== undefined) url.searchParams.set('service', challenge.service)
  for (const scope of normaliseScopes(scopes)) url.searchParams.append('scope', scope)
  if (account !== undefined) url.searchParams.set('account', account)
  return url
}

export interface TokenAnswer {
  readonly token: string
  /** Seconds the token is valid; the spec's default is 60. */
  readonly expiresIn: number
}

/** A token endpoint's JSON: `token` or the OAuth2 `access_token`, and `expires_in`. */
export function parseTokenAnswer(text: string): TokenAnswer | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const {
    token,
    access_token: accessToken,
    expires_in: expiresIn
  } = parsed as Record<string, unknown>
  const value = typeof token === 'string' && token !== '' ? token : accessToken
  if (typeof value !== 'string' || value === '') return undefined
  return {
    token: value,
    expiresIn: typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 60
  }
}
