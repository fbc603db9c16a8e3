/**
 * Language / 语言: the web client's language, the browser's by default; kept in this
 * browser (i18n.ts). The title names itself in both languages so anyone can find it.
 */
import { t } from '../i18n/i18n.ts'
import { LanguageSelect } from './language-select.tsx'
import { SettingsSection, useSectionActions } from './settings-section.tsx'

export function SettingsLanguage() {
  const section = useSectionActions()
  return (
    <SettingsSection
      id="language"
      title={t('language.title')}
      notice={section.notice}
      error={section.error}
    >
      <div class="field">
        <LanguageSelect
          id="language-choice"
          label={t('language.label')}
          disabled={section.busy}
          onChoose={(_choice, apply) =>
            void section.run(async () => {
              await apply()
              return undefined
            })
          }
        />
      </div>
    </SettingsSection>
  )
}
