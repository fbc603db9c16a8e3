/**
 * The web client's Register form on a relay that asks for an e-mail code: the form asks for
 * the address, a real SMTP server receives the code, a wrong code is refused with the tries
 * left, the right one registers the name.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestSmtpServer } from '../helpers/signup-parts.ts'
import { type Browser, launchChromium } from './chromium.ts'
import { LIVE_MS } from './process-person.ts'
import { expectText, UI_MS } from './ui-expect.ts'
import { createWebNetwork, openApp, type WebNetwork, type WebPerson } from './web-network.ts'

describe('web client: registering on a relay that asks for an e-mail code', () => {
  let smtp: TestSmtpServer
  let network: WebNetwork
  let browser: Browser
  let dora: WebPerson
  let page: Page

  beforeAll(async () => {
    smtp = await new TestSmtpServer({ user: 'relay', password: 'smtp-secret-3' }).start()
    ;[network, browser] = await Promise.all([
      createWebNetwork({
        directory: {
          signup: {
            require: 'email',
            email: smtp.relaySection({ password: 'smtp-secret-3' }),
          },
        },
      }),
      launchChromium(),
    ])
    dora = await network.person()
    page = await browser.context.newPage()
    page.setDefaultTimeout(LIVE_MS)
    await openApp(page, dora)
  })
  afterAll(async () => {
    await browser?.close()
    await network?.close()
    await smtp?.close()
  })

  it('asks for the address, then the code, refuses a wrong one and registers with the right one', async () => {
    const prompt = page.getByRole('region', { name: 'Choose a username' })
    await prompt.getByLabel('Username').fill('dora')
    await prompt.getByRole('button', { name: 'Register' }).click()
    await prompt.getByLabel('E-mail address').fill('dora@example.org')
    await prompt.getByRole('button', { name: 'Send code' }).click()
    const code = await smtp.codeFor('dora@example.org')
    await expectText(
      prompt.getByText(/code was sent to/),
      /A 6-digit code was sent to d…@example\.org/,
      UI_MS,
    )
    await prompt.getByLabel('Code').fill(code === '000000' ? '000001' : '000000')
    await prompt.getByRole('button', { name: 'Register' }).click()
    await expectText(prompt.getByRole('alert'), /that code is wrong; 4 tries left/, LIVE_MS)
    await prompt.getByLabel('Code').fill(code)
    await prompt.getByRole('button', { name: 'Register' }).click()
    await prompt.waitFor({ state: 'detached', timeout: LIVE_MS })
    expect((await dora.api.names()).names.map((name) => name.name)).toEqual(['dora'])
  })
})
