/** The voice-call routes of the local API (doc/calls.md), typed by their declarations. */
import {
  CALL_API_PATHS,
  type CallAnswerRequest,
  type CallCandidatesRequest,
  type CallCandidateView,
  type CallIdRequest,
  type CallLogResponse,
  type CallView,
  type CurrentCallResponse,
  type IceServersResponse,
  type StartCallRequest,
} from '../../../../protocol/local-api.ts'
import { withQuery } from '../../../tokenim-api.ts'
import type { WebApiClient } from '../api-client.ts'

export class CallApi {
  readonly #client: WebApiClient

  constructor(client: WebApiClient) {
    this.#client = client
  }

  log(peer: string): Promise<CallLogResponse> {
    return this.#client.request('GET', withQuery(CALL_API_PATHS.log, { peer }))
  }

  current(): Promise<CurrentCallResponse> {
    return this.#client.request('GET', CALL_API_PATHS.current)
  }

  iceServers(): Promise<IceServersResponse> {
    return this.#client.request('GET', CALL_API_PATHS.iceServers)
  }

  start(peer: string, sdp: string): Promise<CallView> {
    const body: StartCallRequest = { peer, sdp }
    return this.#client.request('POST', CALL_API_PATHS.start, body)
  }

  answer(callId: string, sdp: string): Promise<CallView> {
    const body: CallAnswerRequest = { callId, sdp }
    return this.#client.request('POST', CALL_API_PATHS.answer, body)
  }

  candidates(callId: string, candidates: CallCandidateView[]): Promise<CallView> {
    const body: CallCandidatesRequest = { callId, candidates }
    return this.#client.request('POST', CALL_API_PATHS.candidates, body)
  }

  hangup(callId: string): Promise<CallView> {
    const body: CallIdRequest = { callId }
    return this.#client.request('POST', CALL_API_PATHS.hangup, body)
  }

  decline(callId: string): Promise<CallView> {
    const body: CallIdRequest = { callId }
    return this.#client.request('POST', CALL_API_PATHS.decline, body)
  }
}
