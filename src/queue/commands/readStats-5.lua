--[[
  One consistent snapshot of the queue's sizes and counters. Reads only.
  Input:
    KEYS[1] 'delayed'
    KEYS[2] 'ready'
    KEYS[3] 'processing'
    KEYS[4] 'dead'
    KEYS[5] 'stats'
  Output:
    { delayed, ready, processing, dead, completed, failed, retrying }
]]
local rcall = redis.call
local counters = rcall('HMGET', KEYS[5], 'completed', 'failed', 'retrying')
return {
  rcall('ZCARD', KEYS[1]),
  rcall('ZCARD', KEYS[2]),
  rcall('ZCARD', KEYS[3]),
  rcall('ZCARD', KEYS[4]),
  tonumber(counters[1]) or 0,
  tonumber(counters[2]) or 0,
  tonumber(counters[3]) or 0,
}
