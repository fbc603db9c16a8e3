import { render } from 'preact'
import { App } from './app.tsx'
import { startLanguage } from './i18n/i18n.ts'
import { takeToken } from './token.ts'
import './styles.css'

// The language first (Chinese is a separate file), so the first screen is in it; English if it fails to load.
void startLanguage().finally(() =>
  render(<App token={takeToken()} />, document.getElementById('app')!),
)
