/**
 * The local API token reaches the page in the address's fragment (`#token=...`), which a
 * browser never sends to a server nor puts in a Referer. The page moves it to sessionStorage
 * (this tab only, gone when it closes) and clears it from the address bar and history.
 */
const STORAGE_KEY = 'tokenim.api-token'

export function takeToken(): string | null {
  const fromFragment = new URLSearchParams(window.location.hash.slice(1)).get('token')
  if (fromFragment) {
    sessionStorage.setItem(STORAGE_KEY, fromFragment)
    history.replaceState(null, '', window.location.pathname + window.location.search)
  }
  return sessionStorage.getItem(STORAGE_KEY)
}

export function forgetToken(): void {
  sessionStorage.removeItem(STORAGE_KEY)
}
