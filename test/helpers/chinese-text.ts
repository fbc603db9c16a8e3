/**
 * The English words left in a Chinese text of the CLI once what a user types or reads
 * verbatim is taken out (flags, placeholders, quoted commands, environment variables, file
 * names, paths): a check that a text was translated, shared by the unit and e2e tests.
 */

/** Latin words Chinese text may hold: names, units, and values the user types. */
const ALLOWED =
  /^(TokenIM|ID|API|DHT|JSON|OpenID|SHA|Enter|multiaddr|alice|all|none|on|off|online|offline|admin|member|stored|delivered|read|debug|trace|host|port|a|z)$/

export function englishWordsIn(text: string): string[] {
  const rest = text
    .replace(/"[^"]*"/g, ' ') // quoted commands and values
    .replace(/tokenim( [a-z0-9-]+)*/g, ' ') // commands to type
    .replace(/(^|[^\w-])--?[a-zA-Z][\w-]*/g, ' ') // flags
    .replace(/<[^>]*>|\[[^\]]*\]/g, ' ') // placeholders
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, ' ') // environment variables, signals, DAYS
    .replace(/[\w-]+(\.[\w-]+)+/g, ' ') // file names, network.remote.listen
    .replace(/[\w.-]*\/[\w/.-]*/g, ' ') // paths
  return (rest.match(/[A-Za-z]+/g) ?? []).filter((word) => !ALLOWED.test(word))
}
