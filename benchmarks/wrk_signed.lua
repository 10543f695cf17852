-- wrk script: each thread cycles through its own slice of pre-signed requests (one per line:
-- base64 body, webhook-id, webhook-timestamp, webhook-signature), so re-sends are exact
-- redeliveries. Reports per-status counts for the lost-event check.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests_, n, statuses = {}, 0, {}
  local slices, path, file = tonumber(args[1]), args[2], args[3]
  local i = 0
  for line in io.lines(file) do
    if i % slices == id then
      local body, msg, ts, sig = line:match("([^ ]+) ([^ ]+) ([^ ]+) (.+)")
      n = n + 1
      requests_[n] = wrk.format("POST", path, {
        ["Content-Type"] = "application/json", ["webhook-id"] = msg,
        ["webhook-timestamp"] = ts, ["webhook-signature"] = sig,
      }, dec(body))
    end
    i = i + 1
  end
  sent = 0
end

function request()
  sent = sent + 1
  return requests_[((sent - 1) % n) + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %d %d\n", k, v)) end
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end

-- base64 decoder (bodies are stored encoded so each request fits on one line)
local b = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
function dec(data)
  data = string.gsub(data, "[^" .. b .. "=]", "")
  return (data:gsub(".", function(x)
    if x == "=" then return "" end
    local r, f = "", (b:find(x) - 1)
    for i = 6, 1, -1 do r = r .. (f % 2 ^ i - f % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end):gsub("%d%d%d?%d?%d?%d?%d?%d?", function(x)
    if #x ~= 8 then return "" end
    local c = 0
    for i = 1, 8 do c = c + (x:sub(i, i) == "1" and 2 ^ (8 - i) or 0) end
    return string.char(c)
  end))
end
