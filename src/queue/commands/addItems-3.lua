--[[
  Adds the items that are in none of delayed, ready and processing (idempotent: a second
  enqueue of the same id, or of an id a worker holds, changes nothing). Items already due
  by Redis's clock go straight to ready, the others to delayed.
  Input:
    KEYS[1] 'delayed'
    KEYS[2] 'ready'
    KEYS[3] 'processing'
    ARGV[1], ARGV[2], ... pairs of id, due epoch ms
  Output:
    number of items added
]]
local rcall = redis.call
local time = rcall('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local added = 0
for i = 1, #ARGV, 2 do
  local id, due = ARGV[i], ARGV[i + 1]
  if not rcall('ZSCORE', KEYS[1], id) and not rcall('ZSCORE', KEYS[2], id)
      and not rcall('ZSCORE', KEYS[3], id) then
    -- The due time is stored as the caller's string, never re-formatted by Lua.
    rcall('ZADD', tonumber(due) <= now and KEYS[2] or KEYS[1], due, id)
    added = added + 1
  end
end
return added
