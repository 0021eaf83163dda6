-- Neovim 0.7 built-in LSP client against the Kuma language server over stdio (headless).
-- Usage: SERVER=<installed bin kuma-language-server, or repo/dist/server.node.js> OUT=result.json nvim --headless --clean -c "luafile nvim.lua" FILE.yaml
-- FILE.yaml must hold a Kuma resource with an unknown key `weight:`. Writes JSON to OUT:
--   diagnostics (before the edit), after_edit_received, diagnostics_after_edit, errors, server_exit,
--   code_actions (titles on the `appProtocol:` value), applied and fixed_line (that line after the first
--   "Change to …" action's edit).
-- run.sh judges the JSON; this script exits 0 unless something in the protocol flow itself failed.
local server = assert(os.getenv('SERVER'), 'SERVER env missing')
local out = os.getenv('OUT') or 'nvim-result.json'
local result = { diagnostics = {}, diagnostics_after_edit = {}, after_edit_received = false, errors = {} }

local function finish(code)
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd((code == 0) and 'qall!' or ('cquit ' .. code))
end

-- watchdog: never hang the CI run
local timer = vim.loop.new_timer()
timer:start(30000, 0, vim.schedule_wrap(function()
  table.insert(result.errors, 'timeout')
  finish(3)
end))

local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].filetype = 'yaml'

-- every publishDiagnostics for our buffer bumps this counter
local published = 0
local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  published = published + 1
  return default_handler(err, params, ctx, config)
end

local client_id = vim.lsp.start_client({
  name = 'kuma',
  -- The installed bin (a script with its own #! line), or a bundle run with node.
  cmd = server:match('%.js$') and { 'node', server, '--stdio' } or { server, '--stdio' },
  root_dir = vim.fn.getcwd(),
  init_options = { kuma = { version = '2.14' } },
  on_exit = function(code)
    result.server_exit = code
  end,
})
if not client_id then
  table.insert(result.errors, 'start_client failed')
  finish(2)
  return
end
vim.lsp.buf_attach_client(bufnr, client_id)

local function wait(pred, ms)
  return vim.wait(ms or 15000, pred, 50)
end

local function snapshot()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(list, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      source = d.source,
      code = d.code or lsp.code,
      message = d.message,
    })
  end
  return list
end

-- 1. diagnostics pushed after didOpen
if not wait(function()
  return #vim.diagnostic.get(bufnr) > 0
end) then
  table.insert(result.errors, 'no diagnostics after didOpen')
end
result.diagnostics = snapshot()

-- 2. delete the line with the unknown key (didChange) and wait for the server to publish again
local bad
for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
  if line:match('^%s*weight:') then
    bad = i - 1
  end
end
if bad == nil then
  table.insert(result.errors, 'no weight: line in the file')
else
  result.removed_line = bad
  local before = published
  vim.api.nvim_buf_set_lines(bufnr, bad, bad + 1, false, {})
  -- Wait for diagnostics of the edited text: a publish queued before the edit (for example
  -- after the workspace index finished) may arrive first.
  result.after_edit_received = wait(function()
    if published <= before then
      return false
    end
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == 'schema-unknown-key' then
        return false
      end
    end
    return true
  end)
  if not result.after_edit_received then
    table.insert(result.errors, 'no publishDiagnostics after the edit')
  end
end
result.diagnostics_after_edit = snapshot()

local client = vim.lsp.get_client_by_id(client_id)
result.server_name = client and client.name

-- 3. code actions on the appProtocol value (with the diagnostics there as context), then apply one
local proto
for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
  if line:match('^%s*appProtocol:') then
    proto = i - 1
  end
end
if client and proto then
  local text = vim.api.nvim_buf_get_lines(bufnr, proto, proto + 1, false)[1]
  local col = text:find(':') + 1
  -- the line's diagnostics back in LSP form, as Neovim 0.7's own vim.lsp.buf.code_action() sends them
  local context = vim.lsp.diagnostic.get_line_diagnostics(bufnr, proto, {}, client_id)
  local resp = client.request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = proto, character = col }, ['end'] = { line = proto, character = #text } },
    context = { diagnostics = context },
  }, 10000, bufnr)
  if not resp or resp.err or not resp.result then
    table.insert(result.errors, 'codeAction failed: ' .. vim.inspect(resp and resp.err))
  else
    result.code_actions = {}
    local change
    for _, a in ipairs(resp.result) do
      table.insert(result.code_actions, a.title)
      if not change and a.edit and a.title:match('^Change to ') then
        change = a
      end
    end
    if change then
      vim.lsp.util.apply_workspace_edit(change.edit, client.offset_encoding)
      result.applied = change.title
      result.fixed_line = vim.api.nvim_buf_get_lines(bufnr, proto, proto + 1, false)[1]
    end
  end
elseif not proto then
  table.insert(result.errors, 'no appProtocol: line in the file')
end
if client then
  client.stop()
end
finish(#result.errors == 0 and 0 or 1)
