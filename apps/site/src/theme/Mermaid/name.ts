/** A diagram's file name: FNV-1a (32 bits, hex) of its Mermaid source without surrounding blank space. */
export function diagramName(source: string): string {
  let hash = 0x811c9dc5;
  for (const char of source.trim()) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `diagram-${hash.toString(16).padStart(8, '0')}`;
}
