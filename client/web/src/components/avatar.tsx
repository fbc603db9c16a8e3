/**
 * A person's face: the avatar from their signed profile, or the initials of their name on a
 * colour taken from their peer id (the same person has the same colour everywhere).
 * Decorative: a name is always written out beside it, so screen readers skip it.
 */
import { ownName, type Person } from '../people.ts'

interface AvatarProps {
  person: Person
  /** Pixels a side. @default 32 */
  size?: number
}

/** Up to two letters: the first of the first two words, or the first two characters. */
export function initialsOf(name: string): string {
  const words = name.replace(/^…/, '').trim().split(/\s+/).filter(Boolean)
  const letters =
    words.length >= 2
      ? [...(words[0] ?? '')].slice(0, 1).concat([...(words[1] ?? '')].slice(0, 1))
      : [...(words[0] ?? '?')].slice(0, 2)
  return letters.join('').toUpperCase()
}

function hueOf(peerId: string): number {
  let hash = 0
  for (const char of peerId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % 360
}

export function Avatar({ person, size = 32 }: AvatarProps) {
  const avatar = person.profile?.avatar
  if (avatar != null) {
    return (
      <img class="avatar" src={avatar} alt="" width={size} height={size} data-testid="avatar" />
    )
  }
  const style = {
    width: `${size}px`,
    height: `${size}px`,
    fontSize: `${Math.round(size * 0.4)}px`,
    backgroundColor: `hsl(${hueOf(person.peerId)} 45% 30%)`,
  }
  return (
    <span
      class="avatar avatar-initials"
      aria-hidden="true"
      style={style}
      data-testid="avatar-initials"
    >
      {/* Letters of a peer id mean nothing: someone known by no name is their colour alone. */}
      {person.profile?.displayName != null || person.name != null
        ? initialsOf(ownName(person))
        : ''}
    </span>
  )
}
