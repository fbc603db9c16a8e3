/** Errors of the simulation harness; each has a stable `name`. */

/** The simulation was asked for something it cannot do (no such node, a fault TCP cannot carry). */
export class SimulationError extends Error {
  override name = 'SimulationError'
}

/** A scenario file does not parse or does not validate; the message names the field. */
export class InvalidScenarioError extends Error {
  override name = 'InvalidScenarioError'
}

/** One or more expectations of a scenario failed; the message lists them. */
export class ExpectationFailedError extends Error {
  override name = 'ExpectationFailedError'
}

/** A shard's process failed to start, exited, or answered with an error. */
export class ShardError extends Error {
  override name = 'ShardError'
}

/** A shard could not connect to its coordinator (not listening yet, or not there at all). */
export class CoordinatorUnreachableError extends ShardError {
  override name = 'CoordinatorUnreachableError'
}
