import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface DiskHit {
  needle: string
  file: string
}

/**
 * Every file under `root` (LevelDB's tables and logs, the attachment store) read raw and
 * searched for each needle: as UTF-8 text, and as raw bytes when a needle is given as hex
 * with `hex:` in front (a hash as a file would hold it).
 */
export async function findOnDisk(root: string, needles: string[]): Promise<DiskHit[]> {
  const hits: DiskHit[] = []
  for (const file of await listFiles(root)) {
    const bytes = await readFile(file)
    for (const needle of needles) {
      const pattern = needle.startsWith('hex:')
        ? Buffer.from(needle.slice(4), 'hex')
        : Buffer.from(needle)
      if (bytes.includes(pattern) || file.includes(needle.replace(/^hex:/, ''))) {
        hits.push({ needle, file: file.slice(root.length + 1) })
      }
    }
  }
  return hits
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await listFiles(path)))
    else if (entry.isFile()) out.push(path)
  }
  return out
}
