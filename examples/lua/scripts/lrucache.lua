-- A small LRU cache in the manner of lua-resty-lrucache's pure-Lua version:
-- new(size) builds all `size` nodes at once, so a cache costs memory
-- whether or not it is ever hit. Each cache joins `lrucache.all`, so a
-- configuration change can flush every cache (the registry that kept the
-- per-request caches of the incident alive).
lrucache = {all = tether.watch({}, "lrucache instances")}
local Cache = {}
Cache.__index = Cache

function lrucache.new(size)
  local cache = setmetatable({size = size, nodes = {}, index = {}, next = 1},
                             Cache)
  for i = 1, size do
    cache.nodes[i] = {key = false, value = false}
  end
  lrucache.all[#lrucache.all + 1] = cache
  return cache
end

function Cache:get(key)
  local node = self.index[key]
  if node then return node.value end
  return nil
end

function Cache:set(key, value)
  local node = self.index[key]
  if node == nil then
    node = self.nodes[self.next]
    if node.key then self.index[node.key] = nil end
    self.next = self.next % self.size + 1
    node.key = key
    self.index[key] = node
  end
  node.value = value
end

function lrucache.flush_all()
  for _, cache in ipairs(lrucache.all) do
    cache.index = {}
  end
end
