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
  CacheFrom = 'cache-from',
  CacheTo = 'cache-to',
  Engine = 'engine',
  Qemu = 'qemu',
  QemuPlatforms = 'qemu-platforms',
  QemuInstall = 'qemu-install',
  Runners = 'runners',
  NativeArm32 = 'native-arm32',
  Registry = 'registry',
  Username = 'username',
  Password = 'password'
}

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
  Registered = 'binfmtRegistered'
}
