-- Drives headless Neovim through the aiblint plugin for tests/e2e/test_nvim.py.
-- Environment: AIBLINT_PLUGIN (plugin root), AIBLINT_MODE ("setup" or "enable"),
-- AIBLINT_CMD (JSON list, optional: the server command), AIBLINT_JOB (JSON:
-- hover/completion positions, the code to fix, the non-template file to open),
-- OUT_FILE (where the JSON result goes).
local result = { nvim = vim.version(), steps = {} }
local job = vim.json.decode(os.getenv("AIBLINT_JOB"))

local function finish(code)
  local f = assert(io.open(os.getenv("OUT_FILE"), "w"))
  f:write(vim.json.encode(result))
  f:close()
  for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if vim.fn.has("nvim-0.10") == 1 then
      c:stop(true)
    else
      c.stop(true)
    end
  end
  vim.cmd(code == 0 and "qall!" or ("cquit " .. code))
end

local function step(name)
  table.insert(result.steps, { name = name, t = vim.loop.hrtime() / 1e9 })
end

local function diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, { code = d.code, lnum = d.lnum, col = d.col, message = d.message, severity = d.severity })
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and tostring(a.code) < tostring(b.code))
  end)
  return out
end

local function results(response)
  local out = {}
  for _, r in pairs(response or {}) do
    if r.result ~= nil then
      table.insert(out, r.result)
    end
  end
  return out
end

local function request(bufnr, method, params)
  params.textDocument = { uri = vim.uri_from_bufnr(bufnr) }
  return results(vim.lsp.buf_request_sync(bufnr, method, params, 10000))
end

local function run()
  local aiblint = require("aiblint")
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  step("start")
  result.diag_ok = vim.wait(20000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 20)
  step("diagnostics")
  result.diagnostics = diagnostics(bufnr)
  local client = aiblint.client(bufnr)
  result.attached = client ~= nil
  result.omnifunc = vim.bo[bufnr].omnifunc
  if client then
    result.server_name = client.server_capabilities and client.initialize_result
      and client.initialize_result.serverInfo and client.initialize_result.serverInfo.name
  end

  local hp = job.hover
  result.hover = request(bufnr, "textDocument/hover", { position = { line = hp[1], character = hp[2] } })
  step("hover")

  local cp = job.completion
  local labels = {}
  for _, r in ipairs(request(bufnr, "textDocument/completion", { position = { line = cp[1], character = cp[2] } })) do
    for _, item in ipairs(r.items or r) do
      table.insert(labels, item.label)
    end
  end
  result.completion = labels
  step("completion")

  -- The quick fix for the first diagnostic with code job.fix: request, apply.
  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == job.fix and target == nil then
      target = d
    end
  end
  result.actions = {}
  if target then
    -- 0.7 keeps only some LSP fields in user_data.lsp: rebuild the rest (ASCII text).
    local lsp_diag = vim.tbl_extend("force", target.user_data and target.user_data.lsp or {}, {
      range = {
        start = { line = target.lnum, character = target.col },
        ["end"] = { line = target.end_lnum, character = target.end_col },
      },
      message = target.message,
      severity = target.severity,
      source = target.source,
      code = target.code,
    })
    local actions = request(bufnr, "textDocument/codeAction", {
      range = lsp_diag.range,
      context = { diagnostics = { lsp_diag }, only = { "quickfix" } },
    })
    local chosen
    for _, list in ipairs(actions) do
      for _, a in ipairs(list) do
        table.insert(result.actions, { title = a.title, kind = a.kind, isPreferred = a.isPreferred })
        if chosen == nil and a.kind == "quickfix" and a.diagnostics and a.diagnostics[1]
          and a.diagnostics[1].code == job.fix then
          chosen = a
        end
      end
    end
    if chosen and chosen.edit == nil and client.server_capabilities.codeActionProvider
      and type(client.server_capabilities.codeActionProvider) == "table"
      and client.server_capabilities.codeActionProvider.resolveProvider then
      chosen = results(vim.lsp.buf_request_sync(bufnr, "codeAction/resolve", chosen, 10000))[1] or chosen
    end
    if chosen and chosen.edit then
      vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
      result.applied = chosen.title
      -- Wait for the diagnostics of the edited text.
      vim.wait(10000, function()
        for _, d in ipairs(vim.diagnostic.get(bufnr)) do
          if d.code == job.fix and d.lnum == target.lnum then
            return false
          end
        end
        return true
      end, 20)
    end
  end
  step("code action")
  result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  result.diagnostics_after = diagnostics(bufnr)

  if job.fix_all then
    result.fix_all = aiblint.fix_all(bufnr)
    result.lines_after_fix_all = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    step("fix all")
  end

  if job.other then
    vim.cmd("edit " .. vim.fn.fnameescape(job.other))
    local other = vim.api.nvim_get_current_buf()
    result.other_filetype = vim.bo[other].filetype
    vim.wait(300)
    result.other_attached = aiblint.client(other) ~= nil
  end

  if job.late then
    -- A new JSON buffer that becomes a template while typing: attached on InsertLeave.
    local lines = result.lines
    vim.cmd("edit " .. vim.fn.fnameescape(job.late))
    local late = vim.api.nvim_get_current_buf()
    result.late_attached_empty = aiblint.client(late) ~= nil
    vim.api.nvim_buf_set_lines(late, 0, -1, false, lines)
    vim.cmd("doautocmd InsertLeave")
    result.late_attached = vim.wait(2000, function()
      return aiblint.client(late) ~= nil
    end, 20)
    if result.late_attached then
      vim.wait(10000, function()
        return #vim.diagnostic.get(late) > 0
      end, 20)
    end
    result.late_diagnostics = diagnostics(late)
    step("late template")
  end
end

local function main()
  local ok, err = pcall(run)
  if not ok then
    result.lua_error = tostring(err)
  end
  finish(ok and 0 or 1)
end

local function configure()
  vim.opt.runtimepath:append(os.getenv("AIBLINT_PLUGIN"))
  local cmd = os.getenv("AIBLINT_CMD")
  cmd = (cmd and cmd ~= "") and vim.json.decode(cmd) or nil
  if os.getenv("AIBLINT_MODE") == "enable" then
    if cmd then
      vim.lsp.config("aiblint", { cmd = cmd })
    end
    vim.lsp.enable("aiblint")
  else
    require("aiblint").setup({ cmd = cmd })
  end
end

local configured, config_error = pcall(configure)
if not configured then
  result.lua_error = tostring(config_error)
  finish(1)
end
-- A -u script runs before the file arguments are loaded: start from VimEnter.
vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    vim.schedule(main)
  end,
})
