/**
 * Who you are, in one short line of the header: your username (or "You") and the end of your
 * peer id. The whole peer id and the fingerprint open below it on demand (a disclosure), so
 * they do not fill the top of every screen, on a phone least of all. Identifiers are marked
 * translate="no": a page translator must leave them as they are.
 */
import type { IdentityInfo } from '../../../../protocol/local-api.ts'
import { t } from '../i18n/i18n.ts'
import { shortPeerId } from '../people.ts'

interface IdentityChipProps {
  identity: IdentityInfo | null
  /** Your first username, if you registered one. */
  name?: string
}

export function IdentityChip({ identity, name }: IdentityChipProps) {
  return (
    <details class="me">
      <summary class="me-summary" title={t('me.title')}>
        <span class="me-name">{name ?? t('me.you')}</span>{' '}
        <code class="me-short" translate={false}>
          {identity == null ? '…' : shortPeerId(identity.peerId)}
        </code>
      </summary>
      <div class="me-details">
        <dl aria-label={t('me.identity')}>
          <div>
            <dt>{t('me.peerId')}</dt>
            <dd>
              <code data-testid="peer-id" translate={false}>
                {identity?.peerId ?? '…'}
              </code>
            </dd>
          </div>
          <div>
            <dt>{t('me.fingerprint')}</dt>
            <dd>
              <code data-testid="fingerprint" translate={false}>
                {identity?.fingerprint ?? '…'}
              </code>
            </dd>
          </div>
        </dl>
        <p>{t('me.compare')}</p>
      </div>
    </details>
  )
}
