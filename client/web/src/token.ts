/**
 * The local API token reaches the page in the address's fragment (`#token=...`), which a
 * browser never sends to a server nor puts in a Referer. The page moves it to localStorage
 * and clears it from the address bar and history. The node keeps its token and port across
 * restarts, so the stored token lets a bookmark of the bare address (and every tab of it)
 * open the client later; localStorage is per origin, so only this node's address reads it.
 * A replaced token makes the stored one fail: the page then asks for the new address (the
 * tab that replaced it keeps the new one).
 */
const STORAGE_KEY = 'tokenim.api-token'

export function takeToken(): string | null {
  const fromFragment = tokenOf(window.location.hash)
  if (fromFragment) {
    keepToken(fromFragment)
    history.replaceState(null, '', window.location.pathname + window.location.search)
  }
  return localStorage.getItem(STORAGE_KEY)
}

/** The token in an address's fragment (`#token=...`), if any. */
export function tokenOf(fragment: string): string | null {
  return new URLSearchParams(fragment.replace(/^#/, '')).get('token')
}

/** The token every later page of this address (a bookmark, a reload, a new tab) uses. */
export function keepToken(token: string): void {
  localStorage.setItem(STORAGE_KEY, token)
}
