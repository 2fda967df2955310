--[[
  Of the given ids, those in none of delayed, ready and processing: after Redis lost data,
  the ids the scheduler must enqueue again. Reads only.
  Input:
    KEYS[1] 'delayed'
    KEYS[2] 'ready'
    KEYS[3] 'processing'
    ARGV[1], ARGV[2], ... ids
  Output:
    the missing ids, in the order given
]]
local rcall = redis.call
local missing = {}
for i = 1, #ARGV do
  local id = ARGV[i]
  if not rcall('ZSCORE', KEYS[1], id) and not rcall('ZSCORE', KEYS[2], id)
      and not rcall('ZSCORE', KEYS[3], id) then
    missing[#missing + 1] = id
  end
end
return missing
