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

export async function runScenarioFile(
  path: string,
  options: RunScenarioOptions & { outDir: string },
): Promise<ScenarioFileRun> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new InvalidScenarioError(`cannot read ${path}: ${(err as Error).message}`)
  }
  const scenario = parseScenario(text, path)
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
