-- wrk script: GET each path of $PATHS in turn
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["User-Agent"] = "Mozilla/5.0 (wrk bench)"})
end
