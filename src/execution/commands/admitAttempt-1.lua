--[[
  May an attempt go to this destination? One atomic step of the circuit breaker's rules
  (src/execution/circuit-breaker.rules.ts, admitAttempt), judged by Redis's clock:
  closed: send. Open or half-open before its retry instant: reject. Open at or after it:
  this attempt is the one probe, and the breaker is half-open until Redis's now + ARGV[2] ms.
  Half-open at or after it (the probe's worker never reported): this attempt is the new probe.
  Input:
    KEYS[1] 'destination'
    ARGV[1] attempt id (the probe's identity)
    ARGV[2] probe lease in milliseconds
    ARGV[3] cooldown in milliseconds (the longest wait a half-open rejection asks for)
    ARGV[4] idle expiry in milliseconds of the destination's record
  Output:
    { 'send'|'probe'|'reject', state after, consecutive failures,
      ms until another attempt may be admitted (reject; 0 otherwise),
      transition made ('half_open') or nil, Redis now in epoch ms }
]]
local rcall = redis.call
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local record = rcall('HMGET', KEYS[1], 'state', 'failures', 'retryAt')
local state = record[1] or 'closed'
local failures = tonumber(record[2]) or 0
local retryAt = tonumber(record[3]) or 0

if state == 'closed' then
  return { 'send', state, failures, 0, false, now }
end
if now < retryAt then
  local wait = retryAt - now
  if state == 'half_open' then wait = math.min(wait, tonumber(ARGV[3])) end
  return { 'reject', state, failures, wait, false, now }
end

rcall('HSET', KEYS[1], 'state', 'half_open', 'retryAt', now + tonumber(ARGV[2]), 'probe', ARGV[1])
rcall('PEXPIRE', KEYS[1], ARGV[4])
-- false becomes a nil reply; unlike Lua nil it does not end the table.
local transition = false
if state == 'open' then transition = 'half_open' end
return { 'probe', 'half_open', failures, 0, transition, now }
