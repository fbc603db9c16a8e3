/**
 * What tells the user about news while they look elsewhere: desktop notifications (the
 * Notification API, opt-in, only while the tab is hidden), a short tone made with WebAudio
 * (no sound file), and the unread count in the tab's title and icon. The choices are this
 * browser's (the permission is too), kept in localStorage.
 */
export interface NotificationPrefs {
  /** Desktop notifications while the tab is hidden (needs the browser's permission). */
  desktop: boolean
  sound: boolean
}

const PREFS_KEY = 'tokenim.notifications'
const APP_TITLE = 'TokenIM'
/** Longest message text shown in a notification. */
const BODY_LENGTH = 140

export function loadPrefs(): NotificationPrefs {
  try {
    const stored = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<NotificationPrefs>
    return { desktop: stored.desktop === true, sound: stored.sound === true }
  } catch {
    return { desktop: false, sound: false }
  }
}

export function savePrefs(prefs: NotificationPrefs): void {
  localStorage.setItem(PREFS_KEY, JSON.stringify(prefs))
}

export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined'
}

export interface Alert {
  title: string
  body: string
  /** One notification per conversation: a newer one replaces the older. */
  tag: string
  /** The sender's avatar (a data URL), when they set one. */
  icon?: string
}

/** Raises `alert` if the user opted in and is not looking at the tab. */
export function raise(alert: Alert, prefs: NotificationPrefs = loadPrefs()): void {
  if (document.visibilityState !== 'hidden') return
  if (prefs.desktop && notificationsSupported() && Notification.permission === 'granted') {
    const body =
      alert.body.length > BODY_LENGTH ? `${alert.body.slice(0, BODY_LENGTH)}…` : alert.body
    const shown = new Notification(alert.title, {
      body,
      tag: alert.tag,
      ...(alert.icon != null && { icon: alert.icon }),
    })
    shown.onclick = () => {
      window.focus()
      shown.close()
    }
  }
  if (prefs.sound) playTone()
}

let audio: AudioContext | undefined

/** Two short sine notes, quiet; built on the spot, so the client ships no audio file. */
export function playTone(): void {
  audio ??= new AudioContext()
  const start = audio.currentTime
  for (const [offset, frequency] of [
    [0, 880],
    [0.12, 1320],
  ] as const) {
    const oscillator = audio.createOscillator()
    const gain = audio.createGain()
    oscillator.frequency.value = frequency
    gain.gain.setValueAtTime(0.08, start + offset)
    gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.1)
    oscillator.connect(gain).connect(audio.destination)
    oscillator.start(start + offset)
    oscillator.stop(start + offset + 0.1)
  }
}

/** `(3) TokenIM`, or `TokenIM` with nothing unread. */
export function unreadTitle(unread: number): string {
  return unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${APP_TITLE}` : APP_TITLE
}

const ICON_SIZE = 32
let plainIcon: string | undefined

/** The tab's title and icon show `unread`: the icon gains a red dot with the count. */
export function showUnread(unread: number): void {
  document.title = unreadTitle(unread)
  const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]')
  if (link == null) return
  plainIcon ??= link.href
  if (unread === 0) {
    link.href = plainIcon
    link.type = 'image/svg+xml'
    return
  }
  const canvas = document.createElement('canvas')
  canvas.width = ICON_SIZE
  canvas.height = ICON_SIZE
  const context = canvas.getContext('2d')
  if (context == null) return
  context.fillStyle = '#d93025'
  context.beginPath()
  context.arc(ICON_SIZE / 2, ICON_SIZE / 2, ICON_SIZE / 2, 0, 2 * Math.PI)
  context.fill()
  context.fillStyle = '#fff'
  context.font = `bold ${unread > 9 ? 18 : 22}px sans-serif`
  context.textAlign = 'center'
  context.textBaseline = 'middle'
  context.fillText(unread > 99 ? '99' : String(unread), ICON_SIZE / 2, ICON_SIZE / 2 + 1)
  link.type = 'image/png'
  link.href = canvas.toDataURL('image/png')
  link.dataset.unread = String(unread)
}
