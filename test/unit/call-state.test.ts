/** The call state machine: which steps each phase takes, and how each way of ending is named. */
import { describe, expect, it } from 'vitest'
import {
  type CallDirection,
  type CallState,
  type CallStep,
  callDuration,
  newCall,
  stepCall,
} from '../../node/calls/call-state.ts'

function run(direction: CallDirection, steps: CallStep[]): CallState {
  let call = newCall('id', 'peer', direction, 1_000)
  steps.forEach((step, i) => {
    const result = stepCall(call, step, 2_000 + i * 1_000)
    if (!result.ok) throw new Error(`${step}: ${result.reason}`)
    call = result.state
  })
  return call
}

describe('call state', () => {
  it('an answered call ends with its talking time, whoever hangs up', () => {
    const callee = run('in', ['accept', 'peer-candidates', 'hangup'])
    expect(callee).toMatchObject({ phase: 'ended', outcome: 'answered', answeredAt: 2_000 })
    expect(callDuration(callee)).toBe(2_000)
    expect(run('out', ['peer-answer', 'peer-hangup']).outcome).toBe('answered')
    expect(callDuration(newCall('id', 'peer', 'out', 0))).toBe(0)
  })

  it.each<[CallDirection, CallStep[], string]>([
    ['in', ['timeout'], 'missed'],
    ['in', ['peer-hangup'], 'missed'],
    ['in', ['decline'], 'declined'],
    ['in', ['hangup'], 'declined'],
    ['out', ['hangup'], 'cancelled'],
    ['out', ['timeout'], 'unanswered'],
    ['out', ['peer-decline'], 'declined'],
    ['out', ['peer-busy'], 'busy'],
    ['out', ['peer-misbehaved'], 'failed'],
    ['in', ['peer-elsewhere'], 'elsewhere'],
    ['in', ['accept', 'peer-elsewhere'], 'elsewhere'],
  ])('a %s call ended by %j is %s', (direction, steps, outcome) => {
    expect(run(direction, steps)).toMatchObject({ phase: 'ended', outcome })
  })

  it('says which signal each step sends the peer', () => {
    const ringingIn = newCall('id', 'peer', 'in', 0)
    const ringingOut = newCall('id', 'peer', 'out', 0)
    const sent = (call: CallState, step: CallStep) => {
      const result = stepCall(call, step, 1)
      return result.ok ? (result.send ?? null) : 'refused'
    }
    expect(sent(ringingIn, 'accept')).toBe('answer')
    expect(sent(ringingIn, 'decline')).toBe('decline')
    expect(sent(ringingIn, 'timeout')).toBe(null)
    expect(sent(ringingOut, 'hangup')).toBe('hangup')
    expect(sent(ringingOut, 'timeout')).toBe('hangup')
    expect(sent(ringingOut, 'local-candidates')).toBe('candidates')
    expect(sent(ringingOut, 'peer-answer')).toBe(null)
  })

  it('refuses steps that do not fit the call', () => {
    const ringingOut = newCall('id', 'peer', 'out', 0)
    const ringingIn = newCall('id', 'peer', 'in', 0)
    expect(stepCall(ringingOut, 'accept', 1).ok).toBe(false)
    expect(stepCall(ringingOut, 'decline', 1).ok).toBe(false)
    expect(stepCall(ringingIn, 'peer-answer', 1).ok).toBe(false)
    expect(stepCall(ringingIn, 'peer-busy', 1).ok).toBe(false)
    expect(stepCall(ringingOut, 'peer-elsewhere', 1).ok).toBe(false)
    const active = run('in', ['accept'])
    expect(stepCall(active, 'accept', 1).ok).toBe(false)
    expect(stepCall(active, 'timeout', 1).ok).toBe(false)
    const ended = run('in', ['decline'])
    for (const step of ['hangup', 'peer-hangup', 'peer-candidates', 'accept'] as CallStep[]) {
      expect(stepCall(ended, step, 1)).toEqual({ ok: false, reason: 'the call has ended' })
    }
  })
})
