// Drives VS Code (code-server in headless Chromium) for tests/e2e/test_vscode.py.
// Environment: CS_URL (workbench URL with ?folder=), NODE_PATH (playwright-core),
// CHROMIUM, PROFILE_DIR (fresh browser profile), OUT_FILE (JSON result),
// SCREENSHOT (PNG path), WORKSPACE (the opened folder), MODE ("session" or
// "missing-server"), AIBLINT_PATH (for "missing-server").
'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

const result = { steps: [] };
const t0 = Date.now();
function step(name) {
  result.steps.push({ name, seconds: (Date.now() - t0) / 1000 });
}

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(name);
  // Enter before the result row exists, or while the list still shows the recent files, opens
  // nothing or another file: wait until the file's row is the selected one.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await page.waitForSelector('.monaco-editor .view-lines');
}

async function goTo(page, line, column) {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
}

function workspaceFile(name = 'template.json') {
  return fs.readFileSync(`${process.env.WORKSPACE}/${name}`, 'utf8');
}

/** Wait until the template on disk satisfies `predicate`. */
async function waitForFile(predicate, timeout = 10000, name = 'template.json') {
  const end = Date.now() + timeout;
  while (!predicate(workspaceFile(name))) {
    if (Date.now() > end) throw new Error(`${name} on disk did not change`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Open the quick fixes at the cursor and apply the one whose label matches `pattern`; its label. */
async function quickFix(page, pattern) {
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget');
  await menu.waitFor({ timeout: 15000 });
  const fix = menu.locator('.action-list-item, .monaco-list-row', { hasText: pattern }).first();
  await fix.waitFor({ timeout: 15000 });
  const offered = await menu.locator('.action-list-item, .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => r.textContent));
  // Keyboard, not the mouse (a pointer-block layer covers the menu): focus the fix, Enter.
  for (let i = 0; i < 10; i++) {
    const focused = await menu.locator('.monaco-list-row.focused').getAttribute('aria-label');
    if (pattern.test(focused || '')) break;
    await page.keyboard.press('ArrowDown');
  }
  const applied = await menu.locator('.monaco-list-row.focused').getAttribute('aria-label');
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden' });
  return { offered, applied };
}

/** The rows of the Problems panel, as their accessible labels. */
async function problems(page) {
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => `${r.textContent} | ${r.getAttribute('aria-label')}`));
}

async function session(page) {
  await openFile(page, 'template.json');
  step('editor open');

  // 1. The server's diagnostics in the Problems panel, with their codes.
  await page.keyboard.press('Control+Shift+M');
  const problemRow = (code) => page.locator('.markers-panel .monaco-list-row', { hasText: code }).first();
  await problemRow('AIB102').waitFor({ timeout: 30000 });
  await problemRow('AIB302').waitFor({ timeout: 10000 });
  result.problems = await problems(page);
  step('diagnostics');

  // 2. Hover over a property name.
  const editor = page.locator('.monaco-editor[data-uri$="template.json"]').first();
  await editor.locator('.view-line span', { hasText: 'buildTimeoutInMinutes' }).last().hover();
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'buildTimeoutInMinutes' }).last();
  await hover.waitFor({ timeout: 15000 });
  result.hover = await hover.innerText();
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  step('hover');

  // 3. Completion in key position inside "vmProfile" (line 14, before "osDiskSizeGB").
  await editor.click({ position: { x: 400, y: 10 } });
  await goTo(page, 14, 7);
  const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'vmSize' }).first();
  for (let attempt = 1; ; attempt++) {
    // Ask again if the widget did not show (keyboard focus may lag behind Go to Line).
    await page.keyboard.press('Control+Space');
    try {
      await suggestion.waitFor({ timeout: 5000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
  result.completion = await page.locator('.suggest-widget .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => r.getAttribute('aria-label') || r.textContent));
  await page.keyboard.press('Escape');
  step('completion');

  // 4. Screenshot for the README: hover on a diagnostic (message, docs, "Quick Fix...").
  await goTo(page, 31, 18);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const diagHover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'AIB302' }).last();
  await diagHover.waitFor({ timeout: 15000 });
  // The hover lists the quick fixes once the code actions arrived.
  await page.locator('.monaco-hover:not(.hidden)', { hasText: /Quick Fix|No quick fixes/ }).last()
    .waitFor({ timeout: 10000 }).catch(() => {});
  result.diagnostic_hover = await diagHover.innerText();
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  step('screenshot');

  // 5. Quick fix on the trailing comma (line 33, column 8), then save.
  await goTo(page, 33, 8);
  const comma = await quickFix(page, /trailing comma/i);
  result.quick_fixes = comma.offered;
  result.applied = comma.applied;
  await page.keyboard.press('Control+S');
  await waitForFile((text) => !/\},\s*\]/.test(text));
  // The diagnostic goes away once the server checked the fixed text.
  await problemRow('AIB102').waitFor({ state: 'detached', timeout: 15000 });
  result.problems_after = await problems(page);
  result.saved_after_quick_fix = workspaceFile();
  step('quick fix');

  // 6. The command "aiblint: Fix all problems" (source.fixAll.aiblint), then save.
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('aiblint: Fix all problems');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Fix all problems' }).first().waitFor();
  await page.keyboard.press('Enter');
  await problemRow('AIB302').waitFor({ state: 'detached', timeout: 15000 });
  // Code may already have saved it (files.refactoring.autoSave); saving again is harmless.
  await page.keyboard.press('Control+S');
  await waitForFile((text) => text !== result.saved_after_quick_fix);
  result.problems_after_fix_all = await problems(page);
  result.saved_after_fix_all = workspaceFile();
  step('fix all');

  // 7. A JSON file that is not a template: no aiblint diagnostics for it.
  await openFile(page, 'package.json');
  // VS Code's own JSON check reports its trailing comma; aiblint must stay silent.
  await problemRow('package.json').waitFor({ timeout: 15000 });
  await page.waitForTimeout(1000);
  result.problems_with_package_json = await problems(page);
  step('package.json');

  // 8. A Bicep template: the server's diagnostics, and a quick fix written in Bicep.
  await openFile(page, 'template.bicep');
  result.bicep_language = await page.locator('#status\\.editor\\.mode').innerText();
  await problemRow('AIB201').waitFor({ timeout: 30000 });
  await problemRow('AIB302').waitFor({ timeout: 10000 });
  result.bicep_problems = await problems(page);
  await page.locator('.monaco-editor[data-uri$="template.bicep"]').first().click({ position: { x: 400, y: 10 } });
  await goTo(page, 14, 7);
  const rename = await quickFix(page, /Rename to/);
  result.bicep_quick_fixes = rename.offered;
  result.bicep_applied = rename.applied;
  await page.keyboard.press('Control+S');
  await waitForFile((text) => text.includes('buildTimeoutInMinutes'), 10000, 'template.bicep');
  await problemRow('AIB201').waitFor({ state: 'detached', timeout: 15000 });
  result.bicep_problems_after = await problems(page);
  result.bicep_saved = workspaceFile('template.bicep');
  step('bicep');
}

