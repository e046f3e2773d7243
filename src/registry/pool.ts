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

  /**
   * Close every client that came to be. A client whose credentials could not be found never
   * existed, and its failure was already reported where it was asked for, so it is skipped.
   */
  async close(): Promise<void> {
    const settled = await Promise.allSettled(this.clients.values())
    this.clients.clear()
    const failures: unknown[] = []
    for (const outcome of settled) {
      if (outcome.status !== 'fulfilled') continue
      try {
        outcome.value.close()
      } catch (error) {
        failures.push(error)
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `${failures.length} registry client(s) did not close`)
    }
  }
}
