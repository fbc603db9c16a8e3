/**
 * The browser's side of one voice call: the microphone, the RTCPeerConnection (DTLS-SRTP,
 * peer to peer with the other browser) and the remote sound. Candidates this browser finds
 * are gathered for a moment and handed on in batches of at most MAX_CALL_CANDIDATES, only
 * once the node has the call (`ready`), so the peer never gets candidates before the offer or
 * the answer; the peer's candidates wait until there is a remote description to add them to.
 */
import { MAX_CALL_CANDIDATES } from '../../../../protocol/limits.ts'
import type { CallCandidateView, IceServersResponse } from '../../../../protocol/local-api.ts'

/** Candidates found within this long go to the node together. */
const CANDIDATE_BATCH_MS = 100

export class CallMedia {
  readonly #pc: RTCPeerConnection
  readonly #microphone: MediaStream
  readonly #audio = new Audio()
  readonly #send: (candidates: CallCandidateView[]) => void
  readonly #local: CallCandidateView[] = []
  readonly #remote: CallCandidateView[] = []
  #ready = false
  #flushTimer: ReturnType<typeof setTimeout> | undefined

  /**
   * Asks for the microphone (throws when it is refused or absent) and prepares the call;
   * `lost` is called when the connection to the other browser fails for good.
   */
  static async open(
    iceServers: IceServersResponse['iceServers'],
    send: (candidates: CallCandidateView[]) => void,
    lost: () => void,
  ): Promise<CallMedia> {
    const microphone = await navigator.mediaDevices.getUserMedia({ audio: true, video: false })
    const pc = new RTCPeerConnection({ iceServers })
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') lost()
    })
    return new CallMedia(pc, microphone, send)
  }

  private constructor(
    pc: RTCPeerConnection,
    microphone: MediaStream,
    send: (candidates: CallCandidateView[]) => void,
  ) {
    this.#pc = pc
    this.#microphone = microphone
    this.#send = send
    this.#audio.autoplay = true
    for (const track of microphone.getAudioTracks()) pc.addTrack(track, microphone)
    pc.addEventListener('track', (event) => {
      this.#audio.srcObject = event.streams[0] ?? new MediaStream([event.track])
      void this.#audio.play().catch(() => {})
    })
    pc.addEventListener('icecandidate', (event) => {
      const candidate = event.candidate
      if (candidate == null || candidate.candidate === '') return
      this.#local.push({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? '',
        sdpMLineIndex: candidate.sdpMLineIndex ?? 0,
      })
      this.#scheduleFlush()
    })
  }

  /** The caller's offer. */
  async offer(): Promise<string> {
    await this.#pc.setLocalDescription(await this.#pc.createOffer())
    return this.#pc.localDescription!.sdp
  }

  /** The callee's answer to `offer`. */
  async answer(offer: string): Promise<string> {
    await this.#remoteDescription({ type: 'offer', sdp: offer })
    await this.#pc.setLocalDescription(await this.#pc.createAnswer())
    return this.#pc.localDescription!.sdp
  }

  /** The callee answered our offer. */
  answered(answer: string): Promise<void> {
    return this.#remoteDescription({ type: 'answer', sdp: answer })
  }

  /** The node has the call: our candidates may follow it. */
  ready(): void {
    this.#ready = true
    this.#scheduleFlush()
  }

  async addRemoteCandidates(candidates: CallCandidateView[]): Promise<void> {
    if (this.#pc.remoteDescription == null) {
      this.#remote.push(...candidates)
      return
    }
    for (const candidate of candidates) await this.#pc.addIceCandidate(candidate).catch(() => {})
  }

  setMuted(muted: boolean): void {
    for (const track of this.#microphone.getAudioTracks()) track.enabled = !muted
  }

  close(): void {
    clearTimeout(this.#flushTimer)
    for (const track of this.#microphone.getTracks()) track.stop()
    this.#pc.close()
    this.#audio.srcObject = null
  }

  async #remoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    await this.#pc.setRemoteDescription(description)
    await this.addRemoteCandidates(this.#remote.splice(0))
  }

  #scheduleFlush(): void {
    if (!this.#ready || this.#flushTimer != null || this.#local.length === 0) return
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined
      while (this.#local.length > 0) this.#send(this.#local.splice(0, MAX_CALL_CANDIDATES))
    }, CANDIDATE_BATCH_MS)
  }
}
