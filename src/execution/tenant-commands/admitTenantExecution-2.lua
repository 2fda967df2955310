--[[
  May one execution of a tenant start now, under the tenant's caps across all workers?
  Judged by Redis's clock. Concurrency: the in-flight set holds one member per execution
  being sent, scored by the instant its slot lapses (its timeout plus a margin), so a slot
  whose worker died frees itself. Rate: the start log holds one member per start within the
  last second. An execution that already holds a slot (a retry by the same worker after a
  crash, say) is admitted again without counting twice.
  Input:
    KEYS[1] 'inFlight'  ZSET execution id -> slot lapse instant (epoch ms)
    KEYS[2] 'starts'    ZSET start id -> start instant (epoch ms)
    ARGV[1] execution id
    ARGV[2] start id (unique per attempt)
    ARGV[3] max concurrent executions (0: unlimited)
    ARGV[4] max starts per second (0: unlimited)
    ARGV[5] slot hold in milliseconds
  Output:
    { 1, 0, '' } admitted (slot taken and start counted, where capped)
    { 0, ms until worth retrying, 'concurrency' | 'rate' } refused
]]
local rcall = redis.call
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local maxConcurrent = tonumber(ARGV[3])
local maxPerSecond = tonumber(ARGV[4])
local hold = tonumber(ARGV[5])

if maxConcurrent > 0 then
  rcall('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if not rcall('ZSCORE', KEYS[1], ARGV[1]) and rcall('ZCARD', KEYS[1]) >= maxConcurrent then
    -- When a slot frees is up to the receivers; 0 lets the caller pick its own delay.
    return { 0, 0, 'concurrency' }
  end
end
if maxPerSecond > 0 then
  rcall('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 1000)
  if rcall('ZCARD', KEYS[2]) >= maxPerSecond then
    local oldest = rcall('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return { 0, math.max(tonumber(oldest[2]) + 1000 - now, 1), 'rate' }
  end
  rcall('ZADD', KEYS[2], now, ARGV[2])
  rcall('PEXPIRE', KEYS[2], 2000)
end
if maxConcurrent > 0 then
  rcall('ZADD', KEYS[1], now + hold, ARGV[1])
  -- The key outlives its longest slot; a later admit extends it again.
  local ttl = rcall('PTTL', KEYS[1])
  if ttl < hold + 1000 then rcall('PEXPIRE', KEYS[1], hold + 1000) end
end
return { 1, 0, '' }
