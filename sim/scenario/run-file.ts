/** Runs a scenario file and writes results.json, report.html and junit.xml into the output folder. */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidScenarioError } from '../errors.ts'
import { renderHtmlReport } from '../report/html-report.ts'
import { renderJunitReport } from '../report/junit-report.ts'
import type { SimulationResults } from '../results.ts'
import { type RunScenarioOptions, runScenario } from './run-scenario.ts'
import { parseScenario } from './schema.ts'

export interface ScenarioFileRun {
  results: SimulationResults
  resultsPath: string
  reportPath: string
  junitPath: string
}

/** Settings of `network.remote` given on the command line (a pod learns its address late). */
export interface RemoteOverrides {
  listen?: string
  host?: string
}

export async function runScenarioFile(
  path: string,
  options: RunScenarioOptions & { outDir: string; remote?: RemoteOverrides },
): Promise<ScenarioFileRun> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new InvalidScenarioError(`cannot read ${path}: ${(err as Error).message}`)
  }
  let scenario = parseScenario(text, path)
  const overrides = Object.entries(options.remote ?? {}).filter(([, value]) => value != null)
  if (overrides.length > 0) {
    if (scenario.network.remote == null) {
      throw new InvalidScenarioError(
        `${path} has no network.remote: --listen and --host are for shards on other machines`,
      )
    }
    const remote = { ...scenario.network.remote, ...Object.fromEntries(overrides) }
    scenario = parseScenario({ ...scenario, network: { ...scenario.network, remote } }, path)
  }
  const results = await runScenario(scenario, options)
  await mkdir(options.outDir, { recursive: true })
  const resultsPath = join(options.outDir, 'results.json')
  const reportPath = join(options.outDir, 'report.html')
  const junitPath = join(options.outDir, 'junit.xml')
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`)
  await writeFile(reportPath, renderHtmlReport(results))
  await writeFile(junitPath, renderJunitReport(results))
  return { results, resultsPath, reportPath, junitPath }
}
