/**
 * Commander's help and usage errors in Simplified Chinese: the help of a program and of every
 * command added to it afterwards (commander copies the help and output configuration to each
 * new subcommand) shows the Chinese of each text (i18n/help-zh.ts), and a text without one as
 * it is; commander's usage errors are reworded by the patterns of USAGE_ERRORS. Lines wrap
 * at the terminal's width counting a Chinese character as two columns, and may break
 * between two Chinese characters, as Chinese text has no spaces to break at.
 */
import { stripVTControlCharacters } from 'node:util'
import { type Argument, type Command, Help, type Option } from 'commander'
import { en } from './i18n/en.ts'
import { HELP_ZH } from './i18n/help-zh.ts'
import { zh as ZH_CATALOG } from './i18n/zh.ts'

const zh = (text: string): string => HELP_ZH[text] ?? text

// Han characters, CJK punctuation and full-width forms: two columns each in a terminal.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/gu
// A chunk is one wide character or one run of other text, with the spaces before it; the
// punctuation after it stays on its line (a Chinese line does not start with ，or ）).
const CHUNK =
  /\s*(?:[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+)[，。；：、）」』]*/gu

/** The text commander adds after a description, e.g. ` (default: 20)`, in Chinese. */
function extras(full: string, own: string): string {
  const rest = full.slice(own.length).trim()
  if (rest === '') return ''
  const inner = rest
    .slice(1, -1)
    .replace(/, (?=default: )/, '；')
    .replace(/\b(default|choices): /g, (_, word) => `${zh(word)}：`)
  return `（${inner}）`
}

function displayWidth(text: string): number {
  const plain = stripVTControlCharacters(text)
  return plain.length + (plain.match(WIDE)?.length ?? 0)
}

/** Commander's Help.boxWrap with Chinese chunks: a line ends where the next chunk would overflow. */
function boxWrap(this: Help, text: string, width: number): string {
  if (width < this.minWidthToWrap) return text
  const wrapped: string[] = []
  for (const line of text.split(/\r\n|\n/)) {
    const chunks = line.match(CHUNK) ?? ['']
    let current = chunks[0]
    for (const chunk of chunks.slice(1)) {
      if (displayWidth(current) + displayWidth(chunk) <= width) current += chunk
      else {
        wrapped.push(current)
        current = chunk.trimStart()
      }
    }
    wrapped.push(current)
  }
  return wrapped.join('\n')
}

/** Commander's usage errors (lib/command.js, lib/suggestSimilar.js) and their Chinese. */
const USAGE_ERRORS: readonly [RegExp, string][] = [
  [/^error: unknown command '(.+?)'/, "错误：未知命令 '$1'"],
  [/^error: unknown option '(.+?)'/, "错误：未知选项 '$1'"],
  [/^error: missing required argument '(.+?)'/, "错误：缺少必需的参数 '$1'"],
  [/^error: option '(.+?)' argument missing/, "错误：选项 '$1' 缺少值"],
  [/^error: required option '(.+?)' not specified/, "错误：未指定必需的选项 '$1'"],
  [/^error: option '(.+?)' argument '(.*?)' is invalid\./, "错误：选项 '$1' 的值 '$2' 无效。"],
  [
    /^error: command-argument value '(.*?)' is invalid for argument '(.+?)'\./,
    "错误：参数 '$2' 的值 '$1' 无效。",
  ],
  [
    /^error: too many arguments(?: for '.+?')?\. Expected (\d+) arguments? but got (\d+): /,
    '错误：参数过多，应有 $1 个，实际收到 $2 个：',
  ],
  [/\(Did you mean one of (.+)\?\)/, '（你是不是想输入以下之一：$1？）'],
  [/\(Did you mean (.+)\?\)/, '（你是不是想输入 $1？）'],
  [/^error: /, '错误：'],
]

/**
 * The reasons the CLI's own argument parsers give (the `invalid.*` keys, thrown in English so
 * that --json stays English): each English text as a pattern, its placeholders captured.
 */
const ARGUMENT_REASONS: readonly [RegExp, string][] = Object.entries(en)
  .filter(([key]) => key.startsWith('invalid.'))
  .map(([key, text]) => [
    new RegExp(
      String(text)
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\{(\w+)\}/g, '(?<$1>.+?)')
        .concat('(?=\\n|$)'),
    ),
    String(ZH_CATALOG[key as keyof typeof ZH_CATALOG]).replace(/\{(\w+)\}/g, '$<$1>'),
  ])

function usageError(text: string): string {
  return [...USAGE_ERRORS, ...ARGUMENT_REASONS].reduce(
    (result, [pattern, chinese]) => result.replace(pattern, chinese),
    text,
  )
}

/** Makes `program`'s help and usage errors, and those of the commands added to it from now on, Chinese. */
export function helpInChinese(program: Command): void {
  const base = Help.prototype
  program.configureOutput({ outputError: (text, write) => write(usageError(text)) })
  program.configureHelp({
    styleTitle: (title: string) => zh(title),
    commandUsage: (command: Command) => words(base.commandUsage.call(new Help(), command)),
    subcommandTerm: (command: Command) => words(base.subcommandTerm.call(new Help(), command)),
    commandDescription: (command: Command) => zh(command.description()),
    subcommandDescription: (command: Command) => zh(command.summary() || command.description()),
    argumentDescription: (argument: Argument) =>
      zh(argument.description) +
      extras(base.argumentDescription.call(new Help(), argument), argument.description),
    optionDescription: (option: Option) =>
      zh(option.description) +
      extras(base.optionDescription.call(new Help(), option), option.description),
    displayWidth,
    boxWrap,
  })
}

/** A usage line with commander's placeholders for options and commands in Chinese. */
function words(usage: string): string {
  return usage.replace(/\[options\]|\[command\]/g, zh)
}
