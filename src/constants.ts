/** Input and output names as action.yml spells them; a test keeps both lists in step. */

export enum Input {
  Mode = 'mode',
  Platforms = 'platforms',
  Context = 'context',
  File = 'file',
  Tags = 'tags',
  Labels = 'labels',
  Annotations = 'annotations',
  BuildArgs = 'build-args',
  Secrets = 'secrets',
  Target = 'target',
  NoCache = 'no-cache',
  Pull = 'pull',
  Push = 'push',
  PushByDigest = 'push-by-digest',
  Sources = 'sources',
  CacheFrom = 'cache-from',
  CacheTo = 'cache-to',
  Engine = 'engine',
  Qemu = 'qemu',
  QemuPlatforms = 'qemu-platforms',
  QemuInstall = 'qemu-install',
  Runners = 'runners',
  NativeArm32 = 'native-arm32',
  SmokeTest = 'smoke-test',
  SmokeTestExpect = 'smoke-test-expect',
  Registry = 'registry',
  Username = 'username',
  Password = 'password',
  BuildxVersion = 'buildx-version',
  Driver = 'driver',
  DriverOpts = 'driver-opts',
  BuildkitdConfigInline = 'buildkitd-config-inline',
  Endpoint = 'endpoint',
  BuilderName = 'builder-name',
  Builder = 'builder',
  Append = 'append',
  BuildContexts = 'build-contexts',
  SecretEnvs = 'secret-envs',
  SecretFiles = 'secret-files',
  Ssh = 'ssh',
  Network = 'network',
  AddHosts = 'add-hosts',
  ShmSize = 'shm-size',
  Ulimit = 'ulimit',
  Provenance = 'provenance',
  Sbom = 'sbom',
  Outputs = 'outputs',
  Load = 'load'
}

/** Inputs only the buildx engine honours; buildah refuses them rather than ignore them. */
export const BUILDX_ONLY_INPUTS: readonly Input[] = [
  Input.BuildxVersion,
  Input.Driver,
  Input.DriverOpts,
  Input.BuildkitdConfigInline,
  Input.Endpoint,
  Input.BuilderName,
  Input.Builder,
  Input.Append,
  Input.BuildContexts,
  Input.SecretEnvs,
  Input.SecretFiles,
  Input.Ssh,
  Input.Network,
  Input.AddHosts,
  Input.ShmSize,
  Input.Ulimit,
  Input.Provenance,
  Input.Sbom,
  Input.Outputs,
  Input.Load
]

export enum Output {
  Digest = 'digest',
  Digests = 'digests',
  Manifest = 'manifest',
  Images = 'images',
  ImageId = 'imageid',
  Metadata = 'metadata',
  Emulated = 'emulated',
  Matrix = 'matrix'
}

export enum State {
  IsPost = 'isPost',
  TempDir = 'tempDir',
  AuthFile = 'authFile',
  CreatedBuilder = 'createdBuilder'
}
