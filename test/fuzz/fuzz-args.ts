/** The command line of a fuzz script: `--first-seed N --seeds N --steps N`. */
export interface FuzzArgs {
  firstSeed: number
  seeds: number
  steps: number
}

export function parseFuzzArgs(
  argv: string[],
  defaults: { seeds: number; steps: number },
): FuzzArgs {
  const options = { firstSeed: 1, ...defaults }
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1])
    if (!Number.isInteger(value) || value < 0) throw new Error(`${argv[i]} needs a whole number`)
    if (argv[i] === '--first-seed') options.firstSeed = value
    else if (argv[i] === '--seeds') options.seeds = value
    else if (argv[i] === '--steps') options.steps = value
    else throw new Error(`unknown option ${argv[i]}; use --first-seed, --seeds, --steps`)
  }
  return options
}
