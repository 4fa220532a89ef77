// Per-reason defaults on the plan form (#13): St Joseph's "the visit will last around 30
// minutes" for nursery visits. Without JavaScript the end times start blank and the reason
// chosen fills them on saving; with it, choosing the reason fills them at once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, apiAs } from "../lib/server.mjs";
import { launch, signIn, DESKTOP } from "../lib/browser.mjs";

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

async function choose(page, selectLabel, optionText) {
  const select = page.getByLabel(selectLabel, { exact: true });
  const value = await select.locator("option", { hasText: optionText }).first().getAttribute("value");
  await select.selectOption(value);
}

test("a nursery visit planned without JavaScript and no end time lasts the policy's 30 minutes", { timeout: 120_000 }, async () => {
  const ctx = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    await signIn(page, server.url, "teacher@stjosephs.demo");
    await page.goto(`${server.url}/visits/new`);
    assert.equal(await page.getByLabel("Leave the house").inputValue(), "", "no guessed length before the reason is known");
    assert.equal(await page.getByLabel("Back", { exact: true }).inputValue(), "");
    await page.getByText(/Leave blank to use the usual length of the visit \(.*30 minutes\)/).waitFor();
    await choose(page, "Pupil", "Ava Smith");
    await page.getByLabel("Reason", { exact: true }).selectOption("nursery_transition");
    await page.getByLabel("Purpose of the visit").fill("Meet the family before Ava starts nursery.");
    await page.getByLabel("No — a visit is needed").check();
    // Tomorrow: a plan whose times have already passed today is refused (A7).
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("Date").fill(tomorrow);
    await page.getByLabel("Arrive").fill("10:15");
    await page.getByLabel("Leave school").fill("10:00");
    await page.getByRole("button", { name: "Save and check against the policy" }).click();
    await page.waitForURL(/\/visits\/\d+\?saved=1/);
    const id = Number(/\/visits\/(\d+)/.exec(page.url())[1]);
    const teacher = await apiAs(server.url, "teacher@stjosephs.demo");
    const visit = (await teacher.get(`/api/visits/${id}`)).json.visit;
    const minutes = (a, b) => (Date.parse(b) - Date.parse(a)) / 60000;
    assert.equal(minutes(visit.planned_arrive, visit.planned_leave_property), 30);
    assert.equal(minutes(visit.planned_arrive, visit.planned_return), 45, "back after the same 15-minute journey");
  } finally {
    await ctx.close();
  }
});
