/** The short authentication string of a device link: six digits and four emoji, with their names. */
import type { LinkSasView } from '../../../../protocol/local-api.ts'
import { t } from '../i18n/i18n.ts'

export function LinkSas({ sas }: { sas: LinkSasView }) {
  return (
    <div class="link-sas" data-testid="link-sas">
      <p class="link-sas-digits">{sas.digits}</p>
      <ul class="link-sas-emoji" aria-label={t('link.emoji')}>
        {sas.emoji.map(({ symbol, name }) => (
          <li key={name}>
            <span class="link-sas-symbol" aria-hidden="true">
              {symbol}
            </span>{' '}
            {name}
          </li>
        ))}
      </ul>
    </div>
  )
}
