import { inject } from 'vitest'

/** Facts about the running lab, as lab/lab.sh writes them to $LAB_DIR/env. */
export interface LabEnv {
  readonly LAB_DIR: string
  /** Plain HTTP registry, `127.0.0.1:5000`. */
  readonly LAB_PLAIN: string
  /** htpasswd + TLS registry, `127.0.0.1:5443`. */
  readonly LAB_TLS: string
  readonly LAB_USER: string
  readonly LAB_PASSWORD: string
  readonly LAB_CA: string
  readonly LAB_CONTAINERD_ADDRESS: string
  readonly LAB_CTR_HOSTS_DIR: string
  readonly LAB_SNAPSHOTTER: string
  /** `<dir>/<debian-arch>/bin/busybox`. */
  readonly LAB_BUSYBOX_DIR: string
  readonly LAB_FIXTURE: string
  /** The network namespace where Docker Hub's and GHCR's names reach the lab's look-alikes. */
  readonly LAB_HUB_NETNS: string
  readonly LAB_HUB_USER: string
  readonly LAB_HUB_PASSWORD: string
  readonly LAB_GHCR_USER: string
  readonly LAB_GHCR_PASSWORD: string
  /** A --cert-dir for skopeo inside the namespace. */
  readonly LAB_HUB_CERTS_DIR: string
  /** One JSON line per request the look-alikes served. */
  readonly LAB_HUB_LOG: string
}

/** What the global setup made for this run alone, removed when the run ends. */
export interface TestRun {
  /** The run's folder. */
  readonly dir: string
  /**
   * The run's own image store: a list half written by a build a test kills on purpose cannot
   * break the next run, two runs never share one, and the machine's own store is never touched.
   */
  readonly storageConf: string
  /** TMPDIR of the tests and of the steps they run. */
  readonly tmp: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabEnv
    testRun: TestRun
  }
}

export const TEST_STORAGE_CONF = inject('testRun').storageConf

/** Environment for buildah on these machines (no overlay in the VM, no user namespaces). */
export const BUILDAH_ENV = {
  STORAGE_DRIVER: 'vfs',
  BUILDAH_ISOLATION: 'chroot',
  CONTAINERS_STORAGE_CONF: TEST_STORAGE_CONF
}
