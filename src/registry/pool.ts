import { RegistryClient } from './client.js'
import type { Credentials } from './credentials.js'

/** One client per registry host, created with that host's credentials on first use. */
export class RegistryPool {
  private readonly clients = new Map<string, Promise<RegistryClient>>()

  constructor(
    private readonly credentialsFor: (registry: string) => Promise<Credentials | undefined>,
    /** Where the clients say what they retried, fell back to or resumed. */
    private readonly log?: (message: string) => void
  ) {}

  get(registry: string): Promise<RegistryClient> {
    let client = this.clients.get(registry)
    if (client === undefined) {
      client = this.credentialsFor(registry).then(
        credentials =>
          new RegistryClient(registry, {
            ...(credentials === undefined ? {} : { credentials }),
            ...(this.log === undefined ? {} : { log: this.log })
          })
      )
      this.clients.set(registry, client)
    }
    return client
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) (await client).close()
  }
}
