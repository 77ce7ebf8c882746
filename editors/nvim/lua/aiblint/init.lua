-- aiblint for Neovim 0.7+: attaches `aiblint --stdio` to JSON, JSONC, YAML and
-- Bicep buffers that are Azure Image Builder templates.
--
--   require("aiblint").setup({
--     cmd = { "aiblint", "--stdio" },   -- optional: how to start the server
--     select = { "AIB3" }, ignore = { "AIB104" },
--     defaultApiVersion = "2024-02-01", online = false,
--   })
local M = {}

local group_name = "aiblint"
local client_keys = { cmd = true, filetypes = true, root_markers = true, on_attach = true, capabilities = true }
-- How many lines of a buffer the template check reads.
local scan_lines = 400

M.filetypes = { "json", "jsonc", "yaml", "bicep" }
M.root_markers = { ".aiblint.yaml", "pyproject.toml", ".git" }

local options = {}
local clients = {} -- root_dir -> client id (Neovim 0.7, which has no vim.lsp.start)

local function has(feature)
  return vim.fn.has(feature) == 1
end

--- The command that starts the server: `aiblint --stdio` when `aiblint` is on
--- PATH, else `python3 -m aiblint --stdio`.
function M.default_cmd()
  if vim.fn.executable("aiblint") == 1 then
    return { "aiblint", "--stdio" }
  end
  return { "python3", "-m", "aiblint", "--stdio" }
end

--- Whether the lines look like an Image Builder template (raw body or ARM resource).
function M.looks_like_template(lines)
  local text = table.concat(lines, "\n")
  if text:match("^%s*$") then
    return false
  end
  local lower = text:lower()
  if lower:find("microsoft.virtualmachineimages/imagetemplates", 1, true) then
    return true
  end
  local function key(name)
    return text:find("[\"']?" .. name .. "[\"']?%s*:") ~= nil
  end
  return key("source") and (key("customize") or key("distribute"))
end

--- Whether buffer `bufnr` holds an Image Builder template (a cheap content check).
function M.is_template(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return false
  end
  return M.looks_like_template(vim.api.nvim_buf_get_lines(bufnr, 0, scan_lines, false))
end

--- The project root for a buffer: the nearest folder with a marker, else the file's folder.
function M.root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= "" and vim.fn.fnamemodify(name, ":p:h") or vim.fn.getcwd()
  for _, marker in ipairs(M.root_markers) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found == "" then
      found = vim.fn.finddir(marker, dir .. ";")
    end
    if found ~= "" then
      local root = vim.fn.fnamemodify(found, ":p:h"):gsub("/%.git$", "")
      return root
    end
  end
  return dir
end

--- The server settings (section `aiblint`) from the setup options.
function M.settings(opts)
  local settings = {}
  for key, value in pairs(opts or options) do
    if not client_keys[key] then
      settings[key] = value
    end
  end
  return settings
end

--- The client configuration for a buffer, as vim.lsp.start / start_client take it.
function M.config(bufnr, opts)
  opts = opts or options
  local settings = M.settings(opts)
  return {
    name = "aiblint",
    cmd = opts.cmd or M.default_cmd(),
    root_dir = M.root_dir(bufnr),
    init_options = settings,
    settings = { aiblint = settings },
    capabilities = opts.capabilities,
    on_attach = function(client, bufnr)
      -- Completion with <C-x><C-o> also on versions that do not set it themselves.
      if vim.bo[bufnr].omnifunc == "" then
        vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
      end
      if opts.on_attach then
        opts.on_attach(client, bufnr)
      end
    end,
  }
end

--- Attach the server to `bufnr` (the current buffer by default) if it is a template.
--- Returns the client id, or nil when the buffer is not a template.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= "" or not M.is_template(bufnr) then
    return nil
  end
  local config = M.config(bufnr)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- Neovim 0.7: one client per root folder, started once.
  local id = clients[config.root_dir]
  if id == nil or vim.lsp.get_client_by_id(id) == nil or vim.lsp.get_client_by_id(id).is_stopped() then
    id = vim.lsp.start_client(config)
    if id == nil then
      return nil
    end
    clients[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- The aiblint client attached to `bufnr`, if any.
function M.client(bufnr)
  local list
  if vim.lsp.get_clients then
    list = vim.lsp.get_clients({ bufnr = bufnr, name = "aiblint" })
  else
    list = vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  end
  for _, c in ipairs(list) do
    if c.name == "aiblint" then
      return c
    end
  end
  return nil
end

--- Apply the server's `source.fixAll.aiblint` action to `bufnr` (blocking, up to 5 s).
--- Returns true when an edit was applied.
function M.fix_all(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if client == nil then
    return false
  end
  local last = math.max(vim.api.nvim_buf_line_count(bufnr), 1)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ["end"] = { line = last, character = 0 } },
    context = { diagnostics = {}, only = { "source.fixAll.aiblint" } },
  }
  local response = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 5000) or {}
  local applied = false
  for id, r in pairs(response) do
    if id == client.id then
      for _, action in ipairs(r.result or {}) do
        if action.edit then
          vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")
          applied = true
        end
      end
    end
  end
  return applied
end

local function check_later(args)
  -- A buffer that turns into a template while being typed gets attached then.
  if M.client(args.buf) == nil then
    M.attach(args.buf)
  end
end

--- Set the plugin up: attach to template buffers of `opts.filetypes`
--- (default json, jsonc, yaml, bicep) now and whenever one is opened.
function M.setup(opts)
  options = vim.deepcopy(opts or {})
  local filetypes = options.filetypes or M.filetypes
  local group = vim.api.nvim_create_augroup(group_name, { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  vim.api.nvim_create_autocmd({ "InsertLeave", "BufWritePost" }, {
    group = group,
    callback = function(args)
      if vim.tbl_contains(filetypes, vim.bo[args.buf].filetype) then
        check_later(args)
      end
    end,
  })
  vim.api.nvim_create_user_command("AiblintFixAll", function()
    M.fix_all(0)
  end, { desc = "Apply every safe aiblint fix to the buffer" })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(filetypes, vim.bo[buf].filetype) then
      M.attach(buf)
    end
  end
end

--- The options given to setup (used by :checkhealth).
function M.options()
  return options
end

return M
