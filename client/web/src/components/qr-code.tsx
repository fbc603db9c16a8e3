/**
 * A QR code drawn as SVG from the `qrcode` library's module matrix: no canvas, no data: URL
 * and no inline style, so the page's strict CSP needs nothing more. The library is loaded
 * only when a code is first shown, keeping it out of the first screen's JavaScript.
 */
import { useEffect, useState } from 'preact/hooks'
import { t } from '../i18n/i18n.ts'

const QUIET_ZONE = 4

export function QrCode({ text, label }: { text: string; label: string }) {
  const [modules, setModules] = useState<{ size: number; path: string } | null>(null)
  useEffect(() => {
    let live = true
    void import('qrcode').then(({ default: qrcode }) => {
      const matrix = qrcode.create(text, { errorCorrectionLevel: 'M' }).modules
      let path = ''
      for (let row = 0; row < matrix.size; row++) {
        for (let col = 0; col < matrix.size; col++) {
          if (matrix.get(row, col)) path += `M${col} ${row}h1v1h-1z`
        }
      }
      if (live) setModules({ size: matrix.size, path })
    })
    return () => {
      live = false
    }
  }, [text])
  if (modules == null) return <p class="loading">{t('qr.drawing')}</p>
  const side = modules.size + 2 * QUIET_ZONE
  return (
    <svg
      class="qr-code"
      viewBox={`${-QUIET_ZONE} ${-QUIET_ZONE} ${side} ${side}`}
      width={side * 5}
      height={side * 5}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
      data-testid="qr-code"
    >
      <rect x={-QUIET_ZONE} y={-QUIET_ZONE} width={side} height={side} fill="#fff" />
      <path d={modules.path} fill="#000" />
    </svg>
  )
}
