// The offline queue: "I'm OK" tapped with no signal is kept on the phone and reaches the server
// exactly once when the signal is back — and sending it again (a retry after a lost answer)
// changes nothing. With no signal the page says first to call 999 if in danger, and a panic kept
// on the phone is raised at the time it was tapped, not when the signal came back (A6).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, visitThroughApi, apiAs } from "../lib/server.mjs";
import { launch, shot, signIn, PHONE } from "../lib/browser.mjs";

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

/** The check-ins the server holds for a visit, as its page lists them. */
async function checkIns(id, cookie) {
  const html = await (await fetch(`${server.url}/visits/${id}`, { headers: { cookie } })).text();
  return (html.match(/data-check-in/g) || []).length;
}

test("a check-in tapped offline reaches the server once when the phone is back online", { timeout: 120_000 }, async () => {
  const { id, teacher } = await visitThroughApi(server.url);
  const context = await browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    await page.goto(`${server.url}/today`);
    const card = page.locator(`#visit-${id}`);
    await card.getByRole("button", { name: "I'm OK" }).waitFor();

    await context.setOffline(true);
    await card.getByRole("button", { name: "I'm OK" }).click();
    const status = page.locator("#queue-status");
    await status.getByText(/^No signal — if you are in danger call 999 now\. 1 action saved on this phone/).waitFor();
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem("doorstep.queue.v1")));
    assert.equal(queued.length, 1);
    assert.equal(queued[0].url, `/api/visits/${id}/check-in`);
    const clientRef = queued[0].body.client_ref;
    assert.match(clientRef, /^[0-9a-f-]{36}$/);
    await shot(page, "offline-01-queued");

    // Nothing reached the server while offline.
    assert.equal(await checkIns(id, teacher.cookie), 0);

    await context.setOffline(false);
    await page.getByText(/Sent 1 saved action/).waitFor({ timeout: 30_000 });
    await page.waitForURL(`${server.url}/today`);
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("doorstep.queue.v1") || "[]").length), 0);
    await shot(page, "offline-02-sent");

    // The server has exactly one check-in, and a second delivery of the same action adds none.
    const again = await teacher.post(`/api/visits/${id}/check-in`, { client_ref: clientRef });
    assert.equal(again.status, 200);
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await page.waitForTimeout(500);
    assert.equal(await checkIns(id, teacher.cookie), 1);
    await page.goto(`${server.url}/visits/${id}`);
    assert.equal(await page.locator("[data-check-in]").count(), 1);
    await shot(page, "offline-03-one-check-in");
  } finally {
    await context.close();
  }
});

test("a cancel at the door tapped with no signal is kept, sent once the signal is back, and a resend changes nothing", { timeout: 120_000 }, async () => {
  const { id, teacher } = await visitThroughApi(server.url);
  const context = await browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    await page.goto(`${server.url}/today`);
    const card = page.locator(`#visit-${id}`);
    await card.getByRole("button", { name: "Arrived" }).click();
    await page.getByText("Arrival recorded.").waitFor();

    await context.setOffline(true);
    await card.getByText("Cancel at the door").click();
    await card.getByLabel("Child alone").check();
    await card.getByLabel("What happened").fill("Two children answered; no adult at home");
    await card.getByRole("button", { name: "Cancel the visit at the door" }).click();
    await page.locator("#queue-status").getByText(/No signal — if you are in danger call 999 now\. 1 action saved on this phone \(Cancel the visit at the door\)/).waitFor();
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem("doorstep.queue.v1")));
    assert.equal(queued.length, 1);
    assert.equal(queued[0].url, `/api/visits/${id}/cancel-at-door`);
    assert.deepEqual(queued[0].body, { reason: "child_alone", note: "Two children answered; no adult at home" });
    const before = (await teacher.get(`/api/visits/${id}`)).json;
    assert.equal(before.visit.status, "arrived", "nothing reached the server while offline");
    await shot(page, "offline-04-door-queued");

    await context.setOffline(false);
    await page.getByText(/Sent 1 saved action: Cancel the visit at the door/).waitFor({ timeout: 30_000 });
    await page.waitForURL(`${server.url}/today`);
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("doorstep.queue.v1") || "[]").length), 0);
    await page.locator(`#visit-${id}`).getByRole("button", { name: "Back at school" }).waitFor();
    await shot(page, "offline-05-door-sent");

    // The same cancel delivered again (its answer lost on the way back) is answered, not refused,
    // and the visit keeps one cancel at the door.
    const again = await teacher.post(`/api/visits/${id}/cancel-at-door`, queued[0].body);
    assert.equal(again.status, 200);
    const after = (await teacher.get(`/api/visits/${id}`)).json;
    assert.equal(after.visit.status, "cancelled_at_door");
    assert.equal(after.events.filter((e) => e.step === "cancelled_at_door").length, 1);
  } finally {
    await context.close();
  }
});

test("with no signal the phone says to call 999, and a panic kept offline is raised at its tap time", { timeout: 120_000 }, async () => {
  const { id } = await visitThroughApi(server.url);
  const context = await browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    await page.goto(`${server.url}/today`);
    const card = page.locator(`#visit-${id}`);
    await card.getByRole("button", { name: "I'm OK" }).waitFor();

    await context.setOffline(true);
    const status = page.locator("#queue-status");
    await status.getByText("No signal — if you are in danger call 999 now.", { exact: false }).waitFor();
    await card.getByRole("button", { name: "Panic — I need help" }).click();
    await card.getByText("Tap again to send the alarm").waitFor();
    await card.getByRole("button", { name: "Panic — I need help" }).click();
    await status.getByText(/^No signal — if you are in danger call 999 now\. 1 action saved on this phone \(Panic — I need help\)/).waitFor();
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem("doorstep.queue.v1")));
    assert.equal(queued.length, 1);
    await shot(page, "offline-06-panic-queued");

    // Some seconds without signal, then the alarm goes and says when it was tapped.
    await page.waitForTimeout(3000);
    const reconnected = Date.now();
    await context.setOffline(false);
    await page.getByText(/Sent 1 saved action: Panic — I need help/).waitFor({ timeout: 30_000 });
    const office = await apiAs(server.url, "office@harton.demo");
    const alarm = (await office.get("/api/alarms")).json.find((a) => a.visit_id === id && a.kind === "panic");
    assert.ok(alarm, "the panic reached school");
    assert.equal(Date.parse(alarm.raised_at), Date.parse(queued[0].at), "raised at the tap time");
    assert.ok(Date.parse(alarm.raised_at) < reconnected - 2000);
    const visit = (await office.get(`/api/visits/${id}`)).json;
    const received = visit.events.find((e) => e.step === "alarm_received");
    assert.ok(received && Date.parse(received.at) >= reconnected - 1000, "when it reached school is kept");
  } finally {
    await context.close();
  }
});
