/**
 * Browser tests against processes: a relay (`tokenim relay start`), and for each person a
 * `tokenim start --web` node on loopback that knows the relay with a browser page on its
 * web client; and the first-run flow that creates the identity from that page.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { type RelayProcess, startRelayProcess } from '../helpers/relay-process.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type Browser, launchChromium } from './chromium.ts'
import { startWebNode, type WebNode } from './node-process.ts'

export const PASSWORD = 'correct horse battery staple 42'
/** Longest wait for something that crosses the network to show. */
export const LIVE_MS = 20_000

export interface Person {
  name: string
  dataDir: string
  node: WebNode
  page: Page
}

/** Starts `name`'s node in `<parentDir>/<name>` and opens its web client. */
async function startPerson(
  browser: Browser,
  parentDir: string,
  name: string,
  relayAddress: string,
): Promise<Person> {
  const dataDir = join(parentDir, name)
  await mkdir(dataDir)
  const node = await startWebNode(dataDir, ['--allow-private-addresses', '--relay', relayAddress])
  const page = await browser.context.newPage()
  page.setDefaultTimeout(LIVE_MS)
  await page.goto(node.url)
  return { name, dataDir, node, page }
}

export interface ProcessNetwork {
  relay: RelayProcess
  browser: Browser
  /** In the order their names were given; their identities are not created yet. */
  people: Person[]
  /** Kills every process, closes the browser and removes the folders. */
  close(): Promise<void>
}

export async function startProcessNetwork(names: readonly string[]): Promise<ProcessNetwork> {
  const dir = await makeTempDir()
  const [relay, browser] = await Promise.all([startRelayProcess(dir.path), launchChromium()])
  const people = await Promise.all(
    names.map((name) => startPerson(browser, dir.path, name, relay.address)),
  )
  return {
    relay,
    browser,
    people,
    async close() {
      for (const person of people) person.node.child.kill('SIGKILL')
      relay.stop()
      await browser.close()
      await dir.remove()
    },
  }
}

/** The first-run flow: a new identity, its backup phrase read back, then the shell. */
export async function createIdentity(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Create a new identity' }).click()
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByLabel('Repeat the password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create identity' }).click()
  await page.getByRole('heading', { name: 'Write down your backup phrase' }).waitFor()
  const words = await page.getByTestId('backup-phrase').locator('.phrase-word').allTextContents()
  await typeBackWords(page, words)
  // The shell shows '…' until the node has started on the new identity.
  await waitForShell(page)
}

/**
 * Waits for the shell to show the running node's identity (the peer id sits, folded, under
 * the header's identity chip: present, not necessarily visible).
 */
export async function waitForShell(page: Page, timeoutMs = LIVE_MS): Promise<void> {
  await page
    .getByTestId('peer-id')
    .filter({ hasNotText: '…' })
    .waitFor({ state: 'attached', timeout: timeoutMs })
}

/** From the backup phrase's words to the check: types back the words asked, and confirms. */
export async function typeBackWords(page: Page, words: string[]): Promise<void> {
  await page.getByRole('button', { name: 'I have written them down' }).click()
  await page.getByRole('heading', { name: 'Check your copy' }).waitFor()
  for (const label of await page.locator('form label').allTextContents()) {
    await page
      .getByLabel(label, { exact: true })
      .fill(words[Number(label.replace('Word ', '')) - 1])
  }
  await page.getByRole('button', { name: 'Confirm' }).click()
}

/** Registers `person`'s username from the prompt the shell shows until one is registered. */
export async function registerFromPrompt(person: Person): Promise<void> {
  const prompt = person.page.getByRole('region', { name: 'Choose a username' })
  await prompt.getByLabel('Username').fill(person.name)
  // A display name publishes a profile: that is what search lists.
  await prompt.getByLabel('Display name (optional, public)').fill(`${person.name} from the club`)
  await prompt.getByRole('button', { name: 'Register' }).click()
  await prompt.waitFor({ state: 'detached', timeout: LIVE_MS })
  // The header names you by it from now on.
  await person.page.getByRole('banner').getByText(person.name, { exact: true }).waitFor()
}

/**
 * Opens the chat with bob from the Contacts list. His row is found by his username: it names
 * him by the display name he registered once his profile has come, by "bob" until then.
 */
export async function openBobsChat(page: Page): Promise<void> {
  await page
    .getByTestId('friend')
    .filter({ hasText: 'bob' })
    .getByRole('button', { name: /open the chat$/ })
    .click()
}
