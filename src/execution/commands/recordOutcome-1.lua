--[[
  Applies one attempt's outcome to its destination's breaker. One atomic step of the rules
  (src/execution/circuit-breaker.rules.ts, recordOutcome), judged by Redis's clock:
  closed: a failure adds one to the consecutive count and at ARGV[3] opens the breaker until
  Redis's now + ARGV[4] ms; a success resets the count. Half-open: only the probe ARGV[1]
  counts: success closes, anything else re-opens for another cooldown. Open, or another
  attempt's outcome while half-open: stale, changes nothing.
  Input:
    KEYS[1] 'destination'
    ARGV[1] attempt id
    ARGV[2] verdict: 'success', 'failure' or 'neutral'
    ARGV[3] consecutive failures that open the breaker
    ARGV[4] cooldown in milliseconds
    ARGV[5] idle expiry in milliseconds of the destination's record
  Output:
    { state after, consecutive failures, transition made ('open'|'closed') or nil,
      Redis now in epoch ms }
]]
local rcall = redis.call
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local record = rcall('HMGET', KEYS[1], 'state', 'failures', 'probe')
local state = record[1] or 'closed'
local failures = tonumber(record[2]) or 0
local verdict = ARGV[2]

local function reopen(count)
  rcall('HSET', KEYS[1], 'state', 'open', 'failures', count, 'retryAt', now + tonumber(ARGV[4]))
  rcall('HDEL', KEYS[1], 'probe')
  rcall('PEXPIRE', KEYS[1], ARGV[5])
  return { 'open', count, 'open', now }
end

if state == 'closed' then
  if verdict == 'success' then
    -- No record means closed with no failures; most successes find none and write nothing.
    if failures > 0 then rcall('DEL', KEYS[1]) end
    return { 'closed', 0, false, now }
  end
  if verdict ~= 'failure' then return { 'closed', failures, false, now } end
  if failures + 1 >= tonumber(ARGV[3]) then return reopen(failures + 1) end
  rcall('HSET', KEYS[1], 'state', 'closed', 'failures', failures + 1)
  rcall('PEXPIRE', KEYS[1], ARGV[5])
  return { 'closed', failures + 1, false, now }
end

if state == 'half_open' and record[3] == ARGV[1] then
  if verdict == 'success' then
    rcall('DEL', KEYS[1])
    return { 'closed', 0, 'closed', now }
  end
  if verdict == 'failure' then return reopen(failures + 1) end
  return reopen(failures)
end
return { state, failures, false, now }
