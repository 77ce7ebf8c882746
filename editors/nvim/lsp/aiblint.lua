-- Neovim 0.11+: with this folder on 'runtimepath', `vim.lsp.enable("aiblint")`
-- starts `aiblint --stdio` for JSON, JSONC, YAML and Bicep buffers that are Azure Image
-- Builder templates. Change anything with `vim.lsp.config("aiblint", {...})`,
-- e.g. `settings = { aiblint = { ignore = { "AIB104" } } }`.
local aiblint = require("aiblint")

return {
  cmd = aiblint.default_cmd(),
  filetypes = aiblint.filetypes,
  root_markers = aiblint.root_markers,
  settings = { aiblint = {} },
  -- Only templates: calling on_dir is what lets the client attach.
  root_dir = function(bufnr, on_dir)
    if aiblint.is_template(bufnr) then
      on_dir(aiblint.root_dir(bufnr))
    end
  end,
}
