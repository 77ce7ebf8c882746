// aiblint for VS Code: starts `aiblint --stdio` and connects it to JSON, JSONC,
// YAML and Bicep documents that are Azure Image Builder templates.
'use strict';

const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const {
  LanguageClient,
  TransportKind,
  State,
  CloseAction,
  ErrorAction,
  DidOpenTextDocumentNotification,
  DidChangeConfigurationNotification,
} = require('vscode-languageclient/node');

const SECTION = 'aiblint';
const FIX_ALL_KIND = 'source.fixAll.aiblint';
const INSTALL_HINT =
  'Install it with "pip install aiblint" (into the selected Python environment or with pipx), ' +
  'or point the "aiblint.path" setting at the executable.';
// The document selector: every JSON/JSONC/YAML/Bicep document, on disk or untitled.
// Which of them reach the server is decided by `looksLikeTemplate` below. The `bicep`
// language is the official Bicep extension's when it is installed (our package.json
// contribution merges into it), else ours; `*.bicep` files count whatever their language.
const SELECTOR = [
  ...['json', 'jsonc', 'yaml', 'bicep'].flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]),
  { scheme: 'file', pattern: '**/*.bicep' },
];
const TEMPLATE_TYPE = /microsoft\.virtualmachineimages\/imagetemplates/i;
const SOURCE_KEY = /(^|[\s{,])["']?source["']?\s*:/m;
const STEPS_KEY = /(^|[\s{,])["']?(customize|distribute)["']?\s*:/m;

let client;
let output;
let statusItem;
let starting;
// URIs of the documents handed to the server (didOpen sent).
const synced = new Set();

/** Cheap content test: is this document (about to become) an Image Builder template? */
function looksLikeTemplate(document) {
  const text = document.getText();
  if (text.trim() === '') return true; // new file: the server offers a template snippet
  return TEMPLATE_TYPE.test(text) || (SOURCE_KEY.test(text) && STEPS_KEY.test(text));
}

function isSynced(documentOrUri) {
  const uri = documentOrUri.uri || documentOrUri;
  return synced.has(uri.toString());
}

/**
 * The server settings the user has set (defaults are left out, so the project's
 * configuration file still applies): sent as initializationOptions, with
 * workspace/didChangeConfiguration, and as the answer to workspace/configuration.
 */
function serverSettings() {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const settings = {};
  for (const key of ['online', 'defaultApiVersion', 'select', 'ignore']) {
    const i = cfg.inspect(key);
    const value = [i.workspaceFolderValue, i.workspaceValue, i.globalValue].find((v) => v !== undefined);
    if (value !== undefined && value !== '') settings[key] = value;
  }
  return settings;
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function expand(p) {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  return p
    .replace(/^~(?=$|[\\/])/, os.homedir())
    .replace(/\$\{workspaceFolder\}/g, folder ? folder.uri.fsPath : '');
}

/** The first `name` on PATH (with Windows extensions), or undefined. */
function which(name) {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (dir && isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The interpreter selected in the Python extension, if that extension is installed. */
async function selectedPython(resource) {
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    if (api && api.environments) {
      const envPath = api.environments.getActiveEnvironmentPath(resource);
      const env = await api.environments.resolveEnvironment(envPath);
      if (env && env.executable && env.executable.uri) return env.executable.uri.fsPath;
    }
    if (api && api.settings && api.settings.getExecutionDetails) {
      const cmd = api.settings.getExecutionDetails(resource).execCommand;
      if (cmd && cmd.length) return cmd[0];
    }
  } catch (err) {
    log(`Could not ask the Python extension for the interpreter: ${err}`);
  }
  return undefined;
}

function canImport(python) {
  const r = cp.spawnSync(python, ['-c', 'import aiblint'], { timeout: 10000, stdio: 'ignore' });
  return r.status === 0;
}

/**
 * How to start the server: the `aiblint.path` setting, else the `aiblint` next to
 * the selected Python interpreter, else `aiblint` on PATH, else `python3 -m aiblint`.
 * Returns {command, args, origin} or {error}.
 */
async function findServer() {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const configured = cfg.get('path', '');
  if (configured) {
    const p = expand(configured);
    const found = path.isAbsolute(p) ? (isFile(p) ? p : undefined) : which(p);
    if (found) return { command: found, args: [], origin: 'the aiblint.path setting' };
    return { error: `The aiblint.path setting points to "${configured}", which does not exist.` };
  }
  const resource = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0].uri;
  const python = await selectedPython(resource);
  if (python) {
    const dir = path.dirname(python);
    for (const name of ['aiblint', 'aiblint.exe']) {
      if (isFile(path.join(dir, name))) {
        return { command: path.join(dir, name), args: [], origin: `the Python environment ${python}` };
      }
    }
  }
  const onPath = which('aiblint');
  if (onPath) return { command: onPath, args: [], origin: 'PATH' };
  for (const py of [python, process.platform === 'win32' ? 'python' : 'python3'].filter(Boolean)) {
    if (canImport(py)) return { command: py, args: ['-m', 'aiblint'], origin: `${py} -m aiblint` };
  }
  return { error: 'The aiblint language server was not found.' };
}

/** Run `<server> --version`: the server's version, or {error} when it does not run. */
function probe(server) {
  return new Promise((resolve) => {
    cp.execFile(server.command, [...server.args, '--version'], { timeout: 30000 }, (err, stdout, stderr) => {
      if (err) {
        const detail = (stderr || '').trim().split('\n').pop() ||
          (typeof err.code === 'number' ? `exit code ${err.code}` : err.code || err.message);
        resolve({ error: `"${server.command} ${[...server.args, '--version'].join(' ')}" failed (${detail}).` });
      } else {
        resolve({ version: stdout.trim() });
      }
    });
  });
}

function log(message) {
  if (output) output.appendLine(`[client] ${message}`);
}

function setStatus(state, detail) {
  if (state === 'running') {
    statusItem.hide();
    return;
  }
  statusItem.text = state === 'starting' ? '$(sync~spin) aiblint' : '$(error) aiblint';
  statusItem.tooltip = detail;
  statusItem.backgroundColor =
    state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  statusItem.show();
}

/** Hand a document to the server the first time it looks like a template. */
function openLate(document) {
  synced.add(document.uri.toString());
  return client.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: {
      uri: client.code2ProtocolConverter.asUri(document.uri),
      languageId: document.languageId,
      version: document.version,
      text: document.getText(),
    },
  });
}

/** Only templates reach the server: everything else is filtered here. */
function guarded(next) {
  return (document, ...rest) => (isSynced(document) ? next(document, ...rest) : null);
}

const middleware = {
  didOpen: (document, next) => {
    if (!looksLikeTemplate(document)) return Promise.resolve();
    synced.add(document.uri.toString());
    return next(document);
  },
  didChange: (event, next) => {
    if (isSynced(event.document)) return next(event);
    if (looksLikeTemplate(event.document)) return openLate(event.document);
    return Promise.resolve();
  },
  didClose: (document, next) => {
    if (!synced.delete(document.uri.toString())) return Promise.resolve();
    return next(document);
  },
  didSave: (document, next) => (isSynced(document) ? next(document) : Promise.resolve()),
  willSave: (event, next) => (isSynced(event.document) ? next(event) : Promise.resolve()),
  provideDiagnostics: (document, previousResultId, token, next) =>
    isSynced(document) ? next(document, previousResultId, token) : { kind: 'full', items: [] },
  provideHover: (document, position, token, next) => guarded(next)(document, position, token),
  provideCompletionItem: (document, position, context, token, next) =>
    guarded(next)(document, position, context, token),
  provideCodeActions: (document, range, context, token, next) =>
    guarded(next)(document, range, context, token),
  provideDocumentSymbols: (document, token, next) => guarded(next)(document, token),
  provideDefinition: (document, position, token, next) => guarded(next)(document, position, token),
  provideReferences: (document, position, options, token, next) =>
    guarded(next)(document, position, options, token),
  workspace: {
    configuration: (params, token, next) =>
      params.items.map((item) => (item.section === SECTION ? serverSettings() : null)),
  },
};

/** One error notification; not awaited, so a restart is possible while it is shown. */
function notifyFailure(message) {
  vscode.window.showErrorMessage(`aiblint: ${message} ${INSTALL_HINT}`, 'Show output').then((choice) => {
    if (choice) output.show(true);
  });
}

async function startClient() {
  if (starting) return starting;
  starting = (async () => {
    setStatus('starting', 'aiblint: starting the language server');
    const server = await findServer();
    if (server.error) {
      setStatus('failed', server.error);
      log(`${server.error} (PATH: ${process.env.PATH})`);
      notifyFailure(server.error);
      return;
    }
    // A server that cannot even print its version would only produce a stack of client errors.
    const probed = await probe(server);
    if (probed.error) {
      setStatus('failed', probed.error);
      log(probed.error);
      notifyFailure(probed.error);
      return;
    }
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const args = [...server.args, ...cfg.get('args', [])];
    log(`Starting ${[server.command, ...args, '--stdio'].join(' ')} (${probed.version}, found via ${server.origin})`);
    synced.clear();
    let failures = 0;
    client = new LanguageClient(
      SECTION,
      'aiblint',
      { command: server.command, args, transport: TransportKind.stdio },
      {
        documentSelector: SELECTOR,
        outputChannel: output,
        initializationOptions: serverSettings(),
        middleware,
        initializationFailedHandler: () => false,
        errorHandler: {
          error: () => ({ action: ErrorAction.Continue }),
          closed: () => {
            failures += 1;
            if (failures <= 3) return { action: CloseAction.Restart, handled: true };
            setStatus('failed', 'aiblint: the server stopped repeatedly; see the output');
            return { action: CloseAction.DoNotRestart, handled: true };
          },
        },
      },
    );
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running) setStatus('running');
      else if (newState === State.Starting) setStatus('starting', 'aiblint: starting the language server');
    });
    try {
      await client.start();
      setStatus('running');
    } catch (err) {
      const message = `The aiblint server (${server.command}) did not start: ${err && err.message ? err.message : err}.`;
      log(message);
      setStatus('failed', message);
      client = undefined;
      notifyFailure(message);
    }
  })();
  try {
    await starting;
  } finally {
    starting = undefined;
  }
}

