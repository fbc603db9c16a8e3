/**
 * Holds the lockout record's write lock mid-transaction, as a process killed during an
 * attempt would: `node lockout-holder-child.ts <record file>`. It sets the count to 99
 * without committing, prints "holding", and waits to be killed.
 */
import { DatabaseSync } from 'node:sqlite'

const db = new DatabaseSync(process.argv[2])
db.exec('BEGIN IMMEDIATE')
db.exec('UPDATE lockout SET failures = 99')
process.stdout.write('holding\n')
setInterval(() => undefined, 60_000)
