-- :checkhealth aiblint — is the server installed, which version, is it set up.
local M = {}

-- vim.health (0.9+: start/ok/…, 0.8: report_*) or the 0.7 `health` module.
local function reporter()
  local h = vim.health
  if h and h.start then
    return h
  end
  h = h or require("health")
  return {
    start = h.report_start,
    ok = h.report_ok,
    warn = h.report_warn,
    error = h.report_error,
    info = h.report_info,
  }
end

function M.check()
  local health = reporter()
  local aiblint = require("aiblint")
  health.start("aiblint")
  health.info("Neovim " .. tostring(vim.version().major) .. "." .. vim.version().minor .. "." .. vim.version().patch)
  local cmd = aiblint.options().cmd or aiblint.default_cmd()
  -- The command without its --stdio flag, asked for its version.
  local version_cmd = {}
  for _, part in ipairs(cmd) do
    if part ~= "--stdio" then
      table.insert(version_cmd, part)
    end
  end
  table.insert(version_cmd, "--version")
  if vim.fn.executable(cmd[1]) ~= 1 then
    health.error("Server command not found: " .. cmd[1], {
      "Install it with `pip install aiblint` (or pipx), or pass `cmd` to require('aiblint').setup().",
    })
    return
  end
  local out = vim.fn.system(version_cmd)
  if vim.v.shell_error ~= 0 then
    health.error("`" .. table.concat(version_cmd, " ") .. "` failed: " .. vim.trim(out), {
      "Install it with `pip install aiblint` (or pipx), or pass `cmd` to require('aiblint').setup().",
    })
    return
  end
  health.ok("Server found: `" .. table.concat(cmd, " ") .. "` (" .. vim.trim(out) .. ")")
  local running = false
  for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if c.name == "aiblint" then
      running = true
      local names = {}
      for bufnr in pairs(c.attached_buffers or {}) do
        table.insert(names, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":~:."))
      end
      health.ok("Running (client " .. c.id .. ") for: " .. table.concat(names, ", "))
    end
  end
  if not running then
    health.info("Not running: it starts for JSON/JSONC/YAML buffers that are Image Builder templates")
  end
end

return M
