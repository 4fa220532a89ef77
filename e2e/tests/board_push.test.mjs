// The pushed office board (#11 items 1 and 2), as the office lives it: a check-in that is due
// but inside its grace turns amber with words; a panic raised from the teacher's browser
// appears on the office's board without a reload, the tab title shouts "(1) ALARM" with a red
// icon until someone acknowledges, and then goes quiet. Without JavaScript the board reloads
// itself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, apiAs, visitThroughApi, changeHartonPolicy } from "../lib/server.mjs";
import { launch, shot, signIn, DESKTOP } from "../lib/browser.mjs";

let server;
let browser;

/** Harton checks in every minute with three minutes' grace before the ladder starts. */
async function graceOfThreeMinutes(url) {
  const head = await apiAs(url, "head@harton.demo");
  const school = head.me.school_id;
  const settings = (await head.get(`/api/schools/${school}/policy`)).json.settings;
  settings.check_in.interval_minutes = 1;
  settings.check_in.grace_minutes = 3;
  settings.check_in.remind_before_minutes = 0;
  await changeHartonPolicy(url, settings, "End-to-end test: check in every minute, three minutes' grace");
}

before(async () => {
  server = await startServer();
  await graceOfThreeMinutes(server.url);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a late check-in is amber, a panic reaches another browser's board live and shouts until acknowledged", { timeout: 240_000 }, async () => {
  const url = server.url;
  const { id } = await visitThroughApi(url);
  const officeCtx = await browser.newContext(DESKTOP);
  const teacherCtx = await browser.newContext(DESKTOP);
  const plainCtx = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
  try {
    const office = await officeCtx.newPage();
    await signIn(office, url, "office@harton.demo");
    await office.goto(`${url}/board`);
    const row = office.locator("#board tr", { hasText: "Tom Teacher" });
    await row.waitFor();
    assert.equal(await office.title(), "Office board – Doorstep");
    await office.getByText(/Browsers play sound only after you have clicked/).waitFor();
    await office.getByRole("button", { name: "Show alarms as desktop notifications" }).waitFor();
    // The visitors' mobiles are links to phone them.
    assert.ok(await row.locator('a[href^="tel:"]').count() > 0, "the row has tel: links");
    const loads = [];
    office.on("load", () => loads.push(Date.now()));

    // A minute after leaving the check-in is due; inside the grace it is amber, in words too.
    await row.locator(".in-grace-words", { hasText: "LATE: check-in due, within grace, no alarm yet" })
      .waitFor({ timeout: 120_000 });
    assert.match(await row.getAttribute("class"), /in-grace/);
    assert.equal(await office.title(), "Office board – Doorstep", "no alarm yet");
    await shot(office, "board-push-01-in-grace");

    // The teacher presses panic in their own browser.
    const teacher = await teacherCtx.newPage();
    await signIn(teacher, url, "teacher@harton.demo");
    const panic = await teacherCtx.request.post(`${url}/api/visits/${id}/panic`, {
      data: { note: "Help", client_ref: "board-push-panic" },
    });
    assert.equal(panic.status(), 201, await panic.text());

    const alarm = office.locator("#board article.alarm", { hasText: "Tom Teacher" });
    await alarm.waitFor({ timeout: 10_000 });
    assert.equal(loads.length, 0, "the alarm arrived without reloading the board");
    await office.waitForFunction(() => /^\(1\) ALARM – Office board/.test(document.title));
    assert.equal(await office.locator("link[rel=icon]").getAttribute("href"), "/static/icons/alarm.svg");
    assert.ok(await alarm.locator('a[href^="tel:"]').count() > 0, "the alarm says whom to phone");
    await row.locator("strong", { hasText: "OVERDUE" }).waitFor();
    await shot(office, "board-push-02-alarm");

    // Someone takes charge: the board goes quiet.
    await alarm.getByLabel("What you are doing").fill("Ringing Tom now");
    await alarm.getByRole("button", { name: "Acknowledge: I am dealing with it" }).click();
    await office.locator("#board").getByText(/is dealing with this alarm \(since .*\): Ringing Tom now/).waitFor();
    await office.waitForFunction(() => document.title === "Office board – Doorstep");

    // Without JavaScript the board still works: it says it reloads itself, and does.
    const plain = await plainCtx.newPage();
    await signIn(plain, url, "office@harton.demo");
    await plain.goto(`${url}/board`);
    await plain.locator("#board article.alarm", { hasText: "Tom Teacher" }).waitFor();
    await plain.getByRole("link", { name: "Reload the board" }).waitFor();
    // (Chromium with scripts turned off by the test still parses <noscript> as text, so its
    // content is read from the page's source rather than seen.)
    const source = await plain.content();
    assert.match(source, /<noscript><meta http-equiv="refresh" content="20"><\/noscript>/);
    assert.match(source, /This page reloads itself every 20 seconds\./);
  } finally {
    await officeCtx.close();
    await teacherCtx.close();
    await plainCtx.close();
  }
});
