import { render } from 'preact'
import { App } from './app.tsx'
import { takeToken } from './token.ts'
import './styles.css'

render(<App token={takeToken()} />, document.getElementById('app')!)
