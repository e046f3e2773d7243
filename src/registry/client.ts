import { createHash } from 'node:crypto'
import { readFile, readdir } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import tls from 'node:tls'
import { type ImageReference, formatReference } from '../reference.js'
import type { Credentials } from './credentials.js'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const

const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ')

export interface Manifest {
  readonly mediaType: string
  readonly digest: string
  /** The exact bytes the registry serves: the digest is over these. */
  readonly raw: Buffer
}

export interface RegistryOptions {
  readonly credentials?: Credentials
  /** Milliseconds per request. */
  readonly timeoutMs?: number
  /** Extra CA certificates (PEM); by default those in /etc/containers/certs.d/<host>/. */
  readonly ca?: string[]
}

interface Response {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

export class RegistryError extends Error {
  constructor(
    readonly registry: string,
    message: string
  ) {
    super(`registry ${registry}: ${message}`)
    this.name = 'RegistryError'
  }
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return name === 'localhost' || name === '::1' || /^127\./.test(name)
}

/** CA certificates the containers tools trust for this host (so buildah and we agree). */
async function containersCa(registry: string): Promise<string[]> {
  const dir = path.join('/etc/containers/certs.d', registry)
  try {
    const files = (await readdir(dir)).filter(file => file.endsWith('.crt'))
    return await Promise.all(files.map(file => readFile(path.join(dir, file), 'utf8')))
  } catch {
    return []
  }
}

/**
 * A small OCI distribution client: reads manifests by tag or digest, with basic auth or
 * the bearer-token challenge. Loopback registries may speak plain HTTP, as docker allows.
 */
export class RegistryClient {
  private scheme: 'https' | 'http' | undefined
  private token: string | undefined
  private ca: string[] | undefined

  constructor(
    readonly registry: string,
    private readonly options: RegistryOptions = {}
  ) {}

  async getManifest(reference: ImageReference): Promise<Manifest> {
    const name = reference.digest ?? reference.tag ?? 'latest'
    const response = await this.request(
      'GET',
      `/v2/${reference.repository}/manifests/${name}`,
      { accept: MANIFEST_ACCEPT },
      `repository:${reference.repository}:pull`
    )
    if (response.status === 404) {
      throw new RegistryError(this.registry, `${formatReference(reference)} does not exist`)
    }
    if (response.status !== 200) {
      throw new RegistryError(
        this.registry,
        `GET manifest ${formatReference(reference)} answered ${response.status}`
      )
    }
    const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`
    const headerDigest = response.headers['docker-content-digest']
    if (reference.digest !== undefined && reference.digest !== digest) {
      throw new RegistryError(
        this.registry,
        `served bytes for ${reference.digest} hash to ${digest}`
      )
    }
    const mediaType =
      (JSON.parse(response.body.toString('utf8')) as { mediaType?: string }).mediaType ??
      response.headers['content-type'] ??
      ''
    if (typeof headerDigest === 'string' && headerDigest !== digest) {
      throw new RegistryError(this.registry, `says ${headerDigest} but the bytes hash to ${digest}`)
    }
    return { mediaType, digest, raw: response.body }
  }

  /** Whether a tag exists (404 is an answer, not an error). */
  async hasManifest(reference: ImageReference): Promise<boolean> {
    const name = reference.digest ?? reference.tag ?? 'latest'
    const response = await this.request(
      'HEAD',
      `/v2/${reference.repository}/manifests/${name}`,
      { accept: MANIFEST_ACCEPT },
      `repository:${reference.repository}:pull`
    )
    if (response.status === 404) return false
    if (response.status === 200) return true
    throw new RegistryError(this.registry, `HEAD manifest ${name} answered ${response.status}`)
  }

  private async request(
    method: string,
    pathname: string,
    headers: Record<string, string>,
    scope: string
  ): Promise<Response> {
    let response = await this.send(method, pathname, this.withAuth(headers))
    if (response.status === 401) {
      await this.authenticate(response.headers['www-authenticate'] ?? '', scope)
      response = await this.send(method, pathname, this.withAuth(headers))
    }
    if (response.status === 401) {
      throw new RegistryError(
        this.registry,
        'refused the credentials (401); check `username`/`password` or the auth file'
      )
    }
    return response
  }

  private withAuth(headers: Record<string, string>): Record<string, string> {
    if (this.token !== undefined) return { ...headers, authorization: `Bearer ${this.token}` }
    const credentials = this.options.credentials
    if (credentials === undefined) return headers
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    return { ...headers, authorization: `Basic ${basic}` }
  }

  /** Answer a `WWW-Authenticate` challenge: Basic uses the credentials; Bearer fetches a token. */
  private async authenticate(challenge: string, scope: string): Promise<void> {
    if (/^basic/i.test(challenge)) {
      if (this.options.credentials === undefined) {
        throw new RegistryError(this.registry, 'needs credentials, and none were given')
      }
      return
    }
    if (!/^bearer/i.test(challenge)) {
      throw new RegistryError(this.registry, `sent an authentication challenge we cannot answer`)
    }
    const parameters = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(match => [match[1], match[2]])
    ) as Record<string, string | undefined>
    if (parameters.realm === undefined) {
      throw new RegistryError(this.registry, 'sent a bearer challenge without a realm')
    }
    const url = new URL(parameters.realm)
    if (parameters.service !== undefined) url.searchParams.set('service', parameters.service)
    url.searchParams.set('scope', parameters.scope ?? scope)
    const credentials = this.options.credentials
    const headers: Record<string, string> = {}
    if (credentials !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
    }
    const response = await this.sendTo(url, 'GET', headers)
    if (response.status !== 200) {
      throw new RegistryError(this.registry, `token endpoint answered ${response.status}`)
    }
    const body = JSON.parse(response.body.toString('utf8')) as {
      token?: string
      access_token?: string
    }
    this.token = body.token ?? body.access_token
  }

  private async send(
    method: string,
    pathname: string,
    headers: Record<string, string>
  ): Promise<Response> {
    if (this.scheme === undefined) {
      try {
        const response = await this.sendTo(
          new URL(`https://${this.registry}${pathname}`),
          method,
          headers
        )
        this.scheme = 'https'
        return response
      } catch (error) {
        if (!isLoopback(this.registry)) throw error
        this.scheme = 'http'
      }
    }
    return this.sendTo(new URL(`${this.scheme}://${this.registry}${pathname}`), method, headers)
  }

  private async sendTo(
    url: URL,
    method: string,
    headers: Record<string, string>
  ): Promise<Response> {
    this.ca ??= [...(this.options.ca ?? []), ...(await containersCa(this.registry))]
    const transport = url.protocol === 'https:' ? https : http
    const timeout = this.options.timeoutMs ?? 30_000
    return new Promise<Response>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method,
          headers: { 'user-agent': 'multiarch-build-action', ...headers },
          timeout,
          ...(url.protocol === 'https:' && this.ca !== undefined && this.ca.length > 0
            ? { ca: [...tls.rootCertificates, ...this.ca] }
            : {})
        },
        response => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () => {
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks)
            })
          })
          response.on('error', reject)
        }
      )
      request.on('timeout', () => {
        request.destroy(new RegistryError(this.registry, `no answer within ${timeout} ms`))
      })
      request.on('error', (error: Error) => {
        reject(
          error instanceof RegistryError ? error : new RegistryError(this.registry, error.message)
        )
      })
      request.end()
    })
  }
}
