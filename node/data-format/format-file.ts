/**
 * The format version of a data dir, in `format.json` at its root: the number the stored
 * files follow, and the release that wrote it (named when a newer format is refused). Written
 * atomically (atomic-file.ts), so it is always the old number or the new one.
 */
import { join } from 'node:path'
import { InvalidDataFormatError } from '../errors.ts'
import { readFileIfExists, writeFileAtomic } from '../identity/atomic-file.ts'

export const FORMAT_FILE = 'format.json'

/** What a data dir without a format file follows: every release before format files. */
export const UNVERSIONED_FORMAT = 1

export interface DataFormatStamp {
  format: number
  /** The release that wrote this format number; absent for an unversioned dir. */
  writtenBy?: string
}

/** The stamp of the data dir at `root`, or undefined when it has no format file. */
export async function readFormat(root: string): Promise<DataFormatStamp | undefined> {
  const path = join(root, FORMAT_FILE)
  const text = await readFileIfExists(path)
  if (text == null) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  const { format, writtenBy } = (parsed ?? {}) as Partial<DataFormatStamp>
  if (!Number.isSafeInteger(format) || (format as number) < 1) {
    throw new InvalidDataFormatError(
      `${path} does not hold a format number ({"format": N}): restore it from a backup, or remove it if this data dir was made before format files`,
    )
  }
  return {
    format: format as number,
    writtenBy: typeof writtenBy === 'string' ? writtenBy : undefined,
  }
}

export async function writeFormat(root: string, stamp: DataFormatStamp): Promise<void> {
  await writeFileAtomic(
    join(root, FORMAT_FILE),
    new TextEncoder().encode(`${JSON.stringify(stamp)}\n`),
  )
}
