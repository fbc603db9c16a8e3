/** 'ok', or the name of the error `call` failed with: for tests that assert on error names. */
export function outcomeOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'ok',
    (err: Error) => err.name,
  )
}
