/** Runs the built `tokenim` command as a separate process, as a user would. */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const TOKENIM_BIN = join(
  fileURLToPath(new URL('../..', import.meta.url)),
  'bin',
  'tokenim.js',
)

/**
 * How the command is started: by default this checkout's bin under the test's own Node; the
 * package test starts an installed package's bin under the machine's Node.
 */
export interface CliLauncher {
  runtime: string
  entry: string
  /** Replaces the environment the test process has (e.g. a PATH without node_modules). */
  baseEnv?: NodeJS.ProcessEnv
}

const CHECKOUT_CLI: CliLauncher = { runtime: process.execPath, entry: TOKENIM_BIN }

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export function runCli(
  args: string[],
  env: Record<string, string> = {},
  launcher = CHECKOUT_CLI,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      launcher.runtime,
      [launcher.entry, ...args],
      { env: { ...(launcher.baseEnv ?? process.env), ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error == null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Starts a long-running command and resolves once its stdout contains `readyText`. */
export async function spawnCli(
  args: string[],
  readyText: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  launcher = CHECKOUT_CLI,
): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number> }> {
  const child = spawn(launcher.runtime, [launcher.entry, ...args], {
    env: { ...(launcher.baseEnv ?? process.env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { child, ...(await untilPrinted(child, readyText, timeoutMs)) }
}

/**
 * Resolves once `child` has printed `readyText` on stdout or stderr; fails when it exits
 * first or after `timeoutMs`. `output()` is all it printed so far; `exited` its exit code.
 */
export async function untilPrinted(
  child: ChildProcess,
  readyText: string,
  timeoutMs = 30_000,
): Promise<{ output: () => string; exited: Promise<number> }> {
  let output = ''
  // Killed by a signal: -1, and the signal goes into the output, which failures print.
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => {
      if (signal != null) output += `\n[exited on ${signal}]\n`
      resolve(code ?? -1)
    }),
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`"${readyText}" not printed within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes(readyText)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${code} before "${readyText}":\n${output}`))
    })
  })
  return { output: () => output, exited }
}

/** A command a test talks to: it waits for what the command prints and types answers. */
export interface InteractiveCli {
  /** Resolves once stdout or stderr has printed `text` `count` times in all. */
  waitFor(text: string, count?: number, timeoutMs?: number): Promise<void>
  type(line: string): void
  output(): string
  stdout(): string
  exited: Promise<number>
  /** Ends it at once (a test's clean-up). */
  kill(): void
}

export function interactiveCli(args: string[], env: Record<string, string> = {}): InteractiveCli {
  return watchCli(
    spawn(process.execPath, [TOKENIM_BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  )
}

/**
 * The command in a terminal of its own (a pseudo-terminal made by util-linux's `script`), as a
 * person runs it: stdin is a TTY, stdout and stderr both come through the terminal.
 */
export function inTerminal(args: string[], env: Record<string, string> = {}): InteractiveCli {
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`
  const command = [process.execPath, TOKENIM_BIN, ...args].map(quote).join(' ')
  return watchCli(
    spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      env: { ...process.env, TOKENIM_PASSWORD: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  )
}

function watchCli(child: ChildProcess): InteractiveCli {
  let output = ''
  let stdout = ''
  const changes = new EventTarget()
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    output += chunk.toString()
    changes.dispatchEvent(new Event('change'))
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    changes.dispatchEvent(new Event('change'))
  })
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code) => {
      changes.dispatchEvent(new Event('change'))
      resolve(code ?? -1)
    }),
  )
  return {
    waitFor(text, count = 1, timeoutMs = 30_000) {
      const seen = () => output.split(text).length - 1 >= count
      if (seen()) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          changes.removeEventListener('change', check)
          reject(new Error(`"${text}" (x${count}) not printed within ${timeoutMs} ms:\n${output}`))
        }, timeoutMs)
        const check = () => {
          if (!seen() && child.exitCode == null) return
          clearTimeout(timer)
          changes.removeEventListener('change', check)
          if (seen()) resolve()
          else reject(new Error(`exited before "${text}":\n${output}`))
        }
        changes.addEventListener('change', check)
      })
    },
    type(line) {
      child.stdin!.write(`${line}\n`)
    },
    output: () => output,
    stdout: () => stdout,
    exited,
    kill: () => child.kill('SIGKILL'),
  }
}
