/** The argv that removes a builder: its own module, so the post step loads nothing else of buildx. */
export function removeBuilderArgs(name: string): string[] {
  return ['buildx', 'rm', name]
}
