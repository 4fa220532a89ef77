// Import from the MIS through the page (#14): the office chooses the Common Transfer File with
// the file input, checks it (the dry run's counts and the pupil it cannot read), imports exactly
// what was checked, and finds the families among the households.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startServer } from "../lib/server.mjs";
import { launch, shot, signIn, DESKTOP } from "../lib/browser.mjs";

const CTF = fileURLToPath(new URL("../../crates/app/tests/fixtures/ctf_full.xml", import.meta.url));

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the office uploads a CTF file, sees what it would do, then imports it", { timeout: 120_000 }, async () => {
  const url = server.url;
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await signIn(page, url, "office@harton.demo");
    await page.goto(`${url}/imports`);
    const form = page.locator("form[action='/imports/ctf']");
    await form.getByLabel("The Common Transfer File (.xml, up to 20 MB)").setInputFiles(CTF);
    await form.getByRole("button", { name: "Check the file" }).click();
    const status = page.locator("#import-report [role=status]");
    await status.waitFor();
    assert.match(await status.innerText(), /^17 added, 0 changed, \d+ left, \d+ unchanged, 1 could not be read\./);
    assert.match(await page.locator("#import-problems").innerText(), /CTFpupilData\/Pupil\[5\]\/UPN/);
    await page.getByRole("heading", { name: "What the import would do" }).waitFor();
    await shot(page, "imports-01-checked");

    // Nothing is written by the check (looked at in another tab: this one keeps the form).
    const other = await ctx.newPage();
    await other.goto(`${url}/households`);
    assert.ok(!(await other.content()).includes("Nowak"), "a check writes nothing");
    await other.close();

    // "Import" sends what was checked (kept in the form, with its fingerprint).
    await form.getByRole("button", { name: "Import" }).click();
    await page.getByRole("heading", { name: "Imported", exact: true }).waitFor();
    assert.match(await status.innerText(), /^17 added/);
    await shot(page, "imports-02-imported");

    await page.goto(`${url}/households`);
    await page.getByText("Nowak").first().waitFor();
  } finally {
    await ctx.close();
  }
});

test("a file that is not text is refused beside the file input", { timeout: 120_000 }, async () => {
  const url = server.url;
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await signIn(page, url, "office@harton.demo");
    await page.goto(`${url}/imports`);
    const form = page.locator("form[action='/imports/ctf']");
    await form.getByLabel("The Common Transfer File (.xml, up to 20 MB)").setInputFiles({
      name: "pupils.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x9c]),
    });
    await form.getByRole("button", { name: "Check the file" }).click();
    const error = page.locator("#ctf_file-error");
    await error.waitFor();
    assert.match(await error.innerText(), /pupils\.xlsx is not a text file/);
    assert.equal(await page.locator("#ctf_file").getAttribute("aria-invalid"), "true");
  } finally {
    await ctx.close();
  }
});
