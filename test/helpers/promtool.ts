/** Prometheus' `promtool`, run on a text: the checks a Prometheus operator's tools make. */
import { spawn } from 'node:child_process'

export interface PromtoolResult {
  code: number
  /** What promtool printed: its complaints, one per line; empty when it had none. */
  output: string
}

/** `promtool check metrics` on an exposition, fed on stdin as `curl … | promtool` does. */
export function promtoolCheckMetrics(exposition: string): Promise<PromtoolResult> {
  return promtool(['check', 'metrics'], exposition)
}

export function promtool(args: string[], stdin = ''): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('error', (err) =>
      reject(new Error(`promtool could not run (apt-get install prometheus): ${err.message}`)),
    )
    child.once('close', (code) => resolve({ code: code ?? -1, output: output.trim() }))
    child.stdin.end(stdin)
  })
}