async function stopClient() {
  const c = client;
  client = undefined;
  synced.clear();
  if (c) {
    try {
      await c.stop(5000);
    } catch (err) {
      log(`Stopping the server failed: ${err}`);
    }
  }
}

async function restart() {
  await stopClient();
  await startClient();
}

/** Apply the server's `source.fixAll.aiblint` action to the active editor. */
async function fixAll() {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const document = editor.document;
  const last = document.lineAt(document.lineCount - 1);
  const whole = new vscode.Range(0, 0, last.lineNumber, last.text.length);
  const actions =
    (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', document.uri, whole, FIX_ALL_KIND, 1)) || [];
  const mine = actions.filter((a) => a.kind && a.kind.value === FIX_ALL_KIND);
  log(`Fix all: ${mine.length} of ${actions.length} code actions are ${FIX_ALL_KIND}`);
  if (!mine.length) {
    vscode.window.setStatusBarMessage('aiblint: nothing to fix', 3000);
    return;
  }
  for (const action of mine) {
    if (action.edit) {
      const applied = await vscode.workspace.applyEdit(action.edit);
      log(`Fix all: "${action.title}" ${applied ? 'applied' : 'could not be applied'} (${action.edit.size} file(s))`);
    }
    if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments || []));
  }
}

async function activate(context) {
  output = vscode.window.createOutputChannel('aiblint');
  statusItem = vscode.window.createStatusBarItem('aiblint.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'aiblint';
  statusItem.command = 'aiblint.showOutput';
  context.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand('aiblint.restart', restart),
    vscode.commands.registerCommand('aiblint.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('aiblint.fixAll', fixAll),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (['path', 'args'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) {
        restart();
      } else if (e.affectsConfiguration(SECTION) && client && client.isRunning()) {
        client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: serverSettings() },
        });
      }
    }),
  );
  await startClient();
  // findServer activated the Python extension if present: follow interpreter changes.
  const python = vscode.extensions.getExtension('ms-python.python');
  if (python && python.isActive && python.exports && python.exports.environments) {
    context.subscriptions.push(
      python.exports.environments.onDidChangeActiveEnvironmentPath(() => {
        if (!vscode.workspace.getConfiguration(SECTION).get('path')) restart();
      }),
    );
  }
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
