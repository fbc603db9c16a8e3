/**
 * The local API token reaches the page in the address's fragment (`#token=...`), which a
 * browser never sends to a server nor puts in a Referer. The page moves it to localStorage
 * and clears it from the address bar and history. The node keeps its token and port across
 * restarts, so the stored token lets a bookmark of the bare address (and every tab of it)
 * open the client later; localStorage is per origin, so only this node's address reads it.
 * A rotated token makes the stored one fail: the page then asks for the new address.
 */
const STORAGE_KEY = 'tokenim.api-token'

export function takeToken(): string | null {
  const fromFragment = new URLSearchParams(window.location.hash.slice(1)).get('token')
  if (fromFragment) {
    localStorage.setItem(STORAGE_KEY, fromFragment)
    history.replaceState(null, '', window.location.pathname + window.location.search)
  }
  return localStorage.getItem(STORAGE_KEY)
}

export function forgetToken(): void {
  localStorage.removeItem(STORAGE_KEY)
}