async function missingServer(page) {
  await openFile(page, 'template.json');
  step('editor open');
  const toast = page.locator('.notification-toast', { hasText: 'aiblint' });
  await toast.first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(3000); // any further notifications would show up by now
  result.notifications = await page.locator('.notification-toast').evaluateAll((ts) => ts.map((t) => t.innerText));
  result.status = await page.locator('.statusbar-item', { hasText: 'aiblint' }).evaluateAll((ts) =>
    ts.map((t) => t.getAttribute('aria-label') || t.textContent));
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
  step('notification');

  // aiblint.path pointing at something that is not a working server: one clear notification.
  const setPath = (value) => {
    fs.mkdirSync(`${process.env.WORKSPACE}/.vscode`, { recursive: true });
    fs.writeFileSync(`${process.env.WORKSPACE}/.vscode/settings.json`, JSON.stringify({ 'aiblint.path': value }));
  };
  setPath('/bin/false');
  await page.locator('.notification-toast', { hasText: '/bin/false' }).first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(3000);
  result.notifications_broken = await page.locator('.notification-toast').evaluateAll((ts) => ts.map((t) => t.innerText));
  step('broken aiblint.path');

  // Setting aiblint.path to the server restarts the client with it: diagnostics arrive.
  setPath(process.env.AIBLINT_PATH);
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'AIB102' }).first().waitFor({ timeout: 30000 });
  result.problems_after_setting = await problems(page);
  result.status_after_setting = await page.locator('.statusbar-item', { hasText: 'aiblint' }).evaluateAll((ts) =>
    ts.map((t) => t.getAttribute('aria-label') || t.textContent));
  step('aiblint.path');
}

async function main() {
  const context = await chromium.launchPersistentContext(process.env.PROFILE_DIR, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30000);
  try {
    await page.goto(process.env.CS_URL);
    await page.waitForSelector('.monaco-workbench');
    await page.waitForSelector('.explorer-folders-view .monaco-list-row[aria-label*="template.json"]');
    await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } });
    step('workbench');
    if (process.env.MODE === 'missing-server') await missingServer(page);
    else await session(page);
  } catch (err) {
    result.error = String(err && err.stack ? err.stack : err);
    try {
      result.problems_at_error = await problems(page);
      await page.screenshot({ path: process.env.OUT_FILE + '.error.png' });
    } catch {}
  } finally {
    fs.writeFileSync(process.env.OUT_FILE, JSON.stringify(result, null, 2));
    await context.close();
  }
  process.exit(result.error ? 1 : 0);
}

main();
