/**
 * Internal to redis.ts: the Lua script behind `RedisState.slidingWindow`, in a file of its own so the connection code
 * stays readable.
 */

/**
 * The bucketed sliding window of bucketWindow.ts, kept atomically in Redis and timed by Redis's own clock (so
 * replicas with skewed clocks agree). A window is a hash: `h` the newest bucket advanced to, `s` the running sum, and
 * one counter per slot of a ring of `buckets + 2` (the current bucket, `buckets` whole ones and one of latency margin;
 * the field is the bucket number modulo that), so it holds at most `buckets + 4` fields whatever the limit.
 *
 * With a caller, the callers of the key are a sorted set scored by the time of their last slot, trimmed to those of
 * the last window and capped at `maxCallers` (the idlest are dropped), and each caller has a window of its own; a
 * caller may hold at most ceil(limit / callers). Every key expires once nothing in it counts any more.
 *
 * Replicas reconcile what Redis missed. Slots a replica granted on its own while Redis was unreachable arrive as
 * `backfill` with its next call and are counted in the current bucket (later than they were made: never less
 * than the truth). The replicas whose slots the window holds are a sorted set scored by their last call, trimmed to
 * the last window; a replica missing from it (Redis restarted empty, or the key was lost) brings `own` instead, every
 * slot it counts in its own window, so a restart of Redis does not hand out the limit a second time within a window.
 *
 * KEYS[1] the key's window, KEYS[2] its callers, KEYS[3] this caller's window, KEYS[4] its replicas; ARGV limit,
 * windowMs, buckets, caller ('' when callers are not told apart), maxCallers, replica, backfill, own. Answers
 * {0 | ms until a slot may free, callers, over share 0|1, slots counted in the key's window afterwards}.
 */
export const RATE_WINDOW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local buckets = tonumber(ARGV[3])
local caller = ARGV[4]
local maxCallers = tonumber(ARGV[5])
local width = window / buckets
local slots = buckets + 2
local cur = math.floor(now / width)
local ttl = math.ceil(slots * width)

-- Drops the buckets that left the window; answers what is still counted and the newest bucket.
local function count(key)
  local state = redis.call('HMGET', key, 'h', 's')
  local head = tonumber(state[1])
  if not head then return 0, cur end
  if cur - head >= slots then
    redis.call('DEL', key)
    return 0, cur
  end
  local sum = tonumber(state[2]) or 0
  if cur <= head then return sum, head end
  for b = head + 1, cur do
    local c = tonumber(redis.call('HGET', key, b % slots))
    if c then
      sum = sum - c
      redis.call('HDEL', key, b % slots)
    end
  end
  redis.call('HSET', key, 'h', string.format('%d', cur), 's', sum)
  return sum, cur
end

local function add(key, at)
  redis.call('HINCRBY', key, at % slots, 1)
  redis.call('HINCRBY', key, 's', 1)
  redis.call('HSET', key, 'h', string.format('%d', at))
  redis.call('PEXPIRE', key, ttl)
end

-- Ms until fewer than 'below' are counted (plus one, as in bucketWindow.ts): the oldest buckets leave first.
local function waitBelow(key, at, n, below)
  for b = at - slots + 1, at do
    local c = tonumber(redis.call('HGET', key, b % slots))
    if c then
      n = n - c
      if n < below then return math.ceil((b + slots) * width - now) + 1 end
    end
  end
  return math.ceil(slots * width) + 1
end

local keyCount, keyAt = count(KEYS[1])
local replica = ARGV[6]
if replica ~= '' then
  local since = string.format('%d', math.ceil((cur - slots + 1) * width))
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. since)
  local missed = tonumber(ARGV[7])
  if not redis.call('ZSCORE', KEYS[4], replica) then missed = tonumber(ARGV[8]) end
  if missed > 0 then
    redis.call('HINCRBY', KEYS[1], keyAt % slots, missed)
    redis.call('HINCRBY', KEYS[1], 's', missed)
    redis.call('HSET', KEYS[1], 'h', string.format('%d', keyAt))
    redis.call('PEXPIRE', KEYS[1], ttl)
    keyCount = keyCount + missed
  end
  redis.call('ZADD', KEYS[4], string.format('%d', now), replica)
  redis.call('PEXPIRE', KEYS[4], ttl)
end
local callers, mine, mineAt = 1, 0, cur
if caller ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%d', math.ceil((cur - slots + 1) * width)))
  callers = redis.call('ZCARD', KEYS[2])
  if not redis.call('ZSCORE', KEYS[2], caller) then callers = callers + 1 end
  mine, mineAt = count(KEYS[3])
end
local share = math.ceil(limit / callers)
local over = callers > 1 and mine >= share
if keyCount < limit and not over then
  add(KEYS[1], keyAt)
  if caller ~= '' then
    add(KEYS[3], mineAt)
    redis.call('ZADD', KEYS[2], string.format('%d', now), caller)
    local size = redis.call('ZCARD', KEYS[2])
    if size > maxCallers then redis.call('ZPOPMIN', KEYS[2], size - maxCallers) end
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
  return {0, callers, 0, keyCount + 1}
end
local wait = 0
if keyCount >= limit then wait = waitBelow(KEYS[1], keyAt, keyCount, limit) end
if over then wait = math.max(wait, waitBelow(KEYS[3], mineAt, mine, share)) end
return {wait, callers, over and 1 or 0, keyCount}
`;
