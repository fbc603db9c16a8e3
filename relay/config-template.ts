/**
 * The commented config `tokenim relay init` writes. Every value shown is the default, so an
 * operator reads the file to learn what can be set and edits only what differs; the one
 * exception is `allowPrivateAddresses`, chosen from the machine's own addresses so that the
 * file works where it was written (a public server, or one machine or a LAN).
 */

/**
 * Where a relay listens unless its config says otherwise: TCP and QUIC (UDP) on the same port
 * number, as kubo does, and WebSocket beside them.
 */
export const DEFAULT_RELAY_LISTEN = [
  '/ip4/0.0.0.0/tcp/4001',
  '/ip4/0.0.0.0/udp/4001/quic-v1',
  '/ip4/0.0.0.0/tcp/4002/ws',
] as const

/** Name of the config file `relay init` writes into the data dir. */
export const RELAY_CONFIG_FILE = 'relay.yaml'

export function defaultRelayConfigYaml(dataDir: string, publicAddresses: string[]): string {
  return `# TokenIM relay configuration. Every value below is the default but allowPrivateAddresses,
# which relay init chose for this machine's network.
# Durations: 30s, 5m, 2h, 7d (or a number of seconds). Sizes: 512KiB, 1MiB (or bytes).
# Unknown fields are refused, so a misspelt setting stops start-up instead of being ignored.

# Where the relay keeps its key (relay.key) and database. Relative paths start at this file.
dataDir: ${JSON.stringify(dataDir)}

# Addresses to listen on: TCP and QUIC (UDP, same port number) for nodes, WebSocket for
# nodes behind proxies and browsers. A firewall must let in TCP 4001, UDP 4001 and TCP 4002.
listen:
${DEFAULT_RELAY_LISTEN.map((address) => `  - ${address}`).join('\n')}

# Public addresses to hand out instead of the listen addresses, when the relay sits behind
# NAT or a proxy, e.g. /dns4/relay.example.org/tcp/4001
announce: []

# Other relays of the same network to stay connected to (redialled with backoff when they
# drop), so that nodes bootstrapped from different relays find each other in the DHT.
# Each ends in /p2p/<peer id>, as "tokenim relay status" prints it.
peers: []

${privateAddressesSection(publicAddresses)}
limits:
  # Connections held at once, nodes and other relays together.
  maxConnections: 1000
  # New inbound connections per second accepted from one IP address.
  inboundConnectionThreshold: 5
  # Inbound connections still in their handshake at once.
  maxIncomingPendingConnections: 10

# Circuit relay: nodes that cannot be dialled directly stay reachable through the relay.
circuitRelay:
  # Nodes that may hold a reservation at once.
  maxReservations: 1024
  # A node renews its reservation before this runs out.
  reservationTtl: 2h
  # Longest life, and most bytes each way, of one relayed connection.
  durationLimit: 5m
  dataLimit: 1MiB
  # A node must finish a relay request within this time.
  hopTimeout: 30s

# What one writer may store in this relay's DHT (offline mailbox deposits, prekey bundles,
# provider records, any record a stranger can put). Over a quota its puts are refused, a
# warning is logged (once per writer per hour) and tokenim_dht_records_refused_total counts
# them. Per hour refills evenly over the hour; the quotas in all refill evenly over 30 days,
# the longest a record lives. A republish of a record already held costs nothing. The relays
# listed in peers are exempt (each puts a name record for every registration it serves).
dhtQuotas:
  recordsPerPeerPerHour: 1000
  bytesPerPeerPerHour: 8MiB
  recordsPerPeer: 10000
  bytesPerPeer: 64MiB
  # Quotas per IP address (an IPv6 /64) are this many times the per-peer ones: one person
  # can mint many peer ids, while several people may share an address (NAT). Behind a proxy
  # that hides the clients' addresses, raise it.
  perIpMultiplier: 4
  # Peers and addresses whose usage is remembered (about 400 bytes each, 20 MB at 50000);
  # past it the least recently seen is forgotten.
  maxTrackedWriters: 50000

# Prometheus metrics at http://<host>:<port>/metrics. Keep the host on loopback unless a
# firewall guards the port.
metrics:
  enabled: true
  host: 127.0.0.1
  port: 9464

# GET /health on the metrics host and port: {"ok", "peerId", "connections", "uptime"}.
health:
  enabled: true

# JSON log lines on stdout: fatal, error, warn, info, debug, trace or silent.
log:
  level: info

# STUN and TURN servers for voice calls, handed to the nodes that ask (doc/calls.md). With a
# TURN server such as Debian's coturn (use-auth-secret, static-auth-secret = secret below,
# denied-peer-ip for the private ranges), browsers behind NATs that block a direct path talk
# through it; each node gets credentials of its own that expire after credentialTtl. The URLs
# name an address the homes reach. Empty urls: none offered (calls then need a path).
turn:
  urls: []
  #   - turn:turn.example.org:3478?transport=udp
  #   - stun:turn.example.org:3478
  # secretFile: turn-secret.txt   # or secret: / secretEnv:
  credentialTtl: 24h

# The username directory this relay serves.
directory:
  enabled: true
  # open: anyone may register; invite: only with one of inviteCodes; pow: after a proof of work.
  registration: open
  inviteCodes: []
  # Leading zero bits the proof of work must have (registration: pow).
  powDifficulty: 20
  # A name not renewed within this time expires; only its owner may renew it during
  # graceTtl (default: the shorter of 30d and nameTtl), then it is free again.
  nameTtl: 365d
  # graceTtl: 30d
  rateLimits:
    registrationsPerPeerPerHour: 5
    lookupsPerPeerPerMinute: 120
    searchesPerPeerPerMinute: 30
    updatesPerPeerPerMinute: 30
    # Limits per IP address are this many times the per-peer ones (NAT, shared hosts).
    perIpMultiplier: 10
  # This many failed claims (bad proof, reserved or taken names) within window lock a peer
  # out of registering for duration.
  lockout:
    failures: 10
    window: 10m
    duration: 15m
  # Verification before a new name is granted, against spam (never as identity): require
  # email, sms or oidc, or a list of them (any one will do). Renewals need none. The relay
  # keeps only keyed hashes of addresses and accounts (key: signup.secret in the data dir).
  # Secrets go inline, by environment variable (passwordEnv) or in a file (passwordFile).
  signup:
    require: []
    # Names one e-mail address, phone number or provider account may hold at once.
    namesPerAddress: 1
    # Digits of an e-mail or phone code (6 to 8); codes last 10 minutes.
    codeLength: 6
    # email:
    #   from: "TokenIM relay <no-reply@example.org>"
    #   smtp:
    #     host: smtp.example.org
    #     port: 587
    #     security: starttls          # starttls, tls (port 465) or none
    #     user: no-reply@example.org
    #     passwordEnv: TOKENIM_SMTP_PASSWORD
    # sms:
    #   # Receives POST {"to": "+15551234567", "text": "..."} as JSON.
    #   webhook: https://sms-gateway.example.org/send
    #   tokenEnv: TOKENIM_SMS_TOKEN     # sent as Authorization: Bearer <token>
    # oidc:
    #   name: Example Accounts          # shown to people: "log in with Example Accounts"
    #   issuer: https://accounts.example.org
    #   clientId: tokenim-relay
    #   clientSecretEnv: TOKENIM_OIDC_SECRET
    #   # The provider sends browsers back here; register this URL with it. It must reach
    #   # listen below (directly, or through a TLS proxy), which serves only this callback.
    #   redirectUri: https://relay.example.org/signup/oidc/callback
    #   listen:
    #     host: 0.0.0.0
    #     port: 4003
`
}

function privateAddressesSection(publicAddresses: string[]): string {
  if (publicAddresses.length > 0) {
    return `# Keep loopback and LAN addresses in DHT answers. Only for test networks and LANs.
# This machine has public addresses (${publicAddresses.join(', ')}): nodes on the internet
# reach the relay there.
allowPrivateAddresses: false`
  }
  return `# Keep loopback and LAN addresses in DHT answers. No address of this machine is public, so
# this config serves one machine or a LAN (start nodes with --allow-private-addresses).
# On a server reachable from the internet set it to false; behind NAT with a forwarded
# port, also put the public address under announce.
allowPrivateAddresses: true`
}
